//! Pack, Helm and OCI registries (§6.2): system objects from the seed, looked up by
//! the provider to resolve pack UIDs. Every registry answers the Helm-shaped
//! `GET /v1/registries/helm/{uid}` (the provider calls it for pack registries too).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::registry::{Registry, RegistryKind, KIND};
use crate::error::{ApiError, ApiResult};
use crate::extract::{PathParams, QueryParams};
use crate::model::require_uid;
use crate::query::ListQuery;
use crate::scope::Scope;
use crate::state::SharedState;

const LABEL: &str = "registry";

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/registries/metadata", get(metadata))
        .route("/v1/registries/pack", get(list_pack))
        .route("/v1/registries/pack/summary", get(summary_pack))
        .route("/v1/registries/pack/{uid}", get(get_pack))
        .route("/v1/registries/pack/{uid}/sync/status", get(sync_pack))
        .route("/v1/registries/helm", get(list_helm))
        .route("/v1/registries/helm/summary", get(summary_helm))
        .route("/v1/registries/helm/{uid}", get(get_helm))
        .route("/v1/registries/helm/{uid}/sync/status", get(sync_helm))
        .route("/v1/registries/oci/summary", get(summary_oci))
        .route("/v1/registries/oci/{uid}/basic", get(get_oci))
        .route("/v1/registries/oci/{uid}/basic/sync/status", get(sync_oci))
        .route("/v1/registries/oci/{uid}/ecr", get(get_ecr))
        .route("/v1/registries/oci/{uid}/ecr/sync/status", get(sync_ecr))
}

impl Registry {
    fn scope(&self) -> &str {
        self.metadata.annotations.get("scope").map_or("system", String::as_str)
    }

    fn sync_status(&self) -> Value {
        json!({
            "status": "Completed",
            "message": "",
            "lastSyncedTime": self.last_synced,
            "lastRunTime": self.last_synced,
            "isSyncSupported": true,
        })
    }

    fn auth() -> Value {
        json!({
            "type": "noAuth", "username": "", "password": "", "token": "",
            "tls": { "enabled": false, "ca": "", "certificate": "", "key": "", "insecureSkipVerify": false },
        })
    }

    /// `v1PackRegistry`.
    fn pack_view(&self) -> Value {
        json!({
            "metadata": self.metadata,
            "spec": { "name": self.metadata.name, "endpoint": self.endpoint, "auth": Self::auth(),
                      "private": self.is_private, "registryUid": self.metadata.uid, "scope": self.scope() },
            "status": { "packSyncStatus": self.sync_status() },
        })
    }

    /// `v1HelmRegistry`.
    fn helm_view(&self) -> Value {
        json!({
            "metadata": self.metadata,
            "spec": { "name": self.metadata.name, "endpoint": self.endpoint, "auth": Self::auth(),
                      "isPrivate": self.is_private, "registryUid": self.metadata.uid, "scope": self.scope() },
            "status": { "helmSyncStatus": self.sync_status() },
        })
    }

    /// `v1BasicOciRegistry`.
    fn oci_view(&self) -> Value {
        json!({
            "metadata": self.metadata,
            "spec": { "endpoint": self.endpoint, "auth": Self::auth(), "isPrivate": self.is_private, "providerType": "pack",
                      "baseContentPath": "", "registryUid": self.metadata.uid, "scope": self.scope() },
            "status": { "syncStatus": self.sync_status() },
        })
    }

    fn summary_view(&self, private_key: &str) -> Value {
        let mut spec = json!({ "endpoint": self.endpoint, "scope": self.scope() });
        spec[private_key] = json!(self.is_private);
        if self.kind == RegistryKind::Oci {
            spec["providerType"] = json!("pack");
            spec["registryType"] = json!("basic");
            spec["defaultRegion"] = json!("");
            spec["containsSpectroManifest"] = json!(true);
        }
        json!({ "metadata": self.metadata, "spec": spec, "status": { "sync": self.sync_status() } })
    }
}

async fn all_registries(app: &SharedState, scope: Scope) -> ApiResult<Vec<Registry>> {
    let rows = app.store.run(move |tx| tx.list::<Registry>(KIND, &scope)).await?;
    Ok(rows.into_iter().map(|row| row.value).collect())
}

async fn registries_of(app: &SharedState, scope: Scope, kind: RegistryKind) -> ApiResult<Vec<Registry>> {
    Ok(all_registries(app, scope).await?.into_iter().filter(|registry| registry.kind == kind).collect())
}

