//! The plugin process: go-plugin's handshake with Terraform, the Unix socket,
//! AutoMTLS, the gRPC server with go-plugin's helper services, signals and
//! shutdown; or, with `--debug`, a plaintext server Terraform reattaches to.
//!
//! Everything before the handshake line is kept cheap (no runtime, no schema
//! building): Terraform starts several provider processes per command.

use std::io::{self, Write};
use std::os::unix::net::UnixListener as StdUnixListener;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use anyhow::{bail, Context};
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use futures::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{UnixListener, UnixStream};
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::codegen::BoxStream;
use tonic::transport::server::Connected;
use tonic::transport::Server;
use tonic::{Request, Response, Status, Streaming};

use super::generated::plugin::grpc_broker_server::{GrpcBroker, GrpcBrokerServer};
use super::generated::plugin::grpc_controller_server::{GrpcController, GrpcControllerServer};
use super::generated::plugin::grpc_stdio_server::{GrpcStdio, GrpcStdioServer};
use super::generated::plugin::{ConnInfo, Empty, StdioData};
use super::generated::tfplugin6::provider_server::ProviderServer;
use super::grpc::ProviderGrpc;
use super::tls;
use crate::protocol::service::ProviderService;

/// go-plugin's handshake cookie for Terraform providers (same in every
/// Terraform and OpenTofu release).
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// The only plugin protocol version we speak.
const PROTOCOL_VERSION: &str = "6";

/// terraform-plugin-go's limit; tonic's 4 MiB default breaks on large attributes.
const MAX_MESSAGE_BYTES: usize = 256 << 20;

/// How long connections may linger after Shutdown before we exit anyway
/// (Terraform kills the process after 2 s).
const SHUTDOWN_GRACE: Duration = Duration::from_millis(800);

/// A TLS handshake that takes longer than this is abandoned.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

const NOT_FOR_HUMANS: &str = "\
This program is a Terraform provider plugin. Terraform (or OpenTofu) starts it \
itself and talks to it over gRPC, so running it by hand does nothing. Declare the \
provider in the required_providers block of a configuration and run terraform. To \
debug it, start it with --debug and export the TF_REATTACH_PROVIDERS line it \
prints in the shell that runs terraform.";

/// How [`serve`] runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The fully qualified provider address, e.g. `registry.terraform.io/example/hello`
    /// (used in debug mode's `TF_REATTACH_PROVIDERS`).
    pub provider_address: String,
    /// Serve in plaintext for Terraform to reattach to, until stopped.
    pub debug: bool,
}

impl ServeOptions {
    pub fn new(provider_address: impl Into<String>) -> Self {
        ServeOptions { provider_address: provider_address.into(), debug: false }
    }

    /// Options from command-line arguments (program name excluded): `--debug`
    /// (or Go-style `-debug`) selects debug mode.
    pub fn from_args(provider_address: impl Into<String>, args: impl IntoIterator<Item = String>) -> Self {
        let debug = args.into_iter().any(|a| a == "--debug" || a == "-debug");
        ServeOptions { debug, ..ServeOptions::new(provider_address) }
    }
}

/// Serves `service` as a Terraform provider plugin until Terraform shuts it
/// down (or, in debug mode, until SIGINT/SIGTERM). Builds its own Tokio runtime.
///
/// Without the magic cookie (someone ran the binary by hand) it explains
/// itself on stderr and exits the process with status 1.
pub fn serve(service: Arc<dyn ProviderService>, options: ServeOptions) -> anyhow::Result<()> {
    let tls = if options.debug { None } else { check_plugin_environment()? };
    // One thread serves everything: the provider waits on Terraform and on
    // the API, and its CPU work per request is small, while every worker
    // thread would add its stack and its own malloc arena to the RSS.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting Tokio")?;
    let result = runtime.block_on(run(service, tls, options));
    // Nothing left is worth waiting for: Terraform expects a prompt exit.
    runtime.shutdown_background();
    result
}

/// Our certificate and the TLS configuration that requires Terraform's.
type PluginTls = (tls::ServerIdentity, Arc<rustls::ServerConfig>);

/// Checks what Terraform put in the environment and prepares AutoMTLS when
/// it asked for it (by sending its client certificate).
fn check_plugin_environment() -> anyhow::Result<Option<PluginTls>> {
    if std::env::var(MAGIC_COOKIE_KEY).ok().as_deref() != Some(MAGIC_COOKIE_VALUE) {
        eprintln!("{NOT_FOR_HUMANS}");
        std::process::exit(1);
    }
    if let Ok(offered) = std::env::var("PLUGIN_PROTOCOL_VERSIONS") {
        if !offered.split(',').any(|v| v.trim() == PROTOCOL_VERSION) {
            bail!(
                "Terraform offered plugin protocol versions {offered}, but this provider speaks only \
                 version {PROTOCOL_VERSION} (Terraform 1.0 or newer, OpenTofu 1.6 or newer)"
            );
        }
    }
    match std::env::var("PLUGIN_CLIENT_CERT") {
        Ok(pem) if !pem.is_empty() => {
            let identity = tls::generate_server_identity()?;
            let config = tls::server_config(&identity, &pem)?;
            Ok(Some((identity, config)))
        }
        _ => Ok(None),
    }
}

