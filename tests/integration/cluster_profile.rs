//! `spectrocloud_cluster_profile` end to end against palette-local.

use crate::support::{PaletteLocal, Terraform};
use serde_json::json;

const FULL_PROFILE: &str = r#"
data "spectrocloud_registry" "public" {
  name = "Public Repo"
}

data "spectrocloud_pack" "ubuntu" {
  name         = "ubuntu-k8s"
  version      = "22.04"
  registry_uid = data.spectrocloud_registry.public.id
}

data "spectrocloud_pack" "k8s" {
  name         = "kubernetes"
  version      = "1.30.4"
  registry_uid = data.spectrocloud_registry.public.id
}

data "spectrocloud_pack" "cni" {
  name         = "cni-calico"
  registry_uid = data.spectrocloud_registry.public.id
}

data "spectrocloud_pack" "csi" {
  name         = "csi-longhorn"
  registry_uid = data.spectrocloud_registry.public.id
}

data "spectrocloud_pack" "nginx" {
  name         = "nginx"
  version      = "1.11.2"
  registry_uid = data.spectrocloud_registry.public.id
}

resource "spectrocloud_cluster_profile" "full" {
  name        = "full-stack"
  description = "every layer"
  tags        = ["team:platform", "env:dev"]
  cloud       = "all"
  type        = "cluster"

  profile_variables {
    variable {
      name         = "replicas"
      display_name = "Replicas"
      format       = "number"
      default_value = "2"
    }
  }

  pack {
    name   = data.spectrocloud_pack.ubuntu.name
    tag    = data.spectrocloud_pack.ubuntu.version
    uid    = data.spectrocloud_pack.ubuntu.id
    values = data.spectrocloud_pack.ubuntu.values
  }
  pack {
    name   = data.spectrocloud_pack.k8s.name
    tag    = data.spectrocloud_pack.k8s.version
    uid    = data.spectrocloud_pack.k8s.id
    values = "pack:\n  podCIDR: \"{{ .spectro.system.cluster.name }}\"\n"
  }
  pack {
    name   = data.spectrocloud_pack.cni.name
    tag    = data.spectrocloud_pack.cni.version
    uid    = data.spectrocloud_pack.cni.id
    values = data.spectrocloud_pack.cni.values
  }
  pack {
    name   = data.spectrocloud_pack.csi.name
    tag    = data.spectrocloud_pack.csi.version
    uid    = data.spectrocloud_pack.csi.id
    values = data.spectrocloud_pack.csi.values
  }
  pack {
    name   = data.spectrocloud_pack.nginx.name
    tag    = data.spectrocloud_pack.nginx.version
    uid    = data.spectrocloud_pack.nginx.id
    values = "controller:\n  replicaCount: {{ .spectro.var.replicas }}\n"
  }
  pack {
    name          = "cert-manager"
    tag           = "1.15.3"
    registry_name = "Public Repo"
    values        = "installCRDs: true"
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
"#;

fn profile_api(palette: &PaletteLocal, uid: &str) -> serde_json::Value {
    let project = palette.project_uid("Default").unwrap();
    let (status, body) = palette.get_in(&project, &format!("/v1/clusterprofiles/{uid}"));
    assert_eq!(status, 200, "{body}");
    body
}

fn pack_names(profile: &serde_json::Value) -> Vec<String> {
    profile["spec"]["published"]["packs"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect()
}

#[test]
fn full_profile_with_data_sources_then_edits_drift_and_import() {
    let palette = PaletteLocal::start();
    let tf = Terraform::new(&palette);
    tf.config(FULL_PROFILE);
    tf.apply();
    tf.assert_clean_plan();
    let state = tf.resource("spectrocloud_cluster_profile.full");
    let uid = state["id"].as_str().unwrap().to_string();
    let api = profile_api(&palette, &uid);
    assert_eq!(pack_names(&api), ["ubuntu-k8s", "kubernetes", "cni-calico", "csi-longhorn", "nginx", "cert-manager", "extras"]);
    assert_eq!(api["metadata"]["annotations"]["description"], "every layer");
    assert_eq!(state["pack"][6]["uid"], "spectro-manifest-pack");
    assert_eq!(state["pack"][5]["registry_name"], "Public Repo");
    assert!(state["pack"][5]["uid"].as_str().unwrap().len() == 24, "cert-manager resolved at plan time: {}", state["pack"][5]);

    // A refresh is one GET of the profile, the variables and one manifest GET.
    palette.reset_stats();
    tf.assert_clean_plan();
    assert_eq!(palette.calls("GET /v1/clusterprofiles/{uid}"), 1);
    assert_eq!(palette.calls("GET /v1/clusterprofiles/{uid}/variables"), 1);
    assert_eq!(palette.calls("GET /v1/clusterprofiles/{uid}/packs/{packName}/manifests"), 1);
    assert_eq!(palette.calls("GET /v1/packs/{uid}"), 0, "no per-pack lookups at refresh");
    assert_eq!(palette.write_calls(), 0);

    // Edit one pack's values, bump a tag, add and remove a pack, rename, retag, redescribe.
    let edited = FULL_PROFILE
        .replace("installCRDs: true", "installCRDs: false")
        .replace("version      = \"1.11.2\"", "version      = \"1.10.4\"")
        .replace("name        = \"full-stack\"", "name        = \"full-stack-2\"")
        .replace("\"team:platform\", \"env:dev\"", "\"team:platform\", \"env:prod\"")
        .replace("every layer", "every layer, edited");
    tf.config(&edited);
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("installCRDs: false"), "{}", plan.stdout);
    assert!(plan.stdout.contains("1 to change"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    let api = profile_api(&palette, &uid);
    assert_eq!(api["metadata"]["name"], "full-stack-2");
    let nginx = &api["spec"]["published"]["packs"][4];
    assert_eq!(nginx["tag"], "1.10.4");
    let state = tf.resource("spectrocloud_cluster_profile.full");
    assert_eq!(state["pack"][4]["uid"], nginx["packUid"], "a tag bump resolves the new pack");

    // Bump a tag of a pack resolved by name only (no uid in config).
    tf.config(&edited.replace("tag           = \"1.15.3\"", "tag           = \"1.15.3\"").replace(
        "  pack {\n    name = \"extras\"",
        "  pack {\n    name          = \"prometheus-operator\"\n    tag           = \"62.3.0\"\n    registry_name = \"Public Repo\"\n  }\n  pack {\n    name = \"extras\"",
    ));
    tf.apply();
    tf.assert_clean_plan();
    assert!(pack_names(&profile_api(&palette, &uid)).contains(&"prometheus-operator".to_string()));
    tf.config(&edited);
    tf.apply();
    tf.assert_clean_plan();
    assert!(!pack_names(&profile_api(&palette, &uid)).contains(&"prometheus-operator".to_string()));

    // Values normalised by someone else (same YAML) cause no diff; real drift shows.
    let project = palette.project_uid("Default").unwrap();
    let body = profile_api(&palette, &uid);
    let mut packs = body["spec"]["published"]["packs"].as_array().unwrap().clone();
    packs[5]["values"] = json!("installCRDs:   false\n");
    let put = json!({"metadata": {"uid": uid, "name": "full-stack-2", "labels": body["metadata"]["labels"], "annotations": {"description": "changed by hand"}},
                     "spec": {"version": "1.0.0", "template": {"type": "cluster", "packs": packs.iter().map(|p| json!({"name": p["name"], "tag": p["tag"], "uid": p["packUid"], "type": p["type"], "registryUid": p["registryUid"], "values": p["values"]})).collect::<Vec<_>>()}}});
    let (status, response) = palette.request("PUT", &format!("/v1/clusterprofiles/{uid}"), Some(&project), Some(put));
    assert_eq!(status, 204, "{response}");
    let (status, _) = palette.request("PATCH", &format!("/v1/clusterprofiles/{uid}/publish"), Some(&project), None);
    assert_eq!(status, 204);
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("changed by hand"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("installCRDs"), "reformatted values are not a change: {}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();

    // A pack's values really changed through the API: the next plan shows it and apply restores them.
    let body = profile_api(&palette, &uid);
    let mut packs = body["spec"]["published"]["packs"].as_array().unwrap().clone();
    let original_values = packs[5]["values"].clone();
    packs[5]["values"] = json!("installCRDs: true\nreplicaCount: 7\n");
    let put = json!({"metadata": {"uid": uid, "name": "full-stack-2", "labels": body["metadata"]["labels"], "annotations": body["metadata"]["annotations"]},
                     "spec": {"version": "1.0.0", "template": {"type": "cluster", "packs": packs.iter().map(|p| json!({"name": p["name"], "tag": p["tag"], "uid": p["packUid"], "type": p["type"], "registryUid": p["registryUid"], "values": p["values"]})).collect::<Vec<_>>()}}});
    let (status, response) = palette.request("PUT", &format!("/v1/clusterprofiles/{uid}"), Some(&project), Some(put));
    assert_eq!(status, 204, "{response}");
    let (status, _) = palette.request("PATCH", &format!("/v1/clusterprofiles/{uid}/publish"), Some(&project), None);
    assert_eq!(status, 204);
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("replicaCount: 7"), "pack values drift shows: {}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    let restored = &profile_api(&palette, &uid)["spec"]["published"]["packs"][5]["values"];
    assert!(!restored.as_str().unwrap_or_default().contains("replicaCount: 7"), "apply restored {original_values} (now {restored})");

    // Import by every ID form.
    for id in [uid.clone(), "full-stack-2".to_string(), "full-stack-2:project".to_string(), format!("{uid}:project:1.0.0")] {
        let other = Terraform::new(&palette);
        other.config(&edited);
        other.import("spectrocloud_cluster_profile.full", &id);
        let imported = other.resource("spectrocloud_cluster_profile.full");
        assert_eq!(imported["id"], uid.as_str(), "{id}");
        assert_eq!(imported["description"], "every layer, edited", "description is imported");
        other.assert_clean_plan();
    }
    tf.destroy();
    let (status, _) = palette.get_in(&project, &format!("/v1/clusterprofiles/{uid}"));
    assert_eq!(status, 404);
}

#[test]
fn tenant_addon_profile_and_version_bumps() {
    let palette = PaletteLocal::start();
    let tf = Terraform::new(&palette);
    let config = |version: &str| {
        format!(
            r#"
resource "spectrocloud_cluster_profile" "addon" {{
  name    = "tenant-addon"
  context = "tenant"
  version = "{version}"
  pack {{
    name          = "nginx"
    tag           = "1.11.2"
    registry_name = "Public Repo"
    values        = "a: 1"
  }}
}}
"#
        )
    };
    tf.config(&config("1.0.0"));
    tf.apply();
    tf.assert_clean_plan();
    let uid = tf.resource("spectrocloud_cluster_profile.addon")["id"].as_str().unwrap().to_string();
    let (status, body) = palette.request("GET", &format!("/v1/clusterprofiles/{uid}"), None, None);
    assert_eq!(status, 200, "tenant scope: {body}");
    assert_eq!(body["metadata"]["annotations"]["scope"], "tenant");

    // Default mode: the version is renamed in place.
    tf.config(&config("1.1.0"));
    tf.apply();
    tf.assert_clean_plan();
    assert_eq!(tf.resource("spectrocloud_cluster_profile.addon")["id"], uid.as_str());
    let (_, body) = palette.request("GET", &format!("/v1/clusterprofiles/{uid}"), None, None);
    assert_eq!(body["spec"]["version"], "1.1.0");

    // Immutable mode: a new version is cloned, the old one stays.
    let immutable = |version: &str, values: &str| {
        format!(
            r#"
terraform {{
  required_providers {{
    spectrocloud = {{
      source = "spectrocloud/spectrocloud"
    }}
  }}
}}

provider "spectrocloud" {{
  feature_preview = {{ "immutable-clusterprofiles" = true }}
}}

resource "spectrocloud_cluster_profile" "addon" {{
  name         = "tenant-addon"
  context      = "tenant"
  version      = "{version}"
  skip_destroy = true
  pack {{
    name          = "nginx"
    tag           = "1.11.2"
    registry_name = "Public Repo"
    values        = "{values}"
  }}
  lifecycle {{
    create_before_destroy = true
  }}
}}
"#
        )
    };
    tf.config_raw(&immutable("1.1.0", "a: 1"));
    tf.apply();
    tf.assert_clean_plan();
    palette.reset_stats();
    tf.config_raw(&immutable("1.1.0", "a: 2"));
    let out = tf.plan();
    assert_eq!(out.code(), 1, "{}", out.combined());
    assert!(out.stderr.contains("Cluster profile versions are immutable"), "{}", out.stderr);
    assert_eq!(palette.write_calls(), 0);

    tf.config_raw(&immutable("1.2.0", "a: 2"));
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    let new_uid = tf.resource("spectrocloud_cluster_profile.addon")["id"].as_str().unwrap().to_string();
    assert_ne!(new_uid, uid);
    let (status, old) = palette.request("GET", &format!("/v1/clusterprofiles/{uid}"), None, None);
    assert_eq!(status, 200, "the old version is kept");
    assert_eq!(old["spec"]["version"], "1.1.0");
    let (_, new) = palette.request("GET", &format!("/v1/clusterprofiles/{new_uid}"), None, None);
    assert_eq!(new["spec"]["version"], "1.2.0");
    assert_eq!(new["spec"]["published"]["packs"][0]["values"], "a: 2");
}

#[test]
fn bad_input_is_reported_at_plan_time_without_api_writes() {
    let palette = PaletteLocal::start();
    let cases = [
        (
            r#"pack {
    name          = "no-such-pack"
    tag           = "1.0.0"
    registry_name = "Public Repo"
  }"#,
            "Cannot resolve the pack",
            "14:     name          = \"no-such-pack\"",
        ),
        (
            r#"pack {
    name          = "nginx"
    tag           = "1.11.2"
    registry_name = "Public Repo"
    registry_uid  = "0123456789abcdef01234567"
  }"#,
            "Only one of `registry_uid`, `registry_name` may be set",
            "16:     registry_name = \"Public Repo\"",
        ),
        (
            r#"pack {
    name          = "nginx"
    tag           = "1.11.2"
    registry_name = "Public Repo"
  }
  pack {
    name          = "nginx"
    tag           = "1.10.4"
    registry_name = "Public Repo"
  }"#,
            "Duplicate pack name",
            "19:     name          = \"nginx\"",
        ),
        (
            r#"profile_variables {
    variable {
      name         = "x"
      display_name = "X"
      format       = "float"
    }
  }"#,
            "\"float\" is not one of",
            "17:       format       = \"float\"",
        ),
        (
            r#"pack {
    name          = "nginx"
    tag           = "1.11.2"
    registry_name = "No Such Registry"
  }"#,
            "Unknown registry",
            "16:     registry_name = \"No Such Registry\"",
        ),
    ];
    // Each diagnostic points at the offending attribute: Terraform shows its
    // line of main.tf (the resource starts on line 11, after the header).
    for (body, message, source) in cases {
        let tf = Terraform::new(&palette);
        tf.config(&format!("resource \"spectrocloud_cluster_profile\" \"bad\" {{\n  name = \"bad\"\n  {body}\n}}\n"));
        palette.reset_stats();
        let out = tf.plan();
        assert_eq!(out.code(), 1, "{}", out.combined());
        assert!(out.stderr.contains(message), "{message}: {}", out.stderr);
        let line = source.split(':').next().unwrap();
        assert!(out.stderr.contains(&format!("on main.tf line {line}, in resource")) && out.stderr.contains(source), "{source}: {}", out.stderr);
        assert_eq!(palette.write_calls(), 0, "no API write for {message}");
    }
}

