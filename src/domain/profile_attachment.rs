//! The `cluster_profile` set block shared by `spectrocloud_cluster_group` and
//! `spectrocloud_virtual_cluster`: profiles attached to the object, with pack
//! overrides and variable values; and the v2 state shape both resources upgrade.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::client::models::{ClusterProfileTemplate, ManifestInput, NameValue, PackValues, ProfileAttachment};
use crate::domain::packs::yaml_equal;
use terraform_plugin::framework::modifiers::use_state_for_unknown;
use terraform_plugin::framework::schema::{Attribute, Block, Nesting, NestedBlock};
use terraform_plugin::framework::validators::{not_empty, yaml};
use terraform_plugin::protocol::value::{Type, Value};

pub const BLOCK_NAME: &str = "cluster_profile";

/// One attached profile as Terraform holds it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProfileBlock {
    pub id: String,
    pub pack: Option<Vec<PackBlock>>,
    pub variables: Option<BTreeMap<String, String>>,
}

/// A pack override inside an attached profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PackBlock {
    pub uid: Option<String>,
    #[serde(rename = "type")]
    pub pack_type: Option<String>,
    pub name: String,
    pub registry_uid: Option<String>,
    pub registry_name: Option<String>,
    pub tag: Option<String>,
    pub values: Option<String>,
    pub manifest: Option<Vec<ManifestBlock>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ManifestBlock {
    pub uid: Option<String>,
    pub name: String,
    pub content: String,
}

/// The `cluster_profile` set block.
pub fn block() -> NestedBlock {
    let manifest = Block::new()
        .attribute(Attribute::new("uid", Type::String).computed().description("The manifest's UID.").plan_modifier(use_state_for_unknown()))
        .attribute(Attribute::new("name", Type::String).required().description("The manifest's name."))
        .attribute(Attribute::new("content", Type::String).required().description("The manifest's YAML content.").validator(yaml()));
    let pack = Block::new()
        .attribute(Attribute::new("uid", Type::String).optional().computed().description("The pack's UID.").plan_modifier(use_state_for_unknown()))
        .attribute(Attribute::new("type", Type::String).default(Value::string("spectro")).description("The pack type: `spectro`, `helm`, `manifest` or `oci`."))
        .attribute(Attribute::new("name", Type::String).required().description("The name of the pack whose values are overridden."))
        .attribute(Attribute::new("registry_uid", Type::String).zero_default().description("The UID of the pack's registry."))
        .attribute(Attribute::new("registry_name", Type::String).zero_default().description("The name of the pack's registry."))
        .attribute(Attribute::new("tag", Type::String).zero_default().description("The pack version."))
        .attribute(Attribute::new("values", Type::String).zero_default().description("The pack values (YAML) used on this object instead of the profile's (none when empty).").validator(yaml()))
        .block(NestedBlock::new("manifest", Nesting::List, manifest));
    let profile = Block::new()
        .attribute(Attribute::new("id", Type::String).required().description("The UID of the cluster profile to attach.").validator(not_empty()))
        .attribute(
            Attribute::new("variables", Type::Map(Box::new(Type::String)))
                .zero_default()
                .description("Values of the profile's variables on this object, by variable name."),
        )
        .block(NestedBlock::new("pack", Nesting::List, pack));
    NestedBlock::new(BLOCK_NAME, Nesting::Set, profile)
}

/// The stored type of schema version 2 state: `cluster_profile` was a list.
pub fn version_2_state_type(current: Type) -> Type {
    match current {
        Type::Object(mut members) => {
            if let Some(Type::Set(element)) = members.remove(BLOCK_NAME) {
                members.insert(BLOCK_NAME.to_string(), Type::List(element));
            }
            Type::Object(members)
        }
        other => other,
    }
}

impl ProfileBlock {
    /// The API's attachment entity.
    pub fn attachment(&self) -> ProfileAttachment {
        let pack_values = self.pack.iter().flatten().map(PackBlock::values_entity).collect();
        let variables = self.variables.iter().flatten().map(|(name, value)| NameValue::new(name, value)).collect();
        ProfileAttachment { uid: self.id.clone(), pack_values, variables, replace_with_profile: String::new() }
    }
}

impl PackBlock {
    fn values_entity(&self) -> PackValues {
        let manifests = self
            .manifest
            .iter()
            .flatten()
            .map(|m| ManifestInput { uid: m.uid.clone().unwrap_or_default(), name: m.name.clone(), content: m.content.trim().to_string() })
            .collect();
        PackValues {
            name: self.name.clone(),
            tag: self.tag.clone().unwrap_or_default(),
            pack_type: self.pack_type.clone().unwrap_or_default(),
            values: self.values.as_deref().unwrap_or_default().trim().to_string(),
            manifests,
        }
    }
}

/// Attachments for a whole configuration (`None` = no block).
pub fn attachments(profiles: Option<&[ProfileBlock]>) -> Vec<ProfileAttachment> {
    profiles.unwrap_or_default().iter().map(ProfileBlock::attachment).collect()
}

