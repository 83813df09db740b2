//! The `provider "spectrocloud"` block: settings compatible with the official
//! provider, the credential check, and the data every resource operation gets.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;

use crate::client::models::ObjectMeta;
use crate::client::{CallContext, CancellationToken, ClientConfig, ClientError, Endpoint, PaletteClient, Scope, DEFAULT_HOST, DEFAULT_RATE_LIMIT, DEFAULT_RETRY_ATTEMPTS};
use terraform_plugin::framework::context::Context;
use terraform_plugin::protocol::diagnostics::{AttributePath, Diagnostic, Diagnostics};
use terraform_plugin::framework::resource::{ConfigureRequest, ProviderDefinition};
use terraform_plugin::framework::schema::{Attribute, Block, Schema};
use terraform_plugin::framework::validators::{at_least, not_empty};
use terraform_plugin::framework::wait::Transience;
use terraform_plugin::protocol::value::{Type, Value};


pub const DEFAULT_PROJECT: &str = "Default";

/// The provider's registry address, as configurations name it.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/spectrocloud/spectrocloud";

/// This build's version (the crate's), as Terraform's lock file and
/// `version` constraints see it once the provider is packaged (`scripts/mirror.sh`).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// How long configure may spend checking the credentials and resolving the
/// project.
#[derive(Debug, Clone, Copy)]
struct ConfigureLimits {
    /// While Palette answers, if only with errors: long enough for a
    /// reachable Palette with transient errors (even 60% of requests
    /// failing) to configure.
    answering: Duration,
    /// For a host that never answers (connection refused, no such host, a
    /// TLS failure), so a wrong host fails in seconds.
    unreachable: Duration,
}

const CONFIGURE_LIMITS: ConfigureLimits = ConfigureLimits { answering: Duration::from_secs(60), unreachable: Duration::from_secs(8) };

/// The `feature_preview` key that turns on immutable cluster profile versions.
pub const IMMUTABLE_CLUSTER_PROFILES: &str = "immutable-clusterprofiles";

/// What every resource and data source operation receives once the provider
/// is configured.
#[derive(Debug, Clone)]
pub struct Palette {
    pub client: PaletteClient,
    /// The UID of the provider's `project_name`, used for `context = "project"`.
    pub project_uid: String,
    pub project_name: String,
    pub feature_flags: BTreeMap<String, bool>,
    pub feature_preview: BTreeMap<String, bool>,
}

impl Palette {
    /// The scope for a resource's `context` attribute: only `"tenant"` means
    /// tenant scope; everything else is the provider's project.
    pub fn scope(&self, context: &str) -> Scope {
        if context == "tenant" {
            Scope::Tenant
        } else {
            Scope::project(self.project_uid.clone())
        }
    }

    pub fn project_scope(&self) -> Scope {
        Scope::project(self.project_uid.clone())
    }

    pub fn feature_preview_enabled(&self, key: &str) -> bool {
        self.feature_preview.get(key).copied().unwrap_or(false)
    }
}

/// The client call context of a framework operation: Terraform's stop request
/// and the operation's deadline bound every request and retry, and during
/// apply requests ride out transient failures until that deadline.
pub fn call(ctx: &Context<Palette>) -> CallContext {
    let call = CallContext::new(ctx.cancellation().clone()).with_deadline(ctx.deadline());
    if ctx.rides_out_outages() {
        call.riding_out_outages()
    } else {
        call
    }
}

/// The classification is the client's ([`ClientError::is_transient`]); the
/// framework's waits use it through this.
impl Transience for ClientError {
    fn is_transient(&self) -> bool {
        ClientError::is_transient(self)
    }
}

