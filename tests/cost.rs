//! Expensive requests are refused before they run: heavy analysis fields
//! count at their cost, documents have caps on operations and fragments,
//! and an error never echoes the input back.

mod common;

use std::time::{Duration, Instant};

use attache::http::{Auth, Limits, Options};
use common::{TestServer, TOKEN};
use reqwest::header::CONTENT_TYPE;
use serde_json::{json, Value};

fn limited(limits: Limits) -> Options {
    Options {
        auth: Auth::new([TOKEN.to_owned()], false, false),
        limits,
        ..Default::default()
    }
}

/// POSTs a raw body; returns the body text and how long the answer took.
async fn post(s: &TestServer, body: String) -> (String, Duration) {
    let t0 = Instant::now();
    let text = reqwest::Client::new()
        .post(format!("{}/graphql", s.url))
        .header(CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    (text, t0.elapsed())
}

fn betweenness(n: usize) -> String {
    let aliases: String = (0..n)
        .map(|i| {
            format!(
                "c{i}: centrality(measure: BETWEENNESS, from: \"{}\", first: 1) {{ networkNodes }} ",
                1900 + i
            )
        })
        .collect();
    format!("{{ {aliases} }}")
}

#[tokio::test]
async fn a_hundred_and_sixty_aliased_betweenness_centralities_are_refused_with_a_code() {
    let s = TestServer::seeded().await;
    let (text, _) = post(&s, json!({ "query": betweenness(160) }).to_string()).await;
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(v["data"].is_null(), "{v}");
    let msg = v["errors"][0]["message"].as_str().unwrap().to_lowercase();
    assert!(msg.contains("complex"), "{v}");
    assert!(v["errors"][0]["extensions"]["code"].is_string(), "{v}");
}

#[tokio::test]
async fn a_few_betweenness_centralities_still_run() {
    let s = TestServer::seeded().await;
    for n in [1, 4] {
        let v = s.gql_raw(&betweenness(n), json!({})).await;
        assert!(v["errors"].is_null(), "{n}: {v}");
        assert!(v["data"]["c0"]["networkNodes"].is_number(), "{v}");
    }
}

#[tokio::test]
async fn ten_thousand_operations_are_refused_quickly_with_a_code() {
    let s = TestServer::with_options(limited(Limits {
        max_document_bytes: 4 << 20,
        ..Default::default()
    }))
    .await;
    let doc: String = (0..10_000)
        .map(|i| format!("query o{i} {{ __typename }}\n"))
        .collect();
    let body = json!({ "query": doc, "operationName": "o1" }).to_string();
    let (text, took) = post(&s, body).await;
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{v}");
    assert_eq!(
        v["errors"][0]["extensions"]["limit"], "maxOperations",
        "{v}"
    );
    assert!(took < Duration::from_millis(500), "{took:?}");
}

#[tokio::test]
async fn ten_thousand_unused_fragments_are_refused_quickly_with_a_code() {
    let s = TestServer::with_options(limited(Limits {
        max_document_bytes: 4 << 20,
        ..Default::default()
    }))
    .await;
    let frags: String = (0..10_000)
        .map(|i| format!("fragment f{i} on Query {{ __typename }}\n"))
        .collect();
    let body = json!({ "query": format!("{{ counts {{ nodes }} }}\n{frags}") }).to_string();
    let (text, took) = post(&s, body).await;
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{v}");
    assert_eq!(v["errors"][0]["extensions"]["limit"], "maxFragments", "{v}");
    assert!(took < Duration::from_millis(500), "{took:?}");
}

#[tokio::test]
async fn a_document_over_the_size_cap_is_refused_before_parsing() {
    let s = TestServer::with_options(limited(Limits {
        max_document_bytes: 1000,
        ..Default::default()
    }))
    .await;
    let query = format!("{{ counts {{ nodes }} }} # {}", "x".repeat(2000));
    let (text, _) = post(&s, json!({ "query": query }).to_string()).await;
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["errors"][0]["extensions"]["limit"], "maxDocumentBytes",
        "{v}"
    );
    let (text, _) = post(&s, json!({ "query": "{ counts { nodes } }" }).to_string()).await;
    assert!(text.contains("\"nodes\""), "{text}");
}

#[tokio::test]
async fn a_too_deep_query_gets_a_small_error_that_does_not_echo_it() {
    let s = TestServer::with_options(limited(Limits {
        max_document_bytes: 4 << 20,
        ..Default::default()
    }))
    .await;
    let depth = 500_000;
    let query = format!("{}{}", "{a".repeat(depth), "}".repeat(depth));
    assert!(query.len() > 1_400_000);
    let (text, _) = post(&s, json!({ "query": query }).to_string()).await;
    assert!(
        text.len() < 2_000,
        "{} bytes: {}",
        text.len(),
        &text[..300.min(text.len())]
    );
    assert!(!text.contains("{a{a{a{a"), "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(v["errors"][0]["extensions"]["code"].is_string(), "{v}");
}
