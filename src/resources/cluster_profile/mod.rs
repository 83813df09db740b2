//! `spectrocloud_cluster_profile`: a versioned stack of packs (OS,
//! Kubernetes, CNI, CSI, add-ons) with optional profile variables.

mod model;
mod schema;

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;

use model::{read_yaml, ManifestModel, PackModel, ProfileModel, VariableModel, VariablesModel};
use schema::{check_unique_names, pack_path};
use super::common::{looks_like_uid, object_meta, parse_profile_import_id, profile_import_contexts, read_description, read_tags};
use crate::domain::packs::{compare_versions, pack_types_equal, yaml_values_equal, PackQuery, Resolver, MANIFEST_PACK_UID};
use crate::client::cluster_profiles::{
    ClusterProfile, ClusterProfileEntity, ClusterProfileEntitySpec, ClusterProfileTemplateEntity, CloneEntity, CloneMeta,
    PackManifestEntity, ProfileMetaEntity, ProfileMetaSpec,
};
use crate::client::conventions::{in_scope, scope_annotation};
use crate::client::Scope;
use terraform_plugin::framework::context::{Context, ResourceError};
use terraform_plugin::protocol::diagnostics::{AttributePath, Diagnostics};
use terraform_plugin::framework::modifiers::PlanKind;
use terraform_plugin::framework::private::PrivateState;
use terraform_plugin::framework::resource::{CreateRequest, Plan, PlanRequest, Resource, UpdateRequest};
use terraform_plugin::framework::schema::Schema;
use terraform_plugin::framework::timeouts::Timeouts;
use terraform_plugin::protocol::value::Value;
use crate::provider::{call, Palette, IMMUTABLE_CLUSTER_PROFILES};

pub const TYPE_NAME: &str = "spectrocloud_cluster_profile";

/// Private-state key: registry UID → name as of the last write, so a
/// refresh names registries without listing them.
const RESOLVED_REGISTRIES: &str = "registries";

pub struct ClusterProfileResource;

