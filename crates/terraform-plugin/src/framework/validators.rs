//! Reusable validators: attribute-level ([`Validator`]) and block-level
//! ([`ConfigValidator`], e.g. "exactly one of").
//!
//! The framework calls attribute validators only with known, non-null values.
//! Scalar checks given a list, set or map check each known element instead,
//! so `one_of` on a `set(string)` checks every member.

use std::fmt;
use std::sync::{Arc, LazyLock};

use crate::protocol::diagnostics::{AttributePath, Diagnostics};
use super::duration::parse_duration;
use crate::protocol::value::{Number, Type, Value};

/// Checks one attribute (or one nested block's whole value).
pub trait Validator: Send + Sync {
    /// One sentence for the documentation, e.g. "Must be one of `a`, `b`."
    fn description(&self) -> String;
    /// Whether it can check values of attribute type `ty`: a string check
    /// attached to a number would never run, so [`Schema::problems`](super::schema::Schema::problems) reports it.
    fn accepts(&self, ty: &Type) -> bool;
    /// `value` is known and non-null; report problems at `path`.
    fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics);
}

/// Checks one instance of a block (its object value) as a whole.
pub trait ConfigValidator: Send + Sync {
    fn description(&self) -> String;
    /// `object` is the block instance's object; `path` points at it.
    fn validate(&self, object: &Value, path: &AttributePath, diags: &mut Diagnostics);
}

impl fmt::Debug for dyn Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Validator({:?})", self.description())
    }
}

impl fmt::Debug for dyn ConfigValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConfigValidator({:?})", self.description())
    }
}

type ScalarRule = Arc<dyn Fn(&Value) -> Option<Result<(), String>> + Send + Sync>;

/// A check of scalar values of one type, applied element-wise to
/// collections. The rule answers `None` for values of another kind.
#[derive(Clone)]
pub struct ScalarCheck {
    description: String,
    checks: Type,
    rule: ScalarRule,
}

impl ScalarCheck {
    /// A validator from a description and a rule over strings.
    pub fn string(description: impl Into<String>, rule: impl Fn(&str) -> Result<(), String> + Send + Sync + 'static) -> Self {
        ScalarCheck { description: description.into(), checks: Type::String, rule: Arc::new(move |v: &Value| v.as_str().map(&rule)) }
    }

    /// A validator from a description and a rule over numbers.
    pub fn number(description: impl Into<String>, rule: impl Fn(f64) -> Result<(), String> + Send + Sync + 'static) -> Self {
        ScalarCheck { description: description.into(), checks: Type::Number, rule: Arc::new(move |v: &Value| v.as_f64().map(&rule)) }
    }

    fn check_one(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        if let Some(Err(problem)) = (self.rule)(value) {
            diags.error_at(path.clone(), "Invalid attribute value", format!("{problem} (at {path})."));
        }
    }
}

impl Validator for ScalarCheck {
    fn description(&self) -> String {
        self.description.clone()
    }

    fn accepts(&self, ty: &Type) -> bool {
        match ty {
            Type::List(element) | Type::Set(element) | Type::Map(element) => **element == self.checks,
            scalar => *scalar == self.checks,
        }
    }

    fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        match value {
            Value::List(items) | Value::Tuple(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.check_one(item, &path.clone().index(i), diags);
                }
            }
            // Set elements have no address: report at the set itself.
            Value::Set(items) => items.iter().for_each(|item| self.check_one(item, path, diags)),
            Value::Map(items) => {
                for (key, item) in items {
                    self.check_one(item, &path.clone().key(key), diags);
                }
            }
            other => self.check_one(other, path, diags),
        }
    }
}

