//! A cluster profile's variables (`v1Variable`): what clients send, defaulted and checked.

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};

const FORMATS: [&str; 8] = ["string", "number", "boolean", "ipv4", "ipv4cidr", "ipv6", "version", "base64"];
const INPUT_TYPES: [&str; 3] = ["text", "dropdown", "multiline"];

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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

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