/// A full vSphere profile written the way the official docs write one: exact
/// versions looked up with `spectrocloud_pack`, version tags on the packs.
const TAGGED_PROFILE: &str = r#"
data "spectrocloud_pack" "os" {
  name    = "ubuntu-vsphere"
  version = "18.04"
}

data "spectrocloud_pack" "k8s" {
  name    = "kubernetes"
  version = "1.29.8"
}

data "spectrocloud_pack" "cni" {
  name    = "cni-calico"
  version = "3.27.0"
}

data "spectrocloud_pack" "csi" {
  name    = "csi-vsphere-csi"
  version = "3.1.2"
}

locals {
  proxy_values = <<-EOT
    manifests:
      spectro-proxy:
        namespace: "cluster-{{ .spectro.system.cluster.uid }}"
        server: "{{ .spectro.system.reverseproxy.server }}"
  EOT
}

resource "spectrocloud_cluster_profile" "vsphere" {
  name        = "vsphere-tagged"
  description = "vSphere stack pinned by version tags"
  tags        = ["dev", "owner:platform"]
  cloud       = "vsphere"
  type        = "cluster"

  pack {
    name   = "ubuntu-vsphere"
    tag    = "LTS__18.4.x"
    uid    = data.spectrocloud_pack.os.id
    values = "kubeadmconfig:\n  preKubeadmCommands: []\n"
  }

  pack {
    name   = "kubernetes"
    tag    = "1.29.x"
    uid    = data.spectrocloud_pack.k8s.id
    values = data.spectrocloud_pack.k8s.values
  }

  pack {
    name   = "cni-calico"
    tag    = "3.27.x"
    uid    = data.spectrocloud_pack.cni.id
    values = data.spectrocloud_pack.cni.values
  }

  pack {
    name   = "csi-vsphere-csi"
    tag    = "3.1.x"
    uid    = data.spectrocloud_pack.csi.id
    values = data.spectrocloud_pack.csi.values
  }

  pack {
    name          = "spectro-proxy"
    tag           = "1.5.x"
    registry_name = "Public Repo"
    values        = local.proxy_values
  }
}
"#;

