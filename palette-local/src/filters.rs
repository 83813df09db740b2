//! The typed filter and sort members of the dashboard search bodies (§2 of the API
//! reference): `v1FilterString`, `v1FilterArray`, `v1FilterVersionString` and sort specs.

use std::cmp::Ordering;

use serde::Deserialize;

use super::model::compare_versions;

fn default_true() -> bool {
    true
}

fn text_eq(a: &str, b: &str, ignore_case: bool) -> bool {
    if ignore_case { a.eq_ignore_ascii_case(b) } else { a == b }
}

fn fold(text: &str, ignore_case: bool) -> String {
    if ignore_case { text.to_lowercase() } else { text.to_string() }
}

/// `{eq, ne, contains, beginsWith, ignoreCase}`; every given member must hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterString {
    pub eq: Option<String>,
    pub ne: Option<String>,
    pub contains: Option<String>,
    pub begins_with: Option<String>,
    #[serde(default = "default_true")]
    pub ignore_case: bool,
}

impl FilterString {
    pub fn matches(&self, value: &str) -> bool {
        let ic = self.ignore_case;
        let folded = fold(value, ic);
        self.eq.as_deref().is_none_or(|eq| eq.is_empty() || text_eq(value, eq, ic))
            && self.ne.as_deref().is_none_or(|ne| ne.is_empty() || !text_eq(value, ne, ic))
            && self.contains.as_deref().is_none_or(|part| folded.contains(&fold(part, ic)))
            && self.begins_with.as_deref().is_none_or(|prefix| folded.starts_with(&fold(prefix, ic)))
    }
}

/// `{eq[], ne[], beginsWith[], ignoreCase}` over a set of values (e.g. tags): every
/// `eq` value must be present, no `ne` value may be, and every `beginsWith` prefix
/// must start some value.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterArray {
    #[serde(default)]
    pub eq: Vec<String>,
    #[serde(default)]
    pub ne: Vec<String>,
    #[serde(default)]
    pub begins_with: Vec<String>,
    #[serde(default = "default_true")]
    pub ignore_case: bool,
}

impl FilterArray {
    pub fn matches(&self, values: &[String]) -> bool {
        let ic = self.ignore_case;
        let has = |wanted: &String| values.iter().any(|value| text_eq(value, wanted, ic));
        self.eq.iter().all(has)
            && !self.ne.iter().any(has)
            && self.begins_with.iter().all(|prefix| values.iter().any(|value| fold(value, ic).starts_with(&fold(prefix, ic))))
    }
}

/// `{eq, ne, gt, lt, beginsWith}` over version strings, compared as versions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterVersionString {
    pub eq: Option<String>,
    pub ne: Option<String>,
    pub gt: Option<String>,
    pub lt: Option<String>,
    pub begins_with: Option<String>,
}

impl FilterVersionString {
    pub fn matches(&self, version: &str) -> bool {
        fn given(member: &Option<String>) -> Option<&str> {
            member.as_deref().filter(|text| !text.is_empty())
        }
        given(&self.eq).is_none_or(|eq| compare_versions(version, eq) == Ordering::Equal)
            && given(&self.ne).is_none_or(|ne| compare_versions(version, ne) != Ordering::Equal)
            && given(&self.gt).is_none_or(|gt| compare_versions(version, gt) == Ordering::Greater)
            && given(&self.lt).is_none_or(|lt| compare_versions(version, lt) == Ordering::Less)
            && given(&self.begins_with).is_none_or(|prefix| version.starts_with(prefix))
    }
}

/// A list filter of allowed values (e.g. `"profileType": ["add-on"]`); empty allows all.
pub fn allowed(values: &[String], value: &str) -> bool {
    values.is_empty() || values.iter().any(|allowed| allowed.eq_ignore_ascii_case(value))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Asc,
    Desc,
}

/// `{field, order}`, with `F` the endpoint's enum of sortable fields.
#[derive(Debug, Clone, Deserialize)]
pub struct SortSpec<F> {
    pub field: F,
    #[serde(default = "SortSpec::<F>::default_order")]
    pub order: SortOrder,
}

impl<F> SortSpec<F> {
    fn default_order() -> SortOrder {
        SortOrder::Asc
    }
}

/// A sort key: text compares case-insensitively, versions as versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Text(String),
    Version(String),
}

impl Ord for SortKey {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (SortKey::Version(a), SortKey::Version(b)) => compare_versions(a, b),
            (SortKey::Text(a), SortKey::Text(b)) | (SortKey::Text(a), SortKey::Version(b)) | (SortKey::Version(a), SortKey::Text(b)) => {
                a.to_lowercase().cmp(&b.to_lowercase()).then_with(|| a.cmp(b))
            }
        }
    }
}

impl PartialOrd for SortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Stable sort of `items` by the specs in order; `key` extracts an item's key for a field.
pub fn sort_by_specs<T, F>(items: &mut [T], specs: &[SortSpec<F>], key: impl Fn(&T, &F) -> SortKey) {
    items.sort_by(|a, b| {
        specs
            .iter()
            .map(|spec| {
                let order = key(a, &spec.field).cmp(&key(b, &spec.field));
                if spec.order == SortOrder::Desc { order.reverse() } else { order }
            })
            .find(|order| order != &Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn string_filter(value: serde_json::Value) -> FilterString {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn string_filter_members_and_case() {
        assert!(string_filter(json!({"eq": "Team-A"})).matches("team-a"));
        assert!(!string_filter(json!({"eq": "Team-A", "ignoreCase": false})).matches("team-a"));
        assert!(string_filter(json!({"contains": "AM"})).matches("team-a"));
        assert!(string_filter(json!({"beginsWith": "te", "ne": "team-b"})).matches("team-a"));
        assert!(!string_filter(json!({"ne": "team-a"})).matches("team-a"));
        assert!(string_filter(json!({})).matches("anything"));
    }

    #[test]
    fn array_filter_requires_all_eq_values() {
        let filter: FilterArray = serde_json::from_value(json!({"eq": ["env:dev", "team"]})).unwrap();
        assert!(filter.matches(&["team".into(), "env:dev".into(), "x".into()]));
        assert!(!filter.matches(&["team".into()]));
        let none: FilterArray = serde_json::from_value(json!({"eq": []})).unwrap();
        assert!(none.matches(&[]));
    }

    #[test]
    fn version_filter_compares_versions() {
        let filter: FilterVersionString = serde_json::from_value(json!({"gt": "1.9.0", "lt": "1.30.0"})).unwrap();
        assert!(filter.matches("1.10.0"));
        assert!(!filter.matches("1.30.0"));
        assert!(FilterVersionString { eq: Some("1.0.0".into()), ..Default::default() }.matches("1.0.0"));
    }

    #[test]
    fn sorting_by_several_specs() {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        enum Field {
            Name,
            Version,
        }
        let specs: Vec<SortSpec<Field>> =
            serde_json::from_value(json!([{"field": "name", "order": "asc"}, {"field": "version", "order": "desc"}])).unwrap();
        let mut items = vec![("b", "1.2.0"), ("a", "1.10.0"), ("a", "1.9.0"), ("B", "2.0.0")];
        sort_by_specs(&mut items, &specs, |item, field| match field {
            Field::Name => SortKey::Text(item.0.to_string()),
            Field::Version => SortKey::Version(item.1.to_string()),
        });
        assert_eq!(items, [("a", "1.10.0"), ("a", "1.9.0"), ("B", "2.0.0"), ("b", "1.2.0")]);
        assert!(serde_json::from_value::<SortSpec<Field>>(json!({"field": "bogus"})).is_err());
    }
}
