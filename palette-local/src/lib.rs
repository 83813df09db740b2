//! palette-local: a local, stateful implementation of the part of the Spectro Cloud
//! Palette v1 REST API that the provider uses.
//!
//! Layout, from the top down (a module imports only those below it; there is no
//! import circle):
//! - [`server`]: opens the [`state`], builds the router with its [`layers`] (stats,
//!   faults and latency, authentication; then the [`rate_limit`]), runs the accept
//!   loop and shutdown; [`config`]: command line flags.
//! - [`admin`]: the `/__admin` API; [`seed`]: loads a [`seed_file`] into an empty database.
//! - [`http`]: the `/v1` handlers, one module per object kind, thin over [`domain`];
//!   see its docs for how a module plugs in.
//! - [`state`]: what every handler reaches; [`extract`]: extractors (the request's
//!   [`scope::Scope`] among them) and responses.
//! - [`domain`]: the stored kinds and their rules (names, versions, capacity, what is
//!   in use), over the store through one typed collection (`domain::collection`).
//!   Finished deletions are purged on writes and clock advances, never on reads.
//! - [`store`]: the SQLite document store every object lives in.
//! - [`error`], [`model`], [`uid`], [`scope`], [`listing`], [`filters`], [`query`],
//!   [`version_tags`], [`lifecycle`], [`clock`]: the building blocks;
//!   [`faults`], [`stats`], [`auth`]: the settings and counters the layers use.
//!
//! The behaviour, flags and every choice made where the reference is silent are
//! documented in `docs/palette-local.md`.

pub mod admin;
pub mod auth;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod extract;
pub mod faults;
pub mod filters;
pub mod lifecycle;
pub mod listing;
pub mod model;
pub mod query;
pub mod rate_limit;
pub mod ready;
pub mod http;
pub mod layers;
pub mod scope;
pub mod seed;
pub mod seed_file;
pub mod server;
pub mod stats;
pub mod state;
pub mod store;
pub mod uid;
pub mod version_tags;

pub use config::Config;
pub use server::run;
pub use state::{AppState, SharedState};
