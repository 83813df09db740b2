//! Profile variables (§5.10): `GET/PUT/PATCH/DELETE /v1/clusterprofiles/{uid}/variables`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::ClusterProfile;
use crate::domain::collection;
use crate::routes::modify;
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, NoContent, PathParams};
use crate::scope::Scope;
use crate::state::SharedState;

const FORMATS: [&str; 8] = ["string", "number", "boolean", "ipv4", "ipv4cidr", "ipv6", "version", "base64"];
const INPUT_TYPES: [&str; 3] = ["text", "dropdown", "multiline"];

pub fn routes() -> Router<SharedState> {
    Router::new().route("/v1/clusterprofiles/{uid}/variables", get(list).put(replace).patch(upsert).delete(remove))
}

/// `v1Variable`; every member is always served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Variable {
    pub name: String,
    pub display_name: String,
    pub description: String,
    pub format: String,
    pub default_value: String,
    pub regex: String,
    pub required: bool,
    pub hidden: bool,
    pub immutable: bool,
    pub is_sensitive: bool,
    pub input_type: String,
    pub options: Vec<VariableOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariableOption {
    pub value: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub default: bool,
}

/// A variable as clients send it: only `name` is required.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariableInput {
    name: String,
    display_name: Option<String>,
    description: Option<String>,
    format: Option<String>,
    default_value: Option<String>,
    regex: Option<String>,
    required: Option<bool>,
    hidden: Option<bool>,
    immutable: Option<bool>,
    is_sensitive: Option<bool>,
    input_type: Option<String>,
    options: Option<Vec<VariableOption>>,
}

fn one_of(field: &str, value: Option<String>, accepted: &[&str]) -> ApiResult<String> {
    let value = value.filter(|v| !v.is_empty()).unwrap_or_else(|| accepted[0].to_string());
    if accepted.contains(&value.as_str()) {
        Ok(value)
    } else {
        Err(ApiError::bad_request(format!("{field}: invalid value '{value}', expected one of {}", accepted.join(", "))))
    }
}

impl VariableInput {
    fn into_variable(self) -> ApiResult<Variable> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(ApiError::bad_request("variable name is required"));
        }
        let regex = self.regex.unwrap_or_default();
        let default_value = self.default_value.unwrap_or_default();
        Ok(Variable {
            format: one_of(&format!("variable '{name}' format"), self.format, &FORMATS)?,
            input_type: one_of(&format!("variable '{name}' inputType"), self.input_type, &INPUT_TYPES)?,
            display_name: self.display_name.unwrap_or_default(),
            description: self.description.unwrap_or_default(),
            default_value,
            regex,
            required: self.required.unwrap_or(false),
            hidden: self.hidden.unwrap_or(false),
            immutable: self.immutable.unwrap_or(false),
            is_sensitive: self.is_sensitive.unwrap_or(false),
            options: self.options.unwrap_or_default(),
            name,
        })
    }
}

/// Converts and checks a set of variables (names must be unique).
pub fn validate(inputs: Vec<VariableInput>) -> ApiResult<Vec<Variable>> {
    let mut variables: Vec<Variable> = Vec::new();
    for input in inputs {
        let variable = input.into_variable()?;
        if variables.iter().any(|existing| existing.name == variable.name) {
            return Err(ApiError::bad_request(format!("variable '{}' appears twice", variable.name)));
        }
        variables.push(variable);
    }
    Ok(variables)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn input(value: Value) -> VariableInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn defaults_and_enums() {
        let variable = input(json!({"name": "replicas"})).into_variable().unwrap();
        assert_eq!((variable.format.as_str(), variable.input_type.as_str()), ("string", "text"));
        assert!(input(json!({"name": "x", "format": "float"})).into_variable().is_err());
        assert!(input(json!({"name": "x", "inputType": "radio"})).into_variable().is_err());
        assert!(input(json!({"name": " "})).into_variable().is_err());
        let served = serde_json::to_value(&variable).unwrap();
        for key in ["defaultValue", "required", "hidden", "immutable", "isSensitive", "options"] {
            assert!(served.get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn duplicate_names_are_rejected() {
        assert!(validate(vec![input(json!({"name": "a"})), input(json!({"name": "a"}))]).is_err());
        assert_eq!(validate(vec![input(json!({"name": "a"})), input(json!({"name": "b"}))]).unwrap().len(), 2);
    }
}
