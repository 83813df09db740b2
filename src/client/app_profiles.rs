//! Application profiles, their tiers and tier manifests (`/v1/appProfiles`).

use serde::{Deserialize, Serialize};

use super::cluster_profiles::effective_version;
use super::context::CallContext;
use super::error::ClientError;
use super::models::{
    nullable, ManifestDocument, ManifestInput, ManifestRef, NameValue, ObjectMeta, ObjectRef, VersionRef,
};
use super::transport::{PaletteClient, Request, Scope};

/// `v1AppProfileEntity`: the create and update body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppProfileEntity {
    pub metadata: ObjectMeta,
    pub spec: AppProfileEntitySpec,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppProfileEntitySpec {
    pub version: String,
    pub template: AppProfileTemplateEntity,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppProfileTemplateEntity {
    #[serde(deserialize_with = "nullable")]
    pub app_tiers: Vec<AppTierEntity>,
}

/// `v1AppTierEntity`: a tier in a create body or `POST .../tiers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppTierEntity {
    pub name: String,
    /// `container`, `helm`, `manifest` or `operator-instance`.
    #[serde(rename = "type")]
    pub tier_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source_app_tier_uid: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub registry_uid: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub container_registry_uid: String,
    pub install_order: i32,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub values: String,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<NameValue>,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub manifests: Vec<ManifestInput>,
}

/// `v1AppTierUpdateEntity`: the body of `PUT .../tiers/{tierUid}` (type
/// and registry cannot change in place).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppTierUpdateEntity {
    pub name: String,
    pub version: String,
    pub values: String,
    pub install_order: i32,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub container_registry_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub properties: Vec<NameValue>,
    #[serde(deserialize_with = "nullable")]
    pub manifests: Vec<ManifestInput>,
}

/// `v1AppProfile` as read back.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AppProfile {
    pub metadata: ObjectMeta,
    pub spec: AppProfileSpec,
    pub status: AppProfileStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppProfileSpec {
    #[serde(deserialize_with = "nullable")]
    pub parent_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub version: String,
    #[serde(deserialize_with = "nullable")]
    pub versions: Vec<VersionRef>,
    pub template: AppProfileTemplate,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppProfileTemplate {
    #[serde(deserialize_with = "nullable")]
    pub app_tiers: Vec<AppTierRef>,
    #[serde(deserialize_with = "nullable")]
    pub registry_refs: Vec<ObjectRef>,
}

/// A tier as listed in a profile: `{uid, name, type, version}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AppTierRef {
    #[serde(deserialize_with = "nullable")]
    pub uid: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub tier_type: String,
    #[serde(deserialize_with = "nullable")]
    pub version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppProfileStatus {
    #[serde(deserialize_with = "nullable")]
    pub in_use_apps: Vec<ObjectRef>,
}

/// `v1AppTier`: a tier in full (manifest content is fetched apart).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AppTier {
    pub metadata: ObjectMeta,
    pub spec: AppTierSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppTierSpec {
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub tier_type: String,
    #[serde(deserialize_with = "nullable")]
    pub version: String,
    #[serde(deserialize_with = "nullable")]
    pub source_app_tier_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub registry_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub container_registry_uid: String,
    pub install_order: i32,
    #[serde(deserialize_with = "nullable")]
    pub values: String,
    #[serde(deserialize_with = "nullable")]
    pub properties: Vec<TierProperty>,
    #[serde(deserialize_with = "nullable")]
    pub manifests: Vec<ManifestRef>,
}

/// A tier property as read back: `{name, value, type, format}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TierProperty {
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    #[serde(deserialize_with = "nullable")]
    pub value: String,
    #[serde(rename = "type", deserialize_with = "nullable")]
    pub property_type: String,
    #[serde(deserialize_with = "nullable")]
    pub format: String,
}

/// The metadata PATCH body: labels and annotations (the name cannot
/// change here) and the version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppProfileMetaEntity {
    pub metadata: ObjectMeta,
    pub version: String,
}

/// An item of the app-profile dashboard listing (`v1AppProfileSummary`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AppProfileSummary {
    pub metadata: ObjectMeta,
    pub spec: AppProfileSummarySpec,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AppProfileSummarySpec {
    #[serde(deserialize_with = "nullable")]
    pub parent_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub version: String,
    #[serde(deserialize_with = "nullable")]
    pub versions: Vec<VersionRef>,
}

