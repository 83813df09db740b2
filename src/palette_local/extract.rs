//! Extractors and responses shared by the handlers. Every rejection becomes a 400
//! `V1Error`, so a malformed request never reaches a handler and never changes state.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::error::ApiError;
use super::model::new_uid;

pub const AUDIT_UID_HEADER: &str = "AuditUid";

/// A JSON request body; an empty or malformed body is a 400.
pub struct JsonBody<T>(pub T);

/// A JSON request body that may be absent (then `T::default()`).
pub struct OptionalJsonBody<T>(pub T);

fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|err| {
        let kind = if err.is_data() { "does not match the expected schema" } else { "is not valid JSON" };
        ApiError::bad_request(format!("request body {kind}: {err}"))
    })
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state)
        .await
        .map_err(|err| ApiError::bad_request(format!("could not read the request body: {err}")))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request("a JSON request body is required"));
        }
        parse_body(&bytes).map(JsonBody)
    }
}

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) || bytes.as_ref() == b"null" {
            return Ok(OptionalJsonBody(T::default()));
        }
        parse_body(&bytes).map(OptionalJsonBody)
    }
}

/// Query parameters; a value of the wrong type is a 400.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(value)| QueryParams(value))
            .map_err(|err| ApiError::bad_request(format!("invalid query parameters: {}", err.body_text())))
    }
}

/// Path parameters; a rejection is a 400.
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| PathParams(value))
            .map_err(|err| ApiError::bad_request(format!("invalid path parameters: {}", err.body_text())))
    }
}

fn with_audit_uid(mut response: Response) -> Response {
    if let Ok(value) = HeaderValue::from_str(&new_uid()) {
        response.headers_mut().insert(AUDIT_UID_HEADER, value);
    }
    response
}

/// `201 Created` with `{"uid": …}` and an `AuditUid` header.
pub struct Created(pub String);

impl IntoResponse for Created {
    fn into_response(self) -> Response {
        with_audit_uid((StatusCode::CREATED, Json(json!({ "uid": self.0 }))).into_response())
    }
}

/// `204 No Content` with an `AuditUid` header (updates, deletes, validators).
pub struct NoContent;

impl IntoResponse for NoContent {
    fn into_response(self) -> Response {
        with_audit_uid(StatusCode::NO_CONTENT.into_response())
    }
}
