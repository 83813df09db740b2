//! The `tfplugin6.Provider` gRPC service over a [`ProviderService`]: decodes
//! every `DynamicValue` with the schema's implied type, calls the framework,
//! encodes the answer with the same type and turns diagnostics into their
//! protocol form. Failures (undecodable input, unknown type names, a panic in
//! the framework) become error diagnostics, never gRPC error statuses, which
//! Terraform would only show as "the plugin returned an unexpected error".

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use futures::FutureExt;
use tonic::{Request, Response, Status};

use super::generated::tfplugin6 as proto;
use super::generated::tfplugin6::provider_server::Provider;
use super::schema::schema_to_proto;
use super::value::{Type, Value};
use super::{json, msgpack};
use crate::protocol::diagnostics::{AttributePath, Diagnostic, Diagnostics, PathStep, Severity};
use super::schema::Schema;
use crate::protocol::service::{
    ApplyResourceChangeRequest, PlanResourceChangeRequest, ProviderService, ReadResourceRequest,
};

/// Ephemeral private data travels as an optional field: empty means none.
fn optional_bytes(bytes: Vec<u8>) -> Option<Vec<u8>> {
    (!bytes.is_empty()).then_some(bytes)
}

pub(crate) struct ProviderGrpc {
    service: Arc<dyn ProviderService>,
    /// Built on first use, so nothing slow happens before the handshake.
    schemas: OnceLock<SchemaCache>,
}

struct SchemaCache {
    response: proto::get_provider_schema::Response,
    provider: Type,
    resources: HashMap<String, Type>,
    data_sources: HashMap<String, Type>,
    ephemeral_resources: HashMap<String, Type>,
}

impl SchemaCache {
    fn build(service: &dyn ProviderService) -> SchemaCache {
        let schemas = service.schemas();
        let protos = |m: &BTreeMap<String, Schema>| m.iter().map(|(name, s)| (name.clone(), schema_to_proto(s))).collect();
        let types = |m: &BTreeMap<String, Schema>| m.iter().map(|(name, s)| (name.clone(), s.block.implied_type())).collect();
        SchemaCache {
            response: proto::get_provider_schema::Response {
                provider: Some(schema_to_proto(&schemas.provider)),
                resource_schemas: protos(&schemas.resources),
                data_source_schemas: protos(&schemas.data_sources),
                ephemeral_resource_schemas: protos(&schemas.ephemeral_resources),
                server_capabilities: Some(server_capabilities()),
                ..Default::default()
            },
            provider: schemas.provider.block.implied_type(),
            resources: types(&schemas.resources),
            data_sources: types(&schemas.data_sources),
            ephemeral_resources: types(&schemas.ephemeral_resources),
        }
    }
}

fn server_capabilities() -> proto::ServerCapabilities {
    proto::ServerCapabilities { plan_destroy: true, get_provider_schema_optional: true, ..Default::default() }
}

impl ProviderGrpc {
    pub(crate) fn new(service: Arc<dyn ProviderService>) -> Self {
        ProviderGrpc { service, schemas: OnceLock::new() }
    }

    fn schemas(&self) -> &SchemaCache {
        self.schemas.get_or_init(|| SchemaCache::build(self.service.as_ref()))
    }

    fn resource_type(&self, type_name: &str) -> Result<&Type, Diagnostic> {
        self.schemas().resources.get(type_name).ok_or_else(|| unknown_type("resource", type_name))
    }

    fn data_source_type(&self, type_name: &str) -> Result<&Type, Diagnostic> {
        self.schemas().data_sources.get(type_name).ok_or_else(|| unknown_type("data source", type_name))
    }

    fn ephemeral_type(&self, type_name: &str) -> Result<&Type, Diagnostic> {
        self.schemas().ephemeral_resources.get(type_name).ok_or_else(|| unknown_type("ephemeral resource", type_name))
    }

    /// Runs one RPC's work: logs it, turns a panic into an error diagnostic,
    /// and answers a failure with a response carrying only diagnostics.
    async fn run<R, F>(&self, rpc: &'static str, type_name: &str, work: F) -> Result<Response<R>, Status>
    where
        R: WithDiagnostics,
        F: Future<Output = Result<R, Diagnostic>>,
    {
        let started = Instant::now();
        tracing::trace!(rpc, type_name, "request received");
        let outcome = match AssertUnwindSafe(work).catch_unwind().await {
            Ok(result) => result,
            Err(panic) => Err(Diagnostic::error(
                "Provider internal error",
                format!(
                    "The provider crashed while handling {rpc}: {}. This is a bug in the provider; please report it.",
                    panic_message(panic.as_ref())
                ),
            )),
        };
        let response = outcome.unwrap_or_else(|diagnostic| R::with_diagnostics(diagnostics_to_proto(diagnostic.into())));
        tracing::debug!(
            rpc,
            type_name,
            elapsed_us = started.elapsed().as_micros() as u64,
            diagnostics = response.diagnostic_count(),
            "request served"
        );
        Ok(Response::new(response))
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("unknown panic")
}

fn unknown_type(kind: &str, type_name: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} type named {type_name:?}."),
    )
}

