//! Projects: tenant objects that own clusters, profiles and groups. Their names are
//! unique in the tenant.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::collection::impl_kind;
use crate::error::{ApiError, ApiResult};
use crate::model::{MetaInput, ObjectMeta};
use crate::scope::Scope;
use crate::store::Tx;

pub const KIND: &str = "project";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub metadata: ObjectMeta,
    pub spec: ProjectSpec,
    pub status: ProjectStatus,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectSpec {
    pub logo_url: String,
    pub teams: Vec<TeamRoles>,
    pub users: Vec<UserRoles>,
    pub alerts: Vec<Value>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TeamRoles {
    pub team_id: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct UserRoles {
    pub user_id: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectStatus {
    pub is_disabled: bool,
    pub clean_up_status: CleanUpStatus,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CleanUpStatus {
    pub state: String,
    pub msg: String,
    pub cleaned_resources: Vec<String>,
}

impl Project {
    pub fn new(uid: String, name: String, metadata: MetaInput, now: &str) -> Project {
        Project {
            metadata: ObjectMeta::create(uid, name, metadata, &Scope::Tenant, now),
            spec: ProjectSpec::default(),
            status: ProjectStatus::default(),
        }
    }
}

impl_kind!(Project, KIND, "project");

/// 409 when another project already uses `name`.
pub fn ensure_unique_name(tx: &Tx<'_>, name: &str, except_uid: Option<&str>) -> ApiResult<()> {
    let taken = tx.list_named::<Project>(KIND, &Scope::Tenant, name)?.into_iter().any(|row| Some(row.uid.as_str()) != except_uid);
    if taken {
        return Err(ApiError::duplicate(format!("a project named '{name}' already exists")));
    }
    Ok(())
}
