//! App deployments (§7.6): an application profile deployed into a virtual cluster,
//! either an existing one (`POST /v1/appDeployments`) or one created for it in a
//! cluster group (`POST /v1/appDeployments/clusterGroup`, with `clusterLimits` as its
//! quota), plus the name search (`POST /v1/dashboard/appDeployments`) and the move
//! to another version of the profile (`GET …/profile/versions`, `PUT …/profile`).
//!
//! `status.state` is `Pending` until the cluster runs, then `Deploying` (`Updating`
//! after a profile change) while the tiers roll out ([`rollout`]), then `Deployed`;
//! `Deleting` once deleted. `status.lifecycleStatus` is the cluster's pause/resume
//! status. A deployment records references to its cluster and its application
//! profile (which therefore cannot be deleted while deployed).
//!
//! Deleting a deployment takes `--delete-seconds`; one that made its cluster in a
//! group deletes that cluster with it and is gone when the cluster is. Once its
//! cluster is gone, a deployment goes too (see [`domain::app_deployment`](crate::domain::app_deployment)).


use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::app_deployment::rollout::TierPhase;
use crate::domain::app_deployment::{
    ensure_not_deleting, insert, live, load, ordered_tiers, plan_rollout, tier_names, prepare, record_references, AppDeployment, DEPLOYMENT_KIND,
};
use crate::domain::placement::{self, VirtualClusterEntity};
use crate::model::null_as_default;
use crate::domain::cluster::{load_virtual, InstanceType, NamedRef, VirtualCluster};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Created, JsonBody, NoContent, OptionalJsonBody, PathParams, QueryParams};
use crate::filters::{sort_by_specs, FilterArray, FilterString, SortKey, SortSpec};
use crate::lifecycle::{timestamp_of, Millis, Span, State as ClusterState};
use crate::listing::PageQuery;
use crate::model::{tags_from_labels, MetaInput};
use crate::domain::app_profile::{self, AppProfile, AppTier};
use crate::domain::collection;
use crate::domain::versioned;
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::{Row, Tx};
use crate::uid::new_uid;


pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/appDeployments", post(deploy))
        .route("/v1/appDeployments/clusterGroup", post(deploy_in_group))
        .route("/v1/appDeployments/{uid}", get(read).delete(remove))
        .route("/v1/appDeployments/{uid}/profile", axum::routing::put(change_profile))
        .route("/v1/appDeployments/{uid}/profile/versions", get(profile_versions))
        .route("/v1/dashboard/appDeployments", post(search))
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

async fn deploy(
    State(app): State<SharedState>,
    scope: Scope,
    JsonBody(entity): JsonBody<DeploymentEntity<ClusterTarget>>,
) -> ApiResult<Created> {
    let now = app.now();
    let timings = app.timings;
    let uid = app.store.run(move |tx| {
        let cluster = load_virtual(tx, &entity.spec.config.target_spec.cluster_uid, &scope, now)?.value;
        cluster.ensure_mutable(now)?;
        let prepared = prepare(tx, &scope, entity.metadata, &entity.spec.profile.app_profile_uid)?;
        insert(tx, &scope, prepared, &cluster, None, now, &timings)
    })
    .await?;
    Ok(Created(uid))
}

async fn deploy_in_group(
    State(app): State<SharedState>,
    scope: Scope,
    JsonBody(entity): JsonBody<DeploymentEntity<GroupTarget>>,
) -> ApiResult<Created> {
    let now = app.now();
    let timings = app.timings;
    let uid = app.store.run(move |tx| {
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
        let cluster = placement::insert(tx, &scope, new_uid(), request, now, &timings)?;
        let group = cluster.spec.placement.cluster_group.clone();
        insert(tx, &scope, prepared, &cluster, group, now, &timings)
    })
    .await?;
    Ok(Created(uid))
}

/// Everything the views of one deployment need.
struct Observed<'a> {
    deployment: &'a AppDeployment,
    cluster: &'a VirtualCluster,
    profile: &'a AppProfile,
    now: Millis,
}

