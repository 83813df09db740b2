//! `spectrocloud_virtual_cluster`: a Kubernetes cluster running inside a host
//! cluster or a cluster group, with its quota, lifecycle (pause and resume),
//! add-on profiles, day-2 settings and kubeconfigs.
//!
//! Every setting the create call accepts is sent with it; every attribute is
//! read back; changes the API cannot make in place replace the cluster.

mod model;
mod schema;
pub mod wait;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use async_trait::async_trait;

use crate::domain::profile_attachment as attachment;
use super::common::{check_failure, has_tag, looks_like_uid, split_import_id};
use model::{ClusterModel, Observed, SCAN_DRIVERS};
use schema::MIN_FORCE_DELETE_DELAY_MINUTES;
use wait::{wait_for, Target};
use crate::client::models::ProfileAttachments;
use crate::client::{ClientError, Scope};
use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::protocol::diagnostics::AttributePath;
use terraform_plugin::framework::private::PrivateState;
use terraform_plugin::framework::resource::{CreateRequest, Resource, StateUpgrader, UpdateRequest};
use terraform_plugin::framework::schema::Schema;
use terraform_plugin::framework::timeouts::Timeouts;
use terraform_plugin::framework::wait::{CheckError, WaitError};
use terraform_plugin::protocol::value::{Type, Value};
use crate::provider::{api_failure, call, Palette};

pub const TYPE_NAME: &str = "spectrocloud_virtual_cluster";
/// Tag key the official provider honours: skip the profile-apply wait (and
/// `schema::SKIP_COMPLETION_TAG` the create wait).
const SKIP_APPLY_TAG: &str = "skip_apply";
/// Attributes schema version 3 added, with the value version 2 state gets.
const ADDED_IN_VERSION_3: [(&str, fn() -> Value); 3] = [
    ("update_worker_pools_in_parallel", || Value::Bool(false)),
    ("cluster_timezone", || Value::string("")),
    ("renew_k8s_certificates_now", || Value::Null),
];
/// The API's error code for a quota that does not fit.
const QUOTA_EXCEEDED: &str = "QuotaExceeded";

/// A virtual cluster wait that ended without reaching its target: how, and
/// the last state seen; or, for a check that failed for good, its error.
fn interrupted(error: WaitError<CheckError<ClientError>>) -> Result<(String, String), ResourceError> {
    error.ending().map_err(|failure| check_failure(failure, "Cannot read the virtual cluster while waiting"))
}

/// A create or update error from the API; quota over-commits point at `resources`.
fn api_error(summary: &str, error: ClientError) -> ResourceError {
    match error.api() {
        Some(api) if api.code == QUOTA_EXCEEDED => {
            ResourceError::at(AttributePath::attr("resources"), "The virtual cluster's quota does not fit", api.message.clone())
        }
        _ => api_failure(summary, &error).into(),
    }
}

pub struct VirtualClusterResource;

