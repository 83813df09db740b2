//! Registry lookups (`/v1/registries`). Credentials in registry specs are
//! never deserialized: the models have no `auth` field.

use serde::Deserialize;

use super::context::CallContext;
use super::error::ClientError;
use super::models::{nullable, Items, ObjectMeta};
use super::transport::{PaletteClient, Request, Scope};

/// An item of `GET /v1/registries/metadata`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RegistryMetadata {
    #[serde(deserialize_with = "nullable")]
    pub uid: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub kind: String,
    #[serde(deserialize_with = "nullable")]
    pub scope: String,
    pub is_private: bool,
    pub is_default: bool,
}

/// `v1PackRegistry` (an item of `GET /v1/registries/pack`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct PackRegistry {
    pub metadata: ObjectMeta,
    pub spec: PackRegistrySpec,
    pub status: PackRegistryStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PackRegistrySpec {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub endpoint: String,
    pub private: bool,
    #[serde(deserialize_with = "nullable")]
    pub registry_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub scope: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PackRegistryStatus {
    pub pack_sync_status: Option<SyncStatus>,
}

/// `v1HelmRegistry` (an item of `GET /v1/registries/helm`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct HelmRegistry {
    pub metadata: ObjectMeta,
    pub spec: HelmRegistrySpec,
    pub status: HelmRegistryStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HelmRegistrySpec {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub endpoint: String,
    pub is_private: bool,
    #[serde(deserialize_with = "nullable")]
    pub registry_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub scope: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct HelmRegistryStatus {
    pub helm_sync_status: Option<SyncStatus>,
}

/// An item of `GET /v1/registries/oci/summary`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct OciRegistrySummary {
    pub metadata: ObjectMeta,
    pub spec: OciRegistrySummarySpec,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OciRegistrySummarySpec {
    #[serde(deserialize_with = "nullable")]
    pub endpoint: String,
    pub is_private: bool,
    #[serde(deserialize_with = "nullable")]
    pub provider_type: String,
    #[serde(deserialize_with = "nullable")]
    pub registry_type: String,
    #[serde(deserialize_with = "nullable")]
    pub scope: String,
}

/// A registry's synchronisation status.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SyncStatus {
    #[serde(deserialize_with = "nullable")]
    pub status: String,
    #[serde(deserialize_with = "nullable")]
    pub message: String,
    pub last_synced_time: Option<String>,
    pub last_run_time: Option<String>,
    pub is_sync_supported: bool,
}

/// Which family of registry a sync-status request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryKind {
    Pack,
    Helm,
    OciBasic,
    OciEcr,
}

impl RegistryKind {
    fn sync_status_path(self, uid: &str) -> Vec<&str> {
        match self {
            RegistryKind::Pack => vec!["registries", "pack", uid, "sync", "status"],
            RegistryKind::Helm => vec!["registries", "helm", uid, "sync", "status"],
            RegistryKind::OciBasic => vec!["registries", "oci", uid, "basic", "sync", "status"],
            RegistryKind::OciEcr => vec!["registries", "oci", uid, "ecr", "sync", "status"],
        }
    }
}

impl PaletteClient {
    /// `GET /v1/registries/metadata`: every registry of every kind.
    pub async fn list_registries_metadata(
        &self,
        ctx: &CallContext,
        scope: &Scope,
    ) -> Result<Vec<RegistryMetadata>, ClientError> {
        let list: Items<RegistryMetadata> =
            self.fetch(ctx, Request::get(&["registries", "metadata"]).scope(scope)).await?;
        Ok(list.items)
    }

    /// `GET /v1/registries/pack`, every page.
    pub async fn list_pack_registries(
        &self,
        ctx: &CallContext,
        scope: &Scope,
    ) -> Result<Vec<PackRegistry>, ClientError> {
        self.fetch_all(ctx, Request::get(&["registries", "pack"]).scope(scope)).await
    }

    /// `GET /v1/registries/helm`, every page.
    pub async fn list_helm_registries(
        &self,
        ctx: &CallContext,
        scope: &Scope,
    ) -> Result<Vec<HelmRegistry>, ClientError> {
        self.fetch_all(ctx, Request::get(&["registries", "helm"]).scope(scope)).await
    }

    /// `GET /v1/registries/helm/{uid}`; `None` when there is none.
    pub async fn get_helm_registry(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<HelmRegistry>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["registries", "helm", uid]).scope(scope)).await
    }

    /// `GET /v1/registries/oci/summary`.
    pub async fn list_oci_registries(
        &self,
        ctx: &CallContext,
        scope: &Scope,
    ) -> Result<Vec<OciRegistrySummary>, ClientError> {
        self.fetch_all(ctx, Request::get(&["registries", "oci", "summary"]).scope(scope)).await
    }

    /// `GET /v1/registries/{kind}/{uid}/.../sync/status`.
    pub async fn registry_sync_status(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        kind: RegistryKind,
        uid: &str,
    ) -> Result<SyncStatus, ClientError> {
        self.fetch(ctx, Request::get(&kind.sync_status_path(uid)).scope(scope)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn registry_metadata_reads_flags() {
        let item: RegistryMetadata = serde_json::from_value(json!(
            {"uid": "r1", "name": "Public Repo", "kind": "pack", "scope": "system", "isPrivate": false, "isDefault": true}
        ))
        .unwrap();
        assert!(item.is_default && !item.is_private);
        assert_eq!(item.name, "Public Repo");
    }

    #[test]
    fn registries_never_keep_credentials() {
        let registry: HelmRegistry = serde_json::from_value(json!({
            "metadata": {"uid": "h1", "name": "bitnami"},
            "spec": {"name": "bitnami", "endpoint": "https://charts", "isPrivate": true, "scope": "tenant",
                     "auth": {"type": "basic", "username": "u", "password": "hunter2"}},
            "status": {"helmSyncStatus": {"status": "Completed", "isSyncSupported": true}}
        }))
        .unwrap();
        assert!(registry.spec.is_private);
        assert!(registry.status.helm_sync_status.unwrap().is_sync_supported);
        assert!(!format!("{:?}", registry.spec).contains("hunter2"));
    }

    #[test]
    fn sync_status_paths() {
        assert_eq!(RegistryKind::Pack.sync_status_path("u").join("/"), "registries/pack/u/sync/status");
        assert_eq!(RegistryKind::OciBasic.sync_status_path("u").join("/"), "registries/oci/u/basic/sync/status");
        assert_eq!(RegistryKind::OciEcr.sync_status_path("u").join("/"), "registries/oci/u/ecr/sync/status");
    }
}
