//! App deployments (§7.6): an application profile deployed into a virtual cluster.
//!
//! A deployment records references to its cluster and its application profile
//! (which therefore cannot be deleted while deployed). Its tiers roll out on the
//! lifecycle clock ([`rollout`]). Deleting a deployment takes `--delete-seconds`; one
//! that made its cluster in a group deletes that cluster with it and is gone when the
//! cluster is. Once its cluster is gone, a deployment is gone too: reads treat it as
//! absent and [`purge_gone`] removes it.

pub mod rollout;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::app_profile::{self, AppProfile, AppTier};
use super::cluster::{self, NamedRef, VirtualCluster};
use super::collection;
use super::tier_failures::tier_failures;
use crate::config::LifecycleTimings;
use crate::error::{ApiError, ApiResult};
use crate::lifecycle::{timestamp_of, Millis, Span};
use crate::model::{require_uid, MetaInput, ObjectMeta};
use crate::scope::Scope;
use crate::store::{Row, Tx};
use crate::uid::new_uid;
use rollout::Rollout;

pub const DEPLOYMENT_KIND: &str = super::kinds::APP_DEPLOYMENT;
pub const LABEL: &str = "app deployment";
/// Error code of changes refused while a deployment is being deleted (our choice).
pub const DEPLOYMENT_DELETING: &str = "AppDeploymentDeleting";

/// A stored deployment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppDeployment {
    pub metadata: ObjectMeta,
    pub cluster: NamedRef,
    /// The group the deployment made its cluster in; `None` for a deployment into
    /// an existing cluster.
    pub made_in_group: Option<NamedRef>,
    pub profile: NamedRef,
    pub rollout: Rollout,
    pub deletion: Option<Span>,
}

/// The profile's tiers in install order (ties keep their position).
pub fn ordered_tiers(profile: &AppProfile) -> Vec<&AppTier> {
    let mut tiers: Vec<&AppTier> = profile.tiers.iter().collect();
    tiers.sort_by_key(|tier| tier.install_order);
    tiers
}

pub fn tier_names(profile: &AppProfile) -> Vec<&str> {
    ordered_tiers(profile).into_iter().map(|tier| tier.name.as_str()).collect()
}

/// A rollout of `profile` into `cluster`, starting once the cluster runs.
pub fn plan_rollout(tx: &Tx<'_>, profile: &AppProfile, cluster: &VirtualCluster, now: Millis, timings: &LifecycleTimings, update: bool) -> ApiResult<Rollout> {
    let start = now.max(cluster.lifecycle.running_from());
    Ok(Rollout::plan(start, timings.deploy, update, &tier_names(profile), &tier_failures(tx)?))
}

/// What a deployment needs before anything is written: a free name and the profile.
pub struct Prepared {
    pub metadata: MetaInput,
    pub name: String,
    pub profile: Row<AppProfile>,
}

pub fn prepare(tx: &Tx<'_>, scope: &Scope, metadata: MetaInput, profile_uid: &str) -> ApiResult<Prepared> {
    let name = metadata.required_name()?;
    if tx.list_named::<AppDeployment>(DEPLOYMENT_KIND, scope, &name)?.iter().any(|row| &row.owner == scope) {
        return Err(ApiError::duplicate(format!("an app deployment named '{name}' already exists")));
    }
    let profile = collection::load::<AppProfile>(tx, profile_uid, scope)?;
    Ok(Prepared { metadata, name, profile })
}

pub fn record_references(tx: &Tx<'_>, deployment: &AppDeployment) -> ApiResult<()> {
    let uid = &deployment.metadata.uid;
    tx.set_references(DEPLOYMENT_KIND, uid, &[(cluster::KIND, &deployment.cluster.uid), (app_profile::KIND, &deployment.profile.uid)])
}

/// Stores a prepared deployment into `cluster` (made for it in `group`, if any).
pub fn insert(
    tx: &Tx<'_>,
    scope: &Scope,
    prepared: Prepared,
    cluster: &VirtualCluster,
    made_in_group: Option<NamedRef>,
    now: Millis,
    timings: &LifecycleTimings,
) -> ApiResult<String> {
    let Prepared { metadata, name, profile } = prepared;
    let uid = new_uid();
    let deployment = AppDeployment {
        metadata: ObjectMeta::create(uid.clone(), name.clone(), metadata, scope, &timestamp_of(now)),
        cluster: NamedRef { uid: cluster.metadata.uid.clone(), name: cluster.metadata.name.clone() },
        made_in_group,
        profile: NamedRef { uid: profile.uid.clone(), name: profile.value.metadata.name.clone() },
        rollout: plan_rollout(tx, &profile.value, cluster, now, timings, false)?,
        deletion: None,
    };
    tx.insert(DEPLOYMENT_KIND, scope, &uid, &name, &deployment)?;
    record_references(tx, &deployment)?;
    Ok(uid)
}

/// A live deployment as seen from `scope`, with its cluster; one that is gone
/// answers 404.
pub fn load(tx: &Tx<'_>, uid: &str, scope: &Scope, now: Millis) -> ApiResult<(Row<AppDeployment>, VirtualCluster)> {
    require_uid(uid)?;
    let row = tx.get_visible::<AppDeployment>(DEPLOYMENT_KIND, LABEL, uid, scope)?;
    live(tx, row, now)?.ok_or_else(|| ApiError::not_found(LABEL, uid))
}

/// `row` with its cluster, or `None` when it is gone (its deletion finished, or its
/// cluster is gone). Nothing is removed here: reads stay reads.
pub fn live(tx: &Tx<'_>, row: Row<AppDeployment>, now: Millis) -> ApiResult<Option<(Row<AppDeployment>, VirtualCluster)>> {
    let finished = row.value.made_in_group.is_none() && row.value.deletion.is_some_and(|span| span.is_done(now));
    if finished {
        return Ok(None);
    }
    match cluster::load_virtual(tx, &row.value.cluster.uid, &row.owner, now) {
        Ok(cluster) => Ok(Some((row, cluster.value))),
        Err(err) if err.status == StatusCode::NOT_FOUND => Ok(None),
        Err(err) => Err(err),
    }
}

/// Removes every deployment that is gone by `now` (see [`live`]), with its references.
pub fn purge_gone(tx: &Tx<'_>, now: Millis) -> ApiResult<()> {
    for row in tx.list_all::<AppDeployment>(DEPLOYMENT_KIND)? {
        let uid = row.uid.clone();
        if live(tx, row, now)?.is_none() {
            tx.delete(DEPLOYMENT_KIND, &uid)?;
            tx.set_references(DEPLOYMENT_KIND, &uid, &[])?;
        }
    }
    Ok(())
}

/// 409 `AppDeploymentDeleting` once a deployment's deletion has started.
pub fn ensure_not_deleting(deployment: &AppDeployment) -> ApiResult<()> {
    if deployment.deletion.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            DEPLOYMENT_DELETING,
            format!("app deployment '{}' is being deleted", deployment.metadata.name),
        ));
    }
    Ok(())
}
