//! Spectroclusters (§9, §10, §11): virtual clusters with their lifecycles, day-2
//! settings, attached profiles, kubeconfigs and dashboards, and the host clusters
//! they run on.
//!
//! Both live under [`SPECTROCLUSTER_KIND`]. Host clusters are the seeded documents
//! (`status.capacity` holds what virtual clusters may consume); virtual clusters are
//! [`VirtualCluster`] records, recognised by `spec.cloudType == "nested"`. A virtual
//! cluster's state is computed at read time from its [`Lifecycle`]; once its deletion
//! has completed, the first request that meets it removes its row (and its cloud
//! config and references), so it answers 404 from then on.
//!
//! References recorded for a virtual cluster: its host cluster, its cluster group and
//! its attached profiles (the profiles are released as soon as deletion starts).
//!
//! Submodules by concern: [`virtual_clusters`] (create, read, delete, pause/resume,
//! name validation), [`day2`] (settings), [`profiles`] (attached profiles and
//! variables, shared with cluster groups), [`assets`] (kubeconfigs), [`dashboards`]
//! (search and lookups), [`views`] (the JSON served), [`search`] (the filter language),
//! [`capacity`] (quotas), [`app_deployments`] (apps deployed into virtual clusters).

pub mod app_deployments;
pub mod assets;
pub mod capacity;
pub mod dashboards;
pub mod day2;
pub mod profiles;
pub mod search;
pub mod views;
pub mod virtual_clusters;

use axum::http::StatusCode;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::Rng;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::SPECTROCLUSTER_KIND;
use crate::domain::collection::{self, impl_kind};
use crate::domain::user::TENANT_UID_SETTING;
use crate::error::{ApiError, ApiResult};
use crate::extract::NoContent;
use crate::lifecycle::{Lifecycle, Millis, State};
use crate::model::{require_uid, ObjectMeta};
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::{Row, Tx};
use capacity::Resources;
use profiles::Attachment;

pub const KIND: &str = SPECTROCLUSTER_KIND;
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

pub fn routes() -> Router<SharedState> {
    Router::new()
        .merge(virtual_clusters::routes())
        .merge(day2::routes())
        .merge(profiles::routes())
        .merge(assets::routes())
        .merge(dashboards::routes())
        .merge(app_deployments::routes())
}

/// Accepts `null` for a member that has a default (Go clients send nil slices as null).
pub fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(deserializer: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

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

/// A virtual cluster's quota (`v1VirtualInstanceType`): CPU cores, MiB, GiB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InstanceType {
    #[serde(rename = "maxCPU")]
    pub max_cpu: i32,
    #[serde(rename = "maxMemInMiB")]
    pub max_mem_in_mib: i32,
    #[serde(rename = "maxStorageGiB")]
    pub max_storage_gib: i32,
    #[serde(rename = "minCPU")]
    pub min_cpu: i32,
    #[serde(rename = "minMemInMiB")]
    pub min_mem_in_mib: i32,
    #[serde(rename = "minStorageGiB")]
    pub min_storage_gib: i32,
}

impl InstanceType {
    /// 400 unless every member is non-negative and each minimum is at most its maximum.
    pub fn validate(&self) -> ApiResult<()> {
        let pairs = [
            ("CPU", self.min_cpu, self.max_cpu),
            ("MemInMiB", self.min_mem_in_mib, self.max_mem_in_mib),
            ("StorageGiB", self.min_storage_gib, self.max_storage_gib),
        ];
        for (name, min, max) in pairs {
            if min < 0 || max < 0 {
                return Err(ApiError::bad_request(format!("instanceType: min{name} and max{name} must not be negative")));
            }
            if min > max {
                return Err(ApiError::bad_request(format!("instanceType: min{name} ({min}) is greater than max{name} ({max})")));
            }
        }
        Ok(())
    }

    /// What the quota takes from its host cluster and cluster group.
    pub fn resources(&self) -> Resources {
        Resources {
            cpu_milli: i64::from(self.max_cpu) * 1000,
            memory_mib: i64::from(self.max_mem_in_mib),
            storage_gib: i64::from(self.max_storage_gib),
        }
    }
}

