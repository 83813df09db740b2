//! Spectroclusters (§9, §10, §11): virtual clusters and the host clusters they run on.
//!
//! Both live under [`KIND`]. Host clusters are the seeded documents
//! (`status.capacity` holds what virtual clusters may consume); virtual clusters are
//! [`VirtualCluster`] records, recognised by `spec.cloudType == "nested"`. A virtual
//! cluster's state is computed from its [`Lifecycle`] at the clock's time.
//!
//! References recorded for a virtual cluster: its host cluster, its cluster group and
//! its attached profiles (the profiles are released as soon as deletion starts).
//!
//! Submodules: [`settings`] (day-2 settings and their rules), [`attachment`] (attached
//! profiles), [`capacity`] (quotas), [`search`] (the dashboard filter language).

pub mod attachment;
pub mod capacity;
pub mod search;
pub mod settings;

pub use settings::{InstanceType, OsPatchConfig};

use axum::http::StatusCode;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::collection::impl_kind;
use super::user::TENANT_UID_SETTING;
use super::kinds;
use crate::error::{ApiError, ApiResult};
use crate::lifecycle::{Lifecycle, Millis, State};
use crate::model::{is_dns_label, null_as_default, require_uid, ObjectMeta};
use crate::scope::Scope;
use crate::store::{Row, Tx};
use attachment::Attachment;
use capacity::Resources;
pub const KIND: &str = super::kinds::SPECTROCLUSTER;
pub const LABEL: &str = "cluster";
/// The store kind of virtual cloud configs (`spec.cloudConfigRef`); each row names
/// its cluster, whose record holds the configuration.
pub const CLOUD_CONFIG_KIND: &str = "virtualcloudconfig";
/// `spec.cloudType` (and the search `environment`) of virtual clusters.
pub const NESTED: &str = "nested";
/// Annotation recording `POST .../upgrade/settings` (`"true"` = locked).
pub const UPGRADE_LOCK_ANNOTATION: &str = "spectroComponentsUpgradeForbidden";
/// Error code of mutations refused while a cluster is being deleted (our choice).
pub const CLUSTER_DELETING: &str = "ClusterDeleting";

/// `{uid, name}` of a related object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedRef {
    pub uid: String,
    pub name: String,
}

/// A `{"uid": …}` reference as clients send it (`{}` or `""` meaning none).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UidRef {
    #[serde(deserialize_with = "null_as_default")]
    pub uid: String,
}

impl UidRef {
    pub fn given(reference: &Option<UidRef>) -> Option<&str> {
        reference.as_ref().map(|r| r.uid.trim()).filter(|uid| !uid.is_empty())
    }
}

/// `v1HelmRelease` of a virtual cluster's cloud config.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HelmRelease {
    pub chart: HelmChart,
    #[serde(deserialize_with = "null_as_default")]
    pub values: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HelmChart {
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub repo: String,
    #[serde(deserialize_with = "null_as_default")]
    pub version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiEndpoint {
    #[serde(deserialize_with = "null_as_default")]
    pub host: String,
    pub port: i64,
}

/// `v1VirtualClusterConfig`: the vcluster chart and Kubernetes version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VirtualClusterConfig {
    pub helm_release: HelmRelease,
    #[serde(deserialize_with = "null_as_default")]
    pub kubernetes_version: String,
    pub control_plane_endpoint: ApiEndpoint,
}

/// `v1ClusterLocation`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Location {
    #[serde(deserialize_with = "null_as_default")]
    pub country_code: String,
    #[serde(deserialize_with = "null_as_default")]
    pub country_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub region_code: String,
    #[serde(deserialize_with = "null_as_default")]
    pub region_name: String,
    pub geo_loc: GeoLocation,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GeoLocation {
    pub latitude: f64,
    pub longitude: f64,
}

impl Location {
    pub fn validate(&self) -> ApiResult<()> {
        let GeoLocation { latitude, longitude } = self.geo_loc;
        if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
            return Err(ApiError::bad_request(format!(
                "location.geoLoc: latitude must be within [-90, 90] and longitude within [-180, 180], got ({latitude}, {longitude})"
            )));
        }
        Ok(())
    }
}

/// Where a virtual cluster runs and how it is reached.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Placement {
    pub cluster_group: Option<NamedRef>,
    pub host_cluster: NamedRef,
    /// `Ingress` or `LoadBalancer`, from the group (or the host cluster).
    pub endpoint_type: String,
}

/// What clients need to reach a virtual cluster: its API endpoint, CA and tokens.
/// Tokens are secrets: never logged, only served in kubeconfigs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Access {
    pub endpoint: ApiEndpoint,
    /// Base64 of the cluster CA certificate (PEM).
    pub ca_data: String,
    pub client_token: String,
    pub admin_token: String,
}

