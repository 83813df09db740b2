//! `spectrocloud_pack_simple` data source: a pack for an application
//! profile tier, by name and version in one registry.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::client::packs::PackTagQuery;
use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::framework::resource::DataSource;
use terraform_plugin::framework::schema::{Attribute, Block, Schema};
use terraform_plugin::framework::validators::{not_empty, one_of};
use terraform_plugin::protocol::value::{Type, Value};
use crate::provider::{call, Palette};
use crate::domain::packs::{compare_versions, lookup_name, select_tag, MANIFEST_PACK_UID};

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SimpleLookup {
    id: Option<String>,
    name: String,
    version: Option<String>,
    context: Option<String>,
    registry_uid: Option<String>,
    #[serde(rename = "type")]
    pack_type: String,
    values: Option<String>,
}

pub struct PackSimpleDataSource;

#[async_trait]
impl DataSource<Palette> for PackSimpleDataSource {
    type Model = SimpleLookup;

    fn type_name(&self) -> &str {
        "spectrocloud_pack_simple"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .description("Looks up a pack for an application profile tier by name and version in a registry.")
                .attribute(Attribute::new("id", Type::String).computed().description("The pack's UID (`spectro-manifest-pack` for `manifest`)."))
                .attribute(Attribute::new("name", Type::String).required().description("The pack's name.").validator(not_empty()))
                .attribute(Attribute::new("version", Type::String).optional().computed().description("The pack version, or a version tag (`6.2.x`) selecting the newest version that carries it; `1.0.0` when it exists, else the latest, when not set."))
                .attribute(Attribute::new("context", Type::String).default(Value::string("project")).description("`project`, `tenant` or `system`.").validator(one_of(&["project", "tenant", "system"])))
                .attribute(Attribute::new("registry_uid", Type::String).optional().description("The registry's UID (required except for `manifest`)."))
                .attribute(Attribute::new("type", Type::String).required().description("`helm`, `manifest`, `container` or `operator-instance`.").validator(one_of(&["helm", "manifest", "container", "operator-instance"])))
                .attribute(Attribute::new("values", Type::String).computed().description("The pack's default values.")),
        )
    }

    async fn read(&self, ctx: &Context<Palette>, mut lookup: SimpleLookup) -> Result<SimpleLookup, ResourceError> {
        if lookup.pack_type == "manifest" {
            lookup.id = Some(MANIFEST_PACK_UID.to_string());
            lookup.values = Some(String::new());
            return Ok(lookup);
        }
        let Some(registry_uid) = lookup.registry_uid.clone() else {
            return Err(ResourceError::new("registry_uid required", format!("A {} pack is looked up in one registry: set registry_uid (e.g. from spectrocloud_registry).", lookup.pack_type)));
        };
        let scope = ctx.data().scope(lookup.context.as_deref().unwrap_or("project"));
        let entity = ctx
            .data()
            .client
            .get_pack_tags(&call(ctx), &scope, lookup_name(&lookup.name), &registry_uid, &PackTagQuery::default())
            .await?
            .ok_or_else(|| ResourceError::new(format!("Pack {:?} not found", lookup.name), format!("Registry {registry_uid} has no pack of that name.")))?;
        let tag = match &lookup.version {
            Some(version) => select_tag(&entity, version),
            None => entity.tag_for_version("1.0.0").or_else(|| entity.tags.iter().max_by(|a, b| compare_versions(&a.version, &b.version))),
        };
        let tag = tag.ok_or_else(|| {
            let mut versions: Vec<&str> = Vec::new();
            let mut tags: Vec<&str> = Vec::new();
            for entry in &entity.tags {
                let (list, text) = if entry.tag.is_empty() || entry.tag == entry.version { (&mut versions, &entry.version) } else { (&mut tags, &entry.tag) };
                if !list.contains(&text.as_str()) {
                    list.push(text);
                }
            }
            let tags = if tags.is_empty() { String::new() } else { format!(" Tags: {}.", tags.join(", ")) };
            ResourceError::new(format!("Pack {:?} version not found", lookup.name), format!("Available versions: {}.{tags}", versions.join(", ")))
        })?;
        lookup.values = Some(entity.values_of(&tag.pack_uid).unwrap_or_default().to_string());
        // A tag is kept as written; the id is the version it selects.
        lookup.version = Some(lookup.version.clone().unwrap_or_else(|| tag.version.clone()));
        lookup.id = Some(tag.pack_uid.clone());
        Ok(lookup)
    }
}
