//! Models shared by several endpoint groups, named as in the v1 API.
//!
//! Conventions for every model in this client:
//! - field names are the API's lower camelCase;
//! - missing fields take their default and unknown fields are ignored;
//! - lists and maps also accept `null` (Go sends nil slices that way);
//! - request-only optional fields are left out when empty, and read-only
//!   timestamps are never sent (the Go SDK's zero timestamps are a known wart).

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// Deserializes `null` as the type's default (for lists, maps and strings).
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// `{"uid": "..."}`: the body of every 201 answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Uid {
    pub uid: String,
}

/// `v1ObjectMeta`. Labels and annotations are always sent (an empty map
/// clears them); timestamps are read-only and never sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectMeta {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub uid: String,
    #[serde(deserialize_with = "nullable")]
    pub labels: BTreeMap<String, String>,
    #[serde(deserialize_with = "nullable")]
    pub annotations: BTreeMap<String, String>,
    #[serde(skip_serializing)]
    pub creation_timestamp: Option<String>,
    #[serde(skip_serializing)]
    pub last_modified_timestamp: Option<String>,
    #[serde(skip_serializing)]
    pub deletion_timestamp: Option<String>,
}

impl ObjectMeta {
    pub fn named(name: impl Into<String>) -> Self {
        ObjectMeta { name: name.into(), ..ObjectMeta::default() }
    }
}

/// A reference to another object (`v1ObjectResReference`,
/// `v1ObjectReference` and friends); every member is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectRef {
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub uid: String,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub project_uid: String,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub tenant_uid: String,
}

impl ObjectRef {
    pub fn uid(uid: impl Into<String>) -> Self {
        ObjectRef { uid: uid.into(), ..ObjectRef::default() }
    }
}

/// `v1ListMetaData`. `continue` is empty on the last page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListMeta {
    #[serde(rename = "continue", deserialize_with = "nullable")]
    pub continue_token: String,
    pub count: i64,
    pub limit: i64,
    pub offset: i64,
}

/// One page of a paginated listing. The array key is `items` on most
/// endpoints, `appProfiles` and `appDeployments` on the App Mode dashboards.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(bound = "T: Deserialize<'de>")]
pub struct Page<T> {
    #[serde(alias = "appProfiles", alias = "appDeployments", default = "Vec::new", deserialize_with = "nullable")]
    pub items: Vec<T>,
    #[serde(default)]
    pub listmeta: Option<ListMeta>,
}

impl<T> Page<T> {
    /// The token of the next page, if there is one.
    pub fn next_token(&self) -> Option<&str> {
        self.listmeta.as_ref().map(|meta| meta.continue_token.as_str()).filter(|token| !token.is_empty())
    }
}

/// `{"items": [...]}` without paging.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(bound = "T: Deserialize<'de>")]
pub struct Items<T> {
    #[serde(default = "Vec::new", deserialize_with = "nullable")]
    pub items: Vec<T>,
}

/// `{uid, version}` in a profile's `spec.versions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VersionRef {
    #[serde(deserialize_with = "nullable")]
    pub uid: String,
    #[serde(deserialize_with = "nullable")]
    pub version: String,
}

/// `{name, value}`: variable values, tier properties.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NameValue {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub value: String,
}

impl NameValue {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        NameValue { name: name.into(), value: value.into() }
    }
}

/// A profile variable (`v1Variable`). Flags and `defaultValue` are always sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Variable {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub display_name: String,
    #[serde(deserialize_with = "nullable")]
    pub description: String,
    #[serde(deserialize_with = "nullable")]
    pub format: String,
    #[serde(deserialize_with = "nullable")]
    pub default_value: String,
    #[serde(deserialize_with = "nullable")]
    pub regex: String,
    pub required: bool,
    pub hidden: bool,
    pub immutable: bool,
    pub is_sensitive: bool,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub input_type: String,
    #[serde(deserialize_with = "nullable")]
    pub options: Vec<VariableOption>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VariableOption {
    #[serde(deserialize_with = "nullable")]
    pub value: String,
    #[serde(deserialize_with = "nullable")]
    pub label: String,
    #[serde(deserialize_with = "nullable")]
    pub description: String,
    pub default: bool,
}

/// A manifest sent inline: `{uid?, name, content}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManifestInput {
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub uid: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub content: String,
}

