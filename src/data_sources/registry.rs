//! `spectrocloud_registry` data source: a pack, Helm or OCI registry by name.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::client::registries::RegistryKind;
use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::framework::resource::DataSource;
use terraform_plugin::framework::schema::{Attribute, Block, Schema};
use terraform_plugin::framework::validators::{not_empty, one_of};
use terraform_plugin::protocol::value::Type;
use crate::provider::{call, Palette};
use crate::domain::packs::Resolver;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct RegistryLookup {
    id: Option<String>,
    name: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    sync_status: Option<String>,
}

pub struct RegistryDataSource;

#[async_trait]
impl DataSource<Palette> for RegistryDataSource {
    type Model = RegistryLookup;

    fn type_name(&self) -> &str {
        "spectrocloud_registry"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .description("Looks up a registry (pack, Helm or OCI) by name.")
                .attribute(Attribute::new("id", Type::String).optional().computed().description("The registry's UID."))
                .attribute(Attribute::new("name", Type::String).required().description("The registry's name.").validator(not_empty()))
                .attribute(
                    Attribute::new("type", Type::String)
                        .optional()
                        .description("The registry kind: `spectro`, `helm` or `oci` (any when empty).")
                        .validator(one_of(&["", "oci", "helm", "spectro"])),
                )
                .attribute(Attribute::new("sync_status", Type::String).computed().description("The synchronisation status (Helm registries).")),
        )
    }

    async fn read(&self, ctx: &Context<Palette>, mut lookup: RegistryLookup) -> Result<RegistryLookup, ResourceError> {
        let call = call(ctx);
        let scope = ctx.data().project_scope();
        let mut resolver = Resolver::new(&ctx.data().client, &call, scope.clone());
        let kind = lookup.kind.as_deref().filter(|k| !k.is_empty());
        let uid = resolver
            .registry_uid(&lookup.name, kind)
            .await
            .map_err(|e| ResourceError::from(e.diagnostic(&format!("Registry {:?} not found", lookup.name), "Cannot list registries")))?;
        if lookup.id.as_deref().is_some_and(|id| id != uid) {
            return Err(ResourceError::new("Registry ID mismatch", format!("Registry {:?} has UID {uid}, not {:?}.", lookup.name, lookup.id)));
        }
        let registry_kind = resolver.registries().await?.iter().find(|r| r.uid == uid).map(|r| r.kind.clone()).unwrap_or_default();
        if registry_kind == "helm" {
            let status = ctx.data().client.registry_sync_status(&call, &scope, RegistryKind::Helm, &uid).await?;
            lookup.sync_status = Some(status.status);
        }
        lookup.id = Some(uid);
        Ok(lookup)
    }
}
