//! Day-2 settings of virtual clusters and their rules (§9.8, §10): timezone, OS
//! patching, namespaces with quotas, RBAC bindings, backup and compliance-scan policies.

use serde::{Deserialize, Serialize};

use super::capacity::{self, Holder, Limits, Resources};
use crate::clock::parse_timestamp;
use crate::error::{ApiError, ApiResult};
use crate::model::{is_dns_label, null_as_default, MetaInput};
use crate::uid::new_uid;

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

/// `{"pause": bool}`.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub struct LifecycleConfig {
    pub pause: bool,
}

/// A cron expression as robfig/cron's standard parser takes it: five fields, or a
/// `@` descriptor.
fn validate_cron(field: &str, text: &str) -> ApiResult<()> {
    let descriptors = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
    let fields: Vec<&str> = text.split_whitespace().collect();
    let valid = descriptors.contains(&text.trim())
        || text.trim().strip_prefix("@every ").is_some_and(|every| !every.trim().is_empty())
        || (fields.len() == 5 && fields.iter().all(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || "*/,-?".contains(c))));
    if valid {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!("{field}: '{text}' is not a valid cron expression")))
    }
}

/// A name of the IANA time zone database such as `UTC` or `America/New_York`
/// (exact case), as Palette's Go server loads zones.
pub fn validate_timezone(timezone: &str, allow_empty: bool) -> ApiResult<()> {
    let known = jiff::tz::db().get(timezone).ok().is_some_and(|zone| zone.iana_name() == Some(timezone));
    let valid = (allow_empty && timezone.is_empty()) || known;
    if valid {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!("timezone: '{timezone}' is not a valid time zone (use UTC, GMT or e.g. America/New_York)")))
    }
}

pub fn validate_os_patch(config: &OsPatchConfig) -> ApiResult<()> {
    if !config.schedule.is_empty() {
        validate_cron("osPatchConfig.schedule", &config.schedule)?;
    }
    let after = &config.on_demand_patch_after;
    if !after.is_empty() && parse_timestamp(after).is_none() {
        return Err(ApiError::bad_request(format!("osPatchConfig.onDemandPatchAfter: '{after}' is not an RFC 3339 time")));
    }
    Ok(())
}

/// A stored feature configuration with its UID.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feature<T> {
    pub uid: String,
    pub config: T,
}

