//! Application profile tiers and their manifests (§7.4), and the resolution of a
//! tier's source pack against the catalog.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::app_profile::{add_tier, store_contents, AppProfile, AppTier, TierInput};
use crate::domain::collection;
use crate::domain::versioned::{self, content_view, ManifestBody, ManifestLayer, ManifestRef};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Created, JsonBody, NoContent, PathParams};
use crate::scope::Scope;
use crate::http::modify_returning;
use crate::state::SharedState;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/appProfiles/{uid}/tiers", get(list).post(add).patch(replace_with))
        .route("/v1/appProfiles/{uid}/tiers/{tierUid}", get(read).put(update).delete(remove))
        .route("/v1/appProfiles/{uid}/tiers/{tierUid}/manifests", get(list_manifests).post(add_manifest))
        .route(
            "/v1/appProfiles/{uid}/tiers/{tierUid}/manifests/{manifestUid}",
            get(read_manifest).put(update_manifest).delete(remove_manifest),
        )
}

fn tier_index(profile: &AppProfile, tier_uid: &str) -> ApiResult<usize> {
    profile.tiers.iter().position(|tier| tier.uid == tier_uid).ok_or_else(|| ApiError::not_found("tier", tier_uid))
}

async fn list(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let profile = app.store.run(move |tx| Ok(collection::load::<AppProfile>(tx, &uid, &scope)?.value)).await?;
    let tiers: Vec<Value> = profile.tiers.iter().map(AppTier::view).collect();
    Ok(Json(json!({ "metadata": profile.metadata, "spec": { "appTiers": tiers } })))
}

async fn add(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>, JsonBody(input): JsonBody<TierInput>) -> ApiResult<Created> {
    let tier_uid = modify_returning::<AppProfile, _>(&app, uid, scope, move |tx, owner, profile| add_tier(tx, owner, profile, input)).await?;
    Ok(Created(tier_uid))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReplaceBody {
    app_tier: TierInput,
    replace_with_app_tier: String,
}

/// Replaces the tier `replaceWithAppTier` by a new tier (new UID, same position).
async fn replace_with(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<ReplaceBody>,
) -> ApiResult<Created> {
    let tier_uid = modify_returning::<AppProfile, _>(&app, uid, scope, move |tx, owner, profile| {
        let index = tier_index(profile, &body.replace_with_app_tier)?;
        let (tier, contents) = body.app_tier.resolve(tx, owner, None)?;
        if profile.tiers.iter().enumerate().any(|(i, existing)| i != index && existing.name == tier.name) {
            return Err(ApiError::duplicate(format!("the application profile already has a tier named '{}'", tier.name)));
        }
        let old = profile.tiers[index].clone();
        store_contents(profile, &tier, contents, Some(&old));
        let tier_uid = tier.uid.clone();
        profile.tiers[index] = tier;
        Ok(tier_uid)
    })
    .await?;
    Ok(Created(tier_uid))
}

async fn read(State(app): State<SharedState>, scope: Scope, PathParams((uid, tier_uid)): PathParams<(String, String)>) -> ApiResult<Json<Value>> {
    let profile = app.store.run(move |tx| Ok(collection::load::<AppProfile>(tx, &uid, &scope)?.value)).await?;
    let tier = profile.tiers.iter().find(|tier| tier.uid == tier_uid).ok_or_else(|| ApiError::not_found("tier", &tier_uid))?;
    Ok(Json(tier.view()))
}

async fn update(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, tier_uid)): PathParams<(String, String)>,
    JsonBody(input): JsonBody<TierInput>,
) -> ApiResult<NoContent> {
    modify_returning::<AppProfile, _>(&app, uid, scope, move |tx, owner, profile| {
        let index = tier_index(profile, &tier_uid)?;
        let old = profile.tiers[index].clone();
        let (tier, contents) = input.resolve(tx, owner, Some(&old))?;
        if profile.tiers.iter().enumerate().any(|(i, existing)| i != index && existing.name == tier.name) {
            return Err(ApiError::duplicate(format!("the application profile already has a tier named '{}'", tier.name)));
        }
        store_contents(profile, &tier, contents, Some(&old));
        profile.tiers[index] = tier;
        Ok(())
    })
    .await?;
    Ok(NoContent)
}

