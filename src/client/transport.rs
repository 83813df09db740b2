//! The HTTP layer: one `reqwest` client, per-request scope, timeouts,
//! retries with backoff, cancellation, logging and error mapping.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::time::Instant;
use url::Url;

use super::cache::Snapshots;
use super::config::{ClientConfig, Endpoint};
use super::context::CallContext;
use super::error::{ApiError, ClientError};
use super::limiter::RateLimiter;
use super::models::Uid;
use super::retry::{next_delay, parse_retry_after, BackoffPolicy, FailedAttempt, Idempotency};

const API_KEY_HEADER: &str = "ApiKey";
const PROJECT_HEADER: &str = "ProjectUid";
const JSON: &str = "application/json";
const OCTET_STREAM: &str = "application/octet-stream";

/// Where a request acts: the tenant, or one project (`ProjectUid` header).
/// Chosen per request, never stored in the client.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    Tenant,
    Project(String),
}

impl Scope {
    pub fn project(uid: impl Into<String>) -> Scope {
        Scope::Project(uid.into())
    }

    pub fn project_uid(&self) -> Option<&str> {
        match self {
            Scope::Tenant => None,
            Scope::Project(uid) => Some(uid),
        }
    }
}

/// A Palette API client. Cloning is cheap and clones share one connection pool.
#[derive(Clone)]
pub struct PaletteClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoint: Endpoint,
    api_key: String,
    retry_attempts: u32,
    backoff: BackoffPolicy,
    trace: bool,
    request_timeout: Duration,
    /// `None` when the rate limit is turned off.
    limiter: Option<RateLimiter>,
    snapshots: Snapshots,
}

impl fmt::Debug for PaletteClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaletteClient").field("endpoint", &self.inner.endpoint.to_string()).finish_non_exhaustive()
    }
}

/// One API request, described before it is sent (so it can be re-sent).
#[derive(Debug, Clone)]
pub(crate) struct Request {
    method: Method,
    /// Path segments after `/v1`, each percent-encoded when the URL is built.
    segments: Vec<String>,
    query: Vec<(&'static str, String)>,
    scope: Scope,
    body: Option<Vec<u8>>,
    idempotency: Idempotency,
    /// A POST that only searches or lists: it changes nothing on the server.
    search: bool,
    /// A file download (kubeconfig): octet-stream, and the body is never logged.
    download: bool,
}

impl Request {
    /// A request to `/v1/<segments...>`. GET, PUT and DELETE are idempotent;
    /// POST and PATCH are not unless marked with [`Request::idempotent`].
    pub(crate) fn new(method: Method, segments: &[&str]) -> Request {
        let idempotency = match method {
            Method::POST | Method::PATCH => Idempotency::NotIdempotent,
            _ => Idempotency::Idempotent,
        };
        Request {
            method,
            segments: segments.iter().map(|s| s.to_string()).collect(),
            query: Vec::new(),
            scope: Scope::Tenant,
            body: None,
            idempotency,
            search: false,
            download: false,
        }
    }

    pub(crate) fn get(segments: &[&str]) -> Request {
        Request::new(Method::GET, segments)
    }

    pub(crate) fn post(segments: &[&str]) -> Request {
        Request::new(Method::POST, segments)
    }

    pub(crate) fn put(segments: &[&str]) -> Request {
        Request::new(Method::PUT, segments)
    }

    pub(crate) fn patch(segments: &[&str]) -> Request {
        Request::new(Method::PATCH, segments)
    }

    pub(crate) fn delete(segments: &[&str]) -> Request {
        Request::new(Method::DELETE, segments)
    }

    pub(crate) fn scope(mut self, scope: &Scope) -> Request {
        self.scope = scope.clone();
        self
    }

    pub(crate) fn query(mut self, name: &'static str, value: impl Into<String>) -> Request {
        self.query.push((name, value.into()));
        self
    }

    /// Adds the query parameter only when a value is given.
    pub(crate) fn query_opt(self, name: &'static str, value: Option<impl Into<String>>) -> Request {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    pub(crate) fn json(mut self, body: &impl Serialize) -> Request {
        // Every model serializes: all maps have string keys.
        let bytes = serde_json::to_vec(body).expect("API request models always serialize to JSON");
        self.body = Some(bytes);
        self
    }

