//! palette-local: a local, stateful implementation of the part of the Spectro Cloud
//! Palette v1 REST API that the provider uses.
//!
//! Layout:
//! - [`config`]: command line flags.
//! - [`server`]: shared state, router, request guard (auth, faults, stats), accept loop
//!   and shutdown.
//! - [`store`]: the SQLite document store every object lives in.
//! - [`routes`]: one module per object kind; see its docs for how a module plugs in.
//! - [`error`], [`extract`], [`model`], [`listing`], [`filters`], [`query`], [`version_tags`]:
//!   the building blocks handlers are written with.
//! - [`rate_limit`]: Palette's rate limit, a tower layer of its own.
//! - [`admin`], [`faults`], [`stats`], [`clock`], [`seed`], [`auth`], [`scope`]: the
//!   cross-cutting services.
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
pub mod routes;
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
