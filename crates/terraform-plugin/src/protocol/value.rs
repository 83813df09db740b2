//! The value model shared by the codec, the framework and every resource.
//!
//! It mirrors Terraform's cty type system: every value has a type known from
//! the schema, and any value may be null or unknown (not yet known at plan time).

use std::collections::BTreeMap;

/// A cty type, as declared in schemas and used to drive encoding and decoding.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    String,
    Number,
    Bool,
    /// `"dynamic"`: the value carries its own type.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
}

/// Refinements Terraform (1.6+) may attach to an unknown value. They are
/// accepted on input; the provider never emits them.
#[derive(Debug, Clone, Default)]
pub struct Refinements {
    /// `Some(false)` means "definitely not null".
    pub nullable: Option<bool>,
    pub string_prefix: Option<String>,
    pub number_lower: Option<(Number, bool)>,
    pub number_upper: Option<(Number, bool)>,
    pub length_min: Option<i64>,
    pub length_max: Option<i64>,
}

/// A cty number. Integral values that fit are kept as `Int`, others as `Float`,
/// and values beyond 64-bit precision as their decimal text.
#[derive(Debug, Clone)]
pub enum Number {
    Int(i64),
    Float(f64),
    Decimal(String),
}

/// A Terraform value.
#[derive(Debug, Clone, Default)]
pub enum Value {
    #[default]
    Null,
    Unknown(Refinements),
    String(String),
    Number(Number),
    Bool(bool),
    List(Vec<Value>),
    /// Element order carries no meaning; equality ignores it.
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
    /// A known value of a `dynamic` attribute, with the type it was sent with.
    Dynamic(Type, Box<Value>),
}

impl Number {
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
            Number::Float(_) => None,
            Number::Decimal(s) => s.parse().ok(),
        }
    }

    pub fn as_f64(&self) -> f64 {
        match self {
            Number::Int(i) => *i as f64,
            Number::Float(f) => *f,
            Number::Decimal(s) => s.parse().unwrap_or(f64::NAN),
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (Number::Decimal(a), Number::Decimal(b)) => a == b || a.parse::<f64>().ok() == b.parse::<f64>().ok(),
            _ => match (self.as_i64(), other.as_i64()) {
                (Some(a), Some(b)) => a == b,
                _ => self.as_f64() == other.as_f64(),
            },
        }
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Self {
        Number::Int(v)
    }
}

impl From<f64> for Number {
    fn from(v: f64) -> Self {
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Number::Int(v as i64)
        } else {
            Number::Float(v)
        }
    }
}

impl Value {
    pub fn unknown() -> Value {
        Value::Unknown(Refinements::default())
    }

    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn int(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// True when neither this value nor anything nested in it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v.iter().all(Value::is_wholly_known),
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            Value::Dynamic(_, v) => v.is_wholly_known(),
            _ => true,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(n.as_f64()),
            _ => None,
        }
    }

    /// Elements of a list, set or tuple.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(v),
            _ => None,
        }
    }

    /// Members of a map or object.
    pub fn as_members(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The named attribute of an object (`Null` when absent or not an object).
    pub fn get(&self, name: &str) -> &Value {
        static NULL: Value = Value::Null;
        match self {
            Value::Object(m) | Value::Map(m) => m.get(name).unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) | Value::Map(m) => m.get_mut(name),
            _ => None,
        }
    }

    /// Sets an object attribute; does nothing on non-objects.
    pub fn set(&mut self, name: &str, value: Value) {
        if let Value::Object(m) = self {
            m.insert(name.to_string(), value);
        }
    }
}

impl PartialEq for Refinements {
    fn eq(&self, _other: &Self) -> bool {
        // Two unknowns are indistinguishable for plan comparisons.
        true
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        use Value::*;
        match (self, other) {
            (Null, Null) => true,
            (Unknown(_), Unknown(_)) => true,
            (String(a), String(b)) => a == b,
            (Number(a), Number(b)) => a == b,
            (Bool(a), Bool(b)) => a == b,
            (List(a), List(b)) | (Tuple(a), Tuple(b)) => a == b,
            (Set(a), Set(b)) => set_eq(a, b),
            (Map(a), Map(b)) | (Object(a), Object(b)) => a == b,
            (Dynamic(ta, a), Dynamic(tb, b)) => ta == tb && a == b,
            _ => false,
        }
    }
}

fn set_eq(a: &[Value], b: &[Value]) -> bool {
    let contains_all = |x: &[Value], y: &[Value]| x.iter().all(|e| y.contains(e));
    contains_all(a, b) && contains_all(b, a)
}

/// True when `value` (null, unknown or known) has the shape of `ty`.
pub fn fits_type(ty: &Type, value: &Value) -> bool {
    match (ty, value) {
        (_, Value::Null | Value::Unknown(_)) => true,
        (Type::Dynamic, _) => true,
        (Type::String, Value::String(_)) | (Type::Number, Value::Number(_)) | (Type::Bool, Value::Bool(_)) => true,
        (Type::List(t), Value::List(items)) | (Type::Set(t), Value::Set(items)) => items.iter().all(|i| fits_type(t, i)),
        (Type::Map(t), Value::Map(items)) => items.values().all(|i| fits_type(t, i)),
        (Type::Object(members), Value::Object(items)) => {
            members.len() == items.len() && members.iter().all(|(k, t)| items.get(k).is_some_and(|v| fits_type(t, v)))
        }
        (Type::Tuple(types), Value::Tuple(items)) => types.len() == items.len() && types.iter().zip(items).all(|(t, v)| fits_type(t, v)),
        _ => false,
    }
}
