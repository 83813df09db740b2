//! Profiles attached to virtual clusters (§9.7) and cluster groups (§8.3), and a
//! cluster's profile variables.
//!
//! An attachment names an add-on profile usable from the caller's scope (its own
//! scope, or a tenant or system profile), with optional pack value overrides and
//! variable values. Two attached profiles may not carry a pack of the same name
//! (400 `DuplicateClusterPacksForbidden`, as the real API). Every change to a
//! cluster's profiles starts a profile apply: `status.spcApply.canBeApplied` is false
//! until it completes (see [`Lifecycle::request_apply`](crate::lifecycle::Lifecycle::request_apply)).

use std::collections::HashSet;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{load_virtual, modify, null_as_default, run, usable_from, VirtualCluster};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, NoContent, OptionalJsonBody, PathParams};
use crate::model::require_uid;
use crate::routes::clusterprofiles::{self, ClusterProfile, ProfileType, Template, Variable};
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::{Row, Tx};

/// The real API's code for overlapping packs across attached profiles.
pub const DUPLICATE_PACKS: &str = "DuplicateClusterPacksForbidden";
const APPLY_ACTIONS: [&str; 2] = ["DownloadAndInstall", "DownloadAndInstallLater"];
/// How sensitive variable values are served.
const MASK: &str = "********";

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/spectroclusters/{uid}/profiles", get(list).put(replace).patch(upsert).delete(detach))
        .route("/v1/spectroclusters/{uid}/variables", get(variables).patch(set_variables))
}

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
        .get::<ClusterProfile>(clusterprofiles::KIND, uid)?
        .filter(|row| usable_from(&row.owner, scope))
        .ok_or_else(|| ApiError::not_found(clusterprofiles::LABEL, uid))?;
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
fn resolve(tx: &Tx<'_>, scope: &Scope, input: AttachmentInput) -> ApiResult<Attachment> {
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

fn check_variables(profile: &ClusterProfile, values: &[NameValue]) -> ApiResult<()> {
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
fn ensure_distinct_packs(tx: &Tx<'_>, attachments: &[Attachment]) -> ApiResult<()> {
    let mut seen: HashSet<String> = HashSet::new();
    for attachment in attachments {
        let Some(row) = tx.get::<ClusterProfile>(clusterprofiles::KIND, &attachment.uid)? else { continue };
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
fn effective_template(profile: &ClusterProfile, attachment: &Attachment) -> ApiResult<Template> {
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
        if let Some(row) = tx.get::<ClusterProfile>(clusterprofiles::KIND, &attachment.uid)? {
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

/// `{"profiles": [v1SpectroClusterProfile]}` with `relatedObject` naming the holder.
pub fn profiles_view(tx: &Tx<'_>, attachments: &[Attachment], related: Value) -> ApiResult<Value> {
    let profiles: Vec<Value> = attached(tx, attachments)?
        .into_iter()
        .map(|(profile, template)| {
            json!({
                "metadata": profile.metadata,
                "spec": { "cloudType": template.cloud_type, "type": template.profile_type, "version": profile.version,
                          "packs": template.packs, "relatedObject": related },
            })
        })
        .collect();
    Ok(json!({ "profiles": profiles }))
}

fn related(cluster: &VirtualCluster) -> Value {
    json!({ "kind": "spectrocluster", "name": cluster.metadata.name, "uid": cluster.metadata.uid })
}

async fn list(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let now = app.now();
    let view = run(&app, move |tx| {
        let cluster = load_virtual(tx, &uid, &scope, now)?.value;
        profiles_view(tx, &cluster.spec.profiles, related(&cluster))
    })
    .await?;
    Ok(Json(view))
}

/// Replaces the attachments and starts applying them.
fn apply(cluster: &mut VirtualCluster, attachments: Vec<Attachment>, action: String, now: i64, app: &SharedState) {
    cluster.spec.profiles = attachments;
    cluster.spec.apply_action = action;
    cluster.lifecycle.request_apply(now, &app.timings);
}

/// Sets the attachments `attach` makes of the current ones and the body's profiles,
/// and starts applying them.
async fn set_attachments(
    app: SharedState,
    uid: String,
    scope: Scope,
    mut body: AttachmentsBody,
    attach: impl FnOnce(&Tx<'_>, &Scope, &[Attachment], Vec<AttachmentInput>) -> ApiResult<Vec<Attachment>> + Send + 'static,
) -> ApiResult<NoContent> {
    let inputs = body.profiles()?;
    let action = body.action()?;
    let shared = app.clone();
    modify(&app, uid, scope.clone(), move |tx, now, cluster| {
        let attachments = attach(tx, &scope, &cluster.spec.profiles, inputs)?;
        apply(cluster, attachments, action, now, &shared);
        Ok(())
    })
    .await
}

/// PUT: the listed profiles become the whole set.
async fn replace(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<AttachmentsBody>,
) -> ApiResult<NoContent> {
    set_attachments(app, uid, scope, body, |tx, scope, _, inputs| resolve_all(tx, scope, inputs)).await
}

/// PATCH: adds or updates the listed profiles; `replaceWithProfile` names an attached
/// profile the new one takes the place of (a version change).
async fn upsert(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<AttachmentsBody>,
) -> ApiResult<NoContent> {
    set_attachments(app, uid, scope, body, |tx, scope, current, inputs| {
        let mut merged = current.to_vec();
        for input in inputs {
            let replaced = input.replace_with_profile.trim().to_string();
            let attachment = resolve(tx, scope, input)?;
            if !replaced.is_empty() && replaced != attachment.uid {
                let before = merged.len();
                merged.retain(|existing| existing.uid != replaced);
                if merged.len() == before {
                    return Err(ApiError::bad_request(format!("replaceWithProfile: profile '{replaced}' is not attached")));
                }
            }
            match merged.iter_mut().find(|existing| existing.uid == attachment.uid) {
                Some(existing) => *existing = attachment,
                None => merged.push(attachment),
            }
        }
        ensure_distinct_packs(tx, &merged)?;
        Ok(merged)
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ProfileUids {
    #[serde(deserialize_with = "null_as_default")]
    profile_uids: Vec<String>,
}

/// DELETE: detaches the listed profiles (UIDs that are not attached are ignored).
async fn detach(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    OptionalJsonBody(body): OptionalJsonBody<ProfileUids>,
) -> ApiResult<NoContent> {
    if body.profile_uids.is_empty() {
        return Err(ApiError::bad_request("profileUids is required"));
    }
    let shared = app.clone();
    modify(&app, uid, scope, move |_, now, cluster| {
        let kept = cluster.spec.profiles.iter().filter(|p| !body.profile_uids.contains(&p.uid)).cloned().collect();
        let action = cluster.spec.apply_action.clone();
        apply(cluster, kept, action, now, &shared);
        Ok(())
    })
    .await
}

/// A variable with the cluster's value for it (sensitive values masked).
fn variable_view(variable: &Variable, attachment: &Attachment) -> ApiResult<Value> {
    let value = attachment
        .variables
        .iter()
        .find(|value| value.name == variable.name)
        .map_or(variable.default_value.as_str(), |value| value.value.as_str());
    let mut view = serde_json::to_value(variable)?;
    view["value"] = json!(if variable.is_sensitive && !value.is_empty() { MASK } else { value });
    Ok(view)
}

/// `GET .../variables`: a top-level array, one entry per attached profile with variables.
async fn variables(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let now = app.now();
    let view = run(&app, move |tx| {
        let cluster = load_virtual(tx, &uid, &scope, now)?.value;
        let mut entries = Vec::new();
        for (attachment, (profile, _)) in cluster.spec.profiles.iter().zip(attached(tx, &cluster.spec.profiles)?) {
            if profile.variables.is_empty() {
                continue;
            }
            let variables = profile.variables.iter().map(|v| variable_view(v, attachment)).collect::<ApiResult<Vec<_>>>()?;
            entries.push(json!({ "profileUid": attachment.uid, "variables": variables }));
        }
        Ok(Value::Array(entries))
    })
    .await?;
    Ok(Json(view))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileVariableValues {
    profile_uid: String,
    #[serde(default, deserialize_with = "null_as_default")]
    variables: Vec<NameValue>,
}

/// `PATCH .../variables` with a top-level array: sets values of attached profiles' variables.
async fn set_variables(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(entries): JsonBody<Vec<ProfileVariableValues>>,
) -> ApiResult<NoContent> {
    modify(&app, uid, scope, move |tx, _, cluster| {
        for entry in entries {
            let attachment = cluster
                .spec
                .profiles
                .iter_mut()
                .find(|attachment| attachment.uid == entry.profile_uid)
                .ok_or_else(|| ApiError::bad_request(format!("profile '{}' is not attached to the cluster", entry.profile_uid)))?;
            let profile = tx
                .get::<ClusterProfile>(clusterprofiles::KIND, &attachment.uid)?
                .ok_or_else(|| ApiError::not_found(clusterprofiles::LABEL, &entry.profile_uid))?;
            check_variables(&profile.value, &entry.variables)?;
            for value in entry.variables {
                match attachment.variables.iter_mut().find(|existing| existing.name == value.name) {
                    Some(existing) => existing.value = value.value,
                    None => attachment.variables.push(value),
                }
            }
        }
        Ok(())
    })
    .await
}
