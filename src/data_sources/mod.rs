//! Data sources, one file each.

pub mod project;
pub mod pack;
pub mod registry;
pub mod pack_simple;
pub mod cluster_profile;
pub mod application_profile;
