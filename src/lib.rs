//! Terraform provider for Spectro Cloud Palette. (`palette-local`, the local
//! Palette-compatible API server, is the workspace's `palette-local` crate.)
//!
//! The provider's modules follow the data's path: the `terraform-plugin` crate
//! (its `protocol`: handshake, gRPC, value codec; its `framework`: schema, plan
//! rules, diagnostics, resource traits) → `resources` / `data_sources` /
//! `ephemeral_resources` → `domain` (Palette's rules they share: packs, profile
//! attachments) → `client` (Palette v1 API) → the wire. `registry`
//! (every resource and data source, registered in the framework) and `docs`
//! (the registry-layout pages) sit above them all.

pub mod client;
pub mod data_sources;
pub mod docs;
pub mod domain;
pub mod ephemeral_resources;
pub mod provider;
pub mod registry;
pub mod resources;
