//! App Mode end to end: `spectrocloud_application` and the ephemeral
//! `spectrocloud_cluster_kubeconfig`, with real terraform, the real provider and
//! a real palette-local on short lifecycles.

use std::time::{Duration, Instant};

use crate::support::{eventually, finish_on_clock, interrupt, probe_binary, saved_plan_contents, terraform_version, wait_with_limit, PaletteLocal, Terraform};
use serde_json::{json, Value as Json};

/// Lifecycle flags that keep every wait to a second or two.
const QUICK: [&str; 8] = ["--provision-seconds", "2", "--deploy-seconds", "1", "--pause-seconds", "1", "--delete-seconds", "1"];
const PROBE_ADDRESS: &str = "registry.terraform.io/test/probe";

/// A cluster group over the seeded host cluster `host-1`, in `context`.
fn group(context: &str, cpu_millicore: u32) -> String {
    format!(
        r#"
data "spectrocloud_cluster" "host" {{
  name    = "host-1"
  context = "tenant"
}}

resource "spectrocloud_cluster_group" "sandbox" {{
  name    = "sandbox"
  context = "{context}"
  config {{
    cpu_millicore = {cpu_millicore}
    memory_in_mb  = 32768
    storage_in_gb = 200
  }}
  clusters {{
    cluster_uid = data.spectrocloud_cluster.host.id
    host_dns    = "*.apps.example.com"
  }}
}}
"#
    )
}

/// An application profile `name` of two manifest tiers (`config`, then `web`), in `context`.
fn profile(name: &str, context: &str) -> String {
    let tier = |tier: &str, order: u32| {
        format!(
            r#"
  pack {{
    name          = "{tier}"
    type          = "manifest"
    install_order = {order}
    manifest {{
      name    = "{tier}"
      content = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {tier}\n"
    }}
  }}"#
        )
    };
    format!("\nresource \"spectrocloud_application_profile\" \"{name}\" {{\n  name    = \"{name}\"\n  context = \"{context}\"\n{}{}\n}}\n", tier("config", 0), tier("web", 10))
}

/// An application deployed into a new cluster of the group, shaped like the
/// official documentation's "Application deployment into Cluster Group".
fn in_group(name: &str, profile_uid: &str, cpu: u32, extra: &str) -> String {
    format!(
        r#"
resource "spectrocloud_application" "{name}" {{
  name                    = "{name}"
  application_profile_uid = {profile_uid}
  {extra}
  config {{
    cluster_name      = "sandbox-{name}"
    cluster_group_uid = spectrocloud_cluster_group.sandbox.id
    limits {{
      cpu     = {cpu}
      memory  = 4096
      storage = 10
    }}
  }}
}}
"#
    )
}

fn application(tf: &Terraform, name: &str) -> Json {
    tf.resource(&format!("spectrocloud_application.{name}"))
}

fn uid_of(tf: &Terraform, name: &str) -> String {
    application(tf, name)["id"].as_str().unwrap().to_string()
}

/// Names of the live app deployments in a scope (project `Default`, or the tenant).
fn deployment_names(palette: &PaletteLocal, tenant: bool) -> Vec<String> {
    let project = palette.project_uid("Default").unwrap();
    let scope = if tenant { None } else { Some(project.as_str()) };
    let (status, body) = palette.request("POST", "/v1/dashboard/appDeployments?limit=50", scope, Some(json!({"filter": {}})));
    assert_eq!(status, 200, "{body}");
    let mut names: Vec<String> = body["appDeployments"].as_array().unwrap().iter().map(|d| d["metadata"]["name"].as_str().unwrap().to_string()).collect();
    names.sort();
    names
}

fn deployment(palette: &PaletteLocal, uid: &str) -> Json {
    let project = palette.project_uid("Default").unwrap();
    let (status, body) = palette.get_in(&project, &format!("/v1/appDeployments/{uid}"));
    assert_eq!(status, 200, "{body}");
    body
}

/// Names of the live virtual clusters in the Default project.
fn virtual_cluster_names(palette: &PaletteLocal) -> Vec<String> {
    let project = palette.project_uid("Default").unwrap();
    let filter = json!({"filter": {"conjunction": "and", "filterGroups": [{"conjunction": "and", "filters": [
        {"property": "environment", "type": "string", "condition": {"string": {"operator": "eq", "negation": false, "ignoreCase": false,
         "match": {"conjunction": "or", "values": ["nested"]}}}}]}]}});
    let (status, body) = palette.request("POST", "/v1/dashboard/spectroclusters/search?limit=50", Some(&project), Some(filter));
    assert_eq!(status, 200, "{body}");
    let mut names: Vec<String> = body["items"].as_array().unwrap().iter().map(|c| c["metadata"]["name"].as_str().unwrap().to_string()).collect();
    names.sort();
    names
}

