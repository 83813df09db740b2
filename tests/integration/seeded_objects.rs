//! Seeds with fixed identities: a module that hard-codes the UIDs of existing
//! profiles, cluster groups and clusters runs offline against a palette-local
//! seeded with those objects.

use crate::support::{PaletteLocal, Terraform};
use serde_json::{json, Value as Json};

const PROJECT: &str = "5f1000000000000000000001";
const REGISTRY: &str = "5f10000000000000000000a1";
const NGINX_OLD: &str = "5f10000000000000000000b1";
const NGINX: &str = "5f10000000000000000000b2";
const REDIS: &str = "5f10000000000000000000b3";
const HOST: &str = "5f10000000000000000000c1";
const PROFILE_V1: &str = "5f10000000000000000000d1";
const PROFILE_V2: &str = "5f10000000000000000000d2";
const APP_PROFILE: &str = "5f10000000000000000000e1";
const GROUP: &str = "5f10000000000000000000f1";
const CLUSTER: &str = "5f1000000000000000000101";

/// A CI seed: a small catalog and one object of every kind, each with its UID.
fn seed() -> Json {
    let profile = |uid: &str, version: &str, tag: &str| {
        json!({
            "uid": uid, "project": "Default",
            "metadata": {"name": "ci-addons", "labels": {"team": "platform"}, "annotations": {"description": "seeded add-ons"}},
            "spec": {"version": version, "template": {"type": "add-on", "cloudType": "all",
                     "packs": [{"name": "nginx", "tag": tag, "registryUid": REGISTRY, "values": "controller:\n  replicaCount: 1\n"}]}}
        })
    };
    json!({
        "apiKeys": ["ci-key"],
        "projects": [{"name": "Default", "uid": PROJECT}],
        "registries": [{"name": "Public Repo", "uid": REGISTRY, "kind": "spectro"}],
        "packs": [
            {"name": "nginx", "version": "1.11.1", "uid": NGINX_OLD, "registry": "Public Repo", "type": "spectro", "layer": "addon",
             "addonType": "ingress", "values": "controller:\n  replicaCount: 1\n"},
            {"name": "nginx", "version": "1.11.2", "uid": NGINX, "registry": "Public Repo", "type": "spectro", "layer": "addon",
             "addonType": "ingress", "tags": ["stable"], "values": "controller:\n  replicaCount: 1\n"},
            {"name": "redis-operator", "version": "6.2.18-1", "uid": REDIS, "registry": "Public Repo", "type": "operator-instance",
             "layer": "addon", "values": "redis:\n  databaseName: \"{{.spectro.pack.properties.databaseName}}\"\n"}
        ],
        "hostClusters": [{"name": "host-ci", "uid": HOST, "cpu": 32, "memoryMiB": 65536, "storageGiB": 500, "cloudType": "eks"}],
        "clusterProfiles": [profile(PROFILE_V1, "1.0.0", "1.11.x"), profile(PROFILE_V2, "1.1.0", "stable")],
        "appProfiles": [{
            "uid": APP_PROFILE, "project": "Default",
            "metadata": {"name": "ci-app"},
            "spec": {"version": "1.0.0", "template": {"appTiers": [
                {"name": "cache", "type": "operator-instance", "sourceAppTierUid": REDIS,
                 "properties": [{"name": "databaseName", "value": "cache"}, {"name": "databaseVolumeSize", "value": "8"}]}
            ]}}
        }],
        "clusterGroups": [{
            "uid": GROUP,
            "metadata": {"name": "ci-group", "annotations": {"description": "seeded group"}},
            "spec": {
                "clusterRefs": [{"clusterUid": HOST}],
                "clustersConfig": {
                    "endpointType": "Ingress",
                    "hostClustersConfig": [{"clusterUid": HOST, "endpointConfig": {"ingressConfig": {"host": "*.ci.example.com", "port": 443}}}],
                    "limitConfig": {"cpuMilliCore": 16000, "memoryMiB": 32768, "storageGiB": 200, "overSubscription": 120}
                }
            }
        }],
        "virtualClusters": [{
            "uid": CLUSTER, "project": "Default",
            "metadata": {"name": "ci-existing"},
            "spec": {
                "clusterConfig": {"hostClusterConfig": {"clusterGroup": {"uid": GROUP}}},
                "machinepoolconfig": [{"cloudConfig": {"instanceType": {"maxCPU": 2, "maxMemInMiB": 4096, "maxStorageGiB": 10}}}],
                "profiles": [{"uid": PROFILE_V1}]
            }
        }]
    })
}

fn start_seeded() -> PaletteLocal {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.json");
    std::fs::write(&path, serde_json::to_string_pretty(&seed()).unwrap()).unwrap();
    let mut palette = PaletteLocal::start_with(&["--seed", path.to_str().unwrap(), "--provision-seconds", "1"]);
    palette.api_key = "ci-key".to_string();
    // The seed is read at start; the file may go.
    drop(dir);
    palette
}

/// A module written against a real tenant: it hard-codes the UIDs of the group
/// and the profile it builds on, and looks the rest up by name.
const MODULE: &str = r#"
data "spectrocloud_cluster_profile" "addons" {
  name    = "ci-addons"
  version = "1.1.0"
}

data "spectrocloud_application_profile" "app" {
  name = "ci-app"
}

data "spectrocloud_cluster_group" "ci" {
  name    = "ci-group"
  context = "tenant"
}

