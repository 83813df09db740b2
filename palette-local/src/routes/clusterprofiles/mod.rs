//! Cluster profiles (§5): draft/publish, versions grouped by name, clone, pack
//! layers with their manifests, variables, dashboards and deletes guarded by use.
//!
//! Stored as [`ClusterProfile`]: the draft and published templates as served, plus
//! the variables and the manifest contents, which GET does not inline. The cluster
//! side records a cluster's use of a profile with
//! `tx.set_references(<cluster kind>, cluster_uid, &[(KIND, profile_uid)])`; that
//! feeds `status.inUseClusters` and refuses deletes.

mod dashboard;
mod packs;
mod variables;

use std::collections::BTreeMap;

use axum::extract::State;
use axum::routing::{delete, get, patch, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::modify;
use crate::domain::collection::{self, impl_kind};
use crate::domain::pack::{PackLayer, PackType};
use crate::domain::user::TENANT_UID_SETTING;
use crate::domain::versioned::{self, CloneTarget, ManifestContents, ManifestRef, Versioned};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Created, JsonBody, NoContent, PathParams, QueryParams};
use crate::model::{parse_enum, validate_profile_version, MetaInput, ObjectMeta};
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::{Row, Tx};
use crate::uid::new_uid;

pub use packs::PackInput;
pub use variables::Variable;

pub const KIND: &str = "clusterprofile";
pub const LABEL: &str = "cluster profile";

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/clusterprofiles", post(create))
        .route("/v1/clusterprofiles/bulk", delete(bulk_delete))
        .route("/v1/clusterprofiles/validate/name", get(validate_name))
        .route("/v1/clusterprofiles/{uid}", get(read).put(update).delete(remove))
        .route("/v1/clusterprofiles/{uid}/metadata", patch(update_metadata))
        .route("/v1/clusterprofiles/{uid}/publish", patch(publish))
        .route("/v1/clusterprofiles/{uid}/clone", post(clone))
        .route("/v1/clusterprofiles/{uid}/clone/validate", post(validate_clone))
        .merge(packs::routes())
        .merge(variables::routes())
        .merge(dashboard::routes())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProfileType {
    #[serde(rename = "cluster")]
    Cluster,
    #[serde(rename = "infra")]
    Infra,
    #[serde(rename = "add-on")]
    AddOn,
    #[serde(rename = "system")]
    System,
}

impl ProfileType {
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileType::Cluster => "cluster",
            ProfileType::Infra => "infra",
            ProfileType::AddOn => "add-on",
            ProfileType::System => "system",
        }
    }

    fn parse(value: &str) -> ApiResult<ProfileType> {
        parse_enum("spec.template.type", value, &["cluster", "infra", "add-on", "system"])
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectRef {
    pub kind: String,
    pub name: String,
    pub uid: String,
}

/// `v1ClusterProfileTemplate`, as served in `spec.draft` / `spec.published`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub uid: String,
    pub name: String,
    pub cloud_type: String,
    #[serde(rename = "type")]
    pub profile_type: ProfileType,
    pub profile_version: String,
    /// Revision counter (deprecated in the API, still served).
    pub version: i32,
    pub packs: Vec<PackRef>,
    pub pack_server_refs: Vec<ObjectRef>,
    pub pack_server_secret: String,
    pub related_object: ObjectRef,
}

/// `v1PackRef`: one layer of a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackRef {
    pub name: String,
    pub layer: PackLayer,
    #[serde(rename = "type")]
    pub pack_type: PackType,
    pub tag: String,
    pub version: String,
    pub registry_uid: String,
    pub pack_uid: String,
    pub server: String,
    pub values: String,
    pub params: BTreeMap<String, Value>,
    pub annotations: BTreeMap<String, String>,
    pub digest: String,
    pub logo: String,
    pub is_invalid: bool,
    pub in_valid_reason: String,
    pub manifests: Vec<ManifestRef>,
    pub presets: Vec<Value>,
    pub schema: Vec<Value>,
}

/// What is stored for one profile version.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterProfile {
    pub metadata: ObjectMeta,
    pub version: String,
    pub draft: Option<Template>,
    pub published: Option<Template>,
    pub variables: Vec<Variable>,
    pub manifests: ManifestContents,
}

impl_kind!(ClusterProfile, KIND, LABEL);

impl Versioned for ClusterProfile {
    fn version(&self) -> &str {
        &self.version
    }
}

impl ClusterProfile {
    /// The template edits apply to and reads show: the draft, else the published one.
    pub fn current(&self) -> Option<&Template> {
        self.draft.as_ref().or(self.published.as_ref())
    }

