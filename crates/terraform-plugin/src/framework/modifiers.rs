//! Reusable attribute plan modifiers.
//!
//! A modifier can take part in three phases of the framework's planning
//! (see `plan.rs`), each optional:
//! 1. [`PlanModifier::equivalent`]: before anything else, a configured value
//!    equivalent to the prior one is replaced by the prior one, so a
//!    normalised API value causes no diff (protocol §4.2 rule 2);
//! 2. [`PlanModifier::modify`]: after defaults and "unknown when changing"
//!    marking, adjust the planned value (e.g. keep a stable ID);
//! 3. [`PlanModifier::requires_replace`]: after the resource's own plan hook,
//!    asked only on updates and only when the value really differs.

use std::fmt;
use std::sync::Arc;

use crate::protocol::diagnostics::{AttributePath, Diagnostics};
use crate::protocol::value::Value;

/// What kind of change is being planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanKind {
    Create,
    Update,
    Delete,
}

/// Everything a modifier may look at for one attribute.
#[derive(Debug)]
pub struct AttributePlanRequest<'a> {
    pub kind: PlanKind,
    pub path: &'a AttributePath,
    /// The attribute in the configuration.
    pub config: &'a Value,
    /// The attribute in the prior state (null on create, or for a nested
    /// block element that did not exist before).
    pub prior: &'a Value,
    /// The enclosing object (resource or block element) in configuration,
    /// prior state and plan, for rules that look at sibling attributes.
    pub parent_config: &'a Value,
    pub parent_prior: &'a Value,
    pub parent_plan: &'a Value,
}

pub trait PlanModifier: Send + Sync {
    /// One sentence for the documentation.
    fn description(&self) -> String;

    /// Phase 1: `config` and `prior` are both known and non-null and differ;
    /// true keeps the prior value in the plan.
    fn equivalent(&self, _config: &Value, _prior: &Value) -> bool {
        false
    }

    /// Phase 2: adjust the planned value.
    fn modify(&self, _request: &AttributePlanRequest<'_>, _plan: &mut Value, _diags: &mut Diagnostics) {}

    /// Phase 3: the planned value differs from the prior one on an update;
    /// true makes the change a replacement.
    fn requires_replace(&self, _request: &AttributePlanRequest<'_>, _plan: &Value) -> bool {
        false
    }

    /// True for modifiers that only make sense on computed attributes
    /// (checked by `Schema::problems`).
    fn needs_computed(&self) -> bool {
        false
    }
}

impl fmt::Debug for dyn PlanModifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PlanModifier({:?})", self.description())
    }
}

