//! How the provider's attributes live in Palette metadata: tags in labels,
//! the description and the scope (`context`) in annotations.

use std::collections::{BTreeMap, BTreeSet};

use super::models::ObjectMeta;
use super::transport::Scope;

/// The label value that marks a tag written without a `:`.
pub const BARE_TAG_VALUE: &str = "spectro__tag";
pub const DESCRIPTION_ANNOTATION: &str = "description";
pub const SCOPE_ANNOTATION: &str = "scope";

/// Tags to labels: `"k:v"` becomes `k = "v"`, split at the first colon only
/// so `"a:b:c"` becomes `a = "b:c"`; a bare `"t"` becomes `t = "spectro__tag"`.
pub fn tags_to_labels<'a>(tags: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    tags.into_iter()
        .map(|tag| match tag.split_once(':') {
            Some((key, value)) => (key.to_string(), value.to_string()),
            None => (tag.to_string(), BARE_TAG_VALUE.to_string()),
        })
        .collect()
}

/// Labels back to tags, the inverse of [`tags_to_labels`].
pub fn labels_to_tags(labels: &BTreeMap<String, String>) -> BTreeSet<String> {
    labels
        .iter()
        .map(|(key, value)| if value == BARE_TAG_VALUE { key.clone() } else { format!("{key}:{value}") })
        .collect()
}

/// The description annotation, empty when absent.
pub fn description(meta: &ObjectMeta) -> &str {
    meta.annotations.get(DESCRIPTION_ANNOTATION).map_or("", String::as_str)
}

/// Sets the description annotation (an empty one included: most resources
/// always send the key so clearing a description reaches the server).
pub fn set_description(meta: &mut ObjectMeta, description: &str) {
    meta.annotations.insert(DESCRIPTION_ANNOTATION.to_string(), description.to_string());
}

/// The server-recorded scope (`project`, `tenant` or `system`), which the
/// provider exposes as `context`.
pub fn scope_annotation(meta: &ObjectMeta) -> Option<&str> {
    meta.annotations.get(SCOPE_ANNOTATION).map(String::as_str)
}

/// Whether an object is recorded in the scope `context` names (or records
/// none): a project's view also holds tenant objects, which a lookup in the
/// project context must not claim.
pub fn in_scope(meta: &ObjectMeta, context: &str) -> bool {
    scope_annotation(meta).is_none_or(|scope| scope == context)
}

/// The scope a resource's `context` selects. `tenant` goes without a project
/// header; `project` and `system` (which has no header of its own) use the
/// provider's project.
pub fn scope_for_context(context: &str, project_uid: &str) -> Scope {
    match context {
        "tenant" => Scope::Tenant,
        _ => Scope::project(project_uid),
    }
}

/// The `context` value (and scope annotation) an object created in `scope` gets.
pub fn context_for_scope(scope: &Scope) -> &'static str {
    match scope {
        Scope::Tenant => "tenant",
        Scope::Project(_) => "project",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn tags_become_labels() {
        assert_eq!(
            tags_to_labels(["env:dev", "owner", "a:b:c", "url:https://x:8080", "empty:"]),
            labels(&[
                ("env", "dev"),
                ("owner", BARE_TAG_VALUE),
                ("a", "b:c"),
                ("url", "https://x:8080"),
                ("empty", ""),
            ])
        );
    }

    #[test]
    fn labels_become_tags() {
        let tags = labels_to_tags(&labels(&[("env", "dev"), ("owner", BARE_TAG_VALUE), ("a", "b:c")]));
        assert_eq!(tags.into_iter().collect::<Vec<_>>(), vec!["a:b:c", "env:dev", "owner"]);
        assert!(labels_to_tags(&BTreeMap::new()).is_empty());
    }

    #[test]
    fn several_colons_survive_a_round_trip() {
        for tag in ["a:b:c", "k:v:w:x", "time:12:30", "k::v"] {
            let back = labels_to_tags(&tags_to_labels([tag]));
            assert_eq!(back.into_iter().collect::<Vec<_>>(), vec![tag.to_string()], "{tag}");
        }
    }

    proptest! {
        // Any set of tags with distinct keys comes back unchanged.
        #[test]
        fn tags_round_trip(
            tags in proptest::collection::btree_map("[a-z0-9_.-]{1,12}", proptest::option::of("[a-zA-Z0-9:/._ -]{0,16}"), 0..8)
        ) {
            let written: BTreeSet<String> = tags
                .iter()
                .map(|(key, value)| match value { Some(value) => format!("{key}:{value}"), None => key.clone() })
                .collect();
            let labels = tags_to_labels(written.iter().map(String::as_str));
            prop_assert_eq!(labels_to_tags(&labels), written);
        }
    }

    #[test]
    fn description_and_scope_live_in_annotations() {
        let mut meta = ObjectMeta::named("x");
        assert_eq!(description(&meta), "");
        set_description(&mut meta, "hello");
        assert_eq!(description(&meta), "hello");
        assert_eq!(meta.annotations["description"], "hello");
        set_description(&mut meta, "");
        assert_eq!(meta.annotations.get("description").map(String::as_str), Some(""));
        assert_eq!(scope_annotation(&meta), None);
        meta.annotations.insert("scope".into(), "tenant".into());
        assert_eq!(scope_annotation(&meta), Some("tenant"));
    }

    #[test]
    fn context_maps_to_scope_and_back() {
        assert_eq!(scope_for_context("tenant", "p1"), Scope::Tenant);
        for context in ["project", "system", ""] {
            assert_eq!(scope_for_context(context, "p1"), Scope::project("p1"), "{context}");
        }
        assert_eq!(context_for_scope(&Scope::Tenant), "tenant");
        assert_eq!(context_for_scope(&Scope::project("p1")), "project");
    }
}