fn quoted_list(values: &[&str]) -> String {
    values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

/// The string must be one of `allowed`.
pub fn one_of(allowed: &[&str]) -> ScalarCheck {
    let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
    let listed = quoted_list(&allowed.iter().map(String::as_str).collect::<Vec<_>>());
    let message_list = listed.clone();
    ScalarCheck::string(format!("Must be one of {listed}."), move |s| {
        if allowed.iter().any(|a| a == s) {
            Ok(())
        } else {
            Err(format!("{s:?} is not one of {message_list}"))
        }
    })
}

/// The string must match `pattern`; `message` says what is expected, e.g.
/// "a name of lowercase letters and dashes".
///
/// Panics if `pattern` is not a valid regular expression: patterns are
/// constants of the schema, so every schema test catches a bad one.
pub fn regex(pattern: &str, message: &str) -> ScalarCheck {
    let re = regex::Regex::new(pattern).unwrap_or_else(|e| panic!("invalid validator pattern {pattern:?}: {e}"));
    let expected = message.to_string();
    ScalarCheck::string(
        format!("Must be {message}."),
        move |s| {
            if re.is_match(s) {
                Ok(())
            } else {
                Err(format!("{s:?} is not {expected}"))
            }
        },
    )
}

fn show(n: f64) -> String {
    match Number::from(n) {
        Number::Int(i) => i.to_string(),
        _ => n.to_string(),
    }
}

/// The number must be at least `min`.
pub fn at_least(min: impl Into<Number>) -> ScalarCheck {
    let min = min.into().as_f64();
    ScalarCheck::number(format!("Must be at least {}.", show(min)), move |n| {
        if n >= min {
            Ok(())
        } else {
            Err(format!("{} is below the minimum {}", show(n), show(min)))
        }
    })
}

/// The number must be at most `max`.
pub fn at_most(max: impl Into<Number>) -> ScalarCheck {
    let max = max.into().as_f64();
    ScalarCheck::number(format!("Must be at most {}.", show(max)), move |n| {
        if n <= max {
            Ok(())
        } else {
            Err(format!("{} is above the maximum {}", show(n), show(max)))
        }
    })
}

/// The number must lie in `min..=max`.
pub fn between(min: impl Into<Number>, max: impl Into<Number>) -> ScalarCheck {
    let (min, max) = (min.into().as_f64(), max.into().as_f64());
    ScalarCheck::number(format!("Must be between {} and {}.", show(min), show(max)), move |n| {
        if (min..=max).contains(&n) {
            Ok(())
        } else {
            Err(format!("{} is not between {} and {}", show(n), show(min), show(max)))
        }
    })
}

/// Each element is `key` or `key:value`; the value may itself contain colons
/// (everything after the first colon is the value).
pub fn key_value_tags() -> ScalarCheck {
    ScalarCheck::string("Each tag is `key` or `key:value`; the value may contain further colons.", |tag| {
        let key = tag.split_once(':').map_or(tag, |(key, _)| key);
        if key.trim().is_empty() {
            Err(format!("tag {tag:?} has an empty key"))
        } else if key.trim() != key {
            Err(format!("tag {tag:?} has spaces around its key"))
        } else {
            Ok(())
        }
    })
}

/// An RFC 3339 timestamp such as `2024-05-01T10:00:00Z`.
pub fn rfc3339() -> ScalarCheck {
    ScalarCheck::string("Must be an RFC 3339 timestamp, e.g. `2024-05-01T10:00:00Z`.", |s| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .map(|_| ())
            .map_err(|_| format!("{s:?} is not an RFC 3339 timestamp such as \"2024-05-01T10:00:00Z\""))
    })
}

/// A duration such as `"60m"`, `"2s"` or `"1h30m"` (Go's `time.ParseDuration` syntax).
pub fn duration() -> ScalarCheck {
    ScalarCheck::string("Must be a duration such as `30s`, `10m` or `1h30m`.", |s| parse_duration(s).map(|_| ()))
}

/// A standard five-field cron expression (`minute hour day-of-month month
/// day-of-week`), or a descriptor such as `@daily` or `@every 1h`.
pub fn cron() -> ScalarCheck {
    ScalarCheck::string("Must be a five-field cron expression such as `0 3 * * 1-5`, or `@daily`-style shorthand.", |s| {
        check_cron(s).map_err(|problem| format!("{s:?} is not a valid cron expression: {problem}"))
    })
}

/// YAML text: one document or several separated by `---`. Go template
/// expressions (`{{ .var.name }}`, as platforms that template their values
/// write them) count as plain values, so a templated value passes; the
/// message points at the line and column within the text.
pub fn yaml() -> ScalarCheck {
    ScalarCheck::string("Must be valid YAML (`{{ ... }}` template expressions allowed).", |text| {
        check_yaml(text).map_err(|problem| format!("the value is not valid YAML: {problem}"))
    })
}

