//! Projects (`/v1/projects`): tenant scope only, so no call takes a scope.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::context::CallContext;
use super::error::ClientError;
use super::models::{nullable, ObjectMeta};
use super::transport::{PaletteClient, Request};

/// `v1ProjectEntity`: the create and update body. The official provider
/// never sends `spec`; it stays out unless set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProjectEntity {
    pub metadata: ObjectMeta,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<ProjectEntitySpec>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProjectEntitySpec {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub logo_uid: String,
    #[serde(deserialize_with = "nullable")]
    pub teams: Vec<TeamRoles>,
    #[serde(deserialize_with = "nullable")]
    pub users: Vec<UserRoles>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TeamRoles {
    pub team_id: String,
    #[serde(deserialize_with = "nullable")]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserRoles {
    pub user_id: String,
    #[serde(deserialize_with = "nullable")]
    pub roles: Vec<String>,
}

/// `v1Project` as read back.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Project {
    pub metadata: ObjectMeta,
    pub spec: ProjectSpec,
    pub status: ProjectStatus,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProjectSpec {
    #[serde(deserialize_with = "nullable")]
    pub logo_url: String,
    #[serde(deserialize_with = "nullable")]
    pub teams: Vec<TeamRoles>,
    #[serde(deserialize_with = "nullable")]
    pub users: Vec<UserRoles>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ProjectStatus {
    pub is_disabled: bool,
}

/// An item of `POST /v1/dashboard/projects` (`v1ProjectSummary`): its
/// `metadata` is the project's whole `v1ObjectMeta` (name, labels, annotations).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
struct ProjectSummary {
    metadata: ObjectMeta,
}

impl PaletteClient {
    /// `POST /v1/projects`; returns the new UID. If the answer is lost, the
    /// project is looked up by name before the create is ever re-sent.
    pub async fn create_project(&self, ctx: &CallContext, project: &ProjectEntity) -> Result<String, ClientError> {
        let request = Request::post(&["projects"]).json(project);
        let name = project.metadata.name.as_str();
        self.create_with_lookup(ctx, request, |lookup| async move { self.find_project(&lookup, name).await }).await
    }

    /// `GET /v1/projects/{uid}`; `None` when it does not exist.
    pub async fn get_project(&self, ctx: &CallContext, uid: &str) -> Result<Option<Project>, ClientError> {
        self.fetch_optional(ctx, Request::get(&["projects", uid])).await
    }

    /// Every project of the tenant with its metadata, from the paginated
    /// `POST /v1/dashboard/projects` (pages fetched at once).
    pub async fn list_project_summaries(&self, ctx: &CallContext) -> Result<Vec<ObjectMeta>, ClientError> {
        let request = Request::post(&["dashboard", "projects"]).json(&serde_json::json!({ "filter": {} })).search();
        let summaries: Vec<ProjectSummary> = self.fetch_all_concurrently(ctx, request).await?;
        Ok(summaries.into_iter().map(|summary| summary.metadata).collect())
    }

    /// A project's metadata (name, labels, annotations: all the resource
    /// reads) or `None` when it does not exist. Served from the client's
    /// snapshot of every project when that holds it, so the reads of one plan
    /// cost one listing; otherwise (not listed, or the listing failed)
    /// `GET /v1/projects/{uid}`.
    pub async fn project_metadata(&self, ctx: &CallContext, uid: &str) -> Result<Option<ObjectMeta>, ClientError> {
        let listing = || async {
            match self.list_project_summaries(ctx).await {
                Ok(projects) => Some(projects.into_iter().map(|meta| (meta.uid.clone(), meta)).collect::<HashMap<_, _>>()),
                Err(error) => {
                    tracing::debug!(error = %error, "listing projects failed; reading them one by one");
                    None
                }
            }
        };
        if let Some(meta) = self.snapshots().projects(listing).await.and_then(|projects| projects.get(uid).cloned()) {
            return Ok(Some(meta));
        }
        Ok(self.get_project(ctx, uid).await?.map(|project| project.metadata))
    }

    /// `PUT /v1/projects/{uid}`: replaces name, labels and annotations.
    pub async fn update_project(
        &self,
        ctx: &CallContext,
        uid: &str,
        project: &ProjectEntity,
    ) -> Result<(), ClientError> {
        self.send(ctx, Request::put(&["projects", uid]).json(project)).await
    }

    /// `PUT /v1/projects/{uid}/meta`: metadata only.
    pub async fn update_project_meta(
        &self,
        ctx: &CallContext,
        uid: &str,
        meta: &ObjectMeta,
    ) -> Result<(), ClientError> {
        self.send(ctx, Request::put(&["projects", uid, "meta"]).json(meta)).await
    }

    /// `DELETE /v1/projects/{uid}`. A project that is already gone is not an error.
    pub async fn delete_project(&self, ctx: &CallContext, uid: &str) -> Result<(), ClientError> {
        self.send_delete(ctx, Request::delete(&["projects", uid])).await
    }

    /// The UID of the project with exactly this name, from
    /// `GET /v1/dashboard/projects/metadata` (the client's snapshot of it
    /// while no write has happened since, such as configure's listing).
    pub async fn find_project(&self, ctx: &CallContext, name: &str) -> Result<Option<String>, ClientError> {
        let snapshot = self.snapshots().project_names(|| async { self.list_projects_metadata(ctx).await.ok() }).await;
        let projects = match snapshot {
            Some(projects) => projects,
            None => std::sync::Arc::new(self.list_projects_metadata(ctx).await?),
        };
        Ok(projects.iter().find(|meta| meta.name == name).map(|meta| meta.uid.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_body_matches_the_spec() {
        let mut metadata = ObjectMeta::named("team-a");
        metadata.labels.insert("env".into(), "dev".into());
        metadata.annotations.insert("description".into(), "d".into());
        let entity = ProjectEntity { metadata, spec: None };
        assert_eq!(
            serde_json::to_value(&entity).unwrap(),
            json!({"metadata": {"name": "team-a", "labels": {"env": "dev"}, "annotations": {"description": "d"}}})
        );
        let with_spec = ProjectEntity {
            metadata: ObjectMeta::named("x"),
            spec: Some(ProjectEntitySpec {
                teams: vec![TeamRoles { team_id: "t".into(), roles: vec!["r".into()] }],
                ..ProjectEntitySpec::default()
            }),
        };
        assert_eq!(
            serde_json::to_value(&with_spec).unwrap()["spec"],
            json!({"teams": [{"teamId": "t", "roles": ["r"]}], "users": []})
        );
    }

    #[test]
    fn project_reads_the_documented_shape() {
        let project: Project = serde_json::from_value(json!({
            "metadata": {"uid": "69791bbdb68bd0033ad275a5", "name": "p", "labels": {}, "annotations": {"description": "x"},
                         "creationTimestamp": "2024-02-29T20:31:42.204Z"},
            "spec": {"logoUrl": "", "teams": [{"teamId": "", "roles": []}], "users": null, "alerts": []},
            "status": {"isDisabled": false, "cleanUpStatus": {"state": "", "msg": ""}}
        }))
        .unwrap();
        assert_eq!(project.metadata.uid, "69791bbdb68bd0033ad275a5");
        assert_eq!(project.metadata.annotations["description"], "x");
        assert!(project.spec.users.is_empty());
        assert!(!project.status.is_disabled);
    }
}
