//! Users and the tenant they belong to: the stored user record (with its login
//! password) and the settings naming the tenant and its organization.

use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::model::ObjectMeta;
use crate::store::Tx;

pub const KIND: &str = "user";
pub const TENANT_UID_SETTING: &str = "tenantUid";
pub const ORG_NAME_SETTING: &str = "orgName";

/// `v1User` as served.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub metadata: ObjectMeta,
    pub spec: UserSpec,
    pub status: UserStatus,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSpec {
    pub email_id: String,
    pub first_name: String,
    pub last_name: String,
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserStatus {
    pub is_active: bool,
    pub is_password_reset_required: bool,
    pub last_sign_in: String,
}

/// What is stored: the user plus the login password (never served).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserRecord {
    pub user: User,
    pub password: String,
}

/// The tenant UID (for `tenantUid` members of references).
pub fn tenant_uid(tx: &Tx<'_>) -> ApiResult<String> {
    Ok(tx.setting(TENANT_UID_SETTING)?.unwrap_or_default())
}
