//! The pack catalog (§6.1): system objects from the seed, one row per pack version.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::pack::{catalog, find, Pack, KIND};
use crate::domain::registry::{self, Registry};
use crate::error::{ApiError, ApiResult};
use crate::extract::{OptionalJsonBody, PathParams, QueryParams};
use crate::filters::{allowed, sort_by_specs, FilterString, SortKey, SortSpec};
use crate::listing::PageQuery;
use crate::model::{compare_versions, digest, require_uid};
use crate::query::ListQuery;
use crate::scope::Scope;
use crate::state::SharedState;
use crate::version_tags;

const LABEL: &str = "pack";

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/packs", get(list))
        .route("/v1/packs/search", post(search))
        .route("/v1/packs/{uid}", get(by_uid))
        .route("/v1/packs/{packName}/registries/{registryUid}", get(by_name_in_registry))
}

impl Pack {
    /// `spec.annotations`: where the pack comes from (`source`, as pack.json
    /// files carry it) and, for FIPS-compliant packs, `fips: "true"`.
    fn annotations(&self) -> BTreeMap<&'static str, String> {
        let mut annotations = BTreeMap::from([("source", self.source.clone())]);
        if self.is_fips {
            annotations.insert("fips", "true".to_string());
        }
        annotations
    }

    /// `v1PackSummary`, the item of `GET /v1/packs`.
    fn summary(&self) -> Value {
        json!({
            "apiVersion": "v1",
            "kind": "PackSummary",
            "metadata": self.metadata,
            "spec": {
                "name": self.name, "version": self.version, "layer": self.layer, "type": self.pack_type,
                "registryUid": self.registry_uid, "cloudTypes": self.cloud_types, "values": self.values,
                "displayName": self.display_name, "addonType": self.addon_type, "addonSubType": self.addon_sub_type,
                "digest": digest(&self.values), "eol": "", "group": self.group, "logoUrl": self.logo_url,
                "presets": [], "schema": [], "template": null, "manifests": [], "annotations": self.annotations(),
            },
            "status": {},
        })
    }
}

/// Which `tags[]` entries a [`tag_entity`] lists.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TagEntries {
    /// The versions only (`GET /v1/packs/{uid}`: one version is not a catalog).
    Versions,
    /// The versions, then every tag with the version it selects.
    VersionsAndTags,
}

/// `v1PackTagEntity` for versions of one pack in one registry: one `tags[]` entry
/// per version (oldest first, `tag` = `version`, `parentTags` = the tags it
/// carries), then, when asked, one per tag with the version it selects
/// (`parentTags` = the broader range tags).
fn tag_entity(mut versions: Vec<Pack>, entries: TagEntries) -> Value {
    versions.sort_by(|a, b| compare_versions(&a.version, &b.version));
    let newest = versions.last().cloned();
    let mut cloud_types: Vec<String> = Vec::new();
    for pack in &versions {
        for cloud in &pack.cloud_types {
            if !cloud_types.contains(cloud) {
                cloud_types.push(cloud.clone());
            }
        }
    }
    let exact = versions.iter().map(|pack| {
        json!({ "tag": pack.version, "version": pack.version, "packUid": pack.metadata.uid, "group": pack.group, "parentTags": version_tags::tags_of(pack) })
    });
    let floating = version_tags::resolved_tags(&versions).into_iter().filter(|_| entries == TagEntries::VersionsAndTags).map(|(tag, pack)| {
        json!({ "tag": tag, "version": pack.version, "packUid": pack.metadata.uid, "group": pack.group, "parentTags": version_tags::parents_of_tag(&tag) })
    });
    let tags: Vec<Value> = exact.chain(floating).collect();
    let values: Vec<Value> = versions
        .iter()
        .map(|pack| json!({ "packUid": pack.metadata.uid, "values": pack.values, "readme": "", "annotations": {},
                            "presets": [], "schema": [], "template": {}, "dependencies": [] }))
        .collect();
    let newest = newest.as_ref();
    json!({
        "name": newest.map(|pack| pack.name.clone()),
        "displayName": newest.map(|pack| pack.display_name.clone()),
        "layer": newest.map(|pack| pack.layer),
        "registryUid": newest.map(|pack| pack.registry_uid.clone()),
        "cloudTypes": cloud_types,
        "addonType": newest.map(|pack| pack.addon_type.clone()),
        "addonSubType": newest.map(|pack| pack.addon_sub_type.clone()),
        "logoUrl": newest.map(|pack| pack.logo_url.clone()),
        "tags": tags,
        "packValues": values,
    })
}

