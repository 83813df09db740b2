//! Cluster groups (§8): sets of host clusters that virtual clusters are placed on,
//! with endpoint settings, quotas (`limitConfig`) and attached add-on profiles.
//!
//! Scope rules (our reading of the reference, see the docs): a tenant group may take
//! host clusters of the tenant and of any project; a project group those of its
//! project and of the tenant. References recorded: the member host clusters and the
//! attached profiles; virtual clusters record theirs to the group.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::cluster::attachment::{self, Attachment, AttachmentInput};
use super::cluster::capacity::Limits;
use super::cluster::{self, HostCluster};
use super::cluster_profile;
use super::collection::{self, impl_kind};
use crate::error::{ApiError, ApiResult};
use crate::lifecycle::{timestamp_of, Millis};
use crate::model::{null_as_default, require_uid, MetaInput, ObjectMeta};
use crate::scope::Scope;
use crate::store::{Row, Tx};

pub const KIND: &str = super::kinds::CLUSTER_GROUP;
pub const LABEL: &str = "cluster group";
const GROUP_TYPE: &str = "hostCluster";
const ENDPOINT_TYPES: [&str; 2] = ["Ingress", "LoadBalancer"];
const DISTRO_TYPES: [&str; 3] = ["vcluster-generic", "k3s", "cncf_k8s"];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterRef {
    #[serde(deserialize_with = "null_as_default")]
    pub cluster_uid: String,
    #[serde(deserialize_with = "null_as_default")]
    pub cluster_name: String,
}

