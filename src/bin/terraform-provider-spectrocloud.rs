//! The Terraform provider plugin for Spectro Cloud Palette.

use std::sync::Arc;

use terraform_plugin::protocol::{logging, serve, ServeOptions};
use spectrocloud::provider::{PROVIDER_ADDRESS, VERSION};
use spectrocloud::registry;

fn main() -> anyhow::Result<()> {
    // Terraform starts the plugin without arguments; `--version` is for people and scripts.
    if std::env::args().skip(1).any(|a| a == "--version" || a == "-version") {
        println!("terraform-provider-spectrocloud v{VERSION} (plugin protocol 6.0, {PROVIDER_ADDRESS})");
        return Ok(());
    }
    logging::init();
    tracing::info!(version = VERSION, address = PROVIDER_ADDRESS, "terraform-provider-spectrocloud starting");
    let options = ServeOptions::from_args(PROVIDER_ADDRESS, std::env::args().skip(1));
    serve(Arc::new(registry::framework()), options)
}
