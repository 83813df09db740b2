//! `spectrocloud_application_profile`: an App Mode template made of tiers
//! (containers, Helm charts, manifests, operator instances).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::common::{description_attribute, id_attribute, looks_like_uid, object_meta, parse_profile_import_id, profile_import_contexts, read_description, read_tags, profile_context_attribute, tags_attribute};
use crate::domain::packs::{compare_versions, yaml_equal, yaml_values_equal, Resolver};
use crate::client::app_profiles::{AppProfileEntity, AppProfileEntitySpec, AppProfileMetaEntity, AppProfileTemplateEntity, AppTier, AppTierEntity, AppTierUpdateEntity};
use crate::client::conventions::in_scope;
use crate::client::models::{ManifestDocument, ManifestInput, NameValue, ObjectMeta};
use crate::client::Scope;
use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::protocol::diagnostics::{AttributePath, Diagnostics};
use terraform_plugin::framework::modifiers::{requires_replace, semantic_equality, use_state_while_unchanged, PlanKind};
use terraform_plugin::framework::private::PrivateState;
use terraform_plugin::framework::resource::{CreateRequest, Plan, PlanRequest, Resource, UpdateRequest};
use terraform_plugin::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use terraform_plugin::framework::timeouts::{self, Operation, Timeouts};
use terraform_plugin::framework::validators::{conflicts_with, not_empty, one_of, profile_version, yaml as valid_yaml};
use terraform_plugin::protocol::value::{Type, Value};
use crate::provider::{api_failure, call, Palette};

pub const TYPE_NAME: &str = "spectrocloud_application_profile";

const TIER_TYPES: [&str; 4] = ["container", "helm", "manifest", "operator-instance"];

