//! The traits a provider implements: [`ProviderDefinition`], [`Resource`],
//! [`DataSource`] and [`EphemeralResource`], generic over the provider's
//! configured data `D`.
//!
//! Each implementation names its [`Model`]: the framework reads the request's
//! state, plan or configuration into it with the schema type it holds, and
//! turns the returned model back into an object of that type (a serde struct,
//! or [`Value`] for the raw object). Configuration checks and plan hooks see
//! whole values, since those may hold unknowns. The framework makes every
//! returned object conform to the schema and to Terraform's rules, so an
//! implementation only has to say what exists.

use std::time::SystemTime;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::context::{Context, ResourceError};
use super::convert::Model;
use crate::protocol::diagnostics::{AttributePath, Diagnostics};
use super::modifiers::PlanKind;
use super::private::PrivateState;
use super::schema::Schema;
use super::timeouts::Timeouts;
use crate::protocol::value::{Type, Value};

/// The provider itself: its configuration block and how to configure it.
#[async_trait]
pub trait ProviderDefinition<D>: Send + Sync + 'static {
    /// The `provider "..." {}` block. Attribute defaults are applied to the
    /// configuration before `validate_config` and `configure` see it.
    fn schema(&self) -> Schema;

    /// Checks beyond the schema's validators. The configuration may hold unknowns.
    fn validate_config(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Builds the data every resource operation receives (e.g. an API client),
    /// checking credentials as needed.
    async fn configure(&self, request: ConfigureRequest<'_>) -> Result<D, Diagnostics>;
}

pub struct ConfigureRequest<'a> {
    /// As sent by Terraform, e.g. `"1.11.4"`.
    pub terraform_version: &'a str,
    /// The provider block, defaults applied; it may hold unknowns.
    pub config: &'a Value,
    /// Cancelled by Terraform's stop request.
    pub cancellation: &'a CancellationToken,
}

/// What [`Resource::modify_plan`] sees.
#[derive(Debug)]
pub struct PlanRequest<'a> {
    pub kind: PlanKind,
    /// Null on create.
    pub prior: &'a Value,
    /// Terraform's proposal (config merged with prior computed values); null on delete.
    pub proposed: &'a Value,
    /// Null on delete.
    pub config: &'a Value,
}

/// The plan being built, after the framework applied defaults, unknown
/// marking and attribute modifiers. A resource's hook may refine it; the
/// framework then re-checks it against Terraform's plan rules.
#[derive(Debug)]
pub struct Plan {
    /// The planned object (always null on delete).
    pub state: Value,
    /// Extra paths whose change forces replacement (beyond the modifiers').
    pub requires_replace: Vec<AttributePath>,
    pub private: PrivateState,
}

pub struct CreateRequest<'a, M> {
    pub config: &'a Value,
    /// The planned object; its unknown values (read as null) are the ones to fill in.
    pub planned: M,
}

pub struct UpdateRequest<'a, M> {
    pub prior: M,
    /// The planned object; unknown values read as null.
    pub planned: M,
    pub config: &'a Value,
}

