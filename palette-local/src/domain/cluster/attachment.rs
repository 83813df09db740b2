//! Profiles attached to virtual clusters (§9.7) and cluster groups (§8.3).
//!
//! An attachment names an add-on profile usable from the caller's scope (its own
//! scope, or a tenant or system profile), with optional pack value overrides and
//! variable values. Two attached profiles may not carry a pack of the same name
//! (400 `DuplicateClusterPacksForbidden`, as the real API).

use std::collections::HashSet;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::domain::cluster_profile::{self, ClusterProfile, ProfileType, Template};
use crate::error::{ApiError, ApiResult};
use crate::model::{null_as_default, require_uid};
use crate::scope::Scope;
use crate::store::{Row, Tx};

/// The real API's code for overlapping packs across attached profiles.
pub const DUPLICATE_PACKS: &str = "DuplicateClusterPacksForbidden";
const APPLY_ACTIONS: [&str; 2] = ["DownloadAndInstall", "DownloadAndInstallLater"];

/// A pack's overrides in an attachment (`v1PackValuesEntity`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PackValues {
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub tag: String,
    #[serde(rename = "type", deserialize_with = "null_as_default")]
    pub pack_type: String,
    #[serde(deserialize_with = "null_as_default")]
    pub values: String,
    #[serde(deserialize_with = "null_as_default")]
    pub manifests: Vec<ManifestValues>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManifestValues {
    #[serde(deserialize_with = "null_as_default")]
    pub uid: String,
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub content: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NameValue {
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(deserialize_with = "null_as_default")]
    pub value: String,
}

/// `v1SpectroClusterProfileEntity` as clients send it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AttachmentInput {
    #[serde(deserialize_with = "null_as_default")]
    pub uid: String,
    #[serde(deserialize_with = "null_as_default")]
    pub pack_values: Vec<PackValues>,
    #[serde(deserialize_with = "null_as_default")]
    pub variables: Vec<NameValue>,
    #[serde(deserialize_with = "null_as_default")]
    pub replace_with_profile: String,
}

/// A stored attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    pub uid: String,
    pub pack_values: Vec<PackValues>,
    pub variables: Vec<NameValue>,
}

/// `{profiles, spcApplySettings}` of the profile PUT/PATCH bodies.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AttachmentsBody {
    pub profiles: Option<Vec<AttachmentInput>>,
    pub spc_apply_settings: Option<ApplySettings>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApplySettings {
    #[serde(deserialize_with = "null_as_default")]
    pub action_type: String,
}

impl AttachmentsBody {
    pub fn profiles(&mut self) -> ApiResult<Vec<AttachmentInput>> {
        self.profiles.take().ok_or_else(|| ApiError::bad_request("profiles is required"))
    }

    /// `spcApplySettings.actionType`, `DownloadAndInstall` when absent.
    pub fn action(&self) -> ApiResult<String> {
        match self.spc_apply_settings.as_ref().map(|settings| settings.action_type.as_str()).filter(|a| !a.is_empty()) {
            None => Ok(APPLY_ACTIONS[0].to_string()),
            Some(action) if APPLY_ACTIONS.contains(&action) => Ok(action.to_string()),
            Some(other) => Err(ApiError::bad_request(format!(
                "spcApplySettings.actionType: invalid value '{other}', expected one of {}",
                APPLY_ACTIONS.join(", ")
            ))),
        }
    }
}

/// A profile `scope` may attach: its own, or a tenant or system one (404 otherwise).
pub fn usable_profile(tx: &Tx<'_>, uid: &str, scope: &Scope) -> ApiResult<Row<ClusterProfile>> {
    require_uid(uid)?;
    let row = tx
        .get::<ClusterProfile>(cluster_profile::KIND, uid)?
        .filter(|row| row.owner.usable_from(scope))
        .ok_or_else(|| ApiError::not_found(cluster_profile::LABEL, uid))?;
    Ok(row)
}

/// The template a cluster deploys: the published one, or the draft of a profile
/// never published.
fn template(profile: &ClusterProfile) -> ApiResult<&Template> {
    profile
        .published
        .as_ref()
        .or(profile.draft.as_ref())
        .ok_or_else(|| ApiError::internal(format!("profile '{}' has no template", profile.metadata.uid)))
}

