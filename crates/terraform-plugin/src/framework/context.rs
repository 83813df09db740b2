//! What every resource operation receives: the configured provider data,
//! cancellation, the deadline, a place for warnings, and the state type of
//! the resource or data source it serves (built once, when it registered).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::convert::Model;
use crate::protocol::diagnostics::{AttributePath, Diagnostic, Diagnostics};
use crate::protocol::value::{Type, Value};

pub struct Context<D> {
    data: Arc<D>,
    cancellation: CancellationToken,
    deadline: Instant,
    ride_out: bool,
    warnings: Mutex<Diagnostics>,
    state_type: Option<Arc<Type>>,
}

impl<D> Context<D> {
    /// Resources get their context from the framework; this is public so
    /// their tests can build one.
    pub fn new(data: Arc<D>, cancellation: CancellationToken, deadline: Instant) -> Self {
        Context { data, cancellation, deadline, ride_out: false, warnings: Mutex::new(Diagnostics::new()), state_type: None }
    }

    /// Marks an operation that changes things (apply's create, update and
    /// delete): a transient API failure is retried until the deadline rather
    /// than failing it, since an object half made must not be lost or tainted
    /// because the API blinked. Reads and plans fail after the usual retries.
    pub fn riding_out_outages(mut self) -> Self {
        self.ride_out = true;
        self
    }

    pub fn rides_out_outages(&self) -> bool {
        self.ride_out
    }

    /// The type of the object the operation returns (the framework sets it).
    pub fn with_state_type(mut self, state_type: Arc<Type>) -> Self {
        self.state_type = Some(state_type);
        self
    }

    /// Turns a model into the operation's object (a resource's state, a data
    /// source's result) with the schema type the framework cached; the
    /// framework does this with what an operation returns, a resource with
    /// the object it attaches to an error (`with_partial_state`).
    pub fn state<M: Model>(&self, model: &M) -> Result<Value, ResourceError> {
        let state_type = self.state_type.as_deref().ok_or_else(|| {
            ResourceError::new("No schema for this operation", "The operation's context carries no state type. This is a bug in the provider.")
        })?;
        Ok(model.to_state(state_type)?)
    }

    /// `error` with `model` attached as the object that exists after the
    /// failure (see [`ResourceError::with_partial_state`]); should the model
    /// not fit the schema type (a provider bug), the error says that too.
    pub fn with_partial<M: Model>(&self, mut error: ResourceError, model: &M) -> ResourceError {
        match self.state(model) {
            Ok(state) => error.with_partial_state(state),
            Err(problem) => {
                error.diagnostics.extend(problem.diagnostics);
                error
            }
        }
    }

    /// The provider's configured data (e.g. the API client).
    pub fn data(&self) -> &D {
        &self.data
    }

    pub fn data_arc(&self) -> Arc<D> {
        self.data.clone()
    }

    /// Cancelled when Terraform asks the provider to stop (Ctrl-C).
    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancellation
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_cancelled()
    }

    /// When this operation must be finished (from the `timeouts` block or the
    /// resource's default).
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Time left until the deadline (zero once it has passed).
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// A warning shown to the user whether or not the operation succeeds.
    pub fn warn(&self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push_warning(Diagnostic::warning(summary, detail));
    }

    pub fn warn_at(&self, path: AttributePath, summary: impl Into<String>, detail: impl Into<String>) {
        self.push_warning(Diagnostic::warning(summary, detail).at(path));
    }

    fn push_warning(&self, diagnostic: Diagnostic) {
        self.warnings.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(diagnostic);
    }

    /// The warnings collected so far (the framework drains them into the response).
    pub fn take_warnings(&self) -> Diagnostics {
        std::mem::take(&mut *self.warnings.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

/// A failed operation: diagnostics for the user, and for create and update
/// the object as it now exists when the failure happened after a change.
#[derive(Debug, Clone, Default)]
pub struct ResourceError {
    pub diagnostics: Diagnostics,
    /// For a failed create whose object exists, or a failed update: the
    /// object as it is now. Terraform keeps it (tainted after a create).
    pub partial_state: Option<Box<Value>>,
}

impl ResourceError {
    pub fn new(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic::error(summary, detail).into()
    }

    pub fn at(path: AttributePath, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic::error(summary, detail).at(path).into()
    }

    /// Attach the object as it exists after the failure.
    pub fn with_partial_state(mut self, state: Value) -> Self {
        self.partial_state = Some(Box::new(state));
        self
    }

    /// Wrap any error with a summary saying what was being done, e.g.
    /// `ResourceError::from_error("Could not create the project", &err)`.
    pub fn from_error(summary: impl Into<String>, error: &(dyn std::error::Error + 'static)) -> Self {
        ResourceError::new(summary, error_chain(error))
    }
}

impl From<Diagnostic> for ResourceError {
    fn from(diagnostic: Diagnostic) -> Self {
        ResourceError { diagnostics: diagnostic.into(), partial_state: None }
    }
}

impl From<Diagnostics> for ResourceError {
    fn from(diagnostics: Diagnostics) -> Self {
        ResourceError { diagnostics, partial_state: None }
    }
}

/// `?` on any error type: the error's message becomes the summary and its
/// causes the detail.
impl<E: std::error::Error + 'static> From<E> for ResourceError {
    fn from(error: E) -> Self {
        let detail = error.source().map(error_chain).unwrap_or_default();
        ResourceError::new(error.to_string(), detail)
    }
}

fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("request failed")]
    struct Outer(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("connection refused")]
    struct Inner;

    fn fails() -> Result<(), ResourceError> {
        Err(Outer(Inner))?;
        Ok(())
    }

    #[test]
    fn errors_convert_with_their_causes() {
        let e = fails().unwrap_err();
        assert_eq!(e.diagnostics.0[0].summary, "request failed");
        assert_eq!(e.diagnostics.0[0].detail, "connection refused");
        let e = ResourceError::from_error("Could not create the project", &Outer(Inner));
        assert_eq!(e.diagnostics.0[0].detail, "request failed: connection refused");
        assert!(e.diagnostics.has_errors());
    }

    #[tokio::test]
    async fn warnings_are_collected_once() {
        let ctx = Context::new(Arc::new(5u8), CancellationToken::new(), Instant::now() + Duration::from_secs(10));
        assert_eq!(*ctx.data(), 5);
        ctx.warn("careful", "detail");
        ctx.warn_at(AttributePath::attr("x"), "again", "");
        let warnings = ctx.take_warnings();
        assert_eq!(warnings.0.len(), 2);
        assert!(!warnings.has_errors());
        assert!(ctx.take_warnings().is_empty());
        assert!(ctx.remaining() > Duration::from_secs(9));
    }

    #[test]
    fn models_become_values_of_the_cached_type() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct Model {
            id: String,
        }
        let ctx = Context::new(Arc::new(()), CancellationToken::new(), Instant::now() + Duration::from_secs(10));
        let model = Model { id: "x".into() };
        assert!(ctx.state(&model).is_err(), "no type without the framework");
        let ty = Type::Object(std::collections::BTreeMap::from([("id".to_string(), Type::String), ("name".to_string(), Type::String)]));
        let ctx = ctx.with_state_type(Arc::new(ty));
        assert_eq!(ctx.state(&model).unwrap(), Value::Object(std::collections::BTreeMap::from([("id".to_string(), Value::string("x")), ("name".to_string(), Value::Null)])));
    }
}
