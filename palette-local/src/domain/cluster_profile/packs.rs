//! A cluster profile's pack layers: packs as clients send them, resolved against the
//! catalog (registry, name, tag or version) into the layers profiles store.

use std::collections::HashSet;

use serde::Deserialize;

use super::{ClusterProfile, PackRef, Template};
use crate::domain::pack::{self as catalog, Pack, PackLayer, PackType};
use crate::domain::versioned::{self, ManifestContents, ManifestInput, ManifestRef};
use crate::error::{ApiError, ApiResult};
use crate::model::{digest, non_empty, parse_enum};
use crate::scope::Scope;
use crate::store::Tx;
use crate::uid::is_uid;

/// The pack UID clients send for manifest-only layers.
pub const MANIFEST_PACK_UID: &str = "spectro-manifest-pack";

/// A pack as clients send it (`v1PackManifestEntity`, `v1PackManifestUpdateEntity`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackInput {
    pub name: String,
    #[serde(rename = "type")]
    pub pack_type: Option<String>,
    pub layer: Option<String>,
    pub tag: Option<String>,
    pub registry_uid: Option<String>,
    pub uid: Option<String>,
    pub values: Option<String>,
    pub manifests: Option<Vec<ManifestInput>>,
}

/// Manifest UIDs and contents to store as draft contents.
pub type Drafts = Vec<(String, String)>;

fn parse_pack_type(text: &Option<String>) -> ApiResult<PackType> {
    let Some(text) = non_empty(text) else { return Ok(PackType::Spectro) };
    const ACCEPTED: [&str; 4] = ["spectro", "helm", "manifest", "oci"];
    if !ACCEPTED.contains(&text) {
        return Err(ApiError::bad_request(format!("pack type: invalid value '{text}', expected one of {}", ACCEPTED.join(", "))));
    }
    parse_enum("pack type", text, &ACCEPTED)
}

fn parse_layer(text: &Option<String>) -> ApiResult<Option<PackLayer>> {
    non_empty(text).map(|text| parse_enum("pack layer", text, &["kernel", "os", "k8s", "cni", "csi", "addon"])).transpose()
}

/// The catalog pack a reference names: by `uid` (see [`catalog::version_for`] for a
/// `tag` that pack does not satisfy), else by name + tag (+ registry), the tag being
/// an exact version or a version tag (`1.30.x`, `LTS__18.4.x`).
fn catalog_pack(tx: &Tx<'_>, scope: &Scope, input: &PackInput) -> ApiResult<Pack> {
    let tag = non_empty(&input.tag);
    let registry_uid = non_empty(&input.registry_uid).unwrap_or("");
    if let Some(uid) = non_empty(&input.uid).filter(|uid| *uid != MANIFEST_PACK_UID) {
        let pack = catalog::find(tx, scope, uid)?
            .filter(|_| is_uid(uid))
            .ok_or_else(|| ApiError::bad_request(format!("pack '{}': pack uid '{uid}' does not exist", input.name)))?;
        if pack.name != input.name {
            return Err(ApiError::bad_request(format!("pack uid '{uid}' is pack '{}', not '{}'", pack.name, input.name)));
        }
        let name = pack.name.clone();
        return catalog::version_for(tx, scope, pack, tag)?
            .ok_or_else(|| ApiError::bad_request(format!("pack '{name}' has no version or tag '{}' in its registry", tag.unwrap_or_default())));
    }
    let tag = tag.ok_or_else(|| ApiError::bad_request(format!("pack '{}': either uid or tag (and registryUid) is required", input.name)))?;
    catalog::find_tagged(tx, scope, &input.name, tag, registry_uid)?.ok_or_else(|| {
        let place = if registry_uid.is_empty() { String::new() } else { format!(" in registry '{registry_uid}'") };
        ApiError::bad_request(format!("pack '{}' has no version or tag '{tag}'{place}", input.name))
    })
}