/// Decodes a `DynamicValue` (msgpack, or JSON when msgpack is empty; absent = null).
fn decode_value(value: Option<&proto::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostic> {
    let decoded = match value {
        Some(v) if !v.msgpack.is_empty() => msgpack::decode(&v.msgpack, ty),
        Some(v) if !v.json.is_empty() => json::decode(&v.json, ty),
        _ => Ok(Value::Null),
    };
    decoded.map_err(|e| {
        Diagnostic::error(
            format!("Invalid {what} received from Terraform"),
            format!("The provider could not decode the {what}: {e}. This is a bug in the provider or an incompatibility with this Terraform version."),
        )
    })
}

fn encode_value(value: &Value, ty: &Type) -> Option<proto::DynamicValue> {
    Some(proto::DynamicValue { msgpack: msgpack::encode(value, ty), json: Vec::new() })
}

pub(crate) fn diagnostics_to_proto(diagnostics: Diagnostics) -> Vec<proto::Diagnostic> {
    diagnostics
        .0
        .into_iter()
        .map(|d| proto::Diagnostic {
            severity: match d.severity {
                Severity::Error => proto::diagnostic::Severity::Error,
                Severity::Warning => proto::diagnostic::Severity::Warning,
            }
            .into(),
            summary: d.summary,
            detail: d.detail,
            attribute: d.path.as_ref().map(path_to_proto),
        })
        .collect()
}

pub(crate) fn path_to_proto(path: &AttributePath) -> proto::AttributePath {
    use proto::attribute_path::step::Selector;
    let steps = path
        .0
        .iter()
        .map(|step| proto::attribute_path::Step {
            selector: Some(match step {
                PathStep::Attribute(name) => Selector::AttributeName(name.clone()),
                PathStep::Key(key) => Selector::ElementKeyString(key.clone()),
                PathStep::Index(index) => Selector::ElementKeyInt(*index),
            }),
        })
        .collect();
    proto::AttributePath { steps }
}

/// Responses that can carry nothing but diagnostics.
trait WithDiagnostics: Default {
    fn with_diagnostics(diagnostics: Vec<proto::Diagnostic>) -> Self;
    fn diagnostic_count(&self) -> usize;
}

macro_rules! with_diagnostics {
    ($($module:ident),* $(,)?) => {
        $(impl WithDiagnostics for proto::$module::Response {
            fn with_diagnostics(diagnostics: Vec<proto::Diagnostic>) -> Self {
                let mut response = Self::default();
                response.diagnostics = diagnostics;
                response
            }

            fn diagnostic_count(&self) -> usize {
                self.diagnostics.len()
            }
        })*
    };
}

with_diagnostics!(
    get_metadata,
    get_provider_schema,
    validate_provider_config,
    validate_resource_config,
    validate_data_resource_config,
    upgrade_resource_state,
    get_resource_identity_schemas,
    configure_provider,
    read_resource,
    plan_resource_change,
    apply_resource_change,
    import_resource_state,
    read_data_source,
    get_functions,
    validate_ephemeral_resource_config,
    open_ephemeral_resource,
    renew_ephemeral_resource,
    close_ephemeral_resource,
);

#[tonic::async_trait]
impl Provider for ProviderGrpc {
    async fn get_metadata(
        &self,
        _request: Request<proto::get_metadata::Request>,
    ) -> Result<Response<proto::get_metadata::Response>, Status> {
        self.run("GetMetadata", "", async {
            let schemas = self.service.schemas();
            Ok(proto::get_metadata::Response {
                server_capabilities: Some(server_capabilities()),
                resources: schemas
                    .resources
                    .keys()
                    .map(|name| proto::get_metadata::ResourceMetadata { type_name: name.clone() })
                    .collect(),
                data_sources: schemas
                    .data_sources
                    .keys()
                    .map(|name| proto::get_metadata::DataSourceMetadata { type_name: name.clone() })
                    .collect(),
                ephemeral_resources: schemas
                    .ephemeral_resources
                    .keys()
                    .map(|name| proto::get_metadata::EphemeralMetadata { type_name: name.clone() })
                    .collect(),
                ..Default::default()
            })
        })
        .await
    }

    async fn get_provider_schema(
        &self,
        _request: Request<proto::get_provider_schema::Request>,
    ) -> Result<Response<proto::get_provider_schema::Response>, Status> {
        self.run("GetProviderSchema", "", async { Ok(self.schemas().response.clone()) }).await
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<proto::get_resource_identity_schemas::Request>,
    ) -> Result<Response<proto::get_resource_identity_schemas::Response>, Status> {
        self.run("GetResourceIdentitySchemas", "", async { Ok(Default::default()) }).await
    }

    async fn get_functions(
        &self,
        _request: Request<proto::get_functions::Request>,
    ) -> Result<Response<proto::get_functions::Response>, Status> {
        self.run("GetFunctions", "", async { Ok(Default::default()) }).await
    }

    async fn validate_provider_config(
        &self,
        request: Request<proto::validate_provider_config::Request>,
    ) -> Result<Response<proto::validate_provider_config::Response>, Status> {
        let request = request.into_inner();
        self.run("ValidateProviderConfig", "", async {
            let config = decode_value(request.config.as_ref(), &self.schemas().provider, "provider configuration")?;
            let diagnostics = self.service.validate_provider_config(config).await;
            Ok(proto::validate_provider_config::Response { diagnostics: diagnostics_to_proto(diagnostics) })
        })
        .await
    }

    async fn validate_resource_config(
        &self,
        request: Request<proto::validate_resource_config::Request>,
    ) -> Result<Response<proto::validate_resource_config::Response>, Status> {
        let request = request.into_inner();
        self.run("ValidateResourceConfig", &request.type_name, async {
            let ty = self.resource_type(&request.type_name)?;
            let config = decode_value(request.config.as_ref(), ty, "resource configuration")?;
            let diagnostics = self.service.validate_resource_config(&request.type_name, config).await;
            Ok(proto::validate_resource_config::Response { diagnostics: diagnostics_to_proto(diagnostics) })
        })
        .await
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<proto::validate_data_resource_config::Request>,
    ) -> Result<Response<proto::validate_data_resource_config::Response>, Status> {
        let request = request.into_inner();
        self.run("ValidateDataResourceConfig", &request.type_name, async {
            let ty = self.data_source_type(&request.type_name)?;
            let config = decode_value(request.config.as_ref(), ty, "data source configuration")?;
            let diagnostics = self.service.validate_data_resource_config(&request.type_name, config).await;
            Ok(proto::validate_data_resource_config::Response { diagnostics: diagnostics_to_proto(diagnostics) })
        })
        .await
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<proto::upgrade_resource_state::Request>,
    ) -> Result<Response<proto::upgrade_resource_state::Response>, Status> {
        let request = request.into_inner();
        self.run("UpgradeResourceState", &request.type_name, async {
            let current_ty = self.resource_type(&request.type_name)?;
            let raw = request.raw_state.unwrap_or_default();
            if raw.json.is_empty() && !raw.flatmap.is_empty() {
                return Err(Diagnostic::error(
                    "Unsupported legacy state format",
                    format!(
                        "The stored state of this {} was written by Terraform 0.11 or older, which this provider cannot read. \
                         Remove it from the state (terraform state rm) and import it again.",
                        request.type_name
                    ),
                ));
            }
            let stored_ty = self.service.state_type(&request.type_name, request.version).ok_or_else(|| {
                Diagnostic::error(
                    "Unknown resource state version",
                    format!(
                        "The stored state of this {} has schema version {}, which this provider version does not know.",
                        request.type_name, request.version
                    ),
                )
            })?;
            let stored = if raw.json.is_empty() {
                Value::Null
            } else {
                json::decode(&raw.json, &stored_ty).map_err(|e| {
                    Diagnostic::error(
                        "Invalid stored resource state",
                        format!("The stored state of this {} could not be read: {e}.", request.type_name),
                    )
                })?
            };
            let upgraded = self.service.upgrade_resource_state(&request.type_name, request.version, stored).await;
            Ok(proto::upgrade_resource_state::Response {
                upgraded_state: encode_value(&upgraded.upgraded_state, current_ty),
                diagnostics: diagnostics_to_proto(upgraded.diagnostics),
            })
        })
        .await
    }

    async fn configure_provider(
        &self,
        request: Request<proto::configure_provider::Request>,
    ) -> Result<Response<proto::configure_provider::Response>, Status> {
        let request = request.into_inner();
        self.run("ConfigureProvider", "", async {
            let config = decode_value(request.config.as_ref(), &self.schemas().provider, "provider configuration")?;
            let diagnostics = self.service.configure_provider(&request.terraform_version, config).await;
            Ok(proto::configure_provider::Response { diagnostics: diagnostics_to_proto(diagnostics) })
        })
        .await
    }

    async fn read_resource(
        &self,
        request: Request<proto::read_resource::Request>,
    ) -> Result<Response<proto::read_resource::Response>, Status> {
        let request = request.into_inner();
        self.run("ReadResource", &request.type_name, async {
            let ty = self.resource_type(&request.type_name)?;
            let current_state = decode_value(request.current_state.as_ref(), ty, "current state")?;
            let read = self
                .service
                .read_resource(ReadResourceRequest {
                    type_name: request.type_name.clone(),
                    current_state,
                    private: request.private,
                })
                .await;
            Ok(proto::read_resource::Response {
                new_state: encode_value(&read.new_state, ty),
                diagnostics: diagnostics_to_proto(read.diagnostics),
                private: read.private,
                ..Default::default()
            })
        })
        .await
    }

    async fn plan_resource_change(
        &self,
        request: Request<proto::plan_resource_change::Request>,
    ) -> Result<Response<proto::plan_resource_change::Response>, Status> {
        let request = request.into_inner();
        self.run("PlanResourceChange", &request.type_name, async {
            let ty = self.resource_type(&request.type_name)?;
            let plan = self
                .service
                .plan_resource_change(PlanResourceChangeRequest {
                    type_name: request.type_name.clone(),
                    prior_state: decode_value(request.prior_state.as_ref(), ty, "prior state")?,
                    proposed_new_state: decode_value(request.proposed_new_state.as_ref(), ty, "proposed new state")?,
                    config: decode_value(request.config.as_ref(), ty, "resource configuration")?,
                    prior_private: request.prior_private,
                })
                .await;
            Ok(proto::plan_resource_change::Response {
                planned_state: encode_value(&plan.planned_state, ty),
                requires_replace: plan.requires_replace.iter().map(path_to_proto).collect(),
                planned_private: plan.planned_private,
                diagnostics: diagnostics_to_proto(plan.diagnostics),
                ..Default::default()
            })
        })
        .await
    }

    async fn apply_resource_change(
        &self,
        request: Request<proto::apply_resource_change::Request>,
    ) -> Result<Response<proto::apply_resource_change::Response>, Status> {
        let request = request.into_inner();
        self.run("ApplyResourceChange", &request.type_name, async {
            let ty = self.resource_type(&request.type_name)?;
            let applied = self
                .service
                .apply_resource_change(ApplyResourceChangeRequest {
                    type_name: request.type_name.clone(),
                    prior_state: decode_value(request.prior_state.as_ref(), ty, "prior state")?,
                    planned_state: decode_value(request.planned_state.as_ref(), ty, "planned state")?,
                    config: decode_value(request.config.as_ref(), ty, "resource configuration")?,
                    planned_private: request.planned_private,
                })
                .await;
            Ok(proto::apply_resource_change::Response {
                new_state: encode_value(&applied.new_state, ty),
                private: applied.private,
                diagnostics: diagnostics_to_proto(applied.diagnostics),
                ..Default::default()
            })
        })
        .await
    }

    async fn import_resource_state(
        &self,
        request: Request<proto::import_resource_state::Request>,
    ) -> Result<Response<proto::import_resource_state::Response>, Status> {
        let request = request.into_inner();
        self.run("ImportResourceState", &request.type_name, async {
            self.resource_type(&request.type_name)?;
            let imported = self.service.import_resource_state(&request.type_name, &request.id).await;
            let imported_resources = imported
                .imported
                .into_iter()
                .map(|resource| {
                    let ty = self.resource_type(&resource.type_name)?;
                    Ok(proto::import_resource_state::ImportedResource {
                        state: encode_value(&resource.state, ty),
                        type_name: resource.type_name,
                        private: resource.private,
                        identity: None,
                    })
                })
                .collect::<Result<_, Diagnostic>>()?;
            Ok(proto::import_resource_state::Response {
                imported_resources,
                diagnostics: diagnostics_to_proto(imported.diagnostics),
                ..Default::default()
            })
        })
        .await
    }

    async fn read_data_source(
        &self,
        request: Request<proto::read_data_source::Request>,
    ) -> Result<Response<proto::read_data_source::Response>, Status> {
        let request = request.into_inner();
        self.run("ReadDataSource", &request.type_name, async {
            let ty = self.data_source_type(&request.type_name)?;
            let config = decode_value(request.config.as_ref(), ty, "data source configuration")?;
            let read = self.service.read_data_source(&request.type_name, config).await;
            Ok(proto::read_data_source::Response {
                state: encode_value(&read.state, ty),
                diagnostics: diagnostics_to_proto(read.diagnostics),
                ..Default::default()
            })
        })
        .await
    }

    async fn validate_ephemeral_resource_config(
        &self,
        request: Request<proto::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<proto::validate_ephemeral_resource_config::Response>, Status> {
        let request = request.into_inner();
        self.run("ValidateEphemeralResourceConfig", &request.type_name, async {
            let ty = self.ephemeral_type(&request.type_name)?;
            let config = decode_value(request.config.as_ref(), ty, "ephemeral resource configuration")?;
            let diagnostics = self.service.validate_ephemeral_resource_config(&request.type_name, config).await;
            Ok(proto::validate_ephemeral_resource_config::Response { diagnostics: diagnostics_to_proto(diagnostics) })
        })
        .await
    }

    async fn open_ephemeral_resource(
        &self,
        request: Request<proto::open_ephemeral_resource::Request>,
    ) -> Result<Response<proto::open_ephemeral_resource::Response>, Status> {
        let request = request.into_inner();
        self.run("OpenEphemeralResource", &request.type_name, async {
            let ty = self.ephemeral_type(&request.type_name)?;
            let config = decode_value(request.config.as_ref(), ty, "ephemeral resource configuration")?;
            let opened = self.service.open_ephemeral_resource(&request.type_name, config).await;
            Ok(proto::open_ephemeral_resource::Response {
                result: encode_value(&opened.result, ty),
                renew_at: opened.renew_at.map(prost_types::Timestamp::from),
                private: optional_bytes(opened.private),
                diagnostics: diagnostics_to_proto(opened.diagnostics),
                ..Default::default()
            })
        })
        .await
    }

    async fn renew_ephemeral_resource(
        &self,
        request: Request<proto::renew_ephemeral_resource::Request>,
    ) -> Result<Response<proto::renew_ephemeral_resource::Response>, Status> {
        let request = request.into_inner();
        self.run("RenewEphemeralResource", &request.type_name, async {
            self.ephemeral_type(&request.type_name)?;
            let renewed = self.service.renew_ephemeral_resource(&request.type_name, request.private.unwrap_or_default()).await;
            Ok(proto::renew_ephemeral_resource::Response {
                renew_at: renewed.renew_at.map(prost_types::Timestamp::from),
                private: optional_bytes(renewed.private),
                diagnostics: diagnostics_to_proto(renewed.diagnostics),
            })
        })
        .await
    }

    async fn close_ephemeral_resource(
        &self,
        request: Request<proto::close_ephemeral_resource::Request>,
    ) -> Result<Response<proto::close_ephemeral_resource::Response>, Status> {
        let request = request.into_inner();
        self.run("CloseEphemeralResource", &request.type_name, async {
            self.ephemeral_type(&request.type_name)?;
            let diagnostics = self.service.close_ephemeral_resource(&request.type_name, request.private.unwrap_or_default()).await;
            Ok(proto::close_ephemeral_resource::Response { diagnostics: diagnostics_to_proto(diagnostics) })
        })
        .await
    }

    async fn stop_provider(
        &self,
        _request: Request<proto::stop_provider::Request>,
    ) -> Result<Response<proto::stop_provider::Response>, Status> {
        tracing::debug!("StopProvider: cancelling in-flight operations");
        self.service.stop().await;
        Ok(Response::new(proto::stop_provider::Response { error: String::new() }))
    }
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use async_trait::async_trait;

    use super::*;
    use crate::protocol::schema::{Attribute, Block};
    use std::sync::Mutex;
    use std::time::{Duration, UNIX_EPOCH};

    use crate::protocol::service::{
        ApplyResourceChangeResponse, ImportResourceStateResponse, ImportedResource, OpenEphemeralResourceResponse,
        PlanResourceChangeResponse, ProviderSchemas, ReadDataSourceResponse, ReadResourceResponse,
        RenewEphemeralResourceResponse, UpgradeResourceStateResponse,
    };

    /// Records what the protocol layer hands over and answers predictably.
    struct Recorder {
        schemas: ProviderSchemas,
        stopped: AtomicBool,
        closed: Mutex<Vec<Vec<u8>>>,
    }

    fn thing_schema() -> Schema {
        let attributes = vec![
            Attribute { computed: true, ..Attribute::new("id", Type::String) },
            Attribute { required: true, ..Attribute::new("name", Type::String) },
            Attribute { optional: true, ..Attribute::new("size", Type::Number) },
        ];
        Schema { version: 1, block: Block { attributes, ..Block::default() } }
    }

    fn thing_type() -> Type {
        thing_schema().block.implied_type()
    }

    impl Recorder {
        fn new() -> Self {
            let provider = Schema { version: 0, block: Block { attributes: vec![Attribute { optional: true, ..Attribute::new("host", Type::String) }], ..Block::default() } };
            Recorder {
                schemas: ProviderSchemas {
                    provider,
                    resources: BTreeMap::from([
                        ("test_thing".to_string(), thing_schema()),
                        ("test_panic".to_string(), thing_schema()),
                    ]),
                    data_sources: BTreeMap::from([("test_thing".to_string(), thing_schema())]),
                    ephemeral_resources: BTreeMap::from([("test_secret".to_string(), thing_schema())]),
                },
                stopped: AtomicBool::new(false),
                closed: Mutex::new(Vec::new()),
            }
        }
    }

    #[async_trait]
    impl ProviderService for Recorder {
        fn schemas(&self) -> &ProviderSchemas {
            &self.schemas
        }
        async fn validate_provider_config(&self, config: Value) -> Diagnostics {
            let mut d = Diagnostics::new();
            if config.get("host").as_str() == Some("bad") {
                d.push(Diagnostic::warning("Odd host", "checked").at(AttributePath::attr("host")));
            }
            d
        }
        async fn configure_provider(&self, terraform_version: &str, _config: Value) -> Diagnostics {
            let mut d = Diagnostics::new();
            d.error("Configured", terraform_version);
            d
        }
        async fn validate_resource_config(&self, _type_name: &str, config: Value) -> Diagnostics {
            let mut d = Diagnostics::new();
            if config.get("name").is_unknown() {
                d.error_at(AttributePath::attr("name").index(0).key("k"), "Unknown name", "");
            }
            d
        }
        async fn validate_data_resource_config(&self, _type_name: &str, _config: Value) -> Diagnostics {
            Diagnostics::new()
        }
        fn state_type(&self, _type_name: &str, version: i64) -> Option<Type> {
            // Version 0 had no size attribute.
            match version {
                0 => Some(Type::Object(BTreeMap::from([
                    ("id".to_string(), Type::String),
                    ("name".to_string(), Type::String),
                ]))),
                1 => Some(thing_type()),
                _ => None,
            }
        }
        async fn upgrade_resource_state(&self, _type_name: &str, version: i64, mut raw_state: Value) -> UpgradeResourceStateResponse {
            if version == 0 {
                raw_state.set("size", Value::int(1));
            }
            UpgradeResourceStateResponse { upgraded_state: raw_state, diagnostics: Diagnostics::new() }
        }
        async fn read_resource(&self, request: ReadResourceRequest) -> ReadResourceResponse {
            ReadResourceResponse { new_state: request.current_state, private: request.private, diagnostics: Diagnostics::new() }
        }
        async fn plan_resource_change(&self, request: PlanResourceChangeRequest) -> PlanResourceChangeResponse {
            if request.type_name == "test_panic" {
                panic!("planning exploded");
            }
            let mut planned = request.proposed_new_state;
            planned.set("id", Value::unknown());
            PlanResourceChangeResponse {
                planned_state: planned,
                requires_replace: vec![AttributePath::attr("name")],
                planned_private: request.prior_private,
                diagnostics: Diagnostics::new(),
            }
        }
        async fn apply_resource_change(&self, request: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse {
            let mut state = request.planned_state;
            state.set("id", Value::string("id-1"));
            ApplyResourceChangeResponse { new_state: state, private: b"p".to_vec(), diagnostics: Diagnostics::new() }
        }
        async fn import_resource_state(&self, type_name: &str, id: &str) -> ImportResourceStateResponse {
            let state = Value::Object(BTreeMap::from([("id".to_string(), Value::string(id))]));
            ImportResourceStateResponse {
                imported: vec![ImportedResource { type_name: type_name.to_string(), state, private: vec![] }],
                diagnostics: Diagnostics::new(),
            }
        }
        async fn read_data_source(&self, _type_name: &str, config: Value) -> ReadDataSourceResponse {
            ReadDataSourceResponse { state: config, diagnostics: Diagnostics::new() }
        }
        async fn open_ephemeral_resource(&self, _type_name: &str, mut config: Value) -> OpenEphemeralResourceResponse {
            config.set("id", Value::string("secret-1"));
            OpenEphemeralResourceResponse {
                result: config,
                private: b"lease".to_vec(),
                renew_at: Some(UNIX_EPOCH + Duration::from_secs(100)),
                diagnostics: Diagnostics::new(),
            }
        }
        async fn renew_ephemeral_resource(&self, _type_name: &str, mut private: Vec<u8>) -> RenewEphemeralResourceResponse {
            private.extend_from_slice(b"+1");
            RenewEphemeralResourceResponse { private, renew_at: None, diagnostics: Diagnostics::new() }
        }
        async fn close_ephemeral_resource(&self, _type_name: &str, private: Vec<u8>) -> Diagnostics {
            self.closed.lock().unwrap().push(private);
            Diagnostics::new()
        }
        async fn stop(&self) {
            self.stopped.store(true, Ordering::SeqCst);
        }
    }

    fn server() -> (ProviderGrpc, Arc<Recorder>) {
        let recorder = Arc::new(Recorder::new());
        (ProviderGrpc::new(recorder.clone()), recorder)
    }

    fn thing(id: Value, name: &str) -> Value {
        Value::Object(BTreeMap::from([
            ("id".to_string(), id),
            ("name".to_string(), Value::string(name)),
            ("size".to_string(), Value::Null),
        ]))
    }

    fn dynamic(value: &Value) -> Option<proto::DynamicValue> {
        encode_value(value, &thing_type())
    }

    fn decoded(value: Option<proto::DynamicValue>) -> Value {
        msgpack::decode(&value.expect("a value").msgpack, &thing_type()).expect("decodable")
    }

    #[tokio::test]
    async fn schema_response_carries_every_schema_and_the_capabilities() {
        let (server, _) = server();
        let response = server.get_provider_schema(Request::new(Default::default())).await.unwrap().into_inner();
        assert!(response.provider.unwrap().block.is_some());
        assert_eq!(response.resource_schemas.len(), 2);
        assert_eq!(response.data_source_schemas.len(), 1);
        assert_eq!(response.ephemeral_resource_schemas.len(), 1);
        let capabilities = response.server_capabilities.unwrap();
        assert!(capabilities.plan_destroy && capabilities.get_provider_schema_optional);
    }

    #[tokio::test]
    async fn plan_decodes_inputs_and_encodes_the_planned_state() {
        let (server, _) = server();
        let proposed = thing(Value::Null, "alpha");
        let response = server
            .plan_resource_change(Request::new(proto::plan_resource_change::Request {
                type_name: "test_thing".into(),
                prior_state: None,
                proposed_new_state: dynamic(&proposed),
                config: dynamic(&proposed),
                prior_private: b"private".to_vec(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(response.diagnostics.is_empty());
        assert_eq!(decoded(response.planned_state), thing(Value::unknown(), "alpha"));
        assert_eq!(response.planned_private, b"private");
        assert_eq!(response.requires_replace, vec![path_to_proto(&AttributePath::attr("name"))]);
    }

    #[tokio::test]
    async fn apply_result_lists_every_attribute() {
        let (server, _) = server();
        let planned = thing(Value::unknown(), "alpha");
        let response = server
            .apply_resource_change(Request::new(proto::apply_resource_change::Request {
                type_name: "test_thing".into(),
                planned_state: dynamic(&planned),
                config: dynamic(&planned),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        let state = decoded(response.new_state);
        assert_eq!(state, thing(Value::string("id-1"), "alpha"));
        assert_eq!(state.as_members().unwrap().len(), 3);
        assert_eq!(response.private, b"p");
    }

    #[tokio::test]
    async fn diagnostics_keep_severity_and_attribute_paths() {
        let (server, _) = server();
        let config = thing(Value::Null, "x");
        let mut config_with_unknown = config.clone();
        config_with_unknown.set("name", Value::unknown());
        let response = server
            .validate_resource_config(Request::new(proto::validate_resource_config::Request {
                type_name: "test_thing".into(),
                config: dynamic(&config_with_unknown),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        use proto::attribute_path::step::Selector;
        let diagnostic = &response.diagnostics[0];
        assert_eq!(diagnostic.severity(), proto::diagnostic::Severity::Error);
        let steps: Vec<_> = diagnostic.attribute.as_ref().unwrap().steps.iter().map(|s| s.selector.clone().unwrap()).collect();
        assert_eq!(
            steps,
            vec![Selector::AttributeName("name".into()), Selector::ElementKeyInt(0), Selector::ElementKeyString("k".into())]
        );

        let provider_config = Value::Object(BTreeMap::from([("host".to_string(), Value::string("bad"))]));
        let response = server
            .validate_provider_config(Request::new(proto::validate_provider_config::Request {
                config: encode_value(&provider_config, &server.schemas().provider),
            }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(response.diagnostics[0].severity(), proto::diagnostic::Severity::Warning);
        assert_eq!(response.diagnostics[0].summary, "Odd host");
    }

    #[tokio::test]
    async fn failures_become_error_diagnostics_not_statuses() {
        let (server, _) = server();
        let unknown_type = server
            .read_resource(Request::new(proto::read_resource::Request { type_name: "test_nothing".into(), ..Default::default() }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(unknown_type.diagnostics[0].summary, "Unknown resource type");
        assert!(unknown_type.new_state.is_none());

        let garbage = server
            .read_resource(Request::new(proto::read_resource::Request {
                type_name: "test_thing".into(),
                current_state: Some(proto::DynamicValue { msgpack: vec![0xc1], json: vec![] }),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(garbage.diagnostics[0].summary, "Invalid current state received from Terraform");

        let proposed = thing(Value::Null, "boom");
        let panicked = server
            .plan_resource_change(Request::new(proto::plan_resource_change::Request {
                type_name: "test_panic".into(),
                proposed_new_state: dynamic(&proposed),
                config: dynamic(&proposed),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(panicked.diagnostics[0].summary, "Provider internal error");
        assert!(panicked.diagnostics[0].detail.contains("planning exploded"));
    }

    #[tokio::test]
    async fn upgrade_reads_stored_json_with_the_stored_version_type() {
        let (server, _) = server();
        let upgrade = |version: i64, raw_state: proto::RawState| {
            server.upgrade_resource_state(Request::new(proto::upgrade_resource_state::Request {
                type_name: "test_thing".into(),
                version,
                raw_state: Some(raw_state),
            }))
        };
        let json_state = |text: &str| proto::RawState { json: text.as_bytes().to_vec(), ..Default::default() };

        let response = upgrade(0, json_state("{\n  \"id\": \"a\",\n  \"name\": \"n\",\n  \"gone\": true\n}")).await.unwrap().into_inner();
        assert!(response.diagnostics.is_empty());
        let mut expected = thing(Value::string("a"), "n");
        expected.set("size", Value::int(1));
        assert_eq!(decoded(response.upgraded_state), expected);

        let unknown_version = upgrade(7, json_state("{}")).await.unwrap().into_inner();
        assert_eq!(unknown_version.diagnostics[0].summary, "Unknown resource state version");

        let flatmap = proto::RawState { flatmap: [("id".to_string(), "a".to_string())].into(), ..Default::default() };
        let legacy = upgrade(1, flatmap).await.unwrap().into_inner();
        assert_eq!(legacy.diagnostics[0].summary, "Unsupported legacy state format");
    }

    #[tokio::test]
    async fn import_and_stop_reach_the_service() {
        let (server, recorder) = server();
        let response = server
            .import_resource_state(Request::new(proto::import_resource_state::Request {
                type_name: "test_thing".into(),
                id: "uid-9".into(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        let imported = &response.imported_resources[0];
        assert_eq!(imported.type_name, "test_thing");
        assert_eq!(decoded(imported.state.clone()), {
            let mut v = thing(Value::string("uid-9"), "");
            v.set("name", Value::Null);
            v
        });

        server.stop_provider(Request::new(Default::default())).await.unwrap();
        assert!(recorder.stopped.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn ephemeral_resources_open_renew_and_close_with_their_private_data() {
        let (server, recorder) = server();
        let config = thing(Value::Null, "token");
        let opened = server
            .open_ephemeral_resource(Request::new(proto::open_ephemeral_resource::Request {
                type_name: "test_secret".into(),
                config: dynamic(&config),
                client_capabilities: None,
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(opened.diagnostics.is_empty());
        assert_eq!(decoded(opened.result), thing(Value::string("secret-1"), "token"));
        assert_eq!(opened.private.as_deref(), Some(b"lease".as_slice()));
        assert_eq!(opened.renew_at.map(|t| t.seconds), Some(100));

        let renewed = server
            .renew_ephemeral_resource(Request::new(proto::renew_ephemeral_resource::Request {
                type_name: "test_secret".into(),
                private: opened.private.clone(),
            }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(renewed.private.as_deref(), Some(b"lease+1".as_slice()));
        assert!(renewed.renew_at.is_none());

        let closed = server
            .close_ephemeral_resource(Request::new(proto::close_ephemeral_resource::Request {
                type_name: "test_secret".into(),
                private: renewed.private,
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(closed.diagnostics.is_empty());
        assert_eq!(*recorder.closed.lock().unwrap(), vec![b"lease+1".to_vec()]);

        let unknown = server
            .open_ephemeral_resource(Request::new(proto::open_ephemeral_resource::Request {
                type_name: "test_nothing".into(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(unknown.diagnostics[0].summary, "Unknown ephemeral resource type");
        let metadata = server.get_metadata(Request::new(Default::default())).await.unwrap().into_inner();
        assert_eq!(metadata.ephemeral_resources[0].type_name, "test_secret");
    }
}
