//! App deployments (§7.6): an application profile deployed into a virtual cluster,
//! either an existing one (`POST /v1/appDeployments`) or one created for it in a
//! cluster group (`POST /v1/appDeployments/clusterGroup`, with `clusterLimits` as its
//! quota).
//!
//! `status.state` follows the cluster: `Pending` until it runs, `Deploying` for
//! `--pause-seconds` after that (or after the deployment, when later), then
//! `Deployed`; `status.lifecycleStatus` is the cluster's pause/resume status. A
//! deployment records references to its cluster and its application profile (which
//! therefore cannot be deleted while deployed); once its cluster is gone, the
//! deployment goes too (the next request that meets it removes it).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::virtual_clusters::{self, VirtualClusterEntity};
use super::{load_virtual, now, null_as_default, run, InstanceType, NamedRef, VirtualCluster, KIND};
use crate::palette_local::error::{ApiError, ApiResult};
use crate::palette_local::extract::{Created, JsonBody, NoContent, PathParams};
use crate::palette_local::lifecycle::{timestamp_of, Millis, State as ClusterState};
use crate::palette_local::model::{new_uid, require_uid, MetaInput, ObjectMeta};
use crate::palette_local::routes::appprofiles::{self, AppProfile};
use crate::palette_local::scope::Scope;
use crate::palette_local::server::SharedState;
use crate::palette_local::store::{Row, Tx};

pub const DEPLOYMENT_KIND: &str = "appdeployment";
const LABEL: &str = "app deployment";

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/appDeployments", post(deploy))
        .route("/v1/appDeployments/clusterGroup", post(deploy_in_group))
        .route("/v1/appDeployments/{uid}", get(read).delete(remove))
}

/// A stored deployment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppDeployment {
    pub metadata: ObjectMeta,
    pub cluster: NamedRef,
    pub cluster_group: Option<NamedRef>,
    pub profile: NamedRef,
    pub deployed_at: Millis,
}

#[derive(Debug, Deserialize)]
struct DeploymentEntity<T> {
    metadata: MetaInput,
    spec: DeploymentSpec<T>,
}

