//! The cluster search language (§2): `v1SearchFilterSummarySpec` bodies of
//! `POST /v1/dashboard/spectroclusters/search` and the cluster-group dashboards.
//!
//! A filter is groups of typed property conditions; conditions combine by their
//! group's `conjunction`, groups by the filter's. A string condition compares the
//! property with each `match.values` entry (`eq`, `contains`, `beginsWith`, optionally
//! case-insensitive) and combines the results by `match.conjunction` (default `or`);
//! `negation` inverts the outcome. No values means no constraint. Unknown properties,
//! a condition of the wrong type and malformed dates are 400s. The properties are
//! listed by [`PROPERTIES`] (also served as the search schema).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::model::null_as_default;
use crate::clock::parse_timestamp;
use crate::error::{ApiError, ApiResult};
use crate::filters::{sort_by_specs, SortKey, SortSpec};
use crate::lifecycle::{to_millis, Millis};

/// What a filter can look at in a cluster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub name: String,
    /// The cloud type (`nested` for virtual clusters).
    pub environment: String,
    pub state: String,
    pub health: String,
    pub is_deleted: bool,
    pub is_host: bool,
    pub created: String,
    pub modified: String,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyType {
    String,
    Bool,
    Date,
    KeyValue,
}

impl PropertyType {
    fn as_str(self) -> &'static str {
        match self {
            PropertyType::String => "string",
            PropertyType::Bool => "bool",
            PropertyType::Date => "date",
            PropertyType::KeyValue => "keyValue",
        }
    }
}

/// The searchable properties: name, type, display name.
pub const PROPERTIES: [(&str, PropertyType, &str); 9] = [
    ("environment", PropertyType::String, "Environment"),
    ("clusterName", PropertyType::String, "Cluster Name"),
    ("clusterState", PropertyType::String, "Cluster State"),
    ("healthState", PropertyType::String, "Health State"),
    ("isDeleted", PropertyType::Bool, "Deleted"),
    ("isHostCluster", PropertyType::Bool, "Host Cluster"),
    ("creationTimestamp", PropertyType::Date, "Created"),
    ("lastModifiedTimestamp", PropertyType::Date, "Last Modified"),
    ("tags", PropertyType::KeyValue, "Tags"),
];

