//! Virtual clusters and the spectroclusters calls around them
//! (`/v1/spectroclusters`, `/v1/cloudconfigs/virtual`, cluster dashboards).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::context::CallContext;
use super::error::ClientError;
use super::models::{
    nullable, AttachedProfile, AttachedProfiles, ClusterProfileTemplate, Items, NameValue, ObjectMeta, ObjectRef,
    ProfileAttachment, ProfileAttachments, Variable,
};
use super::packs::SortSpec;
use super::transport::{PaletteClient, Request, Scope};

/// `environment` of virtual clusters in cluster searches.
pub const VIRTUAL_ENVIRONMENT: &str = "nested";
/// `status.state` of a cluster that is gone but still listed.
pub const DELETED_STATE: &str = "Deleted";
/// Items per page on cluster searches (the API's maximum).
const PAGE_SIZE: &str = "50";

// ---- create body ----

/// `v1SpectroVirtualClusterEntity`: the create body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VirtualClusterEntity {
    pub metadata: ObjectMeta,
    pub spec: VirtualClusterEntitySpec,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VirtualClusterEntitySpec {
    pub cloud_config: VirtualClusterConfig,
    pub cluster_config: ClusterConfigEntity,
    /// The quota: at most one pool. The key really is all lower case.
    #[serde(rename = "machinepoolconfig", deserialize_with = "nullable")]
    pub machine_pool_config: Vec<VirtualMachinePoolEntity>,
    #[serde(deserialize_with = "nullable")]
    pub profiles: Vec<ProfileAttachment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policies: Option<Policies>,
}

/// `v1VirtualClusterConfig`: the vcluster chart and Kubernetes version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VirtualClusterConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helm_release: Option<HelmRelease>,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub kubernetes_version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control_plane_endpoint: Option<ApiEndpoint>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HelmRelease {
    pub chart: HelmChart,
    #[serde(deserialize_with = "nullable")]
    pub values: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HelmChart {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub repo: String,
    #[serde(deserialize_with = "nullable")]
    pub version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiEndpoint {
    #[serde(deserialize_with = "nullable")]
    pub host: String,
    pub port: i64,
}

/// `clusterConfig` of the create body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterConfigEntity {
    pub host_cluster_config: HostPlacement,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle_config: Option<LifecycleConfig>,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub timezone: String,
    pub update_worker_pools_in_parallel: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_management_config: Option<MachineManagementConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ClusterResourcesEntity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// Where a virtual cluster runs: a cluster group, a host cluster, or both.
/// Both members are always sent, as `{}` when unset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HostPlacement {
    pub cluster_group: ObjectRef,
    pub host_cluster: ObjectRef,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LifecycleConfig {
    pub pause: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MachineManagementConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_patch_config: Option<OsPatchConfig>,
}

/// OS patching. `on_demand_patch_after` is RFC 3339 and left out when unset
/// (never a zero time).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OsPatchConfig {
    #[serde(deserialize_with = "nullable")]
    pub schedule: String,
    pub patch_on_boot: bool,
    pub reboot_if_required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_demand_patch_after: Option<String>,
}

/// Namespaces and RBAC bindings sent with the create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterResourcesEntity {
    #[serde(deserialize_with = "nullable")]
    pub namespaces: Vec<ClusterNamespace>,
    #[serde(deserialize_with = "nullable")]
    pub rbacs: Vec<ClusterRbac>,
}