/// A manifest as listed inside a pack or tier (content is fetched apart).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManifestRef {
    #[serde(deserialize_with = "nullable")]
    pub uid: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub kind: String,
}

/// A manifest document with its content (`v1ManifestEntity` and the tier
/// manifest answers): `{metadata, spec: {draft?, published?}}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ManifestDocument {
    pub metadata: ObjectMeta,
    pub spec: ManifestDocumentSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ManifestDocumentSpec {
    pub draft: Option<ManifestContent>,
    pub published: Option<ManifestContent>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ManifestContent {
    #[serde(deserialize_with = "nullable")]
    pub content: String,
    #[serde(deserialize_with = "nullable")]
    pub digest: String,
}

impl ManifestDocument {
    /// The published content, or the draft's when nothing is published yet.
    pub fn content(&self) -> Option<&str> {
        self.spec.published.as_ref().or(self.spec.draft.as_ref()).map(|c| c.content.as_str())
    }
}

/// A pack inside a profile template (`v1PackRef`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PackRef {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub layer: String,
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub pack_type: String,
    #[serde(deserialize_with = "nullable")]
    pub tag: String,
    #[serde(deserialize_with = "nullable")]
    pub version: String,
    #[serde(deserialize_with = "nullable")]
    pub registry_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub pack_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub values: String,
    #[serde(deserialize_with = "nullable")]
    pub annotations: BTreeMap<String, String>,
    #[serde(deserialize_with = "nullable")]
    pub digest: String,
    pub is_invalid: bool,
    #[serde(deserialize_with = "nullable")]
    pub manifests: Vec<ManifestRef>,
}

/// `v1ClusterProfileTemplate`: a profile's draft or published content, and
/// the profiles a cluster or cluster group carries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterProfileTemplate {
    #[serde(deserialize_with = "nullable")]
    pub uid: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub cloud_type: String,
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub profile_type: String,
    /// The semantic version (`1.0.0`).
    #[serde(deserialize_with = "nullable")]
    pub profile_version: String,
    /// The deprecated revision counter.
    pub version: i64,
    #[serde(deserialize_with = "nullable")]
    pub packs: Vec<PackRef>,
    pub related_object: Option<ObjectRef>,
}

/// A profile as attached to a cluster or cluster group, from their
/// `GET .../profiles`: `{metadata, spec{cloudType, type, version, packs}}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AttachedProfile {
    pub metadata: ObjectMeta,
    pub spec: AttachedProfileSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AttachedProfileSpec {
    #[serde(deserialize_with = "nullable")]
    pub cloud_type: String,
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub profile_type: String,
    #[serde(deserialize_with = "nullable")]
    pub version: String,
    #[serde(deserialize_with = "nullable")]
    pub packs: Vec<PackRef>,
    pub related_object: Option<ObjectRef>,
}

/// `{"profiles": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub(crate) struct AttachedProfiles {
    #[serde(deserialize_with = "nullable")]
    pub profiles: Vec<AttachedProfile>,
}

/// Per-pack overrides when attaching a profile (`v1PackValuesEntity`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PackValues {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub tag: String,
    #[serde(rename = "type", deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub pack_type: String,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub values: String,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub manifests: Vec<ManifestInput>,
}

/// A profile to attach to a cluster or cluster group
/// (`v1SpectroClusterProfileEntity`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProfileAttachment {
    pub uid: String,
    #[serde(deserialize_with = "nullable")]
    pub pack_values: Vec<PackValues>,
    #[serde(deserialize_with = "nullable")]
    pub variables: Vec<NameValue>,
    /// The UID of an attached profile this one replaces (a version change).
    #[serde(deserialize_with = "nullable", skip_serializing_if = "String::is_empty")]
    pub replace_with_profile: String,
}

