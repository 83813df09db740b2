//! `spectrocloud_application`: an application profile deployed (App Mode) into an
//! existing virtual cluster, or into a new one made for it in a cluster group with
//! CPU, memory and storage limits.
//!
//! Create and update wait until the deployment is `Deployed` with every tier
//! ready; a tier in error fails the apply at once. Every attribute is read back,
//! `limits` from the quota of the cluster the deployment made. What the API can
//! change in place is changed in place (limits, another version of the same
//! profile); the rest replaces the deployment, as each attribute's text says.

use std::collections::BTreeSet;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

mod wait;

use wait::{wait_for, Target};
use super::common::{check_failure, has_tag, id_attribute, looks_like_uid, read_tags, split_import_id, tags_attribute};
use super::virtual_cluster::wait as cluster_wait;
use crate::client::app_deployments::{AppDeployment, AppDeploymentEntity, ClusterGroupTarget, ClusterLimits, ClusterTarget};
use crate::client::clusters::VirtualInstanceType;
use crate::client::conventions::tags_to_labels;
use crate::client::models::ObjectMeta;
use crate::client::{ClientError, Scope};
use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::framework::convert::from_value;
use terraform_plugin::protocol::diagnostics::{AttributePath, Diagnostic, Diagnostics};
use terraform_plugin::framework::modifiers::{requires_replace, requires_replace_if, use_state_for_unknown, PlanKind};
use terraform_plugin::framework::private::PrivateState;
use terraform_plugin::framework::resource::{CreateRequest, Plan, PlanRequest, Resource, UpdateRequest};
use terraform_plugin::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use terraform_plugin::framework::timeouts::{self, Operation, Timeouts};
use terraform_plugin::framework::validators::{at_least, exactly_one_of, not_empty, one_of, required_with};
use terraform_plugin::framework::wait::{CheckError, WaitError};
use terraform_plugin::protocol::value::{Type, Value};
use crate::provider::{call, Palette};

