//! [`Framework`]: the [`ProviderService`] built from a provider definition,
//! its resources, data sources and ephemeral resources. It dispatches by type
//! name and applies the plan/apply/read/import rules so that resources cannot
//! break them.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::conform::{conform_block, Unknowns};
use super::context::{Context, ResourceError};
use crate::protocol::diagnostics::{AttributePath, Diagnostic, Diagnostics};
use super::modifiers::PlanKind;
use super::plan;
use super::private::PrivateState;
use super::resource::{ConfigureRequest, CreateRequest, DataSource, EphemeralResource, Plan, PlanRequest, ProviderDefinition, Resource, StateUpgrader, UpdateRequest};
use super::served::{ServedDataSource, ServedEphemeral, ServedResource};
use super::schema::{Block, Schema};
use crate::protocol::service::*;
use super::schema::TIMEOUTS_BLOCK as TIMEOUTS;
use super::timeouts::Operation;
use super::validation::validate_object;
use crate::protocol::value::{Type, Value};

struct Registered<T: ?Sized> {
    implementation: Box<T>,
    schema: Schema,
    /// The schema's object type, built once: every state conversion uses it.
    state_type: Arc<Type>,
}

impl<T: ?Sized> Registered<T> {
    fn new(implementation: Box<T>, schema: Schema) -> Self {
        let state_type = Arc::new(schema.block.implied_type());
        Registered { implementation, schema, state_type }
    }
}

pub struct Framework<D> {
    provider: Box<dyn ProviderDefinition<D>>,
    resources: BTreeMap<String, Registered<dyn ServedResource<D>>>,
    /// Each resource's state upgraders, asked for the first time a state of an
    /// older version arrives (building them may build a schema; most runs never need them).
    state_upgraders: BTreeMap<String, OnceLock<Vec<StateUpgrader>>>,
    data_sources: BTreeMap<String, Registered<dyn ServedDataSource<D>>>,
    ephemeral_resources: BTreeMap<String, Registered<dyn ServedEphemeral<D>>>,
    schemas: ProviderSchemas<Schema>,
    /// The wire form of `schemas`, built once on first request (after registration).
    wire_schemas: OnceLock<ProviderSchemas>,
    data: RwLock<Option<Arc<D>>>,
    stop: Mutex<CancellationToken>,
}

/// Upgraders must name older versions, each once.
fn upgrader_problems(current: i64, upgraders: &[StateUpgrader]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    upgraders
        .iter()
        .filter_map(|upgrader| match upgrader.version {
            v if v < 0 || v >= current => Some(format!("state upgrader for version {v}: not an older version than {current}")),
            v if !seen.insert(v) => Some(format!("state upgrader for version {v}: declared twice")),
            _ => None,
        })
        .collect()
}

/// A provider block's defaults are applied by the framework, not planned, so
/// they are sent to Terraform as plain optional attributes.
fn provider_wire_schema(mut schema: Schema) -> Schema {
    for attr in &mut schema.block.attributes {
        if attr.default.is_some() {
            attr.computed = false;
        }
    }
    schema
}

