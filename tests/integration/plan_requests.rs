//! What a plan costs in requests, and that the provider stays under Palette's
//! rate limit: real terraform, the real provider, palette-local enforcing the
//! limit and counting every answer.

use crate::support::{PaletteLocal, Terraform};
use serde_json::json;

/// Answers with status `status` in palette-local's stats.
fn answered(palette: &PaletteLocal, status: &str) -> u64 {
    palette.stats()["byStatus"][status].as_u64().unwrap_or(0)
}

fn projects(count: usize, prefix: &str) -> String {
    format!(
        r#"
resource "spectrocloud_project" "p" {{
  count       = {count}
  name        = "{prefix}-${{count.index}}"
  description = "project ${{count.index}}"
  tags        = ["index:${{count.index}}"]
}}
"#
    )
}

const MIXED: &str = r#"
data "spectrocloud_project" "default" {
  name = "Default"
}

data "spectrocloud_cluster" "host" {
  name    = "host-1"
  context = "tenant"
}

resource "spectrocloud_cluster_profile" "addon" {
  name = "ingress"
  type = "add-on"
  pack {
    name          = "nginx"
    tag           = "1.11.2"
    registry_name = "Public Repo"
    values        = "controller:\n  replicaCount: 2\n"
  }
  pack {
    name = "extras"
    type = "manifest"
    manifest {
      name    = "namespace"
      content = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extras\n"
    }
  }
}

resource "spectrocloud_application_profile" "app" {
  name = "web"
  pack {
    name = "config"
    type = "manifest"
    manifest {
      name    = "settings"
      content = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
    }
  }
}

resource "spectrocloud_cluster_group" "dev" {
  name = "dev"
  config {
    cpu_millicore = 16000
    memory_in_mb  = 32768
    storage_in_gb = 200
  }
  clusters {
    cluster_uid = data.spectrocloud_cluster.host.id
  }
}

resource "spectrocloud_virtual_cluster" "team" {
  name              = "team"
  cluster_group_uid = spectrocloud_cluster_group.dev.id
  resources {
    max_cpu           = 2
    max_mem_in_mb     = 4096
    max_storage_in_gb = 10
  }
  cluster_profile {
    id = spectrocloud_cluster_profile.addon.id
  }
}
"#;

/// Palette's own limit (10 per second per prefix, burst queue 5) on, and a
/// configuration of 80 projects and one of everything else: with the
/// provider's default limit, apply and plan are never answered 429. The same
/// destroy without the client limit bounces off the server (so the test can
/// tell), and still succeeds by backing off.
#[test]
fn under_palettes_rate_limit_a_mixed_apply_and_plan_get_no_429() {
    let palette = PaletteLocal::start_with(&["--rate-limit", "10", "--rate-burst", "5", "--provision-seconds", "1", "--delete-seconds", "1"]);
    let mut tf = Terraform::new(&palette);
    tf.config(&format!("{}{MIXED}", projects(80, "team")));
    palette.reset_stats();
    tf.apply();
    tf.assert_clean_plan();
    assert_eq!(answered(&palette, "429"), 0, "429s with the client limit on: {}", palette.stats());
    assert!(palette.stats()["total"].as_u64().unwrap() > 100, "{}", palette.stats());

    palette.reset_stats();
    tf.set_env("SPECTROCLOUD_RATE_LIMIT", "0");
    let destroyed = tf.run(&["destroy", "-auto-approve", "-no-color", "-parallelism=20"]);
    assert!(destroyed.status.success(), "{}", destroyed.combined());
    assert!(answered(&palette, "429") > 0, "without the client limit the deletes exceed the server's: {}", palette.stats());
    assert_eq!(palette.project_names(), vec!["Default".to_string()]);
}

/// 50 projects cost a handful of list requests per plan, not 50 GETs, and a
/// change made behind Terraform's back to one of them still shows.
#[test]
fn a_plan_of_50_projects_reads_them_in_fewer_requests_and_still_sees_drift() {
    let palette = PaletteLocal::start();
    let tf = Terraform::new(&palette);
    // The provider attribute sets the client's limit (here: twice Palette's).
    tf.config(&format!("provider \"spectrocloud\" {{\n  rate_limit = 20\n}}\n{}", projects(50, "p")));
    tf.apply();
    palette.reset_stats();
    tf.assert_clean_plan();
    let stats = palette.stats();
    let total = stats["total"].as_u64().unwrap();
    assert!(total < 50, "{total} requests for 50 projects: {stats}");
    assert_eq!(palette.calls("GET /v1/projects/{uid}"), 0, "{stats}");

    let uid = palette.project_uid("p-17").unwrap();
    let (status, body) =
        palette.request("PUT", &format!("/v1/projects/{uid}/meta"), None, Some(json!({"name": "p-17", "annotations": {"description": "changed"}, "labels": {"index": "17"}})));
    assert_eq!(status, 204, "{body}");
    palette.reset_stats();
    let out = tf.assert_changes_planned();
    assert!(out.stdout.contains("spectrocloud_project.p[17]"), "{}", out.stdout);
    assert!(out.stdout.contains("\"changed\" -> \"project 17\""), "{}", out.stdout);
    assert!(out.stdout.contains("1 to change"), "only the changed project: {}", out.stdout);
    assert!(palette.stats()["total"].as_u64().unwrap() < 50, "{}", palette.stats());
    tf.apply();
    tf.assert_clean_plan();
}

/// When the list fails, every project is read on its own, and the plan is right.
#[test]
fn a_failing_project_list_falls_back_to_one_read_per_project() {
    let palette = PaletteLocal::start();
    let tf = Terraform::new(&palette);
    tf.config(&projects(6, "q"));
    tf.apply();
    palette.set_faults(json!({"failRoutes": {"POST /v1/dashboard/projects": 500}}));
    palette.reset_stats();
    tf.assert_clean_plan();
    assert_eq!(palette.calls("GET /v1/projects/{uid}"), 6, "{}", palette.stats());
    assert_eq!(palette.calls("POST /v1/dashboard/projects"), 1, "one failed list, not one per project: {}", palette.stats());

    let uid = palette.project_uid("q-3").unwrap();
    let (status, body) = palette.request("PUT", &format!("/v1/projects/{uid}/meta"), None, Some(json!({"name": "q-3-renamed", "labels": {"index": "3"}})));
    assert_eq!(status, 204, "{body}");
    let out = tf.assert_changes_planned();
    assert!(out.stdout.contains("\"q-3-renamed\" -> \"q-3\""), "{}", out.stdout);
    palette.set_faults(json!({"failRoutes": {}}));
    tf.apply();
    tf.assert_clean_plan();
}