impl ClusterProfileResource {
    /// Fills the planned UIDs of packs that have none: manifest packs get
    /// the manifest UID, others are looked up by name, tag and registry.
    async fn resolve_planned_packs(&self, ctx: &Context<Palette>, plan: &mut Value, config: &Value) -> Result<(), ResourceError> {
        let scope = ctx.data().scope(plan.get("context").as_str().unwrap_or("project"));
        let call = call(ctx);
        let mut resolver = Resolver::new(&ctx.data().client, &call, scope);
        let mut diags = Diagnostics::new();
        let count = plan.get("pack").as_elements().map_or(0, <[Value]>::len);
        for i in 0..count {
            let pack = plan.get("pack").as_elements().unwrap_or_default()[i].clone();
            let configured = &config.get("pack").as_elements().unwrap_or_default()[i];
            let text = |name: &str| pack.get(name).as_str().filter(|t| !t.is_empty()).map(str::to_string);
            let pack_type = text("type").unwrap_or_default();
            let registry_name = text("registry_name");
            let mut registry_uid = text("registry_uid");
            if let Some(name) = &registry_name {
                let kind = (pack_type != "manifest").then_some(pack_type.as_str());
                match resolver.registry_uid(name, kind).await {
                    // Both set (a generated configuration writes both): they must agree.
                    Ok(uid) if !configured.get("registry_name").is_null() && configured.get("registry_uid").as_str().is_some_and(|given| !given.is_empty() && given != uid) => {
                        diags.error_at(
                            pack_path(i).attribute("registry_name"),
                            "Invalid attribute combination",
                            format!(
                                "Only one of `registry_uid`, `registry_name` may be set, or both naming the same registry: registry_name {name:?} is registry {uid}, registry_uid is {}.",
                                configured.get("registry_uid").as_str().unwrap_or_default()
                            ),
                        );
                        continue;
                    }
                    Ok(uid) => registry_uid = Some(uid),
                    Err(error) => {
                        diags.push(error.diagnostic("Unknown registry", "Cannot list the registries").at(pack_path(i).attribute("registry_name")));
                        continue;
                    }
                }
            }
            if let (Some(uid), true) = (&registry_uid, pack.get("registry_uid").is_unknown() && configured.get("registry_uid").is_null()) {
                if let Some(Value::List(packs)) = plan.get_mut("pack") {
                    packs[i].set("registry_uid", Value::string(uid.clone()));
                }
            }
            if !plan.get("pack").as_elements().unwrap_or_default()[i].get("uid").is_unknown() || !configured.get("uid").is_null() {
                continue;
            }
            let resolved = if pack_type == "manifest" {
                // Manifest layers come from no registry.
                if let Some(Value::List(packs)) = plan.get_mut("pack") {
                    for field in ["registry_uid", "registry_name"] {
                        if packs[i].get(field).is_unknown() && configured.get(field).is_null() {
                            packs[i].set(field, Value::Null);
                        }
                    }
                }
                MANIFEST_PACK_UID.to_string()
            } else {
                let (Some(name), Some(tag)) = (text("name"), text("tag")) else {
                    if configured.get("tag").is_null() {
                        // At the absent `tag`, so Terraform shows the pack's block.
                        diags.error_at(pack_path(i).attribute("tag"), "Pack version missing", "Set `tag` (and the registry) so the pack can be resolved, or set `uid`.");
                    }
                    continue;
                };
                if configured.get("registry_uid").is_unknown() || configured.get("registry_name").is_unknown() {
                    continue;
                }
                let query = PackQuery { name: &name, version: Some(&tag), registry_uid: registry_uid.as_deref(), pack_type: Some(&pack_type), clouds: &[] };
                match resolver.pack(&query).await {
                    Ok(found) => found.metadata.uid,
                    Err(error) => {
                        diags.push(error.diagnostic("Cannot resolve the pack", "Cannot list the packs").at(pack_path(i).attribute("name")));
                        continue;
                    }
                }
            };
            if let Some(Value::List(packs)) = plan.get_mut("pack") {
                packs[i].set("uid", Value::string(resolved));
            }
        }
        if diags.has_errors() {
            return Err(ResourceError { diagnostics: diags, partial_state: None });
        }
        Ok(())
    }

