//! Schemas declared as data.
//!
//! The framework's schemas add behaviour (defaults, validators, plan modifiers)
//! to what Terraform sees; `to_wire` gives that part, `crate::protocol::schema`.
//! Construct schemas with the builder methods, not struct literals.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::modifiers::PlanModifier;
use super::validators::{ConfigValidator, Validator};
pub use crate::protocol::schema::Nesting;
use crate::protocol::schema as wire;
use crate::protocol::value::{fits_type, Type, Value};

/// The name of the `timeouts` block every resource may have (see `timeouts`).
pub const TIMEOUTS_BLOCK: &str = "timeouts";

#[derive(Debug, Clone)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

#[derive(Debug, Clone, Default)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    pub description: String,
    pub deprecated: bool,
    /// Checks over one instance of this block (e.g. "exactly one of a, b"),
    /// run by the framework for every instance, the resource's root included.
    pub validators: Vec<Arc<dyn ConfigValidator>>,
}

#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: String,
    pub ty: Type,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub deprecated: bool,
    /// Planned when the configuration leaves the attribute null. Setting it
    /// makes the attribute optional+computed, which is what lets a plan carry it.
    /// A default equal to the type's [zero value](zero_value) declares that
    /// the API cannot tell "unset" from zero (see [`Attribute::zero_default`]).
    pub default: Option<Value>,
    pub validators: Vec<Arc<dyn Validator>>,
    pub plan_modifiers: Vec<Arc<dyn PlanModifier>>,
}

#[derive(Debug, Clone)]
pub struct NestedBlock {
    pub type_name: String,
    pub block: Block,
    pub nesting: Nesting,
    pub min_items: i64,
    pub max_items: i64,
    /// Validators of the whole block value (the list, set, map or object).
    pub validators: Vec<Arc<dyn Validator>>,
    /// Only the requires-replace side of a modifier applies to blocks:
    /// a plan may not add, remove or reshape configured blocks.
    pub plan_modifiers: Vec<Arc<dyn PlanModifier>>,
}

impl Schema {
    pub fn new(version: i64, block: Block) -> Self {
        Schema { version, block }
    }

    /// This schema as `GetProviderSchema` sends it.
    pub fn to_wire(&self) -> wire::Schema {
        wire::Schema { version: self.version, block: self.block.to_wire() }
    }
}

impl Block {
    pub fn new() -> Self {
        Block::default()
    }

    pub fn description(mut self, text: &str) -> Self {
        self.description = text.to_string();
        self
    }

    pub fn attribute(mut self, attribute: Attribute) -> Self {
        self.attributes.push(attribute);
        self
    }

    pub fn block(mut self, block: NestedBlock) -> Self {
        self.blocks.push(block);
        self
    }

    pub fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    pub fn validator(mut self, validator: impl ConfigValidator + 'static) -> Self {
        self.validators.push(Arc::new(validator));
        self
    }

    pub fn find_attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn find_block(&self, name: &str) -> Option<&NestedBlock> {
        self.blocks.iter().find(|b| b.type_name == name)
    }

    /// The cty object type of a value of this block (attributes plus nested blocks).
    pub fn implied_type(&self) -> Type {
        self.to_wire().implied_type()
    }

    /// This block as Terraform sees it.
    pub fn to_wire(&self) -> wire::Block {
        wire::Block {
            attributes: self.attributes.iter().map(Attribute::to_wire).collect(),
            blocks: self.blocks.iter().map(NestedBlock::to_wire).collect(),
            description: self.description.clone(),
            deprecated: self.deprecated,
        }
    }
}

impl Attribute {
    /// This attribute as Terraform sees it.
    pub fn to_wire(&self) -> wire::Attribute {
        wire::Attribute {
            name: self.name.clone(),
            ty: self.ty.clone(),
            description: self.description.clone(),
            required: self.required,
            optional: self.optional,
            computed: self.computed,
            sensitive: self.sensitive,
            deprecated: self.deprecated,
        }
    }

