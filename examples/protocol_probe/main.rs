//! A tiny provider ("spectrocloud_probe") for exercising the protocol layer
//! with a real Terraform, independent of the real provider's resources.
//! `tests/integration/protocol_terraform.rs` runs it; `--debug` works as for the real one.

mod service;

fn main() -> anyhow::Result<()> {
    terraform_plugin::protocol::logging::init();
    let options = terraform_plugin::protocol::ServeOptions::from_args(service::ADDRESS, std::env::args().skip(1));
    terraform_plugin::protocol::serve(std::sync::Arc::new(service::ProbeProvider::new()), options)
}
