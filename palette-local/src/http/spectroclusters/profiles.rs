//! Profiles attached to virtual clusters (§9.7) and cluster groups (§8.3), and a
//! cluster's profile variables.
//!
//! An attachment names an add-on profile usable from the caller's scope (its own
//! scope, or a tenant or system profile), with optional pack value overrides and
//! variable values. Two attached profiles may not carry a pack of the same name
//! (400 `DuplicateClusterPacksForbidden`, as the real API). Every change to a
//! cluster's profiles starts a profile apply: `status.spcApply.canBeApplied` is false
//! until it completes (see [`Lifecycle::request_apply`](crate::lifecycle::Lifecycle::request_apply)).


use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::modify;
use crate::model::null_as_default;
use crate::http::cluster_views::profiles_view;
use crate::domain::cluster::attachment::{
    attached, check_variables, ensure_distinct_packs, resolve, resolve_all, Attachment, AttachmentInput, AttachmentsBody, NameValue,
};
use crate::domain::cluster::{load_virtual, VirtualCluster};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, NoContent, OptionalJsonBody, PathParams};
use crate::domain::cluster_profile::{self, ClusterProfile, Variable};
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::Tx;

/// How sensitive variable values are served.
const MASK: &str = "********";

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/spectroclusters/{uid}/profiles", get(list).put(replace).patch(upsert).delete(detach))
        .route("/v1/spectroclusters/{uid}/variables", get(variables).patch(set_variables))
}


fn related(cluster: &VirtualCluster) -> Value {
    json!({ "kind": "spectrocluster", "name": cluster.metadata.name, "uid": cluster.metadata.uid })
}

async fn list(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let now = app.now();
    let view = app.store.run(move |tx| {
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
    let view = app.store.run(move |tx| {
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
                .get::<ClusterProfile>(cluster_profile::KIND, &attachment.uid)?
                .ok_or_else(|| ApiError::not_found(cluster_profile::LABEL, &entry.profile_uid))?;
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
