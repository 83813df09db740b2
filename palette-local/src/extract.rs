//! Extractors and responses shared by the handlers. Every rejection becomes a
//! `V1Error` (400 for a malformed body, 413 for one over [`MAX_BODY_BYTES`], 415
//! for a body that is not JSON by its `Content-Type`), so a bad request never
//! reaches a handler and never changes state. The caller's [`Scope`] is extracted
//! from the `ProjectUid` header or a `projectUid` query parameter.

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::StreamExt as _;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::domain::project;
use super::error::ApiError;
use super::model::require_uid;
use super::scope::Scope;
use super::store::Store;
use super::uid::new_uid;

pub const AUDIT_UID_HEADER: &str = "AuditUid";

/// A JSON request body; an empty or malformed body is a 400.
pub struct JsonBody<T>(pub T);

/// A JSON request body that may be absent (then `T::default()`).
pub struct OptionalJsonBody<T>(pub T);

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// How much of a too large body is read (and dropped) before the 413, so a
/// client still sending can finish and read the answer instead of seeing a
/// broken pipe; past this the connection closes.
const DRAINED_BYTES: usize = 64 * 1024 * 1024;

fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|err| {
        let kind = if err.is_data() { "does not match the expected schema" } else { "is not valid JSON" };
        ApiError::bad_request(format!("request body {kind}: {err}"))
    })
}

/// Whether a `Content-Type` names JSON: `application/json` or a `+json`
/// type, any parameters (`; charset=utf-8`) and case allowed.
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The request body, if any: one over [`MAX_BODY_BYTES`] is a 413, and a
/// non-empty one whose `Content-Type` is missing or not JSON is a 415, as the
/// API's JSON endpoints answer.
async fn body_bytes(req: Request) -> Result<Bytes, ApiError> {
    let content_type = req.headers().get(CONTENT_TYPE).map(|value| value.to_str().unwrap_or("(not text)").to_string());
    let mut chunks = req.into_body().into_data_stream();
    let (mut kept, mut received) = (Vec::new(), 0usize);
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|err| ApiError::bad_request(format!("could not read the request body: {err}")))?;
        received += chunk.len();
        if received <= MAX_BODY_BYTES {
            kept.extend_from_slice(&chunk);
        } else if received > DRAINED_BYTES {
            break;
        }
    }
    if received > MAX_BODY_BYTES {
        return Err(ApiError::too_large(format!("the request body is larger than {MAX_BODY_BYTES} bytes")));
    }
    let bytes = Bytes::from(kept);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(bytes);
    }
    match content_type {
        Some(content_type) if is_json(&content_type) => Ok(bytes),
        Some(content_type) => Err(ApiError::unsupported_media_type(format!("Content-Type '{content_type}' is not supported: send application/json"))),
        None => Err(ApiError::unsupported_media_type("a request body needs Content-Type: application/json")),
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::bad_request("a JSON request body is required"));
        }
        parse_body(&bytes).map(JsonBody)
    }
}

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(req).await?;
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

/// The request header naming the project a request is made in.
pub const PROJECT_HEADER: &str = "ProjectUid";

/// The scope a request names, before the project is checked to exist.
fn requested_project(parts: &Parts) -> Option<String> {
    let header = parts
        .headers
        .get(PROJECT_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(|value| value.trim().to_string());
    let from_query = || {
        url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .find(|(key, _)| key == "projectUid" || key == "ProjectUid")
            .map(|(_, value)| value.trim().to_string())
    };
    header.or_else(from_query).filter(|uid| !uid.is_empty())
}

/// Extracts the request's scope. A named project must exist (404 otherwise).
impl<S: Send + Sync> FromRequestParts<S> for Scope
where
    Store: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Some(project_uid) = requested_project(parts) else {
            return Ok(Scope::Tenant);
        };
        require_uid(&project_uid)?;
        let lookup = project_uid.clone();
        let exists = Store::from_ref(state).run(move |tx| tx.exists(project::KIND, &lookup)).await?;
        if exists {
            Ok(Scope::Project(project_uid))
        } else {
            Err(ApiError::not_found("project", &project_uid))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{is_json, requested_project, Parts, PROJECT_HEADER};

    fn parts(uri: &str, header: Option<&str>) -> Parts {
        let mut builder = axum::http::Request::builder().uri(uri);
        if let Some(value) = header {
            builder = builder.header(PROJECT_HEADER, value);
        }
        builder.body(()).unwrap().into_parts().0
    }

    #[test]
    fn header_wins_over_query_and_blank_means_tenant() {
        assert_eq!(requested_project(&parts("/v1/x?projectUid=b", Some("a"))), Some("a".into()));
        assert_eq!(requested_project(&parts("/v1/x?projectUid=b", None)), Some("b".into()));
        assert_eq!(requested_project(&parts("/v1/x?ProjectUid=c", None)), Some("c".into()));
        assert_eq!(requested_project(&parts("/v1/x", Some("  "))), None);
        assert_eq!(requested_project(&parts("/v1/x", None)), None);
    }

    #[test]
    fn json_content_types() {
        for json in ["application/json", "application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"] {
            assert!(is_json(json), "{json}");
        }
        for other in ["text/plain", "application/x-www-form-urlencoded", "application/jsonp", "", "json"] {
            assert!(!is_json(other), "{other}");
        }
    }
}