impl VirtualClusterResource {
    /// Reads everything the model holds; `None` when the cluster is gone.
    /// One round trip: the sub-resources are asked for together with the
    /// cluster (the cloud config by the UID the prior state recorded), and
    /// only a cloud config the cluster names otherwise is read after it.
    async fn observe(&self, ctx: &Context<Palette>, scope: &Scope, uid: &str, prior: &ClusterModel) -> Result<Option<Observed>, ResourceError> {
        let client = &ctx.data().client;
        let c = call(ctx);
        let cloud_config = |config_uid: Option<String>| {
            let c = &c;
            async move {
                match config_uid {
                    Some(config_uid) => client.get_virtual_cloud_config(c, scope, &config_uid).await,
                    None => Ok(None),
                }
            }
        };
        let declares_variables = prior.cluster_profile.iter().flatten().any(|p| p.variables.as_ref().is_some_and(|v| !v.is_empty()));
        let variables = async {
            if !declares_variables {
                return Ok::<_, ClientError>(None);
            }
            let listed = client.get_cluster_variables(&c, scope, uid).await?;
            let by_profile: BTreeMap<String, BTreeMap<String, String>> =
                listed.into_iter().map(|p| (p.profile_uid, p.variables.into_iter().map(|v| (v.definition.name, v.value)).collect())).collect();
            Ok(Some(by_profile))
        };
        let sub_resources = async {
            tokio::try_join!(
                client.get_cluster_kubeconfig(&c, scope, uid),
                client.get_cluster_admin_kubeconfig(&c, scope, uid),
                cloud_config(prior.cloud_config_id.clone()),
                variables,
                client.get_cluster_namespaces(&c, scope, uid),
                client.get_cluster_rbacs(&c, scope, uid),
                client.get_cluster_backup(&c, scope, uid),
                client.get_cluster_compliance_scan(&c, scope, uid),
            )
        };
        let (cluster, sub_resources) = tokio::join!(client.get_cluster(&c, scope, uid), sub_resources);
        // A cluster that is gone makes its sub-resources' answers moot.
        let Some(cluster) = cluster?.filter(|cluster| !cluster.is_deleted()) else {
            return Ok(None);
        };
        let (kubeconfig, admin_kubeconfig, mut cloud, variables, namespaces, rbacs, backup, scan) = sub_resources?;
        if cluster.cloud_config_uid() != prior.cloud_config_id.as_deref() {
            cloud = cloud_config(cluster.cloud_config_uid().map(str::to_string)).await?;
        }
        let backup = backup.and_then(|b| b.spec.config);
        let scan = scan.map(|s| SCAN_DRIVERS.iter().filter_map(|d| s.schedule_of(d).map(|cron| (*d, cron.to_string()))).collect());
        Ok(Some(Observed {
            quota: cloud.as_ref().and_then(|c| c.quota().cloned()),
            cloud_config: cloud.and_then(|c| c.spec.cluster_config),
            cluster,
            kubeconfig,
            admin_kubeconfig,
            variables,
            namespaces,
            rbacs,
            backup,
            scan,
        }))
    }

    async fn read_model(&self, ctx: &Context<Palette>, prior: &ClusterModel) -> Result<Option<ClusterModel>, ResourceError> {
        let scope = ctx.data().project_scope();
        let uid = prior.id.clone().unwrap_or_default();
        Ok(self.observe(ctx, &scope, &uid, prior).await?.map(|observed| observed.model(prior)))
    }

    /// The state after a write: what the API reports, keeping the planned
    /// values (Terraform requires them) and config-only attributes.
    async fn settled_state(&self, ctx: &Context<Palette>, planned: &ClusterModel) -> Result<ClusterModel, ResourceError> {
        let read = self.read_model(ctx, planned).await?.ok_or_else(|| ResourceError::new("The virtual cluster disappeared", "It was deleted while being changed."))?;
        let merged = ClusterModel {
            kubeconfig: read.kubeconfig,
            admin_kube_config: read.admin_kube_config,
            cloud_config_id: read.cloud_config_id,
            location_config: read.location_config,
            id: read.id,
            ..planned.clone()
        };
        Ok(merged)
    }

    /// Waits and turns a failed wait into an error naming what was awaited.
    async fn wait(&self, ctx: &Context<Palette>, uid: &str, target: Target, what: &str) -> Result<(), ResourceError> {
        let scope = ctx.data().project_scope();
        wait_for(ctx, &scope, uid, target).await.map_err(|error| match interrupted(error) {
            Ok((why, _)) => ResourceError::new(format!("The virtual cluster did not {what}"), format!("The wait {why}.")),
            Err(failure) => failure,
        })
    }

