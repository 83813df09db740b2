//! `spectrocloud_cluster_group`: host clusters pooled to run virtual clusters,
//! with shared quotas, endpoint settings and add-on profiles.

use std::collections::BTreeSet;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::domain::profile_attachment::{self as attachment, ProfileBlock};
use super::common::{description_attribute, id_attribute, looks_like_uid, object_meta, read_description, read_tags, replace_when_scope_moves, split_import_id, tags_attribute};
use crate::client::cluster_groups::{
    ClusterGroup, ClusterGroupEntity, ClusterGroupEntitySpec, ClusterRef, ClustersConfig, EndpointConfig, HostClusterConfig,
    HostClusterUpdate, IngressConfig, LimitConfig, HOST_CLUSTER_GROUP_TYPE,
};
use crate::client::conventions::SCOPE_ANNOTATION;
use crate::client::models::ProfileAttachments;
use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::protocol::diagnostics::AttributePath;
use terraform_plugin::framework::modifiers::{requires_replace, use_state_for_unknown};
use terraform_plugin::framework::private::PrivateState;
use terraform_plugin::framework::resource::{CreateRequest, Resource, StateUpgrader, UpdateRequest};
use terraform_plugin::framework::schema::{Attribute, Block, Nesting, NestedBlock, Schema};
use terraform_plugin::framework::timeouts::{self, Operation, Timeouts};
use terraform_plugin::framework::validators::{at_least, not_empty, one_of, yaml};
use terraform_plugin::protocol::value::{Type, Value};
use crate::provider::{api_failure, call, Palette};

