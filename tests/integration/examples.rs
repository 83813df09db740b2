//! Every example under `examples/` applies against palette-local, plans clean
//! afterwards, and destroys cleanly.

use std::path::{Path, PathBuf};

use crate::support::{example_path, terraform_version, PaletteLocal, Terraform};

/// Ephemeral resources need Terraform 1.10.
const EPHEMERAL_RESOURCES: (u32, u32, u32) = (1, 10, 0);

/// The example configurations: one per resource, data source and (on
/// Terraform 1.10+) ephemeral resource.
fn examples() -> Vec<PathBuf> {
    let mut kinds = vec![("resources", "resource.tf"), ("data-sources", "data-source.tf")];
    if terraform_version() >= EPHEMERAL_RESOURCES {
        kinds.push(("ephemeral-resources", "ephemeral-resource.tf"));
    } else {
        eprintln!("skipping the ephemeral resource examples: Terraform {:?} is older than 1.10", terraform_version());
    }
    let mut found = Vec::new();
    for (kind, file) in kinds {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(example_path(kind)).unwrap().map(|e| e.unwrap().path()).collect();
        dirs.sort();
        found.extend(dirs.into_iter().map(|d| d.join(file)).filter(|f| f.exists()));
    }
    found
}

fn apply_plan_destroy(files: &[&Path], with_header: bool) {
    let palette = PaletteLocal::start_with(&["--provision-seconds", "1", "--delete-seconds", "1", "--pause-seconds", "1"]);
    let tf = Terraform::new(&palette);
    let body: String = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect::<Vec<_>>().join("\n");
    if with_header {
        tf.config(&body);
    } else {
        tf.config_raw(&body);
    }
    tf.apply();
    tf.assert_clean_plan();
    tf.destroy();
}

#[test]
fn every_resource_data_source_and_ephemeral_resource_example_applies() {
    let all = examples();
    assert!(all.len() >= 2, "examples found: {all:?}");
    for example in &all {
        eprintln!("applying {}", example.display());
        apply_plan_destroy(&[example], true);
    }
}

#[test]
fn the_demo_configuration_applies() {
    apply_plan_destroy(&[&example_path("demo/main.tf"), &example_path("demo/app.tf")], false);
}