    /// The draft and the manifest contents, the draft being created from the
    /// published template when there is none.
    fn edit_draft(&mut self) -> ApiResult<(&mut Template, &mut ManifestContents)> {
        if self.draft.is_none() {
            let mut draft =
                self.published.clone().ok_or_else(|| ApiError::internal("profile has neither a draft nor a published template"))?;
            draft.uid = new_uid();
            draft.version += 1;
            self.manifests.draft_from_published();
            self.draft = Some(draft);
        }
        let draft = self.draft.as_mut().ok_or_else(|| ApiError::internal("draft vanished"))?;
        Ok((draft, &mut self.manifests))
    }

    /// Publishes the draft (no-op without one): it becomes the published template.
    fn publish(&mut self) {
        if let Some(draft) = self.draft.take() {
            let uids: Vec<String> = draft.packs.iter().flat_map(|pack| pack.manifests.iter().map(|m| m.uid.clone())).collect();
            self.manifests.publish(&uids);
            self.published = Some(draft);
        }
    }

    /// Renames the version in place (after checking it is free in the owner's scope).
    fn set_version(&mut self, tx: &Tx<'_>, owner: &Scope, version: &str) -> ApiResult<()> {
        if version == self.version {
            return Ok(());
        }
        validate_profile_version(version)?;
        versioned::ensure_version_free::<ClusterProfile>(tx, KIND, LABEL, owner, &self.metadata.name, version, Some(&self.metadata.uid))?;
        self.version = version.to_string();
        for template in self.draft.iter_mut().chain(self.published.iter_mut()) {
            template.profile_version = version.to_string();
        }
        Ok(())
    }

    /// Renames the profile (after checking name + version are free).
    fn set_name(&mut self, tx: &Tx<'_>, owner: &Scope, name: &str) -> ApiResult<()> {
        if name == self.metadata.name {
            return Ok(());
        }
        versioned::ensure_version_free::<ClusterProfile>(tx, KIND, LABEL, owner, name, &self.version, Some(&self.metadata.uid))?;
        self.metadata.name = name.to_string();
        for template in self.draft.iter_mut().chain(self.published.iter_mut()) {
            template.name = name.to_string();
        }
        Ok(())
    }

    /// `v1ClusterProfile` as served by `GET /v1/clusterprofiles/{uid}`.
    pub fn view(&self, tx: &Tx<'_>, owner: &Scope) -> ApiResult<Value> {
        let in_use = in_use_clusters(tx, &self.metadata.uid)?;
        let in_use_uids: Vec<Value> = in_use.iter().map(|user| user["uid"].clone()).collect();
        Ok(json!({
            "apiVersion": "v1",
            "kind": "ClusterProfile",
            "metadata": self.metadata,
            "spec": {
                "version": self.version,
                "versions": versioned::versions::<ClusterProfile>(tx, KIND, owner, &self.metadata.name)?,
                "draft": self.draft,
                "published": self.published,
            },
            "status": {
                "isPublished": self.published.is_some(),
                "hasUserMacros": !self.variables.is_empty(),
                "inUseClusters": in_use,
                "inUseClusterUids": in_use_uids,
                "inUseClusterTemplates": [],
            },
        }))
    }
}

fn in_use_clusters(tx: &Tx<'_>, uid: &str) -> ApiResult<Vec<Value>> {
    let tenant_uid = tx.setting(TENANT_UID_SETTING)?.unwrap_or_default();
    versioned::users_of(tx, KIND, uid, &tenant_uid)
}

