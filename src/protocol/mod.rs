//! The Terraform plugin protocol: handshake, gRPC service, value codec, logging.

pub mod generated;
pub mod value;
