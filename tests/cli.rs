//! The `attache` binary: import checks everything and reports file, line and
//! field; export round-trips; a store that cannot be opened gets a one-line
//! reason; acknowledged writes survive `kill -9`; a large import killed
//! part-way leaves none of it.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

mod common;
use common::serve_binary as serve;
use common::{attache, text};

use serde_json::json;

const GOOD: &str = r#"{
  "format": "attache/1",
  "nodes": [
    { "id": "source:s", "name": "S" },
    { "id": "person:a", "name": "A", "citations": [{ "source": "source:s" }] },
    { "id": "meeting:m", "name": "M", "start": "2022-09", "citations": [{ "source": "source:s" }] }
  ],
  "relations": [
    { "id": "rel:a-attended-m", "kind": "attended", "from": "person:a", "to": "meeting:m", "mode": "online" }
  ]
}
"#;

#[test]
fn import_reports_every_problem_with_file_line_and_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = GOOD
        .replace("\"2022-09\"", "\"2022-9\"")
        .replace("\"to\": \"meeting:m\"", "\"to\": \"meeting:missing\"");
    let file = dir.path().join("bad.json");
    std::fs::write(&file, &bad).unwrap();
    let data = dir.path().join("store");
    let out = attache(&data, &["import", "--no-seed", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("bad.json:6: meeting:m field `start`"), "{err}");
    // The bad date does not hide the reference error: both in one pass.
    assert!(
        err.contains("bad.json:9: rel:a-attended-m field `to`: `meeting:missing` does not exist"),
        "{err}"
    );
    assert!(err.starts_with("attache: 2 problem(s)"), "{err}");
    let export = attache(&data, &["export"]);
    let v: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    assert_eq!(v["nodes"], json!([]));
}

#[test]
fn importing_the_same_file_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("good.json");
    std::fs::write(&file, GOOD).unwrap();
    let data = dir.path().join("store");
    let first = attache(&data, &["import", "--no-seed", file.to_str().unwrap()]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("4 records: 4 created, 0 merged, 0 unchanged"));
    let before = attache(&data, &["export"]).stdout;
    let second = attache(&data, &["import", "--no-seed", file.to_str().unwrap()]);
    assert!(text(&second.stdout).contains("4 records: 0 created, 0 merged, 4 unchanged"));
    assert_eq!(attache(&data, &["export"]).stdout, before);
}

#[test]
fn import_check_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("good.json");
    std::fs::write(&file, GOOD).unwrap();
    let data = dir.path().join("store");
    let out = attache(
        &data,
        &["import", "--no-seed", "--check", file.to_str().unwrap()],
    );
    assert!(
        text(&out.stdout).contains("4 records: 4 created, 0 merged, 0 unchanged; nothing written"),
        "{}",
        text(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&attache(&data, &["export"]).stdout).unwrap();
    assert_eq!(v["nodes"], json!([]));
}

