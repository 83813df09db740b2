//! The query-string listing family (`GET /v1/packs`, `/v1/users`, registries):
//! `filters`, `fields` and `orderBy` over the JSON form of each item, then paging.
//!
//! - `filters`: terms `path=value`, `path!=value` or `path_in_v1,v2` joined by the
//!   literal `AND` / `OR` without spaces (`AND` binds tighter). A term on an array
//!   field holds when any element matches. Values compare exactly.
//! - `orderBy`: `path=1` (ascending) or `path=-1` (descending), comma separated.
//! - `fields`: comma separated paths; items keep only those members.

use std::cmp::Ordering;

use axum::Json;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::error::{ApiError, ApiResult};
use super::listing::PageQuery;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    pub filters: Option<String>,
    pub fields: Option<String>,
    pub order_by: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
    #[serde(rename = "continue")]
    pub continue_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Operator {
    Equals,
    NotEquals,
    In,
}

#[derive(Debug, Clone, PartialEq)]
struct Term {
    path: String,
    operator: Operator,
    values: Vec<String>,
}

/// Alternatives (OR) of conjunctions (AND) of terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter(Vec<Vec<Term>>);

/// Length of the `path` + operator prefix of a term starting at `text`, if any.
/// A path is dot-separated lowerCamel segments, which keeps upper-case values such
/// as `ANDROID` from being read as a separator followed by a term.
fn term_head(text: &str) -> Option<(usize, Operator, usize)> {
    let path_len = text.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'.').count();
    let path = &text[..path_len];
    let well_formed = !path.is_empty()
        && path.split('.').all(|segment| segment.as_bytes().first().is_some_and(u8::is_ascii_lowercase));
    if !well_formed {
        return None;
    }
    let rest = &text[path_len..];
    [("_in_", Operator::In), ("!=", Operator::NotEquals), ("=", Operator::Equals)]
        .into_iter()
        .find(|(token, _)| rest.starts_with(token))
        .map(|(token, operator)| (path_len, operator, token.len()))
}

/// Splits `text` at every `separator` that is followed by the start of a term.
fn split_terms<'a>(text: &'a str, separator: &str) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find(separator) {
        let at = search + found;
        let next = at + separator.len();
        if at > start && term_head(&text[next..]).is_some() {
            parts.push(&text[start..at]);
            start = next;
        }
        search = at + 1;
    }
    parts.push(&text[start..]);
    parts
}

impl Filter {
    pub fn parse(text: &str) -> ApiResult<Filter> {
        let parse_term = |term: &str| -> ApiResult<Term> {
            let (path_len, operator, op_len) =
                term_head(term).ok_or_else(|| ApiError::bad_request(format!("invalid filter term '{term}'")))?;
            let value = &term[path_len + op_len..];
            let values = if operator == Operator::In { value.split(',').map(str::to_string).collect() } else { vec![value.to_string()] };
            Ok(Term { path: term[..path_len].to_string(), operator, values })
        };
        let alternatives = split_terms(text, "OR")
            .into_iter()
            .map(|conjunction| split_terms(conjunction, "AND").into_iter().map(parse_term).collect::<ApiResult<Vec<_>>>())
            .collect::<ApiResult<Vec<_>>>()?;
        Ok(Filter(alternatives))
    }

    pub fn matches(&self, item: &Value) -> bool {
        self.0.iter().any(|conjunction| conjunction.iter().all(|term| term.matches(item)))
    }
}

impl Term {
    fn matches(&self, item: &Value) -> bool {
        let found = lookup(item, &self.path);
        let candidates: Vec<String> = match found {
            Some(Value::Array(elements)) => elements.iter().map(text_of).collect(),
            Some(value) => vec![text_of(value)],
            None => Vec::new(),
        };
        let any_match = candidates.iter().any(|candidate| self.values.iter().any(|value| value == candidate));
        match self.operator {
            Operator::Equals | Operator::In => any_match,
            Operator::NotEquals => !any_match,
        }
    }
}

fn lookup<'v>(item: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(item, |value, key| value.get(key))
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn parse_order(text: &str) -> ApiResult<Vec<(String, bool)>> {
    text.split(',')
        .filter(|part| !part.is_empty())
        .map(|part| match part.rsplit_once('=') {
            Some((path, "1")) => Ok((path.to_string(), true)),
            Some((path, "-1")) => Ok((path.to_string(), false)),
            _ => Err(ApiError::bad_request(format!("invalid orderBy entry '{part}': expected path=1 or path=-1"))),
        })
        .collect()
}

fn compare_values(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a.and_then(Value::as_f64), b.and_then(Value::as_f64)) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => text_of(a.unwrap_or(&Value::Null)).cmp(&text_of(b.unwrap_or(&Value::Null))),
    }
}

fn insert_at(object: &mut Map<String, Value>, keys: &[&str], value: Value) {
    match keys {
        [] => {}
        [last] => {
            object.insert((*last).to_string(), value);
        }
        [first, rest @ ..] => {
            if let Value::Object(inner) = object.entry((*first).to_string()).or_insert_with(|| Value::Object(Map::new())) {
                insert_at(inner, rest, value);
            }
        }
    }
}