/// `clustersConfig`, as sent and served.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClustersConfig {
    #[serde(deserialize_with = "null_as_default")]
    pub endpoint_type: String,
    #[serde(deserialize_with = "null_as_default")]
    pub host_clusters_config: Vec<HostClusterConfig>,
    #[serde(deserialize_with = "null_as_default")]
    pub kubernetes_distro_type: String,
    pub limit_config: LimitConfig,
    #[serde(deserialize_with = "null_as_default")]
    pub values: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HostClusterConfig {
    #[serde(deserialize_with = "null_as_default")]
    pub cluster_uid: String,
    pub endpoint_config: EndpointConfig,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EndpointConfig {
    pub ingress_config: IngressConfig,
    pub load_balancer_config: LoadBalancerConfig,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngressConfig {
    #[serde(deserialize_with = "null_as_default")]
    pub host: String,
    pub port: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LoadBalancerConfig {
    #[serde(rename = "externalIPs", deserialize_with = "null_as_default")]
    pub external_ips: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub external_traffic_policy: String,
    #[serde(deserialize_with = "null_as_default")]
    pub load_balancer_source_ranges: Vec<String>,
}

/// `limitConfig`: `cpu` and `memory` are deprecated and only echoed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LimitConfig {
    pub cpu: i32,
    pub memory: i32,
    pub cpu_milli_core: i32,
    #[serde(rename = "memoryMiB")]
    pub memory_mib: i32,
    #[serde(rename = "storageGiB")]
    pub storage_gib: i32,
    pub over_subscription: i32,
}

impl LimitConfig {
    fn validate(&self) -> ApiResult<()> {
        let members = [
            ("cpuMilliCore", self.cpu_milli_core),
            ("memoryMiB", self.memory_mib),
            ("storageGiB", self.storage_gib),
            ("overSubscription", self.over_subscription),
        ];
        match members.iter().find(|(_, value)| *value < 0) {
            Some((name, value)) => Err(ApiError::bad_request(format!("limitConfig.{name} must not be negative, got {value}"))),
            None => Ok(()),
        }
    }

    /// Effective limits: each member scaled by `overSubscription` percent (0 meaning
    /// 100); a member of 0 sets no limit.
    pub fn limits(&self) -> Limits {
        let percent = if self.over_subscription > 0 { i64::from(self.over_subscription) } else { 100 };
        let scaled = |value: i64| (value > 0).then(|| value * percent / 100);
        Limits {
            cpu_milli: scaled(i64::from(self.cpu_milli_core)),
            memory_mib: scaled(i64::from(self.memory_mib)),
            storage_gib: scaled(i64::from(self.storage_gib)),
        }
    }
}

impl_kind!(ClusterGroup, KIND, LABEL;
    /// Its member host clusters and the profiles it gives its clusters.
    fn references(&self, _now: Millis) -> Option<Vec<(&'static str, String)>> {
        let hosts = self.spec.cluster_refs.iter().map(|member| (cluster::KIND, member.cluster_uid.clone()));
        let profiles = self.spec.profiles.iter().map(|profile| (cluster_profile::KIND, profile.uid.clone()));
        Some(hosts.chain(profiles).collect())
    }
);

/// A stored cluster group.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterGroup {
    pub metadata: ObjectMeta,
    pub spec: GroupSpec,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupSpec {
    #[serde(rename = "type")]
    pub group_type: String,
    pub cluster_refs: Vec<ClusterRef>,
    pub clusters_config: ClustersConfig,
    pub profiles: Vec<Attachment>,
}

impl ClusterGroup {
    pub fn limits(&self) -> Limits {
        self.spec.clusters_config.limit_config.limits()
    }

    pub fn has_host(&self, host_uid: &str) -> bool {
        self.spec.cluster_refs.iter().any(|member| member.cluster_uid == host_uid)
    }

    /// The endpoint settings of member `host_uid`.
    pub fn endpoint_of(&self, host_uid: &str) -> Option<&EndpointConfig> {
        self.spec.clusters_config.host_clusters_config.iter().find(|c| c.cluster_uid == host_uid).map(|c| &c.endpoint_config)
    }

    pub fn view(&self, tx: &Tx<'_>) -> ApiResult<Value> {
        Ok(json!({
            "apiVersion": "v1",
            "kind": "ClusterGroup",
            "metadata": self.metadata,
            "spec": {
                "type": self.spec.group_type,
                "clusterRefs": self.spec.cluster_refs,
                "clustersConfig": self.spec.clusters_config,
                "clusterProfileTemplates": attachment::templates(tx, &self.spec.profiles)?,
            },
            "status": { "isActive": true },
        }))
    }
}

/// `v1ClusterGroupEntity`.
#[derive(Debug, Deserialize)]
pub struct GroupEntity {
    metadata: MetaInput,
    #[serde(default)]
    spec: GroupEntitySpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct GroupEntitySpec {
    #[serde(rename = "type", deserialize_with = "null_as_default")]
    group_type: String,
    #[serde(deserialize_with = "null_as_default")]
    cluster_refs: Vec<ClusterRef>,
    clusters_config: ClustersConfig,
    #[serde(deserialize_with = "null_as_default")]
    profiles: Vec<AttachmentInput>,
}

/// The body of `PUT /v1/clustergroups/{uid}/hostCluster`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HostClusterUpdate {
    #[serde(deserialize_with = "null_as_default")]
    pub cluster_refs: Vec<ClusterRef>,
    pub clusters_config: ClustersConfig,
}

fn one_of(field: &str, value: &str, default: &str, accepted: &[&str]) -> ApiResult<String> {
    let value = if value.trim().is_empty() { default } else { value.trim() };
    if accepted.contains(&value) {
        Ok(value.to_string())
    } else {
        Err(ApiError::bad_request(format!("{field}: invalid value '{value}', expected one of {}", accepted.join(", "))))
    }
}

/// Whether a group owned by `group_owner` may take a host cluster owned by `host_owner`.
fn may_include(group_owner: &Scope, host_owner: &Scope) -> bool {
    match group_owner {
        Scope::Tenant | Scope::System => true,
        Scope::Project(_) => host_owner == group_owner || *host_owner == Scope::Tenant,
    }
}

/// A member host cluster: it must exist where the group may see it (404) and be a
/// healthy host cluster (400 `InvalidHostCluster`).
fn member_host(tx: &Tx<'_>, owner: &Scope, uid: &str) -> ApiResult<Row<HostCluster>> {
    let host = cluster::find_host(tx, uid)?
        .filter(|row| may_include(owner, &row.owner))
        .ok_or_else(|| ApiError::not_found("host cluster", uid))?;
    host.value.ensure_usable()?;
    Ok(host)
}

/// Checks and completes the members and their configuration: names filled in,
/// enums defaulted, one `hostClustersConfig` entry per member (defaulting to the host
/// cluster's own ingress).
pub fn normalize(
    tx: &Tx<'_>,
    owner: &Scope,
    refs: Vec<ClusterRef>,
    mut config: ClustersConfig,
) -> ApiResult<(Vec<ClusterRef>, ClustersConfig)> {
    config.endpoint_type = one_of("clustersConfig.endpointType", &config.endpoint_type, ENDPOINT_TYPES[0], &ENDPOINT_TYPES)?;
    config.kubernetes_distro_type =
        one_of("clustersConfig.kubernetesDistroType", &config.kubernetes_distro_type, DISTRO_TYPES[0], &DISTRO_TYPES)?;
    config.limit_config.validate()?;
    let mut members: Vec<ClusterRef> = Vec::new();
    let mut hosts = Vec::new();
    for member in refs {
        let uid = member.cluster_uid.trim().to_string();
        if uid.is_empty() {
            return Err(ApiError::bad_request("clusterRefs[].clusterUid is required"));
        }
        if members.iter().any(|existing| existing.cluster_uid == uid) {
            return Err(ApiError::bad_request(format!("host cluster '{uid}' is listed twice in clusterRefs")));
        }
        let host = member_host(tx, owner, &uid)?;
        members.push(ClusterRef { cluster_uid: uid, cluster_name: host.value.name().to_string() });
        hosts.push(host);
    }
    if let Some(stray) = config.host_clusters_config.iter().find(|c| !members.iter().any(|m| m.cluster_uid == c.cluster_uid)) {
        return Err(ApiError::bad_request(format!(
            "clustersConfig.hostClustersConfig names cluster '{}', which is not in clusterRefs",
            stray.cluster_uid
        )));
    }
    config.host_clusters_config = hosts
        .iter()
        .map(|host| {
            let given = config.host_clusters_config.iter().find(|c| c.cluster_uid == host.uid).map(|c| c.endpoint_config.clone());
            let mut endpoint = given.unwrap_or_default();
            if endpoint.ingress_config.host.is_empty() {
                let own = host.value.endpoint().pointer("/config/ingressConfig/host").and_then(Value::as_str).unwrap_or("");
                endpoint.ingress_config.host = own.to_string();
            }
            if endpoint.ingress_config.port == 0 {
                endpoint.ingress_config.port = 443;
            }
            HostClusterConfig { cluster_uid: host.uid.clone(), endpoint_config: endpoint }
        })
        .collect();
    Ok((members, config))
}

pub fn ensure_unique_name(tx: &Tx<'_>, owner: &Scope, name: &str, except: Option<&str>) -> ApiResult<()> {
    let taken = tx.list_named::<ClusterGroup>(KIND, owner, name)?.iter().any(|row| &row.owner == owner && Some(row.uid.as_str()) != except);
    if taken {
        return Err(ApiError::duplicate(format!("a cluster group named '{name}' already exists")));
    }
    Ok(())
}

/// A group a cluster in `scope` may be placed in (its scope's, the tenant's or the system's).
pub fn usable(tx: &Tx<'_>, uid: &str, scope: &Scope) -> ApiResult<Row<ClusterGroup>> {
    require_uid(uid)?;
    tx.get::<ClusterGroup>(KIND, uid)?.filter(|row| row.owner.usable_from(scope)).ok_or_else(|| ApiError::not_found(LABEL, uid))
}

/// Creates the cluster group `uid` in `scope` from a create body: what
/// `POST /v1/clustergroups` does, and what seeds do with a fixed UID.
pub fn create_in(tx: &Tx<'_>, scope: &Scope, uid: &str, entity: GroupEntity, now: Millis) -> ApiResult<()> {
    let name = entity.metadata.required_name()?;
    let spec = entity.spec;
    if !spec.group_type.is_empty() && spec.group_type != GROUP_TYPE {
        return Err(ApiError::bad_request(format!("spec.type: invalid value '{}', expected {GROUP_TYPE}", spec.group_type)));
    }
    ensure_unique_name(tx, scope, &name, None)?;
    let (cluster_refs, clusters_config) = normalize(tx, scope, spec.cluster_refs, spec.clusters_config)?;
    let profiles = attachment::resolve_all(tx, scope, spec.profiles)?;
    let group = ClusterGroup {
        metadata: ObjectMeta::create(uid.to_string(), name, entity.metadata, scope, &timestamp_of(now)),
        spec: GroupSpec { group_type: GROUP_TYPE.to_string(), cluster_refs, clusters_config, profiles },
    };
    collection::insert(tx, scope, &group, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_scale_with_oversubscription_and_zero_means_unlimited() {
        let config =
            LimitConfig { cpu_milli_core: 6000, memory_mib: 8192, storage_gib: 0, over_subscription: 120, ..LimitConfig::default() };
        assert_eq!(config.limits(), Limits { cpu_milli: Some(7200), memory_mib: Some(9830), storage_gib: None });
        let plain = LimitConfig { cpu_milli_core: 1000, ..LimitConfig::default() };
        assert_eq!(plain.limits().cpu_milli, Some(1000));
        assert!(LimitConfig { memory_mib: -1, ..LimitConfig::default() }.validate().is_err());
    }

    #[test]
    fn scope_rules_for_members() {
        let project = Scope::Project("p".into());
        assert!(may_include(&Scope::Tenant, &project));
        assert!(may_include(&project, &Scope::Tenant));
        assert!(may_include(&project, &project));
        assert!(!may_include(&project, &Scope::Project("q".into())));
    }

    #[test]
    fn enums_default_and_reject() {
        assert_eq!(one_of("t", "", "Ingress", &ENDPOINT_TYPES).unwrap(), "Ingress");
        assert_eq!(one_of("t", "LoadBalancer", "Ingress", &ENDPOINT_TYPES).unwrap(), "LoadBalancer");
        assert!(one_of("t", "NodePort", "Ingress", &ENDPOINT_TYPES).is_err());
    }
}