impl<D: Send + Sync + 'static> Framework<D> {
    pub fn new(provider: impl ProviderDefinition<D>) -> Self {
        let schema = provider_wire_schema(provider.schema());
        Framework {
            provider: Box::new(provider),
            resources: BTreeMap::new(),
            state_upgraders: BTreeMap::new(),
            data_sources: BTreeMap::new(),
            ephemeral_resources: BTreeMap::new(),
            schemas: ProviderSchemas {
                provider: schema,
                resources: BTreeMap::new(),
                data_sources: BTreeMap::new(),
                ephemeral_resources: BTreeMap::new(),
            },
            wire_schemas: OnceLock::new(),
            data: RwLock::new(None),
            stop: Mutex::new(CancellationToken::new()),
        }
    }

    pub fn resource(mut self, resource: impl Resource<D>) -> Self {
        let schema = resource.schema();
        let name = resource.type_name().to_string();
        self.schemas.resources.insert(name.clone(), schema.clone());
        self.state_upgraders.insert(name.clone(), OnceLock::new());
        self.resources.insert(name, Registered::new(Box::new(resource), schema));
        self
    }

    pub fn data_source(mut self, data_source: impl DataSource<D>) -> Self {
        let schema = data_source.schema();
        let name = data_source.type_name().to_string();
        self.schemas.data_sources.insert(name.clone(), schema.clone());
        self.data_sources.insert(name, Registered::new(Box::new(data_source), schema));
        self
    }

    pub fn ephemeral_resource(mut self, ephemeral: impl EphemeralResource<D>) -> Self {
        let schema = ephemeral.schema();
        let name = ephemeral.type_name().to_string();
        self.schemas.ephemeral_resources.insert(name.clone(), schema.clone());
        self.ephemeral_resources.insert(name, Registered::new(Box::new(ephemeral), schema));
        self
    }

    /// The registered schemas, with their defaults, validators and modifiers.
    pub fn definitions(&self) -> &ProviderSchemas<Schema> {
        &self.schemas
    }

    /// Every schema problem (see [`Schema::problems`], and
    /// [`Schema::resource_problems`] for resources), prefixed by its type name.
    pub fn schema_problems(&self) -> Vec<String> {
        let resources = self.schemas.resources.iter().map(|(n, s)| {
            let mut problems = s.resource_problems();
            problems.extend(upgrader_problems(s.version, self.upgraders(n)));
            (n.as_str(), problems)
        });
        let others = std::iter::once(("provider", &self.schemas.provider))
            .chain(self.schemas.data_sources.iter().map(|(n, s)| (n.as_str(), s)))
            .chain(self.schemas.ephemeral_resources.iter().map(|(n, s)| (n.as_str(), s)))
            .map(|(n, s)| (n, s.problems()));
        resources.chain(others).flat_map(|(name, problems)| problems.into_iter().map(move |p| format!("{name}: {p}"))).collect()
    }

    fn state_upgrader(&self, type_name: &str, version: i64) -> Option<&StateUpgrader> {
        self.upgraders(type_name).iter().find(|upgrader| upgrader.version == version)
    }

    fn upgraders(&self, type_name: &str) -> &[StateUpgrader] {
        match (self.resources.get(type_name), self.state_upgraders.get(type_name)) {
            (Some(entry), Some(upgraders)) => upgraders.get_or_init(|| entry.implementation.state_upgraders()),
            _ => &[],
        }
    }

    fn resource_entry(&self, type_name: &str) -> Result<&Registered<dyn ServedResource<D>>, Diagnostics> {
        self.resources.get(type_name).ok_or_else(|| unknown_type("resource", type_name))
    }

    fn data_source_entry(&self, type_name: &str) -> Result<&Registered<dyn ServedDataSource<D>>, Diagnostics> {
        self.data_sources.get(type_name).ok_or_else(|| unknown_type("data source", type_name))
    }

    fn ephemeral_entry(&self, type_name: &str) -> Result<&Registered<dyn ServedEphemeral<D>>, Diagnostics> {
        self.ephemeral_resources.get(type_name).ok_or_else(|| unknown_type("ephemeral resource", type_name))
    }

    fn stop_token(&self) -> CancellationToken {
        self.stop.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The context of one operation on `entry`'s objects.
    fn context_for<T: ?Sized>(&self, entry: &Registered<T>, timeout: Duration) -> Result<Context<D>, Diagnostics> {
        Ok(self.context(timeout)?.with_state_type(entry.state_type.clone()))
    }

    /// The context of one operation, or a diagnostic if the provider was not configured.
    fn context(&self, timeout: Duration) -> Result<Context<D>, Diagnostics> {
        let data = self.data.read().unwrap_or_else(|p| p.into_inner()).clone();
        let data = data.ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Provider not configured",
                "Terraform asked for a resource operation before configuring the provider. This is a bug in Terraform or in the provider's tests.",
            ))
        })?;
        Ok(Context::new(data, self.stop_token().child_token(), Instant::now() + timeout))
    }

    fn provider_config_with_defaults(&self, config: &Value) -> Value {
        let mut config = config.clone();
        let original = config.clone();
        plan::apply_defaults(&self.schemas.provider.block, PlanKind::Create, &mut config, &Value::Null, &original);
        config
    }
}

fn unknown_type(kind: &str, type_name: &str) -> Diagnostics {
    Diagnostic::error(format!("Unknown {kind} type"), format!("This provider has no {kind} type named \"{type_name}\".")).into()
}

/// A configuration checked by the schema's validators, then by the type's own checks.
fn validated<T: ?Sized>(entry: Result<&Registered<T>, Diagnostics>, config: &Value, check: impl FnOnce(&T, &Value, &mut Diagnostics)) -> Diagnostics {
    let entry = match entry {
        Ok(entry) => entry,
        Err(diags) => return diags,
    };
    let mut diags = Diagnostics::new();
    validate_object(&entry.schema.block, config, &AttributePath::root(), &mut diags);
    check(&entry.implementation, config, &mut diags);
    diags
}

