//! Terraform provider for Spectro Cloud Palette, and `palette-local`, a local
//! Palette-compatible API server.
//!
//! The provider's modules follow the data's path: `protocol` (handshake, gRPC,
//! value codec) → `framework` (schema, plan rules, diagnostics, resource traits)
//! → `resources` / `data_sources` / `ephemeral_resources` → `client` (Palette v1
//! API) → the wire.

pub mod client;
pub mod data_sources;
pub mod ephemeral_resources;
pub mod framework;
pub mod palette_local;
pub mod protocol;
pub mod provider;
pub mod rate_limits;
pub mod resources;