impl Observed<'_> {
    fn state(&self) -> &'static str {
        let rollout = &self.deployment.rollout;
        if self.deployment.deletion.is_some() {
            "Deleting"
        } else if self.cluster.state(self.now) != ClusterState::Running {
            "Pending"
        } else if rollout.is_complete(&tier_names(self.profile), self.now) {
            "Deployed"
        } else if rollout.update {
            "Updating"
        } else {
            "Deploying"
        }
    }

    /// `spec.config.target`: the cluster, and the environment it was chosen by.
    fn target(&self) -> Value {
        let cluster = &self.deployment.cluster;
        let environment = match &self.deployment.made_in_group {
            Some(group) => json!({ "type": "clusterGroup", "uid": group.uid, "name": group.name }),
            None => json!({ "type": "nestedCluster", "uid": cluster.uid, "name": cluster.name }),
        };
        json!({ "clusterRef": { "deploymentClusterType": "virtual", "uid": cluster.uid, "name": cluster.name }, "envRef": environment })
    }

    /// `status.appTiers` (`v1ClusterPackStatus` each).
    fn tiers(&self) -> Vec<Value> {
        let tiers = ordered_tiers(self.profile);
        let names: Vec<&str> = tiers.iter().map(|tier| tier.name.as_str()).collect();
        let phases = self.deployment.rollout.phases(&names, self.now);
        tiers
            .iter()
            .zip(phases)
            .map(|(tier, phase)| {
                let (condition_type, status, reason, message, since) = match phase {
                    TierPhase::Pending => ("Ready", "False", "Pending", String::new(), None),
                    TierPhase::Deploying { since } => ("Ready", "False", "Deploying", String::new(), Some(since)),
                    TierPhase::Ready { since } => ("Ready", "True", "Deployed", String::new(), Some(since)),
                    TierPhase::Failed { since, message } => ("Error", "True", "DeployFailed", message, Some(since)),
                };
                let time = since.map(timestamp_of).unwrap_or_else(|| timestamp_of(self.now));
                json!({
                    "name": tier.name, "type": tier.tier_type, "version": tier.version, "profileUid": self.deployment.profile.uid,
                    "condition": { "type": condition_type, "status": status, "reason": reason, "message": message,
                                   "lastProbeTime": timestamp_of(self.now), "lastTransitionTime": time },
                    "startTime": time, "endTime": time, "manifests": [], "services": [],
                })
            })
            .collect()
    }

    fn profile_meta(&self) -> Value {
        json!({ "name": self.profile.metadata.name, "uid": self.deployment.profile.uid, "version": self.profile.version })
    }

    /// `v1AppDeployment`.
    fn view(&self) -> Value {
        json!({
            "metadata": self.deployment.metadata,
            "spec": {
                "config": { "target": self.target() },
                "profile": { "metadata": self.profile_meta(),
                             "template": { "appTiers": self.profile.tiers.iter().map(AppTier::view).collect::<Vec<_>>() } },
            },
            "status": {
                "state": self.state(),
                "lifecycleStatus": { "status": self.cluster.lifecycle.power(self.now).as_str(), "msg": "" },
                "appTiers": self.tiers(),
            },
        })
    }

    /// `v1AppDeploymentSummary`.
    fn summary(&self) -> Value {
        json!({
            "metadata": self.deployment.metadata,
            "spec": { "config": { "target": self.target() }, "profile": { "metadata": self.profile_meta() } },
            "status": { "state": self.state(), "appTiers": self.tiers() },
        })
    }
}

/// Builds the view `make` asks for of one loaded deployment.
fn observe<T>(tx: &Tx<'_>, row: &Row<AppDeployment>, cluster: &VirtualCluster, now: Millis, make: impl Fn(&Observed<'_>) -> T) -> ApiResult<T> {
    let profile = tx
        .get::<AppProfile>(app_profile::KIND, &row.value.profile.uid)?
        .ok_or_else(|| ApiError::internal(format!("the profile of app deployment '{}' is missing", row.value.metadata.name)))?;
    Ok(make(&Observed { deployment: &row.value, cluster, profile: &profile.value, now }))
}

async fn read(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let now = app.now();
    let view = app.store.run(move |tx| {
        let (row, cluster) = load(tx, &uid, &scope, now)?;
        observe(tx, &row, &cluster, now, |o| o.view())
    })
    .await?;
    Ok(Json(view))
}


