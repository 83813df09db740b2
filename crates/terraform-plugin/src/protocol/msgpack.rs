//! The msgpack encoding of `DynamicValue`s, driven by the schema type (the
//! wire format of go-cty's msgpack codec, which Terraform runs):
//! null = nil, unknown = extension (we send `d4 00 00`; any extension type is
//! read as unknown, type 12 carrying refinements), numbers as int, float64 or
//! decimal string, objects as maps listing every attribute, dynamic values as
//! `[type JSON, value]`.

use std::collections::BTreeMap;

use super::conform::{conform, Conformed};
use super::error::CodecError;
use super::numbers::{wire_form, WireNumber};
use super::types::{type_from_json_bytes, type_to_json_bytes};
use super::value::{Number, Refinements, Type, Value};
use crate::protocol::diagnostics::PathStep;

/// Nesting deeper than this is refused. Schema types are far shallower; only
/// hostile input nests dynamic values this deep, and it must not exhaust the stack.
pub(crate) const MAX_DEPTH: usize = 100;

/// The extension type cty uses for unknown values that carry refinements.
const REFINED_UNKNOWN_EXT: i8 = 12;

/// Encodes `value` as `ty`. Values that do not fit `ty` are sent with their
/// own type (and a warning is logged) so that Terraform names the mismatch.
pub fn encode(value: &Value, ty: &Type) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    write_value(&mut out, value, ty);
    out
}

fn write_value(out: &mut Vec<u8>, value: &Value, ty: &Type) {
    match conform(value, ty) {
        Conformed::Null => out.push(0xc0),
        Conformed::Unknown => out.extend_from_slice(&[0xd4, 0x00, 0x00]),
        Conformed::String(s) => write_str(out, &s),
        Conformed::Number(n) => write_number(out, &n),
        Conformed::Bool(b) => out.push(if b { 0xc3 } else { 0xc2 }),
        Conformed::Elements(elems) => {
            write_len(out, elems.len(), [0x90, 0xdc, 0xdd], 16);
            for (elem, elem_ty) in elems {
                write_value(out, elem, elem_ty);
            }
        }
        Conformed::Members(members) => {
            write_len(out, members.len(), [0x80, 0xde, 0xdf], 16);
            for (key, member, member_ty) in members {
                write_str(out, key);
                write_value(out, member, member_ty);
            }
        }
        Conformed::Dynamic { ty, value } => {
            out.push(0x92);
            write_bin(out, &type_to_json_bytes(&ty));
            write_value(out, value, &ty);
        }
        Conformed::Retyped(actual) => write_value(out, value, &actual),
    }
}

fn write_number(out: &mut Vec<u8>, number: &Number) {
    match wire_form(number) {
        WireNumber::Int(i) => write_int(out, i),
        WireNumber::Float(f) => {
            out.push(0xcb);
            out.extend_from_slice(&f.to_be_bytes());
        }
        WireNumber::Text(text) => write_str(out, &text),
    }
}