    pub fn new(name: &str, ty: Type) -> Self {
        Attribute {
            name: name.to_string(),
            ty,
            description: String::new(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            deprecated: false,
            default: None,
            validators: Vec::new(),
            plan_modifiers: Vec::new(),
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }

    pub fn computed(mut self) -> Self {
        self.computed = true;
        self
    }

    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    pub fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    pub fn description(mut self, text: &str) -> Self {
        self.description = text.to_string();
        self
    }

    /// A value planned whenever the configuration leaves this attribute null.
    pub fn default(mut self, value: Value) -> Self {
        self.optional = true;
        self.computed = true;
        self.default = Some(value);
        self
    }

    /// An optional attribute whose unset value is its type's zero (`0`, `""`,
    /// `false`, empty collection), as SDKv2 providers store it: the same as
    /// `.default(zero)`. Configuring the zero, omitting the attribute, an
    /// import and a state written by the official provider then all hold the
    /// same value, so none of them shows a diff. Reads store the API's value
    /// as it is; the framework fills the zero where a read or an older state
    /// has null, accepts the zero whatever the validators say (it means
    /// "unset"), and combination rules count it as unset.
    pub fn zero_default(self) -> Self {
        let zero = zero_value(&self.ty).unwrap_or(Value::Null);
        self.default(zero)
    }

    /// True when the attribute defaults to its type's zero value.
    pub fn defaults_to_zero(&self) -> bool {
        self.default.is_some() && self.default == zero_value(&self.ty)
    }

    pub fn validator(mut self, validator: impl Validator + 'static) -> Self {
        self.validators.push(Arc::new(validator));
        self
    }

    pub fn plan_modifier(mut self, modifier: impl PlanModifier + 'static) -> Self {
        self.plan_modifiers.push(Arc::new(modifier));
        self
    }
}

/// The zero value of a primitive or collection type (what an SDKv2 provider
/// stores for an optional attribute nobody set); `None` for other types.
pub fn zero_value(ty: &Type) -> Option<Value> {
    Some(match ty {
        Type::String => Value::string(""),
        Type::Number => Value::int(0),
        Type::Bool => Value::Bool(false),
        Type::List(_) => Value::List(Vec::new()),
        Type::Set(_) => Value::Set(Vec::new()),
        Type::Map(_) => Value::Map(BTreeMap::new()),
        Type::Dynamic | Type::Object(_) | Type::Tuple(_) => return None,
    })
}

impl NestedBlock {
    pub fn new(type_name: &str, nesting: Nesting, block: Block) -> Self {
        NestedBlock {
            type_name: type_name.to_string(),
            block,
            nesting,
            min_items: 0,
            max_items: 0,
            validators: Vec::new(),
            plan_modifiers: Vec::new(),
        }
    }

    pub fn min_items(mut self, n: i64) -> Self {
        self.min_items = n;
        self
    }

    pub fn max_items(mut self, n: i64) -> Self {
        self.max_items = n;
        self
    }

    pub fn validator(mut self, validator: impl Validator + 'static) -> Self {
        self.validators.push(Arc::new(validator));
        self
    }

    pub fn plan_modifier(mut self, modifier: impl PlanModifier + 'static) -> Self {
        self.plan_modifiers.push(Arc::new(modifier));
        self
    }

    /// The cty type of this block's value inside its parent object.
    pub fn value_type(&self) -> Type {
        self.to_wire().value_type()
    }

    /// This nested block as Terraform sees it.
    pub fn to_wire(&self) -> wire::NestedBlock {
        wire::NestedBlock {
            type_name: self.type_name.clone(),
            block: self.block.to_wire(),
            nesting: self.nesting,
            min_items: self.min_items,
            max_items: self.max_items,
        }
    }
}

impl Schema {
    /// Everything Terraform would refuse in this schema (its `InternalValidate`
    /// rules) plus framework rules such as "a default must fit the type".
    /// Empty when the schema is sound; resources assert this in a unit test.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.version < 0 {
            problems.push(format!("schema version {} is negative", self.version));
        }
        block_problems(&self.block, "", &mut problems);
        problems
    }

