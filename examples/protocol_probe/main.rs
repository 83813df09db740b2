//! A tiny provider ("spectrocloud_probe") for exercising the protocol layer
//! with a real Terraform, independent of the real provider's resources.
//! `tests/protocol_terraform.rs` runs it; `--debug` works as for the real one.

mod service;

fn main() -> anyhow::Result<()> {
    spectrocloud::protocol::logging::init();
    let options = spectrocloud::protocol::ServeOptions::from_args(service::ADDRESS, std::env::args().skip(1));
    spectrocloud::protocol::serve(std::sync::Arc::new(service::ProbeProvider::new()), options)
}
