//! Typed models: [`from_value`] reads a [`Value`] into any `Deserialize`
//! type and [`to_value`] turns a `Serialize` type into a value of a schema
//! type. The framework uses them through [`Model`] to hand resources their
//! state, plan and configuration typed; implementations use them directly for
//! the whole values a plan hook or a configuration check sees.
//!
//! Reading: null becomes `None` for options and the type's empty value
//! otherwise (`""`, `0`, `false`, empty collections, a struct of defaults);
//! object attributes the model does not name are ignored; an unknown value is
//! an error naming its path (plans carry unknowns: read those with `Value`).
//!
//! Writing: keys the type has but the model lacks become null, `None`
//! becomes null, `Vec` fills lists, sets and LIST/SET blocks, maps fill maps,
//! numbers become numbers (also from numeric strings); a model field that the
//! type does not have is an error.

use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::Value as Json;

use super::conform::parse_number;
use crate::protocol::diagnostics::{AttributePath, Diagnostic};
use crate::protocol::value::{Number, Type, Value};

/// A value that does not fit the model or the type, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvertError {
    pub path: AttributePath,
    pub message: String,
    located: bool,
}

impl ConvertError {
    fn at(path: &AttributePath, message: impl Into<String>) -> Self {
        ConvertError { path: path.clone(), message: message.into(), located: true }
    }

    /// Gives an error raised by a visitor (which knows no path) its path.
    fn locate(mut self, path: &AttributePath) -> Self {
        if !self.located {
            self.path = path.clone();
            self.located = true;
        }
        self
    }
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.0.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ConvertError {}

impl de::Error for ConvertError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        ConvertError { path: AttributePath::root(), message: message.to_string(), located: false }
    }
}

impl From<ConvertError> for Diagnostic {
    fn from(error: ConvertError) -> Self {
        let diagnostic = Diagnostic::error("Unexpected value", format!("{error}. This is a bug in the provider."));
        if error.path.0.is_empty() {
            diagnostic
        } else {
            diagnostic.at(error.path)
        }
    }
}

/// Reads `value` into `T`.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, ConvertError> {
    let root = AttributePath::root();
    T::deserialize(ValueDeserializer { value, path: root.clone() }).map_err(|e| e.locate(&root))
}

/// Reads a planned object into `T`, taking values still unknown (the ones
/// the resource is about to compute) as null. Create and update read their
/// plan with it: unlike the configuration, the plan carries defaults.
pub fn from_planned<T: DeserializeOwned>(planned: &Value) -> Result<T, ConvertError> {
    from_value(&unknowns_as_null(planned))
}

fn unknowns_as_null(value: &Value) -> Value {
    match value {
        Value::Unknown(_) => Value::Null,
        Value::List(items) => Value::List(items.iter().map(unknowns_as_null).collect()),
        Value::Set(items) => Value::Set(items.iter().map(unknowns_as_null).collect()),
        Value::Tuple(items) => Value::Tuple(items.iter().map(unknowns_as_null).collect()),
        Value::Map(items) => Value::Map(items.iter().map(|(k, v)| (k.clone(), unknowns_as_null(v))).collect()),
        Value::Object(items) => Value::Object(items.iter().map(|(k, v)| (k.clone(), unknowns_as_null(v))).collect()),
        Value::Dynamic(ty, inner) => Value::Dynamic(ty.clone(), Box::new(unknowns_as_null(inner))),
        other => other.clone(),
    }
}

/// What a resource, data source or ephemeral resource works with: the
/// framework reads requests into it and turns what the implementation returns
/// back into a value of the schema's type. Every serde type is a model (read
/// with [`from_value`] and [`from_planned`], written with [`to_value`]); so is
/// [`Value`] itself, for implementations that need the raw object (a plan's
/// unknowns, a partial result).
pub trait Model: Sized + Send + Sync + 'static {
    /// From a state or a configuration (wholly known).
    fn from_state(value: &Value) -> Result<Self, ConvertError>;
    /// From a planned object: values still unknown read as null.
    fn from_plan(planned: &Value) -> Result<Self, ConvertError>;
    fn to_state(&self, ty: &Type) -> Result<Value, ConvertError>;
}

impl<T: Serialize + DeserializeOwned + Send + Sync + 'static> Model for T {
    fn from_state(value: &Value) -> Result<Self, ConvertError> {
        from_value(value)
    }

    fn from_plan(planned: &Value) -> Result<Self, ConvertError> {
        from_planned(planned)
    }

    fn to_state(&self, ty: &Type) -> Result<Value, ConvertError> {
        to_value(self, ty)
    }
}

