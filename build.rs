//! Embeds every `seed-data/*.json` file in the binary (see `import::SEED`), so
//! `attache serve` can load the seed on a fresh machine with no files around it.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seed-data");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_else(|e| panic!("cannot read the seed data in {}: {e}", dir.display()));
    files.sort();
    assert!(!files.is_empty(), "no seed data in {}", dir.display());
    let mut out = String::from("&[\n");
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = format!("seed-data/{}", f.file_name().unwrap().to_string_lossy());
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            f.display().to_string()
        )
        .unwrap();
    }
    out.push(']');
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("seed_files.rs");
    std::fs::write(target, out).unwrap();
}
