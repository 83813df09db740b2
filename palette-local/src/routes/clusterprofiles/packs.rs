//! The pack layers of a cluster profile and their manifests (§5.9), and the
//! resolution of pack references against the catalog.

use std::collections::HashSet;

use axum::extract::State;
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{ClusterProfile, PackRef, Template};
use crate::domain::collection;
use crate::domain::pack::{self as catalog, Pack, PackLayer, PackType};
use crate::domain::registry::{self, Registry};
use crate::domain::versioned::{self, ManifestBody, ManifestContents, ManifestInput, ManifestRef};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Created, JsonBody, NoContent, PathParams, QueryParams};
use crate::model::{digest, non_empty, parse_enum};
use crate::scope::Scope;
use crate::routes::modify_returning;
use crate::state::SharedState;
use crate::store::Tx;
use crate::uid::is_uid;

/// The pack UID clients send for manifest-only layers.
pub const MANIFEST_PACK_UID: &str = "spectro-manifest-pack";

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/clusterprofiles/{uid}/packs", get(list).post(add))
        .route("/v1/clusterprofiles/{uid}/packs/{packName}", get(read).put(replace).delete(remove))
        .route("/v1/clusterprofiles/{uid}/packs/{packName}/manifests", get(list_manifests).post(add_manifest))
        .route(
            "/v1/clusterprofiles/{uid}/packs/{packName}/manifests/{manifestUid}",
            get(read_manifest).put(update_manifest).delete(remove_manifest),
        )
        .route("/v1/clusterprofiles/{uid}/packRefs", patch(patch_pack_refs))
}

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
type Drafts = Vec<(String, String)>;

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

/// `v1PackSummarySpec` of a layer, completed from the catalog where the pack is known.
fn summary_spec(tx: &Tx<'_>, scope: &Scope, pack: &PackRef) -> ApiResult<Value> {
    let known = if is_uid(&pack.pack_uid) { catalog::find(tx, scope, &pack.pack_uid)? } else { None };
    Ok(json!({
        "name": pack.name, "version": pack.version, "tag": pack.tag, "layer": pack.layer, "type": pack.pack_type,
        "registryUid": pack.registry_uid, "values": pack.values, "manifests": pack.manifests,
        "displayName": known.as_ref().map_or(pack.name.clone(), |p| p.display_name.clone()),
        "cloudTypes": known.as_ref().map_or_else(|| vec!["all".to_string()], |p| p.cloud_types.clone()),
        "addonType": known.as_ref().map_or(String::new(), |p| p.addon_type.clone()),
        "addonSubType": "", "digest": pack.digest, "eol": "", "group": "", "logoUrl": pack.logo,
        "presets": pack.presets, "schema": pack.schema, "template": null, "annotations": pack.annotations,
    }))
}

fn pack_in<'t>(template: &'t Template, name: &str) -> ApiResult<&'t PackRef> {
    template.packs.iter().find(|pack| pack.name == name).ok_or_else(|| ApiError::not_found("pack", name))
}

fn current(profile: &ClusterProfile) -> ApiResult<&Template> {
    profile.current().ok_or_else(|| ApiError::internal("profile has no template"))
}

