//! Opening the shared state, the router with its layers, and the accept loop.
//!
//! The accept loop is our own (hyper-util's connection builder) rather than
//! `axum::serve`, because fault injection must be able to drop a connection before
//! any response: the fault layer flags the connection, the connection task drops it, and
//! the socket is closed with a zero linger so the client sees a reset.

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::{Method, StatusCode, Uri};
use axum::middleware;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::{ServiceBuilder, ServiceExt};

use super::auth::Auth;
use super::clock::Clock;
use super::config::Config;
use super::error::{codes, ApiError};
use super::faults::{FaultSettings, Faults, DEFAULT_RETRY_AFTER_SECONDS};
use super::rate_limit::{ClientAddr, RateLimitLayer, RateLimits};
use super::seed;
use super::seed_file::SeedFile;
use super::state::{AppState, SharedState};
use super::stats::Stats;
use super::store::Store;
use super::layers::{self, ConnectionControl};
use super::{admin, http};

/// How long shutdown waits for in-flight requests before dropping connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

impl AppState {
    /// Opens the database, loads the seed into it when empty, and restores the clock
    /// and the API keys.
    pub fn open(config: &Config) -> anyhow::Result<SharedState> {
        let seed = match &config.seed {
            Some(path) => SeedFile::read(path)?,
            None => SeedFile::builtin()?,
        };
        let store = Store::open(&config.db).with_context(|| format!("opening database {}", config.db))?;
        let clock = store.run_blocking(Clock::load)?;
        let loaded = store.run_blocking(|tx| seed::load_if_empty(tx, &seed, &clock.timestamp()))?;
        if loaded {
            tracing::info!(db = %config.db, "seed loaded into the empty database");
        } else {
            tracing::info!(db = %config.db, "database already holds data; seed ignored");
        }
        let faults = Faults::new(FaultSettings {
            rate: config.fault_rate,
            reset_rate: config.fault_reset_rate,
            latency_ms: config.latency_ms,
            seed: config.fault_seed.unwrap_or_else(rand::random),
            retry_after_seconds: DEFAULT_RETRY_AFTER_SECONDS,
            routes: Vec::new(),
            fail_routes: Default::default(),
        })
        .map_err(|err| anyhow::anyhow!("invalid fault settings: {}", err.message))?;
        let rate_limits = RateLimits::new(config.rate_limit, config.rate_burst, &config.rate_limit_paths)
            .map_err(|err| anyhow::anyhow!("invalid rate limit: {}", err.message))?;
        let state = AppState {
            store,
            clock,
            timings: config.lifecycle_timings(),
            faults,
            rate_limits: Arc::new(rate_limits),
            stats: Stats::default(),
            auth: Auth::default(),
            seed,
        };
        if config.seed.is_none() {
            // The issue asks for the built-in key to be shown so a fresh server is usable.
            tracing::info!(api_key = %state.seed.api_keys.join(","), "built-in seed in use; its ApiKey");
        }
        state.install_api_keys(state.store.run_blocking(|tx| tx.api_keys())?)?;
        Ok(Arc::new(state))
    }

}

/// A TCP stream that closes with a zero linger (RST) when its connection was reset.
struct ResettableStream {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            if let Err(err) = self.stream.set_zero_linger() {
                tracing::debug!(error = %err, "could not set a zero linger on a reset connection");
            }
        }
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

async fn unknown_route(method: Method, uri: Uri) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, format!("no such endpoint: {method} {}", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
        format!("method {method} is not allowed on {}", uri.path()),
    )
}

/// The complete application: API routes, admin routes, the cross-cutting layers
/// and fallbacks. From the outside in: stats, faults and latency, authentication,
/// then (on routes) the rate limit, so its 429s are counted like any answer.
pub fn router(state: SharedState) -> Router {
    let api_layers = ServiceBuilder::new()
        .layer(middleware::from_fn_with_state(state.clone(), layers::record_stats))
        .layer(middleware::from_fn_with_state(state.clone(), layers::inject_faults))
        .layer(middleware::from_fn_with_state(state.clone(), layers::authenticate));
    http::router(state.clone())
        .merge(admin::router())
        .route_layer(RateLimitLayer::new(state.rate_limits.clone()))
        .route_layer(api_layers.clone())
        .method_not_allowed_fallback(method_not_allowed.layer(api_layers.clone()))
        .fallback(unknown_route.layer(api_layers))
        .with_state(state)
}

/// Serves one connection until it ends, is reset by the fault layer, or shutdown begins
/// (then in-flight requests finish and the connection closes).
async fn serve_connection(stream: TcpStream, peer: SocketAddr, app: Router, mut shutdown: watch::Receiver<bool>) {
    let control = ConnectionControl::default();
    let io = TokioIo::new(ResettableStream { stream, reset: control.reset.clone() });
    let request_control = control.clone();
    let service = app.map_request(move |mut req: Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(request_control.clone());
        req.extensions_mut().insert(ClientAddr(peer.ip()));
        req
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let connection = builder.serve_connection(io, TowerToHyperService::new(service));
    tokio::pin!(connection);
    let mut draining = false;
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(error = %err, "connection ended with an error");
                }
                return;
            }
            () = control.dropped.notified() => return,
            changed = shutdown.changed(), if !draining => {
                draining = true;
                if changed.is_ok() {
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Accepts connections on `listener` until `shutdown` completes, then lets in-flight
/// requests finish (for at most five seconds).
pub async fn serve(listener: TcpListener, app: Router, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    if let Err(err) = stream.set_nodelay(true) {
                        tracing::debug!(error = %err, "could not disable Nagle's algorithm");
                    }
                    connections.spawn(serve_connection(stream, peer, app.clone(), stop_rx.clone()));
                }
                Err(err) => {
                    // Typically out of file descriptors: back off instead of spinning.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    // Receivers may all be gone already when no connection is open.
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async { while connections.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!("connections still open after the shutdown grace period; closing them");
        connections.shutdown().await;
    }
    Ok(())
}

/// Completes on SIGINT, SIGTERM, or (when asked) end of standard input. The signal
/// handlers are installed before this returns, so no signal is missed between the
/// start-up line and the first poll.
fn shutdown_signal(exit_on_stdin_eof: bool) -> anyhow::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt()).context("listening for SIGINT")?;
    let mut terminate = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    let stdin_closed = exit_on_stdin_eof.then(|| {
        let (closed_tx, closed_rx) = tokio::sync::oneshot::channel::<()>();
        // A plain thread: a blocked stdin read must not keep the runtime from exiting.
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            let _ = closed_tx.send(());
        });
        closed_rx
    });
    Ok(async move {
        let stdin_closed = async {
            match stdin_closed {
                Some(closed) => {
                    let _ = closed.await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = interrupt.recv() => tracing::info!("SIGINT received"),
            _ = terminate.recv() => tracing::info!("SIGTERM received"),
            () = stdin_closed => tracing::info!("standard input closed"),
        }
        tracing::info!("shutting down");
    })
}

/// Starts the server described by `config` and serves until a shutdown signal.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let state = AppState::open(&config)?;
    let listener = TcpListener::bind(config.listen).await.with_context(|| format!("binding {}", config.listen))?;
    let address = listener.local_addr()?;
    let shutdown = shutdown_signal(config.exit_on_stdin_eof)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", crate::ready::line(&format!("http://{address}")))?;
    stdout.flush()?;
    drop(stdout);
    serve(listener, router(state), shutdown).await
}
