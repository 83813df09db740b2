//! Data sources, one file each.

pub mod cluster;
pub mod cluster_group;
pub mod project;
