//! Pack lookups (`/v1/packs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::context::CallContext;
use super::error::ClientError;
use super::models::{nullable, ObjectMeta};
use super::transport::{PaletteClient, Request, Scope};

/// Items per page on paginated pack listings (the API's maximum).
const PAGE_SIZE: &str = "50";

/// An item of `GET /v1/packs` (`v1PackSummary`); `metadata.uid` is the pack UID.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct PackSummary {
    pub metadata: ObjectMeta,
    pub spec: PackSummarySpec,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PackSummarySpec {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub display_name: String,
    #[serde(deserialize_with = "nullable")]
    pub version: String,
    #[serde(deserialize_with = "nullable")]
    pub layer: String,
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub pack_type: String,
    #[serde(deserialize_with = "nullable")]
    pub registry_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub cloud_types: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    pub values: String,
    #[serde(deserialize_with = "nullable")]
    pub addon_type: String,
    #[serde(deserialize_with = "nullable")]
    pub addon_sub_type: String,
    #[serde(deserialize_with = "nullable")]
    pub digest: String,
    #[serde(deserialize_with = "nullable")]
    pub group: String,
    #[serde(deserialize_with = "nullable")]
    pub annotations: BTreeMap<String, String>,
}

/// The body of `POST /v1/packs/search`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PackSearch {
    pub filter: PackSearchFilter,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sort: Vec<SortSpec>,
}

/// Every member is optional; empty lists and `None` are left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PackSearchFilter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<FilterString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<FilterString>,
    #[serde(rename = "type", skip_serializing_if = "Vec::is_empty")]
    pub pack_type: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub layer: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub environment: Vec<String>,
    #[serde(rename = "addOnType", skip_serializing_if = "Vec::is_empty")]
    pub add_on_type: Vec<String>,
    #[serde(rename = "addOnSubType", skip_serializing_if = "Vec::is_empty")]
    pub add_on_sub_type: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub registry_uid: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_fips: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub state: Vec<String>,
}

/// `v1FilterString`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterString {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eq: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ne: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contains: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub begins_with: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignore_case: Option<bool>,
}

impl FilterString {
    pub fn eq(value: impl Into<String>) -> Self {
        FilterString { eq: Some(value.into()), ..FilterString::default() }
    }
}

/// `{field, order}` with order `asc` or `desc`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SortSpec {
    pub field: String,
    pub order: String,
}

/// An item of `POST /v1/packs/search` (`v1PackMetadata`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct PackMetadata {
    pub metadata: ObjectMeta,
    pub spec: PackMetadataSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PackMetadataSpec {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub display_name: String,
    #[serde(deserialize_with = "nullable")]
    pub layer: String,
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub pack_type: String,
    #[serde(deserialize_with = "nullable")]
    pub addon_type: String,
    #[serde(deserialize_with = "nullable")]
    pub cloud_types: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    pub registries: Vec<PackRegistryRef>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PackRegistryRef {
    #[serde(deserialize_with = "nullable")]
    pub uid: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub scope: String,
    #[serde(deserialize_with = "nullable")]
    pub latest_version: String,
    #[serde(deserialize_with = "nullable")]
    pub latest_pack_uid: String,
}

/// `v1PackTagEntity`: every version of one pack in one registry.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PackTagEntity {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub display_name: String,
    #[serde(deserialize_with = "nullable")]
    pub layer: String,
    #[serde(deserialize_with = "nullable")]
    pub registry_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub cloud_types: Vec<String>,
    #[serde(deserialize_with = "nullable")]
    pub addon_type: String,
    #[serde(deserialize_with = "nullable")]
    pub tags: Vec<PackTag>,
    #[serde(deserialize_with = "nullable")]
    pub pack_values: Vec<PackTagValues>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PackTag {
    /// The tag as shown (`1.2.x`); `version` is the exact one.
    #[serde(deserialize_with = "nullable")]
    pub tag: String,
    #[serde(deserialize_with = "nullable")]
    pub version: String,
    #[serde(deserialize_with = "nullable")]
    pub pack_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub group: String,
    #[serde(deserialize_with = "nullable")]
    pub parent_tags: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PackTagValues {
    #[serde(deserialize_with = "nullable")]
    pub pack_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub values: String,
    #[serde(deserialize_with = "nullable")]
    pub readme: String,
    #[serde(deserialize_with = "nullable")]
    pub annotations: BTreeMap<String, String>,
    pub template: Option<Json>,
}

impl PackTagEntity {
    /// The tag whose exact `version` is `version`.
    pub fn tag_for_version(&self, version: &str) -> Option<&PackTag> {
        self.tags.iter().find(|tag| tag.version == version)
    }

    /// The default values of one pack version.
    pub fn values_of(&self, pack_uid: &str) -> Option<&str> {
        self.pack_values.iter().find(|v| v.pack_uid == pack_uid).map(|v| v.values.as_str())
    }
}

/// Optional narrowing of `GET /v1/packs/{name}/registries/{registryUid}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackTagQuery<'a> {
    pub cloud_type: Option<&'a str>,
    pub layer: Option<&'a str>,
}

/// Joins filter terms the way the API expects: `a=1ANDb=2`, no spaces.
pub fn join_filters<'a>(terms: impl IntoIterator<Item = &'a str>) -> String {
    terms.into_iter().filter(|t| !t.is_empty()).collect::<Vec<_>>().join("AND")
}

