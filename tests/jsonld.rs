//! JSON-LD through the `attache` binary and the server (issue 15): export →
//! import → export of the seed data and of a generated graph gives the same
//! file and the same records; the server serves the context the export
//! names; a bad file is refused naming file, line, record and term, and
//! nothing is written.

#[path = "../benches/synth/mod.rs"]
mod synth;

mod common;

use std::path::{Path, PathBuf};

use common::{attache, text, TestServer};

/// A store holding the seed data, or (`generated`) a small synthetic graph.
fn store(dir: &Path, name: &str, generated: bool) -> PathBuf {
    let data = dir.join(name);
    let input = if generated {
        let file = dir.join(format!("{name}-synth.json"));
        std::fs::write(&file, synth::World::generate(0.02).import_document()).unwrap();
        file
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("seed-data")
    };
    let out = attache(&data, &["import", "--no-seed", input.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    data
}

fn export(data: &Path, format: &str, out: &Path) {
    let o = attache(
        data,
        &["export", "--format", format, "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
}

fn import(data: &Path, file: &Path) -> std::process::Output {
    let args = ["import", "--no-seed", "--format", "jsonld"];
    let mut args = args.to_vec();
    args.push(file.to_str().unwrap());
    attache(data, &args)
}

/// Export as JSON-LD → import into a new store → export again: the same
/// JSON-LD file, and the same `attache/1` export (conflicts and redirects
/// included).
fn round_trip(generated: bool) {
    let dir = tempfile::tempdir().unwrap();
    let a = store(dir.path(), "a", generated);
    let first = dir.path().join("first.jsonld");
    export(&a, "jsonld", &first);
    let b = dir.path().join("b");
    let o = import(&b, &first);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let second = dir.path().join("second.jsonld");
    export(&b, "jsonld", &second);
    assert_eq!(
        std::fs::read_to_string(&first).unwrap(),
        std::fs::read_to_string(&second).unwrap()
    );
    let (ra, rb) = (dir.path().join("a.json"), dir.path().join("b.json"));
    export(&a, "attache", &ra);
    export(&b, "attache", &rb);
    assert_eq!(
        std::fs::read_to_string(&ra).unwrap(),
        std::fs::read_to_string(&rb).unwrap()
    );
}

#[test]
fn json_ld_round_trips_the_seed_data() {
    round_trip(false);
}

#[test]
fn json_ld_round_trips_a_generated_graph() {
    round_trip(true);
}

#[test]
fn a_json_ld_file_with_a_bad_record_is_refused_with_file_line_record_and_term_and_nothing_is_written(
) {
    let dir = tempfile::tempdir().unwrap();
    let a = store(dir.path(), "a", false);
    let file = dir.path().join("bad.jsonld");
    export(&a, "jsonld", &file);
    let good = std::fs::read_to_string(&file).unwrap();
    // Line 3 is the first node: give it a term no record takes.
    let mut lines: Vec<String> = good.lines().map(str::to_owned).collect();
    let id = serde_json::from_str::<serde_json::Value>(lines[2].trim_end_matches(',')).unwrap()
        ["@id"]
        .as_str()
        .unwrap()
        .to_owned();
    lines[2] = lines[2].replacen("{", "{\"nickname\": \"x\", ", 1);
    std::fs::write(&file, lines.join("\n")).unwrap();
    let b = dir.path().join("b");
    let o = import(&b, &file);
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(err.contains("bad.jsonld:3"), "{err}");
    assert!(err.contains(&id) && err.contains("nickname"), "{err}");
    let o = attache(&b, &["export"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["nodes"], serde_json::json!([]));
}

#[tokio::test]
async fn the_server_serves_the_context_the_export_names() {
    let s = TestServer::empty().await;
    // No token: the context is public, as the vocabulary it names.
    let r = reqwest::get(format!("{}/context.jsonld", s.url))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/ld+json");
    let served: serde_json::Value = r.json().await.unwrap();
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("graph-schema/context.jsonld"),
    )
    .unwrap();
    let committed: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(served, committed);
    assert_eq!(
        served["@context"]["av"],
        attache::formats::jsonld::VOCAB,
        "the vocabulary the export uses"
    );
}
