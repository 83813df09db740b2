//! `spectrocloud_cluster_group` and `spectrocloud_virtual_cluster` end to end:
//! real terraform, real provider, real palette-local with short lifecycles.

use std::time::{Duration, Instant};

use crate::support::{eventually, finish_on_clock, interrupt, wait_with_limit, PaletteLocal, Terraform};
use serde_json::{json, Value as Json};

/// Lifecycle flags that keep every wait to a second or two.
const QUICK: [&str; 6] = ["--provision-seconds", "2", "--pause-seconds", "1", "--delete-seconds", "1"];

fn host_uids(palette: &PaletteLocal) -> (String, String) {
    let project = palette.project_uid("Default").unwrap();
    let host = |name: &str, project: Option<&str>| {
        let (status, body) = palette.request("GET", "/v1/dashboard/spectroclusters/metadata?quickFilter=hostclusters", project, None);
        assert_eq!(status, 200, "{body}");
        body["items"].as_array().unwrap().iter().find(|m| m["name"] == name).unwrap()["uid"].as_str().unwrap().to_string()
    };
    (host("host-1", None), host("host-2", Some(&project)))
}

/// Names of the live virtual clusters in the Default project (duplicates kept).
fn virtual_cluster_names(palette: &PaletteLocal) -> Vec<String> {
    let project = palette.project_uid("Default").unwrap();
    let filter = json!({"filter": {"conjunction": "and", "filterGroups": [{"conjunction": "and", "filters": [
        {"property": "environment", "type": "string", "condition": {"string": {"operator": "eq", "negation": false, "ignoreCase": false,
         "match": {"conjunction": "or", "values": ["nested"]}}}},
        {"property": "isDeleted", "type": "bool", "condition": {"bool": {"value": false}}}]}]}});
    let (status, body) = palette.request("POST", "/v1/dashboard/spectroclusters/search?limit=50", Some(&project), Some(filter));
    assert_eq!(status, 200, "{body}");
    let mut names: Vec<String> = body["items"].as_array().unwrap().iter().map(|c| c["metadata"]["name"].as_str().unwrap().to_string()).collect();
    names.sort();
    names
}

fn group_config(host1: &str, host2: &str, cpu_millicore: u32) -> String {
    format!(
        r#"
resource "spectrocloud_cluster_group" "cg" {{
  name        = "cg-dev"
  description = "shared hosts"
  tags        = ["team:platform"]
  config {{
    host_endpoint_type       = "Ingress"
    cpu_millicore            = {cpu_millicore}
    memory_in_mb             = 65536
    storage_in_gb            = 500
    oversubscription_percent = 100
    values                   = "sync:\n  ingresses: true\n"
  }}
  clusters {{
    cluster_uid = "{host1}"
    host_dns    = "*.one.example.com"
  }}
  clusters {{
    cluster_uid = "{host2}"
    host_dns    = "*.two.example.com"
  }}
}}
"#
    )
}

fn cluster_config(name: &str, cpu: u32, extra: &str) -> String {
    format!(
        r#"
resource "spectrocloud_virtual_cluster" "{name}" {{
  name              = "{name}"
  cluster_group_uid = spectrocloud_cluster_group.cg.id
  resources {{
    max_cpu           = {cpu}
    max_mem_in_mb     = 4096
    max_storage_in_gb = 10
  }}
  {extra}
}}
"#
    )
}

fn cluster_uid(tf: &Terraform, name: &str) -> String {
    tf.resource(&format!("spectrocloud_virtual_cluster.{name}"))["id"].as_str().unwrap().to_string()
}

fn api_cluster(palette: &PaletteLocal, uid: &str) -> Json {
    let project = palette.project_uid("Default").unwrap();
    let (status, body) = palette.get_in(&project, &format!("/v1/spectroclusters/{uid}"));
    assert_eq!(status, 200, "{body}");
    body
}

fn project_call(palette: &PaletteLocal, method: &str, path: &str, body: Json) -> u16 {
    let project = palette.project_uid("Default").unwrap();
    let (status, reply) = palette.request(method, path, Some(&project), Some(body));
    assert!(status < 300, "{method} {path}: {status} {reply}");
    status
}

