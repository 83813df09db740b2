//! Application profiles (§7): versions grouped by name, typed tiers with their
//! manifests, metadata patch, clone and the `appProfiles` dashboards.

mod tiers;

use std::collections::BTreeMap;

use axum::extract::State;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{create_with_new_uid, modify, read_versioned};
use crate::domain::app_profile::{create_in, set_tiers, AppProfile, AppProfileEntity, KIND, LABEL};
use crate::domain::collection::{self};
use crate::domain::versioned::{self, CloneTarget};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Created, JsonBody, NoContent, OptionalJsonBody, PathParams, QueryParams};
use crate::filters::{sort_by_specs, FilterArray, FilterString, FilterVersionString, SortKey, SortSpec};
use crate::listing::PageQuery;
use crate::model::{non_empty, tags_from_labels, MetaInput, ObjectMeta};
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::Row;
use crate::uid::new_uid;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/appProfiles", post(create))
        .route("/v1/appProfiles/{uid}", get(read_versioned::<AppProfile>).put(update).delete(remove))
        .route("/v1/appProfiles/{uid}/metadata", patch(update_metadata))
        .route("/v1/appProfiles/{uid}/clone", post(clone))
        .route("/v1/dashboard/appProfiles", post(dashboard))
        .route("/v1/dashboard/appProfiles/metadata", get(metadata))
        .merge(tiers::routes())
}

async fn create(State(app): State<SharedState>, scope: Scope, JsonBody(entity): JsonBody<AppProfileEntity>) -> ApiResult<Created> {
    let now = app.timestamp();
    create_with_new_uid(&app, move |tx, uid| create_in(tx, &scope, uid, entity, &now)).await
}

/// PUT replaces metadata and tiers; the name cannot change, a new version renames
/// this object's version in place.
async fn update(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(entity): JsonBody<AppProfileEntity>,
) -> ApiResult<NoContent> {
    let now = app.timestamp();
    modify::<AppProfile>(&app, uid, scope, move |tx, owner, profile| {
        if let Some(name) = non_empty(&entity.metadata.name) {
            if name != profile.metadata.name {
                return Err(ApiError::bad_request("the name of an application profile cannot be changed"));
            }
        }
        if let Some(version) = non_empty(&entity.spec.version) {
            profile.set_version(tx, owner, version)?;
        }
        let inputs = entity.spec.template.and_then(|template| template.app_tiers).unwrap_or_default();
        set_tiers(tx, owner, profile, inputs)?;
        profile.metadata.apply(entity.metadata, &now);
        Ok(())
    })
    .await
}

#[derive(Debug, Deserialize)]
struct AppProfileMetaEntity {
    metadata: MetaInput,
    version: Option<String>,
}

async fn update_metadata(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(entity): JsonBody<AppProfileMetaEntity>,
) -> ApiResult<NoContent> {
    let now = app.timestamp();
    modify::<AppProfile>(&app, uid, scope, move |tx, owner, profile| {
        if let Some(version) = non_empty(&entity.version) {
            profile.set_version(tx, owner, version)?;
        }
        profile.metadata.apply(MetaInput { name: None, ..entity.metadata }, &now);
        Ok(())
    })
    .await
}

