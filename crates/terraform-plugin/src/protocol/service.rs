//! The server interface of the plugin protocol: what the gRPC layer calls, and
//! what a framework implements.
//!
//! The protocol layer decodes every `DynamicValue` with the schema's type into a
//! [`Value`] (`Value::Null` for an absent/null object), calls this trait, and
//! encodes the answer back with the same type. Nothing here knows about protobuf.

use std::collections::BTreeMap;
use std::time::SystemTime;

use async_trait::async_trait;

use super::diagnostics::{AttributePath, Diagnostics};
use super::schema::Schema;
use crate::protocol::value::{Type, Value};

/// Every schema the provider serves, by type name: in their wire form, or in a
/// framework's own form (`S`) before conversion.
#[derive(Debug, Clone)]
pub struct ProviderSchemas<S = Schema> {
    pub provider: S,
    pub resources: BTreeMap<String, S>,
    pub data_sources: BTreeMap<String, S>,
    pub ephemeral_resources: BTreeMap<String, S>,
}

impl<S> ProviderSchemas<S> {
    /// The same schemas, each converted by `convert`.
    pub fn map<T>(&self, convert: impl Fn(&S) -> T) -> ProviderSchemas<T> {
        let each = |m: &BTreeMap<String, S>| m.iter().map(|(name, s)| (name.clone(), convert(s))).collect();
        ProviderSchemas {
            provider: convert(&self.provider),
            resources: each(&self.resources),
            data_sources: each(&self.data_sources),
            ephemeral_resources: each(&self.ephemeral_resources),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ReadResourceRequest {
    pub type_name: String,
    pub current_state: Value,
    pub private: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct ReadResourceResponse {
    /// `Value::Null` means the object is gone.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone)]
pub struct PlanResourceChangeRequest {
    pub type_name: String,
    pub prior_state: Value,
    pub proposed_new_state: Value,
    pub config: Value,
    pub prior_private: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct PlanResourceChangeResponse {
    pub planned_state: Value,
    pub requires_replace: Vec<AttributePath>,
    pub planned_private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone)]
pub struct ApplyResourceChangeRequest {
    pub type_name: String,
    pub prior_state: Value,
    pub planned_state: Value,
    pub config: Value,
    pub planned_private: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct ApplyResourceChangeResponse {
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone)]
pub struct ImportedResource {
    pub type_name: String,
    pub state: Value,
    pub private: Vec<u8>,
}

#[derive(Debug, Clone, Default)]
pub struct ImportResourceStateResponse {
    pub imported: Vec<ImportedResource>,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone, Default)]
pub struct UpgradeResourceStateResponse {
    /// The state in the current schema, wholly known.
    pub upgraded_state: Value,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone, Default)]
pub struct ReadDataSourceResponse {
    pub state: Value,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone, Default)]
pub struct OpenEphemeralResourceResponse {
    pub result: Value,
    pub private: Vec<u8>,
    pub renew_at: Option<SystemTime>,
    pub diagnostics: Diagnostics,
}

#[derive(Debug, Clone, Default)]
pub struct RenewEphemeralResourceResponse {
    pub private: Vec<u8>,
    pub renew_at: Option<SystemTime>,
    pub diagnostics: Diagnostics,
}

fn no_ephemeral_resources(type_name: &str) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    diagnostics.error("Unknown ephemeral resource type", format!("This provider has no ephemeral resource type named \"{type_name}\"."));
    diagnostics
}

/// What the gRPC `tfplugin6.Provider` service delegates to.
#[async_trait]
pub trait ProviderService: Send + Sync + 'static {
    fn schemas(&self) -> &ProviderSchemas;
    async fn validate_provider_config(&self, config: Value) -> Diagnostics;
    async fn configure_provider(&self, terraform_version: &str, config: Value) -> Diagnostics;
    async fn validate_resource_config(&self, type_name: &str, config: Value) -> Diagnostics;
    async fn validate_data_resource_config(&self, type_name: &str, config: Value) -> Diagnostics;
    /// The type of a resource's stored state as written under schema `version`
    /// (`None` when that version is unknown). The protocol layer decodes the
    /// stored JSON with it before calling `upgrade_resource_state`.
    fn state_type(&self, type_name: &str, version: i64) -> Option<Type>;
    /// `raw_state` is the stored state decoded with `state_type(type_name, version)`.
    async fn upgrade_resource_state(&self, type_name: &str, version: i64, raw_state: Value) -> UpgradeResourceStateResponse;
    async fn read_resource(&self, request: ReadResourceRequest) -> ReadResourceResponse;
    async fn plan_resource_change(&self, request: PlanResourceChangeRequest) -> PlanResourceChangeResponse;
    async fn apply_resource_change(&self, request: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse;
    async fn import_resource_state(&self, type_name: &str, id: &str) -> ImportResourceStateResponse;
    async fn read_data_source(&self, type_name: &str, config: Value) -> ReadDataSourceResponse;

    // Ephemeral resources (protocol 6.7, Terraform 1.10+). The defaults suit
    // a service that declares none.
    async fn validate_ephemeral_resource_config(&self, type_name: &str, _config: Value) -> Diagnostics {
        no_ephemeral_resources(type_name)
    }
    /// `config` may hold unknowns (Terraform then plans with an unknown result).
    async fn open_ephemeral_resource(&self, type_name: &str, _config: Value) -> OpenEphemeralResourceResponse {
        OpenEphemeralResourceResponse { diagnostics: no_ephemeral_resources(type_name), ..Default::default() }
    }
    async fn renew_ephemeral_resource(&self, type_name: &str, _private: Vec<u8>) -> RenewEphemeralResourceResponse {
        RenewEphemeralResourceResponse { diagnostics: no_ephemeral_resources(type_name), ..Default::default() }
    }
    async fn close_ephemeral_resource(&self, type_name: &str, _private: Vec<u8>) -> Diagnostics {
        no_ephemeral_resources(type_name)
    }

    /// Terraform's graceful interrupt: cancel every in-flight wait promptly.
    async fn stop(&self);
}
