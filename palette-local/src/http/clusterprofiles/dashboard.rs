//! Cluster profile lookups (§5.11): the metadata list, the filtered summary search
//! and a single summary.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::cluster_profile::{in_use_clusters, ClusterProfile, Template, KIND};
use crate::domain::collection;
use crate::domain::versioned;
use crate::error::{ApiError, ApiResult};
use crate::extract::{OptionalJsonBody, PathParams, QueryParams};
use crate::filters::{allowed, sort_by_specs, FilterArray, FilterString, FilterVersionString, SortKey, SortSpec};
use crate::listing::PageQuery;
use crate::model::tags_from_labels;
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::{Row, Tx};

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/dashboard/clusterprofiles/metadata", get(metadata))
        .route("/v1/dashboard/clusterprofiles", post(search))
        .route("/v1/dashboard/clusterprofiles/{uid}", get(summary_by_uid))
}

async fn metadata(State(app): State<SharedState>, scope: Scope) -> ApiResult<Json<Value>> {
    let profiles = app.store.run(move |tx| tx.list::<ClusterProfile>(KIND, &scope)).await?;
    let items: Vec<Value> = profiles
        .iter()
        .map(|row| {
            let cloud_type = row.value.current().map_or("all", |template| template.cloud_type.as_str());
            json!({ "metadata": row.value.metadata.entity(), "spec": { "cloudType": cloud_type, "version": row.value.version } })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

fn template_summary(template: Option<&Template>) -> Value {
    template.map_or(Value::Null, |template| {
        let packs: Vec<Value> = template
            .packs
            .iter()
            .map(|pack| {
                json!({ "addonType": "", "annotations": pack.annotations, "displayName": pack.name, "layer": pack.layer,
                        "logoUrl": pack.logo, "name": pack.name, "packUid": pack.pack_uid, "tag": pack.tag, "type": pack.pack_type })
            })
            .collect();
        json!({ "cloudType": template.cloud_type, "type": template.profile_type, "packs": packs })
    })
}

/// `v1ClusterProfileSummary`.
fn summary(tx: &Tx<'_>, row: &Row<ClusterProfile>) -> ApiResult<Value> {
    let profile = &row.value;
    let in_use = in_use_clusters(tx, &row.uid)?;
    let in_use_uids: Vec<Value> = in_use.iter().map(|user| user["uid"].clone()).collect();
    let in_use: Vec<Value> = in_use.iter().map(|user| json!({ "name": user["name"], "uid": user["uid"] })).collect();
    Ok(json!({
        "metadata": profile.metadata,
        "specSummary": {
            "version": profile.version,
            "versions": versioned::versions::<ClusterProfile>(tx, KIND, &row.owner, &profile.metadata.name)?,
            "draft": template_summary(profile.draft.as_ref()),
            "published": template_summary(profile.published.as_ref()),
        },
        "status": {
            "isPublished": profile.published.is_some(),
            "inUseClusters": in_use,
            "inUseClusterUids": in_use_uids,
            "inUseClusterTemplates": [],
            "fips": { "mode": "none" },
            "pack": { "deleted": false, "deprecated": false, "disabled": false },
        },
    }))
}

async fn summary_by_uid(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    Ok(Json(app.store.run(move |tx| summary(tx, &collection::load::<ClusterProfile>(tx, &uid, &scope)?)).await?))
}

/// `v1ClusterProfilesFilterSpec`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProfilesFilterSpec {
    filter: ProfilesFilter,
    sort: Vec<SortSpec<ProfileSortField>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ProfilesFilter {
    profile_name: Option<FilterString>,
    version: Option<FilterVersionString>,
    profile_type: Vec<String>,
    environment: Vec<String>,
    tags: Option<FilterArray>,
    scope: Option<String>,
    fips: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
enum ProfileSortField {
    ProfileName,
    Environment,
    ProfileType,
    CreationTimestamp,
    LastModifiedTimestamp,
}

impl ProfilesFilter {
    fn validate(&self) -> ApiResult<()> {
        match self.scope.as_deref() {
            None | Some("" | "system" | "tenant" | "project") => Ok(()),
            Some(other) => Err(ApiError::bad_request(format!("filter.scope: invalid value '{other}', expected system, tenant or project"))),
        }
    }

    /// Profiles here are never FIPS, so only an empty, `none` or `all` fips filter matches.
    fn matches(&self, row: &Row<ClusterProfile>) -> bool {
        let profile = &row.value;
        let template = profile.current();
        let cloud_type = template.map_or("", |t| t.cloud_type.as_str());
        let profile_type = template.map_or("", |t| t.profile_type.as_str());
        self.profile_name.as_ref().is_none_or(|filter| filter.matches(&profile.metadata.name))
            && self.version.as_ref().is_none_or(|filter| filter.matches(&profile.version))
            && allowed(&self.profile_type, profile_type)
            && allowed(&self.environment, cloud_type)
            && self.tags.as_ref().is_none_or(|filter| filter.matches(&tags_from_labels(&profile.metadata.labels)))
            && self.scope.as_deref().is_none_or(|scope| scope.is_empty() || scope == row.owner.as_str())
            && matches!(self.fips.as_deref(), None | Some("" | "none" | "all"))
    }
}

async fn search(
    State(app): State<SharedState>,
    scope: Scope,
    QueryParams(page): QueryParams<PageQuery>,
    OptionalJsonBody(spec): OptionalJsonBody<ProfilesFilterSpec>,
) -> ApiResult<Json<Value>> {
    spec.filter.validate()?;
    let ProfilesFilterSpec { filter, sort } = spec;
    let mut rows: Vec<Row<ClusterProfile>> =
        app.store.run(move |tx| tx.list::<ClusterProfile>(KIND, &scope)).await?.into_iter().filter(|row| filter.matches(row)).collect();
    sort_by_specs(&mut rows, &sort, |row, field| {
        let template = row.value.current();
        match field {
            ProfileSortField::ProfileName => SortKey::Text(row.value.metadata.name.clone()),
            ProfileSortField::Environment => SortKey::Text(template.map_or(String::new(), |t| t.cloud_type.clone())),
            ProfileSortField::ProfileType => SortKey::Text(template.map_or("", |t| t.profile_type.as_str()).to_string()),
            ProfileSortField::CreationTimestamp => SortKey::Text(row.value.metadata.creation_timestamp.clone()),
            ProfileSortField::LastModifiedTimestamp => SortKey::Text(row.value.metadata.last_modified_timestamp.clone()),
        }
    });
    let (page_rows, listmeta) = page.paginate(rows)?;
    let items = app.store.run(move |tx| page_rows.iter().map(|row| summary(tx, row)).collect::<ApiResult<Vec<_>>>()).await?;
    Ok(Json(json!({ "items": items, "listmeta": listmeta })))
}