    /// [`problems`](Schema::problems), plus the rule for a managed resource's
    /// state: every optional attribute says what an unset value is, either a
    /// default (usually [`Attribute::zero_default`]) or computed (the API
    /// fills it in). A plain optional attribute would be null after our apply
    /// but zero in an import or in a state the official provider wrote, and
    /// Terraform's plan rules make that difference a diff that cannot be
    /// planned away. The `timeouts` block is exempt: it is configuration only.
    pub fn resource_problems(&self) -> Vec<String> {
        let mut problems = self.problems();
        state_problems(&self.block, "", &mut problems);
        problems
    }
}

fn state_problems(block: &Block, prefix: &str, problems: &mut Vec<String>) {
    for a in block.attributes.iter().filter(|a| a.optional && !a.computed) {
        problems.push(format!(
            "{prefix}{}: an optional resource attribute needs a default (e.g. zero_default) or computed, or null and zero would differ",
            a.name
        ));
    }
    for b in block.blocks.iter().filter(|b| b.type_name != TIMEOUTS_BLOCK) {
        state_problems(&b.block, &format!("{prefix}{}.", b.type_name), problems);
    }
}

fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn block_problems(block: &Block, prefix: &str, problems: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    for a in &block.attributes {
        let name = format!("{prefix}{}", a.name);
        if !is_valid_name(&a.name) {
            problems.push(format!("{name}: invalid attribute name"));
        }
        if !seen.insert(a.name.as_str()) {
            problems.push(format!("{name}: declared twice"));
        }
        match (a.required, a.optional, a.computed) {
            (false, false, false) => problems.push(format!("{name}: must be required, optional or computed")),
            (true, true, _) => problems.push(format!("{name}: cannot be both required and optional")),
            (true, _, true) => problems.push(format!("{name}: cannot be both required and computed")),
            _ => {}
        }
        if let Some(default) = &a.default {
            if !fits_type(&a.ty, default) {
                problems.push(format!("{name}: default does not fit the attribute type"));
            }
        }
        if !a.computed && a.plan_modifiers.iter().any(|m| m.needs_computed()) {
            problems.push(format!("{name}: a modifier that changes the plan needs a computed attribute"));
        }
        for validator in a.validators.iter().filter(|v| !v.accepts(&a.ty)) {
            problems.push(format!("{name}: the validator \"{}\" cannot check a value of this type", validator.description()));
        }
    }
    for b in &block.blocks {
        let name = format!("{prefix}{}", b.type_name);
        if !is_valid_name(&b.type_name) {
            problems.push(format!("{name}: invalid block name"));
        }
        if !seen.insert(b.type_name.as_str()) {
            problems.push(format!("{name}: name used twice"));
        }
        if b.min_items < 0 || b.max_items < 0 {
            problems.push(format!("{name}: negative min_items or max_items"));
        }
        match b.nesting {
            Nesting::Single if b.min_items != b.max_items || b.max_items > 1 => {
                problems.push(format!("{name}: a SINGLE block needs min_items = max_items, 0 or 1"))
            }
            Nesting::Group | Nesting::Map if b.min_items != 0 || b.max_items != 0 => {
                problems.push(format!("{name}: GROUP and MAP blocks take no min_items/max_items"))
            }
            Nesting::List | Nesting::Set if b.max_items != 0 && b.min_items > b.max_items => {
                problems.push(format!("{name}: min_items is above max_items"))
            }
            _ => {}
        }
        block_problems(&b.block, &format!("{name}."), problems);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::modifiers::use_state_for_unknown;
    use crate::framework::validators::{key_value_tags, one_of};

    #[test]
    fn default_makes_an_attribute_optional_and_computed() {
        let a = Attribute::new("version", Type::String).default(Value::string("1.0.0"));
        assert!(a.optional && a.computed && !a.required);
        assert_eq!(a.default, Some(Value::string("1.0.0")));
    }

    #[test]
    fn zero_default_is_the_zero_of_the_type() {
        let cases = [
            (Type::String, Value::string("")),
            (Type::Number, Value::int(0)),
            (Type::Bool, Value::Bool(false)),
            (Type::Set(Box::new(Type::String)), Value::Set(vec![])),
            (Type::Map(Box::new(Type::String)), Value::Map(BTreeMap::new())),
        ];
        for (ty, zero) in cases {
            let a = Attribute::new("x", ty).zero_default();
            assert!(a.optional && a.computed && a.defaults_to_zero());
            assert_eq!(a.default, Some(zero));
        }
        assert!(!Attribute::new("x", Type::String).default(Value::string("spectro")).defaults_to_zero());
        // The spelling other resources use is the same declaration.
        assert!(Attribute::new("x", Type::Number).default(Value::int(0)).defaults_to_zero());
    }

    #[test]
    fn resource_attributes_say_what_unset_is() {
        let schema = Schema::new(
            0,
            Block::new()
                .attribute(Attribute::new("plain", Type::String).optional())
                .attribute(Attribute::new("zero", Type::String).zero_default())
                .attribute(Attribute::new("filled_by_the_api", Type::String).optional().computed())
                .block(NestedBlock::new("pack", Nesting::List, Block::new().attribute(Attribute::new("tag", Type::String).optional())))
                .block(crate::framework::timeouts::block(&[crate::framework::timeouts::Operation::Create])),
        );
        assert!(schema.problems().is_empty());
        let problems = schema.resource_problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("plain: an optional resource attribute needs a default"), "{problems:?}");
        assert!(problems[1].starts_with("pack.tag:"), "{problems:?}");
    }

    #[test]
    fn sound_schema_has_no_problems() {
        let schema = Schema::new(
            2,
            Block::new()
                .attribute(Attribute::new("id", Type::String).computed().plan_modifier(use_state_for_unknown()))
                .attribute(Attribute::new("name", Type::String).required())
                .block(
                    NestedBlock::new("config", Nesting::List, Block::new().attribute(Attribute::new("x", Type::Number).optional()))
                        .max_items(1),
                )
                .block(NestedBlock::new("timeouts", Nesting::Single, Block::new())),
        );
        assert_eq!(schema.problems(), Vec::<String>::new());
        assert_eq!(
            schema.block.find_block("config").unwrap().value_type(),
            Type::List(Box::new(Type::Object([("x".to_string(), Type::Number)].into_iter().collect())))
        );
    }

    #[test]
    fn problems_name_every_mistake() {
        let schema = Schema::new(
            -1,
            Block::new()
                .attribute(Attribute::new("neither", Type::String))
                .attribute(Attribute::new("both", Type::String).required().optional())
                .attribute(Attribute::new("Bad-Name", Type::String).optional())
                .attribute(Attribute::new("size", Type::Number).default(Value::string("big")))
                .attribute(Attribute::new("stable", Type::String).optional().plan_modifier(use_state_for_unknown()))
                .attribute(Attribute::new("count", Type::Number).optional().validator(one_of(&["a"])))
                .attribute(Attribute::new("tags", Type::Set(Box::new(Type::String))).optional().validator(key_value_tags()))
                .attribute(Attribute::new("twice", Type::String).optional())
                .block(NestedBlock::new("twice", Nesting::List, Block::new()))
                .block(NestedBlock::new("single", Nesting::Single, Block::new()).max_items(2))
                .block(NestedBlock::new("group", Nesting::Group, Block::new()).min_items(1))
                .block(
                    NestedBlock::new("list", Nesting::List, Block::new().attribute(Attribute::new("inner", Type::String)))
                        .min_items(3)
                        .max_items(2),
                ),
        );
        let problems = schema.problems();
        let expected = [
            "schema version -1 is negative",
            "neither: must be required, optional or computed",
            "both: cannot be both required and optional",
            "Bad-Name: invalid attribute name",
            "size: default does not fit the attribute type",
            "stable: a modifier that changes the plan needs a computed attribute",
            "count: the validator \"Must be one of `a`.\" cannot check a value of this type",
            "twice: name used twice",
            "single: a SINGLE block needs min_items = max_items, 0 or 1",
            "group: GROUP and MAP blocks take no min_items/max_items",
            "list: min_items is above max_items",
            "list.inner: must be required, optional or computed",
        ];
        assert_eq!(problems, expected);
    }
}