/// `v1ClusterProfileEntity` (create) and `v1ClusterProfileUpdateEntity` (update).
#[derive(Debug, Deserialize)]
pub struct ProfileEntity {
    metadata: MetaInput,
    spec: ProfileEntitySpec,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileEntitySpec {
    version: Option<String>,
    template: Option<TemplateInput>,
    variables: Option<Vec<variables::VariableInput>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TemplateInput {
    cloud_type: Option<String>,
    #[serde(rename = "type")]
    profile_type: Option<String>,
    packs: Option<Vec<PackInput>>,
}

#[derive(Debug, Default, Deserialize)]
struct PublishQuery {
    publish: Option<bool>,
}

/// Creates the profile `uid` in `scope` from a create body, published when asked:
/// what `POST /v1/clusterprofiles` does, and what seeds do with a fixed UID.
pub fn create_in(tx: &Tx<'_>, scope: &Scope, uid: &str, entity: ProfileEntity, publish: bool, now: &str) -> ApiResult<()> {
    let name = entity.metadata.required_name()?;
    let version = versioned::requested_version(entity.spec.version.as_deref())?;
    let template = entity.spec.template.ok_or_else(|| ApiError::bad_request("spec.template is required"))?;
    let profile_type =
        ProfileType::parse(template.profile_type.as_deref().ok_or_else(|| ApiError::bad_request("spec.template.type is required"))?)?;
    let cloud_type = template.cloud_type.filter(|cloud| !cloud.is_empty()).unwrap_or_else(|| "all".to_string());
    let variables = variables::validate(entity.spec.variables.unwrap_or_default())?;
    versioned::ensure_version_free::<ClusterProfile>(tx, KIND, LABEL, scope, &name, &version, None)?;
    let mut manifests = ManifestContents::default();
    let (packs, drafts) = packs::resolve_all(tx, scope, template.packs.unwrap_or_default(), None)?;
    manifests.replace_drafts(drafts);
    let draft = Template {
        uid: new_uid(),
        name: name.clone(),
        cloud_type,
        profile_type,
        profile_version: version.clone(),
        version: 1,
        packs,
        pack_server_refs: Vec::new(),
        pack_server_secret: String::new(),
        related_object: ObjectRef::default(),
    };
    let mut profile = ClusterProfile {
        metadata: ObjectMeta::create(uid.to_string(), name.clone(), entity.metadata, scope, now),
        version,
        draft: Some(draft),
        published: None,
        variables,
        manifests,
    };
    if publish {
        profile.publish();
    }
    tx.insert(KIND, scope, uid, &name, &profile)
}

async fn create(
    State(app): State<SharedState>,
    scope: Scope,
    QueryParams(query): QueryParams<PublishQuery>,
    JsonBody(entity): JsonBody<ProfileEntity>,
) -> ApiResult<Created> {
    let now = app.timestamp();
    let uid = app
        .store
        .run(move |tx| {
            let uid = new_uid();
            create_in(tx, &scope, &uid, entity, query.publish.unwrap_or(false), &now)?;
            Ok(uid)
        })
        .await?;
    Ok(Created(uid))
}

async fn read(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let view = app
        .store
        .run(move |tx| {
            let row = collection::load::<ClusterProfile>(tx, &uid, &scope)?;
            row.value.view(tx, &row.owner)
        })
        .await?;
    Ok(Json(view))
}

/// PUT writes the draft: the whole pack list, metadata, and a new version renames
/// this object's version in place.
async fn update(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(entity): JsonBody<ProfileEntity>,
) -> ApiResult<NoContent> {
    let template = entity.spec.template.ok_or_else(|| ApiError::bad_request("spec.template is required"))?;
    let profile_type = template.profile_type.as_deref().filter(|t| !t.is_empty()).map(ProfileType::parse).transpose()?;
    let variables = entity.spec.variables.map(variables::validate).transpose()?;
    let version = entity.spec.version;
    let metadata = entity.metadata;
    let now = app.timestamp();
    modify::<ClusterProfile>(&app, uid, scope, move |tx, owner, profile| {
        if metadata.name.is_some() {
            profile.set_name(tx, owner, &metadata.required_name()?)?;
        }
        if let Some(version) = version.as_deref().filter(|v| !v.trim().is_empty()) {
            profile.set_version(tx, owner, version.trim())?;
        }
        profile.metadata.apply(metadata, &now);
        let (packs, drafts) = packs::resolve_all(tx, owner, template.packs.unwrap_or_default(), Some(profile))?;
        let (draft, manifests) = profile.edit_draft()?;
        draft.packs = packs;
        if let Some(profile_type) = profile_type {
            draft.profile_type = profile_type;
        }
        if let Some(cloud_type) = template.cloud_type.filter(|cloud| !cloud.is_empty()) {
            draft.cloud_type = cloud_type;
        }
        manifests.replace_drafts(drafts);
        if let Some(variables) = variables {
            profile.variables = variables;
        }
        Ok(())
    })
    .await
}

/// `v1ProfileMetaEntity`.
#[derive(Debug, Deserialize)]
struct ProfileMetaEntity {
    metadata: MetaInput,
    #[serde(default)]
    spec: Option<ProfileMetaSpec>,
}

#[derive(Debug, Deserialize)]
struct ProfileMetaSpec {
    version: Option<String>,
}

async fn update_metadata(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(entity): JsonBody<ProfileMetaEntity>,
) -> ApiResult<NoContent> {
    let now = app.timestamp();
    modify::<ClusterProfile>(&app, uid, scope, move |tx, owner, profile| {
        if entity.metadata.name.is_some() {
            profile.set_name(tx, owner, &entity.metadata.required_name()?)?;
        }
        if let Some(version) = entity.spec.and_then(|spec| spec.version).filter(|v| !v.trim().is_empty()) {
            profile.set_version(tx, owner, version.trim())?;
        }
        profile.metadata.apply(entity.metadata, &now);
        Ok(())
    })
    .await
}

async fn publish(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<NoContent> {
    modify::<ClusterProfile>(&app, uid, scope, |_, _, profile| {
        profile.publish();
        Ok(())
    })
    .await
}

fn delete_unused(tx: &Tx<'_>, uid: &str, scope: &Scope) -> ApiResult<()> {
    collection::load::<ClusterProfile>(tx, uid, scope)?;
    versioned::ensure_unused(tx, KIND, LABEL, uid)?;
    tx.delete(KIND, uid)?;
    Ok(())
}

async fn remove(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<NoContent> {
    app.store.run(move |tx| delete_unused(tx, &uid, &scope)).await?;
    Ok(NoContent)
}

#[derive(Debug, Deserialize)]
struct BulkDelete {
    uids: Vec<String>,
}

/// Deletes what it can; each profile that cannot go is reported in `failures`.
async fn bulk_delete(State(app): State<SharedState>, scope: Scope, JsonBody(body): JsonBody<BulkDelete>) -> ApiResult<Json<Value>> {
    let report = app
        .store
        .run(move |tx| {
            let mut deleted = 0;
            let mut failures = Vec::new();
            for uid in &body.uids {
                let name = tx.get::<ClusterProfile>(KIND, uid)?.map(|row| row.value.metadata.name).unwrap_or_default();
                match delete_unused(tx, uid, &scope) {
                    Ok(()) => deleted += 1,
                    Err(err) if err.status.is_server_error() => return Err(err),
                    Err(err) => failures.push(json!({ "uid": uid, "name": name, "errMsg": err.message })),
                }
            }
            let message = if failures.is_empty() { String::new() } else { format!("{} profile(s) could not be deleted", failures.len()) };
            Ok(json!({ "deletedCount": deleted, "isSucceeded": failures.is_empty(), "message": message, "failures": failures }))
        })
        .await?;
    Ok(Json(report))
}

/// `v1ClusterProfileCloneEntity` / `v1ClusterProfileCloneMetaInputEntity`.
#[derive(Debug, Deserialize)]
struct CloneEntity {
    metadata: CloneMeta,
}

#[derive(Debug, Deserialize)]
struct CloneMeta {
    name: Option<String>,
    version: Option<String>,
    target: Option<CloneTarget>,
}

impl CloneMeta {
    fn name(&self) -> ApiResult<String> {
        match self.name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => Ok(name.to_string()),
            _ => Err(ApiError::bad_request("metadata.name is required")),
        }
    }
}

/// Checks a clone request; returns `(owner, name, version)` of the new profile.
fn check_clone(tx: &Tx<'_>, source: &Row<ClusterProfile>, meta: &CloneMeta, request: &Scope) -> ApiResult<(Scope, String, String)> {
    let name = meta.name()?;
    let version = versioned::clone_version(meta.version.as_deref(), &source.value.version)?;
    let owner = versioned::clone_owner(tx, meta.target.as_ref(), request, &source.owner)?;
    versioned::ensure_version_free::<ClusterProfile>(tx, KIND, LABEL, &owner, &name, &version, None)?;
    Ok((owner, name, version))
}

/// A copy of `source` under new UIDs (profile, templates and manifests).
fn copy_profile(source: &ClusterProfile, uid: &str, name: &str, version: &str, owner: &Scope, now: &str) -> ClusterProfile {
    let mut renames = BTreeMap::new();
    let mut copy_template = |template: &Template| {
        let mut copy = template.clone();
        copy.uid = new_uid();
        copy.name = name.to_string();
        copy.profile_version = version.to_string();
        for manifest in copy.packs.iter_mut().flat_map(|pack| pack.manifests.iter_mut()) {
            manifest.uid = renames.entry(manifest.uid.clone()).or_insert_with(new_uid).clone();
        }
        copy
    };
    let draft = source.draft.as_ref().map(&mut copy_template);
    let published = source.published.as_ref().map(&mut copy_template);
    let input = MetaInput {
        name: None,
        labels: Some(source.metadata.labels.clone()),
        annotations: Some(source.metadata.annotations.clone()),
    };
    ClusterProfile {
        metadata: ObjectMeta::create(uid.to_string(), name.to_string(), input, owner, now),
        version: version.to_string(),
        draft,
        published,
        variables: source.variables.clone(),
        manifests: source.manifests.renamed(&renames),
    }
}

async fn clone(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(entity): JsonBody<CloneEntity>,
) -> ApiResult<Created> {
    let now = app.timestamp();
    let new_uid_value = app
        .store
        .run(move |tx| {
            let source = collection::load::<ClusterProfile>(tx, &uid, &scope)?;
            let (owner, name, version) = check_clone(tx, &source, &entity.metadata, &scope)?;
            let uid = new_uid();
            let copy = copy_profile(&source.value, &uid, &name, &version, &owner, &now);
            tx.insert(KIND, &owner, &uid, &name, &copy)?;
            Ok(uid)
        })
        .await?;
    Ok(Created(new_uid_value))
}

async fn validate_clone(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(meta): JsonBody<CloneMeta>,
) -> ApiResult<NoContent> {
    app.store
        .run(move |tx| {
            let source = collection::load::<ClusterProfile>(tx, &uid, &scope)?;
            check_clone(tx, &source, &meta, &scope).map(|_| ())
        })
        .await?;
    Ok(NoContent)
}

#[derive(Debug, Default, Deserialize)]
struct NameQuery {
    name: Option<String>,
    version: Option<String>,
}

/// 204 when `name` (at `version`, default 1.0.0) is free in the caller's scope.
async fn validate_name(State(app): State<SharedState>, scope: Scope, QueryParams(query): QueryParams<NameQuery>) -> ApiResult<NoContent> {
    let name = query.name.filter(|name| !name.trim().is_empty()).ok_or_else(|| ApiError::bad_request("query parameter name is required"))?;
    let version = versioned::requested_version(query.version.as_deref())?;
    app.store
        .run(move |tx| versioned::ensure_version_free::<ClusterProfile>(tx, KIND, LABEL, &scope, name.trim(), &version, None))
        .await?;
    Ok(NoContent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn stored_profile(uid: &str) -> ClusterProfile {
        let metadata = ObjectMeta::create(uid.to_string(), "p".into(), MetaInput::default(), &Scope::Tenant, "t");
        ClusterProfile { metadata, version: "1.0.0".into(), draft: None, published: None, variables: Vec::new(), manifests: ManifestContents::default() }
    }

    #[test]
    fn a_profile_in_use_cannot_be_deleted_and_reports_its_users() {
        let store = Store::open(":memory:").unwrap();
        let uid = new_uid();
        store
            .run_blocking(|tx| {
                tx.insert(KIND, &Scope::Tenant, &uid, "p", &stored_profile(&uid))?;
                tx.insert("spectrocluster", &Scope::Project("p1".into()), "c1", "vc-1", &json!({"metadata": {"name": "vc-1"}}))?;
                tx.set_references("spectrocluster", "c1", &[(KIND, &uid)])?;
                let err = delete_unused(tx, &uid, &Scope::Tenant).unwrap_err();
                assert_eq!((err.status.as_u16(), err.code), (409, "ResourceInUse"));
                let view = tx.get::<ClusterProfile>(KIND, &uid)?.unwrap().value.view(tx, &Scope::Tenant)?;
                assert_eq!(view["status"]["inUseClusters"][0]["name"], "vc-1");
                assert_eq!(view["status"]["inUseClusters"][0]["projectUid"], "p1");
                assert_eq!(view["status"]["inUseClusterUids"], json!(["c1"]));
                tx.delete("spectrocluster", "c1")?;
                delete_unused(tx, &uid, &Scope::Tenant)?;
                assert!(!tx.exists(KIND, &uid)?);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn publish_moves_the_draft_and_bumps_revisions_on_edit() {
        let mut profile = stored_profile(&new_uid());
        let template = Template {
            uid: new_uid(),
            name: "p".into(),
            cloud_type: "all".into(),
            profile_type: ProfileType::AddOn,
            profile_version: "1.0.0".into(),
            version: 1,
            packs: Vec::new(),
            pack_server_refs: Vec::new(),
            pack_server_secret: String::new(),
            related_object: ObjectRef::default(),
        };
        profile.draft = Some(template);
        profile.publish();
        assert!(profile.draft.is_none() && profile.published.is_some());
        let (draft, _) = profile.edit_draft().unwrap();
        assert_eq!(draft.version, 2);
        let draft_uid = draft.uid.clone();
        assert_ne!(Some(draft_uid), profile.published.as_ref().map(|t| t.uid.clone()));
    }
}