/// Publishes an add-on profile in the project (`Some`) or at tenant scope (`None`); returns its UID.
fn addon_profile(palette: &PaletteLocal, project: Option<&str>) -> String {
    let (status, profile) = palette.request(
        "POST",
        "/v1/clusterprofiles?publish=true",
        project,
        Some(json!({"metadata": {"name": "addons"}, "spec": {"version": "1.0.0",
            "template": {"type": "add-on", "cloudType": "all", "packs": [{"name": "nginx", "tag": "1.11.2", "type": "spectro", "layer": "addon", "values": "a: 1"}]}}})),
    );
    assert_eq!(status, 201, "{profile}");
    profile["uid"].as_str().unwrap().to_string()
}

#[test]
fn group_with_three_clusters_then_day_two_changes_drift_and_import() {
    let palette = PaletteLocal::start_with(&QUICK);
    let (host1, host2) = host_uids(&palette);
    let tf = Terraform::new(&palette);
    let base = |a_extra: &str, b_extra: &str, c_extra: &str, a_cpu: u32| {
        format!(
            "{}{}{}{}",
            group_config(&host1, &host2, 24000),
            cluster_config("a", a_cpu, a_extra),
            cluster_config("b", 3, b_extra),
            cluster_config("c", 2, c_extra)
        )
    };
    tf.config(&base("", "", "", 4));
    tf.apply();
    tf.assert_clean_plan();
    assert_eq!(virtual_cluster_names(&palette), ["a", "b", "c"]);

    // Kubeconfigs are in state, sensitive, and never printed by plan.
    let a = tf.resource("spectrocloud_virtual_cluster.a");
    let kubeconfig = a["kubeconfig"].as_str().unwrap().to_string();
    assert!(kubeconfig.contains("apiVersion"), "{kubeconfig}");
    assert!(a["admin_kube_config"].as_str().is_some_and(|k| !k.is_empty()));
    let group = tf.resource("spectrocloud_cluster_group.cg");
    assert_eq!(group["config"][0]["values"], "sync:\n  ingresses: true\n");
    let uid_a = cluster_uid(&tf, "a");
    let uid_b = cluster_uid(&tf, "b");
    let uid_c = cluster_uid(&tf, "c");

    // Resize a and pause b, each an in-place update with its wait.
    tf.config(&base("", "pause_cluster = true", "", 6));
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("2 to change, 0 to destroy"), "{}", plan.stdout);
    assert!(!plan.combined().contains(kubeconfig.lines().find(|l| l.contains("server:")).unwrap()), "plan printed a kubeconfig");
    tf.apply();
    tf.assert_clean_plan();
    let cloud_config = api_cluster(&palette, &uid_a)["spec"]["cloudConfigRef"]["uid"].as_str().unwrap().to_string();
    let project = palette.project_uid("Default").unwrap();
    let (_, cloud) = palette.get_in(&project, &format!("/v1/cloudconfigs/virtual/{cloud_config}"));
    assert_eq!(cloud["spec"]["machinePoolConfig"][0]["instanceType"]["maxCPU"], 6);
    assert_eq!(api_cluster(&palette, &uid_b)["status"]["virtual"]["lifecycleStatus"]["status"], "Paused");

    // Resume b.
    tf.config(&base("", "pause_cluster = false", "", 6));
    tf.apply();
    tf.assert_clean_plan();
    assert_eq!(api_cluster(&palette, &uid_b)["status"]["virtual"]["lifecycleStatus"]["status"], "Running");

    // Attach a profile to c, then detach it.
    let profile_uid = addon_profile(&palette, Some(&project));
    tf.config(&base("", "", &format!("cluster_profile {{\n    id = \"{profile_uid}\"\n  }}"), 6));
    tf.apply();
    tf.assert_clean_plan();
    let templates = &api_cluster(&palette, &uid_c)["spec"]["clusterProfileTemplates"];
    assert_eq!(templates.as_array().map(Vec::len), Some(1), "{templates}");
    // A pack override: applied, read back from the attached template, and its
    // drift made through the API shows in the next plan.
    let with_override = format!("cluster_profile {{\n    id = \"{profile_uid}\"\n    pack {{\n      name   = \"nginx\"\n      tag    = \"1.11.2\"\n      values = \"a: 2\"\n    }}\n  }}");
    tf.config(&base("", "", &with_override, 6));
    tf.apply();
    tf.assert_clean_plan();
    let project = palette.project_uid("Default").unwrap();
    let (status, body) = palette.request(
        "PATCH",
        &format!("/v1/spectroclusters/{uid_c}/profiles"),
        Some(&project),
        Some(json!({"profiles": [{"uid": profile_uid, "packValues": [{"name": "nginx", "tag": "1.11.2", "type": "spectro", "values": "a: 9"}]}],
                    "spcApplySettings": {"actionType": "DownloadAndInstall"}})),
    );
    assert_eq!(status, 204, "{body}");
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("a: 9"), "pack override drift shows: {}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    tf.config(&base("", "", "", 6));
    tf.apply();
    tf.assert_clean_plan();
    assert_eq!(api_cluster(&palette, &uid_c)["spec"]["clusterProfileTemplates"].as_array().map_or(0, Vec::len), 0);

    // Drift behind Terraform's back: a paused, c's quota changed.
    project_call(&palette, "PATCH", &format!("/v1/spectroclusters/{uid_a}/clusterConfig/lifecycleConfig"), json!({"lifecycleConfig": {"pause": true}}));
    let c_config = api_cluster(&palette, &uid_c)["spec"]["cloudConfigRef"]["uid"].as_str().unwrap().to_string();
    project_call(
        &palette,
        "PUT",
        &format!("/v1/cloudconfigs/virtual/{c_config}/resize"),
        json!({"instanceType": {"maxCPU": 1, "maxMemInMiB": 4096, "maxStorageGiB": 10, "minCPU": 0, "minMemInMiB": 0, "minStorageGiB": 0}}),
    );
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("pause_cluster") && plan.stdout.contains("max_cpu"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();

    // Import each kind by every accepted ID form, each followed by a clean plan.
    let group_uid = tf.resource("spectrocloud_cluster_group.cg")["id"].as_str().unwrap().to_string();
    let import_config = format!("{}{}", group_config(&host1, &host2, 24000), cluster_config("a", 6, ""));
    for (group_id, cluster_id) in [
        (group_uid.clone(), uid_a.clone()),
        ("cg-dev".to_string(), "a".to_string()),
        (format!("{group_uid}:tenant"), format!("{uid_a}:project")),
        ("cg-dev:tenant".to_string(), "a:project".to_string()),
    ] {
        let imported = Terraform::new(&palette);
        imported.config(&import_config);
        imported.import("spectrocloud_cluster_group.cg", &group_id);
        imported.import("spectrocloud_virtual_cluster.a", &cluster_id);
        imported.assert_clean_plan();
        let state = imported.resource("spectrocloud_virtual_cluster.a");
        assert_eq!(state["cluster_group_uid"], group_uid.as_str());
        assert_eq!(state["pause_cluster"], false);
    }

    tf.destroy();
    assert!(virtual_cluster_names(&palette).is_empty());
}