    /// The pack bodies with every `registry_name` resolved; records the
    /// resolutions in private state for later refreshes.
    async fn pack_entities(&self, ctx: &Context<Palette>, model: &ProfileModel, private: &mut PrivateState) -> Result<Vec<PackManifestEntity>, ResourceError> {
        let call = call(ctx);
        let mut resolver = Resolver::new(&ctx.data().client, &call, self.scope(ctx, model));
        let mut resolved = BTreeMap::new();
        let mut entities = Vec::new();
        for (i, pack) in model.pack.iter().enumerate() {
            let chosen = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());
            let registry_uid = match (chosen(&pack.registry_uid), chosen(&pack.registry_name)) {
                (Some(uid), _) => uid,
                (None, Some(name)) => {
                    let kind = (!pack.is_manifest()).then(|| pack.pack_type.as_deref().unwrap_or("spectro"));
                    let uid = resolver
                        .registry_uid(&name, kind)
                        .await
                        .map_err(|e| ResourceError::from(e.diagnostic("Unknown registry", "Cannot list the registries").at(pack_path(i).attribute("registry_name"))))?;
                    uid
                }
                (None, None) => String::new(),
            };
            if let Some(name) = resolver.registry_name(&registry_uid).await? {
                resolved.insert(registry_uid.clone(), name);
            }
            entities.push(pack.entity(registry_uid));
        }
        private.set(RESOLVED_REGISTRIES, &resolved).map_err(|e| ResourceError::from_error("Cannot record resolved registries", &e))?;
        Ok(entities)
    }

    fn scope(&self, ctx: &Context<Palette>, model: &ProfileModel) -> Scope {
        ctx.data().scope(model.context())
    }

    /// The profile as the API reports it: one GET, plus the manifests of
    /// packs that have some and the variables when the profile has any. The
    /// manifests and variables the prior state had are asked for together
    /// with the profile, so a read is one round trip unless the profile
    /// gained manifests or variables since.
    async fn read_model(&self, ctx: &Context<Palette>, prior: &ProfileModel, private: &PrivateState) -> Result<Option<ProfileModel>, ResourceError> {
        let client = &ctx.data().client;
        let call = call(ctx);
        let scope = self.scope(ctx, prior);
        let uid = prior.id.clone().unwrap_or_default();
        let prior_variables: Vec<&VariableModel> = prior.profile_variables.iter().flat_map(|v| &v.variable).collect();
        // Prefetches that fail (a profile just deleted) are simply done again below.
        let manifests_of = |name: String| {
            let (call, scope, uid) = (&call, &scope, &uid);
            async move { client.get_cluster_profile_pack_manifests(call, scope, uid, &name).await.map(|documents| (name, documents)) }
        };
        let prefetch_manifests = futures::future::join_all(prior.pack.iter().filter(|p| !p.manifest.is_empty()).map(|p| manifests_of(p.name.clone())));
        let prefetch_variables = async {
            match prior_variables.is_empty() {
                true => None,
                false => client.get_cluster_profile_variables(&call, &scope, &uid).await.ok(),
            }
        };
        let (profile, prefetched, prefetched_variables) =
            tokio::join!(client.get_cluster_profile(&call, &scope, &uid), prefetch_manifests, prefetch_variables);
        let Some(profile) = profile? else {
            return Ok(None);
        };
        let template = profile.template().cloned().unwrap_or_default();
        let mut manifests_by_pack: BTreeMap<String, Vec<_>> = prefetched.into_iter().filter_map(Result::ok).collect();
        let missing: Vec<String> =
            template.packs.iter().filter(|api| !api.manifests.is_empty() && !manifests_by_pack.contains_key(&api.name)).map(|api| api.name.clone()).collect();
        manifests_by_pack.extend(futures::future::try_join_all(missing.into_iter().map(manifests_of)).await?);
        let known_registries: BTreeMap<String, String> = private.get(RESOLVED_REGISTRIES).unwrap_or_default();
        let mut resolver = Resolver::new(client, &call, scope.clone());
        let mut packs = Vec::new();
        for api in &template.packs {
            let prior_pack = prior.pack.iter().find(|p| p.name == api.name);
            let mut manifests = Vec::new();
            if let Some(documents) = manifests_by_pack.get(&api.name).filter(|_| !api.manifests.is_empty()) {
                for reference in &api.manifests {
                    let content = documents.iter().find(|d| d.metadata.uid == reference.uid || d.metadata.name == reference.name).and_then(|d| d.content()).unwrap_or_default();
                    let prior_content = prior_pack.and_then(|p| p.manifest.iter().find(|m| m.name == reference.name)).map(|m| m.content.as_str());
                    manifests.push(ManifestModel { uid: Some(reference.uid.clone()), name: reference.name.clone(), content: read_yaml(content, prior_content) });
                }
            }
            let registry_name = match known_registries.get(&api.registry_uid) {
                Some(name) => Some(name.clone()),
                None if api.registry_uid.is_empty() => Some(String::new()),
                None => Some(resolver.registry_name(&api.registry_uid).await?.unwrap_or_default()),
            };
            let registry_uid = (!api.registry_uid.is_empty()).then(|| api.registry_uid.clone());
            let pack_type = match prior_pack.and_then(|p| p.pack_type.as_deref()) {
                Some(prior_type) if pack_types_equal(&Value::string(prior_type), &Value::string(api.pack_type.clone())) => prior_type.to_string(),
                _ => crate::domain::packs::effective_pack_type(&api.pack_type).to_string(),
            };
            packs.push(PackModel {
                uid: Some(api.pack_uid.clone()),
                pack_type: Some(pack_type),
                name: api.name.clone(),
                registry_uid,
                registry_name,
                tag: Some(api.tag.clone()),
                values: Some(read_yaml(&api.values, prior_pack.and_then(|p| p.values.as_deref()))),
                manifest: manifests,
            });
        }
        let profile_variables = if profile.status.has_user_macros || !prior_variables.is_empty() {
            let mut api = match prefetched_variables {
                Some(variables) => variables,
                None => client.get_cluster_profile_variables(&call, &scope, &uid).await?,
            };
            // Keep the configured order; variables added elsewhere follow.
            api.sort_by_key(|v| prior_variables.iter().position(|p| p.name == v.name).unwrap_or(usize::MAX));
            let variable: Vec<VariableModel> = api.iter().map(VariableModel::from_api).collect();
            if variable.is_empty() {
                Vec::new()
            } else {
                vec![VariablesModel { variable }]
            }
        } else {
            Vec::new()
        };
        Ok(Some(self.model_from_api(&profile, &template, prior, packs, profile_variables)))
    }

    fn model_from_api(
        &self,
        profile: &ClusterProfile,
        template: &crate::client::models::ClusterProfileTemplate,
        prior: &ProfileModel,
        pack: Vec<PackModel>,
        profile_variables: Vec<VariablesModel>,
    ) -> ProfileModel {
        let context = match (scope_annotation(&profile.metadata), prior.context.as_deref()) {
            // "" and "system" address the project scope too.
            (Some("project"), Some(prior @ ("" | "system"))) => prior.to_string(),
            (Some(scope), _) => scope.to_string(),
            (None, prior) => prior.unwrap_or("project").to_string(),
        };
        ProfileModel {
            id: Some(profile.metadata.uid.clone()),
            name: profile.metadata.name.clone(),
            version: Some(profile.version().to_string()),
            skip_destroy: Some(prior.skip_destroy.unwrap_or(false)),
            context: Some(context),
            tags: read_tags(&profile.metadata),
            description: read_description(&profile.metadata),
            cloud: Some(if template.cloud_type.is_empty() { "all".into() } else { template.cloud_type.clone() }),
            profile_type: Some(template.profile_type.clone()),
            profile_variables,
            pack,
        }
    }

    async fn state_after_write(&self, ctx: &Context<Palette>, model: &ProfileModel, private: &PrivateState) -> Result<ProfileModel, ResourceError> {
        match self.read_model(ctx, model, private).await? {
            Some(read) => Ok(read),
            None => Err(ResourceError::new("Cluster profile vanished", format!("Cluster profile {} disappeared right after it was written.", model.id.as_deref().unwrap_or("")))),
        }
    }

    /// PUT packs, PATCH metadata, publish: what every content change does.
    async fn write_content(&self, ctx: &Context<Palette>, uid: &str, model: &ProfileModel, private: &mut PrivateState) -> Result<(), ResourceError> {
        let client = &ctx.data().client;
        let call = call(ctx);
        let scope = self.scope(ctx, model);
        let packs = self.pack_entities(ctx, model, private).await?;
        let mut metadata = object_meta(&model.name, model.tags.as_ref(), model.description.as_deref());
        metadata.uid = uid.to_string();
        let entity = ClusterProfileEntity {
            metadata: metadata.clone(),
            spec: ClusterProfileEntitySpec {
                version: model.version().to_string(),
                template: ClusterProfileTemplateEntity { profile_type: model.profile_type.clone().unwrap_or_default(), packs, ..Default::default() },
                variables: Vec::new(),
            },
        };
        client.update_cluster_profile(&call, &scope, uid, &entity).await?;
        metadata.uid.clear();
        let meta = ProfileMetaEntity { metadata, spec: Some(ProfileMetaSpec { version: model.version().to_string() }) };
        client.patch_cluster_profile_metadata(&call, &scope, uid, &meta).await?;
        client.publish_cluster_profile(&call, &scope, uid).await?;
        Ok(())
    }

    /// Under immutable versions: a new version is cloned from the latest
    /// existing one of the same name (or adopted when it already exists).
    async fn create_version(&self, ctx: &Context<Palette>, model: &ProfileModel, private: &mut PrivateState) -> Result<Option<String>, ResourceError> {
        let client = &ctx.data().client;
        let call = call(ctx);
        let scope = self.scope(ctx, model);
        let siblings: Vec<_> = client.list_cluster_profile_metadata(&call, &scope).await?.into_iter().filter(|p| p.metadata.name == model.name).collect();
        if siblings.iter().any(|p| p.version() == model.version()) {
            return Err(ResourceError::at(
                AttributePath::attr("version"),
                "Cluster profile version exists",
                format!("{} {} already exists; import it instead of creating it.", model.name, model.version()),
            ));
        }
        let Some(source) = siblings.iter().max_by(|a, b| compare_versions(a.version(), b.version())) else {
            return Ok(None);
        };
        let clone = CloneEntity { metadata: CloneMeta { name: model.name.clone(), version: model.version().to_string(), target: None } };
        let uid = client.clone_cluster_profile(&call, &scope, &source.metadata.uid, &clone).await?;
        let partial = ProfileModel { id: Some(uid.clone()), ..model.clone() };
        let fail = |e: ResourceError| ctx.with_partial(e, &partial);
        // New variables first (the old content keeps its own), then the new
        // content, then exactly the configured set.
        let variables = model.variables();
        if !variables.is_empty() {
            client.patch_cluster_profile_variables(&call, &scope, &uid, &variables).await.map_err(|e| fail(e.into()))?;
        }
        self.write_content(ctx, &uid, model, private).await.map_err(fail)?;
        client.put_cluster_profile_variables(&call, &scope, &uid, &variables).await.map_err(|e| fail(e.into()))?;
        Ok(Some(uid))
    }

    fn immutable(&self, ctx: &Context<Palette>) -> bool {
        ctx.data().feature_preview_enabled(IMMUTABLE_CLUSTER_PROFILES)
    }
}