fn write_int(out: &mut Vec<u8>, i: i64) {
    match i {
        -32..=127 => out.push(i as u8),
        128..=0xff => out.extend_from_slice(&[0xcc, i as u8]),
        0x100..=0xffff => {
            out.push(0xcd);
            out.extend_from_slice(&(i as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(0xce);
            out.extend_from_slice(&(i as u32).to_be_bytes());
        }
        -0x80..=-33 => out.extend_from_slice(&[0xd0, i as u8]),
        -0x8000..=-0x81 => {
            out.push(0xd1);
            out.extend_from_slice(&(i as i16).to_be_bytes());
        }
        -0x8000_0000..=-0x8001 => {
            out.push(0xd2);
            out.extend_from_slice(&(i as i32).to_be_bytes());
        }
        _ => {
            out.push(0xd3);
            out.extend_from_slice(&i.to_be_bytes());
        }
    }
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    if s.len() < 32 {
        out.push(0xa0 | s.len() as u8);
    } else {
        write_len(out, s.len(), [0xd9, 0xda, 0xdb], 0x100);
    }
    out.extend_from_slice(s.as_bytes());
}

fn write_bin(out: &mut Vec<u8>, data: &[u8]) {
    write_len(out, data.len(), [0xc4, 0xc5, 0xc6], 0x100);
    out.extend_from_slice(data);
}

/// Writes a length header: `markers` are the fix/8-bit, 16-bit and 32-bit
/// forms. A fix form (array/map, `fix_limit` 16) ORs the length into the
/// marker; otherwise (`fix_limit` 0x100) the first marker takes an 8-bit length.
fn write_len(out: &mut Vec<u8>, len: usize, markers: [u8; 3], fix_limit: usize) {
    let len32 = u32::try_from(len).expect("msgpack lengths are limited to 32 bits; gRPC messages are far smaller");
    if len < fix_limit {
        if fix_limit == 16 {
            out.push(markers[0] | len as u8);
        } else {
            out.extend_from_slice(&[markers[0], len as u8]);
        }
    } else if len <= 0xffff {
        out.push(markers[1]);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(markers[2]);
        out.extend_from_slice(&len32.to_be_bytes());
    }
}

/// Decodes msgpack as `ty`. Object attributes missing from the input decode
/// as null and attributes the type does not have are skipped.
pub fn decode(bytes: &[u8], ty: &Type) -> Result<Value, CodecError> {
    let mut reader = Reader { buf: bytes, pos: 0 };
    let value = reader.value(ty, 0)?;
    if reader.pos != bytes.len() {
        return Err(CodecError::new(format!("{} unexpected bytes after the value", bytes.len() - reader.pos)));
    }
    Ok(value)
}

/// One msgpack item header; strings, binaries and extensions include their data.
enum Item<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    /// Unsigned values above `i64::MAX`.
    BigUint(u64),
    Float(f64),
    Str(&'a [u8]),
    Bin(&'a [u8]),
    Array(usize),
    Map(usize),
    Ext(i8, &'a [u8]),
}

impl Item<'_> {
    fn describe(&self) -> &'static str {
        match self {
            Item::Nil => "nil",
            Item::Bool(_) => "a bool",
            Item::Int(_) | Item::BigUint(_) => "an integer",
            Item::Float(_) => "a float",
            Item::Str(_) => "a string",
            Item::Bin(_) => "binary data",
            Item::Array(_) => "an array",
            Item::Map(_) => "a map",
            Item::Ext(..) => "an extension",
        }
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self.pos.checked_add(n).filter(|&end| end <= self.buf.len());
        let end = end.ok_or_else(|| CodecError::new("unexpected end of msgpack data"))?;
        let data = &self.buf[self.pos..end];
        self.pos = end;
        Ok(data)
    }

    fn byte(&mut self) -> Result<u8, CodecError> {
        Ok(self.take(1)?[0])
    }

    fn uint(&mut self, width: usize) -> Result<u64, CodecError> {
        Ok(self.take(width)?.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    fn sized(&mut self, width: usize) -> Result<&'a [u8], CodecError> {
        let len = self.uint(width)? as usize;
        self.take(len)
    }

    fn ext(&mut self, len: usize) -> Result<Item<'a>, CodecError> {
        let ext_type = self.byte()? as i8;
        Ok(Item::Ext(ext_type, self.take(len)?))
    }

    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn item(&mut self) -> Result<Item<'a>, CodecError> {
        let marker = self.byte()?;
        Ok(match marker {
            0x00..=0x7f => Item::Int(i64::from(marker)),
            0x80..=0x8f => Item::Map(usize::from(marker & 0x0f)),
            0x90..=0x9f => Item::Array(usize::from(marker & 0x0f)),
            0xa0..=0xbf => Item::Str(self.take(usize::from(marker & 0x1f))?),
            0xc0 => Item::Nil,
            0xc2 => Item::Bool(false),
            0xc3 => Item::Bool(true),
            0xc4 => Item::Bin(self.sized(1)?),
            0xc5 => Item::Bin(self.sized(2)?),
            0xc6 => Item::Bin(self.sized(4)?),
            0xc7 => {
                let len = self.uint(1)? as usize;
                self.ext(len)?
            }
            0xc8 => {
                let len = self.uint(2)? as usize;
                self.ext(len)?
            }
            0xc9 => {
                let len = self.uint(4)? as usize;
                self.ext(len)?
            }
            0xca => Item::Float(f64::from(f32::from_bits(self.uint(4)? as u32))),
            0xcb => Item::Float(f64::from_bits(self.uint(8)?)),
            0xcc => Item::Int(self.uint(1)? as i64),
            0xcd => Item::Int(self.uint(2)? as i64),
            0xce => Item::Int(self.uint(4)? as i64),
            0xcf => match self.uint(8)? {
                u if u > i64::MAX as u64 => Item::BigUint(u),
                u => Item::Int(u as i64),
            },
            0xd0 => Item::Int(i64::from(self.uint(1)? as u8 as i8)),
            0xd1 => Item::Int(i64::from(self.uint(2)? as u16 as i16)),
            0xd2 => Item::Int(i64::from(self.uint(4)? as u32 as i32)),
            0xd3 => Item::Int(self.uint(8)? as i64),
            0xd4 => self.ext(1)?,
            0xd5 => self.ext(2)?,
            0xd6 => self.ext(4)?,
            0xd7 => self.ext(8)?,
            0xd8 => self.ext(16)?,
            0xd9 => Item::Str(self.sized(1)?),
            0xda => Item::Str(self.sized(2)?),
            0xdb => Item::Str(self.sized(4)?),
            0xdc => Item::Array(self.uint(2)? as usize),
            0xdd => Item::Array(self.uint(4)? as usize),
            0xde => Item::Map(self.uint(2)? as usize),
            0xdf => Item::Map(self.uint(4)? as usize),
            0xe0..=0xff => Item::Int(i64::from(marker as i8)),
            0xc1 => return Err(CodecError::new("invalid msgpack marker 0xc1")),
        })
    }

    /// Skips one complete value without building it (iteratively, so hostile
    /// nesting cannot exhaust the stack).
    fn skip(&mut self) -> Result<(), CodecError> {
        let mut pending: usize = 1;
        while pending > 0 {
            pending -= 1;
            let nested = match self.item()? {
                Item::Array(n) => n,
                Item::Map(n) => n.saturating_mul(2),
                _ => 0,
            };
            pending = pending.saturating_add(nested);
            if pending > self.remaining() {
                return Err(CodecError::new("unexpected end of msgpack data"));
            }
        }
        Ok(())
    }

    fn string(&mut self) -> Result<String, CodecError> {
        match self.item()? {
            Item::Str(bytes) => utf8(bytes),
            other => Err(CodecError::new(format!("expected a string, found {}", other.describe()))),
        }
    }

    fn value(&mut self, ty: &Type, depth: usize) -> Result<Value, CodecError> {
        if depth > MAX_DEPTH {
            return Err(CodecError::new("value nested too deeply"));
        }
        match self.item()? {
            Item::Nil => Ok(Value::Null),
            Item::Ext(ext_type, body) => Ok(Value::Unknown(if ext_type == REFINED_UNKNOWN_EXT {
                refinements(body)
            } else {
                Refinements::default()
            })),
            item => self.known(item, ty, depth),
        }
    }

    fn known(&mut self, item: Item<'a>, ty: &Type, depth: usize) -> Result<Value, CodecError> {
        let mismatch = |item: &Item| CodecError::new(format!("expected {}, found {}", describe_type(ty), item.describe()));
        match (ty, item) {
            (Type::String, Item::Str(bytes)) => Ok(Value::String(utf8(bytes)?)),
            (Type::Bool, Item::Bool(b)) => Ok(Value::Bool(b)),
            (Type::Number, Item::Int(i)) => Ok(Value::Number(Number::Int(i))),
            (Type::Number, Item::BigUint(u)) => Ok(Value::Number(Number::Decimal(u.to_string()))),
            (Type::Number, Item::Float(f)) if f.is_nan() => Err(CodecError::new("NaN is not a number")),
            (Type::Number, Item::Float(f)) => Ok(Value::Number(Number::from(f))),
            (Type::Number, Item::Str(bytes)) => {
                let text = utf8(bytes)?;
                Number::parse(&text)
                    .map(Value::Number)
                    .ok_or_else(|| CodecError::new("expected a number, found a string that is not one"))
            }
            (Type::Dynamic, Item::Array(2)) => {
                let type_json = match self.item()? {
                    Item::Str(bytes) | Item::Bin(bytes) => bytes,
                    other => return Err(CodecError::new(format!("expected a type description, found {}", other.describe()))),
                };
                let inner_ty = type_from_json_bytes(type_json).map_err(|e| CodecError::new(e.to_string()))?;
                let inner = self.value(&inner_ty, depth + 1)?;
                Ok(Value::Dynamic(inner_ty, Box::new(inner)))
            }
            (Type::List(elem_ty), Item::Array(n)) => Ok(Value::List(self.elements(n, |_| &**elem_ty, depth)?)),
            (Type::Set(elem_ty), Item::Array(n)) => Ok(Value::Set(self.elements(n, |_| &**elem_ty, depth)?)),
            (Type::Tuple(elem_tys), Item::Array(n)) if n == elem_tys.len() => {
                Ok(Value::Tuple(self.elements(n, |i| &elem_tys[i], depth)?))
            }
            (Type::Map(elem_ty), Item::Map(n)) => {
                let mut members = BTreeMap::new();
                for _ in 0..n {
                    let key = self.string()?;
                    let member = self.value(elem_ty, depth + 1).map_err(|e| e.within(PathStep::Key(key.clone())))?;
                    members.insert(key, member);
                }
                Ok(Value::Map(members))
            }
            (Type::Object(attrs), Item::Map(n)) => {
                let mut members = BTreeMap::new();
                for _ in 0..n {
                    let key = self.string()?;
                    match attrs.get(&key) {
                        Some(attr_ty) => {
                            let member = self
                                .value(attr_ty, depth + 1)
                                .map_err(|e| e.within(PathStep::Attribute(key.clone())))?;
                            members.insert(key, member);
                        }
                        None => self.skip()?,
                    }
                }
                for name in attrs.keys() {
                    members.entry(name.clone()).or_insert(Value::Null);
                }
                Ok(Value::Object(members))
            }
            (_, item) => Err(mismatch(&item)),
        }
    }

    fn elements<'t>(
        &mut self,
        count: usize,
        elem_ty: impl Fn(usize) -> &'t Type,
        depth: usize,
    ) -> Result<Vec<Value>, CodecError> {
        // Every element takes at least one byte: never trust a length beyond that.
        if count > self.remaining() {
            return Err(CodecError::new("unexpected end of msgpack data"));
        }
        let mut elems = Vec::with_capacity(count);
        for i in 0..count {
            let elem = self.value(elem_ty(i), depth + 1).map_err(|e| e.within(PathStep::Index(i as i64)))?;
            elems.push(elem);
        }
        Ok(elems)
    }
}

