//! The `spectrocloud_cluster_profile` schema and the checks it cannot express.

use std::collections::BTreeSet;

use crate::resources::common::{description_attribute, id_attribute, profile_context_attribute, tags_attribute};
use crate::domain::packs::{pack_types_equal, yaml_values_equal};
use terraform_plugin::protocol::diagnostics::{AttributePath, Diagnostics};
use terraform_plugin::framework::modifiers::{requires_replace, semantic_equality, use_state_while_unchanged};
use terraform_plugin::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use terraform_plugin::framework::timeouts::{self, Operation};
use terraform_plugin::framework::validators::{not_empty, one_of, profile_version, yaml as valid_yaml};
use terraform_plugin::protocol::value::{Type, Value};

/// The pack types the API accepts (empty is `spectro`).
const PACK_TYPES: [&str; 5] = ["", "spectro", "helm", "oci", "manifest"];

const VARIABLE_FORMATS: [&str; 8] = ["string", "number", "boolean", "ipv4", "ipv4cidr", "ipv6", "version", "base64"];

/// The path of the `index`-th pack block.
pub fn pack_path(index: usize) -> AttributePath {
    AttributePath::attr("pack").index(index)
}

/// The `pack` block.
pub fn pack_block() -> NestedBlock {
    let yaml = || semantic_equality("in YAML formatting and key order", yaml_values_equal);
    let manifest = Block::new()
        .attribute(
            Attribute::new("uid", Type::String).computed().description("The manifest's UID.").plan_modifier(use_state_while_unchanged(&["name"])),
        )
        .attribute(Attribute::new("name", Type::String).required().description("The manifest's name, unique in the pack.").validator(not_empty()))
        .attribute(Attribute::new("content", Type::String).required().description("The manifest (YAML).").validator(valid_yaml()).plan_modifier(yaml()));
    let pack = Block::new()
        .attribute(
            Attribute::new("uid", Type::String)
                .optional()
                .computed()
                .description("The pack's UID (from `spectrocloud_pack`). Resolved at plan time from `name`, `tag` and the registry when not set; `spectro-manifest-pack` for manifest packs.")
                .plan_modifier(use_state_while_unchanged(&["name", "tag", "type", "registry_uid", "registry_name"])),
        )
        .attribute(
            Attribute::new("type", Type::String)
                .default(Value::string("spectro"))
                .description("The pack type: `spectro`, `helm`, `oci` or `manifest` (empty means `spectro`).")
                .validator(one_of(&PACK_TYPES))
                .plan_modifier(semantic_equality("between `\"\"` and `spectro`", pack_types_equal)),
        )
        .attribute(Attribute::new("name", Type::String).required().description("The pack's name, unique in the profile.").validator(not_empty()))
        .attribute(
            Attribute::new("registry_uid", Type::String)
                .optional()
                .computed()
                .description("The UID of the pack's registry; it must name the same registry as `registry_name` when both are set. Read back either way.")
                .plan_modifier(use_state_while_unchanged(&["name", "registry_name"])),
        )
        .attribute(
            Attribute::new("registry_name", Type::String)
                .optional()
                .computed()
                .description("The name of the pack's registry, resolved to its UID at plan time; it must name the same registry as `registry_uid` when both are set. Read back either way.")
                .plan_modifier(use_state_while_unchanged(&["name", "registry_uid"])),
        )
        .attribute(
            Attribute::new("tag", Type::String)
                .optional()
                .computed()
                .description("The pack version, or a version tag (`1.30.x`, `LTS__22.4.x`) selecting the newest version that carries it; the pack's own version when only `uid` is set. With `uid`, the UID names the version and the tag reads back as written.")
                .plan_modifier(use_state_while_unchanged(&["name", "uid"])),
        )
        .attribute(
            Attribute::new("values", Type::String)
                .optional()
                .computed()
                .description("The pack values (YAML); the catalog's values of the pack when not set.")
                .validator(valid_yaml())
                .plan_modifier(yaml())
                .plan_modifier(use_state_while_unchanged(&["name", "tag", "uid"])),
        )
        .block(NestedBlock::new("manifest", Nesting::List, manifest));
    NestedBlock::new("pack", Nesting::List, pack)
}

