//! A scripted HTTP/1.1 server on 127.0.0.1 for the client's tests: it
//! records every request and answers with what the test's handler says,
//! including dropping the connection. It stops when dropped.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == &name.to_ascii_lowercase()).map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("request body is JSON")
    }
}

pub(crate) enum Reply {
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Close the connection without answering.
    Drop,
    /// Answer after a pause.
    After(Duration, Box<Reply>),
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply::Respond { status, headers: vec![("Content-Type", "application/json".into())], body: body.to_string() }
    }

    pub fn empty(status: u16) -> Reply {
        Reply::Respond { status, headers: Vec::new(), body: String::new() }
    }

    pub fn bytes(status: u16, content_type: &str, body: &str) -> Reply {
        Reply::Respond { status, headers: vec![("Content-Type", content_type.to_string())], body: body.to_string() }
    }

    pub fn error(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(status, serde_json::json!({"code": code, "message": message, "details": null, "ref": "r1"}))
    }

    pub fn with_header(self, name: &'static str, value: &str) -> Reply {
        match self {
            Reply::Respond { status, mut headers, body } => {
                headers.push((name, value.to_string()));
                Reply::Respond { status, headers, body }
            }
            other => other,
        }
    }
}

type Handler = dyn Fn(&Recorded, &[Recorded]) -> Reply + Send + Sync;

pub(crate) struct TestServer {
    url: String,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    accept_loop: JoinHandle<()>,
}

impl TestServer {
    /// Starts a plain HTTP server whose `handler` sees each request and the ones before it.
    pub async fn start(handler: impl Fn(&Recorded, &[Recorded]) -> Reply + Send + Sync + 'static) -> TestServer {
        TestServer::listen(handler, None).await
    }

    /// Like [`start`](Self::start), but HTTPS with a fresh self-signed certificate.
    pub async fn start_tls(handler: impl Fn(&Recorded, &[Recorded]) -> Reply + Send + Sync + 'static) -> TestServer {
        TestServer::listen(handler, Some(self_signed_acceptor())).await
    }

    async fn listen(
        handler: impl Fn(&Recorded, &[Recorded]) -> Reply + Send + Sync + 'static,
        tls: Option<TlsAcceptor>,
    ) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let recorded = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let shared = recorded.clone();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let accept_loop = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (recorded, handler, tls) = (shared.clone(), handler.clone(), tls.clone());
                tokio::spawn(async move {
                    match tls {
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                serve(stream, recorded, handler).await;
                            }
                        }
                        None => serve(stream, recorded, handler).await,
                    }
                });
            }
        });
        TestServer { url: format!("{scheme}://{addr}"), recorded, accept_loop }
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.recorded.lock().unwrap().clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

async fn serve(
    mut stream: impl AsyncRead + AsyncWrite + Unpin,
    recorded: Arc<Mutex<Vec<Recorded>>>,
    handler: Arc<Handler>,
) {
    let Some(request) = read_request(&mut stream).await else { return };
    let reply = {
        let mut all = recorded.lock().unwrap();
        let reply = handler(&request, &all);
        all.push(request);
        reply
    };
    let mut reply = reply;
    loop {
        match reply {
            Reply::After(pause, next) => {
                tokio::time::sleep(pause).await;
                reply = *next;
            }
            Reply::Drop => return,
            Reply::Respond { status, headers, body } => {
                let mut head =
                    format!("HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(body.as_bytes()).await;
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
}

async fn read_request(stream: &mut (impl AsyncRead + Unpin)) -> Option<Recorded> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let length: usize =
        headers.iter().find(|(name, _)| name == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Some(Recorded { method, target, headers, body: String::from_utf8_lossy(&body).to_string() })
}

/// A TLS acceptor with a certificate no client trusts, speaking HTTP/1.1.
fn self_signed_acceptor() -> TlsAcceptor {
    use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).expect("self-signed certificate");
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .expect("server certificate");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    TlsAcceptor::from(Arc::new(config))
}
