//! Every example under `examples/` applies against palette-local, plans clean
//! afterwards, and destroys cleanly.

mod common;

use std::path::{Path, PathBuf};

use common::{example_path, PaletteLocal, Terraform};

/// The example configurations: one per resource and data source, and the demo.
fn examples() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for (kind, file) in [("resources", "resource.tf"), ("data-sources", "data-source.tf")] {
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
fn every_resource_and_data_source_example_applies() {
    let all = examples();
    assert!(all.len() >= 2, "examples found: {all:?}");
    for example in &all {
        eprintln!("applying {}", example.display());
        apply_plan_destroy(&[example], true);
    }
}

#[test]
fn the_demo_configuration_applies() {
    apply_plan_destroy(&[&example_path("demo/main.tf")], false);
}