async fn list(State(app): State<SharedState>, scope: Scope, QueryParams(query): QueryParams<ListQuery>) -> ApiResult<Json<Value>> {
    let packs = app.store.run(move |tx| catalog(tx, &scope)).await?;
    query.respond("items", packs.iter().map(Pack::summary).collect())
}

async fn by_uid(State(app): State<SharedState>, scope: Scope, PathParams(uid): PathParams<String>) -> ApiResult<Json<Value>> {
    require_uid(&uid)?;
    let pack = app.store.run(move |tx| find(tx, &scope, &uid)?.ok_or_else(|| ApiError::not_found(LABEL, &uid))).await?;
    Ok(Json(tag_entity(vec![pack], TagEntries::Versions)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TagQuery {
    cloud_type: Option<String>,
    layer: Option<String>,
}

/// All versions of one pack in one registry. Seeded packs are never disabled or
/// deprecated, so the `states` parameter cannot narrow the result and is not read.
async fn by_name_in_registry(
    State(app): State<SharedState>,
    scope: Scope,
    PathParams((name, registry_uid)): PathParams<(String, String)>,
    QueryParams(query): QueryParams<TagQuery>,
) -> ApiResult<Json<Value>> {
    require_uid(&registry_uid)?;
    let TagQuery { cloud_type, layer } = query;
    let versions = app
        .store
        .run(move |tx| {
            tx.get_visible::<Registry>(registry::KIND, "registry", &registry_uid, &scope)?;
            let versions: Vec<Pack> = tx
                .list_named::<Pack>(KIND, &scope, &name)?
                .into_iter()
                .map(|row| row.value)
                .filter(|pack| pack.registry_uid == registry_uid)
                .filter(|pack| pack.supports(cloud_type.as_deref().unwrap_or("")))
                .filter(|pack| layer.as_deref().is_none_or(|layer| layer.is_empty() || pack.layer.as_str() == layer))
                .collect();
            if versions.is_empty() {
                return Err(ApiError::not_found("pack", &format!("{name} in registry {registry_uid}")));
            }
            Ok(versions)
        })
        .await?;
    Ok(Json(tag_entity(versions, TagEntries::VersionsAndTags)))
}

/// `v1PacksFilterSpec`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PacksFilterSpec {
    filter: PacksFilter,
    sort: Vec<SortSpec<PackSortField>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct PacksFilter {
    name: Option<FilterString>,
    display_name: Option<FilterString>,
    #[serde(rename = "type")]
    pack_type: Vec<String>,
    layer: Vec<String>,
    environment: Vec<String>,
    #[serde(rename = "addOnType")]
    addon_type: Vec<String>,
    #[serde(rename = "addOnSubType")]
    addon_sub_type: Vec<String>,
    registry_uid: Vec<String>,
    is_fips: Option<bool>,
    source: Vec<String>,
    state: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
enum PackSortField {
    Name,
    Type,
    Layer,
    #[serde(rename = "addOnType")]
    AddonType,
    DisplayName,
}

impl PacksFilter {
    /// `isFips: true` keeps FIPS-compliant packs only (false, like absent, keeps all,
    /// as the SDK never sends `false`); seeded packs have no special state.
    fn matches(&self, pack: &Pack) -> bool {
        self.name.as_ref().is_none_or(|filter| filter.matches(&pack.name))
            && self.display_name.as_ref().is_none_or(|filter| filter.matches(&pack.display_name))
            && allowed(&self.pack_type, pack.pack_type.as_str())
            && allowed(&self.layer, pack.layer.as_str())
            && (self.environment.is_empty() || self.environment.iter().any(|cloud| pack.supports(cloud)))
            && allowed(&self.addon_type, &pack.addon_type)
            && allowed(&self.addon_sub_type, &pack.addon_sub_type)
            && allowed(&self.registry_uid, &pack.registry_uid)
            && (self.is_fips != Some(true) || pack.is_fips)
            && allowed(&self.source, &pack.source)
            && self.state.is_empty()
    }
}

/// `POST /v1/packs/search`: one `v1PackMetadata` per pack name and type, listing the
/// registries holding it with their latest version.
async fn search(
    State(app): State<SharedState>,
    scope: Scope,
    QueryParams(page): QueryParams<PageQuery>,
    OptionalJsonBody(spec): OptionalJsonBody<PacksFilterSpec>,
) -> ApiResult<Json<Value>> {
    let (packs, registries) = app
        .store
        .run(move |tx| Ok((catalog(tx, &scope)?, tx.list::<Registry>(registry::KIND, &scope)?)))
        .await?;
    let registry_names: BTreeMap<String, String> =
        registries.into_iter().map(|row| (row.uid, row.value.metadata.name)).collect();
    let mut groups: BTreeMap<(String, &'static str), Vec<Pack>> = BTreeMap::new();
    for pack in packs.into_iter().filter(|pack| spec.filter.matches(pack)) {
        groups.entry((pack.name.clone(), pack.pack_type.as_str())).or_default().push(pack);
    }
    let mut groups: Vec<Vec<Pack>> = groups.into_values().collect();
    sort_by_specs(&mut groups, &spec.sort, |versions, field| {
        let pack = &versions[0];
        SortKey::Text(match field {
            PackSortField::Name => pack.name.clone(),
            PackSortField::Type => pack.pack_type.as_str().to_string(),
            PackSortField::Layer => pack.layer.as_str().to_string(),
            PackSortField::AddonType => pack.addon_type.clone(),
            PackSortField::DisplayName => pack.display_name.clone(),
        })
    });
    let items = groups.into_iter().map(|versions| pack_metadata(versions, &registry_names)).collect();
    page.respond("items", items)
}

fn pack_metadata(versions: Vec<Pack>, registry_names: &BTreeMap<String, String>) -> Value {
    let mut by_registry: BTreeMap<String, Vec<&Pack>> = BTreeMap::new();
    let mut cloud_types: Vec<String> = Vec::new();
    for pack in &versions {
        by_registry.entry(pack.registry_uid.clone()).or_default().push(pack);
        for cloud in &pack.cloud_types {
            if !cloud_types.contains(cloud) {
                cloud_types.push(cloud.clone());
            }
        }
    }
    let registries: Vec<Value> = by_registry
        .iter()
        .filter_map(|(registry_uid, packs)| {
            let latest = packs.iter().max_by(|a, b| compare_versions(&a.version, &b.version))?;
            Some(json!({
                "uid": registry_uid, "name": registry_names.get(registry_uid).cloned().unwrap_or_default(), "scope": "system",
                "latestVersion": latest.version, "latestPackUid": latest.metadata.uid, "logoUrl": latest.logo_url, "annotations": {},
            }))
        })
        .collect();
    let first = &versions[0];
    json!({
        "metadata": { "name": first.name, "uid": first.metadata.uid },
        "spec": {
            "name": first.name, "displayName": first.display_name, "layer": first.layer, "type": first.pack_type,
            "addonType": first.addon_type, "addonSubType": first.addon_sub_type, "cloudTypes": cloud_types, "group": first.group,
            "registries": registries,
        },
    })
}
