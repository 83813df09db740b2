//! `spectrocloud_project` end to end: real terraform, real provider, real palette-local.

use std::time::{Duration, Instant};

use crate::support::{eventually, interrupt, supports_import_blocks, wait_with_limit, PaletteLocal, Terraform};
use serde_json::json;

fn user_projects(palette: &PaletteLocal) -> Vec<String> {
    palette.project_names().into_iter().filter(|n| n != "Default").collect()
}

#[test]
fn count_and_for_each_apply_then_plan_clean_and_destroy_leaves_nothing() {
    let palette = PaletteLocal::start();
    let tf = Terraform::new(&palette);
    tf.config(
        r#"
resource "spectrocloud_project" "numbered" {
  count = 3
  name  = "numbered-${count.index}"
}

resource "spectrocloud_project" "named" {
  for_each    = toset(["alpha", "beta"])
  name        = each.key
  description = "project ${each.key}"
  tags        = ["team:${each.key}", "env:dev:eu"]
}
"#,
    );
    tf.apply();
    tf.assert_clean_plan();
    assert_eq!(user_projects(&palette), ["alpha", "beta", "numbered-0", "numbered-1", "numbered-2"]);

    let alpha = tf.resource("spectrocloud_project.named[\"alpha\"]");
    let uid = alpha["id"].as_str().unwrap();
    let api = palette.get(&format!("/v1/projects/{uid}"));
    assert_eq!(api["metadata"]["annotations"]["description"], "project alpha");
    assert_eq!(api["metadata"]["labels"]["env"], "dev:eu", "a tag with several colons keeps its whole value");
    let mut tags: Vec<String> = serde_json::from_value(alpha["tags"].clone()).unwrap();
    tags.sort();
    assert_eq!(tags, ["env:dev:eu", "team:alpha"]);

    tf.destroy();
    assert!(user_projects(&palette).is_empty());
}