impl<T> Feature<T> {
    pub fn new(config: T) -> Feature<T> {
        Feature { uid: new_uid(), config }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Schedule {
    #[serde(deserialize_with = "null_as_default")]
    pub scheduled_run_time: String,
}

/// `v1ClusterBackupConfig`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BackupPolicy {
    #[serde(deserialize_with = "null_as_default")]
    pub backup_location_uid: String,
    #[serde(deserialize_with = "null_as_default")]
    pub backup_location_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub backup_name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub backup_prefix: String,
    pub duration_in_hours: i64,
    pub include_all_disks: bool,
    pub include_cluster_resources: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub include_cluster_resource_mode: String,
    #[serde(deserialize_with = "null_as_default")]
    pub location_type: String,
    #[serde(deserialize_with = "null_as_default")]
    pub namespaces: Vec<String>,
    pub schedule: Schedule,
}

impl BackupPolicy {
    pub fn validate(&self) -> ApiResult<()> {
        if self.backup_location_uid.trim().is_empty() {
            return Err(ApiError::bad_request("backupLocationUid is required"));
        }
        if self.backup_prefix.trim().is_empty() {
            return Err(ApiError::bad_request("backupPrefix is required"));
        }
        if self.duration_in_hours < 0 {
            return Err(ApiError::bad_request("durationInHours must not be negative"));
        }
        let modes = ["Always", "Never", "Auto"];
        let mode = self.include_cluster_resource_mode.as_str();
        if !mode.is_empty() && !modes.contains(&mode) {
            return Err(ApiError::bad_request(format!(
                "includeClusterResourceMode: invalid value '{mode}', expected one of Always, Never, Auto"
            )));
        }
        if !self.schedule.scheduled_run_time.is_empty() {
            validate_cron("schedule.scheduledRunTime", &self.schedule.scheduled_run_time)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScanSchedule {
    pub schedule: Schedule,
}

/// `v1ClusterComplianceScheduleConfig`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScanPolicy {
    pub kube_bench: Option<ScanSchedule>,
    pub kube_hunter: Option<ScanSchedule>,
    pub sonobuoy: Option<ScanSchedule>,
}

impl ScanPolicy {
    /// `(driver name, schedule)` of the configured drivers.
    pub fn drivers(&self) -> Vec<(&'static str, &ScanSchedule)> {
        [("kube-bench", &self.kube_bench), ("kube-hunter", &self.kube_hunter), ("sonobuoy", &self.sonobuoy)]
            .into_iter()
            .filter_map(|(name, schedule)| schedule.as_ref().map(|schedule| (name, schedule)))
            .collect()
    }

    pub fn validate(&self) -> ApiResult<()> {
        for (driver, schedule) in self.drivers() {
            validate_cron(&format!("{driver} schedule"), &schedule.schedule.scheduled_run_time)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GpuConfig {
    pub limit: i32,
    #[serde(deserialize_with = "null_as_default")]
    pub provider: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResourceAllocation {
    pub cpu_cores: f64,
    #[serde(rename = "memoryMiB")]
    pub memory_mib: f64,
    pub gpu_config: Option<GpuConfig>,
}

/// A stored namespace with its quota.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Namespace {
    pub uid: String,
    pub name: String,
    pub is_regex: bool,
    pub resource_allocation: ResourceAllocation,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NamespaceInput {
    metadata: MetaInput,
    spec: NamespaceSpecInput,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct NamespaceSpecInput {
    is_regex: bool,
    resource_allocation: ResourceAllocation,
}

/// Checks namespaces (names are DNS labels unless `isRegex`, allocations are not
/// negative) and keeps the UIDs of `existing` namespaces of the same name.
pub fn build_namespaces(inputs: Vec<NamespaceInput>, existing: &[Namespace]) -> ApiResult<Vec<Namespace>> {
    let mut namespaces: Vec<Namespace> = Vec::new();
    for input in inputs {
        let name = input.metadata.required_name()?;
        if !input.spec.is_regex && !is_dns_label(&name) {
            return Err(ApiError::bad_request(format!("namespace '{name}' is not a valid namespace name")));
        }
        if namespaces.iter().any(|ns| ns.name == name) {
            return Err(ApiError::bad_request(format!("namespace '{name}' is listed twice")));
        }
        let allocation = input.spec.resource_allocation;
        if allocation.cpu_cores < 0.0 || allocation.memory_mib < 0.0 || allocation.gpu_config.as_ref().is_some_and(|gpu| gpu.limit < 0) {
            return Err(ApiError::bad_request(format!("namespace '{name}': resource allocations must not be negative")));
        }
        let uid = existing.iter().find(|ns| ns.name == name).map_or_else(new_uid, |ns| ns.uid.clone());
        namespaces.push(Namespace { uid, name, is_regex: input.spec.is_regex, resource_allocation: allocation });
    }
    Ok(namespaces)
}

/// 400 `QuotaExceeded` unless the namespaces' allocations together fit the quota of
/// cluster `cluster_name` (a quota member of 0 sets no limit).
pub fn ensure_namespaces_fit(namespaces: &[Namespace], quota: &InstanceType, cluster_name: &str) -> ApiResult<()> {
    let allocated = namespaces.iter().fold(Resources::default(), |sum, ns| {
        sum + Resources {
            cpu_milli: (ns.resource_allocation.cpu_cores * 1000.0).ceil() as i64,
            memory_mib: ns.resource_allocation.memory_mib.ceil() as i64,
            storage_gib: 0,
        }
    });
    let quota = quota.resources();
    let limits = Limits {
        cpu_milli: (quota.cpu_milli > 0).then_some(quota.cpu_milli),
        memory_mib: (quota.memory_mib > 0).then_some(quota.memory_mib),
        storage_gib: None,
    };
    capacity::ensure_fits(Holder { kind: "quota of cluster", name: cluster_name, uid: "" }, limits, Resources::default(), allocated)
}

/// The namespaces of a new cluster named `cluster_name` with `quota`.
pub fn namespaces_from(inputs: Vec<NamespaceInput>, quota: &InstanceType, cluster_name: &str) -> ApiResult<Vec<Namespace>> {
    let namespaces = build_namespaces(inputs, &[])?;
    ensure_namespaces_fit(&namespaces, quota, cluster_name)?;
    Ok(namespaces)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacRole {
    #[serde(deserialize_with = "null_as_default")]
    pub kind: String,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacSubject {
    #[serde(rename = "type", deserialize_with = "null_as_default")]
    pub subject_type: String,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub namespace: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RbacBinding {
    #[serde(rename = "type", deserialize_with = "null_as_default")]
    pub binding_type: String,
    #[serde(deserialize_with = "null_as_default")]
    pub namespace: String,
    pub role: RbacRole,
    #[serde(deserialize_with = "null_as_default")]
    pub subjects: Vec<RbacSubject>,
}

impl RbacBinding {
    fn validate(&self) -> ApiResult<()> {
        let bad = |message: String| Err(ApiError::bad_request(message));
        match self.binding_type.as_str() {
            "RoleBinding" if self.namespace.is_empty() => return bad("a RoleBinding needs a namespace".into()),
            "RoleBinding" | "ClusterRoleBinding" => {}
            other => return bad(format!("binding type: invalid value '{other}', expected RoleBinding or ClusterRoleBinding")),
        }
        match self.role.kind.as_str() {
            "Role" if self.binding_type == "ClusterRoleBinding" => return bad("a ClusterRoleBinding must refer to a ClusterRole".into()),
            "Role" | "ClusterRole" => {}
            other => return bad(format!("role kind: invalid value '{other}', expected Role or ClusterRole")),
        }
        if self.role.name.is_empty() {
            return bad("role name is required".into());
        }
        for subject in &self.subjects {
            if !["User", "Group", "ServiceAccount"].contains(&subject.subject_type.as_str()) {
                return bad(format!("subject type: invalid value '{}', expected User, Group or ServiceAccount", subject.subject_type));
            }
            if subject.name.is_empty() {
                return bad("subject name is required".into());
            }
            if subject.subject_type == "ServiceAccount" && subject.namespace.is_empty() {
                return bad(format!("service account subject '{}' needs a namespace", subject.name));
            }
        }
        Ok(())
    }
}

/// A stored set of RBAC bindings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rbac {
    pub uid: String,
    pub name: String,
    pub bindings: Vec<RbacBinding>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RbacInput {
    metadata: MetaInput,
    spec: RbacSpecInput,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RbacSpecInput {
    #[serde(deserialize_with = "null_as_default")]
    bindings: Vec<RbacBinding>,
}

pub fn build_rbacs(inputs: Vec<RbacInput>, existing: &[Rbac]) -> ApiResult<Vec<Rbac>> {
    inputs
        .into_iter()
        .enumerate()
        .map(|(index, input)| {
            input.spec.bindings.iter().try_for_each(RbacBinding::validate)?;
            let name = input.metadata.name.unwrap_or_default();
            let kept = existing
                .iter()
                .find(|rbac| !name.is_empty() && rbac.name == name)
                .or_else(|| existing.get(index).filter(|_| name.is_empty()));
            Ok(Rbac { uid: kept.map_or_else(new_uid, |rbac| rbac.uid.clone()), name, bindings: input.spec.bindings })
        })
        .collect()
}

pub fn rbacs_from(inputs: Vec<RbacInput>) -> ApiResult<Vec<Rbac>> {
    build_rbacs(inputs, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn cron_and_timezones() {
        for good in ["0 0 * * *", "*/5 1-3 * JAN MON", "@daily", "@every 1h"] {
            assert!(validate_cron("s", good).is_ok(), "{good}");
        }
        for bad in ["", "0 0 * *", "0 0 * * * *", "@sometimes", "0 0 * * $"] {
            assert!(validate_cron("s", bad).is_err(), "{bad}");
        }
        assert!(validate_timezone("America/New_York", false).is_ok());
        assert!(validate_timezone("UTC", false).is_ok());
        assert!(validate_timezone("", true).is_ok());
        assert!(validate_timezone("", false).is_err());
        assert!(validate_timezone("New York", false).is_err());
    }

    fn namespace(name: &str, cpu: f64, memory: f64, regex: bool) -> NamespaceInput {
        serde_json::from_value(json!({"metadata": {"name": name},
            "spec": {"isRegex": regex, "resourceAllocation": {"cpuCores": cpu, "memoryMiB": memory}}}))
        .unwrap()
    }

    #[test]
    fn namespaces_fit_the_quota_and_keep_their_uids() {
        let quota = InstanceType { max_cpu: 4, max_mem_in_mib: 4096, ..InstanceType::default() };
        let first =
            namespaces_from(vec![namespace("a", 2.0, 2048.0, false), namespace("~^dev-.*", 1.5, 1024.0, true)], &quota, "vc").unwrap();
        let again = build_namespaces(vec![namespace("a", 1.0, 1.0, false)], &first).unwrap();
        assert_eq!(again[0].uid, first[0].uid);
        let err = namespaces_from(vec![namespace("a", 3.0, 1.0, false), namespace("b", 1.5, 1.0, false)], &quota, "vc").unwrap_err();
        assert_eq!(err.code, capacity::QUOTA_EXCEEDED);
        assert!(err.message.contains("quota of cluster 'vc'"), "{}", err.message);
        assert!(namespaces_from(vec![namespace("Bad_Name", 1.0, 1.0, false)], &quota, "vc").is_err());
        assert!(namespaces_from(vec![namespace("a", -1.0, 1.0, false)], &quota, "vc").is_err());
        let unlimited = InstanceType::default();
        assert!(namespaces_from(vec![namespace("a", 64.0, 1.0, false)], &unlimited, "vc").is_ok());
    }

    #[test]
    fn rbac_bindings_are_checked() {
        let binding = |value: Value| serde_json::from_value::<RbacBinding>(value).unwrap().validate();
        assert!(binding(json!({"type": "ClusterRoleBinding", "role": {"kind": "ClusterRole", "name": "admin"},
                               "subjects": [{"type": "User", "name": "a@b.c"}]}))
        .is_ok());
        assert!(binding(json!({"type": "RoleBinding", "role": {"kind": "Role", "name": "r"}})).is_err(), "namespace missing");
        assert!(binding(json!({"type": "ClusterRoleBinding", "role": {"kind": "Role", "name": "r"}})).is_err());
        assert!(binding(json!({"type": "Binding", "role": {"kind": "Role", "name": "r"}})).is_err());
        assert!(binding(json!({"type": "ClusterRoleBinding", "role": {"kind": "ClusterRole", "name": "r"},
                               "subjects": [{"type": "ServiceAccount", "name": "sa"}]}))
        .is_err());
    }

    #[test]
    fn backup_policies_are_checked() {
        let policy = |value: Value| serde_json::from_value::<BackupPolicy>(value).unwrap().validate();
        assert!(policy(json!({"backupLocationUid": "x", "backupPrefix": "p", "schedule": {"scheduledRunTime": "0 1 * * *"}})).is_ok());
        assert!(policy(json!({"backupPrefix": "p"})).is_err());
        assert!(policy(json!({"backupLocationUid": "x", "backupPrefix": "p", "includeClusterResourceMode": "Sometimes"})).is_err());
        let scan: ScanPolicy = serde_json::from_value(json!({"kubeBench": {"schedule": {"scheduledRunTime": "nope"}}})).unwrap();
        assert!(scan.validate().is_err());
    }
}