/// Copies only `paths` of `item` (nested objects are rebuilt along each path).
fn project(item: &Value, paths: &[&str]) -> Value {
    let mut out = Map::new();
    for path in paths {
        if let Some(value) = lookup(item, path) {
            insert_at(&mut out, &path.split('.').collect::<Vec<_>>(), value.clone());
        }
    }
    Value::Object(out)
}

impl ListQuery {
    pub fn page(&self) -> PageQuery {
        PageQuery { limit: self.limit.clone(), offset: self.offset.clone(), continue_token: self.continue_token.clone() }
    }

    /// Filters and orders `items`.
    pub fn select(&self, items: Vec<Value>) -> ApiResult<Vec<Value>> {
        let filter = self.filters.as_deref().filter(|text| !text.is_empty()).map(Filter::parse).transpose()?;
        let order = parse_order(self.order_by.as_deref().unwrap_or(""))?;
        let mut items: Vec<Value> = items.into_iter().filter(|item| filter.as_ref().is_none_or(|f| f.matches(item))).collect();
        items.sort_by(|a, b| {
            order
                .iter()
                .map(|(path, ascending)| {
                    let ordering = compare_values(lookup(a, path), lookup(b, path));
                    if *ascending { ordering } else { ordering.reverse() }
                })
                .find(|ordering| ordering != &Ordering::Equal)
                .unwrap_or(Ordering::Equal)
        });
        Ok(items)
    }

    /// Filters, orders, pages and projects `items` into `{"<key>": […], "listmeta": …}`.
    pub fn respond(&self, key: &str, items: Vec<Value>) -> ApiResult<Json<Value>> {
        let selected = self.select(items)?;
        let fields: Vec<&str> = self.fields.as_deref().unwrap_or("").split(',').filter(|f| !f.is_empty()).collect();
        let projected = if fields.is_empty() { selected } else { selected.iter().map(|item| project(item, &fields)).collect() };
        self.page().respond(key, projected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pack(name: &str, version: &str, clouds: &[&str]) -> Value {
        json!({"metadata": {"uid": format!("{name}-{version}"), "name": name},
               "spec": {"name": name, "version": version, "cloudTypes": clouds, "layer": "addon"}})
    }

    fn catalog() -> Vec<Value> {
        vec![pack("nginx", "1.2.3", &["all"]), pack("nginx", "1.2.4", &["aws"]), pack("kubernetes", "1.30.4", &["eks"])]
    }

    fn uids(items: &[Value]) -> Vec<&str> {
        items.iter().map(|item| item["metadata"]["uid"].as_str().unwrap_or("")).collect()
    }

    fn select(filters: &str, order: &str) -> Vec<Value> {
        let query = ListQuery { filters: Some(filters.into()), order_by: Some(order.into()), ..ListQuery::default() };
        query.select(catalog()).unwrap()
    }

    #[test]
    fn and_or_and_in_terms() {
        assert_eq!(uids(&select("spec.name=nginxANDspec.version=1.2.4", "")), ["nginx-1.2.4"]);
        assert_eq!(uids(&select("spec.name=nginxANDspec.cloudTypes_in_aws,all", "")), ["nginx-1.2.3", "nginx-1.2.4"]);
        assert_eq!(uids(&select("spec.name=kubernetesORspec.version=1.2.3", "")), ["nginx-1.2.3", "kubernetes-1.30.4"]);
        assert_eq!(uids(&select("metadata.uid=nginx-1.2.3", "")), ["nginx-1.2.3"]);
        assert_eq!(uids(&select("spec.name!=nginx", "")), ["kubernetes-1.30.4"]);
        assert!(select("spec.name=nginxANDspec.cloudTypes_in_gcp", "").is_empty());
    }

    #[test]
    fn separators_inside_values_are_not_split() {
        let filter = Filter::parse("spec.name=ANDROIDANDspec.version=1ORspec.name=ORACLE").unwrap();
        assert_eq!(filter.0.len(), 2);
        assert_eq!(filter.0[0][0].values, ["ANDROID"]);
        assert_eq!(filter.0[1][0].values, ["ORACLE"]);
        assert!(Filter::parse("=x").is_err());
    }

    #[test]
    fn order_by_and_fields() {
        assert_eq!(uids(&select("", "spec.name=1,spec.version=-1")), ["kubernetes-1.30.4", "nginx-1.2.4", "nginx-1.2.3"]);
        let query = ListQuery { fields: Some("metadata.uid,spec.name".into()), ..ListQuery::default() };
        let Json(body) = query.respond("items", catalog()).unwrap();
        assert_eq!(body["items"][0], json!({"metadata": {"uid": "nginx-1.2.3"}, "spec": {"name": "nginx"}}));
        assert_eq!(body["listmeta"]["count"], 3);
        assert!(ListQuery { order_by: Some("spec.name=up".into()), ..ListQuery::default() }.select(catalog()).is_err());
    }
}
