//! Profile variables (§5.10): `GET/PUT/PATCH/DELETE /v1/clusterprofiles/{uid}/variables`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::cluster_profile::variables::{validate, VariableInput};
use crate::domain::cluster_profile::ClusterProfile;
use crate::domain::collection;
use crate::http::modify;
use crate::error::ApiResult;
use crate::extract::{JsonBody, NoContent, PathParams};
use crate::scope::Scope;
use crate::state::SharedState;


pub fn routes() -> Router<SharedState> {
    Router::new().route("/v1/clusterprofiles/{uid}/variables", get(list).put(replace).patch(upsert).delete(remove))
}


#[derive(Debug, Deserialize)]
struct VariablesBody {
    variables: Vec<VariableInput>,
}

#[derive(Debug, Deserialize)]
struct VariableNames {
    variables: Vec<String>,
}

async fn list(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    let variables = app.store.run(move |tx| Ok(collection::load::<ClusterProfile>(tx, &uid, &scope)?.value.variables)).await?;
    Ok(Json(json!({ "variables": variables })))
}

async fn replace(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<VariablesBody>,
) -> ApiResult<NoContent> {
    let variables = validate(body.variables)?;
    modify::<ClusterProfile>(&app, uid, scope, move |_, _, profile| {
        profile.variables = variables;
        Ok(())
    })
    .await
}

/// Updates the listed variables by name and adds the ones the profile lacks.
async fn upsert(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<VariablesBody>,
) -> ApiResult<NoContent> {
    let variables = validate(body.variables)?;
    modify::<ClusterProfile>(&app, uid, scope, move |_, _, profile| {
        for variable in variables {
            match profile.variables.iter_mut().find(|existing| existing.name == variable.name) {
                Some(existing) => *existing = variable,
                None => profile.variables.push(variable),
            }
        }
        Ok(())
    })
    .await
}

/// Removes the named variables; names the profile does not have are ignored.
async fn remove(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams(uid): PathParams<String>,
    JsonBody(body): JsonBody<VariableNames>,
) -> ApiResult<NoContent> {
    modify::<ClusterProfile>(&app, uid, scope, move |_, _, profile| {
        profile.variables.retain(|variable| !body.variables.contains(&variable.name));
        Ok(())
    })
    .await
}