/// `{"profiles": [...], "spcApplySettings": {"actionType": ...}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProfileAttachments {
    #[serde(deserialize_with = "nullable")]
    pub profiles: Vec<ProfileAttachment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spc_apply_settings: Option<ApplySettings>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ApplySettings {
    /// `DownloadAndInstall` or `DownloadAndInstallLater`.
    pub action_type: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn object_meta_never_sends_timestamps_or_an_empty_uid() {
        let meta: ObjectMeta = serde_json::from_value(json!({
            "name": "team-a", "uid": "", "labels": {"env": "dev"}, "annotations": null,
            "creationTimestamp": "0001-01-01T00:00:00.000Z", "lastModifiedTimestamp": "2024-02-29T20:31:42.204Z",
            "somethingNew": 1
        }))
        .unwrap();
        assert_eq!(meta.last_modified_timestamp.as_deref(), Some("2024-02-29T20:31:42.204Z"));
        assert!(meta.annotations.is_empty());
        assert_eq!(
            serde_json::to_value(&meta).unwrap(),
            json!({"name": "team-a", "labels": {"env": "dev"}, "annotations": {}})
        );
    }

    #[test]
    fn list_meta_uses_the_continue_key() {
        let page: Page<ObjectMeta> = serde_json::from_value(json!({
            "items": [{"name": "a"}],
            "listmeta": {"continue": "eyJvZmZzZXQiOjUwfQ==", "count": 117, "limit": 50, "offset": 50}
        }))
        .unwrap();
        assert_eq!(page.next_token(), Some("eyJvZmZzZXQiOjUwfQ=="));
        assert_eq!(page.listmeta.as_ref().unwrap().count, 117);
        let last: Page<ObjectMeta> =
            serde_json::from_value(json!({"items": null, "listmeta": {"continue": "", "count": 0}})).unwrap();
        assert_eq!(last.next_token(), None);
        assert!(last.items.is_empty());
    }

    #[test]
    fn app_profile_pages_use_their_own_key() {
        let page: Page<ObjectMeta> = serde_json::from_value(json!({"appProfiles": [{"name": "x"}]})).unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.next_token(), None);
    }

    #[test]
    fn variables_send_every_flag() {
        let variable = Variable { name: "replicas".into(), format: "number".into(), ..Variable::default() };
        assert_eq!(
            serde_json::to_value(&variable).unwrap(),
            json!({"name": "replicas", "displayName": "", "description": "", "format": "number", "defaultValue": "",
                   "regex": "", "required": false, "hidden": false, "immutable": false, "isSensitive": false,
                   "options": []})
        );
    }

    #[test]
    fn pack_refs_read_the_documented_fields() {
        let pack: PackRef = serde_json::from_value(json!({
            "name": "nginx", "layer": "addon", "type": "spectro", "tag": "1.2.3", "version": "1.2.3",
            "registryUid": "r1", "packUid": "p1", "server": "", "values": "a: 1", "params": {},
            "annotations": {}, "digest": "", "logo": "", "isInvalid": false, "inValidReason": "",
            "manifests": [{"uid": "m1", "name": "extra", "kind": ""}], "presets": [], "schema": []
        }))
        .unwrap();
        assert_eq!(
            (pack.pack_type.as_str(), pack.pack_uid.as_str(), pack.registry_uid.as_str()),
            ("spectro", "p1", "r1")
        );
        assert_eq!(pack.manifests[0].uid, "m1");
    }

    #[test]
    fn profile_attachments_match_the_api_shape() {
        let body = ProfileAttachments {
            profiles: vec![ProfileAttachment {
                uid: "p1".into(),
                pack_values: vec![PackValues { name: "nginx".into(), values: "a: 1".into(), ..PackValues::default() }],
                variables: vec![NameValue::new("replicas", "3")],
                replace_with_profile: String::new(),
            }],
            spc_apply_settings: Some(ApplySettings { action_type: "DownloadAndInstall".into() }),
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"profiles": [{"uid": "p1", "packValues": [{"name": "nginx", "values": "a: 1"}],
                                 "variables": [{"name": "replicas", "value": "3"}]}],
                   "spcApplySettings": {"actionType": "DownloadAndInstall"}})
        );
    }

    #[test]
    fn manifest_documents_prefer_published_content() {
        let doc: ManifestDocument = serde_json::from_value(json!({
            "metadata": {"name": "cm", "uid": "m1"},
            "spec": {"draft": {"content": "old"}, "published": {"content": "new", "digest": "d"}}
        }))
        .unwrap();
        assert_eq!(doc.content(), Some("new"));
        let draft_only: ManifestDocument =
            serde_json::from_value(json!({"spec": {"draft": {"content": "d"}, "published": null}})).unwrap();
        assert_eq!(draft_only.content(), Some("d"));
    }
}
