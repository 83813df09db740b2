//! `spectrocloud_cluster_group` updates and the `spectrocloud_cluster_group` and
//! `spectrocloud_cluster` data sources, end to end against palette-local.

use crate::support::{PaletteLocal, Terraform};

fn host_uid(palette: &PaletteLocal, name: &str, project: Option<&str>) -> String {
    let (status, body) = palette.request("GET", "/v1/dashboard/spectroclusters/metadata?quickFilter=hostclusters", project, None);
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().iter().find(|m| m["name"] == name).unwrap()["uid"].as_str().unwrap().to_string()
}

fn group(host: &str, name: &str, cpu: u32, host_dns: &str) -> String {
    format!(
        r#"
resource "spectrocloud_cluster_group" "cg" {{
  name = "{name}"
  config {{
    cpu_millicore = {cpu}
    memory_in_mb  = 16384
  }}
  clusters {{
    cluster_uid = "{host}"
    host_dns    = "{host_dns}"
  }}
}}
"#
    )
}

#[test]
fn group_updates_in_place_and_data_sources_find_groups_and_clusters() {
    let palette = PaletteLocal::start_with(&["--provision-seconds", "1", "--delete-seconds", "1"]);
    let project = palette.project_uid("Default").unwrap();
    let host1 = host_uid(&palette, "host-1", None);
    let tf = Terraform::new(&palette);
    tf.config(&group(&host1, "cg-a", 8000, "*.a.example.com"));
    tf.apply();
    tf.assert_clean_plan();
    let uid = tf.resource("spectrocloud_cluster_group.cg")["id"].as_str().unwrap().to_string();

    // Rename, quota and endpoint changes are in place.
    tf.config(&group(&host1, "cg-b", 12000, "*.b.example.com"));
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("1 to change, 0 to destroy"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    let api = palette.get(&format!("/v1/clustergroups/{uid}"));
    assert_eq!(api["metadata"]["name"], "cg-b");
    assert_eq!(api["spec"]["clustersConfig"]["limitConfig"]["cpuMilliCore"], 12000);
    assert_eq!(api["spec"]["clustersConfig"]["hostClustersConfig"][0]["endpointConfig"]["ingressConfig"]["host"], "*.b.example.com");

    // Values changed behind Terraform's back show as drift.
    let mut config = api["spec"]["clustersConfig"].clone();
    config["values"] = serde_json::json!("changed: by-hand\n");
    let (status, body) = palette.request(
        "PUT",
        &format!("/v1/clustergroups/{uid}/hostCluster"),
        None,
        Some(serde_json::json!({"clusterRefs": api["spec"]["clusterRefs"], "clustersConfig": config})),
    );
    assert_eq!(status, 204, "{body}");
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("changed: by-hand"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();

    // The data sources, next to a virtual cluster in the group.
    tf.config(&format!(
        r#"{}
resource "spectrocloud_virtual_cluster" "vc" {{
  name              = "vc-ds"
  cluster_group_uid = spectrocloud_cluster_group.cg.id
  resources {{
    max_cpu       = 2
    max_mem_in_mb = 2048
  }}
}}

data "spectrocloud_cluster_group" "by_name" {{
  name       = spectrocloud_cluster_group.cg.name
  depends_on = [spectrocloud_cluster_group.cg]
}}

data "spectrocloud_cluster" "host" {{
  name = "host-2"
}}

data "spectrocloud_cluster" "virtual" {{
  name       = spectrocloud_virtual_cluster.vc.name
  virtual    = true
  depends_on = [spectrocloud_virtual_cluster.vc]
}}
"#,
        group(&host1, "cg-b", 12000, "*.b.example.com")
    ));
    tf.apply();
    tf.assert_clean_plan();
    let state = tf.state();
    let data = |address: &str| {
        state["values"]["root_module"]["resources"].as_array().unwrap().iter().find(|r| r["address"] == address).unwrap()["values"].clone()
    };
    assert_eq!(data("data.spectrocloud_cluster_group.by_name")["id"], uid.as_str());
    let host = data("data.spectrocloud_cluster.host");
    assert_eq!(host["id"], host_uid(&palette, "host-2", Some(&project)).as_str());
    assert_eq!(host["state"], "Running");
    let virtual_cluster = data("data.spectrocloud_cluster.virtual");
    assert_eq!(virtual_cluster["id"], tf.resource("spectrocloud_virtual_cluster.vc")["id"]);
    assert_eq!((virtual_cluster["state"].as_str(), virtual_cluster["health"].as_str()), (Some("Running"), Some("Healthy")));
    assert!(virtual_cluster["kube_config"].as_str().is_some_and(|k| k.contains("apiVersion")));

    // A name nobody has fails the lookup.
    tf.config("data \"spectrocloud_cluster_group\" \"missing\" {\n  name = \"nope\"\n}\n");
    let out = tf.run(&["plan", "-no-color"]);
    assert_ne!(out.code(), 0);
    assert!(out.combined().contains("Cluster group \"nope\" not found"), "{}", out.combined());
}
