//! Day-2 settings of clusters (§9.8, §10): metadata, timezone, OS patching, host
//! cluster settings, namespaces with quotas, RBAC bindings, backup and compliance-scan
//! features, agent upgrade lock, location and certificate renewal.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::capacity::{self, Holder, Limits, Resources};
use super::{
    ensure_unique_name, is_dns_label, load, load_virtual, modify, null_as_default, run, save_host, validate_name, Cluster,
    InstanceType, Location, OsPatchConfig, VirtualCluster, KIND, UPGRADE_LOCK_ANNOTATION,
};
use crate::clock::parse_timestamp;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Created, JsonBody, NoContent, PathParams};
use crate::lifecycle::{timestamp_of, State as ClusterState};
use crate::model::MetaInput;
use crate::scope::Scope;
use crate::state::SharedState;
use crate::uid::new_uid;

/// The real API's code for reading a backup that was never configured.
pub const BACKUP_NOT_CONFIGURED: &str = "BackupNotConfigured";
/// Our code for creating a feature configuration that already exists.
pub const ALREADY_CONFIGURED: &str = "AlreadyConfigured";

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/spectroclusters/{uid}/metadata", patch(update_metadata))
        .route("/v1/spectroclusters/{uid}/clusterConfig/timezone", patch(set_timezone))
        .route("/v1/spectroclusters/{uid}/clusterConfig/osPatch", patch(set_os_patch))
        .route("/v1/spectroclusters/{uid}/clusterConfig/hostCluster", patch(set_host_config))
        .route("/v1/spectroclusters/{uid}/config/namespaces", get(namespaces).put(set_namespaces))
        .route("/v1/spectroclusters/{uid}/config/rbacs", get(rbacs).put(set_rbacs))
        .route("/v1/spectroclusters/{uid}/features/backup", get(backup).post(create_backup).put(update_backup))
        .route("/v1/spectroclusters/{uid}/features/complianceScan", get(scan).post(create_scan).put(update_scan))
        .route("/v1/spectroclusters/{uid}/upgrade/settings", post(upgrade_settings))
        .route("/v1/spectroclusters/{uid}/location", put(set_location))
        .route("/v1/spectroclusters/{uid}/k8certificates/renew", patch(renew_certificates))
}

/// `{"pause": bool}`.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub struct LifecycleConfig {
    pub pause: bool,
}

/// A cron expression as robfig/cron's standard parser takes it: five fields, or a
/// `@` descriptor.
fn validate_cron(field: &str, text: &str) -> ApiResult<()> {
    let descriptors = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
    let fields: Vec<&str> = text.split_whitespace().collect();
    let valid = descriptors.contains(&text.trim())
        || text.trim().strip_prefix("@every ").is_some_and(|every| !every.trim().is_empty())
        || (fields.len() == 5 && fields.iter().all(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || "*/,-?".contains(c))));
    if valid {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!("{field}: '{text}' is not a valid cron expression")))
    }
}

/// A name of the IANA time zone database such as `UTC` or `America/New_York`
/// (exact case), as Palette's Go server loads zones.
pub fn validate_timezone(timezone: &str, allow_empty: bool) -> ApiResult<()> {
    let known = jiff::tz::db().get(timezone).ok().is_some_and(|zone| zone.iana_name() == Some(timezone));
    let valid = (allow_empty && timezone.is_empty()) || known;
    if valid {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!("timezone: '{timezone}' is not a valid time zone (use UTC, GMT or e.g. America/New_York)")))
    }
}

pub fn validate_os_patch(config: &OsPatchConfig) -> ApiResult<()> {
    if !config.schedule.is_empty() {
        validate_cron("osPatchConfig.schedule", &config.schedule)?;
    }
    let after = &config.on_demand_patch_after;
    if !after.is_empty() && parse_timestamp(after).is_none() {
        return Err(ApiError::bad_request(format!("osPatchConfig.onDemandPatchAfter: '{after}' is not an RFC 3339 time")));
    }
    Ok(())
}

/// A stored feature configuration with its UID.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feature<T> {
    pub uid: String,
    pub config: T,
}

