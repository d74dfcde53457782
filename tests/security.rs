//! Who may write, and what no request may do: tokens, limits, introspection,
//! CORS, timeouts — and the server stays responsive while it refuses.

mod common;

use std::time::{Duration, Instant};

use attache::http::{Auth, Limits, Options};
use common::{crowd, TestServer, TOKEN};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, ORIGIN};
use reqwest::StatusCode;
use serde_json::{json, Value};

const CREATE: &str = r#"{"query":"mutation { createPerson(input: { id: \"person:intruder\", name: \"I\", citations: [{ source: \"source:background\" }] }) { id } }"}"#;

async fn raw_post(s: &TestServer, body: &str, token: Option<&str>) -> (StatusCode, Value) {
    // A client without the test server's default token.
    let mut req = reqwest::Client::new()
        .post(format!("{}/graphql", s.url))
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_owned());
    if let Some(t) = token {
        req = req.header(AUTHORIZATION, format!("Bearer {t}"));
    }
    let r = req.send().await.unwrap();
    let st = r.status();
    (st, r.json().await.unwrap_or(Value::Null))
}

async fn intruder_exists(s: &TestServer) -> bool {
    s.gql("{ person(id: \"person:intruder\") { id } }", json!({}))
        .await["person"]
        .is_object()
}

#[tokio::test]
async fn a_write_without_a_token_is_401_and_writes_nothing() {
    let s = TestServer::seeded().await;
    let (st, v) = raw_post(&s, CREATE, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(v["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert!(!intruder_exists(&s).await);
}

#[tokio::test]
async fn a_write_with_a_wrong_token_is_401() {
    let s = TestServer::seeded().await;
    let (st, _) = raw_post(&s, CREATE, Some("guess")).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = raw_post(&s, CREATE, Some(TOKEN)).await;
    assert_eq!(st, StatusCode::OK);
    assert!(intruder_exists(&s).await);
}

#[tokio::test]
async fn reads_are_open_by_default() {
    let s = TestServer::seeded().await;
    let (st, v) = raw_post(&s, r#"{"query":"{ counts { nodes } }"}"#, None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(v["data"]["counts"]["nodes"].is_number());
}

#[tokio::test]
async fn with_no_token_configured_writes_are_refused() {
    let s = TestServer::with_options(Options::default()).await;
    let (st, v) = raw_post(&s, CREATE, Some("anything")).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st2, v2) = raw_post(&s, CREATE, None).await;
    assert_eq!(st2, StatusCode::FORBIDDEN, "{v} {v2}");
    assert!(v2["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no token configured"));
}

#[tokio::test]
async fn reads_can_be_made_to_need_a_token() {
    let s = TestServer::with_options(Options {
        auth: Auth::new([TOKEN.to_owned()], true, false),
        ..Default::default()
    })
    .await;
    let (st, _) = raw_post(&s, r#"{"query":"{ counts { nodes } }"}"#, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, _) = raw_post(&s, r#"{"query":"{ counts { nodes } }"}"#, Some(TOKEN)).await;
    assert_eq!(st, StatusCode::OK);
}

fn limited(limits: Limits) -> Options {
    Options {
        auth: Auth::new([TOKEN.to_owned()], false, false),
        limits,
        ..Default::default()
    }
}

async fn code_of(s: &TestServer, query: &str) -> (StatusCode, Value) {
    raw_post(s, &json!({ "query": query }).to_string(), None).await
}

#[tokio::test]
async fn a_query_too_deep_is_refused() {
    let s = TestServer::with_options(limited(Limits {
        max_depth: 4,
        ..Default::default()
    }))
    .await;
    // Pages are bounded so that only the depth is over its limit.
    let deep = "{ person(id: \"person:berik-asylov\") { attendances(first: 5) { meeting { attendances(first: 5) { person { name } } } } } }";
    let (_, v) = code_of(&s, deep).await;
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("levels deep, over the limit of 4"),
        "{v}"
    );
    assert!(v.get("data").is_none() || v["data"].is_null());
    let (_, v) = code_of(&s, "{ person(id: \"person:berik-asylov\") { name } }").await;
    assert_eq!(v["data"]["person"]["name"], "Berik Asylov");
}

#[tokio::test]
async fn a_query_too_complex_is_refused_counting_page_sizes() {
    let s = TestServer::with_options(limited(Limits {
        max_complexity: 500,
        ..Default::default()
    }))
    .await;
    let (_, v) = code_of(&s, "{ people(first: 1000) { edges { node { name } } } }").await;
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("complex"),
        "{v}"
    );
    let (_, v) = code_of(&s, "{ people(first: 10) { edges { node { name } } } }").await;
    assert!(v["errors"].is_null(), "{v}");
}

#[tokio::test]
async fn too_many_aliases_are_refused() {
    let s = TestServer::with_options(limited(Limits {
        max_fields: 50,
        ..Default::default()
    }))
    .await;
    let aliases: String = (0..60)
        .map(|i| format!("a{i}: counts {{ nodes }} "))
        .collect();
    let (_, v) = code_of(&s, &format!("{{ {aliases} }}")).await;
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("more than 50 fields"),
        "{v}"
    );
}

#[tokio::test]
async fn a_page_larger_than_the_maximum_is_refused() {
    let s = TestServer::seeded().await;
    let (_, v) = code_of(&s, "{ people(first: 5000) { totalCount } }").await;
    assert_eq!(v["errors"][0]["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(v["errors"][0]["extensions"]["field"], "first");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let s = TestServer::with_options(limited(Limits {
        max_body: 1000,
        ..Default::default()
    }))
    .await;
    let big =
        json!({ "query": format!("{{ counts {{ nodes }} }} # {}", "x".repeat(5000)) }).to_string();
    let (st, _) = raw_post(&s, &big, None).await;
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let s = TestServer::with_options(limited(Limits {
        introspection: false,
        ..Default::default()
    }))
    .await;
    let (_, v) = code_of(&s, "{ __schema { types { name } } }").await;
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("introspection is disabled"),
        "{v}"
    );
    let open = TestServer::seeded().await;
    let (_, v) = code_of(&open, "{ __schema { queryType { name } } }").await;
    assert_eq!(v["data"]["__schema"]["queryType"]["name"], "Query");
}

