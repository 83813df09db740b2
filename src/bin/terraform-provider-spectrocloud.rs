//! The provider binary. Until the real provider lands it serves the protocol
//! probe (see examples/protocol_probe).

#[path = "../../examples/protocol_probe/service.rs"]
mod probe;

use std::sync::Arc;

use spectrocloud::protocol::{logging, serve, ServeOptions};

fn main() -> anyhow::Result<()> {
    logging::init();
    let options = ServeOptions::from_args(probe::ADDRESS, std::env::args().skip(1));
    serve(Arc::new(probe::ProbeProvider::new()), options)
}
