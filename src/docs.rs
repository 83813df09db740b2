//! The documentation pages in the Terraform registry layout, generated from the
//! schemas and the examples (`cargo run --bin gen-docs`).

use std::path::{Path, PathBuf};

use terraform_plugin::framework::docs::{render_data_source, render_ephemeral_resource, render_provider, render_resource};
use crate::registry;

const PROVIDER_DESCRIPTION: &str = "The Spectro Cloud provider manages Palette projects, cluster profiles, application profiles, cluster groups, virtual clusters and application deployments, and opens cluster kubeconfigs as ephemeral values (Terraform 1.10+). It is compatible with the official provider's resources, attributes, import IDs and environment variables.";

fn read(root: &Path, relative: &str) -> Option<String> {
    std::fs::read_to_string(root.join(relative)).ok()
}

/// The example of an example directory: its main file (which the tests apply),
/// followed by any other `.tf` files there (documented, not applied).
fn example(root: &Path, directory: &str, main_file: &str) -> Option<String> {
    let mut text = read(root, &format!("{directory}/{main_file}"))?;
    let mut extra: Vec<PathBuf> = std::fs::read_dir(root.join(directory))
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    extra.retain(|path| path.extension().is_some_and(|ext| ext == "tf") && !path.ends_with(main_file));
    extra.sort();
    for path in extra {
        if let Ok(more) = std::fs::read_to_string(&path) {
            text = format!("{}\n\n{more}", text.trim_end());
        }
    }
    Some(text)
}

/// Every page as (path relative to the repository root, contents).
pub fn pages(root: &Path) -> Vec<(PathBuf, String)> {
    let framework = registry::framework();
    let schemas = framework.definitions();
    let mut pages = vec![(
        PathBuf::from("docs/index.md"),
        render_provider("spectrocloud", &schemas.provider, PROVIDER_DESCRIPTION, read(root, "examples/provider/provider.tf").as_deref()),
    )];
    for (type_name, schema) in &schemas.resources {
        let short = type_name.trim_start_matches("spectrocloud_");
        let example = example(root, &format!("examples/resources/{type_name}"), "resource.tf");
        let import = read(root, &format!("examples/resources/{type_name}/import.sh"));
        let page = render_resource(type_name, schema, &schema.block.description, example.as_deref(), import.as_deref());
        pages.push((PathBuf::from(format!("docs/resources/{short}.md")), page));
    }
    for (type_name, schema) in &schemas.data_sources {
        let short = type_name.trim_start_matches("spectrocloud_");
        let example = example(root, &format!("examples/data-sources/{type_name}"), "data-source.tf");
        let page = render_data_source(type_name, schema, &schema.block.description, example.as_deref());
        pages.push((PathBuf::from(format!("docs/data-sources/{short}.md")), page));
    }
    for (type_name, schema) in &schemas.ephemeral_resources {
        let short = type_name.trim_start_matches("spectrocloud_");
        let example = example(root, &format!("examples/ephemeral-resources/{type_name}"), "ephemeral-resource.tf");
        let page = render_ephemeral_resource(type_name, schema, &schema.block.description, example.as_deref());
        pages.push((PathBuf::from(format!("docs/ephemeral-resources/{short}.md")), page));
    }
    pages
}