/// A template expression, `{{ ... }}` on one line. Compiled once: a schema
/// may check several YAML values per resource instance.
static TEMPLATE_EXPRESSION: LazyLock<regex::Regex> = LazyLock::new(|| regex::Regex::new(r"\{\{[^\n]*?\}\}").expect("a valid pattern"));

fn check_yaml(text: &str) -> Result<(), String> {
    use serde::Deserialize as _;
    // Each expression becomes a plain scalar of the same length, so positions hold.
    let plain = TEMPLATE_EXPRESSION.replace_all(text, |found: &regex::Captures<'_>| "x".repeat(found[0].len()));
    for document in serde_yaml_ng::Deserializer::from_str(&plain) {
        serde_yaml_ng::Value::deserialize(document).map_err(|error| error.to_string())?;
    }
    Ok(())
}

/// A DNS-1123 label, Palette's (and Kubernetes') rule for cluster and
/// namespace names: at most 63 lowercase letters, digits and `-`, starting
/// and ending with a letter or digit. `what` names the value in messages.
pub fn dns_label(what: &str) -> ScalarCheck {
    let what = what.to_string();
    ScalarCheck::string(
        "Must be at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit.",
        move |name| {
            let bytes = name.as_bytes();
            let valid = !bytes.is_empty()
                && bytes.len() <= 63
                && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
                && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
                && bytes.last().is_some_and(u8::is_ascii_alphanumeric);
            if valid {
                Ok(())
            } else {
                Err(format!("{name:?} is not a valid {what}: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"))
            }
        },
    )
}

/// A profile version as Palette accepts it: `MAJOR`, `MAJOR.MINOR` or
/// `MAJOR.MINOR.PATCH` of digits, optionally after a `v` (so `1.2.3.beta`,
/// `V1.2.3` and `chart-v1.2.3` are refused).
pub fn profile_version() -> ScalarCheck {
    ScalarCheck::string("Must be `MAJOR[.MINOR[.PATCH]]` of digits, optionally prefixed with `v`, e.g. `1.0.0`.", |version| {
        let digits = version.strip_prefix('v').unwrap_or(version);
        let parts: Vec<&str> = digits.split('.').collect();
        let valid = (1..=3).contains(&parts.len()) && parts.iter().all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
        if valid {
            Ok(())
        } else {
            Err(format!("{version:?} is not a profile version such as \"1.0.0\" (MAJOR[.MINOR[.PATCH]], optionally prefixed with v)"))
        }
    })
}

/// A time zone of the IANA database (as bundled with the `jiff` crate), such
/// as `UTC` or `America/New_York`; the empty string means none is set.
pub fn time_zone() -> ScalarCheck {
    ScalarCheck::string("Must be empty or an IANA time zone such as `UTC` or `America/New_York`.", |zone| {
        // The database's lookup ignores case; names are matched exactly, as Palette does.
        let known = jiff::tz::db().get(zone).ok().is_some_and(|found| found.iana_name() == Some(zone));
        if zone.is_empty() || known {
            Ok(())
        } else {
            Err(format!("{zone:?} is not a time zone of the IANA database, such as \"UTC\" or \"America/New_York\""))
        }
    })
}

/// The value (a string or a collection) must not be empty.
pub fn not_empty() -> NotEmpty {
    NotEmpty
}

#[derive(Debug, Clone, Copy)]
pub struct NotEmpty;

impl Validator for NotEmpty {
    fn description(&self) -> String {
        "Must not be empty.".to_string()
    }

    fn accepts(&self, ty: &Type) -> bool {
        matches!(ty, Type::String | Type::List(_) | Type::Set(_) | Type::Map(_))
    }

    fn validate(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let empty = match value {
            Value::String(s) => s.trim().is_empty(),
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v.is_empty(),
            Value::Map(m) => m.is_empty(),
            _ => false,
        };
        if empty {
            diags.error_at(path.clone(), "Invalid attribute value", format!("{path} must not be empty."));
        }
    }
}

const CRON_FIELDS: [(&str, u32, u32, &[&str]); 5] = [
    ("minute", 0, 59, &[]),
    ("hour", 0, 23, &[]),
    ("day of month", 1, 31, &[]),
    ("month", 1, 12, &["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]),
    ("day of week", 0, 7, &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]),
];

const CRON_DESCRIPTORS: [&str; 7] = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

fn check_cron(expression: &str) -> Result<(), String> {
    let expression = expression.trim();
    if let Some(every) = expression.strip_prefix("@every ") {
        return parse_duration(every.trim()).map(|_| ());
    }
    if expression.starts_with('@') {
        return if CRON_DESCRIPTORS.contains(&expression) { Ok(()) } else { Err(format!("unknown descriptor {expression}")) };
    }
    let fields: Vec<&str> = expression.split_whitespace().collect();
    if fields.len() != CRON_FIELDS.len() {
        return Err(format!("expected 5 fields, found {}", fields.len()));
    }
    for (field, (name, min, max, names)) in fields.iter().zip(CRON_FIELDS) {
        check_cron_field(field, min, max, names).map_err(|problem| format!("{name} field {field:?}: {problem}"))?;
    }
    Ok(())
}

fn check_cron_field(field: &str, min: u32, max: u32, names: &[&str]) -> Result<(), String> {
    let number = |text: &str| -> Result<u32, String> {
        let value = match names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
            Some(i) => i as u32 + min,
            None => text.parse::<u32>().map_err(|_| format!("{text:?} is not a number"))?,
        };
        if (min..=max).contains(&value) {
            Ok(value)
        } else {
            Err(format!("{value} is outside {min}-{max}"))
        }
    };
    for part in field.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => (range, Some(step)),
            None => (part, None),
        };
        if let Some(step) = step {
            match step.parse::<u32>() {
                Ok(s) if s > 0 => {}
                _ => return Err(format!("step {step:?} is not a positive number")),
            }
        }
        match range {
            "*" | "?" => {}
            _ => match range.split_once('-') {
                Some((low, high)) => {
                    if number(low)? > number(high)? {
                        return Err(format!("range {range} runs backwards"));
                    }
                }
                None => {
                    number(range)?;
                }
            },
        }
    }
    Ok(())
}

