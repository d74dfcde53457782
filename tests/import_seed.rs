//! `attache import` into a store that has never been written to loads the
//! built-in seed data with the files, as `attache serve` would, so a report
//! may name the seed's states, offices and sources; `--no-seed` leaves it out.

use std::path::Path;

mod common;
use common::{attache, text};

/// One attendance at the seed meeting, by a person the seed does not know,
/// citing a seed source.
const REPORT: &str = r#"{
  "format": "attache/1",
  "nodes": [
    { "id": "person:test-delegate", "name": "Test Delegate",
      "citations": [{ "source": "source:kazinform-sco-prosecutors-general-astana", "locator": "¶1" }] }
  ],
  "relations": [
    { "id": "rel:test-delegate-attended-pg20", "kind": "attended",
      "from": "person:test-delegate", "to": "meeting:sco-prosecutors-general-20",
      "on_behalf_of": "state:kz",
      "citations": [{ "source": "source:kazinform-sco-prosecutors-general-astana", "locator": "¶1" }] }
  ]
}
"#;

fn write_report(dir: &Path) -> String {
    let file = dir.join("report.json");
    std::fs::write(&file, REPORT).unwrap();
    file.to_str().unwrap().to_owned()
}

#[test]
fn import_into_a_new_store_loads_the_seed_with_the_files_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_report(dir.path());
    let data = dir.path().join("store");
    let out = attache(&data, &["import", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("built-in seed data"), "{err}");
    assert!(err.contains("--no-seed"), "{err}");
    let export = text(&attache(&data, &["export"]).stdout);
    assert!(export.contains("\"person:berik-asylov\""));
    assert!(export.contains("\"person:test-delegate\""));
}

#[test]
fn import_into_a_store_already_written_to_does_not_load_the_seed() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_report(dir.path());
    let data = dir.path().join("store");
    assert!(attache(&data, &["import", &file]).status.success());
    let again = attache(&data, &["import", &file]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(!text(&again.stderr).contains("seed data"));
    assert!(
        text(&again.stdout).starts_with("2 records: 0 created"),
        "{}",
        text(&again.stdout)
    );
}

#[test]
fn a_failed_import_into_a_new_store_leaves_it_new() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, REPORT.replace("\"state:kz\"", "\"state:nowhere\"")).unwrap();
    let data = dir.path().join("store");
    let out = attache(&data, &["import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("`state:nowhere` does not exist"));
    let export = text(&attache(&data, &["export"]).stdout);
    assert!(!export.contains("person:berik-asylov"), "{export}");
}

#[test]
fn import_with_no_seed_into_a_new_store_names_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_report(dir.path());
    let data = dir.path().join("store");
    let out = attache(&data, &["import", "--no-seed", &file]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("`meeting:sco-prosecutors-general-20` does not exist"),
        "{err}"
    );
    assert!(!err.contains("built-in seed data"), "{err}");
}
