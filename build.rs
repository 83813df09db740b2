//! The build script of the `terraform-plugin` crate (crates/terraform-plugin):
//! compiles the plugin protocol definitions in `proto/` with protox (a
//! pure-Rust protobuf compiler that bundles the Google well-known types), so
//! building needs no system `protoc`. Both stay at the workspace's top level.

const PROTOS: [&str; 4] = ["tfplugin6.proto", "grpc_controller.proto", "grpc_stdio.proto", "grpc_broker.proto"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR")?).join("../../proto");
    for file in PROTOS {
        println!("cargo:rerun-if-changed={}", proto.join(file).display());
    }
    let descriptors = protox::compile(PROTOS, [proto])?;
    tonic_prost_build::configure()
        .build_client(false)
        .build_server(true)
        .generate_default_stubs(true)
        .compile_fds(descriptors)?;
    Ok(())
}
