//! The JSON form of cty types, as used in `Schema.Attribute.type` and in the
//! type half of a dynamic value: `"string"`, `["list","number"]`,
//! `["object",{"a":"bool"}]`, `["tuple",["string","number"]]`, ...

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::value::{Type, Value};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid type description: {0}")]
pub struct TypeError(String);

/// The JSON description of a type.
pub fn type_to_json(ty: &Type) -> Json {
    let tagged = |tag: &str, inner: Json| Json::Array(vec![Json::from(tag), inner]);
    match ty {
        Type::String => Json::from("string"),
        Type::Number => Json::from("number"),
        Type::Bool => Json::from("bool"),
        Type::Dynamic => Json::from("dynamic"),
        Type::List(e) => tagged("list", type_to_json(e)),
        Type::Set(e) => tagged("set", type_to_json(e)),
        Type::Map(e) => tagged("map", type_to_json(e)),
        Type::Object(attrs) => {
            let members = attrs.iter().map(|(name, t)| (name.clone(), type_to_json(t))).collect();
            tagged("object", Json::Object(members))
        }
        Type::Tuple(elems) => tagged("tuple", Json::Array(elems.iter().map(type_to_json).collect())),
    }
}

/// The compact JSON text of a type (what `Schema.Attribute.type` carries).
pub fn type_to_json_bytes(ty: &Type) -> Vec<u8> {
    type_to_json(ty).to_string().into_bytes()
}

/// Parses a JSON type description. An object type's optional third element
/// (optional attribute names, used only in type constraints) is accepted and ignored.
pub fn type_from_json(json: &Json) -> Result<Type, TypeError> {
    match json {
        Json::String(name) => match name.as_str() {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "dynamic" => Ok(Type::Dynamic),
            other => Err(TypeError(format!("unknown primitive type {other:?}"))),
        },
        Json::Array(parts) => {
            let Some(Json::String(kind)) = parts.first() else {
                return Err(TypeError("a compound type must start with its kind".into()));
            };
            let arity_ok = match kind.as_str() {
                "object" => parts.len() == 2 || parts.len() == 3,
                _ => parts.len() == 2,
            };
            if !arity_ok {
                return Err(TypeError(format!("wrong number of elements for a {kind} type")));
            }
            let inner = &parts[1];
            match kind.as_str() {
                "list" => Ok(Type::List(Box::new(type_from_json(inner)?))),
                "set" => Ok(Type::Set(Box::new(type_from_json(inner)?))),
                "map" => Ok(Type::Map(Box::new(type_from_json(inner)?))),
                "object" => {
                    let Json::Object(members) = inner else {
                        return Err(TypeError("object attributes must be a JSON object".into()));
                    };
                    let attrs = members
                        .iter()
                        .map(|(name, t)| Ok((name.clone(), type_from_json(t)?)))
                        .collect::<Result<BTreeMap<_, _>, TypeError>>()?;
                    Ok(Type::Object(attrs))
                }
                "tuple" => {
                    let Json::Array(elems) = inner else {
                        return Err(TypeError("tuple elements must be a JSON array".into()));
                    };
                    Ok(Type::Tuple(elems.iter().map(type_from_json).collect::<Result<_, _>>()?))
                }
                other => Err(TypeError(format!("unknown type kind {other:?}"))),
            }
        }
        other => Err(TypeError(format!("unexpected JSON {other}"))),
    }
}

/// Parses the JSON text of a type description.
pub fn type_from_json_bytes(bytes: &[u8]) -> Result<Type, TypeError> {
    let json: Json = serde_json::from_slice(bytes).map_err(|e| TypeError(e.to_string()))?;
    type_from_json(&json)
}

/// The type a value evidently has, used when a value must be sent where the
/// schema says `dynamic` (or does not match the schema). Null and unknown
/// values, and empty collections' elements, are `dynamic`.
pub fn type_of(value: &Value) -> Type {
    fn first_element_type<'a>(mut elems: impl Iterator<Item = &'a Value>) -> Box<Type> {
        Box::new(elems.find(|v| !v.is_null() && !v.is_unknown()).map_or(Type::Dynamic, type_of))
    }
    match value {
        Value::Null | Value::Unknown(_) => Type::Dynamic,
        Value::String(_) => Type::String,
        Value::Number(_) => Type::Number,
        Value::Bool(_) => Type::Bool,
        Value::List(v) => Type::List(first_element_type(v.iter())),
        Value::Set(v) => Type::Set(first_element_type(v.iter())),
        Value::Map(m) => Type::Map(first_element_type(m.values())),
        Value::Object(m) => Type::Object(m.iter().map(|(k, v)| (k.clone(), type_of(v))).collect()),
        Value::Tuple(v) => Type::Tuple(v.iter().map(type_of).collect()),
        Value::Dynamic(ty, _) => ty.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compound_types_use_the_cty_json_layout() {
        let ty = Type::Object(BTreeMap::from([
            ("tags".to_string(), Type::Set(Box::new(Type::String))),
            ("pair".to_string(), Type::Tuple(vec![Type::Number, Type::Bool])),
            ("any".to_string(), Type::Dynamic),
            ("labels".to_string(), Type::Map(Box::new(Type::List(Box::new(Type::String))))),
        ]));
        let expected = json!(["object", {
            "any": "dynamic",
            "labels": ["map", ["list", "string"]],
            "pair": ["tuple", ["number", "bool"]],
            "tags": ["set", "string"],
        }]);
        assert_eq!(type_to_json(&ty), expected);
        assert_eq!(type_from_json(&expected).unwrap(), ty);
        assert_eq!(String::from_utf8(type_to_json_bytes(&Type::List(Box::new(Type::Bool)))).unwrap(), r#"["list","bool"]"#);
    }

    #[test]
    fn object_optional_attribute_list_is_ignored() {
        let ty = type_from_json(&json!(["object", {"a": "string"}, ["a"]])).unwrap();
        assert_eq!(ty, Type::Object(BTreeMap::from([("a".to_string(), Type::String)])));
    }

    #[test]
    fn malformed_descriptions_are_rejected() {
        for bad in [
            json!("text"),
            json!(["list"]),
            json!(["list", "string", "extra"]),
            json!(["object", ["a"]]),
            json!(["tuple", "string"]),
            json!(["vector", "string"]),
            json!(42),
            json!([]),
        ] {
            assert!(type_from_json(&bad).is_err(), "{bad} should be rejected");
        }
        assert!(type_from_json_bytes(b"[\"list\",").is_err());
    }

    #[test]
    fn type_of_infers_from_known_elements() {
        let v = Value::List(vec![Value::Null, Value::string("a")]);
        assert_eq!(type_of(&v), Type::List(Box::new(Type::String)));
        assert_eq!(type_of(&Value::Map(BTreeMap::new())), Type::Map(Box::new(Type::Dynamic)));
        assert_eq!(type_of(&Value::unknown()), Type::Dynamic);
    }
}
