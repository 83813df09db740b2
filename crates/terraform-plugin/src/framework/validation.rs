//! Configuration validation driven by the schema: attribute validators,
//! block validators, block counts and block-level combination rules.

use crate::protocol::diagnostics::{AttributePath, Diagnostics};
use super::schema::{Block, NestedBlock, Nesting};
use crate::protocol::value::Value;

/// Validates one object of `block` (the resource's configuration or one
/// block instance) at `path`. Null and unknown values are skipped: they are
/// checked once known.
///
/// Defaults count as unset: an attribute configured to its zero default is
/// not validated (it is what "unset" reads back as, and generated
/// configurations write it), and block rules such as "exactly one of" see
/// any attribute configured to its default as unset.
pub fn validate_object(block: &Block, object: &Value, path: &AttributePath, diags: &mut Diagnostics) {
    if !matches!(object, Value::Object(_)) {
        return;
    }
    let chosen = without_defaults(block, object);
    for validator in &block.validators {
        validator.validate(&chosen, path, diags);
    }
    for attr in &block.attributes {
        let value = object.get(&attr.name);
        if value.is_null() || value.is_unknown() || (attr.defaults_to_zero() && attr.default.as_ref() == Some(value)) {
            continue;
        }
        let at = path.clone().attribute(&attr.name);
        for validator in &attr.validators {
            validator.validate(value, &at, diags);
        }
    }
    for nested in &block.blocks {
        let value = object.get(&nested.type_name);
        if value.is_null() || value.is_unknown() {
            continue;
        }
        let at = path.clone().attribute(&nested.type_name);
        for validator in &nested.validators {
            validator.validate(value, &at, diags);
        }
        check_count(nested, value, &at, diags);
        match (nested.nesting, value) {
            (Nesting::Single | Nesting::Group, _) => validate_object(&nested.block, value, &at, diags),
            (Nesting::List, Value::List(items)) => {
                for (i, item) in items.iter().enumerate() {
                    validate_object(&nested.block, item, &at.clone().index(i), diags);
                }
            }
            (Nesting::Set, Value::Set(items)) => items.iter().for_each(|item| validate_object(&nested.block, item, &at, diags)),
            (Nesting::Map, Value::Map(items)) => {
                for (key, item) in items {
                    validate_object(&nested.block, item, &at.clone().key(key), diags);
                }
            }
            _ => {}
        }
    }
}

/// `object` with every attribute that equals its default set to null: what
/// the user actually chose.
fn without_defaults(block: &Block, object: &Value) -> Value {
    let mut chosen = object.clone();
    for attr in &block.attributes {
        if attr.default.is_some() && attr.default.as_ref() == Some(object.get(&attr.name)) {
            chosen.set(&attr.name, Value::Null);
        }
    }
    chosen
}

