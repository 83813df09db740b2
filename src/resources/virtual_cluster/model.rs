//! The virtual cluster's model: the Terraform object as typed blocks, the
//! API entities it becomes on create and update, and what a refresh observes.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::domain::profile_attachment::{self as attachment, ProfileBlock};
use crate::resources::common::{has_tag, object_meta, read_description, read_tags};
use super::schema::{DEFAULT_APPLY_SETTING, SKIP_COMPLETION_TAG};
use crate::client::clusters::{
    BackupPolicy, ClusterConfigEntity, ClusterNamespace, ClusterNamespaceSpec, ClusterRbac, ClusterRbacSpec, GpuConfig, HelmChart, HelmRelease,
    HostPlacement, LifecycleConfig, MachineManagementConfig, OsPatchConfig, Policies, RbacBinding, RbacRole, RbacSubject, ResourceAllocation,
    ScanPolicy, ScanSchedule, Schedule, SpectroCluster, VirtualClusterConfig, VirtualClusterEntity, VirtualClusterEntitySpec,
    VirtualInstanceType, VirtualMachinePoolCloudConfig, VirtualMachinePoolEntity, ClusterResourcesEntity,
};
use crate::client::models::{ApplySettings, ObjectMeta, ObjectRef};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterModel {
    pub(super) id: Option<String>,
    pub(super) name: String,
    pub(super) context: Option<String>,
    pub(super) tags: Option<BTreeSet<String>>,
    pub(super) description: Option<String>,
    pub(super) host_cluster_uid: Option<String>,
    pub(super) cluster_group_uid: Option<String>,
    pub(super) pause_cluster: Option<bool>,
    pub(super) resources: Option<Vec<ResourcesBlock>>,
    pub(super) pause_agent_upgrades: Option<String>,
    pub(super) cluster_profile: Option<Vec<ProfileBlock>>,
    pub(super) apply_setting: Option<String>,
    pub(super) update_worker_pools_in_parallel: Option<bool>,
    pub(super) cluster_timezone: Option<String>,
    pub(super) renew_k8s_certificates_now: Option<String>,
    pub(super) cloud_config_id: Option<String>,
    pub(super) os_patch_on_boot: Option<bool>,
    pub(super) os_patch_schedule: Option<String>,
    pub(super) os_patch_after: Option<String>,
    pub(super) kubeconfig: Option<String>,
    pub(super) admin_kube_config: Option<String>,
    pub(super) cloud_config: Option<Vec<CloudConfigBlock>>,
    pub(super) backup_policy: Option<Vec<BackupBlock>>,
    pub(super) scan_policy: Option<Vec<ScanBlock>>,
    pub(super) cluster_rbac_binding: Option<Vec<RbacBlock>>,
    pub(super) namespaces: Option<Vec<NamespaceBlock>>,
    pub(super) location_config: Option<Vec<LocationBlock>>,
    pub(super) skip_completion: Option<bool>,
    pub(super) force_delete: Option<bool>,
    pub(super) force_delete_delay: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct ResourcesBlock {
    pub(super) max_cpu: Option<i64>,
    pub(super) max_mem_in_mb: Option<i64>,
    pub(super) max_storage_in_gb: Option<i64>,
    pub(super) min_cpu: Option<i64>,
    pub(super) min_mem_in_mb: Option<i64>,
    pub(super) min_storage_in_gb: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct CloudConfigBlock {
    pub(super) chart_name: Option<String>,
    pub(super) chart_repo: Option<String>,
    pub(super) chart_version: Option<String>,
    pub(super) chart_values: Option<String>,
    pub(super) k8s_version: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct BackupBlock {
    pub(super) prefix: String,
    pub(super) backup_location_id: String,
    pub(super) schedule: String,
    pub(super) expiry_in_hour: i64,
    pub(super) include_disks: Option<bool>,
    pub(super) include_cluster_resources: Option<bool>,
    pub(super) include_cluster_resources_mode: Option<String>,
    pub(super) namespaces: Option<BTreeSet<String>>,
    pub(super) cluster_uids: Option<BTreeSet<String>>,
    pub(super) include_all_clusters: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct ScanBlock {
    pub(super) configuration_scan_schedule: String,
    pub(super) penetration_scan_schedule: String,
    pub(super) conformance_scan_schedule: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct RbacBlock {
    #[serde(rename = "type")]
    pub(super) binding_type: String,
    pub(super) namespace: Option<String>,
    pub(super) role: Option<BTreeMap<String, String>>,
    pub(super) subjects: Option<Vec<SubjectBlock>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct SubjectBlock {
    #[serde(rename = "type")]
    pub(super) subject_type: String,
    pub(super) name: String,
    pub(super) namespace: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct NamespaceBlock {
    pub(super) name: String,
    pub(super) resource_allocation: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct LocationBlock {
    pub(super) country_code: String,
    pub(super) country_name: String,
    pub(super) region_code: String,
    pub(super) region_name: String,
    pub(super) latitude: f64,
    pub(super) longitude: f64,
}

pub(super) const CPU_KEY: &str = "cpu_cores";
pub(super) const MEMORY_KEY: &str = "memory_MiB";
const GPU_LIMIT_KEY: &str = "gpu_limit";
const GPU_PROVIDER_KEY: &str = "gpu_provider";
const DEFAULT_GPU_PROVIDER: &str = "nvidia";

/// Keys of `backup_policy.include_cluster_resources_mode` and the API's spelling.
const RESOURCE_MODES: [(&str, &str); 3] = [("always", "Always"), ("never", "Never"), ("auto", "Auto")];

/// Scan drivers in the API and the block attribute each one fills.
pub(super) const SCAN_DRIVERS: [&str; 3] = ["kube-bench", "kube-hunter", "sonobuoy"];

fn to_i32(value: Option<i64>) -> i32 {
    value.unwrap_or(0).clamp(0, i64::from(i32::MAX)) as i32
}

/// A namespace quantity as text, keeping the prior spelling of the same number
/// (`"2"` and `"2.0"`), so a fractional CPU such as `"0.5"` never drifts.
pub(super) fn quantity_text(api: f64, prior: Option<&String>) -> String {
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
    pub(super) fn instance_type(&self) -> VirtualInstanceType {
        VirtualInstanceType {
            max_cpu: to_i32(self.max_cpu),
            max_mem_in_mib: to_i32(self.max_mem_in_mb),
            max_storage_gib: to_i32(self.max_storage_in_gb),
            min_cpu: to_i32(self.min_cpu),
            min_mem_in_mib: to_i32(self.min_mem_in_mb),
            min_storage_gib: to_i32(self.min_storage_in_gb),
        }
    }

    pub(super) fn from_api(quota: &VirtualInstanceType) -> ResourcesBlock {
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
    pub(super) fn api(&self) -> VirtualClusterConfig {
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
    pub(super) fn from_api(config: &VirtualClusterConfig) -> CloudConfigBlock {
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
    pub(super) fn is_set(&self) -> bool {
        [&self.chart_name, &self.chart_repo, &self.chart_version, &self.chart_values, &self.k8s_version].iter().any(|v| v.as_deref().is_some_and(|t| !t.is_empty()))
    }
}

impl BackupBlock {
    pub(super) fn api(&self) -> BackupPolicy {
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

    pub(super) fn from_api(policy: &BackupPolicy, prior: Option<&BackupBlock>) -> BackupBlock {
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
    pub(super) fn api(&self) -> ScanPolicy {
        let schedule = |cron: &str| Some(ScanSchedule { schedule: Schedule { scheduled_run_time: cron.to_string() } });
        ScanPolicy {
            kube_bench: schedule(&self.configuration_scan_schedule),
            kube_hunter: schedule(&self.penetration_scan_schedule),
            sonobuoy: schedule(&self.conformance_scan_schedule),
        }
    }
}

impl RbacBlock {
    pub(super) fn api(&self) -> RbacBinding {
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

    pub(super) fn from_api(binding: &RbacBinding) -> RbacBlock {
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
    pub(super) fn api(&self) -> ClusterNamespace {
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

    pub(super) fn from_api(namespace: &ClusterNamespace, prior: Option<&NamespaceBlock>) -> NamespaceBlock {
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
    pub(super) fn skip_completion(&self) -> bool {
        self.skip_completion.unwrap_or(false) || has_tag(self.tags.as_ref(), SKIP_COMPLETION_TAG)
    }

    pub(super) fn paused(&self) -> bool {
        self.pause_cluster.unwrap_or(false)
    }

    pub(super) fn upgrades_locked(&self) -> bool {
        self.pause_agent_upgrades.as_deref() == Some("lock")
    }

    pub(super) fn metadata(&self) -> ObjectMeta {
        object_meta(&self.name, self.tags.as_ref(), Some(self.description.as_deref().unwrap_or_default()))
    }

    pub(super) fn os_patch(&self) -> OsPatchConfig {
        OsPatchConfig {
            schedule: self.os_patch_schedule.clone().unwrap_or_default(),
            patch_on_boot: self.os_patch_on_boot.unwrap_or(false),
            reboot_if_required: false,
            on_demand_patch_after: self.os_patch_after.clone().filter(|t| !t.is_empty()),
        }
    }

    pub(super) fn os_patch_settings(&self) -> (&Option<bool>, &Option<String>, &Option<String>) {
        (&self.os_patch_on_boot, &self.os_patch_schedule, &self.os_patch_after)
    }

    pub(super) fn namespaces_api(&self) -> Vec<ClusterNamespace> {
        self.namespaces.iter().flatten().map(NamespaceBlock::api).collect()
    }

    pub(super) fn rbacs_api(&self) -> Vec<ClusterRbac> {
        let bindings: Vec<RbacBinding> = self.cluster_rbac_binding.iter().flatten().map(RbacBlock::api).collect();
        if bindings.is_empty() {
            return Vec::new();
        }
        vec![ClusterRbac { metadata: ObjectMeta::default(), spec: ClusterRbacSpec { bindings, is_system: false } }]
    }

    pub(super) fn quota(&self) -> Option<VirtualInstanceType> {
        self.resources.iter().flatten().next().map(ResourcesBlock::instance_type)
    }

    pub(super) fn backup(&self) -> Option<BackupPolicy> {
        self.backup_policy.iter().flatten().next().map(BackupBlock::api)
    }

    pub(super) fn scan(&self) -> Option<ScanPolicy> {
        self.scan_policy.iter().flatten().next().map(ScanBlock::api)
    }

    pub(super) fn apply_settings(&self) -> ApplySettings {
        ApplySettings { action_type: self.apply_setting.clone().unwrap_or_else(|| DEFAULT_APPLY_SETTING.to_string()) }
    }

    /// The create body: every setting the create call accepts.
    pub(super) fn entity(&self) -> VirtualClusterEntity {
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
pub(super) struct Observed {
    pub(super) cluster: SpectroCluster,
    pub(super) kubeconfig: Option<String>,
    pub(super) admin_kubeconfig: Option<String>,
    pub(super) quota: Option<VirtualInstanceType>,
    pub(super) cloud_config: Option<VirtualClusterConfig>,
    pub(super) variables: Option<BTreeMap<String, BTreeMap<String, String>>>,
    pub(super) namespaces: Vec<ClusterNamespace>,
    pub(super) rbacs: Vec<ClusterRbac>,
    pub(super) backup: Option<BackupPolicy>,
    pub(super) scan: Option<BTreeMap<&'static str, String>>,
}

impl Observed {
    pub(super) fn model(&self, prior: &ClusterModel) -> ClusterModel {
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