/// Diagnostics of a finished operation: the context's warnings, then the error's.
fn outcome_diagnostics<D>(ctx: &Context<D>, error: Option<ResourceError>) -> Diagnostics {
    let mut diags = ctx.take_warnings();
    if let Some(error) = error {
        diags.extend(error.diagnostics);
    }
    diags
}

/// A final state for `block`: conformed, wholly known.
fn final_state(block: &Block, value: &Value) -> Value {
    conform_block(block, value, Unknowns::Null)
}

/// An apply result: the resource's object, with everything known in the plan kept.
fn applied_state(block: &Block, planned: &Value, result: &Value) -> Value {
    let result = conform_block(block, result, Unknowns::Keep);
    final_state(block, &plan::keep_planned(block, planned, &result, &AttributePath::root()))
}

/// What a data source or ephemeral resource answers for `config`, before its
/// implementation runs: the configured values, and computed ones unknown.
fn expected_result(block: &Block, config: &Value) -> Value {
    let mut expected = conform_block(block, config, Unknowns::Keep);
    plan::mark_computed_unknown(block, PlanKind::Create, &mut expected, &Value::Null, config);
    expected
}

/// Keeps the `timeouts` block of `from` when the resource's answer has none
/// (resources read the API, which knows nothing of timeouts).
fn carry_timeouts(schema: &Schema, from: &Value, mut to: Value) -> Value {
    if schema.block.find_block(TIMEOUTS).is_some() && to.get(TIMEOUTS).is_null() && !from.get(TIMEOUTS).is_null() {
        to.set(TIMEOUTS, from.get(TIMEOUTS).clone());
    }
    to
}

