//! Pack version tags (§6.1 of the API reference).
//!
//! A pack version has an exact `version` (`1.30.4`) and belongs to tags that float
//! to the newest version carrying them:
//! - range tags, derived from the version: `1.x` and `1.30.x` for `1.30.4`
//!   (`18.x` and `18.04.x` for `18.04`);
//! - named tags, listed by the catalog for that version (`LTS__18.4.x`).
//!
//! What a client asks for (a profile pack's `tag`, a tier's `version`) selects the
//! version of that exact name when there is one, else the newest version carrying
//! the tag.

use std::cmp::Ordering;

use super::model::compare_versions;

/// A pack version with its named tags.
pub trait Tagged {
    fn version(&self) -> &str;
    fn named_tags(&self) -> &[String];
}

/// The range tags of `version`, broadest first: `["1.x", "1.30.x"]` for `1.30.4`.
/// A version of one part has none.
pub fn range_tags(version: &str) -> Vec<String> {
    let parts: Vec<&str> = version.split('.').collect();
    if parts.len() < 2 || parts[..2].iter().any(|part| part.is_empty()) {
        return Vec::new();
    }
    vec![format!("{}.x", parts[0]), format!("{}.{}.x", parts[0], parts[1])]
}

/// The numeric parts of a range tag: `["1", "30"]` for `1.30.x`; `None` for
/// anything else, named tags such as `LTS__18.4.x` included.
fn range_parts(tag: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = tag.strip_suffix(".x")?.split('.').collect();
    let numeric = |part: &&str| {
        let digits = part.strip_prefix('v').unwrap_or(part);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    (parts.len() <= 2 && parts.iter().all(numeric)).then_some(parts)
}

/// True for a range tag such as `1.x` or `1.30.x` (it cannot be an exact version).
pub fn is_range_tag(text: &str) -> bool {
    range_parts(text).is_some()
}

/// Every tag `version` belongs to: its range tags, then its named ones.
pub fn tags_of<T: Tagged>(version: &T) -> Vec<String> {
    let mut tags = range_tags(version.version());
    for named in version.named_tags() {
        if !tags.contains(named) {
            tags.push(named.clone());
        }
    }
    tags
}

/// Whether `version` is, or carries, `wanted`.
pub fn satisfies<T: Tagged>(version: &T, wanted: &str) -> bool {
    version.version() == wanted || tags_of(version).iter().any(|tag| tag == wanted)
}

fn newest<'a, T: Tagged>(candidates: impl Iterator<Item = &'a T>) -> Option<&'a T> {
    candidates.max_by(|a, b| compare_versions(a.version(), b.version()))
}

/// The version `wanted` selects among `versions` (all of one pack in one registry):
/// the one named `wanted`, else the newest one carrying the tag `wanted`.
pub fn select<'a, T: Tagged>(versions: &'a [T], wanted: &str) -> Option<&'a T> {
    versions
        .iter()
        .find(|version| version.version() == wanted)
        .or_else(|| newest(versions.iter().filter(|version| tags_of(*version).iter().any(|tag| tag == wanted))))
}

/// The range tags broader than `tag`: `["1.x"]` for `1.30.x`, none for `1.x` or a
/// named tag.
pub fn parents_of_tag(tag: &str) -> Vec<String> {
    match range_parts(tag) {
        Some(parts) if parts.len() == 2 => vec![format!("{}.x", parts[0])],
        _ => Vec::new(),
    }
}