/// The `cluster_profile` value as read back: one element per profile the API
/// reports attached (`templates`, in API order). Configured pack overrides are
/// read from the attached template's packs (the API merges them in), keeping
/// the configured text when it is the same YAML, so a change made behind
/// Terraform's back shows as drift. Variables come from `api_variables`
/// (profile UID → name → value) for the names the prior state declares, or
/// from the prior state when the API has no variables listing (`None`, cluster
/// groups).
pub fn read_back(
    templates: &[ClusterProfileTemplate],
    api_variables: Option<&BTreeMap<String, BTreeMap<String, String>>>,
    prior: Option<&[ProfileBlock]>,
) -> Option<Vec<ProfileBlock>> {
    if templates.is_empty() && prior.is_none_or(|p| p.is_empty()) {
        return prior.map(<[ProfileBlock]>::to_vec);
    }
    let prior_of = |uid: &str| prior.unwrap_or_default().iter().find(|p| p.id == uid);
    let blocks = templates
        .iter()
        .map(|template| {
            let uid = &template.uid;
            let before = prior_of(uid);
            let declared = before.and_then(|p| p.variables.as_ref());
            let variables = match (declared, api_variables) {
                (Some(declared), Some(api)) => {
                    let reported = api.get(uid);
                    Some(
                        declared
                            .iter()
                            .map(|(name, old)| (name.clone(), reported.and_then(|r| r.get(name)).unwrap_or(old).clone()))
                            .collect(),
                    )
                }
                (declared, _) => declared.cloned(),
            };
            let pack = before.and_then(|p| p.pack.as_ref()).map(|packs| packs.iter().map(|pack| pack.read_back(template)).collect());
            ProfileBlock { id: uid.clone(), pack, variables }
        })
        .collect();
    Some(blocks)
}

impl PackBlock {
    /// This override as the attached template reports it: configured `values`
    /// follow the template's pack values unless they are the same YAML (empty
    /// values override nothing, so the profile's own stand).
    fn read_back(&self, template: &ClusterProfileTemplate) -> PackBlock {
        let mut pack = self.clone();
        let configured = self.values.as_ref().filter(|v| !v.trim().is_empty());
        if let (Some(configured), Some(reported)) = (configured, template.packs.iter().find(|p| p.name == self.name)) {
            if !yaml_equal(configured, &reported.values) {
                pack.values = Some(reported.values.clone());
            }
        }
        pack
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::models::PackRef;

    fn profile(id: &str, variables: Option<&[(&str, &str)]>) -> ProfileBlock {
        ProfileBlock {
            id: id.to_string(),
            pack: None,
            variables: variables.map(|v| v.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
        }
    }

    #[test]
    fn attachment_sends_trimmed_values_and_variables() {
        let block = ProfileBlock {
            id: "p1".into(),
            pack: Some(vec![PackBlock {
                name: "nginx".into(),
                pack_type: Some("spectro".into()),
                values: Some("a: 1\n\n".into()),
                manifest: Some(vec![ManifestBlock { uid: None, name: "m".into(), content: " kind: X \n".into() }]),
                ..PackBlock::default()
            }]),
            variables: Some([("replicas".to_string(), "3".to_string())].into()),
        };
        let body = serde_json::to_value(block.attachment()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"uid": "p1", "packValues": [{"name": "nginx", "type": "spectro", "values": "a: 1",
                                "manifests": [{"name": "m", "content": "kind: X"}]}],
                               "variables": [{"name": "replicas", "value": "3"}]})
        );
    }

    fn template(uid: &str, packs: &[(&str, &str)]) -> ClusterProfileTemplate {
        let packs = packs.iter().map(|(name, values)| PackRef { name: name.to_string(), values: values.to_string(), ..PackRef::default() }).collect();
        ClusterProfileTemplate { uid: uid.to_string(), packs, ..ClusterProfileTemplate::default() }
    }

    fn templates(uids: &[&str]) -> Vec<ClusterProfileTemplate> {
        uids.iter().map(|uid| template(uid, &[])).collect()
    }

    #[test]
    fn read_back_follows_the_api_and_keeps_declared_variables_only() {
        let prior = vec![profile("p1", Some(&[("replicas", "3")])), profile("gone", None)];
        let api: BTreeMap<String, BTreeMap<String, String>> =
            [("p1".to_string(), [("replicas".to_string(), "5".to_string()), ("hidden".to_string(), "x".to_string())].into())].into();
        let read = read_back(&templates(&["p1", "added"]), Some(&api), Some(&prior)).unwrap();
        assert_eq!(read, vec![profile("p1", Some(&[("replicas", "5")])), profile("added", None)]);
        // Without a variables listing the prior values stay.
        let read = read_back(&templates(&["p1"]), None, Some(&prior)).unwrap();
        assert_eq!(read, vec![profile("p1", Some(&[("replicas", "3")]))]);
    }

    #[test]
    fn pack_override_values_follow_the_attached_template() {
        let override_block = |values: &str| ProfileBlock {
            id: "p1".into(),
            pack: Some(vec![PackBlock { name: "nginx".into(), values: Some(values.into()), ..PackBlock::default() }]),
            variables: None,
        };
        let prior = vec![override_block("replicaCount: 2")];
        // The same YAML written differently keeps the configured text.
        let same = read_back(&[template("p1", &[("nginx", "replicaCount:   2\n")])], None, Some(&prior)).unwrap();
        assert_eq!(same, prior);
        // A change made through the API shows.
        let drifted = read_back(&[template("p1", &[("nginx", "replicaCount: 5\n")])], None, Some(&prior)).unwrap();
        assert_eq!(drifted, vec![override_block("replicaCount: 5\n")]);
    }

    #[test]
    fn nothing_attached_keeps_the_prior_form() {
        assert_eq!(read_back(&[], None, None), None);
        assert_eq!(read_back(&[], None, Some(&[])), Some(vec![]));
        assert_eq!(read_back(&[], None, Some(&[profile("p", None)])), Some(vec![]));
    }

    #[test]
    fn version_2_stores_profiles_as_a_list() {
        let current = Type::Object([(BLOCK_NAME.to_string(), Type::Set(Box::new(Type::String))), ("name".to_string(), Type::String)].into());
        let old = version_2_state_type(current);
        assert_eq!(
            old,
            Type::Object([(BLOCK_NAME.to_string(), Type::List(Box::new(Type::String))), ("name".to_string(), Type::String)].into())
        );
    }
}
