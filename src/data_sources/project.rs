//! `spectrocloud_project` data source: a project by name or by UID.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::framework::resource::DataSource;
use terraform_plugin::framework::schema::{Attribute, Block, Schema};
use terraform_plugin::framework::validators::{exactly_one_of, not_empty};
use terraform_plugin::protocol::value::Type;
use crate::provider::{call, Palette};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ProjectLookup {
    id: Option<String>,
    name: Option<String>,
}

pub struct ProjectDataSource;

#[async_trait]
impl DataSource<Palette> for ProjectDataSource {
    type Model = ProjectLookup;

    fn type_name(&self) -> &str {
        "spectrocloud_project"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .description("Looks up a Palette project by name or by UID.")
                .attribute(Attribute::new("id", Type::String).optional().computed().description("The project's UID.").validator(not_empty()))
                .attribute(Attribute::new("name", Type::String).optional().computed().description("The project's name.").validator(not_empty()))
                .validator(exactly_one_of(&["id", "name"])),
        )
    }

    async fn read(&self, ctx: &Context<Palette>, lookup: ProjectLookup) -> Result<ProjectLookup, ResourceError> {
        let client = &ctx.data().client;
        let found = match (&lookup.id, &lookup.name) {
            (Some(uid), _) => client.get_project(&call(ctx), uid).await?.map(|p| ProjectLookup { id: Some(p.metadata.uid), name: Some(p.metadata.name) }),
            (None, Some(name)) => client.find_project(&call(ctx), name).await?.map(|uid| ProjectLookup { id: Some(uid), name: Some(name.clone()) }),
            (None, None) => None,
        };
        let found = found.ok_or_else(|| {
            let what = lookup.id.as_ref().map(|id| format!("with UID {id:?}")).or(lookup.name.as_ref().map(|n| format!("named {n:?}"))).unwrap_or_default();
            ResourceError::new(format!("Project {what} not found"), "No project the API key can see matches.")
        })?;
        Ok(found)
    }
}
