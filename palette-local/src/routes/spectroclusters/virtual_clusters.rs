//! Virtual cluster create, validation, read, delete and pause/resume (§9.1–§9.4).
//!
//! Placement: `clusterConfig.hostClusterConfig` names a cluster group, a host
//! cluster, or both (then the host must be a member of the group). With a group only,
//! the member host with the most free CPU among those the quota fits on is chosen.
//! The quota (`machinepoolconfig[0].cloudConfig.instanceType`) must fit the host
//! cluster's capacity and the group's limits ([`capacity`](super::capacity)).

use axum::extract::State;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::capacity::{self, Resources};
use super::day2::{self, BackupPolicy, NamespaceInput, RbacInput, ScanPolicy};
use super::profiles::{self, AttachmentInput};
use super::views::{self, ViewContext};
use super::{
    ensure_unique_name, find_host, list_virtual, load, modify, null_as_default, run, tenant_uid, usable_from,
    validate_name, Access, ApiEndpoint, Cluster, HostCluster, InstanceType, Location, NamedRef, OsPatchConfig, Placement, UidRef,
    VirtualCluster, VirtualClusterConfig, VirtualClusterSpec, CLOUD_CONFIG_KIND, KIND, NESTED,
};
use crate::config::LifecycleTimings;
use crate::domain::collection;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Created, JsonBody, NoContent, PathParams, QueryParams};
use crate::lifecycle::{timestamp_of, Lifecycle, Millis, State as ClusterState};
use crate::model::{MetaInput, ObjectMeta};
use crate::routes::clustergroups::{self, ClusterGroup};
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::{Row, Tx};
use crate::uid::new_uid;

const DISTROS: [&str; 3] = ["k3s", "cncf_k8s", "vcluster-generic"];

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/spectroclusters/virtual", post(create))
        .route("/v1/spectroclusters/virtual/validate", post(validate))
        .route("/v1/spectroclusters/virtual/packs/values", get(pack_values))
        .route("/v1/spectroclusters/validate/name", get(validate_cluster_name))
        .route("/v1/spectroclusters/{uid}", get(read).delete(remove))
        .route("/v1/spectroclusters/{uid}/status", get(status))
        .route("/v1/spectroclusters/{uid}/clusterConfig/lifecycleConfig", patch(set_lifecycle))
}

/// `v1SpectroVirtualClusterEntity`.
#[derive(Debug, Deserialize)]
pub struct VirtualClusterEntity {
    metadata: MetaInput,
    spec: EntitySpec,
}

