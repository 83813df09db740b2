//! Credential validation and identity (§3): login, who-am-I and the user list.
//! Users come from the seed; API keys belong to the first user.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::user::{User, UserRecord, KIND, ORG_NAME_SETTING, TENANT_UID_SETTING};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, QueryParams};
use crate::query::ListQuery;
use crate::scope::Scope;
use crate::state::SharedState;
use crate::store::Tx;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/v1/auth/authenticate", post(authenticate))
        .route("/v1/users/info", get(info))
        .route("/v1/users/me", get(me))
        .route("/v1/users", get(list))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Credentials {
    email_id: String,
    password: String,
    #[serde(default)]
    org: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct AuthenticateQuery {
    set_cookie: Option<bool>,
}

fn setting(tx: &Tx<'_>, key: &str) -> ApiResult<String> {
    Ok(tx.setting(key)?.unwrap_or_default())
}

/// The first user, whom API keys belong to.
fn key_owner(tx: &Tx<'_>) -> ApiResult<User> {
    tx.list_all::<UserRecord>(KIND)?
        .into_iter()
        .next()
        .map(|row| row.value.user)
        .ok_or_else(|| ApiError::internal("the database holds no user"))
}

async fn authenticate(
    State(app): State<SharedState>,
    QueryParams(query): QueryParams<AuthenticateQuery>,
    JsonBody(credentials): JsonBody<Credentials>,
) -> ApiResult<Response> {
    let user_uid = app
        .store
        .run(move |tx| {
            let org = setting(tx, ORG_NAME_SETTING)?;
            let org_matches = credentials.org.is_empty() || credentials.org.eq_ignore_ascii_case(&org);
            let user = tx.list_all::<UserRecord>(KIND)?.into_iter().find(|row| {
                row.value.user.spec.email_id.eq_ignore_ascii_case(&credentials.email_id) && row.value.password == credentials.password
            });
            match user {
                Some(row) if org_matches => Ok(row.uid),
                _ => Err(ApiError::new(
                    axum::http::StatusCode::UNAUTHORIZED,
                    crate::error::codes::UNAUTHORIZED,
                    "invalid email, password or organization",
                )),
            }
        })
        .await?;
    let token = app.auth.open_session(&user_uid, app.clock.now());
    let mut headers = HeaderMap::new();
    if query.set_cookie.unwrap_or(false) {
        if let Ok(cookie) = HeaderValue::from_str(&format!("Authorization={token}; Path=/; HttpOnly")) {
            headers.insert(header::SET_COOKIE, cookie);
        }
    }
    Ok((headers, Json(json!({ "Authorization": token, "isMfa": false }))).into_response())
}

async fn info(State(app): State<SharedState>) -> ApiResult<Json<Value>> {
    let body = app
        .store
        .run(|tx| {
            Ok(json!({
                "orgName": setting(tx, ORG_NAME_SETTING)?,
                "tenantUid": setting(tx, TENANT_UID_SETTING)?,
                "userUid": key_owner(tx)?.metadata.uid,
            }))
        })
        .await?;
    Ok(Json(body))
}

async fn me(State(app): State<SharedState>) -> ApiResult<Json<User>> {
    Ok(Json(app.store.run(key_owner).await?))
}

/// `GET /v1/users`: tenant-scope only, with `filters`, `fields`, `orderBy` and paging.
async fn list(State(app): State<SharedState>, scope: Scope, QueryParams(query): QueryParams<ListQuery>) -> ApiResult<Json<Value>> {
    if scope != Scope::Tenant {
        return Err(ApiError::forbidden("users are listed in tenant scope only"));
    }
    let users = app.store.run(|tx| tx.list_all::<UserRecord>(KIND)).await?;
    let users: Vec<Value> = users.into_iter().map(|row| serde_json::to_value(row.value.user)).collect::<Result<_, _>>()?;
    query.respond("items", users)
}
