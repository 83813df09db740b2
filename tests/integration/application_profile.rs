//! `spectrocloud_application_profile` end to end against palette-local.

use crate::support::{PaletteLocal, Terraform};
use serde_json::json;

/// Every tier type, each made from the seeded catalog.
const FOUR_TIERS: &str = r#"
data "spectrocloud_registry" "public" {
  name = "Public Repo"
}

data "spectrocloud_registry" "bitnami" {
  name = "Bitnami"
}

data "spectrocloud_pack_simple" "container" {
  name         = "container"
  version      = "1.0.0"
  type         = "container"
  registry_uid = data.spectrocloud_registry.public.id
}

data "spectrocloud_pack_simple" "kafka" {
  name         = "kafka"
  version      = "20.0.0"
  type         = "helm"
  registry_uid = data.spectrocloud_registry.bitnami.id
}

data "spectrocloud_pack_simple" "redis" {
  name         = "redis-operator"
  version      = "6.2.18-1"
  type         = "operator-instance"
  registry_uid = data.spectrocloud_registry.public.id
}

data "spectrocloud_pack_simple" "mysql" {
  name         = "mysql-operator"
  version      = "0.6.3"
  type         = "operator-instance"
  registry_uid = data.spectrocloud_registry.public.id
}

resource "spectrocloud_application_profile" "app" {
  name        = "shop"
  description = "four tiers"
  tags        = ["team:shop"]

  pack {
    name            = "web"
    type            = "container"
    source_app_tier = data.spectrocloud_pack_simple.container.id
    registry_uid    = data.spectrocloud_registry.public.id
    tag             = "1.0.0"
    values          = "containerService:\n  serviceName: web\n  image: nginx:1.27\n"
  }

  pack {
    name            = "queue"
    type            = "helm"
    source_app_tier = data.spectrocloud_pack_simple.kafka.id
    registry_uid    = data.spectrocloud_registry.bitnami.id
    tag             = "20.0.0"
  }

  pack {
    name          = "config"
    type          = "manifest"
    install_order = 10
    manifest {
      name    = "settings"
      content = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: production\n"
    }
  }

  pack {
    name            = "cache"
    type            = "operator-instance"
    source_app_tier = data.spectrocloud_pack_simple.redis.id
    registry_uid    = data.spectrocloud_registry.public.id
    tag             = "6.2.18-1"
    properties = {
      databaseName       = "cache"
      databaseVolumeSize = "8"
    }
  }
}
"#;

/// The tier added by the edit step.
const DATABASE_TIER: &str = r#"
  pack {
    name            = "db"
    type            = "operator-instance"
    source_app_tier = data.spectrocloud_pack_simple.mysql.id
    registry_uid    = data.spectrocloud_registry.public.id
    tag             = "0.6.3"
    properties = {
      dbRootPassword = "c2VjcmV0"
      dbVolumeSize   = "20"
    }
  }
}
"#;

/// The helm tier, removed by the edit step.
const QUEUE_TIER: &str = r#"
  pack {
    name            = "queue"
    type            = "helm"
    source_app_tier = data.spectrocloud_pack_simple.kafka.id
    registry_uid    = data.spectrocloud_registry.bitnami.id
    tag             = "20.0.0"
  }
"#;

fn api_tiers(palette: &PaletteLocal, project: &str, uid: &str) -> Vec<serde_json::Value> {
    let (status, body) = palette.get_in(project, &format!("/v1/appProfiles/{uid}/tiers"));
    assert_eq!(status, 200, "{body}");
    body["spec"]["appTiers"].as_array().unwrap().clone()
}

fn tier_names(tiers: &[serde_json::Value]) -> Vec<&str> {
    tiers.iter().map(|t| t["metadata"]["name"].as_str().unwrap()).collect()
}

fn property<'a>(tier: &'a serde_json::Value, name: &str) -> Option<&'a str> {
    tier["spec"]["properties"].as_array()?.iter().find(|p| p["name"] == name)?["value"].as_str()
}

fn profile_uid(tf: &Terraform) -> String {
    tf.resource("spectrocloud_application_profile.app")["id"].as_str().unwrap().to_string()
}