    /// Marks a POST or PATCH that only reads, searches or sets a value, so
    /// sending it twice is harmless.
    pub(crate) fn idempotent(mut self) -> Request {
        self.idempotency = Idempotency::Idempotent;
        self
    }

    /// Marks a POST that only searches or lists (so it is idempotent and
    /// does not end the client's snapshots).
    pub(crate) fn search(mut self) -> Request {
        self.search = true;
        self.idempotent()
    }

    /// Whether the request may change something on the server.
    fn writes(&self) -> bool {
        self.method != Method::GET && !self.search
    }

    pub(crate) fn download(mut self) -> Request {
        self.download = true;
        self
    }

    pub(crate) fn invalid_response(&self, reason: impl Into<String>) -> ClientError {
        ClientError::InvalidResponse { method: self.method.to_string(), path: self.path(), reason: reason.into() }
    }

    fn path(&self) -> String {
        let mut path = String::from("/v1");
        for segment in &self.segments {
            path.push('/');
            path.push_str(segment);
        }
        path
    }
}

/// A successful (2xx) answer.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

/// A failed attempt and the server's `Retry-After`, if any.
struct AttemptError {
    error: ClientError,
    retry_after: Option<Duration>,
}

impl From<ClientError> for AttemptError {
    fn from(error: ClientError) -> Self {
        AttemptError { error, retry_after: None }
    }
}

impl PaletteClient {
    pub fn new(config: ClientConfig) -> Result<PaletteClient, ClientError> {
        let endpoint = Endpoint::parse(&config.endpoint)?;
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .connect_timeout(config.connect_timeout())
            .tls_danger_accept_invalid_certs(config.insecure_tls)
            .user_agent(concat!("terraform-provider-spectrocloud/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Setup(innermost_reason(&e)))?;
        Ok(PaletteClient {
            inner: Arc::new(Inner {
                http,
                endpoint,
                api_key: config.api_key,
                retry_attempts: config.retry_attempts,
                backoff: config.backoff,
                trace: config.trace,
                request_timeout: config.request_timeout,
                limiter: RateLimiter::new(config.rate_limit),
                snapshots: Snapshots::default(),
            }),
        })
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    pub fn retry_attempts(&self) -> u32 {
        self.inner.retry_attempts
    }

    pub fn backoff(&self) -> &BackoffPolicy {
        &self.inner.backoff
    }

    pub fn request_timeout(&self) -> Duration {
        self.inner.request_timeout
    }

    /// Requests per second at Palette's base prefixes; `None` when unlimited.
    pub fn rate_limit(&self) -> Option<f64> {
        self.inner.limiter.as_ref().map(RateLimiter::rate)
    }

    /// Replaces the API key anywhere in a text that came from outside.
    pub(crate) fn redact(&self, text: &str) -> String {
        if self.inner.api_key.is_empty() {
            text.to_string()
        } else {
            text.replace(&self.inner.api_key, "[redacted]")
        }
    }

    pub(crate) fn snapshots(&self) -> &Snapshots {
        &self.inner.snapshots
    }

    /// Sends a request, retrying as its idempotency allows, and returns a
    /// 2xx answer or the last error. A transient failure that outlasts the
    /// retries ends as [`ClientError::Unavailable`], naming the attempts made.
    /// A write ends the client's snapshots, before it is sent and again once
    /// it is answered.
    pub(crate) async fn execute(&self, ctx: &CallContext, request: &Request) -> Result<Response, ClientError> {
        if !request.writes() {
            return self.send_with_retries(ctx, request).await;
        }
        self.inner.snapshots.invalidate();
        let outcome = self.send_with_retries(ctx, request).await;
        self.inner.snapshots.invalidate();
        outcome
    }

    async fn send_with_retries(&self, ctx: &CallContext, request: &Request) -> Result<Response, ClientError> {
        let started = Instant::now();
        let mut retries_done = 0;
        let mut retried: Option<ClientError> = None;
        loop {
            if let Err(error) = self.wait_for_rate_limit(ctx, request).await {
                return Err(self.ending_at_deadline(retried, error, retries_done, started));
            }
            let failure = match self.attempt(ctx, request, retries_done + 1).await {
                Ok(response) => return Ok(response),
                Err(failure) if retried.is_some() && matches!(failure.error, ClientError::DeadlineExceeded { .. }) => {
                    return Err(self.ending_at_deadline(retried, failure.error, retries_done, started));
                }
                Err(failure) => failure,
            };
            if let (Some(limiter), Some(429)) = (&self.inner.limiter, failure.error.api().map(|api| api.status)) {
                limiter.throttled(&request.segments, failure.retry_after, Instant::now());
            }
            if ctx.is_cancelled() {
                // A create keeps its real error: whether it took effect is
                // still to be found out (see `create_idempotently`).
                return Err(match request.idempotency {
                    Idempotency::Idempotent => self.cancelled(request),
                    Idempotency::NotIdempotent => failure.error,
                });
            }
            let kind = failure.error.failure_kind();
            let failed = FailedAttempt {
                kind,
                idempotency: request.idempotency,
                retries_done,
                retry_after: failure.retry_after,
                remaining: ctx.remaining(),
                ride_out: ctx.rides_out_outages() && failure.error.is_transient(),
            };
            let Some(delay) = next_delay(&self.inner.backoff, self.inner.retry_attempts, failed, &mut rand::rng())
            else {
                // Retries were allowed but did not help: say so, with the attempts made.
                if kind.is_retryable(request.idempotency) && failure.error.is_transient() {
                    let endpoint = self.inner.endpoint.to_string();
                    return Err(failure.error.unavailable_after(&endpoint, retries_done + 1, started.elapsed()));
                }
                return Err(failure.error);
            };
            if retries_done == self.inner.retry_attempts {
                tracing::warn!(
                    method = %request.method,
                    path = %request.path(),
                    error = %failure.error,
                    "Palette is still failing after every retry; riding it out until the operation's deadline"
                );
            }
            tracing::debug!(
                method = %request.method,
                path = %request.path(),
                attempt = retries_done + 1,
                delay_ms = delay.as_millis() as u64,
                error = %failure.error,
                "retrying Palette request"
            );
            if ctx.sleep(delay).await.is_err() {
                return Err(self.cancelled(request));
            }
            retried = Some(failure.error);
            retries_done += 1;
        }
    }

    /// The error of a retry that ran into the deadline (waiting for its
    /// rate-limit slot, or in flight): the failure it was retrying, as
    /// unavailable when transient, rather than the deadline itself.
    fn ending_at_deadline(&self, retried: Option<ClientError>, error: ClientError, retries_done: u32, started: Instant) -> ClientError {
        match (retried, &error) {
            (Some(last), ClientError::DeadlineExceeded { .. }) if last.is_transient() => {
                last.unavailable_after(&self.inner.endpoint.to_string(), retries_done, started.elapsed())
            }
            (Some(last), ClientError::DeadlineExceeded { .. }) => last,
            _ => error,
        }
    }

    /// Waits for the request's slot under the client-side rate limit; fails
    /// at once when the slot comes after the caller's deadline.
    async fn wait_for_rate_limit(&self, ctx: &CallContext, request: &Request) -> Result<(), ClientError> {
        let Some(limiter) = &self.inner.limiter else {
            return Ok(());
        };
        let delay = limiter.reserve(&request.segments, Instant::now());
        if delay.is_zero() {
            return Ok(());
        }
        if ctx.remaining().is_some_and(|remaining| remaining <= delay) {
            return Err(ClientError::DeadlineExceeded { method: request.method.to_string(), path: request.path() });
        }
        tracing::debug!(method = %request.method, path = %request.path(), delay_ms = delay.as_millis() as u64, "waiting for the client rate limit");
        ctx.sleep(delay).await.map_err(|_| self.cancelled(request))
    }

    async fn attempt(&self, ctx: &CallContext, request: &Request, attempt: u32) -> Result<Response, AttemptError> {
        let path = request.path();
        let timeout = match ctx.remaining() {
            Some(remaining) if remaining.is_zero() => {
                return Err(ClientError::DeadlineExceeded { method: request.method.to_string(), path }.into());
            }
            Some(remaining) => remaining.min(self.inner.request_timeout),
            None => self.inner.request_timeout,
        };
        let http_request = self.build(request, timeout)?;
        if self.inner.trace && !request.download {
            if let Some(body) = &request.body {
                let body = String::from_utf8_lossy(body);
                tracing::trace!(method = %request.method, path = %path, body = %body, "Palette request body");
            }
        }

        let started = Instant::now();
        let exchange = async {
            let response = self.inner.http.execute(http_request).await?;
            let status = response.status().as_u16();
            let retry_after =
                response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
            let body = response.bytes().await?.to_vec();
            Ok::<_, reqwest::Error>((status, retry_after, body))
        };
        // A request that creates something is never abandoned half-way: its
        // answer (bounded by the request timeout) tells whether it took effect.
        let outcome = if request.idempotency == Idempotency::Idempotent {
            tokio::select! {
                biased;
                _ = ctx.cancellation().cancelled() => return Err(self.cancelled(request).into()),
                outcome = exchange => outcome,
            }
        } else {
            exchange.await
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;

        let (status, retry_after, body) = match outcome {
            Ok(parts) => parts,
            Err(error) => {
                let error = self.transport_error(request, &path, timeout, &error);
                tracing::debug!(
                    method = %request.method,
                    path = %path,
                    attempt,
                    duration_ms = elapsed_ms,
                    error = %error,
                    "Palette request failed"
                );
                return Err(error.into());
            }
        };
        tracing::debug!(
            method = %request.method,
            path = %path,
            status,
            attempt,
            duration_ms = elapsed_ms,
            "Palette request"
        );
        if self.inner.trace && !request.download && !body.is_empty() {
            let body = self.redact(&String::from_utf8_lossy(&body));
            tracing::trace!(method = %request.method, path = %path, status, body = %body, "Palette response body");
        }

        if (200..300).contains(&status) {
            return Ok(Response { status, body });
        }
        let redact = |text: &str| self.redact(text);
        let error = ApiError::from_response(status, request.method.as_str(), &path, &body, &redact);
        Err(AttemptError { error: error.into(), retry_after })
    }

    fn build(&self, request: &Request, timeout: Duration) -> Result<reqwest::Request, ClientError> {
        let mut url: Url =
            self.inner.endpoint.url_for("/v1").parse().map_err(|_| self.setup_error("invalid base URL"))?;
        url.path_segments_mut().map_err(|_| self.setup_error("invalid base URL"))?.extend(&request.segments);
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())));
        }

        let mut headers = HeaderMap::new();
        let mut key = HeaderValue::from_str(&self.inner.api_key)
            .map_err(|_| self.setup_error("the API key contains characters that cannot be sent in an HTTP header"))?;
        key.set_sensitive(true);
        headers.insert(API_KEY_HEADER, key);
        if let Some(project) = request.scope.project_uid() {
            let value = HeaderValue::from_str(project).map_err(|_| {
                self.setup_error("the project UID contains characters that cannot be sent in an HTTP header")
            })?;
            headers.insert(PROJECT_HEADER, value);
        }
        headers.insert(ACCEPT, HeaderValue::from_static(if request.download { OCTET_STREAM } else { JSON }));

        let mut builder = self.inner.http.request(request.method.clone(), url).headers(headers).timeout(timeout);
        if let Some(body) = &request.body {
            builder = builder.header(CONTENT_TYPE, JSON).body(body.clone());
        }
        builder.build().map_err(|e| ClientError::Setup(self.redact(&innermost_reason(&e))))
    }

