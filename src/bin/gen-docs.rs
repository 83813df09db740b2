//! Writes the registry-layout documentation pages under `docs/` from the
//! provider's schemas and the examples under `examples/`.

use std::path::Path;

fn main() -> anyhow::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (relative, contents) in spectrocloud::docs::pages(root) {
        let path = root.join(&relative);
        std::fs::create_dir_all(path.parent().expect("pages live in a directory"))?;
        std::fs::write(&path, contents)?;
        println!("wrote {}", relative.display());
    }
    Ok(())
}
