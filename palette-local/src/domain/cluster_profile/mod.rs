//! Cluster profiles (§5): draft/publish, versions grouped by name, pack layers with
//! their manifests, variables, and deletes guarded by use.
//!
//! Stored as [`ClusterProfile`]: the draft and published templates as served, plus
//! the variables and the manifest contents, which GET does not inline. The cluster
//! side records a cluster's use of a profile with
//! `tx.set_references(<cluster kind>, cluster_uid, &[(KIND, profile_uid)])`; that
//! feeds `status.inUseClusters` and refuses deletes.

pub mod entity;
pub mod packs;
pub mod variables;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::collection::impl_kind;
use super::pack::{PackLayer, PackType};
use super::user::TENANT_UID_SETTING;
use super::versioned::{self, ManifestContents, ManifestRef, Versioned};
use crate::error::{ApiError, ApiResult};
use crate::model::{parse_enum, validate_profile_version, ObjectMeta};
use crate::scope::Scope;
use crate::store::Tx;
use crate::uid::new_uid;

pub use variables::Variable;

pub const KIND: &str = super::kinds::CLUSTER_PROFILE;
pub const LABEL: &str = "cluster profile";

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

    pub fn parse(value: &str) -> ApiResult<ProfileType> {
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

    /// `v1ClusterProfile` as served by `GET /v1/clusterprofiles/{uid}`.
    fn view(&self, tx: &Tx<'_>, owner: &Scope) -> ApiResult<Value> {
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

impl ClusterProfile {
    /// The template edits apply to and reads show: the draft, else the published one.
    pub fn current(&self) -> Option<&Template> {
        self.draft.as_ref().or(self.published.as_ref())
    }

    /// The draft and the manifest contents, the draft being created from the
    /// published template when there is none.
    pub fn edit_draft(&mut self) -> ApiResult<(&mut Template, &mut ManifestContents)> {
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
    pub fn publish(&mut self) {
        if let Some(draft) = self.draft.take() {
            let uids: Vec<String> = draft.packs.iter().flat_map(|pack| pack.manifests.iter().map(|m| m.uid.clone())).collect();
            self.manifests.publish(&uids);
            self.published = Some(draft);
        }
    }

    /// Renames the version in place (after checking it is free in the owner's scope).
    pub fn set_version(&mut self, tx: &Tx<'_>, owner: &Scope, version: &str) -> ApiResult<()> {
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
    pub fn set_name(&mut self, tx: &Tx<'_>, owner: &Scope, name: &str) -> ApiResult<()> {
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

}

/// The clusters using profile `uid` (`status.inUseClusters`).
pub fn in_use_clusters(tx: &Tx<'_>, uid: &str) -> ApiResult<Vec<Value>> {
    let tenant_uid = tx.setting(TENANT_UID_SETTING)?.unwrap_or_default();
    versioned::users_of(tx, KIND, uid, &tenant_uid)
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MetaInput;
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
                let err = versioned::delete_unused::<ClusterProfile>(tx, &uid, &Scope::Tenant).unwrap_err();
                assert_eq!((err.status.as_u16(), err.code), (409, "ResourceInUse"));
                let view = tx.get::<ClusterProfile>(KIND, &uid)?.unwrap().value.view(tx, &Scope::Tenant)?;
                assert_eq!(view["status"]["inUseClusters"][0]["name"], "vc-1");
                assert_eq!(view["status"]["inUseClusters"][0]["projectUid"], "p1");
                assert_eq!(view["status"]["inUseClusterUids"], json!(["c1"]));
                tx.delete("spectrocluster", "c1")?;
                versioned::delete_unused::<ClusterProfile>(tx, &uid, &Scope::Tenant)?;
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