#[test]
fn updates_in_place_rename_and_drift() {
    let palette = PaletteLocal::start();
    let tf = Terraform::new(&palette);
    tf.config(r#"resource "spectrocloud_project" "p" { name = "before" }"#);
    tf.apply();
    let uid = tf.resource("spectrocloud_project.p")["id"].as_str().unwrap().to_string();

    tf.config(
        r#"
resource "spectrocloud_project" "p" {
  name        = "after"
  description = "renamed"
  tags        = ["owner:me", "bare"]
}
"#,
    );
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("updated in-place"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    let api = palette.get(&format!("/v1/projects/{uid}"));
    assert_eq!(api["metadata"]["name"], "after", "renamed in place, same UID");
    assert_eq!(api["metadata"]["labels"]["bare"], "spectro__tag");

    // Drift behind Terraform's back shows in the next plan and apply corrects it.
    let (status, body) = palette.request(
        "PUT",
        &format!("/v1/projects/{uid}/meta"),
        None,
        Some(json!({"name": "after", "labels": {"owner": "someone-else"}, "annotations": {"description": "changed by hand"}})),
    );
    assert_eq!(status, 204, "{body}");
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("changed by hand") && plan.stdout.contains("someone-else"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    assert_eq!(palette.get(&format!("/v1/projects/{uid}"))["metadata"]["annotations"]["description"], "renamed");

    // Deleted behind Terraform's back: planned for re-creation.
    let (status, _) = palette.request("DELETE", &format!("/v1/projects/{uid}"), None, None);
    assert_eq!(status, 204);
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("will be created"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
}

#[test]
fn import_by_uid_by_name_and_import_block() {
    let palette = PaletteLocal::start();
    let config = r#"
resource "spectrocloud_project" "p" {
  name        = "imported"
  description = "made by the API"
  tags        = ["k:v"]
}
"#;
    let (status, created) = palette.request(
        "POST",
        "/v1/projects",
        None,
        Some(json!({"metadata": {"name": "imported", "labels": {"k": "v"}, "annotations": {"description": "made by the API"}}})),
    );
    assert_eq!(status, 201, "{created}");
    let uid = created["uid"].as_str().unwrap().to_string();

    for id in [uid.as_str(), "imported"] {
        let tf = Terraform::new(&palette);
        tf.config(config);
        tf.import("spectrocloud_project.p", id);
        assert_eq!(tf.resource("spectrocloud_project.p")["id"], uid.as_str());
        tf.assert_clean_plan();
    }

    if supports_import_blocks() {
        let tf = Terraform::new(&palette);
        tf.config(&format!("{config}\nimport {{\n  to = spectrocloud_project.p\n  id = \"imported\"\n}}\n"));
        let plan = tf.run(&["plan", "-no-color"]);
        assert!(plan.stdout.contains("1 to import, 0 to add, 0 to change, 0 to destroy"), "{}", plan.combined());
        tf.apply();
        tf.assert_clean_plan();
    }

    let tf = Terraform::new(&palette);
    tf.config(config);
    let out = tf.run(&["import", "-no-color", "spectrocloud_project.p", "no-such-project"]);
    assert_ne!(out.code(), 0);
    assert!(out.stderr.contains("no-such-project"), "{}", out.stderr);
}

#[test]
fn configuration_errors_give_one_clear_diagnostic_quickly() {
    let palette = PaletteLocal::start();
    let cases: [(&str, &str, &str); 3] = [
        ("SPECTROCLOUD_APIKEY", "wrong-key", "Palette rejected the API key"),
        ("SPECTROCLOUD_PROJECT", "no-such-project", "Project \"no-such-project\" not found"),
        ("SPECTROCLOUD_HOST", "http://127.0.0.1:9", "Cannot reach Palette at http://127.0.0.1:9"),
    ];
    for (variable, value, message) in cases {
        let mut tf = Terraform::new(&palette);
        tf.set_env(variable, value);
        tf.config(r#"resource "spectrocloud_project" "p" { name = "never" }"#);
        let started = Instant::now();
        let out = tf.plan();
        assert_eq!(out.code(), 1, "{}", out.combined());
        assert!(started.elapsed() < Duration::from_secs(15), "{variable}: took {:?}", started.elapsed());
        assert_eq!(out.stderr.matches("Error: ").count(), 1, "{}", out.stderr);
        assert!(out.stderr.contains(message), "{variable}: {}", out.stderr);
        assert!(!out.combined().contains("wrong-key"), "the key must never be printed");
    }
    assert!(user_projects(&palette).is_empty());
}

#[test]
fn a_refresh_that_palette_keeps_failing_is_an_unavailable_error_and_the_state_keeps_the_project() {
    let palette = PaletteLocal::start();
    let mut tf = Terraform::new(&palette);
    tf.config(r#"resource "spectrocloud_project" "p" { name = "kept" }"#);
    tf.apply();
    // Only the project's reads fail (its own GET and the listing that serves a
    // plan's project reads): configure works, the refresh does not.
    tf.set_env("SPECTROCLOUD_RETRY_ATTEMPTS", "2");
    palette.set_faults(json!({"rate": 1.0, "resetRate": 0.0, "seed": 1, "routes": ["GET /v1/projects/{uid}", "POST /v1/dashboard/projects"]}));
    let out = tf.plan();
    palette.clear_faults();
    let text = out.combined();
    assert_eq!(out.code(), 1, "{text}");
    assert!(text.contains("is unavailable: 3 attempts in"), "titled as Palette being unavailable:\n{text}");
    assert!(!text.contains("Cannot reach") && !text.contains("host setting"), "not blamed on the host setting:\n{text}");
    assert_eq!(tf.addresses(), ["spectrocloud_project.p"], "nothing was removed from the state");
    tf.assert_clean_plan();
}

#[test]
fn a_reachable_palette_failing_most_requests_still_plans() {
    let palette = PaletteLocal::start();
    let tf = Terraform::new(&palette);
    tf.config(r#"resource "spectrocloud_project" "p" { name = "flaky" }"#);
    // Three in four requests fail (resets, 429, 5xx), configure's included. The seed
    // decides which; the assertion below notices one that injects nothing.
    palette.set_faults(json!({"rate": 0.7, "resetRate": 0.15, "seed": 1}));
    let out = tf.plan();
    palette.clear_faults();
    assert_eq!(out.code(), 2, "{}", out.combined());
    let by_status = palette.stats()["byStatus"].clone();
    let failed: u64 = by_status.as_object().unwrap().iter().filter(|(status, _)| !status.starts_with('2')).map(|(_, n)| n.as_u64().unwrap_or(0)).sum();
    assert!(failed > 0, "faults were injected: {by_status}");
}

#[test]
fn thirty_projects_under_injected_faults_are_created_exactly_once() {
    let palette = PaletteLocal::start_with(&["--fault-seed", "7"]);
    let tf = Terraform::new(&palette);
    tf.config(
        r#"
resource "spectrocloud_project" "many" {
  count = 30
  name  = "faulty-${count.index}"
  tags  = ["index:${count.index}"]
}
"#,
    );
    palette.set_faults(json!({"rate": 0.3, "resetRate": 0.1, "seed": 7}));
    let out = tf.apply_result();
    palette.clear_faults();
    assert!(out.status.success(), "{}", out.combined());
    tf.assert_clean_plan();
    let names = user_projects(&palette);
    assert_eq!(names.len(), 30, "{names:?}");
    let stats = palette.stats();
    assert!(stats["byStatus"]["503"].as_u64().unwrap_or(0) + stats["byStatus"]["429"].as_u64().unwrap_or(0) > 0, "faults were injected: {stats}");
}

#[test]
fn interrupted_apply_stops_promptly_and_state_holds_every_created_project() {
    let palette = PaletteLocal::start_with(&["--latency-ms", "150"]);
    let tf = Terraform::new(&palette);
    tf.config(
        r#"
resource "spectrocloud_project" "slow" {
  count = 40
  name  = "slow-${count.index}"
}
"#,
    );
    let child = tf.command(&["apply", "-auto-approve", "-no-color", "-parallelism=2"]).spawn().unwrap();
    let pid = child.id();
    assert!(eventually(Duration::from_secs(60), || user_projects(&palette).len() >= 3), "apply started creating");
    let interrupted_at = Instant::now();
    interrupt(pid);
    let out = wait_with_limit(child, Duration::from_secs(60), "interrupted apply");
    let on_server = user_projects(&palette);
    assert!(interrupted_at.elapsed() < Duration::from_secs(10), "stopped after {:?}", interrupted_at.elapsed());
    assert_ne!(out.code(), 0, "{}", out.combined());
    assert!(on_server.len() < 40, "the apply was really interrupted");
    let mut in_state: Vec<String> =
        tf.addresses().iter().map(|a| tf.resource(a)["name"].as_str().unwrap().to_string()).collect();
    in_state.sort();
    assert_eq!(in_state, on_server, "every project on the server is in the state");
}

#[test]
fn trace_logs_show_provider_lines_and_never_the_api_key() {
    let palette = PaletteLocal::start();
    let mut tf = Terraform::new(&palette);
    tf.set_env("TF_LOG", "TRACE");
    tf.config(r#"resource "spectrocloud_project" "p" { name = "logged" }"#);
    let out = tf.apply();
    assert!(out.stderr.contains("provider.terraform-provider-spectrocloud"), "provider log lines are shown");
    assert!(!out.combined().contains(crate::support::API_KEY), "the API key never appears in logs");
}
