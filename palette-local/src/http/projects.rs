//! Projects (§4). Tenant objects: reachable whatever `ProjectUid` the request names.

use axum::extract::State;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::cluster_views;
use crate::domain::cluster::{self, Cluster};
use crate::domain::collection;
use crate::domain::project::{ensure_unique_name, Project, TeamRoles, UserRoles, KIND};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Created, JsonBody, NoContent, OptionalJsonBody, PathParams, QueryParams};
use crate::filters::{sort_by_specs, FilterString, SortKey, SortSpec};
use crate::listing::PageQuery;
use crate::model::MetaInput;
use crate::scope::Scope;
use crate::lifecycle::{timestamp_of, Millis};
use crate::state::SharedState;
use crate::store::{Row, Tx};
use crate::uid::new_uid;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/projects", post(create))
        .route("/v1/projects/{uid}", get(read).put(update).delete(delete))
        .route("/v1/projects/{uid}/meta", put(update_meta))
        .route("/v1/dashboard/projects/metadata", get(metadata))
        .route("/v1/dashboard/projects", post(dashboard))
}

/// `v1ProjectEntity`.
#[derive(Debug, Deserialize)]
struct ProjectEntity {
    metadata: MetaInput,
    spec: Option<ProjectSpecInput>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProjectSpecInput {
    teams: Option<Vec<TeamRoles>>,
    users: Option<Vec<UserRoles>>,
}

impl Project {
    fn apply_spec(&mut self, spec: Option<ProjectSpecInput>) {
        // An update without `spec` (what the provider sends) keeps teams and users.
        if let Some(spec) = spec {
            self.spec.teams = spec.teams.unwrap_or_default();
            self.spec.users = spec.users.unwrap_or_default();
        }
    }
}

async fn create(State(app): State<SharedState>, JsonBody(entity): JsonBody<ProjectEntity>) -> ApiResult<Created> {
    let name = entity.metadata.required_name()?;
    let now = app.timestamp();
    let uid = app
        .store
        .run(move |tx| {
            ensure_unique_name(tx, &name, None)?;
            let mut project = Project::new(new_uid(), name, entity.metadata, &now);
            project.apply_spec(entity.spec);
            tx.insert(KIND, &Scope::Tenant, &project.metadata.uid, &project.metadata.name, &project)?;
            Ok(project.metadata.uid)
        })
        .await?;
    Ok(Created(uid))
}

async fn read(State(app): State<SharedState>, PathParams(uid): PathParams<String>) -> ApiResult<Json<Project>> {
    Ok(Json(app.store.run(move |tx| collection::load(tx, &uid, &Scope::Tenant)).await?.value))
}

/// Renames (when `name` is given and differs) and applies labels/annotations.
fn apply_metadata(tx: &Tx<'_>, project: &mut Project, metadata: MetaInput, now: &str) -> ApiResult<()> {
    if metadata.name.is_some() {
        let name = metadata.required_name()?;
        ensure_unique_name(tx, &name, Some(&project.metadata.uid))?;
        project.metadata.name = name;
    }
    project.metadata.apply(metadata, now);
    Ok(())
}

async fn update(
    State(app): State<SharedState>,
    PathParams(uid): PathParams<String>,
    JsonBody(entity): JsonBody<ProjectEntity>,
) -> ApiResult<NoContent> {
    let now = app.now();
    app.store
        .run(move |tx| {
            collection::modify(tx, &uid, &Scope::Tenant, now, |_, project: &mut Project| {
                entity.metadata.required_name()?;
                apply_metadata(tx, project, entity.metadata, &timestamp_of(now))?;
                project.apply_spec(entity.spec);
                Ok(())
            })
        })
        .await?;
    Ok(NoContent)
}

async fn update_meta(
    State(app): State<SharedState>,
    PathParams(uid): PathParams<String>,
    JsonBody(metadata): JsonBody<MetaInput>,
) -> ApiResult<NoContent> {
    let now = app.now();
    app.store
        .run(move |tx| {
            collection::modify(tx, &uid, &Scope::Tenant, now, |_, project: &mut Project| {
                apply_metadata(tx, project, metadata, &timestamp_of(now))
            })
        })
        .await?;
    Ok(NoContent)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteQuery {
    cleanup_project_resources: Option<bool>,
}

/// `V1ProjectCleanup`, accepted for validation; the thresholds do not apply here.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProjectCleanup {
    #[serde(rename = "deletingClusterDurationThresholdInMin")]
    _deleting_threshold: Option<i32>,
    #[serde(rename = "provisioningClusterDurationThresholdInMin")]
    _provisioning_threshold: Option<i32>,
}

/// Deletes a project with everything it owns. Clusters block the delete unless
/// `cleanupProjectResources=true`.
async fn delete(
    State(app): State<SharedState>,
    PathParams(uid): PathParams<String>,
    QueryParams(query): QueryParams<DeleteQuery>,
    OptionalJsonBody(_cleanup): OptionalJsonBody<ProjectCleanup>,
) -> ApiResult<NoContent> {
    let cleanup = query.cleanup_project_resources.unwrap_or(false);
    let now = app.now();
    app.store
        .run(move |tx| {
            let project = collection::load::<Project>(tx, &uid, &Scope::Tenant)?.value;
            let owner = Scope::Project(uid.clone());
            // Only live clusters count, not finished deletions.
            let clusters = cluster::list_live(tx, now)?.into_iter().filter(|row| row.owner == owner).count();
            if clusters > 0 && !cleanup {
                return Err(ApiError::in_use(format!(
                    "project '{}' still has {clusters} cluster(s); delete them first or set cleanupProjectResources=true",
                    project.metadata.name
                )));
            }
            tx.delete_project_contents(&uid)?;
            tx.delete(KIND, &uid)?;
            Ok(())
        })
        .await?;
    Ok(NoContent)
}

#[derive(Debug, Default, Deserialize)]
struct MetadataQuery {
    name: Option<String>,
}

async fn metadata(State(app): State<SharedState>, QueryParams(query): QueryParams<MetadataQuery>) -> ApiResult<Json<Value>> {
    let projects = app.store.run(|tx| tx.list_all::<Project>(KIND)).await?;
    let items: Vec<Value> = projects
        .into_iter()
        .filter(|row| query.name.as_deref().is_none_or(|name| name.is_empty() || row.value.metadata.name == name))
        .map(|row| json!({ "metadata": row.value.metadata.entity() }))
        .collect();
    Ok(Json(json!({ "items": items })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProjectsFilterSpec {
    filter: ProjectsFilter,
    sort: Vec<SortSpec<ProjectSortField>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProjectsFilter {
    name: Option<FilterString>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
enum ProjectSortField {
    Name,
    CreationTimestamp,
    LastModifiedTimestamp,
}

/// Cluster counts of a project for its summary, from the clusters' live states.
fn clusters_health(clusters: &[Row<Cluster>], project_uid: &str, now: Millis) -> Value {
    let owner = Scope::Project(project_uid.to_string());
    let states: Vec<String> = clusters.iter().filter(|row| row.owner == owner).map(|row| cluster_views::state(&row.value, now)).collect();
    let running = states.iter().filter(|state| state.as_str() == "Running").count();
    let errored = states.iter().filter(|state| matches!(state.as_str(), "Failed" | "Error")).count();
    json!({ "healthy": running, "running": running, "unhealthy": 0, "errored": errored })
}

async fn dashboard(
    State(app): State<SharedState>,
    QueryParams(page): QueryParams<PageQuery>,
    OptionalJsonBody(spec): OptionalJsonBody<ProjectsFilterSpec>,
) -> ApiResult<Json<Value>> {
    let ProjectsFilterSpec { filter, sort } = spec;
    let now = app.now();
    let (summaries, listmeta) = app
        .store
        .run(move |tx| {
            let mut projects: Vec<Project> = tx
                .list_all::<Project>(KIND)?
                .into_iter()
                .map(|row| row.value)
                .filter(|project| filter.name.as_ref().is_none_or(|name| name.matches(&project.metadata.name)))
                .collect();
            sort_by_specs(&mut projects, &sort, |project, field| match field {
                ProjectSortField::Name => SortKey::Text(project.metadata.name.clone()),
                ProjectSortField::CreationTimestamp => SortKey::Text(project.metadata.creation_timestamp.clone()),
                ProjectSortField::LastModifiedTimestamp => SortKey::Text(project.metadata.last_modified_timestamp.clone()),
            });
            // Summaries (with their cluster counts) only for the page asked for.
            let (projects, listmeta) = page.paginate(projects)?;
            let clusters = cluster::list_live(tx, now)?;
            let summaries: Vec<Value> = projects.into_iter().map(|project| summary(&clusters, project, now)).collect();
            Ok((summaries, listmeta))
        })
        .await?;
    Ok(Json(json!({ "items": summaries, "listmeta": listmeta })))
}

/// `v1ProjectSummary`.
fn summary(clusters: &[Row<Cluster>], project: Project, now: Millis) -> Value {
    let health = clusters_health(clusters, &project.metadata.uid, now);
    let teams: Vec<Value> = project.spec.teams.iter().map(|team| json!({"name": "", "uid": team.team_id})).collect();
    let users: Vec<Value> = project.spec.users.iter().map(|user| json!({"name": "", "uid": user.user_id})).collect();
    json!({
        "metadata": project.metadata,
        "specSummary": { "logoUrl": project.spec.logo_url, "teams": teams, "users": users },
        "status": { "clustersHealth": health, "status": project.status, "usage": {} },
    })
}
