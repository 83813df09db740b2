//! The cluster profile's model: the Terraform object as typed blocks and
//! the API entities they become.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::domain::packs::{yaml_equal, MANIFEST_PACK_UID};
use crate::client::cluster_profiles::{effective_version, PackManifestEntity};
use crate::client::models::{ManifestInput, Variable, VariableOption};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct ManifestModel {
    pub(super) uid: Option<String>,
    pub(super) name: String,
    pub(super) content: String,
}

/// One `pack` block (shared shape with the cluster-side `cluster_profile.pack`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct PackModel {
    pub(super) uid: Option<String>,
    #[serde(rename = "type")]
    pub(super) pack_type: Option<String>,
    pub(super) name: String,
    pub(super) registry_uid: Option<String>,
    pub(super) registry_name: Option<String>,
    pub(super) tag: Option<String>,
    pub(super) values: Option<String>,
    pub(super) manifest: Vec<ManifestModel>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct OptionModel {
    pub(super) default: Option<bool>,
    pub(super) description: Option<String>,
    pub(super) label: String,
    pub(super) value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct VariableModel {
    pub(super) name: String,
    pub(super) display_name: String,
    pub(super) format: Option<String>,
    pub(super) description: Option<String>,
    pub(super) default_value: Option<String>,
    pub(super) regex: Option<String>,
    pub(super) required: Option<bool>,
    pub(super) immutable: Option<bool>,
    pub(super) is_sensitive: Option<bool>,
    pub(super) hidden: Option<bool>,
    pub(super) input_type: Option<String>,
    pub(super) options: Vec<OptionModel>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct VariablesModel {
    pub(super) variable: Vec<VariableModel>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfileModel {
    pub(super) id: Option<String>,
    pub(super) name: String,
    pub(super) version: Option<String>,
    pub(super) skip_destroy: Option<bool>,
    pub(super) context: Option<String>,
    pub(super) tags: Option<BTreeSet<String>>,
    pub(super) description: Option<String>,
    pub(super) cloud: Option<String>,
    #[serde(rename = "type")]
    pub(super) profile_type: Option<String>,
    pub(super) profile_variables: Vec<VariablesModel>,
    pub(super) pack: Vec<PackModel>,
}

/// YAML text as read back: the prior text while it means the same.
pub(super) fn read_yaml(api: &str, prior: Option<&str>) -> String {
    match prior {
        Some(prior) if yaml_equal(api, prior) => prior.to_string(),
        _ => api.to_string(),
    }
}

impl VariableModel {
    pub(super) fn to_api(&self) -> Variable {
        Variable {
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            description: self.description.clone().unwrap_or_default(),
            format: self.format.clone().unwrap_or_else(|| "string".into()),
            default_value: self.default_value.clone().unwrap_or_default(),
            regex: self.regex.clone().unwrap_or_default(),
            required: self.required.unwrap_or(false),
            hidden: self.hidden.unwrap_or(false),
            immutable: self.immutable.unwrap_or(false),
            is_sensitive: self.is_sensitive.unwrap_or(false),
            input_type: self.input_type.clone().unwrap_or_else(|| "text".into()),
            options: self
                .options
                .iter()
                .map(|o| VariableOption {
                    value: o.value.clone(),
                    label: o.label.clone(),
                    description: o.description.clone().unwrap_or_default(),
                    default: o.default.unwrap_or(false),
                })
                .collect(),
        }
    }

    pub(super) fn from_api(api: &Variable) -> VariableModel {
        let text = |value: &str| Some(value.to_string());
        VariableModel {
            name: api.name.clone(),
            display_name: api.display_name.clone(),
            format: Some(if api.format.is_empty() { "string".into() } else { api.format.clone() }),
            description: text(&api.description),
            default_value: text(&api.default_value),
            regex: text(&api.regex),
            required: Some(api.required),
            immutable: Some(api.immutable),
            is_sensitive: Some(api.is_sensitive),
            hidden: Some(api.hidden),
            input_type: Some(if api.input_type.is_empty() { "text".into() } else { api.input_type.clone() }),
            options: api
                .options
                .iter()
                .map(|o| OptionModel { default: Some(o.default), description: text(&o.description), label: o.label.clone(), value: o.value.clone() })
                .collect(),
        }
    }
}

impl PackModel {
    pub(super) fn is_manifest(&self) -> bool {
        self.pack_type.as_deref() == Some("manifest")
    }

    /// The create/update body of this pack, with its registry resolved.
    pub(super) fn entity(&self, registry_uid: String) -> PackManifestEntity {
        PackManifestEntity {
            name: self.name.clone(),
            pack_type: self.pack_type.clone().unwrap_or_else(|| "spectro".into()),
            tag: self.tag.clone().unwrap_or_default(),
            registry_uid,
            uid: self.uid.clone().unwrap_or_else(|| if self.is_manifest() { MANIFEST_PACK_UID.into() } else { String::new() }),
            values: self.values.as_deref().map(str::trim).unwrap_or_default().to_string(),
            manifests: self
                .manifest
                .iter()
                .map(|m| ManifestInput { uid: m.uid.clone().unwrap_or_default(), name: m.name.clone(), content: m.content.trim().to_string() })
                .collect(),
            ..PackManifestEntity::default()
        }
    }
}

impl ProfileModel {
    pub(super) fn context(&self) -> &str {
        self.context.as_deref().unwrap_or("project")
    }

    pub(super) fn version(&self) -> &str {
        effective_version(self.version.as_deref().unwrap_or(""))
    }

    pub(super) fn variables(&self) -> Vec<Variable> {
        self.profile_variables.iter().flat_map(|v| &v.variable).map(VariableModel::to_api).collect()
    }

    /// What a content change is about (everything but variables, context
    /// and `skip_destroy`).
    pub(super) fn content(&self) -> (&str, &Option<BTreeSet<String>>, &str, &str, &[PackModel]) {
        (&self.name, &self.tags, self.description.as_deref().unwrap_or(""), self.version(), &self.pack)
    }
}
