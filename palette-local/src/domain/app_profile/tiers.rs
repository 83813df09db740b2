//! An application profile's tiers (`v1AppTier`): typed tiers resolved against the
//! catalog, their properties and manifests.


use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::domain::pack::{self as catalog, Pack, PackType};
use crate::domain::versioned::{self, ManifestInput, ManifestRef};
use crate::error::{ApiError, ApiResult};
use crate::model::{non_empty, parse_enum};
use crate::scope::Scope;
use crate::store::Tx;
use crate::uid::{is_uid, new_uid};

/// `v1AppTierType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TierType {
    Manifest,
    Helm,
    Container,
    OperatorInstance,
}

impl TierType {
    fn parse(value: &str) -> ApiResult<TierType> {
        parse_enum("tier type", value, &["manifest", "helm", "container", "operator-instance"])
    }

    /// The catalog pack type a tier of this type is made from.
    fn pack_type(self) -> Option<PackType> {
        match self {
            TierType::Manifest => None,
            TierType::Helm => Some(PackType::Helm),
            TierType::Container => Some(PackType::Container),
            TierType::OperatorInstance => Some(PackType::OperatorInstance),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierProperty {
    pub name: String,
    pub value: String,
    #[serde(rename = "type")]
    pub property_type: String,
    pub format: String,
}

/// One tier as stored (manifest contents live in the profile).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppTier {
    pub uid: String,
    pub name: String,
    #[serde(rename = "type")]
    pub tier_type: TierType,
    pub version: String,
    pub source_app_tier_uid: String,
    pub registry_uid: String,
    pub container_registry_uid: String,
    pub install_order: i32,
    pub values: String,
    pub properties: Vec<TierProperty>,
    pub manifests: Vec<ManifestRef>,
}

impl AppTier {
    /// `v1AppTier`.
    pub fn view(&self) -> Value {
        json!({
            "metadata": { "uid": self.uid, "name": self.name },
            "spec": {
                "type": self.tier_type, "version": self.version, "sourceAppTierUid": self.source_app_tier_uid,
                "registryUid": self.registry_uid, "containerRegistryUid": self.container_registry_uid,
                "installOrder": self.install_order, "values": self.values, "properties": self.properties,
                "manifests": self.manifests,
            },
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct PropertyInput {
    name: String,
    #[serde(default)]
    value: String,
}

/// `v1AppTierEntity` (create) and `v1AppTierUpdateEntity` (update, no type/registry).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TierInput {
    pub name: String,
    #[serde(rename = "type")]
    tier_type: Option<String>,
    version: Option<String>,
    source_app_tier_uid: Option<String>,
    registry_uid: Option<String>,
    container_registry_uid: Option<String>,
    install_order: Option<i32>,
    values: Option<String>,
    properties: Option<Vec<PropertyInput>>,
    manifests: Option<Vec<ManifestInput>>,
}

/// Manifest UIDs and contents of a tier.
pub type Contents = Vec<(String, String)>;

/// The catalog pack a tier is made from: `sourceAppTierUid`, or the version of the
/// same pack the requested version (or tag) selects when that pack does not satisfy it.
fn source_pack(tx: &Tx<'_>, scope: &Scope, tier: &str, tier_type: TierType, source: &str, version: Option<&str>) -> ApiResult<Pack> {
    let expected = tier_type.pack_type().ok_or_else(|| ApiError::internal("manifest tiers have no source pack"))?;
    let pack = if is_uid(source) { catalog::find(tx, scope, source)? } else { None };
    let pack = pack.ok_or_else(|| ApiError::bad_request(format!("tier '{tier}': sourceAppTierUid '{source}' is not a pack")))?;
    if pack.pack_type != expected {
        return Err(ApiError::bad_request(format!(
            "tier '{tier}': pack '{}' is a {} pack, not a {} pack",
            pack.name,
            pack.pack_type.as_str(),
            expected.as_str()
        )));
    }
    let name = pack.name.clone();
    catalog::version_for(tx, scope, pack, version)?
        .ok_or_else(|| ApiError::bad_request(format!("tier '{tier}': pack '{name}' has no version or tag '{}'", version.unwrap_or_default())))
}

fn properties(inputs: Vec<PropertyInput>, tier: &str) -> ApiResult<Vec<TierProperty>> {
    let mut properties: Vec<TierProperty> = Vec::new();
    for input in inputs {
        if input.name.trim().is_empty() || properties.iter().any(|p| p.name == input.name) {
            return Err(ApiError::bad_request(format!("tier '{tier}': property names must be non-empty and unique")));
        }
        properties.push(TierProperty { name: input.name, value: input.value, property_type: "string".into(), format: String::new() });
    }
    Ok(properties)
}

/// Builds tier manifests; a manifest keeps its UID when the request names it or
/// when `existing` has one with the same name.
fn manifests(inputs: Vec<ManifestInput>, existing: Option<&AppTier>, tier: &str) -> ApiResult<(Vec<ManifestRef>, Contents)> {
    let known = existing.map_or(&[][..], |tier| tier.manifests.as_slice());
    versioned::build_manifests(inputs, &format!("tier '{tier}'"), |requested, name| {
        requested
            .and_then(|uid| known.iter().find(|m| m.uid == uid))
            .or_else(|| known.iter().find(|m| m.name == name))
            .map(|m| m.uid.clone())
    })
}

impl TierInput {
    /// A new tier (or the replacement of `existing`, whose type and registry carry
    /// over when the input omits them).
    pub fn resolve(self, tx: &Tx<'_>, scope: &Scope, existing: Option<&AppTier>) -> ApiResult<(AppTier, Contents)> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(ApiError::bad_request("tier name is required"));
        }
        let tier_type = match (non_empty(&self.tier_type), existing) {
            (Some(text), _) => TierType::parse(text)?,
            (None, Some(existing)) => existing.tier_type,
            (None, None) => TierType::Manifest,
        };
        let source = non_empty(&self.source_app_tier_uid)
            .map(str::to_string)
            .or_else(|| existing.map(|tier| tier.source_app_tier_uid.clone()))
            .unwrap_or_default();
        let (version, registry_uid, default_values, source) = match tier_type {
            TierType::Manifest => (
                non_empty(&self.version).unwrap_or("").to_string(),
                non_empty(&self.registry_uid).map(str::to_string).or_else(|| existing.map(|t| t.registry_uid.clone())).unwrap_or_default(),
                String::new(),
                source,
            ),
            _ => {
                if source.is_empty() {
                    return Err(ApiError::bad_request(format!("tier '{name}': sourceAppTierUid is required for {tier_type:?} tiers")));
                }
                // An update that names neither a version nor a new source keeps the tier's version.
                let kept = existing.filter(|_| non_empty(&self.source_app_tier_uid).is_none()).map(|tier| tier.version.as_str());
                let wanted = non_empty(&self.version).or(kept.filter(|version| !version.is_empty()));
                let pack = source_pack(tx, scope, &name, tier_type, &source, wanted)?;
                // The version as the client wrote it (possibly a tag), else the pack's.
                let version = wanted.map_or_else(|| pack.version.clone(), str::to_string);
                (version, pack.registry_uid.clone(), pack.values.clone(), pack.metadata.uid.clone())
            }
        };
        let (manifests, contents) = match self.manifests {
            Some(inputs) => manifests(inputs, existing, &name)?,
            None => (existing.map(|tier| tier.manifests.clone()).unwrap_or_default(), Vec::new()),
        };
        let tier = AppTier {
            uid: existing.map_or_else(new_uid, |tier| tier.uid.clone()),
            tier_type,
            version,
            source_app_tier_uid: source,
            registry_uid,
            container_registry_uid: non_empty(&self.container_registry_uid)
                .map(str::to_string)
                .or_else(|| existing.map(|tier| tier.container_registry_uid.clone()))
                .unwrap_or_default(),
            install_order: self.install_order.or(existing.map(|tier| tier.install_order)).unwrap_or(0),
            values: self.values.or_else(|| existing.map(|tier| tier.values.clone())).unwrap_or(default_values),
            properties: match self.properties {
                Some(inputs) => properties(inputs, &name)?,
                None => existing.map(|tier| tier.properties.clone()).unwrap_or_default(),
            },
            manifests,
            name,
        };
        Ok((tier, contents))
    }
}