    async fn update_profiles(&self, ctx: &Context<Palette>, uid: &str, prior: &ClusterModel, model: &ClusterModel) -> Result<(), ResourceError> {
        let client = &ctx.data().client;
        let scope = ctx.data().project_scope();
        let wanted: BTreeSet<&str> = model.cluster_profile.iter().flatten().map(|p| p.id.as_str()).collect();
        let removed: Vec<String> = prior.cluster_profile.iter().flatten().map(|p| p.id.clone()).filter(|id| !wanted.contains(id.as_str())).collect();
        if !removed.is_empty() {
            client.delete_cluster_profiles(&call(ctx), &scope, uid, &removed).await?;
        }
        let profiles = attachment::attachments(model.cluster_profile.as_deref());
        if profiles.is_empty() {
            return Ok(());
        }
        let body = ProfileAttachments { profiles, spc_apply_settings: Some(model.apply_settings()) };
        client.patch_cluster_profiles(&call(ctx), &scope, uid, &body, true).await.map_err(|e| api_error("Cannot attach the cluster profiles", e))?;
        if has_tag(model.tags.as_ref(), SKIP_APPLY_TAG) {
            return Ok(());
        }
        self.wait(ctx, uid, Target::ProfilesApplied, "apply its profile changes").await
    }

    /// The day-2 calls for every changed setting, in the official provider's order.
    async fn apply_changes(&self, ctx: &Context<Palette>, uid: &str, prior: &ClusterModel, model: &ClusterModel) -> Result<(), ResourceError> {
        let client = &ctx.data().client;
        let scope = ctx.data().project_scope();
        let c = call(ctx);
        if (&prior.name, &prior.tags, &prior.description) != (&model.name, &model.tags, &model.description) {
            client.patch_cluster_metadata(&c, &scope, uid, &model.metadata()).await?;
        }
        if prior.namespaces != model.namespaces {
            client.put_cluster_namespaces(&c, &scope, uid, &model.namespaces_api()).await.map_err(|e| api_error("Cannot set the namespaces", e))?;
        }
        if prior.cluster_rbac_binding != model.cluster_rbac_binding {
            client.put_cluster_rbacs(&c, &scope, uid, &model.rbacs_api()).await?;
        }
        if prior.os_patch_settings() != model.os_patch_settings() {
            client.set_cluster_os_patch(&c, &scope, uid, &model.os_patch()).await?;
        }
        if prior.cluster_profile != model.cluster_profile {
            self.update_profiles(ctx, uid, prior, model).await?;
        }
        if prior.backup_policy != model.backup_policy {
            let backup = model.backup().ok_or_else(|| {
                ResourceError::at(AttributePath::attr("backup_policy"), "The backup policy cannot be destroyed", "Palette cannot remove a cluster's backup policy; keep the block or replace the cluster.")
            })?;
            let create = prior.backup_policy.as_ref().is_none_or(Vec::is_empty);
            client.set_cluster_backup(&c, &scope, uid, &backup, create).await?;
        }
        if prior.scan_policy != model.scan_policy {
            if let Some(scan) = model.scan() {
                let create = prior.scan_policy.as_ref().is_none_or(Vec::is_empty);
                client.set_cluster_compliance_scan(&c, &scope, uid, &scan, create).await?;
            }
        }
        if prior.pause_agent_upgrades != model.pause_agent_upgrades {
            client.set_cluster_upgrade_lock(&c, &scope, uid, model.upgrades_locked()).await?;
        }
        if prior.cluster_timezone != model.cluster_timezone {
            if let Some(timezone) = model.cluster_timezone.as_deref().filter(|t| !t.is_empty()) {
                client.set_cluster_timezone(&c, &scope, uid, timezone).await?;
            }
        }
        if prior.renew_k8s_certificates_now != model.renew_k8s_certificates_now && model.renew_k8s_certificates_now.as_deref().is_some_and(|t| !t.is_empty()) {
            client.renew_cluster_certificates(&c, &scope, uid).await?;
        }
        let config_uid = model.cloud_config_id.clone().or_else(|| prior.cloud_config_id.clone()).unwrap_or_default();
        if prior.resources != model.resources {
            if let Some(quota) = model.quota() {
                client.resize_virtual_cluster(&c, &scope, &config_uid, &quota).await.map_err(|e| api_error("Cannot resize the virtual cluster", e))?;
            }
        }
        if prior.cloud_config != model.cloud_config {
            // A removed block resets the chart settings to Palette's defaults.
            let chart = model.cloud_config.iter().flatten().next().cloned().unwrap_or_default();
            client.set_virtual_cluster_config(&c, &scope, &config_uid, &chart.api()).await.map_err(|e| api_error("Cannot change the virtual cluster's chart", e))?;
        }
        if prior.paused() != model.paused() {
            client.set_cluster_paused(&c, &scope, uid, model.paused()).await?;
            let (target, what) = if model.paused() { (Target::Paused, "pause") } else { (Target::Resumed, "resume") };
            self.wait(ctx, uid, target, what).await?;
        }
        Ok(())
    }