/// `CORE|APP|NETWORK|ADDRESS|PROTOCOL|CERT`: the certificate is unpadded
/// standard base64 of its DER (padding makes Terraform fail to parse it).
fn handshake_line(socket: &Path, certificate: Option<&[u8]>) -> String {
    let certificate = certificate.map(|der| STANDARD_NO_PAD.encode(der)).unwrap_or_default();
    format!("1|{PROTOCOL_VERSION}|unix|{}|grpc|{certificate}\n", socket.display())
}

fn debug_banner(provider_address: &str, socket: &Path) -> String {
    // "Test": true is required for protocol 6 (otherwise Terraform assumes 5 and crashes).
    let reattach = serde_json::json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": 6,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": {"Network": "unix", "String": socket.display().to_string()},
        }
    });
    format!(
        "Provider {provider_address} is running in debug mode.\n\
         Set this variable in the shell that runs terraform (no terraform init needed):\n\n\
         \tTF_REATTACH_PROVIDERS='{reattach}'\n\n\
         Stop the provider with Ctrl-C.\n"
    )
}

/// The socket file, removed when dropped.
struct SocketFile(PathBuf);

impl SocketFile {
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Binds a fresh Unix socket in `PLUGIN_UNIX_SOCKET_DIR`, else the temp dir.
fn bind_socket() -> anyhow::Result<(StdUnixListener, SocketFile)> {
    let dir = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let mut last_error = None;
    for _ in 0..16 {
        let path = dir.join(format!("plugin{}", rand::random::<u32>()));
        match StdUnixListener::bind(&path) {
            Ok(listener) => return Ok((listener, SocketFile(path))),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last_error = Some(e),
            Err(e) => return Err(e).with_context(|| format!("creating the plugin socket {}", path.display())),
        }
    }
    Err(last_error.expect("the loop ran")).context("no free plugin socket name")
}

async fn run(
    service: Arc<dyn ProviderService>,
    tls: Option<PluginTls>,
    options: ServeOptions,
) -> anyhow::Result<()> {
    // Signals first: once the socket exists, SIGTERM must go through the
    // shutdown path that removes it.
    let shutdown = CancellationToken::new();
    watch_signals(shutdown.clone(), options.debug).context("installing signal handlers")?;
    let (listener, socket) = bind_socket()?;
    let certificate = tls.as_ref().map(|(identity, _)| identity.certificate.as_ref());
    let announcement = if options.debug {
        debug_banner(&options.provider_address, socket.path())
    } else {
        handshake_line(socket.path(), certificate)
    };
    let mut stdout = io::stdout().lock();
    stdout.write_all(announcement.as_bytes()).and_then(|()| stdout.flush()).context("writing the handshake")?;
    drop(stdout);

    listener.set_nonblocking(true).context("configuring the plugin socket")?;
    let listener = UnixListener::from_std(listener).context("registering the plugin socket")?;
    let acceptor = tls.map(|(_, config)| TlsAcceptor::from(config));

    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_service_status("plugin", tonic_health::ServingStatus::Serving).await;
    let provider = ProviderServer::new(ProviderGrpc::new(service))
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    let helpers = GoPluginServices { shutdown: shutdown.clone() };

    let server = Server::builder()
        .add_service(health_service)
        .add_service(provider)
        .add_service(GrpcControllerServer::new(helpers.clone()))
        .add_service(GrpcStdioServer::new(helpers.clone()))
        .add_service(GrpcBrokerServer::new(helpers))
        .serve_with_incoming_shutdown(accept_connections(listener, acceptor), shutdown.clone().cancelled_owned());
    tracing::debug!(debug_mode = options.debug, "serving");
    tokio::select! {
        result = server => result.context("serving gRPC")?,
        () = async { shutdown.cancelled().await; tokio::time::sleep(SHUTDOWN_GRACE).await } => {
            tracing::debug!("connections still open after shutdown; exiting anyway");
        }
    }
    drop(socket);
    tracing::debug!("stopped");
    Ok(())
}

/// SIGTERM stops the server. SIGINT is ignored, as go-plugin servers do:
/// a Ctrl-C in the terminal reaches every process of Terraform's group, and
/// Terraform itself asks providers to stop (StopProvider) without killing
/// them mid-apply. In debug mode the user owns the process, so SIGINT stops it.
fn watch_signals(shutdown: CancellationToken, debug_mode: bool) -> io::Result<()> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = interrupt.recv() => {
                    if debug_mode {
                        break;
                    }
                    tracing::debug!("ignoring SIGINT: Terraform interrupts providers through StopProvider");
                }
                _ = terminate.recv() => break,
            }
        }
        tracing::debug!("stopping on signal");
        shutdown.cancel();
    });
    Ok(())
}

