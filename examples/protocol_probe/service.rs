//! The probe's `ProviderService`: one resource and one data source, both
//! named `spectrocloud_probe`. The "remote object" is the state itself (read
//! echoes it), which is all a protocol test needs.
//!
//! Resource: `id` (computed, `probe-<name>`), `name` (required, replacing),
//! `note`, `size`, `tags` (set), and a `timeouts` block. Schema version 1;
//! version 0 had no `note`. Import IDs are `probe-<name>`.
//!
//! With `PROBE_CONFIG_RECORD` set to a file path, the provider block's `label`
//! (once known) is written there at configure time: tests use the probe as a
//! consumer of values (ephemeral ones) that must reach a provider and nowhere else.

use std::collections::BTreeMap;

use async_trait::async_trait;
use terraform_plugin::protocol::diagnostics::{AttributePath, Diagnostics};
use terraform_plugin::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use terraform_plugin::protocol::service::{
    ApplyResourceChangeRequest, ApplyResourceChangeResponse, ImportResourceStateResponse, ImportedResource,
    PlanResourceChangeRequest, PlanResourceChangeResponse, ProviderSchemas, ProviderService, ReadDataSourceResponse,
    ReadResourceRequest, ReadResourceResponse, UpgradeResourceStateResponse,
};
use terraform_plugin::protocol::value::{Type, Value};

pub const ADDRESS: &str = "registry.terraform.io/spectrocloud/spectrocloud";
const PROBE: &str = "spectrocloud_probe";
const ID_PREFIX: &str = "probe-";

pub struct ProbeProvider {
    schemas: ProviderSchemas,
}

fn resource_block(with_note: bool) -> Block {
    let timeouts = Block::new().attribute(Attribute::new("create", Type::String).optional());
    let block = Block::new()
        .description("A probe object that lives only in Terraform state.")
        .attribute(Attribute::new("id", Type::String).computed())
        .attribute(Attribute::new("name", Type::String).required())
        .attribute(Attribute::new("size", Type::Number).optional())
        .attribute(Attribute::new("tags", Type::Set(Box::new(Type::String))).optional())
        .block(NestedBlock::new("timeouts", Nesting::Single, timeouts));
    if with_note {
        block.attribute(Attribute::new("note", Type::String).optional())
    } else {
        block
    }
}

impl ProbeProvider {
    pub fn new() -> Self {
        let provider = Schema::new(0, Block::new().attribute(Attribute::new("label", Type::String).optional()));
        let data_source = Schema::new(
            0,
            Block::new()
                .attribute(Attribute::new("name", Type::String).required())
                .attribute(Attribute::new("id", Type::String).computed())
                .attribute(Attribute::new("greeting", Type::String).computed()),
        );
        ProbeProvider {
            // Declared with the framework's builders, served in the wire form.
            schemas: ProviderSchemas {
                provider,
                resources: BTreeMap::from([(PROBE.to_string(), Schema::new(1, resource_block(true)))]),
                data_sources: BTreeMap::from([(PROBE.to_string(), data_source)]),
                ephemeral_resources: BTreeMap::new(),
            }
            .map(Schema::to_wire),
        }
    }
}

fn id_for(name: &Value) -> Value {
    match name.as_str() {
        Some(name) => Value::string(format!("{ID_PREFIX}{name}")),
        None => Value::unknown(),
    }
}

#[async_trait]
impl ProviderService for ProbeProvider {
    fn schemas(&self) -> &ProviderSchemas {
        &self.schemas
    }

    async fn validate_provider_config(&self, _config: Value) -> Diagnostics {
        Diagnostics::new()
    }

    async fn configure_provider(&self, terraform_version: &str, config: Value) -> Diagnostics {
        let label = config.get("label").as_str();
        tracing::info!(terraform_version, labelled = label.is_some(), "probe configured");
        let mut diagnostics = Diagnostics::new();
        if let (Some(label), Some(path)) = (label, std::env::var_os("PROBE_CONFIG_RECORD")) {
            if let Err(error) = std::fs::write(&path, label) {
                diagnostics.error("Cannot record the probe's configuration", error.to_string());
            }
        }
        diagnostics
    }

