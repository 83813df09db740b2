//! The plan and apply rules of protocol §4, implemented once for every
//! resource.
//!
//! Planning (create or update) runs these phases over the schema, recursing
//! into nested blocks (LIST by index, MAP by key, SET by correlating elements):
//! 1. defaults for attributes whose configuration is null;
//! 2. configured values equivalent to prior ones (per modifiers) keep the prior;
//! 3. if the object changes at all, computed attributes without configuration
//!    become unknown;
//! 4. attribute plan modifiers;
//! 5. (the resource's hook, run by the server;)
//! 6. the result is checked against Terraform's plan rules and repaired;
//! 7. requires-replace paths from modifiers whose value really differs;
//! 8. an unchanged object is returned as the prior object itself.
//!
//! Apply results keep every value that was known in the plan.

use crate::protocol::diagnostics::{AttributePath, Diagnostics};
use super::modifiers::{AttributePlanRequest, PlanKind};
use super::schema::{Attribute, Block, NestedBlock, Nesting};
use super::schema::TIMEOUTS_BLOCK as TIMEOUTS;
use crate::protocol::value::Value;

static NULL: Value = Value::Null;

/// Where an element sits inside a nested block's value.
#[derive(Debug, Clone)]
enum Slot {
    Whole,
    Index(usize),
    Key(String),
}

fn slot_mut<'a>(value: &'a mut Value, slot: &Slot) -> Option<&'a mut Value> {
    match (slot, value) {
        (Slot::Whole, v @ Value::Object(_)) => Some(v),
        (Slot::Index(i), Value::List(items) | Value::Set(items)) => items.get_mut(*i),
        (Slot::Key(k), Value::Map(items)) => items.get_mut(k),
        _ => None,
    }
}

fn slot_path(nested: &NestedBlock, block_path: &AttributePath, slot: &Slot) -> AttributePath {
    match (slot, nested.nesting) {
        // Set elements have no address of their own.
        (Slot::Index(_), Nesting::Set) | (Slot::Whole, _) => block_path.clone(),
        (Slot::Index(i), _) => block_path.clone().index(*i),
        (Slot::Key(k), _) => block_path.clone().key(k),
    }
}