impl AppProfileSummary {
    /// The UID of this profile's sibling with `version` (empty means `1.0.0`).
    pub fn uid_of_version(&self, version: &str) -> Option<&str> {
        let version = effective_version(version);
        if self.spec.versions.is_empty() && effective_version(&self.spec.version) == version {
            return Some(&self.metadata.uid);
        }
        self.spec.versions.iter().find(|v| effective_version(&v.version) == version).map(|v| v.uid.as_str())
    }
}

/// `GET .../tiers`: `{metadata, spec: {appTiers: [...]}}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
struct AppTiers {
    spec: AppTiersSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct AppTiersSpec {
    #[serde(deserialize_with = "nullable")]
    app_tiers: Vec<AppTier>,
}

/// `GET .../tiers/{tierUid}/manifests`: `{"manifests": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
struct TierManifests {
    #[serde(deserialize_with = "nullable")]
    manifests: Vec<ManifestDocument>,
}

impl PaletteClient {
    /// `POST /v1/appProfiles`; returns the new UID. A lost answer is
    /// resolved by looking up name and version.
    pub async fn create_app_profile(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        profile: &AppProfileEntity,
    ) -> Result<String, ClientError> {
        let request = Request::post(&["appProfiles"]).scope(scope).json(profile);
        let (name, version) = (profile.metadata.name.as_str(), profile.spec.version.as_str());
        self.create_with_lookup(ctx, request, |lookup| async move {
            self.find_app_profile(&lookup, scope, name, version).await
        })
        .await
    }

