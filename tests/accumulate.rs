//! Reports accumulate without loss: importing a record that already exists
//! merges what the file says into it (aliases, citations, notes, fields)
//! and never drops what the file leaves out; a field given another value is
//! a conflict naming both values and their sources, and nothing is written;
//! replacement is explicit and says what it removes; a check or dry run
//! shows the diff and writes nothing; several documents are one write.

mod common;

use std::path::{Path, PathBuf};

use common::{attache, text, TestServer};
use serde_json::{json, Value};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/accumulate")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

const IMPORT: &str = "mutation($docs: [ImportDocument!], $replace: Boolean, $dry: Boolean) {
  import(documents: $docs, replace: $replace, dryRun: $dry) {
    applied records created merged replaced unchanged conflicting
    items(first: 100) { id outcome file line added removed
      conflicts { field stored given storedSources givenSources } }
  }
}";

fn docs(names: &[&str]) -> Value {
    Value::Array(
        names
            .iter()
            .map(|n| json!({ "name": n, "text": read(n) }))
            .collect(),
    )
}

fn item<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item for {id} in {report:#}"))
}

async fn asylov(s: &TestServer) -> Value {
    s.gql(
        "{ person(id: \"person:berik-asylov\") { aliases { text } citations { sourceId locator } } }",
        json!({}),
    )
    .await["person"]
        .clone()
}

async fn finds_asylov(s: &TestServer, text: &str) -> bool {
    let d = s
        .gql(
            "query($t: String!) { search(text: $t, kinds: [PERSON]) { node { id } } }",
            json!({ "t": text }),
        )
        .await;
    d["search"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["node"]["id"] == "person:berik-asylov")
}

