//! The committed documentation matches what `cargo run --bin gen-docs` writes.

use std::path::Path;

#[test]
fn committed_docs_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for (relative, expected) in spectrocloud::docs::pages(root) {
        if std::fs::read_to_string(root.join(&relative)).ok().as_deref() != Some(expected.as_str()) {
            stale.push(relative.display().to_string());
        }
    }
    assert!(stale.is_empty(), "stale docs pages (run `cargo run --bin gen-docs`): {stale:?}");
}

#[test]
fn every_resource_and_data_source_has_an_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (relative, page) in spectrocloud::docs::pages(root) {
        assert!(page.contains("## Example Usage"), "{} has no example under examples/", relative.display());
    }
}
