//! Cluster profiles (§5): draft/publish, versions grouped by name, clone, pack
//! layers with their manifests, variables, dashboards and deletes guarded by use.
//!
//! Stored as [`ClusterProfile`]: the draft and published templates as served, plus
//! the variables and the manifest contents, which GET does not inline. The cluster
//! side records a cluster's use of a profile with
//! `tx.set_references(<cluster kind>, cluster_uid, &[(KIND, profile_uid)])`; that
//! feeds `status.inUseClusters` and refuses deletes.

mod dashboard;
mod packs;
mod variables;

use std::collections::BTreeMap;

use axum::extract::State;
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{create_with_new_uid, modify, read_versioned};
use crate::domain::cluster_profile::packs::resolve_all;
use crate::domain::cluster_profile::variables::validate as validate_variables;
use crate::domain::cluster_profile::entity::{create_in, ProfileEntity};
use crate::domain::cluster_profile::{ClusterProfile, ProfileType, Template, KIND, LABEL};
use crate::domain::collection::{self};
use crate::domain::versioned::{self, CloneTarget};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Created, JsonBody, NoContent, PathParams, QueryParams};
use crate::model::{MetaInput, ObjectMeta};
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::{Row, Tx};
use crate::uid::new_uid;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/clusterprofiles", post(create))
        .route("/v1/clusterprofiles/bulk", delete(bulk_delete))
        .route("/v1/clusterprofiles/validate/name", get(validate_name))
        .route("/v1/clusterprofiles/{uid}", get(read_versioned::<ClusterProfile>).put(update).delete(remove))
        .route("/v1/clusterprofiles/{uid}/metadata", patch(update_metadata))
        .route("/v1/clusterprofiles/{uid}/publish", patch(publish))
        .route("/v1/clusterprofiles/{uid}/clone", post(clone))
        .route("/v1/clusterprofiles/{uid}/clone/validate", post(validate_clone))
        .merge(packs::routes())
        .merge(variables::routes())
        .merge(dashboard::routes())
}


#[derive(Debug, Default, Deserialize)]
struct PublishQuery {
    publish: Option<bool>,
}

async fn create(
    State(app): State<SharedState>,
    scope: Scope,
    QueryParams(query): QueryParams<PublishQuery>,
    JsonBody(entity): JsonBody<ProfileEntity>,
) -> ApiResult<Created> {
    let now = app.timestamp();
    create_with_new_uid(&app, move |tx, uid| create_in(tx, &scope, uid, entity, query.publish.unwrap_or(false), &now)).await
}

/// PUT writes the draft: the whole pack list, metadata, and a new version renames
/// this object's version in place.
async fn update(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(entity): JsonBody<ProfileEntity>,
) -> ApiResult<NoContent> {
    let template = entity.spec.template.ok_or_else(|| ApiError::bad_request("spec.template is required"))?;
    let profile_type = template.profile_type.as_deref().filter(|t| !t.is_empty()).map(ProfileType::parse).transpose()?;
    let variables = entity.spec.variables.map(validate_variables).transpose()?;
    let version = entity.spec.version;
    let metadata = entity.metadata;
    let now = app.timestamp();
    modify::<ClusterProfile>(&app, uid, scope, move |tx, owner, profile| {
        if metadata.name.is_some() {
            profile.set_name(tx, owner, &metadata.required_name()?)?;
        }
        if let Some(version) = version.as_deref().filter(|v| !v.trim().is_empty()) {
            profile.set_version(tx, owner, version.trim())?;
        }
        profile.metadata.apply(metadata, &now);
        let (packs, drafts) = resolve_all(tx, owner, template.packs.unwrap_or_default(), Some(profile))?;
        let (draft, manifests) = profile.edit_draft()?;
        draft.packs = packs;
        if let Some(profile_type) = profile_type {
            draft.profile_type = profile_type;
        }
        if let Some(cloud_type) = template.cloud_type.filter(|cloud| !cloud.is_empty()) {
            draft.cloud_type = cloud_type;
        }
        manifests.replace_drafts(drafts);
        if let Some(variables) = variables {
            profile.variables = variables;
        }
        Ok(())
    })
    .await
}

/// `v1ProfileMetaEntity`.
#[derive(Debug, Deserialize)]
struct ProfileMetaEntity {
    metadata: MetaInput,
    #[serde(default)]
    spec: Option<ProfileMetaSpec>,
}

#[derive(Debug, Deserialize)]
struct ProfileMetaSpec {
    version: Option<String>,
}

async fn update_metadata(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(entity): JsonBody<ProfileMetaEntity>,
) -> ApiResult<NoContent> {
    let now = app.timestamp();
    modify::<ClusterProfile>(&app, uid, scope, move |tx, owner, profile| {
        if entity.metadata.name.is_some() {
            profile.set_name(tx, owner, &entity.metadata.required_name()?)?;
        }
        if let Some(version) = entity.spec.and_then(|spec| spec.version).filter(|v| !v.trim().is_empty()) {
            profile.set_version(tx, owner, version.trim())?;
        }
        profile.metadata.apply(entity.metadata, &now);
        Ok(())
    })
    .await
}

