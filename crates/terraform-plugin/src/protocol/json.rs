//! The JSON encoding of values: stored state (`RawState.json` in
//! `UpgradeResourceState`) and `DynamicValue.json`. Null is `null`, dynamic
//! values are `{"value": ..., "type": ...}`, and unknown values do not exist.
//! Numbers are read from their exact text, never through `f64`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::conform::{conform, Conformed};
use super::error::CodecError;
use super::msgpack::MAX_DEPTH;
use super::numbers::json_text;
use super::types::{type_from_json, type_to_json};
use super::value::{Number, Type, Value};

/// Decodes JSON as `ty`: object attributes absent from the input are null,
/// members the type does not have are ignored.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    decode_text(bytes, ty, 0)
}

fn decode_text(bytes: &[u8], ty: &Type, depth: usize) -> Result<Value, CodecError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = Typed { ty, depth }.deserialize(&mut deserializer).map_err(json_error)?;
    deserializer.end().map_err(json_error)?;
    Ok(value)
}

fn json_error(e: serde_json::Error) -> CodecError {
    CodecError::new(e.to_string())
}

/// Encodes a wholly known value as `ty`, listing every object attribute.
pub fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, CodecError> {
    let mut out = String::with_capacity(64);
    write_value(&mut out, value, ty)?;
    Ok(out.into_bytes())
}

fn write_value(out: &mut String, value: &Value, ty: &Type) -> Result<(), CodecError> {
    match conform(value, ty) {
        Conformed::Null => out.push_str("null"),
        Conformed::Unknown => return Err(CodecError::new("an unknown value cannot be written as JSON")),
        Conformed::String(s) => write_str(out, &s),
        Conformed::Number(n) => {
            let text = json_text(&n).ok_or_else(|| CodecError::new(format!("{n:?} cannot be written as JSON")))?;
            out.push_str(&text);
        }
        Conformed::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Conformed::Elements(elems) => {
            out.push('[');
            for (i, (elem, elem_ty)) in elems.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, elem, elem_ty)?;
            }
            out.push(']');
        }
        Conformed::Members(members) => {
            out.push('{');
            for (i, (key, member, member_ty)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, key);
                out.push(':');
                write_value(out, member, member_ty)?;
            }
            out.push('}');
        }
        Conformed::Dynamic { ty, value } => {
            out.push_str("{\"value\":");
            write_value(out, value, &ty)?;
            out.push_str(",\"type\":");
            out.push_str(&type_to_json(&ty).to_string());
            out.push('}');
        }
        Conformed::Retyped(actual) => write_value(out, value, &actual)?,
    }
    Ok(())
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Deserializes one value of a known type.
struct Typed<'t> {
    ty: &'t Type,
    depth: usize,
}

impl Typed<'_> {
    fn nested<'u>(&self, ty: &'u Type) -> Typed<'u> {
        Typed { ty, depth: self.depth + 1 }
    }
}

/// The JSON form of a known dynamic value.
#[derive(Deserialize)]
struct DynamicWire<'a> {
    #[serde(rename = "type")]
    ty: serde_json::Value,
    #[serde(borrow)]
    value: &'a RawValue,
}

impl<'de> DeserializeSeed<'de> for Typed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(de::Error::custom("value nested too deeply"));
        }
        match self.ty {
            // Numbers are taken as raw text so no precision is lost.
            Type::Number => {
                let raw = <&RawValue>::deserialize(deserializer)?;
                number_from_raw(raw.get()).map_err(de::Error::custom)
            }
            Type::Dynamic => match Option::<DynamicWire>::deserialize(deserializer)? {
                None => Ok(Value::Null),
                Some(wire) => {
                    let inner_ty = type_from_json(&wire.ty).map_err(de::Error::custom)?;
                    let inner = decode_text(wire.value.get().as_bytes(), &inner_ty, self.depth + 1)
                        .map_err(de::Error::custom)?;
                    Ok(Value::Dynamic(inner_ty, Box::new(inner)))
                }
            },
            _ => deserializer.deserialize_any(self),
        }
    }
}

fn number_from_raw(text: &str) -> Result<Value, String> {
    let unquoted: String;
    let digits = match text {
        "null" => return Ok(Value::Null),
        quoted if quoted.starts_with('"') => {
            unquoted = serde_json::from_str(quoted).map_err(|e| e.to_string())?;
            unquoted.as_str()
        }
        bare => bare,
    };
    // The text is not quoted in the error: a misplaced value may be a secret.
    Number::parse(digits).map(Value::Number).ok_or_else(|| "expected a number".to_string())
}

