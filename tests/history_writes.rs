//! Undo and merge, over GraphQL: `revert` puts back every record a change
//! set touched, byte for byte as stored, and is refused (CONFLICT, naming
//! each record and the later change set) when a later change touched one,
//! unless forced; `merge` makes two duplicates one, leaving a redirect that
//! lookups and later imports follow, and a revert splits them again;
//! `dataChecks.likelyDuplicates` proposes the pairs to merge.
//!
//! Change sets are numbered from 1 in commit order: on a seeded store the
//! seed is change set 1, so the first write of a test is 2.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::TestServer;
use serde_json::{json, Value};

const IMPORT: &str = "mutation($docs: [ImportDocument!]) {
  import(documents: $docs) { applied records }
}";
const REVERT: &str = "mutation($n: Int!, $force: Boolean) {
  revert(changeSet: $n, force: $force, comment: \"undo\") {
    changeSet { seq op reverts actor comment } restored
  }
}";
const MERGE: &str = "mutation($into: ID!, $from: ID!) {
  merge(into: $into, from: $from, comment: \"same man\") {
    node { id name aliases { text } } changeSet { seq op } moved
  }
}";
const TWICE: &str = "asylov-twice.json";

fn doc(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/history")
        .join(name);
    json!([{ "name": name, "text": std::fs::read_to_string(path).unwrap() }])
}

async fn import(s: &TestServer, name: &str) {
    let d = s.gql(IMPORT, json!({ "docs": doc(name) })).await;
    assert_eq!(d["import"]["applied"], true, "{d:#}");
}