#[test]
fn a_create_over_the_group_quota_fails_on_resources_and_leaves_nothing() {
    let palette = PaletteLocal::start_with(&QUICK);
    let (host1, host2) = host_uids(&palette);
    let tf = Terraform::new(&palette);
    tf.config(&format!("{}{}", group_config(&host1, &host2, 4000), cluster_config("big", 8, "")));
    let out = tf.apply_result();
    assert_ne!(out.code(), 0);
    let text = out.combined();
    assert!(text.contains("insufficient cpu") && text.contains("cluster group 'cg-dev'"), "{text}");
    assert!(text.contains("resources"), "the error points at the resources block:\n{text}");
    assert!(virtual_cluster_names(&palette).is_empty());
    assert!(tf.addresses().iter().all(|a| !a.contains("virtual_cluster")));
}

#[test]
fn a_create_timeout_records_a_tainted_cluster_that_the_next_apply_replaces() {
    let palette = PaletteLocal::start_with(&["--provision-seconds", "600", "--delete-seconds", "1"]);
    let (host1, host2) = host_uids(&palette);
    let tf = Terraform::new(&palette);
    let config = format!("{}{}", group_config(&host1, &host2, 24000), cluster_config("slow", 2, "timeouts {\n    create = \"2s\"\n  }"));
    tf.config(&config);
    let out = tf.apply_result();
    assert_ne!(out.code(), 0);
    assert!(out.combined().contains("not running and healthy yet") && out.combined().contains("the cluster was in state Pending"), "{}", out.combined());
    let state = tf.state_file().unwrap();
    let instance = state["resources"].as_array().unwrap().iter().find(|r| r["type"] == "spectrocloud_virtual_cluster").unwrap()["instances"][0].clone();
    assert_eq!(instance["status"], "tainted", "{instance}");
    assert_eq!(virtual_cluster_names(&palette), ["slow"]);

    // Later the lifecycle is quick: the tainted cluster is replaced cleanly.
    palette.advance_time(3600);
    tf.config(&config.replace("create = \"2s\"", "create = \"60m\""));
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("tainted") && plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    // The replacement provisions on palette-local's clock: move it along until the apply ends.
    let child = tf.command(&["apply", "-auto-approve", "-no-color"]).spawn().unwrap();
    let out = finish_on_clock(&palette, child, 700, "apply");
    assert!(out.status.success(), "{}", out.combined());
    tf.assert_clean_plan();
    assert_eq!(virtual_cluster_names(&palette), ["slow"]);
}