data "spectrocloud_cluster" "existing" {
  name    = "ci-existing"
  virtual = true
}

resource "spectrocloud_virtual_cluster" "team" {
  name              = "team-ci"
  cluster_group_uid = "5f10000000000000000000f1"

  cluster_profile {
    id = "5f10000000000000000000d1"
  }

  resources {
    max_cpu           = 2
    max_mem_in_mb     = 4096
    max_storage_in_gb = 10
  }
}

output "profile" { value = data.spectrocloud_cluster_profile.addons }
output "app" { value = data.spectrocloud_application_profile.app.id }
output "group" { value = data.spectrocloud_cluster_group.ci.id }
output "existing" { value = { id = data.spectrocloud_cluster.existing.id, state = data.spectrocloud_cluster.existing.state } }
"#;

#[test]
fn a_module_hard_coding_seeded_uids_plans_and_applies_clean() {
    let palette = start_seeded();
    let tf = Terraform::new(&palette);
    tf.config(MODULE);
    tf.apply();
    tf.assert_clean_plan();

    // Data sources find the seeded objects by name, with their fixed UIDs.
    let state = tf.state();
    let output = |name: &str| state["values"]["outputs"][name]["value"].clone();
    assert_eq!(output("profile")["id"], PROFILE_V2);
    assert_eq!(output("profile")["pack"][0]["tag"], "stable", "a named tag, kept as written");
    assert_eq!(output("profile")["pack"][0]["uid"], NGINX);
    assert_eq!(output("app"), APP_PROFILE);
    assert_eq!(output("group"), GROUP);
    assert_eq!(output("existing")["id"], CLUSTER);
    assert_eq!(output("existing")["state"], "Running", "seeded clusters are already provisioned");

    // The new cluster runs in the seeded group with the seeded profile.
    let team = tf.resource("spectrocloud_virtual_cluster.team");
    let uid = team["id"].as_str().unwrap();
    let (status, cluster) = palette.get_in(PROJECT, &format!("/v1/spectroclusters/{uid}"));
    assert_eq!(status, 200, "{cluster}");
    assert_eq!(cluster["spec"]["clusterConfig"]["hostClusterConfig"]["clusterGroup"]["uid"], GROUP);
    assert_eq!(cluster["spec"]["clusterConfig"]["hostClusterConfig"]["hostCluster"]["uid"], HOST);
    let templates: Vec<&str> = cluster["spec"]["clusterProfileTemplates"].as_array().unwrap().iter().map(|t| t["uid"].as_str().unwrap()).collect();
    assert_eq!(templates, [PROFILE_V1]);

    // The seeded profile resolved its range tag to the newest 1.11 version.
    let (_, profile) = palette.get_in(PROJECT, &format!("/v1/clusterprofiles/{PROFILE_V1}"));
    let pack = &profile["spec"]["published"]["packs"][0];
    assert_eq!((pack["tag"].as_str(), pack["version"].as_str(), pack["packUid"].as_str()), (Some("1.11.x"), Some("1.11.2"), Some(NGINX)));
    assert_eq!(profile["status"]["inUseClusterUids"].as_array().unwrap().len(), 2, "the seeded cluster and the new one use it");

    tf.destroy();
    let (status, _) = palette.get_in(PROJECT, &format!("/v1/spectroclusters/{CLUSTER}"));
    assert_eq!(status, 200, "the seeded cluster is not the module's to destroy");
}

/// Configurations matching the seeded objects, for import.
const SEEDED_AS_CONFIG: &str = r#"
resource "spectrocloud_cluster_profile" "addons" {
  name        = "ci-addons"
  version     = "1.0.0"
  description = "seeded add-ons"
  tags        = ["team:platform"]
  type        = "add-on"

  pack {
    name         = "nginx"
    tag          = "1.11.x"
    registry_uid = "5f10000000000000000000a1"
    values       = "controller:\n  replicaCount: 1\n"
  }
}

resource "spectrocloud_cluster_group" "ci" {
  name        = "ci-group"
  context     = "tenant"
  description = "seeded group"

  config {
    host_endpoint_type       = "Ingress"
    cpu_millicore            = 16000
    memory_in_mb             = 32768
    storage_in_gb            = 200
    oversubscription_percent = 120
  }

  clusters {
    cluster_uid = "5f10000000000000000000c1"
    host_dns    = "*.ci.example.com"
  }
}
"#;

#[test]
fn seeded_objects_import_clean_and_survive_a_reset() {
    let palette = start_seeded();
    let tf = Terraform::new(&palette);
    tf.config(SEEDED_AS_CONFIG);
    tf.import("spectrocloud_cluster_profile.addons", &format!("{PROFILE_V1}:project"));
    tf.import("spectrocloud_cluster_group.ci", &format!("{GROUP}:tenant"));
    assert_eq!(tf.resource("spectrocloud_cluster_profile.addons")["pack"][0]["uid"], NGINX);
    tf.assert_clean_plan();

    // A reset reloads the seed: the same UIDs again, so the state still matches.
    let (status, _) = palette.request("POST", "/__admin/reset", None, None);
    assert_eq!(status, 204);
    tf.assert_clean_plan();
    let (status, group) = palette.request("GET", &format!("/v1/clustergroups/{GROUP}"), None, None);
    assert_eq!(status, 200, "{group}");
    assert_eq!(group["spec"]["clusterRefs"][0]["clusterName"], "host-ci");
}