/// `GET /v1/dashboard/spectroclusters/search/schema`.
pub fn schema() -> Value {
    let properties: Vec<Value> = PROPERTIES
        .iter()
        .map(|(name, kind, display)| json!({ "name": name, "displayName": display, "type": kind.as_str(), "isDeprecated": false }))
        .collect();
    json!({ "schema": { "properties": properties } })
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Conjunction {
    #[default]
    And,
    Or,
}

fn default_or() -> Conjunction {
    Conjunction::Or
}

impl Conjunction {
    /// Combines `results`; an empty list constrains nothing.
    fn combine(self, results: Vec<bool>) -> bool {
        if results.is_empty() {
            return true;
        }
        match self {
            Conjunction::And => results.iter().all(|r| *r),
            Conjunction::Or => results.iter().any(|r| *r),
        }
    }
}

/// `v1SearchFilterSummarySpec`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SearchSpec {
    pub filter: Option<FilterTree>,
    #[serde(deserialize_with = "null_as_default")]
    pub sort: Vec<SortSpec<SortField>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FilterTree {
    pub conjunction: Conjunction,
    #[serde(deserialize_with = "null_as_default")]
    pub filter_groups: Vec<FilterGroup>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FilterGroup {
    pub conjunction: Conjunction,
    #[serde(deserialize_with = "null_as_default")]
    pub filters: Vec<FilterItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FilterItem {
    pub property: String,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub condition: Condition,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Condition {
    pub string: Option<StringCondition>,
    pub bool: Option<BoolCondition>,
    pub date: Option<DateCondition>,
    pub key_value: Option<KeyValueCondition>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StringOperator {
    #[default]
    Eq,
    Contains,
    BeginsWith,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Match<T> {
    pub conjunction: Conjunction,
    pub values: Vec<T>,
}

impl<T> Default for Match<T> {
    fn default() -> Self {
        Match { conjunction: default_or(), values: Vec::new() }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StringCondition {
    pub operator: StringOperator,
    pub negation: bool,
    pub ignore_case: bool,
    #[serde(rename = "match")]
    pub matches: Match<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BoolCondition {
    pub value: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOperator {
    #[default]
    Eq,
    Gt,
    Gte,
    Lt,
    Lte,
    Range,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DateCondition {
    pub operator: DateOperator,
    pub negation: bool,
    #[serde(rename = "match")]
    pub matches: Match<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct KeyValueCondition {
    pub key: String,
    pub operator: StringOperator,
    pub negation: bool,
    pub ignore_case: bool,
    #[serde(rename = "match")]
    pub matches: Match<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SortField {
    Environment,
    ClusterName,
    ClusterState,
    HealthState,
    CreationTimestamp,
    LastModifiedTimestamp,
}

fn text_matches(operator: StringOperator, ignore_case: bool, actual: &str, wanted: &str) -> bool {
    let (actual, wanted) =
        if ignore_case { (actual.to_lowercase(), wanted.to_lowercase()) } else { (actual.to_string(), wanted.to_string()) };
    match operator {
        StringOperator::Eq => actual == wanted,
        StringOperator::Contains => actual.contains(&wanted),
        StringOperator::BeginsWith => actual.starts_with(&wanted),
    }
}

/// A checked condition, ready to evaluate.
#[derive(Debug, Clone)]
enum Test {
    Text { property: &'static str, condition: StringCondition },
    Flag { property: &'static str, value: bool },
    Date { property: &'static str, operator: DateOperator, negation: bool, conjunction: Conjunction, values: Vec<Millis> },
    Label(KeyValueCondition),
}

fn parse_date(text: &str) -> ApiResult<Millis> {
    parse_timestamp(text).map(to_millis).ok_or_else(|| ApiError::bad_request(format!("invalid date '{text}': expected RFC 3339")))
}

fn compile_item(item: FilterItem) -> ApiResult<Test> {
    let (property, kind, _) = PROPERTIES
        .iter()
        .find(|(name, _, _)| *name == item.property)
        .ok_or_else(|| ApiError::bad_request(format!("unknown search property '{}'", item.property)))?;
    if let Some(given) = item.kind.as_deref().filter(|given| !given.is_empty() && *given != kind.as_str()) {
        return Err(ApiError::bad_request(format!("search property '{property}' is of type {}, not {given}", kind.as_str())));
    }
    let missing = || ApiError::bad_request(format!("search property '{property}' needs a condition.{}", kind.as_str()));
    let condition = item.condition;
    match kind {
        PropertyType::String => Ok(Test::Text { property, condition: condition.string.ok_or_else(missing)? }),
        PropertyType::Bool => Ok(Test::Flag { property, value: condition.bool.ok_or_else(missing)?.value }),
        PropertyType::Date => {
            let date = condition.date.ok_or_else(missing)?;
            let values = date.matches.values.iter().map(|value| parse_date(value)).collect::<ApiResult<Vec<_>>>()?;
            if date.operator == DateOperator::Range && values.len() != 2 {
                return Err(ApiError::bad_request(format!("search property '{property}': a range needs exactly two dates")));
            }
            Ok(Test::Date { property, operator: date.operator, negation: date.negation, conjunction: date.matches.conjunction, values })
        }
        PropertyType::KeyValue => {
            let condition = condition.key_value.ok_or_else(missing)?;
            if condition.key.is_empty() {
                return Err(ApiError::bad_request(format!("search property '{property}': condition.keyValue.key is required")));
            }
            Ok(Test::Label(condition))
        }
    }
}

fn text_of<'f>(facts: &'f Facts, property: &str) -> &'f str {
    match property {
        "environment" => &facts.environment,
        "clusterName" => &facts.name,
        "clusterState" => &facts.state,
        "healthState" => &facts.health,
        "creationTimestamp" => &facts.created,
        "lastModifiedTimestamp" => &facts.modified,
        _ => "",
    }
}

fn strings_hold(condition: &StringCondition, actual: &str) -> bool {
    let results =
        condition.matches.values.iter().map(|wanted| text_matches(condition.operator, condition.ignore_case, actual, wanted)).collect();
    condition.matches.conjunction.combine(results) != condition.negation
}

impl Test {
    fn holds(&self, facts: &Facts) -> bool {
        match self {
            Test::Text { property, condition } => strings_hold(condition, text_of(facts, property)),
            Test::Flag { property, value } => {
                let actual = if *property == "isDeleted" { facts.is_deleted } else { facts.is_host };
                actual == *value
            }
            Test::Date { property, operator, negation, conjunction, values } => {
                let actual = parse_timestamp(text_of(facts, property)).map(to_millis).unwrap_or(0);
                let results = match operator {
                    DateOperator::Range => vec![values[0] <= actual && actual <= values[1]],
                    _ => values
                        .iter()
                        .map(|value| match operator {
                            DateOperator::Eq | DateOperator::Range => actual == *value,
                            DateOperator::Gt => actual > *value,
                            DateOperator::Gte => actual >= *value,
                            DateOperator::Lt => actual < *value,
                            DateOperator::Lte => actual <= *value,
                        })
                        .collect(),
                };
                conjunction.combine(results) != *negation
            }
            Test::Label(condition) => {
                let held = facts.labels.get(&condition.key).is_some_and(|actual| {
                    let results = condition
                        .matches
                        .values
                        .iter()
                        .map(|wanted| text_matches(condition.operator, condition.ignore_case, actual, wanted))
                        .collect();
                    condition.matches.conjunction.combine(results)
                });
                held != condition.negation
            }
        }
    }
}

/// A checked filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    conjunction: Conjunction,
    groups: Vec<(Conjunction, Vec<Test>)>,
}

impl Filter {
    pub fn compile(tree: Option<FilterTree>) -> ApiResult<Filter> {
        let Some(tree) = tree else { return Ok(Filter::default()) };
        let groups = tree
            .filter_groups
            .into_iter()
            .map(|group| Ok((group.conjunction, group.filters.into_iter().map(compile_item).collect::<ApiResult<Vec<_>>>()?)))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(Filter { conjunction: tree.conjunction, groups })
    }

    pub fn matches(&self, facts: &Facts) -> bool {
        let results =
            self.groups.iter().map(|(conjunction, tests)| conjunction.combine(tests.iter().map(|t| t.holds(facts)).collect())).collect();
        self.conjunction.combine(results)
    }
}

/// Filters and sorts `items` by `spec` (stable: ties keep creation order).
pub fn select<T>(spec: &SearchSpec, items: Vec<(Facts, T)>) -> ApiResult<Vec<T>> {
    let filter = Filter::compile(spec.filter.clone())?;
    let mut selected: Vec<(Facts, T)> = items.into_iter().filter(|(facts, _)| filter.matches(facts)).collect();
    sort_by_specs(&mut selected, &spec.sort, |(facts, _), field| {
        SortKey::Text(
            match field {
                SortField::Environment => &facts.environment,
                SortField::ClusterName => &facts.name,
                SortField::ClusterState => &facts.state,
                SortField::HealthState => &facts.health,
                SortField::CreationTimestamp => &facts.created,
                SortField::LastModifiedTimestamp => &facts.modified,
            }
            .clone(),
        )
    });
    Ok(selected.into_iter().map(|(_, item)| item).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(name: &str, environment: &str, created: &str) -> Facts {
        Facts {
            name: name.into(),
            environment: environment.into(),
            state: "Running".into(),
            health: "Healthy".into(),
            created: created.into(),
            modified: created.into(),
            labels: BTreeMap::from([("env".to_string(), "dev".to_string())]),
            ..Facts::default()
        }
    }

    fn fleet() -> Vec<(Facts, &'static str)> {
        vec![
            (facts("vc-b", "nested", "2024-01-02T00:00:00.000Z"), "vc-b"),
            (facts("host-1", "eks", "2024-01-01T00:00:00.000Z"), "host-1"),
            (facts("vc-a", "nested", "2024-01-03T00:00:00.000Z"), "vc-a"),
        ]
    }

    fn run(spec: Value) -> ApiResult<Vec<&'static str>> {
        select(&serde_json::from_value(spec).unwrap(), fleet())
    }

    fn by_name(name: &str, negation: bool) -> Value {
        json!({"filter": {"conjunction": "and", "filterGroups": [{"conjunction": "and", "filters": [
            {"property": "environment", "type": "string",
             "condition": {"string": {"operator": "eq", "negation": negation, "match": {"conjunction": "or", "values": ["nested"]}}}},
            {"property": "isDeleted", "type": "bool", "condition": {"bool": {"value": false}}},
            {"property": "clusterName", "type": "string", "condition": {"string": {"operator": "eq", "match": {"values": [name]}}}}
        ]}]}})
    }

    #[test]
    fn the_sdk_lookup_by_name_works_both_ways() {
        assert_eq!(run(by_name("vc-a", false)).unwrap(), ["vc-a"]);
        assert!(run(by_name("host-1", false)).unwrap().is_empty());
        assert_eq!(run(by_name("host-1", true)).unwrap(), ["host-1"]);
    }

    #[test]
    fn operators_case_and_conjunctions() {
        let spec = |operator: &str, values: Value, extra: Value| {
            let mut condition = json!({"operator": operator, "match": {"values": values}});
            condition.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            json!({"filter": {"filterGroups": [{"filters": [{"property": "clusterName", "condition": {"string": condition}}]}]}})
        };
        assert_eq!(run(spec("beginsWith", json!(["vc-"]), json!({}))).unwrap(), ["vc-b", "vc-a"]);
        assert_eq!(run(spec("contains", json!(["OST"]), json!({"ignoreCase": true}))).unwrap(), ["host-1"]);
        assert!(run(spec("contains", json!(["OST"]), json!({}))).unwrap().is_empty());
        assert_eq!(run(spec("eq", json!(["vc-a", "vc-b"]), json!({}))).unwrap(), ["vc-b", "vc-a"]);
        let both = json!({"filter": {"conjunction": "or", "filterGroups": [
            {"filters": [{"property": "clusterName", "condition": {"string": {"match": {"values": ["vc-a"]}}}}]},
            {"filters": [{"property": "environment", "condition": {"string": {"match": {"values": ["eks"]}}}}]}]}});
        assert_eq!(run(both).unwrap(), ["host-1", "vc-a"]);
    }

    #[test]
    fn dates_tags_and_sorting() {
        let after = json!({"filter": {"filterGroups": [{"filters": [{"property": "creationTimestamp", "type": "date",
            "condition": {"date": {"operator": "gt", "match": {"values": ["2024-01-01T12:00:00Z"]}}}}]}]},
            "sort": [{"field": "clusterName", "order": "desc"}]});
        assert_eq!(run(after).unwrap(), ["vc-b", "vc-a"]);
        let tag = |value: &str| {
            json!({"filter": {"filterGroups": [{"filters": [{"property": "tags", "type": "keyValue",
            "condition": {"keyValue": {"key": "env", "match": {"values": [value]}}}}]}]}})
        };
        assert_eq!(run(tag("dev")).unwrap().len(), 3);
        assert!(run(tag("prod")).unwrap().is_empty());
        let sorted = json!({"sort": [{"field": "creationTimestamp", "order": "asc"}]});
        assert_eq!(run(sorted).unwrap(), ["host-1", "vc-b", "vc-a"]);
    }

    #[test]
    fn malformed_filters_are_rejected() {
        let item = |item: Value| json!({"filter": {"filterGroups": [{"filters": [item]}]}});
        assert!(run(item(json!({"property": "bogus", "condition": {}}))).is_err());
        assert!(run(item(json!({"property": "clusterName", "type": "bool", "condition": {"bool": {"value": true}}}))).is_err());
        assert!(run(item(json!({"property": "isDeleted", "condition": {"string": {}}}))).is_err());
        assert!(run(item(json!({"property": "creationTimestamp", "condition": {"date": {"match": {"values": ["yesterday"]}}}}))).is_err());
        assert!(serde_json::from_value::<SearchSpec>(json!({"sort": [{"field": "cpu"}]})).is_err());
        assert_eq!(schema()["schema"]["properties"].as_array().unwrap().len(), PROPERTIES.len());
    }
}
