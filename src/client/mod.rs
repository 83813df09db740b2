//! Palette v1 REST API client.
//!
//! [`PaletteClient`] sends every request with the `ApiKey` header, a scope
//! chosen per request ([`Scope`]), a timeout, and retries with jittered
//! backoff for the requests that are safe to repeat. A rate limiter shared by
//! every clone keeps the process under Palette's published rate limits. Every call takes a
//! [`CallContext`] carrying the operation's cancellation and deadline.
//! Errors ([`ClientError`]) read as sentences and never contain the key.

mod cache;
mod config;
mod context;
mod create;
mod error;
mod limiter;
mod pagination;
mod retry;
mod transport;

pub mod app_deployments;
pub mod app_profiles;
pub mod cluster_groups;
pub mod cluster_profiles;
pub mod clusters;
pub mod conventions;
pub mod identity;
pub mod models;
pub mod packs;
pub mod projects;
pub mod registries;

#[cfg(test)]
pub(crate) mod test_server;
#[cfg(test)]
mod tests;

pub use config::{
    ClientConfig, Endpoint, EndpointError, DEFAULT_HOST, DEFAULT_REQUEST_TIMEOUT, DEFAULT_RETRY_ATTEMPTS,
};
pub use context::{CallContext, CancellationToken, Cancelled};
pub use error::{ApiError, ClientError};
pub use limiter::DEFAULT_RATE_LIMIT;
pub use retry::{BackoffPolicy, FailureKind, Idempotency};
pub use transport::{PaletteClient, Scope};
