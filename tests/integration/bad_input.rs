//! Every invalid input is caught by `terraform plan` (validate or plan time),
//! with a message saying what is wrong and the line of the attribute at
//! fault, before any write reaches palette-local.
//!
//! The table is one row per invalid configuration. A row names its resource
//! type, the configuration (the line the diagnostic must point at carries the
//! comment `# <-`), and a piece of the expected message. Rows for another
//! resource type (the App Mode `spectrocloud_application`, say) are added the
//! same way.

use std::sync::Mutex;

use crate::support::{PaletteLocal, Terraform};

struct Case {
    resource: &'static str,
    what: &'static str,
    /// The resource's HCL; the expected line ends with `# <-`.
    config: String,
    message: &'static str,
}

fn case(resource: &'static str, what: &'static str, message: &'static str, config: &str) -> Case {
    Case { resource, what, config: config.to_string(), message }
}

/// A virtual cluster named `name` (the line pointed at) with `extra` inside
/// it; the group UID is never looked up at plan time.
fn cluster(name: &str, extra: &str) -> String {
    let marker = if extra.contains("# <-") { "" } else { " # <-" };
    format!(
        r#"resource "spectrocloud_virtual_cluster" "vc" {{
  name              = "{name}"{marker}
  cluster_group_uid = "69791bbdb68bd0033ad275a5"
{extra}
}}"#
    )
}

/// A valid virtual cluster with `extra` (which carries the marker).
fn cluster_with(extra: &str) -> String {
    cluster("dev", extra)
}

/// A valid cluster group with `extra` in its config block and `outside` after it.
fn group(config_extra: &str, outside: &str) -> String {
    format!(
        r#"resource "spectrocloud_cluster_group" "cg" {{
  name = "cg"
  config {{
    cpu_millicore = 4000
{config_extra}
  }}
  clusters {{
    cluster_uid = "69791bbdb68bd0033ad275a5"
  }}
{outside}
}}"#
    )
}

/// A valid add-on cluster profile with `extra` at the top level.
fn profile(extra: &str) -> String {
    format!(
        r#"resource "spectrocloud_cluster_profile" "p" {{
  name = "p"
  type = "add-on"
{extra}
}}"#
    )
}

/// A cluster profile with one pack made of `pack`.
fn profile_pack(pack: &str) -> String {
    profile(&format!("  pack {{\n{pack}\n  }}"))
}

/// A valid application profile with `extra` at the top level and `tier` inside its one tier.
fn app(extra: &str, tier: &str) -> String {
    format!(
        r#"resource "spectrocloud_application_profile" "a" {{
  name = "a"
{extra}
  pack {{
    name = "web"
{tier}
  }}
}}"#
    )
}

const MANIFEST_TIER: &str = "    type = \"manifest\"\n    manifest {\n      name    = \"cm\"\n      content = \"kind: ConfigMap\\n\"\n    }";