#[tokio::test]
async fn a_query_over_the_time_limit_is_stopped_with_503() {
    let s = TestServer::with_options(limited(Limits {
        query_timeout: Duration::from_millis(1),
        ..Default::default()
    }))
    .await;
    s.gql(
        "mutation($d: String!) { import(document: $d) { created } }",
        json!({ "d": crowd() }),
    )
    .await;
    let (st, v) = code_of(
        &s,
        "{ centrality(measure: BETWEENNESS, from: \"2020\") { networkNodes } }",
    )
    .await;
    assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert_eq!(v["errors"][0]["extensions"]["code"], "TIMEOUT");
    // The server is still there for the next request.
    let (st, _) = code_of(&s, "{ counts { nodes } }").await;
    assert_eq!(st, StatusCode::OK);
}

#[tokio::test]
async fn cors_is_closed_by_default_and_opens_for_listed_origins() {
    let s = TestServer::seeded().await;
    let r = reqwest::Client::new()
        .post(format!("{}/graphql", s.url))
        .header(CONTENT_TYPE, "application/json")
        .header(ORIGIN, "https://dashboard.example")
        .body(r#"{"query":"{ counts { nodes } }"}"#)
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
    let open = TestServer::with_options(Options {
        cors_origins: vec!["https://dashboard.example".into()],
        ..Default::default()
    })
    .await;
    let pre = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", open.url))
        .header(ORIGIN, "https://dashboard.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(
        pre.headers()["access-control-allow-origin"],
        "https://dashboard.example"
    );
    let other = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", open.url))
        .header(ORIGIN, "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_others_while_refusing_abusive_queries() {
    let s = TestServer::with_options(limited(Limits {
        max_fields: 100,
        ..Default::default()
    }))
    .await;
    let abusive: String = (0..5000)
        .map(|i| format!("a{i}: counts {{ nodes }} "))
        .collect();
    let body = json!({ "query": format!("{{ {abusive} }}") }).to_string();
    let url = s.url.clone();
    let flood: Vec<_> = (0..8)
        .map(|_| {
            let (url, body) = (url.clone(), body.clone());
            tokio::spawn(async move {
                let c = reqwest::Client::new();
                for _ in 0..5 {
                    let r = c
                        .post(format!("{url}/graphql"))
                        .header(CONTENT_TYPE, "application/json")
                        .body(body.clone())
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), StatusCode::OK);
                }
            })
        })
        .collect();
    let t0 = Instant::now();
    let (_, v) = code_of(&s, "{ person(id: \"person:berik-asylov\") { name } }").await;
    assert_eq!(v["data"]["person"]["name"], "Berik Asylov");
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
    for f in flood {
        f.await.unwrap();
    }
}
