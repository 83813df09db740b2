//! Markdown documentation from schemas, in the Terraform registry layout
//! (`docs/index.md`, `docs/resources/*.md`, `docs/data-sources/*.md`,
//! `docs/ephemeral-resources/*.md`).
//!
//! Every attribute line says its type and flags, its description, its
//! default, and what its validators and plan modifiers enforce (each has a
//! `description()` for this). Nested blocks get their own anchored sections.

use std::fmt::Write;

use super::conform::number_text;
use super::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use crate::protocol::value::{Type, Value};

/// The page of a managed resource. `import_text` holds shell lines such as
/// `terraform import spectrocloud_project.example <uid>`.
pub fn render_resource(
    type_name: &str,
    schema: &Schema,
    description: &str,
    example_hcl: Option<&str>,
    import_text: Option<&str>,
) -> String {
    let mut page =
        page_head(&format!("{type_name} Resource - {}", binary_name(type_name)), &format!("{type_name} (Resource)"), description);
    push_example(&mut page, example_hcl);
    push_schema(&mut page, &schema.block);
    if let Some(import) = import_text {
        let _ = write!(page, "## Import\n\nImport is supported using the following syntax:\n\n```shell\n{}\n```\n", import.trim_end());
    }
    page
}

/// The page of a data source.
pub fn render_data_source(type_name: &str, schema: &Schema, description: &str, example_hcl: Option<&str>) -> String {
    render_without_import("Data Source", type_name, schema, description, example_hcl)
}

/// The page of an ephemeral resource.
pub fn render_ephemeral_resource(type_name: &str, schema: &Schema, description: &str, example_hcl: Option<&str>) -> String {
    render_without_import("Ephemeral Resource", type_name, schema, description, example_hcl)
}

fn render_without_import(kind: &str, type_name: &str, schema: &Schema, description: &str, example_hcl: Option<&str>) -> String {
    let mut page = page_head(&format!("{type_name} {kind} - {}", binary_name(type_name)), &format!("{type_name} ({kind})"), description);
    push_example(&mut page, example_hcl);
    push_schema(&mut page, &schema.block);
    page
}

/// The provider's index page.
pub fn render_provider(provider_name: &str, schema: &Schema, description: &str, example_hcl: Option<&str>) -> String {
    let title = format!("{provider_name} Provider");
    let mut page = page_head(&title, &title, description);
    push_example(&mut page, example_hcl);
    push_schema(&mut page, &schema.block);
    page
}

fn binary_name(type_name: &str) -> String {
    let provider = type_name.split('_').next().unwrap_or(type_name);
    format!("terraform-provider-{provider}")
}

fn page_head(page_title: &str, heading: &str, description: &str) -> String {
    let description = description.trim();
    let mut page = String::from("---\n");
    let _ = writeln!(page, "page_title: \"{page_title}\"");
    page.push_str("subcategory: \"\"\ndescription: |-\n");
    for line in description.lines() {
        let _ = writeln!(page, "  {line}");
    }
    let _ = write!(page, "---\n\n# {heading}\n\n");
    if !description.is_empty() {
        let _ = writeln!(page, "{description}\n");
    }
    page
}

fn push_example(page: &mut String, example_hcl: Option<&str>) {
    if let Some(example) = example_hcl {
        let _ = writeln!(page, "## Example Usage\n\n```terraform\n{}\n```\n", example.trim_end());
    }
}

/// Which list a member goes into.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Required,
    Optional,
    ReadOnly,
}

impl Section {
    const ALL: [Section; 3] = [Section::Required, Section::Optional, Section::ReadOnly];

    fn title(self) -> &'static str {
        match self {
            Section::Required => "Required",
            Section::Optional => "Optional",
            Section::ReadOnly => "Read-Only",
        }
    }
}

/// One documented line: its name (for sorting), section and text.
struct Entry {
    name: String,
    section: Section,
    line: String,
}

fn push_schema(page: &mut String, block: &Block) {
    page.push_str("## Schema\n\n");
    push_block_rules(page, block);
    let mut nested_sections = Vec::new();
    push_members(page, block, "", "###", &mut nested_sections);
    for (anchor, path, nested) in nested_sections {
        push_nested_block(page, &anchor, &path, nested);
    }
}

