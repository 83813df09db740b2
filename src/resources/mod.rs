//! Managed resources, one file each.

pub mod common;
pub mod project;
pub mod cluster_profile;
pub mod packs;
pub mod application_profile;