    fn setup_error(&self, reason: &str) -> ClientError {
        ClientError::Setup(reason.to_string())
    }

    fn cancelled(&self, request: &Request) -> ClientError {
        ClientError::Cancelled { method: request.method.to_string(), path: request.path() }
    }

    fn transport_error(&self, request: &Request, path: &str, timeout: Duration, error: &reqwest::Error) -> ClientError {
        let endpoint = self.inner.endpoint.to_string();
        let reason = self.redact(&innermost_reason(error));
        if is_tls_failure(error) {
            ClientError::Tls { endpoint, reason }
        } else if error.is_connect() {
            ClientError::Unreachable { endpoint, reason }
        } else if error.is_timeout() {
            ClientError::TimedOut {
                endpoint,
                method: request.method.to_string(),
                path: path.to_string(),
                after: timeout,
            }
        } else {
            ClientError::ConnectionLost { endpoint, method: request.method.to_string(), path: path.to_string(), reason }
        }
    }

    // Typed helpers used by the endpoint modules.

    /// Sends and decodes a JSON answer.
    pub(crate) async fn fetch<T: DeserializeOwned>(
        &self,
        ctx: &CallContext,
        request: Request,
    ) -> Result<T, ClientError> {
        let response = self.execute(ctx, &request).await?;
        decode(&request, &response.body)
    }