/// Builds the reference for `input`. Manifests keep their UID when the request
/// names it or when the pack already has a manifest of that name; a pack sent
/// without `manifests` keeps the ones it has.
pub fn resolve(tx: &Tx<'_>, scope: &Scope, input: PackInput, existing: Option<&ClusterProfile>) -> ApiResult<(PackRef, Drafts)> {
    let pack_type = parse_pack_type(&input.pack_type)?;
    let layer = parse_layer(&input.layer)?;
    let current = existing.and_then(|profile| profile.current()).and_then(|template| template.packs.iter().find(|p| p.name == input.name));
    let known_uids: HashSet<&str> = existing
        .into_iter()
        .flat_map(|profile| profile.draft.iter().chain(profile.published.iter()))
        .flat_map(|template| template.packs.iter().flat_map(|pack| pack.manifests.iter().map(|m| m.uid.as_str())))
        .collect();
    let (manifests, drafts) = match input.manifests.clone() {
        None => {
            let kept = current.map(|pack| pack.manifests.clone()).unwrap_or_default();
            let contents = existing.map(|profile| &profile.manifests);
            let drafts = kept
                .iter()
                .map(|m| {
                    let content = contents.and_then(|c| c.get(&m.uid)).and_then(|c| c.draft.clone().or(c.published.clone()));
                    (m.uid.clone(), content.unwrap_or_default())
                })
                .collect();
            (kept, drafts)
        }
        Some(inputs) => versioned::build_manifests(inputs, &format!("pack '{}'", input.name), |requested, name| {
            requested
                .filter(|uid| known_uids.contains(uid))
                .map(str::to_string)
                .or_else(|| current.and_then(|pack| pack.manifests.iter().find(|m| m.name == name)).map(|m| m.uid.clone()))
        })?,
    };
    let reference = if pack_type == PackType::Manifest {
        let tag = non_empty(&input.tag).unwrap_or("").to_string();
        let values = input.values.unwrap_or_default();
        PackRef {
            name: input.name.clone(),
            layer: layer.unwrap_or(PackLayer::Addon),
            pack_type,
            version: tag.clone(),
            tag,
            registry_uid: non_empty(&input.registry_uid).unwrap_or("").to_string(),
            pack_uid: non_empty(&input.uid).unwrap_or(MANIFEST_PACK_UID).to_string(),
            digest: digest(&values),
            values,
            ..blank_ref(manifests)
        }
    } else {
        let pack = catalog_pack(tx, scope, &input)?;
        let values = input.values.unwrap_or_else(|| pack.values.clone());
        PackRef {
            name: pack.name.clone(),
            layer: pack.layer,
            pack_type,
            // The tag as the client wrote it; `version` is what it selected.
            tag: non_empty(&input.tag).map_or_else(|| pack.version.clone(), str::to_string),
            version: pack.version.clone(),
            registry_uid: pack.registry_uid.clone(),
            pack_uid: pack.metadata.uid.clone(),
            digest: digest(&values),
            values,
            logo: pack.logo_url.clone(),
            ..blank_ref(manifests)
        }
    };
    Ok((reference, drafts))
}

fn blank_ref(manifests: Vec<ManifestRef>) -> PackRef {
    PackRef {
        name: String::new(),
        layer: PackLayer::Addon,
        pack_type: PackType::Spectro,
        tag: String::new(),
        version: String::new(),
        registry_uid: String::new(),
        pack_uid: String::new(),
        server: String::new(),
        values: String::new(),
        params: Default::default(),
        annotations: Default::default(),
        digest: String::new(),
        logo: String::new(),
        is_invalid: false,
        in_valid_reason: String::new(),
        manifests,
        presets: Vec::new(),
        schema: Vec::new(),
    }
}

/// Resolves a whole pack list (names must be unique).
pub fn resolve_all(tx: &Tx<'_>, scope: &Scope, inputs: Vec<PackInput>, existing: Option<&ClusterProfile>) -> ApiResult<(Vec<PackRef>, Drafts)> {
    let mut packs: Vec<PackRef> = Vec::new();
    let mut drafts = Vec::new();
    for input in inputs {
        if packs.iter().any(|pack| pack.name == input.name) {
            return Err(ApiError::bad_request(format!("pack '{}' appears twice in the profile", input.name)));
        }
        let (pack, pack_drafts) = resolve(tx, scope, input, existing)?;
        packs.push(pack);
        drafts.extend(pack_drafts);
    }
    Ok((packs, drafts))
}


/// Swaps the pack named `name` for `replacement`, moving manifest contents along.
pub fn swap_pack(draft: &mut Template, manifests: &mut ManifestContents, name: &str, replacement: PackRef, drafts: Drafts) -> ApiResult<()> {
    let index = draft.packs.iter().position(|pack| pack.name == name).ok_or_else(|| ApiError::not_found("pack", name))?;
    for old in &draft.packs[index].manifests {
        if !drafts.iter().any(|(uid, _)| uid == &old.uid) {
            manifests.remove_draft(&old.uid);
        }
    }
    for (manifest_uid, content) in drafts {
        manifests.set_draft(&manifest_uid, content);
    }
    draft.packs[index] = replacement;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_types_outside_profiles_are_rejected() {
        assert_eq!(parse_pack_type(&None).unwrap(), PackType::Spectro);
        assert_eq!(parse_pack_type(&Some(String::new())).unwrap(), PackType::Spectro);
        assert_eq!(parse_pack_type(&Some("oci".into())).unwrap(), PackType::Oci);
        assert!(parse_pack_type(&Some("container".into())).is_err());
        assert!(parse_pack_type(&Some("bogus".into())).is_err());
        assert!(parse_layer(&Some("network".into())).is_err());
    }
}