/// Checks an attachment against its profile: an add-on profile, overrides for packs
/// it has, values for variables it defines.
pub fn resolve(tx: &Tx<'_>, scope: &Scope, input: AttachmentInput) -> ApiResult<Attachment> {
    let uid = input.uid.trim().to_string();
    if uid.is_empty() {
        return Err(ApiError::bad_request("profiles[].uid is required"));
    }
    let profile = usable_profile(tx, &uid, scope)?.value;
    let template = template(&profile)?;
    if template.profile_type != ProfileType::AddOn {
        return Err(ApiError::bad_request(format!(
            "profile '{}' is a {} profile; only add-on profiles can be attached here",
            profile.metadata.name,
            template.profile_type.as_str()
        )));
    }
    for values in &input.pack_values {
        if !template.packs.iter().any(|pack| pack.name == values.name) {
            return Err(ApiError::bad_request(format!("profile '{}' has no pack named '{}'", profile.metadata.name, values.name)));
        }
    }
    check_variables(&profile, &input.variables)?;
    Ok(Attachment { uid, pack_values: input.pack_values, variables: input.variables })
}

pub fn check_variables(profile: &ClusterProfile, values: &[NameValue]) -> ApiResult<()> {
    for value in values {
        let Some(variable) = profile.variables.iter().find(|variable| variable.name == value.name) else {
            return Err(ApiError::bad_request(format!("profile '{}' has no variable named '{}'", profile.metadata.name, value.name)));
        };
        let well_formed = match variable.format.as_str() {
            "number" => value.value.is_empty() || value.value.parse::<f64>().is_ok(),
            "boolean" => value.value.is_empty() || value.value == "true" || value.value == "false",
            _ => true,
        };
        if !well_formed {
            return Err(ApiError::bad_request(format!("variable '{}' must be a {}, got '{}'", value.name, variable.format, value.value)));
        }
    }
    Ok(())
}

/// Resolves a list of attachments (each profile at most once).
pub fn resolve_all(tx: &Tx<'_>, scope: &Scope, inputs: Vec<AttachmentInput>) -> ApiResult<Vec<Attachment>> {
    let mut attachments: Vec<Attachment> = Vec::new();
    for input in inputs {
        let attachment = resolve(tx, scope, input)?;
        if attachments.iter().any(|existing| existing.uid == attachment.uid) {
            return Err(ApiError::bad_request(format!("profile '{}' is listed twice", attachment.uid)));
        }
        attachments.push(attachment);
    }
    ensure_distinct_packs(tx, &attachments)?;
    Ok(attachments)
}

/// 400 [`DUPLICATE_PACKS`] when two attached profiles carry a pack of the same name.
pub fn ensure_distinct_packs(tx: &Tx<'_>, attachments: &[Attachment]) -> ApiResult<()> {
    let mut seen: HashSet<String> = HashSet::new();
    for attachment in attachments {
        let Some(row) = tx.get::<ClusterProfile>(cluster_profile::KIND, &attachment.uid)? else { continue };
        for pack in &template(&row.value)?.packs {
            if !seen.insert(pack.name.clone()) {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    DUPLICATE_PACKS,
                    format!(
                        "pack '{}' of profile '{}' is already deployed by another attached profile",
                        pack.name, row.value.metadata.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The template an attachment deploys: the profile's, with the attachment's pack
/// values; its `uid` is the profile's (what clients read back as the profile id).
pub fn effective_template(profile: &ClusterProfile, attachment: &Attachment) -> ApiResult<Template> {
    let mut template = template(profile)?.clone();
    template.uid = profile.metadata.uid.clone();
    for pack in &mut template.packs {
        if let Some(values) = attachment.pack_values.iter().find(|values| values.name == pack.name && !values.values.is_empty()) {
            pack.values = values.values.clone();
        }
    }
    Ok(template)
}

/// The attached profiles with their templates, in attachment order.
pub fn attached(tx: &Tx<'_>, attachments: &[Attachment]) -> ApiResult<Vec<(ClusterProfile, Template)>> {
    let mut profiles = Vec::new();
    for attachment in attachments {
        // A profile cannot be deleted while attached, so a miss is a stale row: skip it.
        if let Some(row) = tx.get::<ClusterProfile>(cluster_profile::KIND, &attachment.uid)? {
            let template = effective_template(&row.value, attachment)?;
            profiles.push((row.value, template));
        }
    }
    Ok(profiles)
}

/// `spec.clusterProfileTemplates` of a cluster or cluster group.
pub fn templates(tx: &Tx<'_>, attachments: &[Attachment]) -> ApiResult<Vec<Template>> {
    Ok(attached(tx, attachments)?.into_iter().map(|(_, template)| template).collect())
}