async fn list(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let items = app
        .store
        .run(move |tx| {
            let row = collection::load::<ClusterProfile>(tx, &uid, &scope)?;
            current(&row.value)?
                .packs
                .iter()
                .map(|pack| Ok(json!({ "metadata": { "name": pack.name, "uid": pack.pack_uid }, "spec": summary_spec(tx, &scope, pack)?, "status": {} })))
                .collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(Json(json!({ "items": items })))
}

async fn read(State(app): State<SharedState>, scope: Scope, PathParams((uid, name)): PathParams<(String, String)>) -> ApiResult<Json<Value>> {
    let view = app
        .store
        .run(move |tx| {
            let row = collection::load::<ClusterProfile>(tx, &uid, &scope)?;
            let pack = pack_in(current(&row.value)?, &name)?;
            let registry = if is_uid(&pack.registry_uid) { tx.get::<Registry>(registry::KIND, &pack.registry_uid)? } else { None };
            let registry = registry.map(|row| {
                json!({ "uid": row.uid, "name": row.value.metadata.name, "kind": row.value.kind, "scope": row.owner.as_str(),
                        "isPrivate": row.value.is_private, "isDefault": row.value.is_default })
            });
            Ok(json!({
                "metadata": { "name": pack.name, "uid": pack.pack_uid },
                "spec": { "pack": summary_spec(tx, &scope, pack)?, "registry": registry, "macros": { "resolved": {} } },
            }))
        })
        .await?;
    Ok(Json(view))
}

#[derive(Debug, Deserialize)]
struct PackBody {
    pack: PackInput,
}

/// Loads the profile, applies `edit` to its draft (with the manifest contents),
/// and stores it; returns what `edit` returned.
async fn edit_draft<T: Send + 'static>(
    app: &SharedState,
    uid: String,
    scope: Scope,
    edit: impl FnOnce(&Tx<'_>, &Scope, &ClusterProfile, &mut Template, &mut ManifestContents) -> ApiResult<T>
        + Send
        + 'static,
) -> ApiResult<T> {
    modify_returning(app, uid, scope, move |tx, owner, profile: &mut ClusterProfile| {
        let snapshot = profile.clone();
        let (draft, manifests) = profile.edit_draft()?;
        edit(tx, owner, &snapshot, draft, manifests)
    })
    .await
}

async fn add(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>, JsonBody(body): JsonBody<PackBody>) -> ApiResult<Created> {
    let pack_uid = edit_draft(&app, uid, scope, move |tx, owner, snapshot, draft, manifests| {
        if draft.packs.iter().any(|pack| pack.name == body.pack.name) {
            return Err(ApiError::duplicate(format!("the profile already has a pack named '{}'", body.pack.name)));
        }
        let (pack, drafts) = resolve(tx, owner, body.pack, Some(snapshot))?;
        for (manifest_uid, content) in drafts {
            manifests.set_draft(&manifest_uid, content);
        }
        let pack_uid = pack.pack_uid.clone();
        draft.packs.push(pack);
        Ok(pack_uid)
    })
    .await?;
    Ok(Created(pack_uid))
}

/// Swaps the pack named `name` for `replacement`, moving manifest contents along.
fn swap_pack(draft: &mut Template, manifests: &mut ManifestContents, name: &str, replacement: PackRef, drafts: Drafts) -> ApiResult<()> {
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

async fn replace(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, name)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<PackBody>,
) -> ApiResult<NoContent> {
    if non_empty(&body.pack.uid).is_none() {
        return Err(ApiError::bad_request("pack.uid is required"));
    }
    edit_draft(&app, uid, scope, move |tx, owner, snapshot, draft, manifests| {
        if body.pack.name != name && draft.packs.iter().any(|pack| pack.name == body.pack.name) {
            return Err(ApiError::duplicate(format!("the profile already has a pack named '{}'", body.pack.name)));
        }
        pack_in(draft, &name)?;
        let (pack, drafts) = resolve(tx, owner, body.pack, Some(snapshot))?;
        swap_pack(draft, manifests, &name, pack, drafts)
    })
    .await?;
    Ok(NoContent)
}

async fn remove(State(app): State<SharedState>, scope: Scope, PathParams((uid, name)): PathParams<(String, String)>) -> ApiResult<NoContent> {
    edit_draft(&app, uid, scope, move |_, _, _, draft, manifests| {
        let index = draft.packs.iter().position(|pack| pack.name == name).ok_or_else(|| ApiError::not_found("pack", &name))?;
        for manifest in draft.packs.remove(index).manifests {
            manifests.remove_draft(&manifest.uid);
        }
        Ok(())
    })
    .await?;
    Ok(NoContent)
}

#[derive(Debug, Deserialize)]
struct PackRefsBody {
    packs: Vec<PackInput>,
}

#[derive(Debug, Default, Deserialize)]
struct NotifyQuery {
    #[serde(rename = "notify")]
    _notify: Option<String>,
}

/// Updates the listed packs by name (adding those the draft lacks).
async fn patch_pack_refs(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    QueryParams(_): QueryParams<NotifyQuery>,
    JsonBody(body): JsonBody<PackRefsBody>,
) -> ApiResult<NoContent> {
    edit_draft(&app, uid, scope, move |tx, owner, snapshot, draft, manifests| {
        for input in body.packs {
            let name = input.name.clone();
            let (pack, drafts) = resolve(tx, owner, input, Some(snapshot))?;
            if draft.packs.iter().any(|existing| existing.name == name) {
                swap_pack(draft, manifests, &name, pack, drafts)?;
            } else {
                for (manifest_uid, content) in drafts {
                    manifests.set_draft(&manifest_uid, content);
                }
                draft.packs.push(pack);
            }
        }
        Ok(())
    })
    .await?;
    Ok(NoContent)
}

fn manifest_view(profile: &ClusterProfile, manifest: &ManifestRef) -> Value {
    json!({
        "metadata": { "name": manifest.name, "uid": manifest.uid, "labels": {}, "annotations": { "kind": manifest.kind } },
        "spec": profile.manifests.spec_view(&manifest.uid),
    })
}

async fn list_manifests(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, name)): PathParams<(String, String)>,
) -> ApiResult<Json<Value>> {
    let items = app
        .store
        .run(move |tx| {
            let row = collection::load::<ClusterProfile>(tx, &uid, &scope)?;
            let pack = pack_in(current(&row.value)?, &name)?;
            Ok(pack.manifests.iter().map(|manifest| manifest_view(&row.value, manifest)).collect::<Vec<_>>())
        })
        .await?;
    Ok(Json(json!({ "items": items })))
}