/// `v1OsPatchConfig`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OsPatchConfig {
    #[serde(deserialize_with = "null_as_default")]
    pub schedule: String,
    pub patch_on_boot: bool,
    pub reboot_if_required: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub on_demand_patch_after: String,
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
    pub namespaces: Vec<day2::Namespace>,
    pub rbacs: Vec<day2::Rbac>,
    pub profiles: Vec<Attachment>,
    /// `spcApplySettings.actionType` of the last profile change.
    pub apply_action: String,
    pub backup: Option<day2::Feature<day2::BackupPolicy>>,
    pub scan: Option<day2::Feature<day2::ScanPolicy>>,
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
            targets.push((super::clustergroups::KIND, group.to_string()));
        }
        if self.state(now) != State::Deleting {
            targets.extend(self.spec.profiles.iter().map(|profile| (super::clusterprofiles::KIND, profile.uid.clone())));
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

/// Removes a virtual cluster whose deletion has completed. Returns whether it did.
fn purge_if_gone(tx: &Tx<'_>, row: &Row<Cluster>, now: Millis) -> ApiResult<bool> {
    match &row.value {
        Cluster::Virtual(cluster) if cluster.state(now) == State::Gone => purge(tx, cluster).map(|()| true),
        _ => Ok(false),
    }
}

/// A live cluster by UID as seen from `scope` (400 for a malformed UID, else 404).
pub fn load(tx: &Tx<'_>, uid: &str, scope: &Scope, now: Millis) -> ApiResult<Row<Cluster>> {
    require_uid(uid)?;
    let row = decode(tx.get_visible::<Value>(KIND, LABEL, uid, scope)?)?;
    if purge_if_gone(tx, &row, now)? {
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

/// Every live cluster (all scopes), in creation order; completed deletions are purged.
pub fn list_live(tx: &Tx<'_>, now: Millis) -> ApiResult<Vec<Row<Cluster>>> {
    let mut live = Vec::new();
    for row in tx.list_all::<Value>(KIND)? {
        let row = decode(row)?;
        if !purge_if_gone(tx, &row, now)? {
            live.push(row);
        }
    }
    Ok(live)
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

/// Runs `work` in one transaction like `Store::run`, but commits also when it fails
/// with a 404, so that removals of deleted clusters made on the way stick (in these
/// handlers a 404 never follows other writes).
pub async fn run<T: Send + 'static>(app: &SharedState, work: impl FnOnce(&Tx<'_>) -> ApiResult<T> + Send + 'static) -> ApiResult<T> {
    app.store
        .run(move |tx| match work(tx) {
            Err(err) if err.status == StatusCode::NOT_FOUND => Ok(Err(err)),
            other => other.map(Ok),
        })
        .await?
}

/// Loads a live virtual cluster, lets `edit` change it (refused while it is being
/// deleted), stamps and stores it: the shape of every day-2 update.
pub async fn modify(
    app: &SharedState,
    uid: String,
    scope: Scope,
    edit: impl FnOnce(&Tx<'_>, Millis, &mut VirtualCluster) -> ApiResult<()> + Send + 'static,
) -> ApiResult<NoContent> {
    let now = app.now();
    run(app, move |tx| {
        let row = load_virtual(tx, &uid, &scope, now)?;
        row.value.ensure_mutable(now)?;
        collection::update(tx, row, now, |_, cluster| edit(tx, now, cluster))
    })
    .await?;
    Ok(NoContent)
}

pub fn save_host(tx: &Tx<'_>, host: &HostCluster) -> ApiResult<()> {
    tx.update(KIND, host.uid(), host.name(), &host.0)
}

/// 409 `DuplicateName` when `owner` already has a live cluster named `name`.
pub fn ensure_unique_name(tx: &Tx<'_>, owner: &Scope, name: &str, except: Option<&str>, now: Millis) -> ApiResult<()> {
    for row in tx.list_named::<Value>(KIND, owner, name)? {
        let row = decode(row)?;
        if &row.owner == owner && Some(row.uid.as_str()) != except && !purge_if_gone(tx, &row, now)? {
            return Err(ApiError::duplicate(format!("a cluster named '{name}' already exists")));
        }
    }
    Ok(())
}

/// A DNS-1123 label: lowercase letters, digits and '-', at most 63 characters,
/// starting and ending with a letter or digit.
pub fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
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

/// Whether an object owned by `owner` may be used (attached, referenced) from
/// `scope`: objects of the caller's own scope, system objects, and tenant objects
/// (which every project of the tenant shares).
pub fn usable_from(owner: &Scope, scope: &Scope) -> bool {
    owner.visible_from(scope) || *owner == Scope::Tenant
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
