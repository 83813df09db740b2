//! `spectrocloud_application_profile` data source: a profile by name and
//! version (the latest when absent).

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::client::cluster_profiles::effective_version;
use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::framework::resource::DataSource;
use terraform_plugin::framework::schema::{Attribute, Block, Schema};
use terraform_plugin::framework::validators::not_empty;
use terraform_plugin::protocol::value::Type;
use crate::provider::{call, Palette};
use crate::domain::packs::compare_versions;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct AppProfileLookup {
    id: Option<String>,
    name: String,
    version: Option<String>,
}

pub struct ApplicationProfileDataSource;

#[async_trait]
impl DataSource<Palette> for ApplicationProfileDataSource {
    type Model = AppProfileLookup;

    fn type_name(&self) -> &str {
        "spectrocloud_application_profile"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .description("Looks up an application profile (project scope) by name and version.")
                .attribute(Attribute::new("id", Type::String).computed().description("The UID of that version of the profile."))
                .attribute(Attribute::new("name", Type::String).required().description("The profile's name.").validator(not_empty()))
                .attribute(Attribute::new("version", Type::String).optional().computed().description("The version; the latest when not set.")),
        )
    }

    async fn read(&self, ctx: &Context<Palette>, mut lookup: AppProfileLookup) -> Result<AppProfileLookup, ResourceError> {
        let profiles = ctx.data().client.list_app_profiles(&call(ctx), &ctx.data().project_scope()).await?;
        let mut versions: Vec<(String, String)> = profiles
            .iter()
            .filter(|p| p.metadata.name == lookup.name)
            .flat_map(|p| std::iter::once((effective_version(&p.spec.version).to_string(), p.metadata.uid.clone())).chain(p.spec.versions.iter().map(|v| (effective_version(&v.version).to_string(), v.uid.clone()))))
            .filter(|(v, _)| lookup.version.as_deref().is_none_or(|wanted| v == wanted))
            .collect();
        versions.sort_by(|a, b| compare_versions(&b.0, &a.0));
        let (version, uid) = versions.into_iter().next().ok_or_else(|| {
            ResourceError::new(format!("Application profile {:?} not found", lookup.name), format!("No application profile {:?} with version {:?} in the provider's project.", lookup.name, lookup.version))
        })?;
        lookup.id = Some(uid);
        lookup.version = Some(version);
        Ok(lookup)
    }
}
