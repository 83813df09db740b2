//! Conventions every resource shares: tags and description in object metadata,
//! import-ID parsing, and UID recognition.

use std::collections::BTreeSet;

use crate::client::ClientError;
use crate::client::conventions::{description, labels_to_tags, set_description, tags_to_labels};
use crate::client::models::ObjectMeta;
use crate::domain::PROFILE_CONTEXTS;
use terraform_plugin::framework::context::ResourceError;
use terraform_plugin::framework::modifiers::{requires_replace_if, use_state_for_unknown, RequiresReplace};
use terraform_plugin::framework::schema::Attribute;
use terraform_plugin::framework::validators::{key_value_tags, one_of};
use terraform_plugin::framework::wait::CheckError;
use crate::provider::api_failure;
use terraform_plugin::protocol::value::{Type, Value};

/// The computed `id` attribute: the Palette UID, stable across updates.
pub fn id_attribute() -> Attribute {
    Attribute::new("id", Type::String).computed().description("The Palette UID of the object.").plan_modifier(use_state_for_unknown())
}

/// The optional `tags` set (`key` or `key:value`).
pub fn tags_attribute() -> Attribute {
    Attribute::new("tags", Type::Set(Box::new(Type::String)))
        .zero_default()
        .description("Tags, each `key` or `key:value` (the value may itself contain colons). Stored as metadata labels.")
        .validator(key_value_tags())
}

/// The optional `description`, stored as the `description` annotation.
pub fn description_attribute() -> Attribute {
    Attribute::new("description", Type::String).zero_default().description("A description, stored as the `description` annotation.")
}

/// A `context` change replaces the object only when it moves it between
/// the project and the tenant: Palette cannot move an object between scopes,
/// while `""`, `project` and `system` all address the provider's project.
pub fn replace_when_scope_moves() -> RequiresReplace {
    let tenant = |v: &Value| v.as_str() == Some("tenant");
    requires_replace_if("when it moves the object between the project and the tenant (Palette cannot move objects between scopes)", move |request, plan| {
        tenant(request.prior) != tenant(plan)
    })
}

/// A profile's `context`: where it lives, `project` unless set; moving it
/// to or from the tenant replaces it.
pub fn profile_context_attribute() -> Attribute {
    Attribute::new("context", Type::String)
        .default(Value::string("project"))
        .description("Where the profile lives: `project` (the provider's project), `tenant` or `system`.")
        .validator(one_of(&PROFILE_CONTEXTS))
        .plan_modifier(replace_when_scope_moves())
}

/// Builds object metadata from a name, tags and description.
pub fn object_meta(name: &str, tags: Option<&BTreeSet<String>>, description_text: Option<&str>) -> ObjectMeta {
    let mut meta = ObjectMeta { name: name.to_string(), ..ObjectMeta::default() };
    if let Some(tags) = tags {
        meta.labels = tags_to_labels(tags.iter().map(String::as_str));
    }
    set_description(&mut meta, description_text.unwrap_or(""));
    meta
}

/// A wait's check that failed for good: a read Palette refused (`reading`
/// says what was read), or an object in a state its wait cannot lead anywhere.
pub fn check_failure(error: CheckError<ClientError>, reading: &str) -> ResourceError {
    match error {
        CheckError::Call(error) => api_failure(reading, &error).into(),
        CheckError::Unexpected { summary, detail } => ResourceError::new(summary, detail),
    }
}

/// Tags as read back: the object's labels as tags.
pub fn read_tags(meta: &ObjectMeta) -> Option<BTreeSet<String>> {
    Some(labels_to_tags(&meta.labels))
}

/// The description as read back (`""` when the object has none).
pub fn read_description(meta: &ObjectMeta) -> Option<String> {
    Some(description(meta).to_string())
}

/// Splits an import ID of the form `WHAT` or `WHAT:CONTEXT`, where CONTEXT
/// is one of `contexts`; any other suffix stays part of `WHAT`.
pub fn split_import_id<'a>(id: &'a str, contexts: &[&str]) -> (&'a str, Option<&'a str>) {
    match id.rsplit_once(':') {
        Some((what, context)) if contexts.contains(&context) && !what.is_empty() => (what, Some(context)),
        _ => (id, None),
    }
}

/// Whether `tags` hold the key `key` (as `key` or `key:value`), e.g. the
/// official provider's wait-skipping tags.
pub fn has_tag(tags: Option<&BTreeSet<String>>, key: &str) -> bool {
    tags.into_iter().flatten().any(|tag| tag.split(':').next() == Some(key))
}

/// A profile's import ID, `NAME_OR_UID`, `NAME_OR_UID:CONTEXT` or
/// `NAME_OR_UID:CONTEXT:VERSION`, as (key, context, version); `kind` names the
/// resource in the error.
pub fn parse_profile_import_id<'a>(kind: &str, id: &'a str) -> Result<(&'a str, Option<&'a str>, Option<&'a str>), ResourceError> {
    let parts: Vec<&str> = id.split(':').collect();
    let context = parts.get(1).copied();
    if parts.len() > 3 || parts[0].is_empty() || context.is_some_and(|c| !["project", "tenant", "system"].contains(&c)) {
        return Err(ResourceError::new(
            format!("Invalid {kind} import ID {id:?}"),
            "Use UID_OR_NAME, UID_OR_NAME:CONTEXT or UID_OR_NAME:CONTEXT:VERSION, with CONTEXT one of project, tenant, system.",
        ));
    }
    Ok((parts[0], context, parts.get(2).copied()))
}

/// The contexts a profile import searches, in order: the one its ID names, or
/// the project and then the tenant (the official docs import by a bare UID).
pub fn profile_import_contexts(context: Option<&str>) -> Vec<&str> {
    context.map_or_else(|| vec!["project", "tenant"], |context| vec![context])
}

/// Palette UIDs are 24 lowercase hexadecimal characters.
pub fn looks_like_uid(text: &str) -> bool {
    text.len() == 24 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_24_lowercase_hex() {
        assert!(looks_like_uid("69791bbdb68bd0033ad275a5"));
        assert!(!looks_like_uid("69791BBDB68BD0033AD275A5"));
        assert!(!looks_like_uid("team-a"));
        assert!(!looks_like_uid("69791bbdb68bd0033ad275a"));
    }

    #[test]
    fn import_ids_take_an_optional_context_suffix() {
        let contexts = ["project", "tenant"];
        assert_eq!(split_import_id("abc:tenant", &contexts), ("abc", Some("tenant")));
        assert_eq!(split_import_id("abc", &contexts), ("abc", None));
        assert_eq!(split_import_id("a:b", &contexts), ("a:b", None));
        assert_eq!(split_import_id(":project", &contexts), (":project", None));
    }

    #[test]
    fn an_empty_description_reads_back_as_empty() {
        assert_eq!(read_description(&ObjectMeta::default()), Some(String::new()));
        let meta = object_meta("x", None, Some("new"));
        assert_eq!(read_description(&meta), Some("new".to_string()));
    }

    #[test]
    fn tags_with_several_colons_round_trip() {
        let tags: BTreeSet<String> = ["a:b:c".to_string(), "bare".to_string()].into();
        let meta = object_meta("x", Some(&tags), None);
        assert_eq!(read_tags(&meta), Some(tags));
        assert_eq!(read_tags(&ObjectMeta::default()), Some(BTreeSet::new()));
    }
}
