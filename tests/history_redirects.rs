//! Redirects in the import format: a merge's redirect is exported in the
//! `redirects` section and imported back, so export → import into a fresh
//! store → export is byte-identical and a merged id still answers its
//! survivor; an import may state a redirect itself, and a bad one is refused
//! with its file, line, field and id, leaving the store unchanged.

mod common;

use std::path::Path;

use common::TestServer;
use serde_json::{json, Value};

const IMPORT: &str = "mutation($d: String!) {
  import(document: $d, name: \"export.json\") { applied created unchanged }
}";
const MERGE: &str = "mutation($into: ID!, $from: ID!) {
  merge(into: $into, from: $from) { changeSet { seq } }
}";

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/history")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

async fn export(s: &TestServer) -> String {
    s.gql("{ export }", json!({})).await["export"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn import(s: &TestServer, text: &str) -> Value {
    s.gql(IMPORT, json!({ "d": text })).await["import"].clone()
}

/// A seeded store where `person:b-asylov` was merged into `person:berik-asylov`.
async fn merged() -> TestServer {
    let s = TestServer::seeded().await;
    import(&s, &fixture("asylov-twice.json")).await;
    s.gql(
        MERGE,
        json!({ "into": "person:berik-asylov", "from": "person:b-asylov" }),
    )
    .await;
    s
}

/// (line, record, field, message) of each problem of a refused import.
async fn refusal(s: &TestServer, text: &str) -> Vec<(u64, String, String, String)> {
    let e = s.gql_err(IMPORT, json!({ "d": text })).await;
    e["extensions"]["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("problems listed: {e:#}"))
        .iter()
        .map(|p| {
            (
                p["line"].as_u64().unwrap_or(0),
                p["record"].as_str().unwrap_or_default().to_owned(),
                p["field"].as_str().unwrap_or_default().to_owned(),
                p["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// A file with one redirect row (line 4) and nothing else.
fn redirect_file(from: &str, into: &str) -> String {
    format!(
        "{{\n  \"format\": \"attache/1\",\n  \"redirects\": [\n    {{ \"from\": \"{from}\", \"into\": \"{into}\" }}\n  ]\n}}\n"
    )
}

#[tokio::test]
async fn an_export_lists_each_merged_id_with_its_survivor() {
    let s = merged().await;
    let text = export(&s).await;
    let file: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        file["redirects"],
        json!([{ "from": "person:b-asylov", "into": "person:berik-asylov" }])
    );
}

#[tokio::test]
async fn export_import_into_a_fresh_store_and_export_again_is_byte_identical() {
    let s = merged().await;
    let first = export(&s).await;
    let fresh = TestServer::empty().await;
    assert_eq!(import(&fresh, &first).await["applied"], true);
    assert_eq!(export(&fresh).await, first);
}

#[tokio::test]
async fn a_merged_id_answers_its_survivor_after_the_round_trip() {
    let s = merged().await;
    let fresh = TestServer::empty().await;
    import(&fresh, &export(&s).await).await;
    let d = fresh
        .gql(
            "{ node(id: \"person:b-asylov\") { id redirectedFrom } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d["node"],
        json!({ "id": "person:berik-asylov", "redirectedFrom": "person:b-asylov" })
    );
}

#[tokio::test]
async fn importing_the_same_redirects_again_changes_nothing() {
    let s = merged().await;
    let text = export(&s).await;
    let fresh = TestServer::empty().await;
    import(&fresh, &text).await;
    let again = import(&fresh, &text).await;
    assert_eq!(again["created"], 0, "{again:#}");
    let changes = fresh
        .gql("{ changes(first: 10) { items { seq } } }", json!({}))
        .await;
    assert_eq!(
        changes["changes"]["items"].as_array().unwrap().len(),
        1,
        "{changes:#}"
    );
    assert_eq!(export(&fresh).await, text);
}

#[tokio::test]
async fn a_chain_of_merges_exports_each_merged_id_with_its_final_survivor() {
    let s = merged().await;
    // The survivor is merged in turn, into a third record of him.
    import(
        &s,
        &fixture("asylov-twice.json")
            .replace("person:b-asylov", "person:asylov-b")
            .replace("rel:b-asylov-holds", "rel:asylov-b-holds"),
    )
    .await;
    s.gql(
        MERGE,
        json!({ "into": "person:asylov-b", "from": "person:berik-asylov" }),
    )
    .await;
    let text = export(&s).await;
    let file: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        file["redirects"],
        json!([
            { "from": "person:b-asylov", "into": "person:asylov-b" },
            { "from": "person:berik-asylov", "into": "person:asylov-b" },
        ])
    );
    let fresh = TestServer::empty().await;
    import(&fresh, &text).await;
    assert_eq!(export(&fresh).await, text);
}

#[tokio::test]
async fn a_redirect_from_a_live_node_is_refused_naming_its_line_and_field() {
    let s = TestServer::seeded().await;
    let before = export(&s).await;
    let file = redirect_file("person:berik-asylov", "person:gizat-nurdauletov");
    let p = refusal(&s, &file).await;
    assert_eq!(p.len(), 1, "{p:?}");
    let (line, record, field, message) = &p[0];
    assert_eq!(
        (*line, record.as_str(), field.as_str()),
        (4, "person:berik-asylov", "from")
    );
    assert!(message.contains("is a live node"), "{message}");
    assert_eq!(export(&s).await, before);
}

#[tokio::test]
async fn a_redirect_to_a_missing_node_is_refused() {
    let s = TestServer::seeded().await;
    let before = export(&s).await;
    let p = refusal(&s, &redirect_file("person:gone", "person:nobody")).await;
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        (p[0].0, p[0].1.as_str(), p[0].2.as_str()),
        (4, "person:gone", "into")
    );
    assert!(
        p[0].3.contains("`person:nobody` does not exist"),
        "{}",
        p[0].3
    );
    assert_eq!(export(&s).await, before);
}

#[tokio::test]
async fn a_redirect_to_a_merged_id_is_refused_naming_the_final_survivor() {
    let s = merged().await;
    let before = export(&s).await;
    let p = refusal(&s, &redirect_file("person:gone", "person:b-asylov")).await;
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!((p[0].1.as_str(), p[0].2.as_str()), ("person:gone", "into"));
    assert!(
        p[0].3
            .contains("was itself merged into `person:berik-asylov`"),
        "{}",
        p[0].3
    );
    assert_eq!(export(&s).await, before);
}

#[tokio::test]
async fn a_redirect_that_contradicts_a_stored_one_is_refused() {
    let s = merged().await;
    let before = export(&s).await;
    let p = refusal(
        &s,
        &redirect_file("person:b-asylov", "person:gizat-nurdauletov"),
    )
    .await;
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        (p[0].1.as_str(), p[0].2.as_str()),
        ("person:b-asylov", "into")
    );
    assert!(
        p[0].3
            .contains("already redirects to `person:berik-asylov`"),
        "{}",
        p[0].3
    );
    assert_eq!(export(&s).await, before);
}

#[tokio::test]
async fn a_redirect_between_kinds_is_refused() {
    let s = TestServer::seeded().await;
    let p = refusal(&s, &redirect_file("person:gone", "state:kz")).await;
    assert_eq!((p[0].1.as_str(), p[0].2.as_str()), ("person:gone", "into"));
    assert!(p[0].3.contains("same kind"), "{}", p[0].3);
}

#[tokio::test]
async fn a_redirect_row_with_an_unknown_field_is_refused_at_its_line() {
    let s = TestServer::seeded().await;
    let file = "{\n  \"format\": \"attache/1\",\n  \"redirects\": [\n    { \"from\": \"person:gone\",\n      \"to\": \"person:berik-asylov\" }\n  ]\n}\n";
    let p = refusal(&s, file).await;
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        (p[0].0, p[0].1.as_str(), p[0].2.as_str()),
        (5, "person:gone", "to")
    );
    assert!(
        p[0].3.contains("a redirect takes `from`, `into`"),
        "{}",
        p[0].3
    );
}

#[tokio::test]
async fn relations_of_an_import_naming_a_redirect_it_states_land_on_the_survivor() {
    let s = TestServer::seeded().await;
    let file = r#"{
  "format": "attache/1",
  "redirects": [ { "from": "person:b-asylov", "into": "person:berik-asylov" } ],
  "relations": [
    { "id": "rel:b-asylov-holds-prosecutor-general-kz", "kind": "holds",
      "from": "person:b-asylov", "to": "office:prosecutor-general-kz" }
  ]
}"#;
    assert_eq!(import(&s, file).await["created"], 2);
    let d = s
        .gql(
            "{ relation(id: \"rel:b-asylov-holds-prosecutor-general-kz\") { from { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["relation"]["from"]["id"], "person:berik-asylov");
}