async fn read_manifest(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, name, manifest_uid)): PathParams<(String, String, String)>,
) -> ApiResult<Json<Value>> {
    let view = app
        .store
        .run(move |tx| {
            let row = collection::load::<ClusterProfile>(tx, &uid, &scope)?;
            let pack = pack_in(current(&row.value)?, &name)?;
            Ok(manifest_view(&row.value, versioned::find_manifest(&pack.manifests, &manifest_uid)?))
        })
        .await?;
    Ok(Json(view))
}

fn pack_in_draft<'t>(draft: &'t mut Template, name: &str) -> ApiResult<&'t mut PackRef> {
    draft.packs.iter_mut().find(|pack| pack.name == name).ok_or_else(|| ApiError::not_found("pack", name))
}

async fn add_manifest(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, name)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<ManifestBody>,
) -> ApiResult<Created> {
    let manifest_name = body.name()?;
    let manifest_uid = edit_draft(&app, uid, scope, move |_, _, _, draft, manifests| {
        let pack = pack_in_draft(draft, &name)?;
        let content = body.content.unwrap_or_default();
        let manifest_uid = versioned::add_manifest(&mut pack.manifests, &format!("pack '{name}'"), manifest_name, &content)?;
        manifests.set_draft(&manifest_uid, content);
        Ok(manifest_uid)
    })
    .await?;
    Ok(Created(manifest_uid))
}

async fn update_manifest(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, name, manifest_uid)): PathParams<(String, String, String)>,
    JsonBody(body): JsonBody<ManifestBody>,
) -> ApiResult<NoContent> {
    let manifest_name = body.name()?;
    edit_draft(&app, uid, scope, move |_, _, _, draft, manifests| {
        let pack = pack_in_draft(draft, &name)?;
        versioned::update_manifest(&mut pack.manifests, &format!("pack '{name}'"), &manifest_uid, manifest_name, body.content.as_deref())?;
        if let Some(content) = body.content {
            manifests.set_draft(&manifest_uid, content);
        }
        Ok(())
    })
    .await?;
    Ok(NoContent)
}

async fn remove_manifest(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, name, manifest_uid)): PathParams<(String, String, String)>,
) -> ApiResult<NoContent> {
    edit_draft(&app, uid, scope, move |_, _, _, draft, manifests| {
        versioned::remove_manifest(&mut pack_in_draft(draft, &name)?.manifests, &manifest_uid)?;
        manifests.remove_draft(&manifest_uid);
        Ok(())
    })
    .await?;
    Ok(NoContent)
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
