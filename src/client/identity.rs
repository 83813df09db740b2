//! Credential check and identity.

use serde::Deserialize;

use super::context::CallContext;
use super::error::ClientError;
use super::models::{Items, ObjectMeta};
use super::transport::{PaletteClient, Request};

/// `GET /v1/users/info`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserInfo {
    pub org_name: String,
    pub tenant_uid: String,
    pub user_uid: String,
}

/// An item of `GET /v1/dashboard/projects/metadata`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
struct ProjectMetadataItem {
    metadata: ObjectMeta,
}

impl PaletteClient {
    /// `GET /v1/dashboard/projects/metadata` (tenant scope): every project
    /// the key can see, as `{name, uid}` metadata. This is also the
    /// credential check: a rejected key fails here with a 401 error.
    pub async fn list_projects_metadata(&self, ctx: &CallContext) -> Result<Vec<ObjectMeta>, ClientError> {
        let list: Items<ProjectMetadataItem> =
            self.fetch(ctx, Request::get(&["dashboard", "projects", "metadata"])).await?;
        Ok(list.items.into_iter().map(|item| item.metadata).collect())
    }

    /// Keeps a listing of project names for the lookups by name that follow
    /// (until the next write).
    pub fn remember_project_names(&self, projects: Vec<ObjectMeta>) {
        self.snapshots().prime_project_names(projects);
    }

    /// `GET /v1/users/info`: the key's user and tenant.
    pub async fn user_info(&self, ctx: &CallContext) -> Result<UserInfo, ClientError> {
        self.fetch(ctx, Request::get(&["users", "info"])).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_info_reads_camel_case() {
        let info: UserInfo =
            serde_json::from_value(json!({"orgName": "acme", "tenantUid": "t1", "userUid": "u1"})).unwrap();
        assert_eq!((info.org_name.as_str(), info.tenant_uid.as_str(), info.user_uid.as_str()), ("acme", "t1", "u1"));
    }
}
