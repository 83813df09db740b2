//! Property tests of the value codecs: random types with conforming values
//! (nulls and unknowns included) survive every round trip, and no input
//! bytes make a decoder panic.

use proptest::prelude::*;

use super::types::{type_from_json, type_to_json};
use super::value::{Number, Type, Value};
use super::{json, msgpack};

fn any_type() -> impl Strategy<Value = Type> {
    let leaf = prop_oneof![Just(Type::String), Just(Type::Number), Just(Type::Bool), Just(Type::Dynamic)];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| Type::List(Box::new(t))),
            inner.clone().prop_map(|t| Type::Set(Box::new(t))),
            inner.clone().prop_map(|t| Type::Map(Box::new(t))),
            prop::collection::btree_map("[a-z_]{1,8}", inner.clone(), 0..4).prop_map(Type::Object),
            prop::collection::vec(inner, 0..3).prop_map(Type::Tuple),
        ]
    })
}

fn any_number() -> impl Strategy<Value = Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::Int),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Number::from),
        "-?[1-9][0-9]{20,30}(\\.[0-9]{0,12}[1-9])?".prop_map(Number::Decimal),
    ]
}

/// A value conforming to `ty`. `dynamic_budget` bounds how many nested
/// dynamic values (each with a fresh random type) may be generated.
fn value_of(ty: &Type, allow_unknown: bool, dynamic_budget: u32) -> BoxedStrategy<Value> {
    let known = known_value_of(ty, allow_unknown, dynamic_budget);
    if allow_unknown {
        prop_oneof![1 => Just(Value::Null), 1 => Just(Value::unknown()), 6 => known].boxed()
    } else {
        prop_oneof![1 => Just(Value::Null), 6 => known].boxed()
    }
}

fn known_value_of(ty: &Type, allow_unknown: bool, dynamic_budget: u32) -> BoxedStrategy<Value> {
    let nested = |t: &Type| value_of(t, allow_unknown, dynamic_budget);
    match ty {
        Type::String => any::<String>().prop_map(Value::String).boxed(),
        Type::Number => any_number().prop_map(Value::Number).boxed(),
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Dynamic if dynamic_budget == 0 => Just(Value::Null).boxed(),
        Type::Dynamic => any_type()
            .prop_flat_map(move |t| {
                value_of(&t, allow_unknown, dynamic_budget - 1).prop_map(move |v| Value::Dynamic(t.clone(), Box::new(v)))
            })
            .boxed(),
        Type::List(e) => prop::collection::vec(nested(e), 0..4).prop_map(Value::List).boxed(),
        Type::Set(e) => prop::collection::vec(nested(e), 0..4).prop_map(Value::Set).boxed(),
        Type::Map(e) => prop::collection::btree_map(".{0,6}", nested(e), 0..4).prop_map(Value::Map).boxed(),
        Type::Object(attrs) => {
            let names: Vec<String> = attrs.keys().cloned().collect();
            let members: Vec<_> = attrs.values().map(nested).collect();
            members.prop_map(move |values| Value::Object(names.iter().cloned().zip(values).collect())).boxed()
        }
        Type::Tuple(elems) => {
            let members: Vec<_> = elems.iter().map(nested).collect();
            members.prop_map(Value::Tuple).boxed()
        }
    }
}

fn typed_value(allow_unknown: bool) -> impl Strategy<Value = (Type, Value)> {
    any_type().prop_flat_map(move |ty| value_of(&ty, allow_unknown, 2).prop_map(move |v| (ty.clone(), v)))
}

/// Types the byte-level properties decode against: every shape at least once.
fn decoder_types() -> Vec<Type> {
    let object = Type::Object(
        [
            ("id", Type::String),
            ("size", Type::Number),
            ("tags", Type::Set(Box::new(Type::String))),
            ("any", Type::Dynamic),
            ("rules", Type::List(Box::new(Type::Tuple(vec![Type::Bool, Type::Map(Box::new(Type::Number))])))),
        ]
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect(),
    );
    vec![object, Type::Dynamic, Type::List(Box::new(Type::Dynamic)), Type::String, Type::Number]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn msgpack_round_trips_any_value((ty, value) in typed_value(true)) {
        let bytes = msgpack::encode(&value, &ty);
        let decoded = msgpack::decode(&bytes, &ty);
        prop_assert_eq!(decoded, Ok(value));
    }

    #[test]
    fn json_round_trips_known_values((ty, value) in typed_value(false)) {
        let text = json::encode(&value, &ty).expect("known values encode");
        let decoded = json::decode(&text, &ty);
        prop_assert_eq!(decoded, Ok(value));
    }

    #[test]
    fn type_json_round_trips(ty in any_type()) {
        prop_assert_eq!(type_from_json(&type_to_json(&ty)), Ok(ty));
    }

    #[test]
    fn decoders_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        for ty in decoder_types() {
            let _ = msgpack::decode(&bytes, &ty);
            let _ = json::decode(&bytes, &ty);
        }
    }

    #[test]
    fn decoders_never_panic_on_corrupted_encodings(
        (ty, value) in typed_value(true),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = msgpack::encode(&value, &ty);
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let _ = msgpack::decode(&bytes, &ty);
        let _ = msgpack::decode(&bytes[..cut.index(bytes.len() + 1)], &ty);
    }
}