fn catalog_uid(palette: &PaletteLocal, name: &str, version: &str) -> String {
    let list = palette.get(&format!("/v1/packs?filters=spec.name={name}ANDspec.version={version}"));
    list["items"][0]["metadata"]["uid"].as_str().unwrap_or_else(|| panic!("{name} {version}: {list}")).to_string()
}

fn layers(api: &serde_json::Value) -> Vec<(String, String, String)> {
    let text = |p: &serde_json::Value, key: &str| p[key].as_str().unwrap_or_default().to_string();
    api["spec"]["published"]["packs"].as_array().unwrap().iter().map(|p| (text(p, "tag"), text(p, "version"), text(p, "packUid"))).collect()
}

#[test]
fn version_tags_on_packs_apply_read_back_as_written_and_import_clean() {
    let palette = PaletteLocal::start();
    let tf = Terraform::new(&palette);
    tf.config(TAGGED_PROFILE);
    tf.apply();
    tf.assert_clean_plan();
    let state = tf.resource("spectrocloud_cluster_profile.vsphere");
    let uid = state["id"].as_str().unwrap().to_string();
    let tags: Vec<&str> = state["pack"].as_array().unwrap().iter().map(|p| p["tag"].as_str().unwrap()).collect();
    assert_eq!(tags, ["LTS__18.4.x", "1.29.x", "3.27.x", "3.1.x", "1.5.x"], "tags read back as written");
    let expected = |tag: &str, name: &str, version: &str| (tag.to_string(), version.to_string(), catalog_uid(&palette, name, version));
    // Packs given by uid keep that version (not the newest of the tag); the one
    // given by name + tag + registry resolves to the newest version the tag selects.
    assert_eq!(
        layers(&profile_api(&palette, &uid)),
        [
            expected("LTS__18.4.x", "ubuntu-vsphere", "18.04"),
            expected("1.29.x", "kubernetes", "1.29.8"),
            expected("3.27.x", "cni-calico", "3.27.0"),
            expected("3.1.x", "csi-vsphere-csi", "3.1.2"),
            expected("1.5.x", "spectro-proxy", "1.5.4"),
        ]
    );
    assert_eq!(state["pack"][4]["uid"], catalog_uid(&palette, "spectro-proxy", "1.5.4").as_str(), "resolved at plan time through the tag");

    // A new tag without a uid resolves through the tag: the newest 1.30 version.
    let by_tag = TAGGED_PROFILE.replace(
        "    tag    = \"1.29.x\"\n    uid    = data.spectrocloud_pack.k8s.id\n",
        "    tag           = \"1.30.x\"\n    registry_name = \"Public Repo\"\n",
    );
    tf.config(&by_tag);
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("1 to change"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    let api = profile_api(&palette, &uid);
    assert_eq!(layers(&api)[1], expected("1.30.x", "kubernetes", "1.30.4"));

    // Import by UID and by name: the tags come back as written.
    for id in [uid.clone(), "vsphere-tagged:project".to_string()] {
        let other = Terraform::new(&palette);
        other.config(&by_tag);
        other.import("spectrocloud_cluster_profile.vsphere", &id);
        assert_eq!(other.resource("spectrocloud_cluster_profile.vsphere")["pack"][0]["tag"], "LTS__18.4.x", "{id}");
        other.assert_clean_plan();
    }

    // A tag no version carries is a plan-time error naming the pack.
    let other = Terraform::new(&palette);
    other.config(&by_tag.replace("\"1.30.x\"", "\"1.21.x\""));
    let out = other.plan();
    assert_eq!(out.code(), 1, "{}", out.combined());
    let stderr = out.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(stderr.contains("Cannot resolve the pack") && stderr.contains("\"1.21.x\""), "{stderr}");
}
