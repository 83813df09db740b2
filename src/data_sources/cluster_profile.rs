//! `spectrocloud_cluster_profile` data source: a profile by UID, or by name
//! with an optional version (the latest when absent) and context.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::client::conventions::scope_annotation;
use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::framework::resource::DataSource;
use terraform_plugin::framework::schema::{Attribute, Block, Schema};
use terraform_plugin::framework::validators::{exactly_one_of, one_of};
use terraform_plugin::protocol::value::{Type, Value};
use crate::provider::{call, Palette};
use crate::domain::PROFILE_CONTEXTS;
use crate::domain::packs::compare_versions;

#[derive(Debug, Default, Serialize, Deserialize)]
struct ManifestOut {
    uid: String,
    name: String,
    content: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct PackOut {
    #[serde(rename = "type")]
    pack_type: String,
    registry_uid: String,
    uid: String,
    name: String,
    tag: String,
    values: String,
    manifest: Vec<ManifestOut>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ProfileLookup {
    id: Option<String>,
    name: Option<String>,
    version: Option<String>,
    context: Option<String>,
    pack: Vec<PackOut>,
}

fn pack_type() -> Type {
    let manifest = Type::Object([("uid", Type::String), ("name", Type::String), ("content", Type::String)].map(|(k, t)| (k.to_string(), t)).into());
    Type::List(Box::new(Type::Object(
        [
            ("type", Type::String),
            ("registry_uid", Type::String),
            ("uid", Type::String),
            ("name", Type::String),
            ("tag", Type::String),
            ("values", Type::String),
            ("manifest", Type::List(Box::new(manifest))),
        ]
        .map(|(k, t)| (k.to_string(), t))
        .into(),
    )))
}

pub struct ClusterProfileDataSource;

#[async_trait]
impl DataSource<Palette> for ClusterProfileDataSource {
    type Model = ProfileLookup;

    fn type_name(&self) -> &str {
        "spectrocloud_cluster_profile"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .description("Looks up a cluster profile by UID, or by name with an optional version (the latest when absent).")
                .attribute(Attribute::new("id", Type::String).optional().computed().description("The profile's UID."))
                .attribute(Attribute::new("name", Type::String).optional().computed().description("The profile's name."))
                .attribute(Attribute::new("version", Type::String).optional().computed().description("The version; the latest when not set."))
                .attribute(Attribute::new("context", Type::String).default(Value::string("project")).description("`project`, `tenant` or `system`.").validator(one_of(&PROFILE_CONTEXTS)))
                .attribute(Attribute::new("pack", pack_type()).computed().description("The published packs, with manifests."))
                .validator(exactly_one_of(&["id", "name"])),
        )
    }

    async fn read(&self, ctx: &Context<Palette>, mut lookup: ProfileLookup) -> Result<ProfileLookup, ResourceError> {
        let context = lookup.context.clone().unwrap_or_else(|| "project".into());
        let client = &ctx.data().client;
        let call = call(ctx);
        let scope = ctx.data().scope(&context);
        let uid = match (&lookup.id, &lookup.name) {
            (Some(id), _) => Some(id.clone()),
            (None, Some(name)) => {
                let wanted = if context == "tenant" { "tenant" } else { context.as_str() };
                let mut candidates: Vec<_> = client
                    .list_cluster_profile_metadata(&call, &scope)
                    .await?
                    .into_iter()
                    .filter(|p| &p.metadata.name == name && lookup.version.as_deref().is_none_or(|v| p.version() == v))
                    .collect();
                candidates.sort_by(|a, b| compare_versions(b.version(), a.version()));
                let mut found = None;
                for candidate in candidates {
                    let profile = client.get_cluster_profile(&call, &scope, &candidate.metadata.uid).await?;
                    if profile.as_ref().is_some_and(|p| scope_annotation(&p.metadata).is_none_or(|s| s == wanted || (wanted.is_empty() && s == "project"))) {
                        found = Some(candidate.metadata.uid);
                        break;
                    }
                }
                found
            }
            (None, None) => None,
        };
        let profile = match uid {
            Some(uid) => client.get_cluster_profile(&call, &scope, &uid).await?,
            None => None,
        };
        let profile = profile.ok_or_else(|| {
            ResourceError::new(
                "Cluster profile not found",
                format!("No cluster profile matches id {:?}, name {:?}, version {:?} in context {context:?}.", lookup.id, lookup.name, lookup.version),
            )
        })?;
        let template = profile.template().cloned().unwrap_or_default();
        let mut packs = Vec::new();
        for pack in &template.packs {
            let mut manifest = Vec::new();
            if !pack.manifests.is_empty() {
                let documents = client.get_cluster_profile_pack_manifests(&call, &scope, &profile.metadata.uid, &pack.name).await?;
                for reference in &pack.manifests {
                    let content = documents.iter().find(|d| d.metadata.uid == reference.uid || d.metadata.name == reference.name).and_then(|d| d.content()).unwrap_or_default();
                    manifest.push(ManifestOut { uid: reference.uid.clone(), name: reference.name.clone(), content: content.to_string() });
                }
            }
            packs.push(PackOut {
                pack_type: crate::domain::packs::effective_pack_type(&pack.pack_type).to_string(),
                registry_uid: pack.registry_uid.clone(),
                uid: pack.pack_uid.clone(),
                name: pack.name.clone(),
                tag: pack.tag.clone(),
                values: pack.values.clone(),
                manifest,
            });
        }
        lookup.id = Some(profile.metadata.uid.clone());
        lookup.name = Some(profile.metadata.name.clone());
        lookup.version = Some(profile.version().to_string());
        lookup.pack = packs;
        Ok(lookup)
    }
}
