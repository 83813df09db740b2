//! Request and object scope.
//!
//! A request is in project scope when it carries the `ProjectUid` header (or a
//! `projectUid` / `ProjectUid` query parameter), otherwise in tenant scope. Objects are
//! owned by a project, by the tenant, or by the system (the pack catalog). An object
//! is visible only from its own scope, except system objects, which are visible from
//! every scope.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::domain::project;
use super::error::{ApiError, ApiResult};
use super::model::require_uid;
use super::server::SharedState;

pub const PROJECT_HEADER: &str = "ProjectUid";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    System,
    Tenant,
    Project(String),
}

impl Scope {
    /// The value recorded in `metadata.annotations.scope`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Scope::System => "system",
            Scope::Tenant => "tenant",
            Scope::Project(_) => "project",
        }
    }

    /// The owning project's UID, or `""` outside project scope.
    pub fn project_uid(&self) -> &str {
        match self {
            Scope::Project(uid) => uid,
            Scope::System | Scope::Tenant => "",
        }
    }

    /// Rebuilds a scope from its stored `(scope, project_uid)` columns.
    pub fn from_columns(scope: &str, project_uid: String) -> ApiResult<Scope> {
        match scope {
            "system" => Ok(Scope::System),
            "tenant" => Ok(Scope::Tenant),
            "project" => Ok(Scope::Project(project_uid)),
            other => Err(ApiError::internal(format!("stored object has unknown scope '{other}'"))),
        }
    }

    /// Whether an object owned by `self` can be seen from a request in `request`.
    pub fn visible_from(&self, request: &Scope) -> bool {
        self == &Scope::System || self == request
    }
}

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
impl FromRequestParts<SharedState> for Scope {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        let Some(project_uid) = requested_project(parts) else {
            return Ok(Scope::Tenant);
        };
        require_uid(&project_uid)?;
        let lookup = project_uid.clone();
        let exists = state.store.run(move |tx| tx.exists(project::KIND, &lookup)).await?;
        if exists {
            Ok(Scope::Project(project_uid))
        } else {
            Err(ApiError::not_found("project", &project_uid))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn visibility_is_exact_except_for_system() {
        let project = Scope::Project("p".into());
        assert!(Scope::System.visible_from(&Scope::Tenant));
        assert!(Scope::System.visible_from(&project));
        assert!(!Scope::Tenant.visible_from(&project));
        assert!(!project.visible_from(&Scope::Tenant));
        assert!(!project.visible_from(&Scope::Project("q".into())));
        assert!(project.visible_from(&Scope::Project("p".into())));
    }
}