async fn export(s: &TestServer) -> String {
    s.gql("{ export }", json!({})).await["export"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn revert(s: &TestServer, n: u64, force: bool) -> Value {
    s.gql(REVERT, json!({ "n": n, "force": force })).await["revert"].clone()
}

/// Every record as stored, raw bytes by tree and key, read with sled itself
/// once the server has let go of the store.
fn raw_records(dir: &Path) -> BTreeMap<(String, Vec<u8>), Vec<u8>> {
    let db = (0..100)
        .find_map(|_| {
            sled::open(dir).ok().or_else(|| {
                std::thread::sleep(std::time::Duration::from_millis(50));
                None
            })
        })
        .expect("the store is released after shutdown");
    let mut out = BTreeMap::new();
    for tree in ["nodes", "relations", "conflicts", "redirects"] {
        for kv in db.open_tree(tree).unwrap().iter() {
            let (k, v) = kv.unwrap();
            out.insert((tree.to_owned(), k.to_vec()), v.to_vec());
        }
    }
    out
}

/// A seeded server on a store the test keeps, so it can be read raw.
async fn seeded_at(dir: &Path) -> TestServer {
    TestServer::start_at(dir, true).await
}

async fn reopen(
    mut s: TestServer,
    dir: &Path,
) -> (BTreeMap<(String, Vec<u8>), Vec<u8>>, TestServer) {
    s.shutdown().await;
    let raw = raw_records(dir);
    (raw, TestServer::start_at(dir, false).await)
}

#[tokio::test]
async fn revert_of_an_import_restores_every_record_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let s = seeded_at(tmp.path()).await;
    let before = export(&s).await;
    let (raw_before, s) = reopen(s, tmp.path()).await;
    import(&s, TWICE).await;
    assert_ne!(export(&s).await, before);
    let r = revert(&s, 2, false).await;
    assert_eq!(r["changeSet"]["seq"], 3);
    assert_eq!(r["changeSet"]["op"], "revert");
    assert_eq!(r["changeSet"]["reverts"], 2);
    assert_eq!(r["changeSet"]["comment"], "undo");
    let mut restored: Vec<&str> = r["restored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    restored.sort();
    assert_eq!(
        restored,
        [
            "person:b-asylov",
            "rel:b-asylov-holds-prosecutor-general-kz",
            "source:inform-kz-ru-2025-12-06"
        ]
    );
    assert_eq!(export(&s).await, before);
    let (raw_after, mut s) = reopen(s, tmp.path()).await;
    assert_eq!(raw_after, raw_before);
    s.shutdown().await;
}

#[tokio::test]
async fn revert_of_a_cascade_delete_restores_node_relations_and_conflicts_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let s = seeded_at(tmp.path()).await;
    let before = export(&s).await;
    let (raw_before, s) = reopen(s, tmp.path()).await;
    let d = s
        .gql(
            "mutation { deletePerson(id: \"person:gizat-daurenbekov\", cascade: true) { removed } }",
            json!({}),
        )
        .await;
    let removed = d["deletePerson"]["removed"].as_array().unwrap().clone();
    assert!(
        removed.contains(&json!("conflict:pg20-welcome-speech")),
        "{removed:?}"
    );
    assert!(removed.len() >= 3, "{removed:?}");
    let r = revert(&s, 2, false).await;
    assert_eq!(r["restored"].as_array().unwrap().len(), removed.len());
    let d = s
        .gql(
            "{ conflict(id: \"conflict:pg20-welcome-speech\") { id } person(id: \"person:gizat-daurenbekov\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(d["conflict"]["id"], "conflict:pg20-welcome-speech");
    assert_eq!(d["person"]["id"], "person:gizat-daurenbekov");
    assert_eq!(export(&s).await, before);
    let (raw_after, mut s) = reopen(s, tmp.path()).await;
    assert_eq!(raw_after, raw_before);
    s.shutdown().await;
}

/// Tokens of an editor and an admin, for the forced revert.
const TOKEN_FILE: &str = "\
bob     editor  bob-edits-4567
carla   admin   carla-runs-89ab
";
const EDITOR: &str = "bob-edits-4567";
const ADMIN: &str = "carla-runs-89ab";

async fn with_roles() -> TestServer {
    let mut tokens = attache::http::auth::Tokens::default();
    tokens.add_file(Path::new("tokens"), TOKEN_FILE).unwrap();
    TestServer::with_options(attache::http::Options {
        auth: attache::http::Auth::with_tokens(tokens, false, false),
        ..Default::default()
    })
    .await
}

/// POSTs `query` with `token`; returns the whole response body.
async fn post_as(s: &TestServer, token: &str, query: &str, variables: Value) -> Value {
    reqwest::Client::new()
        .post(format!("{}/graphql", s.url))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn revert_is_refused_when_a_later_change_set_touched_a_record_and_an_admin_may_force_it() {
    let s = with_roles().await;
    let d = post_as(&s, EDITOR, IMPORT, json!({ "docs": doc(TWICE) })).await;
    assert_eq!(d["data"]["import"]["applied"], true, "{d:#}");
    let d = post_as(
        &s,
        EDITOR,
        "mutation { updatePerson(id: \"person:b-asylov\", patch: { description: \"Prosecutor General of Kazakhstan\" }) { id } }",
        json!({}),
    )
    .await;
    assert!(d.get("errors").is_none(), "{d:#}");
    let d = post_as(&s, EDITOR, REVERT, json!({ "n": 2, "force": false })).await;
    let e = &d["errors"][0];
    assert_eq!(e["extensions"]["code"], "CONFLICT", "{e:#}");
    assert_eq!(
        e["extensions"]["later"],
        json!([{ "record": "person:b-asylov", "changeSet": 3 }]),
        "{e:#}"
    );
    assert_eq!(e["extensions"]["problems"][0]["record"], "person:b-asylov");
    // Nothing was written.
    let d = post_as(
        &s,
        EDITOR,
        "{ person(id: \"person:b-asylov\") { description } }",
        json!({}),
    )
    .await;
    assert_eq!(
        d["data"]["person"]["description"],
        "Prosecutor General of Kazakhstan"
    );

    let d = post_as(&s, EDITOR, REVERT, json!({ "n": 2, "force": true })).await;
    assert_eq!(d["errors"][0]["extensions"]["code"], "FORBIDDEN", "{d:#}");

    let d = post_as(&s, ADMIN, REVERT, json!({ "n": 2, "force": true })).await;
    assert_eq!(d["data"]["revert"]["changeSet"]["seq"], 4, "{d:#}");
    assert_eq!(d["data"]["revert"]["changeSet"]["actor"], "carla", "{d:#}");
    let d = post_as(
        &s,
        EDITOR,
        "{ person(id: \"person:b-asylov\") { id } source(id: \"source:inform-kz-ru-2025-12-06\") { id } }",
        json!({}),
    )
    .await;
    assert_eq!(d["data"], json!({ "person": null, "source": null }));
}

#[tokio::test]
async fn a_revert_of_a_change_set_not_in_the_log_is_not_found() {
    let s = TestServer::seeded().await;
    let e = s.gql_err(REVERT, json!({ "n": 99, "force": false })).await;
    assert_eq!(e["extensions"]["code"], "NOT_FOUND", "{e:#}");
}

#[tokio::test]
async fn merge_moves_everything_to_the_survivor_and_its_revert_splits_them_again() {
    let s = TestServer::seeded().await;
    import(&s, TWICE).await;
    let imported = export(&s).await;
    let d = s
        .gql(
            MERGE,
            json!({ "into": "person:berik-asylov", "from": "person:b-asylov" }),
        )
        .await;
    let m = &d["merge"];
    assert_eq!(m["node"]["id"], "person:berik-asylov");
    assert_eq!(m["node"]["name"], "Berik Asylov");
    assert!(
        m["node"]["aliases"]
            .as_array()
            .unwrap()
            .contains(&json!({ "text": "Берик Асылов" })),
        "{m:#}"
    );
    assert_eq!(
        m["moved"],
        json!(["rel:b-asylov-holds-prosecutor-general-kz"])
    );
    assert_eq!(m["changeSet"]["op"], "merge");
    let merged = m["changeSet"]["seq"].as_u64().unwrap();

    let q = "{ node(id: \"person:b-asylov\") { id redirectedFrom }
               person(id: \"person:b-asylov\") { id redirectedFrom }
               relation(id: \"rel:b-asylov-holds-prosecutor-general-kz\") { from { id } } }";
    let d = s.gql(q, json!({})).await;
    assert_eq!(
        d,
        json!({
            "node": { "id": "person:berik-asylov", "redirectedFrom": "person:b-asylov" },
            "person": { "id": "person:berik-asylov", "redirectedFrom": "person:b-asylov" },
            "relation": { "from": { "id": "person:berik-asylov" } },
        })
    );

    revert(&s, merged, false).await;
    let d = s.gql(q, json!({})).await;
    assert_eq!(
        d,
        json!({
            "node": { "id": "person:b-asylov", "redirectedFrom": null },
            "person": { "id": "person:b-asylov", "redirectedFrom": null },
            "relation": { "from": { "id": "person:b-asylov" } },
        })
    );
    assert_eq!(export(&s).await, imported);
}

#[tokio::test]
async fn a_redirected_id_used_by_a_later_import_lands_on_the_survivor() {
    let s = TestServer::seeded().await;
    import(&s, TWICE).await;
    s.gql(
        MERGE,
        json!({ "into": "person:berik-asylov", "from": "person:b-asylov" }),
    )
    .await;
    import(&s, "asylov-later.json").await;
    let d = s
        .gql(
            "{ node(id: \"person:b-asylov\") { id redirectedFrom }
               person(id: \"person:berik-asylov\") { name aliases { text } }
               relation(id: \"rel:b-asylov-holds-prosecutor-general-kz-ru\") { from { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["node"]["id"], "person:berik-asylov");
    assert_eq!(d["person"]["name"], "Berik Asylov");
    assert!(
        d["person"]["aliases"]
            .as_array()
            .unwrap()
            .contains(&json!({ "text": "Берик Асылов" })),
        "{d:#}"
    );
    assert_eq!(d["relation"]["from"]["id"], "person:berik-asylov");
    // No node came back under the merged id.
    assert!(!export(&s).await.contains("\"id\": \"person:b-asylov\""));
}

#[tokio::test]
async fn merging_nodes_of_different_kinds_is_refused() {
    let s = TestServer::seeded().await;
    let before = export(&s).await;
    let e = s
        .gql_err(
            MERGE,
            json!({ "into": "person:berik-asylov", "from": "office:prosecutor-general-kz" }),
        )
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{e:#}");
    assert_eq!(e["extensions"]["field"], "from");
    assert_eq!(export(&s).await, before);
}

#[tokio::test]
async fn merging_a_node_into_itself_is_refused() {
    let s = TestServer::seeded().await;
    let e = s
        .gql_err(
            MERGE,
            json!({ "into": "person:berik-asylov", "from": "person:berik-asylov" }),
        )
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{e:#}");
}

#[tokio::test]
async fn likely_duplicates_finds_a_person_imported_twice_under_two_ids() {
    let s = TestServer::seeded().await;
    import(&s, TWICE).await;
    let d = s
        .gql(
            "{ dataChecks { likelyDuplicates { nodes { id } score reasons } } }",
            json!({}),
        )
        .await;
    let list = d["dataChecks"]["likelyDuplicates"].as_array().unwrap();
    let ids = |p: &Value| -> Vec<String> {
        let mut v: Vec<String> = p["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    let first = list
        .iter()
        .find(|p| ids(p) == ["person:b-asylov", "person:berik-asylov"])
        .unwrap_or_else(|| panic!("the pair is not listed: {d:#}"));
    // Same key and a shared office: nothing ranks above it.
    assert!(
        first["score"].as_f64().unwrap() >= list[0]["score"].as_f64().unwrap(),
        "{d:#}"
    );
    let reasons = first["reasons"].to_string();
    assert!(reasons.contains("name"), "{reasons}");
    assert!(
        reasons.contains("office:prosecutor-general-kz"),
        "{reasons}"
    );
}
