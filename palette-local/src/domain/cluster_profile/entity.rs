//! What clients send to create or update a cluster profile, and the create itself.

use serde::Deserialize;

use super::packs::{self, PackInput};
use super::variables;
use super::{ClusterProfile, ObjectRef, ProfileType, Template, KIND, LABEL};
use crate::domain::versioned::{self, ManifestContents};
use crate::error::{ApiError, ApiResult};
use crate::model::{MetaInput, ObjectMeta};
use crate::scope::Scope;
use crate::store::Tx;
use crate::uid::new_uid;

/// `v1ClusterProfileEntity` (create) and `v1ClusterProfileUpdateEntity` (update).
#[derive(Debug, Deserialize)]
pub struct ProfileEntity {
    pub metadata: MetaInput,
    pub spec: ProfileEntitySpec,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileEntitySpec {
    pub version: Option<String>,
    pub template: Option<TemplateInput>,
    pub variables: Option<Vec<variables::VariableInput>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateInput {
    pub cloud_type: Option<String>,
    #[serde(rename = "type")]
    pub profile_type: Option<String>,
    pub packs: Option<Vec<PackInput>>,
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