    /// After the create call: the waits, and the one setting the create body
    /// cannot carry (the agent upgrade lock).
    async fn complete_create(&self, ctx: &Context<Palette>, uid: &str, model: &ClusterModel) -> Result<(), ResourceError> {
        if model.upgrades_locked() {
            let scope = ctx.data().project_scope();
            ctx.data().client.set_cluster_upgrade_lock(&call(ctx), &scope, uid, true).await?;
        }
        if model.skip_completion() {
            return Ok(());
        }
        let scope = ctx.data().project_scope();
        let failure = |error: WaitError<CheckError<ClientError>>, what: &str| match interrupted(error) {
            Ok((why, state)) => ResourceError::new(
                format!("Virtual cluster {:?} is not {what} yet", model.name),
                format!("The create {why}; the cluster was in state {state}. It is recorded in the state as tainted: the next apply replaces it."),
            ),
            Err(failure) => failure,
        };
        wait_for(ctx, &scope, uid, Target::RunningHealthy).await.map_err(|e| failure(e, "running and healthy"))?;
        if model.paused() {
            wait_for(ctx, &scope, uid, Target::Paused).await.map_err(|e| failure(e, "paused"))?;
        }
        Ok(())
    }
}
#[async_trait]
impl Resource<Palette> for VirtualClusterResource {
    type Model = ClusterModel;

    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    fn timeouts(&self) -> Timeouts {
        Timeouts::uniform(Duration::from_secs(60 * 60))
    }

    async fn create(&self, ctx: &Context<Palette>, request: CreateRequest<'_, ClusterModel>, _private: &mut PrivateState) -> Result<ClusterModel, ResourceError> {
        let mut model = request.planned;
        let scope = ctx.data().project_scope();
        let uid = ctx.data().client.create_virtual_cluster(&call(ctx), &scope, &model.entity()).await.map_err(|e| api_error("Cannot create the virtual cluster", e))?;
        model.id = Some(uid.clone());
        if let Err(error) = self.complete_create(ctx, &uid, &model).await {
            // The cluster exists: Terraform must record it (tainted) rather than lose it.
            return Err(ctx.with_partial(error, &model));
        }
        self.settled_state(ctx, &model).await.map_err(|error| ctx.with_partial(error, &model))
    }

    async fn read(&self, ctx: &Context<Palette>, prior: ClusterModel, _private: &mut PrivateState) -> Result<Option<ClusterModel>, ResourceError> {
        self.read_model(ctx, &prior).await
    }

    async fn update(&self, ctx: &Context<Palette>, request: UpdateRequest<'_, ClusterModel>, _private: &mut PrivateState) -> Result<ClusterModel, ResourceError> {
        let prior = request.prior;
        let model = request.planned;
        let uid = prior.id.clone().unwrap_or_default();
        self.apply_changes(ctx, &uid, &prior, &model).await?;
        self.settled_state(ctx, &ClusterModel { cloud_config_id: model.cloud_config_id.clone().or(prior.cloud_config_id.clone()), ..model })
            .await
    }

