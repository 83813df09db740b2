//! Application profiles (§7): versions grouped by name, typed tiers with their
//! manifests.

pub mod tiers;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::collection::impl_kind;
use super::pack as catalog;
use super::registry::{self, Registry};
use super::user::TENANT_UID_SETTING;
use super::versioned::{self, Versioned};
use crate::error::{ApiError, ApiResult};
use crate::model::{validate_profile_version, MetaInput, ObjectMeta};
use crate::scope::Scope;
use crate::store::Tx;
use crate::uid::is_uid;

pub use tiers::{AppTier, TierInput, TierType};
use tiers::Contents;

pub const KIND: &str = super::kinds::APP_PROFILE;
pub const LABEL: &str = "application profile";

/// What is stored for one application profile version.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppProfile {
    pub metadata: ObjectMeta,
    pub version: String,
    pub parent_uid: String,
    pub tiers: Vec<AppTier>,
    /// Manifest contents by manifest UID (served by the tier manifest endpoints only).
    pub manifests: BTreeMap<String, String>,
}

impl_kind!(AppProfile, KIND, LABEL);

impl Versioned for AppProfile {
    fn version(&self) -> &str {
        &self.version
    }

    /// `v1AppProfile`.
    fn view(&self, tx: &Tx<'_>, owner: &Scope) -> ApiResult<Value> {
        let tenant_uid = tx.setting(TENANT_UID_SETTING)?.unwrap_or_default();
        let tiers: Vec<Value> =
            self.tiers.iter().map(|tier| json!({ "uid": tier.uid, "name": tier.name, "type": tier.tier_type, "version": tier.version })).collect();
        Ok(json!({
            "metadata": self.metadata,
            "spec": {
                "parentUid": self.parent_uid,
                "version": self.version,
                "versions": versioned::versions::<AppProfile>(tx, KIND, owner, &self.metadata.name)?,
                "template": { "appTiers": tiers, "registryRefs": self.registry_refs(tx)? },
            },
            "status": { "inUseApps": versioned::users_of(tx, KIND, &self.metadata.uid, &tenant_uid)? },
        }))
    }
}

impl AppProfile {
    pub fn set_version(&mut self, tx: &Tx<'_>, owner: &Scope, version: &str) -> ApiResult<()> {
        if version == self.version {
            return Ok(());
        }
        validate_profile_version(version)?;
        versioned::ensure_version_free::<AppProfile>(tx, KIND, LABEL, owner, &self.metadata.name, version, Some(&self.metadata.uid))?;
        self.version = version.to_string();
        Ok(())
    }

    /// `registryRefs`: the registries the tiers come from.
    fn registry_refs(&self, tx: &Tx<'_>) -> ApiResult<Vec<Value>> {
        let uids: BTreeSet<&str> = self.tiers.iter().map(|tier| tier.registry_uid.as_str()).filter(|uid| is_uid(uid)).collect();
        let mut refs = Vec::new();
        for uid in uids {
            if let Some(row) = tx.get::<Registry>(registry::KIND, uid)? {
                refs.push(json!({ "kind": row.value.kind, "name": row.value.metadata.name, "uid": uid }));
            }
        }
        Ok(refs)
    }

    /// `v1AppProfileSummary`: tiers with the pack they come from.
    pub fn summary(&self, tx: &Tx<'_>, owner: &Scope, scope: &Scope) -> ApiResult<Value> {
        let mut tiers = Vec::new();
        for tier in &self.tiers {
            let pack = if is_uid(&tier.source_app_tier_uid) { catalog::find(tx, scope, &tier.source_app_tier_uid)? } else { None };
            let source = pack.map_or_else(
                || json!({ "uid": tier.source_app_tier_uid, "name": tier.name, "type": tier.tier_type, "addonType": "", "addonSubType": "", "logoUrl": "" }),
                |pack| json!({ "uid": pack.metadata.uid, "name": pack.name, "type": pack.pack_type, "addonType": pack.addon_type,
                               "addonSubType": "", "logoUrl": pack.logo_url }),
            );
            tiers.push(json!({ "uid": tier.uid, "name": tier.name, "type": tier.tier_type, "version": tier.version, "source": source }));
        }
        Ok(json!({
            "metadata": self.metadata,
            "spec": {
                "parentUid": self.parent_uid,
                "version": self.version,
                "versions": versioned::versions::<AppProfile>(tx, KIND, owner, &self.metadata.name)?,
                "template": { "appTiers": tiers },
            },
        }))
    }
}