#[test]
fn palette_local_killed_while_provisioning_then_restarted_finishes_the_apply_once() {
    let mut palette = PaletteLocal::start_with(&["--provision-seconds", "4", "--delete-seconds", "1"]);
    let (host1, host2) = host_uids(&palette);
    let tf = Terraform::new(&palette);
    tf.config(&format!("{}{}", group_config(&host1, &host2, 24000), cluster_config("survivor", 2, "")));
    let child = tf.command(&["apply", "-auto-approve", "-no-color"]).spawn().unwrap();
    assert!(eventually(Duration::from_secs(60), || virtual_cluster_names(&palette) == ["survivor"]));
    palette.kill();
    std::thread::sleep(Duration::from_secs(2));
    palette.restart();
    let out = wait_with_limit(child, Duration::from_secs(120), "apply");
    assert!(out.status.success(), "{}", out.combined());
    tf.assert_clean_plan();
    assert_eq!(virtual_cluster_names(&palette), ["survivor"]);
}

#[test]
fn with_thirty_percent_faults_a_group_and_five_clusters_are_created_once_each() {
    let palette = PaletteLocal::start_with(&QUICK);
    let (host1, host2) = host_uids(&palette);
    palette.set_faults(json!({"rate": 0.3, "resetRate": 0.0, "latencyMs": 0}));
    let tf = Terraform::new(&palette);
    let clusters: String = (1..=5).map(|i| cluster_config(&format!("f{i}"), 1, "")).collect();
    tf.config(&format!("{}{}", group_config(&host1, &host2, 24000), clusters));
    tf.apply();
    palette.clear_faults();
    tf.assert_clean_plan();
    assert_eq!(virtual_cluster_names(&palette), ["f1", "f2", "f3", "f4", "f5"]);
    let (status, groups) = palette.request("GET", "/v1/clustergroups/hostCluster/metadata", None, None);
    assert_eq!(status, 200);
    assert_eq!(groups["items"].as_array().unwrap().iter().filter(|g| g["name"] == "cg-dev").count(), 1, "{groups}");
}