#[async_trait]
impl Resource<Palette> for ClusterProfileResource {
    type Model = ProfileModel;

    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    fn timeouts(&self) -> Timeouts {
        Timeouts::uniform(Duration::from_secs(600))
    }

    fn validate_config(&self, config: &Value, diags: &mut Diagnostics) {
        check_unique_names(config, diags);
    }

    async fn modify_plan(&self, ctx: &Context<Palette>, request: &PlanRequest<'_>, plan: &mut Plan) -> Result<(), ResourceError> {
        if request.kind == PlanKind::Delete || plan.state == *request.prior {
            return Ok(());
        }
        self.resolve_planned_packs(ctx, &mut plan.state, request.config).await?;
        if request.kind == PlanKind::Update && self.immutable(ctx) {
            let version_changed = plan.state.get("version") != request.prior.get("version");
            if version_changed {
                if plan.state.get("skip_destroy").as_bool() != Some(true) {
                    return Err(ResourceError::at(
                        AttributePath::attr("skip_destroy"),
                        "A new cluster profile version needs skip_destroy",
                        "With immutable cluster profiles a version change creates a new version and replaces this resource; set `skip_destroy = true` (and `lifecycle { create_before_destroy = true }`) so the previous version is kept.",
                    ));
                }
                plan.requires_replace.push(AttributePath::attr("version"));
            } else {
                let changed: Vec<&str> = ["name", "tags", "description", "pack", "profile_variables"]
                    .into_iter()
                    .filter(|name| !content_equal(plan.state.get(name), request.prior.get(name)))
                    .collect();
                if let Some(first) = changed.first() {
                    return Err(ResourceError::at(
                        AttributePath::attr(first),
                        "Cluster profile versions are immutable",
                        format!("This change of {} would edit published version {}; change `version` to create a new version instead.", changed.join(", "), request.prior.get("version").as_str().unwrap_or("")),
                    ));
                }
            }
        }
        Ok(())
    }

