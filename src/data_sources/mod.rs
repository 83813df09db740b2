//! Data sources, one file each.

pub mod project;
pub mod pack;
pub mod registry;