fn push_block_rules(page: &mut String, block: &Block) {
    for validator in &block.validators {
        let _ = writeln!(page, "{}\n", validator.description());
    }
}

fn push_nested_block(page: &mut String, anchor: &str, path: &str, nested: &NestedBlock) {
    let _ = write!(page, "<a id=\"{anchor}\"></a>\n### Nested Schema for `{path}`\n\n");
    push_block_rules(page, &nested.block);
    let mut deeper = Vec::new();
    push_members(page, &nested.block, &format!("{path}."), "", &mut deeper);
    for (anchor, path, nested) in deeper {
        push_nested_block(page, &anchor, &path, nested);
    }
}

/// Lists the block's attributes and nested blocks by section, sorted by name,
/// and collects the nested blocks to document after them. `heading` is `###`
/// at the top level (sections are headings) and empty inside nested sections
/// (sections are `Required:` lines).
fn push_members<'a>(
    page: &mut String,
    block: &'a Block,
    path_prefix: &str,
    heading: &str,
    nested_sections: &mut Vec<(String, String, &'a NestedBlock)>,
) {
    let mut entries: Vec<Entry> = block.attributes.iter().map(attribute_entry).collect();
    for nested in &block.blocks {
        let path = format!("{path_prefix}{}", nested.type_name);
        let anchor = format!("nestedblock--{}", path.replace('.', "--"));
        entries.push(block_entry(nested, &anchor));
        nested_sections.push((anchor, path, nested));
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    nested_sections.sort_by(|a, b| a.1.cmp(&b.1));
    for section in Section::ALL {
        let lines: Vec<&str> = entries.iter().filter(|e| e.section == section).map(|e| e.line.as_str()).collect();
        if lines.is_empty() {
            continue;
        }
        if heading.is_empty() {
            let _ = write!(page, "{}:\n\n", section.title());
        } else {
            let _ = write!(page, "{heading} {}\n\n", section.title());
        }
        for line in lines {
            let _ = writeln!(page, "{line}");
        }
        page.push('\n');
    }
}

fn attribute_entry(attr: &Attribute) -> Entry {
    let section = if attr.required {
        Section::Required
    } else if attr.optional {
        Section::Optional
    } else {
        Section::ReadOnly
    };
    let mut flags = vec![type_label(&attr.ty)];
    if attr.sensitive {
        flags.push("Sensitive".to_string());
    }
    if attr.deprecated {
        flags.push("Deprecated".to_string());
    }
    let mut sentences = vec![attr.description.trim().to_string()];
    if let Some(default) = &attr.default {
        sentences.push(format!("Defaults to `{}`.", hcl(default)));
    }
    sentences.extend(attr.validators.iter().map(|v| v.description()));
    sentences.extend(attr.plan_modifiers.iter().map(|m| m.description()));
    Entry { name: attr.name.clone(), section, line: entry_line(&attr.name, &flags, &sentences) }
}

fn block_entry(nested: &NestedBlock, anchor: &str) -> Entry {
    let section = if nested.min_items > 0 { Section::Required } else { Section::Optional };
    let mut kind = match nested.nesting {
        Nesting::Single | Nesting::Group => "Block".to_string(),
        Nesting::List => "Block List".to_string(),
        Nesting::Set => "Block Set".to_string(),
        Nesting::Map => "Block Map".to_string(),
    };
    if matches!(nested.nesting, Nesting::List | Nesting::Set) {
        if nested.min_items > 0 {
            let _ = write!(kind, ", Min: {}", nested.min_items);
        }
        if nested.max_items > 0 {
            let _ = write!(kind, ", Max: {}", nested.max_items);
        }
    } else if nested.nesting == Nesting::Single {
        kind.push_str(if nested.min_items > 0 { ", Required" } else { ", Optional" });
    }
    let mut flags = vec![kind];
    if nested.block.deprecated {
        flags.push("Deprecated".to_string());
    }
    let mut sentences = vec![nested.block.description.trim().to_string()];
    sentences.extend(nested.validators.iter().map(|v| v.description()));
    sentences.extend(nested.plan_modifiers.iter().map(|m| m.description()));
    sentences.push(format!("(see [below for nested schema](#{anchor}))"));
    Entry { name: nested.type_name.clone(), section, line: entry_line(&nested.type_name, &flags, &sentences) }
}

fn entry_line(name: &str, flags: &[String], sentences: &[String]) -> String {
    let text: Vec<&str> = sentences.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
    let mut line = format!("- `{name}` ({})", flags.join(", "));
    if !text.is_empty() {
        line.push(' ');
        line.push_str(&text.join(" "));
    }
    line
}

fn type_label(ty: &Type) -> String {
    match ty {
        Type::String => "String".into(),
        Type::Number => "Number".into(),
        Type::Bool => "Boolean".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(t) => format!("List of {}", type_label(t)),
        Type::Set(t) => format!("Set of {}", type_label(t)),
        Type::Map(t) => format!("Map of {}", type_label(t)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

/// A value written as HCL, for defaults.
fn hcl(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Unknown(_) => "(known after apply)".into(),
        Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        Value::Number(n) => number_text(n),
        Value::Bool(b) => b.to_string(),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            format!("[{}]", items.iter().map(hcl).collect::<Vec<_>>().join(", "))
        }
        Value::Map(items) | Value::Object(items) => {
            format!("{{ {} }}", items.iter().map(|(k, v)| format!("{k} = {}", hcl(v))).collect::<Vec<_>>().join(", "))
        }
        Value::Dynamic(_, inner) => hcl(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::modifiers::{requires_replace, use_state_for_unknown};
    use crate::framework::timeouts::{self, Operation};
    use crate::framework::validators::{conflicts_with, key_value_tags, one_of};

    fn profile_schema() -> Schema {
        let manifest = Block::new()
            .attribute(Attribute::new("name", Type::String).required().description("Manifest name."))
            .attribute(Attribute::new("uid", Type::String).computed());
        let pack = Block::new()
            .description("A pack of the profile.")
            .attribute(Attribute::new("name", Type::String).required())
            .attribute(Attribute::new("registry_uid", Type::String).optional())
            .attribute(Attribute::new("registry_name", Type::String).optional())
            .validator(conflicts_with("registry_uid", "registry_name"))
            .block(NestedBlock::new("manifest", Nesting::List, manifest));
        Schema::new(
            0,
            Block::new()
                .attribute(Attribute::new("id", Type::String).computed().plan_modifier(use_state_for_unknown()))
                .attribute(Attribute::new("name", Type::String).required().description("Name of the profile."))
                .attribute(
                    Attribute::new("type", Type::String)
                        .default(Value::string("add-on"))
                        .validator(one_of(&["add-on", "cluster"]))
                        .plan_modifier(requires_replace())
                        .description("Profile type."),
                )
                .attribute(Attribute::new("tags", Type::Set(Box::new(Type::String))).optional().validator(key_value_tags()))
                .attribute(Attribute::new("kubeconfig", Type::String).computed().sensitive())
                .block(NestedBlock::new("pack", Nesting::List, pack))
                .block(
                    NestedBlock::new("config", Nesting::List, Block::new().attribute(Attribute::new("values", Type::String).optional()))
                        .min_items(1)
                        .max_items(1),
                )
                .block(timeouts::block(&[Operation::Create, Operation::Delete])),
        )
    }

    #[test]
    fn resource_page_layout() {
        let page = render_resource(
            "spectrocloud_cluster_profile",
            &profile_schema(),
            "Create and manage cluster profiles.",
            Some("resource \"spectrocloud_cluster_profile\" \"p\" {\n  name = \"p\"\n}\n"),
            Some("terraform import spectrocloud_cluster_profile.p uid:project"),
        );
        let expected = r#"---
page_title: "spectrocloud_cluster_profile Resource - terraform-provider-spectrocloud"
subcategory: ""
description: |-
  Create and manage cluster profiles.
---

# spectrocloud_cluster_profile (Resource)

Create and manage cluster profiles.

## Example Usage

```terraform
resource "spectrocloud_cluster_profile" "p" {
  name = "p"
}
```

## Schema

### Required

- `config` (Block List, Min: 1, Max: 1) (see [below for nested schema](#nestedblock--config))
- `name` (String) Name of the profile.

### Optional

- `pack` (Block List) A pack of the profile. (see [below for nested schema](#nestedblock--pack))
- `tags` (Set of String) Each tag is `key` or `key:value`; the value may contain further colons.
- `timeouts` (Block, Optional) (see [below for nested schema](#nestedblock--timeouts))
- `type` (String) Profile type. Defaults to `"add-on"`. Must be one of `add-on`, `cluster`. Changing this value replaces the resource.

### Read-Only

- `id` (String) The value does not change once the resource exists.
- `kubeconfig` (String, Sensitive)

<a id="nestedblock--config"></a>
### Nested Schema for `config`

Optional:

- `values` (String)

<a id="nestedblock--pack"></a>
### Nested Schema for `pack`

Only one of `registry_uid`, `registry_name` may be set.

Required:

- `name` (String)

Optional:

- `manifest` (Block List) (see [below for nested schema](#nestedblock--pack--manifest))
- `registry_name` (String)
- `registry_uid` (String)

<a id="nestedblock--pack--manifest"></a>
### Nested Schema for `pack.manifest`

Required:

- `name` (String) Manifest name.

Read-Only:

- `uid` (String)

<a id="nestedblock--timeouts"></a>
### Nested Schema for `timeouts`

Optional:

- `create` (String) Must be a duration such as `30s`, `10m` or `1h30m`.
- `delete` (String) Must be a duration such as `30s`, `10m` or `1h30m`.

## Import

Import is supported using the following syntax:

```shell
terraform import spectrocloud_cluster_profile.p uid:project
```
"#;
        assert_eq!(page, expected);
    }

    #[test]
    fn data_source_and_provider_pages() {
        let schema = Schema::new(
            0,
            Block::new()
                .attribute(Attribute::new("name", Type::String).optional())
                .attribute(Attribute::new("id", Type::String).optional().computed()),
        );
        let page = render_data_source("spectrocloud_project", &schema, "Look up a project.", None);
        assert!(page.starts_with("---\npage_title: \"spectrocloud_project Data Source - terraform-provider-spectrocloud\"\n"));
        assert!(page.contains("# spectrocloud_project (Data Source)\n"));
        assert!(page.contains("### Optional\n\n- `id` (String)\n- `name` (String)\n"));
        assert!(!page.contains("## Example Usage"));
        assert!(!page.contains("## Import"));
        let page = render_ephemeral_resource("spectrocloud_cluster_kubeconfig", &schema, "A kubeconfig.", Some("ephemeral \"x\" \"y\" {}"));
        assert!(page.starts_with("---\npage_title: \"spectrocloud_cluster_kubeconfig Ephemeral Resource - terraform-provider-spectrocloud\"\n"));
        assert!(page.contains("# spectrocloud_cluster_kubeconfig (Ephemeral Resource)\n") && page.contains("## Example Usage"));

        let provider = Schema::new(
            0,
            Block::new()
                .attribute(Attribute::new("api_key", Type::String).optional().sensitive().description("The API key."))
                .attribute(Attribute::new("retry_attempts", Type::Number).default(Value::int(10))),
        );
        let page = render_provider("spectrocloud", &provider, "Line one.\nLine two.", Some("provider \"spectrocloud\" {}"));
        assert!(page.starts_with("---\npage_title: \"spectrocloud Provider\"\nsubcategory: \"\"\ndescription: |-\n  Line one.\n  Line two.\n---\n\n# spectrocloud Provider\n"));
        assert!(page.contains("- `api_key` (String, Sensitive) The API key.\n- `retry_attempts` (Number) Defaults to `10`.\n"));
        assert!(page.contains("```terraform\nprovider \"spectrocloud\" {}\n```\n"));
    }

    #[test]
    fn hcl_defaults() {
        assert_eq!(hcl(&Value::string("a\"b")), "\"a\\\"b\"");
        assert_eq!(hcl(&Value::List(vec![Value::int(1), Value::Bool(true)])), "[1, true]");
        assert_eq!(hcl(&Value::Map([("k".to_string(), Value::string("v"))].into_iter().collect())), "{ k = \"v\" }");
    }
}