fn token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Access {
    /// Fresh credentials for a cluster reachable at `endpoint`.
    pub fn generate(cluster_name: &str, endpoint: ApiEndpoint) -> ApiResult<Access> {
        Ok(Access { endpoint, ca_data: STANDARD.encode(cluster_ca(cluster_name)?), client_token: token(), admin_token: token() })
    }
}

/// A self-signed CA certificate (PEM) for a cluster, as vcluster generates one.
fn cluster_ca(cluster_name: &str) -> ApiResult<String> {
    let failed = |err: rcgen::Error| ApiError::internal(format!("could not generate a cluster CA: {err}"));
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.distinguished_name.push(rcgen::DnType::CommonName, format!("vcluster-ca-{cluster_name}"));
    let key = rcgen::KeyPair::generate().map_err(failed)?;
    Ok(params.self_signed(&key).map_err(failed)?.pem())
}

/// A stored virtual cluster.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualCluster {
    pub metadata: ObjectMeta,
    pub spec: VirtualClusterSpec,
    pub lifecycle: Lifecycle,
    pub access: Access,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualClusterSpec {
    /// Always [`NESTED`]; marks the record as a virtual cluster.
    pub cloud_type: String,
    pub cloud_config_uid: String,
    pub placement: Placement,
    pub cloud_config: VirtualClusterConfig,
    pub quota: InstanceType,
    pub timezone: String,
    pub update_worker_pools_in_parallel: bool,
    pub os_patch: OsPatchConfig,
    pub location: Location,
    pub namespaces: Vec<settings::Namespace>,
    pub rbacs: Vec<settings::Rbac>,
    pub profiles: Vec<Attachment>,
    /// `spcApplySettings.actionType` of the last profile change.
    pub apply_action: String,
    pub backup: Option<settings::Feature<settings::BackupPolicy>>,
    pub scan: Option<settings::Feature<settings::ScanPolicy>>,
}

impl VirtualCluster {
    pub fn state(&self, now: Millis) -> State {
        self.lifecycle.state(now)
    }

    /// 409 while the cluster is being deleted (its settings can no longer change).
    pub fn ensure_mutable(&self, now: Millis) -> ApiResult<()> {
        if self.state(now) == State::Deleting {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                CLUSTER_DELETING,
                format!("cluster '{}' is being deleted", self.metadata.name),
            ));
        }
        Ok(())
    }

    pub fn group_uid(&self) -> Option<&str> {
        self.spec.placement.cluster_group.as_ref().map(|group| group.uid.as_str())
    }

}

impl_kind!(VirtualCluster, KIND, LABEL;
    /// Its host, its group and, until deletion starts, its profiles.
    fn references(&self, now: Millis) -> Option<Vec<(&'static str, String)>> {
        let mut targets = vec![(KIND, self.spec.placement.host_cluster.uid.clone())];
        if let Some(group) = self.group_uid() {
            targets.push((kinds::CLUSTER_GROUP, group.to_string()));
        }
        if self.state(now) != State::Deleting {
            targets.extend(self.spec.profiles.iter().map(|profile| (kinds::CLUSTER_PROFILE, profile.uid.clone())));
        }
        Some(targets)
    }
);

/// A seeded (or otherwise stored) host-capable cluster: its served document.
#[derive(Debug, Clone, PartialEq)]
pub struct HostCluster(pub Value);

impl HostCluster {
    fn text(&self, pointer: &str) -> &str {
        self.0.pointer(pointer).and_then(Value::as_str).unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.text("/metadata/name")
    }

    pub fn uid(&self) -> &str {
        self.text("/metadata/uid")
    }

    pub fn state(&self) -> &str {
        self.text("/status/state")
    }

    pub fn health(&self) -> &str {
        self.text("/status/health/state")
    }

    pub fn cloud_type(&self) -> &str {
        self.text("/spec/cloudType")
    }

    pub fn is_host(&self) -> bool {
        self.0.pointer("/spec/clusterConfig/hostClusterConfig/isHostCluster").and_then(Value::as_bool).unwrap_or(false)
    }

    /// `spec.clusterConfig.hostClusterConfig.clusterEndpoint`.
    pub fn endpoint(&self) -> &Value {
        self.0.pointer("/spec/clusterConfig/hostClusterConfig/clusterEndpoint").unwrap_or(&Value::Null)
    }

    /// What virtual clusters may consume (`status.capacity`).
    pub fn capacity(&self) -> Resources {
        let number = |key: &str| self.0.pointer(&format!("/status/capacity/{key}")).and_then(Value::as_f64).unwrap_or(0.0);
        Resources {
            cpu_milli: (number("cpu") * 1000.0) as i64,
            memory_mib: number("memoryMiB") as i64,
            storage_gib: number("storageGiB") as i64,
        }
    }

