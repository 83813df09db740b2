//! Data sources, one file each.

pub mod application_profile;
pub mod cluster;
pub mod cluster_group;
pub mod cluster_profile;
pub mod pack;
pub mod pack_simple;
pub mod project;
pub mod registry;