/// Every tag carried by some version, with the version it selects; ordered by that
/// version (oldest first), then broadest tag first.
pub fn resolved_tags<T: Tagged>(versions: &[T]) -> Vec<(String, &T)> {
    let mut tags: Vec<String> = Vec::new();
    for version in versions {
        for tag in tags_of(version) {
            // A tag spelled like an exact version is that version, not a tag.
            if !tags.contains(&tag) && !versions.iter().any(|v| v.version() == tag) {
                tags.push(tag);
            }
        }
    }
    let mut resolved: Vec<(String, &T)> = tags.into_iter().filter_map(|tag| select(versions, &tag).map(|target| (tag, target))).collect();
    resolved.sort_by(|(tag_a, a), (tag_b, b)| {
        compare_versions(a.version(), b.version()).then_with(|| match (is_range_tag(tag_a), is_range_tag(tag_b)) {
            (true, true) => tag_a.len().cmp(&tag_b.len()),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => tag_a.cmp(tag_b),
        })
    });
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    struct V(&'static str, Vec<String>);

    impl Tagged for V {
        fn version(&self) -> &str {
            self.0
        }
        fn named_tags(&self) -> &[String] {
            &self.1
        }
    }

    fn v(version: &'static str, named: &[&str]) -> V {
        V(version, named.iter().map(|t| t.to_string()).collect())
    }

    fn catalog() -> Vec<V> {
        vec![
            v("1.29.8", &[]),
            v("1.29.10", &[]),
            v("1.30.0", &[]),
            v("1.30.4", &["stable"]),
            v("1.31.1", &[]),
        ]
    }

    #[test]
    fn range_tags_are_derived_from_the_version() {
        assert_eq!(range_tags("1.30.4"), ["1.x", "1.30.x"]);
        assert_eq!(range_tags("18.04"), ["18.x", "18.04.x"]);
        assert_eq!(range_tags("6.2.18-1"), ["6.x", "6.2.x"]);
        assert!(range_tags("22").is_empty());
        assert!(range_tags(".1").is_empty());
        assert!(is_range_tag("1.30.x") && is_range_tag("18.x") && !is_range_tag("1.30.4"));
        assert!(!is_range_tag("LTS__18.4.x") && !is_range_tag("1.2.3.x") && !is_range_tag(".x"));
        assert_eq!(parents_of_tag("1.30.x"), ["1.x"]);
        assert!(parents_of_tag("1.x").is_empty() && parents_of_tag("LTS__18.4.x").is_empty());
    }

    #[test]
    fn a_range_tag_selects_the_newest_matching_version() {
        let versions = catalog();
        assert_eq!(select(&versions, "1.29.x").map(V::version), Some("1.29.10"), "numeric, not text, order");
        assert_eq!(select(&versions, "1.30.x").map(V::version), Some("1.30.4"));
        assert_eq!(select(&versions, "1.x").map(V::version), Some("1.31.1"));
        assert_eq!(select(&versions, "1.30.0").map(V::version), Some("1.30.0"), "an exact version selects itself");
        assert_eq!(select(&versions, "1.28.x").map(V::version), None);
        assert_eq!(select(&versions, "2.x").map(V::version), None);
    }

    #[test]
    fn named_tags_select_the_newest_version_carrying_them() {
        let versions = vec![v("18.04", &["LTS__18.4.x"]), v("20.04", &["LTS__20.4.x"]), v("20.04.6", &["LTS__20.4.x"]), v("22.04", &["LTS__22.4.x"])];
        assert_eq!(select(&versions, "LTS__18.4.x").map(V::version), Some("18.04"));
        assert_eq!(select(&versions, "LTS__20.4.x").map(V::version), Some("20.04.6"));
        assert_eq!(select(&versions, "20.x").map(V::version), Some("20.04.6"));
        assert!(satisfies(&versions[1], "LTS__20.4.x") && !satisfies(&versions[0], "LTS__20.4.x"));
        assert!(satisfies(&versions[0], "18.04") && satisfies(&versions[0], "18.x"));
        assert_eq!(select(&catalog(), "stable").map(V::version), Some("1.30.4"));
    }

    #[test]
    fn every_tag_is_listed_once_with_its_target() {
        let versions = catalog();
        let listed: Vec<(String, &str)> = resolved_tags(&versions).into_iter().map(|(tag, target)| (tag, target.version())).collect();
        assert_eq!(
            listed,
            [
                ("1.29.x".to_string(), "1.29.10"),
                ("1.30.x".to_string(), "1.30.4"),
                ("stable".to_string(), "1.30.4"),
                ("1.x".to_string(), "1.31.1"),
                ("1.31.x".to_string(), "1.31.1"),
            ]
        );
    }
}
