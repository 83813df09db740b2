use super::*;
use crate::framework::conform::{conform_block, Unknowns};
use crate::framework::modifiers::{requires_replace, semantic_equality, use_state_for_unknown, use_state_while_unchanged};
use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting};
use crate::framework::timeouts;
use crate::protocol::value::{Number, Type};

fn s(text: &str) -> Value {
    Value::string(text)
}

fn obj(members: &[(&str, Value)]) -> Value {
    Value::Object(members.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
}

fn strings(items: &[&str]) -> Value {
    Value::Set(items.iter().map(|i| s(i)).collect())
}

fn trimmed_equal(a: &Value, b: &Value) -> bool {
    a.as_str().map(str::trim) == b.as_str().map(str::trim)
}

fn schema() -> Block {
    let manifest = Block::new()
        .attribute(Attribute::new("name", Type::String).required())
        .attribute(
            Attribute::new("content", Type::String).required().plan_modifier(semantic_equality("in surrounding whitespace", trimmed_equal)),
        )
        .attribute(Attribute::new("uid", Type::String).computed());
    let pack = Block::new()
        .attribute(Attribute::new("name", Type::String).required())
        .attribute(Attribute::new("tag", Type::String).optional())
        .attribute(Attribute::new("uid", Type::String).optional().computed().plan_modifier(use_state_while_unchanged(&["name", "tag"])))
        .block(NestedBlock::new("manifest", Nesting::List, manifest));
    let rule = Block::new()
        .attribute(Attribute::new("port", Type::Number).required())
        .attribute(Attribute::new("note", Type::String).optional().computed().plan_modifier(use_state_for_unknown()))
        .attribute(Attribute::new("uid", Type::String).computed());
    let cloud = Block::new().attribute(Attribute::new("k8s_version", Type::String).optional());
    Block::new()
        .attribute(Attribute::new("id", Type::String).computed().plan_modifier(use_state_for_unknown()))
        .attribute(Attribute::new("name", Type::String).required())
        .attribute(Attribute::new("region", Type::String).optional().plan_modifier(requires_replace()))
        .attribute(Attribute::new("version", Type::String).default(s("1.0.0")))
        .attribute(Attribute::new("tags", Type::Set(Box::new(Type::String))).optional())
        .attribute(Attribute::new("status", Type::String).computed())
        .block(NestedBlock::new("pack", Nesting::List, pack))
        .block(NestedBlock::new("rule", Nesting::Set, rule))
        .block(NestedBlock::new("cloud_config", Nesting::List, cloud).max_items(1).plan_modifier(requires_replace()))
        .block(timeouts::block(&[timeouts::Operation::Create]))
}

/// A configuration (or state) object with every key present.
fn full(members: &[(&str, Value)]) -> Value {
    conform_block(&schema(), &obj(members), Unknowns::Keep)
}

/// What Terraform sends as `proposed_new_state`: the configuration, with
/// computed attributes the configuration leaves null taken from the prior
/// object (nested blocks merged: lists by index, sets by correlation).
fn propose(block: &Block, prior: &Value, config: &Value) -> Value {
    if config.is_null() {
        return Value::Null;
    }
    let mut proposed = config.clone();
    for a in &block.attributes {
        if a.computed && config.get(&a.name).is_null() {
            proposed.set(&a.name, prior.get(&a.name).clone());
        }
    }
    for b in &block.blocks {
        let (c, p) = (config.get(&b.type_name), prior.get(&b.type_name));
        let merged = match (b.nesting, c) {
            (Nesting::List, Value::List(items)) => {
                let priors = p.as_elements().unwrap_or(&[]);
                Value::List(
                    items.iter().enumerate().map(|(i, item)| propose(&b.block, priors.get(i).unwrap_or(&Value::Null), item)).collect(),
                )
            }
            (Nesting::Set, Value::Set(items)) => {
                let priors = p.as_elements().unwrap_or(&[]);
                Value::Set(
                    items
                        .iter()
                        .map(|item| {
                            let counterpart = priors.iter().find(|pe| same_configuration(&b.block, item, pe)).unwrap_or(&Value::Null);
                            propose(&b.block, counterpart, item)
                        })
                        .collect(),
                )
            }
            _ => propose(&b.block, p, c),
        };
        proposed.set(&b.type_name, merged);
    }
    proposed
}

struct Planned {
    state: Value,
    replace: Vec<String>,
}

fn plan(prior: &Value, config: &Value) -> Planned {
    let block = schema();
    let kind = if prior.is_null() { PlanKind::Create } else { PlanKind::Update };
    let proposed = propose(&block, prior, config);
    let mut diags = Diagnostics::new();
    let prepared = prepare(&block, kind, prior, &proposed, config, &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    let mut state = prepared.clone();
    let replace = finish(&block, kind, prior, config, prepared, &mut state);
    Planned { state, replace: replace.iter().map(ToString::to_string).collect() }
}

fn pack(name: &str, tag: &str, uid: Value, manifests: Vec<Value>) -> Value {
    obj(&[("name", s(name)), ("tag", s(tag)), ("uid", uid), ("manifest", Value::List(manifests))])
}

fn manifest(name: &str, content: &str, uid: Value) -> Value {
    obj(&[("name", s(name)), ("content", s(content)), ("uid", uid)])
}

fn rule(port: i64, note: Value, uid: Value) -> Value {
    obj(&[("port", Value::int(port)), ("note", note), ("uid", uid)])
}

fn base_config() -> Value {
    full(&[
        ("name", s("alpha")),
        ("region", s("eu")),
        ("tags", strings(&["a", "b:c:d"])),
        (
            "pack",
            Value::List(vec![
                pack("k8s", "1.30", Value::Null, vec![manifest("m", "x: 1", Value::Null)]),
                pack("cni", "3.0", Value::Null, vec![]),
            ]),
        ),
        ("rule", Value::Set(vec![rule(80, Value::Null, Value::Null), rule(443, s("tls"), Value::Null)])),
    ])
}

/// The state after creating `base_config`.
fn base_state() -> Value {
    full(&[
        ("id", s("uid-1")),
        ("name", s("alpha")),
        ("region", s("eu")),
        ("version", s("1.0.0")),
        ("tags", strings(&["b:c:d", "a"])),
        ("status", s("ready")),
        (
            "pack",
            Value::List(vec![pack("k8s", "1.30", s("p1"), vec![manifest("m", "x: 1", s("m1"))]), pack("cni", "3.0", s("p2"), vec![])]),
        ),
        ("rule", Value::Set(vec![rule(443, s("tls"), s("r443")), rule(80, s("auto"), s("r80"))])),
    ])
}

#[test]
fn create_plans_defaults_and_unknown_computed_values() {
    let planned = plan(&Value::Null, &base_config());
    let state = &planned.state;
    assert!(planned.replace.is_empty());
    assert!(state.get("id").is_unknown());
    assert!(state.get("status").is_unknown());
    assert_eq!(state.get("version"), &s("1.0.0"));
    assert_eq!(state.get("name"), &s("alpha"));
    assert_eq!(state.get("tags"), &strings(&["a", "b:c:d"]));
    let packs = state.get("pack").as_elements().unwrap();
    assert!(packs[0].get("uid").is_unknown());
    assert!(packs[0].get("manifest").as_elements().unwrap()[0].get("uid").is_unknown());
    let rules = state.get("rule").as_elements().unwrap();
    let port_443 = rules.iter().find(|r| r.get("port") == &Value::int(443)).unwrap();
    assert_eq!(port_443.get("note"), &s("tls"));
    assert!(port_443.get("uid").is_unknown());
    let port_80 = rules.iter().find(|r| r.get("port") == &Value::int(80)).unwrap();
    assert!(port_80.get("note").is_unknown());
    assert_eq!(state.get("cloud_config"), &Value::List(vec![]));
    assert!(state.get("timeouts").is_null());
}

#[test]
fn unchanged_configuration_plans_the_prior_object_exactly() {
    // The prior set lists its tags in another order than the configuration:
    // equal values, different representation.
    let prior = base_state();
    let planned = plan(&prior, &base_config());
    assert!(planned.replace.is_empty());
    assert_eq!(format!("{:?}", planned.state), format!("{prior:?}"), "the plan must be the prior object itself");
}

#[test]
fn a_change_marks_computed_values_unknown_except_stable_ones() {
    let mut config = base_config();
    config.set("name", s("beta"));
    let planned = plan(&base_state(), &config);
    let state = &planned.state;
    assert!(planned.replace.is_empty(), "{:?}", planned.replace);
    assert_eq!(state.get("name"), &s("beta"));
    assert_eq!(state.get("id"), &s("uid-1"), "use_state_for_unknown keeps the id");
    assert!(state.get("status").is_unknown());
    let packs = state.get("pack").as_elements().unwrap();
    assert_eq!(packs[0].get("uid"), &s("p1"), "name and tag unchanged: uid kept");
    assert_eq!(packs[1].get("uid"), &s("p2"));
    assert!(packs[0].get("manifest").as_elements().unwrap()[0].get("uid").is_unknown(), "computed without modifier");
    let rules = state.get("rule").as_elements().unwrap();
    let port_80 = rules.iter().find(|r| r.get("port") == &Value::int(80)).unwrap();
    assert_eq!(port_80.get("note"), &s("auto"), "set element correlated by its configuration");
    assert!(port_80.get("uid").is_unknown());
}

#[test]
fn nested_change_only_unpins_the_changed_element() {
    let mut config = base_config();
    let mut packs = config.get("pack").as_elements().unwrap().to_vec();
    packs[1].set("tag", s("3.1"));
    packs.push(pack("csi", "1.0", Value::Null, vec![]));
    config.set("pack", Value::List(packs));
    let planned = plan(&base_state(), &config);
    let packs = planned.state.get("pack").as_elements().unwrap();
    assert_eq!(packs.len(), 3);
    assert_eq!(packs[0].get("uid"), &s("p1"));
    assert!(packs[1].get("uid").is_unknown(), "tag changed: uid must be resolved again");
    assert!(packs[2].get("uid").is_unknown(), "new element");
    assert!(planned.replace.is_empty());
}

#[test]
fn configured_value_wins_over_modifiers() {
    let mut config = base_config();
    let mut packs = config.get("pack").as_elements().unwrap().to_vec();
    packs[0].set("uid", s("explicit"));
    config.set("pack", Value::List(packs));
    let planned = plan(&base_state(), &config);
    assert_eq!(planned.state.get("pack").as_elements().unwrap()[0].get("uid"), &s("explicit"));
}

#[test]
fn removed_optional_value_falls_back_to_its_default() {
    let mut prior = base_state();
    prior.set("version", s("2.0.0"));
    let planned = plan(&prior, &base_config());
    assert_eq!(planned.state.get("version"), &s("1.0.0"));
    assert!(planned.state.get("status").is_unknown());
}

#[test]
fn requires_replace_only_when_the_value_changes() {
    assert!(plan(&Value::Null, &base_config()).replace.is_empty(), "never on create");
    let mut config = base_config();
    config.set("region", s("us"));
    assert_eq!(plan(&base_state(), &config).replace, ["region"]);
    let mut config = base_config();
    config.set("name", s("other"));
    assert!(plan(&base_state(), &config).replace.is_empty());
}

#[test]
fn block_level_requires_replace() {
    let mut prior = base_state();
    prior.set("cloud_config", Value::List(vec![obj(&[("k8s_version", s("1.30"))])]));
    let mut config = base_config();
    config.set("cloud_config", Value::List(vec![obj(&[("k8s_version", s("1.30"))])]));
    assert!(plan(&prior, &config).replace.is_empty());
    config.set("cloud_config", Value::List(vec![obj(&[("k8s_version", s("1.31"))])]));
    assert_eq!(plan(&prior, &config).replace, ["cloud_config"]);
    config.set("cloud_config", Value::List(vec![]));
    assert_eq!(plan(&prior, &config).replace, ["cloud_config"]);
}

#[test]
fn semantically_equal_values_keep_the_prior_and_cause_no_diff() {
    let mut config = base_config();
    let mut packs = config.get("pack").as_elements().unwrap().to_vec();
    packs[0].set("manifest", Value::List(vec![manifest("m", "\n  x: 1\n", Value::Null)]));
    config.set("pack", Value::List(packs));
    let prior = base_state();
    let planned = plan(&prior, &config);
    assert_eq!(format!("{:?}", planned.state), format!("{prior:?}"));
    // A real change still shows.
    let mut packs = config.get("pack").as_elements().unwrap().to_vec();
    packs[0].set("manifest", Value::List(vec![manifest("m", "x: 2", Value::Null)]));
    config.set("pack", Value::List(packs));
    let planned = plan(&prior, &config);
    let manifest = &planned.state.get("pack").as_elements().unwrap()[0].get("manifest").as_elements().unwrap()[0];
    assert_eq!(manifest.get("content"), &s("x: 2"));
    assert!(manifest.get("uid").is_unknown());
}

#[test]
fn unknown_configuration_values_stay_unknown() {
    let mut config = base_config();
    config.set("region", Value::unknown());
    config.set("tags", Value::Set(vec![s("a"), Value::unknown()]));
    let planned = plan(&base_state(), &config);
    assert!(planned.state.get("region").is_unknown());
    assert_eq!(planned.replace, ["region"], "an unknown configured value may differ");
    assert_eq!(planned.state.get("id"), &s("uid-1"));
}

#[test]
fn finish_repairs_invalid_attribute_plans() {
    let block = schema();
    let prior = base_state();
    let mut config = base_config();
    config.set("name", s("beta"));
    let proposed = propose(&block, &prior, &config);
    let prepared = prepare(&block, PlanKind::Update, &prior, &proposed, &config, &mut Diagnostics::new());
    let mut tampered = prepared.clone();
    tampered.set("name", s("gamma")); // required: must equal config
    tampered.set("region", Value::Null); // optional, not computed: must equal config
    tampered.set("status", s("anything")); // computed only: allowed
    finish(&block, PlanKind::Update, &prior, &config, prepared, &mut tampered);
    assert_eq!(tampered.get("name"), &s("beta"));
    assert_eq!(tampered.get("region"), &s("eu"));
    assert_eq!(tampered.get("status"), &s("anything"));
}

#[test]
fn finish_restores_the_plan_when_the_structure_is_broken() {
    let block = schema();
    let config = base_config();
    let proposed = propose(&block, &Value::Null, &config);
    let prepared = prepare(&block, PlanKind::Create, &Value::Null, &proposed, &config, &mut Diagnostics::new());
    let mut tampered = prepared.clone();
    tampered.set("pack", Value::List(vec![]));
    finish(&block, PlanKind::Create, &Value::Null, &config, prepared.clone(), &mut tampered);
    assert_eq!(tampered, prepared);
}

#[test]
fn apply_keeps_planned_values_and_takes_computed_ones() {
    let block = schema();
    let planned = plan(&Value::Null, &base_config()).state;
    let mut result = base_state();
    result.set("name", s("renamed-by-api"));
    result.set("rule", Value::Set(vec![rule(80, s("auto"), s("r80")), rule(443, s("other"), s("r443"))]));
    let merged = keep_planned(&block, &planned, &result, &AttributePath::root());
    assert_eq!(merged.get("name"), &s("alpha"), "planned known value kept");
    assert_eq!(merged.get("id"), &s("uid-1"));
    assert_eq!(merged.get("status"), &s("ready"));
    let packs = merged.get("pack").as_elements().unwrap();
    assert_eq!(packs[0].get("uid"), &s("p1"));
    assert_eq!(packs[0].get("manifest").as_elements().unwrap()[0].get("uid"), &s("m1"));
    let rules = merged.get("rule").as_elements().unwrap();
    let port_80 = rules.iter().find(|r| r.get("port") == &Value::int(80)).unwrap();
    assert_eq!(port_80.get("note"), &s("auto"));
    assert_eq!(port_80.get("uid"), &s("r80"));
    let port_443 = rules.iter().find(|r| r.get("port") == &Value::int(443)).unwrap();
    assert_eq!(port_443.get("note"), &s("tls"), "planned known value kept inside set elements");
    assert_eq!(port_443.get("uid"), &Value::Null, "no element agreed with the plan: nothing to take");
}

#[test]
fn apply_with_missing_values_leaves_unknowns_for_conform_to_null() {
    let block = schema();
    let planned = plan(&Value::Null, &base_config()).state;
    let merged = keep_planned(&block, &planned, &Value::Null, &AttributePath::root());
    assert_eq!(merged.get("name"), &s("alpha"));
    let conformed = conform_block(&block, &merged, Unknowns::Null);
    assert!(conformed.is_wholly_known());
    assert!(conformed.get("id").is_null());
}

#[test]
fn numbers_compare_by_value_in_plans() {
    let block =
        Block::new().attribute(Attribute::new("size", Type::Number).optional()).attribute(Attribute::new("id", Type::String).computed());
    let prior = obj(&[("size", Value::Number(Number::Float(3.0))), ("id", s("x"))]);
    let config = obj(&[("size", Value::int(3)), ("id", Value::Null)]);
    let proposed = obj(&[("size", Value::int(3)), ("id", s("x"))]);
    let mut diags = Diagnostics::new();
    let prepared = prepare(&block, PlanKind::Update, &prior, &proposed, &config, &mut diags);
    let mut state = prepared.clone();
    finish(&block, PlanKind::Update, &prior, &config, prepared, &mut state);
    assert_eq!(format!("{state:?}"), format!("{prior:?}"));
}

#[test]
fn unknown_block_collections_from_configuration_stay_unknown() {
    let mut config = base_config();
    config.set("pack", Value::unknown());
    let planned = plan(&base_state(), &config);
    assert!(planned.state.get("pack").is_unknown());
    assert_eq!(planned.state.get("id"), &s("uid-1"));
}

#[test]
fn a_value_left_to_the_provider_does_not_force_replacement() {
    let block = Block::new()
        .attribute(Attribute::new("name", Type::String).required())
        .attribute(Attribute::new("zone", Type::String).optional().computed().plan_modifier(requires_replace()));
    let prior = obj(&[("name", s("a")), ("zone", s("z1"))]);
    let replacements = |config: &Value| {
        let proposed = propose(&block, &prior, config);
        let prepared = prepare(&block, PlanKind::Update, &prior, &proposed, config, &mut Diagnostics::new());
        let mut state = prepared.clone();
        finish(&block, PlanKind::Update, &prior, config, prepared, &mut state)
    };
    // The name changes, so zone (not configured) becomes unknown: not a reason to replace.
    assert!(replacements(&obj(&[("name", s("b")), ("zone", Value::Null)])).is_empty());
    // A configured zone change is.
    assert_eq!(replacements(&obj(&[("name", s("a")), ("zone", s("z2"))])), [AttributePath::attr("zone")]);
    // So is a configured value not known yet.
    assert_eq!(replacements(&obj(&[("name", s("a")), ("zone", Value::unknown())])), [AttributePath::attr("zone")]);
}

#[test]
fn empty_collections_read_back_stay_null_where_state_was_null() {
    let block = schema();
    let mut prior = base_state();
    prior.set("tags", Value::Null);
    let mut read = base_state();
    read.set("tags", Value::Set(vec![]));
    keep_null_for_empty(&block, &mut read, &prior);
    assert!(read.get("tags").is_null());
    // Where the state had a value (even an empty one), what was read counts.
    let mut read = base_state();
    read.set("tags", Value::Set(vec![]));
    keep_null_for_empty(&block, &mut read, &base_state());
    assert_eq!(read.get("tags"), &Value::Set(vec![]));
}

#[test]
fn unknown_single_blocks_from_configuration_stay_unknown() {
    let block = schema();
    let prior = base_state();
    let mut config = base_config();
    config.set("timeouts", Value::unknown());
    let proposed = propose(&block, &prior, &config);
    let prepared = prepare(&block, PlanKind::Update, &prior, &proposed, &config, &mut Diagnostics::new());
    assert!(prepared.get("timeouts").is_unknown());
    // A hook's valid change survives the checks next to the unknown block.
    let mut hooked = prepared.clone();
    hooked.set("status", s("resolved by the hook"));
    finish(&block, PlanKind::Update, &prior, &config, prepared, &mut hooked);
    assert_eq!(hooked.get("status"), &s("resolved by the hook"));
    assert!(hooked.get("timeouts").is_unknown());
}
