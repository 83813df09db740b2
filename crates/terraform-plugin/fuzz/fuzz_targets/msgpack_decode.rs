//! The msgpack decoder must return an error, never panic or overflow the
//! stack, whatever bytes Terraform (or an attacker on the socket) sends.
//! The first byte picks the schema type; the rest is the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use terraform_plugin::protocol::msgpack;
use terraform_plugin::protocol::value::Type;

fn schema_types() -> Vec<Type> {
    let object = Type::Object(
        [
            ("id", Type::String),
            ("size", Type::Number),
            ("enabled", Type::Bool),
            ("tags", Type::Set(Box::new(Type::String))),
            ("labels", Type::Map(Box::new(Type::String))),
            ("any", Type::Dynamic),
            ("rules", Type::List(Box::new(Type::Tuple(vec![Type::Number, Type::Dynamic])))),
        ]
        .into_iter()
        .map(|(name, ty)| (name.to_string(), ty))
        .collect(),
    );
    vec![object, Type::Dynamic, Type::List(Box::new(Type::Dynamic)), Type::Number, Type::String]
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else { return };
    let types = schema_types();
    let ty = &types[usize::from(selector) % types.len()];
    if let Ok(value) = msgpack::decode(input, ty) {
        // Whatever decodes must re-encode and decode to the same value.
        let again = msgpack::decode(&msgpack::encode(&value, ty), ty).expect("re-encoded value decodes");
        assert_eq!(again, value);
    }
});