/// A failed API call as a diagnostic. A transient failure that outlasted the
/// retries is titled as Palette being unavailable, whatever was being done,
/// so the network is never reported as the user's mistake; anything else is
/// titled `summary` with the API's answer as the detail.
pub fn api_failure(summary: &str, error: &ClientError) -> Diagnostic {
    if error.is_transient() {
        let title = match error {
            ClientError::Unavailable { .. } => error.to_string(),
            _ => "Palette is unavailable".to_string(),
        };
        Diagnostic::error(title, format!("{summary}: the last attempt failed with: {}.", error.last_attempt()))
    } else {
        Diagnostic::error(summary, error.to_string())
    }
}

pub struct PaletteProvider;

/// The settings after attributes, environment variables and defaults are combined.
#[derive(Debug)]
struct Settings {
    host: String,
    api_key: String,
    project_name: String,
    retry_attempts: u32,
    insecure_tls: bool,
    trace: bool,
    rate_limit: f64,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn env_bool(name: &str) -> Option<bool> {
    env(name).map(|v| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"))
}

impl Settings {
    fn resolve(config: &Value, diags: &mut Diagnostics) -> Option<Settings> {
        let string = |name: &str, variable: &str| config.get(name).as_str().map(str::to_string).or_else(|| env(variable));
        let host = string("host", "SPECTROCLOUD_HOST").unwrap_or_else(|| DEFAULT_HOST.to_string());
        let api_key = string("api_key", "SPECTROCLOUD_APIKEY").unwrap_or_default();
        let project_name = string("project_name", "SPECTROCLOUD_PROJECT").unwrap_or_else(|| DEFAULT_PROJECT.to_string());
        let retry_attempts = match config.get("retry_attempts").as_i64() {
            Some(n) => Some(n),
            None => match env("SPECTROCLOUD_RETRY_ATTEMPTS") {
                Some(text) => match text.parse::<i64>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        diags.error(
                            "Invalid SPECTROCLOUD_RETRY_ATTEMPTS",
                            format!("SPECTROCLOUD_RETRY_ATTEMPTS must be a whole number, not {text:?}."),
                        );
                        return None;
                    }
                },
                None => None,
            },
        }
        .unwrap_or(DEFAULT_RETRY_ATTEMPTS as i64);
        let rate_limit = match config.get("rate_limit").as_f64() {
            Some(rate) => rate,
            None => match env("SPECTROCLOUD_RATE_LIMIT") {
                Some(text) => match text.trim().parse::<f64>() {
                    Ok(rate) if rate.is_finite() && rate >= 0.0 => rate,
                    _ => {
                        diags.error(
                            "Invalid SPECTROCLOUD_RATE_LIMIT",
                            format!("SPECTROCLOUD_RATE_LIMIT must be a number of requests per second (0 = no limit), not {text:?}."),
                        );
                        return None;
                    }
                },
                None => DEFAULT_RATE_LIMIT,
            },
        };
        if api_key.is_empty() {
            diags.push(
                Diagnostic::error(
                    "Missing Palette API key",
                    "Set api_key in the provider block or the SPECTROCLOUD_APIKEY environment variable.",
                )
                .at(AttributePath::attr("api_key")),
            );
            return None;
        }
        Some(Settings {
            host,
            api_key,
            project_name,
            retry_attempts: retry_attempts.clamp(0, 100) as u32,
            insecure_tls: config.get("ignore_insecure_tls_error").as_bool().unwrap_or(false),
            trace: config.get("trace").as_bool().or_else(|| env_bool("SPECTROCLOUD_TRACE")).unwrap_or(false),
            rate_limit,
        })
    }
}

fn bool_map(value: &Value) -> BTreeMap<String, bool> {
    value.as_members().map(|m| m.iter().filter_map(|(k, v)| v.as_bool().map(|b| (k.clone(), b))).collect()).unwrap_or_default()
}

