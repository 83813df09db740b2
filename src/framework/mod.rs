//! The provider framework: schemas as data, plan rules, diagnostics and the
//! resource traits, shaped like HashiCorp's terraform-plugin-framework.

pub mod diagnostics;
pub mod schema;
pub mod service;
