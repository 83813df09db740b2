//! The implementation traits as the server calls them: on whole objects.
//! Every [`Resource`], [`DataSource`] and [`EphemeralResource`] is one of
//! these through a blanket impl that reads the request into its model and
//! turns the returned model into an object of the schema type the operation's
//! context carries, so the server keeps one table of each kind whatever the
//! models are.

use std::time::SystemTime;

use async_trait::async_trait;

use super::context::{Context, ResourceError};
use super::convert::{ConvertError, Model};
use super::private::PrivateState;
use super::resource::{CreateRequest, DataSource, EphemeralResource, Opened, Plan, PlanRequest, Resource, StateUpgrader, UpdateRequest};
use super::timeouts::Timeouts;
use crate::protocol::diagnostics::{Diagnostic, Diagnostics};
use crate::protocol::value::Value;

/// A request value that does not fit the model: a provider bug, reported
/// with the attribute path.
fn unreadable(error: ConvertError) -> ResourceError {
    Diagnostic::from(error).into()
}

#[async_trait]
pub(super) trait ServedResource<D>: Send + Sync {
    fn timeouts(&self) -> Timeouts;
    fn validate_config(&self, config: &Value, diags: &mut Diagnostics);
    async fn modify_plan(&self, ctx: &Context<D>, request: &PlanRequest<'_>, plan: &mut Plan) -> Result<(), ResourceError>;
    async fn create(&self, ctx: &Context<D>, request: CreateRequest<'_, &Value>, private: &mut PrivateState) -> Result<Value, ResourceError>;
    async fn read(&self, ctx: &Context<D>, state: &Value, private: &mut PrivateState) -> Result<Option<Value>, ResourceError>;
    async fn update(&self, ctx: &Context<D>, request: UpdateRequest<'_, &Value>, private: &mut PrivateState) -> Result<Value, ResourceError>;
    async fn delete(&self, ctx: &Context<D>, state: &Value, private: &PrivateState) -> Result<(), ResourceError>;
    async fn import(&self, ctx: &Context<D>, id: &str, private: &mut PrivateState) -> Result<Value, ResourceError>;
    fn state_upgraders(&self) -> Vec<StateUpgrader>;
}

#[async_trait]
impl<D: Send + Sync + 'static, R: Resource<D>> ServedResource<D> for R {
    fn timeouts(&self) -> Timeouts {
        Resource::timeouts(self)
    }

    fn validate_config(&self, config: &Value, diags: &mut Diagnostics) {
        Resource::validate_config(self, config, diags)
    }

    async fn modify_plan(&self, ctx: &Context<D>, request: &PlanRequest<'_>, plan: &mut Plan) -> Result<(), ResourceError> {
        Resource::modify_plan(self, ctx, request, plan).await
    }

    async fn create(&self, ctx: &Context<D>, request: CreateRequest<'_, &Value>, private: &mut PrivateState) -> Result<Value, ResourceError> {
        let typed = CreateRequest { config: request.config, planned: R::Model::from_plan(request.planned).map_err(unreadable)? };
        let created = Resource::create(self, ctx, typed, private).await?;
        ctx.state(&created)
    }

    async fn read(&self, ctx: &Context<D>, state: &Value, private: &mut PrivateState) -> Result<Option<Value>, ResourceError> {
        let state = R::Model::from_state(state).map_err(unreadable)?;
        match Resource::read(self, ctx, state, private).await? {
            Some(found) => Ok(Some(ctx.state(&found)?)),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Context<D>, request: UpdateRequest<'_, &Value>, private: &mut PrivateState) -> Result<Value, ResourceError> {
        let typed = UpdateRequest {
            prior: R::Model::from_state(request.prior).map_err(unreadable)?,
            planned: R::Model::from_plan(request.planned).map_err(unreadable)?,
            config: request.config,
        };
        let updated = Resource::update(self, ctx, typed, private).await?;
        ctx.state(&updated)
    }

    async fn delete(&self, ctx: &Context<D>, state: &Value, private: &PrivateState) -> Result<(), ResourceError> {
        let state = R::Model::from_state(state).map_err(unreadable)?;
        Resource::delete(self, ctx, state, private).await
    }

    async fn import(&self, ctx: &Context<D>, id: &str, private: &mut PrivateState) -> Result<Value, ResourceError> {
        let imported = Resource::import(self, ctx, id, private).await?;
        ctx.state(&imported)
    }

    fn state_upgraders(&self) -> Vec<StateUpgrader> {
        Resource::state_upgraders(self)
    }
}

#[async_trait]
pub(super) trait ServedDataSource<D>: Send + Sync {
    fn timeouts(&self) -> Timeouts;
    fn validate_config(&self, config: &Value, diags: &mut Diagnostics);
    async fn read(&self, ctx: &Context<D>, config: &Value) -> Result<Value, ResourceError>;
}

#[async_trait]
impl<D: Send + Sync + 'static, S: DataSource<D>> ServedDataSource<D> for S {
    fn timeouts(&self) -> Timeouts {
        DataSource::timeouts(self)
    }

    fn validate_config(&self, config: &Value, diags: &mut Diagnostics) {
        DataSource::validate_config(self, config, diags)
    }

    async fn read(&self, ctx: &Context<D>, config: &Value) -> Result<Value, ResourceError> {
        let config = S::Model::from_state(config).map_err(unreadable)?;
        let found = DataSource::read(self, ctx, config).await?;
        ctx.state(&found)
    }
}

#[async_trait]
pub(super) trait ServedEphemeral<D>: Send + Sync {
    fn timeouts(&self) -> Timeouts;
    fn validate_config(&self, config: &Value, diags: &mut Diagnostics);
    async fn open(&self, ctx: &Context<D>, config: &Value, private: &mut PrivateState) -> Result<Opened<Value>, ResourceError>;
    async fn renew(&self, ctx: &Context<D>, private: &mut PrivateState) -> Result<Option<SystemTime>, ResourceError>;
    async fn close(&self, ctx: &Context<D>, private: &PrivateState) -> Result<(), ResourceError>;
}

#[async_trait]
impl<D: Send + Sync + 'static, E: EphemeralResource<D>> ServedEphemeral<D> for E {
    fn timeouts(&self) -> Timeouts {
        EphemeralResource::timeouts(self)
    }

    fn validate_config(&self, config: &Value, diags: &mut Diagnostics) {
        EphemeralResource::validate_config(self, config, diags)
    }

    async fn open(&self, ctx: &Context<D>, config: &Value, private: &mut PrivateState) -> Result<Opened<Value>, ResourceError> {
        let config = E::Model::from_state(config).map_err(unreadable)?;
        let opened = EphemeralResource::open(self, ctx, config, private).await?;
        Ok(Opened { result: ctx.state(&opened.result)?, renew_at: opened.renew_at })
    }

    async fn renew(&self, ctx: &Context<D>, private: &mut PrivateState) -> Result<Option<SystemTime>, ResourceError> {
        EphemeralResource::renew(self, ctx, private).await
    }

    async fn close(&self, ctx: &Context<D>, private: &PrivateState) -> Result<(), ResourceError> {
        EphemeralResource::close(self, ctx, private).await
    }
}