#[test]
fn ctrl_c_during_the_create_wait_stops_promptly_and_keeps_the_cluster_tainted() {
    let palette = PaletteLocal::start_with(&["--provision-seconds", "120", "--delete-seconds", "1"]);
    let (host1, host2) = host_uids(&palette);
    let tf = Terraform::new(&palette);
    let config = format!("{}{}", group_config(&host1, &host2, 24000), cluster_config("waiting", 2, ""));
    tf.config(&config);
    let child = tf.command(&["apply", "-auto-approve", "-no-color"]).spawn().unwrap();
    let pid = child.id();
    assert!(eventually(Duration::from_secs(60), || virtual_cluster_names(&palette) == ["waiting"]), "the create began");
    // Let the wait run a few polls before the interrupt.
    std::thread::sleep(Duration::from_secs(1));
    let interrupted_at = Instant::now();
    interrupt(pid);
    let out = wait_with_limit(child, Duration::from_secs(60), "interrupted apply");
    assert!(interrupted_at.elapsed() < Duration::from_secs(5), "stopped after {:?}", interrupted_at.elapsed());
    assert_ne!(out.code(), 0, "{}", out.combined());
    assert!(out.combined().contains("was stopped") && out.combined().contains("state Pending"), "{}", out.combined());
    let state = tf.state_file().unwrap();
    let instance = state["resources"].as_array().unwrap().iter().find(|r| r["type"] == "spectrocloud_virtual_cluster").unwrap()["instances"][0].clone();
    assert_eq!(instance["status"], "tainted", "{instance}");
    // Nothing is orphaned: the one cluster on the server is the one in state.
    assert_eq!(virtual_cluster_names(&palette), ["waiting"]);
    let uid = cluster_uid(&tf, "waiting");
    assert_eq!(api_cluster(&palette, &uid)["metadata"]["name"], "waiting");

    // A later apply replaces it cleanly, on palette-local's clock.
    palette.advance_time(3600);
    let child = tf.command(&["apply", "-auto-approve", "-no-color"]).spawn().unwrap();
    let out = finish_on_clock(&palette, child, 200, "apply");
    assert!(out.status.success(), "{}", out.combined());
    tf.assert_clean_plan();
    assert_eq!(virtual_cluster_names(&palette), ["waiting"]);
}

#[test]
fn an_outage_during_the_create_wait_neither_fails_the_apply_nor_taints_the_cluster() {
    // 30 s of a dead palette-local: longer than a request's retries (about 14-28 s),
    // well within the create timeout. Before, such an outage tainted the cluster.
    let mut palette = PaletteLocal::start_with(&["--provision-seconds", "6", "--delete-seconds", "1"]);
    let (host1, host2) = host_uids(&palette);
    let tf = Terraform::new(&palette);
    tf.config(&format!("{}{}", group_config(&host1, &host2, 24000), cluster_config("steady", 2, "")));
    let child = tf.command(&["apply", "-auto-approve", "-no-color"]).spawn().unwrap();
    assert!(eventually(Duration::from_secs(60), || virtual_cluster_names(&palette) == ["steady"]), "the create began");
    palette.kill();
    std::thread::sleep(Duration::from_secs(30));
    palette.restart();
    let out = wait_with_limit(child, Duration::from_secs(240), "apply through an outage");
    assert!(out.status.success(), "{}", out.combined());
    let state = tf.state_file().unwrap();
    let instance = state["resources"].as_array().unwrap().iter().find(|r| r["type"] == "spectrocloud_virtual_cluster").unwrap()["instances"][0].clone();
    assert!(instance.get("status").is_none_or(|s| s.is_null()), "not tainted: {instance}");
    tf.assert_clean_plan();
    assert_eq!(virtual_cluster_names(&palette), ["steady"], "created once");
}

