//! Making values conform to a schema before they go back to Terraform.
//!
//! Terraform rejects objects with missing or extra keys, null LIST/SET
//! blocks and (after apply or read) unknown values. Every state the framework
//! returns passes through [`conform_block`], so a resource cannot produce any
//! of those, whatever it builds.

use std::collections::BTreeMap;

use crate::protocol::diagnostics::AttributePath;
use super::schema::{Block, NestedBlock, Nesting};
use crate::protocol::value::{Number, Type, Value};
#[cfg(test)]
use crate::protocol::value::fits_type;

/// What to do with unknown values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknowns {
    /// Plans may carry unknowns.
    Keep,
    /// Final states may not: unknowns become null (and a warning is logged).
    Null,
}

/// `value` as an object of `block`: every attribute and block key present,
/// values converted to their types, LIST/SET/MAP blocks never null, GROUP
/// blocks never null. A null `value` stays null (the caller decides whether
/// a null object is acceptable).
pub fn conform_block(block: &Block, value: &Value, unknowns: Unknowns) -> Value {
    conform_object(block, value, unknowns, &AttributePath::root())
}

fn conform_object(block: &Block, value: &Value, unknowns: Unknowns, path: &AttributePath) -> Value {
    let members = match value {
        Value::Null => return Value::Null,
        Value::Object(m) | Value::Map(m) => m,
        Value::Unknown(_) if unknowns == Unknowns::Keep => return value.clone(),
        other => {
            tracing::warn!(%path, kind = kind_of(other), "replacing a value that is not an object with null");
            return Value::Null;
        }
    };
    for extra in members.keys().filter(|k| block.find_attribute(k).is_none() && block.find_block(k).is_none()) {
        tracing::warn!(path = %path.clone().attribute(extra), "dropping a value that is not in the schema");
    }
    let mut out = BTreeMap::new();
    for a in &block.attributes {
        let at = path.clone().attribute(&a.name);
        out.insert(a.name.clone(), conform_value(&a.ty, members.get(&a.name).unwrap_or(&Value::Null), unknowns, &at));
    }
    for b in &block.blocks {
        let at = path.clone().attribute(&b.type_name);
        out.insert(b.type_name.clone(), conform_nested(b, members.get(&b.type_name).unwrap_or(&Value::Null), unknowns, &at));
    }
    Value::Object(out)
}

fn conform_nested(nested: &NestedBlock, value: &Value, unknowns: Unknowns, path: &AttributePath) -> Value {
    let inner = |v: &Value, at: &AttributePath| conform_object(&nested.block, v, unknowns, at);
    match (nested.nesting, value) {
        (Nesting::Single, _) => inner(value, path),
        (Nesting::Group, Value::Null) => inner(&Value::Object(BTreeMap::new()), path),
        (Nesting::Group, _) => match inner(value, path) {
            Value::Null => inner(&Value::Object(BTreeMap::new()), path),
            object => object,
        },
        // A block collection is never null; it is unknown in a plan only
        // where the configuration's is (dynamic blocks over unknown values).
        (_, Value::Unknown(_)) if unknowns == Unknowns::Keep => value.clone(),
        (Nesting::List | Nesting::Set, Value::List(items) | Value::Set(items) | Value::Tuple(items)) => {
            let elements: Vec<Value> = items
                .iter()
                .enumerate()
                .map(|(i, item)| inner(item, &path.clone().index(i)))
                .filter(|element| !element.is_null())
                .collect();
            if nested.nesting == Nesting::List {
                Value::List(elements)
            } else {
                Value::Set(dedup(elements))
            }
        }
        (Nesting::Map, Value::Map(items) | Value::Object(items)) => Value::Map(
            items
                .iter()
                .map(|(k, item)| (k.clone(), inner(item, &path.clone().key(k))))
                .filter(|(_, element)| !element.is_null())
                .collect(),
        ),
        (nesting, other) => {
            if !other.is_null() && !other.is_unknown() {
                tracing::warn!(%path, kind = kind_of(other), "replacing an invalid block collection with an empty one");
            }
            match nesting {
                Nesting::List => Value::List(Vec::new()),
                Nesting::Set => Value::Set(Vec::new()),
                _ => Value::Map(BTreeMap::new()),
            }
        }
    }
}