fn texts(person: &Value) -> Vec<String> {
    person["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn restating_a_person_with_only_a_new_alias_keeps_old_aliases_citations_and_search() {
    let s = TestServer::seeded().await;
    let before = asylov(&s).await;
    let d = s
        .gql(IMPORT, json!({ "docs": docs(&["asylov-ru.json"]) }))
        .await;
    let r = &d["import"];
    assert_eq!(
        (r["created"].as_u64(), r["merged"].as_u64()),
        (Some(1), Some(1))
    );
    let it = item(r, "person:berik-asylov");
    assert_eq!(it["outcome"], "MERGED");
    assert!(
        it["added"].to_string().contains("Берик Асылов"),
        "the report says what was added: {it:#}"
    );
    assert_eq!(it["removed"], json!([]));
    let after = asylov(&s).await;
    let (old, new) = (texts(&before), texts(&after));
    assert!(old.iter().all(|a| new.contains(a)), "{old:?} ⊄ {new:?}");
    assert!(new.contains(&"Берик Асылов".to_owned()));
    let cites = |p: &Value| p["citations"].as_array().unwrap().clone();
    assert!(cites(&before).iter().all(|c| cites(&after).contains(c)));
    assert_eq!(cites(&after).len(), cites(&before).len() + 1);
    for name in ["Asylov B.N.", "Berik Assylov", "Берик Асылов"] {
        assert!(finds_asylov(&s, name).await, "search by {name}");
    }
}

#[tokio::test]
async fn a_partial_restatement_imported_again_changes_nothing() {
    let s = TestServer::seeded().await;
    s.gql(IMPORT, json!({ "docs": docs(&["asylov-ru.json"]) }))
        .await;
    let export = s.gql("{ export }", json!({})).await;
    let d = s
        .gql(IMPORT, json!({ "docs": docs(&["asylov-ru.json"]) }))
        .await;
    let r = &d["import"];
    assert_eq!(
        (r["records"].as_u64(), r["unchanged"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(item(r, "person:berik-asylov")["outcome"], "UNCHANGED");
    assert_eq!(s.gql("{ export }", json!({})).await, export);
}

#[tokio::test]
async fn a_field_given_another_value_is_a_conflict_naming_both_values_and_sources() {
    let s = TestServer::seeded().await;
    let export = s.gql("{ export }", json!({})).await;
    let err = s
        .gql_err(IMPORT, json!({ "docs": docs(&["pg20-jubilee.json"]) }))
        .await;
    assert_eq!(err["extensions"]["code"], "CONFLICT", "{err:#}");
    let p = &err["extensions"]["problems"][0];
    assert_eq!(
        (
            p["file"].as_str(),
            p["field"].as_str(),
            p["record"].as_str()
        ),
        (
            Some("pg20-jubilee.json"),
            Some("kind"),
            Some("meeting:sco-prosecutors-general-20")
        )
    );
    let msg = p["message"].as_str().unwrap();
    for part in [
        "\"meeting of prosecutors general\"",
        "\"jubilee meeting of prosecutors general\"",
        "source:kazinform-sco-prosecutors-general-astana ¶1",
        "source:kazinform-en-2022-09-23 bullet 1",
    ] {
        assert!(msg.contains(part), "{part} missing from: {msg}");
    }
    assert_eq!(
        s.gql("{ export }", json!({})).await,
        export,
        "nothing written"
    );
}

#[tokio::test]
async fn a_dry_run_lists_a_conflicting_record_with_both_values_and_writes_nothing() {
    let s = TestServer::seeded().await;
    let export = s.gql("{ export }", json!({})).await;
    let d = s
        .gql(
            IMPORT,
            json!({ "docs": docs(&["pg20-jubilee.json", "asylov-ru.json"]), "dry": true }),
        )
        .await;
    let r = &d["import"];
    assert_eq!(r["applied"], false);
    assert_eq!(
        (r["conflicting"].as_u64(), r["merged"].as_u64()),
        (Some(1), Some(1))
    );
    let it = item(r, "meeting:sco-prosecutors-general-20");
    assert_eq!(it["outcome"], "CONFLICTING");
    let c = &it["conflicts"][0];
    assert_eq!(c["field"], "kind");
    assert_eq!(c["stored"], "\"meeting of prosecutors general\"");
    assert_eq!(c["given"], "\"jubilee meeting of prosecutors general\"");
    assert!(c["storedSources"]
        .as_array()
        .unwrap()
        .contains(&json!("source:pib-india-2022-09-23 bullet 1")));
    assert_eq!(
        c["givenSources"],
        json!(["source:kazinform-en-2022-09-23 bullet 1"])
    );
    assert_eq!(item(r, "person:berik-asylov")["outcome"], "MERGED");
    assert_eq!(
        s.gql("{ export }", json!({})).await,
        export,
        "nothing written"
    );
}

#[tokio::test]
async fn replace_over_graphql_drops_what_the_file_omits_and_reports_it() {
    let s = TestServer::seeded().await;
    let d = s
        .gql(
            IMPORT,
            json!({ "docs": docs(&["asylov-ru.json"]), "replace": true }),
        )
        .await;
    let it = item(&d["import"], "person:berik-asylov");
    assert_eq!(it["outcome"], "REPLACED");
    let removed = it["removed"].to_string();
    assert!(
        removed.contains("Asylov B.N.") && removed.contains("description"),
        "{removed}"
    );
    assert_eq!(texts(&asylov(&s).await), ["Берик Асылов"]);
}

#[tokio::test]
async fn several_documents_are_one_write_all_or_nothing() {
    let s = TestServer::seeded().await;
    let text = read("asylov-ru.json");
    let v: Value = serde_json::from_str(&text).unwrap();
    // The source in one document, the person citing it in another.
    let one = json!({ "format": "attache/1", "nodes": [v["nodes"][0]] }).to_string();
    let two = json!({ "format": "attache/1", "nodes": [v["nodes"][1]] }).to_string();
    let bad = json!({ "format": "attache/1", "nodes": [{ "id": "person:x", "name": "X",
        "citations": [{ "source": "source:nowhere" }] }] })
    .to_string();
    let export = s.gql("{ export }", json!({})).await;
    let err = s
        .gql_err(
            IMPORT,
            json!({ "docs": [{ "name": "one.json", "text": one }, { "name": "two.json", "text": two },
                             { "name": "bad.json", "text": bad }] }),
        )
        .await;
    assert_eq!(err["extensions"]["problems"][0]["file"], "bad.json");
    assert_eq!(
        s.gql("{ export }", json!({})).await,
        export,
        "nothing written"
    );
    let d = s
        .gql(
            IMPORT,
            json!({ "docs": [{ "name": "two.json", "text": two }, { "name": "one.json", "text": one }] }),
        )
        .await;
    assert_eq!(d["import"]["records"], 2);
    assert_eq!(
        item(&d["import"], "person:berik-asylov")["file"],
        "two.json"
    );
    assert!(texts(&asylov(&s).await).contains(&"Берик Асылов".to_owned()));
}

/// A store with the seed data, imported by the CLI.
fn seeded_store(dir: &Path) -> PathBuf {
    let data = dir.join("store");
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("seed-data");
    let out = attache(&data, &["import", seed.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    data
}

fn export(data: &Path) -> Vec<u8> {
    attache(data, &["export"]).stdout
}

#[test]
fn cli_import_merges_by_default_and_says_what_it_added() {
    let dir = tempfile::tempdir().unwrap();
    let data = seeded_store(dir.path());
    let f = fixture("asylov-ru.json");
    let out = attache(&data, &["import", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("merged person:berik-asylov"), "{stdout}");
    assert!(stdout.contains("+ aliases: \"Берик Асылов\""), "{stdout}");
    assert!(
        stdout.contains("2 records: 1 created, 1 merged, 0 unchanged"),
        "{stdout}"
    );
    let v: Value = serde_json::from_slice(&export(&data)).unwrap();
    let p = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "person:berik-asylov")
        .unwrap();
    assert_eq!(p["aliases"].as_array().unwrap().len(), 4);
}

#[test]
fn cli_replace_removes_what_the_file_omits_and_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = seeded_store(dir.path());
    let f = fixture("asylov-ru.json");
    let out = attache(&data, &["import", "--replace", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("replaced person:berik-asylov"), "{stdout}");
    assert!(stdout.contains("- aliases: \"Asylov B.N.\""), "{stdout}");
    assert!(stdout.contains("1 replaced"), "{stdout}");
    let v: Value = serde_json::from_slice(&export(&data)).unwrap();
    let p = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "person:berik-asylov")
        .unwrap();
    assert_eq!(p["aliases"].as_array().unwrap().len(), 1);
}

#[test]
fn cli_check_shows_the_diff_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = seeded_store(dir.path());
    let before = export(&data);
    let f = fixture("asylov-ru.json");
    let out = attache(&data, &["import", "--check", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("would merge person:berik-asylov"),
        "{stdout}"
    );
    assert!(stdout.contains("+ aliases: \"Берик Асылов\""), "{stdout}");
    assert!(
        stdout.contains("2 records: 1 created, 1 merged, 0 unchanged; nothing written"),
        "{stdout}"
    );
    assert_eq!(export(&data), before);
}

#[test]
fn cli_check_lists_a_conflict_with_both_values_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let data = seeded_store(dir.path());
    let before = export(&data);
    let f = fixture("pg20-jubilee.json");
    let out = attache(&data, &["import", "--check", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("conflict meeting:sco-prosecutors-general-20")
            && stdout.contains("kind: stored \"meeting of prosecutors general\"")
            && stdout.contains("given \"jubilee meeting of prosecutors general\""),
        "{stdout}"
    );
    assert_eq!(export(&data), before);
}

#[test]
fn cli_reimport_of_the_seed_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = seeded_store(dir.path());
    let before = export(&data);
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("seed-data");
    let out = attache(&data, &["import", seed.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(": 0 created, 0 merged, "), "{stdout}");
    assert!(
        !stdout.contains("merged ") || stdout.lines().count() == 1,
        "{stdout}"
    );
    assert_eq!(export(&data), before);
}

#[tokio::test]
async fn a_dry_run_is_a_write_and_needs_a_token() {
    let s = TestServer::seeded().await;
    let body =
        json!({ "query": IMPORT, "variables": { "docs": docs(&["asylov-ru.json"]), "dry": true } });
    let r = reqwest::Client::new()
        .post(format!("{}/graphql", s.url))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::UNAUTHORIZED);
}
