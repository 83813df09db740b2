//! `spectrocloud_virtual_cluster`: a Kubernetes cluster running inside a host
//! cluster or a cluster group, with its quota, lifecycle (pause and resume),
//! add-on profiles, day-2 settings and kubeconfigs.
//!
//! Every setting the create call accepts is sent with it; every attribute is
//! read back; changes the API cannot make in place replace the cluster.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::cluster_profile_attachment::{self as attachment, ProfileBlock};
use super::common::{check_failure, description_attribute, has_tag, id_attribute, looks_like_uid, object_meta, read_description, read_tags, split_import_id, tags_attribute};
use super::virtual_cluster_wait::{wait_for, Target};
use crate::client::clusters::{
    BackupPolicy, ClusterConfigEntity, ClusterNamespace, ClusterNamespaceSpec, ClusterRbac, ClusterRbacSpec, GpuConfig, HelmChart, HelmRelease,
    HostPlacement, LifecycleConfig, MachineManagementConfig, OsPatchConfig, Policies, RbacBinding, RbacRole, RbacSubject, ResourceAllocation,
    ScanPolicy, ScanSchedule, Schedule, SpectroCluster, VirtualClusterConfig, VirtualClusterEntity, VirtualClusterEntitySpec,
    VirtualInstanceType, VirtualMachinePoolCloudConfig, VirtualMachinePoolEntity, ClusterResourcesEntity,
};
use crate::client::models::{ApplySettings, ObjectMeta, ObjectRef, ProfileAttachments};
use crate::client::{ClientError, Scope};
use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::framework::convert::{from_planned, from_value};
use terraform_plugin::protocol::diagnostics::AttributePath;
use terraform_plugin::framework::modifiers::{fixed_after_create, requires_replace, use_state_for_unknown};
use terraform_plugin::framework::private::PrivateState;
use terraform_plugin::framework::resource::{CreateRequest, Resource, UpdateRequest};
use terraform_plugin::framework::schema::{Attribute, Block, Nesting, NestedBlock, Schema};
use terraform_plugin::framework::timeouts::{self, Operation, Timeouts};
use terraform_plugin::framework::validators::{at_least, conflicts_with, cron, dns_label, exactly_one_of, not_empty, one_of, rfc3339, time_zone, yaml};
use terraform_plugin::framework::wait::{CheckError, WaitError};
use terraform_plugin::protocol::value::{Type, Value};
use crate::provider::{api_failure, call, Palette};