/// Which combination of a block's attributes/blocks a [`Combination`] requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    ExactlyOne,
    AtLeastOne,
    NotTogether,
    /// The first name must be set whenever the second is.
    RequiredWith,
}

/// A rule over which of a block's members are set ("set" = non-null and,
/// for collections, non-empty). Unknown members make the rule undecidable,
/// so it is skipped until they are known.
#[derive(Debug, Clone)]
pub struct Combination {
    names: Vec<String>,
    rule: Rule,
}

/// Exactly one of `names` must be set.
pub fn exactly_one_of(names: &[&str]) -> Combination {
    Combination { names: names.iter().map(|s| s.to_string()).collect(), rule: Rule::ExactlyOne }
}

/// At least one of `names` must be set.
pub fn at_least_one_of(names: &[&str]) -> Combination {
    Combination { names: names.iter().map(|s| s.to_string()).collect(), rule: Rule::AtLeastOne }
}

/// `a` and `b` cannot both be set.
pub fn conflicts_with(a: &str, b: &str) -> Combination {
    Combination { names: vec![a.to_string(), b.to_string()], rule: Rule::NotTogether }
}

/// `name` must be set whenever `when` is (e.g. a cluster name with a group).
pub fn required_with(name: &str, when: &str) -> Combination {
    Combination { names: vec![name.to_string(), when.to_string()], rule: Rule::RequiredWith }
}

/// `Some(true)` if set, `Some(false)` if unset, `None` if not yet known.
fn is_set(value: &Value) -> Option<bool> {
    match value {
        Value::Unknown(_) => None,
        Value::Null => Some(false),
        Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(!v.is_empty()),
        Value::Map(m) => Some(!m.is_empty()),
        _ => Some(true),
    }
}