    async fn create(&self, ctx: &Context<Palette>, request: CreateRequest<'_, ProfileModel>, private: &mut PrivateState) -> Result<ProfileModel, ResourceError> {
        let mut model = request.planned;
        let uid = match self.immutable(ctx) {
            true => self.create_version(ctx, &model, private).await?,
            false => None,
        };
        let uid = match uid {
            Some(uid) => uid,
            None => {
                let packs = self.pack_entities(ctx, &model, private).await?;
                let entity = ClusterProfileEntity {
                    metadata: object_meta(&model.name, model.tags.as_ref(), model.description.as_deref()),
                    spec: ClusterProfileEntitySpec {
                        version: model.version().to_string(),
                        template: ClusterProfileTemplateEntity {
                            cloud_type: model.cloud.clone().unwrap_or_else(|| "all".into()),
                            profile_type: model.profile_type.clone().unwrap_or_default(),
                            packs,
                        },
                        variables: model.variables(),
                    },
                };
                ctx.data().client.create_cluster_profile(&call(ctx), &self.scope(ctx, &model), &entity, true).await?
            }
        };
        model.id = Some(uid);
        self.state_after_write(ctx, &model, private).await.map_err(|e| ctx.with_partial(e, &model))
    }

    async fn read(&self, ctx: &Context<Palette>, prior: ProfileModel, private: &mut PrivateState) -> Result<Option<ProfileModel>, ResourceError> {
        self.read_model(ctx, &prior, private).await
    }