    async fn delete(&self, ctx: &Context<Palette>, model: ClusterModel, _private: &PrivateState) -> Result<(), ResourceError> {
        let uid = model.id.clone().unwrap_or_default();
        let client = &ctx.data().client;
        let scope = ctx.data().project_scope();
        if !model.force_delete.unwrap_or(false) {
            client.delete_cluster(&call(ctx), &scope, &uid, false).await?;
            return self.wait(ctx, &uid, Target::Gone, "finish deleting").await;
        }
        let delay = Duration::from_secs(60 * model.force_delete_delay.unwrap_or(MIN_FORCE_DELETE_DELAY_MINUTES).max(0) as u64);
        if delay > ctx.remaining() {
            return Err(ResourceError::at(
                AttributePath::attr("force_delete_delay"),
                "Force delete validation failed",
                format!("force_delete_delay ({} minutes) must not exceed the delete timeout.", delay.as_secs() / 60),
            ));
        }
        client.delete_cluster(&call(ctx), &scope, &uid, false).await?;
        let patient = wait_for(ctx, &scope, &uid, Target::GoneBy(tokio::time::Instant::now() + delay)).await;
        match patient {
            Ok(()) => Ok(()),
            Err(WaitError::Cancelled { .. }) => Err(ResourceError::new("The virtual cluster did not finish deleting", "The delete was cancelled.")),
            Err(_) => {
                tracing::debug!(cluster = %uid, "forcing the deletion");
                client.delete_cluster(&call(ctx), &scope, &uid, true).await?;
                self.wait(ctx, &uid, Target::Gone, "finish deleting").await
            }
        }
    }

    async fn import(&self, ctx: &Context<Palette>, id: &str, _private: &mut PrivateState) -> Result<ClusterModel, ResourceError> {
        let (wanted, context) = split_import_id(id, &["project", "cluster"]);
        let client = &ctx.data().client;
        let scope = ctx.data().project_scope();
        let by_uid = if looks_like_uid(wanted) { client.get_cluster(&call(ctx), &scope, wanted).await?.filter(|c| !c.is_deleted()).map(|c| c.metadata.uid) } else { None };
        let uid = match by_uid {
            Some(uid) => uid,
            None => {
                let found = client.find_clusters_by_name(&call(ctx), &scope, wanted, true).await?;
                match found.as_slice() {
                    [one] => one.metadata.uid.clone(),
                    [] => {
                        return Err(ResourceError::new(
                            format!("Cannot import virtual cluster {id:?}"),
                            "No virtual cluster has this UID or name. The import ID is `UID`, `NAME`, `UID:CONTEXT` or `NAME:CONTEXT` with CONTEXT `project` or `cluster`.",
                        ))
                    }
                    many => return Err(ResourceError::new(format!("Cannot import virtual cluster {id:?}"), format!("{} virtual clusters have this name; import by UID.", many.len()))),
                }
            }
        };
        Ok(ClusterModel { id: Some(uid), context: Some(context.unwrap_or("project").to_string()), ..ClusterModel::default() })
    }

    fn state_upgraders(&self) -> Vec<StateUpgrader> {
        let prior_type = match attachment::version_2_state_type(self.schema().block.implied_type()) {
            Type::Object(mut members) => {
                for added in ADDED_IN_VERSION_3 {
                    members.remove(added.0);
                }
                Type::Object(members)
            }
            other => other,
        };
        // `cluster_profile` became a set (converted by the framework); the
        // attributes version 3 added take their defaults.
        let upgrade = |mut state: Value| {
            for (name, default) in ADDED_IN_VERSION_3 {
                state.set(name, default());
            }
            Ok(state)
        };
        vec![StateUpgrader { version: 2, prior_type, upgrade }]
    }
}

#[cfg(test)]
mod tests;