/// Turns a failed credential check into one diagnostic: on the attribute at
/// fault when it is the user's (a rejected key, a host that never answers),
/// as Palette being unavailable when Palette answered only with errors.
fn connection_diagnostic(error: &ClientError, settings: &Settings) -> Diagnostic {
    match error.api().map(|api| api.status) {
        Some(401) | Some(403) => Diagnostic::error("Palette rejected the API key", error.to_string()).at(AttributePath::attr("api_key")),
        _ if error.never_reached() => Diagnostic::error(
            format!("Cannot reach Palette at {}", settings.host),
            format!("{error}. Check the provider's host setting or SPECTROCLOUD_HOST."),
        )
        .at(AttributePath::attr("host")),
        _ => api_failure("Cannot list Palette projects", error),
    }
}

/// Lists the projects the key can see, for configure: a host that never
/// answers fails after `limits.unreachable`, transient errors of a host that
/// does are retried for up to `limits.answering`, anything else fails at once.
async fn list_projects_patiently(client: &PaletteClient, cancellation: &CancellationToken, limits: ConfigureLimits) -> Result<Vec<ObjectMeta>, ClientError> {
    let started = tokio::time::Instant::now();
    let mut attempts = 0;
    let mut last_answer: Option<ClientError> = None;
    loop {
        let limit = if attempts == 0 { limits.unreachable } else { limits.answering };
        let call = CallContext::new(cancellation.clone()).with_deadline(started + limit);
        let error = match (client.list_projects_metadata(&call).await, last_answer.take()) {
            (Ok(projects), _) => return Ok(projects),
            // A request the deadline kept from being sent (waiting for the
            // rate limit) says less than the failure before it.
            (Err(ClientError::DeadlineExceeded { .. }), Some(last)) => last,
            (Err(error), _) => error,
        };
        attempts += error.attempts();
        let out_of_time = started.elapsed() + client.backoff().max >= limits.answering;
        if !error.is_transient() || error.never_reached() || out_of_time || cancellation.is_cancelled() {
            return Err(if error.is_transient() { error.unavailable_after(&client.endpoint().to_string(), attempts, started.elapsed()) } else { error });
        }
        tracing::warn!(%error, "Palette answers with errors; configure tries again");
        if call.sleep(client.backoff().max).await.is_err() {
            return Err(error);
        }
        last_answer = Some(error);
    }
}

#[async_trait]
impl ProviderDefinition<Palette> for PaletteProvider {
    fn schema(&self) -> Schema {
        let string = |name: &str, text: &str| Attribute::new(name, Type::String).optional().description(text);
        Schema::new(
            0,
            Block::new()
                .attribute(string(
                    "host",
                    "The Palette API endpoint: a host name such as `api.spectrocloud.com` (HTTPS), or a URL such as `http://127.0.0.1:8080`. Defaults to `SPECTROCLOUD_HOST`, then `api.spectrocloud.com`.",
                ).validator(not_empty()))
                .attribute(string("api_key", "The Palette API key. Defaults to `SPECTROCLOUD_APIKEY`.").sensitive())
                .attribute(string(
                    "project_name",
                    "The project that resources with `context = \"project\"` belong to. Defaults to `SPECTROCLOUD_PROJECT`, then `Default`.",
                ).validator(not_empty()))
                .attribute(
                    Attribute::new("retry_attempts", Type::Number)
                        .optional()
                        .description("How many times a failed idempotent request is retried. Defaults to `SPECTROCLOUD_RETRY_ATTEMPTS`, then 10. During apply, transient failures (Palette unreachable, 429, 5xx) are retried beyond this, with capped backoff, until the resource's timeout.")
                        .validator(at_least(0)),
                )
                .attribute(
                    Attribute::new("rate_limit", Type::Number)
                        .optional()
                        .description("Requests per second the provider sends to each Palette API prefix that Palette limits to 10 per second (the prefixes Palette allows 50 get five times as many), shared by every operation of a run, so Terraform's parallel operations stay under Palette's rate limit instead of being answered 429. `0` turns the limit off (for a server without one). Defaults to `SPECTROCLOUD_RATE_LIMIT`, then 10. An addition to the official provider's schema.")
                        .validator(at_least(0)),
                )
                .attribute(Attribute::new("ignore_insecure_tls_error", Type::Bool).optional().description("Accept an untrusted TLS certificate from the API endpoint."))
                .attribute(Attribute::new("trace", Type::Bool).optional().description("Log request and response bodies at TRACE level (never the API key). Defaults to `SPECTROCLOUD_TRACE`."))
                .attribute(
                    Attribute::new("feature_flag", Type::Map(Box::new(Type::Bool)))
                        .optional()
                        .description("Feature flags, as in the official provider (`disable_addon_deployment_resource`)."),
                )
                .attribute(
                    Attribute::new("feature_preview", Type::Map(Box::new(Type::Bool)))
                        .optional()
                        .description("Preview features: `immutable-clusterprofiles = true` makes cluster profile versions immutable (a version change clones a new version)."),
                ),
        )
    }