/// The quota (`instanceType`) of a virtual cluster in the Default project.
fn quota(palette: &PaletteLocal, cluster_uid: &str) -> Json {
    let project = palette.project_uid("Default").unwrap();
    let (_, cluster) = palette.get_in(&project, &format!("/v1/spectroclusters/{cluster_uid}"));
    let config_uid = cluster["spec"]["cloudConfigRef"]["uid"].as_str().unwrap().to_string();
    let (_, cloud) = palette.get_in(&project, &format!("/v1/cloudconfigs/virtual/{config_uid}"));
    cloud["spec"]["machinePoolConfig"][0]["instanceType"].clone()
}

/// A new version (`2.0.0`) of an application profile, cloned through the API.
fn new_version(palette: &PaletteLocal, profile_uid: &str, name: &str) -> String {
    let project = palette.project_uid("Default").unwrap();
    let body = json!({"metadata": {"name": name, "version": "2.0.0"}});
    let (status, created) = palette.request("POST", &format!("/v1/appProfiles/{profile_uid}/clone"), Some(&project), Some(body));
    assert_eq!(status, 201, "{created}");
    created["uid"].as_str().unwrap().to_string()
}

#[test]
fn deploys_into_a_group_and_an_existing_cluster_then_changes_as_documented() {
    let palette = PaletteLocal::start_with(&QUICK);
    let tf = Terraform::new(&palette);
    // Into an existing cluster, shaped like the official resource.tf (with the
    // display name and limits it shows, which an existing cluster does not take).
    let existing = r#"
resource "spectrocloud_virtual_cluster" "shared" {
  name              = "shared"
  cluster_group_uid = spectrocloud_cluster_group.sandbox.id
  resources {
    max_cpu       = 2
    max_mem_in_mb = 4096
  }
}

resource "spectrocloud_application" "tenant_app" {
  name                    = "tenant-app"
  tags                    = ["team:platform", "env:sandbox"]
  application_profile_uid = spectrocloud_application_profile.shop.id
  config {
    cluster_uid     = spectrocloud_virtual_cluster.shared.id
    cluster_context = "project"
    cluster_name    = "sandbox-scorpius"
    limits {
      cpu     = 3
      memory  = 4096
      storage = 3
    }
  }
}
"#;
    let config = |cpu: u32, extra: &str, profile_uid: &str| {
        format!("{}{}{}{}{existing}", group("tenant", 16000), profile("shop", "project"), profile("other", "project"), in_group("shop", profile_uid, cpu, extra))
    };
    let shop_profile = "spectrocloud_application_profile.shop.id";
    tf.config(&config(2, "", shop_profile));
    let out = tf.apply();
    assert!(out.combined().contains("Limits apply to a cluster made in a cluster group"), "the ignored limits are pointed out:\n{}", out.combined());
    tf.assert_clean_plan();
    assert_eq!(deployment_names(&palette, false), ["shop", "tenant-app"]);
    assert_eq!(virtual_cluster_names(&palette), ["sandbox-shop", "shared"]);

    // Every attribute reads back: the cluster made in the group and its limits.
    let shop = application(&tf, "shop");
    let cluster_uid = shop["config"][0]["cluster_uid"].as_str().unwrap().to_string();
    assert_eq!(shop["config"][0]["cluster_name"], "sandbox-shop");
    assert_eq!(shop["config"][0]["cluster_context"], "project");
    assert_eq!(shop["config"][0]["limits"], json!([{"cpu": 2, "memory": 4096, "storage": 10}]));
    assert_eq!(quota(&palette, &cluster_uid)["maxCPU"], 2);
    let api = deployment(&palette, &uid_of(&tf, "shop"));
    assert_eq!(api["status"]["state"], "Deployed");
    assert!(api["status"]["appTiers"].as_array().unwrap().iter().all(|t| t["condition"]["status"] == "True"), "{api}");
    let shared = application(&tf, "tenant_app");
    assert_eq!(shared["config"][0]["cluster_group_uid"], "", "unset reads back as the zero, as the official provider stores it");
    assert_eq!(shared["config"][0]["cluster_uid"], tf.resource("spectrocloud_virtual_cluster.shared")["id"]);

    // Limits change in place: the cluster made for the deployment is resized.
    let shop_uid = uid_of(&tf, "shop");
    tf.config(&config(3, "", shop_profile));
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("1 to change, 0 to destroy"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    assert_eq!(quota(&palette, &cluster_uid)["maxCPU"], 3);
    assert_eq!(uid_of(&tf, "shop"), shop_uid);

    // Another version of the profile rolls out in place.
    let profile_uid = application(&tf, "shop")["application_profile_uid"].as_str().unwrap().to_string();
    let version_2 = new_version(&palette, &profile_uid, "shop");
    tf.config(&config(3, "", &format!("\"{version_2}\"")));
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("1 to change, 0 to destroy"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    assert_eq!(deployment(&palette, &shop_uid)["spec"]["profile"]["metadata"]["uid"], version_2.as_str());
    assert_eq!(uid_of(&tf, "shop"), shop_uid);

    // Another profile, and new tags, replace the deployment (Palette can change neither in place).
    tf.config(&config(3, "", "spectrocloud_application_profile.other.id"));
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("application_profile_uid") && plan.stdout.contains("forces replacement"), "{}", plan.stdout);
    tf.config(&config(3, "tags = [\"release:2\"]", &format!("\"{version_2}\"")));
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("tags") && plan.stdout.contains("forces replacement") && plan.stdout.contains("1 to add, 0 to change, 1 to destroy"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    assert_ne!(uid_of(&tf, "shop"), shop_uid);
    assert_eq!(application(&tf, "shop")["tags"], json!(["release:2"]));
    assert_eq!(deployment_names(&palette, false), ["shop", "tenant-app"]);
    assert_eq!(virtual_cluster_names(&palette), ["sandbox-shop", "shared"], "the replaced deployment's cluster went with it");

    // Destroy waits: the deployments and the cluster made for one are gone.
    tf.destroy();
    assert!(deployment_names(&palette, false).is_empty());
    assert!(virtual_cluster_names(&palette).is_empty());
}

#[test]
fn a_tier_in_error_fails_the_apply_within_seconds_with_its_name_and_message() {
    let palette = PaletteLocal::start_with(&QUICK);
    let (status, body) = palette.request("POST", "/__admin/appTierFailures", None, Some(json!({"tier": "web", "message": "ImagePullBackOff: registry.example.com/web:broken"})));
    assert_eq!(status, 200, "{body}");
    let tf = Terraform::new(&palette);
    tf.config(&format!("{}{}{}", group("tenant", 16000), profile("shop", "project"), in_group("shop", "spectrocloud_application_profile.shop.id", 2, "")));
    let started = Instant::now();
    let out = tf.apply_result();
    let elapsed = started.elapsed();
    assert_ne!(out.code(), 0);
    let text = out.combined();
    // (Terraform wraps the detail line.)
    assert!(text.contains("Tier \"web\" of application \"shop\" failed") && text.contains("ImagePullBackOff:") && text.contains("registry.example.com/web:broken"), "{text}");
    // Provisioning (2 s) and the first tier (0.5 s) come first; the official provider would wait an hour.
    eprintln!("the apply failed {elapsed:?} after it started");
    assert!(elapsed < Duration::from_secs(30), "the failure took {elapsed:?}");
    let state = tf.state_file().unwrap();
    let instance = state["resources"].as_array().unwrap().iter().find(|r| r["type"] == "spectrocloud_application").unwrap()["instances"][0].clone();
    assert_eq!(instance["status"], "tainted", "{instance}");

    // Once the failure is gone, the next apply replaces the tainted deployment.
    let (status, _) = palette.request("DELETE", "/__admin/appTierFailures", None, None);
    assert_eq!(status, 204);
    tf.apply();
    tf.assert_clean_plan();
    assert_eq!(deployment_names(&palette, false), ["shop"]);
}

#[test]
fn a_deployment_deleted_behind_terraforms_back_is_recreated_and_official_state_plans_clean() {
    let palette = PaletteLocal::start_with(&QUICK);
    let tf = Terraform::new(&palette);
    tf.config(&format!("{}{}{}", group("tenant", 16000), profile("shop", "project"), in_group("shop", "spectrocloud_application_profile.shop.id", 2, "")));
    tf.apply();
    let uid = uid_of(&tf, "shop");
    let project = palette.project_uid("Default").unwrap();
    let (status, body) = palette.request("DELETE", &format!("/v1/appDeployments/{uid}"), Some(&project), None);
    assert_eq!(status, 204, "{body}");
    palette.advance_time(5);
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("1 to add, 0 to change, 0 to destroy"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    assert_ne!(uid_of(&tf, "shop"), uid);
    assert_eq!(deployment_names(&palette, false), ["shop"]);

    // State as the official provider (SDK v2) writes it: unset strings as "",
    // no private data; the first plan is clean.
    let path = tf.work_dir().join("terraform.tfstate");
    let mut state = tf.state_file().unwrap();
    for resource in state["resources"].as_array_mut().unwrap().iter_mut().filter(|r| r["type"] == "spectrocloud_application") {
        let instance = &mut resource["instances"][0];
        instance.as_object_mut().unwrap().remove("private");
        assert_eq!(instance["schema_version"], 2);
        let attributes = &mut instance["attributes"];
        attributes["tags"] = Json::Null;
        attributes["timeouts"] = Json::Null;
        attributes["config"][0]["cluster_uid"] = json!("");
    }
    state["serial"] = json!(state["serial"].as_u64().unwrap() + 1);
    std::fs::write(path, serde_json::to_string_pretty(&state).unwrap()).unwrap();
    tf.assert_clean_plan();
}

#[test]
fn import_by_uid_and_by_name_in_the_project_and_the_tenant_then_plan_clean() {
    let palette = PaletteLocal::start_with(&QUICK);
    let tf = Terraform::new(&palette);
    let tenant_app = r#"
resource "spectrocloud_application" "tenant_app" {
  name                    = "tenant-app"
  application_profile_uid = spectrocloud_application_profile.tenant_shop.id
  config {
    cluster_context   = "tenant"
    cluster_name      = "sandbox-tenant"
    cluster_group_uid = spectrocloud_cluster_group.sandbox.id
  }
}
"#;
    let config = format!(
        "{}{}{}{}{tenant_app}",
        group("tenant", 16000),
        profile("shop", "project"),
        profile("tenant_shop", "tenant"),
        in_group("shop", "spectrocloud_application_profile.shop.id", 2, "tags = [\"team:web\"]")
    );
    tf.config(&config);
    tf.apply();
    tf.assert_clean_plan();
    assert_eq!(deployment_names(&palette, true), ["tenant-app"]);
    let (shop, tenant) = (uid_of(&tf, "shop"), uid_of(&tf, "tenant_app"));
    for (shop_id, tenant_id) in [(shop.clone(), tenant.clone()), ("shop".to_string(), "tenant-app".to_string()), (format!("{shop}:project"), "tenant-app:tenant".to_string())] {
        let imported = Terraform::new(&palette);
        imported.config(&config);
        for address in ["spectrocloud_cluster_group.sandbox", "spectrocloud_application_profile.shop", "spectrocloud_application_profile.tenant_shop"] {
            let id = tf.resource(address)["id"].as_str().unwrap().to_string();
            let id = match address {
                "spectrocloud_cluster_group.sandbox" => format!("{id}:tenant"),
                "spectrocloud_application_profile.tenant_shop" => format!("{id}:tenant"),
                _ => id,
            };
            imported.import(address, &id);
        }
        imported.import("spectrocloud_application.shop", &shop_id);
        imported.import("spectrocloud_application.tenant_app", &tenant_id);
        imported.assert_clean_plan();
        let state = imported.resource("spectrocloud_application.tenant_app");
        assert_eq!(state["config"][0]["cluster_context"], "tenant", "{state}");
        assert_eq!(imported.resource("spectrocloud_application.shop")["config"][0]["limits"][0]["cpu"], 2);
    }
    let missing = Terraform::new(&palette);
    missing.config(&config);
    let out = missing.run(&["import", "-no-color", "spectrocloud_application.shop", "no-such-app"]);
    assert_ne!(out.code(), 0);
    assert!(out.combined().contains("Cannot import application \"no-such-app\""), "{}", out.combined());
}

#[test]
fn limits_over_the_group_quota_are_rejected_with_the_apis_message_and_leave_nothing() {
    let palette = PaletteLocal::start_with(&QUICK);
    let tf = Terraform::new(&palette);
    tf.config(&format!("{}{}{}", group("tenant", 4000), profile("shop", "project"), in_group("big", "spectrocloud_application_profile.shop.id", 8, "")));
    let out = tf.apply_result();
    assert_ne!(out.code(), 0);
    let text = out.combined();
    assert!(text.contains("insufficient cpu in cluster group 'sandbox'") && text.contains("requested 8 CPU"), "{text}");
    assert!(text.contains("limits"), "the error points at the limits block:\n{text}");
    assert!(deployment_names(&palette, false).is_empty());
    assert!(virtual_cluster_names(&palette).is_empty());
    assert!(tf.addresses().iter().all(|a| !a.starts_with("spectrocloud_application.")));
}

#[test]
fn with_thirty_percent_faults_one_deployment_is_created_exactly_once() {
    let palette = PaletteLocal::start_with(&QUICK);
    palette.set_faults(json!({"rate": 0.3, "resetRate": 0.0, "latencyMs": 0}));
    let tf = Terraform::new(&palette);
    tf.config(&format!("{}{}{}", group("tenant", 16000), profile("shop", "project"), in_group("shop", "spectrocloud_application_profile.shop.id", 2, "")));
    tf.apply();
    palette.clear_faults();
    tf.assert_clean_plan();
    assert_eq!(deployment_names(&palette, false), ["shop"]);
    assert_eq!(virtual_cluster_names(&palette), ["sandbox-shop"]);
    assert_eq!(deployment(&palette, &uid_of(&tf, "shop"))["status"]["state"], "Deployed");
}

#[test]
fn ctrl_c_during_the_wait_stops_within_a_second_and_the_next_apply_converges() {
    let palette = PaletteLocal::start_with(&["--provision-seconds", "120", "--deploy-seconds", "1", "--delete-seconds", "1"]);
    let tf = Terraform::new(&palette);
    tf.config(&format!("{}{}{}", group("tenant", 16000), profile("shop", "project"), in_group("shop", "spectrocloud_application_profile.shop.id", 2, "")));
    let child = tf.command(&["apply", "-auto-approve", "-no-color"]).spawn().unwrap();
    let pid = child.id();
    assert!(eventually(Duration::from_secs(60), || deployment_names(&palette, false) == ["shop"]), "the create began");
    std::thread::sleep(Duration::from_secs(1));
    let interrupted_at = Instant::now();
    interrupt(pid);
    let out = wait_with_limit(child, Duration::from_secs(60), "interrupted apply");
    let stopped_after = interrupted_at.elapsed();
    eprintln!("terraform exited {stopped_after:?} after SIGINT");
    assert!(stopped_after < Duration::from_secs(2), "stopped after {stopped_after:?}");
    assert_ne!(out.code(), 0, "{}", out.combined());
    assert!(out.combined().contains("was stopped") && out.combined().contains("state Pending"), "{}", out.combined());
    let state = tf.state_file().unwrap();
    let instance = state["resources"].as_array().unwrap().iter().find(|r| r["type"] == "spectrocloud_application").unwrap()["instances"][0].clone();
    assert_eq!(instance["status"], "tainted", "{instance}");
    // Nothing is orphaned: the one deployment on the server is the one in state.
    assert_eq!(deployment_names(&palette, false), ["shop"]);
    assert_eq!(deployment(&palette, &uid_of(&tf, "shop"))["metadata"]["name"], "shop");

    // The next apply converges (replacing the tainted deployment), on palette-local's clock.
    let child = tf.command(&["apply", "-auto-approve", "-no-color"]).spawn().unwrap();
    let out = finish_on_clock(&palette, child, 200, "apply");
    assert!(out.status.success(), "{}", out.combined());
    tf.assert_clean_plan();
    assert_eq!(deployment_names(&palette, false), ["shop"]);
    assert_eq!(virtual_cluster_names(&palette), ["sandbox-shop"]);
}

#[test]
fn the_ephemeral_kubeconfig_reaches_a_provider_and_never_the_state_or_a_saved_plan() {
    if terraform_version() < (1, 10, 0) {
        eprintln!("skipped: ephemeral resources need Terraform 1.10 or later, this is {:?}", terraform_version());
        return;
    }
    let palette = PaletteLocal::start_with(&QUICK);
    let mut tf = Terraform::new(&palette);
    tf.add_provider(PROBE_ADDRESS, &probe_binary());
    let record = tf.dir.path().join("probe-config.json");
    tf.set_env("PROBE_CONFIG_RECORD", record.to_str().unwrap());
    let config = format!(
        r#"
terraform {{
  required_providers {{
    spectrocloud = {{ source = "spectrocloud/spectrocloud" }}
    probe        = {{ source = "test/probe" }}
  }}
}}

provider "spectrocloud" {{}}
{}{}{}
ephemeral "spectrocloud_cluster_kubeconfig" "shop" {{
  cluster_uid = spectrocloud_application.shop.config[0].cluster_uid
}}

# The consumer: a provider block, as the kubernetes and helm providers take it.
provider "probe" {{
  label = jsonencode({{
    host       = ephemeral.spectrocloud_cluster_kubeconfig.shop.host
    ca         = ephemeral.spectrocloud_cluster_kubeconfig.shop.cluster_ca_certificate
    token      = ephemeral.spectrocloud_cluster_kubeconfig.shop.token
    kubeconfig = ephemeral.spectrocloud_cluster_kubeconfig.shop.kubeconfig
    ADMIN
  }})
}}

data "spectrocloud_probe" "uses_the_cluster" {{
  provider = probe
  name     = "workload"
}}
"#,
        group("tenant", 16000),
        profile("shop", "project"),
        in_group("shop", "spectrocloud_application_profile.shop.id", 2, "")
    );
    // First apply: the cluster does not exist at plan time (the kubeconfig is
    // opened during apply, once it does).
    tf.config_raw(&config.replace("ADMIN", ""));
    tf.apply();
    // Then also the admin kubeconfig, found by the cluster's name.
    let by_name = r#"
ephemeral "spectrocloud_cluster_kubeconfig" "shop_admin" {
  cluster_name = "sandbox-shop"
  admin        = true
}
"#;
    tf.config_raw(&format!("{}{by_name}", config.replace("ADMIN", "admin = ephemeral.spectrocloud_cluster_kubeconfig.shop_admin.token")));
    tf.apply();
    let cluster_uid = application(&tf, "shop")["config"][0]["cluster_uid"].as_str().unwrap().to_string();
    let project = palette.project_uid("Default").unwrap();
    let download = |asset: &str| {
        let (status, response) = palette.get_text(&format!("/v1/spectroclusters/{cluster_uid}/assets/{asset}"), Some(&project));
        assert!(status == 200 && response.contains("apiVersion"), "{asset}: {status}");
        response
    };
    let kubeconfig = download("kubeconfigclient");
    let admin_kubeconfig = download("adminKubeconfig");
    let token_of = |config: &str| config.lines().find_map(|l| l.trim().strip_prefix("token: ")).unwrap().to_string();
    let (token, admin_token) = (token_of(&kubeconfig), token_of(&admin_kubeconfig));

    // The values reached the provider block.
    let received: Json = serde_json::from_str(&std::fs::read_to_string(&record).expect("the probe was configured")).unwrap();
    assert_eq!(received["kubeconfig"], kubeconfig.as_str());
    assert_eq!(received["token"], token.as_str());
    assert_eq!(received["admin"], admin_token.as_str());
    let server = kubeconfig.lines().find_map(|l| l.trim().strip_prefix("server: ")).unwrap();
    assert_eq!(received["host"], server);
    assert!(received["ca"].as_str().unwrap().starts_with("-----BEGIN CERTIFICATE-----"), "{received}");

    // Neither the state nor a saved plan holds any of them.
    let secrets = [token.as_str(), admin_token.as_str()];
    let state = std::fs::read_to_string(tf.work_dir().join("terraform.tfstate")).unwrap();
    assert!(secrets.iter().all(|s| !state.contains(s)), "a token is in the state file");
    assert!(!state.contains("spectrocloud_cluster_kubeconfig"), "the ephemeral resource is in the state file");
    std::fs::remove_file(&record).unwrap();
    let out = tf.run(&["plan", "-out=saved.tfplan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(out.code(), 0, "a clean plan is expected:\n{}", out.combined());
    assert!(record.exists(), "the plan opened the kubeconfig again for the provider");
    let plan = saved_plan_contents(&tf.work_dir().join("saved.tfplan"));
    assert!(plan.contains("tfplan"), "the plan archive was read");
    assert!(secrets.iter().all(|s| !plan.contains(s)), "a token is in the saved plan");
    let shown = tf.run(&["show", "-json", "saved.tfplan"]);
    assert!(shown.status.success() && secrets.iter().all(|s| !shown.stdout.contains(s)), "a token is in the plan's JSON");
    assert!(secrets.iter().all(|s| !out.combined().contains(s)), "a token was printed");
    tf.destroy();
}
