//! `spectrocloud_cluster` data source: a host or virtual cluster by name, with
//! its kubeconfigs (sensitive), state and health.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::framework::resource::DataSource;
use terraform_plugin::framework::schema::{Attribute, Block, Schema};
use terraform_plugin::framework::validators::{not_empty, one_of};
use terraform_plugin::protocol::value::{Type, Value};
use crate::provider::{call, Palette};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ClusterLookup {
    id: Option<String>,
    name: String,
    context: Option<String>,
    #[serde(rename = "virtual")]
    is_virtual: Option<bool>,
    kube_config: Option<String>,
    admin_kube_config: Option<String>,
    state: Option<String>,
    health: Option<String>,
    cluster_timezone: Option<String>,
}

pub struct ClusterDataSource;

#[async_trait]
impl DataSource<Palette> for ClusterDataSource {
    type Model = ClusterLookup;

    fn type_name(&self) -> &str {
        "spectrocloud_cluster"
    }

    fn schema(&self) -> Schema {
        let computed = |name: &str, text: &str| Attribute::new(name, Type::String).computed().description(text);
        Schema::new(
            0,
            Block::new()
                .description("Looks up a cluster by name: a host cluster, or with `virtual = true` a virtual cluster.")
                .attribute(computed("id", "The cluster's UID."))
                .attribute(Attribute::new("name", Type::String).required().description("The cluster's name.").validator(not_empty()))
                .attribute(
                    Attribute::new("context", Type::String)
                        .default(Value::string("project"))
                        .description("Where the cluster lives: `project` (default, the provider's project) or `tenant`.")
                        .validator(one_of(&["project", "tenant"])),
                )
                .attribute(Attribute::new("virtual", Type::Bool).default(Value::Bool(false)).description("Look up a virtual cluster instead of a host cluster."))
                .attribute(computed("kube_config", "The cluster's client kubeconfig (empty until it exists).").sensitive())
                .attribute(computed("admin_kube_config", "The cluster's admin kubeconfig (empty until it exists).").sensitive())
                .attribute(computed("state", "The cluster's state, e.g. `Running`."))
                .attribute(computed("health", "The cluster's health, e.g. `Healthy`."))
                .attribute(computed("cluster_timezone", "The cluster's time zone.")),
        )
    }

    async fn read(&self, ctx: &Context<Palette>, mut lookup: ClusterLookup) -> Result<ClusterLookup, ResourceError> {
        let context = lookup.context.clone().unwrap_or_else(|| "project".to_string());
        let scope = ctx.data().scope(&context);
        let client = &ctx.data().client;
        let is_virtual = lookup.is_virtual.unwrap_or(false);
        let found = client.find_clusters_by_name(&call(ctx), &scope, &lookup.name, is_virtual).await?;
        let uid = match found.as_slice() {
            [one] => one.metadata.uid.clone(),
            other => {
                let kind = if is_virtual { "virtual cluster" } else { "cluster" };
                return Err(ResourceError::new(
                    format!("Expected 1 {kind} named {:?}, found {}", lookup.name, other.len()),
                    format!("Searched the {context} context. Check the name, `context` and `virtual`."),
                ));
            }
        };
        // Everything else about the cluster at once: one more round trip.
        let call = call(ctx);
        let (cluster, overview, kube_config, admin_kube_config) = tokio::try_join!(
            client.get_cluster(&call, &scope, &uid),
            client.get_cluster_overview(&call, &scope, &uid),
            client.get_cluster_kubeconfig(&call, &scope, &uid),
            client.get_cluster_admin_kubeconfig(&call, &scope, &uid),
        )?;
        let cluster = cluster.ok_or_else(|| ResourceError::new(format!("Cluster {:?} disappeared", lookup.name), "It was deleted during the lookup."))?;
        let health = overview.map(|o| o.health().to_string()).unwrap_or_default();
        lookup.kube_config = Some(kube_config.unwrap_or_default());
        lookup.admin_kube_config = Some(admin_kube_config.unwrap_or_default());
        lookup.state = Some(cluster.state().to_string());
        lookup.health = Some(health);
        lookup.cluster_timezone = Some(cluster.spec.cluster_config.as_ref().map(|c| c.timezone.clone()).unwrap_or_default());
        lookup.id = Some(uid);
        lookup.context = Some(context);
        Ok(lookup)
    }
}