impl PaletteClient {
    /// `GET /v1/packs?filters=...`, every page. Build `filters` with
    /// [`join_filters`], e.g. `spec.name=nginxANDspec.version=1.2.3`.
    pub async fn list_packs(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        filters: &str,
    ) -> Result<Vec<PackSummary>, ClientError> {
        let request = Request::get(&["packs"]).scope(scope).query("filters", filters).query("limit", PAGE_SIZE);
        self.fetch_all(ctx, request).await
    }

    /// `POST /v1/packs/search`, every page.
    pub async fn search_packs(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        search: &PackSearch,
    ) -> Result<Vec<PackMetadata>, ClientError> {
        let request =
            Request::post(&["packs", "search"]).scope(scope).query("limit", PAGE_SIZE).json(search).search();
        self.fetch_all(ctx, request).await
    }

    /// `GET /v1/packs/{name}/registries/{registryUid}`: all versions of a
    /// pack in a registry; `None` when the registry has no such pack.
    pub async fn get_pack_tags(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        name: &str,
        registry_uid: &str,
        query: &PackTagQuery<'_>,
    ) -> Result<Option<PackTagEntity>, ClientError> {
        let request = Request::get(&["packs", name, "registries", registry_uid])
            .scope(scope)
            .query_opt("cloudType", query.cloud_type)
            .query_opt("layer", query.layer);
        self.fetch_optional(ctx, request).await
    }

    /// `GET /v1/packs/{uid}`; `None` when no pack has this UID.
    pub async fn get_pack(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<PackTagEntity>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["packs", uid]).scope(scope)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_join_without_spaces() {
        assert_eq!(join_filters(["spec.name=nginx", "", "spec.version=1.2.3"]), "spec.name=nginxANDspec.version=1.2.3");
        assert_eq!(join_filters([]), "");
    }

    #[test]
    fn search_body_leaves_out_what_is_unset() {
        let search = PackSearch {
            filter: PackSearchFilter {
                name: Some(FilterString::eq("nginx")),
                pack_type: vec!["spectro".into(), "helm".into()],
                environment: vec!["all".into()],
                add_on_type: vec!["load balancer".into()],
                registry_uid: vec!["r1".into()],
                is_fips: Some(false),
                ..PackSearchFilter::default()
            },
            sort: vec![SortSpec { field: "name".into(), order: "asc".into() }],
        };
        assert_eq!(
            serde_json::to_value(&search).unwrap(),
            json!({"filter": {"name": {"eq": "nginx"}, "type": ["spectro", "helm"], "environment": ["all"],
                              "addOnType": ["load balancer"], "registryUid": ["r1"], "isFips": false},
                   "sort": [{"field": "name", "order": "asc"}]})
        );
    }

    #[test]
    fn pack_tag_entity_reads_the_documented_shape() {
        let entity: PackTagEntity = serde_json::from_value(json!({
            "name": "nginx", "displayName": "", "layer": "addon", "registryUid": "r1", "cloudTypes": ["all"],
            "addonType": "", "addonSubType": "", "logoUrl": "",
            "tags": [{"tag": "1.2.x", "version": "1.2.3", "packUid": "p123", "group": "", "parentTags": ["1.x", "1.2.x"]}],
            "packValues": [{"packUid": "p123", "values": "a: 1", "readme": "", "annotations": {}, "presets": [],
                            "schema": [], "template": {}, "dependencies": []}]
        }))
        .unwrap();
        assert_eq!(entity.tag_for_version("1.2.3").map(|t| t.pack_uid.as_str()), Some("p123"));
        assert_eq!(entity.tag_for_version("1.2.x"), None, "tags match on the exact version");
        assert_eq!(entity.values_of("p123"), Some("a: 1"));
    }

    #[test]
    fn pack_summaries_and_metadata_read() {
        let summary: PackSummary = serde_json::from_value(json!({
            "apiVersion": "v1", "kind": "pack", "metadata": {"uid": "p1", "name": "nginx-1.2.3"},
            "spec": {"name": "nginx", "version": "1.2.3", "layer": "addon", "type": "spectro", "registryUid": "r1",
                     "cloudTypes": ["all"], "values": "a: 1"}, "status": {}
        }))
        .unwrap();
        assert_eq!((summary.metadata.uid.as_str(), summary.spec.registry_uid.as_str()), ("p1", "r1"));
        let metadata: PackMetadata = serde_json::from_value(json!({
            "metadata": {"name": "nginx"},
            "spec": {"name": "nginx", "registries": [{"uid": "r1", "name": "Public Repo", "scope": "system",
                                                      "latestVersion": "1.2.3", "latestPackUid": "p1"}]}
        }))
        .unwrap();
        assert_eq!(metadata.spec.registries[0].latest_version, "1.2.3");
    }
}