#[test]
fn the_seed_exports_and_reimports_into_an_empty_store_identically() {
    let dir = tempfile::tempdir().unwrap();
    let seed_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seed-data");
    let a = dir.path().join("a");
    let out = attache(&a, &["import", "--no-seed", seed_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let exported = dir.path().join("export.json");
    assert!(
        attache(&a, &["export", "--out", exported.to_str().unwrap()])
            .status
            .success()
    );
    let b = dir.path().join("b");
    assert!(
        attache(&b, &["import", "--no-seed", exported.to_str().unwrap()])
            .status
            .success()
    );
    let again = attache(&b, &["export"]).stdout;
    assert_eq!(text(&again), std::fs::read_to_string(&exported).unwrap());
}

#[test]
fn a_bad_flag_is_refused_with_usage_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let out = attache(dir.path(), &["serve", "--listen", "not-an-address"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("invalid value 'not-an-address'") && !err.contains("panicked"),
        "{err}"
    );
    let out = attache(dir.path(), &["--store-cache-mb", "0", "check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("0 is not in 1..=1048576"), "{err}");
}

#[test]
fn a_store_of_another_format_version_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    {
        let db = sled::open(dir.path()).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert("format_version", &7u32.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let out = attache(dir.path(), &["export"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("format version 7") && err.contains("newer"),
        "{err}"
    );
}

#[test]
fn a_store_in_use_by_a_running_server_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = serve(dir.path());
    let out = attache(dir.path(), &["export"]);
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("in use by another process"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    let mut server = serve(dir.path());
    let q = "mutation($i: PersonInput!) { createPerson(input: $i) { id } }";
    let mut acked = Vec::new();
    for i in 0..25 {
        let id = format!("person:crash-{i}");
        let v = json!({ "i": { "id": id, "name": format!("Crash {i}"), "citations": [{ "source": "source:background" }] } });
        let res: serde_json::Value = client
            .post(format!("{}/graphql", server.url))
            .json(&json!({ "query": q, "variables": v }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(res.get("errors").is_none(), "{res}");
        acked.push(id);
    }
    server.child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.child.wait().unwrap();
    let mut server = serve(dir.path());
    for id in &acked {
        let res: serde_json::Value = client
            .post(format!("{}/graphql", server.url))
            .json(&json!({ "query": "query($id: ID!) { person(id: $id) { id } }", "variables": { "id": id } }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(res["data"]["person"]["id"], id.as_str(), "{id} lost");
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

#[test]
fn open_writes_on_a_non_loopback_address_are_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = attache(
        dir.path(),
        &["serve", "--listen", "0.0.0.0:0", "--open-writes"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("refusing to accept writes without a token on 0.0.0.0:0"),
        "{err}"
    );
}

#[test]
fn reads_needing_a_token_without_any_token_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = attache(
        dir.path(),
        &["serve", "--listen", "127.0.0.1:0", "--reads-need-token"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("needs at least one token"));
}

/// An import of `n` people (more than two of the store's write chunks).
fn big_import(n: usize) -> String {
    let people: Vec<_> = (0..n)
        .map(|i| json!({ "id": format!("person:b{i}"), "name": format!("B {i}"), "citations": [{ "source": "source:s" }] }))
        .collect();
    serde_json::to_string_pretty(&json!({ "format": "attache/1", "nodes": people })).unwrap()
}

fn people_in(data: &Path) -> usize {
    let out = attache(data, &["export"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["id"].as_str().unwrap().starts_with("person:"))
        .count()
}

/// What a SIGKILL `after` the start of a big import left in a fresh store:
/// how many people, and whether `check` undid an unfinished chunked write.
fn kill_import_after(
    dir: &Path,
    name: &str,
    good: &Path,
    big: &Path,
    after: Duration,
) -> (usize, bool) {
    let data = dir.join(name);
    assert!(
        attache(&data, &["import", "--no-seed", good.to_str().unwrap()])
            .status
            .success()
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(&data)
        .args(["import", "--no-seed", big.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let _ = child.kill(); // SIGKILL
    let _ = child.wait();
    let check = attache(&data, &["check"]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    let undone = text(&check.stderr).contains("did not finish");
    (people_in(&data), undone)
}

#[test]
fn a_large_import_killed_at_any_moment_leaves_all_of_it_or_none() {
    const N: usize = 9_000;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(&good, GOOD).unwrap();
    let big = dir.path().join("big.json");
    std::fs::write(&big, big_import(N)).unwrap();
    // How long a whole import takes here, to spread the kills over it.
    let data = dir.path().join("timing");
    assert!(
        attache(&data, &["import", "--no-seed", good.to_str().unwrap()])
            .status
            .success()
    );
    let t = std::time::Instant::now();
    assert!(
        attache(&data, &["import", "--no-seed", big.to_str().unwrap()])
            .status
            .success()
    );
    let whole = t.elapsed();
    assert_eq!(people_in(&data), 1 + N);
    let all_or_none = |k: &str, people: usize| {
        assert!(
            people == 1 || people == 1 + N,
            "kill {k}: {people} people, neither none nor all of the import"
        );
    };
    let mut undone = 0;
    for k in 1..=6 {
        let after = whole.mul_f64(k as f64 / 7.0);
        let (people, was_undone) =
            kill_import_after(dir.path(), &format!("kill-{k}"), &good, &big, after);
        all_or_none(&k.to_string(), people);
        undone += usize::from(was_undone);
    }
    println!("kills that interrupted the chunked write and were undone: {undone} of 6");
    // On a loaded machine the spread kills can all miss the chunked write
    // (the import's speed varies between runs). Then look for it: a kill
    // that left nothing came too early, one that left everything too late.
    let (mut early, mut late) = (Duration::ZERO, whole.mul_f64(2.0));
    for k in 0..12 {
        if undone > 0 {
            break;
        }
        let after = (early + late) / 2;
        let (people, was_undone) =
            kill_import_after(dir.path(), &format!("seek-{k}"), &good, &big, after);
        all_or_none(&format!("seek-{k}"), people);
        if was_undone {
            undone += 1;
        } else if people == 1 {
            early = after;
        } else {
            late = after;
        }
    }
    assert!(undone >= 1, "no kill landed inside the chunked write");
}

#[test]
fn help_shows_usage_examples() {
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["import", "--help"],
        &["log", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_attache"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        let help = text(&out.stdout);
        assert!(help.contains("Examples:\n  attache "), "{args:?}: {help}");
    }
}

#[test]
fn completions_are_printed_for_bash_zsh_and_fish() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef attache"),
        ("fish", "complete -c attache"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_attache"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(
            script.contains("import") && script.contains("log-format"),
            "{shell}"
        );
    }
}

#[test]
fn a_store_flag_given_to_a_command_that_opens_no_store_is_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_attache"))
        .args(["--data", "somewhere", "schema"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("--data does not apply to `attache schema`"),
        "{err}"
    );
    // From the environment it is a setting for every command, not a mistake.
    let out = Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("schema")
        .env("ATTACHE_DATA", "somewhere")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn exporting_a_missing_store_is_an_error_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-store-here");
    let out = attache(&missing, &["export"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(err.contains("there is no store at"), "{err}");
    assert!(!missing.exists(), "export created {}", missing.display());
}

#[test]
fn import_progress_off_a_terminal_is_plain_lines_with_records_and_an_eta() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.json");
    let mut doc: serde_json::Value = serde_json::from_str(&big_import(20_000)).unwrap();
    doc["nodes"]
        .as_array_mut()
        .unwrap()
        .insert(0, json!({ "id": "source:s", "name": "S" }));
    std::fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let out = attache(
        &dir.path().join("data"),
        &["import", "--check", file.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        !err.contains('\r') && !err.contains('\u{1b}'),
        "a bar was drawn: {err:?}"
    );
    let progress: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("import: read "))
        .collect();
    assert!(
        progress.iter().any(|l| l.contains(" records, ETA ")),
        "{err}"
    );
    assert!(
        progress.last().unwrap().contains("read 20001 records"),
        "{err}"
    );
}

#[test]
fn a_boolean_environment_variable_accepts_1_true_and_yes() {
    for on in ["1", "true", "yes"] {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_attache"))
            .arg("--data")
            .arg(dir.path())
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("ATTACHE_READS_NEED_TOKEN", on)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{on}");
        assert!(
            text(&out.stderr).contains("needs at least one token"),
            "{on}"
        );
    }
}