fn utf8(bytes: &[u8]) -> Result<String, CodecError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| CodecError::new("string is not valid UTF-8"))
}

fn describe_type(ty: &Type) -> String {
    String::from_utf8_lossy(&type_to_json_bytes(ty)).into_owned()
}

/// Reads the body of a refined unknown (a map keyed by small integers).
/// Refinements are advisory: whatever cannot be read is left out.
fn refinements(body: &[u8]) -> Refinements {
    let mut refinements = Refinements::default();
    let mut reader = Reader { buf: body, pos: 0 };
    let Ok(Item::Map(count)) = reader.item() else {
        return refinements;
    };
    for _ in 0..count {
        let Ok(Item::Int(key)) = reader.item() else {
            break;
        };
        let read = match key {
            1 => reader.item().map(|item| {
                if let Item::Bool(is_null) = item {
                    refinements.nullable = Some(is_null);
                }
            }),
            2 => reader.string().map(|prefix| refinements.string_prefix = Some(prefix)),
            3 | 4 => reader.number_bound().map(|bound| {
                if key == 3 {
                    refinements.number_lower = bound;
                } else {
                    refinements.number_upper = bound;
                }
            }),
            5 | 6 => reader.item().map(|item| {
                if let Item::Int(len) = item {
                    if key == 5 {
                        refinements.length_min = Some(len);
                    } else {
                        refinements.length_max = Some(len);
                    }
                }
            }),
            _ => reader.skip(),
        };
        if read.is_err() {
            break;
        }
    }
    refinements
}