fn cases() -> Vec<Case> {
    let bad_yaml = r#""a: [1, 2\n""#;
    vec![
        // spectrocloud_project
        case("project", "empty name", "must not be empty", r#"resource "spectrocloud_project" "p" {
  name = "" # <-
}"#),
        case("project", "blank name", "must not be empty", r#"resource "spectrocloud_project" "p" {
  name = "   " # <-
}"#),
        case("project", "tag with an empty key", "has an empty key", r#"resource "spectrocloud_project" "p" {
  name = "p"
  tags = [":value"] # <-
}"#),
        case("project", "tag with spaces around its key", "spaces around its key", r#"resource "spectrocloud_project" "p" {
  name = "p"
  tags = ["ok", " team:a"] # <-
}"#),
        case("project", "timeout that is not a duration", "is not a duration", r#"resource "spectrocloud_project" "p" {
  name = "p"
  timeouts {
    create = "ten minutes" # <-
  }
}"#),
        // spectrocloud_cluster_profile
        case("cluster_profile", "version with a suffix", "is not a profile version", &profile("  version = \"1.2.3.beta\" # <-")),
        case("cluster_profile", "version with a capital V", "is not a profile version", &profile("  version = \"V1.2.3\" # <-")),
        case("cluster_profile", "version with a prefix", "is not a profile version", &profile("  version = \"chart-v1.2.3\" # <-")),
        case("cluster_profile", "unknown context", "is not one of", &profile("  context = \"global\" # <-")),
        case("cluster_profile", "unknown type", "is not one of", r#"resource "spectrocloud_cluster_profile" "p" {
  name = "p"
  type = "addon" # <-
}"#),
        case("cluster_profile", "empty name", "must not be empty", r#"resource "spectrocloud_cluster_profile" "p" {
  name = "" # <-
}"#),
        case("cluster_profile", "tag with an empty key", "has an empty key", &profile("  tags = [\":x\"] # <-")),
        case("cluster_profile", "malformed pack values", "not valid YAML", &profile_pack(&format!(
            "    name          = \"nginx\"\n    tag           = \"1.11.2\"\n    registry_name = \"Public Repo\"\n    values        = {bad_yaml} # <-"
        ))),
        case("cluster_profile", "malformed manifest", "not valid YAML", &profile_pack(
            "    name = \"extras\"\n    type = \"manifest\"\n    manifest {\n      name    = \"cm\"\n      content = \"kind: ConfigMap\\nmetadata:\\n  name: x\\n   bad: indent\\n\" # <-\n    }"
        )),
        case("cluster_profile", "unknown pack type", "is not one of", &profile_pack("    name = \"nginx\"\n    tag  = \"1.11.2\"\n    type = \"chart\" # <-")),
        case("cluster_profile", "unknown registry", "Unknown registry", &profile_pack(
            "    name          = \"nginx\"\n    tag           = \"1.11.2\"\n    registry_name = \"No Such Registry\" # <-"
        )),
        case("cluster_profile", "pack version that does not exist", "Cannot resolve the pack", &profile_pack(
            "    name          = \"nginx\" # <-\n    tag           = \"0.0.1\"\n    registry_name = \"Public Repo\""
        )),
        case("cluster_profile", "pack without a version", "Pack version missing", "resource \"spectrocloud_cluster_profile\" \"p\" {\n  name = \"p\"\n  pack { # <-\n    name = \"nginx\"\n  }\n}"),
        case("cluster_profile", "registry given twice", "Only one of", &profile_pack(
            "    name          = \"nginx\"\n    tag           = \"1.11.2\"\n    registry_uid  = \"69791bbdb68bd0033ad275a5\"\n    registry_name = \"Public Repo\" # <-"
        )),
        case("cluster_profile", "duplicate pack names", "Duplicate pack name", &profile(
            "  pack {\n    name = \"a\"\n    type = \"manifest\"\n  }\n  pack {\n    name = \"a\" # <-\n    type = \"manifest\"\n  }"
        )),
        case("cluster_profile", "unknown variable format", "is not one of", &profile(
            "  profile_variables {\n    variable {\n      name         = \"port\"\n      display_name = \"Port\"\n      format       = \"hex\" # <-\n    }\n  }"
        )),
        case("cluster_profile", "duplicate variable names", "Duplicate variable name", &profile(
            "  profile_variables {\n    variable {\n      name         = \"port\"\n      display_name = \"Port\"\n    }\n    variable {\n      name         = \"port\" # <-\n      display_name = \"Port 2\"\n    }\n  }"
        )),
        // spectrocloud_application_profile
        case("application_profile", "version with a suffix", "is not a profile version", &app("  version = \"1.2.3.beta\" # <-", MANIFEST_TIER)),
        case("application_profile", "unknown context", "is not one of", &app("  context = \"cluster\" # <-", MANIFEST_TIER)),
        case("application_profile", "empty name", "must not be empty", "resource \"spectrocloud_application_profile\" \"a\" {\n  name = \"\" # <-\n  pack {\n    name = \"web\"\n    type = \"manifest\"\n  }\n}"),
        case("application_profile", "tier without a type", "Tier type required", "resource \"spectrocloud_application_profile\" \"a\" {\n  name = \"a\"\n  pack { # <-\n    name = \"web\"\n  }\n}"),
        case("application_profile", "unknown tier type", "is not one of", &app("", "    type = \"docker\" # <-")),
        case("application_profile", "empty tier name", "must not be empty", "resource \"spectrocloud_application_profile\" \"a\" {\n  name = \"a\"\n  pack {\n    name = \"\" # <-\n    type = \"manifest\"\n  }\n}"),
        case("application_profile", "duplicate tier names", "Duplicate tier name", "resource \"spectrocloud_application_profile\" \"a\" {\n  name = \"a\"\n  pack {\n    name = \"web\"\n    type = \"manifest\"\n  }\n  pack {\n    name = \"web\" # <-\n    type = \"manifest\"\n  }\n}"),
        case("application_profile", "malformed tier values", "not valid YAML", &app("", &format!("    type   = \"container\"\n    values = {bad_yaml} # <-"))),
        case("application_profile", "malformed manifest", "not valid YAML", &app("", "    type = \"manifest\"\n    manifest {\n      name    = \"cm\"\n      content = \"key: value: other\\n\" # <-\n    }")),
        case("application_profile", "unknown registry", "Unknown registry", &app("", "    type          = \"helm\"\n    registry_name = \"No Such Registry\" # <-")),
        case("application_profile", "registry given twice", "Only one of", &app("", "    type          = \"helm\"\n    registry_uid  = \"69791bbdb68bd0033ad275a5\"\n    registry_name = \"Bitnami\" # <-")),
        case("application_profile", "tag with an empty key", "has an empty key", &app("  tags = [\"\"] # <-", MANIFEST_TIER)),
        // spectrocloud_cluster_group
        case("cluster_group", "malformed vcluster values", "not valid YAML", &group(&format!("    values = {bad_yaml} # <-"), "")),
        case("cluster_group", "unknown endpoint type", "is not one of", &group("    host_endpoint_type = \"NodePort\" # <-", "")),
        case("cluster_group", "unknown distribution", "is not one of", &group("    k8s_distribution = \"k8s\" # <-", "")),
        case("cluster_group", "negative memory quota", "below the minimum", &group("    memory_in_mb = -1 # <-", "")),
        case("cluster_group", "unknown context", "is not one of", &group("", "  context = \"global\" # <-")),
        case("cluster_group", "empty name", "must not be empty", "resource \"spectrocloud_cluster_group\" \"cg\" {\n  name = \"\" # <-\n  config {}\n}"),
        case("cluster_group", "empty host cluster UID", "must not be empty", "resource \"spectrocloud_cluster_group\" \"cg\" {\n  name = \"cg\"\n  config {}\n  clusters {\n    cluster_uid = \"\" # <-\n  }\n}"),
        case("cluster_group", "two config blocks", "No more than 1", "resource \"spectrocloud_cluster_group\" \"cg\" {\n  name = \"cg\"\n  config {}\n  config {} # <-\n}"),
        case("cluster_group", "malformed pack override values", "not valid YAML", &group(
            "",
            &format!("  cluster_profile {{\n    id = \"69791bbdb68bd0033ad275a5\"\n    pack {{\n      name   = \"nginx\"\n      values = {bad_yaml} # <-\n    }}\n  }}"),
        )),
        // spectrocloud_virtual_cluster
        case("virtual_cluster", "name with a space and a bang", "is not a valid cluster name", &cluster("Bad Name!", "")),
        case("virtual_cluster", "name with capitals", "is not a valid cluster name", &cluster("Dev", "")),
        case("virtual_cluster", "name too long", "is not a valid cluster name", &cluster(&"a".repeat(64), "")),
        case("virtual_cluster", "name ending in a dash", "is not a valid cluster name", &cluster("dev-", "")),
        case("virtual_cluster", "neither host nor group", "Exactly one of", "resource \"spectrocloud_virtual_cluster\" \"vc\" { # <-\n  name = \"dev\"\n}"),
        case("virtual_cluster", "both host and group", "Exactly one of", "resource \"spectrocloud_virtual_cluster\" \"vc\" {\n  name              = \"dev\"\n  host_cluster_uid  = \"69791bbdb68bd0033ad275a5\"\n  cluster_group_uid = \"69791bbdb68bd0033ad275a6\" # <-\n}"),
        case("virtual_cluster", "time zone not in the IANA database", "IANA", &cluster_with("  cluster_timezone = \"Mars/Olympus\" # <-")),
        case("virtual_cluster", "time zone in the wrong case", "IANA", &cluster_with("  cluster_timezone = \"america/new_york\" # <-")),
        case("virtual_cluster", "malformed chart values", "not valid YAML", &cluster_with(&format!("  cloud_config {{\n    chart_values = {bad_yaml} # <-\n  }}"))),
        case("virtual_cluster", "namespace name with an underscore", "is not a valid namespace name", &cluster_with(
            "  namespaces {\n    name                = \"team_a\" # <-\n    resource_allocation = { cpu_cores = \"1\", memory_MiB = \"1024\" }\n  }"
        )),
        case("virtual_cluster", "backup schedule that is not cron", "not a valid cron expression", &cluster_with(
            "  backup_policy {\n    prefix             = \"daily\"\n    backup_location_id = \"69791bbdb68bd0033ad275a5\"\n    schedule           = \"every day\" # <-\n    expiry_in_hour     = 24\n  }"
        )),
        // (`include_cluster_resources = true` is its default: written beside a mode, as a
        // generated configuration does, it counts as unset.)
        case("virtual_cluster", "backup resources given two ways", "Only one of", &cluster_with(
            "  backup_policy {\n    prefix                         = \"daily\"\n    backup_location_id             = \"69791bbdb68bd0033ad275a5\"\n    schedule                       = \"0 1 * * *\"\n    expiry_in_hour                 = 24\n    include_cluster_resources      = false\n    include_cluster_resources_mode = \"always\" # <-\n  }"
        )),
        case("virtual_cluster", "scan schedule out of range", "not a valid cron expression", &cluster_with(
            "  scan_policy {\n    configuration_scan_schedule = \"0 25 * * *\" # <-\n    penetration_scan_schedule   = \"0 1 * * *\"\n    conformance_scan_schedule   = \"0 2 * * *\"\n  }"
        )),
        case("virtual_cluster", "OS patch time that is not RFC 3339", "RFC 3339", &cluster_with("  os_patch_after = \"tomorrow\" # <-")),
        case("virtual_cluster", "OS patch schedule that is not cron", "not a valid cron expression", &cluster_with("  os_patch_schedule = \"weekly\" # <-")),
        case("virtual_cluster", "certificate renewal that is not RFC 3339", "RFC 3339", &cluster_with("  renew_k8s_certificates_now = \"now\" # <-")),
        case("virtual_cluster", "force delete delay below 20 minutes", "below the minimum", &cluster_with("  force_delete_delay = 5 # <-")),
        case("virtual_cluster", "unknown apply setting", "is not one of", &cluster_with("  apply_setting = \"Now\" # <-")),
        case("virtual_cluster", "unknown upgrade lock", "is not one of", &cluster_with("  pause_agent_upgrades = \"yes\" # <-")),
        case("virtual_cluster", "unknown context", "is not one of", &cluster_with("  context = \"tenant\" # <-")),
        case("virtual_cluster", "negative quota", "below the minimum", &cluster_with("  resources {\n    max_cpu = -2 # <-\n  }")),
        case("virtual_cluster", "unknown RBAC binding type", "is not one of", &cluster_with(
            "  cluster_rbac_binding {\n    type = \"Binding\" # <-\n    role = { kind = \"ClusterRole\", name = \"view\" }\n  }"
        )),
        case("virtual_cluster", "malformed pack override values", "not valid YAML", &cluster_with(&format!(
            "  cluster_profile {{\n    id = \"69791bbdb68bd0033ad275a5\"\n    pack {{\n      name   = \"nginx\"\n      values = {bad_yaml} # <-\n    }}\n  }}"
        ))),
        case("virtual_cluster", "malformed pack override manifest", "not valid YAML", &cluster_with(
            "  cluster_profile {\n    id = \"69791bbdb68bd0033ad275a5\"\n    pack {\n      name = \"extras\"\n      manifest {\n        name    = \"cm\"\n        content = \"a: b: c\\n\" # <-\n      }\n    }\n  }"
        )),
    ]
}

