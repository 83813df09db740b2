//! The integration tests, one test binary (`cargo test --test integration`) so
//! that the support code compiles once. Each module was a test binary of its
//! own; select one with a libtest filter on its path, e.g.
//! `cargo test --release --test integration -- project::`.
//!
//! They drive the real `terraform` binary (`TF_BINARY`, else `terraform` on
//! PATH) against the release-built provider and palette-local. Tests share this
//! process, so each one keeps its state to itself: its own palette-local, its
//! own working directory and CLI config, and environment variables only on the
//! commands it runs, never on the process.

mod support;

mod application;
mod application_profile;
mod bad_input;
mod catalog_data_sources;
mod cluster_group;
mod cluster_profile;
mod docs;
mod drop_in;
mod examples;
mod plan_requests;
mod project;
mod protocol_terraform;
mod seeded_objects;
mod virtual_cluster;
