//! Apollo's automatic persisted queries: a request may name its document by
//! SHA-256 alone; an unknown hash is `PERSISTED_QUERY_NOT_FOUND`, the client
//! then sends the text with its hash, which is checked and kept (bounded),
//! and later requests by hash alone run it — by POST, and by GET for queries.

mod common;

use attache::http::{Auth, Limits, Options};
use common::{TestServer, TOKEN};
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const PERSON: &str = "query($id: ID!) { person(id: $id) { name } }";

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn post(s: &TestServer, body: Value) -> (StatusCode, Value) {
    let r = s
        .client()
        .post(format!("{}/graphql", s.url))
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let st = r.status();
    (st, r.json().await.unwrap())
}

async fn get(s: &TestServer, params: &[(&str, String)]) -> (StatusCode, Value) {
    let r = s
        .client()
        .get(format!("{}/graphql", s.url))
        .query(params)
        .send()
        .await
        .unwrap();
    let st = r.status();
    (st, r.json().await.unwrap())
}

fn with_limits(limits: Limits) -> Options {
    Options {
        auth: Auth::new([TOKEN.to_owned()], false, false),
        limits,
        ..Default::default()
    }
}

fn code(v: &Value) -> &str {
    v["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn a_hash_alone_that_is_not_known_is_persisted_query_not_found() {
    let s = TestServer::seeded().await;
    let (st, v) = post(&s, json!({ "extensions": persisted(&sha256(PERSON)) })).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["errors"][0]["message"], "PersistedQueryNotFound", "{v}");
    assert_eq!(code(&v), "PERSISTED_QUERY_NOT_FOUND");
    assert!(v["data"].is_null(), "{v}");
}

#[tokio::test]
async fn a_query_sent_with_its_hash_runs_and_then_runs_by_its_hash_alone() {
    let s = TestServer::seeded().await;
    let hash = sha256(PERSON);
    let (_, v) = post(
        &s,
        json!({ "query": PERSON, "variables": { "id": "person:berik-asylov" },
                "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(v["data"]["person"]["name"], "Berik Asylov", "{v}");
    let (st, v) = post(
        &s,
        json!({ "variables": { "id": "person:berik-asylov" }, "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["data"]["person"]["name"], "Berik Asylov", "{v}");
}

#[tokio::test]
async fn a_hash_that_is_not_the_querys_is_refused_and_nothing_is_kept() {
    let s = TestServer::seeded().await;
    let wrong = sha256("{ counts { nodes } }");
    let (_, v) = post(
        &s,
        json!({ "query": PERSON, "extensions": persisted(&wrong) }),
    )
    .await;
    assert_eq!(code(&v), "BAD_REQUEST", "{v}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("sha256Hash is not the SHA-256 of the query"),
        "{v}"
    );
    let (_, v) = post(&s, json!({ "extensions": persisted(&wrong) })).await;
    assert_eq!(code(&v), "PERSISTED_QUERY_NOT_FOUND", "{v}");
}

#[tokio::test]
async fn a_persisted_query_of_another_version_is_refused() {
    let s = TestServer::seeded().await;
    let ext = json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256(PERSON) } });
    let (_, v) = post(&s, json!({ "query": PERSON, "extensions": ext })).await;
    assert_eq!(code(&v), "BAD_REQUEST", "{v}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("`version` must be 1"),
        "{v}"
    );
}

#[tokio::test]
async fn a_persisted_query_runs_by_get_by_its_hash_alone() {
    let s = TestServer::seeded().await;
    let hash = sha256(PERSON);
    let ext = persisted(&hash).to_string();
    let vars = json!({ "id": "person:berik-asylov" }).to_string();
    let (_, v) = get(
        &s,
        &[("extensions", ext.clone()), ("variables", vars.clone())],
    )
    .await;
    assert_eq!(code(&v), "PERSISTED_QUERY_NOT_FOUND", "{v}");
    // Registered by GET, as Apollo clients do for queries.
    let (st, v) = get(
        &s,
        &[
            ("query", PERSON.to_owned()),
            ("extensions", ext.clone()),
            ("variables", vars.clone()),
        ],
    )
    .await;
    assert_eq!(
        (st, &v["data"]["person"]["name"]),
        (StatusCode::OK, &json!("Berik Asylov"))
    );
    let (st, v) = get(&s, &[("extensions", ext), ("variables", vars)]).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(v["data"]["person"]["name"], "Berik Asylov", "{v}");
}

#[tokio::test]
async fn a_persisted_mutation_is_refused_by_get() {
    let s = TestServer::seeded().await;
    let delete = "mutation { deleteNode(id: \"person:nobody\") { id } }";
    let hash = sha256(delete);
    // Kept by POST (it runs, and finds nothing to delete).
    let (_, v) = post(
        &s,
        json!({ "query": delete, "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(code(&v), "NOT_FOUND", "{v}");
    let (st, v) = get(&s, &[("extensions", persisted(&hash).to_string())]).await;
    assert_eq!(st, StatusCode::METHOD_NOT_ALLOWED, "{v}");
    assert_eq!(code(&v), "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn a_document_refused_by_a_limit_is_not_kept() {
    let s = TestServer::with_options(with_limits(Limits {
        max_fields: 3,
        ..Default::default()
    }))
    .await;
    let big = "{ a: counts { nodes } b: counts { nodes } }";
    let hash = sha256(big);
    let (_, v) = post(&s, json!({ "query": big, "extensions": persisted(&hash) })).await;
    assert_eq!(v["errors"][0]["extensions"]["limit"], "maxFields", "{v}");
    let (_, v) = post(&s, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(code(&v), "PERSISTED_QUERY_NOT_FOUND", "{v}");
}

#[tokio::test]
async fn the_persisted_queries_kept_are_bounded_the_least_recently_used_going_first() {
    let s = TestServer::with_options(with_limits(Limits {
        persisted_queries: 2,
        ..Default::default()
    }))
    .await;
    let texts = [
        "{ counts { nodes } }",
        "{ counts { relations } }",
        "{ counts { nodes relations } }",
    ];
    for t in texts {
        let (_, v) = post(
            &s,
            json!({ "query": t, "extensions": persisted(&sha256(t)) }),
        )
        .await;
        assert!(v["data"]["counts"].is_object(), "{v}");
    }
    let by_hash = |t: &str| json!({ "extensions": persisted(&sha256(t)) });
    let (_, v) = post(&s, by_hash(texts[0])).await;
    assert_eq!(code(&v), "PERSISTED_QUERY_NOT_FOUND", "{v}");
    for t in &texts[1..] {
        let (_, v) = post(&s, by_hash(t)).await;
        assert!(v["data"]["counts"].is_object(), "{v}");
    }
}
