//! The Terraform provider plugin for Spectro Cloud Palette.

use std::sync::Arc;

use spectrocloud::protocol::{logging, serve, ServeOptions};
use spectrocloud::provider::{registry, PROVIDER_ADDRESS};

fn main() -> anyhow::Result<()> {
    logging::init();
    let options = ServeOptions::from_args(PROVIDER_ADDRESS, std::env::args().skip(1));
    serve(Arc::new(registry::framework()), options)
}