#[test]
fn a_cloud_config_block_reads_back_so_import_plans_clean_and_changes_show() {
    let palette = PaletteLocal::start_with(&QUICK);
    let (host1, host2) = host_uids(&palette);
    let tf = Terraform::new(&palette);
    // chart_repo is left unset: it reads back as empty (its zero) after import.
    let chart = r#"cloud_config {
    chart_name    = "vcluster"
    chart_version = "0.20.0"
    chart_values  = "sync:\n  toHost:\n    ingresses:\n      enabled: true\n"
    k8s_version   = "1.30.4"
  }"#;
    let config = format!("{}{}", group_config(&host1, &host2, 24000), cluster_config("charted", 2, chart));
    tf.config(&config);
    tf.apply();
    tf.assert_clean_plan();
    let uid = cluster_uid(&tf, "charted");
    let config_uid = api_cluster(&palette, &uid)["spec"]["cloudConfigRef"]["uid"].as_str().unwrap().to_string();
    let project = palette.project_uid("Default").unwrap();
    let (_, cloud) = palette.get_in(&project, &format!("/v1/cloudconfigs/virtual/{config_uid}"));
    assert_eq!(cloud["spec"]["clusterConfig"]["helmRelease"]["chart"]["version"], "0.20.0", "{cloud}");
    assert_eq!(cloud["spec"]["clusterConfig"]["kubernetesVersion"], "1.30.4", "{cloud}");

    let group_uid = tf.resource("spectrocloud_cluster_group.cg")["id"].as_str().unwrap().to_string();
    let imported = Terraform::new(&palette);
    imported.config(&config);
    imported.import("spectrocloud_cluster_group.cg", &group_uid);
    imported.import("spectrocloud_virtual_cluster.charted", &uid);
    let block = &imported.resource("spectrocloud_virtual_cluster.charted")["cloud_config"][0];
    assert_eq!(block["chart_name"], "vcluster", "{block}");
    assert_eq!(block["k8s_version"], "1.30.4", "{block}");
    assert_eq!(block["chart_repo"], "", "{block}");
    imported.assert_clean_plan();

    // The chart changed elsewhere shows in the next plan, and is put back in place.
    project_call(
        &palette,
        "PUT",
        &format!("/v1/cloudconfigs/virtual/{config_uid}/clusterConfig"),
        json!({"clusterConfig": {"helmRelease": {"chart": {"name": "vcluster", "repo": "", "version": "0.21.0"}, "values": ""},
               "kubernetesVersion": "1.30.4"}}),
    );
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("chart_version") && plan.stdout.contains("updated in-place"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    let (_, cloud) = palette.get_in(&project, &format!("/v1/cloudconfigs/virtual/{config_uid}"));
    assert_eq!(cloud["spec"]["clusterConfig"]["helmRelease"]["chart"]["version"], "0.20.0", "{cloud}");
}

#[test]
fn pause_requested_at_create_is_sent_with_the_create() {
    let palette = PaletteLocal::start_with(&QUICK);
    let (host1, host2) = host_uids(&palette);
    let tf = Terraform::new(&palette);
    tf.config(&format!("{}{}", group_config(&host1, &host2, 24000), cluster_config("sleepy", 2, "pause_cluster = true")));
    palette.reset_stats();
    tf.apply();
    let uid = cluster_uid(&tf, "sleepy");
    assert_eq!(api_cluster(&palette, &uid)["status"]["virtual"]["lifecycleStatus"]["status"], "Paused");
    assert_eq!(palette.calls("PATCH /v1/spectroclusters/{uid}/clusterConfig/lifecycleConfig"), 0, "{}", palette.stats());
    assert_eq!(tf.resource("spectrocloud_virtual_cluster.sleepy")["pause_cluster"], true);
    tf.assert_clean_plan();
}

#[test]
fn namespace_and_rbac_changes_apply_in_place_then_plan_clean() {
    let palette = PaletteLocal::start_with(&QUICK);
    let (host1, host2) = host_uids(&palette);
    let tf = Terraform::new(&palette);
    let settings = |cpu: &str, second_namespace: bool, subject: &str| {
        let second = if second_namespace {
            "namespaces {\n    name = \"ops\"\n    resource_allocation = { cpu_cores = \"1\", memory_MiB = \"512\" }\n  }"
        } else {
            ""
        };
        format!(
            r#"namespaces {{
    name = "team"
    resource_allocation = {{ cpu_cores = "{cpu}", memory_MiB = "1024" }}
  }}
  {second}
  cluster_rbac_binding {{
    type = "ClusterRoleBinding"
    role = {{ kind = "ClusterRole", name = "admin" }}
    subjects {{
      type = "User"
      name = "{subject}"
    }}
  }}"#
        )
    };
    let config = |extra: String| format!("{}{}", group_config(&host1, &host2, 24000), cluster_config("teams", 4, &extra));
    tf.config(&config(settings("0.5", false, "ann")));
    tf.apply();
    tf.assert_clean_plan();
    let uid = cluster_uid(&tf, "teams");
    let project = palette.project_uid("Default").unwrap();

    // Each change is an in-place update followed by a clean plan.
    for (cpu, second, subject) in [("1.5", false, "ann"), ("1.5", true, "ann"), ("1.5", true, "bob"), ("0.5", false, "bob")] {
        tf.config(&config(settings(cpu, second, subject)));
        let plan = tf.assert_changes_planned();
        assert!(plan.stdout.contains("1 to change, 0 to destroy"), "{}", plan.stdout);
        tf.apply();
        tf.assert_clean_plan();
        let (_, namespaces) = palette.get_in(&project, &format!("/v1/spectroclusters/{uid}/config/namespaces"));
        let names: Vec<&str> = namespaces["items"].as_array().unwrap().iter().map(|n| n["metadata"]["name"].as_str().unwrap()).collect();
        assert_eq!(names.len(), if second { 2 } else { 1 }, "{namespaces}");
        let (_, rbacs) = palette.get_in(&project, &format!("/v1/spectroclusters/{uid}/config/rbacs"));
        assert!(rbacs.to_string().contains(&format!("\"{subject}\"")), "{rbacs}");
    }
}

