//! A fuzzer of the value decoders on the stable toolchain, run with the unit
//! tests: random bytes, and valid msgpack and JSON encodings of random values
//! mutated byte by byte, decoded as Terraform's requests are decoded. No input
//! may panic (or overflow the stack); every failure must come back as an
//! error diagnostic; and whatever decodes must survive a round trip. Seeded,
//! so a failure repeats; `cargo +nightly fuzz run msgpack_decode` (fuzz/)
//! explores further.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{decode_value, proto};
use crate::protocol::diagnostics::Severity;
use crate::protocol::msgpack;
use crate::protocol::value::{Number, Type, Value};

const CASES: usize = 150_000;
const SEED: u64 = 0x7e55_a1d0;

/// The schema shapes requests are decoded as: scalars, collections,
/// objects with nested blocks, dynamic values.
fn types() -> Vec<Type> {
    let object = |members: Vec<(&str, Type)>| Type::Object(members.into_iter().map(|(k, t)| (k.to_string(), t)).collect());
    let list = |t: Type| Type::List(Box::new(t));
    let block = object(vec![("name", Type::String), ("values", Type::String), ("tags", Type::Set(Box::new(Type::String)))]);
    vec![
        object(vec![
            ("id", Type::String),
            ("size", Type::Number),
            ("enabled", Type::Bool),
            ("labels", Type::Map(Box::new(Type::String))),
            ("any", Type::Dynamic),
            ("pack", list(block.clone())),
            ("rules", list(Type::Tuple(vec![Type::Number, Type::Dynamic]))),
        ]),
        list(list(block)),
        Type::Dynamic,
        Type::Set(Box::new(Type::Number)),
        Type::String,
    ]
}

fn random_text(rng: &mut StdRng) -> String {
    const PIECES: [&str; 10] = ["a", "Z", "é", "\u{0}", "\"", "\\", "{{ .x }}", "日本", "\n", "💥"];
    (0..rng.random_range(0..6)).map(|_| PIECES[rng.random_range(0..PIECES.len())]).collect()
}

fn random_number(rng: &mut StdRng) -> Number {
    match rng.random_range(0..4) {
        0 => Number::Int(rng.random_range(-1000..1000)),
        1 => Number::Int(rng.random()),
        2 => Number::from(rng.random_range(-1e12..1e12)),
        _ => Number::Decimal(format!("{}{}", rng.random_range(1..9), "7".repeat(rng.random_range(20..30)))),
    }
}

fn random_value(ty: &Type, rng: &mut StdRng, depth: usize) -> Value {
    if rng.random_ratio(1, 8) {
        return Value::Null;
    }
    let count = |rng: &mut StdRng| if depth > 3 { 0 } else { rng.random_range(0..4) };
    match ty {
        Type::String => Value::String(random_text(rng)),
        Type::Number => Value::Number(random_number(rng)),
        Type::Bool => Value::Bool(rng.random()),
        Type::Dynamic => {
            let inner = [Type::String, Type::Number, Type::List(Box::new(Type::Bool))][rng.random_range(0..3)].clone();
            let value = random_value(&inner, rng, depth + 1);
            Value::Dynamic(inner, Box::new(value))
        }
        Type::List(e) => Value::List((0..count(rng)).map(|_| random_value(e, rng, depth + 1)).collect()),
        Type::Set(e) => Value::Set((0..count(rng)).map(|_| random_value(e, rng, depth + 1)).collect()),
        Type::Map(e) => Value::Map((0..count(rng)).map(|_| (random_text(rng), random_value(e, rng, depth + 1))).collect::<BTreeMap<_, _>>()),
        Type::Object(members) => Value::Object(members.iter().map(|(k, t)| (k.clone(), random_value(t, rng, depth + 1))).collect()),
        Type::Tuple(elements) => Value::Tuple(elements.iter().map(|t| random_value(t, rng, depth + 1)).collect()),
    }
}

/// Bytes that mean something to either format, for insertions.
const MSGPACK_MARKERS: [u8; 16] = [0xc0, 0xc2, 0xc3, 0xc4, 0xc7, 0xca, 0xcb, 0xcf, 0xd3, 0xd4, 0xd9, 0xdc, 0xdd, 0xde, 0xdf, 0xff];
const JSON_TOKENS: [&str; 12] = ["{", "}", "[", "]", "\"", ":", ",", "null", "1e999", "-0", "\\u0000", "\"value\":"];

