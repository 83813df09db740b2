//! Terraform plugin protocol 6 and a provider framework on top of it, for
//! providers written in Rust. Nothing in it knows the provider it serves.
//!
//! - [`protocol`], a leaf: the go-plugin handshake and AutoMTLS, the gRPC
//!   service and the server trait ([`protocol::service::ProviderService`]),
//!   diagnostics and attribute paths, the wire schema, the msgpack/JSON value
//!   codec and hclog logging (the shape of terraform-plugin-go's `tfprotov6`).
//! - [`framework`], above it: schemas as data, validators, plan modifiers,
//!   Terraform's plan rules, the resource traits, waits and documentation
//!   pages (the shape of terraform-plugin-framework).
//!
#![doc = include_str!("../README.md")]

pub mod framework;
pub mod protocol;
