//! Writes the synthetic graph of the benchmarks (`benches/synth`) as one
//! `attache/1` file, for scripts that need a generated graph of a given size
//! (`scripts/formats-check.sh`, the export memory figures of
//! `graph-schema/formats.md`): `cargo run --release --example synth -- SCALE OUT`.
//! Scale 1 is about 9,000 nodes and 76,000 relations; 13 is about a million
//! relations.

#[path = "../benches/synth/mod.rs"]
mod synth;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(scale), Some(out)) = (args.next(), args.next()) else {
        eprintln!("usage: synth SCALE OUT.json");
        std::process::exit(2);
    };
    let scale: f64 = match scale.parse() {
        Ok(s) if s > 0.0 => s,
        _ => {
            eprintln!("synth: SCALE must be a positive number, not `{scale}`");
            std::process::exit(2);
        }
    };
    let w = synth::World::generate(scale);
    if let Err(e) = std::fs::write(&out, w.import_document()) {
        eprintln!("synth: cannot write {out}: {e}");
        std::process::exit(1);
    }
    eprintln!(
        "synth: {} nodes, {} relations written to {out}",
        w.nodes.len(),
        w.relations.len()
    );
}