fn mutate(bytes: &mut Vec<u8>, rng: &mut StdRng, json: bool) {
    for _ in 0..rng.random_range(1..5) {
        let at = if bytes.is_empty() { 0 } else { rng.random_range(0..bytes.len()) };
        match rng.random_range(0..7) {
            0 if !bytes.is_empty() => bytes[at] ^= 1 << rng.random_range(0..8),
            1 if !bytes.is_empty() => bytes[at] = rng.random(),
            2 => bytes.insert(at, MSGPACK_MARKERS[rng.random_range(0..MSGPACK_MARKERS.len())]),
            3 if json => {
                let token = JSON_TOKENS[rng.random_range(0..JSON_TOKENS.len())];
                bytes.splice(at..at, token.bytes());
            }
            4 if !bytes.is_empty() => {
                bytes.remove(at);
            }
            5 => bytes.truncate(at),
            _ if !bytes.is_empty() => {
                // Duplicate a slice: repeated headers, lengths that lie.
                let end = (at + rng.random_range(1..8)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy);
            }
            _ => bytes.push(rng.random()),
        }
    }
}

/// Decodes `bytes` as a request's value and checks the outcome; true when it decoded.
fn check(bytes: &[u8], ty: &Type, json: bool) -> bool {
    let dynamic = if json {
        proto::DynamicValue { msgpack: Vec::new(), json: bytes.to_vec() }
    } else {
        proto::DynamicValue { msgpack: bytes.to_vec(), json: Vec::new() }
    };
    match decode_value(Some(&dynamic), ty, "resource configuration") {
        Ok(value) => {
            let encoded = msgpack::encode(&value, ty);
            let again = msgpack::decode(&encoded, ty).unwrap_or_else(|e| panic!("a decoded value does not decode after encoding: {e}"));
            assert_eq!(msgpack::encode(&again, ty), encoded, "the round trip changed the value");
            true
        }
        Err(diagnostic) => {
            assert_eq!(diagnostic.severity, Severity::Error);
            assert_eq!(diagnostic.summary, "Invalid resource configuration received from Terraform");
            assert!(diagnostic.detail.contains("could not decode"), "{}", diagnostic.detail);
            false
        }
    }
}

#[test]
fn decoders_survive_random_and_mutated_inputs() {
    let types = types();
    let mut rng = StdRng::seed_from_u64(SEED);
    let started = Instant::now();
    let (mut decoded, mut refused) = (0usize, 0usize);
    for case in 0..CASES {
        let ty = &types[case % types.len()];
        let json = case % 2 == 1;
        let bytes = match rng.random_range(0..8) {
            0 => (0..rng.random_range(0..48)).map(|_| rng.random()).collect(),
            _ => {
                let value = random_value(ty, &mut rng, 0);
                let mut bytes = if json { crate::protocol::json::encode(&value, ty).expect("known values encode") } else { msgpack::encode(&value, ty) };
                if rng.random_ratio(7, 8) {
                    mutate(&mut bytes, &mut rng, json);
                }
                bytes
            }
        };
        // Decoded as the type it was made for, and as another one.
        let other = &types[rng.random_range(0..types.len())];
        for ty in [ty, other] {
            match catch_unwind(AssertUnwindSafe(|| check(&bytes, ty, json))) {
                Ok(true) => decoded += 1,
                Ok(false) => refused += 1,
                Err(panic) => {
                    let message = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
                    panic!("case {case} ({}) as {ty:?} panicked: {message:?}\ninput: {bytes:02x?}", if json { "JSON" } else { "msgpack" });
                }
            }
        }
    }
    let elapsed = started.elapsed();
    println!("{CASES} inputs, {} decodes ({decoded} accepted, {refused} refused) in {:.2}s", decoded + refused, elapsed.as_secs_f64());
    assert!(decoded > CASES / 20 && refused > CASES / 2, "the inputs exercise both outcomes: {decoded} accepted, {refused} refused");
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    for ty in [Type::Dynamic, Type::List(Box::new(Type::Dynamic))] {
        let mut msgpack_bytes = vec![0x91; 100_000];
        msgpack_bytes.push(0xc0);
        assert!(!check(&msgpack_bytes, &ty, false));
        let json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(!check(json.as_bytes(), &ty, true));
        let dynamic = format!("{}null{}", r#"{"value":"#.repeat(50_000), r#","type":"dynamic"}"#.repeat(50_000));
        assert!(!check(dynamic.as_bytes(), &ty, true));
    }
}
