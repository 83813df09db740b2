//! The `/v1` API, one module per object kind.
//!
//! # Adding a route module
//! 1. Create `http/<kind>.rs` with a `pub fn routes() -> Router<SharedState>` that
//!    registers its paths exactly as the API reference spells them (`{uid}`-style
//!    placeholders; the stats report these templates). The kind's stored types and
//!    rules go in [`domain`](crate::domain), with an `impl Kind` naming its rows.
//! 2. Add `pub mod <kind>;` and one `.merge(<kind>::routes())` line below.
//!
//! The layers in `layers.rs` already apply authentication, fault injection,
//! latency and stats to every route; handlers only do their own work.
//!
//! # Writing a handler
//! - Take `State(app): State<SharedState>`, the caller's [`Scope`](super::scope::Scope)
//!   (an extractor: `ProjectUid` header or `projectUid` query; unknown projects are
//!   rejected), `PathParams`, `QueryParams` and finally `JsonBody` /
//!   `OptionalJsonBody` from [`extract`](super::extract). Their rejections are 400 `V1Error`s.
//! - Return `ApiResult<…>`: `Created(uid)` (201 `{uid}` + `AuditUid`), `NoContent`
//!   (204), `Json(…)` (200) or an [`ApiError`](super::error::ApiError).
//! - Do all reads and writes of one request in a single `app.store.run(move |tx| …)`
//!   closure: it is one SQLite transaction, committed only when the closure returns
//!   `Ok`, so check-then-write sequences (name uniqueness, quotas) are atomic and a
//!   failed request changes nothing. `tx.get_visible(kind, label, uid, &scope)` gives
//!   the 404 `ResourceNotFound` for objects missing or outside the caller's scope.
//! - Timestamps come from `app.timestamp()` / `app.now()` (the lifecycle clock), UIDs
//!   from `uid::new_uid()`, metadata from `ObjectMeta::create` / `ObjectMeta::apply`.
//!   Loads, saves and edits of a stored kind go through `domain::collection`
//!   (in a handler: [`modify`]).
//! - Record "uses" with `tx.set_references(from_kind, from_uid, &[(to_kind, to_uid)])`
//!   (e.g. a cluster using a profile); deletes of a referenced object are refused with
//!   409 `ResourceInUse` (see `clusterprofiles::delete`) and `inUse*` status fields
//!   are computed from `tx.referrers`.
//! - Lists: `PageQuery::respond(key, items)` (in [`listing`](super::listing)) for
//!   `{items, listmeta}`; typed dashboard filters in [`filters`](super::filters).

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::Value;

use super::domain::collection::{self, Kind};
use super::domain;
use super::domain::versioned::Versioned;
use super::error::ApiResult;
use super::extract::{Created, NoContent, PathParams};
use super::scope::Scope;
use super::state::SharedState;
use super::store::Tx;
use super::uid::new_uid;

pub mod appprofiles;
pub mod cloudconfigs;
pub mod clustergroups;
pub mod cluster_views;
pub mod clusterprofiles;
pub mod identity;
pub mod packs;
pub mod projects;
pub mod registries;
pub mod spectroclusters;

pub fn router(state: SharedState) -> Router<SharedState> {
    Router::new()
        .merge(identity::routes())
        .merge(projects::routes())
        .merge(registries::routes())
        .merge(packs::routes())
        .merge(clusterprofiles::routes())
        .merge(appprofiles::routes())
        .merge(clustergroups::routes())
        .merge(spectroclusters::routes())
        .merge(cloudconfigs::routes())
        .route_layer(middleware::from_fn_with_state(state, purge_before_writes))
}

/// Before every request that may write, removes what finished deleting (virtual
/// clusters, app deployments), so that their names and references stop counting.
/// Reads never write: they treat finished deletions as absent.
async fn purge_before_writes(State(app): State<SharedState>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET {
        let now = app.now();
        if let Err(err) = app.store.run(move |tx| domain::purge_finished(tx, now)).await {
            return err.into_response();
        }
    }
    next.run(req).await
}

/// `POST /v1/<kind>`: `work` stores the new object under a fresh UID, in one
/// transaction; answers 201 `{uid}`.
pub async fn create_with_new_uid(app: &SharedState, work: impl FnOnce(&Tx<'_>, &str) -> ApiResult<()> + Send + 'static) -> ApiResult<Created> {
    let uid = new_uid();
    let created = uid.clone();
    app.store.run(move |tx| work(tx, &uid)).await?;
    Ok(Created(created))
}

/// `GET /v1/<kind>/{uid}` of a profile kind: its [`Versioned::view`] as seen from
/// the caller's scope.
pub async fn read_versioned<K: Versioned + 'static>(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
) -> ApiResult<Json<Value>> {
    let view = app
        .store
        .run(move |tx| {
            let row = collection::load::<K>(tx, &uid, &scope)?;
            row.value.view(tx, &row.owner)
        })
        .await?;
    Ok(Json(view))
}

/// Loads `uid` as seen from `scope`, lets `edit` change it, stamps and stores it, in
/// one transaction at the lifecycle clock's time: the shape of every update handler.
pub async fn modify<K: Kind + 'static>(
    app: &SharedState,
    uid: String,
    scope: Scope,
    edit: impl FnOnce(&Tx<'_>, &Scope, &mut K) -> ApiResult<()> + Send + 'static,
) -> ApiResult<NoContent> {
    modify_returning(app, uid, scope, edit).await?;
    Ok(NoContent)
}

/// [`modify`] for edits that answer with a value (the UID of what they add).
pub async fn modify_returning<K: Kind + 'static, T: Send + 'static>(
    app: &SharedState,
    uid: String,
    scope: Scope,
    edit: impl FnOnce(&Tx<'_>, &Scope, &mut K) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    let now = app.now();
    app.store.run(move |tx| collection::modify(tx, &uid, &scope, now, |owner, value| edit(tx, owner, value))).await
}

/// The store kind of spectroclusters (host and virtual clusters). Projects count
/// them before a delete; seeded host clusters are stored under it.
pub const SPECTROCLUSTER_KIND: &str = "spectrocluster";
