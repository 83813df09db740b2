//! Managed resources: one file each, or a folder (`mod`, `schema`, `model`,
//! `wait`) for the big ones; `common` holds the attribute and import helpers
//! they share.

pub mod application;
pub mod application_profile;
pub mod cluster_group;
pub mod cluster_profile;
pub mod common;
pub mod project;
pub mod virtual_cluster;
