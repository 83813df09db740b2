//! Pack handling shared by everything that embeds profile packs (cluster
//! profiles now; cluster groups and virtual clusters can reuse it): the
//! semantic comparisons of pack text, version ordering, and resolving
//! registry names and pack name + tag (an exact version or a version tag)
//! into UIDs.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use crate::client::packs::{join_filters, PackSummary, PackTag, PackTagEntity, PackTagQuery};
use crate::client::registries::RegistryMetadata;
use crate::client::{CallContext, ClientError, PaletteClient, Scope};
use terraform_plugin::protocol::diagnostics::Diagnostic;
use terraform_plugin::protocol::value::Value;
use crate::provider::api_failure;

/// The pack UID Palette uses for a layer made only of manifests.
pub const MANIFEST_PACK_UID: &str = "spectro-manifest-pack";

/// True when two YAML texts mean the same (formatting and key order
/// ignored); text that is not YAML compares trimmed.
pub fn yaml_equal(a: &str, b: &str) -> bool {
    if a.trim() == b.trim() {
        return true;
    }
    match (serde_yaml_ng::from_str::<serde_yaml_ng::Value>(a), serde_yaml_ng::from_str::<serde_yaml_ng::Value>(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// [`yaml_equal`] over attribute values, for `semantic_equality`.
pub fn yaml_values_equal(a: &Value, b: &Value) -> bool {
    matches!((a.as_str(), b.as_str()), (Some(x), Some(y)) if yaml_equal(x, y))
}

/// A pack `type` as the API means it: empty is `spectro`.
pub fn effective_pack_type(pack_type: &str) -> &str {
    if pack_type.is_empty() {
        "spectro"
    } else {
        pack_type
    }
}

/// [`effective_pack_type`] equality over attribute values.
pub fn pack_types_equal(a: &Value, b: &Value) -> bool {
    matches!((a.as_str(), b.as_str()), (Some(x), Some(y)) if effective_pack_type(x) == effective_pack_type(y))
}

/// Pack names may be written `alias--name`; lookups use the real name.
pub fn lookup_name(name: &str) -> &str {
    name.rsplit_once("--").map_or(name, |(_, real)| real)
}

/// Orders versions such as `1.2.10` > `1.2.9` and `v2` > `1.9`; numeric
/// parts compare as numbers, other parts as text, and a version that is not
/// numeric at all sorts before every numeric one.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    fn parts(version: &str) -> Vec<Result<u64, &str>> {
        version.trim_start_matches(['v', 'V']).split(['.', '-', '+']).map(|p| p.parse::<u64>().map_err(|_| p)).collect()
    }
    let (x, y) = (parts(a), parts(b));
    let numeric = |p: &[Result<u64, &str>]| p.first().is_some_and(Result::is_ok);
    numeric(&x).cmp(&numeric(&y)).then_with(|| {
        for (l, r) in x.iter().zip(&y) {
            let order = match (l, r) {
                (Ok(l), Ok(r)) => l.cmp(r),
                (Ok(_), Err(_)) => Ordering::Greater,
                (Err(_), Ok(_)) => Ordering::Less,
                (Err(l), Err(r)) => l.cmp(r),
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        x.len().cmp(&y.len())
    })
}

/// Why a registry or pack could not be resolved: a sentence for the user.
#[derive(Debug)]
pub enum ResolveError {
    NotFound(String),
    Ambiguous(String),
    Api(ClientError),
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveError::NotFound(text) | ResolveError::Ambiguous(text) => f.write_str(text),
            ResolveError::Api(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for ResolveError {}

impl ResolveError {
    /// As a diagnostic: a name that matches nothing or too much is titled
    /// `not_found` (the user's to fix); a failed API call is titled by what
    /// happened (Palette unavailable, or `failed_call` with the API's answer).
    pub fn diagnostic(&self, not_found: &str, failed_call: &str) -> Diagnostic {
        match self {
            ResolveError::NotFound(text) | ResolveError::Ambiguous(text) => Diagnostic::error(not_found, text.clone()),
            ResolveError::Api(error) => api_failure(failed_call, error),
        }
    }
}

impl From<ClientError> for ResolveError {
    fn from(error: ClientError) -> Self {
        ResolveError::Api(error)
    }
}

/// What identifies one catalog pack in a configuration.
#[derive(Debug, Clone, Default)]
pub struct PackQuery<'a> {
    pub name: &'a str,
    /// Exact version; `None` picks the latest.
    pub version: Option<&'a str>,
    pub registry_uid: Option<&'a str>,
    /// `spectro`, `helm`, `oci`, ... (`None` for any).
    pub pack_type: Option<&'a str>,
    /// Clouds the pack must support (a pack for `all` always qualifies).
    pub clouds: &'a [String],
}

/// Resolves names to UIDs for one operation, listing registries at most once.
pub struct Resolver<'a> {
    client: &'a PaletteClient,
    call: &'a CallContext,
    scope: Scope,
    registries: Option<Vec<RegistryMetadata>>,
}

impl<'a> Resolver<'a> {
    pub fn new(client: &'a PaletteClient, call: &'a CallContext, scope: Scope) -> Self {
        Resolver { client, call, scope, registries: None }
    }

    pub async fn registries(&mut self) -> Result<&[RegistryMetadata], ClientError> {
        if self.registries.is_none() {
            self.registries = Some(self.client.list_registries_metadata(self.call, &self.scope).await?);
        }
        Ok(self.registries.as_deref().unwrap_or_default())
    }

    /// The UID of the registry named `name` (of `kind` when given).
    pub async fn registry_uid(&mut self, name: &str, kind: Option<&str>) -> Result<String, ResolveError> {
        let registries = self.registries().await?;
        let matching: Vec<&RegistryMetadata> = registries
            .iter()
            .filter(|r| r.name == name && kind.is_none_or(|k| registry_kind_matches(&r.kind, k)))
            .collect();
        match matching.as_slice() {
            [one] => Ok(one.uid.clone()),
            [] => {
                let known: Vec<&str> = registries.iter().map(|r| r.name.as_str()).collect();
                Err(ResolveError::NotFound(format!("No registry is named {name:?}. Registries: {}.", known.join(", "))))
            }
            many => Err(ResolveError::Ambiguous(format!(
                "{} registries are named {name:?} (UIDs {}); set registry_uid instead.",
                many.len(),
                many.iter().map(|r| r.uid.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// The name of the registry with this UID, if any.
    pub async fn registry_name(&mut self, uid: &str) -> Result<Option<String>, ClientError> {
        Ok(self.registries().await?.iter().find(|r| r.uid == uid).map(|r| r.name.clone()))
    }

    /// Exactly one catalog pack for `query`, or an error listing candidates.
    pub async fn pack(&mut self, query: &PackQuery<'_>) -> Result<PackSummary, ResolveError> {
        find_queried_pack(self.client, self.call, &self.scope, query).await
    }
}

/// The entry of a pack's `tags[]` that `wanted` (an exact version or a version tag
/// such as `1.30.x` or `LTS__18.4.x`) selects: the exact version; else the entry
/// for the tag itself (Palette lists range and named tags with the version they
/// resolve to); else the newest version whose `parentTags` hold it.
pub fn select_tag<'e>(entity: &'e PackTagEntity, wanted: &str) -> Option<&'e PackTag> {
    entity.tag_for_version(wanted).or_else(|| entity.tags.iter().find(|tag| tag.tag == wanted)).or_else(|| {
        entity
            .tags
            .iter()
            .filter(|tag| tag.parent_tags.iter().any(|parent| parent == wanted))
            .max_by(|a, b| compare_versions(&a.version, &b.version))
    })
}

/// A registry's kind in `/v1/registries/metadata` against a pack type.
fn registry_kind_matches(kind: &str, pack_type: &str) -> bool {
    match pack_type {
        "spectro" | "" => matches!(kind, "spectro" | "pack"),
        "helm" => kind == "helm",
        "oci" => kind == "oci",
        _ => true,
    }
}

/// The `GET /v1/packs` filter for a query (registry and type are narrowed
/// client-side, as the API does not index them).
pub fn filters_for(query: &PackQuery<'_>) -> String {
    let name = format!("spec.name={}", lookup_name(query.name));
    let version = query.version.map(|v| format!("spec.version={v}")).unwrap_or_default();
    let clouds = if query.clouds.is_empty() {
        String::new()
    } else {
        let mut list: Vec<&str> = query.clouds.iter().map(String::as_str).collect();
        if !list.contains(&"all") {
            list.push("all");
        }
        format!("spec.cloudTypes_in_{}", list.join(","))
    };
    join_filters([name.as_str(), version.as_str(), clouds.as_str()])
}

/// `GET /v1/packs` with `filters`, narrowed by the query's registry and type
/// (which the API does not index).
async fn list_narrowed(
    client: &PaletteClient,
    call: &CallContext,
    scope: &Scope,
    filters: &str,
    query: &PackQuery<'_>,
) -> Result<Vec<PackSummary>, ClientError> {
    Ok(client
        .list_packs(call, scope, filters)
        .await?
        .into_iter()
        .filter(|p| query.registry_uid.is_none_or(|r| p.spec.registry_uid == r))
        .filter(|p| query.pack_type.is_none_or(|t| effective_pack_type(&p.spec.pack_type) == effective_pack_type(t)))
        .collect())
}

/// Exactly one catalog pack for `query`, its `version` being an exact version or a
/// version tag: the exact lookup first, then, when it finds nothing, the tag
/// resolved in each registry holding the pack.
pub async fn find_queried_pack(client: &PaletteClient, call: &CallContext, scope: &Scope, query: &PackQuery<'_>) -> Result<PackSummary, ResolveError> {
    match (find_pack(client, call, scope, &filters_for(query), query).await, query.version) {
        (Err(ResolveError::NotFound(text)), Some(tag)) => find_tagged_pack(client, call, scope, query, tag).await?.ok_or(ResolveError::NotFound(text)),
        (result, _) => result,
    }
}

/// The pack version `tag` selects, looked up through
/// `GET /v1/packs/{name}/registries/{registryUid}` in every registry that holds a
/// matching version of the pack; an error when it selects one in several.
async fn find_tagged_pack(
    client: &PaletteClient,
    call: &CallContext,
    scope: &Scope,
    query: &PackQuery<'_>,
    tag: &str,
) -> Result<Option<PackSummary>, ResolveError> {
    let every_version = PackQuery { version: None, ..query.clone() };
    let versions = list_narrowed(client, call, scope, &filters_for(&every_version), query).await?;
    let registries: BTreeSet<&str> = versions.iter().map(|p| p.spec.registry_uid.as_str()).collect();
    let mut found: Vec<&PackSummary> = Vec::new();
    for registry in registries {
        let Some(entity) = client.get_pack_tags(call, scope, lookup_name(query.name), registry, &PackTagQuery::default()).await? else {
            continue;
        };
        let selected = select_tag(&entity, tag).and_then(|t| versions.iter().find(|p| p.metadata.uid == t.pack_uid));
        found.extend(selected);
    }
    match found.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some((*one).clone())),
        many => Err(ResolveError::Ambiguous(format!(
            "The tag {tag:?} of pack {:?} selects a version in {} registries: {}. Set the registry.",
            query.name,
            many.len(),
            many.iter().map(|p| format!("{} in registry {} (uid {})", p.spec.version, p.spec.registry_uid, p.metadata.uid)).collect::<Vec<_>>().join("; ")
        ))),
    }
}

/// Lists packs with `filters`, narrows them by registry and type, and picks
/// the single match (the latest version when `query.version` is `None`).
pub async fn find_pack(
    client: &PaletteClient,
    call: &CallContext,
    scope: &Scope,
    filters: &str,
    query: &PackQuery<'_>,
) -> Result<PackSummary, ResolveError> {
    let mut packs = list_narrowed(client, call, scope, filters, query).await?;
    if query.version.is_none() {
        // The latest version in each registry.
        let mut latest: BTreeMap<String, PackSummary> = BTreeMap::new();
        for pack in packs {
            let key = format!("{}\u{0}{}", pack.spec.registry_uid, pack.spec.name);
            match latest.get(&key) {
                Some(kept) if compare_versions(&kept.spec.version, &pack.spec.version) != Ordering::Less => {}
                _ => {
                    latest.insert(key, pack);
                }
            }
        }
        packs = latest.into_values().collect();
    }
    let what = describe(query);
    match packs.len() {
        1 => Ok(packs.remove(0)),
        0 => Err(ResolveError::NotFound(format!("No pack matches {what}."))),
        _ => {
            let candidates: Vec<String> =
                packs.iter().map(|p| format!("{} {} in registry {} (uid {})", p.spec.name, p.spec.version, p.spec.registry_uid, p.metadata.uid)).collect();
            Err(ResolveError::Ambiguous(format!(
                "{} packs match {what}: {}. Narrow the query (registry, version, type or cloud).",
                packs.len(),
                candidates.join("; ")
            )))
        }
    }
}

fn describe(query: &PackQuery<'_>) -> String {
    let mut text = format!("name {:?}", query.name);
    if let Some(version) = query.version {
        text.push_str(&format!(", version {version:?}"));
    }
    if let Some(registry) = query.registry_uid {
        text.push_str(&format!(", registry {registry:?}"));
    }
    if let Some(pack_type) = query.pack_type {
        text.push_str(&format!(", type {pack_type:?}"));
    }
    if !query.clouds.is_empty() {
        text.push_str(&format!(", clouds {:?}", query.clouds));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_compares_by_meaning() {
        assert!(yaml_equal("a: 1\nb: [x, y]\n", "b:\n  - x\n  - y\na: 1"));
        assert!(yaml_equal("  text ", "text"));
        assert!(!yaml_equal("a: 1", "a: 2"));
        assert!(!yaml_equal("a: [", "a: []"), "text that is not YAML compares as text");
        assert!(yaml_equal("k: \"{{ .spectro.var.x }}\"", "k: '{{ .spectro.var.x }}'"));
    }

    #[test]
    fn a_failed_lookup_is_not_titled_as_an_unknown_name() {
        let not_found = ResolveError::NotFound("No registry is named \"x\".".into()).diagnostic("Unknown registry", "Cannot list the registries");
        assert_eq!(not_found.summary, "Unknown registry");
        let gateway = ClientError::Unreachable { endpoint: "https://h".into(), reason: "connection refused".into() };
        let unavailable = ResolveError::Api(gateway.unavailable_after("https://h", 11, std::time::Duration::from_secs(20)));
        let diagnostic = unavailable.diagnostic("Unknown registry", "Cannot list the registries");
        assert_eq!(diagnostic.summary, "Palette at https://h is unavailable: 11 attempts in 20s failed");
        assert!(diagnostic.detail.contains("Cannot list the registries") && diagnostic.detail.contains("connection refused"), "{diagnostic:?}");
    }

    #[test]
    fn empty_type_is_spectro() {
        assert!(pack_types_equal(&Value::string(""), &Value::string("spectro")));
        assert!(!pack_types_equal(&Value::string("helm"), &Value::string("spectro")));
    }

    #[test]
    fn versions_order_numerically() {
        assert_eq!(compare_versions("1.2.10", "1.2.9"), Ordering::Greater);
        assert_eq!(compare_versions("v2", "1.9.9"), Ordering::Greater);
        assert_eq!(compare_versions("1.0", "1.0.0"), Ordering::Less);
        assert_eq!(compare_versions("latest", "0.0.1"), Ordering::Less);
        assert_eq!(compare_versions("6.2.18-1", "6.2.18"), Ordering::Greater);
    }

    fn entity(tags: serde_json::Value) -> PackTagEntity {
        serde_json::from_value(serde_json::json!({ "name": "kubernetes", "tags": tags })).unwrap()
    }

    #[test]
    fn tags_select_through_the_tag_entries() {
        // Palette's shape: one entry per version, one per range or named tag.
        let listed = entity(serde_json::json!([
            {"tag": "1.29.8", "version": "1.29.8", "packUid": "a", "parentTags": ["1.x", "1.29.x"]},
            {"tag": "1.29.10", "version": "1.29.10", "packUid": "b", "parentTags": ["1.x", "1.29.x"]},
            {"tag": "18.04", "version": "18.04", "packUid": "c", "parentTags": ["18.x", "18.04.x", "LTS__18.4.x"]},
            {"tag": "1.29.x", "version": "1.29.10", "packUid": "b", "parentTags": ["1.x"]},
            {"tag": "LTS__18.4.x", "version": "18.04", "packUid": "c", "parentTags": []}
        ]));
        let uid = |wanted: &str| select_tag(&listed, wanted).map(|t| t.pack_uid.clone());
        assert_eq!(uid("1.29.8").as_deref(), Some("a"), "an exact version");
        assert_eq!(uid("1.29.x").as_deref(), Some("b"), "a range tag: the newest matching version");
        assert_eq!(uid("LTS__18.4.x").as_deref(), Some("c"), "a named tag");
        assert_eq!(uid("1.30.x"), None);
    }

    #[test]
    fn tags_select_through_parent_tags_when_not_listed() {
        // A registry that lists only versions: the parent tags still resolve.
        let versions_only = entity(serde_json::json!([
            {"tag": "1.29.10", "version": "1.29.10", "packUid": "b", "parentTags": ["1.x", "1.29.x"]},
            {"tag": "1.29.8", "version": "1.29.8", "packUid": "a", "parentTags": ["1.x", "1.29.x"]},
            {"tag": "1.30.0", "version": "1.30.0", "packUid": "d", "parentTags": ["1.x", "1.30.x"]}
        ]));
        let uid = |wanted: &str| select_tag(&versions_only, wanted).map(|t| t.pack_uid.clone());
        assert_eq!(uid("1.29.x").as_deref(), Some("b"), "newest by version, not by position");
        assert_eq!(uid("1.x").as_deref(), Some("d"));
        assert_eq!(uid("2.x"), None);
    }

    #[test]
    fn filters_strip_aliases_and_add_all_to_clouds() {
        let clouds = vec!["aws".to_string()];
        let query = PackQuery { name: "my--nginx", version: Some("1.2.3"), clouds: &clouds, ..PackQuery::default() };
        assert_eq!(filters_for(&query), "spec.name=nginxANDspec.version=1.2.3ANDspec.cloudTypes_in_aws,all");
        assert_eq!(lookup_name("nginx"), "nginx");
    }
}