impl<T> Feature<T> {
    pub fn new(config: T) -> Feature<T> {
        Feature { uid: new_uid(), config }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Schedule {
    #[serde(deserialize_with = "null_as_default")]
    pub scheduled_run_time: String,
}

/// `v1ClusterBackupConfig`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BackupPolicy {
    #[serde(deserialize_with = "null_as_default")]
    pub backup_location_uid: String,
    #[serde(deserialize_with = "null_as_default")]
    pub backup_location_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub backup_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub backup_prefix: String,
    pub duration_in_hours: i64,
    pub include_all_disks: bool,
    pub include_cluster_resources: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub include_cluster_resource_mode: String,
    #[serde(deserialize_with = "null_as_default")]
    pub location_type: String,
    #[serde(deserialize_with = "null_as_default")]
    pub namespaces: Vec<String>,
    pub schedule: Schedule,
}

impl BackupPolicy {
    pub fn validate(&self) -> ApiResult<()> {
        if self.backup_location_uid.trim().is_empty() {
            return Err(ApiError::bad_request("backupLocationUid is required"));
        }
        if self.backup_prefix.trim().is_empty() {
            return Err(ApiError::bad_request("backupPrefix is required"));
        }
        if self.duration_in_hours < 0 {
            return Err(ApiError::bad_request("durationInHours must not be negative"));
        }
        let modes = ["Always", "Never", "Auto"];
        let mode = self.include_cluster_resource_mode.as_str();
        if !mode.is_empty() && !modes.contains(&mode) {
            return Err(ApiError::bad_request(format!(
                "includeClusterResourceMode: invalid value '{mode}', expected one of Always, Never, Auto"
            )));
        }
        if !self.schedule.scheduled_run_time.is_empty() {
            validate_cron("schedule.scheduledRunTime", &self.schedule.scheduled_run_time)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScanSchedule {
    pub schedule: Schedule,
}

/// `v1ClusterComplianceScheduleConfig`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScanPolicy {
    pub kube_bench: Option<ScanSchedule>,
    pub kube_hunter: Option<ScanSchedule>,
    pub sonobuoy: Option<ScanSchedule>,
}

impl ScanPolicy {
    /// `(driver name, schedule)` of the configured drivers.
    fn drivers(&self) -> Vec<(&'static str, &ScanSchedule)> {
        [("kube-bench", &self.kube_bench), ("kube-hunter", &self.kube_hunter), ("sonobuoy", &self.sonobuoy)]
            .into_iter()
            .filter_map(|(name, schedule)| schedule.as_ref().map(|schedule| (name, schedule)))
            .collect()
    }

    pub fn validate(&self) -> ApiResult<()> {
        for (driver, schedule) in self.drivers() {
            validate_cron(&format!("{driver} schedule"), &schedule.schedule.scheduled_run_time)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GpuConfig {
    pub limit: i32,
    #[serde(deserialize_with = "null_as_default")]
    pub provider: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResourceAllocation {
    pub cpu_cores: f64,
    #[serde(rename = "memoryMiB")]
    pub memory_mib: f64,
    pub gpu_config: Option<GpuConfig>,
}

/// A stored namespace with its quota.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Namespace {
    pub uid: String,
    pub name: String,
    pub is_regex: bool,
    pub resource_allocation: ResourceAllocation,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NamespaceInput {
    metadata: MetaInput,
    spec: NamespaceSpecInput,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct NamespaceSpecInput {
    is_regex: bool,
    resource_allocation: ResourceAllocation,
}

/// Checks namespaces (names are DNS labels unless `isRegex`, allocations are not
/// negative) and keeps the UIDs of `existing` namespaces of the same name.
fn build_namespaces(inputs: Vec<NamespaceInput>, existing: &[Namespace]) -> ApiResult<Vec<Namespace>> {
    let mut namespaces: Vec<Namespace> = Vec::new();
    for input in inputs {
        let name = input.metadata.required_name()?;
        if !input.spec.is_regex && !is_dns_label(&name) {
            return Err(ApiError::bad_request(format!("namespace '{name}' is not a valid namespace name")));
        }
        if namespaces.iter().any(|ns| ns.name == name) {
            return Err(ApiError::bad_request(format!("namespace '{name}' is listed twice")));
        }
        let allocation = input.spec.resource_allocation;
        if allocation.cpu_cores < 0.0 || allocation.memory_mib < 0.0 || allocation.gpu_config.as_ref().is_some_and(|gpu| gpu.limit < 0) {
            return Err(ApiError::bad_request(format!("namespace '{name}': resource allocations must not be negative")));
        }
        let uid = existing.iter().find(|ns| ns.name == name).map_or_else(new_uid, |ns| ns.uid.clone());
        namespaces.push(Namespace { uid, name, is_regex: input.spec.is_regex, resource_allocation: allocation });
    }
    Ok(namespaces)
}

/// 400 `QuotaExceeded` unless the namespaces' allocations together fit the quota of
/// cluster `cluster_name` (a quota member of 0 sets no limit).
pub fn ensure_namespaces_fit(namespaces: &[Namespace], quota: &InstanceType, cluster_name: &str) -> ApiResult<()> {
    let allocated = namespaces.iter().fold(Resources::default(), |sum, ns| {
        sum + Resources {
            cpu_milli: (ns.resource_allocation.cpu_cores * 1000.0).ceil() as i64,
            memory_mib: ns.resource_allocation.memory_mib.ceil() as i64,
            storage_gib: 0,
        }
    });
    let quota = quota.resources();
    let limits = Limits {
        cpu_milli: (quota.cpu_milli > 0).then_some(quota.cpu_milli),
        memory_mib: (quota.memory_mib > 0).then_some(quota.memory_mib),
        storage_gib: None,
    };
    capacity::ensure_fits(Holder { kind: "quota of cluster", name: cluster_name, uid: "" }, limits, Resources::default(), allocated)
}

/// The namespaces of a new cluster named `cluster_name` with `quota`.
pub fn namespaces_from(inputs: Vec<NamespaceInput>, quota: &InstanceType, cluster_name: &str) -> ApiResult<Vec<Namespace>> {
    let namespaces = build_namespaces(inputs, &[])?;
    ensure_namespaces_fit(&namespaces, quota, cluster_name)?;
    Ok(namespaces)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacRole {
    #[serde(deserialize_with = "null_as_default")]
    pub kind: String,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacSubject {
    #[serde(rename = "type", deserialize_with = "null_as_default")]
    pub subject_type: String,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub namespace: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacBinding {
    #[serde(rename = "type", deserialize_with = "null_as_default")]
    pub binding_type: String,
    #[serde(deserialize_with = "null_as_default")]
    pub namespace: String,
    pub role: RbacRole,
    #[serde(deserialize_with = "null_as_default")]
    pub subjects: Vec<RbacSubject>,
}

impl RbacBinding {
    fn validate(&self) -> ApiResult<()> {
        let bad = |message: String| Err(ApiError::bad_request(message));
        match self.binding_type.as_str() {
            "RoleBinding" if self.namespace.is_empty() => return bad("a RoleBinding needs a namespace".into()),
            "RoleBinding" | "ClusterRoleBinding" => {}
            other => return bad(format!("binding type: invalid value '{other}', expected RoleBinding or ClusterRoleBinding")),
        }
        match self.role.kind.as_str() {
            "Role" if self.binding_type == "ClusterRoleBinding" => return bad("a ClusterRoleBinding must refer to a ClusterRole".into()),
            "Role" | "ClusterRole" => {}
            other => return bad(format!("role kind: invalid value '{other}', expected Role or ClusterRole")),
        }
        if self.role.name.is_empty() {
            return bad("role name is required".into());
        }
        for subject in &self.subjects {
            if !["User", "Group", "ServiceAccount"].contains(&subject.subject_type.as_str()) {
                return bad(format!("subject type: invalid value '{}', expected User, Group or ServiceAccount", subject.subject_type));
            }
            if subject.name.is_empty() {
                return bad("subject name is required".into());
            }
            if subject.subject_type == "ServiceAccount" && subject.namespace.is_empty() {
                return bad(format!("service account subject '{}' needs a namespace", subject.name));
            }
        }
        Ok(())
    }
}

/// A stored set of RBAC bindings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rbac {
    pub uid: String,
    pub name: String,
    pub bindings: Vec<RbacBinding>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RbacInput {
    metadata: MetaInput,
    spec: RbacSpecInput,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RbacSpecInput {
    #[serde(deserialize_with = "null_as_default")]
    bindings: Vec<RbacBinding>,
}

fn build_rbacs(inputs: Vec<RbacInput>, existing: &[Rbac]) -> ApiResult<Vec<Rbac>> {
    inputs
        .into_iter()
        .enumerate()
        .map(|(index, input)| {
            input.spec.bindings.iter().try_for_each(RbacBinding::validate)?;
            let name = input.metadata.name.unwrap_or_default();
            let kept = existing
                .iter()
                .find(|rbac| !name.is_empty() && rbac.name == name)
                .or_else(|| existing.get(index).filter(|_| name.is_empty()));
            Ok(Rbac { uid: kept.map_or_else(new_uid, |rbac| rbac.uid.clone()), name, bindings: input.spec.bindings })
        })
        .collect()
}

pub fn rbacs_from(inputs: Vec<RbacInput>) -> ApiResult<Vec<Rbac>> {
    build_rbacs(inputs, &[])
}

#[derive(Debug, Deserialize)]
struct MetadataBody {
    metadata: MetaInput,
}

/// Name, labels and annotations; the server-managed annotations survive.
async fn update_metadata(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<MetadataBody>,
) -> ApiResult<NoContent> {
    let owner = scope.clone();
    modify(&app, uid, scope, move |tx, now, cluster| {
        let metadata = body.metadata;
        if metadata.name.is_some() {
            let name = metadata.required_name()?;
            if name != cluster.metadata.name {
                validate_name(&name)?;
                ensure_unique_name(tx, &owner, &name, Some(&cluster.metadata.uid), now)?;
                cluster.metadata.name = name;
            }
        }
        let lock = cluster.metadata.annotations.get(UPGRADE_LOCK_ANNOTATION).cloned();
        cluster.metadata.apply(metadata, &timestamp_of(now));
        if let Some(lock) = lock {
            cluster.metadata.annotations.insert(UPGRADE_LOCK_ANNOTATION.to_string(), lock);
        }
        Ok(())
    })
    .await
}

#[derive(Debug, Deserialize)]
struct TimezoneBody {
    timezone: String,
}

async fn set_timezone(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<TimezoneBody>,
) -> ApiResult<NoContent> {
    validate_timezone(&body.timezone, false)?;
    modify(&app, uid, scope, move |_, _, cluster| {
        cluster.spec.timezone = body.timezone;
        Ok(())
    })
    .await
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OsPatchBody {
    os_patch_config: OsPatchConfig,
}

async fn set_os_patch(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<OsPatchBody>,
) -> ApiResult<NoContent> {
    validate_os_patch(&body.os_patch_config)?;
    modify(&app, uid, scope, move |_, _, cluster| {
        cluster.spec.os_patch = body.os_patch_config;
        Ok(())
    })
    .await
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HostConfigBody {
    host_cluster_config: HostConfigInput,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct HostConfigInput {
    is_host_cluster: bool,
    cluster_endpoint: Option<Value>,
}

/// Enables or updates hosting on a (non-virtual) cluster. Hosting cannot be turned
/// off while cluster groups or virtual clusters use the cluster (409).
async fn set_host_config(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<HostConfigBody>,
) -> ApiResult<NoContent> {
    let config = body.host_cluster_config;
    let endpoint_type = config.cluster_endpoint.as_ref().and_then(|e| e.get("type")).and_then(Value::as_str).unwrap_or("Ingress");
    if !["Ingress", "LoadBalancer"].contains(&endpoint_type) {
        return Err(ApiError::bad_request(format!(
            "clusterEndpoint.type: invalid value '{endpoint_type}', expected Ingress or LoadBalancer"
        )));
    }
    let now = app.now();
    let stamp = app.timestamp();
    run(&app, move |tx| {
        let Cluster::Host(mut host) = load(tx, &uid, &scope, now)?.value else {
            return Err(ApiError::bad_request("a virtual cluster cannot host virtual clusters"));
        };
        if !config.is_host_cluster && !tx.referrers(KIND, &uid)?.is_empty() {
            return Err(ApiError::in_use(format!("host cluster '{}' is in use by cluster groups or virtual clusters", host.name())));
        }
        let hosting = &mut host.0["spec"]["clusterConfig"]["hostClusterConfig"];
        hosting["isHostCluster"] = json!(config.is_host_cluster);
        if let Some(endpoint) = config.cluster_endpoint {
            hosting["clusterEndpoint"] = endpoint;
        }
        host.0["metadata"]["lastModifiedTimestamp"] = json!(stamp);
        save_host(tx, &host)
    })
    .await?;
    Ok(NoContent)
}

fn related(cluster: &VirtualCluster) -> Value {
    json!({ "kind": "spectrocluster", "name": cluster.metadata.name, "uid": cluster.metadata.uid })
}

/// Reads one view of a live virtual cluster.
async fn view_of(
    app: &SharedState,
    uid: String,
    scope: Scope,
    view: impl FnOnce(&VirtualCluster) -> ApiResult<Value> + Send + 'static,
) -> ApiResult<Json<Value>> {
    let now = app.now();
    Ok(Json(run(&app, move |tx| view(&load_virtual(tx, &uid, &scope, now)?.value)).await?))
}

async fn namespaces(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    view_of(&app, uid, scope, |cluster| {
        let items: Vec<Value> = cluster
            .spec
            .namespaces
            .iter()
            .map(|ns| {
                json!({ "metadata": { "name": ns.name, "uid": ns.uid },
                        "spec": { "isRegex": ns.is_regex, "relatedObject": related(cluster), "resourceAllocation": ns.resource_allocation },
                        "status": { "errors": [] } })
            })
            .collect();
        Ok(json!({ "items": items }))
    })
    .await
}

#[derive(Debug, Deserialize)]
struct NamespacesBody {
    #[serde(deserialize_with = "null_as_default")]
    namespaces: Vec<NamespaceInput>,
}

async fn set_namespaces(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<NamespacesBody>,
) -> ApiResult<NoContent> {
    modify(&app, uid, scope, move |_, _, cluster| {
        let namespaces = build_namespaces(body.namespaces, &cluster.spec.namespaces)?;
        ensure_namespaces_fit(&namespaces, &cluster.spec.quota, &cluster.metadata.name)?;
        cluster.spec.namespaces = namespaces;
        Ok(())
    })
    .await
}

async fn rbacs(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    view_of(&app, uid, scope, |cluster| {
        let items: Vec<Value> = cluster
            .spec
            .rbacs
            .iter()
            .map(|rbac| {
                json!({ "metadata": { "name": rbac.name, "uid": rbac.uid },
                        "spec": { "bindings": rbac.bindings, "isSystem": false, "relatedObject": related(cluster) },
                        "status": { "errors": [] } })
            })
            .collect();
        Ok(json!({ "items": items }))
    })
    .await
}

#[derive(Debug, Deserialize)]
struct RbacsBody {
    #[serde(deserialize_with = "null_as_default")]
    rbacs: Vec<RbacInput>,
}

async fn set_rbacs(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<RbacsBody>,
) -> ApiResult<NoContent> {
    modify(&app, uid, scope, move |_, _, cluster| {
        cluster.spec.rbacs = build_rbacs(body.rbacs, &cluster.spec.rbacs)?;
        Ok(())
    })
    .await
}

fn backup_not_configured(cluster: &VirtualCluster) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, BACKUP_NOT_CONFIGURED, format!("backup is not configured for cluster '{}'", cluster.metadata.name))
}

fn already_configured(feature: &str, cluster: &VirtualCluster) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ALREADY_CONFIGURED,
        format!("{feature} is already configured for cluster '{}'; use PUT", cluster.metadata.name),
    )
}

async fn backup(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    view_of(&app, uid, scope, |cluster| {
        let backup = cluster.spec.backup.as_ref().ok_or_else(|| backup_not_configured(cluster))?;
        Ok(json!({ "metadata": { "name": "backup", "uid": backup.uid },
                   "spec": { "clusterUid": cluster.metadata.uid, "config": backup.config },
                   "status": { "clusterBackupStatuses": [] } }))
    })
    .await
}

/// Where a feature's configuration lives in a cluster, and its errors.
struct FeatureSlot<T> {
    name: &'static str,
    slot: fn(&mut VirtualCluster) -> &mut Option<Feature<T>>,
    missing: fn(&VirtualCluster) -> ApiError,
}

const BACKUP: FeatureSlot<BackupPolicy> =
    FeatureSlot { name: "backup", slot: |cluster| &mut cluster.spec.backup, missing: backup_not_configured };
const SCAN: FeatureSlot<ScanPolicy> =
    FeatureSlot { name: "compliance scan", slot: |cluster| &mut cluster.spec.scan, missing: scan_not_configured };

/// Stores a feature configuration: a create (POST) refuses an existing one (409), an
/// update (PUT) needs one. Returns the configuration's UID.
async fn set_feature<T: Send + 'static>(
    app: &SharedState,
    uid: String,
    scope: Scope,
    config: T,
    create: bool,
    feature: FeatureSlot<T>,
) -> ApiResult<String> {
    let fresh = new_uid();
    let assigned = fresh.clone();
    modify(app, uid, scope, move |_, _, cluster| match ((feature.slot)(cluster).take(), create) {
        (Some(_), true) => Err(already_configured(feature.name, cluster)),
        (None, false) => Err((feature.missing)(cluster)),
        (existing, _) => {
            *(feature.slot)(cluster) = Some(Feature { uid: existing.map_or(assigned, |existing| existing.uid), config });
            Ok(())
        }
    })
    .await?;
    Ok(fresh)
}

fn scan_not_configured(cluster: &VirtualCluster) -> ApiError {
    ApiError::not_found("compliance scan of cluster", &cluster.metadata.name)
}

async fn create_backup(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(policy): JsonBody<BackupPolicy>,
) -> ApiResult<Created> {
    policy.validate()?;
    Ok(Created(set_feature(&app, uid, scope, policy, true, BACKUP).await?))
}

async fn update_backup(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(policy): JsonBody<BackupPolicy>,
) -> ApiResult<NoContent> {
    policy.validate()?;
    set_feature(&app, uid, scope, policy, false, BACKUP).await?;
    Ok(NoContent)
}

async fn scan(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    view_of(&app, uid, scope, |cluster| {
        let scan = cluster.spec.scan.as_ref().ok_or_else(|| scan_not_configured(cluster))?;
        let drivers: serde_json::Map<String, Value> = scan
            .config
            .drivers()
            .into_iter()
            .map(|(driver, schedule)| (driver.to_string(), json!({ "config": schedule, "isClusterConfig": true })))
            .collect();
        Ok(json!({ "metadata": { "name": "compliance-scan", "uid": scan.uid },
                   "spec": { "clusterUid": cluster.metadata.uid, "driverSpec": drivers } }))
    })
    .await
}

async fn create_scan(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(policy): JsonBody<ScanPolicy>,
) -> ApiResult<Created> {
    policy.validate()?;
    Ok(Created(set_feature(&app, uid, scope, policy, true, SCAN).await?))
}

async fn update_scan(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(policy): JsonBody<ScanPolicy>,
) -> ApiResult<NoContent> {
    policy.validate()?;
    set_feature(&app, uid, scope, policy, false, SCAN).await?;
    Ok(NoContent)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpgradeSettings {
    spectro_components: String,
}

/// `lock` / `unlock` Palette agent upgrades (annotation `spectroComponentsUpgradeForbidden`).
async fn upgrade_settings(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<UpgradeSettings>,
) -> ApiResult<NoContent> {
    let forbidden = match body.spectro_components.as_str() {
        "lock" => "true",
        "unlock" => "false",
        other => return Err(ApiError::bad_request(format!("spectroComponents: invalid value '{other}', expected lock or unlock"))),
    };
    modify(&app, uid, scope, move |_, _, cluster| {
        cluster.metadata.annotations.insert(UPGRADE_LOCK_ANNOTATION.to_string(), forbidden.to_string());
        Ok(())
    })
    .await
}

#[derive(Debug, Deserialize)]
struct LocationBody {
    location: Option<Location>,
}

async fn set_location(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<LocationBody>,
) -> ApiResult<NoContent> {
    let location = body.location.unwrap_or_default();
    location.validate()?;
    modify(&app, uid, scope, move |_, _, cluster| {
        cluster.spec.location = location;
        Ok(())
    })
    .await
}

/// Renews the cluster's Kubernetes certificates: only a running cluster can (400 otherwise).
async fn renew_certificates(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<NoContent> {
    modify(&app, uid, scope, |_, now, cluster| {
        if cluster.state(now) != ClusterState::Running {
            return Err(ApiError::bad_request(format!(
                "cluster '{}' is {}; certificates can be renewed once it runs",
                cluster.metadata.name,
                cluster.state(now).as_str()
            )));
        }
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_and_timezones() {
        for good in ["0 0 * * *", "*/5 1-3 * JAN MON", "@daily", "@every 1h"] {
            assert!(validate_cron("s", good).is_ok(), "{good}");
        }
        for bad in ["", "0 0 * *", "0 0 * * * *", "@sometimes", "0 0 * * $"] {
            assert!(validate_cron("s", bad).is_err(), "{bad}");
        }
        assert!(validate_timezone("America/New_York", false).is_ok());
        assert!(validate_timezone("UTC", false).is_ok());
        assert!(validate_timezone("", true).is_ok());
        assert!(validate_timezone("", false).is_err());
        assert!(validate_timezone("New York", false).is_err());
    }

    fn namespace(name: &str, cpu: f64, memory: f64, regex: bool) -> NamespaceInput {
        serde_json::from_value(json!({"metadata": {"name": name},
            "spec": {"isRegex": regex, "resourceAllocation": {"cpuCores": cpu, "memoryMiB": memory}}}))
        .unwrap()
    }

    #[test]
    fn namespaces_fit_the_quota_and_keep_their_uids() {
        let quota = InstanceType { max_cpu: 4, max_mem_in_mib: 4096, ..InstanceType::default() };
        let first =
            namespaces_from(vec![namespace("a", 2.0, 2048.0, false), namespace("~^dev-.*", 1.5, 1024.0, true)], &quota, "vc").unwrap();
        let again = build_namespaces(vec![namespace("a", 1.0, 1.0, false)], &first).unwrap();
        assert_eq!(again[0].uid, first[0].uid);
        let err = namespaces_from(vec![namespace("a", 3.0, 1.0, false), namespace("b", 1.5, 1.0, false)], &quota, "vc").unwrap_err();
        assert_eq!(err.code, capacity::QUOTA_EXCEEDED);
        assert!(err.message.contains("quota of cluster 'vc'"), "{}", err.message);
        assert!(namespaces_from(vec![namespace("Bad_Name", 1.0, 1.0, false)], &quota, "vc").is_err());
        assert!(namespaces_from(vec![namespace("a", -1.0, 1.0, false)], &quota, "vc").is_err());
        let unlimited = InstanceType::default();
        assert!(namespaces_from(vec![namespace("a", 64.0, 1.0, false)], &unlimited, "vc").is_ok());
    }

    #[test]
    fn rbac_bindings_are_checked() {
        let binding = |value: Value| serde_json::from_value::<RbacBinding>(value).unwrap().validate();
        assert!(binding(json!({"type": "ClusterRoleBinding", "role": {"kind": "ClusterRole", "name": "admin"},
                               "subjects": [{"type": "User", "name": "a@b.c"}]}))
        .is_ok());
        assert!(binding(json!({"type": "RoleBinding", "role": {"kind": "Role", "name": "r"}})).is_err(), "namespace missing");
        assert!(binding(json!({"type": "ClusterRoleBinding", "role": {"kind": "Role", "name": "r"}})).is_err());
        assert!(binding(json!({"type": "Binding", "role": {"kind": "Role", "name": "r"}})).is_err());
        assert!(binding(json!({"type": "ClusterRoleBinding", "role": {"kind": "ClusterRole", "name": "r"},
                               "subjects": [{"type": "ServiceAccount", "name": "sa"}]}))
        .is_err());
    }

    #[test]
    fn backup_policies_are_checked() {
        let policy = |value: Value| serde_json::from_value::<BackupPolicy>(value).unwrap().validate();
        assert!(policy(json!({"backupLocationUid": "x", "backupPrefix": "p", "schedule": {"scheduledRunTime": "0 1 * * *"}})).is_ok());
        assert!(policy(json!({"backupPrefix": "p"})).is_err());
        assert!(policy(json!({"backupLocationUid": "x", "backupPrefix": "p", "includeClusterResourceMode": "Sometimes"})).is_err());
        let scan: ScanPolicy = serde_json::from_value(json!({"kubeBench": {"schedule": {"scheduledRunTime": "nope"}}})).unwrap();
        assert!(scan.validate().is_err());
    }
}