impl VirtualClusterEntity {
    /// A cluster named `name` in cluster group `group_uid` with `quota`, all else default.
    pub fn in_group(name: String, group_uid: String, quota: InstanceType) -> VirtualClusterEntity {
        let placement = PlacementInput { cluster_group: Some(UidRef { uid: group_uid }), host_cluster: None };
        VirtualClusterEntity {
            metadata: MetaInput { name: Some(name), labels: None, annotations: None },
            spec: EntitySpec {
                cluster_config: Some(ClusterConfigInput { host_cluster_config: Some(placement), ..ClusterConfigInput::default() }),
                machine_pool_config: vec![MachinePoolEntity { cloud_config: MachinePoolCloudConfig { instance_type: quota } }],
                ..EntitySpec::default()
            },
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct EntitySpec {
    cloud_config: VirtualClusterConfig,
    cluster_config: Option<ClusterConfigInput>,
    #[serde(rename = "machinepoolconfig", deserialize_with = "null_as_default")]
    machine_pool_config: Vec<MachinePoolEntity>,
    #[serde(deserialize_with = "null_as_default")]
    profiles: Vec<AttachmentInput>,
    policies: Option<Policies>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ClusterConfigInput {
    host_cluster_config: Option<PlacementInput>,
    lifecycle_config: Option<day2::LifecycleConfig>,
    #[serde(deserialize_with = "null_as_default")]
    timezone: String,
    update_worker_pools_in_parallel: bool,
    machine_management_config: Option<MachineManagementConfig>,
    resources: Option<ResourcesInput>,
    location: Option<Location>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct PlacementInput {
    cluster_group: Option<UidRef>,
    host_cluster: Option<UidRef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct MachineManagementConfig {
    os_patch_config: Option<OsPatchConfig>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResourcesInput {
    #[serde(deserialize_with = "null_as_default")]
    namespaces: Vec<NamespaceInput>,
    #[serde(deserialize_with = "null_as_default")]
    rbacs: Vec<RbacInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct MachinePoolEntity {
    cloud_config: MachinePoolCloudConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct MachinePoolCloudConfig {
    instance_type: InstanceType,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct Policies {
    backup_policy: Option<BackupPolicy>,
    scan_policy: Option<ScanPolicy>,
}

/// Where a new cluster goes: the host cluster and, when placed by group, the group.
struct Target {
    host: Row<HostCluster>,
    group: Option<Row<ClusterGroup>>,
}

/// Picks the host for `requested` (see the module docs); the quota errors are the
/// capacity module's.
fn place(tx: &Tx<'_>, scope: &Scope, placement: Option<&PlacementInput>, requested: Resources, now: Millis) -> ApiResult<Target> {
    let group_uid = placement.and_then(|p| UidRef::given(&p.cluster_group));
    let host_uid = placement.and_then(|p| UidRef::given(&p.host_cluster));
    let group = group_uid.map(|uid| clustergroups::usable(tx, uid, scope)).transpose()?;
    let live = list_virtual(tx, now)?;
    if let Some(uid) = host_uid {
        let in_group = group.as_ref().is_some_and(|group| group.value.has_host(uid));
        let host = find_host(tx, uid)?
            .filter(|host| in_group || usable_from(&host.owner, scope))
            .ok_or_else(|| ApiError::not_found("host cluster", uid))?;
        if let Some(group) = &group {
            if !in_group {
                return Err(ApiError::bad_request(format!(
                    "host cluster '{}' is not a member of cluster group '{}'",
                    host.value.name(),
                    group.value.metadata.name
                )));
            }
        }
        host.value.ensure_usable()?;
        capacity::ensure_room(&live, &host, group.as_ref(), requested, None)?;
        return Ok(Target { host, group });
    }
    let Some(group) = group else {
        return Err(ApiError::bad_request("spec.clusterConfig.hostClusterConfig: clusterGroup.uid or hostCluster.uid is required"));
    };
    let mut best: Option<(i64, Row<HostCluster>)> = None;
    let mut first_error = None;
    for member in &group.value.spec.cluster_refs {
        let Some(host) = find_host(tx, &member.cluster_uid)? else { continue };
        let fits = host.value.ensure_usable().and_then(|()| capacity::ensure_room(&live, &host, Some(&group), requested, None));
        match fits {
            Ok(()) => {
                let used = capacity::usage(&live, None, |c| c.spec.placement.host_cluster.uid == host.uid);
                let free = host.value.capacity().cpu_milli - used.cpu_milli;
                if best.as_ref().is_none_or(|(most, _)| free > *most) {
                    best = Some((free, host));
                }
            }
            Err(err) => {
                first_error.get_or_insert(err);
            }
        }
    }
    match (best, first_error) {
        (Some((_, host)), _) => Ok(Target { host, group: Some(group) }),
        (None, Some(err)) => Err(err),
        (None, None) => Err(ApiError::bad_request(format!("cluster group '{}' has no host clusters", group.value.metadata.name))),
    }
}

/// The API endpoint of a new cluster: the given control plane endpoint, else a name
/// under the group's (or host's) ingress domain, e.g. `*.dev.example.com` gives
/// `vc-1-3f2a1b.dev.example.com`.
fn endpoint_for(name: &str, uid: &str, target: &Target, given: &ApiEndpoint) -> (String, ApiEndpoint) {
    let group_endpoint = target.group.as_ref().and_then(|group| group.value.endpoint_of(&target.host.uid));
    let host_endpoint = target.host.value.endpoint();
    let endpoint_type = target
        .group
        .as_ref()
        .map(|group| group.value.spec.clusters_config.endpoint_type.clone())
        .or_else(|| host_endpoint.get("type").and_then(Value::as_str).map(str::to_string))
        .filter(|kind| !kind.is_empty())
        .unwrap_or_else(|| "Ingress".to_string());
    if !given.host.is_empty() {
        return (endpoint_type, ApiEndpoint { host: given.host.clone(), port: if given.port > 0 { given.port } else { 443 } });
    }
    let pattern = group_endpoint
        .map(|endpoint| endpoint.ingress_config.host.clone())
        .filter(|host| !host.is_empty())
        .or_else(|| host_endpoint.pointer("/config/ingressConfig/host").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_default();
    let label = format!("{name}-{}", &uid[..6]);
    let host = match pattern.strip_prefix("*.") {
        Some(domain) => format!("{label}.{domain}"),
        None if !pattern.is_empty() => format!("{label}.{pattern}"),
        None => format!("{label}.{}.palette.local", target.host.value.name()),
    };
    let port = group_endpoint.map(|e| e.ingress_config.port).filter(|port| *port > 0).unwrap_or(443);
    (endpoint_type, ApiEndpoint { host, port })
}

/// Checks everything a create needs and builds the cluster, without storing it.
fn plan(tx: &Tx<'_>, scope: &Scope, uid: String, entity: VirtualClusterEntity, now: Millis, timings: &LifecycleTimings) -> ApiResult<VirtualCluster> {
    let name = entity.metadata.required_name()?;
    validate_name(&name)?;
    ensure_unique_name(tx, scope, &name, None, now)?;
    let spec = entity.spec;
    let config = spec.cluster_config.ok_or_else(|| ApiError::bad_request("spec.clusterConfig is required"))?;
    let quota = spec.machine_pool_config.into_iter().next().map(|pool| pool.cloud_config.instance_type).unwrap_or_default();
    quota.validate()?;
    let target = place(tx, scope, config.host_cluster_config.as_ref(), quota.resources(), now)?;
    let profiles = profiles::resolve_all(tx, scope, spec.profiles)?;
    let policies = spec.policies.unwrap_or_default();
    if let Some(backup) = &policies.backup_policy {
        backup.validate()?;
    }
    if let Some(scan) = &policies.scan_policy {
        scan.validate()?;
    }
    day2::validate_timezone(&config.timezone, true)?;
    let os_patch = config.machine_management_config.and_then(|m| m.os_patch_config).unwrap_or_default();
    day2::validate_os_patch(&os_patch)?;
    let location = config.location.unwrap_or_default();
    location.validate()?;
    let resources = config.resources.unwrap_or_default();
    let namespaces = day2::namespaces_from(resources.namespaces, &quota, &name)?;
    let rbacs = day2::rbacs_from(resources.rbacs)?;
    let (endpoint_type, endpoint) = endpoint_for(&name, &uid, &target, &spec.cloud_config.control_plane_endpoint);
    let mut cloud_config = spec.cloud_config;
    cloud_config.control_plane_endpoint = endpoint.clone();
    let mut lifecycle = Lifecycle::start(now, timings);
    if config.lifecycle_config.is_some_and(|lifecycle| lifecycle.pause) {
        lifecycle.request_power(true, now, timings);
    }
    let placement = Placement {
        cluster_group: target.group.as_ref().map(|group| NamedRef { uid: group.uid.clone(), name: group.value.metadata.name.clone() }),
        host_cluster: NamedRef { uid: target.host.uid.clone(), name: target.host.value.name().to_string() },
        endpoint_type,
    };
    Ok(VirtualCluster {
        metadata: ObjectMeta::create(uid, name.clone(), entity.metadata, scope, &timestamp_of(now)),
        spec: VirtualClusterSpec {
            cloud_type: NESTED.to_string(),
            cloud_config_uid: new_uid(),
            placement,
            cloud_config,
            quota,
            timezone: config.timezone,
            update_worker_pools_in_parallel: config.update_worker_pools_in_parallel,
            os_patch,
            location,
            namespaces,
            rbacs,
            profiles,
            apply_action: "DownloadAndInstall".to_string(),
            backup: policies.backup_policy.map(day2::Feature::new),
            scan: policies.scan_policy.map(day2::Feature::new),
        },
        lifecycle,
        access: Access::generate(&name, endpoint)?,
    })
}

/// Plans and stores a new cluster `uid` with its cloud config and references
/// (seeds give fixed UIDs, the API fresh ones).
pub fn insert(
    tx: &Tx<'_>,
    scope: &Scope,
    uid: String,
    entity: VirtualClusterEntity,
    now: Millis,
    timings: &LifecycleTimings,
) -> ApiResult<VirtualCluster> {
    let cluster = plan(tx, scope, uid, entity, now, timings)?;
    let uid = &cluster.metadata.uid;
    collection::insert(tx, scope, &cluster, now)?;
    let config_name = format!("{}-config", cluster.metadata.name);
    tx.insert(CLOUD_CONFIG_KIND, scope, &cluster.spec.cloud_config_uid, &config_name, &json!({ "clusterUid": uid }))?;
    Ok(cluster)
}

async fn create(State(app): State<SharedState>, scope: Scope, JsonBody(entity): JsonBody<VirtualClusterEntity>) -> ApiResult<Created> {
    let now = app.now();
    let timings = app.timings;
    let uid = run(&app, move |tx| Ok(insert(tx, &scope, new_uid(), entity, now, &timings)?.metadata.uid)).await?;
    Ok(Created(uid))
}

/// `POST .../virtual/validate`: the create checks without creating. Quota problems
/// are reported in `machinePools.results[].errors`, profile problems in the
/// profile's `packs.results[].errors`; other problems are the create's errors.
async fn validate(
    State(app): State<SharedState>,
    scope: Scope,
    JsonBody(entity): JsonBody<VirtualClusterEntity>,
) -> ApiResult<Json<Value>> {
    let now = app.now();
    let timings = app.timings;
    let profile_uids: Vec<String> = entity.spec.profiles.iter().map(|p| p.uid.clone()).collect();
    let outcome = run(&app, move |tx| Ok(plan(tx, &scope, new_uid(), entity, now, &timings).map(drop))).await?;
    let error_of = |err: &ApiError| json!([{ "code": err.code, "message": err.message }]);
    let (pool_errors, profile_errors) = match &outcome {
        Ok(()) => (json!([]), json!([])),
        Err(err) if err.code == capacity::QUOTA_EXCEEDED => (error_of(err), json!([])),
        Err(err) if err.code == profiles::DUPLICATE_PACKS || err.message.contains("profile") => (json!([]), error_of(err)),
        Err(err) => return Err(err.clone()),
    };
    let profiles: Vec<Value> = profile_uids
        .iter()
        .map(|uid| json!({ "uid": uid, "packs": { "results": [{ "name": uid, "displayName": uid, "errors": profile_errors }] } }))
        .collect();
    Ok(Json(json!({
        "machinePools": { "results": [{ "name": "worker-pool", "displayName": "Worker Pool", "errors": pool_errors }] },
        "profiles": profiles,
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DistroQuery {
    kubernetes_distro_type: Option<String>,
}

/// Default vcluster chart values per distribution.
fn distro_values(distro: &str) -> String {
    let (image, extra) = match distro {
        "k3s" => ("rancher/k3s:v1.30.4-k3s1", "  k3s:\n    enabled: true\n"),
        "cncf_k8s" => ("registry.k8s.io/kube-apiserver:v1.30.4", "  k8s:\n    enabled: true\n"),
        _ => ("ghcr.io/loft-sh/vcluster-pro:0.20.0", "  k8s:\n    enabled: true\n"),
    };
    format!(
        "controlPlane:\n  distro:\n{extra}    image: {image}\n  statefulSet:\n    resources:\n      limits:\n        memory: 2Gi\n      requests:\n        cpu: 200m\n        memory: 256Mi\nsync:\n  toHost:\n    ingresses:\n      enabled: true\n"
    )
}

async fn pack_values(QueryParams(query): QueryParams<DistroQuery>) -> ApiResult<Json<Value>> {
    let distros: Vec<&str> = match query.kubernetes_distro_type.as_deref().filter(|d| !d.is_empty()) {
        None => DISTROS.to_vec(),
        Some(distro) if DISTROS.contains(&distro) => vec![distro],
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "kubernetesDistroType: invalid value '{other}', expected one of {}",
                DISTROS.join(", ")
            )))
        }
    };
    let packs: Vec<Value> = distros.iter().map(|d| json!({ "distroType": d, "layer": "k8s", "values": distro_values(d) })).collect();
    Ok(Json(json!({ "packs": packs })))
}

#[derive(Debug, Default, Deserialize)]
struct NameQuery {
    name: Option<String>,
}

/// 204 when `name` is a valid cluster name free in the caller's scope.
async fn validate_cluster_name(
    State(app): State<SharedState>,
    scope: Scope,
    QueryParams(query): QueryParams<NameQuery>,
) -> ApiResult<NoContent> {
    let name = query.name.map(|name| name.trim().to_string()).filter(|name| !name.is_empty());
    let name = name.ok_or_else(|| ApiError::bad_request("query parameter name is required"))?;
    validate_name(&name)?;
    let now = app.now();
    run(&app, move |tx| ensure_unique_name(tx, &scope, &name, None, now)).await?;
    Ok(NoContent)
}

async fn read(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let now = app.now();
    let view = run(&app, move |tx| {
        let row = load(tx, &uid, &scope, now)?;
        let ctx = ViewContext { tx, now, tenant_uid: tenant_uid(tx)? };
        views::cluster_view(&ctx, &row.value)
    })
    .await?;
    Ok(Json(view))
}

async fn status(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let now = app.now();
    let state = run(&app, move |tx| Ok(views::state(&load(tx, &uid, &scope, now)?.value, now))).await?;
    Ok(Json(json!({ "status": { "state": state } })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteQuery {
    force_delete: Option<bool>,
}

/// Starts deleting a virtual cluster (`forceDelete`: gone at once). A host cluster
/// goes at once, unless cluster groups or virtual clusters still use it (409).
async fn remove(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    QueryParams(query): QueryParams<DeleteQuery>,
) -> ApiResult<NoContent> {
    let now = app.now();
    let timings = app.timings;
    let force = query.force_delete.unwrap_or(false);
    run(&app, move |tx| match load(tx, &uid, &scope, now)?.value {
        Cluster::Virtual(mut cluster) => {
            cluster.lifecycle.request_deletion(now, force, &timings);
            if cluster.state(now) == ClusterState::Gone {
                return super::purge(tx, &cluster);
            }
            cluster.metadata.deletion_timestamp = timestamp_of(now);
            collection::save(tx, &*cluster, now)
        }
        Cluster::Host(host) => {
            let users = tx.referrers(KIND, &uid)?;
            if !users.is_empty() {
                let names: Vec<String> = users.iter().map(|(kind, uid)| format!("{kind} {uid}")).collect();
                return Err(ApiError::in_use(format!("host cluster '{}' is in use by {}", host.name(), names.join(", "))));
            }
            tx.delete(KIND, &uid)?;
            Ok(())
        }
    })
    .await?;
    Ok(NoContent)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LifecycleBody {
    lifecycle_config: day2::LifecycleConfig,
}

/// Pause (`pause: true`) or resume; repeating the current request changes nothing.
async fn set_lifecycle(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<LifecycleBody>,
) -> ApiResult<NoContent> {
    let timings = app.timings;
    modify(&app, uid, scope, move |_, now, cluster| {
        cluster.lifecycle.request_power(body.lifecycle_config.pause, now, &timings);
        Ok(())
    })
    .await
}