/// Pairs every element of a nested block's planned value with its
/// counterpart in `other` (config or prior), `&NULL` when it has none.
fn counterparts<'a>(nested: &NestedBlock, planned: &Value, other: &'a Value) -> Vec<(Slot, &'a Value)> {
    let others: &'a [Value] = other.as_elements().unwrap_or(&[]);
    match (nested.nesting, planned) {
        (Nesting::Single | Nesting::Group, Value::Object(_)) => {
            vec![(Slot::Whole, if matches!(other, Value::Object(_)) { other } else { &NULL })]
        }
        (Nesting::List, Value::List(items)) => (0..items.len()).map(|i| (Slot::Index(i), others.get(i).unwrap_or(&NULL))).collect(),
        (Nesting::Map, Value::Map(items)) => items.keys().map(|k| (Slot::Key(k.clone()), other.get(k))).collect(),
        (Nesting::Set, Value::Set(items)) => {
            let mut used = vec![false; others.len()];
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let found = others.iter().enumerate().position(|(j, o)| !used[j] && same_configuration(&nested.block, item, o));
                    let counterpart = match found {
                        Some(j) => {
                            used[j] = true;
                            &others[j]
                        }
                        None => &NULL,
                    };
                    (Slot::Index(i), counterpart)
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Equal, or declared equivalent by a modifier; unknowns match anything.
fn equivalent(attribute: &Attribute, a: &Value, b: &Value) -> bool {
    a == b
        || !a.is_wholly_known()
        || !b.is_wholly_known()
        || (!a.is_null() && !b.is_null() && attribute.plan_modifiers.iter().any(|m| m.equivalent(a, b)))
}

/// True when two objects of `block` agree on everything the user configures
/// (computed attributes may legitimately differ): how set elements correlate.
fn same_configuration(block: &Block, a: &Value, b: &Value) -> bool {
    if a.is_unknown() || b.is_unknown() {
        return true;
    }
    if !matches!((a, b), (Value::Object(_), Value::Object(_))) {
        return a.is_null() && b.is_null();
    }
    let attributes_agree =
        block.attributes.iter().filter(|attr| !attr.computed).all(|attr| equivalent(attr, a.get(&attr.name), b.get(&attr.name)));
    attributes_agree
        && block.blocks.iter().all(|nested| {
            let (x, y) = (a.get(&nested.type_name), b.get(&nested.type_name));
            match (nested.nesting, x.as_elements(), y.as_elements()) {
                (Nesting::Set, Some(xs), Some(ys)) => {
                    xs.len() == ys.len() && xs.iter().all(|xe| ys.iter().any(|ye| same_configuration(&nested.block, xe, ye)))
                }
                (_, Some(xs), Some(ys)) => {
                    xs.len() == ys.len() && xs.iter().zip(ys).all(|(xe, ye)| same_configuration(&nested.block, xe, ye))
                }
                (Nesting::Map, _, _) => match (x.as_members(), y.as_members()) {
                    (Some(xm), Some(ym)) => {
                        xm.len() == ym.len()
                            && xm.iter().all(|(k, xe)| ym.get(k).is_some_and(|ye| same_configuration(&nested.block, xe, ye)))
                    }
                    _ => x.is_null() == y.is_null(),
                },
                _ => same_configuration(&nested.block, x, y),
            }
        })
}

/// Visits every attribute (and, if asked, every nested block) of the planned
/// object, recursively, with its configuration and prior counterparts.
struct Walk<'w> {
    kind: PlanKind,
    attribute: &'w mut dyn FnMut(&Attribute, &AttributePlanRequest<'_>, &mut Value),
    block: Option<BlockVisitor<'w>>,
}

type BlockVisitor<'w> = &'w mut dyn FnMut(&NestedBlock, &AttributePlanRequest<'_>, &Value);

impl Walk<'_> {
    fn object(&mut self, block: &Block, planned: &mut Value, prior: &Value, config: &Value, path: &AttributePath) {
        if !matches!(planned, Value::Object(_)) {
            return;
        }
        for attr in &block.attributes {
            let at = path.clone().attribute(&attr.name);
            let mut value = planned.get(&attr.name).clone();
            let request = AttributePlanRequest {
                kind: self.kind,
                path: &at,
                config: config.get(&attr.name),
                prior: prior.get(&attr.name),
                parent_config: config,
                parent_prior: prior,
                parent_plan: planned,
            };
            (self.attribute)(attr, &request, &mut value);
            planned.set(&attr.name, value);
        }
        for nested in &block.blocks {
            let at = path.clone().attribute(&nested.type_name);
            let (block_config, block_prior) = (config.get(&nested.type_name), prior.get(&nested.type_name));
            if let Some(visit) = self.block.as_mut() {
                let request = AttributePlanRequest {
                    kind: self.kind,
                    path: &at,
                    config: block_config,
                    prior: block_prior,
                    parent_config: config,
                    parent_prior: prior,
                    parent_plan: planned,
                };
                visit(nested, &request, planned.get(&nested.type_name));
            }
            let planned_block = planned.get(&nested.type_name);
            let configs = counterparts(nested, planned_block, block_config);
            let priors = counterparts(nested, planned_block, block_prior);
            let Some(value) = planned.get_mut(&nested.type_name) else { continue };
            for ((slot, element_config), (_, element_prior)) in configs.into_iter().zip(priors) {
                if let Some(element) = slot_mut(value, &slot) {
                    self.object(&nested.block, element, element_prior, element_config, &slot_path(nested, &at, &slot));
                }
            }
        }
    }
}

fn walk_attributes(
    block: &Block,
    kind: PlanKind,
    planned: &mut Value,
    prior: &Value,
    config: &Value,
    mut visit: impl FnMut(&Attribute, &AttributePlanRequest<'_>, &mut Value),
) {
    Walk { kind, attribute: &mut visit, block: None }.object(block, planned, prior, config, &AttributePath::root());
}

/// Phases 1–4 for a create or an update: the plan before the resource's hook.
pub fn prepare(block: &Block, kind: PlanKind, prior: &Value, proposed: &Value, config: &Value, diags: &mut Diagnostics) -> Value {
    let mut planned = proposed.clone();
    apply_defaults(block, kind, &mut planned, prior, config);
    walk_attributes(block, kind, &mut planned, prior, config, |attr, request, value| {
        let is_equivalent = !request.config.is_null()
            && request.config.is_wholly_known()
            && !request.prior.is_null()
            && value == request.config
            && request.config != request.prior
            && attr.plan_modifiers.iter().any(|m| m.equivalent(request.config, request.prior));
        if is_equivalent {
            *value = request.prior.clone();
        }
    });
    if changes_beyond_timeouts(&planned, prior) {
        mark_computed_unknown(block, kind, &mut planned, prior, config);
    }
    walk_attributes(block, kind, &mut planned, prior, config, |attr, request, value| {
        for modifier in &attr.plan_modifiers {
            modifier.modify(request, value, diags);
        }
    });
    planned
}

/// True when `planned` differs from `prior` in more than the `timeouts`
/// block. A timeouts-only change touches nothing remote: it is planned
/// without unknowns and applied without calling the resource.
pub fn changes_beyond_timeouts(planned: &Value, prior: &Value) -> bool {
    match (planned, prior) {
        (Value::Object(p), Value::Object(r)) => {
            let not_timeouts = |(k, _): &(&String, &Value)| k.as_str() != TIMEOUTS;
            p.iter().filter(not_timeouts).ne(r.iter().filter(not_timeouts))
        }
        _ => planned != prior,
    }
}

/// An empty collection read back where the prior state held null stays null:
/// APIs rarely tell "no tags" from "tags not set", Terraform does, and the
/// difference would show as a change on every plan. (Attributes with a
/// default have no null state: [`fill_defaults`] covers them.)
pub fn keep_null_for_empty(block: &Block, result: &mut Value, prior: &Value) {
    walk_attributes(block, PlanKind::Update, result, prior, prior, |attr, request, value| {
        let empty = value.as_elements().is_some_and(<[Value]>::is_empty) || value.as_members().is_some_and(|m| m.is_empty());
        if empty && request.prior.is_null() && attr.default.is_none() {
            *value = Value::Null;
        }
    });
}

/// Gives every null attribute that has a default its default, in a state
/// (read, import or upgrade). For a zero default null and zero mean the same
/// (SDKv2 providers store the zero, our older states and the API's "absent"
/// are null); holding one form keeps the plan, which plans the default for
/// an unset attribute, clean.
pub fn fill_defaults(block: &Block, state: &mut Value) {
    walk_attributes(block, PlanKind::Update, state, &Value::Null, &Value::Null, |attr, _, value| {
        if let (Some(default), true) = (&attr.default, value.is_null()) {
            *value = default.clone();
        }
    });
}

/// Sets attribute defaults wherever the configuration leaves them null.
pub fn apply_defaults(block: &Block, kind: PlanKind, planned: &mut Value, prior: &Value, config: &Value) {
    walk_attributes(block, kind, planned, prior, config, |attr, request, value| {
        if let Some(default) = &attr.default {
            if request.config.is_null() {
                *value = default.clone();
            }
        }
    });
}

/// Computed attributes the configuration leaves null are "known after apply".
pub fn mark_computed_unknown(block: &Block, kind: PlanKind, planned: &mut Value, prior: &Value, config: &Value) {
    walk_attributes(block, kind, planned, prior, config, |attr, request, value| {
        if attr.computed && attr.default.is_none() && request.config.is_null() {
            *value = Value::unknown();
        }
    });
}

/// Phases 6–8 after the resource's hook. `fallback` is the plan before the
/// hook, used whole if the hook broke the object's structure.
pub fn finish(block: &Block, kind: PlanKind, prior: &Value, config: &Value, fallback: Value, planned: &mut Value) -> Vec<AttributePath> {
    if let Err(problem) = enforce_plan_rules(block, planned, prior, config, &AttributePath::root()) {
        tracing::error!(%problem, "the resource's plan hook broke the plan's structure; using the plan without it");
        *planned = fallback;
    }
    let replace = if kind == PlanKind::Update { replacement_paths(block, prior, planned, config) } else { Vec::new() };
    if *planned == *prior {
        *planned = prior.clone();
    }
    replace
}

/// Repairs attributes that break protocol §4.2 (their planned value becomes
/// the configured one); an `Err` reports a structural break that cannot be
/// repaired attribute by attribute.
fn enforce_plan_rules(block: &Block, planned: &mut Value, prior: &Value, config: &Value, path: &AttributePath) -> Result<(), String> {
    if !matches!(planned, Value::Object(_)) {
        return Err(format!("{path}: the planned object is not an object"));
    }
    for attr in &block.attributes {
        let (p, c, r) = (planned.get(&attr.name), config.get(&attr.name), prior.get(&attr.name));
        let valid = p == c || (!r.is_null() && !c.is_null() && p == r) || (attr.computed && (!attr.optional || c.is_null()));
        if !valid {
            tracing::error!(path = %path.clone().attribute(&attr.name), "the plan set a value Terraform does not allow here; planning the configured value");
            planned.set(&attr.name, c.clone());
        }
    }
    for nested in &block.blocks {
        let at = path.clone().attribute(&nested.type_name);
        let (config_block, prior_block) = (config.get(&nested.type_name), prior.get(&nested.type_name));
        let Some(planned_block) = planned.get_mut(&nested.type_name) else {
            return Err(format!("{at}: missing"));
        };
        // Blocks generated from values not known yet are planned as unknown.
        if config_block.is_unknown() && planned_block.is_unknown() {
            continue;
        }
        match nested.nesting {
            Nesting::Single | Nesting::Group => {
                if planned_block.is_null() != config_block.is_null() && nested.nesting == Nesting::Single {
                    return Err(format!("{at}: planned presence differs from the configuration"));
                }
                if !planned_block.is_null() {
                    enforce_plan_rules(&nested.block, planned_block, prior_block, config_block, &at)?;
                }
            }
            Nesting::List => {
                let (Value::List(items), Some(configured)) = (planned_block, config_block.as_elements()) else {
                    return Err(format!("{at}: planned blocks do not match the configuration"));
                };
                if items.len() != configured.len() {
                    return Err(format!("{at}: {} planned blocks for {} configured", items.len(), configured.len()));
                }
                let priors = prior_block.as_elements().unwrap_or(&[]);
                for (i, item) in items.iter_mut().enumerate() {
                    enforce_plan_rules(&nested.block, item, priors.get(i).unwrap_or(&NULL), &configured[i], &at.clone().index(i))?;
                }
            }
            Nesting::Map => {
                let (Value::Map(items), Some(configured)) = (planned_block, config_block.as_members()) else {
                    return Err(format!("{at}: planned blocks do not match the configuration"));
                };
                if items.keys().ne(configured.keys()) {
                    return Err(format!("{at}: planned keys differ from the configuration"));
                }
                for (key, item) in items.iter_mut() {
                    enforce_plan_rules(&nested.block, item, prior_block.get(key), &configured[key], &at.clone().key(key))?;
                }
            }
            // Terraform does not check set blocks element by element.
            Nesting::Set => {}
        }
    }
    Ok(())
}

/// Does the planned attribute value change what exists? An unknown the
/// provider will compute (config null) is not a change by itself.
fn attribute_differs(planned: &Value, prior: &Value, config: &Value) -> bool {
    match planned {
        Value::Unknown(_) => !config.is_null(),
        _ => planned != prior,
    }
}

fn object_differs(block: &Block, planned: &Value, prior: &Value, config: &Value) -> bool {
    if planned.is_null() || prior.is_null() {
        return planned.is_null() != prior.is_null();
    }
    block.attributes.iter().any(|a| attribute_differs(planned.get(&a.name), prior.get(&a.name), config.get(&a.name)))
        || block.blocks.iter().any(|b| block_differs(b, planned.get(&b.type_name), prior.get(&b.type_name), config.get(&b.type_name)))
}

fn block_differs(nested: &NestedBlock, planned: &Value, prior: &Value, config: &Value) -> bool {
    let count = |v: &Value| v.as_elements().map(<[Value]>::len).or_else(|| v.as_members().map(|m| m.len()));
    if matches!(nested.nesting, Nesting::List | Nesting::Set | Nesting::Map) && count(planned) != count(prior) {
        return true;
    }
    let configs = counterparts(nested, planned, config);
    match (nested.nesting, planned) {
        (Nesting::Single | Nesting::Group, _) => object_differs(&nested.block, planned, prior, config),
        (Nesting::List, Value::List(items)) => {
            let priors = prior.as_elements().unwrap_or(&[]);
            items
                .iter()
                .zip(configs)
                .enumerate()
                .any(|(i, (item, (_, c)))| object_differs(&nested.block, item, priors.get(i).unwrap_or(&NULL), c))
        }
        (Nesting::Map, Value::Map(items)) => {
            items.iter().zip(configs).any(|((k, item), (_, c))| object_differs(&nested.block, item, prior.get(k), c))
        }
        (Nesting::Set, Value::Set(items)) => {
            let priors = prior.as_elements().unwrap_or(&[]);
            let mut used = vec![false; priors.len()];
            items.iter().zip(configs).any(|(item, (_, c))| {
                match priors.iter().enumerate().position(|(j, p)| !used[j] && !object_differs(&nested.block, item, p, c)) {
                    Some(j) => {
                        used[j] = true;
                        false
                    }
                    None => true,
                }
            })
        }
        _ => planned != prior,
    }
}

fn replacement_paths(block: &Block, prior: &Value, planned: &Value, config: &Value) -> Vec<AttributePath> {
    let mut paths: Vec<AttributePath> = Vec::new();
    let mut add = |path: &AttributePath| {
        if !paths.contains(path) {
            paths.push(path.clone());
        }
    };
    let mut attribute = |attr: &Attribute, request: &AttributePlanRequest<'_>, value: &mut Value| {
        if !attr.plan_modifiers.is_empty()
            && attribute_differs(value, request.prior, request.config)
            && attr.plan_modifiers.iter().any(|m| m.requires_replace(request, value))
        {
            add(request.path);
        }
    };
    let mut replaced_blocks = Vec::new();
    let mut nested_block = |nested: &NestedBlock, request: &AttributePlanRequest<'_>, value: &Value| {
        if !nested.plan_modifiers.is_empty()
            && block_differs(nested, value, request.prior, request.config)
            && nested.plan_modifiers.iter().any(|m| m.requires_replace(request, value))
        {
            replaced_blocks.push(request.path.clone());
        }
    };
    let mut scratch = planned.clone();
    Walk { kind: PlanKind::Update, attribute: &mut attribute, block: Some(&mut nested_block) }.object(
        block,
        &mut scratch,
        prior,
        config,
        &AttributePath::root(),
    );
    for path in &replaced_blocks {
        add(path);
    }
    paths
}