async fn remove(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<NoContent> {
    app.store.run(move |tx| versioned::delete_unused::<AppProfile>(tx, &uid, &scope)).await?;
    Ok(NoContent)
}

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

/// A copy under a new name/version; tiers and manifests get new UIDs and
/// `parentUid` names the source.
async fn clone(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(entity): JsonBody<CloneEntity>,
) -> ApiResult<Created> {
    let meta = entity.metadata;
    let name = non_empty(&meta.name).ok_or_else(|| ApiError::bad_request("metadata.name is required"))?.to_string();
    let now = app.timestamp();
    let uid = app
        .store
        .run(move |tx| {
            let source = collection::load::<AppProfile>(tx, &uid, &scope)?;
            let version = versioned::clone_version(meta.version.as_deref(), &source.value.version)?;
            let owner = versioned::clone_owner(tx, meta.target.as_ref(), &scope, &source.owner)?;
            versioned::ensure_version_free::<AppProfile>(tx, KIND, LABEL, &owner, &name, &version, None)?;
            let new_uid_value = new_uid();
            let mut manifests = BTreeMap::new();
            let tiers = source
                .value
                .tiers
                .iter()
                .map(|tier| {
                    let mut copy = tier.clone();
                    copy.uid = new_uid();
                    for manifest in &mut copy.manifests {
                        let fresh = new_uid();
                        if let Some(content) = source.value.manifests.get(&manifest.uid) {
                            manifests.insert(fresh.clone(), content.clone());
                        }
                        manifest.uid = fresh;
                    }
                    copy
                })
                .collect();
            let input = MetaInput {
                name: None,
                labels: Some(source.value.metadata.labels.clone()),
                annotations: Some(source.value.metadata.annotations.clone()),
            };
            let copy = AppProfile {
                metadata: ObjectMeta::create(new_uid_value.clone(), name.clone(), input, &owner, &now),
                version,
                parent_uid: source.uid.clone(),
                tiers,
                manifests,
            };
            tx.insert(KIND, &owner, &new_uid_value, &name, &copy)?;
            Ok(new_uid_value)
        })
        .await?;
    Ok(Created(uid))
}

async fn metadata(State(app): State<SharedState>, scope: Scope) -> ApiResult<Json<Value>> {
    let rows = app.store.run(move |tx| tx.list::<AppProfile>(KIND, &scope)).await?;
    let items: Vec<Value> =
        rows.iter().map(|row| json!({ "metadata": row.value.metadata.entity(), "spec": { "version": row.value.version } })).collect();
    Ok(Json(json!({ "appProfiles": items })))
}

/// `v1AppProfilesFilterSpec`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AppProfilesFilterSpec {
    filter: AppProfilesFilter,
    sort: Vec<SortSpec<AppProfileSortField>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct AppProfilesFilter {
    profile_name: Option<FilterString>,
    tags: Option<FilterArray>,
    version: Option<FilterVersionString>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
enum AppProfileSortField {
    ProfileName,
    CreationTimestamp,
    LastModifiedTimestamp,
}

async fn dashboard(
    State(app): State<SharedState>,
    scope: Scope,
    QueryParams(page): QueryParams<PageQuery>,
    OptionalJsonBody(spec): OptionalJsonBody<AppProfilesFilterSpec>,
) -> ApiResult<Json<Value>> {
    let AppProfilesFilterSpec { filter, sort } = spec;
    let request_scope = scope.clone();
    let mut rows: Vec<Row<AppProfile>> = app
        .store
        .run(move |tx| tx.list::<AppProfile>(KIND, &scope))
        .await?
        .into_iter()
        .filter(|row| {
            filter.profile_name.as_ref().is_none_or(|f| f.matches(&row.value.metadata.name))
                && filter.version.as_ref().is_none_or(|f| f.matches(&row.value.version))
                && filter.tags.as_ref().is_none_or(|f| f.matches(&tags_from_labels(&row.value.metadata.labels)))
        })
        .collect();
    sort_by_specs(&mut rows, &sort, |row, field| match field {
        AppProfileSortField::ProfileName => SortKey::Text(row.value.metadata.name.clone()),
        AppProfileSortField::CreationTimestamp => SortKey::Text(row.value.metadata.creation_timestamp.clone()),
        AppProfileSortField::LastModifiedTimestamp => SortKey::Text(row.value.metadata.last_modified_timestamp.clone()),
    });
    let (page_rows, listmeta) = page.paginate(rows)?;
    let items = app
        .store
        .run(move |tx| page_rows.iter().map(|row| row.value.summary(tx, &row.owner, &request_scope)).collect::<ApiResult<Vec<_>>>())
        .await?;
    Ok(Json(json!({ "appProfiles": items, "listmeta": listmeta })))
}