fn check_count(nested: &NestedBlock, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
    let Some(items) = value.as_elements().filter(|_| matches!(nested.nesting, Nesting::List | Nesting::Set)) else { return };
    let count = items.len() as i64;
    let name = &nested.type_name;
    if count < nested.min_items {
        diags.error_at(
            path.clone(),
            "Too few blocks",
            format!("At least {} \"{name}\" block(s) are required; {count} found.", nested.min_items),
        );
    }
    if nested.max_items > 0 && count > nested.max_items {
        diags.error_at(
            path.clone(),
            "Too many blocks",
            format!("No more than {} \"{name}\" block(s) are allowed; {count} found.", nested.max_items),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::Attribute;
    use crate::framework::validators::{conflicts_with, exactly_one_of, not_empty, one_of};
    use crate::protocol::value::Type;

    fn object(members: &[(&str, Value)]) -> Value {
        Value::Object(members.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn schema() -> Block {
        let pack = Block::new()
            .attribute(Attribute::new("type", Type::String).optional().validator(one_of(&["spectro", "helm"])))
            .attribute(Attribute::new("registry_uid", Type::String).optional())
            .attribute(Attribute::new("registry_name", Type::String).optional())
            .validator(conflicts_with("registry_uid", "registry_name"));
        Block::new()
            .attribute(Attribute::new("name", Type::String).required().validator(not_empty()))
            .attribute(Attribute::new("a", Type::String).optional())
            .attribute(Attribute::new("b", Type::String).optional())
            .validator(exactly_one_of(&["a", "b"]))
            .block(NestedBlock::new("pack", Nesting::List, pack).max_items(2))
            .block(NestedBlock::new("config", Nesting::List, Block::new()).min_items(1).max_items(1))
    }

    fn paths(config: Value) -> Vec<String> {
        let mut diags = Diagnostics::new();
        validate_object(&schema(), &config, &AttributePath::root(), &mut diags);
        diags.iter().map(|d| d.path.as_ref().map(ToString::to_string).unwrap_or_default()).collect()
    }

    fn pack(ty: &str, uid: Value, name: Value) -> Value {
        object(&[("type", Value::string(ty)), ("registry_uid", uid), ("registry_name", name)])
    }

    #[test]
    fn valid_config_has_no_diagnostics() {
        let config = object(&[
            ("name", Value::string("x")),
            ("a", Value::string("1")),
            ("b", Value::Null),
            ("pack", Value::List(vec![pack("helm", Value::string("u"), Value::Null)])),
            ("config", Value::List(vec![object(&[])])),
        ]);
        assert!(paths(config).is_empty());
    }

    #[test]
    fn every_problem_is_reported_at_its_path() {
        let config = object(&[
            ("name", Value::string("")),
            ("a", Value::string("1")),
            ("b", Value::string("2")),
            (
                "pack",
                Value::List(vec![
                    pack("spectro", Value::Null, Value::Null),
                    pack("oci", Value::string("u"), Value::string("n")),
                    pack("helm", Value::Null, Value::Null),
                ]),
            ),
            ("config", Value::List(vec![])),
        ]);
        let mut found = paths(config);
        found.sort();
        assert_eq!(found, ["b", "config", "name", "pack", "pack[1].registry_name", "pack[1].type"]);
    }

    #[test]
    fn defaults_count_as_unset() {
        let block = Block::new()
            .attribute(Attribute::new("host", Type::String).zero_default().validator(not_empty()))
            .attribute(Attribute::new("group", Type::String).zero_default().validator(not_empty()))
            .attribute(Attribute::new("whole", Type::Bool).default(Value::Bool(true)))
            .attribute(Attribute::new("mode", Type::String).zero_default().validator(one_of(&["always", "never"])))
            .validator(exactly_one_of(&["host", "group"]))
            .validator(conflicts_with("whole", "mode"));
        let check = |config: Value| {
            let mut diags = Diagnostics::new();
            validate_object(&block, &config, &AttributePath::root(), &mut diags);
            diags.iter().map(|d| d.path.as_ref().map(ToString::to_string).unwrap_or_default()).collect::<Vec<_>>()
        };
        // What a generated configuration writes: zeros and defaults beside the chosen values.
        let generated = object(&[("host", Value::string("")), ("group", Value::string("g")), ("whole", Value::Bool(true)), ("mode", Value::string("always"))]);
        assert!(check(generated).is_empty());
        // A default is not exempt from attribute validators unless it is the zero.
        // Both zero: "exactly one of" fails, at the first name (no not_empty error).
        assert_eq!(check(object(&[("host", Value::string("")), ("group", Value::string(""))])), ["host"]);
        assert_eq!(check(object(&[("group", Value::string("g")), ("whole", Value::Bool(false)), ("mode", Value::string("never"))])), ["mode"]);
    }

    #[test]
    fn unknowns_are_skipped() {
        let config = object(&[
            ("name", Value::unknown()),
            ("a", Value::unknown()),
            ("b", Value::string("2")),
            ("pack", Value::unknown()),
            ("config", Value::List(vec![object(&[])])),
        ]);
        assert!(paths(config).is_empty());
    }
}
