//! The pack layers of a cluster profile and their manifests (§5.9), and the
//! resolution of pack references against the catalog.


use axum::extract::State;
use axum::routing::{get, patch};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::cluster_profile::packs::{resolve, swap_pack, PackInput};
use crate::domain::cluster_profile::{ClusterProfile, PackRef, Template};
use crate::domain::collection;
use crate::domain::pack::{self as catalog};
use crate::domain::registry::{self, Registry};
use crate::domain::versioned::{self, ManifestBody, ManifestContents, ManifestLayer, ManifestRef};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Created, JsonBody, NoContent, PathParams, QueryParams};
use crate::model::non_empty;
use crate::scope::Scope;
use crate::http::modify_returning;
use crate::state::SharedState;
use crate::store::Tx;
use crate::uid::is_uid;


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

/// The manifests of the draft's pack `name`, with the profile's draft contents.
fn pack_manifests<'t>(draft: &'t mut Template, contents: &'t mut ManifestContents, name: &str) -> ApiResult<ManifestLayer<'t, ManifestContents>> {
    let pack = draft.packs.iter_mut().find(|pack| pack.name == name).ok_or_else(|| ApiError::not_found("pack", name))?;
    Ok(ManifestLayer { holder: format!("pack '{name}'"), manifests: &mut pack.manifests, contents })
}

async fn add_manifest(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, name)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<ManifestBody>,
) -> ApiResult<Created> {
    let manifest_name = body.name()?;
    let manifest_uid =
        edit_draft(&app, uid, scope, move |_, _, _, draft, contents| pack_manifests(draft, contents, &name)?.add(manifest_name, body.content))
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
    edit_draft(&app, uid, scope, move |_, _, _, draft, contents| {
        pack_manifests(draft, contents, &name)?.update(&manifest_uid, manifest_name, body.content)
    })
    .await?;
    Ok(NoContent)
}

async fn remove_manifest(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, name, manifest_uid)): PathParams<(String, String, String)>,
) -> ApiResult<NoContent> {
    edit_draft(&app, uid, scope, move |_, _, _, draft, contents| pack_manifests(draft, contents, &name)?.remove(&manifest_uid))
    .await?;
    Ok(NoContent)
}