impl ConfigValidator for Combination {
    fn description(&self) -> String {
        let names = quoted_list(&self.names.iter().map(String::as_str).collect::<Vec<_>>());
        match self.rule {
            Rule::ExactlyOne => format!("Exactly one of {names} must be set."),
            Rule::AtLeastOne => format!("At least one of {names} must be set."),
            Rule::NotTogether => format!("Only one of {names} may be set."),
            Rule::RequiredWith => format!("`{}` must be set when `{}` is.", self.names[0], self.names[1]),
        }
    }

    fn validate(&self, object: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let states: Option<Vec<bool>> = self.names.iter().map(|n| is_set(object.get(n))).collect();
        let Some(states) = states else { return };
        let set: Vec<&str> = self.names.iter().zip(&states).filter(|(_, s)| **s).map(|(n, _)| n.as_str()).collect();
        if self.rule == Rule::RequiredWith {
            if states[1] && !states[0] {
                diags.error_at(path.clone().attribute(&self.names[0]), "Missing required attribute", self.description());
            }
            return;
        }
        let problem = match self.rule {
            Rule::ExactlyOne | Rule::AtLeastOne if set.is_empty() => true,
            Rule::ExactlyOne | Rule::NotTogether => set.len() > 1,
            Rule::AtLeastOne | Rule::RequiredWith => false,
        };
        if problem {
            // With too many set, the second one is at fault; with none, the
            // first name (Terraform shows the enclosing block for an absent one).
            let at = path.clone().attribute(if set.len() > 1 { set[1] } else { &self.names[0] });
            let found = if set.is_empty() { "none is".to_string() } else { format!("{} are", quoted_list(&set)) };
            diags.error_at(at, "Invalid attribute combination", format!("{} Here {found} set.", self.description()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn errors(v: &dyn Validator, value: Value) -> Vec<String> {
        let mut diags = Diagnostics::new();
        v.validate(&value, &AttributePath::attr("x"), &mut diags);
        diags.iter().map(|d| format!("{}: {}", d.path.as_ref().map(|p| p.to_string()).unwrap_or_default(), d.detail)).collect()
    }

    fn strings(items: &[&str]) -> Vec<Value> {
        items.iter().map(|s| Value::string(*s)).collect()
    }

    #[test]
    fn one_of_accepts_listed_values_only() {
        let v = one_of(&["add-on", "cluster"]);
        assert!(errors(&v, Value::string("cluster")).is_empty());
        let e = errors(&v, Value::string("infra"));
        assert_eq!(e.len(), 1);
        assert!(e[0].contains("\"infra\" is not one of `add-on`, `cluster`"), "{e:?}");
        assert_eq!(v.description(), "Must be one of `add-on`, `cluster`.");
    }

    #[test]
    fn scalar_checks_apply_to_each_element_with_paths() {
        let v = one_of(&["a"]);
        let e = errors(&v, Value::List(strings(&["a", "b", "c"])));
        assert_eq!(e.len(), 2);
        assert!(e[0].starts_with("x[1]:"), "{e:?}");
        assert!(e[1].starts_with("x[2]:"), "{e:?}");
        let mut map = BTreeMap::new();
        map.insert("k".to_string(), Value::string("z"));
        assert!(errors(&v, Value::Map(map))[0].starts_with("x[\"k\"]:"));
        // Unknown elements are skipped; set errors point at the set.
        let e = errors(&v, Value::Set(vec![Value::unknown(), Value::string("q")]));
        assert_eq!(e.len(), 1);
        assert!(e[0].starts_with("x:"));
    }

    #[test]
    fn regex_uses_message() {
        let v = regex("^[a-z]+$", "lowercase letters");
        assert!(errors(&v, Value::string("abc")).is_empty());
        assert!(errors(&v, Value::string("aBc"))[0].contains("\"aBc\" is not lowercase letters"));
        assert_eq!(v.description(), "Must be lowercase letters.");
    }

    #[test]
    fn number_ranges() {
        assert!(errors(&at_least(20), Value::int(20)).is_empty());
        assert!(errors(&at_least(20), Value::int(19))[0].contains("19 is below the minimum 20"));
        assert!(errors(&at_most(5), Value::int(6))[0].contains("above the maximum 5"));
        assert!(errors(&between(1, 3), Value::Number(Number::Float(2.5))).is_empty());
        assert!(errors(&between(1, 3), Value::int(0))[0].contains("0 is not between 1 and 3"));
        assert_eq!(between(1, 3).description(), "Must be between 1 and 3.");
        // A string handed to a number check is not this validator's business.
        assert!(errors(&at_least(1), Value::string("x")).is_empty());
    }

    #[test]
    fn not_empty_strings_and_collections() {
        assert!(errors(&not_empty(), Value::string("a")).is_empty());
        assert_eq!(errors(&not_empty(), Value::string("  ")).len(), 1);
        assert_eq!(errors(&not_empty(), Value::Set(vec![])).len(), 1);
        assert!(errors(&not_empty(), Value::Set(strings(&["a"]))).is_empty());
    }

    #[test]
    fn key_value_tags_keep_colons_in_values() {
        let v = key_value_tags();
        assert!(errors(&v, Value::Set(strings(&["env", "owner:me", "url:http://x:8080/a"]))).is_empty());
        assert_eq!(errors(&v, Value::Set(strings(&[":value"]))).len(), 1);
        assert_eq!(errors(&v, Value::Set(strings(&[""]))).len(), 1);
        assert_eq!(errors(&v, Value::Set(strings(&[" k:v"]))).len(), 1);
    }

    #[test]
    fn rfc3339_timestamps() {
        let v = rfc3339();
        assert!(errors(&v, Value::string("2024-05-01T10:00:00Z")).is_empty());
        assert!(errors(&v, Value::string("2024-05-01T10:00:00.5+02:00")).is_empty());
        assert_eq!(errors(&v, Value::string("2024-05-01 10:00")).len(), 1);
        assert_eq!(errors(&v, Value::string("yesterday")).len(), 1);
    }

    #[test]
    fn cron_expressions() {
        for ok in ["* * * * *", "0 3 * * 1-5", "*/15 0-6,22 1 JAN-mar SUN", "0 0 ? * 7", "@daily", "@every 1h30m", "5,10 */2 1-31/3 12 0"] {
            assert!(check_cron(ok).is_ok(), "{ok}: {:?}", check_cron(ok));
        }
        for bad in [
            "* * * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
            "*/0 * * * *",
            "5-1 * * * *",
            "@sometimes",
            "a * * * *",
            "* * * * * *",
        ] {
            assert!(check_cron(bad).is_err(), "{bad}");
        }
        assert_eq!(errors(&cron(), Value::string("* * *")).len(), 1);
    }

    #[test]
    fn yaml_text() {
        let v = yaml();
        for ok in ["a: 1\nb: [x, y]\n", "", "---\na: 1\n---\nkind: B\n", "name: {{ .spectro.system.cluster.name }}-x\nport: {{.spectro.var.port}}\n", "k: \"{{ .spectro.var.x }}\"", "- a\n- b"] {
            assert!(errors(&v, Value::string(ok)).is_empty(), "{ok:?}: {:?}", errors(&v, Value::string(ok)));
        }
        for bad in ["a: [1, 2\n", "a: 1\n b: 2\n", "key: value: other\n", "a: 1\na: 2\n", "---\na: 1\n---\n\tb: 2\n"] {
            let e = errors(&v, Value::string(bad));
            assert_eq!(e.len(), 1, "{bad:?}");
            assert!(e[0].contains("not valid YAML"), "{bad:?}: {e:?}");
        }
    }

    #[test]
    fn yaml_syntax_errors_say_where() {
        let e = errors(&yaml(), Value::string("a: 1\nb: [x,\n"));
        assert!(e[0].contains("line 3"), "{e:?}");
    }

    #[test]
    fn dns_labels() {
        let v = dns_label("cluster name");
        for ok in ["a", "dev-1", "x".repeat(63).as_str(), "0abc"] {
            assert!(errors(&v, Value::string(ok)).is_empty(), "{ok}");
        }
        for bad in ["Bad Name!", "UPPER", "-lead", "trail-", "", "under_score", "dot.ted", "x".repeat(64).as_str()] {
            let e = errors(&v, Value::string(bad));
            assert_eq!(e.len(), 1, "{bad}");
            assert!(e[0].contains("is not a valid cluster name"), "{e:?}");
        }
    }

    #[test]
    fn profile_versions() {
        let v = profile_version();
        for ok in ["1", "1.2", "1.2.3", "v1.2.3", "10.20.30"] {
            assert!(errors(&v, Value::string(ok)).is_empty(), "{ok}");
        }
        for bad in ["1.2.3.beta", "V1.2.3", "chart-v1.2.3", "1.2.3.4", "1..2", "", "v", "1.2-rc1"] {
            assert_eq!(errors(&v, Value::string(bad)).len(), 1, "{bad}");
        }
    }

    #[test]
    fn time_zones_come_from_the_iana_database() {
        let v = time_zone();
        for ok in ["", "UTC", "GMT", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "America/Argentina/Buenos_Aires"] {
            assert!(errors(&v, Value::string(ok)).is_empty(), "{ok}");
        }
        for bad in ["Mars/Olympus", "America/Atlantis", "EST5EDT ", "utc/x", "Berlin", "America/New York", "america/new_york"] {
            let e = errors(&v, Value::string(bad));
            assert_eq!(e.len(), 1, "{bad}");
            assert!(e[0].contains("IANA"), "{e:?}");
        }
    }

    #[test]
    fn durations() {
        assert!(errors(&duration(), Value::string("1h30m")).is_empty());
        assert_eq!(errors(&duration(), Value::string("10 minutes")).len(), 1);
    }

    fn object(members: &[(&str, Value)]) -> Value {
        Value::Object(members.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn combination_errors(v: &Combination, o: Value) -> usize {
        let mut diags = Diagnostics::new();
        v.validate(&o, &AttributePath::attr("pack").index(0), &mut diags);
        diags.0.len()
    }

    #[test]
    fn combinations() {
        let a = Value::string("a");
        let exactly = exactly_one_of(&["uid", "name"]);
        assert_eq!(combination_errors(&exactly, object(&[("uid", a.clone()), ("name", Value::Null)])), 0);
        assert_eq!(combination_errors(&exactly, object(&[("uid", a.clone()), ("name", a.clone())])), 1);
        assert_eq!(combination_errors(&exactly, object(&[("uid", Value::Null), ("name", Value::Null)])), 1);
        assert_eq!(combination_errors(&exactly, object(&[("uid", Value::unknown()), ("name", a.clone())])), 0);
        let least = at_least_one_of(&["uid", "name"]);
        assert_eq!(combination_errors(&least, object(&[("uid", a.clone()), ("name", a.clone())])), 0);
        assert_eq!(combination_errors(&least, object(&[("uid", Value::Null), ("name", Value::List(vec![]))])), 1);
        let conflict = conflicts_with("registry_uid", "registry_name");
        assert_eq!(combination_errors(&conflict, object(&[("registry_uid", a.clone()), ("registry_name", Value::Null)])), 0);
        let mut diags = Diagnostics::new();
        conflict.validate(&object(&[("registry_uid", a.clone()), ("registry_name", a)]), &AttributePath::attr("pack").index(0), &mut diags);
        assert_eq!(diags.0.len(), 1);
        assert_eq!(diags.0[0].path.as_ref().unwrap().to_string(), "pack[0].registry_name");
        assert!(diags.0[0].detail.contains("Only one of `registry_uid`, `registry_name` may be set."));

        let needs_name = required_with("cluster_name", "cluster_group_uid");
        let b = Value::string("b");
        assert_eq!(combination_errors(&needs_name, object(&[("cluster_group_uid", b.clone()), ("cluster_name", b.clone())])), 0);
        assert_eq!(combination_errors(&needs_name, object(&[("cluster_group_uid", Value::Null), ("cluster_name", Value::Null)])), 0);
        assert_eq!(combination_errors(&needs_name, object(&[("cluster_group_uid", b.clone()), ("cluster_name", Value::unknown())])), 0);
        let mut diags = Diagnostics::new();
        needs_name.validate(&object(&[("cluster_group_uid", b), ("cluster_name", Value::Null)]), &AttributePath::attr("config").index(0), &mut diags);
        assert_eq!(diags.0[0].path.as_ref().unwrap().to_string(), "config[0].cluster_name");
        assert_eq!(needs_name.description(), "`cluster_name` must be set when `cluster_group_uid` is.");
    }
}