/// What the API shows instead of a sensitive property's value.
const MASKED: &str = "********";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct ManifestModel {
    uid: Option<String>,
    name: String,
    content: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct TierModel {
    uid: Option<String>,
    #[serde(rename = "type")]
    tier_type: Option<String>,
    name: String,
    source_app_tier: Option<String>,
    registry_uid: Option<String>,
    registry_name: Option<String>,
    properties: Option<BTreeMap<String, String>>,
    install_order: Option<i64>,
    manifest: Vec<ManifestModel>,
    tag: Option<String>,
    values: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppProfileModel {
    id: Option<String>,
    name: String,
    version: Option<String>,
    context: Option<String>,
    tags: Option<BTreeSet<String>>,
    description: Option<String>,
    cloud: Option<String>,
    pack: Vec<TierModel>,
}

impl TierModel {
    fn properties(&self) -> Vec<NameValue> {
        self.properties.iter().flatten().map(|(k, v)| NameValue::new(k, v)).collect()
    }

    fn manifests(&self) -> Vec<ManifestInput> {
        self.manifest.iter().map(|m| ManifestInput { uid: String::new(), name: m.name.clone(), content: m.content.trim().to_string() }).collect()
    }

    fn entity(&self, registry_uid: String) -> AppTierEntity {
        AppTierEntity {
            name: self.name.clone(),
            tier_type: self.tier_type.clone().unwrap_or_default(),
            version: self.tag.clone().unwrap_or_default(),
            source_app_tier_uid: self.source_app_tier.clone().unwrap_or_default(),
            registry_uid,
            install_order: self.install_order.unwrap_or(0) as i32,
            values: self.values.as_deref().map(str::trim).unwrap_or_default().to_string(),
            properties: self.properties(),
            manifests: self.manifests(),
            ..AppTierEntity::default()
        }
    }

    fn update_entity(&self) -> AppTierUpdateEntity {
        AppTierUpdateEntity {
            name: self.name.clone(),
            version: self.tag.clone().unwrap_or_default(),
            values: self.values.as_deref().map(str::trim).unwrap_or_default().to_string(),
            install_order: self.install_order.unwrap_or(0) as i32,
            properties: self.properties(),
            manifests: self.manifests(),
            ..AppTierUpdateEntity::default()
        }
    }

    /// True when this planned tier cannot update `old` in place (a different
    /// type, source or registry recreates it). The registry is its UID when
    /// the plan knows it, else the name it will be resolved from.
    fn replaces(&self, old: &TierModel) -> bool {
        let registry_changes = match &self.registry_uid {
            Some(uid) => old.registry_uid.as_ref() != Some(uid),
            None => self.registry_name.as_deref().is_some_and(|n| !n.is_empty()) && self.registry_name != old.registry_name,
        };
        (&self.tier_type, &self.source_app_tier) != (&old.tier_type, &old.source_app_tier) || registry_changes
    }
}

impl AppProfileModel {
    fn context(&self) -> &str {
        self.context.as_deref().unwrap_or("project")
    }
}

fn tier_path(index: usize) -> AttributePath {
    AttributePath::attr("pack").index(index)
}

pub struct ApplicationProfileResource;

impl ApplicationProfileResource {
    fn scope(&self, ctx: &Context<Palette>, model: &AppProfileModel) -> Scope {
        ctx.data().scope(model.context())
    }

    async fn registry_uid(&self, resolver: &mut Resolver<'_>, index: usize, tier: &TierModel) -> Result<String, ResourceError> {
        let chosen = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());
        match (chosen(&tier.registry_uid), chosen(&tier.registry_name)) {
            (Some(uid), _) => Ok(uid),
            (None, Some(name)) => resolver
                .registry_uid(&name, None)
                .await
                .map_err(|e| e.diagnostic("Unknown registry", "Cannot list the registries").at(tier_path(index).attribute("registry_name")).into()),
            (None, None) => Ok(String::new()),
        }
    }

    /// One GET of the profile and one of its tiers, plus the manifests of
    /// tiers that have some. The tiers and the manifests of the tiers the
    /// prior state had are asked for together with the profile, so a read is
    /// one round trip unless tiers gained manifests since.
    async fn read_model(&self, ctx: &Context<Palette>, prior: &AppProfileModel) -> Result<Option<AppProfileModel>, ResourceError> {
        let client = &ctx.data().client;
        let call = call(ctx);
        let scope = self.scope(ctx, prior);
        let uid = prior.id.clone().unwrap_or_default();
        let manifests_of = |tier_uid: String| {
            let (call, scope, uid) = (&call, &scope, &uid);
            async move { client.list_app_tier_manifests(call, scope, uid, &tier_uid).await.map(|documents| (tier_uid, documents)) }
        };
        // Prefetches that fail (a tier replaced since) are simply done again below.
        let prior_tiers = prior.pack.iter().filter(|tier| !tier.manifest.is_empty()).filter_map(|tier| tier.uid.clone());
        let (profile, tiers, prefetched) = tokio::join!(
            client.get_app_profile(&call, &scope, &uid),
            client.list_app_profile_tiers(&call, &scope, &uid),
            futures::future::join_all(prior_tiers.map(manifests_of)),
        );
        let Some(profile) = profile? else {
            return Ok(None);
        };
        let tiers = tiers?;
        let mut manifests: BTreeMap<String, Vec<ManifestDocument>> = prefetched.into_iter().filter_map(Result::ok).collect();
        let missing: Vec<String> =
            tiers.iter().filter(|t| !t.spec.manifests.is_empty() && !manifests.contains_key(&t.metadata.uid)).map(|t| t.metadata.uid.clone()).collect();
        manifests.extend(futures::future::try_join_all(missing.into_iter().map(manifests_of)).await?);
        let pack = tiers
            .iter()
            .map(|tier| {
                let prior_tier = prior.pack.iter().find(|t| t.name == tier.metadata.name);
                self.tier_from_api(tier, prior_tier, manifests.get(&tier.metadata.uid).map(Vec::as_slice).unwrap_or_default())
            })
            .collect();
        Ok(Some(AppProfileModel {
            id: Some(profile.metadata.uid.clone()),
            name: profile.metadata.name.clone(),
            version: Some(crate::client::cluster_profiles::effective_version(&profile.spec.version).to_string()),
            context: Some(match (crate::client::conventions::scope_annotation(&profile.metadata), prior.context.as_deref()) {
                (Some("project"), Some(prior @ ("" | "system"))) => prior.to_string(),
                (Some(scope), _) => scope.to_string(),
                (None, prior) => prior.unwrap_or("project").to_string(),
            }),
            tags: read_tags(&profile.metadata),
            description: read_description(&profile.metadata),
            cloud: Some(prior.cloud.clone().unwrap_or_else(|| "all".into())),
            pack,
        }))
    }

    /// A tier as read, with the contents of its manifests (`documents`).
    fn tier_from_api(&self, tier: &AppTier, prior: Option<&TierModel>, documents: &[ManifestDocument]) -> TierModel {
        let spec = &tier.spec;
        let mut manifest = Vec::new();
        for reference in &spec.manifests {
            let content = documents.iter().find(|d| d.metadata.uid == reference.uid || d.metadata.name == reference.name).and_then(|d| d.content()).unwrap_or_default();
            let prior_content = prior.and_then(|p| p.manifest.iter().find(|m| m.name == reference.name)).map(|m| m.content.as_str());
            let content = match prior_content {
                Some(text) if yaml_equal(text, content) => text.to_string(),
                _ => content.to_string(),
            };
            manifest.push(ManifestModel { uid: Some(reference.uid.clone()), name: reference.name.clone(), content });
        }
        let prior_properties = prior.and_then(|p| p.properties.as_ref());
        let properties: BTreeMap<String, String> = spec
            .properties
            .iter()
            .map(|p| {
                // A masked value cannot be compared: the configured one stands.
                let value = match prior_properties.and_then(|m| m.get(&p.name)) {
                    Some(prior_value) if p.value == MASKED => prior_value.clone(),
                    _ => p.value.clone(),
                };
                (p.name.clone(), value)
            })
            .collect();
        // Texts as the API holds them, in the prior spelling while they mean the same.
        let text = |api: &str, prior: Option<&Option<String>>| match prior.and_then(Option::as_deref) {
            Some(p) if yaml_equal(p, api) => Some(p.to_string()),
            _ => Some(api.to_string()),
        };
        TierModel {
            uid: Some(tier.metadata.uid.clone()),
            tier_type: Some(spec.tier_type.clone()),
            name: tier.metadata.name.clone(),
            source_app_tier: Some(spec.source_app_tier_uid.clone()),
            registry_uid: Some(spec.registry_uid.clone()),
            // Configuration only: the name the registry UID was resolved from.
            registry_name: prior.and_then(|p| p.registry_name.clone()),
            properties: Some(properties),
            install_order: Some(spec.install_order as i64),
            manifest,
            tag: Some(spec.version.clone()),
            values: text(&spec.values, prior.map(|p| &p.values)),
        }
    }

    async fn reread(&self, ctx: &Context<Palette>, model: &AppProfileModel) -> Result<AppProfileModel, ResourceError> {
        match self.read_model(ctx, model).await? {
            Some(read) => Ok(read),
            None => Err(ResourceError::new("Application profile vanished", "The application profile disappeared right after it was written.")),
        }
    }
}

#[async_trait]
impl Resource<Palette> for ApplicationProfileResource {
    type Model = AppProfileModel;

    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        let yaml = || semantic_equality("in YAML formatting and key order", yaml_values_equal);
        let manifest = Block::new()
            .attribute(Attribute::new("uid", Type::String).computed().description("The manifest's UID.").plan_modifier(use_state_while_unchanged(&["name"])))
            .attribute(Attribute::new("name", Type::String).required().description("The manifest's name.").validator(not_empty()))
            .attribute(Attribute::new("content", Type::String).required().description("The manifest (YAML).").validator(valid_yaml()).plan_modifier(yaml()));
        let tier = Block::new()
            .attribute(
                Attribute::new("type", Type::String)
                    .default(Value::string("spectro"))
                    .description("The tier type: `container`, `helm`, `manifest` or `operator-instance` (required in practice; the default is kept for compatibility and rejected at plan time).")
                    .validator(one_of(&TIER_TYPES)),
            )
            .attribute(Attribute::new("source_app_tier", Type::String).zero_default().description("The UID of the catalog pack the tier is made from (from `spectrocloud_pack_simple`)."))
            .attribute(
                Attribute::new("registry_uid", Type::String)
                    .optional()
                    .computed()
                    .description("The registry's UID; the source pack's registry when not set. Conflicts with `registry_name`.")
                    .plan_modifier(use_state_while_unchanged(&["name", "type", "source_app_tier"])),
            )
            .attribute(Attribute::new("registry_name", Type::String).zero_default().description("The registry's name, resolved to its UID. Conflicts with `registry_uid`."))
            .attribute(Attribute::new("uid", Type::String).optional().computed().description("The tier's UID.").plan_modifier(use_state_while_unchanged(&["name", "type"])))
            .attribute(Attribute::new("name", Type::String).required().description("The tier's name, unique in the profile.").validator(not_empty()))
            .attribute(Attribute::new("properties", Type::Map(Box::new(Type::String))).zero_default().description("Tier properties (operator-instance settings such as `databaseName`)."))
            .attribute(Attribute::new("install_order", Type::Number).default(Value::int(0)).description("The order tiers are installed in."))
            .attribute(
                Attribute::new("tag", Type::String)
                    .optional()
                    .computed()
                    .description("The pack version, or a version tag (`6.2.x`); the source pack's version when not set, read back.")
                    .plan_modifier(use_state_while_unchanged(&["name", "type", "source_app_tier"])),
            )
            .attribute(
                Attribute::new("values", Type::String)
                    .optional()
                    .computed()
                    .description("Values (YAML); for container tiers the `containerService:` document. The source pack's values when not set.")
                    .validator(valid_yaml())
                    .plan_modifier(yaml())
                    .plan_modifier(use_state_while_unchanged(&["name", "type", "source_app_tier", "tag"])),
            )
            .block(NestedBlock::new("manifest", Nesting::List, manifest))
            .validator(conflicts_with("registry_uid", "registry_name"));
        Schema::new(
            0,
            Block::new()
                .description("An application profile: the App Mode template of tiers that developers deploy to virtual clusters.")
                .attribute(id_attribute())
                .attribute(Attribute::new("name", Type::String).required().description("The profile's name. The API cannot rename a profile, so a new name replaces it.").validator(not_empty()).plan_modifier(requires_replace()))
                .attribute(Attribute::new("version", Type::String).default(Value::string("1.0.0")).description("The profile version (`1`, `1.2` or `1.2.3`, optionally prefixed with `v`); a change renames this version in place.").validator(profile_version()))
                .attribute(profile_context_attribute())
                .attribute(tags_attribute())
                .attribute(description_attribute())
                .attribute(Attribute::new("cloud", Type::String).default(Value::string("all")).description("Kept for compatibility; not sent to the API."))
                .block(NestedBlock::new("pack", Nesting::List, tier).min_items(1))
                .block(timeouts::block(&[Operation::Create, Operation::Update, Operation::Delete])),
        )
    }

    fn timeouts(&self) -> Timeouts {
        Timeouts::uniform(Duration::from_secs(600))
    }

    fn validate_config(&self, config: &Value, diags: &mut Diagnostics) {
        let mut seen = BTreeSet::new();
        for (i, tier) in config.get("pack").as_elements().unwrap_or_default().iter().enumerate() {
            if tier.get("type").is_null() {
                diags.error_at(tier_path(i).attribute("type"), "Tier type required", format!("Set `type` to one of {}.", TIER_TYPES.join(", ")));
            }
            if let Some(name) = tier.get("name").as_str() {
                if !seen.insert(name.to_string()) {
                    diags.error_at(tier_path(i).attribute("name"), "Duplicate tier name", format!("The tier name {name:?} is used more than once."));
                }
            }
        }
    }

    /// Tiers naming their registry by name are resolved at plan time, as
    /// cluster profile packs are, so an unknown registry fails the plan.
    async fn modify_plan(&self, ctx: &Context<Palette>, request: &PlanRequest<'_>, plan: &mut Plan) -> Result<(), ResourceError> {
        if request.kind == PlanKind::Delete || plan.state == *request.prior {
            return Ok(());
        }
        let call = call(ctx);
        let scope = ctx.data().scope(plan.state.get("context").as_str().unwrap_or("project"));
        let mut resolver = Resolver::new(&ctx.data().client, &call, scope);
        let mut diags = Diagnostics::new();
        for (i, tier) in plan.state.get("pack").as_elements().unwrap_or_default().iter().enumerate() {
            // A UID given (or kept from the state) wins; `""` is an unset name.
            let uid_known = tier.get("registry_uid").as_str().is_some_and(|uid| !uid.is_empty());
            let Some(name) = tier.get("registry_name").as_str().filter(|name| !name.is_empty() && !uid_known) else { continue };
            if let Err(error) = resolver.registry_uid(name, None).await {
                diags.push(error.diagnostic("Unknown registry", "Cannot list the registries").at(tier_path(i).attribute("registry_name")));
            }
        }
        if diags.has_errors() {
            return Err(diags.into());
        }
        Ok(())
    }

    async fn create(&self, ctx: &Context<Palette>, request: CreateRequest<'_, AppProfileModel>, _private: &mut PrivateState) -> Result<AppProfileModel, ResourceError> {
        let mut model = request.planned;
        let call = call(ctx);
        let scope = self.scope(ctx, &model);
        let mut resolver = Resolver::new(&ctx.data().client, &call, scope.clone());
        let mut app_tiers = Vec::new();
        for (i, tier) in model.pack.iter().enumerate() {
            app_tiers.push(tier.entity(self.registry_uid(&mut resolver, i, tier).await?));
        }
        let entity = AppProfileEntity {
            metadata: object_meta(&model.name, model.tags.as_ref(), model.description.as_deref()),
            spec: AppProfileEntitySpec { version: model.version.clone().unwrap_or_default(), template: AppProfileTemplateEntity { app_tiers } },
        };
        model.id = Some(ctx.data().client.create_app_profile(&call, &scope, &entity).await?);
        self.reread(ctx, &model).await.map_err(|e| ctx.with_partial(e, &model))
    }

    async fn read(&self, ctx: &Context<Palette>, prior: AppProfileModel, _private: &mut PrivateState) -> Result<Option<AppProfileModel>, ResourceError> {
        self.read_model(ctx, &prior).await
    }

    async fn update(&self, ctx: &Context<Palette>, request: UpdateRequest<'_, AppProfileModel>, _private: &mut PrivateState) -> Result<AppProfileModel, ResourceError> {
        let model = request.planned;
        let prior = request.prior;
        let uid = model.id.clone().unwrap_or_default();
        let client = &ctx.data().client;
        let call = call(ctx);
        let scope = self.scope(ctx, &model);
        let failed = |e: ResourceError| ctx.with_partial(e, &prior);
        let mut resolver = Resolver::new(client, &call, scope.clone());
        if model.pack != prior.pack {
            let existing = client.list_app_profile_tiers(&call, &scope, &uid).await?;
            let wanted: BTreeSet<&str> = model.pack.iter().map(|t| t.name.as_str()).collect();
            // Removed tiers, and tiers whose type or source changes, go first.
            for tier in &existing {
                let name = tier.metadata.name.as_str();
                let (new, old) = (model.pack.iter().find(|t| t.name == name), prior.pack.iter().find(|t| t.name == name));
                let recreate = matches!((new, old), (Some(new), Some(old)) if new.replaces(old));
                if !wanted.contains(tier.metadata.name.as_str()) || recreate {
                    client.delete_app_profile_tier(&call, &scope, &uid, &tier.metadata.uid).await.map_err(|e| failed(api_failure(&format!("Cannot delete tier {}", tier.metadata.name), &e).into()))?;
                }
            }
            let remaining = client.list_app_profile_tiers(&call, &scope, &uid).await?;
            for (i, tier) in model.pack.iter().enumerate() {
                match remaining.iter().find(|t| t.metadata.name == tier.name) {
                    Some(current) => {
                        if prior.pack.iter().find(|p| p.name == tier.name) != Some(tier) {
                            client
                                .update_app_profile_tier(&call, &scope, &uid, &current.metadata.uid, &tier.update_entity())
                                .await
                                .map_err(|e| failed(api_failure(&format!("Cannot update tier {}", tier.name), &e).into()))?;
                        }
                    }
                    None => {
                        let registry_uid = self.registry_uid(&mut resolver, i, tier).await?;
                        client
                            .create_app_profile_tier(&call, &scope, &uid, &tier.entity(registry_uid))
                            .await
                            .map_err(|e| failed(api_failure(&format!("Cannot create tier {}", tier.name), &e).into()))?;
                    }
                }
            }
        }
        if (&model.tags, &model.description, &model.version) != (&prior.tags, &prior.description, &prior.version) {
            let metadata = object_meta("", model.tags.as_ref(), model.description.as_deref());
            let meta = AppProfileMetaEntity { metadata, version: model.version.clone().unwrap_or_default() };
            client.patch_app_profile_metadata(&call, &scope, &uid, &meta).await.map_err(|e| failed(e.into()))?;
        }
        self.reread(ctx, &model).await
    }

    async fn delete(&self, ctx: &Context<Palette>, model: AppProfileModel, _private: &PrivateState) -> Result<(), ResourceError> {
        ctx.data().client.delete_app_profile(&call(ctx), &self.scope(ctx, &model), model.id.as_deref().unwrap_or_default()).await?;
        Ok(())
    }

    async fn import(&self, ctx: &Context<Palette>, id: &str, _private: &mut PrivateState) -> Result<AppProfileModel, ResourceError> {
        let (key, context, version) = parse_profile_import_id("application profile", id)?;
        for context in profile_import_contexts(context) {
            if let Some(uid) = self.find_for_import(ctx, context, key, version).await? {
                return Ok(AppProfileModel { id: Some(uid), context: Some(context.to_string()), cloud: Some("all".into()), ..AppProfileModel::default() });
            }
        }
        Err(ResourceError::new(
            format!("Cannot import application profile {id:?}"),
            "No application profile matches this UID or name (and version). The import ID is UID_OR_NAME, UID_OR_NAME:CONTEXT or UID_OR_NAME:CONTEXT:VERSION, with CONTEXT one of project, tenant, system.",
        ))
    }
}