    async fn update(&self, ctx: &Context<Palette>, request: UpdateRequest<'_, ProfileModel>, private: &mut PrivateState) -> Result<ProfileModel, ResourceError> {
        let model = request.planned;
        let prior = request.prior;
        let uid = model.id.clone().unwrap_or_default();
        let client = &ctx.data().client;
        // Variables go first: new pack values may reference new variables.
        if model.profile_variables != prior.profile_variables {
            client.put_cluster_profile_variables(&call(ctx), &self.scope(ctx, &model), &uid, &model.variables()).await?;
        }
        if model.content() != prior.content() {
            self.write_content(ctx, &uid, &model, private).await.map_err(|e| ctx.with_partial(e, &prior))?;
        }
        self.state_after_write(ctx, &model, private).await
    }

    async fn delete(&self, ctx: &Context<Palette>, model: ProfileModel, _private: &PrivateState) -> Result<(), ResourceError> {
        if model.skip_destroy == Some(true) {
            return Ok(());
        }
        ctx.data().client.delete_cluster_profile(&call(ctx), &self.scope(ctx, &model), model.id.as_deref().unwrap_or_default()).await?;
        Ok(())
    }

    async fn import(&self, ctx: &Context<Palette>, id: &str, _private: &mut PrivateState) -> Result<ProfileModel, ResourceError> {
        let (key, context, version) = parse_profile_import_id("cluster profile", id)?;
        let version = version.filter(|v| !v.is_empty());
        let client = &ctx.data().client;
        let call = call(ctx);
        for context in profile_import_contexts(context) {
            let scope = ctx.data().scope(context);
            let matches_scope = |profile: &ClusterProfile| in_scope(&profile.metadata, context);
            if looks_like_uid(key) {
                if let Some(profile) = client.get_cluster_profile(&call, &scope, key).await? {
                    if matches_scope(&profile) && version.is_none_or(|v| profile.version() == v) {
                        return Ok(ProfileModel { id: Some(profile.metadata.uid), context: Some(context.to_string()), ..ProfileModel::default() });
                    }
                }
            }
            let mut candidates: Vec<_> = client
                .list_cluster_profile_metadata(&call, &scope)
                .await?
                .into_iter()
                .filter(|p| p.metadata.name == key && version.is_none_or(|v| p.version() == v))
                .collect();
            candidates.sort_by(|a, b| compare_versions(b.version(), a.version()));
            for candidate in candidates {
                if let Some(profile) = client.get_cluster_profile(&call, &scope, &candidate.metadata.uid).await? {
                    if matches_scope(&profile) {
                        return Ok(ProfileModel { id: Some(profile.metadata.uid), context: Some(context.to_string()), ..ProfileModel::default() });
                    }
                }
            }
        }
        Err(ResourceError::new(
            format!("Cannot import cluster profile {id:?}"),
            "No cluster profile matches. The import ID is UID_OR_NAME, UID_OR_NAME:CONTEXT or UID_OR_NAME:CONTEXT:VERSION, with CONTEXT one of project, tenant, system.",
        ))
    }
}

