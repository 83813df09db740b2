//! Palette's rules that resources and data sources share, so neither depends
//! on the other: finding packs and ordering their versions
//! ([`packs`]), and the cluster profiles attached to a cluster
//! ([`profile_attachment`]).

pub mod packs;
pub mod profile_attachment;

/// The `context` values a profile may live in, as in the official provider
/// (empty means the provider's project).
pub const PROFILE_CONTEXTS: [&str; 4] = ["", "project", "tenant", "system"];
