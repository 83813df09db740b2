//! palette-local's HTTP tests, one test binary (so the shared [`common`] support
//! compiles once) with a module per area. Route-level tests run the whole router in
//! process (`tower::ServiceExt::oneshot` over an in-memory store, or a database file
//! the test reads); only tests that need a process or a socket spawn the binary:
//! restarts, signals and stdin, start-up failures and connection resets. Run one area with e.g. `cargo test -p palette-local --test http clusters::`.

mod common;

mod appprofiles;
mod catalog;
mod clusters;
mod core_api;
mod faults;
mod profiles;
mod projects;
