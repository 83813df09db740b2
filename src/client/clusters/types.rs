//! The spectroclusters API's types: virtual clusters as created, read and
//! searched, with their sub-resources (quota, cloud config, namespaces, RBAC,
//! backup and scan policies, profile variables).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::client::models::{nullable, ClusterProfileTemplate, NameValue, ObjectMeta, ObjectRef, ProfileAttachment, Variable};
use crate::client::packs::SortSpec;

/// `environment` of virtual clusters in cluster searches.
pub const VIRTUAL_ENVIRONMENT: &str = "nested";
/// `status.state` of a cluster that is gone but still listed.
pub const DELETED_STATE: &str = "Deleted";

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
pub(super) struct StatusOnly {
    pub(super) status: Option<StateOnly>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(super) struct StateOnly {
    #[serde(deserialize_with = "nullable")]
    pub(super) state: String,
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