/// A managed resource type.
///
/// Errors: return [`ResourceError`]; for a create that failed after the
/// object came to exist, attach it with `with_partial_state` so Terraform
/// records it (tainted) instead of losing track of it.
#[async_trait]
pub trait Resource<D>: Send + Sync + 'static {
    /// The state as the resource works with it.
    type Model: Model;

    /// The full type name, e.g. `hello_greeting`.
    fn type_name(&self) -> &str;

    fn schema(&self) -> Schema;

    /// Defaults for the `timeouts` block's operations.
    fn timeouts(&self) -> Timeouts {
        Timeouts::default()
    }

    /// Checks beyond the schema's validators. The configuration may hold unknowns.
    fn validate_config(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Refines the plan after the attribute modifiers ran; may call the API
    /// (e.g. to resolve names into IDs at plan time). Called for creates,
    /// updates and deletes (`request.kind`); on delete the planned state
    /// stays null whatever the hook does, so a hook only adds diagnostics there.
    async fn modify_plan(&self, _ctx: &Context<D>, _request: &PlanRequest<'_>, _plan: &mut Plan) -> Result<(), ResourceError> {
        Ok(())
    }

    /// Creates the object and returns it. Every attribute that was unknown in
    /// the plan must be filled in; known planned values are kept regardless.
    async fn create(&self, ctx: &Context<D>, request: CreateRequest<'_, Self::Model>, private: &mut PrivateState) -> Result<Self::Model, ResourceError>;

    /// The object as it exists now, or `None` when it is gone.
    async fn read(&self, ctx: &Context<D>, state: Self::Model, private: &mut PrivateState) -> Result<Option<Self::Model>, ResourceError>;

    async fn update(&self, ctx: &Context<D>, request: UpdateRequest<'_, Self::Model>, private: &mut PrivateState) -> Result<Self::Model, ResourceError>;

    async fn delete(&self, ctx: &Context<D>, state: Self::Model, private: &PrivateState) -> Result<(), ResourceError>;

    /// Turns an import ID into a partial object (at least what `read` needs,
    /// usually `id`). The framework completes it with nulls, defaults and
    /// empty collections; Terraform then calls `read`.
    async fn import(&self, _ctx: &Context<D>, _id: &str, _private: &mut PrivateState) -> Result<Self::Model, ResourceError> {
        Err(ResourceError::new("Import not supported", format!("The resource type {} cannot be imported.", self.type_name())))
    }

    /// How to bring state written with older schema versions up to the
    /// current one: one entry per older version the resource can read.
    fn state_upgraders(&self) -> Vec<StateUpgrader> {
        Vec::new()
    }
}

/// Reads state stored with an older schema version and converts it to the
/// current one (terraform-plugin-framework's `StateUpgrader`).
pub struct StateUpgrader {
    /// The schema version the stored state was written with.
    pub version: i64,
    /// The stored state's type at that version, to decode it with.
    pub prior_type: Type,
    /// Converts the decoded state; the framework conforms the result to the
    /// current type (so a list that became a set needs no code).
    pub upgrade: fn(Value) -> Result<Value, ResourceError>,
}

/// A data source type.
#[async_trait]
pub trait DataSource<D>: Send + Sync + 'static {
    /// The configuration and the result as the data source works with them.
    type Model: Model;

    fn type_name(&self) -> &str;

    fn schema(&self) -> Schema;

    /// Default read timeout (a `timeouts { read = ... }` block overrides it).
    fn timeouts(&self) -> Timeouts {
        Timeouts::default()
    }

    fn validate_config(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// The whole object for `config` (computed attributes filled in).
    /// Configured values are kept by the framework whatever is returned.
    async fn read(&self, ctx: &Context<D>, config: Self::Model) -> Result<Self::Model, ResourceError>;
}

/// What [`EphemeralResource::open`] produces.
#[derive(Debug, Clone)]
pub struct Opened<M> {
    /// The whole object: configured values are kept by the framework,
    /// computed ones come from here.
    pub result: M,
    /// When the value stops being valid and Terraform should call
    /// [`EphemeralResource::renew`]; `None` for values that do not expire.
    pub renew_at: Option<SystemTime>,
}

/// An ephemeral resource type (Terraform 1.10+): a value opened for one
/// Terraform run and never written to the state or a saved plan, such as a
/// credential. Terraform opens it during plan and again during apply, may
/// renew it while the run lasts, and closes it at the end.
#[async_trait]
pub trait EphemeralResource<D>: Send + Sync + 'static {
    /// The configuration and the opened value as the resource works with them.
    type Model: Model;

    fn type_name(&self) -> &str;

    fn schema(&self) -> Schema;

    /// Default open timeout (the `Read` operation's).
    fn timeouts(&self) -> Timeouts {
        Timeouts::default()
    }

    /// Checks beyond the schema's validators. The configuration may hold unknowns.
    fn validate_config(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Opens the value for `config` (wholly known, defaults applied). What
    /// `renew` and `close` need goes into `private`, which Terraform keeps in
    /// memory only.
    async fn open(&self, ctx: &Context<D>, config: Self::Model, private: &mut PrivateState) -> Result<Opened<Self::Model>, ResourceError>;

    /// Extends the value's validity and returns when to renew next. Called
    /// only after `open` (or an earlier renewal) gave a `renew_at`.
    async fn renew(&self, _ctx: &Context<D>, _private: &mut PrivateState) -> Result<Option<SystemTime>, ResourceError> {
        Ok(None)
    }

    /// Releases whatever `open` acquired (a lease, a temporary credential).
    async fn close(&self, _ctx: &Context<D>, _private: &PrivateState) -> Result<(), ResourceError> {
        Ok(())
    }
}
