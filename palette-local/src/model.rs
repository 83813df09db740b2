//! Wire types and helpers shared by every object kind: UIDs, object metadata,
//! content digests and version strings.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use super::error::{ApiError, ApiResult};
use super::scope::Scope;
use super::uid::is_uid;

/// A DNS-1123 label: lowercase letters, digits and '-', at most 63 characters,
/// starting and ending with a letter or digit.
pub fn is_dns_label(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// Accepts `null` for a member that has a default (Go clients send nil slices as null).
pub fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(deserializer: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// How an unset time is serialized by the real API.
pub const ZERO_TIME: &str = "0001-01-01T00:00:00.000Z";

/// The annotation in which the server records an object's scope.
pub const SCOPE_ANNOTATION: &str = "scope";

/// Rejects a path identifier that cannot be a UID, as the real API does (400).
pub fn require_uid(text: &str) -> ApiResult<()> {
    if is_uid(text) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!("'{text}' is not a valid uid (24 lowercase hex characters)")))
    }
}

/// `v1ObjectMeta` as stored and served.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    pub name: String,
    pub uid: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub creation_timestamp: String,
    pub last_modified_timestamp: String,
    pub deletion_timestamp: String,
}

impl ObjectMeta {
    /// Metadata of a new object owned by `owner`, created at `now`.
    pub fn create(uid: String, name: String, input: MetaInput, owner: &Scope, now: &str) -> Self {
        let mut meta = ObjectMeta {
            name,
            uid,
            labels: input.labels.unwrap_or_default(),
            annotations: input.annotations.unwrap_or_default(),
            creation_timestamp: now.to_string(),
            last_modified_timestamp: now.to_string(),
            deletion_timestamp: ZERO_TIME.to_string(),
        };
        meta.annotations.insert(SCOPE_ANNOTATION.to_string(), owner.as_str().to_string());
        meta
    }

    /// Applies client-supplied metadata: labels and annotations given are replaced
    /// wholesale, absent ones are kept; the server-managed scope annotation survives.
    pub fn apply(&mut self, input: MetaInput, now: &str) {
        if let Some(labels) = input.labels {
            self.labels = labels;
        }
        if let Some(mut annotations) = input.annotations {
            match self.annotations.get(SCOPE_ANNOTATION) {
                Some(scope) => annotations.insert(SCOPE_ANNOTATION.to_string(), scope.clone()),
                None => annotations.remove(SCOPE_ANNOTATION),
            };
            self.annotations = annotations;
        }
        self.touch(now);
    }

    pub fn touch(&mut self, now: &str) {
        self.last_modified_timestamp = now.to_string();
    }

    /// `{name, uid}`, the `v1ObjectEntity` shape used by lookups.
    pub fn entity(&self) -> serde_json::Value {
        serde_json::json!({ "name": self.name, "uid": self.uid })
    }
}

/// Metadata as clients send it. `uid` and the timestamps are read-only and ignored.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetaInput {
    pub name: Option<String>,
    pub labels: Option<BTreeMap<String, String>>,
    pub annotations: Option<BTreeMap<String, String>>,
}

impl MetaInput {
    /// The trimmed, non-empty `metadata.name`, or a 400.
    pub fn required_name(&self) -> ApiResult<String> {
        match self.name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => Ok(name.to_string()),
            _ => Err(ApiError::bad_request("metadata.name is required")),
        }
    }
}

/// `text` trimmed, when present and not blank.
pub fn non_empty(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|text| !text.is_empty())
}

/// The `kind:` of the first document of a manifest, if it names one.
pub fn manifest_kind(content: &str) -> String {
    content
        .lines()
        .find_map(|line| line.strip_prefix("kind:"))
        .map(|kind| kind.trim().trim_matches('"').to_string())
        .unwrap_or_default()
}

/// Tags as the provider writes them, from labels: `k:v`, or a bare `k` for the
/// `spectro__tag` value.
pub fn tags_from_labels(labels: &BTreeMap<String, String>) -> Vec<String> {
    labels.iter().map(|(key, value)| if value == "spectro__tag" { key.clone() } else { format!("{key}:{value}") }).collect()
}

/// The provider's tag convention: `k:v` becomes label `k` = `v`, a bare tag `t`
/// becomes label `t` = `spectro__tag`.
pub fn labels_from_tags(tags: &[String]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|tag| match tag.split_once(':') {
            Some((key, value)) => (key.to_string(), value.to_string()),
            None => (tag.clone(), "spectro__tag".to_string()),
        })
        .collect()
}

