//! Managed resources, one file each.

pub mod common;
pub mod project;
