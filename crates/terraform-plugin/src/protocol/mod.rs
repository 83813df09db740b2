//! The Terraform plugin protocol: handshake, gRPC service, value codec, logging.

#[cfg(test)]
mod codec_properties;
mod conform;
pub mod diagnostics;
mod grpc;
pub mod error;
pub mod generated;
pub mod json;
pub mod logging;
pub mod msgpack;
pub mod schema;
mod serve;
pub mod service;
mod tls;
mod numbers;
pub mod types;
pub mod value;

pub use error::CodecError;
pub use serve::{serve, ServeOptions, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
