//! Compiles the plugin protocol definitions in `proto/` with protox (a
//! pure-Rust protobuf compiler that bundles the Google well-known types), so
//! building needs no system `protoc`.

const PROTOS: [&str; 4] = ["tfplugin6.proto", "grpc_controller.proto", "grpc_stdio.proto", "grpc_broker.proto"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for file in PROTOS {
        println!("cargo:rerun-if-changed=proto/{file}");
    }
    let descriptors = protox::compile(PROTOS, ["proto"])?;
    tonic_prost_build::configure()
        .build_client(false)
        .build_server(true)
        .generate_default_stubs(true)
        .compile_fds(descriptors)?;
    Ok(())
}
