//! The `provider "spectrocloud"` block: settings compatible with the official
//! provider, the credential check, and the data every resource operation gets.

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;

use crate::client::{CallContext, ClientConfig, ClientError, Endpoint, PaletteClient, Scope, DEFAULT_HOST, DEFAULT_RATE_LIMIT, DEFAULT_RETRY_ATTEMPTS};
use crate::framework::context::Context;
use crate::framework::diagnostics::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::resource::{ConfigureRequest, ProviderDefinition};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::validators::{at_least, not_empty};
use crate::protocol::value::{Type, Value};

pub mod docs;
pub mod registry;

pub const DEFAULT_PROJECT: &str = "Default";

/// The provider's registry address, as configurations name it.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/spectrocloud/spectrocloud";

/// How long configure may spend checking the credentials and resolving the
/// project, so a wrong host fails in seconds rather than after every retry.
const CONFIGURE_TIME_LIMIT: Duration = Duration::from_secs(8);

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
/// and the operation's deadline bound every request and retry.
pub fn call(ctx: &Context<Palette>) -> CallContext {
    CallContext::new(ctx.cancellation().clone()).with_deadline(ctx.deadline())
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

/// Turns a failed credential check into one diagnostic on the attribute at fault.
fn connection_diagnostic(error: &ClientError, settings: &Settings) -> Diagnostic {
    match error.api().map(|api| api.status) {
        Some(401) | Some(403) => Diagnostic::error("Palette rejected the API key", error.to_string()).at(AttributePath::attr("api_key")),
        Some(_) => Diagnostic::error("Cannot list Palette projects", error.to_string()),
        None => Diagnostic::error(
            format!("Cannot reach Palette at {}", settings.host),
            format!("{error}. Check the provider's host setting or SPECTROCLOUD_HOST."),
        )
        .at(AttributePath::attr("host")),
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
                        .description("How many times a failed idempotent request is retried. Defaults to `SPECTROCLOUD_RETRY_ATTEMPTS`, then 10.")
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

        let call = CallContext::new(request.cancellation.clone()).with_timeout(CONFIGURE_TIME_LIMIT);
        let projects = client.list_projects_metadata(&call).await.map_err(|e| Diagnostics::from(connection_diagnostic(&e, &settings)))?;
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