pub const TYPE_NAME: &str = "spectrocloud_cluster_group";
const SCHEMA_VERSION: i64 = 3;
const DEFAULT_CONTEXT: &str = "tenant";
const DEFAULT_ENDPOINT_TYPE: &str = "Ingress";
const DEFAULT_DISTRIBUTION: &str = "vcluster-generic";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupModel {
    id: Option<String>,
    name: String,
    context: Option<String>,
    tags: Option<BTreeSet<String>>,
    description: Option<String>,
    config: Option<Vec<ConfigBlock>>,
    clusters: Option<Vec<ClusterBlock>>,
    cluster_profile: Option<Vec<ProfileBlock>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct ConfigBlock {
    host_endpoint_type: Option<String>,
    cpu_millicore: Option<i64>,
    memory_in_mb: Option<i64>,
    storage_in_gb: Option<i64>,
    oversubscription_percent: Option<i64>,
    values: Option<String>,
    k8s_distribution: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct ClusterBlock {
    cluster_uid: String,
    host_dns: Option<String>,
}

fn to_i32(value: Option<i64>) -> i32 {
    value.unwrap_or(0).clamp(0, i64::from(i32::MAX)) as i32
}

impl GroupModel {
    fn context(&self) -> &str {
        self.context.as_deref().unwrap_or(DEFAULT_CONTEXT)
    }

    fn config(&self) -> ConfigBlock {
        self.config.iter().flatten().next().cloned().unwrap_or_default()
    }

    fn clusters_config(&self) -> ClustersConfig {
        let config = self.config();
        let host_clusters_config = self
            .clusters
            .iter()
            .flatten()
            .map(|c| HostClusterConfig {
                cluster_uid: c.cluster_uid.clone(),
                // The official provider always sends the ingress host, even for LoadBalancer.
                endpoint_config: Some(EndpointConfig {
                    ingress_config: Some(IngressConfig { host: c.host_dns.clone().unwrap_or_default(), port: None }),
                    load_balancer_config: None,
                }),
            })
            .collect();
        ClustersConfig {
            endpoint_type: config.host_endpoint_type.unwrap_or_else(|| DEFAULT_ENDPOINT_TYPE.to_string()),
            host_clusters_config,
            kubernetes_distro_type: config.k8s_distribution.unwrap_or_else(|| DEFAULT_DISTRIBUTION.to_string()),
            limit_config: Some(LimitConfig {
                cpu_milli_core: to_i32(config.cpu_millicore),
                memory_mib: to_i32(config.memory_in_mb),
                storage_gib: to_i32(config.storage_in_gb),
                over_subscription: to_i32(config.oversubscription_percent),
            }),
            values: config.values.unwrap_or_default(),
        }
    }

    fn cluster_refs(&self) -> Vec<ClusterRef> {
        self.clusters.iter().flatten().map(|c| ClusterRef { cluster_uid: c.cluster_uid.clone(), cluster_name: String::new() }).collect()
    }

    fn entity(&self) -> ClusterGroupEntity {
        ClusterGroupEntity {
            metadata: object_meta(&self.name, self.tags.as_ref(), Some(self.description.as_deref().unwrap_or_default())),
            spec: ClusterGroupEntitySpec {
                group_type: HOST_CLUSTER_GROUP_TYPE.to_string(),
                cluster_refs: self.cluster_refs(),
                clusters_config: self.clusters_config(),
                profiles: attachment::attachments(self.cluster_profile.as_deref()),
            },
        }
    }

    /// The model as the API reports it; a host left unset keeps Palette's choice.
    fn from_api(group: &ClusterGroup, prior: &GroupModel) -> GroupModel {
        let meta = &group.metadata;
        let api_config = group.spec.clusters_config.clone().unwrap_or_default();
        let limits = api_config.limit_config.clone().unwrap_or_default();
        let text = |api: &str, default: &str| Some(if api.is_empty() { default } else { api }.to_string());
        let config = ConfigBlock {
            host_endpoint_type: text(&api_config.endpoint_type, DEFAULT_ENDPOINT_TYPE),
            cpu_millicore: Some(i64::from(limits.cpu_milli_core)),
            memory_in_mb: Some(i64::from(limits.memory_mib)),
            storage_in_gb: Some(i64::from(limits.storage_gib)),
            oversubscription_percent: Some(i64::from(limits.over_subscription)),
            values: Some(api_config.values.clone()),
            k8s_distribution: text(&api_config.kubernetes_distro_type, DEFAULT_DISTRIBUTION),
        };
        let clusters: Vec<ClusterBlock> = api_config
            .host_clusters_config
            .iter()
            .map(|h| {
                let host = h.endpoint_config.as_ref().and_then(|e| e.ingress_config.as_ref()).map(|i| i.host.clone()).unwrap_or_default();
                ClusterBlock { cluster_uid: h.cluster_uid.clone(), host_dns: Some(host) }
            })
            .collect();
        GroupModel {
            id: Some(meta.uid.clone()),
            name: meta.name.clone(),
            context: read_context(meta.annotations.get(SCOPE_ANNOTATION).map(String::as_str), prior.context.as_deref()),
            tags: read_tags(meta),
            description: read_description(meta),
            config: Some(vec![config]),
            clusters: Some(clusters),
            cluster_profile: attachment::read_back(&group.spec.cluster_profile_templates, None, prior.cluster_profile.as_deref()),
        }
    }
}

/// The context as read back from the scope annotation: the prior value while
/// it names the same scope (`""` and `project` both mean the project).
fn read_context(annotation: Option<&str>, prior: Option<&str>) -> Option<String> {
    let same_scope = |a: &str, b: &str| (a == "tenant") == (b == "tenant");
    match (annotation.filter(|a| !a.is_empty()), prior) {
        (Some(scope), Some(prior)) if same_scope(scope, prior) => Some(prior.to_string()),
        (Some(scope), _) => Some(scope.to_string()),
        (None, prior) => Some(prior.unwrap_or(DEFAULT_CONTEXT).to_string()),
    }
}

pub struct ClusterGroupResource;

impl ClusterGroupResource {
    /// The group as read back after a write (values Palette picked, such as
    /// a host left unset, included).
    async fn state_after_write(&self, ctx: &Context<Palette>, model: &GroupModel) -> Result<GroupModel, ResourceError> {
        match self.read_model(ctx, model).await? {
            Some(read) => Ok(read),
            None => Err(ResourceError::new("Cluster group vanished", "The cluster group disappeared right after it was written.")),
        }
    }

    async fn read_model(&self, ctx: &Context<Palette>, prior: &GroupModel) -> Result<Option<GroupModel>, ResourceError> {
        let scope = ctx.data().scope(prior.context());
        let uid = prior.id.as_deref().unwrap_or_default();
        let group = ctx.data().client.get_cluster_group(&call(ctx), &scope, uid).await?;
        Ok(group.map(|g| GroupModel::from_api(&g, prior)))
    }
}

#[async_trait]
impl Resource<Palette> for ClusterGroupResource {
    type Model = GroupModel;

    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        let number = |name: &str, text: &str| Attribute::new(name, Type::Number).zero_default().description(text).validator(at_least(0));
        let config = Block::new()
            .attribute(
                Attribute::new("host_endpoint_type", Type::String)
                    .default(Value::string(DEFAULT_ENDPOINT_TYPE))
                    .description("How virtual clusters are reached: `Ingress` or `LoadBalancer`.")
                    .validator(one_of(&["Ingress", "LoadBalancer"])),
            )
            .attribute(number("cpu_millicore", "The CPU quota of the group's virtual clusters, in millicores."))
            .attribute(number("memory_in_mb", "The memory quota of the group's virtual clusters, in MiB."))
            .attribute(number("storage_in_gb", "The storage quota of the group's virtual clusters, in GiB."))
            .attribute(number("oversubscription_percent", "How far the quotas may be over-committed, in percent."))
            .attribute(Attribute::new("values", Type::String).default(Value::string("")).description("Helm values (YAML) for the virtual clusters' vcluster chart.").validator(yaml()))
            .attribute(
                Attribute::new("k8s_distribution", Type::String)
                    .default(Value::string(DEFAULT_DISTRIBUTION))
                    .description("The virtual clusters' Kubernetes distribution: `vcluster-generic`, `k3s` or `cncf_k8s`. Palette sets it when the group is created.")
                    .validator(one_of(&["vcluster-generic", "k3s", "cncf_k8s"]))
                    .plan_modifier(requires_replace()),
            );
        let clusters = Block::new()
            .attribute(Attribute::new("cluster_uid", Type::String).required().description("The UID of a host cluster in the group.").validator(not_empty()))
            .attribute(
                Attribute::new("host_dns", Type::String)
                    .optional()
                    .computed()
                    .description("The ingress host pattern of this host cluster, e.g. `*.dev.example.com`; Palette picks one when it is not set.")
                    .plan_modifier(use_state_for_unknown()),
            );
        Schema::new(
            SCHEMA_VERSION,
            Block::new()
                .description("A cluster group: host clusters pooled to run virtual clusters, with shared quotas and add-on profiles.")
                .attribute(id_attribute())
                .attribute(Attribute::new("name", Type::String).required().description("The group's name.").validator(not_empty()))
                .attribute(
                    Attribute::new("context", Type::String)
                        .default(Value::string(DEFAULT_CONTEXT))
                        .description("Where the group lives: `tenant` (default) or `project` (the provider's project).")
                        .validator(one_of(&["", "project", "tenant"]))
                        .plan_modifier(replace_when_scope_moves()),
                )
                .attribute(tags_attribute())
                .attribute(description_attribute())
                .block(NestedBlock::new("config", Nesting::List, config).min_items(1).max_items(1))
                .block(NestedBlock::new("clusters", Nesting::List, clusters))
                .block(attachment::block())
                .block(timeouts::block(&[Operation::Create, Operation::Update, Operation::Delete])),
        )
    }

    fn timeouts(&self) -> Timeouts {
        Timeouts::uniform(Duration::from_secs(60 * 60))
    }

    async fn create(&self, ctx: &Context<Palette>, request: CreateRequest<'_, GroupModel>, _private: &mut PrivateState) -> Result<GroupModel, ResourceError> {
        let mut model = request.planned;
        let scope = ctx.data().scope(model.context());
        let uid = ctx.data().client.create_cluster_group(&call(ctx), &scope, &model.entity()).await?;
        model.id = Some(uid);
        self.state_after_write(ctx, &model).await.map_err(|e| ctx.with_partial(e, &model))
    }

    async fn read(&self, ctx: &Context<Palette>, prior: GroupModel, _private: &mut PrivateState) -> Result<Option<GroupModel>, ResourceError> {
        self.read_model(ctx, &prior).await
    }

    async fn update(&self, ctx: &Context<Palette>, request: UpdateRequest<'_, GroupModel>, _private: &mut PrivateState) -> Result<GroupModel, ResourceError> {
        let prior = request.prior;
        let model = request.planned;
        let client = &ctx.data().client;
        let scope = ctx.data().scope(model.context());
        let uid = model.id.clone().unwrap_or_default();
        let entity = model.entity();
        if (&prior.name, &prior.tags, &prior.description) != (&model.name, &model.tags, &model.description) {
            client.update_cluster_group_meta(&call(ctx), &scope, &uid, &entity.metadata).await?;
        }
        if (&prior.config, &prior.clusters) != (&model.config, &model.clusters) {
            let update = HostClusterUpdate { cluster_refs: entity.spec.cluster_refs, clusters_config: entity.spec.clusters_config };
            client
                .update_cluster_group_host_cluster(&call(ctx), &scope, &uid, &update)
                .await
                .map_err(|e| ResourceError::from(api_failure("Cannot update the group's host clusters and quotas", &e).at(AttributePath::attr("config"))))?;
        }
        if prior.cluster_profile != model.cluster_profile {
            let profiles = ProfileAttachments { profiles: entity.spec.profiles, spc_apply_settings: None };
            client.update_cluster_group_profiles(&call(ctx), &scope, &uid, &profiles).await?;
        }
        self.state_after_write(ctx, &model).await
    }

    async fn delete(&self, ctx: &Context<Palette>, model: GroupModel, _private: &PrivateState) -> Result<(), ResourceError> {
        let scope = ctx.data().scope(model.context());
        ctx.data().client.delete_cluster_group(&call(ctx), &scope, model.id.as_deref().unwrap_or_default()).await?;
        Ok(())
    }

    async fn import(&self, ctx: &Context<Palette>, id: &str, _private: &mut PrivateState) -> Result<GroupModel, ResourceError> {
        let (wanted, context) = split_import_id(id, &["project", "tenant"]);
        let contexts: Vec<&str> = match context {
            Some(context) => vec![context],
            None => vec!["tenant", "project"],
        };
        let client = &ctx.data().client;
        for context in contexts {
            let scope = ctx.data().scope(context);
            let by_uid = if looks_like_uid(wanted) { client.get_cluster_group(&call(ctx), &scope, wanted).await?.map(|g| g.metadata.uid) } else { None };
            let found = match by_uid {
                Some(uid) => Some(uid),
                None => client.find_cluster_group(&call(ctx), &scope, wanted).await?,
            };
            if let Some(uid) = found {
                return Ok(GroupModel { id: Some(uid), context: Some(context.to_string()), ..GroupModel::default() });
            }
        }
        Err(ResourceError::new(
            format!("Cannot import cluster group {id:?}"),
            "No cluster group has this UID or name. The import ID is `UID`, `NAME`, `UID:CONTEXT` or `NAME:CONTEXT` with CONTEXT `tenant` or `project`.",
        ))
    }

    fn state_upgraders(&self) -> Vec<StateUpgrader> {
        // Only `cluster_profile` changed (list to set), which the framework converts.
        vec![StateUpgrader { version: 2, prior_type: attachment::version_2_state_type(self.schema().block.implied_type()), upgrade: Ok }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schema_is_valid_and_version_3() {
        let schema = ClusterGroupResource.schema();
        assert_eq!(schema.version, 3);
        assert!(schema.problems().is_empty(), "{:?}", schema.problems());
        let upgradable: Vec<i64> = ClusterGroupResource.state_upgraders().iter().map(|upgrader| upgrader.version).collect();
        assert_eq!(upgradable, [2]);
    }

    fn model() -> GroupModel {
        GroupModel {
            id: Some("g1".into()),
            name: "cg".into(),
            context: Some("tenant".into()),
            tags: Some(BTreeSet::new()),
            description: Some(String::new()),
            config: Some(vec![ConfigBlock {
                host_endpoint_type: Some("Ingress".into()),
                cpu_millicore: Some(6000),
                memory_in_mb: Some(8192),
                storage_in_gb: Some(0),
                oversubscription_percent: Some(120),
                values: Some("a: 1".into()),
                k8s_distribution: Some("k3s".into()),
            }]),
            clusters: Some(vec![ClusterBlock { cluster_uid: "h1".into(), host_dns: Some("*.dev".into()) }]),
            cluster_profile: None,
        }
    }

    #[test]
    fn create_body_then_read_back_round_trips() {
        let model = model();
        let body = serde_json::to_value(model.entity()).unwrap();
        assert_eq!(body["spec"]["clustersConfig"]["limitConfig"], json!({"cpuMilliCore": 6000, "memoryMiB": 8192, "storageGiB": 0, "overSubscription": 120}));
        assert_eq!(body["spec"]["clustersConfig"]["values"], "a: 1");
        assert_eq!(body["metadata"]["annotations"]["description"], "");
        // What the API stores comes back as the same model.
        let mut api = body.clone();
        api["metadata"]["uid"] = json!("g1");
        api["metadata"]["annotations"]["scope"] = json!("tenant");
        let group: ClusterGroup = serde_json::from_value(api).unwrap();
        assert_eq!(GroupModel::from_api(&group, &model), model);
    }

    #[test]
    fn context_keeps_the_prior_spelling_of_the_same_scope() {
        assert_eq!(read_context(Some("project"), Some("")), Some(String::new()));
        assert_eq!(read_context(Some("tenant"), Some("project")), Some("tenant".into()));
        assert_eq!(read_context(None, None), Some("tenant".into()));
    }
}