/// Starts deleting; a deployment that made its cluster deletes the cluster too.
/// Deleting again changes nothing.
async fn remove(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<NoContent> {
    let now = app.now();
    let timings = app.timings;
    app.store.run(move |tx| {
        let (mut row, mut cluster) = load(tx, &uid, &scope, now)?;
        if row.value.deletion.is_some() {
            return Ok(());
        }
        row.value.deletion = Some(Span::lasting(now, timings.delete));
        row.value.metadata.deletion_timestamp = timestamp_of(now);
        if row.value.made_in_group.is_some() {
            cluster.lifecycle.request_deletion(now, false, &timings);
            cluster.metadata.deletion_timestamp = timestamp_of(now);
            collection::save(tx, &cluster, now)?;
        }
        tx.update(DEPLOYMENT_KIND, &row.uid, &row.value.metadata.name, &row.value)
    })
    .await?;
    Ok(NoContent)
}

/// `PUT /v1/appDeployments/{uid}/profile`: moves the deployment to another version
/// of its profile (400 for any other profile), which rolls out again.
async fn change_profile(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<ProfileRef>,
) -> ApiResult<NoContent> {
    let now = app.now();
    let timings = app.timings;
    app.store.run(move |tx| {
        let (mut row, cluster) = load(tx, &uid, &scope, now)?;
        ensure_not_deleting(&row.value)?;
        if body.app_profile_uid == row.value.profile.uid {
            return Ok(());
        }
        let current = tx.get::<AppProfile>(app_profile::KIND, &row.value.profile.uid)?;
        let wanted = collection::load::<AppProfile>(tx, &body.app_profile_uid, &scope)?;
        let same_profile = current.as_ref().is_some_and(|c| c.owner == wanted.owner && c.value.metadata.name == wanted.value.metadata.name);
        if !same_profile {
            return Err(ApiError::bad_request(format!(
                "application profile '{}' is not a version of '{}', the profile of app deployment '{}'",
                wanted.value.metadata.name, row.value.profile.name, row.value.metadata.name
            )));
        }
        row.value.rollout = plan_rollout(tx, &wanted.value, &cluster, now, &timings, true)?;
        row.value.profile = NamedRef { uid: wanted.uid.clone(), name: wanted.value.metadata.name.clone() };
        row.value.metadata.touch(&timestamp_of(now));
        tx.update(DEPLOYMENT_KIND, &row.uid, &row.value.metadata.name, &row.value)?;
        record_references(tx, &row.value)
    })
    .await?;
    Ok(NoContent)
}

/// `GET /v1/appDeployments/{uid}/profile/versions`: every version of the profile
/// (`availableVersions`, oldest first) and the newest (`latestVersions`).
async fn profile_versions(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let now = app.now();
    let view = app.store.run(move |tx| {
        let (row, _) = load(tx, &uid, &scope, now)?;
        let profile = tx
            .get::<AppProfile>(app_profile::KIND, &row.value.profile.uid)?
            .ok_or_else(|| ApiError::not_found(app_profile::LABEL, &row.value.profile.uid))?;
        let versions = versioned::versions::<AppProfile>(tx, app_profile::KIND, &profile.owner, &profile.value.metadata.name)?;
        let newest = versions.iter().max_by(|a, b| {
            crate::model::compare_versions(a["version"].as_str().unwrap_or(""), b["version"].as_str().unwrap_or(""))
        });
        Ok(json!({
            "metadata": { "name": profile.value.metadata.name, "uid": profile.uid, "version": profile.value.version },
            "availableVersions": versions,
            "latestVersions": newest.into_iter().collect::<Vec<_>>(),
        }))
    })
    .await?;
    Ok(Json(view))
}

/// `v1AppDeploymentsFilterSpec`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AppDeploymentsFilterSpec {
    filter: AppDeploymentFilter,
    sort: Vec<SortSpec<AppDeploymentSortField>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct AppDeploymentFilter {
    app_deployment_name: Option<FilterString>,
    cluster_uids: Option<FilterArray>,
    tags: Option<FilterArray>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
enum AppDeploymentSortField {
    AppDeploymentName,
    CreationTimestamp,
    LastModifiedTimestamp,
}

/// `POST /v1/dashboard/appDeployments`: the caller's scope's live deployments
/// that match the filter, as `{"appDeployments": [summary], "listmeta"}`.
async fn search(
    State(app): State<SharedState>,
    scope: Scope,
    QueryParams(page): QueryParams<PageQuery>,
    OptionalJsonBody(spec): OptionalJsonBody<AppDeploymentsFilterSpec>,
) -> ApiResult<Json<Value>> {
    let now = app.now();
    let AppDeploymentsFilterSpec { filter, sort } = spec;
    let summaries = app.store.run(move |tx| {
        let mut found = Vec::new();
        for row in tx.list::<AppDeployment>(DEPLOYMENT_KIND, &scope)? {
            let deployment = &row.value;
            let matches = filter.app_deployment_name.as_ref().is_none_or(|f| f.matches(&deployment.metadata.name))
                && filter.cluster_uids.as_ref().is_none_or(|f| f.matches(std::slice::from_ref(&deployment.cluster.uid)))
                && filter.tags.as_ref().is_none_or(|f| f.matches(&tags_from_labels(&deployment.metadata.labels)));
            if !matches {
                continue;
            }
            if let Some((row, cluster)) = live(tx, row, now)? {
                let summary = observe(tx, &row, &cluster, now, |o| o.summary())?;
                found.push((row.value.metadata, summary));
            }
        }
        sort_by_specs(&mut found, &sort, |(meta, _), field| match field {
            AppDeploymentSortField::AppDeploymentName => SortKey::Text(meta.name.clone()),
            AppDeploymentSortField::CreationTimestamp => SortKey::Text(meta.creation_timestamp.clone()),
            AppDeploymentSortField::LastModifiedTimestamp => SortKey::Text(meta.last_modified_timestamp.clone()),
        });
        Ok(found.into_iter().map(|(_, summary)| summary).collect::<Vec<_>>())
    })
    .await?;
    page.respond("appDeployments", summaries)
}
