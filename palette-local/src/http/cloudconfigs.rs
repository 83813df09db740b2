//! Virtual cloud configs (§9.5): `spec.cloudConfigRef` of a virtual cluster. Reading
//! one shows the cluster's chart, Kubernetes version and quota; `resize` changes the
//! quota (checked against the host cluster and cluster group like a create);
//! `clusterConfig` replaces the chart settings.

use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::spectroclusters::modify;
use crate::domain::cluster::settings;
use crate::domain::placement;
use crate::domain::cluster::{find_host, list_virtual, load_virtual, InstanceType, VirtualClusterConfig, CLOUD_CONFIG_KIND};
use crate::domain::cluster_group::{self, ClusterGroup};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, NoContent, PathParams};
use crate::model::{require_uid, ObjectMeta};
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::Tx;

const LABEL: &str = "virtual cloud config";

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/cloudconfigs/virtual/{configUid}", get(read))
        .route("/v1/cloudconfigs/virtual/{configUid}/resize", put(resize))
        .route("/v1/cloudconfigs/virtual/{configUid}/clusterConfig", put(set_cluster_config))
}

/// The UID of the cluster owning cloud config `config_uid`, as seen from `scope`.
fn cluster_of(tx: &Tx<'_>, config_uid: &str, scope: &Scope) -> ApiResult<String> {
    require_uid(config_uid)?;
    let row = tx.get_visible::<Value>(CLOUD_CONFIG_KIND, LABEL, config_uid, scope)?;
    Ok(row.value["clusterUid"].as_str().unwrap_or_default().to_string())
}

async fn read(State(app): State<SharedState>, scope: Scope, PathParams(config_uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let now = app.now();
    let view = app.store.run(move |tx| {
        let cluster_uid = cluster_of(tx, &config_uid, &scope)?;
        let cluster = load_virtual(tx, &cluster_uid, &scope, now)?.value;
        let metadata = ObjectMeta {
            name: format!("{}-config", cluster.metadata.name),
            uid: config_uid.clone(),
            labels: Default::default(),
            annotations: cluster
                .metadata
                .annotations
                .iter()
                .filter(|(key, _)| *key == "scope")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            ..cluster.metadata.clone()
        };
        Ok(json!({
            "apiVersion": "v1",
            "kind": "VirtualCloudConfig",
            "metadata": metadata,
            "spec": {
                "hostClusterUid": cluster.spec.placement.host_cluster.uid,
                "clusterConfig": cluster.spec.cloud_config,
                "machinePoolConfig": [{
                    "name": "worker-pool", "isControlPlane": false, "size": 1, "minSize": 1, "maxSize": 1,
                    "instanceType": cluster.spec.quota, "labels": ["worker"], "taints": [],
                    "additionalLabels": {}, "additionalTags": {}, "additionalAnnotations": {}, "azs": [],
                    "useControlPlaneAsWorker": false, "machinePoolProperties": { "archType": "amd64" },
                    "updateStrategy": { "type": "RollingUpdateScaleOut" },
                }],
            },
            "status": { "conditions": [], "isAddonLayer": false },
        }))
    })
    .await?;
    Ok(Json(view))
}

async fn cluster_uid(app: &SharedState, config_uid: String, scope: Scope) -> ApiResult<String> {
    app.store.run(move |tx| cluster_of(tx, &config_uid, &scope)).await
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResizeBody {
    instance_type: InstanceType,
}

/// A new quota: it must fit next to the other virtual clusters on the host cluster
/// and in the group, and still hold the namespaces' allocations.
async fn resize(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(config_uid): PathParams<String>,
    JsonBody(body): JsonBody<ResizeBody>,
) -> ApiResult<NoContent> {
    let quota = body.instance_type;
    quota.validate()?;
    let uid = cluster_uid(&app, config_uid, scope.clone()).await?;
    modify(&app, uid, scope, move |tx, now, cluster| {
        let live = list_virtual(tx, now)?;
        let placement = &cluster.spec.placement;
        let host = find_host(tx, &placement.host_cluster.uid)?
            .ok_or_else(|| ApiError::internal(format!("host cluster '{}' of the cluster is missing", placement.host_cluster.uid)))?;
        let group = cluster.group_uid().map(|group| tx.get::<ClusterGroup>(cluster_group::KIND, group)).transpose()?.flatten();
        placement::ensure_room(&live, &host, group.as_ref(), quota.resources(), Some(&cluster.metadata.uid))?;
        settings::ensure_namespaces_fit(&cluster.spec.namespaces, &quota, &cluster.metadata.name)?;
        cluster.spec.quota = quota;
        Ok(())
    })
    .await
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClusterConfigBody {
    cluster_config: VirtualClusterConfig,
}

/// Replaces the chart and Kubernetes version; an empty endpoint keeps the current one.
async fn set_cluster_config(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(config_uid): PathParams<String>,
    JsonBody(body): JsonBody<ClusterConfigBody>,
) -> ApiResult<NoContent> {
    let uid = cluster_uid(&app, config_uid, scope.clone()).await?;
    modify(&app, uid, scope, move |_, _, cluster| {
        let mut config = body.cluster_config;
        if config.control_plane_endpoint.host.is_empty() {
            config.control_plane_endpoint = cluster.spec.cloud_config.control_plane_endpoint.clone();
        }
        cluster.spec.cloud_config = config;
        Ok(())
    })
    .await
}