/// A namespace with its quota, as sent and as read back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterNamespace {
    pub metadata: ObjectMeta,
    pub spec: ClusterNamespaceSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterNamespaceSpec {
    pub is_regex: bool,
    pub resource_allocation: ResourceAllocation,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResourceAllocation {
    pub cpu_cores: f64,
    #[serde(rename = "memoryMiB")]
    pub memory_mib: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_config: Option<GpuConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GpuConfig {
    pub limit: i32,
    #[serde(deserialize_with = "nullable")]
    pub provider: String,
}

/// A set of RBAC bindings, as sent and as read back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterRbac {
    pub metadata: ObjectMeta,
    pub spec: ClusterRbacSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterRbacSpec {
    #[serde(deserialize_with = "nullable")]
    pub bindings: Vec<RbacBinding>,
    /// Read-only: bindings Palette manages itself.
    #[serde(skip_serializing)]
    pub is_system: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacBinding {
    /// `RoleBinding` or `ClusterRoleBinding`.
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub binding_type: String,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub role: RbacRole,
    #[serde(deserialize_with = "nullable")]
    pub subjects: Vec<RbacSubject>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacRole {
    /// `Role` or `ClusterRole`.
    #[serde(deserialize_with = "nullable")]
    pub kind: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacSubject {
    /// `User`, `Group` or `ServiceAccount`.
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub subject_type: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub namespace: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Location {
    #[serde(deserialize_with = "nullable")]
    pub country_code: String,
    #[serde(deserialize_with = "nullable")]
    pub country_name: String,
    #[serde(deserialize_with = "nullable")]
    pub region_code: String,
    #[serde(deserialize_with = "nullable")]
    pub region_name: String,
    pub geo_loc: GeoLocation,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GeoLocation {
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VirtualMachinePoolEntity {
    pub cloud_config: VirtualMachinePoolCloudConfig,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VirtualMachinePoolCloudConfig {
    pub instance_type: VirtualInstanceType,
}

/// A virtual cluster's quota (the provider's `resources` block).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VirtualInstanceType {
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

/// Backup and compliance-scan policies sent with the create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Policies {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_policy: Option<BackupPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan_policy: Option<ScanPolicy>,
}

/// `v1ClusterBackupConfig`: the backup policy, the body of the backup
/// POST/PUT, and `spec.config` of the backup GET.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BackupPolicy {
    #[serde(deserialize_with = "nullable")]
    pub backup_location_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub backup_prefix: String,
    pub duration_in_hours: i64,
    pub include_all_disks: bool,
    pub include_cluster_resources: bool,
    /// `Always`, `Never` or `Auto`.
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub include_cluster_resource_mode: String,
    #[serde(deserialize_with = "nullable")]
    pub namespaces: Vec<String>,
    pub schedule: Schedule,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Schedule {
    /// A cron expression.
    #[serde(deserialize_with = "nullable")]
    pub scheduled_run_time: String,
}

/// `v1ClusterComplianceScheduleConfig`: the scan policy and the body of the
/// compliance-scan POST/PUT.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScanPolicy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kube_bench: Option<ScanSchedule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kube_hunter: Option<ScanSchedule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sonobuoy: Option<ScanSchedule>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScanSchedule {
    pub schedule: Schedule,
}

// ---- reads ----

/// `v1SpectroCluster` as read back (the members virtual clusters use).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct SpectroCluster {
    pub metadata: ObjectMeta,
    pub spec: SpectroClusterSpec,
    /// `None` until the server has started working on the cluster.
    pub status: Option<SpectroClusterStatus>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SpectroClusterSpec {
    #[serde(deserialize_with = "nullable")]
    pub cloud_type: String,
    /// `uid` is the virtual cloud config UID (for quota reads and resizes).
    pub cloud_config_ref: Option<ObjectRef>,
    #[serde(deserialize_with = "nullable")]
    pub cluster_type: String,
    pub cluster_config: Option<ClusterConfig>,
    #[serde(deserialize_with = "nullable")]
    pub cluster_profile_templates: Vec<ClusterProfileTemplate>,
}

/// `spec.clusterConfig` as read back.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterConfig {
    pub host_cluster_config: Option<HostClusterConfigView>,
    pub lifecycle_config: Option<LifecycleConfig>,
    #[serde(deserialize_with = "nullable")]
    pub timezone: String,
    pub update_worker_pools_in_parallel: bool,
    pub machine_management_config: Option<MachineManagementConfig>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HostClusterConfigView {
    pub is_host_cluster: bool,
    pub cluster_group: Option<ObjectRef>,
    pub host_cluster: Option<ObjectRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SpectroClusterStatus {
    /// `Pending`, `Provisioning`, `Running`, `Deleting`, `Deleted`, ...
    #[serde(deserialize_with = "nullable")]
    pub state: String,
    #[serde(deserialize_with = "nullable")]
    pub conditions: Vec<ClusterCondition>,
    #[serde(deserialize_with = "nullable")]
    pub packs: Vec<ClusterPackStatus>,
    #[serde(rename = "virtual")]
    pub virtual_status: Option<VirtualStatus>,
    pub location: Option<Location>,
    pub spc_apply: Option<SpcApplyStatus>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ClusterCondition {
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub condition_type: String,
    /// `"True"` or `"False"`.
    #[serde(deserialize_with = "nullable")]
    pub status: String,
    #[serde(deserialize_with = "nullable")]
    pub reason: String,
    #[serde(deserialize_with = "nullable")]
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterPackStatus {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub profile_uid: String,
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub pack_type: String,
    #[serde(deserialize_with = "nullable")]
    pub version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VirtualStatus {
    #[serde(deserialize_with = "nullable")]
    pub state: String,
    pub lifecycle_status: Option<LifecycleStatus>,
    pub cluster_group: Option<ObjectRef>,
    pub host_cluster: Option<ObjectRef>,
    #[serde(deserialize_with = "nullable")]
    pub virtual_clusters: Vec<ObjectRef>,
}

/// Pause/resume progress: `Pausing`, `Paused`, `Resuming`, `Running` or `Error`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct LifecycleStatus {
    #[serde(deserialize_with = "nullable")]
    pub status: String,
    #[serde(deserialize_with = "nullable")]
    pub msg: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SpcApplyStatus {
    pub can_be_applied: bool,
}

impl SpectroCluster {
    /// `status.state`, empty while there is no status.
    pub fn state(&self) -> &str {
        self.status.as_ref().map_or("", |s| s.state.as_str())
    }

    /// Gone for every purpose: deleted, as the SDK's `GetCluster` sees it.
    pub fn is_deleted(&self) -> bool {
        self.state() == DELETED_STATE
    }

    /// `status.virtual.lifecycleStatus`, if reported.
    pub fn lifecycle_status(&self) -> Option<&LifecycleStatus> {
        self.status.as_ref()?.virtual_status.as_ref()?.lifecycle_status.as_ref()
    }

    /// The virtual cloud config UID (`spec.cloudConfigRef.uid`).
    pub fn cloud_config_uid(&self) -> Option<&str> {
        self.spec.cloud_config_ref.as_ref().map(|r| r.uid.as_str()).filter(|uid| !uid.is_empty())
    }
}

/// `GET /v1/spectroclusters/{uid}/status`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
struct StatusOnly {
    status: Option<StateOnly>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
struct StateOnly {
    #[serde(deserialize_with = "nullable")]
    state: String,
}

/// `v1SpectroClusterUidSummary` (the dashboard overview), for health.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ClusterOverview {
    pub metadata: ObjectMeta,
    pub status: ClusterOverviewStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterOverviewStatus {
    #[serde(deserialize_with = "nullable")]
    pub state: String,
    pub health: Option<ClusterHealth>,
    pub kube_meta: Option<KubeMeta>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterHealth {
    /// `Healthy`, `UnHealthy`, ...
    #[serde(deserialize_with = "nullable")]
    pub state: String,
    #[serde(deserialize_with = "nullable")]
    pub agent_version: String,
    pub last_heart_beat_timestamp: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KubeMeta {
    pub has_kube_config: bool,
    pub has_kube_config_client: bool,
    #[serde(deserialize_with = "nullable")]
    pub kubernetes_version: String,
}

impl ClusterOverview {
    /// `status.health.state`, empty when not reported.
    pub fn health(&self) -> &str {
        self.status.health.as_ref().map_or("", |h| h.state.as_str())
    }
}

/// `GET /v1/cloudconfigs/virtual/{configUid}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct VirtualCloudConfig {
    pub metadata: ObjectMeta,
    pub spec: VirtualCloudConfigSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VirtualCloudConfigSpec {
    #[serde(deserialize_with = "nullable")]
    pub host_cluster_uid: String,
    pub cluster_config: Option<VirtualClusterConfig>,
    #[serde(deserialize_with = "nullable")]
    pub machine_pool_config: Vec<VirtualMachinePool>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VirtualMachinePool {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    pub instance_type: Option<VirtualInstanceType>,
}

impl VirtualCloudConfig {
    /// The quota: the first pool's instance type.
    pub fn quota(&self) -> Option<&VirtualInstanceType> {
        self.spec.machine_pool_config.first()?.instance_type.as_ref()
    }
}

/// A cluster's variable values for one profile (`GET .../variables` item).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProfileVariables {
    #[serde(deserialize_with = "nullable")]
    pub profile_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub variables: Vec<ClusterVariable>,
}

/// A variable's definition plus the cluster's value for it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ClusterVariable {
    #[serde(flatten)]
    pub definition: Variable,
    #[serde(deserialize_with = "nullable")]
    pub value: String,
}

/// One profile's values in the variables PATCH body.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileVariableValues {
    pub profile_uid: String,
    pub variables: Vec<NameValue>,
}

/// The backup GET: `{metadata, spec: {clusterUid, config}}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ClusterBackup {
    pub metadata: ObjectMeta,
    pub spec: ClusterBackupSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterBackupSpec {
    #[serde(deserialize_with = "nullable")]
    pub cluster_uid: String,
    pub config: Option<BackupPolicy>,
}

/// The compliance-scan GET: `{metadata, spec: {clusterUid, driverSpec}}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ClusterComplianceScan {
    pub metadata: ObjectMeta,
    pub spec: ClusterComplianceScanSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterComplianceScanSpec {
    #[serde(deserialize_with = "nullable")]
    pub cluster_uid: String,
    /// Keyed by driver: `kube-bench`, `kube-hunter`, `sonobuoy`.
    #[serde(deserialize_with = "nullable")]
    pub driver_spec: BTreeMap<String, ScanDriverSpec>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScanDriverSpec {
    pub config: Option<ScanSchedule>,
    pub is_cluster_config: bool,
}

impl ClusterComplianceScan {
    /// The cron schedule of one driver (`kube-bench`, `kube-hunter`, `sonobuoy`).
    pub fn schedule_of(&self, driver: &str) -> Option<&str> {
        let config = self.spec.driver_spec.get(driver)?.config.as_ref()?;
        Some(config.schedule.scheduled_run_time.as_str())
    }
}

// ---- search ----

/// `v1SearchFilterSummarySpec`: the cluster search body.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClusterSearch {
    pub filter: SearchFilter,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sort: Vec<SortSpec>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchFilter {
    /// `and` or `or`.
    pub conjunction: String,
    pub filter_groups: Vec<SearchFilterGroup>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchFilterGroup {
    pub conjunction: String,
    pub filters: Vec<SearchFilterItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchFilterItem {
    pub property: String,
    /// `string`, `int`, `float`, `bool`, `date` or `keyValue`.
    #[serde(rename = "type")]
    pub value_type: String,
    pub condition: SearchCondition,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchCondition {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string: Option<StringCondition>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bool: Option<BoolCondition>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StringCondition {
    /// `eq`, `contains` or `beginsWith`.
    pub operator: String,
    pub negation: bool,
    pub ignore_case: bool,
    #[serde(rename = "match")]
    pub matches: StringMatch,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StringMatch {
    pub conjunction: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BoolCondition {
    pub value: bool,
}

impl SearchFilterItem {
    /// `property == value` (or `!=` with `negation`), case-sensitive.
    pub fn string_eq(property: &str, value: &str, negation: bool) -> Self {
        SearchFilterItem {
            property: property.to_string(),
            value_type: "string".to_string(),
            condition: SearchCondition {
                string: Some(StringCondition {
                    operator: "eq".to_string(),
                    negation,
                    ignore_case: false,
                    matches: StringMatch { conjunction: "or".to_string(), values: vec![value.to_string()] },
                }),
                bool: None,
            },
        }
    }

    pub fn bool_is(property: &str, value: bool) -> Self {
        SearchFilterItem {
            property: property.to_string(),
            value_type: "bool".to_string(),
            condition: SearchCondition { string: None, bool: Some(BoolCondition { value }) },
        }
    }
}

impl ClusterSearch {
    /// Live clusters named exactly `name`: virtual ones (`environment` is
    /// `nested`) or, with `virtual_clusters` false, every other kind.
    pub fn by_name(name: &str, virtual_clusters: bool) -> Self {
        ClusterSearch {
            filter: SearchFilter {
                conjunction: "and".to_string(),
                filter_groups: vec![SearchFilterGroup {
                    conjunction: "and".to_string(),
                    filters: vec![
                        SearchFilterItem::string_eq("environment", VIRTUAL_ENVIRONMENT, !virtual_clusters),
                        SearchFilterItem::bool_is("isDeleted", false),
                        SearchFilterItem::string_eq("clusterName", name, false),
                    ],
                }],
            },
            sort: vec![SortSpec { field: "clusterName".to_string(), order: "asc".to_string() }],
        }
    }
}

/// An item of a cluster search (`v1SpectroClusterSummary`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterSummary {
    pub metadata: ObjectMeta,
    pub spec_summary: ClusterSummarySpec,
    pub status: ClusterSummaryStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterSummarySpec {
    pub cloud_config: Option<ClusterSummaryCloudConfig>,
    pub project_meta: Option<ObjectRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterSummaryCloudConfig {
    #[serde(deserialize_with = "nullable")]
    pub cloud_type: String,
    #[serde(deserialize_with = "nullable")]
    pub uid: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ClusterSummaryStatus {
    #[serde(deserialize_with = "nullable")]
    pub state: String,
    pub health: Option<ClusterHealth>,
}

/// `{"lifecycleConfig": {"pause": bool}}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct LifecycleUpdate {
    lifecycle_config: LifecycleConfig,
}

/// `{"instanceType": {...}}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ResizeBody<'a> {
    instance_type: &'a VirtualInstanceType,
}

/// `{"clusterConfig": {...}}`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterConfigBody<'a> {
    cluster_config: &'a VirtualClusterConfig,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileUids<'a> {
    profile_uids: &'a [String],
}

#[derive(Debug, Clone, Serialize)]
struct MetadataBody<'a> {
    metadata: &'a ObjectMeta,
}

#[derive(Debug, Clone, Serialize)]
struct TimezoneBody<'a> {
    timezone: &'a str,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct OsPatchBody<'a> {
    os_patch_config: &'a OsPatchConfig,
}

#[derive(Debug, Clone, Serialize)]
struct NamespacesBody<'a> {
    namespaces: &'a [ClusterNamespace],
}

#[derive(Debug, Clone, Serialize)]
struct RbacsBody<'a> {
    rbacs: &'a [ClusterRbac],
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct UpgradeSettings {
    spectro_components: &'static str,
}

/// A feature a cluster has one configuration of (backup, compliance scan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClusterFeature {
    Backup,
    ComplianceScan,
}

impl ClusterFeature {
    fn segment(self) -> &'static str {
        match self {
            ClusterFeature::Backup => "backup",
            ClusterFeature::ComplianceScan => "complianceScan",
        }
    }
}

impl PaletteClient {
    /// `POST /v1/spectroclusters/virtual`; returns the new UID. A lost
    /// answer is resolved by searching for a live virtual cluster of that name.
    pub async fn create_virtual_cluster(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        cluster: &VirtualClusterEntity,
    ) -> Result<String, ClientError> {
        let request = Request::post(&["spectroclusters", "virtual"]).scope(scope).json(cluster);
        let name = cluster.metadata.name.as_str();
        self.create_with_lookup(ctx, request, |lookup| async move {
            let found = self.find_clusters_by_name(&lookup, scope, name, true).await?;
            Ok(found.into_iter().next().map(|c| c.metadata.uid))
        })
        .await
    }

    /// `GET /v1/spectroclusters/{uid}`; `None` on 404. A cluster that is
    /// still listed as `Deleted` is returned: check [`SpectroCluster::is_deleted`].
    pub async fn get_cluster(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<SpectroCluster>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["spectroclusters", uid]).scope(scope)).await
    }

    /// `GET /v1/spectroclusters/{uid}/status`: `status.state` alone (empty
    /// while there is no status); `None` on 404.
    pub async fn get_cluster_state(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<String>, ClientError> {
        let status: Option<StatusOnly> =
            self.fetch_optional(ctx, Request::get(&["spectroclusters", uid, "status"]).scope(scope)).await?;
        Ok(status.map(|s| s.status.map(|s| s.state).unwrap_or_default()))
    }

    /// `GET /v1/dashboard/spectroclusters/{uid}/overview` (health); `None` on 404.
    pub async fn get_cluster_overview(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<ClusterOverview>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["dashboard", "spectroclusters", uid, "overview"]).scope(scope)).await
    }

    /// `DELETE /v1/spectroclusters/{uid}[?forceDelete=true]`; already gone
    /// is not an error. Deletion continues asynchronously: poll [`get_cluster`](Self::get_cluster).
    pub async fn delete_cluster(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        force: bool,
    ) -> Result<(), ClientError> {
        let request =
            Request::delete(&["spectroclusters", uid]).scope(scope).query_opt("forceDelete", force.then_some("true"));
        self.send_delete(ctx, request).await
    }

    /// `PATCH .../clusterConfig/lifecycleConfig`: pause (`true`) or resume.
    pub async fn set_cluster_paused(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        pause: bool,
    ) -> Result<(), ClientError> {
        let body = LifecycleUpdate { lifecycle_config: LifecycleConfig { pause } };
        let request =
            Request::patch(&["spectroclusters", uid, "clusterConfig", "lifecycleConfig"]).scope(scope).json(&body);
        self.send(ctx, request.idempotent()).await
    }

    /// `GET /v1/cloudconfigs/virtual/{configUid}`; `None` on 404.
    pub async fn get_virtual_cloud_config(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        config_uid: &str,
    ) -> Result<Option<VirtualCloudConfig>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["cloudconfigs", "virtual", config_uid]).scope(scope)).await
    }

    /// `PUT /v1/cloudconfigs/virtual/{configUid}/resize`: a new quota.
    pub async fn resize_virtual_cluster(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        config_uid: &str,
        quota: &VirtualInstanceType,
    ) -> Result<(), ClientError> {
        let request = Request::put(&["cloudconfigs", "virtual", config_uid, "resize"]).scope(scope);
        self.send(ctx, request.json(&ResizeBody { instance_type: quota })).await
    }

    /// `PUT /v1/cloudconfigs/virtual/{configUid}/clusterConfig`: a new vcluster
    /// chart and Kubernetes version.
    pub async fn set_virtual_cluster_config(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        config_uid: &str,
        config: &VirtualClusterConfig,
    ) -> Result<(), ClientError> {
        let request = Request::put(&["cloudconfigs", "virtual", config_uid, "clusterConfig"]).scope(scope);
        self.send(ctx, request.json(&ClusterConfigBody { cluster_config: config })).await
    }

    /// `GET /v1/spectroclusters/{uid}/profiles`.
    pub async fn get_cluster_profiles(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Vec<AttachedProfile>, ClientError> {
        let body: AttachedProfiles =
            self.fetch(ctx, Request::get(&["spectroclusters", uid, "profiles"]).scope(scope)).await?;
        Ok(body.profiles)
    }

    /// `PATCH /v1/spectroclusters/{uid}/profiles?resolveNotification=...`:
    /// adds or updates the listed profiles, leaving the others attached.
    pub async fn patch_cluster_profiles(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        profiles: &ProfileAttachments,
        resolve_notification: bool,
    ) -> Result<(), ClientError> {
        let request = Request::patch(&["spectroclusters", uid, "profiles"])
            .scope(scope)
            .query("resolveNotification", resolve_notification.to_string())
            .json(profiles);
        self.send(ctx, request.idempotent()).await
    }

    /// `DELETE /v1/spectroclusters/{uid}/profiles` with `{profileUids}`.
    pub async fn delete_cluster_profiles(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        profile_uids: &[String],
    ) -> Result<(), ClientError> {
        let request =
            Request::delete(&["spectroclusters", uid, "profiles"]).scope(scope).json(&ProfileUids { profile_uids });
        self.send(ctx, request).await
    }

    /// `GET /v1/spectroclusters/{uid}/variables` (a top-level array).
    pub async fn get_cluster_variables(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Vec<ProfileVariables>, ClientError> {
        self.fetch(ctx, Request::get(&["spectroclusters", uid, "variables"]).scope(scope)).await
    }

    /// `PATCH /v1/spectroclusters/{uid}/variables` (a top-level array body).
    pub async fn patch_cluster_variables(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        values: &[ProfileVariableValues],
    ) -> Result<(), ClientError> {
        let request = Request::patch(&["spectroclusters", uid, "variables"]).scope(scope).json(&values);
        self.send(ctx, request.idempotent()).await
    }

    /// `PATCH /v1/spectroclusters/{uid}/metadata`: name, labels, annotations.
    pub async fn patch_cluster_metadata(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        meta: &ObjectMeta,
    ) -> Result<(), ClientError> {
        let request =
            Request::patch(&["spectroclusters", uid, "metadata"]).scope(scope).json(&MetadataBody { metadata: meta });
        self.send(ctx, request.idempotent()).await
    }

    /// `PATCH .../clusterConfig/timezone`.
    pub async fn set_cluster_timezone(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        timezone: &str,
    ) -> Result<(), ClientError> {
        let request = Request::patch(&["spectroclusters", uid, "clusterConfig", "timezone"])
            .scope(scope)
            .json(&TimezoneBody { timezone });
        self.send(ctx, request.idempotent()).await
    }

    /// `PATCH .../clusterConfig/osPatch`.
    pub async fn set_cluster_os_patch(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        config: &OsPatchConfig,
    ) -> Result<(), ClientError> {
        let request = Request::patch(&["spectroclusters", uid, "clusterConfig", "osPatch"])
            .scope(scope)
            .json(&OsPatchBody { os_patch_config: config });
        self.send(ctx, request.idempotent()).await
    }

    /// `GET /v1/spectroclusters/{uid}/config/namespaces`.
    pub async fn get_cluster_namespaces(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Vec<ClusterNamespace>, ClientError> {
        let list: Items<ClusterNamespace> =
            self.fetch(ctx, Request::get(&["spectroclusters", uid, "config", "namespaces"]).scope(scope)).await?;
        Ok(list.items)
    }

    /// `PUT /v1/spectroclusters/{uid}/config/namespaces`: replaces them all.
    pub async fn put_cluster_namespaces(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        namespaces: &[ClusterNamespace],
    ) -> Result<(), ClientError> {
        let request = Request::put(&["spectroclusters", uid, "config", "namespaces"]).scope(scope);
        self.send(ctx, request.json(&NamespacesBody { namespaces })).await
    }

    /// `GET /v1/spectroclusters/{uid}/config/rbacs`.
    pub async fn get_cluster_rbacs(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Vec<ClusterRbac>, ClientError> {
        let list: Items<ClusterRbac> =
            self.fetch(ctx, Request::get(&["spectroclusters", uid, "config", "rbacs"]).scope(scope)).await?;
        Ok(list.items)
    }

    /// `PUT /v1/spectroclusters/{uid}/config/rbacs`: replaces them all.
    pub async fn put_cluster_rbacs(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        rbacs: &[ClusterRbac],
    ) -> Result<(), ClientError> {
        let request = Request::put(&["spectroclusters", uid, "config", "rbacs"]).scope(scope);
        self.send(ctx, request.json(&RbacsBody { rbacs })).await
    }

    /// `GET .../features/backup`; `None` when no backup is configured
    /// (404, or the API's `BackupNotConfigured`).
    pub async fn get_cluster_backup(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<ClusterBackup>, ClientError> {
        let request =
            Request::get(&["spectroclusters", uid, "features", ClusterFeature::Backup.segment()]).scope(scope);
        match self.fetch_optional(ctx, request).await {
            Err(ClientError::Api(api)) if api.code == "BackupNotConfigured" => Ok(None),
            other => other,
        }
    }

    /// `POST .../features/backup` when `create`, else `PUT`.
    pub async fn set_cluster_backup(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        policy: &BackupPolicy,
        create: bool,
    ) -> Result<(), ClientError> {
        self.set_cluster_feature(ctx, scope, uid, ClusterFeature::Backup, policy, create).await
    }

    /// `GET .../features/complianceScan`; `None` when none is configured.
    pub async fn get_cluster_compliance_scan(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<ClusterComplianceScan>, ClientError> {
        let request =
            Request::get(&["spectroclusters", uid, "features", ClusterFeature::ComplianceScan.segment()]).scope(scope);
        self.fetch_optional(ctx, request).await
    }

    /// `POST .../features/complianceScan` when `create`, else `PUT`.
    pub async fn set_cluster_compliance_scan(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        policy: &ScanPolicy,
        create: bool,
    ) -> Result<(), ClientError> {
        self.set_cluster_feature(ctx, scope, uid, ClusterFeature::ComplianceScan, policy, create).await
    }

    /// Creates (POST) or replaces (PUT) a feature's configuration. A POST
    /// whose answer is lost is settled by reading the feature back.
    async fn set_cluster_feature(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        feature: ClusterFeature,
        body: &impl Serialize,
        create: bool,
    ) -> Result<(), ClientError> {
        let path = ["spectroclusters", uid, "features", feature.segment()];
        if !create {
            return self.send(ctx, Request::put(&path).scope(scope).json(body)).await;
        }
        let request = Request::post(&path).scope(scope).json(body);
        self.create_idempotently(
            ctx,
            || self.send(ctx, request.clone()),
            |lookup| async move {
                let exists: Option<serde_json::Value> =
                    self.fetch_optional(&lookup, Request::get(&path).scope(scope)).await?;
                Ok(exists.map(drop))
            },
        )
        .await
    }

    /// `POST /v1/spectroclusters/{uid}/upgrade/settings`: lock (`true`) or
    /// unlock Palette agent upgrades.
    pub async fn set_cluster_upgrade_lock(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        lock: bool,
    ) -> Result<(), ClientError> {
        let body = UpgradeSettings { spectro_components: if lock { "lock" } else { "unlock" } };
        let request = Request::post(&["spectroclusters", uid, "upgrade", "settings"]).scope(scope).json(&body);
        self.send(ctx, request.idempotent()).await
    }

    /// `PATCH /v1/spectroclusters/{uid}/k8certificates/renew`: renews the
    /// cluster's Kubernetes certificates now.
    pub async fn renew_cluster_certificates(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<(), ClientError> {
        let request = Request::patch(&["spectroclusters", uid, "k8certificates", "renew"]).scope(scope);
        self.send(ctx, request.idempotent()).await
    }

    /// `GET .../assets/kubeconfigclient`: the client kubeconfig, decoded
    /// from base64 when sent that way; `None` until it exists. Never logged.
    pub async fn get_cluster_kubeconfig(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<String>, ClientError> {
        self.download_text(ctx, Request::get(&["spectroclusters", uid, "assets", "kubeconfigclient"]).scope(scope))
            .await
    }

    /// `GET .../assets/adminKubeconfig`: like [`get_cluster_kubeconfig`](Self::get_cluster_kubeconfig).
    pub async fn get_cluster_admin_kubeconfig(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<String>, ClientError> {
        self.download_text(ctx, Request::get(&["spectroclusters", uid, "assets", "adminKubeconfig"]).scope(scope)).await
    }

    /// `POST /v1/dashboard/spectroclusters/search`, every page.
    pub async fn search_clusters(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        search: &ClusterSearch,
    ) -> Result<Vec<ClusterSummary>, ClientError> {
        let request = Request::post(&["dashboard", "spectroclusters", "search"])
            .scope(scope)
            .query("limit", PAGE_SIZE)
            .json(search)
            .search();
        self.fetch_all(ctx, request).await
    }

    /// Live clusters named exactly `name` (virtual ones, or with
    /// `virtual_clusters` false every other kind), from a search over all pages.
    pub async fn find_clusters_by_name(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        name: &str,
        virtual_clusters: bool,
    ) -> Result<Vec<ClusterSummary>, ClientError> {
        let found = self.search_clusters(ctx, scope, &ClusterSearch::by_name(name, virtual_clusters)).await?;
        Ok(found.into_iter().filter(|c| c.metadata.name == name).collect())
    }

    /// `GET /v1/dashboard/spectroclusters/metadata?quickFilter=hostclusters`:
    /// the clusters able to host virtual clusters.
    pub async fn list_host_clusters(&self, ctx: &CallContext, scope: &Scope) -> Result<Vec<ObjectMeta>, ClientError> {
        let request = Request::get(&["dashboard", "spectroclusters", "metadata"])
            .scope(scope)
            .query("quickFilter", "hostclusters");
        let list: Items<ObjectMeta> = self.fetch(ctx, request).await?;
        Ok(list.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_body_matches_the_spec() {
        let entity = VirtualClusterEntity {
            metadata: ObjectMeta::named("vc-1"),
            spec: VirtualClusterEntitySpec {
                cloud_config: VirtualClusterConfig {
                    helm_release: Some(HelmRelease { chart: HelmChart::default(), values: String::new() }),
                    ..VirtualClusterConfig::default()
                },
                cluster_config: ClusterConfigEntity {
                    host_cluster_config: HostPlacement {
                        cluster_group: ObjectRef::uid("cg1"),
                        host_cluster: ObjectRef::default(),
                    },
                    timezone: "America/New_York".into(),
                    ..ClusterConfigEntity::default()
                },
                machine_pool_config: vec![VirtualMachinePoolEntity {
                    cloud_config: VirtualMachinePoolCloudConfig {
                        instance_type: VirtualInstanceType {
                            max_cpu: 4,
                            max_mem_in_mib: 8192,
                            max_storage_gib: 10,
                            ..Default::default()
                        },
                    },
                }],
                profiles: vec![ProfileAttachment { uid: "p1".into(), ..ProfileAttachment::default() }],
                policies: None,
            },
        };
        let body = serde_json::to_value(&entity).unwrap();
        assert_eq!(
            body["spec"]["clusterConfig"],
            json!({"hostClusterConfig": {"clusterGroup": {"uid": "cg1"}, "hostCluster": {}},
                   "timezone": "America/New_York", "updateWorkerPoolsInParallel": false})
        );
        assert_eq!(
            body["spec"]["machinepoolconfig"],
            json!([{"cloudConfig": {"instanceType": {"maxCPU": 4, "maxMemInMiB": 8192, "maxStorageGiB": 10,
                                                      "minCPU": 0, "minMemInMiB": 0, "minStorageGiB": 0}}}])
        );
        assert_eq!(
            body["spec"]["cloudConfig"],
            json!({"helmRelease": {"chart": {"name": "", "repo": "", "version": ""}, "values": ""}})
        );
        assert_eq!(body["spec"]["profiles"], json!([{"uid": "p1", "packValues": [], "variables": []}]));
        assert!(body["spec"].get("policies").is_none());
    }

    #[test]
    fn namespaces_rbacs_and_patches_match_the_spec() {
        let namespace = ClusterNamespace {
            metadata: ObjectMeta::named("ns1"),
            spec: ClusterNamespaceSpec {
                is_regex: false,
                resource_allocation: ResourceAllocation {
                    cpu_cores: 2.0,
                    memory_mib: 2048.0,
                    gpu_config: Some(GpuConfig { limit: 0, provider: "nvidia".into() }),
                },
            },
        };
        assert_eq!(
            serde_json::to_value(NamespacesBody { namespaces: &[namespace] }).unwrap(),
            json!({"namespaces": [{"metadata": {"name": "ns1", "labels": {}, "annotations": {}},
                                   "spec": {"isRegex": false, "resourceAllocation": {"cpuCores": 2.0, "memoryMiB": 2048.0,
                                                                                     "gpuConfig": {"limit": 0, "provider": "nvidia"}}}}]})
        );
        let rbac = ClusterRbac {
            metadata: ObjectMeta::default(),
            spec: ClusterRbacSpec {
                bindings: vec![RbacBinding {
                    binding_type: "ClusterRoleBinding".into(),
                    namespace: String::new(),
                    role: RbacRole { kind: "ClusterRole".into(), name: "admin".into() },
                    subjects: vec![RbacSubject {
                        subject_type: "User".into(),
                        name: "alice".into(),
                        namespace: String::new(),
                    }],
                }],
                is_system: true,
            },
        };
        assert_eq!(
            serde_json::to_value(&rbac).unwrap()["spec"],
            json!({"bindings": [{"type": "ClusterRoleBinding", "role": {"kind": "ClusterRole", "name": "admin"},
                                 "subjects": [{"type": "User", "name": "alice"}]}]})
        );
        let patch = OsPatchConfig { schedule: "0 0 * * *".into(), ..OsPatchConfig::default() };
        assert_eq!(
            serde_json::to_value(OsPatchBody { os_patch_config: &patch }).unwrap(),
            json!({"osPatchConfig": {"schedule": "0 0 * * *", "patchOnBoot": false, "rebootIfRequired": false}})
        );
        assert_eq!(
            serde_json::to_value(LifecycleUpdate { lifecycle_config: LifecycleConfig { pause: true } }).unwrap(),
            json!({"lifecycleConfig": {"pause": true}})
        );
        assert_eq!(
            serde_json::to_value(ProfileUids { profile_uids: &["a".to_string()] }).unwrap(),
            json!({"profileUids": ["a"]})
        );
        assert_eq!(
            serde_json::to_value(UpgradeSettings { spectro_components: "lock" }).unwrap(),
            json!({"spectroComponents": "lock"})
        );
        let values = [ProfileVariableValues { profile_uid: "p1".into(), variables: vec![NameValue::new("a", "1")] }];
        assert_eq!(
            serde_json::to_value(&values[..]).unwrap(),
            json!([{"profileUid": "p1", "variables": [{"name": "a", "value": "1"}]}])
        );
    }

    #[test]
    fn cluster_reads_the_documented_shape() {
        let cluster: SpectroCluster = serde_json::from_value(json!({
            "apiVersion": "v1", "kind": "SpectroCluster",
            "metadata": {"uid": "c1", "name": "vc-1", "annotations": {"scope": "project", "spectroComponentsUpgradeForbidden": "false"}},
            "spec": {"cloudType": "nested", "cloudConfigRef": {"kind": "VirtualCloudConfig", "name": "vc-1", "uid": "cc1"},
                     "clusterType": "PureManage",
                     "clusterConfig": {"hostClusterConfig": {"isHostCluster": false, "clusterGroup": {"uid": "cg1", "name": "cg"},
                                                             "hostCluster": {"uid": "h1", "name": "host"}},
                                       "lifecycleConfig": {"pause": true}, "timezone": "", "updateWorkerPoolsInParallel": false},
                     "clusterProfileTemplates": [{"uid": "p1", "name": "addon", "type": "add-on", "packs": []}]},
            "status": {"state": "Running", "conditions": [{"type": "Ready", "status": "True"}],
                       "packs": [{"name": "nginx", "profileUid": "p1"}],
                       "virtual": {"state": "", "lifecycleStatus": {"status": "Paused", "msg": ""}},
                       "spcApply": {"canBeApplied": true}}
        }))
        .unwrap();
        assert_eq!(cluster.state(), "Running");
        assert!(!cluster.is_deleted());
        assert_eq!(cluster.lifecycle_status().map(|l| l.status.as_str()), Some("Paused"));
        assert_eq!(cluster.cloud_config_uid(), Some("cc1"));
        let config = cluster.spec.cluster_config.as_ref().unwrap();
        assert_eq!(config.lifecycle_config, Some(LifecycleConfig { pause: true }));
        assert_eq!(config.host_cluster_config.as_ref().unwrap().cluster_group.as_ref().unwrap().uid, "cg1");
        assert_eq!(cluster.spec.cluster_profile_templates[0].uid, "p1");
        assert!(cluster.status.as_ref().unwrap().spc_apply.as_ref().unwrap().can_be_applied);

        let fresh: SpectroCluster = serde_json::from_value(json!({"metadata": {"uid": "c1"}, "status": null})).unwrap();
        assert_eq!(fresh.state(), "");
        assert_eq!(fresh.lifecycle_status(), None);
        let deleted: SpectroCluster = serde_json::from_value(json!({"status": {"state": "Deleted"}})).unwrap();
        assert!(deleted.is_deleted());
    }

    #[test]
    fn overview_cloud_config_and_variables_read() {
        let overview: ClusterOverview =
            serde_json::from_value(json!({"status": {"state": "Running", "health": {"state": "Healthy"}, "kubeMeta": {"hasKubeConfig": true}}}))
                .unwrap();
        assert_eq!(overview.health(), "Healthy");
        let config: VirtualCloudConfig = serde_json::from_value(json!({
            "spec": {"hostClusterUid": "h1",
                     "clusterConfig": {"helmRelease": {"chart": {"name": "vcluster", "repo": "r", "version": "1"}, "values": "v"},
                                       "kubernetesVersion": "1.30"},
                     "machinePoolConfig": [{"name": "pool", "instanceType": {"maxCPU": 6, "maxMemInMiB": 12288, "maxStorageGiB": 20}}]}
        }))
        .unwrap();
        assert_eq!(config.quota().unwrap().max_mem_in_mib, 12288);
        assert_eq!(config.spec.cluster_config.unwrap().helm_release.unwrap().chart.name, "vcluster");
        let variables: Vec<ProfileVariables> = serde_json::from_value(json!([
            {"profileUid": "p1", "variables": [{"name": "a", "value": "1", "isSensitive": true, "format": "string"}]}
        ]))
        .unwrap();
        assert_eq!(variables[0].variables[0].value, "1");
        assert!(variables[0].variables[0].definition.is_sensitive);
    }

    #[test]
    fn backup_and_scan_read_and_write() {
        let backup: ClusterBackup = serde_json::from_value(json!({
            "metadata": {"uid": "b"},
            "spec": {"clusterUid": "c1", "config": {"backupLocationUid": "l1", "backupPrefix": "p", "durationInHours": 24,
                                                    "includeAllDisks": true, "includeClusterResources": true,
                                                    "namespaces": ["a"], "schedule": {"scheduledRunTime": "0 1 * * *"}}}
        }))
        .unwrap();
        assert_eq!(backup.spec.config.unwrap().schedule.scheduled_run_time, "0 1 * * *");
        let scan: ClusterComplianceScan = serde_json::from_value(json!({
            "spec": {"clusterUid": "c1", "driverSpec": {"kube-bench": {"config": {"schedule": {"scheduledRunTime": "0 0 * * *"}},
                                                                        "isClusterConfig": false}}}
        }))
        .unwrap();
        assert_eq!(scan.schedule_of("kube-bench"), Some("0 0 * * *"));
        assert_eq!(scan.schedule_of("sonobuoy"), None);
        let policy = ScanPolicy {
            kube_bench: Some(ScanSchedule { schedule: Schedule { scheduled_run_time: "0 0 * * *".into() } }),
            ..ScanPolicy::default()
        };
        assert_eq!(
            serde_json::to_value(&policy).unwrap(),
            json!({"kubeBench": {"schedule": {"scheduledRunTime": "0 0 * * *"}}})
        );
    }

    #[test]
    fn search_by_name_matches_the_sdk_filter() {
        let search = serde_json::to_value(ClusterSearch::by_name("my-vc", true)).unwrap();
        assert_eq!(
            search,
            json!({
                "filter": {"conjunction": "and", "filterGroups": [{"conjunction": "and", "filters": [
                    {"property": "environment", "type": "string",
                     "condition": {"string": {"operator": "eq", "negation": false, "ignoreCase": false,
                                              "match": {"conjunction": "or", "values": ["nested"]}}}},
                    {"property": "isDeleted", "type": "bool", "condition": {"bool": {"value": false}}},
                    {"property": "clusterName", "type": "string",
                     "condition": {"string": {"operator": "eq", "negation": false, "ignoreCase": false,
                                              "match": {"conjunction": "or", "values": ["my-vc"]}}}}
                ]}]},
                "sort": [{"field": "clusterName", "order": "asc"}]
            })
        );
        let hosts = serde_json::to_value(ClusterSearch::by_name("h", false)).unwrap();
        assert_eq!(hosts["filter"]["filterGroups"][0]["filters"][0]["condition"]["string"]["negation"], true);
    }

    #[test]
    fn summaries_read() {
        let summary: ClusterSummary = serde_json::from_value(json!({
            "metadata": {"uid": "c1", "name": "vc"},
            "specSummary": {"cloudConfig": {"cloudType": "nested", "uid": "cc1"}, "projectMeta": {"name": "Default", "uid": "p"}},
            "status": {"state": "Running", "health": {"state": "Healthy"}}
        }))
        .unwrap();
        assert_eq!(summary.spec_summary.cloud_config.unwrap().uid, "cc1");
        assert_eq!(summary.status.health.unwrap().state, "Healthy");
    }
}
