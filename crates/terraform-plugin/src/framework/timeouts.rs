//! The `timeouts` block and operation deadlines.
//!
//! Timeouts are not a protocol feature: like the SDKs, a resource declares an
//! ordinary SINGLE block named `timeouts` with optional duration strings, and
//! the framework turns the configured (or default) duration into the deadline
//! of the operation's [`Context`](super::context::Context).

use std::time::Duration;

use super::duration::parse_duration;
use super::schema::{Attribute, Block, NestedBlock, Nesting, TIMEOUTS_BLOCK};
use super::validators::duration;
use crate::protocol::value::{Type, Value};

/// A resource operation that has a timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Read,
    Update,
    Delete,
}

impl Operation {
    /// The attribute name inside the `timeouts` block.
    pub fn key(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Read => "read",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }
}

/// Default timeout per operation, used when the configuration sets none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub create: Duration,
    pub read: Duration,
    pub update: Duration,
    pub delete: Duration,
}

impl Default for Timeouts {
    /// Twenty minutes each, like the plugin SDK.
    fn default() -> Self {
        Timeouts::uniform(Duration::from_secs(20 * 60))
    }
}

impl Timeouts {
    pub fn uniform(each: Duration) -> Self {
        Timeouts { create: each, read: each, update: each, delete: each }
    }

    /// The same, with `operation`'s default replaced.
    pub fn with(mut self, operation: Operation, timeout: Duration) -> Self {
        *self.slot(operation) = timeout;
        self
    }

    pub fn get(&self, operation: Operation) -> Duration {
        match operation {
            Operation::Create => self.create,
            Operation::Read => self.read,
            Operation::Update => self.update,
            Operation::Delete => self.delete,
        }
    }

    fn slot(&mut self, operation: Operation) -> &mut Duration {
        match operation {
            Operation::Create => &mut self.create,
            Operation::Read => &mut self.read,
            Operation::Update => &mut self.update,
            Operation::Delete => &mut self.delete,
        }
    }

    /// The timeout for `operation` of the resource whose object value is
    /// `object`: its `timeouts` block's setting if valid, else the default.
    pub fn for_object(&self, object: &Value, operation: Operation) -> Duration {
        match object.get(TIMEOUTS_BLOCK).get(operation.key()).as_str() {
            Some(text) => parse_duration(text).unwrap_or_else(|problem| {
                tracing::warn!(operation = operation.key(), %problem, "ignoring an invalid timeout");
                self.get(operation)
            }),
            None => self.get(operation),
        }
    }
}

/// The `timeouts` block offering the given operations, each an optional
/// duration string.
pub fn block(operations: &[Operation]) -> NestedBlock {
    let block = operations
        .iter()
        .fold(Block::new(), |block, op| block.attribute(Attribute::new(op.key(), Type::String).optional().validator(duration())));
    NestedBlock::new(TIMEOUTS_BLOCK, Nesting::Single, block)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_timeout_overrides_default() {
        let defaults = Timeouts::uniform(Duration::from_secs(600)).with(Operation::Delete, Duration::from_secs(60));
        let mut object = Value::Object(Default::default());
        assert_eq!(defaults.for_object(&object, Operation::Create), Duration::from_secs(600));
        assert_eq!(defaults.for_object(&object, Operation::Delete), Duration::from_secs(60));
        let mut timeouts = Value::Object(Default::default());
        timeouts.set("create", Value::string("2s"));
        timeouts.set("delete", Value::string("bogus"));
        object.set(TIMEOUTS_BLOCK, timeouts);
        assert_eq!(defaults.for_object(&object, Operation::Create), Duration::from_secs(2));
        assert_eq!(defaults.for_object(&object, Operation::Delete), Duration::from_secs(60));
        assert_eq!(defaults.for_object(&object, Operation::Update), Duration::from_secs(600));
    }

    #[test]
    fn block_has_one_optional_string_per_operation() {
        let b = block(&[Operation::Create, Operation::Delete]);
        assert_eq!(b.nesting, Nesting::Single);
        let names: Vec<&str> = b.block.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["create", "delete"]);
        assert!(b.block.attributes.iter().all(|a| a.optional && !a.computed && a.ty == Type::String));
    }
}
