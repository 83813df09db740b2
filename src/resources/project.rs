//! `spectrocloud_project`: a Palette project (tenant scope).

use std::collections::BTreeSet;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::common::{description_attribute, id_attribute, looks_like_uid, object_meta, read_description, read_tags, tags_attribute};
use crate::client::models::ObjectMeta;
use crate::client::projects::ProjectEntity;
use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::framework::private::PrivateState;
use terraform_plugin::framework::resource::{CreateRequest, Resource, UpdateRequest};
use terraform_plugin::framework::schema::{Attribute, Block, Schema};
use terraform_plugin::framework::timeouts::{self, Operation, Timeouts};
use terraform_plugin::framework::validators::not_empty;
use terraform_plugin::protocol::value::Type;
use crate::provider::{call, Palette};

pub const TYPE_NAME: &str = "spectrocloud_project";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ProjectModel {
    id: Option<String>,
    name: String,
    description: Option<String>,
    tags: Option<BTreeSet<String>>,
}

impl ProjectModel {
    fn entity(&self) -> ProjectEntity {
        ProjectEntity { metadata: object_meta(&self.name, self.tags.as_ref(), self.description.as_deref()), spec: None }
    }

    /// The model as the API reports it.
    fn from_api(metadata: &ObjectMeta) -> ProjectModel {
        ProjectModel {
            id: Some(metadata.uid.clone()),
            name: metadata.name.clone(),
            description: read_description(metadata),
            tags: read_tags(metadata),
        }
    }
}

pub struct ProjectResource;

impl ProjectResource {
    async fn read_model(&self, ctx: &Context<Palette>, uid: &str) -> Result<Option<ProjectModel>, ResourceError> {
        // Everything the model holds is metadata, which the plan's listing of
        // every project carries: one request answers all the projects' reads.
        let metadata = ctx.data().client.project_metadata(&call(ctx), uid).await?;
        Ok(metadata.map(|meta| ProjectModel::from_api(&meta)))
    }
}

#[async_trait]
impl Resource<Palette> for ProjectResource {
    type Model = ProjectModel;

    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            2,
            Block::new()
                .description("A Palette project: the unit of isolation for profiles and clusters in a tenant.")
                .attribute(id_attribute())
                .attribute(Attribute::new("name", Type::String).required().description("The project's name, unique in the tenant.").validator(not_empty()))
                .attribute(description_attribute())
                .attribute(tags_attribute())
                .block(timeouts::block(&[Operation::Create, Operation::Update, Operation::Delete])),
        )
    }

    fn timeouts(&self) -> Timeouts {
        Timeouts::uniform(Duration::from_secs(600))
    }

    async fn create(&self, ctx: &Context<Palette>, request: CreateRequest<'_, ProjectModel>, _private: &mut PrivateState) -> Result<ProjectModel, ResourceError> {
        let mut model = request.planned;
        let uid = ctx.data().client.create_project(&call(ctx), &model.entity()).await?;
        model.id = Some(uid);
        Ok(model)
    }

    async fn read(&self, ctx: &Context<Palette>, state: ProjectModel, _private: &mut PrivateState) -> Result<Option<ProjectModel>, ResourceError> {
        self.read_model(ctx, state.id.as_deref().unwrap_or_default()).await
    }

    async fn update(&self, ctx: &Context<Palette>, request: UpdateRequest<'_, ProjectModel>, _private: &mut PrivateState) -> Result<ProjectModel, ResourceError> {
        let model = request.planned;
        let uid = model.id.clone().unwrap_or_default();
        // The metadata endpoint changes name, labels and annotations while
        // keeping the project's teams and users.
        ctx.data().client.update_project_meta(&call(ctx), &uid, &model.entity().metadata).await?;
        Ok(model)
    }

    async fn delete(&self, ctx: &Context<Palette>, state: ProjectModel, _private: &PrivateState) -> Result<(), ResourceError> {
        ctx.data().client.delete_project(&call(ctx), state.id.as_deref().unwrap_or_default()).await?;
        Ok(())
    }

    async fn import(&self, ctx: &Context<Palette>, id: &str, _private: &mut PrivateState) -> Result<ProjectModel, ResourceError> {
        let client = &ctx.data().client;
        let by_uid = if looks_like_uid(id) { client.get_project(&call(ctx), id).await?.map(|p| p.metadata.uid) } else { None };
        let uid = match by_uid {
            Some(uid) => uid,
            None => client.find_project(&call(ctx), id).await?.ok_or_else(|| {
                ResourceError::new(format!("Cannot import project {id:?}"), "No project has this UID or name. The import ID is a project UID or name.")
            })?,
        };
        Ok(ProjectModel { id: Some(uid), ..ProjectModel::default() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_and_version_2() {
        let schema = ProjectResource.schema();
        assert_eq!(schema.version, 2);
        assert!(schema.problems().is_empty(), "{:?}", schema.problems());
    }
}
