//! `attache log` on a real store: lists change sets newest first (filtered by
//! number, actor and record), shows one with its records, exports them as
//! JSON lines, and compacts the log without touching the records.

mod common;
use common::{attache, text};

use serde_json::{json, Value};

/// A store with three imports: ana adds person:a, bob adds person:b, ana
/// renames person:a. Returns the temp dir (kept alive) and the store path.
fn three_imports() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let doc = |nodes: Value| json!({ "format": "attache/1", "nodes": nodes }).to_string();
    let person = |id: &str, name: &str| json!({ "id": id, "name": name, "citations": [{ "source": "source:s" }] });
    let files = [
        (
            "ana",
            "first",
            doc(json!([{ "id": "source:s", "name": "S" }, person("person:a", "A")])),
        ),
        ("bob", "second", doc(json!([person("person:b", "B")]))),
        ("ana", "rename", doc(json!([person("person:a", "A2")]))),
    ];
    for (n, (actor, comment, body)) in files.iter().enumerate() {
        let file = dir.path().join(format!("f{n}.json"));
        std::fs::write(&file, body).unwrap();
        let mut args = vec![
            "import",
            "--no-seed",
            "--actor",
            actor,
            "--comment",
            comment,
        ];
        if n == 2 {
            args.push("--replace");
        }
        args.push(file.to_str().unwrap());
        let out = attache(&data, &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    (dir, data)
}

/// The change set numbers `attache log ARGS` lists, in its order.
fn listed(data: &std::path::Path, args: &[&str]) -> Vec<u64> {
    let mut all = vec!["log"];
    all.extend_from_slice(args);
    let out = attache(data, &all);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect()
}

#[test]
fn log_lists_change_sets_newest_first_with_who_and_why() {
    let (_dir, data) = three_imports();
    let out = text(&attache(&data, &["log"]).stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].trim_start().starts_with("3  "), "{out}");
    assert!(
        lines[0].contains("  ana  import  1 record(s)  — rename"),
        "{out}"
    );
    assert!(
        lines[2].contains("  ana  import  2 record(s)  — first"),
        "{out}"
    );
}

#[test]
fn log_filters_by_number_actor_and_record_and_limits() {
    let (_dir, data) = three_imports();
    assert_eq!(listed(&data, &["--after", "1"]), [3, 2]);
    assert_eq!(listed(&data, &["--actor", "ana"]), [3, 1]);
    assert_eq!(listed(&data, &["--id", "person:a"]), [3, 1]);
    assert_eq!(listed(&data, &["--id", "person:b"]), [2]);
    assert_eq!(listed(&data, &["--limit", "1"]), [3]);
}

#[test]
fn log_show_lists_every_record_a_change_set_touched() {
    let (_dir, data) = three_imports();
    let out = attache(&data, &["log", "show", "1"]);
    let shown = text(&out.stdout);
    assert!(shown.contains("created  source:s (source)"), "{shown}");
    assert!(shown.contains("created  person:a (person)"), "{shown}");
    let out = attache(&data, &["log", "show", "3"]);
    assert!(text(&out.stdout).contains("updated  person:a (person)"));
    let out = attache(&data, &["log", "show", "9"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("change set 9 is not in the log"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn log_export_writes_each_change_set_with_its_entries_as_a_json_line_oldest_first() {
    let (_dir, data) = three_imports();
    let out = attache(&data, &["log", "--format", "jsonl"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let seqs: Vec<u64> = lines.iter().map(|l| l["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3]);
    let rename = &lines[2];
    assert_eq!(rename["actor"], "ana");
    assert_eq!(rename["comment"], "rename");
    assert!(rename["time"].as_str().unwrap().ends_with('Z'));
    let entry = &rename["entries"][0];
    assert_eq!(entry["kind"], "updated");
    assert_eq!(entry["before"]["name"], "A");
    assert_eq!(entry["after"]["name"], "A2");
}

#[test]
fn log_compact_keeps_the_records_as_they_are_and_the_store_verifies() {
    let (_dir, data) = three_imports();
    let before = attache(&data, &["export"]).stdout;
    let out = attache(&data, &["log", "compact", "--keep", "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "removed 2 change set(s); the log keeps change sets 3…3; the store verifies\n"
    );
    assert_eq!(listed(&data, &[]), [3]);
    assert_eq!(attache(&data, &["export"]).stdout, before);
    assert!(attache(&data, &["check"]).status.success());
    assert_eq!(attache(&data, &["log", "show", "1"]).status.code(), Some(1));
}

#[test]
fn log_compact_before_a_time_removes_what_was_committed_earlier() {
    let (_dir, data) = three_imports();
    let before = attache(&data, &["export"]).stdout;
    let out = attache(&data, &["log", "compact", "--before", "2999-01-01"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("removed 3 change set(s)"));
    assert_eq!(listed(&data, &[]), Vec::<u64>::new());
    assert_eq!(attache(&data, &["export"]).stdout, before);
    assert!(attache(&data, &["check"]).status.success());
    // The next write goes on from the last number.
    let file = data.parent().unwrap().join("c.json");
    let doc = json!({ "format": "attache/1", "nodes": [
        { "id": "person:c", "name": "C", "citations": [{ "source": "source:s" }] }
    ] });
    std::fs::write(&file, doc.to_string()).unwrap();
    let out = attache(&data, &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(listed(&data, &[]), [4]);
    assert!(attache(&data, &["check"]).status.success());
}

#[test]
fn a_retention_that_is_not_a_count_or_an_age_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = attache(dir.path(), &["serve", "--log-retention", "ten"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`ten` is not a retention"),
        "{}",
        text(&out.stderr)
    );
}
