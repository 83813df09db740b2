//! Client configuration and endpoint parsing.

use std::fmt;
use std::time::Duration;

use url::Url;

use super::limiter::DEFAULT_RATE_LIMIT;
use super::retry::BackoffPolicy;

/// The public Palette SaaS host, used when no host is configured.
pub const DEFAULT_HOST: &str = "api.spectrocloud.com";
/// Retries after the first attempt, as the official provider defaults to.
pub const DEFAULT_RETRY_ATTEMPTS: u32 = 10;
/// Upper bound for one HTTP exchange (connect, send, receive the whole body).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The connect phase gets a shorter bound so an unreachable host fails fast.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How to reach and authenticate to Palette.
///
/// `Debug` never shows the API key.
#[derive(Clone)]
pub struct ClientConfig {
    /// A bare host (`api.spectrocloud.com`, `host:port`, meaning https) or a
    /// full `http://` / `https://` URL (any path is ignored).
    pub endpoint: String,
    pub api_key: String,
    /// Retries after the first attempt, so `retry_attempts + 1` attempts in total.
    pub retry_attempts: u32,
    /// Accept any server certificate (the provider's `ignore_insecure_tls_error`).
    pub insecure_tls: bool,
    /// Log request and response bodies at trace level (never kubeconfigs).
    pub trace: bool,
    pub request_timeout: Duration,
    pub backoff: BackoffPolicy,
    /// Requests per second sent to each of Palette's base-rate prefixes (the
    /// faster prefixes get their published multiple); 0 turns the limit off.
    pub rate_limit: f64,
}

impl ClientConfig {
    /// A configuration with the defaults for everything but the endpoint and key.
    pub fn new(endpoint: impl Into<String>, api_key: impl Into<String>) -> Self {
        ClientConfig { endpoint: endpoint.into(), api_key: api_key.into(), ..ClientConfig::default() }
    }

    pub(crate) fn connect_timeout(&self) -> Duration {
        self.request_timeout.min(MAX_CONNECT_TIMEOUT)
    }
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            endpoint: DEFAULT_HOST.to_string(),
            api_key: String::new(),
            retry_attempts: DEFAULT_RETRY_ATTEMPTS,
            insecure_tls: false,
            trace: false,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            backoff: BackoffPolicy::default(),
            rate_limit: DEFAULT_RATE_LIMIT,
        }
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let api_key = if self.api_key.is_empty() { "(empty)" } else { "(redacted)" };
        f.debug_struct("ClientConfig")
            .field("endpoint", &self.endpoint)
            .field("api_key", &api_key)
            .field("retry_attempts", &self.retry_attempts)
            .field("insecure_tls", &self.insecure_tls)
            .field("trace", &self.trace)
            .field("request_timeout", &self.request_timeout)
            .field("backoff", &self.backoff)
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

/// Why an endpoint string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    #[error("the Palette host is empty")]
    Empty,
    #[error("the Palette host '{0}' is not a valid host name or URL")]
    Invalid(String),
    #[error("the Palette URL '{0}' must use http or https")]
    UnsupportedScheme(String),
}

/// A parsed Palette base URL: scheme, host and port only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    base: Url,
}

impl Endpoint {
    /// Parses what a user may write in `host`: a bare host (optionally with a
    /// port) means https; a full URL keeps its scheme, and its path, query and
    /// trailing slash are dropped because every API path starts at `/v1`.
    pub fn parse(input: &str) -> Result<Endpoint, EndpointError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EndpointError::Empty);
        }
        let with_scheme = if trimmed.contains("://") { trimmed.to_string() } else { format!("https://{trimmed}") };
        let mut url = Url::parse(&with_scheme).map_err(|_| EndpointError::Invalid(trimmed.to_string()))?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(EndpointError::UnsupportedScheme(trimmed.to_string()));
        }
        if url.host_str().is_none_or(str::is_empty) || !url.username().is_empty() || url.password().is_some() {
            return Err(EndpointError::Invalid(trimmed.to_string()));
        }
        url.set_path("");
        url.set_query(None);
        url.set_fragment(None);
        Ok(Endpoint { base: url })
    }

    /// The full URL of an API path such as `/v1/projects`.
    pub fn url_for(&self, path: &str) -> String {
        format!("{self}{path}")
    }
}

impl fmt::Display for Endpoint {
    /// `scheme://host[:port]`, without a trailing slash.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.base.as_str().trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(input: &str) -> String {
        Endpoint::parse(input).unwrap().to_string()
    }

    #[test]
    fn bare_host_means_https() {
        assert_eq!(parsed("api.spectrocloud.com"), "https://api.spectrocloud.com");
        assert_eq!(parsed("  palette.example.org  "), "https://palette.example.org");
    }

    #[test]
    fn bare_host_with_port_keeps_port() {
        assert_eq!(parsed("palette.local:8443"), "https://palette.local:8443");
        assert_eq!(parsed("127.0.0.1:8080"), "https://127.0.0.1:8080");
    }

    #[test]
    fn full_urls_keep_their_scheme_and_port() {
        assert_eq!(parsed("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(parsed("https://x"), "https://x");
        assert_eq!(parsed("HTTP://Example.COM"), "http://example.com");
    }

    #[test]
    fn trailing_slash_path_and_query_are_dropped() {
        assert_eq!(parsed("http://127.0.0.1:8080/"), "http://127.0.0.1:8080");
        assert_eq!(parsed("https://api.spectrocloud.com/v1/"), "https://api.spectrocloud.com");
        assert_eq!(parsed("https://h/some/path?x=1#frag"), "https://h");
        assert_eq!(parsed("h:9000/"), "https://h:9000");
    }

    #[test]
    fn default_ports_are_not_repeated() {
        assert_eq!(parsed("https://h:443"), "https://h");
        assert_eq!(parsed("http://h:80"), "http://h");
    }

    #[test]
    fn url_for_joins_api_paths() {
        let endpoint = Endpoint::parse("http://127.0.0.1:8080/").unwrap();
        assert_eq!(endpoint.url_for("/v1/projects"), "http://127.0.0.1:8080/v1/projects");
    }

    #[test]
    fn bad_endpoints_are_refused() {
        assert_eq!(Endpoint::parse("   "), Err(EndpointError::Empty));
        assert!(matches!(Endpoint::parse("ftp://h"), Err(EndpointError::UnsupportedScheme(_))));
        assert!(matches!(Endpoint::parse("https://"), Err(EndpointError::Invalid(_))));
        assert!(matches!(Endpoint::parse("host name with spaces"), Err(EndpointError::Invalid(_))));
        assert!(matches!(Endpoint::parse("h:notaport"), Err(EndpointError::Invalid(_))));
        assert!(matches!(Endpoint::parse("https://user:pw@h"), Err(EndpointError::Invalid(_))));
    }

    #[test]
    fn debug_never_shows_the_api_key() {
        let config = ClientConfig::new("h", "super-secret-key-123");
        let shown = format!("{config:?}");
        assert!(!shown.contains("super-secret-key-123"), "{shown}");
        assert!(shown.contains("(redacted)"));
    }
}