/// Accepted connections, after the TLS handshake when AutoMTLS is on. Each
/// handshake runs in its own task, so a stalled client cannot block others.
fn accept_connections(listener: UnixListener, tls: Option<TlsAcceptor>) -> ReceiverStream<io::Result<Connection>> {
    let (sender, receiver) = mpsc::channel(8);
    tokio::spawn(async move {
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let Some(acceptor) = tls.clone() else {
                if sender.send(Ok(Connection::Plain(stream))).await.is_err() {
                    break;
                }
                continue;
            };
            let sender = sender.clone();
            tokio::spawn(async move {
                match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                    Ok(Ok(stream)) => {
                        let _ = sender.send(Ok(Connection::Tls(Box::new(stream)))).await;
                    }
                    Ok(Err(e)) => tracing::warn!(error = %e, "TLS handshake with Terraform failed"),
                    Err(_) => tracing::warn!("TLS handshake with Terraform timed out"),
                }
            });
        }
    });
    ReceiverStream::new(receiver)
}

/// A client connection, plaintext or TLS.
enum Connection {
    Plain(UnixStream),
    Tls(Box<TlsStream<UnixStream>>),
}

impl Connected for Connection {
    type ConnectInfo = ();

    fn connect_info(&self) {}
}

impl AsyncRead for Connection {
    fn poll_read(self: Pin<&mut Self>, cx: &mut TaskContext<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Connection::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Connection {
    fn poll_write(self: Pin<&mut Self>, cx: &mut TaskContext<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Connection::Plain(s) => Pin::new(s).poll_write(cx, data),
            Connection::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, data),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Connection::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Connection::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Connection::Plain(s) => s.is_write_vectored(),
            Connection::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(s) => Pin::new(s).poll_flush(cx),
            Connection::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Connection::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// go-plugin's controller, stdio and broker services. Terraform opens the
/// stdio and broker streams right after connecting; we keep them open and
/// silent until shutdown (we log through stderr and never use the broker).
#[derive(Clone)]
struct GoPluginServices {
    shutdown: CancellationToken,
}

impl GoPluginServices {
    fn until_shutdown<T: Send + 'static>(&self, keep_alive: impl Send + 'static) -> BoxStream<T> {
        let shutdown = self.shutdown.clone();
        let end = async move {
            shutdown.cancelled().await;
            drop(keep_alive);
        };
        Box::pin(futures::stream::once(end).filter_map(|()| async { None }))
    }
}

#[tonic::async_trait]
impl GrpcController for GoPluginServices {
    async fn shutdown(&self, _request: Request<Empty>) -> Result<Response<Empty>, Status> {
        tracing::debug!("Terraform asked the plugin to shut down");
        self.shutdown.cancel();
        Ok(Response::new(Empty {}))
    }
}

#[tonic::async_trait]
impl GrpcStdio for GoPluginServices {
    async fn stream_stdio(&self, _request: Request<()>) -> Result<Response<BoxStream<StdioData>>, Status> {
        Ok(Response::new(self.until_shutdown(())))
    }
}

#[tonic::async_trait]
impl GrpcBroker for GoPluginServices {
    async fn start_stream(
        &self,
        request: Request<Streaming<ConnInfo>>,
    ) -> Result<Response<BoxStream<ConnInfo>>, Status> {
        // Holding the inbound half keeps the client's side of the stream open too.
        Ok(Response::new(self.until_shutdown(request.into_inner())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_line_has_six_fields_and_an_unpadded_certificate() {
        // 5 bytes encode to 7 base64 characters plus one '=' when padded.
        let line = handshake_line(Path::new("/tmp/plugin1"), Some(&[1, 2, 3, 4, 5]));
        assert_eq!(line, "1|6|unix|/tmp/plugin1|grpc|AQIDBAU\n");
        assert_eq!(handshake_line(Path::new("/tmp/p"), None), "1|6|unix|/tmp/p|grpc|\n");
    }

    #[test]
    fn debug_banner_ends_with_a_reattach_line_for_protocol_6() {
        let banner = debug_banner("registry.terraform.io/spectrocloud/spectrocloud", Path::new("/tmp/plugin9"));
        let line = banner.lines().find_map(|l| l.trim().strip_prefix("TF_REATTACH_PROVIDERS=")).unwrap();
        let json: serde_json::Value = serde_json::from_str(line.trim_matches('\'')).unwrap();
        let entry = &json["registry.terraform.io/spectrocloud/spectrocloud"];
        assert_eq!(entry["ProtocolVersion"], 6);
        assert_eq!(entry["Test"], true);
        assert_eq!(entry["Pid"], std::process::id());
        assert_eq!(entry["Addr"]["String"], "/tmp/plugin9");
    }

    #[test]
    fn debug_mode_is_chosen_by_flag() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(ServeOptions::from_args("a/b/c", args(&["--debug"])).debug);
        assert!(ServeOptions::from_args("a/b/c", args(&["-debug"])).debug);
        assert!(!ServeOptions::from_args("a/b/c", args(&[])).debug);
    }

    #[test]
    fn socket_files_are_removed_when_dropped() {
        let (_listener, socket) = bind_socket().unwrap();
        let path = socket.path().to_path_buf();
        assert!(path.exists());
        drop(socket);
        assert!(!path.exists());
    }
}