type ReplaceCondition = Arc<dyn Fn(&AttributePlanRequest<'_>, &Value) -> bool + Send + Sync>;

/// Changing the value destroys and re-creates the resource, optionally only
/// when a condition holds.
#[derive(Clone)]
pub struct RequiresReplace {
    condition: Option<(String, ReplaceCondition)>,
}

/// Any change of this value replaces the resource.
pub fn requires_replace() -> RequiresReplace {
    RequiresReplace { condition: None }
}

/// A change replaces the resource when `condition(request, planned)` holds;
/// `description` says when, for the docs (e.g. "when the version changes").
pub fn requires_replace_if(
    description: &str,
    condition: impl Fn(&AttributePlanRequest<'_>, &Value) -> bool + Send + Sync + 'static,
) -> RequiresReplace {
    RequiresReplace { condition: Some((description.to_string(), Arc::new(condition))) }
}

impl PlanModifier for RequiresReplace {
    fn description(&self) -> String {
        match &self.condition {
            None => "Changing this value replaces the resource.".to_string(),
            Some((when, _)) => format!("Changing this value replaces the resource {when}."),
        }
    }

    fn requires_replace(&self, request: &AttributePlanRequest<'_>, plan: &Value) -> bool {
        self.condition.as_ref().is_none_or(|(_, condition)| condition(request, plan))
    }
}

/// A value the API takes only when the object is created and offers no call
/// to change: a change is a plan-time error at the attribute, never a
/// replacement (destroying an object is not the way to change a setting).
#[derive(Debug, Clone)]
pub struct FixedAfterCreate {
    why: String,
}

/// `why` completes the documentation, e.g. "The API has no call that changes it."
pub fn fixed_after_create(why: &str) -> FixedAfterCreate {
    FixedAfterCreate { why: why.to_string() }
}

impl PlanModifier for FixedAfterCreate {
    fn description(&self) -> String {
        format!(
            "Set when the resource is created; {} A later change is refused at plan time (`terraform apply -replace=ADDRESS` recreates the object with the new value).",
            self.why
        )
    }

    fn modify(&self, request: &AttributePlanRequest<'_>, plan: &mut Value, diags: &mut Diagnostics) {
        let changes = request.kind == PlanKind::Update && !request.prior.is_null() && plan.is_wholly_known() && plan != request.prior;
        if changes {
            diags.error_at(
                request.path.clone(),
                "Cannot change this setting in place",
                format!(
                    "{} is set when the object is created; {} Keep the current value, or recreate the object with `terraform apply -replace=ADDRESS`.",
                    request.path, self.why
                ),
            );
        }
    }
}

/// The value, once known, never changes: keep the prior value instead of
/// planning it unknown (e.g. an `id`).
#[derive(Debug, Clone, Copy)]
pub struct UseStateForUnknown;

pub fn use_state_for_unknown() -> UseStateForUnknown {
    UseStateForUnknown
}

/// True when an unknown planned value may take the prior one: the object
/// existed, the value was set, and the user did not configure an unknown.
fn may_keep_prior(request: &AttributePlanRequest<'_>, plan: &Value) -> bool {
    plan.is_unknown() && !request.prior.is_null() && !request.config.is_unknown()
}

impl PlanModifier for UseStateForUnknown {
    fn description(&self) -> String {
        "The value does not change once the resource exists.".to_string()
    }

    fn modify(&self, request: &AttributePlanRequest<'_>, plan: &mut Value, _diags: &mut Diagnostics) {
        if may_keep_prior(request, plan) {
            *plan = request.prior.clone();
        }
    }

    fn needs_computed(&self) -> bool {
        true
    }
}

/// Keep the prior value while the listed sibling attributes (in the same
/// object) are unchanged, e.g. a pack's `uid` while its `name` and `tag` stay.
#[derive(Debug, Clone)]
pub struct UseStateWhileUnchanged {
    siblings: Vec<String>,
}

pub fn use_state_while_unchanged(siblings: &[&str]) -> UseStateWhileUnchanged {
    UseStateWhileUnchanged { siblings: siblings.iter().map(|s| s.to_string()).collect() }
}

impl PlanModifier for UseStateWhileUnchanged {
    fn description(&self) -> String {
        let names: Vec<String> = self.siblings.iter().map(|s| format!("`{s}`")).collect();
        format!("The value stays the same while {} do not change.", names.join(", "))
    }

    fn modify(&self, request: &AttributePlanRequest<'_>, plan: &mut Value, _diags: &mut Diagnostics) {
        // A sibling left unknown only because the configuration leaves it to
        // the provider is no change (its own modifier decides its value).
        let unchanged = self.siblings.iter().all(|s| {
            let planned = request.parent_plan.get(s);
            planned == request.parent_prior.get(s) || (planned.is_unknown() && request.parent_config.get(s).is_null())
        });
        if unchanged && may_keep_prior(request, plan) {
            *plan = request.prior.clone();
        }
    }

    fn needs_computed(&self) -> bool {
        true
    }
}

type Equivalence = Arc<dyn Fn(&Value, &Value) -> bool + Send + Sync>;

/// Values that `equal(config, prior)` deems the same cause no diff: the prior
/// value stays (e.g. YAML that the API re-formats).
#[derive(Clone)]
pub struct SemanticEquality {
    description: String,
    equal: Equivalence,
}

/// `description` completes "Differences ... are ignored", e.g.
/// "in YAML formatting".
pub fn semantic_equality(description: &str, equal: impl Fn(&Value, &Value) -> bool + Send + Sync + 'static) -> SemanticEquality {
    SemanticEquality { description: description.to_string(), equal: Arc::new(equal) }
}

impl PlanModifier for SemanticEquality {
    fn description(&self) -> String {
        format!("Differences {} are ignored.", self.description)
    }

    fn equivalent(&self, config: &Value, prior: &Value) -> bool {
        (self.equal)(config, prior)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(path: &'a AttributePath, config: &'a Value, prior: &'a Value, parents: [&'a Value; 3]) -> AttributePlanRequest<'a> {
        AttributePlanRequest {
            kind: PlanKind::Update,
            path,
            config,
            prior,
            parent_config: parents[0],
            parent_prior: parents[1],
            parent_plan: parents[2],
        }
    }

    #[test]
    fn use_state_for_unknown_only_replaces_unknown_with_known_prior() {
        let path = AttributePath::attr("id");
        let null = Value::Null;
        let prior = Value::string("u1");
        let mut diags = Diagnostics::new();

        let mut plan = Value::unknown();
        UseStateForUnknown.modify(&request(&path, &null, &prior, [&null; 3]), &mut plan, &mut diags);
        assert_eq!(plan, prior);

        // Create (no prior value): stays unknown.
        let mut plan = Value::unknown();
        UseStateForUnknown.modify(&request(&path, &null, &null, [&null; 3]), &mut plan, &mut diags);
        assert!(plan.is_unknown());

        // The user configured an unknown: respect it.
        let unknown = Value::unknown();
        let mut plan = Value::unknown();
        UseStateForUnknown.modify(&request(&path, &unknown, &prior, [&null; 3]), &mut plan, &mut diags);
        assert!(plan.is_unknown());

        // Known plans are left alone.
        let mut plan = Value::string("new");
        UseStateForUnknown.modify(&request(&path, &null, &prior, [&null; 3]), &mut plan, &mut diags);
        assert_eq!(plan, Value::string("new"));
    }

    #[test]
    fn use_state_while_unchanged_looks_at_siblings() {
        let object = |tag: &str| {
            let mut o = Value::Object(Default::default());
            o.set("tag", Value::string(tag));
            o
        };
        let (old, same, new) = (object("1.0"), object("1.0"), object("2.0"));
        let path = AttributePath::attr("pack").index(0).attribute("uid");
        let null = Value::Null;
        let prior = Value::string("pack-uid");
        let modifier = use_state_while_unchanged(&["tag"]);
        let mut diags = Diagnostics::new();

        let mut plan = Value::unknown();
        modifier.modify(&request(&path, &null, &prior, [&null, &old, &same]), &mut plan, &mut diags);
        assert_eq!(plan, prior);

        let mut plan = Value::unknown();
        modifier.modify(&request(&path, &null, &prior, [&null, &old, &new]), &mut plan, &mut diags);
        assert!(plan.is_unknown());
        // A sibling the configuration leaves to the provider is no change.
        let unknown_tag = {
            let mut o = Value::Object(Default::default());
            o.set("tag", Value::unknown());
            o
        };
        let mut plan = Value::unknown();
        modifier.modify(&request(&path, &null, &prior, [&null, &old, &unknown_tag]), &mut plan, &mut diags);
        assert_eq!(plan, prior);
        let configured_unknown = unknown_tag.clone();
        let mut plan = Value::unknown();
        modifier.modify(&request(&path, &null, &prior, [&configured_unknown, &old, &unknown_tag]), &mut plan, &mut diags);
        assert!(plan.is_unknown(), "a configured value not known yet may change it");
        assert_eq!(modifier.description(), "The value stays the same while `tag` do not change.");
    }

    #[test]
    fn requires_replace_variants() {
        let path = AttributePath::attr("name");
        let null = Value::Null;
        let prior = Value::string("a");
        let planned = Value::string("b");
        let req = request(&path, &planned, &prior, [&null; 3]);
        assert!(requires_replace().requires_replace(&req, &planned));
        let only_upgrades = requires_replace_if("when the new value is \"c\"", |_, plan| plan.as_str() == Some("c"));
        assert!(!only_upgrades.requires_replace(&req, &planned));
        assert!(only_upgrades.requires_replace(&req, &Value::string("c")));
        assert_eq!(only_upgrades.description(), "Changing this value replaces the resource when the new value is \"c\".");
    }

    #[test]
    fn fixed_after_create_refuses_changes_on_update_only() {
        let path = AttributePath::attr("flag");
        let null = Value::Null;
        let (before, after) = (Value::Bool(false), Value::Bool(true));
        let modifier = fixed_after_create("The API has no call that changes it.");
        let mut diags = Diagnostics::new();
        let mut plan = before.clone();
        modifier.modify(&request(&path, &before, &before, [&null; 3]), &mut plan, &mut diags);
        assert!(!diags.has_errors());
        let mut plan = after.clone();
        modifier.modify(&AttributePlanRequest { kind: PlanKind::Create, ..request(&path, &after, &null, [&null; 3]) }, &mut plan, &mut diags);
        assert!(!diags.has_errors());
        modifier.modify(&request(&path, &after, &before, [&null; 3]), &mut plan, &mut diags);
        let errors: Vec<_> = diags.iter().collect();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, Some(path.clone()));
        assert!(errors[0].detail.contains("-replace"), "{}", errors[0].detail);
        assert_eq!(plan, after, "the plan itself is left alone");
    }

    #[test]
    fn semantic_equality_uses_the_function() {
        let trimmed = semantic_equality("in surrounding whitespace", |a, b| a.as_str().map(str::trim) == b.as_str().map(str::trim));
        assert!(trimmed.equivalent(&Value::string("x\n"), &Value::string("x")));
        assert!(!trimmed.equivalent(&Value::string("y"), &Value::string("x")));
        assert_eq!(trimmed.description(), "Differences in surrounding whitespace are ignored.");
    }
}
