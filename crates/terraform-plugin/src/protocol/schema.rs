//! The wire form of a schema: what `GetProviderSchema` sends, and the types
//! values are decoded with. Plain data; the framework builds it from its own
//! schemas (which add defaults, validators and plan modifiers). Nested blocks
//! are sent as blocks, never as nested attributes, which Terraform 1.0 mishandles.

use std::collections::BTreeMap;

use super::generated::tfplugin6::{schema, Schema as ProtoSchema, StringKind};
use super::types::type_to_json_bytes;
use super::value::Type;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    pub description: String,
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub ty: Type,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub deprecated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    Single,
    Group,
    List,
    Set,
    Map,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NestedBlock {
    pub type_name: String,
    pub block: Block,
    pub nesting: Nesting,
    pub min_items: i64,
    pub max_items: i64,
}

impl Attribute {
    /// An attribute with every flag off.
    pub fn new(name: &str, ty: Type) -> Self {
        Attribute { name: name.to_string(), ty, description: String::new(), required: false, optional: false, computed: false, sensitive: false, deprecated: false }
    }
}

impl Block {
    /// The object type of this block's values.
    pub fn implied_type(&self) -> Type {
        let mut members = BTreeMap::new();
        for a in &self.attributes {
            members.insert(a.name.clone(), a.ty.clone());
        }
        for b in &self.blocks {
            members.insert(b.type_name.clone(), b.value_type());
        }
        Type::Object(members)
    }
}

impl NestedBlock {
    /// The type of this block's value inside its parent object.
    pub fn value_type(&self) -> Type {
        let inner = self.block.implied_type();
        match self.nesting {
            Nesting::Single | Nesting::Group => inner,
            Nesting::List => Type::List(Box::new(inner)),
            Nesting::Set => Type::Set(Box::new(inner)),
            Nesting::Map => Type::Map(Box::new(inner)),
        }
    }
}

pub fn schema_to_proto(schema: &Schema) -> ProtoSchema {
    ProtoSchema { version: schema.version, block: Some(block_to_proto(&schema.block)) }
}

fn block_to_proto(block: &Block) -> schema::Block {
    schema::Block {
        attributes: block.attributes.iter().map(attribute_to_proto).collect(),
        block_types: block.blocks.iter().map(nested_block_to_proto).collect(),
        description: block.description.clone(),
        description_kind: StringKind::Plain.into(),
        deprecated: block.deprecated,
        ..Default::default()
    }
}

fn attribute_to_proto(attribute: &Attribute) -> schema::Attribute {
    schema::Attribute {
        name: attribute.name.clone(),
        r#type: type_to_json_bytes(&attribute.ty),
        description: attribute.description.clone(),
        required: attribute.required,
        optional: attribute.optional,
        computed: attribute.computed,
        sensitive: attribute.sensitive,
        description_kind: StringKind::Plain.into(),
        deprecated: attribute.deprecated,
        ..Default::default()
    }
}

fn nested_block_to_proto(nested: &NestedBlock) -> schema::NestedBlock {
    use schema::nested_block::NestingMode;
    let nesting = match nested.nesting {
        Nesting::Single => NestingMode::Single,
        Nesting::Group => NestingMode::Group,
        Nesting::List => NestingMode::List,
        Nesting::Set => NestingMode::Set,
        Nesting::Map => NestingMode::Map,
    };
    schema::NestedBlock {
        type_name: nested.type_name.clone(),
        block: Some(block_to_proto(&nested.block)),
        nesting: nesting.into(),
        min_items: nested.min_items,
        max_items: nested.max_items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_attributes_and_nesting_are_carried_over() {
        let timeouts = Block { attributes: vec![Attribute { optional: true, ..Attribute::new("create", Type::String) }], ..Block::default() };
        let schema = Schema {
            version: 2,
            block: Block {
                description: "A project.".to_string(),
                attributes: vec![
                    Attribute { computed: true, ..Attribute::new("id", Type::String) },
                    Attribute { optional: true, sensitive: true, ..Attribute::new("tags", Type::Set(Box::new(Type::String))) },
                ],
                blocks: vec![NestedBlock { type_name: "timeouts".to_string(), block: timeouts, nesting: Nesting::Single, min_items: 0, max_items: 1 }],
                deprecated: false,
            },
        };
        assert_eq!(
            schema.block.implied_type(),
            Type::Object(BTreeMap::from([
                ("id".to_string(), Type::String),
                ("tags".to_string(), Type::Set(Box::new(Type::String))),
                ("timeouts".to_string(), Type::Object(BTreeMap::from([("create".to_string(), Type::String)]))),
            ]))
        );
        let proto = schema_to_proto(&schema);
        assert_eq!(proto.version, 2);
        let block = proto.block.unwrap();
        assert_eq!(block.description, "A project.");
        assert_eq!(block.attributes.len(), 2);
        let tags = &block.attributes[1];
        assert_eq!((tags.name.as_str(), tags.optional, tags.sensitive, tags.required), ("tags", true, true, false));
        assert_eq!(tags.r#type, br#"["set","string"]"#);
        let timeouts = &block.block_types[0];
        assert_eq!(timeouts.nesting(), schema::nested_block::NestingMode::Single);
        assert_eq!(timeouts.max_items, 1);
        assert_eq!(timeouts.block.as_ref().unwrap().attributes[0].name, "create");
    }
}
