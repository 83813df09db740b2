//! Request and object scope.
//!
//! A request is in project scope when it names a project (see
//! [`extract`](crate::extract) for how), otherwise in tenant scope. Objects are
//! owned by a project, by the tenant, or by the system (the pack catalog). An object
//! is visible only from its own scope, except system objects, which are visible from
//! every scope.

use super::error::{ApiError, ApiResult};

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

    /// Whether an object owned by `self` may be used (attached, referenced) from a
    /// request in `request`: objects of the request's own scope, system objects, and
    /// tenant objects (which every project of the tenant shares).
    pub fn usable_from(&self, request: &Scope) -> bool {
        self.visible_from(request) || *self == Scope::Tenant
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