    /// 400 `InvalidHostCluster` unless it can host virtual clusters right now.
    pub fn ensure_usable(&self) -> ApiResult<()> {
        let invalid = |why: String| ApiError::new(StatusCode::BAD_REQUEST, INVALID_HOST_CLUSTER, why);
        if !self.is_host() {
            return Err(invalid(format!("cluster '{}' is not a host cluster", self.name())));
        }
        if self.state() != "Running" || self.health() != "Healthy" {
            let health = if self.health().is_empty() { "UnHealthy" } else { self.health() };
            return Err(invalid(format!("Host cluster '{}' is '{health}'", self.name())));
        }
        Ok(())
    }
}

/// Error code for host clusters that cannot host (the real API's, seen in provider issues).
pub const INVALID_HOST_CLUSTER: &str = "InvalidHostCluster";

pub enum Cluster {
    Host(HostCluster),
    Virtual(Box<VirtualCluster>),
}

impl Cluster {
    pub fn name(&self) -> &str {
        match self {
            Cluster::Host(host) => host.name(),
            Cluster::Virtual(cluster) => &cluster.metadata.name,
        }
    }
}

fn decode(row: Row<Value>) -> ApiResult<Row<Cluster>> {
    let Row { uid, owner, value } = row;
    let cluster = if value.pointer("/spec/cloudType").and_then(Value::as_str) == Some(NESTED) {
        Cluster::Virtual(Box::new(serde_json::from_value(value)?))
    } else {
        Cluster::Host(HostCluster(value))
    };
    Ok(Row { uid, owner, value: cluster })
}

/// Removes a deleted virtual cluster: its row, its cloud config and its references.
pub fn purge(tx: &Tx<'_>, cluster: &VirtualCluster) -> ApiResult<()> {
    tx.delete(KIND, &cluster.metadata.uid)?;
    tx.delete(CLOUD_CONFIG_KIND, &cluster.spec.cloud_config_uid)?;
    Ok(())
}

/// Whether `row` is a virtual cluster whose deletion has completed: reads treat it as
/// absent; the next [`purge_gone`] removes it.
fn is_gone(row: &Row<Cluster>, now: Millis) -> bool {
    matches!(&row.value, Cluster::Virtual(cluster) if cluster.state(now) == State::Gone)
}

/// Removes every virtual cluster whose deletion has completed by `now`. Runs in
/// writes (cluster creates and deletes, host cluster settings) and when the clock is
/// advanced, never in reads, so a read stays a read.
pub fn purge_gone(tx: &Tx<'_>, now: Millis) -> ApiResult<()> {
    for row in tx.list_all::<Value>(KIND)? {
        let row = decode(row)?;
        if let (true, Cluster::Virtual(cluster)) = (is_gone(&row, now), &row.value) {
            purge(tx, cluster)?;
        }
    }
    Ok(())
}

/// A live cluster by UID as seen from `scope` (400 for a malformed UID, else 404).
pub fn load(tx: &Tx<'_>, uid: &str, scope: &Scope, now: Millis) -> ApiResult<Row<Cluster>> {
    require_uid(uid)?;
    let row = decode(tx.get_visible::<Value>(KIND, LABEL, uid, scope)?)?;
    if is_gone(&row, now) {
        return Err(ApiError::not_found(LABEL, uid));
    }
    Ok(row)
}

/// A live virtual cluster by UID; a host cluster UID is a 400.
pub fn load_virtual(tx: &Tx<'_>, uid: &str, scope: &Scope, now: Millis) -> ApiResult<Row<VirtualCluster>> {
    let Row { uid, owner, value } = load(tx, uid, scope, now)?;
    match value {
        Cluster::Virtual(cluster) => Ok(Row { uid, owner, value: *cluster }),
        Cluster::Host(host) => Err(ApiError::bad_request(format!("cluster '{}' is not a virtual cluster", host.name()))),
    }
}

/// A live host cluster by UID, whatever its scope (placement checks scope itself).
pub fn find_host(tx: &Tx<'_>, uid: &str) -> ApiResult<Option<Row<HostCluster>>> {
    if !crate::uid::is_uid(uid) {
        return Ok(None);
    }
    let Some(row) = tx.get::<Value>(KIND, uid)? else { return Ok(None) };
    match decode(row)? {
        Row { uid, owner, value: Cluster::Host(host) } => Ok(Some(Row { uid, owner, value: host })),
        Row { value: Cluster::Virtual(_), .. } => Ok(None),
    }
}

