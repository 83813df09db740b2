//! Virtual cluster create, validation, read, delete and pause/resume (§9.1–§9.4).
//!
//! Placement: `clusterConfig.hostClusterConfig` names a cluster group, a host
//! cluster, or both (then the host must be a member of the group). With a group only,
//! the member host with the most free CPU among those the quota fits on is chosen.
//! The quota (`machinepoolconfig[0].cloudConfig.instanceType`) must fit the host
//! cluster's capacity and the group's limits ([`capacity`](super::capacity)).

use axum::extract::State;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::cluster::capacity::{self};
use crate::domain::cluster::{self, attachment, settings};
use crate::domain::placement::{insert, plan, VirtualClusterEntity};
use crate::http::cluster_views::{self, ViewContext};
use super::modify;
use crate::domain::cluster::{ensure_unique_name, load, tenant_uid, validate_name, Cluster, KIND};
use crate::domain::collection;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Created, JsonBody, NoContent, PathParams, QueryParams};
use crate::lifecycle::{timestamp_of, State as ClusterState};
use crate::scope::Scope;
use crate::state::SharedState;
use crate::uid::new_uid;

const DISTROS: [&str; 3] = ["k3s", "cncf_k8s", "vcluster-generic"];

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/spectroclusters/virtual", post(create))
        .route("/v1/spectroclusters/virtual/validate", post(validate))
        .route("/v1/spectroclusters/virtual/packs/values", get(pack_values))
        .route("/v1/spectroclusters/validate/name", get(validate_cluster_name))
        .route("/v1/spectroclusters/{uid}", get(read).delete(remove))
        .route("/v1/spectroclusters/{uid}/status", get(status))
        .route("/v1/spectroclusters/{uid}/clusterConfig/lifecycleConfig", patch(set_lifecycle))
}


async fn create(State(app): State<SharedState>, scope: Scope, JsonBody(entity): JsonBody<VirtualClusterEntity>) -> ApiResult<Created> {
    let now = app.now();
    let timings = app.timings;
    let uid = app.store.run(move |tx| Ok(insert(tx, &scope, new_uid(), entity, now, &timings)?.metadata.uid)).await?;
    Ok(Created(uid))
}