#[test]
fn four_tier_types_then_edits_drift_and_import() {
    let palette = PaletteLocal::start();
    let project = palette.project_uid("Default").unwrap();
    let tf = Terraform::new(&palette);
    tf.config(FOUR_TIERS);
    tf.apply();
    tf.assert_clean_plan();
    let uid = profile_uid(&tf);
    let tiers = api_tiers(&palette, &project, &uid);
    assert_eq!(tier_names(&tiers), ["web", "queue", "config", "cache"]);
    let types: Vec<&str> = tiers.iter().map(|t| t["spec"]["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["container", "helm", "manifest", "operator-instance"]);
    assert_eq!(property(&tiers[3], "databaseVolumeSize"), Some("8"));
    let (_, profile) = palette.get_in(&project, &format!("/v1/appProfiles/{uid}"));
    assert_eq!(profile["metadata"]["annotations"]["description"], "four tiers");

    // Change a tier's properties, add a tier and remove another.
    let edited = FOUR_TIERS.replace("databaseVolumeSize = \"8\"", "databaseVolumeSize = \"16\"").replace(QUEUE_TIER, "");
    let edited = format!("{}{DATABASE_TIER}", edited.trim_end().strip_suffix('}').unwrap());
    tf.config(&edited);
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("1 to change"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    let tiers = api_tiers(&palette, &project, &uid);
    assert_eq!(tier_names(&tiers), ["web", "config", "cache", "db"]);
    assert_eq!(property(&tiers[2], "databaseVolumeSize"), Some("16"));
    assert_eq!(property(&tiers[3], "dbVolumeSize"), Some("20"));
    assert_eq!(profile_uid(&tf), uid, "tier edits happen in place");

    // Description and tags change in place.
    let described = edited.replace("four tiers", "four tiers, edited").replace("\"team:shop\"", "\"team:shop\", \"env:dev\"");
    tf.config(&described);
    tf.apply();
    tf.assert_clean_plan();
    let (_, profile) = palette.get_in(&project, &format!("/v1/appProfiles/{uid}"));
    assert_eq!(profile["metadata"]["annotations"]["description"], "four tiers, edited");
    assert_eq!(profile["metadata"]["labels"]["env"], "dev");

    // A rename is applied (by replacement: the API cannot rename) and read back.
    let renamed = described.replace("name        = \"shop\"", "name        = \"store\"");
    tf.config(&renamed);
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("must be replaced"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    let uid = profile_uid(&tf);
    let (_, profile) = palette.get_in(&project, &format!("/v1/appProfiles/{uid}"));
    assert_eq!(profile["metadata"]["name"], "store");

    // Drift made through the API shows in the next plan.
    let cache = api_tiers(&palette, &project, &uid).into_iter().find(|t| t["metadata"]["name"] == "cache").unwrap();
    let tier_uid = cache["metadata"]["uid"].as_str().unwrap();
    let update = json!({"name": "cache", "version": "6.2.18-1", "installOrder": 0,
                        "properties": [{"name": "databaseName", "value": "cache"}, {"name": "databaseVolumeSize", "value": "99"}]});
    let (status, body) = palette.request("PUT", &format!("/v1/appProfiles/{uid}/tiers/{tier_uid}"), Some(&project), Some(update));
    assert_eq!(status, 204, "{body}");
    let meta = json!({"metadata": {"labels": profile["metadata"]["labels"], "annotations": {"description": "changed by hand"}}, "version": "1.0.0"});
    let (status, body) = palette.request("PATCH", &format!("/v1/appProfiles/{uid}/metadata"), Some(&project), Some(meta));
    assert_eq!(status, 204, "{body}");
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("\"99\" -> \"16\""), "{}", plan.stdout);
    assert!(plan.stdout.contains("\"changed by hand\" -> \"four tiers, edited\""), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    let tiers = api_tiers(&palette, &project, &uid);
    assert_eq!(property(&tiers[2], "databaseVolumeSize"), Some("16"));

    // Import by every ID form, then a clean plan.
    for id in [uid.clone(), "store".to_string(), "store:project".to_string(), format!("{uid}:project:1.0.0"), "store:project:1.0.0".to_string()] {
        let other = Terraform::new(&palette);
        other.config(&renamed);
        other.import("spectrocloud_application_profile.app", &id);
        let imported = other.resource("spectrocloud_application_profile.app");
        assert_eq!(imported["id"], uid.as_str(), "{id}");
        assert_eq!(imported["description"], "four tiers, edited", "description is imported");
        other.assert_clean_plan();
    }

    tf.destroy();
    let (status, _) = palette.get_in(&project, &format!("/v1/appProfiles/{uid}"));
    assert_eq!(status, 404);
}

#[test]
fn bad_tier_type_is_reported_at_plan_time_without_api_writes() {
    let palette = PaletteLocal::start();
    // (the second tier's line, the source line Terraform points at, the message)
    let cases = [
        ("type = \"database\"", "19:     type = \"database\"", "\"database\" is not one of `container`, `helm`, `manifest`, `operator-instance` (at pack[1].type)"),
        ("type = \"spectro\"", "19:     type = \"spectro\"", "\"spectro\" is not one of `container`, `helm`, `manifest`, `operator-instance` (at pack[1].type)"),
        // Terraform cannot point at an attribute that is not written: the block it belongs to.
        ("install_order = 1", "17:   pack {", "Tier type required"),
    ];
    for (line, source, message) in cases {
        let tf = Terraform::new(&palette);
        tf.config(&format!(
            "resource \"spectrocloud_application_profile\" \"bad\" {{\n  name = \"bad\"\n  pack {{\n    name = \"ok\"\n    type = \"manifest\"\n  }}\n  pack {{\n    name = \"tier\"\n    {line}\n  }}\n}}\n"
        ));
        palette.reset_stats();
        let out = tf.plan();
        assert_eq!(out.code(), 1, "{}", out.combined());
        let stderr = out.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
        let source = source.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(stderr.contains(message), "{message}: {}", out.stderr);
        assert!(stderr.contains(&source), "{source}: {}", out.stderr);
        assert_eq!(palette.write_calls(), 0, "no API write for {line}");
    }
}

#[test]
fn tier_errors_are_reported_not_swallowed() {
    let palette = PaletteLocal::start();
    let tf = Terraform::new(&palette);
    let manifest_tier = "  pack {\n    name = \"config\"\n    type = \"manifest\"\n    manifest {\n      name    = \"settings\"\n      content = \"apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: settings\\n\"\n    }\n  }\n";
    tf.config(&format!("resource \"spectrocloud_application_profile\" \"app\" {{\n  name = \"errors\"\n{manifest_tier}}}\n"));
    tf.apply();
    let bad_tier = "  pack {\n    name            = \"db\"\n    type            = \"operator-instance\"\n    source_app_tier = \"0123456789abcdef01234567\"\n    tag             = \"1.0.0\"\n  }\n";
    tf.config(&format!("resource \"spectrocloud_application_profile\" \"app\" {{\n  name = \"errors\"\n{manifest_tier}{bad_tier}}}\n"));
    let out = tf.apply_result();
    assert!(!out.status.success(), "{}", out.combined());
    assert!(out.stderr.contains("Cannot create tier db") && out.stderr.contains("is not a pack"), "{}", out.stderr);
    // The failed tier is still wanted by the next plan.
    let plan = tf.assert_changes_planned();
    assert!(plan.stdout.contains("+ pack {") && plan.stdout.contains("\"db\""), "{}", plan.stdout);
}

/// Tiers written as the official examples write them: no `tag` anywhere, and no
/// `registry_uid` on the operator-instance tiers.
const UNTAGGED_TIERS: &str = r#"
data "spectrocloud_registry" "common" {
  name = "Public Repo"
}

data "spectrocloud_registry" "charts" {
  name = "Bitnami"
}

data "spectrocloud_pack_simple" "container" {
  type         = "container"
  name         = "container"
  version      = "1.0.0"
  registry_uid = data.spectrocloud_registry.common.id
}

data "spectrocloud_pack_simple" "kafka" {
  type         = "helm"
  name         = "kafka"
  version      = "20.0.0"
  registry_uid = data.spectrocloud_registry.charts.id
}

data "spectrocloud_pack_simple" "redis" {
  type         = "operator-instance"
  name         = "redis-operator"
  version      = "6.2.18-1"
  registry_uid = data.spectrocloud_registry.common.id
}

data "spectrocloud_pack_simple" "minio" {
  type         = "operator-instance"
  name         = "minio-operator"
  version      = "4.5.4"
  registry_uid = data.spectrocloud_registry.common.id
}

resource "spectrocloud_application_profile" "app" {
  name        = "all-tiers"
  version     = "1.0.0"
  context     = "project"
  tags        = ["terraform"]
  description = "tiers without tags"
  cloud       = "all"

  pack {
    name            = "web"
    type            = data.spectrocloud_pack_simple.container.type
    registry_uid    = data.spectrocloud_registry.common.id
    source_app_tier = data.spectrocloud_pack_simple.container.id
    values          = "containerService:\n  serviceName: \"{{.spectro.system.appdeployment.tiername}}-svc\"\n  image: nginx:1.27\n  ports:\n    - \"8080\"\n"
  }

  pack {
    name            = "queue"
    type            = data.spectrocloud_pack_simple.kafka.type
    registry_uid    = data.spectrocloud_registry.charts.id
    source_app_tier = data.spectrocloud_pack_simple.kafka.id
    manifest {
      name    = "kafka"
      content = "apiVersion: v2\nname: kafka\nversion: 20.0.0\n"
    }
  }

  pack {
    name          = "config"
    type          = "manifest"
    install_order = 0
    manifest {
      name    = "settings"
      content = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
    }
  }

  pack {
    name            = "storage"
    type            = data.spectrocloud_pack_simple.minio.type
    source_app_tier = data.spectrocloud_pack_simple.minio.id
    properties = {
      "minioUsername"     = "staging"
      "minioUserPassword" = base64encode("not-a-secret")
      "volumeSize"        = "10"
    }
  }

  pack {
    name            = "cache"
    type            = data.spectrocloud_pack_simple.redis.type
    source_app_tier = data.spectrocloud_pack_simple.redis.id
    properties = {
      "databaseName"       = "cache"
      "databaseVolumeSize" = "10"
    }
  }
}
"#;

#[test]
fn tiers_without_tags_plan_clean_after_apply_and_after_import() {
    let palette = PaletteLocal::start();
    let project = palette.project_uid("Default").unwrap();
    let public = palette.get("/v1/registries/metadata")["items"].as_array().unwrap().iter().find(|r| r["name"] == "Public Repo").unwrap()["uid"].clone();
    let tf = Terraform::new(&palette);
    tf.config(UNTAGGED_TIERS);
    tf.apply();
    tf.assert_clean_plan();
    let uid = profile_uid(&tf);

    // The versions and registries the API gave the tiers are read back.
    let state = tf.resource("spectrocloud_application_profile.app");
    let tag = |i: usize| state["pack"][i]["tag"].clone();
    assert_eq!([tag(0), tag(1), tag(3), tag(4)], [json!("1.0.0"), json!("20.0.0"), json!("4.5.4"), json!("6.2.18-1")]);
    assert_eq!(state["pack"][4]["registry_uid"], public, "the operator tier's registry comes from its pack");
    let tiers = api_tiers(&palette, &project, &uid);
    assert_eq!(tiers[4]["spec"]["version"], "6.2.18-1");

    // A change elsewhere keeps the read-back versions: no tag churn in the plan.
    tf.config(&UNTAGGED_TIERS.replace("\"databaseVolumeSize\" = \"10\"", "\"databaseVolumeSize\" = \"12\""));
    let plan = tf.assert_changes_planned();
    assert!(!plan.stdout.contains("tag ") && !plan.stdout.contains("registry_uid"), "{}", plan.stdout);
    tf.apply();
    tf.assert_clean_plan();
    assert_eq!(property(&api_tiers(&palette, &project, &uid)[4], "databaseVolumeSize"), Some("12"));

    // Import by every ID form: no `- tag` or `- registry_uid` drift.
    let imported_config = UNTAGGED_TIERS.replace("\"databaseVolumeSize\" = \"10\"", "\"databaseVolumeSize\" = \"12\"");
    for id in [uid.clone(), "all-tiers".to_string(), "all-tiers:project".to_string(), "all-tiers:project:1.0.0".to_string()] {
        let other = Terraform::new(&palette);
        other.config(&imported_config);
        other.import("spectrocloud_application_profile.app", &id);
        let imported = other.resource("spectrocloud_application_profile.app");
        assert_eq!(imported["pack"][3]["tag"], "4.5.4", "{id}");
        assert_eq!(imported["pack"][3]["registry_uid"], public, "{id}");
        other.assert_clean_plan();
    }
}

/// The official docs' manifest example, in the tenant.
const TENANT_MANIFEST: &str = r#"
resource "spectrocloud_application_profile" "app" {
  name        = "tenant-manifest"
  description = "shared by every project"
  context     = "tenant"
  pack {
    name = "manifest-3"
    type = "manifest"
    manifest {
      name    = "manifest-3"
      content = <<-EOT
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: shared
        data:
          team: yellow
      EOT
    }
  }
}
"#;

#[test]
fn a_tenant_profile_imports_by_the_docs_bare_uid_and_by_name() {
    let palette = PaletteLocal::start();
    let tf = Terraform::new(&palette);
    tf.config(TENANT_MANIFEST);
    tf.apply();
    tf.assert_clean_plan();
    let uid = profile_uid(&tf);
    for id in [uid.clone(), "tenant-manifest".to_string(), format!("{uid}:tenant"), "tenant-manifest:tenant:1.0.0".to_string()] {
        let other = Terraform::new(&palette);
        other.config(TENANT_MANIFEST);
        other.import("spectrocloud_application_profile.app", &id);
        let imported = other.resource("spectrocloud_application_profile.app");
        assert_eq!(imported["id"], uid.as_str(), "{id}");
        assert_eq!(imported["context"], "tenant", "{id}");
        other.assert_clean_plan();
    }
}
