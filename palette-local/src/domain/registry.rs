//! Pack, Helm and OCI registries: system objects from the seed that hold the packs.

use serde::{Deserialize, Serialize};

use crate::model::ObjectMeta;

pub const KIND: &str = "registry";

/// The registry family. Seeds may say `pack` for `spectro`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistryKind {
    #[serde(alias = "pack")]
    Spectro,
    Helm,
    Oci,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Registry {
    pub metadata: ObjectMeta,
    pub kind: RegistryKind,
    pub endpoint: String,
    pub is_private: bool,
    pub is_default: bool,
    pub last_synced: String,
}