pub const TYPE_NAME: &str = "spectrocloud_virtual_cluster";
const SCHEMA_VERSION: i64 = 3;
const DEFAULT_APPLY_SETTING: &str = "DownloadAndInstall";
const MIN_FORCE_DELETE_DELAY_MINUTES: i64 = 20;
/// Tag keys the official provider honours: skip the create wait, skip the profile-apply wait.
const SKIP_COMPLETION_TAG: &str = "skip_completion";
const SKIP_APPLY_TAG: &str = "skip_apply";
/// Attributes schema version 3 added, with the value version 2 state gets.
const ADDED_IN_VERSION_3: [(&str, fn() -> Value); 3] = [
    ("update_worker_pools_in_parallel", || Value::Bool(false)),
    ("cluster_timezone", || Value::string("")),
    ("renew_k8s_certificates_now", || Value::Null),
];
/// The API's error code for a quota that does not fit.
const QUOTA_EXCEEDED: &str = "QuotaExceeded";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct ClusterModel {
    id: Option<String>,
    name: String,
    context: Option<String>,
    tags: Option<BTreeSet<String>>,
    description: Option<String>,
    host_cluster_uid: Option<String>,
    cluster_group_uid: Option<String>,
    pause_cluster: Option<bool>,
    resources: Option<Vec<ResourcesBlock>>,
    pause_agent_upgrades: Option<String>,
    cluster_profile: Option<Vec<ProfileBlock>>,
    apply_setting: Option<String>,
    update_worker_pools_in_parallel: Option<bool>,
    cluster_timezone: Option<String>,
    renew_k8s_certificates_now: Option<String>,
    cloud_config_id: Option<String>,
    os_patch_on_boot: Option<bool>,
    os_patch_schedule: Option<String>,
    os_patch_after: Option<String>,
    kubeconfig: Option<String>,
    admin_kube_config: Option<String>,
    cloud_config: Option<Vec<CloudConfigBlock>>,
    backup_policy: Option<Vec<BackupBlock>>,
    scan_policy: Option<Vec<ScanBlock>>,
    cluster_rbac_binding: Option<Vec<RbacBlock>>,
    namespaces: Option<Vec<NamespaceBlock>>,
    location_config: Option<Vec<LocationBlock>>,
    skip_completion: Option<bool>,
    force_delete: Option<bool>,
    force_delete_delay: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct ResourcesBlock {
    max_cpu: Option<i64>,
    max_mem_in_mb: Option<i64>,
    max_storage_in_gb: Option<i64>,
    min_cpu: Option<i64>,
    min_mem_in_mb: Option<i64>,
    min_storage_in_gb: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct CloudConfigBlock {
    chart_name: Option<String>,
    chart_repo: Option<String>,
    chart_version: Option<String>,
    chart_values: Option<String>,
    k8s_version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct BackupBlock {
    prefix: String,
    backup_location_id: String,
    schedule: String,
    expiry_in_hour: i64,
    include_disks: Option<bool>,
    include_cluster_resources: Option<bool>,
    include_cluster_resources_mode: Option<String>,
    namespaces: Option<BTreeSet<String>>,
    cluster_uids: Option<BTreeSet<String>>,
    include_all_clusters: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct ScanBlock {
    configuration_scan_schedule: String,
    penetration_scan_schedule: String,
    conformance_scan_schedule: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct RbacBlock {
    #[serde(rename = "type")]
    binding_type: String,
    namespace: Option<String>,
    role: Option<BTreeMap<String, String>>,
    subjects: Option<Vec<SubjectBlock>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct SubjectBlock {
    #[serde(rename = "type")]
    subject_type: String,
    name: String,
    namespace: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct NamespaceBlock {
    name: String,
    resource_allocation: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct LocationBlock {
    country_code: String,
    country_name: String,
    region_code: String,
    region_name: String,
    latitude: f64,
    longitude: f64,
}

const CPU_KEY: &str = "cpu_cores";
const MEMORY_KEY: &str = "memory_MiB";
const GPU_LIMIT_KEY: &str = "gpu_limit";
const GPU_PROVIDER_KEY: &str = "gpu_provider";
const DEFAULT_GPU_PROVIDER: &str = "nvidia";

/// Keys of `backup_policy.include_cluster_resources_mode` and the API's spelling.
const RESOURCE_MODES: [(&str, &str); 3] = [("always", "Always"), ("never", "Never"), ("auto", "Auto")];

/// Scan drivers in the API and the block attribute each one fills.
const SCAN_DRIVERS: [&str; 3] = ["kube-bench", "kube-hunter", "sonobuoy"];

fn to_i32(value: Option<i64>) -> i32 {
    value.unwrap_or(0).clamp(0, i64::from(i32::MAX)) as i32
}

/// A namespace quantity as text, keeping the prior spelling of the same number
/// (`"2"` and `"2.0"`), so a fractional CPU such as `"0.5"` never drifts.
fn quantity_text(api: f64, prior: Option<&String>) -> String {
    match prior {
        Some(text) if text.trim().parse::<f64>().ok() == Some(api) => text.clone(),
        _ if api.fract() == 0.0 => format!("{}", api as i64),
        _ => api.to_string(),
    }
}

/// Go's zero time, which Palette reports for an unset timestamp.
fn is_zero_time(text: &str) -> bool {
    text.starts_with("0001-01-01")
}

impl ResourcesBlock {
    fn instance_type(&self) -> VirtualInstanceType {
        VirtualInstanceType {
            max_cpu: to_i32(self.max_cpu),
            max_mem_in_mib: to_i32(self.max_mem_in_mb),
            max_storage_gib: to_i32(self.max_storage_in_gb),
            min_cpu: to_i32(self.min_cpu),
            min_mem_in_mib: to_i32(self.min_mem_in_mb),
            min_storage_gib: to_i32(self.min_storage_in_gb),
        }
    }

    fn from_api(quota: &VirtualInstanceType) -> ResourcesBlock {
        let number = |api: i32| Some(i64::from(api));
        ResourcesBlock {
            max_cpu: number(quota.max_cpu),
            max_mem_in_mb: number(quota.max_mem_in_mib),
            max_storage_in_gb: number(quota.max_storage_gib),
            min_cpu: number(quota.min_cpu),
            min_mem_in_mb: number(quota.min_mem_in_mib),
            min_storage_in_gb: number(quota.min_storage_gib),
        }
    }
}

impl CloudConfigBlock {
    fn api(&self) -> VirtualClusterConfig {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let chart = HelmChart { name: text(&self.chart_name), repo: text(&self.chart_repo), version: text(&self.chart_version) };
        VirtualClusterConfig {
            helm_release: Some(HelmRelease { chart, values: text(&self.chart_values) }),
            kubernetes_version: text(&self.k8s_version),
            control_plane_endpoint: None,
        }
    }

    /// Every field as the API stores it. Reading every field, not only the
    /// configured ones, is what lets an import carry the block and a change
    /// made elsewhere show.
    fn from_api(config: &VirtualClusterConfig) -> CloudConfigBlock {
        let release = config.helm_release.clone().unwrap_or_default();
        let text = |api: &str| Some(api.to_string());
        CloudConfigBlock {
            chart_name: text(&release.chart.name),
            chart_repo: text(&release.chart.repo),
            chart_version: text(&release.chart.version),
            chart_values: text(&release.values),
            k8s_version: text(&config.kubernetes_version),
        }
    }

    /// True when the API holds any chart setting (an all-empty block is no setting).
    fn is_set(&self) -> bool {
        [&self.chart_name, &self.chart_repo, &self.chart_version, &self.chart_values, &self.k8s_version].iter().any(|v| v.as_deref().is_some_and(|t| !t.is_empty()))
    }
}

impl BackupBlock {
    fn api(&self) -> BackupPolicy {
        let mode = self.include_cluster_resources_mode.as_deref().unwrap_or_default();
        BackupPolicy {
            backup_location_uid: self.backup_location_id.clone(),
            backup_prefix: self.prefix.clone(),
            duration_in_hours: self.expiry_in_hour,
            include_all_disks: self.include_disks.unwrap_or(true),
            include_cluster_resources: self.include_cluster_resources.unwrap_or(true),
            include_cluster_resource_mode: RESOURCE_MODES.iter().find(|(key, _)| *key == mode).map(|(_, api)| api.to_string()).unwrap_or_default(),
            namespaces: self.namespaces.iter().flatten().cloned().collect(),
            schedule: Schedule { scheduled_run_time: self.schedule.clone() },
        }
    }

    fn from_api(policy: &BackupPolicy, prior: Option<&BackupBlock>) -> BackupBlock {
        let mode = RESOURCE_MODES.iter().find(|(_, api)| *api == policy.include_cluster_resource_mode).map_or("", |(key, _)| key);
        BackupBlock {
            prefix: policy.backup_prefix.clone(),
            backup_location_id: policy.backup_location_uid.clone(),
            schedule: policy.schedule.scheduled_run_time.clone(),
            expiry_in_hour: policy.duration_in_hours,
            include_disks: Some(policy.include_all_disks),
            include_cluster_resources: Some(policy.include_cluster_resources),
            include_cluster_resources_mode: Some(mode.to_string()),
            namespaces: Some(policy.namespaces.iter().cloned().collect()),
            // Not part of a virtual cluster's policy: what the configuration said.
            cluster_uids: prior.and_then(|p| p.cluster_uids.clone()),
            include_all_clusters: prior.and_then(|p| p.include_all_clusters),
        }
    }
}

impl ScanBlock {
    fn api(&self) -> ScanPolicy {
        let schedule = |cron: &str| Some(ScanSchedule { schedule: Schedule { scheduled_run_time: cron.to_string() } });
        ScanPolicy {
            kube_bench: schedule(&self.configuration_scan_schedule),
            kube_hunter: schedule(&self.penetration_scan_schedule),
            sonobuoy: schedule(&self.conformance_scan_schedule),
        }
    }
}

impl RbacBlock {
    fn api(&self) -> RbacBinding {
        let role = self.role.clone().unwrap_or_default();
        RbacBinding {
            binding_type: self.binding_type.clone(),
            namespace: self.namespace.clone().unwrap_or_default(),
            role: RbacRole { kind: role.get("kind").cloned().unwrap_or_default(), name: role.get("name").cloned().unwrap_or_default() },
            subjects: self
                .subjects
                .iter()
                .flatten()
                .map(|s| RbacSubject { subject_type: s.subject_type.clone(), name: s.name.clone(), namespace: s.namespace.clone().unwrap_or_default() })
                .collect(),
        }
    }

    fn from_api(binding: &RbacBinding) -> RbacBlock {
        let role: BTreeMap<String, String> =
            [("kind", &binding.role.kind), ("name", &binding.role.name)].into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k.to_string(), v.clone())).collect();
        RbacBlock {
            binding_type: binding.binding_type.clone(),
            namespace: Some(binding.namespace.clone()),
            role: Some(role),
            subjects: Some(
                binding
                    .subjects
                    .iter()
                    .map(|s| SubjectBlock { subject_type: s.subject_type.clone(), name: s.name.clone(), namespace: Some(s.namespace.clone()) })
                    .collect(),
            ),
        }
    }
}

impl NamespaceBlock {
    fn api(&self) -> ClusterNamespace {
        let number = |key: &str| self.resource_allocation.get(key).and_then(|v| v.trim().parse::<f64>().ok()).unwrap_or(0.0);
        let gpu_limit = number(GPU_LIMIT_KEY) as i32;
        let gpu_config = (gpu_limit > 0).then(|| GpuConfig {
            limit: gpu_limit,
            provider: self.resource_allocation.get(GPU_PROVIDER_KEY).cloned().unwrap_or_else(|| DEFAULT_GPU_PROVIDER.to_string()),
        });
        ClusterNamespace {
            metadata: ObjectMeta::named(self.name.clone()),
            spec: ClusterNamespaceSpec {
                is_regex: false,
                resource_allocation: ResourceAllocation { cpu_cores: number(CPU_KEY), memory_mib: number(MEMORY_KEY), gpu_config },
            },
        }
    }

    fn from_api(namespace: &ClusterNamespace, prior: Option<&NamespaceBlock>) -> NamespaceBlock {
        let allocation = &namespace.spec.resource_allocation;
        let prior_value = |key: &str| prior.and_then(|p| p.resource_allocation.get(key));
        let mut resource_allocation = BTreeMap::from([
            (CPU_KEY.to_string(), quantity_text(allocation.cpu_cores, prior_value(CPU_KEY))),
            (MEMORY_KEY.to_string(), quantity_text(allocation.memory_mib, prior_value(MEMORY_KEY))),
        ]);
        if let Some(gpu) = allocation.gpu_config.as_ref().filter(|g| g.limit > 0) {
            resource_allocation.insert(GPU_LIMIT_KEY.to_string(), quantity_text(f64::from(gpu.limit), prior_value(GPU_LIMIT_KEY)));
            if gpu.provider != DEFAULT_GPU_PROVIDER || prior_value(GPU_PROVIDER_KEY).is_some() {
                resource_allocation.insert(GPU_PROVIDER_KEY.to_string(), gpu.provider.clone());
            }
        }
        NamespaceBlock { name: namespace.metadata.name.clone(), resource_allocation }
    }
}

impl ClusterModel {
    fn skip_completion(&self) -> bool {
        self.skip_completion.unwrap_or(false) || has_tag(self.tags.as_ref(), SKIP_COMPLETION_TAG)
    }

    fn paused(&self) -> bool {
        self.pause_cluster.unwrap_or(false)
    }

    fn upgrades_locked(&self) -> bool {
        self.pause_agent_upgrades.as_deref() == Some("lock")
    }

    fn metadata(&self) -> ObjectMeta {
        object_meta(&self.name, self.tags.as_ref(), Some(self.description.as_deref().unwrap_or_default()))
    }

    fn os_patch(&self) -> OsPatchConfig {
        OsPatchConfig {
            schedule: self.os_patch_schedule.clone().unwrap_or_default(),
            patch_on_boot: self.os_patch_on_boot.unwrap_or(false),
            reboot_if_required: false,
            on_demand_patch_after: self.os_patch_after.clone().filter(|t| !t.is_empty()),
        }
    }

    fn os_patch_settings(&self) -> (&Option<bool>, &Option<String>, &Option<String>) {
        (&self.os_patch_on_boot, &self.os_patch_schedule, &self.os_patch_after)
    }

    fn namespaces_api(&self) -> Vec<ClusterNamespace> {
        self.namespaces.iter().flatten().map(NamespaceBlock::api).collect()
    }

    fn rbacs_api(&self) -> Vec<ClusterRbac> {
        let bindings: Vec<RbacBinding> = self.cluster_rbac_binding.iter().flatten().map(RbacBlock::api).collect();
        if bindings.is_empty() {
            return Vec::new();
        }
        vec![ClusterRbac { metadata: ObjectMeta::default(), spec: ClusterRbacSpec { bindings, is_system: false } }]
    }

    fn quota(&self) -> Option<VirtualInstanceType> {
        self.resources.iter().flatten().next().map(ResourcesBlock::instance_type)
    }

    fn backup(&self) -> Option<BackupPolicy> {
        self.backup_policy.iter().flatten().next().map(BackupBlock::api)
    }

    fn scan(&self) -> Option<ScanPolicy> {
        self.scan_policy.iter().flatten().next().map(ScanBlock::api)
    }

    fn apply_settings(&self) -> ApplySettings {
        ApplySettings { action_type: self.apply_setting.clone().unwrap_or_else(|| DEFAULT_APPLY_SETTING.to_string()) }
    }

    /// The create body: every setting the create call accepts.
    fn entity(&self) -> VirtualClusterEntity {
        let os_patch = self.os_patch();
        let has_os_patch = os_patch != OsPatchConfig::default();
        let namespaces = self.namespaces_api();
        let rbacs = self.rbacs_api();
        let (backup_policy, scan_policy) = (self.backup(), self.scan());
        VirtualClusterEntity {
            metadata: self.metadata(),
            spec: VirtualClusterEntitySpec {
                cloud_config: self.cloud_config.iter().flatten().next().map(CloudConfigBlock::api).unwrap_or_default(),
                cluster_config: ClusterConfigEntity {
                    host_cluster_config: HostPlacement {
                        cluster_group: ObjectRef::uid(self.cluster_group_uid.clone().unwrap_or_default()),
                        host_cluster: ObjectRef::uid(self.host_cluster_uid.clone().unwrap_or_default()),
                    },
                    lifecycle_config: Some(LifecycleConfig { pause: self.paused() }),
                    timezone: self.cluster_timezone.clone().unwrap_or_default(),
                    update_worker_pools_in_parallel: self.update_worker_pools_in_parallel.unwrap_or(false),
                    machine_management_config: has_os_patch.then_some(MachineManagementConfig { os_patch_config: Some(os_patch) }),
                    resources: (!namespaces.is_empty() || !rbacs.is_empty()).then_some(ClusterResourcesEntity { namespaces, rbacs }),
                    location: None,
                },
                machine_pool_config: self
                    .quota()
                    .map(|instance_type| vec![VirtualMachinePoolEntity { cloud_config: VirtualMachinePoolCloudConfig { instance_type } }])
                    .unwrap_or_default(),
                profiles: attachment::attachments(self.cluster_profile.as_deref()),
                policies: (backup_policy.is_some() || scan_policy.is_some()).then_some(Policies { backup_policy, scan_policy }),
            },
        }
    }
}

/// Everything a refresh reads, gathered before it is merged with the prior state.
struct Observed {
    cluster: SpectroCluster,
    kubeconfig: Option<String>,
    admin_kubeconfig: Option<String>,
    quota: Option<VirtualInstanceType>,
    cloud_config: Option<VirtualClusterConfig>,
    variables: Option<BTreeMap<String, BTreeMap<String, String>>>,
    namespaces: Vec<ClusterNamespace>,
    rbacs: Vec<ClusterRbac>,
    backup: Option<BackupPolicy>,
    scan: Option<BTreeMap<&'static str, String>>,
}

impl Observed {
    fn model(&self, prior: &ClusterModel) -> ClusterModel {
        let cluster = &self.cluster;
        let meta = &cluster.metadata;
        let config = cluster.spec.cluster_config.clone().unwrap_or_default();
        let placement = config.host_cluster_config.clone().unwrap_or_default();
        let group_uid = placement.cluster_group.map(|r| r.uid).filter(|u| !u.is_empty());
        let host_uid = placement.host_cluster.map(|r| r.uid).filter(|u| !u.is_empty());
        // Placement is read for the attribute the configuration uses (Palette
        // picks the host of a group's cluster); on import, the group wins.
        let chosen = |uid: &Option<String>| uid.as_deref().is_some_and(|u| !u.is_empty());
        let (cluster_group_uid, host_cluster_uid) = match (chosen(&prior.cluster_group_uid), chosen(&prior.host_cluster_uid)) {
            (true, _) => (group_uid, None),
            (false, true) => (None, host_uid),
            (false, false) if group_uid.is_some() => (group_uid, None),
            (false, false) => (None, host_uid),
        };
        let os_patch = config.machine_management_config.and_then(|m| m.os_patch_config).unwrap_or_default();
        let resources = match &self.quota {
            Some(quota) if *quota != VirtualInstanceType::default() || prior.resources.is_some() => Some(vec![ResourcesBlock::from_api(quota)]),
            _ => prior.resources.as_ref().map(|_| Vec::new()),
        };
        // An empty `cloud_config {}` in the configuration reads back as an empty block.
        let chart = self.cloud_config.as_ref().map(CloudConfigBlock::from_api).unwrap_or_default();
        let cloud_config = match chart.is_set() {
            true => Some(vec![chart]),
            false => prior.cloud_config.as_ref().map(|blocks| blocks.iter().map(|_| chart.clone()).collect()),
        };
        let prior_namespaces = prior.namespaces.as_deref().unwrap_or_default();
        let namespaces: Vec<NamespaceBlock> =
            self.namespaces.iter().map(|n| NamespaceBlock::from_api(n, prior_namespaces.iter().find(|p| p.name == n.metadata.name))).collect();
        let rbacs: Vec<RbacBlock> =
            self.rbacs.iter().filter(|r| !r.spec.is_system).flat_map(|r| r.spec.bindings.iter()).map(RbacBlock::from_api).collect();
        let prior_backup = prior.backup_policy.iter().flatten().next();
        let scan = self.scan.as_ref().map(|s| {
            let get = |driver: &str| s.get(driver).cloned().unwrap_or_default();
            vec![ScanBlock {
                configuration_scan_schedule: get(SCAN_DRIVERS[0]),
                penetration_scan_schedule: get(SCAN_DRIVERS[1]),
                conformance_scan_schedule: get(SCAN_DRIVERS[2]),
            }]
        });
        let location = cluster.status.as_ref().and_then(|s| s.location.clone());
        ClusterModel {
            id: Some(meta.uid.clone()),
            name: meta.name.clone(),
            context: prior.context.clone().or_else(|| Some("project".to_string())),
            tags: read_tags(meta),
            description: read_description(meta),
            host_cluster_uid,
            cluster_group_uid,
            pause_cluster: Some(config.lifecycle_config.is_some_and(|l| l.pause)),
            resources,
            pause_agent_upgrades: Some(
                if meta.annotations.get("spectroComponentsUpgradeForbidden").map(String::as_str) == Some("true") { "lock" } else { "unlock" }.to_string(),
            ),
            cluster_profile: attachment::read_back(&cluster.spec.cluster_profile_templates, self.variables.as_ref(), prior.cluster_profile.as_deref()),
            apply_setting: prior.apply_setting.clone(),
            update_worker_pools_in_parallel: Some(config.update_worker_pools_in_parallel),
            cluster_timezone: Some(config.timezone.clone()),
            renew_k8s_certificates_now: prior.renew_k8s_certificates_now.clone(),
            cloud_config_id: cluster.cloud_config_uid().map(str::to_string),
            os_patch_on_boot: Some(os_patch.patch_on_boot),
            os_patch_schedule: Some(os_patch.schedule.clone()),
            os_patch_after: Some(os_patch.on_demand_patch_after.as_deref().filter(|t| !is_zero_time(t)).unwrap_or_default().to_string()),
            kubeconfig: self.kubeconfig.clone(),
            admin_kube_config: self.admin_kubeconfig.clone(),
            cloud_config,
            backup_policy: self.backup.as_ref().map(|b| vec![BackupBlock::from_api(b, prior_backup)]),
            scan_policy: scan,
            cluster_rbac_binding: Some(rbacs),
            namespaces: Some(namespaces),
            location_config: Some(
                location
                    .map(|l| LocationBlock {
                        country_code: l.country_code,
                        country_name: l.country_name,
                        region_code: l.region_code,
                        region_name: l.region_name,
                        latitude: l.geo_loc.latitude,
                        longitude: l.geo_loc.longitude,
                    })
                    .into_iter()
                    .collect(),
            ),
            skip_completion: prior.skip_completion,
            force_delete: prior.force_delete,
            force_delete_delay: prior.force_delete_delay,
        }
    }
}

/// A virtual cluster wait that ended without reaching its target: how, and
/// the last state seen; or, for a check that failed for good, its error.
fn interrupted(error: WaitError<CheckError<ClientError>>) -> Result<(String, String), ResourceError> {
    error.ending().map_err(|failure| check_failure(failure, "Cannot read the virtual cluster while waiting"))
}

/// A create or update error from the API; quota over-commits point at `resources`.
fn api_error(summary: &str, error: ClientError) -> ResourceError {
    match error.api() {
        Some(api) if api.code == QUOTA_EXCEEDED => {
            ResourceError::at(AttributePath::attr("resources"), "The virtual cluster's quota does not fit", api.message.clone())
        }
        _ => api_failure(summary, &error).into(),
    }
}

pub struct VirtualClusterResource;

impl VirtualClusterResource {
    /// Reads everything the model holds; `None` when the cluster is gone.
    /// One round trip: the sub-resources are asked for together with the
    /// cluster (the cloud config by the UID the prior state recorded), and
    /// only a cloud config the cluster names otherwise is read after it.
    async fn observe(&self, ctx: &Context<Palette>, scope: &Scope, uid: &str, prior: &ClusterModel) -> Result<Option<Observed>, ResourceError> {
        let client = &ctx.data().client;
        let c = call(ctx);
        let cloud_config = |config_uid: Option<String>| {
            let c = &c;
            async move {
                match config_uid {
                    Some(config_uid) => client.get_virtual_cloud_config(c, scope, &config_uid).await,
                    None => Ok(None),
                }
            }
        };
        let declares_variables = prior.cluster_profile.iter().flatten().any(|p| p.variables.as_ref().is_some_and(|v| !v.is_empty()));
        let variables = async {
            if !declares_variables {
                return Ok::<_, ClientError>(None);
            }
            let listed = client.get_cluster_variables(&c, scope, uid).await?;
            let by_profile: BTreeMap<String, BTreeMap<String, String>> =
                listed.into_iter().map(|p| (p.profile_uid, p.variables.into_iter().map(|v| (v.definition.name, v.value)).collect())).collect();
            Ok(Some(by_profile))
        };
        let sub_resources = async {
            tokio::try_join!(
                client.get_cluster_kubeconfig(&c, scope, uid),
                client.get_cluster_admin_kubeconfig(&c, scope, uid),
                cloud_config(prior.cloud_config_id.clone()),
                variables,
                client.get_cluster_namespaces(&c, scope, uid),
                client.get_cluster_rbacs(&c, scope, uid),
                client.get_cluster_backup(&c, scope, uid),
                client.get_cluster_compliance_scan(&c, scope, uid),
            )
        };
        let (cluster, sub_resources) = tokio::join!(client.get_cluster(&c, scope, uid), sub_resources);
        // A cluster that is gone makes its sub-resources' answers moot.
        let Some(cluster) = cluster?.filter(|cluster| !cluster.is_deleted()) else {
            return Ok(None);
        };
        let (kubeconfig, admin_kubeconfig, mut cloud, variables, namespaces, rbacs, backup, scan) = sub_resources?;
        if cluster.cloud_config_uid() != prior.cloud_config_id.as_deref() {
            cloud = cloud_config(cluster.cloud_config_uid().map(str::to_string)).await?;
        }
        let backup = backup.and_then(|b| b.spec.config);
        let scan = scan.map(|s| SCAN_DRIVERS.iter().filter_map(|d| s.schedule_of(d).map(|cron| (*d, cron.to_string()))).collect());
        Ok(Some(Observed {
            quota: cloud.as_ref().and_then(|c| c.quota().cloned()),
            cloud_config: cloud.and_then(|c| c.spec.cluster_config),
            cluster,
            kubeconfig,
            admin_kubeconfig,
            variables,
            namespaces,
            rbacs,
            backup,
            scan,
        }))
    }

    async fn read_model(&self, ctx: &Context<Palette>, prior: &ClusterModel) -> Result<Option<ClusterModel>, ResourceError> {
        let scope = ctx.data().project_scope();
        let uid = prior.id.clone().unwrap_or_default();
        Ok(self.observe(ctx, &scope, &uid, prior).await?.map(|observed| observed.model(prior)))
    }

    /// The state after a write: what the API reports, keeping the planned
    /// values (Terraform requires them) and config-only attributes.
    async fn settled_state(&self, ctx: &Context<Palette>, planned: &ClusterModel) -> Result<Value, ResourceError> {
        let read = self.read_model(ctx, planned).await?.ok_or_else(|| ResourceError::new("The virtual cluster disappeared", "It was deleted while being changed."))?;
        let merged = ClusterModel {
            kubeconfig: read.kubeconfig,
            admin_kube_config: read.admin_kube_config,
            cloud_config_id: read.cloud_config_id,
            location_config: read.location_config,
            id: read.id,
            ..planned.clone()
        };
        ctx.state(&merged)
    }

    /// Waits and turns a failed wait into an error naming what was awaited.
    async fn wait(&self, ctx: &Context<Palette>, uid: &str, target: Target, what: &str) -> Result<(), ResourceError> {
        let scope = ctx.data().project_scope();
        wait_for(ctx, &scope, uid, target).await.map_err(|error| match interrupted(error) {
            Ok((why, _)) => ResourceError::new(format!("The virtual cluster did not {what}"), format!("The wait {why}.")),
            Err(failure) => failure,
        })
    }

    async fn update_profiles(&self, ctx: &Context<Palette>, uid: &str, prior: &ClusterModel, model: &ClusterModel) -> Result<(), ResourceError> {
        let client = &ctx.data().client;
        let scope = ctx.data().project_scope();
        let wanted: BTreeSet<&str> = model.cluster_profile.iter().flatten().map(|p| p.id.as_str()).collect();
        let removed: Vec<String> = prior.cluster_profile.iter().flatten().map(|p| p.id.clone()).filter(|id| !wanted.contains(id.as_str())).collect();
        if !removed.is_empty() {
            client.delete_cluster_profiles(&call(ctx), &scope, uid, &removed).await?;
        }
        let profiles = attachment::attachments(model.cluster_profile.as_deref());
        if profiles.is_empty() {
            return Ok(());
        }
        let body = ProfileAttachments { profiles, spc_apply_settings: Some(model.apply_settings()) };
        client.patch_cluster_profiles(&call(ctx), &scope, uid, &body, true).await.map_err(|e| api_error("Cannot attach the cluster profiles", e))?;
        if has_tag(model.tags.as_ref(), SKIP_APPLY_TAG) {
            return Ok(());
        }
        self.wait(ctx, uid, Target::ProfilesApplied, "apply its profile changes").await
    }

    /// The day-2 calls for every changed setting, in the official provider's order.
    async fn apply_changes(&self, ctx: &Context<Palette>, uid: &str, prior: &ClusterModel, model: &ClusterModel) -> Result<(), ResourceError> {
        let client = &ctx.data().client;
        let scope = ctx.data().project_scope();
        let c = call(ctx);
        if (&prior.name, &prior.tags, &prior.description) != (&model.name, &model.tags, &model.description) {
            client.patch_cluster_metadata(&c, &scope, uid, &model.metadata()).await?;
        }
        if prior.namespaces != model.namespaces {
            client.put_cluster_namespaces(&c, &scope, uid, &model.namespaces_api()).await.map_err(|e| api_error("Cannot set the namespaces", e))?;
        }
        if prior.cluster_rbac_binding != model.cluster_rbac_binding {
            client.put_cluster_rbacs(&c, &scope, uid, &model.rbacs_api()).await?;
        }
        if prior.os_patch_settings() != model.os_patch_settings() {
            client.set_cluster_os_patch(&c, &scope, uid, &model.os_patch()).await?;
        }
        if prior.cluster_profile != model.cluster_profile {
            self.update_profiles(ctx, uid, prior, model).await?;
        }
        if prior.backup_policy != model.backup_policy {
            let backup = model.backup().ok_or_else(|| {
                ResourceError::at(AttributePath::attr("backup_policy"), "The backup policy cannot be destroyed", "Palette cannot remove a cluster's backup policy; keep the block or replace the cluster.")
            })?;
            let create = prior.backup_policy.as_ref().is_none_or(Vec::is_empty);
            client.set_cluster_backup(&c, &scope, uid, &backup, create).await?;
        }
        if prior.scan_policy != model.scan_policy {
            if let Some(scan) = model.scan() {
                let create = prior.scan_policy.as_ref().is_none_or(Vec::is_empty);
                client.set_cluster_compliance_scan(&c, &scope, uid, &scan, create).await?;
            }
        }
        if prior.pause_agent_upgrades != model.pause_agent_upgrades {
            client.set_cluster_upgrade_lock(&c, &scope, uid, model.upgrades_locked()).await?;
        }
        if prior.cluster_timezone != model.cluster_timezone {
            if let Some(timezone) = model.cluster_timezone.as_deref().filter(|t| !t.is_empty()) {
                client.set_cluster_timezone(&c, &scope, uid, timezone).await?;
            }
        }
        if prior.renew_k8s_certificates_now != model.renew_k8s_certificates_now && model.renew_k8s_certificates_now.as_deref().is_some_and(|t| !t.is_empty()) {
            client.renew_cluster_certificates(&c, &scope, uid).await?;
        }
        let config_uid = model.cloud_config_id.clone().or_else(|| prior.cloud_config_id.clone()).unwrap_or_default();
        if prior.resources != model.resources {
            if let Some(quota) = model.quota() {
                client.resize_virtual_cluster(&c, &scope, &config_uid, &quota).await.map_err(|e| api_error("Cannot resize the virtual cluster", e))?;
            }
        }
        if prior.cloud_config != model.cloud_config {
            // A removed block resets the chart settings to Palette's defaults.
            let chart = model.cloud_config.iter().flatten().next().cloned().unwrap_or_default();
            client.set_virtual_cluster_config(&c, &scope, &config_uid, &chart.api()).await.map_err(|e| api_error("Cannot change the virtual cluster's chart", e))?;
        }
        if prior.paused() != model.paused() {
            client.set_cluster_paused(&c, &scope, uid, model.paused()).await?;
            let (target, what) = if model.paused() { (Target::Paused, "pause") } else { (Target::Resumed, "resume") };
            self.wait(ctx, uid, target, what).await?;
        }
        Ok(())
    }

    /// After the create call: the waits, and the one setting the create body
    /// cannot carry (the agent upgrade lock).
    async fn complete_create(&self, ctx: &Context<Palette>, uid: &str, model: &ClusterModel) -> Result<(), ResourceError> {
        if model.upgrades_locked() {
            let scope = ctx.data().project_scope();
            ctx.data().client.set_cluster_upgrade_lock(&call(ctx), &scope, uid, true).await?;
        }
        if model.skip_completion() {
            return Ok(());
        }
        let scope = ctx.data().project_scope();
        let failure = |error: WaitError<CheckError<ClientError>>, what: &str| match interrupted(error) {
            Ok((why, state)) => ResourceError::new(
                format!("Virtual cluster {:?} is not {what} yet", model.name),
                format!("The create {why}; the cluster was in state {state}. It is recorded in the state as tainted: the next apply replaces it."),
            ),
            Err(failure) => failure,
        };
        wait_for(ctx, &scope, uid, Target::RunningHealthy).await.map_err(|e| failure(e, "running and healthy"))?;
        if model.paused() {
            wait_for(ctx, &scope, uid, Target::Paused).await.map_err(|e| failure(e, "paused"))?;
        }
        Ok(())
    }
}

fn location_type() -> Type {
    let members = [
        ("country_code", Type::String),
        ("country_name", Type::String),
        ("region_code", Type::String),
        ("region_name", Type::String),
        ("latitude", Type::Number),
        ("longitude", Type::Number),
    ];
    Type::List(Box::new(Type::Object(members.into_iter().map(|(k, t)| (k.to_string(), t)).collect())))
}

#[async_trait]
impl Resource<Palette> for VirtualClusterResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        let number = |name: &str, text: &str| Attribute::new(name, Type::Number).zero_default().description(text).validator(at_least(0));
        let string = |name: &str, text: &str| Attribute::new(name, Type::String).zero_default().description(text);
        let required = |name: &str, text: &str| Attribute::new(name, Type::String).required().description(text);
        let resources = Block::new()
            .attribute(number("max_cpu", "The most CPU the cluster may use, in cores."))
            .attribute(number("max_mem_in_mb", "The most memory the cluster may use, in MiB."))
            .attribute(number("max_storage_in_gb", "The most storage the cluster may use, in GiB."))
            .attribute(number("min_cpu", "The CPU reserved for the cluster, in cores."))
            .attribute(number("min_mem_in_mb", "The memory reserved for the cluster, in MiB."))
            .attribute(number("min_storage_in_gb", "The storage reserved for the cluster, in GiB."));
        let cloud_config = Block::new()
            .attribute(string("chart_name", "The vcluster Helm chart's name."))
            .attribute(string("chart_repo", "The vcluster Helm chart's repository."))
            .attribute(string("chart_version", "The vcluster Helm chart's version."))
            .attribute(string("chart_values", "Values (YAML) for the vcluster Helm chart.").validator(yaml()))
            .attribute(string("k8s_version", "The Kubernetes version of the virtual cluster."));
        let backup = Block::new()
            .attribute(required("prefix", "The prefix of backup names."))
            .attribute(required("backup_location_id", "The UID of the backup location."))
            .attribute(required("schedule", "When backups run (cron).").validator(cron()))
            .attribute(Attribute::new("expiry_in_hour", Type::Number).required().description("How long a backup is kept, in hours.").validator(at_least(1)))
            .attribute(Attribute::new("include_disks", Type::Bool).default(Value::Bool(true)).description("Whether disks are backed up."))
            .attribute(Attribute::new("include_cluster_resources", Type::Bool).default(Value::Bool(true)).description("Whether cluster-scoped resources are backed up."))
            .attribute(string("include_cluster_resources_mode", "When cluster-scoped resources are backed up: `always`, `never` or `auto`.").validator(one_of(&["always", "never", "auto"])))
            .attribute(Attribute::new("namespaces", Type::Set(Box::new(Type::String))).zero_default().description("The namespaces to back up (all when empty)."))
            .attribute(Attribute::new("cluster_uids", Type::Set(Box::new(Type::String))).zero_default().description("Accepted for compatibility; unused by virtual clusters."))
            .attribute(Attribute::new("include_all_clusters", Type::Bool).zero_default().description("Accepted for compatibility; unused by virtual clusters."));
        let scan = Block::new()
            .attribute(required("configuration_scan_schedule", "When the configuration scan (kube-bench) runs (cron).").validator(cron()))
            .attribute(required("penetration_scan_schedule", "When the penetration scan (kube-hunter) runs (cron).").validator(cron()))
            .attribute(required("conformance_scan_schedule", "When the conformance scan (sonobuoy) runs (cron).").validator(cron()));
        let subjects = Block::new()
            .attribute(required("type", "`User`, `Group` or `ServiceAccount`.").validator(one_of(&["User", "Group", "ServiceAccount"])))
            .attribute(required("name", "The subject's name."))
            .attribute(string("namespace", "The service account's namespace."));
        let rbac = Block::new()
            .attribute(required("type", "`RoleBinding` or `ClusterRoleBinding`.").validator(one_of(&["RoleBinding", "ClusterRoleBinding"])))
            .attribute(string("namespace", "The namespace of a `RoleBinding`."))
            .attribute(Attribute::new("role", Type::Map(Box::new(Type::String))).zero_default().description("The bound role: `kind` (`Role` or `ClusterRole`) and `name`."))
            .block(NestedBlock::new("subjects", Nesting::List, subjects));
        let namespaces = Block::new()
            .attribute(required("name", "The namespace's name.").validator(dns_label("namespace name")))
            .attribute(
                Attribute::new("resource_allocation", Type::Map(Box::new(Type::String)))
                    .required()
                    .description("The namespace's quota: `cpu_cores`, `memory_MiB`, and optionally `gpu_limit` and `gpu_provider` (default `nvidia`)."),
            );
        Schema::new(
            SCHEMA_VERSION,
            Block::new()
                .description(
                    "A virtual cluster: Kubernetes running inside a host cluster or a cluster group, with its own quota, profiles and kubeconfig. \
                     To reach it from the kubernetes or helm providers, prefer the ephemeral resource `spectrocloud_cluster_kubeconfig` (Terraform 1.10+), which never stores the kubeconfig; \
                     the `kubeconfig` attribute works with any Terraform but is kept in the state.",
                )
                .attribute(id_attribute())
                .attribute(required("name", "The cluster's name; a new name renames the cluster in place.").validator(dns_label("cluster name")))
                .attribute(
                    Attribute::new("context", Type::String)
                        .default(Value::string("project"))
                        .description("The cluster's context: `project` (the provider's project) or `cluster`; both address the provider's project, so a change moves nothing.")
                        .validator(one_of(&["project", "cluster"])),
                )
                .attribute(tags_attribute())
                .attribute(description_attribute())
                .attribute(
                    string(
                        "host_cluster_uid",
                        "The host cluster to run on (exactly one of this and `cluster_group_uid`). A virtual cluster cannot move between hosts, so changing it replaces the cluster.",
                    )
                    .validator(not_empty())
                    .plan_modifier(requires_replace()),
                )
                .attribute(
                    string(
                        "cluster_group_uid",
                        "The cluster group to run in (exactly one of this and `host_cluster_uid`). A virtual cluster cannot move between groups, so changing it replaces the cluster.",
                    )
                    .validator(not_empty())
                    .plan_modifier(requires_replace()),
                )
                .attribute(Attribute::new("pause_cluster", Type::Bool).default(Value::Bool(false)).description("Pause the cluster (true) or keep it running; each change waits for the transition."))
                .attribute(
                    Attribute::new("pause_agent_upgrades", Type::String)
                        .default(Value::string("unlock"))
                        .description("`lock` stops Palette agent upgrades on the cluster; `unlock` allows them.")
                        .validator(one_of(&["lock", "unlock"])),
                )
                .attribute(
                    Attribute::new("apply_setting", Type::String)
                        .default(Value::string(DEFAULT_APPLY_SETTING))
                        .description("How profile changes are applied: `DownloadAndInstall` or `DownloadAndInstallLater`.")
                        .validator(one_of(&["DownloadAndInstall", "DownloadAndInstallLater"])),
                )
                .attribute(
                    Attribute::new("update_worker_pools_in_parallel", Type::Bool)
                        .default(Value::Bool(false))
                        .description("Whether worker pools update in parallel.")
                        .plan_modifier(fixed_after_create("Palette has no call that changes it.")),
                )
                .attribute(Attribute::new("cluster_timezone", Type::String).default(Value::string("")).description("The cluster's time zone, e.g. `America/New_York`.").validator(time_zone()))
                .attribute(string("renew_k8s_certificates_now", "A timestamp (RFC 3339); each new value renews the cluster's Kubernetes certificates.").validator(rfc3339()))
                .attribute(
                    Attribute::new("cloud_config_id", Type::String)
                        .computed()
                        .deprecated()
                        .description("The UID of the cluster's virtual cloud configuration.")
                        .plan_modifier(use_state_for_unknown()),
                )
                .attribute(Attribute::new("os_patch_on_boot", Type::Bool).default(Value::Bool(false)).description("Patch the OS when nodes boot."))
                .attribute(string("os_patch_schedule", "When the OS is patched (cron).").validator(cron()))
                .attribute(string("os_patch_after", "Patch the OS once after this time (RFC 3339).").validator(rfc3339()))
                .attribute(Attribute::new("kubeconfig", Type::String).computed().sensitive().description("The cluster's client kubeconfig, stored in the state (prefer the ephemeral `spectrocloud_cluster_kubeconfig`).").plan_modifier(use_state_for_unknown()))
                .attribute(Attribute::new("admin_kube_config", Type::String).computed().sensitive().description("The cluster's admin kubeconfig, stored in the state (prefer the ephemeral `spectrocloud_cluster_kubeconfig` with `admin = true`).").plan_modifier(use_state_for_unknown()))
                .attribute(Attribute::new("location_config", location_type()).computed().description("Where the cluster runs.").plan_modifier(use_state_for_unknown()))
                .attribute(Attribute::new("skip_completion", Type::Bool).default(Value::Bool(false)).description("Return from create without waiting for the cluster to run."))
                .attribute(Attribute::new("force_delete", Type::Bool).default(Value::Bool(false)).description("Force the deletion if it has not finished after `force_delete_delay` minutes."))
                .attribute(
                    Attribute::new("force_delete_delay", Type::Number)
                        .default(Value::int(MIN_FORCE_DELETE_DELAY_MINUTES))
                        .description("Minutes to wait before forcing a deletion (at least 20, at most the delete timeout).")
                        .validator(at_least(MIN_FORCE_DELETE_DELAY_MINUTES)),
                )
                .validator(exactly_one_of(&["host_cluster_uid", "cluster_group_uid"]))
                .block(NestedBlock::new("resources", Nesting::List, resources).max_items(1))
                .block(attachment::block())
                .block(NestedBlock::new("cloud_config", Nesting::List, cloud_config).max_items(1))
                .block(NestedBlock::new("backup_policy", Nesting::List, backup.validator(conflicts_with("include_cluster_resources", "include_cluster_resources_mode"))).max_items(1))
                .block(NestedBlock::new("scan_policy", Nesting::List, scan).max_items(1))
                .block(NestedBlock::new("cluster_rbac_binding", Nesting::List, rbac))
                .block(NestedBlock::new("namespaces", Nesting::List, namespaces))
                .block(timeouts::block(&[Operation::Create, Operation::Update, Operation::Delete])),
        )
    }

    fn timeouts(&self) -> Timeouts {
        Timeouts::uniform(Duration::from_secs(60 * 60))
    }

    async fn create(&self, ctx: &Context<Palette>, request: &CreateRequest<'_>, _private: &mut PrivateState) -> Result<Value, ResourceError> {
        let mut model: ClusterModel = from_planned(request.planned)?;
        let scope = ctx.data().project_scope();
        let uid = ctx.data().client.create_virtual_cluster(&call(ctx), &scope, &model.entity()).await.map_err(|e| api_error("Cannot create the virtual cluster", e))?;
        model.id = Some(uid.clone());
        if let Err(error) = self.complete_create(ctx, &uid, &model).await {
            // The cluster exists: Terraform must record it (tainted) rather than lose it.
            return Err(error.with_partial_state(ctx.state(&model)?));
        }
        match self.settled_state(ctx, &model).await {
            Ok(state) => Ok(state),
            Err(error) => Err(error.with_partial_state(ctx.state(&model)?)),
        }
    }

    async fn read(&self, ctx: &Context<Palette>, state: &Value, _private: &mut PrivateState) -> Result<Option<Value>, ResourceError> {
        let prior: ClusterModel = from_value(state)?;
        match self.read_model(ctx, &prior).await? {
            Some(model) => Ok(Some(ctx.state(&model)?)),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Context<Palette>, request: &UpdateRequest<'_>, _private: &mut PrivateState) -> Result<Value, ResourceError> {
        let prior: ClusterModel = from_value(request.prior)?;
        let model: ClusterModel = from_planned(request.planned)?;
        let uid = prior.id.clone().unwrap_or_default();
        self.apply_changes(ctx, &uid, &prior, &model).await?;
        self.settled_state(ctx, &ClusterModel { cloud_config_id: model.cloud_config_id.clone().or(prior.cloud_config_id.clone()), ..model })
            .await
    }

    async fn delete(&self, ctx: &Context<Palette>, state: &Value, _private: &PrivateState) -> Result<(), ResourceError> {
        let model: ClusterModel = from_value(state)?;
        let uid = model.id.clone().unwrap_or_default();
        let client = &ctx.data().client;
        let scope = ctx.data().project_scope();
        if !model.force_delete.unwrap_or(false) {
            client.delete_cluster(&call(ctx), &scope, &uid, false).await?;
            return self.wait(ctx, &uid, Target::Gone, "finish deleting").await;
        }
        let delay = Duration::from_secs(60 * model.force_delete_delay.unwrap_or(MIN_FORCE_DELETE_DELAY_MINUTES).max(0) as u64);
        if delay > ctx.remaining() {
            return Err(ResourceError::at(
                AttributePath::attr("force_delete_delay"),
                "Force delete validation failed",
                format!("force_delete_delay ({} minutes) must not exceed the delete timeout.", delay.as_secs() / 60),
            ));
        }
        client.delete_cluster(&call(ctx), &scope, &uid, false).await?;
        let patient = wait_for(ctx, &scope, &uid, Target::GoneBy(tokio::time::Instant::now() + delay)).await;
        match patient {
            Ok(()) => Ok(()),
            Err(WaitError::Cancelled { .. }) => Err(ResourceError::new("The virtual cluster did not finish deleting", "The delete was cancelled.")),
            Err(_) => {
                tracing::debug!(cluster = %uid, "forcing the deletion");
                client.delete_cluster(&call(ctx), &scope, &uid, true).await?;
                self.wait(ctx, &uid, Target::Gone, "finish deleting").await
            }
        }
    }

    async fn import(&self, ctx: &Context<Palette>, id: &str, _private: &mut PrivateState) -> Result<Value, ResourceError> {
        let (wanted, context) = split_import_id(id, &["project", "cluster"]);
        let client = &ctx.data().client;
        let scope = ctx.data().project_scope();
        let by_uid = if looks_like_uid(wanted) { client.get_cluster(&call(ctx), &scope, wanted).await?.filter(|c| !c.is_deleted()).map(|c| c.metadata.uid) } else { None };
        let uid = match by_uid {
            Some(uid) => uid,
            None => {
                let found = client.find_clusters_by_name(&call(ctx), &scope, wanted, true).await?;
                match found.as_slice() {
                    [one] => one.metadata.uid.clone(),
                    [] => {
                        return Err(ResourceError::new(
                            format!("Cannot import virtual cluster {id:?}"),
                            "No virtual cluster has this UID or name. The import ID is `UID`, `NAME`, `UID:CONTEXT` or `NAME:CONTEXT` with CONTEXT `project` or `cluster`.",
                        ))
                    }
                    many => return Err(ResourceError::new(format!("Cannot import virtual cluster {id:?}"), format!("{} virtual clusters have this name; import by UID.", many.len()))),
                }
            }
        };
        ctx.state(&ClusterModel { id: Some(uid), context: Some(context.unwrap_or("project").to_string()), ..ClusterModel::default() })
    }

    fn state_type(&self, version: i64) -> Option<Type> {
        (version == 2).then(|| match attachment::version_2_state_type(self.schema().block.implied_type()) {
            Type::Object(mut members) => {
                for added in ADDED_IN_VERSION_3 {
                    members.remove(added.0);
                }
                Type::Object(members)
            }
            other => other,
        })
    }

    fn upgrade_state(&self, version: i64, raw: Value) -> Result<Value, ResourceError> {
        match version {
            // `cluster_profile` became a set (converted by the framework); the
            // attributes version 3 added take their defaults.
            2 => {
                let mut upgraded = raw;
                for (name, default) in ADDED_IN_VERSION_3 {
                    upgraded.set(name, default());
                }
                Ok(upgraded)
            }
            _ => Err(ResourceError::new("Unsupported state version", format!("{TYPE_NAME} cannot upgrade state written with schema version {version}."))),
        }
    }
}

#[cfg(test)]
mod tests;