/// Plans `case` against `palette`; returns what went wrong, if anything.
fn run(palette: &PaletteLocal, case: &Case) -> Result<(), String> {
    let tf = Terraform::new(palette);
    tf.config(&case.config);
    let written = std::fs::read_to_string(tf.work_dir().join("main.tf")).unwrap();
    let line = written.lines().position(|l| l.contains("# <-")).map(|i| i + 1).ok_or("no `# <-` marker")?;
    let out = tf.run(&["plan", "-no-color", "-input=false"]);
    // Terraform wraps long details: compare with the whitespace collapsed.
    let text = out.combined();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let problems: Vec<String> = [
        (out.code() == 1).then_some(()).ok_or(format!("exit code {}", out.code())),
        flat.contains(case.message).then_some(()).ok_or(format!("no {:?} in the output", case.message)),
        text.contains(&format!("on main.tf line {line}")).then_some(()).ok_or(format!("no diagnostic on line {line}")),
        (palette.write_calls() == 0).then_some(()).ok_or(format!("writes reached palette-local: {}", palette.stats()["byRoute"])),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n--- configuration:\n{written}\n--- terraform:\n{text}", problems.join("; ")))
    }
}

#[test]
fn every_invalid_input_is_caught_before_any_write_with_its_line() {
    let cases = cases();
    assert!(cases.len() >= 50, "the table has {} cases", cases.len());
    let kinds: std::collections::BTreeSet<&str> = cases.iter().map(|c| c.resource).collect();
    assert_eq!(kinds.len(), 5, "{kinds:?}");
    // Three workers, each with its own palette-local, so each case's writes are its own.
    let failures = Mutex::new(Vec::new());
    let next = Mutex::new(0usize);
    std::thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| {
                let palette = PaletteLocal::start();
                loop {
                    let index = {
                        let mut next = next.lock().unwrap();
                        *next += 1;
                        *next - 1
                    };
                    let Some(case) = cases.get(index) else { break };
                    if let Err(problem) = run(&palette, case) {
                        failures.lock().unwrap().push(format!("{} / {}: {problem}", case.resource, case.what));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    println!("{} invalid configurations across {} resource types; {} failed", cases.len(), kinds.len(), failures.len());
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}
