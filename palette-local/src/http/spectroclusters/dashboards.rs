//! Cluster dashboards and lookups (§9.9, §10): the search, the metadata lists
//! (`quickFilter=hostclusters`), `/meta` (a top-level array), the per-cluster summary
//! and overview (where `status.health.state` lives), and the search schema. They list
//! the clusters owned by the caller's scope.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::cluster::search::{self, SearchSpec};
use crate::http::cluster_views::{self, ViewContext};
use crate::model::null_as_default;
use crate::domain::cluster::{list_live, load, tenant_uid, Cluster, NESTED};
use crate::error::{ApiError, ApiResult};
use crate::extract::{OptionalJsonBody, PathParams, QueryParams};
use crate::filters::FilterString;
use crate::lifecycle::Millis;
use crate::listing::PageQuery;
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::{Row, Tx};

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/dashboard/spectroclusters/search", post(search_clusters))
        .route("/v1/dashboard/spectroclusters/search/schema", get(schema))
        .route("/v1/dashboard/spectroclusters/metadata", get(metadata).post(metadata_search))
        .route("/v1/dashboard/spectroclusters/meta", get(meta))
        .route("/v1/dashboard/spectroclusters/{uid}", get(overview))
        .route("/v1/dashboard/spectroclusters/{uid}/overview", get(overview))
}

/// The live clusters owned by `scope`.
fn owned(tx: &Tx<'_>, scope: &Scope, now: Millis) -> ApiResult<Vec<Row<Cluster>>> {
    Ok(list_live(tx, now)?.into_iter().filter(|row| &row.owner == scope).collect())
}

async fn search_clusters(
    State(app): State<SharedState>,
    scope: Scope,
    QueryParams(page): QueryParams<PageQuery>,
    OptionalJsonBody(spec): OptionalJsonBody<SearchSpec>,
) -> ApiResult<Json<Value>> {
    let now = app.now();
    let items = app.store.run(move |tx| cluster_views::search(tx, owned(tx, &scope, now)?, &spec, now)).await?;
    page.respond("items", items)
}

async fn schema() -> Json<Value> {
    Json(search::schema())
}

fn object_meta(row: &Row<Cluster>) -> ApiResult<Value> {
    Ok(match &row.value {
        Cluster::Host(host) => host.0["metadata"].clone(),
        Cluster::Virtual(cluster) => serde_json::to_value(&cluster.metadata)?,
    })
}

fn is_host(row: &Row<Cluster>) -> bool {
    matches!(&row.value, Cluster::Host(host) if host.is_host())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MetadataQuery {
    quick_filter: Option<String>,
}

/// `GET .../metadata[?quickFilter=hostclusters|strictHostclusters|hypershiftClusters]`:
/// `hostclusters` are host-capable clusters, `strictHostclusters` those that can take
/// virtual clusters now (Running and Healthy); no hypershift clusters exist here.
async fn metadata(State(app): State<SharedState>, scope: Scope, QueryParams(query): QueryParams<MetadataQuery>) -> ApiResult<Json<Value>> {
    let now = app.now();
    let filter = query.quick_filter.unwrap_or_default();
    let keep: fn(&Row<Cluster>) -> bool = match filter.as_str() {
        "" => |_| true,
        "hostclusters" => is_host,
        "strictHostclusters" => |row| matches!(&row.value, Cluster::Host(host) if host.ensure_usable().is_ok()),
        "hypershiftClusters" => |_| false,
        other => {
            return Err(ApiError::bad_request(format!(
                "quickFilter: invalid value '{other}', expected one of hostclusters, strictHostclusters, hypershiftClusters"
            )))
        }
    };
    let items =
        app.store.run(move |tx| owned(tx, &scope, now)?.iter().filter(|row| keep(row)).map(object_meta).collect::<ApiResult<Vec<_>>>()).await?;
    Ok(Json(json!({ "items": items })))
}

/// `v1SpectroClusterMetadataSpec`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MetadataSpec {
    filter: MetadataFilter,
    #[serde(deserialize_with = "null_as_default")]
    sort: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct MetadataFilter {
    name: Option<FilterString>,
    #[serde(deserialize_with = "null_as_default")]
    environment: String,
    include_virtual: bool,
    is_imported: bool,
    is_alloy: bool,
    #[serde(deserialize_with = "null_as_default")]
    state: String,
}

/// `POST .../metadata`: name, environment and state filters; virtual clusters only
/// with `includeVirtual`; nothing here is imported or alloy. Sorted by `name` when asked.
async fn metadata_search(
    State(app): State<SharedState>,
    scope: Scope,
    OptionalJsonBody(spec): OptionalJsonBody<MetadataSpec>,
) -> ApiResult<Json<Value>> {
    if !["", "name"].contains(&spec.sort.as_str()) {
        return Err(ApiError::bad_request(format!("sort: invalid value '{}', expected name", spec.sort)));
    }
    let now = app.now();
    let items = app.store.run(move |tx| {
        let filter = &spec.filter;
        let mut rows = Vec::new();
        for row in owned(tx, &scope, now)? {
            let facts = cluster_views::facts(&row, now)?;
            let keep = filter.name.as_ref().is_none_or(|name| name.matches(&facts.name))
                && (filter.environment.is_empty() || filter.environment == facts.environment)
                && (filter.include_virtual || facts.environment != NESTED)
                && !filter.is_imported
                && !filter.is_alloy
                && (filter.state.is_empty() || filter.state == facts.state);
            if keep {
                rows.push((facts.name, object_meta(&row)?));
            }
        }
        if spec.sort == "name" {
            rows.sort_by(|a, b| a.0.cmp(&b.0));
        }
        Ok(rows.into_iter().map(|(_, meta)| meta).collect::<Vec<_>>())
    })
    .await?;
    Ok(Json(json!({ "items": items })))
}

/// `GET .../meta`: a top-level array.
async fn meta(State(app): State<SharedState>, scope: Scope) -> ApiResult<Json<Value>> {
    let now = app.now();
    let items = app.store.run(move |tx| {
        let ctx = ViewContext { tx, now, tenant_uid: tenant_uid(tx)? };
        owned(tx, &scope, now)?.iter().map(|row| cluster_views::meta_item(&ctx, row)).collect::<ApiResult<Vec<_>>>()
    })
    .await?;
    Ok(Json(Value::Array(items)))
}

async fn overview(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let now = app.now();
    let view = app.store.run(move |tx| {
        let row = load(tx, &uid, &scope, now)?;
        let ctx = ViewContext { tx, now, tenant_uid: tenant_uid(tx)? };
        cluster_views::overview(&ctx, &row.value)
    })
    .await?;
    Ok(Json(view))
}
