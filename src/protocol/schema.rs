//! The protocol form of `framework::schema` (what `GetProviderSchema` sends).
//! Nested blocks are sent as blocks, never as nested attributes, which
//! Terraform 1.0 mishandles.

use super::generated::tfplugin6::{schema, Schema as ProtoSchema, StringKind};
use super::types::type_to_json_bytes;
use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};

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
    use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
    use crate::protocol::value::Type;

    #[test]
    fn blocks_attributes_and_nesting_are_carried_over() {
        let timeouts = Block::new().attribute(Attribute::new("create", Type::String).optional());
        let schema = Schema::new(
            2,
            Block::new()
                .description("A project.")
                .attribute(Attribute::new("id", Type::String).computed())
                .attribute(Attribute::new("tags", Type::Set(Box::new(Type::String))).optional().sensitive())
                .block(NestedBlock::new("timeouts", Nesting::Single, timeouts).max_items(1)),
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
