//! The provider framework: schemas as data, plan rules, diagnostics and the
//! resource traits, shaped like HashiCorp's terraform-plugin-framework.
//!
//! A provider implements [`ProviderDefinition`], [`Resource`],
//! [`DataSource`] and [`EphemeralResource`] and registers them in a
//! [`Framework`], which implements [`ProviderService`](crate::protocol::service::ProviderService)
//! for the protocol layer.

pub mod conform;
pub mod context;
pub mod convert;
pub mod duration;
pub mod docs;
pub mod modifiers;
mod plan;
pub mod private;
pub mod resource;
pub mod schema;
mod served;
pub mod server;
pub mod timeouts;
mod validation;
pub mod validators;
pub mod wait;

pub use async_trait::async_trait;
pub use context::{Context, ResourceError};
pub use convert::Model;
pub use crate::protocol::diagnostics::{AttributePath, Diagnostic, Diagnostics, Severity};
pub use modifiers::PlanKind;
pub use private::PrivateState;
pub use resource::{ConfigureRequest, CreateRequest, DataSource, EphemeralResource, Opened, Plan, PlanRequest, ProviderDefinition, Resource, StateUpgrader, UpdateRequest};
pub use schema::{Attribute, Block, NestedBlock, Nesting, Schema};
pub use server::Framework;
pub use timeouts::{Operation, Timeouts};
