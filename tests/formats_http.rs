//! FollowTheMoney and Popolo over HTTP (issue 15): the GraphQL `export`
//! query and the `import` mutation with `format`, on a real server on an
//! ephemeral port. What one server exports, another imports and exports
//! the same; neither is open to a caller without a token that may write.

mod common;

use common::TestServer;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};

const EXPORT: &str = "query($f: Format!) { export(format: $f) }";
const IMPORT: &str = "mutation($d: String!, $f: Format!, $n: String!) {
  import(document: $d, format: $f, name: $n) { applied created } }";

async fn export(s: &TestServer, format: &str) -> String {
    let v = s.gql(EXPORT, json!({ "f": format })).await;
    v["export"].as_str().expect("export text").to_owned()
}

/// A seeded server's export imported into an empty one, which exports the
/// same text.
async fn round_trip(format: &str, name: &str) {
    let a = TestServer::seeded().await;
    let first = export(&a, format).await;
    let b = TestServer::empty().await;
    let v = b
        .gql(IMPORT, json!({ "d": first, "f": format, "n": name }))
        .await;
    assert_eq!(v["import"]["applied"], true);
    assert!(v["import"]["created"].as_u64().unwrap() > 50, "{v}");
    assert_eq!(export(&b, format).await, first);
}

#[tokio::test]
async fn an_ftm_export_imports_into_another_server_which_exports_the_same() {
    round_trip("FTM", "seed.ftm.json").await;
}

#[tokio::test]
async fn a_popolo_export_imports_into_another_server_which_exports_the_same() {
    round_trip("POPOLO", "seed.popolo.json").await;
}

/// POSTs a GraphQL body with no token at all.
async fn without_token(s: &TestServer, query: &str, variables: Value) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/graphql", s.url))
        .header(CONTENT_TYPE, "application/json")
        .body(json!({ "query": query, "variables": variables }).to_string())
        .send()
        .await
        .unwrap();
    let st = r.status();
    (st, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn export_as_ftm_or_popolo_without_a_write_token_is_forbidden() {
    let s = TestServer::seeded().await;
    for f in ["FTM", "POPOLO"] {
        let (_, v) = without_token(&s, EXPORT, json!({ "f": f })).await;
        assert_eq!(
            v["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{f}: {v}"
        );
        assert!(v["data"].is_null() || v["data"]["export"].is_null(), "{v}");
    }
}

#[tokio::test]
async fn import_as_ftm_or_popolo_without_a_token_is_refused_and_writes_nothing() {
    let a = TestServer::seeded().await;
    let b = TestServer::empty().await;
    for (f, name) in [("FTM", "x.ftm.json"), ("POPOLO", "x.json")] {
        let text = export(&a, f).await;
        let vars = json!({ "d": text, "f": f, "n": name });
        let (st, v) = without_token(&b, IMPORT, vars).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{f}: {v}");
        assert_eq!(v["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        // A wrong token is no better.
        let r = b
            .client()
            .post(format!("{}/graphql", b.url))
            .header(AUTHORIZATION, "Bearer guess")
            .json(&json!({ "query": IMPORT, "variables": { "d": "{}", "f": f, "n": name } }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let counts = b.gql("{ counts { nodes } }", json!({})).await;
    assert_eq!(counts["counts"]["nodes"], 0);
}

#[tokio::test]
async fn a_bad_popolo_document_is_refused_naming_its_line_element_and_field() {
    let b = TestServer::empty().await;
    let doc = "{\"persons\": [\n\
        {\"id\": \"p1\", \"name\": \"Jane Doe\"}\n],\n\
        \"memberships\": [\n\
        {\"person_id\": \"p1\", \"post_id\": \"nowhere\", \"start_date\": \"2020\"}\n]}";
    let err = b
        .gql_err(
            IMPORT,
            json!({ "d": doc, "f": "POPOLO", "n": "people.json" }),
        )
        .await;
    let p = &err["extensions"]["problems"][0];
    assert_eq!(p["file"], "people.json", "{err}");
    assert_eq!(p["line"], 5, "{err}");
    assert_eq!(p["field"], "post_id", "{err}");
    let counts = b.gql("{ counts { nodes } }", json!({})).await;
    assert_eq!(counts["counts"]["nodes"], 0);
}