/// `value` converted to `ty` where a lossless conversion exists (list↔set,
/// number/bool↔string, map↔object); anything else becomes null, logged.
pub fn conform_value(ty: &Type, value: &Value, unknowns: Unknowns, path: &AttributePath) -> Value {
    let converted = match (ty, value) {
        (_, Value::Null) => Some(Value::Null),
        (_, Value::Unknown(_)) => match unknowns {
            Unknowns::Keep => Some(value.clone()),
            Unknowns::Null => {
                tracing::warn!(%path, "a value was still unknown in a final state; setting it to null");
                return Value::Null;
            }
        },
        (Type::Dynamic, _) => Some(value.clone()),
        (Type::String, Value::String(_)) | (Type::Bool, Value::Bool(_)) | (Type::Number, Value::Number(_)) => Some(value.clone()),
        (Type::String, Value::Number(n)) => Some(Value::String(number_text(n))),
        (Type::String, Value::Bool(b)) => Some(Value::String(b.to_string())),
        (Type::Number, Value::String(s)) => parse_number(s).map(Value::Number),
        (Type::Bool, Value::String(s)) => s.parse::<bool>().ok().map(Value::Bool),
        (Type::List(t), Value::List(items) | Value::Set(items) | Value::Tuple(items)) => {
            Some(Value::List(items.iter().enumerate().map(|(i, v)| conform_value(t, v, unknowns, &path.clone().index(i))).collect()))
        }
        (Type::Set(t), Value::List(items) | Value::Set(items) | Value::Tuple(items)) => {
            Some(Value::Set(dedup(items.iter().map(|v| conform_value(t, v, unknowns, path)).collect())))
        }
        (Type::Map(t), Value::Map(items) | Value::Object(items)) => {
            Some(Value::Map(items.iter().map(|(k, v)| (k.clone(), conform_value(t, v, unknowns, &path.clone().key(k)))).collect()))
        }
        (Type::Object(members), Value::Object(items) | Value::Map(items)) => Some(Value::Object(
            members
                .iter()
                .map(|(k, t)| (k.clone(), conform_value(t, items.get(k).unwrap_or(&Value::Null), unknowns, &path.clone().attribute(k))))
                .collect(),
        )),
        (Type::Tuple(types), Value::Tuple(items) | Value::List(items)) if types.len() == items.len() => Some(Value::Tuple(
            types.iter().zip(items).enumerate().map(|(i, (t, v))| conform_value(t, v, unknowns, &path.clone().index(i))).collect(),
        )),
        _ => None,
    };
    converted.unwrap_or_else(|| {
        tracing::warn!(%path, kind = kind_of(value), "replacing a value of the wrong type with null");
        Value::Null
    })
}

fn dedup(items: Vec<Value>) -> Vec<Value> {
    let mut unique: Vec<Value> = Vec::with_capacity(items.len());
    for item in items {
        // Unknown elements are never "equal" to each other for set purposes.
        if item.is_unknown() || !unique.contains(&item) {
            unique.push(item);
        }
    }
    unique
}

/// A number's decimal text (integers without a fraction).
pub fn number_text(n: &Number) -> String {
    match n {
        Number::Int(i) => i.to_string(),
        Number::Float(f) => f.to_string(),
        Number::Decimal(s) => s.clone(),
    }
}