/// The state after apply: the resource's `result`, except that every value
/// known in `planned` is kept as planned (Terraform requires it). Leftover
/// unknowns are for the caller's conform pass to null.
pub fn keep_planned(block: &Block, planned: &Value, result: &Value, path: &AttributePath) -> Value {
    let Value::Object(_) = planned else {
        return if planned.is_unknown() { result.clone() } else { planned.clone() };
    };
    let mut merged = planned.clone();
    for attr in &block.attributes {
        let (p, r) = (planned.get(&attr.name), result.get(&attr.name));
        let value = if p.is_wholly_known() {
            if p != r {
                tracing::warn!(path = %path.clone().attribute(&attr.name), "the resource returned a value other than the planned one; keeping the planned value");
            }
            p.clone()
        } else {
            r.clone()
        };
        merged.set(&attr.name, value);
    }
    for nested in &block.blocks {
        let at = path.clone().attribute(&nested.type_name);
        let (p, r) = (planned.get(&nested.type_name), result.get(&nested.type_name));
        let value = match (nested.nesting, p) {
            (Nesting::Single | Nesting::Group, _) => keep_planned(&nested.block, p, r, &at),
            (Nesting::List, Value::List(items)) => {
                let results = r.as_elements().unwrap_or(&[]);
                Value::List(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| keep_planned(&nested.block, item, results.get(i).unwrap_or(&NULL), &at.clone().index(i)))
                        .collect(),
                )
            }
            (Nesting::Map, Value::Map(items)) => Value::Map(
                items.iter().map(|(k, item)| (k.clone(), keep_planned(&nested.block, item, r.get(k), &at.clone().key(k)))).collect(),
            ),
            (Nesting::Set, Value::Set(items)) => {
                let results = r.as_elements().unwrap_or(&[]);
                let mut used = vec![false; results.len()];
                Value::Set(
                    items
                        .iter()
                        .map(|item| {
                            let found = results.iter().enumerate().position(|(j, e)| !used[j] && agrees_where_known(item, e));
                            let counterpart = found.map_or(&NULL, |j| {
                                used[j] = true;
                                &results[j]
                            });
                            keep_planned(&nested.block, item, counterpart, &at)
                        })
                        .collect(),
                )
            }
            _ => p.clone(),
        };
        merged.set(&nested.type_name, value);
    }
    merged
}

/// True when `actual` has every value that is known in `planned`.
fn agrees_where_known(planned: &Value, actual: &Value) -> bool {
    match (planned, actual) {
        (Value::Unknown(_), _) => true,
        (Value::Object(p), Value::Object(a)) | (Value::Map(p), Value::Map(a)) => {
            p.len() == a.len() && p.iter().all(|(k, pv)| a.get(k).is_some_and(|av| agrees_where_known(pv, av)))
        }
        (Value::List(p), Value::List(a)) | (Value::Tuple(p), Value::Tuple(a)) => {
            p.len() == a.len() && p.iter().zip(a).all(|(pv, av)| agrees_where_known(pv, av))
        }
        (Value::Set(p), Value::Set(a)) => p.len() == a.len() && p.iter().all(|pv| a.iter().any(|av| agrees_where_known(pv, av))),
        _ => planned == actual,
    }
}

#[cfg(test)]
mod tests;
