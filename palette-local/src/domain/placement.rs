//! Placing virtual clusters (§9.1): creating one (the entity clients send, its host,
//! endpoint and every check a create makes) and the room quotas leave on hosts and
//! in cluster groups.
//!
//! Placement: `clusterConfig.hostClusterConfig` names a cluster group, a host
//! cluster, or both (then the host must be a member of the group). With a group only,
//! the member host with the most free CPU among those the quota fits on is chosen.
//! The quota (`machinepoolconfig[0].cloudConfig.instanceType`) must fit the host
//! cluster's capacity and the group's limits ([`ensure_room`]).

use serde::Deserialize;
use serde_json::{json, Value};

use super::cluster::attachment::{self, AttachmentInput};
use super::cluster::capacity::{ensure_fits, Holder, Limits, Resources};
use super::cluster::settings::{self, BackupPolicy, NamespaceInput, RbacInput, ScanPolicy};
use super::cluster::{
    ensure_unique_name, find_host, list_virtual, validate_name, Access, ApiEndpoint, HostCluster, InstanceType,
    Location, NamedRef, OsPatchConfig, Placement, UidRef, VirtualCluster, VirtualClusterConfig, VirtualClusterSpec,
    CLOUD_CONFIG_KIND, NESTED,
};
use crate::config::LifecycleTimings;
use crate::domain::cluster_group::{self, ClusterGroup};
use crate::domain::collection;
use crate::error::{ApiError, ApiResult};
use crate::lifecycle::{timestamp_of, Lifecycle, Millis};
use crate::model::{null_as_default, MetaInput, ObjectMeta};
use crate::scope::Scope;
use crate::store::{Row, Tx};
use crate::uid::new_uid;

/// `v1SpectroVirtualClusterEntity`.
#[derive(Debug, Deserialize)]
pub struct VirtualClusterEntity {
    metadata: MetaInput,
    spec: EntitySpec,
}

impl VirtualClusterEntity {
    /// The UIDs of the profiles the cluster is to be created with.
    pub fn profile_uids(&self) -> Vec<String> {
        self.spec.profiles.iter().map(|profile| profile.uid.clone()).collect()
    }

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
    lifecycle_config: Option<settings::LifecycleConfig>,
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
    let group = group_uid.map(|uid| cluster_group::usable(tx, uid, scope)).transpose()?;
    let live = list_virtual(tx, now)?;
    if let Some(uid) = host_uid {
        let in_group = group.as_ref().is_some_and(|group| group.value.has_host(uid));
        let host = find_host(tx, uid)?
            .filter(|host| in_group || host.owner.usable_from(scope))
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
        ensure_room(&live, &host, group.as_ref(), requested, None)?;
        return Ok(Target { host, group });
    }
    let Some(group) = group else {
        return Err(ApiError::bad_request("spec.clusterConfig.hostClusterConfig: clusterGroup.uid or hostCluster.uid is required"));
    };
    let mut best: Option<(i64, Row<HostCluster>)> = None;
    let mut first_error = None;
    for member in &group.value.spec.cluster_refs {
        let Some(host) = find_host(tx, &member.cluster_uid)? else { continue };
        let fits = host.value.ensure_usable().and_then(|()| ensure_room(&live, &host, Some(&group), requested, None));
        match fits {
            Ok(()) => {
                let used = usage(&live, None, |c| c.spec.placement.host_cluster.uid == host.uid);
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
pub fn plan(tx: &Tx<'_>, scope: &Scope, uid: String, entity: VirtualClusterEntity, now: Millis, timings: &LifecycleTimings) -> ApiResult<VirtualCluster> {
    let name = entity.metadata.required_name()?;
    validate_name(&name)?;
    ensure_unique_name(tx, scope, &name, None, now)?;
    let spec = entity.spec;
    let config = spec.cluster_config.ok_or_else(|| ApiError::bad_request("spec.clusterConfig is required"))?;
    let quota = spec.machine_pool_config.into_iter().next().map(|pool| pool.cloud_config.instance_type).unwrap_or_default();
    quota.validate()?;
    let target = place(tx, scope, config.host_cluster_config.as_ref(), quota.resources(), now)?;
    let profiles = attachment::resolve_all(tx, scope, spec.profiles)?;
    let policies = spec.policies.unwrap_or_default();
    if let Some(backup) = &policies.backup_policy {
        backup.validate()?;
    }
    if let Some(scan) = &policies.scan_policy {
        scan.validate()?;
    }
    settings::validate_timezone(&config.timezone, true)?;
    let os_patch = config.machine_management_config.and_then(|m| m.os_patch_config).unwrap_or_default();
    settings::validate_os_patch(&os_patch)?;
    let location = config.location.unwrap_or_default();
    location.validate()?;
    let resources = config.resources.unwrap_or_default();
    let namespaces = settings::namespaces_from(resources.namespaces, &quota, &name)?;
    let rbacs = settings::rbacs_from(resources.rbacs)?;
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
            backup: policies.backup_policy.map(settings::Feature::new),
            scan: policies.scan_policy.map(settings::Feature::new),
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

/// What the live virtual clusters selected by `counts` consume, leaving out `except`.
pub fn usage(clusters: &[Row<VirtualCluster>], except: Option<&str>, counts: impl Fn(&VirtualCluster) -> bool) -> Resources {
    clusters
        .iter()
        .filter(|row| Some(row.uid.as_str()) != except && counts(&row.value))
        .fold(Resources::default(), |sum, row| sum + row.value.spec.quota.resources())
}

/// 400 [`QUOTA_EXCEEDED`] unless `requested` fits on `host` and in `group` next to
/// the other live virtual clusters (`except` is the cluster being resized).
pub fn ensure_room(
    clusters: &[Row<VirtualCluster>],
    host: &Row<HostCluster>,
    group: Option<&Row<ClusterGroup>>,
    requested: Resources,
    except: Option<&str>,
) -> ApiResult<()> {
    if let Some(group) = group {
        let used = usage(clusters, except, |cluster| cluster.group_uid() == Some(group.uid.as_str()));
        let holder = Holder { kind: "cluster group", name: &group.value.metadata.name, uid: &group.uid };
        ensure_fits(holder, group.value.limits(), used, requested)?;
    }
    let used = usage(clusters, except, |cluster| cluster.spec.placement.host_cluster.uid == host.uid);
    let holder = Holder { kind: "host cluster", name: host.value.name(), uid: &host.uid };
    ensure_fits(holder, Limits::exactly(host.value.capacity()), used, requested)
}