pub const TYPE_NAME: &str = "spectrocloud_application";
const SCHEMA_VERSION: i64 = 2;
const CONTEXTS: [&str; 2] = ["project", "tenant"];
/// The tag (label) with which the official provider skips the deploy wait.
/// The summary of a wait's read that Palette refused.
const READ_WHILE_WAITING: &str = "Cannot read the application deployment while waiting";
const SKIP_WAIT_TAG: &str = "skip_apps";
/// The API's error code for limits that do not fit the group.
const QUOTA_EXCEEDED: &str = "QuotaExceeded";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplicationModel {
    id: Option<String>,
    name: String,
    tags: Option<BTreeSet<String>>,
    application_profile_uid: String,
    config: Option<Vec<ConfigBlock>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct ConfigBlock {
    cluster_uid: Option<String>,
    cluster_group_uid: Option<String>,
    cluster_context: String,
    cluster_name: Option<String>,
    limits: Option<Vec<LimitsBlock>>,
}

impl ConfigBlock {
    /// The cluster group to deploy into (unset is stored as `""`).
    fn group(&self) -> Option<&str> {
        self.cluster_group_uid.as_deref().filter(|g| !g.is_empty())
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
struct LimitsBlock {
    cpu: Option<i64>,
    memory: Option<i64>,
    storage: Option<i64>,
}

fn to_i32(value: Option<i64>) -> i32 {
    value.unwrap_or(0).clamp(0, i64::from(i32::MAX)) as i32
}

impl LimitsBlock {
    fn api(&self) -> ClusterLimits {
        ClusterLimits { cpu: to_i32(self.cpu), memory_mib: to_i32(self.memory), storage_gib: to_i32(self.storage) }
    }

    /// The block as the cluster's quota reads back; `None` when it has none.
    fn from_quota(quota: &VirtualInstanceType) -> Option<LimitsBlock> {
        let limits = LimitsBlock {
            cpu: Some(i64::from(quota.max_cpu)),
            memory: Some(i64::from(quota.max_mem_in_mib)),
            storage: Some(i64::from(quota.max_storage_gib)),
        };
        (limits != LimitsBlock { cpu: Some(0), memory: Some(0), storage: Some(0) }).then_some(limits)
    }
}

fn other_context(context: &str) -> &'static str {
    if context == "tenant" {
        "project"
    } else {
        "tenant"
    }
}

fn limits_path() -> AttributePath {
    AttributePath::attr("config").index(0).attribute("limits")
}

impl ApplicationModel {
    fn config(&self) -> ConfigBlock {
        self.config.iter().flatten().next().cloned().unwrap_or_default()
    }

    fn context(&self) -> String {
        Some(self.config().cluster_context).filter(|c| !c.is_empty()).unwrap_or_else(|| "project".to_string())
    }

    fn limits(&self) -> Option<LimitsBlock> {
        self.config().limits.iter().flatten().next().copied()
    }

    fn metadata(&self) -> ObjectMeta {
        let labels = self.tags.iter().flatten().map(String::as_str);
        ObjectMeta { labels: tags_to_labels(labels), ..ObjectMeta::named(self.name.clone()) }
    }
}

/// A create or update error from the API; limits that do not fit point at `limits`.
fn api_error(summary: &str, error: ClientError) -> ResourceError {
    match error.api() {
        Some(api) if api.code == QUOTA_EXCEEDED => ResourceError::at(limits_path(), "The application's limits do not fit", api.message.clone()),
        _ => ResourceError::new(summary, error.to_string()),
    }
}

/// A deployment as found, with the scope it lives in.
struct Found {
    deployment: AppDeployment,
    context: &'static str,
    scope: Scope,
}

pub struct ApplicationResource;

impl ApplicationResource {
    /// The deployment `uid` in `context`'s scope, else in the other one.
    async fn find(&self, ctx: &Context<Palette>, uid: &str, context: &str) -> Result<Option<Found>, ResourceError> {
        for context in [if context == "tenant" { "tenant" } else { "project" }, other_context(context)] {
            let scope = ctx.data().scope(context);
            if let Some(deployment) = ctx.data().client.get_app_deployment(&call(ctx), &scope, uid).await? {
                return Ok(Some(Found { deployment, context, scope }));
            }
        }
        Ok(None)
    }

    /// The limits of the cluster a deployment made (its quota).
    async fn read_limits(&self, ctx: &Context<Palette>, scope: &Scope, cluster_uid: &str) -> Result<Option<LimitsBlock>, ResourceError> {
        let client = &ctx.data().client;
        let Some(cluster) = client.get_cluster(&call(ctx), scope, cluster_uid).await? else { return Ok(None) };
        let Some(config_uid) = cluster.cloud_config_uid() else { return Ok(None) };
        let cloud = client.get_virtual_cloud_config(&call(ctx), scope, config_uid).await?;
        Ok(cloud.as_ref().and_then(|c| c.quota()).and_then(LimitsBlock::from_quota))
    }

    /// Everything the model holds, as the API reports it; `None` when gone.
    /// `cluster_name` and `limits` describe the cluster a deployment makes in a
    /// group; with an existing cluster (`cluster_uid`) they are not sent, so
    /// what the configuration said is kept (an unset name reads as the cluster's).
    async fn read_model(&self, ctx: &Context<Palette>, prior: &ApplicationModel) -> Result<Option<ApplicationModel>, ResourceError> {
        let uid = prior.id.clone().unwrap_or_default();
        let Some(Found { deployment, context, scope }) = self.find(ctx, &uid, &prior.context()).await? else { return Ok(None) };
        let target = &deployment.spec.config.target;
        let cluster_group_uid = deployment.cluster_group_uid().map(str::to_string);
        let api_name = Some(target.cluster_ref.name.clone()).filter(|n| !n.is_empty());
        let prior_config = prior.config();
        let (cluster_name, limits) = match cluster_group_uid {
            Some(_) => (api_name, self.read_limits(ctx, &scope, deployment.cluster_uid()).await?.map(|l| vec![l])),
            None => (prior_config.cluster_name.clone().or(api_name), prior_config.limits.clone()),
        };
        let meta = &deployment.metadata;
        Ok(Some(ApplicationModel {
            id: Some(meta.uid.clone()),
            name: meta.name.clone(),
            tags: read_tags(meta),
            application_profile_uid: deployment.spec.profile.metadata.uid.clone(),
            config: Some(vec![ConfigBlock {
                cluster_uid: Some(target.cluster_ref.uid.clone()).filter(|u| !u.is_empty()),
                cluster_group_uid: Some(cluster_group_uid.unwrap_or_default()),
                cluster_context: context.to_string(),
                cluster_name,
                limits,
            }]),
        }))
    }

    async fn settled_state(&self, ctx: &Context<Palette>, model: &ApplicationModel) -> Result<ApplicationModel, ResourceError> {
        self.read_model(ctx, model)
            .await?
            .ok_or_else(|| ResourceError::new("The application deployment disappeared", "It was deleted while being changed."))
    }

    /// Waits until the deployment runs, unless the `skip_apps` tag says not to.
    async fn wait_deployed(&self, ctx: &Context<Palette>, scope: &Scope, uid: &str, model: &ApplicationModel, operation: &str) -> Result<(), ResourceError> {
        if has_tag(model.tags.as_ref(), SKIP_WAIT_TAG) {
            return Ok(());
        }
        wait_for(ctx, scope, uid, Target::Deployed).await.map_err(|error| match error.ending() {
            Err(failure) => check_failure(failure, READ_WHILE_WAITING),
            Ok((why, state)) => {
                ResourceError::new(format!("Application {:?} is not deployed yet", model.name), format!("The {operation} {why}; the deployment was in state {state}."))
            }
        })
    }

    async fn create_deployment(&self, ctx: &Context<Palette>, scope: &Scope, model: &ApplicationModel) -> Result<String, ResourceError> {
        let client = &ctx.data().client;
        let config = model.config();
        let created = match config.group() {
            Some(group) => {
                let target = ClusterGroupTarget {
                    cluster_group_uid: group.to_string(),
                    cluster_name: config.cluster_name.clone().unwrap_or_default(),
                    cluster_limits: model.limits().map(|l| l.api()),
                };
                let entity = AppDeploymentEntity::new(model.metadata(), target, model.application_profile_uid.clone());
                client.create_app_deployment_in_group(&call(ctx), scope, &entity).await
            }
            None => {
                let target = ClusterTarget { cluster_uid: config.cluster_uid.clone().unwrap_or_default() };
                let entity = AppDeploymentEntity::new(model.metadata(), target, model.application_profile_uid.clone());
                client.create_app_deployment(&call(ctx), scope, &entity).await
            }
        };
        created.map_err(|e| api_error("Cannot deploy the application", e))
    }

    /// Sets the quota of the cluster the deployment made to `limits`.
    async fn resize(&self, ctx: &Context<Palette>, scope: &Scope, cluster_uid: &str, limits: LimitsBlock) -> Result<(), ResourceError> {
        let client = &ctx.data().client;
        let missing = || ResourceError::new("Cannot change the application's limits", "The deployment's virtual cluster has no cloud configuration.");
        let cluster = client.get_cluster(&call(ctx), scope, cluster_uid).await?.ok_or_else(missing)?;
        let config_uid = cluster.cloud_config_uid().ok_or_else(missing)?.to_string();
        let current = client.get_virtual_cloud_config(&call(ctx), scope, &config_uid).await?.and_then(|c| c.quota().cloned()).unwrap_or_default();
        let api = limits.api();
        let quota = VirtualInstanceType { max_cpu: api.cpu, max_mem_in_mib: api.memory_mib, max_storage_gib: api.storage_gib, ..current };
        client.resize_virtual_cluster(&call(ctx), scope, &config_uid, &quota).await.map_err(|e| api_error("Cannot change the application's limits", e))
    }

    /// Whether the deployment can move to `profile_uid` in place (another
    /// version of its profile).
    async fn offers_version(&self, ctx: &Context<Palette>, prior: &ApplicationModel, profile_uid: &str) -> Result<bool, ResourceError> {
        let uid = prior.id.clone().unwrap_or_default();
        let Some(found) = self.find(ctx, &uid, &prior.context()).await? else { return Ok(false) };
        let versions = ctx.data().client.get_app_deployment_profile_versions(&call(ctx), &found.scope, &uid).await?;
        Ok(versions.is_some_and(|v| v.offers(profile_uid)))
    }

    /// The deployment named `name` in `context`'s scope, if exactly one is.
    async fn find_by_name(&self, ctx: &Context<Palette>, name: &str, context: &str) -> Result<Option<String>, ResourceError> {
        let scope = ctx.data().scope(context);
        let found = ctx.data().client.find_app_deployments(&call(ctx), &scope, name).await?;
        match found.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.metadata.uid.clone())),
            many => Err(ResourceError::new(
                format!("Cannot import application {name:?}"),
                format!("{} application deployments in {context} scope have this name; import by UID.", many.len()),
            )),
        }
    }
}

