//! The pack catalog: one row per version of a pack in a registry, and how a
//! reference by UID, version or tag selects a version.

use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::model::ObjectMeta;
use crate::scope::Scope;
use crate::store::Tx;
use crate::version_tags::{self, Tagged};

pub const KIND: &str = "pack";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackType {
    Spectro,
    Helm,
    Manifest,
    Oci,
    Container,
    OperatorInstance,
}

impl PackType {
    pub fn as_str(self) -> &'static str {
        match self {
            PackType::Spectro => "spectro",
            PackType::Helm => "helm",
            PackType::Manifest => "manifest",
            PackType::Oci => "oci",
            PackType::Container => "container",
            PackType::OperatorInstance => "operator-instance",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PackLayer {
    Kernel,
    Os,
    K8s,
    Cni,
    Csi,
    Addon,
}

impl PackLayer {
    pub fn as_str(self) -> &'static str {
        match self {
            PackLayer::Kernel => "kernel",
            PackLayer::Os => "os",
            PackLayer::K8s => "k8s",
            PackLayer::Cni => "cni",
            PackLayer::Csi => "csi",
            PackLayer::Addon => "addon",
        }
    }
}

/// Who made a pack: `spectrocloud` (Spectro Cloud's own) or `community`.
pub const SPECTROCLOUD_SOURCE: &str = "spectrocloud";

fn spectrocloud_source() -> String {
    SPECTROCLOUD_SOURCE.to_string()
}

/// One version of a pack in one registry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pack {
    pub metadata: ObjectMeta,
    pub name: String,
    pub version: String,
    /// Named tags of this version (`LTS__18.4.x`); range tags are derived.
    #[serde(default)]
    pub tags: Vec<String>,
    pub registry_uid: String,
    #[serde(rename = "type")]
    pub pack_type: PackType,
    pub layer: PackLayer,
    pub cloud_types: Vec<String>,
    pub values: String,
    pub display_name: String,
    pub addon_type: String,
    #[serde(default)]
    pub addon_sub_type: String,
    /// `LTS` for Ubuntu packs, else empty.
    #[serde(default)]
    pub group: String,
    #[serde(default = "spectrocloud_source")]
    pub source: String,
    #[serde(default)]
    pub is_fips: bool,
    pub logo_url: String,
}

impl Tagged for Pack {
    fn version(&self) -> &str {
        &self.version
    }

    fn named_tags(&self) -> &[String] {
        &self.tags
    }
}

impl Pack {
    /// Whether the pack can be used on `cloud_type` (`all` and empty match any pack).
    pub fn supports(&self, cloud_type: &str) -> bool {
        cloud_type.is_empty() || cloud_type == "all" || self.cloud_types.iter().any(|cloud| cloud == "all" || cloud == cloud_type)
    }
}

/// All catalog packs visible from `scope`.
pub fn catalog(tx: &Tx<'_>, scope: &Scope) -> ApiResult<Vec<Pack>> {
    Ok(tx.list::<Pack>(KIND, scope)?.into_iter().map(|row| row.value).collect())
}

/// The pack `uid`, visible from `scope`.
pub fn find(tx: &Tx<'_>, scope: &Scope, uid: &str) -> ApiResult<Option<Pack>> {
    Ok(tx.get::<Pack>(KIND, uid)?.filter(|row| row.owner.visible_from(scope)).map(|row| row.value))
}

/// The version of pack `name` that `wanted` (a version or a tag) selects, in
/// `registry_uid` when given, else in the first registry (in catalog order) where
/// it selects one.
pub fn find_tagged(tx: &Tx<'_>, scope: &Scope, name: &str, wanted: &str, registry_uid: &str) -> ApiResult<Option<Pack>> {
    let mut by_registry: Vec<(String, Vec<Pack>)> = Vec::new();
    for pack in tx.list_named::<Pack>(KIND, scope, name)?.into_iter().map(|row| row.value) {
        if !registry_uid.is_empty() && pack.registry_uid != registry_uid {
            continue;
        }
        match by_registry.iter_mut().find(|(uid, _)| *uid == pack.registry_uid) {
            Some((_, versions)) => versions.push(pack),
            None => by_registry.push((pack.registry_uid.clone(), vec![pack])),
        }
    }
    Ok(by_registry.iter().find_map(|(_, versions)| version_tags::select(versions, wanted)).cloned())
}

/// The version a reference to `pack` means when it also names `wanted` (a version
/// or a tag): `pack` itself when it satisfies `wanted` (the UID identifies the
/// pack and the tag is only kept), else the version `wanted` selects among the
/// same pack's versions in the same registry (clients send an old UID with a new
/// tag). `None` when `wanted` selects nothing there.
pub fn version_for(tx: &Tx<'_>, scope: &Scope, pack: Pack, wanted: Option<&str>) -> ApiResult<Option<Pack>> {
    match wanted {
        Some(wanted) if !version_tags::satisfies(&pack, wanted) => find_tagged(tx, scope, &pack.name, wanted, &pack.registry_uid),
        _ => Ok(Some(pack)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_types_and_layers_spell_like_the_api() {
        assert_eq!(serde_json::to_value(PackType::OperatorInstance).unwrap(), "operator-instance");
        assert_eq!(PackType::OperatorInstance.as_str(), "operator-instance");
        assert_eq!(serde_json::to_value(PackLayer::K8s).unwrap(), "k8s");
        assert_eq!(PackLayer::K8s.as_str(), "k8s");
    }
}