/// A number from decimal text; beyond 15 significant digits it is kept as
/// the text itself so no precision is lost.
pub fn parse_number(text: &str) -> Option<Number> {
    let text = text.trim();
    if let Ok(i) = text.parse::<i64>() {
        return Some(Number::Int(i));
    }
    if !text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')) {
        return None;
    }
    let f = text.parse::<f64>().ok().filter(|f| f.is_finite())?;
    let digits = text.bytes().take_while(|b| !matches!(b, b'e' | b'E')).filter(u8::is_ascii_digit).count();
    Some(if digits <= 15 { Number::from(f) } else { Number::Decimal(text.to_string()) })
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Unknown(_) => "unknown",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
        Value::Tuple(_) => "tuple",
        Value::Dynamic(..) => "dynamic",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::Attribute;

    fn schema() -> Block {
        Block::new()
            .attribute(Attribute::new("id", Type::String).computed())
            .attribute(Attribute::new("count", Type::Number).optional())
            .attribute(Attribute::new("tags", Type::Set(Box::new(Type::String))).optional())
            .block(NestedBlock::new("pack", Nesting::List, Block::new().attribute(Attribute::new("name", Type::String).required())))
            .block(NestedBlock::new("rules", Nesting::Set, Block::new().attribute(Attribute::new("port", Type::Number).required())))
            .block(NestedBlock::new("timeouts", Nesting::Single, Block::new().attribute(Attribute::new("create", Type::String).optional())))
            .block(NestedBlock::new("group", Nesting::Group, Block::new().attribute(Attribute::new("x", Type::Bool).optional())))
            .block(NestedBlock::new("labels", Nesting::Map, Block::new().attribute(Attribute::new("v", Type::String).optional())))
    }

    fn object(members: &[(&str, Value)]) -> Value {
        Value::Object(members.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn fills_missing_keys_and_empty_collections() {
        let block = schema();
        let out = conform_block(&block, &object(&[("id", Value::string("u"))]), Unknowns::Null);
        assert!(fits_type(&block.implied_type(), &out));
        assert_eq!(out.get("id"), &Value::string("u"));
        assert_eq!(out.get("count"), &Value::Null);
        assert_eq!(out.get("pack"), &Value::List(vec![]));
        assert_eq!(out.get("rules"), &Value::Set(vec![]));
        assert_eq!(out.get("labels"), &Value::Map(BTreeMap::new()));
        assert_eq!(out.get("timeouts"), &Value::Null);
        assert_eq!(out.get("group"), &object(&[("x", Value::Null)]));
    }

    #[test]
    fn converts_and_drops() {
        let block = schema();
        let input = object(&[
            ("id", Value::int(7)),
            ("count", Value::string("12")),
            ("tags", Value::List(vec![Value::string("a"), Value::string("a"), Value::string("b")])),
            ("pack", Value::List(vec![object(&[("name", Value::string("p")), ("extra", Value::Bool(true))])])),
            ("bogus", Value::Bool(true)),
        ]);
        let out = conform_block(&block, &input, Unknowns::Null);
        assert!(fits_type(&block.implied_type(), &out));
        assert_eq!(out.get("id"), &Value::string("7"));
        assert_eq!(out.get("count"), &Value::int(12));
        assert_eq!(out.get("tags").as_elements().unwrap().len(), 2);
        assert_eq!(out.get("pack"), &Value::List(vec![object(&[("name", Value::string("p"))])]));
    }

    #[test]
    fn unknowns_kept_in_plans_and_nulled_in_final_states() {
        let block = schema();
        let input = object(&[("id", Value::unknown())]);
        assert!(conform_block(&block, &input, Unknowns::Keep).get("id").is_unknown());
        let out = conform_block(&block, &input, Unknowns::Null);
        assert!(out.get("id").is_null());
        assert!(out.is_wholly_known());
        // An unknown block collection (from the configuration) stays unknown
        // in a plan, and is empty in a final state.
        let input = object(&[("pack", Value::unknown())]);
        assert!(conform_block(&block, &input, Unknowns::Keep).get("pack").is_unknown());
        assert_eq!(conform_block(&block, &input, Unknowns::Null).get("pack"), &Value::List(vec![]));
    }

    #[test]
    fn wrong_types_become_null() {
        let block = schema();
        let out = conform_block(&block, &object(&[("count", Value::string("many")), ("timeouts", Value::Bool(true))]), Unknowns::Null);
        assert!(out.get("count").is_null());
        assert!(out.get("timeouts").is_null());
        assert!(fits_type(&block.implied_type(), &out));
    }

    #[test]
    fn fits_type_checks_object_keys() {
        let ty = Type::Object([("a".to_string(), Type::String)].into_iter().collect());
        assert!(fits_type(&ty, &object(&[("a", Value::Null)])));
        assert!(!fits_type(&ty, &object(&[])));
        assert!(!fits_type(&ty, &object(&[("a", Value::int(1))])));
        assert!(fits_type(&Type::List(Box::new(Type::Number)), &Value::List(vec![Value::int(1), Value::unknown()])));
    }

    #[test]
    fn numbers_from_text() {
        assert_eq!(parse_number("42"), Some(Number::Int(42)));
        assert_eq!(parse_number("2.5"), Some(Number::Float(2.5)));
        assert!(matches!(parse_number("123456789012345678901234567890"), Some(Number::Decimal(_))));
        assert_eq!(parse_number("x"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(number_text(&Number::Int(-3)), "-3");
    }
}