    async fn configure(&self, request: ConfigureRequest<'_>) -> Result<Palette, Diagnostics> {
        let config = request.config;
        let mut diags = Diagnostics::new();
        if !config.is_wholly_known() {
            diags.error(
                "Provider configuration is not known yet",
                "The spectrocloud provider block depends on values known only after apply; set it from variables or the environment instead.",
            );
            return Err(diags);
        }
        let Some(settings) = Settings::resolve(config, &mut diags) else {
            return Err(diags);
        };
        if let Err(error) = Endpoint::parse(&settings.host) {
            diags.push(Diagnostic::error("Invalid Palette host", error.to_string()).at(AttributePath::attr("host")));
            return Err(diags);
        }
        let mut client_config = ClientConfig::new(settings.host.clone(), settings.api_key.clone());
        client_config.retry_attempts = settings.retry_attempts;
        client_config.insecure_tls = settings.insecure_tls;
        client_config.trace = settings.trace;
        client_config.rate_limit = settings.rate_limit;
        let client = PaletteClient::new(client_config).map_err(|e| Diagnostics::from(Diagnostic::error("Cannot create the Palette client", e.to_string())))?;

        let projects = list_projects_patiently(&client, request.cancellation, CONFIGURE_LIMITS)
            .await
            .map_err(|e| Diagnostics::from(connection_diagnostic(&e, &settings)))?;
        client.remember_project_names(projects.clone());
        let Some(project) = projects.iter().find(|p| p.name == settings.project_name) else {
            let mut known: Vec<&str> = projects.iter().map(|p| p.name.as_str()).collect();
            known.sort_unstable();
            known.truncate(20);
            diags.push(
                Diagnostic::error(
                    format!("Project {:?} not found", settings.project_name),
                    format!("The API key can see these projects: {}. Set project_name or SPECTROCLOUD_PROJECT to one of them.", known.join(", ")),
                )
                .at(AttributePath::attr("project_name")),
            );
            return Err(diags);
        };
        tracing::debug!(project = %settings.project_name, project_uid = %project.uid, endpoint = %client.endpoint(), rate_limit = ?client.rate_limit(), "configured");
        Ok(Palette {
            project_uid: project.uid.clone(),
            project_name: settings.project_name,
            client,
            feature_flags: bool_map(config.get("feature_flag")),
            feature_preview: bool_map(config.get("feature_preview")),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::client::test_server::{Reply, TestServer};
    use crate::client::BackoffPolicy;

    const QUICK: ConfigureLimits = ConfigureLimits { answering: Duration::from_millis(1500), unreachable: Duration::from_millis(300) };

    fn settings(host: &str) -> Settings {
        Settings { host: host.to_string(), api_key: "k".into(), project_name: "Default".into(), retry_attempts: 3, insecure_tls: false, trace: false, rate_limit: 0.0 }
    }

    fn client(url: &str) -> PaletteClient {
        let backoff = BackoffPolicy { initial: Duration::from_millis(10), max: Duration::from_millis(40), max_retry_after: Duration::from_millis(40) };
        PaletteClient::new(ClientConfig { retry_attempts: 3, backoff, ..ClientConfig::new(url, "k") }).unwrap()
    }

    fn projects() -> serde_json::Value {
        serde_json::json!({"items": [{"metadata": {"name": "Default", "uid": "p1"}}]})
    }

    #[tokio::test]
    async fn a_reachable_palette_failing_most_requests_configures() {
        // Fifteen failures in a row outlast one call's retries, not configure's patience.
        let server = TestServer::start(|_, before| if before.len() < 15 { Reply::error(503, "ServiceUnavailable", "busy") } else { Reply::json(200, projects()) }).await;
        let found = list_projects_patiently(&client(&server.url()), &CancellationToken::new(), QUICK).await.unwrap();
        assert_eq!(found[0].uid, "p1");
    }

    #[tokio::test]
    async fn a_palette_that_only_fails_is_reported_unavailable_not_as_a_bad_host() {
        let server = TestServer::start(|_, _| Reply::error(504, "GatewayTimeout", "upstream")).await;
        let started = Instant::now();
        let error = list_projects_patiently(&client(&server.url()), &CancellationToken::new(), QUICK).await.unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(1000), "configure was patient: {:?}", started.elapsed());
        let diagnostic = connection_diagnostic(&error, &settings(&server.url()));
        assert!(diagnostic.summary.contains("is unavailable") && diagnostic.summary.contains("attempts"), "{diagnostic:?}");
        assert!(diagnostic.detail.contains("504 GatewayTimeout"), "the last status is named: {diagnostic:?}");
        assert_eq!(diagnostic.path, None, "not the host setting's fault");
        assert!(!diagnostic.detail.contains("host setting"), "{diagnostic:?}");
    }

    #[tokio::test]
    async fn an_unreachable_host_fails_fast_and_points_at_host() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let error = list_projects_patiently(&client(&url), &CancellationToken::new(), QUICK).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_millis(1000), "{:?}", started.elapsed());
        let diagnostic = connection_diagnostic(&error, &settings(&url));
        assert_eq!(diagnostic.summary, format!("Cannot reach Palette at {url}"));
        assert_eq!(diagnostic.path, Some(AttributePath::attr("host")));
    }

