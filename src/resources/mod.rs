//! Managed resources, one file each, and the helpers they share.

pub mod application;
pub mod application_profile;
pub mod application_wait;
pub mod cluster_group;
pub mod cluster_profile;
pub mod cluster_profile_attachment;
pub mod common;
pub mod packs;
pub mod project;
pub mod virtual_cluster;
pub mod virtual_cluster_wait;