/// A registry by UID; `kind` restricts which families answer (`None`: any).
async fn find(app: &SharedState, scope: Scope, uid: String, kind: Option<RegistryKind>) -> ApiResult<Registry> {
    require_uid(&uid)?;
    let row = app.store.run(move |tx| tx.get_visible::<Registry>(KIND, LABEL, &uid, &scope)).await?;
    match kind {
        Some(kind) if row.value.kind != kind => Err(ApiError::not_found(LABEL, &row.uid)),
        _ => Ok(row.value),
    }
}

#[derive(Debug, Default, Deserialize)]
struct ScopeQuery {
    scope: Option<String>,
}

/// Whether a registry is listed for `?scope=system|tenant|all` (empty means all).
fn in_scope(registry: &Registry, wanted: Option<&str>) -> ApiResult<bool> {
    match wanted.unwrap_or("") {
        "" | "all" => Ok(true),
        wanted @ ("system" | "tenant" | "project") => Ok(registry.scope() == wanted),
        other => Err(ApiError::bad_request(format!("invalid scope '{other}': expected system, tenant or all"))),
    }
}

async fn metadata(State(app): State<SharedState>, scope: Scope, QueryParams(query): QueryParams<ScopeQuery>) -> ApiResult<Json<Value>> {
    let mut items = Vec::new();
    for registry in all_registries(&app, scope).await? {
        if in_scope(&registry, query.scope.as_deref())? {
            items.push(json!({
                "uid": registry.metadata.uid, "name": registry.metadata.name, "kind": registry.kind,
                "scope": registry.scope(), "isPrivate": registry.is_private, "isDefault": registry.is_default,
            }));
        }
    }
    Ok(Json(json!({ "items": items })))
}

#[derive(Debug, Default, Deserialize)]
struct RegistryListQuery {
    scope: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

async fn listing(
    app: &SharedState,
    scope: Scope,
    kind: RegistryKind,
    query: RegistryListQuery,
    view: fn(&Registry) -> Value,
) -> ApiResult<Json<Value>> {
    let mut items = Vec::new();
    for registry in registries_of(app, scope, kind).await? {
        if in_scope(&registry, query.scope.as_deref())? {
            items.push(view(&registry));
        }
    }
    query.list.respond("items", items)
}

async fn list_pack(State(app): State<SharedState>, scope: Scope, QueryParams(query): QueryParams<RegistryListQuery>) -> ApiResult<Json<Value>> {
    listing(&app, scope, RegistryKind::Spectro, query, Registry::pack_view).await
}

async fn summary_pack(State(app): State<SharedState>, scope: Scope, QueryParams(query): QueryParams<RegistryListQuery>) -> ApiResult<Json<Value>> {
    listing(&app, scope, RegistryKind::Spectro, query, |registry| registry.summary_view("private")).await
}

async fn list_helm(State(app): State<SharedState>, scope: Scope, QueryParams(query): QueryParams<RegistryListQuery>) -> ApiResult<Json<Value>> {
    listing(&app, scope, RegistryKind::Helm, query, Registry::helm_view).await
}

async fn summary_helm(State(app): State<SharedState>, scope: Scope, QueryParams(query): QueryParams<RegistryListQuery>) -> ApiResult<Json<Value>> {
    listing(&app, scope, RegistryKind::Helm, query, |registry| registry.summary_view("isPrivate")).await
}

/// OCI summaries come without `listmeta`.
async fn summary_oci(State(app): State<SharedState>, scope: Scope) -> ApiResult<Json<Value>> {
    let items: Vec<Value> =
        registries_of(&app, scope, RegistryKind::Oci).await?.iter().map(|registry| registry.summary_view("isPrivate")).collect();
    Ok(Json(json!({ "items": items })))
}

async fn get_pack(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    Ok(Json(find(&app, scope, uid, Some(RegistryKind::Spectro)).await?.pack_view()))
}

async fn get_helm(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    Ok(Json(find(&app, scope, uid, None).await?.helm_view()))
}

async fn get_oci(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    Ok(Json(find(&app, scope, uid, Some(RegistryKind::Oci)).await?.oci_view()))
}

/// Seeded OCI registries are all basic ones, so no registry answers as ECR.
async fn get_ecr(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let registry = find(&app, scope, uid, Some(RegistryKind::Oci)).await?;
    Err(ApiError::not_found("ECR registry", &registry.metadata.uid))
}

async fn sync_pack(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    Ok(Json(find(&app, scope, uid, Some(RegistryKind::Spectro)).await?.sync_status()))
}

async fn sync_helm(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    Ok(Json(find(&app, scope, uid, Some(RegistryKind::Helm)).await?.sync_status()))
}

async fn sync_oci(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    Ok(Json(find(&app, scope, uid, Some(RegistryKind::Oci)).await?.sync_status()))
}

async fn sync_ecr(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    get_ecr(State(app), scope, PathParams(uid)).await
}