impl Model for Value {
    fn from_state(value: &Value) -> Result<Self, ConvertError> {
        Ok(value.clone())
    }

    fn from_plan(planned: &Value) -> Result<Self, ConvertError> {
        Ok(planned.clone())
    }

    fn to_state(&self, _ty: &Type) -> Result<Value, ConvertError> {
        Ok(self.clone())
    }
}

/// Turns `model` into a value of type `ty`.
pub fn to_value<T: Serialize>(model: &T, ty: &Type) -> Result<Value, ConvertError> {
    let root = AttributePath::root();
    let json = serde_json::to_value(model).map_err(|e| ConvertError::at(&root, e.to_string()))?;
    from_json(&json, ty, &root)
}

fn from_json(json: &Json, ty: &Type, path: &AttributePath) -> Result<Value, ConvertError> {
    let mismatch = || ConvertError::at(path, format!("expected {}, found {}", type_name(ty), json_kind(json)));
    Ok(match (ty, json) {
        (_, Json::Null) => Value::Null,
        (Type::String, Json::String(s)) => Value::String(s.clone()),
        (Type::String, Json::Number(n)) => Value::String(n.to_string()),
        (Type::String, Json::Bool(b)) => Value::String(b.to_string()),
        (Type::Number, Json::Number(n)) => Value::Number(json_number(n)),
        (Type::Number, Json::String(s)) => Value::Number(parse_number(s).ok_or_else(mismatch)?),
        (Type::Bool, Json::Bool(b)) => Value::Bool(*b),
        (Type::Bool, Json::String(s)) => Value::Bool(s.parse().map_err(|_| mismatch())?),
        (Type::List(t), Json::Array(items)) => {
            Value::List(items.iter().enumerate().map(|(i, item)| from_json(item, t, &path.clone().index(i))).collect::<Result<_, _>>()?)
        }
        (Type::Set(t), Json::Array(items)) => {
            let mut elements: Vec<Value> = Vec::with_capacity(items.len());
            for item in items {
                let element = from_json(item, t, path)?;
                if !elements.contains(&element) {
                    elements.push(element);
                }
            }
            Value::Set(elements)
        }
        (Type::Map(t), Json::Object(items)) => Value::Map(
            items
                .iter()
                .map(|(k, item)| Ok((k.clone(), from_json(item, t, &path.clone().key(k))?)))
                .collect::<Result<_, ConvertError>>()?,
        ),
        (Type::Object(members), Json::Object(items)) => {
            if let Some(extra) = items.keys().find(|k| !members.contains_key(*k)) {
                return Err(ConvertError::at(&path.clone().attribute(extra), "the schema has no such attribute"));
            }
            Value::Object(
                members
                    .iter()
                    .map(|(k, t)| Ok((k.clone(), from_json(items.get(k).unwrap_or(&Json::Null), t, &path.clone().attribute(k))?)))
                    .collect::<Result<_, ConvertError>>()?,
            )
        }
        (Type::Tuple(types), Json::Array(items)) if types.len() == items.len() => Value::Tuple(
            types
                .iter()
                .zip(items)
                .enumerate()
                .map(|(i, (t, item))| from_json(item, t, &path.clone().index(i)))
                .collect::<Result<_, _>>()?,
        ),
        _ => return Err(mismatch()),
    })
}

fn json_number(n: &serde_json::Number) -> Number {
    match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => Number::Int(i),
        (None, _) if n.is_u64() => Number::Decimal(n.to_string()),
        (None, Some(f)) => Number::from(f),
        (None, None) => Number::Decimal(n.to_string()),
    }
}

fn type_name(ty: &Type) -> &'static str {
    match ty {
        Type::String => "a string",
        Type::Number => "a number",
        Type::Bool => "a bool",
        Type::Dynamic => "a dynamic value (not supported by typed models)",
        Type::List(_) => "a list",
        Type::Set(_) => "a set",
        Type::Map(_) => "a map",
        Type::Object(_) => "an object",
        Type::Tuple(_) => "a tuple of matching length",
    }
}

fn json_kind(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool(_) => "a bool",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

struct ValueDeserializer<'a> {
    value: &'a Value,
    path: AttributePath,
}