impl Reader<'_> {
    /// A refinement bound: `[number, inclusive]`.
    fn number_bound(&mut self) -> Result<Option<(Number, bool)>, CodecError> {
        if !matches!(self.item()?, Item::Array(2)) {
            return Ok(None);
        }
        let number = self.value(&Type::Number, MAX_DEPTH)?;
        let inclusive = self.item()?;
        Ok(match (number, inclusive) {
            (Value::Number(n), Item::Bool(inclusive)) => Some((n, inclusive)),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(members: &[(&str, Value)]) -> Value {
        Value::Object(members.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn object_type(members: &[(&str, Type)]) -> Type {
        Type::Object(members.iter().map(|(k, t)| (k.to_string(), t.clone())).collect())
    }

    #[test]
    fn unknown_is_the_one_byte_extension_zero() {
        assert_eq!(encode(&Value::unknown(), &Type::String), vec![0xd4, 0x00, 0x00]);
    }

    #[test]
    fn every_object_attribute_is_written_in_key_order() {
        let ty = object_type(&[("id", Type::String), ("name", Type::String), ("size", Type::Number)]);
        let value = object(&[("name", Value::string("a"))]);
        let bytes = encode(&value, &ty);
        let expected = [
            &[0x83][..],
            &[0xa2, b'i', b'd', 0xc0],
            &[0xa4, b'n', b'a', b'm', b'e', 0xa1, b'a'],
            &[0xa4, b's', b'i', b'z', b'e', 0xc0],
        ]
        .concat();
        assert_eq!(bytes, expected);
    }

    #[test]
    fn integers_use_the_smallest_form() {
        for (i, expected) in [
            (5i64, vec![0x05]),
            (-3, vec![0xfd]),
            (200, vec![0xcc, 200]),
            (-100, vec![0xd0, 0x9c]),
            (70000, vec![0xce, 0x00, 0x01, 0x11, 0x70]),
            (-40000, vec![0xd2, 0xff, 0xff, 0x63, 0xc0]),
            (i64::MIN, [&[0xd3][..], &i64::MIN.to_be_bytes()].concat()),
        ] {
            let bytes = encode(&Value::int(i), &Type::Number);
            assert_eq!(bytes, expected, "{i}");
            assert_eq!(decode(&bytes, &Type::Number).unwrap(), Value::int(i));
        }
    }

    #[test]
    fn inexact_floats_travel_as_decimal_text() {
        assert_eq!(encode(&Value::Number(Number::Float(0.1)), &Type::Number), vec![0xa3, b'0', b'.', b'1']);
        let half = encode(&Value::Number(Number::Float(0.5)), &Type::Number);
        assert_eq!(half, [&[0xcb][..], &0.5f64.to_be_bytes()].concat());
        let decoded = decode(&[0xa3, b'0', b'.', b'1'], &Type::Number).unwrap();
        assert_eq!(decoded.as_f64(), Some(0.1));
    }

    #[test]
    fn dynamic_values_carry_their_type() {
        let value = Value::Dynamic(Type::List(Box::new(Type::String)), Box::new(Value::List(vec![Value::string("x")])));
        let bytes = encode(&value, &Type::Dynamic);
        let type_json = br#"["list","string"]"#;
        let expected = [&[0x92, 0xc4, type_json.len() as u8][..], type_json, &[0x91, 0xa1, b'x']].concat();
        assert_eq!(bytes, expected);
        assert_eq!(decode(&bytes, &Type::Dynamic).unwrap(), value);
        // Terraform may also send the type as a string.
        let as_str = [&[0x92, 0xa0 | type_json.len() as u8][..], type_json, &[0x91, 0xa1, b'x']].concat();
        assert_eq!(decode(&as_str, &Type::Dynamic).unwrap(), value);
    }

    #[test]
    fn any_extension_decodes_as_unknown_and_refinements_are_read() {
        assert!(decode(&[0xd4, 0x00, 0x00], &Type::String).unwrap().is_unknown());
        assert!(decode(&[0xd5, 0x07, 0x01, 0x02], &Type::Number).unwrap().is_unknown());
        // ext 12 {1: false, 2: "ab", 3: [1, true], 6: 10, 9: "ignored"}
        let body = [
            &[0x85, 0x01, 0xc2, 0x02, 0xa2, b'a', b'b', 0x03, 0x92, 0x01, 0xc3, 0x06, 0x0a, 0x09][..],
            &[0xa7, b'i', b'g', b'n', b'o', b'r', b'e', b'd'],
        ]
        .concat();
        let bytes = [&[0xc7, body.len() as u8, 12][..], &body].concat();
        let Value::Unknown(r) = decode(&bytes, &Type::String).unwrap() else { panic!("expected unknown") };
        assert_eq!(r.nullable, Some(false));
        assert_eq!(r.string_prefix.as_deref(), Some("ab"));
        assert_eq!(r.number_lower, Some((Number::Int(1), true)));
        assert_eq!(r.length_max, Some(10));
        assert_eq!(r.number_upper, None);
    }

    #[test]
    fn objects_decode_leniently() {
        let ty = object_type(&[("a", Type::String), ("b", Type::Bool)]);
        // {"a": "x", "extra": [1, {"k": 2}]}: b missing, extra skipped.
        let bytes = [0x82, 0xa1, b'a', 0xa1, b'x', 0xa5, b'e', b'x', b't', b'r', b'a', 0x92, 0x01, 0x81, 0xa1, b'k', 0x02];
        let decoded = decode(&bytes, &ty).unwrap();
        assert_eq!(decoded, object(&[("a", Value::string("x")), ("b", Value::Null)]));
    }

    #[test]
    fn type_mismatches_name_the_path() {
        let ty = object_type(&[("tags", Type::List(Box::new(Type::String)))]);
        let bytes = [0x81, 0xa4, b't', b'a', b'g', b's', 0x92, 0xa1, b'x', 0x05];
        let err = decode(&bytes, &ty).unwrap_err();
        assert_eq!(err.to_string(), r#"expected "string", found an integer (at tags[1])"#);
    }

    #[test]
    fn malformed_input_is_an_error() {
        let list = Type::List(Box::new(Type::Number));
        for bad in [&[][..], &[0xc1], &[0x92, 0x01], &[0xdd, 0xff, 0xff, 0xff, 0xff], &[0xa5, b'a'], &[0x01], &[0x90, 0x90]] {
            assert!(decode(bad, &list).is_err(), "{bad:02x?}");
        }
        assert!(decode(&[0xa1, 0xff], &Type::String).is_err());
        assert!(decode(&[0xa3, b'1', b'x', b'2'], &Type::Number).is_err());
        assert!(decode(&[&[0xcb][..], &f64::NAN.to_be_bytes()].concat(), &Type::Number).is_err());
    }

    #[test]
    fn hostile_dynamic_nesting_is_refused_not_overflowed() {
        let type_json = br#""dynamic""#;
        let mut bytes = Vec::new();
        for _ in 0..10_000 {
            bytes.extend_from_slice(&[0x92, 0xc4, type_json.len() as u8]);
            bytes.extend_from_slice(type_json);
        }
        bytes.push(0xc0);
        assert_eq!(decode(&bytes, &Type::Dynamic).unwrap_err().message, "value nested too deeply");
        let deep_skip = [&[0x81, 0xa1, b'z'][..], &vec![0x91; 100_000], &[0xc0]].concat();
        assert!(decode(&deep_skip, &object_type(&[])).is_ok());
    }
}