/// Rewrites the state file as the official provider's schema version 2 wrote it:
/// `cluster_profile` a list (the same JSON), without the attributes version 3 added.
fn downgrade_state_to_version_2(tf: &Terraform, resource_type: &str, added_in_version_3: &[&str]) {
    let path = tf.work_dir().join("terraform.tfstate");
    let mut state = tf.state_file().unwrap();
    for resource in state["resources"].as_array_mut().unwrap().iter_mut().filter(|r| r["type"] == resource_type) {
        for instance in resource["instances"].as_array_mut().unwrap() {
            instance["schema_version"] = json!(2);
            let attributes = instance["attributes"].as_object_mut().unwrap();
            for name in added_in_version_3 {
                assert!(attributes.remove(*name).is_some(), "{name} is in version 3 state");
            }
            attributes.insert("cluster_profile".to_string(), json!(attributes["cluster_profile"].as_array().cloned().unwrap_or_default()));
        }
    }
    state["serial"] = json!(state["serial"].as_u64().unwrap() + 1);
    std::fs::write(path, serde_json::to_string_pretty(&state).unwrap()).unwrap();
}

#[test]
fn schema_version_2_state_upgrades_through_terraform_without_changes() {
    let palette = PaletteLocal::start_with(&QUICK);
    let (host1, host2) = host_uids(&palette);
    let project = palette.project_uid("Default").unwrap();
    let profile_uid = addon_profile(&palette, Some(&project));
    let tenant_profile_uid = addon_profile(&palette, None);
    let tf = Terraform::new(&palette);
    // Both resources carry a profile attachment, the block whose type changed.
    let attachment = |uid: &str| format!("cluster_profile {{\n    id = \"{uid}\"\n  }}");
    let group = group_config(&host1, &host2, 24000).replace("  config {", &format!("  {}\n  config {{", attachment(&tenant_profile_uid)));
    tf.config(&format!("{}{}", group, cluster_config("legacy", 2, &attachment(&profile_uid))));
    tf.apply();
    downgrade_state_to_version_2(&tf, "spectrocloud_cluster_group", &[]);
    downgrade_state_to_version_2(&tf, "spectrocloud_virtual_cluster", &["update_worker_pools_in_parallel", "cluster_timezone", "renew_k8s_certificates_now"]);
    tf.assert_clean_plan();
    // A refreshing apply writes the upgraded state at version 3.
    tf.apply();
    let state = tf.state_file().unwrap();
    for resource in state["resources"].as_array().unwrap() {
        assert_eq!(resource["instances"][0]["schema_version"], 3, "{resource}");
    }
    assert_eq!(tf.resource("spectrocloud_virtual_cluster.legacy")["cluster_profile"][0]["id"], profile_uid.as_str());
    assert_eq!(tf.resource("spectrocloud_cluster_group.cg")["cluster_profile"][0]["id"], tenant_profile_uid.as_str());
    tf.assert_clean_plan();
}