#[async_trait]
impl<D: Send + Sync + 'static> ProviderService for Framework<D> {
    fn schemas(&self) -> &ProviderSchemas {
        self.wire_schemas.get_or_init(|| self.schemas.map(Schema::to_wire))
    }

    async fn validate_provider_config(&self, config: Value) -> Diagnostics {
        let config = self.provider_config_with_defaults(&config);
        let mut diags = Diagnostics::new();
        validate_object(&self.schemas.provider.block, &config, &AttributePath::root(), &mut diags);
        self.provider.validate_config(&config, &mut diags);
        diags
    }

    async fn configure_provider(&self, terraform_version: &str, config: Value) -> Diagnostics {
        let config = self.provider_config_with_defaults(&config);
        // A debug-mode process serves several Terraform runs: a new
        // configuration starts with a fresh, uncancelled token.
        let cancellation = CancellationToken::new();
        *self.stop.lock().unwrap_or_else(|p| p.into_inner()) = cancellation.clone();
        let request = ConfigureRequest { terraform_version, config: &config, cancellation: &cancellation };
        match self.provider.configure(request).await {
            Ok(data) => {
                *self.data.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(data));
                Diagnostics::new()
            }
            Err(diags) => diags,
        }
    }

    async fn validate_resource_config(&self, type_name: &str, config: Value) -> Diagnostics {
        validated(self.resource_entry(type_name), &config, |implementation, config, diags| implementation.validate_config(config, diags))
    }

    async fn validate_data_resource_config(&self, type_name: &str, config: Value) -> Diagnostics {
        validated(self.data_source_entry(type_name), &config, |implementation, config, diags| implementation.validate_config(config, diags))
    }

    fn state_type(&self, type_name: &str, version: i64) -> Option<Type> {
        let entry = self.resources.get(type_name)?;
        if version == entry.schema.version {
            Some(entry.state_type.as_ref().clone())
        } else {
            self.state_upgrader(type_name, version).map(|upgrader| upgrader.prior_type.clone())
        }
    }

    async fn upgrade_resource_state(&self, type_name: &str, version: i64, raw_state: Value) -> UpgradeResourceStateResponse {
        let entry = match self.resource_entry(type_name) {
            Ok(entry) => entry,
            Err(diagnostics) => return UpgradeResourceStateResponse { diagnostics, ..Default::default() },
        };
        let upgraded = if version == entry.schema.version {
            Ok(raw_state)
        } else {
            match self.state_upgrader(type_name, version) {
                Some(upgrader) => (upgrader.upgrade)(raw_state),
                None => Err(ResourceError::new(
                    "Unsupported state version",
                    format!("{type_name} cannot upgrade state written with schema version {version}."),
                )),
            }
        };
        match upgraded {
            Ok(state) => {
                // Every state passes here, the official provider's included:
                // its zeros and our nulls become one form.
                let mut state = final_state(&entry.schema.block, &state);
                plan::fill_defaults(&entry.schema.block, &mut state);
                UpgradeResourceStateResponse { upgraded_state: state, diagnostics: Diagnostics::new() }
            }
            Err(error) => UpgradeResourceStateResponse { upgraded_state: Value::Null, diagnostics: error.diagnostics },
        }
    }

    async fn read_resource(&self, request: ReadResourceRequest) -> ReadResourceResponse {
        let unchanged = |diagnostics: Diagnostics| ReadResourceResponse {
            new_state: request.current_state.clone(),
            private: request.private.clone(),
            diagnostics,
        };
        let entry = match self.resource_entry(&request.type_name) {
            Ok(entry) => entry,
            Err(diags) => return unchanged(diags),
        };
        let timeout = entry.implementation.timeouts().for_object(&request.current_state, Operation::Read);
        let ctx = match self.context_for(entry, timeout) {
            Ok(ctx) => ctx,
            Err(diags) => return unchanged(diags),
        };
        let mut private = PrivateState::from_bytes(&request.private);
        match entry.implementation.read(&ctx, &request.current_state, &mut private).await {
            Ok(found) => {
                let new_state = match found {
                    Some(object) => {
                        let mut state = final_state(&entry.schema.block, &carry_timeouts(&entry.schema, &request.current_state, object));
                        plan::keep_null_for_empty(&entry.schema.block, &mut state, &request.current_state);
                        plan::fill_defaults(&entry.schema.block, &mut state);
                        state
                    }
                    None => Value::Null,
                };
                ReadResourceResponse { new_state, private: private.to_bytes(), diagnostics: outcome_diagnostics(&ctx, None) }
            }
            Err(error) => unchanged(outcome_diagnostics(&ctx, Some(error))),
        }
    }

    async fn plan_resource_change(&self, request: PlanResourceChangeRequest) -> PlanResourceChangeResponse {
        let failed = |diagnostics: Diagnostics| PlanResourceChangeResponse {
            planned_state: request.proposed_new_state.clone(),
            planned_private: request.prior_private.clone(),
            diagnostics,
            ..Default::default()
        };
        let entry = match self.resource_entry(&request.type_name) {
            Ok(entry) => entry,
            Err(diags) => return failed(diags),
        };
        let block = &entry.schema.block;
        let kind = match (request.prior_state.is_null(), request.proposed_new_state.is_null()) {
            (_, true) => PlanKind::Delete,
            (true, false) => PlanKind::Create,
            (false, false) => PlanKind::Update,
        };
        let timed_by = if kind == PlanKind::Delete { &request.prior_state } else { &request.config };
        let ctx = match self.context_for(entry, entry.implementation.timeouts().for_object(timed_by, Operation::Read)) {
            Ok(ctx) => ctx,
            Err(diags) => return failed(diags),
        };
        let mut diags = Diagnostics::new();
        let prepared = match kind {
            PlanKind::Delete => Value::Null,
            _ => plan::prepare(block, kind, &request.prior_state, &request.proposed_new_state, &request.config, &mut diags),
        };
        let mut plan =
            Plan { state: prepared.clone(), requires_replace: Vec::new(), private: PrivateState::from_bytes(&request.prior_private) };
        let hook_request =
            PlanRequest { kind, prior: &request.prior_state, proposed: &request.proposed_new_state, config: &request.config };
        let hook_result = entry.implementation.modify_plan(&ctx, &hook_request, &mut plan).await;
        diags.extend(outcome_diagnostics(&ctx, hook_result.err()));
        if diags.has_errors() {
            return failed(diags);
        }
        let mut requires_replace = Vec::new();
        if kind == PlanKind::Delete {
            plan.state = Value::Null;
        } else {
            plan.state = conform_block(block, &plan.state, Unknowns::Keep);
            requires_replace = plan::finish(block, kind, &request.prior_state, &request.config, prepared, &mut plan.state);
            if kind == PlanKind::Update {
                for path in plan.requires_replace {
                    if !requires_replace.contains(&path) {
                        requires_replace.push(path);
                    }
                }
            }
        }
        PlanResourceChangeResponse {
            planned_state: plan.state,
            requires_replace,
            planned_private: plan.private.to_bytes(),
            diagnostics: diags,
        }
    }

    async fn apply_resource_change(&self, request: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse {
        let failed = |new_state: Value, diagnostics: Diagnostics| ApplyResourceChangeResponse {
            new_state,
            private: request.planned_private.clone(),
            diagnostics,
        };
        let entry = match self.resource_entry(&request.type_name) {
            Ok(entry) => entry,
            Err(diags) => return failed(request.prior_state.clone(), diags),
        };
        let (block, implementation) = (&entry.schema.block, &entry.implementation);
        let timeouts = implementation.timeouts();
        let mut private = PrivateState::from_bytes(&request.planned_private);

        if request.planned_state.is_null() {
            let ctx = match self.context_for(entry, timeouts.for_object(&request.prior_state, Operation::Delete)) {
                Ok(ctx) => ctx.riding_out_outages(),
                Err(diags) => return failed(request.prior_state.clone(), diags),
            };
            return match implementation.delete(&ctx, &request.prior_state, &private).await {
                Ok(()) => ApplyResourceChangeResponse {
                    new_state: Value::Null,
                    private: Vec::new(),
                    diagnostics: outcome_diagnostics(&ctx, None),
                },
                Err(error) => failed(request.prior_state.clone(), outcome_diagnostics(&ctx, Some(error))),
            };
        }

        let creating = request.prior_state.is_null();
        let operation = if creating { Operation::Create } else { Operation::Update };
        let ctx = match self.context_for(entry, timeouts.for_object(&request.planned_state, operation)) {
            Ok(ctx) => ctx.riding_out_outages(),
            Err(diags) => return failed(request.prior_state.clone(), diags),
        };
        if !creating && !plan::changes_beyond_timeouts(&request.planned_state, &request.prior_state) {
            return ApplyResourceChangeResponse {
                new_state: final_state(block, &request.planned_state),
                private: private.to_bytes(),
                diagnostics: Diagnostics::new(),
            };
        }
        let result = if creating {
            let create = CreateRequest { config: &request.config, planned: &request.planned_state };
            implementation.create(&ctx, create, &mut private).await
        } else {
            let update = UpdateRequest { prior: &request.prior_state, planned: &request.planned_state, config: &request.config };
            implementation.update(&ctx, update, &mut private).await
        };
        match result {
            Ok(object) => {
                if object.is_null() {
                    tracing::error!(resource = %request.type_name, "the resource returned no object after {}; keeping the plan", operation.key());
                }
                ApplyResourceChangeResponse {
                    new_state: applied_state(block, &request.planned_state, &object),
                    private: private.to_bytes(),
                    diagnostics: outcome_diagnostics(&ctx, None),
                }
            }
            Err(mut error) => {
                // What exists now: the partial object, else nothing after a
                // failed create, else the unchanged prior object.
                let state = match error.partial_state.take() {
                    Some(partial) => final_state(block, &carry_timeouts(&entry.schema, &request.planned_state, *partial)),
                    None => request.prior_state.clone(),
                };
                ApplyResourceChangeResponse {
                    new_state: state,
                    private: private.to_bytes(),
                    diagnostics: outcome_diagnostics(&ctx, Some(error)),
                }
            }
        }
    }

    async fn import_resource_state(&self, type_name: &str, id: &str) -> ImportResourceStateResponse {
        let failed = |diagnostics: Diagnostics| ImportResourceStateResponse { imported: Vec::new(), diagnostics };
        let entry = match self.resource_entry(type_name) {
            Ok(entry) => entry,
            Err(diags) => return failed(diags),
        };
        let ctx = match self.context_for(entry, entry.implementation.timeouts().get(Operation::Read)) {
            Ok(ctx) => ctx,
            Err(diags) => return failed(diags),
        };
        let mut private = PrivateState::new();
        let imported = match entry.implementation.import(&ctx, id, &mut private).await {
            Ok(object) => object,
            Err(error) => return failed(outcome_diagnostics(&ctx, Some(error))),
        };
        let block = &entry.schema.block;
        let mut state = final_state(block, &imported);
        if !matches!(state, Value::Object(_)) {
            let mut diags = outcome_diagnostics(&ctx, None);
            diags.error("Import failed", format!("Importing {type_name} \"{id}\" produced no object. This is a bug in the provider."));
            return failed(diags);
        }
        // Attributes the import left null start from their defaults, like a
        // configuration that does not mention them.
        plan::fill_defaults(block, &mut state);
        ImportResourceStateResponse {
            imported: vec![ImportedResource { type_name: type_name.to_string(), state, private: private.to_bytes() }],
            diagnostics: outcome_diagnostics(&ctx, None),
        }
    }

    async fn read_data_source(&self, type_name: &str, config: Value) -> ReadDataSourceResponse {
        let failed = |diagnostics: Diagnostics| ReadDataSourceResponse { state: Value::Null, diagnostics };
        let entry = match self.data_source_entry(type_name) {
            Ok(entry) => entry,
            Err(diags) => return failed(diags),
        };
        let ctx = match self.context_for(entry, entry.implementation.timeouts().for_object(&config, Operation::Read)) {
            Ok(ctx) => ctx,
            Err(diags) => return failed(diags),
        };
        match entry.implementation.read(&ctx, &config).await {
            Ok(object) => {
                let block = &entry.schema.block;
                // What the user configured stays; computed values come from the read.
                let expected = expected_result(block, &config);
                ReadDataSourceResponse { state: applied_state(block, &expected, &object), diagnostics: outcome_diagnostics(&ctx, None) }
            }
            Err(error) => failed(outcome_diagnostics(&ctx, Some(error))),
        }
    }

    async fn validate_ephemeral_resource_config(&self, type_name: &str, config: Value) -> Diagnostics {
        validated(self.ephemeral_entry(type_name), &config, |implementation, config, diags| implementation.validate_config(config, diags))
    }

    async fn open_ephemeral_resource(&self, type_name: &str, config: Value) -> OpenEphemeralResourceResponse {
        let failed = |diagnostics: Diagnostics| OpenEphemeralResourceResponse { diagnostics, ..Default::default() };
        let entry = match self.ephemeral_entry(type_name) {
            Ok(entry) => entry,
            Err(diags) => return failed(diags),
        };
        let block = &entry.schema.block;
        // Defaults count as configured, so the result shows them.
        let mut config = conform_block(block, &config, Unknowns::Keep);
        let original = config.clone();
        plan::apply_defaults(block, PlanKind::Create, &mut config, &Value::Null, &original);
        let expected = expected_result(block, &config);
        if !config.is_wholly_known() {
            // Nothing can be opened yet: the result is known after apply.
            return OpenEphemeralResourceResponse { result: expected, ..Default::default() };
        }
        let ctx = match self.context_for(entry, entry.implementation.timeouts().for_object(&config, Operation::Read)) {
            Ok(ctx) => ctx,
            Err(diags) => return failed(diags),
        };
        let mut private = PrivateState::new();
        match entry.implementation.open(&ctx, &config, &mut private).await {
            Ok(opened) => OpenEphemeralResourceResponse {
                result: applied_state(block, &expected, &opened.result),
                private: private.to_bytes(),
                renew_at: opened.renew_at,
                diagnostics: outcome_diagnostics(&ctx, None),
            },
            Err(error) => failed(outcome_diagnostics(&ctx, Some(error))),
        }
    }

    async fn renew_ephemeral_resource(&self, type_name: &str, private: Vec<u8>) -> RenewEphemeralResourceResponse {
        let unchanged = |diagnostics: Diagnostics| RenewEphemeralResourceResponse { private: private.clone(), renew_at: None, diagnostics };
        let entry = match self.ephemeral_entry(type_name) {
            Ok(entry) => entry,
            Err(diags) => return unchanged(diags),
        };
        let ctx = match self.context(entry.implementation.timeouts().get(Operation::Read)) {
            Ok(ctx) => ctx,
            Err(diags) => return unchanged(diags),
        };
        let mut state = PrivateState::from_bytes(&private);
        match entry.implementation.renew(&ctx, &mut state).await {
            Ok(renew_at) => RenewEphemeralResourceResponse { private: state.to_bytes(), renew_at, diagnostics: outcome_diagnostics(&ctx, None) },
            Err(error) => unchanged(outcome_diagnostics(&ctx, Some(error))),
        }
    }

    async fn close_ephemeral_resource(&self, type_name: &str, private: Vec<u8>) -> Diagnostics {
        let entry = match self.ephemeral_entry(type_name) {
            Ok(entry) => entry,
            Err(diags) => return diags,
        };
        let ctx = match self.context(entry.implementation.timeouts().get(Operation::Read)) {
            Ok(ctx) => ctx,
            Err(diags) => return diags,
        };
        let result = entry.implementation.close(&ctx, &PrivateState::from_bytes(&private)).await;
        outcome_diagnostics(&ctx, result.err())
    }

    async fn stop(&self) {
        self.stop_token().cancel();
    }
}

#[cfg(test)]
mod tests;