    async fn validate_resource_config(&self, _type_name: &str, config: Value) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        if config.get("name").as_str() == Some("") {
            diagnostics.error_at(AttributePath::attr("name"), "Empty probe name", "A probe needs a non-empty name.");
        }
        diagnostics
    }

    async fn validate_data_resource_config(&self, _type_name: &str, _config: Value) -> Diagnostics {
        Diagnostics::new()
    }

    fn state_type(&self, _type_name: &str, version: i64) -> Option<Type> {
        match version {
            0 => Some(resource_block(false).implied_type()),
            1 => Some(resource_block(true).implied_type()),
            _ => None,
        }
    }

    async fn upgrade_resource_state(&self, _type_name: &str, version: i64, mut raw_state: Value) -> UpgradeResourceStateResponse {
        if version == 0 {
            raw_state.set("note", Value::Null);
        }
        UpgradeResourceStateResponse { upgraded_state: raw_state, diagnostics: Diagnostics::new() }
    }

    async fn read_resource(&self, request: ReadResourceRequest) -> ReadResourceResponse {
        tracing::debug!(id = request.current_state.get("id").as_str(), "probe read");
        ReadResourceResponse { new_state: request.current_state, private: request.private, diagnostics: Diagnostics::new() }
    }

    async fn plan_resource_change(&self, request: PlanResourceChangeRequest) -> PlanResourceChangeResponse {
        let mut response = PlanResourceChangeResponse { planned_private: request.prior_private, ..Default::default() };
        if request.proposed_new_state.is_null() {
            return response;
        }
        let mut planned = request.proposed_new_state;
        let id = if request.prior_state.is_null() { id_for(planned.get("name")) } else { request.prior_state.get("id").clone() };
        planned.set("id", id);
        if !request.prior_state.is_null() && request.prior_state.get("name") != planned.get("name") {
            response.requires_replace.push(AttributePath::attr("name"));
        }
        response.planned_state = planned;
        response
    }

    async fn apply_resource_change(&self, request: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse {
        let mut new_state = request.planned_state;
        if new_state.is_null() {
            tracing::info!(id = request.prior_state.get("id").as_str(), "probe deleted");
        } else {
            let id = id_for(new_state.get("name"));
            tracing::info!(id = id.as_str(), "probe written");
            new_state.set("id", id);
        }
        ApplyResourceChangeResponse { new_state, private: b"probe-private".to_vec(), diagnostics: Diagnostics::new() }
    }

    async fn import_resource_state(&self, type_name: &str, id: &str) -> ImportResourceStateResponse {
        let mut diagnostics = Diagnostics::new();
        let Some(name) = id.strip_prefix(ID_PREFIX) else {
            diagnostics.error("Invalid probe ID", format!("Probe IDs look like {ID_PREFIX}<name>."));
            return ImportResourceStateResponse { imported: vec![], diagnostics };
        };
        let mut state = Value::Object(BTreeMap::new());
        state.set("id", Value::string(id));
        state.set("name", Value::string(name));
        ImportResourceStateResponse {
            imported: vec![ImportedResource { type_name: type_name.to_string(), state, private: vec![] }],
            diagnostics,
        }
    }

    async fn read_data_source(&self, _type_name: &str, mut config: Value) -> ReadDataSourceResponse {
        let greeting = config.get("name").as_str().map(|name| Value::string(format!("hello, {name}")));
        config.set("greeting", greeting.unwrap_or_default());
        config.set("id", id_for(config.get("name")));
        ReadDataSourceResponse { state: config, diagnostics: Diagnostics::new() }
    }

    async fn stop(&self) {
        tracing::info!("probe asked to stop");
    }
}
