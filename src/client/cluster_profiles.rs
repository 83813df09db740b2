//! Cluster profiles (`/v1/clusterprofiles`).

use serde::{Deserialize, Serialize};

use super::context::CallContext;
use super::conventions::{context_for_scope, scope_annotation};
use super::error::ClientError;
use super::models::{
    nullable, ClusterProfileTemplate, Items, ManifestDocument, ManifestInput, ObjectMeta, ObjectRef, Variable,
    VersionRef,
};
use super::transport::{PaletteClient, Request, Scope};

/// The version a profile without one has.
pub const DEFAULT_PROFILE_VERSION: &str = "1.0.0";

/// `v1ClusterProfileEntity` (create) and `v1ClusterProfileUpdateEntity`
/// (update: set `metadata.uid`, leave `cloud_type` and `variables` empty).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterProfileEntity {
    pub metadata: ObjectMeta,
    pub spec: ClusterProfileEntitySpec,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterProfileEntitySpec {
    pub version: String,
    pub template: ClusterProfileTemplateEntity,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<Variable>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterProfileTemplateEntity {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cloud_type: String,
    #[serde(rename = "type")]
    pub profile_type: String,
    #[serde(deserialize_with = "nullable")]
    pub packs: Vec<PackManifestEntity>,
}

/// A pack in a create or update body. Only `name` is required by the API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PackManifestEntity {
    pub name: String,
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub pack_type: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub layer: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub tag: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub registry_uid: String,
    /// The pack UID (`spectro-manifest-pack` for a manifest-only layer).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub uid: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub values: String,
    #[serde(deserialize_with = "nullable", skip_serializing_if = "Vec::is_empty")]
    pub manifests: Vec<ManifestInput>,
}