impl ApplicationProfileResource {
    /// The UID of the profile `key` (a UID or a name) names in `context`, the
    /// newest version unless `version` is given; profiles of another scope that
    /// the context can see do not count, so the imported `context` reads back.
    async fn find_for_import(&self, ctx: &Context<Palette>, context: &str, key: &str, version: Option<&str>) -> Result<Option<String>, ResourceError> {
        let client = &ctx.data().client;
        let call = call(ctx);
        let scope = ctx.data().scope(context);
        let in_context = |meta: &ObjectMeta| in_scope(meta, context);
        if looks_like_uid(key) {
            let profile = client.get_app_profile(&call, &scope, key).await?;
            if let Some(profile) = profile.filter(|p| in_context(&p.metadata) && version.is_none_or(|v| p.spec.version == v)) {
                return Ok(Some(profile.metadata.uid));
            }
        }
        let profiles = client.list_app_profiles(&call, &scope).await?;
        let mut versions: Vec<(String, String)> = profiles
            .iter()
            .filter(|p| p.metadata.name == key && in_context(&p.metadata))
            .flat_map(|p| {
                let own = std::iter::once((p.spec.version.clone(), p.metadata.uid.clone()));
                own.chain(p.spec.versions.iter().map(|v| (v.version.clone(), v.uid.clone())))
            })
            .filter(|(v, _)| version.is_none_or(|wanted| crate::client::cluster_profiles::effective_version(v) == wanted))
            .collect();
        versions.sort_by(|a, b| compare_versions(&b.0, &a.0));
        Ok(versions.into_iter().next().map(|(_, uid)| uid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_and_version_0() {
        let schema = ApplicationProfileResource.schema();
        assert_eq!(schema.version, 0);
        assert!(schema.resource_problems().is_empty(), "{:?}", schema.resource_problems());
    }

    #[test]
    fn missing_tier_type_and_duplicate_names_are_plan_errors() {
        let tier = |name: &str, tier_type: Option<&str>| {
            Value::Object([("name".to_string(), Value::string(name)), ("type".to_string(), tier_type.map_or(Value::Null, Value::string))].into())
        };
        let config = Value::Object([("pack".to_string(), Value::List(vec![tier("a", Some("helm")), tier("b", None), tier("a", Some("manifest"))]))].into());
        let mut diags = Diagnostics::new();
        ApplicationProfileResource.validate_config(&config, &mut diags);
        let paths: Vec<_> = diags.iter().map(|d| d.path.clone()).collect();
        assert_eq!(paths, [Some(tier_path(1).attribute("type")), Some(tier_path(2).attribute("name"))]);
    }
}
