//! Day-2 settings of clusters (§9.8, §10): metadata, timezone, OS patching, host
//! cluster settings, namespaces with quotas, RBAC bindings, backup and compliance-scan
//! features, agent upgrade lock, location and certificate renewal.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::modify;
use crate::domain::cluster::settings::{
    build_namespaces, build_rbacs, ensure_namespaces_fit, validate_os_patch, validate_timezone, BackupPolicy, Feature, NamespaceInput,
    RbacInput, ScanPolicy,
};
use crate::model::null_as_default;
use crate::domain::cluster::{ensure_unique_name, load, load_virtual, save_host, validate_name, Cluster, Location, OsPatchConfig, VirtualCluster, KIND, UPGRADE_LOCK_ANNOTATION};
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
    app.store.run(move |tx| {
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
    Ok(Json(app.store.run(move |tx| view(&load_virtual(tx, &uid, &scope, now)?.value)).await?))
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
