//! Errors as users read them: one sentence with the API's code and message,
//! never a debug dump, never the API key.

use std::fmt;
use std::time::Duration;

use serde_json::Value as Json;

use super::config::EndpointError;
use super::retry::FailureKind;

/// An error answer from the Palette API (any non-2xx status), parsed from
/// its `V1Error` body `{code, message, details, ref}` when it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    /// The API's error code (`ResourceNotFound`, ...); empty when the body had none.
    pub code: String,
    pub message: String,
    /// The API's `ref`, which Spectro Cloud support can trace.
    pub ref_id: Option<String>,
    pub details: Option<Json>,
    pub method: String,
    /// The request path, without its query string.
    pub path: String,
}

/// Longest piece of a non-JSON error body quoted in a message.
const MAX_QUOTED_BODY: usize = 200;

impl ApiError {
    /// Builds the error from a response. `redact` removes secrets the
    /// server might echo back (the caller passes one that hides the API key).
    pub fn from_response(
        status: u16,
        method: &str,
        path: &str,
        body: &[u8],
        redact: &dyn Fn(&str) -> String,
    ) -> ApiError {
        let mut error = ApiError {
            status,
            code: String::new(),
            message: String::new(),
            ref_id: None,
            details: None,
            method: method.to_string(),
            path: path.to_string(),
        };
        match serde_json::from_slice::<Json>(body) {
            Ok(Json::Object(fields)) => {
                error.code = fields.get("code").map(json_text).unwrap_or_default();
                error.message = fields.get("message").map(json_text).unwrap_or_default();
                error.ref_id = fields.get("ref").map(json_text).filter(|r| !r.is_empty());
                error.details = fields.get("details").filter(|d| !d.is_null()).cloned();
            }
            _ => error.message = quote_body(body),
        }
        error.code = redact(&error.code);
        error.message = redact(&error.message);
        error
    }

    /// 404, or the API's `ResourceNotFound` code under any status.
    pub fn is_not_found(&self) -> bool {
        self.status == 404 || self.code == "ResourceNotFound"
    }

    pub fn is_conflict(&self) -> bool {
        self.status == 409
    }

    fn status_text(&self) -> &'static str {
        reqwest::StatusCode::from_u16(self.status).ok().and_then(|s| s.canonical_reason()).unwrap_or("")
    }
}

fn json_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

fn quote_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(MAX_QUOTED_BODY) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

impl std::error::Error for ApiError {}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let request = match &self.ref_id {
            Some(reference) => format!("{} {}, ref {reference}", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        };
        if self.status == 401 {
            write!(f, "Palette rejected the API key (HTTP 401 on {request}); ")?;
            write!(f, "check the provider's api_key or SPECTROCLOUD_APIKEY")?;
            if !self.message.is_empty() {
                write!(f, ": {}", self.message)?;
            }
            return Ok(());
        }
        write!(f, "Palette API error {}", self.status)?;
        let label = if self.code.is_empty() { self.status_text() } else { &self.code };
        if !label.is_empty() {
            write!(f, " {label}")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        write!(f, " ({request})")
    }
}