/// `v1AppProfileEntity`.
#[derive(Debug, Deserialize)]
pub struct AppProfileEntity {
    pub metadata: MetaInput,
    pub spec: AppProfileSpecInput,
}

#[derive(Debug, Deserialize)]
pub struct AppProfileSpecInput {
    pub version: Option<String>,
    pub template: Option<AppTemplateInput>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppTemplateInput {
    pub app_tiers: Option<Vec<TierInput>>,
}

/// Replaces every tier from `inputs`, keeping the UID (and manifest UIDs and
/// contents) of tiers whose name already exists.
pub fn set_tiers(tx: &Tx<'_>, scope: &Scope, profile: &mut AppProfile, inputs: Vec<TierInput>) -> ApiResult<()> {
    let previous = std::mem::take(&mut profile.tiers);
    let previous_contents = std::mem::take(&mut profile.manifests);
    for input in inputs {
        if profile.tiers.iter().any(|tier| tier.name == input.name.trim()) {
            return Err(ApiError::bad_request(format!("tier '{}' appears twice", input.name)));
        }
        let existing = previous.iter().find(|tier| tier.name == input.name.trim());
        let (tier, contents) = input.resolve(tx, scope, existing)?;
        profile.manifests.extend(contents);
        for manifest in &tier.manifests {
            if let Some(content) = previous_contents.get(&manifest.uid) {
                profile.manifests.entry(manifest.uid.clone()).or_insert_with(|| content.clone());
            }
        }
        profile.tiers.push(tier);
    }
    Ok(())
}

/// Stores `contents` for the tier and forgets manifests the tier no longer has.
pub fn store_contents(profile: &mut AppProfile, tier: &AppTier, contents: Contents, previous: Option<&AppTier>) {
    for old in previous.into_iter().flat_map(|tier| tier.manifests.iter()) {
        if !tier.manifests.iter().any(|m| m.uid == old.uid) {
            profile.manifests.remove(&old.uid);
        }
    }
    for (uid, content) in contents {
        profile.manifests.insert(uid, content);
    }
}

/// Adds a new tier to `profile` (its name must be free).
pub fn add_tier(tx: &Tx<'_>, scope: &Scope, profile: &mut AppProfile, input: TierInput) -> ApiResult<String> {
    let (tier, contents) = input.resolve(tx, scope, None)?;
    if profile.tiers.iter().any(|existing| existing.name == tier.name) {
        return Err(ApiError::duplicate(format!("the application profile already has a tier named '{}'", tier.name)));
    }
    store_contents(profile, &tier, contents, None);
    let uid = tier.uid.clone();
    profile.tiers.push(tier);
    Ok(uid)
}

/// Creates the application profile `uid` in `scope` from a create body: what
/// `POST /v1/appProfiles` does, and what seeds do with a fixed UID.
pub fn create_in(tx: &Tx<'_>, scope: &Scope, uid: &str, entity: AppProfileEntity, now: &str) -> ApiResult<()> {
    let name = entity.metadata.required_name()?;
    let version = versioned::requested_version(entity.spec.version.as_deref())?;
    let inputs = entity.spec.template.and_then(|template| template.app_tiers).unwrap_or_default();
    versioned::ensure_version_free::<AppProfile>(tx, KIND, LABEL, scope, &name, &version, None)?;
    let mut profile = AppProfile {
        metadata: ObjectMeta::create(uid.to_string(), name.clone(), entity.metadata, scope, now),
        version,
        parent_uid: String::new(),
        tiers: Vec::new(),
        manifests: BTreeMap::new(),
    };
    set_tiers(tx, scope, &mut profile, inputs)?;
    tx.insert(KIND, scope, uid, &name, &profile)
}
