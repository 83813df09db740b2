//! Terraform provider for Spectro Cloud Palette, and `palette-local`, a local
//! Palette-compatible API server.

pub mod client;
pub mod framework;
pub mod palette_local;
pub mod protocol;
