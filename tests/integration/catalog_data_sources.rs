//! The catalog data sources (`spectrocloud_pack`, `spectrocloud_pack_simple`,
//! `spectrocloud_registry`, `spectrocloud_cluster_profile`,
//! `spectrocloud_application_profile`) against palette-local's seeded catalog.

use crate::support::{PaletteLocal, Terraform};
use serde_json::Value as Json;

/// The UID of a seeded registry, from the API.
fn registry_uid(palette: &PaletteLocal, name: &str) -> String {
    let list = palette.get("/v1/registries/metadata");
    let found = list["items"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap_or_else(|| panic!("registry {name}: {list}"));
    found["uid"].as_str().unwrap().to_string()
}

/// The UID of one catalog pack, from the API.
fn pack_uid(palette: &PaletteLocal, name: &str, version: &str) -> String {
    let list = palette.get(&format!("/v1/packs?filters=spec.name={name}ANDspec.version={version}"));
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    items[0]["metadata"]["uid"].as_str().unwrap().to_string()
}

/// Applies `body` and returns its outputs (name → value).
fn outputs(tf: &Terraform, body: &str) -> Json {
    tf.config(body);
    tf.apply();
    tf.assert_clean_plan();
    let state = tf.state();
    let outputs = state["values"]["outputs"].as_object().cloned().unwrap_or_default();
    outputs.into_iter().map(|(name, output)| (name, output["value"].clone())).collect()
}

/// Runs a plan that must fail and returns its error output, with Terraform's
/// line wrapping undone.
fn plan_error(tf: &Terraform, body: &str) -> String {
    tf.config(body);
    let out = tf.plan();
    assert_eq!(out.code(), 1, "{}", out.combined());
    out.stderr.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn packs_and_registries() {
    let palette = PaletteLocal::start();
    let public = registry_uid(&palette, "Public Repo");
    let bitnami = registry_uid(&palette, "Bitnami");
    let tf = Terraform::new(&palette);
    let out = outputs(
        &tf,
        r#"
data "spectrocloud_registry" "public" {
  name = "Public Repo"
}

data "spectrocloud_registry" "bitnami" {
  name = "Bitnami"
  type = "helm"
}

data "spectrocloud_pack" "by_name" {
  name         = "nginx"
  version      = "1.11.2"
  registry_uid = data.spectrocloud_registry.public.id
}

data "spectrocloud_pack" "latest" {
  name         = "nginx"
  registry_uid = data.spectrocloud_registry.public.id
}

data "spectrocloud_pack" "filters" {
  filters = "spec.name=cert-managerANDspec.version=1.15.3"
}

data "spectrocloud_pack" "advanced" {
  name    = "kafka"
  version = "20.0.0"
  advance_filters {
    pack_type = ["helm"]
  }
}

data "spectrocloud_pack" "by_id" {
  id = data.spectrocloud_pack.by_name.id
}

data "spectrocloud_pack" "for_aws" {
  name  = "csi-aws-ebs"
  cloud = ["aws"]
}

data "spectrocloud_pack_simple" "redis" {
  name         = "redis-operator"
  version      = "6.2.18-1"
  type         = "operator-instance"
  registry_uid = data.spectrocloud_registry.public.id
}

data "spectrocloud_pack_simple" "manifest" {
  name = "anything"
  type = "manifest"
}

output "public" { value = data.spectrocloud_registry.public.id }
output "bitnami" { value = data.spectrocloud_registry.bitnami.id }
output "bitnami_sync" { value = data.spectrocloud_registry.bitnami.sync_status }
output "by_name" { value = data.spectrocloud_pack.by_name }
output "latest" { value = data.spectrocloud_pack.latest.version }
output "filters" { value = data.spectrocloud_pack.filters }
output "advanced" { value = data.spectrocloud_pack.advanced }
output "by_id" { value = data.spectrocloud_pack.by_id.name }
output "for_aws" { value = data.spectrocloud_pack.for_aws.id }
output "redis" { value = data.spectrocloud_pack_simple.redis }
output "manifest" { value = data.spectrocloud_pack_simple.manifest.id }
"#,
    );
    assert_eq!(out["public"], public.as_str());
    assert_eq!(out["bitnami"], bitnami.as_str());
    assert!(out["bitnami_sync"].as_str().is_some_and(|s| !s.is_empty()), "{}", out["bitnami_sync"]);

    let by_name = &out["by_name"];
    assert_eq!(by_name["id"], pack_uid(&palette, "nginx", "1.11.2").as_str());
    assert_eq!(by_name["type"], "spectro");
    assert_eq!(by_name["registry_uid"], public.as_str());
    assert!(by_name["values"].as_str().unwrap().contains("ingress-nginx"), "{by_name}");
    assert_eq!(out["latest"], "1.11.2", "no version picks the latest");
    assert_eq!(out["by_id"], "nginx");

    assert_eq!(out["filters"]["id"], pack_uid(&palette, "cert-manager", "1.15.3").as_str());
    assert_eq!(out["filters"]["registry_uid"], public.as_str());
    assert_eq!(out["advanced"]["id"], pack_uid(&palette, "kafka", "20.0.0").as_str());
    assert_eq!(out["advanced"]["registry_uid"], bitnami.as_str());
    assert_eq!(out["advanced"]["type"], "helm");

    assert_eq!(out["for_aws"], pack_uid(&palette, "csi-aws-ebs", "1.33.0").as_str());
    assert_eq!(out["redis"]["id"], pack_uid(&palette, "redis-operator", "6.2.18-1").as_str());
    assert!(out["redis"]["values"].as_str().unwrap().contains("namespace"), "{}", out["redis"]);
    assert_eq!(out["manifest"], "spectro-manifest-pack");

    // Ambiguous and empty lookups fail with the candidates or the query.
    let other = Terraform::new(&palette);
    let error = plan_error(&other, "data \"spectrocloud_pack\" \"nginx\" {\n  name = \"nginx\"\n}\n");
    assert!(error.contains("2 packs match"), "{error}");
    assert!(error.contains(&format!("nginx 1.11.2 in registry {public}")) && error.contains(&format!("nginx 18.1.0 in registry {bitnami}")), "{error}");
    let error = plan_error(&other, "data \"spectrocloud_pack\" \"none\" {\n  name = \"no-such-pack\"\n  version = \"1.0.0\"\n}\n");
    assert!(error.contains("No pack matches name \"no-such-pack\", version \"1.0.0\""), "{error}");
    let error = plan_error(&other, "data \"spectrocloud_pack\" \"nginx\" {\n  name = \"nginx\"\n  advance_filters {\n    pack_layer = [\"addon\"]\n  }\n}\n");
    assert!(error.contains("Several packs match") && error.contains("Public Repo") && error.contains("Bitnami"), "{error}");
    let error = plan_error(&other, "data \"spectrocloud_pack\" \"ebs\" {\n  name = \"csi-aws-ebs\"\n  cloud = [\"vsphere\"]\n}\n");
    assert!(error.contains("No pack matches name \"csi-aws-ebs\", clouds [\"vsphere\"]"), "{error}");
    let error = plan_error(&other, "data \"spectrocloud_registry\" \"none\" {\n  name = \"Nowhere\"\n}\n");
    assert!(error.contains("Nowhere") && error.contains("Public Repo"), "{error}");
    let error = plan_error(
        &other,
        &format!("data \"spectrocloud_pack_simple\" \"none\" {{\n  name = \"redis-operator\"\n  version = \"9.9.9\"\n  type = \"operator-instance\"\n  registry_uid = \"{public}\"\n}}\n"),
    );
    assert!(error.contains("Available versions: 6.2.18-1"), "{error}");
}

/// Profiles made through Terraform, then looked up by a second configuration.
const PROFILES: &str = r#"
resource "spectrocloud_cluster_profile" "v1" {
  name    = "base"
  version = "1.0.0"
  pack {
    name          = "nginx"
    tag           = "1.11.2"
    registry_name = "Public Repo"
    values        = "a: 1"
  }
  pack {
    name = "extras"
    type = "manifest"
    manifest {
      name    = "ns"
      content = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extras\n"
    }
  }
}

resource "spectrocloud_cluster_profile" "v2" {
  name    = "base"
  version = "1.1.0"
  pack {
    name          = "nginx"
    tag           = "1.10.4"
    registry_name = "Public Repo"
  }
}

resource "spectrocloud_cluster_profile" "tenant" {
  name    = "base"
  version = "2.0.0"
  context = "tenant"
  pack {
    name          = "cert-manager"
    tag           = "1.15.3"
    registry_name = "Public Repo"
  }
}

resource "spectrocloud_application_profile" "app" {
  name = "shop"
  pack {
    name = "config"
    type = "manifest"
    manifest {
      name    = "settings"
      content = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"
    }
  }
}
"#;

#[test]
fn cluster_and_application_profiles() {
    let palette = PaletteLocal::start();
    let owner = Terraform::new(&palette);
    owner.config(PROFILES);
    owner.apply();
    let id = |address: &str| owner.resource(address)["id"].as_str().unwrap().to_string();
    let (v1, v2, tenant, app) = (
        id("spectrocloud_cluster_profile.v1"),
        id("spectrocloud_cluster_profile.v2"),
        id("spectrocloud_cluster_profile.tenant"),
        id("spectrocloud_application_profile.app"),
    );

    let reader = Terraform::new(&palette);
    let out = outputs(
        &reader,
        &format!(
            r#"
data "spectrocloud_cluster_profile" "by_id" {{
  id = "{v1}"
}}

data "spectrocloud_cluster_profile" "latest" {{
  name = "base"
}}

data "spectrocloud_cluster_profile" "versioned" {{
  name    = "base"
  version = "1.0.0"
}}

data "spectrocloud_cluster_profile" "tenant" {{
  name    = "base"
  context = "tenant"
}}

data "spectrocloud_application_profile" "app" {{
  name = "shop"
}}

data "spectrocloud_application_profile" "versioned" {{
  name    = "shop"
  version = "1.0.0"
}}

output "by_id" {{ value = data.spectrocloud_cluster_profile.by_id }}
output "latest" {{ value = data.spectrocloud_cluster_profile.latest.id }}
output "versioned" {{ value = data.spectrocloud_cluster_profile.versioned.id }}
output "tenant" {{ value = data.spectrocloud_cluster_profile.tenant }}
output "app" {{ value = data.spectrocloud_application_profile.app }}
output "app_versioned" {{ value = data.spectrocloud_application_profile.versioned.id }}
"#
        ),
    );
    let by_id = &out["by_id"];
    assert_eq!(by_id["name"], "base");
    assert_eq!(by_id["version"], "1.0.0");
    assert_eq!(by_id["pack"][0]["name"], "nginx");
    assert_eq!(by_id["pack"][0]["tag"], "1.11.2");
    assert_eq!(by_id["pack"][0]["uid"], pack_uid(&palette, "nginx", "1.11.2").as_str());
    assert_eq!(by_id["pack"][0]["registry_uid"], registry_uid(&palette, "Public Repo").as_str());
    assert_eq!(by_id["pack"][1]["type"], "manifest");
    assert!(by_id["pack"][1]["manifest"][0]["content"].as_str().unwrap().contains("kind: Namespace"), "{by_id}");
    assert_eq!(out["latest"], v2.as_str(), "without a version the latest project version");
    assert_eq!(out["versioned"], v1.as_str());
    assert_eq!(out["tenant"]["id"], tenant.as_str());
    assert_eq!(out["tenant"]["version"], "2.0.0");
    assert_eq!(out["app"]["id"], app.as_str());
    assert_eq!(out["app"]["version"], "1.0.0");
    assert_eq!(out["app_versioned"], app.as_str());

    let error = plan_error(&reader, "data \"spectrocloud_cluster_profile\" \"none\" {\n  name = \"base\"\n  version = \"9.0.0\"\n}\n");
    assert!(error.contains("Cluster profile not found") && error.contains("9.0.0"), "{error}");
    let error = plan_error(&reader, "data \"spectrocloud_application_profile\" \"none\" {\n  name = \"nowhere\"\n}\n");
    assert!(error.contains("nowhere"), "{error}");
}

#[test]
fn packs_looked_up_by_version_tag() {
    let palette = PaletteLocal::start();
    let tf = Terraform::new(&palette);
    let out = outputs(
        &tf,
        r#"
data "spectrocloud_registry" "public" {
  name = "Public Repo"
}

data "spectrocloud_pack" "k8s" {
  name         = "kubernetes"
  version      = "1.29.x"
  registry_uid = data.spectrocloud_registry.public.id
}

data "spectrocloud_pack" "os" {
  name    = "ubuntu-vsphere"
  version = "LTS__20.4.x"
}

data "spectrocloud_pack" "cni" {
  name  = "cni-calico"
  version = "3.x"
  cloud = ["vsphere"]
}

data "spectrocloud_pack_simple" "redis" {
  name         = "redis-operator"
  version      = "6.2.x"
  type         = "operator-instance"
  registry_uid = data.spectrocloud_registry.public.id
}

output "k8s" { value = data.spectrocloud_pack.k8s }
output "os" { value = data.spectrocloud_pack.os }
output "cni" { value = data.spectrocloud_pack.cni.id }
output "redis" { value = data.spectrocloud_pack_simple.redis }
"#,
    );
    // A range tag selects the newest matching version; the tag is kept as written.
    assert_eq!(out["k8s"]["id"], pack_uid(&palette, "kubernetes", "1.29.10").as_str());
    assert_eq!(out["k8s"]["version"], "1.29.x");
    assert!(out["k8s"]["values"].as_str().unwrap().contains("v1.29.10"), "the selected version's values: {}", out["k8s"]);
    // A named tag, looked up in every registry.
    assert_eq!(out["os"]["id"], pack_uid(&palette, "ubuntu-vsphere", "20.04").as_str());
    assert_eq!(out["os"]["version"], "LTS__20.4.x");
    assert_eq!(out["os"]["registry_uid"], registry_uid(&palette, "Public Repo").as_str());
    assert_eq!(out["cni"], pack_uid(&palette, "cni-calico", "3.28.0").as_str());
    assert_eq!(out["redis"]["id"], pack_uid(&palette, "redis-operator", "6.2.18-1").as_str());
    assert_eq!(out["redis"]["version"], "6.2.x");

    // A tag no version carries fails, listing what exists.
    let public = registry_uid(&palette, "Public Repo");
    let other = Terraform::new(&palette);
    let error = plan_error(
        &other,
        &format!("data \"spectrocloud_pack_simple\" \"none\" {{\n  name = \"redis-operator\"\n  version = \"7.x\"\n  type = \"operator-instance\"\n  registry_uid = \"{public}\"\n}}\n"),
    );
    assert!(error.contains("Available versions: 6.2.18-1. Tags: 6.x, 6.2.x."), "{error}");
    let error = plan_error(&other, "data \"spectrocloud_pack\" \"none\" {\n  name = \"kubernetes\"\n  version = \"1.21.x\"\n}\n");
    assert!(error.contains("No pack matches name \"kubernetes\", version \"1.21.x\""), "{error}");
}

/// One `advance_filters` lookup of `name` (with `registry` when given) whose
/// filter block is `filters`: the pack UID found, or the error.
fn advanced_lookup(palette: &PaletteLocal, name: &str, filters: &str) -> Result<String, String> {
    let tf = Terraform::new(palette);
    tf.config(&format!(
        "data \"spectrocloud_pack\" \"found\" {{\n  name = \"{name}\"\n  advance_filters {{\n{filters}\n  }}\n}}\noutput \"id\" {{ value = data.spectrocloud_pack.found.id }}\n"
    ));
    let out = tf.apply_result();
    if !out.status.success() {
        return Err(out.stderr.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    Ok(tf.state()["values"]["outputs"]["id"]["value"].as_str().unwrap_or_default().to_string())
}

#[test]
fn every_advance_filter_narrows_the_catalog() {
    let palette = PaletteLocal::start();
    let community = registry_uid(&palette, "Palette Community Registry");
    // The official example's shape: every filter at once, for a community pack.
    let tf = Terraform::new(&palette);
    let out = outputs(
        &tf,
        &format!(
            r#"
data "spectrocloud_pack" "community" {{
  name = "k8sgpt-operator"

  advance_filters {{
    pack_type   = ["oci"]
    addon_type  = ["system app"]
    pack_layer  = ["addon"]
    environment = ["all"]
    is_fips     = false
    pack_source = ["community"]
  }}

  registry_uid = "{community}"
}}

output "pack" {{ value = data.spectrocloud_pack.community }}
"#
        ),
    );
    assert_eq!(out["pack"]["id"], pack_uid(&palette, "k8sgpt-operator", "0.2.17").as_str(), "the latest version");
    assert_eq!(out["pack"]["registry_uid"], community.as_str());
    assert_eq!(out["pack"]["type"], "oci");

    // Each filter alone: a pack that matches is found, one that does not is not.
    let cases: [(&str, &str, &str, &str); 6] = [
        ("pack_source", "k8sgpt-operator", "[\"community\"]", "[\"spectrocloud\"]"),
        ("is_fips", "csi-vsphere-csi", "true", ""),
        ("pack_layer", "csi-longhorn", "[\"csi\"]", "[\"cni\"]"),
        ("environment", "csi-vsphere-csi", "[\"vsphere\"]", "[\"aws\"]"),
        ("addon_type", "spectro-proxy", "[\"authentication\"]", "[\"monitoring\"]"),
        ("pack_type", "kafka", "[\"helm\"]", "[\"oci\"]"),
    ];
    for (filter, name, matching, other) in cases {
        let found = advanced_lookup(&palette, name, &format!("    {filter} = {matching}")).unwrap_or_else(|e| panic!("{filter} {matching}: {e}"));
        assert_eq!(found.len(), 24, "{filter}: {found}");
        if !other.is_empty() {
            let error = advanced_lookup(&palette, name, &format!("    {filter} = {other}")).expect_err(filter);
            assert!(error.contains("Pack not found") && error.contains(name), "{filter} {other}: {error}");
        }
    }
    // FIPS: a pack that is not FIPS-compliant is not found with is_fips = true.
    let error = advanced_lookup(&palette, "csi-longhorn", "    is_fips = true").expect_err("longhorn is not FIPS");
    assert!(error.contains("Pack not found"), "{error}");
    // addon_type tells the Spectro Cloud nginx (ingress) from the Bitnami one.
    let ingress = advanced_lookup(&palette, "nginx", "    addon_type = [\"ingress\"]").unwrap();
    assert_eq!(ingress, pack_uid(&palette, "nginx", "1.11.2"));
    // A value the official schema does not allow is refused at validate time.
    let error = advanced_lookup(&palette, "nginx", "    pack_source = [\"partner\"]").expect_err("bad source");
    assert!(error.contains("\"partner\" is not one of"), "{error}");
}