/// `POST .../virtual/validate`: the create checks without creating. Quota problems
/// are reported in `machinePools.results[].errors`, profile problems in the
/// profile's `packs.results[].errors`; other problems are the create's errors.
async fn validate(
    State(app): State<SharedState>,
    scope: Scope,
    JsonBody(entity): JsonBody<VirtualClusterEntity>,
) -> ApiResult<Json<Value>> {
    let now = app.now();
    let timings = app.timings;
    let profile_uids: Vec<String> = entity.profile_uids();
    let outcome = app.store.run(move |tx| Ok(plan(tx, &scope, new_uid(), entity, now, &timings).map(drop))).await?;
    let error_of = |err: &ApiError| json!([{ "code": err.code, "message": err.message }]);
    let (pool_errors, profile_errors) = match &outcome {
        Ok(()) => (json!([]), json!([])),
        Err(err) if err.code == capacity::QUOTA_EXCEEDED => (error_of(err), json!([])),
        Err(err) if err.code == attachment::DUPLICATE_PACKS || err.message.contains("profile") => (json!([]), error_of(err)),
        Err(err) => return Err(err.clone()),
    };
    let profiles: Vec<Value> = profile_uids
        .iter()
        .map(|uid| json!({ "uid": uid, "packs": { "results": [{ "name": uid, "displayName": uid, "errors": profile_errors }] } }))
        .collect();
    Ok(Json(json!({
        "machinePools": { "results": [{ "name": "worker-pool", "displayName": "Worker Pool", "errors": pool_errors }] },
        "profiles": profiles,
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DistroQuery {
    kubernetes_distro_type: Option<String>,
}

/// Default vcluster chart values per distribution.
fn distro_values(distro: &str) -> String {
    let (image, extra) = match distro {
        "k3s" => ("rancher/k3s:v1.30.4-k3s1", "  k3s:\n    enabled: true\n"),
        "cncf_k8s" => ("registry.k8s.io/kube-apiserver:v1.30.4", "  k8s:\n    enabled: true\n"),
        _ => ("ghcr.io/loft-sh/vcluster-pro:0.20.0", "  k8s:\n    enabled: true\n"),
    };
    format!(
        "controlPlane:\n  distro:\n{extra}    image: {image}\n  statefulSet:\n    resources:\n      limits:\n        memory: 2Gi\n      requests:\n        cpu: 200m\n        memory: 256Mi\nsync:\n  toHost:\n    ingresses:\n      enabled: true\n"
    )
}

async fn pack_values(QueryParams(query): QueryParams<DistroQuery>) -> ApiResult<Json<Value>> {
    let distros: Vec<&str> = match query.kubernetes_distro_type.as_deref().filter(|d| !d.is_empty()) {
        None => DISTROS.to_vec(),
        Some(distro) if DISTROS.contains(&distro) => vec![distro],
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "kubernetesDistroType: invalid value '{other}', expected one of {}",
                DISTROS.join(", ")
            )))
        }
    };
    let packs: Vec<Value> = distros.iter().map(|d| json!({ "distroType": d, "layer": "k8s", "values": distro_values(d) })).collect();
    Ok(Json(json!({ "packs": packs })))
}

#[derive(Debug, Default, Deserialize)]
struct NameQuery {
    name: Option<String>,
}

/// 204 when `name` is a valid cluster name free in the caller's scope.
async fn validate_cluster_name(
    State(app): State<SharedState>,
    scope: Scope,
    QueryParams(query): QueryParams<NameQuery>,
) -> ApiResult<NoContent> {
    let name = query.name.map(|name| name.trim().to_string()).filter(|name| !name.is_empty());
    let name = name.ok_or_else(|| ApiError::bad_request("query parameter name is required"))?;
    validate_name(&name)?;
    let now = app.now();
    app.store.run(move |tx| ensure_unique_name(tx, &scope, &name, None, now)).await?;
    Ok(NoContent)
}

async fn read(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let now = app.now();
    let view = app.store.run(move |tx| {
        let row = load(tx, &uid, &scope, now)?;
        let ctx = ViewContext { tx, now, tenant_uid: tenant_uid(tx)? };
        cluster_views::cluster_view(&ctx, &row.value)
    })
    .await?;
    Ok(Json(view))
}

async fn status(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let now = app.now();
    let state = app.store.run(move |tx| Ok(cluster_views::state(&load(tx, &uid, &scope, now)?.value, now))).await?;
    Ok(Json(json!({ "status": { "state": state } })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeleteQuery {
    force_delete: Option<bool>,
}

/// Starts deleting a virtual cluster (`forceDelete`: gone at once). A host cluster
/// goes at once, unless cluster groups or virtual clusters still use it (409).
async fn remove(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    QueryParams(query): QueryParams<DeleteQuery>,
) -> ApiResult<NoContent> {
    let now = app.now();
    let timings = app.timings;
    let force = query.force_delete.unwrap_or(false);
    app.store.run(move |tx| match load(tx, &uid, &scope, now)?.value {
        Cluster::Virtual(mut cluster) => {
            cluster.lifecycle.request_deletion(now, force, &timings);
            if cluster.state(now) == ClusterState::Gone {
                return cluster::purge(tx, &cluster);
            }
            cluster.metadata.deletion_timestamp = timestamp_of(now);
            collection::save(tx, &*cluster, now)
        }
        Cluster::Host(host) => {
            let users = tx.referrers(KIND, &uid)?;
            if !users.is_empty() {
                let names: Vec<String> = users.iter().map(|(kind, uid)| format!("{kind} {uid}")).collect();
                return Err(ApiError::in_use(format!("host cluster '{}' is in use by {}", host.name(), names.join(", "))));
            }
            tx.delete(KIND, &uid)?;
            Ok(())
        }
    })
    .await?;
    Ok(NoContent)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LifecycleBody {
    lifecycle_config: settings::LifecycleConfig,
}

/// Pause (`pause: true`) or resume; repeating the current request changes nothing.
async fn set_lifecycle(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<LifecycleBody>,
) -> ApiResult<NoContent> {
    let timings = app.timings;
    modify(&app, uid, scope, move |_, now, cluster| {
        cluster.lifecycle.request_power(body.lifecycle_config.pause, now, &timings);
        Ok(())
    })
    .await
}