/// Every live cluster (all scopes), in creation order.
pub fn list_live(tx: &Tx<'_>, now: Millis) -> ApiResult<Vec<Row<Cluster>>> {
    let rows = tx.list_all::<Value>(KIND)?.into_iter().map(decode).collect::<ApiResult<Vec<_>>>()?;
    Ok(rows.into_iter().filter(|row| !is_gone(row, now)).collect())
}

/// Every live virtual cluster (all scopes).
pub fn list_virtual(tx: &Tx<'_>, now: Millis) -> ApiResult<Vec<Row<VirtualCluster>>> {
    Ok(list_live(tx, now)?
        .into_iter()
        .filter_map(|Row { uid, owner, value }| match value {
            Cluster::Virtual(cluster) => Some(Row { uid, owner, value: *cluster }),
            Cluster::Host(_) => None,
        })
        .collect())
}

pub fn save_host(tx: &Tx<'_>, host: &HostCluster) -> ApiResult<()> {
    tx.update(KIND, host.uid(), host.name(), &host.0)
}

/// 409 `DuplicateName` when `owner` already has a live cluster named `name`.
pub fn ensure_unique_name(tx: &Tx<'_>, owner: &Scope, name: &str, except: Option<&str>, now: Millis) -> ApiResult<()> {
    for row in tx.list_named::<Value>(KIND, owner, name)? {
        let row = decode(row)?;
        if &row.owner == owner && Some(row.uid.as_str()) != except && !is_gone(&row, now) {
            return Err(ApiError::duplicate(format!("a cluster named '{name}' already exists")));
        }
    }
    Ok(())
}

/// Cluster names are DNS labels: lowercase letters, digits and '-', at most 63
/// characters, starting and ending with a letter or digit (vcluster's rule).
pub fn validate_name(name: &str) -> ApiResult<()> {
    if is_dns_label(name) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "invalid cluster name '{name}': use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"
        )))
    }
}

/// The tenant UID (for `tenantUid` members of references).
pub fn tenant_uid(tx: &Tx<'_>) -> ApiResult<String> {
    Ok(tx.setting(TENANT_UID_SETTING)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_must_be_dns_labels() {
        for good in ["vc-1", "a", "team-a-dev-01"] {
            assert!(validate_name(good).is_ok(), "{good}");
        }
        for bad in ["", "VC", "-a", "a-", "a_b", "a.b", &"a".repeat(64)] {
            assert!(validate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quotas_are_validated_and_counted() {
        let quota: InstanceType = serde_json::from_value(json!({"maxCPU": 4, "maxMemInMiB": 8192, "maxStorageGiB": 10})).unwrap();
        assert!(quota.validate().is_ok());
        assert_eq!(quota.resources(), Resources { cpu_milli: 4000, memory_mib: 8192, storage_gib: 10 });
        assert!(InstanceType { min_cpu: 5, ..quota }.validate().is_err());
        assert!(InstanceType { max_storage_gib: -1, ..quota }.validate().is_err());
    }

    #[test]
    fn host_documents_expose_capacity_and_usability() {
        let host = HostCluster(json!({
            "metadata": {"name": "h", "uid": "u"},
            "spec": {"cloudType": "eks", "clusterConfig": {"hostClusterConfig": {"isHostCluster": true}}},
            "status": {"state": "Running", "health": {"state": "Healthy"}, "capacity": {"cpu": 8, "memoryMiB": 1024, "storageGiB": 20}}
        }));
        assert_eq!(host.capacity(), Resources { cpu_milli: 8000, memory_mib: 1024, storage_gib: 20 });
        assert!(host.ensure_usable().is_ok());
        let mut sick = host.clone();
        sick.0["status"]["health"]["state"] = json!("UnHealthy");
        let err = sick.ensure_usable().unwrap_err();
        assert_eq!((err.code, err.message.contains("'UnHealthy'")), (INVALID_HOST_CLUSTER, true));
        let mut plain = host;
        plain.0["spec"]["clusterConfig"]["hostClusterConfig"]["isHostCluster"] = json!(false);
        assert!(plain.ensure_usable().is_err());
    }

    #[test]
    fn nulls_become_defaults() {
        let release: HelmRelease = serde_json::from_value(json!({"chart": {"name": null}, "values": null})).unwrap();
        assert_eq!(release, HelmRelease::default());
    }

    #[test]
    fn cluster_ca_is_a_pem_certificate() {
        let access = Access::generate("vc", ApiEndpoint { host: "vc.example.com".into(), port: 443 }).unwrap();
        let pem = String::from_utf8(STANDARD.decode(&access.ca_data).unwrap()).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
        assert_eq!(access.client_token.len(), 64);
        assert_ne!(access.client_token, access.admin_token);
    }
}
