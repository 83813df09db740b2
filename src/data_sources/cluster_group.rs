//! `spectrocloud_cluster_group` data source: a cluster group by name.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::client::conventions::context_for_scope;
use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::framework::resource::DataSource;
use terraform_plugin::framework::schema::{Attribute, Block, Schema};
use terraform_plugin::framework::validators::{not_empty, one_of};
use terraform_plugin::protocol::value::{Type, Value};
use crate::provider::{call, Palette};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct GroupLookup {
    id: Option<String>,
    name: String,
    context: Option<String>,
}

pub struct ClusterGroupDataSource;

#[async_trait]
impl DataSource<Palette> for ClusterGroupDataSource {
    type Model = GroupLookup;

    fn type_name(&self) -> &str {
        "spectrocloud_cluster_group"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .description("Looks up a cluster group by name: a tenant group, a system group such as `beehive`, or a group of the provider's project.")
                .attribute(Attribute::new("id", Type::String).computed().description("The group's UID."))
                .attribute(Attribute::new("name", Type::String).required().description("The group's name.").validator(not_empty()))
                .attribute(
                    Attribute::new("context", Type::String)
                        .default(Value::string("tenant"))
                        .description("Where the group lives: `tenant` (default), `system` or `project`.")
                        .validator(one_of(&["", "tenant", "system", "project"])),
                ),
        )
    }

    async fn read(&self, ctx: &Context<Palette>, mut lookup: GroupLookup) -> Result<GroupLookup, ResourceError> {
        let context = lookup.context.clone().unwrap_or_else(|| "tenant".to_string());
        let client = &ctx.data().client;
        // Tenant and system groups are listed by the metadata listing without a
        // project; project groups by the summaries in the provider's project.
        let found = if context == "project" || context.is_empty() {
            let scope = ctx.data().project_scope();
            client.find_cluster_group(&call(ctx), &scope, &lookup.name).await?
        } else {
            let scope = ctx.data().scope("tenant");
            let groups = client.list_cluster_group_metadata(&call(ctx), &scope).await?;
            let wanted = if context == "system" { "system" } else { context_for_scope(&scope) };
            groups.into_iter().find(|g| g.name == lookup.name && (g.scope.is_empty() || g.scope == wanted)).map(|g| g.uid)
        };
        // Unlike the official provider, a missing group is an error, not a null id.
        let uid = found.ok_or_else(|| {
            ResourceError::new(format!("Cluster group {:?} not found", lookup.name), format!("No {context} cluster group has this name."))
        })?;
        lookup.id = Some(uid);
        lookup.context = Some(context);
        Ok(lookup)
    }
}