    /// `GET /v1/appProfiles/{uid}`; `None` when it does not exist.
    pub async fn get_app_profile(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<AppProfile>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["appProfiles", uid]).scope(scope)).await
    }

    /// `PUT /v1/appProfiles/{uid}`.
    pub async fn update_app_profile(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        profile: &AppProfileEntity,
    ) -> Result<(), ClientError> {
        self.send(ctx, Request::put(&["appProfiles", uid]).scope(scope).json(profile)).await
    }

    /// `PATCH /v1/appProfiles/{uid}/metadata`.
    pub async fn patch_app_profile_metadata(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        meta: &AppProfileMetaEntity,
    ) -> Result<(), ClientError> {
        self.send(ctx, Request::patch(&["appProfiles", uid, "metadata"]).scope(scope).json(meta).idempotent()).await
    }

    /// `DELETE /v1/appProfiles/{uid}`; already gone is not an error. Pass
    /// the scope the profile lives in (its `scope` annotation).
    pub async fn delete_app_profile(&self, ctx: &CallContext, scope: &Scope, uid: &str) -> Result<(), ClientError> {
        self.send_delete(ctx, Request::delete(&["appProfiles", uid]).scope(scope)).await
    }

    /// `GET /v1/appProfiles/{uid}/tiers`.
    pub async fn list_app_profile_tiers(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Vec<AppTier>, ClientError> {
        let tiers: AppTiers = self.fetch(ctx, Request::get(&["appProfiles", uid, "tiers"]).scope(scope)).await?;
        Ok(tiers.spec.app_tiers)
    }

    /// `GET /v1/appProfiles/{uid}/tiers/{tierUid}`; `None` when absent.
    pub async fn get_app_profile_tier(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        tier_uid: &str,
    ) -> Result<Option<AppTier>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["appProfiles", uid, "tiers", tier_uid]).scope(scope)).await
    }

    /// `POST /v1/appProfiles/{uid}/tiers`; returns the tier UID. A lost
    /// answer is resolved by looking for a tier of that name.
    pub async fn create_app_profile_tier(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        tier: &AppTierEntity,
    ) -> Result<String, ClientError> {
        let request = Request::post(&["appProfiles", uid, "tiers"]).scope(scope).json(tier);
        let name = tier.name.as_str();
        self.create_with_lookup(ctx, request, |lookup| async move {
            let tiers = self.list_app_profile_tiers(&lookup, scope, uid).await?;
            Ok(tiers.into_iter().find(|t| t.metadata.name == name).map(|t| t.metadata.uid))
        })
        .await
    }

    /// `PUT /v1/appProfiles/{uid}/tiers/{tierUid}`.
    pub async fn update_app_profile_tier(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        tier_uid: &str,
        tier: &AppTierUpdateEntity,
    ) -> Result<(), ClientError> {
        self.send(ctx, Request::put(&["appProfiles", uid, "tiers", tier_uid]).scope(scope).json(tier)).await
    }

    /// `DELETE /v1/appProfiles/{uid}/tiers/{tierUid}`; already gone is fine.
    pub async fn delete_app_profile_tier(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        tier_uid: &str,
    ) -> Result<(), ClientError> {
        self.send_delete(ctx, Request::delete(&["appProfiles", uid, "tiers", tier_uid]).scope(scope)).await
    }

    /// `GET /v1/appProfiles/{uid}/tiers/{tierUid}/manifests`, with content.
    pub async fn list_app_tier_manifests(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        tier_uid: &str,
    ) -> Result<Vec<ManifestDocument>, ClientError> {
        let list: TierManifests =
            self.fetch(ctx, Request::get(&["appProfiles", uid, "tiers", tier_uid, "manifests"]).scope(scope)).await?;
        Ok(list.manifests)
    }

    /// `GET .../tiers/{tierUid}/manifests/{manifestUid}`; `None` when absent.
    pub async fn get_app_tier_manifest(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        tier_uid: &str,
        manifest_uid: &str,
    ) -> Result<Option<ManifestDocument>, ClientError> {
        let request = Request::get(&["appProfiles", uid, "tiers", tier_uid, "manifests", manifest_uid]).scope(scope);
        self.fetch_optional(ctx, request).await
    }

    /// `POST .../tiers/{tierUid}/manifests`; returns the manifest UID. A lost
    /// answer is resolved by looking for a manifest of that name.
    pub async fn create_app_tier_manifest(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        tier_uid: &str,
        manifest: &ManifestInput,
    ) -> Result<String, ClientError> {
        let body = ManifestInput { uid: String::new(), ..manifest.clone() };
        let request = Request::post(&["appProfiles", uid, "tiers", tier_uid, "manifests"]).scope(scope).json(&body);
        let name = manifest.name.as_str();
        self.create_with_lookup(ctx, request, |lookup| async move {
            let manifests = self.list_app_tier_manifests(&lookup, scope, uid, tier_uid).await?;
            Ok(manifests.into_iter().find(|m| m.metadata.name == name).map(|m| m.metadata.uid))
        })
        .await
    }

    /// `PUT .../tiers/{tierUid}/manifests/{manifestUid}`.
    pub async fn update_app_tier_manifest(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        tier_uid: &str,
        manifest_uid: &str,
        manifest: &ManifestInput,
    ) -> Result<(), ClientError> {
        let body = ManifestInput { uid: manifest_uid.to_string(), ..manifest.clone() };
        let request =
            Request::put(&["appProfiles", uid, "tiers", tier_uid, "manifests", manifest_uid]).scope(scope).json(&body);
        self.send(ctx, request).await
    }

    /// `DELETE .../tiers/{tierUid}/manifests/{manifestUid}`; already gone is fine.
    pub async fn delete_app_tier_manifest(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        tier_uid: &str,
        manifest_uid: &str,
    ) -> Result<(), ClientError> {
        let request = Request::delete(&["appProfiles", uid, "tiers", tier_uid, "manifests", manifest_uid]).scope(scope);
        self.send_delete(ctx, request).await
    }

    /// `POST /v1/dashboard/appProfiles?limit=0` (no filter), every page:
    /// all application profiles visible in `scope`.
    pub async fn list_app_profiles(
        &self,
        ctx: &CallContext,
        scope: &Scope,
    ) -> Result<Vec<AppProfileSummary>, ClientError> {
        let request = Request::post(&["dashboard", "appProfiles"]).scope(scope).query("limit", "0").search();
        self.fetch_all(ctx, request).await
    }

    /// The UID of the profile with this name and version (empty means `1.0.0`).
    pub async fn find_app_profile(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        name: &str,
        version: &str,
    ) -> Result<Option<String>, ClientError> {
        let profiles = self.list_app_profiles(ctx, scope).await?;
        Ok(profiles
            .iter()
            .filter(|profile| profile.metadata.name == name)
            .find_map(|profile| profile.uid_of_version(version))
            .map(str::to_string))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_body_matches_the_spec() {
        let entity = AppProfileEntity {
            metadata: ObjectMeta::named("my-app"),
            spec: AppProfileEntitySpec {
                version: "1.0.0".into(),
                template: AppProfileTemplateEntity {
                    app_tiers: vec![
                        AppTierEntity {
                            name: "redis-1".into(),
                            tier_type: "operator-instance".into(),
                            version: "6.2.12-1".into(),
                            source_app_tier_uid: "p1".into(),
                            registry_uid: "r1".into(),
                            properties: vec![NameValue::new("databaseName", "cache")],
                            ..AppTierEntity::default()
                        },
                        AppTierEntity {
                            name: "cfg".into(),
                            tier_type: "manifest".into(),
                            install_order: 10,
                            manifests: vec![ManifestInput {
                                name: "cm".into(),
                                content: "kind: ConfigMap".into(),
                                ..Default::default()
                            }],
                            ..AppTierEntity::default()
                        },
                    ],
                },
            },
        };
        let body = serde_json::to_value(&entity).unwrap();
        assert_eq!(
            body["spec"]["template"]["appTiers"][0],
            json!({"name": "redis-1", "type": "operator-instance", "version": "6.2.12-1", "sourceAppTierUid": "p1",
                   "registryUid": "r1", "installOrder": 0, "properties": [{"name": "databaseName", "value": "cache"}]})
        );
        assert_eq!(
            body["spec"]["template"]["appTiers"][1],
            json!({"name": "cfg", "type": "manifest", "installOrder": 10,
                   "manifests": [{"name": "cm", "content": "kind: ConfigMap"}]})
        );
        assert_eq!(body["spec"]["version"], "1.0.0");
    }

    #[test]
    fn tier_update_and_meta_bodies() {
        let update =
            AppTierUpdateEntity { name: "web".into(), version: "1.0.0".into(), install_order: 2, ..Default::default() };
        assert_eq!(
            serde_json::to_value(&update).unwrap(),
            json!({"name": "web", "version": "1.0.0", "values": "", "installOrder": 2, "properties": [], "manifests": []})
        );
        let meta = AppProfileMetaEntity { metadata: ObjectMeta::named("my-app"), version: "1.0.0".into() };
        assert_eq!(
            serde_json::to_value(&meta).unwrap(),
            json!({"metadata": {"name": "my-app", "labels": {}, "annotations": {}}, "version": "1.0.0"})
        );
    }

    #[test]
    fn tiers_read_the_documented_shape() {
        let tiers: AppTiers = serde_json::from_value(json!({
            "metadata": {"uid": "a1"},
            "spec": {"appTiers": [{
                "metadata": {"uid": "t1", "name": "redis-1"},
                "spec": {"type": "operator-instance", "version": "6.2.12-1", "sourceAppTierUid": "p1", "registryUid": "r1",
                         "installOrder": 3, "values": "", "properties": [{"name": "databaseName", "value": "cache", "type": "string", "format": ""}],
                         "manifests": [{"uid": "m1", "name": "cm", "kind": ""}]}
            }]}
        }))
        .unwrap();
        let tier = &tiers.spec.app_tiers[0];
        assert_eq!(tier.metadata.uid, "t1");
        assert_eq!(tier.spec.install_order, 3);
        assert_eq!(tier.spec.properties[0].property_type, "string");
        assert_eq!(tier.spec.manifests[0].uid, "m1");
    }

    #[test]
    fn summaries_resolve_versions() {
        let summary: AppProfileSummary = serde_json::from_value(json!({
            "metadata": {"name": "my-app", "uid": "a1"},
            "spec": {"version": "1.0.0", "versions": [{"uid": "a1", "version": "1.0.0"}, {"uid": "a2", "version": "2.0.0"}]}
        }))
        .unwrap();
        assert_eq!(summary.uid_of_version("2.0.0"), Some("a2"));
        assert_eq!(summary.uid_of_version(""), Some("a1"));
        assert_eq!(summary.uid_of_version("3.0.0"), None);
        let without_versions: AppProfileSummary =
            serde_json::from_value(json!({"metadata": {"name": "x", "uid": "x1"}, "spec": {"version": ""}})).unwrap();
        assert_eq!(without_versions.uid_of_version("1.0.0"), Some("x1"));
    }

    #[test]
    fn tier_manifest_list_uses_the_manifests_key() {
        let list: TierManifests = serde_json::from_value(json!({
            "manifests": [{"metadata": {"uid": "m1", "name": "cm"}, "spec": {"published": {"content": "kind: ConfigMap", "digest": "d"}}}]
        }))
        .unwrap();
        assert_eq!(list.manifests[0].content(), Some("kind: ConfigMap"));
    }
}