/// Pack and variable lists compared as the plan compares them: YAML texts
/// by meaning, `type` "" as `spectro`, computed UIDs ignored.
fn content_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.keys().chain(y.keys()).filter(|k| k.as_str() != "uid").all(|k| {
            let (l, r) = (a.get(k), b.get(k));
            match k.as_str() {
                "type" => l == r || pack_types_equal(l, r),
                "values" | "content" => l == r || yaml_values_equal(l, r),
                _ => content_equal(l, r),
            }
        }),
        (Value::List(x), Value::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(l, r)| content_equal(l, r)),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_and_version_0() {
        let schema = ClusterProfileResource.schema();
        assert_eq!(schema.version, 0);
        assert!(schema.resource_problems().is_empty(), "{:?}", schema.resource_problems());
    }

    #[test]
    fn import_ids() {
        assert_eq!(parse_profile_import_id("cluster profile", "abc").unwrap(), ("abc", None, None));
        assert_eq!(parse_profile_import_id("cluster profile", "abc:tenant").unwrap(), ("abc", Some("tenant"), None));
        assert_eq!(parse_profile_import_id("cluster profile", "abc:project:1.2.0").unwrap(), ("abc", Some("project"), Some("1.2.0")));
        assert!(parse_profile_import_id("cluster profile", "abc:cluster").is_err());
        assert!(parse_profile_import_id("cluster profile", "a:project:1:x").is_err());
        assert!(parse_profile_import_id("cluster profile", ":project").is_err());
    }

    #[test]
    fn duplicate_pack_names_are_reported_on_the_second() {
        let pack = |name: &str| Value::Object([("name".to_string(), Value::string(name))].into());
        let config = Value::Object([("pack".to_string(), Value::List(vec![pack("a"), pack("b"), pack("a")]))].into());
        let mut diags = Diagnostics::new();
        check_unique_names(&config, &mut diags);
        let errors: Vec<_> = diags.iter().collect();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, Some(pack_path(2).attribute("name")));
    }

    #[test]
    fn content_comparison_ignores_formatting_uids_and_empty_type() {
        let pack = |values: &str, pack_type: &str, uid: &str| {
            Value::List(vec![Value::Object(
                [("values".to_string(), Value::string(values)), ("type".to_string(), Value::string(pack_type)), ("uid".to_string(), Value::string(uid))].into(),
            )])
        };
        assert!(content_equal(&pack("a: 1\nb: 2", "", "x"), &pack("b: 2\na: 1\n", "spectro", "y")));
        assert!(!content_equal(&pack("a: 1", "spectro", "x"), &pack("a: 2", "spectro", "x")));
    }

    #[test]
    fn yaml_reads_back_in_the_prior_spelling_while_it_means_the_same() {
        assert_eq!(read_yaml("a: 1\n", Some("a:   1")), "a:   1");
        assert_eq!(read_yaml("a: 2", Some("a: 1")), "a: 2");
    }
}