impl ValueDeserializer<'_> {
    fn unknown_error(&self) -> ConvertError {
        ConvertError::at(&self.path, "the value is not known yet")
    }

    fn elements(self, items: &[Value], indexed: bool) -> Elements<'_> {
        Elements { items, next: 0, path: self.path, indexed }
    }
}

macro_rules! null_is_empty {
    ($($method:ident($visitor:ident) => $empty:expr;)*) => {$(
        fn $method<V: Visitor<'de>>(self, $visitor: V) -> Result<V::Value, ConvertError> {
            if self.value.is_null() { $empty } else { self.deserialize_any($visitor) }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'_> {
    type Error = ConvertError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConvertError> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Unknown(_) => Err(self.unknown_error()),
            Value::String(s) => visitor.visit_str(s),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(Number::Int(i)) => visitor.visit_i64(*i),
            Value::Number(Number::Float(f)) => visitor.visit_f64(*f),
            Value::Number(Number::Decimal(text)) => match text.parse::<u64>() {
                Ok(u) => visitor.visit_u64(u),
                Err(_) => visitor.visit_f64(text.parse().map_err(|_| ConvertError::at(&self.path, format!("{text:?} is not a number")))?),
            },
            Value::List(items) | Value::Tuple(items) => visitor.visit_seq(self.elements(items, true)),
            Value::Set(items) => visitor.visit_seq(self.elements(items, false)),
            Value::Map(items) => visitor.visit_map(Members::new(items.iter().map(|(k, v)| (k.as_str(), v)).collect(), self.path, true)),
            Value::Object(items) => visitor.visit_map(Members::new(items.iter().map(|(k, v)| (k.as_str(), v)).collect(), self.path, false)),
            Value::Dynamic(_, inner) => ValueDeserializer { value: inner, path: self.path }.deserialize_any(visitor),
        }
    }

    null_is_empty! {
        deserialize_bool(visitor) => visitor.visit_bool(false);
        deserialize_i8(visitor) => visitor.visit_i64(0);
        deserialize_i16(visitor) => visitor.visit_i64(0);
        deserialize_i32(visitor) => visitor.visit_i64(0);
        deserialize_i64(visitor) => visitor.visit_i64(0);
        deserialize_u8(visitor) => visitor.visit_u64(0);
        deserialize_u16(visitor) => visitor.visit_u64(0);
        deserialize_u32(visitor) => visitor.visit_u64(0);
        deserialize_u64(visitor) => visitor.visit_u64(0);
        deserialize_f32(visitor) => visitor.visit_f64(0.0);
        deserialize_f64(visitor) => visitor.visit_f64(0.0);
        deserialize_str(visitor) => visitor.visit_str("");
        deserialize_string(visitor) => visitor.visit_str("");
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConvertError> {
        match self.value {
            Value::Null => visitor.visit_seq(self.elements(&[], true)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConvertError> {
        match self.value {
            Value::Null => visitor.visit_map(Members::new(Vec::new(), self.path, true)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConvertError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            Value::Unknown(_) => Err(self.unknown_error()),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ConvertError> {
        match self.value {
            // Every field is offered, absent ones as null, so models need no
            // `#[serde(default)]` to read nulls.
            Value::Null | Value::Object(_) | Value::Map(_) => {
                let members = fields.iter().map(|f| (*f, self.value.get(f))).collect();
                visitor.visit_map(Members::new(members, self.path, false))
            }
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ConvertError> {
        match self.value {
            Value::String(s) => visitor.visit_enum(IntoDeserializer::<ConvertError>::into_deserializer(s.as_str())),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, ConvertError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ConvertError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        char bytes byte_buf unit unit_struct tuple tuple_struct identifier
    }
}

/// The elements of a list, set or tuple.
struct Elements<'a> {
    items: &'a [Value],
    next: usize,
    path: AttributePath,
    /// Sets have no element addresses: their errors point at the set.
    indexed: bool,
}

impl<'de> SeqAccess<'de> for Elements<'_> {
    type Error = ConvertError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, ConvertError> {
        let Some(item) = self.items.get(self.next) else { return Ok(None) };
        let path = if self.indexed { self.path.clone().index(self.next) } else { self.path.clone() };
        self.next += 1;
        seed.deserialize(ValueDeserializer { value: item, path: path.clone() }).map(Some).map_err(|e| e.locate(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

/// The members of a map or object (or the fields of a struct being read).
struct Members<'a> {
    entries: std::vec::IntoIter<(&'a str, &'a Value)>,
    pending: Option<(&'a str, &'a Value)>,
    path: AttributePath,
    /// Map keys versus object attribute names, for error paths.
    keyed: bool,
}

impl<'a> Members<'a> {
    fn new(entries: Vec<(&'a str, &'a Value)>, path: AttributePath, keyed: bool) -> Self {
        Members { entries: entries.into_iter(), pending: None, path, keyed }
    }
}

impl<'de> MapAccess<'de> for Members<'_> {
    type Error = ConvertError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, ConvertError> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.pending = Some((key, value));
        seed.deserialize(IntoDeserializer::<ConvertError>::into_deserializer(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, ConvertError> {
        let (key, value) = self.pending.take().ok_or_else(|| ConvertError::at(&self.path, "a map value was read before its key"))?;
        let path = if self.keyed { self.path.clone().key(key) } else { self.path.clone().attribute(key) };
        seed.deserialize(ValueDeserializer { value, path: path.clone() }).map_err(|e| e.locate(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;
    use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting};

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Spectro,
        Helm,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Manifest {
        name: String,
        content: String,
        uid: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Pack {
        name: String,
        #[serde(rename = "type")]
        kind: Kind,
        uid: Option<String>,
        manifest: Vec<Manifest>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Profile {
        id: Option<String>,
        name: String,
        description: String,
        tags: Vec<String>,
        labels: BTreeMap<String, String>,
        max_cpu: Option<i64>,
        ratio: f64,
        skip_destroy: bool,
        pack: Vec<Pack>,
        settings: Option<Settings>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Settings {
        timezone: String,
    }

    fn block() -> Block {
        let manifest = Block::new()
            .attribute(Attribute::new("name", Type::String).required())
            .attribute(Attribute::new("content", Type::String).required())
            .attribute(Attribute::new("uid", Type::String).computed());
        let pack = Block::new()
            .attribute(Attribute::new("name", Type::String).required())
            .attribute(Attribute::new("type", Type::String).optional())
            .attribute(Attribute::new("uid", Type::String).optional().computed())
            .attribute(Attribute::new("values", Type::String).optional())
            .block(NestedBlock::new("manifest", Nesting::List, manifest));
        Block::new()
            .attribute(Attribute::new("id", Type::String).computed())
            .attribute(Attribute::new("name", Type::String).required())
            .attribute(Attribute::new("description", Type::String).optional())
            .attribute(Attribute::new("tags", Type::Set(Box::new(Type::String))).optional())
            .attribute(Attribute::new("labels", Type::Map(Box::new(Type::String))).optional())
            .attribute(Attribute::new("max_cpu", Type::Number).optional())
            .attribute(Attribute::new("ratio", Type::Number).optional())
            .attribute(Attribute::new("skip_destroy", Type::Bool).optional())
            .attribute(Attribute::new("extra", Type::String).optional())
            .block(NestedBlock::new("pack", Nesting::List, pack))
            .block(NestedBlock::new(
                "settings",
                Nesting::Single,
                Block::new().attribute(Attribute::new("timezone", Type::String).optional()),
            ))
    }

    fn sample() -> Profile {
        Profile {
            id: Some("uid-1".into()),
            name: "web".into(),
            description: "".into(),
            tags: vec!["a".into(), "b:c:d".into()],
            labels: [("k".to_string(), "v".to_string())].into_iter().collect(),
            max_cpu: Some(4),
            ratio: 1.5,
            skip_destroy: true,
            pack: vec![Pack {
                name: "k8s".into(),
                kind: Kind::Helm,
                uid: None,
                manifest: vec![Manifest { name: "m".into(), content: "x: 1".into(), uid: Some("m1".into()) }],
            }],
            settings: None,
        }
    }

    #[test]
    fn round_trip_through_the_schema_type() {
        let ty = block().implied_type();
        let value = to_value(&sample(), &ty).unwrap();
        assert!(crate::protocol::value::fits_type(&ty, &value), "{value:?}");
        assert_eq!(value.get("max_cpu"), &Value::int(4));
        assert_eq!(value.get("tags"), &Value::Set(vec![Value::string("a"), Value::string("b:c:d")]));
        assert_eq!(value.get("extra"), &Value::Null, "absent from the model: null");
        assert_eq!(value.get("settings"), &Value::Null);
        let pack = &value.get("pack").as_elements().unwrap()[0];
        assert_eq!(pack.get("type"), &Value::string("helm"));
        assert_eq!(pack.get("values"), &Value::Null);
        assert_eq!(from_value::<Profile>(&value).unwrap(), sample());
    }

    #[test]
    fn nulls_read_as_none_or_empty() {
        let value = crate::framework::conform::conform_block(
            &block(),
            &Value::Object([("name".to_string(), Value::string("n"))].into_iter().collect()),
            crate::framework::conform::Unknowns::Null,
        );
        let profile: Profile = from_value(&value).unwrap();
        assert_eq!(profile.id, None);
        assert_eq!(profile.description, "");
        assert!(profile.tags.is_empty() && profile.labels.is_empty() && profile.pack.is_empty());
        assert_eq!(profile.max_cpu, None);
        assert_eq!(profile.ratio, 0.0);
        assert!(!profile.skip_destroy);
        assert_eq!(profile.settings, None);
        let settings: Settings = from_value(&Value::Null).unwrap();
        assert_eq!(settings.timezone, "");
    }

    #[test]
    fn unknown_values_are_errors_with_their_path() {
        let ty = block().implied_type();
        let mut value = to_value(&sample(), &ty).unwrap();
        let mut pack = value.get("pack").as_elements().unwrap()[0].clone();
        let mut manifest = pack.get("manifest").as_elements().unwrap()[0].clone();
        manifest.set("uid", Value::unknown());
        pack.set("manifest", Value::List(vec![manifest]));
        value.set("pack", Value::List(vec![pack]));
        let error = from_value::<Profile>(&value).unwrap_err();
        assert_eq!(error.path.to_string(), "pack[0].manifest[0].uid");
        assert_eq!(error.to_string(), "pack[0].manifest[0].uid: the value is not known yet");
        let diagnostic = Diagnostic::from(error);
        assert_eq!(diagnostic.path.unwrap().to_string(), "pack[0].manifest[0].uid");
    }

    #[test]
    fn planned_values_read_unknowns_as_null() {
        let ty = block().implied_type();
        let mut value = to_value(&sample(), &ty).unwrap();
        value.set("id", Value::unknown());
        assert!(from_value::<Profile>(&value).is_err());
        let profile: Profile = from_planned(&value).unwrap();
        assert_eq!(profile.id, None);
        assert_eq!(profile.name, "web");
    }

    #[test]
    fn type_mismatches_name_their_path() {
        let ty = block().implied_type();
        let mut value = to_value(&sample(), &ty).unwrap();
        value.set("max_cpu", Value::string("four"));
        let error = from_value::<Profile>(&value).unwrap_err();
        assert_eq!(error.path.to_string(), "max_cpu");
        let mut value = to_value(&sample(), &ty).unwrap();
        value.set("labels", Value::Map([("k".to_string(), Value::Bool(true))].into_iter().collect()));
        assert_eq!(from_value::<Profile>(&value).unwrap_err().path.to_string(), "labels[\"k\"]");
    }

    #[test]
    fn writing_checks_the_model_against_the_type() {
        #[derive(Serialize)]
        struct Typo {
            nmae: String,
        }
        let error = to_value(&Typo { nmae: "x".into() }, &block().implied_type()).unwrap_err();
        assert_eq!(error.path.to_string(), "nmae");
        #[derive(Serialize)]
        struct Numbers {
            max_cpu: String,
            ratio: String,
        }
        let value = to_value(&Numbers { max_cpu: "8".into(), ratio: "0.25".into() }, &block().implied_type()).unwrap();
        assert_eq!(value.get("max_cpu"), &Value::int(8));
        assert_eq!(value.get("ratio"), &Value::Number(Number::Float(0.25)));
        let error = to_value(&Numbers { max_cpu: "eight".into(), ratio: "1".into() }, &block().implied_type()).unwrap_err();
        assert_eq!(error.to_string(), "max_cpu: expected a number, found a string");
    }

    #[test]
    fn sets_drop_duplicates_and_large_numbers_survive() {
        let set = to_value(&vec!["a", "a", "b"], &Type::Set(Box::new(Type::String))).unwrap();
        assert_eq!(set.as_elements().unwrap().len(), 2);
        let big = to_value(&u64::MAX, &Type::Number).unwrap();
        assert_eq!(from_value::<u64>(&big).unwrap(), u64::MAX);
    }
}