async fn publish(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<NoContent> {
    modify::<ClusterProfile>(&app, uid, scope, |_, _, profile| {
        profile.publish();
        Ok(())
    })
    .await
}


async fn remove(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<NoContent> {
    app.store.run(move |tx| versioned::delete_unused::<ClusterProfile>(tx, &uid, &scope)).await?;
    Ok(NoContent)
}

#[derive(Debug, Deserialize)]
struct BulkDelete {
    uids: Vec<String>,
}

/// Deletes what it can; each profile that cannot go is reported in `failures`.
async fn bulk_delete(State(app): State<SharedState>, scope: Scope, JsonBody(body): JsonBody<BulkDelete>) -> ApiResult<Json<Value>> {
    let report = app
        .store
        .run(move |tx| {
            let mut deleted = 0;
            let mut failures = Vec::new();
            for uid in &body.uids {
                let name = tx.get::<ClusterProfile>(KIND, uid)?.map(|row| row.value.metadata.name).unwrap_or_default();
                match versioned::delete_unused::<ClusterProfile>(tx, uid, &scope) {
                    Ok(()) => deleted += 1,
                    Err(err) if err.status.is_server_error() => return Err(err),
                    Err(err) => failures.push(json!({ "uid": uid, "name": name, "errMsg": err.message })),
                }
            }
            let message = if failures.is_empty() { String::new() } else { format!("{} profile(s) could not be deleted", failures.len()) };
            Ok(json!({ "deletedCount": deleted, "isSucceeded": failures.is_empty(), "message": message, "failures": failures }))
        })
        .await?;
    Ok(Json(report))
}

/// `v1ClusterProfileCloneEntity` / `v1ClusterProfileCloneMetaInputEntity`.
#[derive(Debug, Deserialize)]
struct CloneEntity {
    metadata: CloneMeta,
}

#[derive(Debug, Deserialize)]
struct CloneMeta {
    name: Option<String>,
    version: Option<String>,
    target: Option<CloneTarget>,
}

impl CloneMeta {
    fn name(&self) -> ApiResult<String> {
        match self.name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => Ok(name.to_string()),
            _ => Err(ApiError::bad_request("metadata.name is required")),
        }
    }
}

/// Checks a clone request; returns `(owner, name, version)` of the new profile.
fn check_clone(tx: &Tx<'_>, source: &Row<ClusterProfile>, meta: &CloneMeta, request: &Scope) -> ApiResult<(Scope, String, String)> {
    let name = meta.name()?;
    let version = versioned::clone_version(meta.version.as_deref(), &source.value.version)?;
    let owner = versioned::clone_owner(tx, meta.target.as_ref(), request, &source.owner)?;
    versioned::ensure_version_free::<ClusterProfile>(tx, KIND, LABEL, &owner, &name, &version, None)?;
    Ok((owner, name, version))
}

/// A copy of `source` under new UIDs (profile, templates and manifests).
fn copy_profile(source: &ClusterProfile, uid: &str, name: &str, version: &str, owner: &Scope, now: &str) -> ClusterProfile {
    let mut renames = BTreeMap::new();
    let mut copy_template = |template: &Template| {
        let mut copy = template.clone();
        copy.uid = new_uid();
        copy.name = name.to_string();
        copy.profile_version = version.to_string();
        for manifest in copy.packs.iter_mut().flat_map(|pack| pack.manifests.iter_mut()) {
            manifest.uid = renames.entry(manifest.uid.clone()).or_insert_with(new_uid).clone();
        }
        copy
    };
    let draft = source.draft.as_ref().map(&mut copy_template);
    let published = source.published.as_ref().map(&mut copy_template);
    let input = MetaInput {
        name: None,
        labels: Some(source.metadata.labels.clone()),
        annotations: Some(source.metadata.annotations.clone()),
    };
    ClusterProfile {
        metadata: ObjectMeta::create(uid.to_string(), name.to_string(), input, owner, now),
        version: version.to_string(),
        draft,
        published,
        variables: source.variables.clone(),
        manifests: source.manifests.renamed(&renames),
    }
}

async fn clone(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(entity): JsonBody<CloneEntity>,
) -> ApiResult<Created> {
    let now = app.timestamp();
    let new_uid_value = app
        .store
        .run(move |tx| {
            let source = collection::load::<ClusterProfile>(tx, &uid, &scope)?;
            let (owner, name, version) = check_clone(tx, &source, &entity.metadata, &scope)?;
            let uid = new_uid();
            let copy = copy_profile(&source.value, &uid, &name, &version, &owner, &now);
            tx.insert(KIND, &owner, &uid, &name, &copy)?;
            Ok(uid)
        })
        .await?;
    Ok(Created(new_uid_value))
}

async fn validate_clone(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(meta): JsonBody<CloneMeta>,
) -> ApiResult<NoContent> {
    app.store
        .run(move |tx| {
            let source = collection::load::<ClusterProfile>(tx, &uid, &scope)?;
            check_clone(tx, &source, &meta, &scope).map(|_| ())
        })
        .await?;
    Ok(NoContent)
}

#[derive(Debug, Default, Deserialize)]
struct NameQuery {
    name: Option<String>,
    version: Option<String>,
}

/// 204 when `name` (at `version`, default 1.0.0) is free in the caller's scope.
async fn validate_name(State(app): State<SharedState>, scope: Scope, QueryParams(query): QueryParams<NameQuery>) -> ApiResult<NoContent> {
    let name = query.name.filter(|name| !name.trim().is_empty()).ok_or_else(|| ApiError::bad_request("query parameter name is required"))?;
    let version = versioned::requested_version(query.version.as_deref())?;
    app.store
        .run(move |tx| versioned::ensure_version_free::<ClusterProfile>(tx, KIND, LABEL, &scope, name.trim(), &version, None))
        .await?;
    Ok(NoContent)
}