/// Everything a client call can fail with.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Api(Box<ApiError>),
    /// No connection could be made: nothing reached the server.
    #[error("cannot reach Palette at {endpoint}: {reason}")]
    Unreachable { endpoint: String, reason: String },
    /// The TLS handshake failed (an untrusted certificate, ...): asking
    /// again cannot help.
    #[error("cannot reach Palette at {endpoint}: {reason}")]
    Tls { endpoint: String, reason: String },
    /// The connection broke after the request was sent.
    #[error("the connection to Palette at {endpoint} broke during {method} {path}: {reason}")]
    ConnectionLost { endpoint: String, method: String, path: String, reason: String },
    #[error("Palette at {endpoint} did not answer {method} {path} within {}", seconds(*.after))]
    TimedOut { endpoint: String, method: String, path: String, after: Duration },
    /// Terraform asked the provider to stop.
    #[error("{method} {path} was stopped because the operation was cancelled")]
    Cancelled { method: String, path: String },
    /// The caller's deadline passed before the request could be made.
    #[error("{method} {path} was not sent: the operation's time limit was reached")]
    DeadlineExceeded { method: String, path: String },
    /// A 2xx answer whose body is not what the API documents.
    #[error("Palette answered {method} {path} with an unreadable body: {reason}")]
    InvalidResponse { method: String, path: String, reason: String },
    /// A transient failure that lasted through every retry: `last` is the
    /// final attempt's error.
    #[error("Palette at {endpoint} is unavailable: {attempts} attempt{} in {} failed", plural(*.attempts), seconds(*.elapsed))]
    Unavailable { endpoint: String, attempts: u32, elapsed: Duration, #[source] last: Box<ClientError> },
    #[error("invalid Palette endpoint: {0}")]
    Endpoint(#[from] EndpointError),
    #[error("cannot set up the HTTP client: {0}")]
    Setup(String),
}

impl ClientError {
    /// The error of the last attempt: itself, or what an [`Unavailable`](ClientError::Unavailable) ended with.
    pub fn last_attempt(&self) -> &ClientError {
        match self {
            ClientError::Unavailable { last, .. } => last.last_attempt(),
            other => other,
        }
    }

    /// A missing object: 404 or the API's `ResourceNotFound`.
    pub fn is_not_found(&self) -> bool {
        matches!(self.last_attempt(), ClientError::Api(api) if api.is_not_found())
    }

    pub fn is_conflict(&self) -> bool {
        matches!(self.last_attempt(), ClientError::Api(api) if api.is_conflict())
    }

    /// Whether asking again later may succeed: the server could not be reached
    /// or did not answer, was overloaded (429, 408) or failed (5xx). Everything
    /// else is permanent: a 4xx (a rejected key, a missing object, a refused
    /// request) will be the same answer next time, and so will a TLS failure.
    /// The one classification every retry decision above the transport uses
    /// (waits, configure, operations riding out an outage).
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Api(api) => !api.is_not_found() && (api.status >= 500 || matches!(api.status, 408 | 429)),
            ClientError::Unreachable { .. } | ClientError::ConnectionLost { .. } | ClientError::TimedOut { .. } => true,
            ClientError::Unavailable { last, .. } => last.is_transient(),
            _ => false,
        }
    }

    /// Whether no attempt ever reached the server (connection refused, no
    /// such host, an untrusted certificate).
    pub fn never_reached(&self) -> bool {
        matches!(self.last_attempt(), ClientError::Unreachable { .. } | ClientError::Tls { .. })
    }

    /// How many requests the failure took: the retries of an [`Unavailable`](ClientError::Unavailable), else one.
    pub fn attempts(&self) -> u32 {
        match self {
            ClientError::Unavailable { attempts, .. } => *attempts,
            _ => 1,
        }
    }

    /// This failure, a transient one, as the outcome of `attempts` tries over
    /// `elapsed` (an earlier [`Unavailable`](ClientError::Unavailable) is unwrapped).
    pub fn unavailable_after(self, endpoint: &str, attempts: u32, elapsed: Duration) -> ClientError {
        let last = match self {
            ClientError::Unavailable { last, .. } => last,
            other => Box::new(other),
        };
        ClientError::Unavailable { endpoint: endpoint.to_string(), attempts, elapsed, last }
    }

    pub fn is_cancelled(&self) -> bool {
        matches!(self, ClientError::Cancelled { .. })
    }

    /// The API error, if the server answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self.last_attempt() {
            ClientError::Api(api) => Some(api.as_ref()),
            _ => None,
        }
    }

    /// What the failure says about whether the request reached the server.
    pub fn failure_kind(&self) -> FailureKind {
        match self.last_attempt() {
            ClientError::Api(api) => FailureKind::of_status(api.status),
            ClientError::Unreachable { .. } => FailureKind::NotSent,
            ClientError::ConnectionLost { .. } | ClientError::TimedOut { .. } => FailureKind::Ambiguous,
            _ => FailureKind::Final,
        }
    }

    /// Whether a request that creates something may have taken effect even
    /// though no usable answer came back: a broken connection, a timeout, a
    /// 5xx, or a success whose body could not be read.
    pub fn outcome_unknown(&self) -> bool {
        match self.last_attempt() {
            ClientError::Api(api) => api.status >= 500,
            ClientError::ConnectionLost { .. } | ClientError::TimedOut { .. } | ClientError::InvalidResponse { .. } => {
                true
            }
            _ => false,
        }
    }
}