fn variables_block() -> NestedBlock {
    let text = |name: &str, what: &str| Attribute::new(name, Type::String).zero_default().description(what);
    let flag = |name: &str, what: &str| Attribute::new(name, Type::Bool).zero_default().description(what);
    let option = Block::new()
        .attribute(Attribute::new("default", Type::Bool).optional().computed().description("Whether this option is the default."))
        .attribute(text("description", "The option's description."))
        .attribute(Attribute::new("label", Type::String).required().description("The option's label."))
        .attribute(Attribute::new("value", Type::String).required().description("The option's value."));
    let variable = Block::new()
        .attribute(Attribute::new("name", Type::String).required().description("The variable's name, used as `{{.spectro.var.NAME}}`.").validator(not_empty()))
        .attribute(Attribute::new("display_name", Type::String).required().description("The name shown to users."))
        .attribute(
            Attribute::new("format", Type::String)
                .default(Value::string("string"))
                .description("The value's format.")
                .validator(one_of(&VARIABLE_FORMATS)),
        )
        .attribute(text("description", "The variable's description."))
        .attribute(text("default_value", "The default value."))
        .attribute(text("regex", "A regular expression values must match."))
        .attribute(flag("required", "Whether a value is required."))
        .attribute(flag("immutable", "Whether the value cannot change once set."))
        .attribute(flag("is_sensitive", "Whether the value is masked."))
        .attribute(flag("hidden", "Whether the variable is hidden from users."))
        .attribute(
            Attribute::new("input_type", Type::String)
                .default(Value::string("text"))
                .description("How the value is entered.")
                .validator(one_of(&["text", "dropdown", "multiline"])),
        )
        .block(NestedBlock::new("options", Nesting::List, option));
    let variables = Block::new().block(NestedBlock::new("variable", Nesting::List, variable).min_items(1));
    NestedBlock::new("profile_variables", Nesting::List, variables).max_items(1)
}

/// Problems plan time can see without the API: duplicate names.
pub(super) fn check_unique_names(config: &Value, diags: &mut Diagnostics) {
    let mut seen = BTreeSet::new();
    for (i, pack) in config.get("pack").as_elements().unwrap_or_default().iter().enumerate() {
        if let Some(name) = pack.get("name").as_str() {
            if !seen.insert(name.to_string()) {
                diags.error_at(pack_path(i).attribute("name"), "Duplicate pack name", format!("The pack name {name:?} is used more than once; pack names must be unique in a profile."));
            }
        }
    }
    let variables = config.get("profile_variables").as_elements().and_then(|v| v.first()).map(|v| v.get("variable"));
    let mut seen = BTreeSet::new();
    for (i, variable) in variables.and_then(Value::as_elements).unwrap_or_default().iter().enumerate() {
        if let Some(name) = variable.get("name").as_str() {
            if !seen.insert(name.to_string()) {
                let path = AttributePath::attr("profile_variables").index(0).attribute("variable").index(i).attribute("name");
                diags.error_at(path, "Duplicate variable name", format!("The variable name {name:?} is used more than once."));
            }
        }
    }
}

/// The resource's schema.
pub(super) fn schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .description("A cluster profile: a versioned, ordered stack of packs (OS, Kubernetes, network, storage, add-ons) that clusters are built from.")
            .attribute(id_attribute())
            .attribute(Attribute::new("name", Type::String).required().description("The profile's name.").validator(not_empty()))
            .attribute(
                Attribute::new("version", Type::String)
                    .default(Value::string("1.0.0"))
                    .description("The profile version (`1`, `1.2` or `1.2.3`, optionally prefixed with `v`). Without immutable versions a change renames this version in place; with `feature_preview { immutable-clusterprofiles = true }` it creates a new version.")
                    .validator(profile_version()),
            )
            .attribute(Attribute::new("skip_destroy", Type::Bool).default(Value::Bool(false)).description("When true, destroying the resource leaves the profile in Palette."))
            .attribute(profile_context_attribute())
            .attribute(tags_attribute())
            .attribute(description_attribute())
            .attribute(Attribute::new("cloud", Type::String).default(Value::string("all")).description("The cloud type (`all`, `aws`, `eks`, `vsphere`, a custom cloud...).").plan_modifier(requires_replace()))
            .attribute(
                Attribute::new("type", Type::String)
                    .default(Value::string("add-on"))
                    .description("The profile type: `add-on`, `cluster` (full), `infra` or `system`.")
                    .validator(one_of(&["add-on", "cluster", "infra", "system"]))
                    .plan_modifier(requires_replace()),
            )
            .block(variables_block())
            .block(pack_block())
            .block(timeouts::block(&[Operation::Create, Operation::Update, Operation::Delete])),
    )
}