async fn remove(State(app): State<SharedState>, scope: Scope, PathParams((uid, tier_uid)): PathParams<(String, String)>) -> ApiResult<NoContent> {
    modify_returning::<AppProfile, _>(&app, uid, scope, move |_, _, profile| {
        let tier = profile.tiers.remove(tier_index(profile, &tier_uid)?);
        for manifest in tier.manifests {
            profile.manifests.remove(&manifest.uid);
        }
        Ok(())
    })
    .await?;
    Ok(NoContent)
}

/// The manifests of tier `tier_uid`, with the profile's contents map.
fn tier_manifests<'p>(profile: &'p mut AppProfile, tier_uid: &str) -> ApiResult<ManifestLayer<'p, BTreeMap<String, String>>> {
    let index = tier_index(profile, tier_uid)?;
    let tier = &mut profile.tiers[index];
    Ok(ManifestLayer { holder: format!("tier '{}'", tier.name), manifests: &mut tier.manifests, contents: &mut profile.manifests })
}

fn manifest_view(contents: &BTreeMap<String, String>, manifest: &ManifestRef) -> Value {
    json!({
        "metadata": { "uid": manifest.uid, "name": manifest.name, "labels": {}, "annotations": { "kind": manifest.kind } },
        "spec": { "published": content_view(contents.get(&manifest.uid)) },
    })
}

async fn list_manifests(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, tier_uid)): PathParams<(String, String)>,
) -> ApiResult<Json<Value>> {
    let profile = app.store.run(move |tx| Ok(collection::load::<AppProfile>(tx, &uid, &scope)?.value)).await?;
    let tier = &profile.tiers[tier_index(&profile, &tier_uid)?];
    let manifests: Vec<Value> = tier.manifests.iter().map(|manifest| manifest_view(&profile.manifests, manifest)).collect();
    Ok(Json(json!({ "manifests": manifests })))
}

async fn read_manifest(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, tier_uid, manifest_uid)): PathParams<(String, String, String)>,
) -> ApiResult<Json<Value>> {
    let profile = app.store.run(move |tx| Ok(collection::load::<AppProfile>(tx, &uid, &scope)?.value)).await?;
    let tier = &profile.tiers[tier_index(&profile, &tier_uid)?];
    Ok(Json(manifest_view(&profile.manifests, versioned::find_manifest(&tier.manifests, &manifest_uid)?)))
}

async fn add_manifest(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, tier_uid)): PathParams<(String, String)>,
    JsonBody(body): JsonBody<ManifestBody>,
) -> ApiResult<Created> {
    let name = body.name()?;
    let manifest_uid = modify_returning::<AppProfile, _>(&app, uid, scope, move |_, _, profile| tier_manifests(profile, &tier_uid)?.add(name, body.content))
    .await?;
    Ok(Created(manifest_uid))
}

async fn update_manifest(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, tier_uid, manifest_uid)): PathParams<(String, String, String)>,
    JsonBody(body): JsonBody<ManifestBody>,
) -> ApiResult<NoContent> {
    let name = body.name()?;
    modify_returning::<AppProfile, _>(&app, uid, scope, move |_, _, profile| tier_manifests(profile, &tier_uid)?.update(&manifest_uid, name, body.content))
    .await?;
    Ok(NoContent)
}

async fn remove_manifest(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((uid, tier_uid, manifest_uid)): PathParams<(String, String, String)>,
) -> ApiResult<NoContent> {
    modify_returning::<AppProfile, _>(&app, uid, scope, move |_, _, profile| tier_manifests(profile, &tier_uid)?.remove(&manifest_uid))
    .await?;
    Ok(NoContent)
}
