//! The `spectrocloud_virtual_cluster` schema.

use crate::domain::profile_attachment as attachment;
use crate::resources::common::{description_attribute, id_attribute, tags_attribute};
use terraform_plugin::framework::modifiers::{fixed_after_create, requires_replace, use_state_for_unknown};
use terraform_plugin::framework::schema::{Attribute, Block, Nesting, NestedBlock, Schema};
use terraform_plugin::framework::timeouts::{self, Operation};
use terraform_plugin::framework::validators::{at_least, conflicts_with, cron, dns_label, exactly_one_of, not_empty, one_of, rfc3339, time_zone, yaml};
use terraform_plugin::protocol::value::{Type, Value};

pub const SCHEMA_VERSION: i64 = 3;
pub const DEFAULT_APPLY_SETTING: &str = "DownloadAndInstall";
pub const MIN_FORCE_DELETE_DELAY_MINUTES: i64 = 20;
/// Tag key the official provider honours: skip the create wait.
pub const SKIP_COMPLETION_TAG: &str = "skip_completion";

/// The resource's schema, version [`SCHEMA_VERSION`].
pub(super) fn schema() -> Schema {
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