    #[tokio::test]
    async fn a_rejected_key_fails_at_once_and_points_at_api_key() {
        let server = TestServer::start(|_, _| Reply::error(401, "Unauthorized", "bad key")).await;
        let error = list_projects_patiently(&client(&server.url()), &CancellationToken::new(), QUICK).await.unwrap_err();
        assert_eq!(server.requests().len(), 1);
        let diagnostic = connection_diagnostic(&error, &settings(&server.url()));
        assert_eq!(diagnostic.summary, "Palette rejected the API key");
        assert_eq!(diagnostic.path, Some(AttributePath::attr("api_key")));
    }

    #[test]
    fn api_failures_are_titled_by_what_happened() {
        let lost = ClientError::ConnectionLost { endpoint: "https://h".into(), method: "GET".into(), path: "/v1/registries/metadata".into(), reason: "reset".into() };
        let unavailable = lost.unavailable_after("https://h", 11, Duration::from_secs(25));
        let diagnostic = api_failure("Cannot list the registries", &unavailable);
        assert_eq!(diagnostic.summary, "Palette at https://h is unavailable: 11 attempts in 25s failed");
        assert!(diagnostic.detail.starts_with("Cannot list the registries: the last attempt failed with: the connection to Palette"), "{diagnostic:?}");
        let refused = ClientError::from(crate::client::ApiError {
            status: 403,
            code: "Forbidden".into(),
            message: "no".into(),
            ref_id: None,
            details: None,
            method: "GET".into(),
            path: "/v1/registries/metadata".into(),
        });
        assert_eq!(api_failure("Cannot list the registries", &refused).summary, "Cannot list the registries");
    }
}