#[derive(Debug, Deserialize)]
struct DeploymentSpec<T> {
    config: TargetConfig<T>,
    profile: ProfileRef,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TargetConfig<T> {
    target_spec: T,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileRef {
    app_profile_uid: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClusterTarget {
    cluster_uid: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupTarget {
    cluster_group_uid: String,
    cluster_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    cluster_limits: ClusterLimits,
}

/// `v1AppDeploymentTargetClusterLimits`: CPU cores, MiB, GiB.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ClusterLimits {
    cpu: i32,
    #[serde(rename = "memoryMiB")]
    memory_mib: i32,
    #[serde(rename = "storageGiB")]
    storage_gib: i32,
}

/// What a deployment needs before anything is written: a free name and the profile.
struct Prepared {
    metadata: MetaInput,
    name: String,
    profile: Row<AppProfile>,
}

fn prepare(tx: &Tx<'_>, scope: &Scope, metadata: MetaInput, profile_uid: &str) -> ApiResult<Prepared> {
    let name = metadata.required_name()?;
    if tx.list_named::<AppDeployment>(DEPLOYMENT_KIND, scope, &name)?.iter().any(|row| &row.owner == scope) {
        return Err(ApiError::duplicate(format!("an app deployment named '{name}' already exists")));
    }
    let profile = appprofiles::load(tx, profile_uid, scope)?;
    Ok(Prepared { metadata, name, profile })
}

/// Stores a prepared deployment into `cluster`.
fn insert(tx: &Tx<'_>, scope: &Scope, prepared: Prepared, cluster: &VirtualCluster, now: Millis, delay: Millis) -> ApiResult<String> {
    let Prepared { metadata, name, profile } = prepared;
    let uid = new_uid();
    let deployment = AppDeployment {
        metadata: ObjectMeta::create(uid.clone(), name.clone(), metadata, scope, &timestamp_of(now)),
        cluster: NamedRef { uid: cluster.metadata.uid.clone(), name: cluster.metadata.name.clone() },
        cluster_group: cluster.spec.placement.cluster_group.clone(),
        profile: NamedRef { uid: profile.uid.clone(), name: profile.value.metadata.name.clone() },
        deployed_at: now.max(cluster.lifecycle.running_from()).saturating_add(delay),
    };
    tx.insert(DEPLOYMENT_KIND, scope, &uid, &name, &deployment)?;
    tx.set_references(DEPLOYMENT_KIND, &uid, &[(KIND, &cluster.metadata.uid), (appprofiles::KIND, &profile.uid)])?;
    Ok(uid)
}

fn delay(app: &SharedState) -> Millis {
    i64::try_from(app.timings.pause.as_millis()).unwrap_or(i64::MAX)
}

async fn deploy(
    State(app): State<SharedState>,
    scope: Scope,
    JsonBody(entity): JsonBody<DeploymentEntity<ClusterTarget>>,
) -> ApiResult<Created> {
    let now = now(&app);
    let delay = delay(&app);
    let uid = run(&app, move |tx| {
        let cluster = load_virtual(tx, &entity.spec.config.target_spec.cluster_uid, &scope, now)?.value;
        cluster.ensure_mutable(now)?;
        let prepared = prepare(tx, &scope, entity.metadata, &entity.spec.profile.app_profile_uid)?;
        insert(tx, &scope, prepared, &cluster, now, delay)
    })
    .await?;
    Ok(Created(uid))
}

async fn deploy_in_group(
    State(app): State<SharedState>,
    scope: Scope,
    JsonBody(entity): JsonBody<DeploymentEntity<GroupTarget>>,
) -> ApiResult<Created> {
    let now = now(&app);
    let delay = delay(&app);
    let timings = app.timings;
    let uid = run(&app, move |tx| {
        let prepared = prepare(tx, &scope, entity.metadata, &entity.spec.profile.app_profile_uid)?;
        let target = entity.spec.config.target_spec;
        let limits = target.cluster_limits;
        let quota = InstanceType {
            max_cpu: limits.cpu,
            max_mem_in_mib: limits.memory_mib,
            max_storage_gib: limits.storage_gib,
            ..InstanceType::default()
        };
        let request = VirtualClusterEntity::in_group(target.cluster_name, target.cluster_group_uid, quota);
        let cluster = virtual_clusters::insert(tx, &scope, new_uid(), request, now, &timings)?;
        insert(tx, &scope, prepared, &cluster, now, delay)
    })
    .await?;
    Ok(Created(uid))
}

/// A deployment as seen from `scope`, with its live cluster; a deployment whose
/// cluster is gone is removed and answers 404.
fn load(tx: &Tx<'_>, uid: &str, scope: &Scope, now: Millis) -> ApiResult<(AppDeployment, VirtualCluster)> {
    require_uid(uid)?;
    let deployment = tx.get_visible::<AppDeployment>(DEPLOYMENT_KIND, LABEL, uid, scope)?.value;
    match load_virtual(tx, &deployment.cluster.uid, scope, now) {
        Ok(cluster) => Ok((deployment, cluster.value)),
        Err(err) if err.status.as_u16() == 404 => {
            tx.delete(DEPLOYMENT_KIND, uid)?;
            Err(ApiError::not_found(LABEL, uid))
        }
        Err(err) => Err(err),
    }
}

fn state(deployment: &AppDeployment, cluster: &VirtualCluster, now: Millis) -> &'static str {
    if cluster.state(now) != ClusterState::Running {
        "Pending"
    } else if now < deployment.deployed_at {
        "Deploying"
    } else {
        "Deployed"
    }
}

async fn read(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let now = now(&app);
    let view = run(&app, move |tx| {
        let (deployment, cluster) = load(tx, &uid, &scope, now)?;
        let profile = appprofiles::load(tx, &deployment.profile.uid, &scope)?.value;
        let state = state(&deployment, &cluster, now);
        let tiers: Vec<Value> = profile
            .tiers
            .iter()
            .map(|tier| {
                json!({ "name": tier.name, "uid": tier.uid, "type": tier.tier_type, "version": tier.version,
                                    "condition": { "type": "Ready", "status": if state == "Deployed" { "True" } else { "False" } } })
            })
            .collect();
        let group = deployment.cluster_group.clone().unwrap_or_default();
        Ok(json!({
            "metadata": deployment.metadata,
            "spec": {
                "config": { "targetSpec": { "clusterUid": deployment.cluster.uid, "clusterName": deployment.cluster.name,
                                            "clusterGroupUid": group.uid, "envType": "nested" } },
                "profile": { "metadata": { "name": profile.metadata.name, "uid": deployment.profile.uid },
                             "template": { "appTiers": profile.tiers.iter().map(|tier| tier.view()).collect::<Vec<_>>() } },
            },
            "status": {
                "state": state,
                "lifecycleStatus": { "status": cluster.lifecycle.power(now).as_str(), "msg": "" },
                "appTiers": tiers,
            },
        }))
    })
    .await?;
    Ok(Json(view))
}

async fn remove(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<NoContent> {
    let now = now(&app);
    run(&app, move |tx| {
        load(tx, &uid, &scope, now)?;
        tx.delete(DEPLOYMENT_KIND, &uid)?;
        Ok(())
    })
    .await?;
    Ok(NoContent)
}