/// An opaque content digest (64-bit FNV-1a, hex). Only equality matters to clients.
pub fn digest(content: &str) -> String {
    let hash = content.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// Parses `value` into one of the string enums of the API (e.g. a profile type),
/// or a 400 naming `field` and the accepted values.
pub fn parse_enum<T: serde::de::DeserializeOwned>(field: &str, value: &str, accepted: &[&str]) -> ApiResult<T> {
    serde_json::from_value(serde_json::Value::String(value.to_string())).map_err(|_| {
        ApiError::bad_request(format!("{field}: invalid value '{value}', expected one of {}", accepted.join(", ")))
    })
}

/// A profile version: `1`, `1.2`, `1.2.3`, optionally prefixed with `v`.
/// Pre-release suffixes and other forms are rejected, as by the real API.
pub fn validate_profile_version(version: &str) -> ApiResult<()> {
    let digits = version.strip_prefix('v').unwrap_or(version);
    let parts: Vec<&str> = digits.split('.').collect();
    let valid = (1..=3).contains(&parts.len())
        && parts.iter().all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    if valid {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "invalid version '{version}': expected major[.minor[.patch]] with an optional 'v' prefix"
        )))
    }
}

/// Orders version strings such as `1.30.4`, `6.2.18-1` or `v1.2`: numeric parts
/// compare as numbers, other parts as text, and a version with more parts is greater.
pub fn compare_versions(left: &str, right: &str) -> Ordering {
    fn parts(version: &str) -> Vec<&str> {
        version.trim_start_matches('v').split(['.', '-', '+']).collect()
    }
    let (left, right) = (parts(left), parts(right));
    for (a, b) in left.iter().zip(right.iter()) {
        let order = match (a.parse::<u64>(), b.parse::<u64>()) {
            (Ok(a), Ok(b)) => a.cmp(&b),
            (Ok(_), Err(_)) => Ordering::Greater,
            (Err(_), Ok(_)) => Ordering::Less,
            (Err(_), Err(_)) => a.cmp(b),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    left.len().cmp(&right.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uid::new_uid;

    #[test]
    fn uids_are_24_lowercase_hex() {
        let uid = new_uid();
        assert!(is_uid(&uid), "{uid}");
        assert_ne!(uid, new_uid());
        assert!(!is_uid("69791BBDB68BD0033AD275A5"));
        assert!(!is_uid("69791bbdb68bd0033ad275a"));
        assert!(require_uid("not-a-uid").is_err());
    }

    #[test]
    fn profile_versions_follow_the_api_rules() {
        for good in ["1", "1.2", "1.2.3", "v1.2.3", "10.0.11"] {
            assert!(validate_profile_version(good).is_ok(), "{good}");
        }
        for bad in ["", "1.2.3.beta", "V1.2.3", "chart-v1.2.3", "1..2", "1.2.3.4", "1.2.3-rc1"] {
            assert!(validate_profile_version(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("1.30.4", "1.4.10"), Ordering::Greater);
        assert_eq!(compare_versions("6.2.18-1", "6.2.18"), Ordering::Greater);
        assert_eq!(compare_versions("v1.2", "1.2"), Ordering::Equal);
        assert_eq!(compare_versions("1.2.x", "1.2.3"), Ordering::Less);
    }

    #[test]
    fn metadata_apply_keeps_the_scope_annotation() {
        let input = MetaInput { name: Some("a".into()), labels: None, annotations: None };
        let mut meta = ObjectMeta::create(new_uid(), "a".into(), input, &Scope::Tenant, "t0");
        let annotations = BTreeMap::from([("description".to_string(), "d".to_string()), ("scope".into(), "system".into())]);
        meta.apply(MetaInput { name: None, labels: None, annotations: Some(annotations) }, "t1");
        assert_eq!(meta.annotations["scope"], "tenant");
        assert_eq!(meta.annotations["description"], "d");
        assert_eq!(meta.last_modified_timestamp, "t1");
        assert_eq!(meta.creation_timestamp, "t0");
    }

    #[test]
    fn tags_become_labels_and_back() {
        let labels = labels_from_tags(&["team:a".into(), "prod".into()]);
        assert_eq!(labels["team"], "a");
        assert_eq!(labels["prod"], "spectro__tag");
        assert_eq!(tags_from_labels(&labels), ["prod", "team:a"]);
    }

    #[test]
    fn manifest_kind_is_read_from_the_content() {
        assert_eq!(manifest_kind("apiVersion: v1\nkind: ConfigMap\nmetadata: {}"), "ConfigMap");
        assert_eq!(manifest_kind("kind: \"Secret\""), "Secret");
        assert_eq!(manifest_kind("data: 1"), "");
        assert_eq!(non_empty(&Some("  ".into())), None);
        assert_eq!(non_empty(&Some(" a ".into())), Some("a"));
    }

    #[test]
    fn digest_is_stable_and_content_sensitive() {
        assert_eq!(digest("abc"), digest("abc"));
        assert_ne!(digest("abc"), digest("abd"));
        assert_eq!(digest("").len(), 16);
    }
}
