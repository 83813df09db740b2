//! The pack catalog (§6.1): system objects from the seed, one row per pack version.

use serde::{Deserialize, Serialize};

use crate::palette_local::model::ObjectMeta;

pub const KIND: &str = "pack";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PackType {
    Spectro,
    Helm,
    Manifest,
    Oci,
    Container,
    OperatorInstance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PackLayer {
    Kernel,
    Os,
    K8s,
    Cni,
    Csi,
    Addon,
}

/// One version of a pack in one registry.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pack {
    pub metadata: ObjectMeta,
    pub name: String,
    pub version: String,
    pub registry_uid: String,
    #[serde(rename = "type")]
    pub pack_type: PackType,
    pub layer: PackLayer,
    pub cloud_types: Vec<String>,
    pub values: String,
    pub display_name: String,
    pub addon_type: String,
    pub logo_url: String,
}
