//! Embeds every `kb/*.toml` file into the binary (see `src/kb/embedded.rs`).
use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=kb");
    let mut files: Vec<_> = fs::read_dir("kb")
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from("&[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let abs = fs::canonicalize(f).expect("kb file path");
        let name = f.to_string_lossy().replace('\\', "/");
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
    }
    out.push(']');
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_kb.rs");
    fs::write(dest, out).unwrap();
}
