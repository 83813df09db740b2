//! Spectroclusters (§9, §10, §11): the handlers of virtual clusters (create, read,
//! delete, pause/resume), their day-2 settings, attached profiles, kubeconfigs,
//! dashboards and app deployments. The clusters themselves and their rules are in
//! [`domain::cluster`](crate::domain::cluster).
//!
//! Submodules by concern: [`virtual_clusters`] (create, read, delete, pause/resume,
//! name validation), [`day2`] (settings), [`profiles`] (attached profiles and
//! variables), [`assets`] (kubeconfigs), [`dashboards`] (search and lookups),
//! [`super::cluster_views`] (the JSON served, shared with cluster groups and projects),
//! [`app_deployments`] (apps deployed into virtual clusters).

pub mod app_deployments;
pub mod assets;
pub mod dashboards;
pub mod day2;
pub mod profiles;
pub mod virtual_clusters;

use axum::Router;

use crate::domain::cluster::{load_virtual, VirtualCluster};
use crate::domain::collection;
use crate::error::ApiResult;
use crate::extract::NoContent;
use crate::lifecycle::Millis;
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::Tx;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .merge(virtual_clusters::routes())
        .merge(day2::routes())
        .merge(profiles::routes())
        .merge(assets::routes())
        .merge(dashboards::routes())
        .merge(app_deployments::routes())
}

/// Loads a live virtual cluster, lets `edit` change it (refused while it is being
/// deleted), stamps and stores it: the shape of every day-2 update.
pub async fn modify(
    app: &SharedState,
    uid: String,
    scope: Scope,
    edit: impl FnOnce(&Tx<'_>, Millis, &mut VirtualCluster) -> ApiResult<()> + Send + 'static,
) -> ApiResult<NoContent> {
    let now = app.now();
    app.store
        .run(move |tx| {
            let row = load_virtual(tx, &uid, &scope, now)?;
            row.value.ensure_mutable(now)?;
            collection::update(tx, row, now, |_, cluster| edit(tx, now, cluster))
        })
        .await?;
    Ok(NoContent)
}

