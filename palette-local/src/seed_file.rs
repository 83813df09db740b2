//! The seed format accepted by `--seed`, and the built-in default seed: what the
//! server is started with, before [`seed`](crate::seed) loads it into a database.

use std::path::Path;

use anyhow::Context as _;
use serde::Deserialize;
use serde_json::Value;

use super::domain::pack::{PackLayer, PackType};
use super::domain::registry::RegistryKind;

const BUILTIN_SEED: &str = include_str!("default_seed.json");

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SeedFile {
    pub api_keys: Vec<String>,
    pub org_name: Option<String>,
    pub users: Vec<SeedUser>,
    pub projects: Vec<SeedProject>,
    pub registries: Vec<SeedRegistry>,
    pub packs: Vec<SeedPack>,
    pub host_clusters: Vec<SeedHostCluster>,
    pub cluster_profiles: Vec<SeedClusterProfile>,
    pub app_profiles: Vec<SeedObject>,
    pub cluster_groups: Vec<SeedObject>,
    pub virtual_clusters: Vec<SeedObject>,
}

/// An object seeded from the body its `POST` takes (`metadata`, `spec`), with an
/// optional fixed `uid` and its owner. It is created by the same code as the API's
/// create, so it reads back exactly like one made through the API, and refers to
/// other seeded objects by their (fixed) UIDs.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedObject {
    pub uid: Option<String>,
    /// Project name, or null / absent for tenant scope.
    pub project: Option<String>,
    #[serde(flatten)]
    pub body: serde_json::Map<String, Value>,
}

/// A cluster profile version, published unless `publish` is false.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedClusterProfile {
    #[serde(default = "published")]
    pub publish: bool,
    #[serde(flatten)]
    pub object: SeedObject,
}

fn published() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedUser {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    pub uid: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedProject {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub uid: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedRegistry {
    pub name: String,
    pub uid: Option<String>,
    pub kind: RegistryKind,
    pub endpoint: Option<String>,
    #[serde(default)]
    pub is_private: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedPack {
    pub name: String,
    /// The exact version (`version` is accepted too).
    #[serde(alias = "version")]
    pub tag: String,
    /// Named tags of this version (`LTS__18.4.x`); range tags (`1.30.x`) are derived.
    #[serde(default)]
    pub tags: Vec<String>,
    pub uid: Option<String>,
    /// Name of the registry holding the pack.
    pub registry: String,
    #[serde(rename = "type")]
    pub pack_type: PackType,
    pub layer: PackLayer,
    #[serde(default = "all_clouds")]
    pub cloud_types: Vec<String>,
    #[serde(default)]
    pub values: String,
    pub display_name: Option<String>,
    #[serde(default)]
    pub addon_type: String,
    #[serde(default)]
    pub addon_sub_type: String,
    #[serde(default)]
    pub group: String,
    /// `spectrocloud` (default) or `community`.
    pub source: Option<String>,
    #[serde(default)]
    pub is_fips: bool,
}

fn all_clouds() -> Vec<String> {
    vec!["all".to_string()]
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedHostCluster {
    pub name: String,
    pub uid: Option<String>,
    /// Project name, or null for a tenant-scope host cluster.
    pub project: Option<String>,
    pub cpu: u64,
    #[serde(rename = "memoryMiB")]
    pub memory_mib: u64,
    #[serde(rename = "storageGiB")]
    pub storage_gib: u64,
    #[serde(default = "generic_cloud")]
    pub cloud_type: String,
}

fn generic_cloud() -> String {
    "generic".to_string()
}

impl SeedFile {
    pub fn parse(text: &str) -> anyhow::Result<SeedFile> {
        Ok(serde_json::from_str(text)?)
    }

    pub fn read(path: &Path) -> anyhow::Result<SeedFile> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading seed {}", path.display()))?;
        SeedFile::parse(&text).with_context(|| format!("parsing seed {}", path.display()))
    }

    /// The built-in default seed (one API key, the Default project, two registries,
    /// a catalog and two host clusters).
    pub fn builtin() -> anyhow::Result<SeedFile> {
        SeedFile::parse(BUILTIN_SEED).context("parsing the built-in seed")
    }
}