/// `v1ClusterProfile` as read back.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ClusterProfile {
    pub metadata: ObjectMeta,
    pub spec: ClusterProfileSpec,
    pub status: ClusterProfileStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ClusterProfileSpec {
    #[serde(deserialize_with = "nullable")]
    pub version: String,
    #[serde(deserialize_with = "nullable")]
    pub versions: Vec<VersionRef>,
    pub draft: Option<ClusterProfileTemplate>,
    pub published: Option<ClusterProfileTemplate>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterProfileStatus {
    pub is_published: bool,
    pub has_user_macros: bool,
    #[serde(deserialize_with = "nullable")]
    pub in_use_clusters: Vec<ObjectRef>,
    #[serde(deserialize_with = "nullable")]
    pub in_use_cluster_uids: Vec<String>,
}

impl ClusterProfile {
    /// The content clusters consume: the published template, else the draft.
    pub fn template(&self) -> Option<&ClusterProfileTemplate> {
        self.spec.published.as_ref().or(self.spec.draft.as_ref())
    }

    /// `spec.version`, with the API's default for an empty one.
    pub fn version(&self) -> &str {
        effective_version(&self.spec.version)
    }
}

/// `v1ProfileMetaEntity`: the metadata PATCH body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileMetaEntity {
    pub metadata: ObjectMeta,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<ProfileMetaSpec>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileMetaSpec {
    pub version: String,
}

/// The clone body: `{metadata: {name, version, target: {scope, projectUid}}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CloneEntity {
    pub metadata: CloneMeta,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CloneMeta {
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<CloneTarget>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CloneTarget {
    /// `system`, `tenant`, `project` or `resource`.
    pub scope: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub project_uid: String,
}

/// An item of `GET /v1/dashboard/clusterprofiles/metadata`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ClusterProfileMetadata {
    pub metadata: ObjectMeta,
    pub spec: ClusterProfileMetadataSpec,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterProfileMetadataSpec {
    #[serde(deserialize_with = "nullable")]
    pub cloud_type: String,
    #[serde(deserialize_with = "nullable")]
    pub version: String,
}

impl ClusterProfileMetadata {
    pub fn version(&self) -> &str {
        effective_version(&self.spec.version)
    }
}

/// `{"variables": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct Variables {
    #[serde(deserialize_with = "nullable")]
    variables: Vec<Variable>,
}

/// An empty version means the API's default `1.0.0`.
pub fn effective_version(version: &str) -> &str {
    if version.is_empty() {
        DEFAULT_PROFILE_VERSION
    } else {
        version
    }
}

impl PaletteClient {
    /// `POST /v1/clusterprofiles[?publish=true]`; returns the new UID. A
    /// lost answer is resolved by looking up name and version in `scope`.
    pub async fn create_cluster_profile(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        profile: &ClusterProfileEntity,
        publish: bool,
    ) -> Result<String, ClientError> {
        let request = Request::post(&["clusterprofiles"])
            .scope(scope)
            .query_opt("publish", publish.then_some("true"))
            .json(profile);
        self.create_profile_version(ctx, scope, request, &profile.metadata.name, &profile.spec.version).await
    }

    /// Sends a request that makes a profile version and returns its UID; a
    /// lost answer is settled by looking up `name` and `version` in `scope`.
    async fn create_profile_version(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        request: Request,
        name: &str,
        version: &str,
    ) -> Result<String, ClientError> {
        self.create_with_lookup(ctx, request, |lookup| async move {
            self.find_cluster_profile(&lookup, scope, name, version, context_for_scope(scope)).await
        })
        .await
    }

    /// `GET /v1/clusterprofiles/{uid}`; `None` when it does not exist.
    pub async fn get_cluster_profile(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Option<ClusterProfile>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["clusterprofiles", uid]).scope(scope)).await
    }

    /// `PUT /v1/clusterprofiles/{uid}`: replaces the draft's packs (and
    /// renames the version when `spec.version` differs).
    pub async fn update_cluster_profile(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        profile: &ClusterProfileEntity,
    ) -> Result<(), ClientError> {
        self.send(ctx, Request::put(&["clusterprofiles", uid]).scope(scope).json(profile)).await
    }

    /// `PATCH /v1/clusterprofiles/{uid}/metadata`: name, labels, annotations.
    pub async fn patch_cluster_profile_metadata(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        meta: &ProfileMetaEntity,
    ) -> Result<(), ClientError> {
        self.send(ctx, Request::patch(&["clusterprofiles", uid, "metadata"]).scope(scope).json(meta).idempotent()).await
    }

    /// `PATCH /v1/clusterprofiles/{uid}/publish`. Publishing twice is not
    /// the same as once, so a lost answer is settled by reading the profile:
    /// no draft left and published means it worked.
    pub async fn publish_cluster_profile(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<(), ClientError> {
        let request = Request::patch(&["clusterprofiles", uid, "publish"]).scope(scope);
        self.create_idempotently(
            ctx,
            || self.send(ctx, request.clone()),
            |lookup| async move {
                let profile = self.get_cluster_profile(&lookup, scope, uid).await?;
                Ok(profile.filter(|p| p.status.is_published && p.spec.draft.is_none()).map(drop))
            },
        )
        .await
    }

    /// `DELETE /v1/clusterprofiles/{uid}`; already gone is not an error.
    pub async fn delete_cluster_profile(&self, ctx: &CallContext, scope: &Scope, uid: &str) -> Result<(), ClientError> {
        self.send_delete(ctx, Request::delete(&["clusterprofiles", uid]).scope(scope)).await
    }

    /// `POST /v1/clusterprofiles/{uid}/clone` (a new version); returns the
    /// new UID. A lost answer is resolved by looking up name and version;
    /// the clone is looked for in `scope`, so target the same scope.
    pub async fn clone_cluster_profile(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        source_uid: &str,
        clone: &CloneEntity,
    ) -> Result<String, ClientError> {
        let request = Request::post(&["clusterprofiles", source_uid, "clone"]).scope(scope).json(clone);
        self.create_profile_version(ctx, scope, request, &clone.metadata.name, &clone.metadata.version).await
    }

    /// `GET /v1/clusterprofiles/{uid}/variables`.
    pub async fn get_cluster_profile_variables(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
    ) -> Result<Vec<Variable>, ClientError> {
        let body: Variables =
            self.fetch(ctx, Request::get(&["clusterprofiles", uid, "variables"]).scope(scope)).await?;
        Ok(body.variables)
    }

    /// `PUT /v1/clusterprofiles/{uid}/variables`: replaces the whole set.
    pub async fn put_cluster_profile_variables(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        variables: &[Variable],
    ) -> Result<(), ClientError> {
        let body = Variables { variables: variables.to_vec() };
        self.send(ctx, Request::put(&["clusterprofiles", uid, "variables"]).scope(scope).json(&body)).await
    }

    /// `PATCH /v1/clusterprofiles/{uid}/variables`: updates those listed.
    pub async fn patch_cluster_profile_variables(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        variables: &[Variable],
    ) -> Result<(), ClientError> {
        let body = Variables { variables: variables.to_vec() };
        self.send(ctx, Request::patch(&["clusterprofiles", uid, "variables"]).scope(scope).json(&body).idempotent())
            .await
    }

    /// `GET /v1/clusterprofiles/{uid}/packs/{packName}/manifests`: the
    /// manifests of one pack, with their content.
    pub async fn get_cluster_profile_pack_manifests(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        uid: &str,
        pack_name: &str,
    ) -> Result<Vec<ManifestDocument>, ClientError> {
        let request = Request::get(&["clusterprofiles", uid, "packs", pack_name, "manifests"]).scope(scope);
        let list: Items<ManifestDocument> = self.fetch(ctx, request).await?;
        Ok(list.items)
    }

    /// `GET /v1/dashboard/clusterprofiles/metadata`: every profile visible
    /// in `scope` as `{metadata, spec{cloudType, version}}`.
    pub async fn list_cluster_profile_metadata(
        &self,
        ctx: &CallContext,
        scope: &Scope,
    ) -> Result<Vec<ClusterProfileMetadata>, ClientError> {
        let list: Items<ClusterProfileMetadata> =
            self.fetch(ctx, Request::get(&["dashboard", "clusterprofiles", "metadata"]).scope(scope)).await?;
        Ok(list.items)
    }

    /// The UID of the profile with this name and version (empty means
    /// `1.0.0`) whose scope annotation is `context` (`project`, `tenant`
    /// or `system`). Candidates whose listing lacks the annotation are read
    /// one by one to learn it.
    pub async fn find_cluster_profile(
        &self,
        ctx: &CallContext,
        scope: &Scope,
        name: &str,
        version: &str,
        context: &str,
    ) -> Result<Option<String>, ClientError> {
        let version = effective_version(version);
        let candidates = self.list_cluster_profile_metadata(ctx, scope).await?;
        for candidate in candidates.iter().filter(|c| c.metadata.name == name && c.version() == version) {
            let candidate_scope = match scope_annotation(&candidate.metadata) {
                Some(known) => Some(known.to_string()),
                None => self
                    .get_cluster_profile(ctx, scope, &candidate.metadata.uid)
                    .await?
                    .and_then(|profile| scope_annotation(&profile.metadata).map(str::to_string)),
            };
            if candidate_scope.as_deref() == Some(context) {
                return Ok(Some(candidate.metadata.uid.clone()));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_body_matches_the_spec() {
        let mut metadata = ObjectMeta::named("addon-nginx");
        metadata.annotations.insert("description".into(), "".into());
        let entity = ClusterProfileEntity {
            metadata,
            spec: ClusterProfileEntitySpec {
                version: "1.0.0".into(),
                template: ClusterProfileTemplateEntity {
                    cloud_type: "all".into(),
                    profile_type: "add-on".into(),
                    packs: vec![
                        PackManifestEntity {
                            name: "nginx".into(),
                            pack_type: "spectro".into(),
                            layer: "addon".into(),
                            tag: "1.2.3".into(),
                            registry_uid: "r1".into(),
                            uid: "p1".into(),
                            values: "a: 1".into(),
                            manifests: vec![ManifestInput {
                                name: "extra".into(),
                                content: "k: v".into(),
                                ..Default::default()
                            }],
                        },
                        PackManifestEntity {
                            name: "my-manifests".into(),
                            pack_type: "manifest".into(),
                            layer: "addon".into(),
                            uid: "spectro-manifest-pack".into(),
                            ..Default::default()
                        },
                    ],
                },
                variables: vec![Variable { name: "replicas".into(), ..Variable::default() }],
            },
        };
        let body = serde_json::to_value(&entity).unwrap();
        assert_eq!(body["metadata"], json!({"name": "addon-nginx", "labels": {}, "annotations": {"description": ""}}));
        assert_eq!(body["spec"]["template"]["cloudType"], "all");
        assert_eq!(body["spec"]["template"]["type"], "add-on");
        assert_eq!(
            body["spec"]["template"]["packs"][0],
            json!({"name": "nginx", "type": "spectro", "layer": "addon", "tag": "1.2.3", "registryUid": "r1",
                   "uid": "p1", "values": "a: 1", "manifests": [{"name": "extra", "content": "k: v"}]})
        );
        assert_eq!(
            body["spec"]["template"]["packs"][1],
            json!({"name": "my-manifests", "type": "manifest", "layer": "addon", "uid": "spectro-manifest-pack"})
        );
        assert_eq!(body["spec"]["variables"][0]["name"], "replicas");
    }

    #[test]
    fn update_body_has_no_cloud_type_or_variables() {
        let mut metadata = ObjectMeta::named("p");
        metadata.uid = "u1".into();
        let entity = ClusterProfileEntity {
            metadata,
            spec: ClusterProfileEntitySpec {
                version: "1.0.0".into(),
                template: ClusterProfileTemplateEntity { profile_type: "add-on".into(), ..Default::default() },
                variables: Vec::new(),
            },
        };
        assert_eq!(
            serde_json::to_value(&entity).unwrap(),
            json!({"metadata": {"name": "p", "uid": "u1", "labels": {}, "annotations": {}},
                   "spec": {"version": "1.0.0", "template": {"type": "add-on", "packs": []}}})
        );
    }

    #[test]
    fn profile_reads_the_documented_shape() {
        let profile: ClusterProfile = serde_json::from_value(json!({
            "apiVersion": "v1", "kind": "ClusterProfile",
            "metadata": {"uid": "u1", "name": "addon-nginx", "labels": {}, "annotations": {"description": "", "scope": "project"}},
            "spec": {
                "version": "1.0.0",
                "versions": [{"uid": "u1", "version": "1.0.0"}, {"uid": "u2", "version": "1.1.0"}],
                "draft": null,
                "published": {"uid": "t1", "name": "addon-nginx", "cloudType": "all", "type": "add-on",
                              "profileVersion": "1.0.0", "version": 1,
                              "packs": [{"name": "nginx", "layer": "addon", "type": "spectro", "tag": "1.2.3",
                                         "registryUid": "r1", "packUid": "p1", "values": "a: 1", "manifests": []}],
                              "packServerRefs": [], "relatedObject": {"kind": "", "name": "", "uid": ""}}
            },
            "status": {"isPublished": true, "hasUserMacros": false, "inUseClusters": [], "inUseClusterUids": null}
        }))
        .unwrap();
        let template = profile.template().unwrap();
        assert_eq!((template.cloud_type.as_str(), template.profile_type.as_str()), ("all", "add-on"));
        assert_eq!(template.profile_version, "1.0.0");
        assert_eq!(template.packs[0].pack_uid, "p1");
        assert_eq!(profile.spec.versions[1].version, "1.1.0");
        assert!(profile.status.is_published);
        assert_eq!(scope_annotation(&profile.metadata), Some("project"));
    }

    #[test]
    fn meta_and_clone_bodies() {
        let meta = ProfileMetaEntity {
            metadata: ObjectMeta::named("p"),
            spec: Some(ProfileMetaSpec { version: "1.0.0".into() }),
        };
        assert_eq!(
            serde_json::to_value(&meta).unwrap(),
            json!({"metadata": {"name": "p", "labels": {}, "annotations": {}}, "spec": {"version": "1.0.0"}})
        );
        let clone = CloneEntity {
            metadata: CloneMeta {
                name: "addon-nginx".into(),
                version: "1.1.0".into(),
                target: Some(CloneTarget { scope: "project".into(), project_uid: "p1".into() }),
            },
        };
        assert_eq!(
            serde_json::to_value(&clone).unwrap(),
            json!({"metadata": {"name": "addon-nginx", "version": "1.1.0", "target": {"scope": "project", "projectUid": "p1"}}})
        );
    }

    #[test]
    fn metadata_items_default_the_version() {
        let item: ClusterProfileMetadata = serde_json::from_value(
            json!({"metadata": {"name": "a", "uid": "u"}, "spec": {"cloudType": "all", "version": ""}}),
        )
        .unwrap();
        assert_eq!(item.version(), "1.0.0");
        assert_eq!(item.spec.cloud_type, "all");
    }
}
