//! The error of both value codecs.

use std::fmt;

use crate::protocol::diagnostics::{AttributePath, PathStep};

/// A value that could not be decoded (or, for JSON, encoded), with the
/// attribute path where it happened when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError {
    pub message: String,
    pub path: AttributePath,
}

impl CodecError {
    pub fn new(message: impl Into<String>) -> Self {
        CodecError { message: message.into(), path: AttributePath::root() }
    }

    /// Records that the error happened inside `step` (called while unwinding,
    /// so steps arrive innermost first).
    pub(crate) fn within(mut self, step: PathStep) -> Self {
        self.path.0.insert(0, step);
        self
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.0.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{} (at {})", self.message, self.path)
        }
    }
}

impl std::error::Error for CodecError {}
