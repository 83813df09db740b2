//! Managed resources, one file each.

pub mod cluster_group;
pub mod cluster_profile_attachment;
pub mod common;
pub mod project;
pub mod virtual_cluster;
pub mod virtual_cluster_wait;
