//! The API error type: every failure is answered with a `V1Error` JSON body
//! `{code, message, details, ref}` and `Content-Type: application/json`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::uid::new_uid;

/// Error codes this server emits. `ResourceNotFound`, `OperationForbidden` and
/// `TooManyRequests` are the real API's; the others are our choices (see the docs).
pub mod codes {
    pub const BAD_REQUEST: &str = "BadRequest";
    pub const UNAUTHORIZED: &str = "Unauthorized";
    pub const FORBIDDEN: &str = "OperationForbidden";
    pub const NOT_FOUND: &str = "ResourceNotFound";
    pub const METHOD_NOT_ALLOWED: &str = "MethodNotAllowed";
    pub const DUPLICATE_NAME: &str = "DuplicateName";
    pub const RESOURCE_IN_USE: &str = "ResourceInUse";
    pub const TOO_MANY_REQUESTS: &str = "TooManyRequests";
    pub const INTERNAL: &str = "InternalError";
    pub const BAD_GATEWAY: &str = "BadGateway";
    pub const SERVICE_UNAVAILABLE: &str = "ServiceUnavailable";
    pub const GATEWAY_TIMEOUT: &str = "GatewayTimeout";
    pub const REQUEST_TOO_LARGE: &str = "RequestEntityTooLarge";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "UnsupportedMediaType";
}

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Value,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), details: Value::Null }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, message)
    }

    /// 404 for an object of `kind` (a human label such as "cluster profile").
    pub fn not_found(kind: &str, id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, format!("{kind} '{id}' not found"))
    }

    pub fn duplicate(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, codes::DUPLICATE_NAME, message)
    }

    pub fn in_use(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, codes::RESOURCE_IN_USE, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, codes::FORBIDDEN, message)
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED, "missing or invalid ApiKey or Authorization header")
    }

    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, codes::REQUEST_TOO_LARGE, message)
    }

    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, codes::UNSUPPORTED_MEDIA_TYPE, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL, message)
    }

    pub fn body(&self) -> Value {
        json!({ "code": self.code, "message": self.message, "details": self.details, "ref": new_uid() })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::warn!(status = self.status.as_u16(), code = self.code, message = %self.message, "request failed");
        }
        let mut response = (self.status, self.body().to_string()).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(err: rusqlite::Error) -> Self {
        tracing::error!(error = %err, "database error");
        ApiError::internal("database error")
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(err: serde_json::Error) -> Self {
        tracing::error!(error = %err, "stored document could not be (de)serialized");
        ApiError::internal("stored document is corrupt")
    }
}
