//! Pairs a value with the schema type it is being encoded as, so both wire
//! encoders (msgpack and JSON) make the same decisions: every object
//! attribute present, dynamic values wrapped with their type, safe primitive
//! conversions applied, and anything else that does not fit the schema sent
//! with its own evident type (Terraform then reports the mismatch clearly).

use std::borrow::Cow;

use super::types::{type_of, type_to_json};
use super::value::{Number, Type, Value};

/// What to write for one value.
pub(crate) enum Conformed<'a> {
    Null,
    Unknown,
    String(Cow<'a, str>),
    Number(Cow<'a, Number>),
    Bool(bool),
    /// An array: each element with the type to encode it as.
    Elements(Vec<(&'a Value, &'a Type)>),
    /// A map or object: each member with the type to encode it as.
    Members(Vec<(&'a str, &'a Value, &'a Type)>),
    /// A dynamic value: `value` encoded as `ty`, preceded by `ty` itself.
    Dynamic { ty: Cow<'a, Type>, value: &'a Value },
    /// The value does not fit the schema type; encode it as this type instead.
    Retyped(Type),
}

pub(crate) fn conform<'a>(value: &'a Value, ty: &'a Type) -> Conformed<'a> {
    match (value, ty) {
        (Value::Null, _) => Conformed::Null,
        (Value::Unknown(_), _) => Conformed::Unknown,
        (Value::Dynamic(inner_ty, inner), Type::Dynamic) => {
            Conformed::Dynamic { ty: Cow::Borrowed(inner_ty), value: inner }
        }
        (Value::Dynamic(_, inner), _) => conform(inner, ty),
        (_, Type::Dynamic) => Conformed::Dynamic { ty: Cow::Owned(type_of(value)), value },
        (Value::String(s), Type::String) => Conformed::String(Cow::Borrowed(s)),
        (Value::Number(n), Type::Number) => Conformed::Number(Cow::Borrowed(n)),
        (Value::Bool(b), Type::Bool) => Conformed::Bool(*b),
        (Value::Number(n), Type::String) => match super::numbers::json_text(n) {
            Some(text) => Conformed::String(Cow::Owned(text)),
            None => mismatch(value, ty),
        },
        (Value::Bool(b), Type::String) => Conformed::String(Cow::Borrowed(if *b { "true" } else { "false" })),
        (Value::String(s), Type::Number) => match Number::parse(s) {
            Some(n) => Conformed::Number(Cow::Owned(n)),
            None => mismatch(value, ty),
        },
        (Value::String(s), Type::Bool) if s == "true" || s == "false" => Conformed::Bool(s == "true"),
        (Value::List(elems) | Value::Set(elems) | Value::Tuple(elems), Type::List(elem_ty) | Type::Set(elem_ty)) => {
            Conformed::Elements(elems.iter().map(|e| (e, elem_ty.as_ref())).collect())
        }
        (Value::List(elems) | Value::Tuple(elems), Type::Tuple(elem_tys)) if elems.len() == elem_tys.len() => {
            Conformed::Elements(elems.iter().zip(elem_tys).collect())
        }
        (Value::Map(members) | Value::Object(members), Type::Map(elem_ty)) => {
            Conformed::Members(members.iter().map(|(k, v)| (k.as_str(), v, elem_ty.as_ref())).collect())
        }
        (Value::Map(_) | Value::Object(_), Type::Object(attrs)) => {
            Conformed::Members(attrs.iter().map(|(name, t)| (name.as_str(), value.get(name), t)).collect())
        }
        _ => mismatch(value, ty),
    }
}

fn mismatch(value: &Value, ty: &Type) -> Conformed<'static> {
    let actual = type_of(value);
    tracing::warn!(
        expected = %type_to_json(ty),
        actual = %type_to_json(&actual),
        "value does not match its schema type; sending it with its own type"
    );
    Conformed::Retyped(actual)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn objects_list_every_schema_attribute() {
        let ty = Type::Object(BTreeMap::from([("a".to_string(), Type::String), ("b".to_string(), Type::Number)]));
        let value = Value::Object(BTreeMap::from([("a".to_string(), Value::string("x")), ("z".to_string(), Value::Bool(true))]));
        let Conformed::Members(members) = conform(&value, &ty) else { panic!("expected members") };
        let names: Vec<_> = members.iter().map(|(name, v, _)| (*name, v.is_null())).collect();
        assert_eq!(names, vec![("a", false), ("b", true)]);
    }

    #[test]
    fn safe_primitive_conversions_apply() {
        assert!(matches!(conform(&Value::int(5), &Type::String), Conformed::String(s) if s == "5"));
        assert!(matches!(conform(&Value::string("2.5"), &Type::Number), Conformed::Number(n) if n.as_f64() == 2.5));
        assert!(matches!(conform(&Value::string("true"), &Type::Bool), Conformed::Bool(true)));
        assert!(matches!(conform(&Value::string("yes"), &Type::Bool), Conformed::Retyped(Type::String)));
    }

    #[test]
    fn plain_values_under_dynamic_get_their_own_type() {
        let value = Value::List(vec![Value::int(1)]);
        let Conformed::Dynamic { ty, .. } = conform(&value, &Type::Dynamic) else { panic!("expected dynamic") };
        assert_eq!(ty.as_ref(), &Type::List(Box::new(Type::Number)));
    }
}