#[async_trait]
impl Resource<Palette> for ApplicationResource {
    type Model = ApplicationModel;

    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        let limit = |name: &str, text: &str| Attribute::new(name, Type::Number).default(Value::int(0)).description(text).validator(at_least(0));
        let limits = Block::new()
            .description("The quota of the virtual cluster made for the deployment in a cluster group: read back from that cluster, and changed in place by resizing it. With `cluster_uid` the existing cluster keeps its own quota: the block is not sent and is kept as configured.")
            .attribute(limit("cpu", "CPU cores."))
            .attribute(limit("memory", "Memory in MiB."))
            .attribute(limit("storage", "Storage in GiB."));
        let config = Block::new()
            .description("Where the application runs: an existing virtual cluster (`cluster_uid`) or a new one made for it in a cluster group (`cluster_group_uid` with `cluster_name` and `limits`).")
            .attribute(
                Attribute::new("cluster_uid", Type::String)
                    .optional()
                    .computed()
                    .description("The existing virtual cluster to deploy into. With `cluster_group_uid`, it reads back as the UID of the cluster made for the deployment.")
                    .validator(not_empty())
                    .plan_modifier(use_state_for_unknown())
                    .plan_modifier(requires_replace()),
            )
            .attribute(
                Attribute::new("cluster_group_uid", Type::String)
                    .zero_default()
                    .description("The cluster group in which a new virtual cluster is made for the deployment (and deleted with it).")
                    .validator(not_empty())
                    .plan_modifier(requires_replace()),
            )
            .attribute(
                Attribute::new("cluster_context", Type::String)
                    .default(Value::string("project"))
                    .description("The scope of the deployment and its cluster: `project` (the provider's project) or `tenant`. A deployment found in the other scope reads back with that scope.")
                    .validator(one_of(&CONTEXTS))
                    .plan_modifier(requires_replace()),
            )
            .attribute(
                Attribute::new("cluster_name", Type::String)
                    .optional()
                    .computed()
                    .description("The name of the virtual cluster made in the group (required with `cluster_group_uid`). With `cluster_uid` it is not sent: a configured name is kept as given, an unset one reads back as the cluster's name.")
                    .validator(not_empty())
                    .plan_modifier(use_state_for_unknown())
                    .plan_modifier(requires_replace_if("with `cluster_group_uid` (the cluster made for the deployment cannot be renamed)", |request, _| {
                        let group = request.parent_plan.get("cluster_group_uid");
                        group.is_unknown() || group.as_str().is_some_and(|g| !g.is_empty())
                    })),
            )
            .validator(exactly_one_of(&["cluster_uid", "cluster_group_uid"]))
            .validator(required_with("cluster_name", "cluster_group_uid"))
            .block(NestedBlock::new("limits", Nesting::List, limits));
        Schema::new(
            SCHEMA_VERSION,
            Block::new()
                .description(
                    "An application profile deployed (App Mode) into an existing virtual cluster, or into a new one made for it in a cluster group with CPU, memory and storage limits. \
                     Create and update wait until every tier is ready; a tier in error fails the apply at once. \
                     To reach the cluster from the kubernetes or helm providers, use the ephemeral resource `spectrocloud_cluster_kubeconfig` (Terraform 1.10+), which keeps the kubeconfig out of the state.",
                )
                .attribute(id_attribute())
                .attribute(
                    Attribute::new("name", Type::String)
                        .required()
                        .description("The deployment's name, unique in its scope. Palette cannot rename a deployment.")
                        .validator(not_empty())
                        .plan_modifier(requires_replace()),
                )
                .attribute(
                    tags_attribute()
                        .description("Tags, stored as the deployment's labels. Palette's API has no call that changes a deployment's labels (add `tags` to `lifecycle { ignore_changes }` to keep a deployment whose tags changed elsewhere). The tag `skip_apps` skips the wait for the tiers.")
                        .plan_modifier(requires_replace()),
                )
                .attribute(
                    Attribute::new("application_profile_uid", Type::String)
                        .required()
                        .description("The application profile (version) to deploy. Another version of the same profile is rolled out in place; any other profile, or a UID known only after apply, replaces the deployment.")
                        .validator(not_empty()),
                )
                .block(NestedBlock::new("config", Nesting::List, config).max_items(1))
                .block(timeouts::block(&[Operation::Create, Operation::Update, Operation::Delete])),
        )
    }

    fn timeouts(&self) -> Timeouts {
        Timeouts::uniform(Duration::from_secs(60 * 60))
    }

    fn validate_config(&self, config: &Value, diags: &mut Diagnostics) {
        let blocks = config.get("config");
        if blocks.as_elements().is_some_and(<[Value]>::is_empty) || blocks.is_null() {
            diags.error_at(
                AttributePath::attr("config"),
                "Missing config block",
                "A config block with `cluster_uid` (an existing virtual cluster) or `cluster_group_uid` (a new one in a cluster group) is required.",
            );
        }
        for (i, block) in blocks.as_elements().unwrap_or(&[]).iter().enumerate() {
            let limits = block.get("limits");
            let at = |name: &str| AttributePath::attr("config").index(i).attribute(name);
            if limits.as_elements().is_some_and(|l| l.len() > 1) {
                diags.error_at(at("limits"), "Too many limits blocks", "At most one `limits` block is allowed.");
            }
            let existing_cluster = !block.get("cluster_uid").is_null() && !block.get("cluster_uid").is_unknown();
            if existing_cluster && limits.as_elements().is_some_and(|l| !l.is_empty()) {
                diags.push(
                    Diagnostic::warning(
                        "Limits apply to a cluster made in a cluster group",
                        "With `cluster_uid` the application runs in an existing virtual cluster, which keeps its own quota: `limits` is not sent to Palette. Set the quota on that cluster (spectrocloud_virtual_cluster `resources`).",
                    )
                    .at(at("limits")),
                );
            }
        }
    }

    async fn modify_plan(&self, ctx: &Context<Palette>, request: &PlanRequest<'_>, plan: &mut Plan) -> Result<(), ResourceError> {
        const PROFILE: &str = "application_profile_uid";
        if request.kind != PlanKind::Update || plan.state.get(PROFILE) == request.prior.get(PROFILE) {
            return Ok(());
        }
        let in_place = match plan.state.get(PROFILE).as_str() {
            Some(profile_uid) => self.offers_version(ctx, &from_value(request.prior)?, profile_uid).await?,
            None => false,
        };
        if !in_place {
            plan.requires_replace.push(AttributePath::attr(PROFILE));
        }
        Ok(())
    }

    async fn create(&self, ctx: &Context<Palette>, request: CreateRequest<'_, ApplicationModel>, _private: &mut PrivateState) -> Result<ApplicationModel, ResourceError> {
        let mut model = request.planned;
        let scope = ctx.data().scope(&model.context());
        let uid = self.create_deployment(ctx, &scope, &model).await?;
        model.id = Some(uid.clone());
        if let Err(error) = self.wait_deployed(ctx, &scope, &uid, &model, "create").await {
            // The deployment exists: Terraform must record it (tainted) rather than lose it.
            return Err(ctx.with_partial(error, &model));
        }
        self.settled_state(ctx, &model).await.map_err(|error| ctx.with_partial(error, &model))
    }

    async fn read(&self, ctx: &Context<Palette>, prior: ApplicationModel, _private: &mut PrivateState) -> Result<Option<ApplicationModel>, ResourceError> {
        self.read_model(ctx, &prior).await
    }

    async fn update(&self, ctx: &Context<Palette>, request: UpdateRequest<'_, ApplicationModel>, _private: &mut PrivateState) -> Result<ApplicationModel, ResourceError> {
        let prior = request.prior;
        let model = request.planned;
        let uid = prior.id.clone().unwrap_or_default();
        let found = self.find(ctx, &uid, &prior.context()).await?.ok_or_else(|| {
            ResourceError::new("The application deployment disappeared", "It was deleted before it could be changed; the next plan re-creates it.")
        })?;
        if prior.limits() != model.limits() && found.deployment.cluster_group_uid().is_some() {
            // No limits block means no quota.
            self.resize(ctx, &found.scope, found.deployment.cluster_uid(), model.limits().unwrap_or_default()).await?;
        }
        if prior.application_profile_uid != model.application_profile_uid {
            let client = &ctx.data().client;
            client
                .set_app_deployment_profile(&call(ctx), &found.scope, &uid, &model.application_profile_uid)
                .await
                .map_err(|e| api_error("Cannot move the application to the new profile version", e))?;
            self.wait_deployed(ctx, &found.scope, &uid, &model, "update").await?;
        }
        self.settled_state(ctx, &model).await
    }

    async fn delete(&self, ctx: &Context<Palette>, model: ApplicationModel, _private: &PrivateState) -> Result<(), ResourceError> {
        let uid = model.id.clone().unwrap_or_default();
        let Some(found) = self.find(ctx, &uid, &model.context()).await? else { return Ok(()) };
        let client = &ctx.data().client;
        client.delete_app_deployment(&call(ctx), &found.scope, &uid).await?;
        let stopped = |error: WaitError<CheckError<ClientError>>, what: &str, reading: &str| match error.ending() {
            Err(failure) => check_failure(failure, reading),
            Ok((why, _)) => ResourceError::new(format!("The {what} did not finish deleting"), format!("The wait {why}.")),
        };
        wait_for(ctx, &found.scope, &uid, Target::Gone).await.map_err(|e| stopped(e, "application deployment", READ_WHILE_WAITING))?;
        if found.deployment.cluster_group_uid().is_none() {
            return Ok(());
        }
        // The cluster made for the deployment goes with it; make sure it does.
        let cluster_uid = found.deployment.cluster_uid();
        if let Some(cluster) = client.get_cluster(&call(ctx), &found.scope, cluster_uid).await? {
            if !cluster.is_deleted() && cluster.state() != "Deleting" {
                client.delete_cluster(&call(ctx), &found.scope, cluster_uid, false).await?;
            }
        }
        cluster_wait::wait_for(ctx, &found.scope, cluster_uid, cluster_wait::Target::Gone).await.map_err(|e| stopped(e, "application's virtual cluster", "Cannot read the application's virtual cluster while waiting"))
    }

    async fn import(&self, ctx: &Context<Palette>, id: &str, _private: &mut PrivateState) -> Result<ApplicationModel, ResourceError> {
        let (wanted, context) = split_import_id(id, &CONTEXTS);
        let contexts: Vec<&str> = match context {
            Some(context) => vec![context],
            None => CONTEXTS.to_vec(),
        };
        for context in contexts {
            let scope = ctx.data().scope(context);
            let by_uid = if looks_like_uid(wanted) { ctx.data().client.get_app_deployment(&call(ctx), &scope, wanted).await?.map(|d| d.metadata.uid) } else { None };
            let uid = match by_uid {
                Some(uid) => Some(uid),
                None => self.find_by_name(ctx, wanted, context).await?,
            };
            if let Some(uid) = uid {
                let config = ConfigBlock { cluster_context: context.to_string(), ..ConfigBlock::default() };
                return Ok(ApplicationModel { id: Some(uid), config: Some(vec![config]), ..ApplicationModel::default() });
            }
        }
        Err(ResourceError::new(
            format!("Cannot import application {id:?}"),
            "No application deployment has this UID or name in the project or the tenant. The import ID is `UID` or `NAME`, optionally followed by `:project` or `:tenant`.",
        ))
    }
}