impl From<ApiError> for ClientError {
    fn from(error: ApiError) -> Self {
        ClientError::Api(Box::new(error))
    }
}

fn plural(count: u32) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// `30s`, `1.5s`, `250ms`: short and exact enough for a message.
fn seconds(duration: Duration) -> String {
    if duration < Duration::from_secs(1) {
        format!("{}ms", duration.as_millis())
    } else if duration.subsec_millis() == 0 {
        format!("{}s", duration.as_secs())
    } else {
        format!("{:.1}s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "k3y-Th4t-Must-Not-Leak";

    fn redact_key(text: &str) -> String {
        text.replace(KEY, "[redacted]")
    }

    fn parse(status: u16, method: &str, path: &str, body: &str) -> ApiError {
        ApiError::from_response(status, method, path, body.as_bytes(), &redact_key)
    }

    #[test]
    fn v1_error_bodies_are_parsed() {
        let body = r#"{"code":"ResourceNotFound","message":"project 'x' not found","details":null,"ref":"r-123"}"#;
        let error = parse(404, "GET", "/v1/projects/abc", body);
        assert_eq!(error.code, "ResourceNotFound");
        assert_eq!(error.message, "project 'x' not found");
        assert_eq!(error.ref_id.as_deref(), Some("r-123"));
        assert_eq!(error.details, None);
        assert!(error.is_not_found());
        assert_eq!(
            error.to_string(),
            "Palette API error 404 ResourceNotFound: project 'x' not found (GET /v1/projects/abc, ref r-123)"
        );
    }

    #[test]
    fn display_without_ref_or_details() {
        let body = r#"{"code":"InvalidHostCluster","message":"Host cluster is 'UnHealthy'","details":{"a":1}}"#;
        let error = parse(400, "POST", "/v1/clustergroups", body);
        assert_eq!(error.details, Some(serde_json::json!({"a": 1})));
        assert_eq!(
            error.to_string(),
            "Palette API error 400 InvalidHostCluster: Host cluster is 'UnHealthy' (POST /v1/clustergroups)"
        );
        assert!(!error.to_string().contains("details"));
    }

    #[test]
    fn non_json_bodies_fall_back_to_status_text_and_a_short_quote() {
        let error = parse(502, "GET", "/v1/projects/abc", "<html>bad gateway</html>");
        assert_eq!(error.code, "");
        assert_eq!(
            error.to_string(),
            "Palette API error 502 Bad Gateway: <html>bad gateway</html> (GET /v1/projects/abc)"
        );
        let empty = parse(503, "GET", "/v1/x", "");
        assert_eq!(empty.to_string(), "Palette API error 503 Service Unavailable (GET /v1/x)");
        let long = parse(500, "GET", "/v1/x", &"é".repeat(1000));
        assert!(long.message.chars().count() <= MAX_QUOTED_BODY + 3);
    }

    #[test]
    fn numeric_codes_are_kept_as_text() {
        let error = parse(409, "POST", "/v1/projects", r#"{"code":409,"message":"already exists"}"#);
        assert_eq!(error.code, "409");
        assert!(error.is_conflict());
    }

    #[test]
    fn a_404_is_not_found_even_without_the_code() {
        assert!(parse(404, "GET", "/v1/x", "").is_not_found());
        assert!(parse(500, "GET", "/v1/x", r#"{"code":"ResourceNotFound"}"#).is_not_found());
        assert!(!parse(400, "GET", "/v1/x", r#"{"code":"BadRequest"}"#).is_not_found());
    }

    #[test]
    fn unauthorized_is_a_sentence_about_the_key_without_the_key() {
        let body = format!(r#"{{"code":"Unauthorized","message":"invalid api key {KEY}"}}"#);
        let error = parse(401, "GET", "/v1/dashboard/projects/metadata", &body);
        let text = error.to_string();
        assert!(
            text.starts_with("Palette rejected the API key (HTTP 401 on GET /v1/dashboard/projects/metadata)"),
            "{text}"
        );
        assert!(text.contains("SPECTROCLOUD_APIKEY"));
        assert!(!text.contains(KEY), "{text}");
        assert!(!format!("{error:?}").contains(KEY));
    }

    #[test]
    fn echoed_keys_are_redacted_from_non_json_bodies_too() {
        let error = parse(400, "GET", "/v1/x", &format!("bad header ApiKey: {KEY}"));
        assert!(!error.to_string().contains(KEY));
    }

    #[test]
    fn transport_errors_read_as_sentences() {
        let unreachable =
            ClientError::Unreachable { endpoint: "http://127.0.0.1:9".into(), reason: "connection refused".into() };
        assert_eq!(unreachable.to_string(), "cannot reach Palette at http://127.0.0.1:9: connection refused");
        let timed_out = ClientError::TimedOut {
            endpoint: "https://h".into(),
            method: "GET".into(),
            path: "/v1/projects/a".into(),
            after: Duration::from_secs(30),
        };
        assert_eq!(timed_out.to_string(), "Palette at https://h did not answer GET /v1/projects/a within 30s");
    }

    #[test]
    fn transient_and_permanent_failures_are_told_apart() {
        let api = |status, code: &str| ClientError::from(parse(status, "GET", "/v1/x", &format!(r#"{{"code":"{code}"}}"#)));
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(api(status, "X").is_transient(), "{status}");
        }
        for status in [400, 401, 403, 404, 409, 422] {
            assert!(!api(status, "X").is_transient(), "{status}");
        }
        assert!(!api(500, "ResourceNotFound").is_transient(), "a missing object stays missing");
        let lost = ClientError::ConnectionLost { endpoint: "h".into(), method: "GET".into(), path: "/v1/x".into(), reason: "reset".into() };
        assert!(lost.is_transient() && !lost.never_reached());
        let refused = ClientError::Unreachable { endpoint: "h".into(), reason: "refused".into() };
        assert!(refused.is_transient() && refused.never_reached());
        let tls = ClientError::Tls { endpoint: "h".into(), reason: "unknown issuer".into() };
        assert!(!tls.is_transient() && tls.never_reached());
        assert!(!ClientError::Cancelled { method: "GET".into(), path: "/v1/x".into() }.is_transient());
    }

    #[test]
    fn an_outlasted_failure_names_the_attempts_and_keeps_the_last_answer() {
        let last = ClientError::from(parse(504, "GET", "/v1/projects/a", r#"{"code":"GatewayTimeout","message":"slow"}"#));
        let error = last.unavailable_after("https://h", 11, Duration::from_millis(24_500));
        assert_eq!(error.to_string(), "Palette at https://h is unavailable: 11 attempts in 24.5s failed");
        assert_eq!(error.api().map(|a| a.status), Some(504));
        assert!(error.is_transient() && !error.is_not_found() && error.outcome_unknown());
        assert_eq!(error.attempts(), 11);
        let source = std::error::Error::source(&error).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("Palette API error 504 GatewayTimeout: slow (GET /v1/projects/a)"));
        // Wrapping again counts afresh rather than nesting.
        let again = error.unavailable_after("https://h", 12, Duration::from_secs(30));
        assert_eq!(again.last_attempt().to_string(), "Palette API error 504 GatewayTimeout: slow (GET /v1/projects/a)");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(seconds(Duration::from_millis(250)), "250ms");
        assert_eq!(seconds(Duration::from_secs(30)), "30s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5s");
    }

    #[test]
    fn outcome_unknown_covers_what_a_lost_create_can_look_like() {
        let api = |status| ClientError::from(parse(status, "POST", "/v1/projects", ""));
        assert!(api(500).outcome_unknown());
        assert!(api(503).outcome_unknown());
        assert!(!api(409).outcome_unknown());
        assert!(!api(429).outcome_unknown());
        let lost = ClientError::ConnectionLost {
            endpoint: "h".into(),
            method: "POST".into(),
            path: "/v1/projects".into(),
            reason: "connection reset".into(),
        };
        assert!(lost.outcome_unknown());
        assert!(!ClientError::Unreachable { endpoint: "h".into(), reason: "refused".into() }.outcome_unknown());
    }
}