    /// Like [`fetch`](Self::fetch), but a missing object is `None`.
    pub(crate) async fn fetch_optional<T: DeserializeOwned>(
        &self,
        ctx: &CallContext,
        request: Request,
    ) -> Result<Option<T>, ClientError> {
        match self.fetch(ctx, request).await {
            Ok(value) => Ok(Some(value)),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Sends a request whose answer has no body worth reading (204).
    pub(crate) async fn send(&self, ctx: &CallContext, request: Request) -> Result<(), ClientError> {
        self.execute(ctx, &request).await.map(drop)
    }

    /// Sends a delete; an object that is already gone counts as deleted
    /// (a retried delete whose first attempt worked gets a 404).
    pub(crate) async fn send_delete(&self, ctx: &CallContext, request: Request) -> Result<(), ClientError> {
        match self.send(ctx, request).await {
            Err(error) if error.is_not_found() => Ok(()),
            other => other,
        }
    }

    /// Sends a create and returns the new object's UID from `{"uid": ...}`.
    pub(crate) async fn create(&self, ctx: &CallContext, request: Request) -> Result<String, ClientError> {
        let uid: Uid = self.fetch(ctx, request).await?;
        Ok(uid.uid)
    }

    /// Downloads a file as text: raw YAML or the same YAML in base64.
    /// A 404 (not available yet) is `None`. The content is never logged.
    pub(crate) async fn download_text(
        &self,
        ctx: &CallContext,
        request: Request,
    ) -> Result<Option<String>, ClientError> {
        let request = request.download();
        match self.execute(ctx, &request).await {
            Ok(response) if response.status == 204 || response.body.is_empty() => Ok(None),
            Ok(response) => Ok(Some(decode_download(&response.body))),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// Decodes a JSON body; an error names the call, not the content.
pub(crate) fn decode<T: DeserializeOwned>(request: &Request, body: &[u8]) -> Result<T, ClientError> {
    serde_json::from_slice(body).map_err(|error| request.invalid_response(error.to_string()))
}

/// A downloaded kubeconfig is plain YAML, or that YAML base64-encoded.
pub(crate) fn decode_download(body: &[u8]) -> String {
    use base64::Engine as _;
    let text = String::from_utf8_lossy(body);
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let looks_base64 =
        !compact.is_empty() && compact.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    if looks_base64 {
        if let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
            if let Ok(decoded) = String::from_utf8(decoded) {
                return decoded;
            }
        }
    }
    text.into_owned()
}

/// The causes of an error, outermost first. An `io::Error` that wraps
/// another error is followed into it (its own `source` skips a level).
fn causes<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |current| match current.downcast_ref::<std::io::Error>() {
        Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
        None => current.source(),
    })
}

/// Whether a TLS error (certificate, handshake) is behind a transport error.
fn is_tls_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    causes(error).any(|cause| cause.is::<rustls::Error>())
}

/// The most specific cause of a transport error, in words:
/// "connection refused" rather than "error sending request".
fn innermost_reason(error: &(dyn std::error::Error + 'static)) -> String {
    let innermost = causes(error).last().unwrap_or(error);
    if let Some(io) = innermost.downcast_ref::<std::io::Error>() {
        use std::io::ErrorKind::*;
        let known = match io.kind() {
            ConnectionRefused => Some("connection refused"),
            ConnectionReset => Some("connection reset by the server"),
            ConnectionAborted => Some("connection aborted"),
            TimedOut => Some("connection timed out"),
            UnexpectedEof => Some("the server closed the connection"),
            _ => None,
        };
        if let Some(known) = known {
            return known.to_string();
        }
    }
    innermost.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_built_from_segments() {
        let request = Request::get(&["clusterprofiles", "abc", "packs", "my pack", "manifests"]);
        assert_eq!(request.path(), "/v1/clusterprofiles/abc/packs/my pack/manifests");
    }

    #[test]
    fn method_defaults_decide_idempotency() {
        assert_eq!(Request::get(&["x"]).idempotency, Idempotency::Idempotent);
        assert_eq!(Request::put(&["x"]).idempotency, Idempotency::Idempotent);
        assert_eq!(Request::delete(&["x"]).idempotency, Idempotency::Idempotent);
        assert_eq!(Request::post(&["x"]).idempotency, Idempotency::NotIdempotent);
        assert_eq!(Request::patch(&["x"]).idempotency, Idempotency::NotIdempotent);
        assert_eq!(Request::post(&["x"]).idempotent().idempotency, Idempotency::Idempotent);
        assert_eq!(Request::post(&["x"]).search().idempotency, Idempotency::Idempotent);
    }

    #[test]
    fn every_method_but_get_writes_unless_it_only_searches() {
        assert!(!Request::get(&["x"]).writes());
        assert!(!Request::post(&["dashboard", "projects"]).search().writes());
        for request in [Request::post(&["x"]), Request::post(&["x"]).idempotent(), Request::put(&["x"]), Request::patch(&["x"]), Request::delete(&["x"])] {
            assert!(request.writes(), "{request:?}");
        }
    }

    #[test]
    fn segments_and_queries_are_percent_encoded() {
        let client = PaletteClient::new(ClientConfig::new("http://127.0.0.1:1", "key")).unwrap();
        let request =
            Request::get(&["packs", "a/b c", "registries", "r1"]).query("filters", "spec.name=xANDspec.version=1");
        let built = client.build(&request, Duration::from_secs(1)).unwrap();
        assert_eq!(
            built.url().as_str(),
            "http://127.0.0.1:1/v1/packs/a%2Fb%20c/registries/r1?filters=spec.name%3DxANDspec.version%3D1"
        );
    }

    #[test]
    fn headers_carry_key_scope_and_content_type() {
        let client = PaletteClient::new(ClientConfig::new("h", "the-key")).unwrap();
        let scoped = Request::post(&["clusterprofiles"]).scope(&Scope::project("p1")).json(&serde_json::json!({}));
        let built = client.build(&scoped, Duration::from_secs(1)).unwrap();
        assert_eq!(built.headers()["ApiKey"], "the-key");
        assert!(built.headers()["ApiKey"].is_sensitive());
        assert_eq!(built.headers()["ProjectUid"], "p1");
        assert_eq!(built.headers()["Content-Type"], JSON);
        assert_eq!(built.headers()["Accept"], JSON);

        let tenant = client.build(&Request::get(&["projects", "x"]), Duration::from_secs(1)).unwrap();
        assert!(tenant.headers().get("ProjectUid").is_none());
        assert!(tenant.headers().get("Content-Type").is_none());
        let download = client.build(&Request::get(&["x"]).download(), Duration::from_secs(1)).unwrap();
        assert_eq!(download.headers()["Accept"], OCTET_STREAM);
    }

    #[test]
    fn client_debug_hides_the_key() {
        let client = PaletteClient::new(ClientConfig::new("h", "the-secret-key")).unwrap();
        let shown = format!("{client:?}");
        assert!(shown.contains("https://h") && !shown.contains("the-secret-key"), "{shown}");
    }

    #[test]
    fn downloads_accept_raw_and_base64_yaml() {
        let yaml = "apiVersion: v1\nkind: Config\nclusters: []\n";
        assert_eq!(decode_download(yaml.as_bytes()), yaml);
        use base64::Engine as _;
        let encoded = base64::engine::general_purpose::STANDARD.encode(yaml);
        assert_eq!(decode_download(encoded.as_bytes()), yaml);
        assert_eq!(decode_download(format!("{encoded}\n").as_bytes()), yaml);
        // Plain words that happen to be valid base64 but not UTF-8 stay as they are.
        assert_eq!(decode_download(b"abcd"), "abcd");
    }
}
