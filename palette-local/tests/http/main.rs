//! palette-local's HTTP tests, one test binary (so the shared [`common`] support
//! compiles once) with a module per area. Route-level tests run the whole router in
//! process (`tower::ServiceExt::oneshot` over an in-memory store); only tests that
//! need a process, a socket or the database file spawn the binary: restarts,
//! signals and stdin, start-up failures, connection resets and latency measured over
//! a socket. Run one area with e.g. `cargo test -p palette-local --test http clusters::`.

mod common;

mod appprofiles;
mod catalog;
mod clusters;
mod core_api;
mod faults;
mod profiles;
mod projects;