impl<'de> Visitor<'de> for Typed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a value of type {}", type_to_json(self.ty))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        match self.ty {
            Type::Bool => Ok(Value::Bool(b)),
            Type::String => Ok(Value::string(if b { "true" } else { "false" })),
            _ => Err(E::invalid_type(de::Unexpected::Bool(b), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        match self.ty {
            Type::String => Ok(Value::string(s)),
            Type::Bool if s == "true" || s == "false" => Ok(Value::Bool(s == "true")),
            // Not `Unexpected::Str(s)`: error messages must not quote values, which may be secrets.
            _ => Err(E::invalid_type(de::Unexpected::Other("a string"), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<Value, E> {
        self.number_as_string(i.to_string(), de::Unexpected::Signed(i))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        self.number_as_string(u.to_string(), de::Unexpected::Unsigned(u))
    }

    fn visit_f64<E: de::Error>(self, f: f64) -> Result<Value, E> {
        self.number_as_string(f.to_string(), de::Unexpected::Float(f))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut elems = Vec::new();
        match self.ty {
            Type::List(elem_ty) | Type::Set(elem_ty) => {
                while let Some(elem) = seq.next_element_seed(self.nested(elem_ty))? {
                    elems.push(elem);
                }
            }
            Type::Tuple(elem_tys) => {
                for elem_ty in elem_tys {
                    let elem = seq.next_element_seed(self.nested(elem_ty))?;
                    elems.push(elem.ok_or_else(|| de::Error::invalid_length(elems.len(), &self))?);
                }
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(elem_tys.len() + 1, &self));
                }
            }
            _ => return Err(de::Error::invalid_type(de::Unexpected::Seq, &self)),
        }
        Ok(match self.ty {
            Type::Set(_) => Value::Set(elems),
            Type::Tuple(_) => Value::Tuple(elems),
            _ => Value::List(elems),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = BTreeMap::new();
        match self.ty {
            Type::Map(elem_ty) => {
                while let Some(key) = map.next_key::<String>()? {
                    let member = map.next_value_seed(self.nested(elem_ty))?;
                    members.insert(key, member);
                }
                Ok(Value::Map(members))
            }
            Type::Object(attrs) => {
                while let Some(key) = map.next_key::<String>()? {
                    match attrs.get(&key) {
                        Some(attr_ty) => {
                            let member = map.next_value_seed(self.nested(attr_ty))?;
                            members.insert(key, member);
                        }
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                for name in attrs.keys() {
                    members.entry(name.clone()).or_insert(Value::Null);
                }
                Ok(Value::Object(members))
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

impl Typed<'_> {
    /// cty reads a JSON number where a string is expected as its text.
    fn number_as_string<E: de::Error>(self, text: String, unexpected: de::Unexpected) -> Result<Value, E> {
        match self.ty {
            Type::String => Ok(Value::String(text)),
            _ => Err(E::invalid_type(unexpected, &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object_type(members: &[(&str, Type)]) -> Type {
        Type::Object(members.iter().map(|(k, t)| (k.to_string(), t.clone())).collect())
    }

    #[test]
    fn stored_state_decodes_with_absent_attributes_null_and_extras_ignored() {
        let ty = object_type(&[
            ("id", Type::String),
            ("tags", Type::Set(Box::new(Type::String))),
            ("size", Type::Number),
            ("enabled", Type::Bool),
        ]);
        let text = br#"{
            "id": "p-1",
            "tags": ["a:b:c", "x"],
            "removed_in_v2": {"deep": [1, 2]},
            "size": 3
        }"#;
        let value = decode(text, &ty).unwrap();
        assert_eq!(value.get("id").as_str(), Some("p-1"));
        assert_eq!(value.get("tags"), &Value::Set(vec![Value::string("x"), Value::string("a:b:c")]));
        assert_eq!(value.get("size").as_i64(), Some(3));
        assert!(value.get("enabled").is_null());
        assert!(value.as_members().unwrap().contains_key("enabled"));
    }

    #[test]
    fn numbers_keep_their_precision() {
        let big = "123456789012345678901234567890.5";
        let value = decode(big.as_bytes(), &Type::Number).unwrap();
        assert_eq!(value, Value::Number(Number::Decimal(big.to_string())));
        assert_eq!(decode(b"\"42\"", &Type::Number).unwrap(), Value::int(42));
        assert_eq!(decode(b"0.1", &Type::Number).unwrap().as_f64(), Some(0.1));
        assert_eq!(encode(&value, &Type::Number).unwrap(), big.as_bytes());
    }

    #[test]
    fn dynamic_values_use_value_and_type() {
        let value = Value::Dynamic(Type::Map(Box::new(Type::Number)), Box::new(Value::Map(BTreeMap::from([("k".to_string(), Value::int(1))]))));
        let text = encode(&value, &Type::Dynamic).unwrap();
        assert_eq!(String::from_utf8(text.clone()).unwrap(), r#"{"value":{"k":1},"type":["map","number"]}"#);
        assert_eq!(decode(&text, &Type::Dynamic).unwrap(), value);
        assert_eq!(decode(br#"{"type":"string","value":"v"}"#, &Type::Dynamic).unwrap(), Value::Dynamic(Type::String, Box::new(Value::string("v"))));
        assert!(decode(b"null", &Type::Dynamic).unwrap().is_null());
    }

    #[test]
    fn strings_are_escaped() {
        let text = encode(&Value::string("a\"b\\c\n\u{1}é"), &Type::String).unwrap();
        assert_eq!(String::from_utf8(text.clone()).unwrap(), r#""a\"b\\c\n\u0001é""#);
        assert_eq!(decode(&text, &Type::String).unwrap(), Value::string("a\"b\\c\n\u{1}é"));
    }

    #[test]
    fn unknown_values_cannot_be_json() {
        assert!(encode(&Value::List(vec![Value::unknown()]), &Type::List(Box::new(Type::String))).is_err());
    }

    #[test]
    fn shape_errors_are_reported() {
        assert!(decode(b"[1,2]", &Type::Tuple(vec![Type::Number])).is_err());
        assert!(decode(b"[1]", &Type::Tuple(vec![Type::Number, Type::Number])).is_err());
        assert!(decode(b"{}", &Type::List(Box::new(Type::String))).is_err());
        assert!(decode(b"\"x\"", &Type::Number).is_err());
        assert!(decode(b"1 2", &Type::Number).is_err());
        assert!(decode(br#"{"type":"nope","value":1}"#, &Type::Dynamic).is_err());
    }
}
