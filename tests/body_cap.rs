//! The request body cap: `--max-body` is the one limit on a GraphQL POST
//! (no smaller default hides under it), and a body over it gets 413 as a
//! coded GraphQL error, whether it announces its length or is chunked, under
//! either response media type.

mod common;

use std::time::Duration;

use common::{TestServer, TOKEN};
use serde_json::{json, Value};

const IMPORT: &str = "mutation($d: String!) { import(document: $d) { created } }";

fn server_with_max_body(max_body: usize) -> attache::http::Options {
    let mut options = attache::http::Options {
        auth: attache::http::Auth::new([TOKEN.to_owned()], false, false),
        ..Default::default()
    };
    options.limits.max_body = max_body;
    options
}

/// A document of `n` people citing one source.
fn people(n: usize) -> String {
    let mut nodes = vec![json!({ "id": "source:gen", "name": "Generated" })];
    nodes.extend((0..n).map(|i| {
        json!({ "id": format!("person:gen-{i}"), "name": format!("Generated Person {i}"),
                "citations": [{ "source": "source:gen" }] })
    }));
    json!({ "format": "attache/1", "nodes": nodes }).to_string()
}

#[tokio::test]
async fn a_2_1_mb_import_is_accepted_when_the_cap_is_100_mib() {
    let s = TestServer::with_options(server_with_max_body(100 << 20)).await;
    let doc = people(22_000);
    let body = json!({ "query": IMPORT, "variables": { "d": doc } }).to_string();
    assert!(body.len() > 2_100_000, "body is {} bytes", body.len());
    let res = s
        .client()
        .post(format!("{}/graphql", s.url))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert!(v.get("errors").is_none(), "{v:#}");
    assert_eq!(v["data"]["import"]["created"], 22_001);
}

/// Sends `body` (chunked when `chunked`) with this `Accept`; returns status,
/// content type and JSON body.
async fn post_over_cap(accept: &str, chunked: bool) -> (u16, String, Value) {
    let s = TestServer::with_options(server_with_max_body(1_000)).await;
    let body =
        json!({ "query": "{ __typename }", "variables": { "pad": "x".repeat(5_000) } }).to_string();
    let req = s
        .client()
        .post(format!("{}/graphql", s.url))
        .header("content-type", "application/json")
        .header("accept", accept);
    let req = if chunked {
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body
            .into_bytes()
            .chunks(500)
            .map(|c| Ok(c.to_vec()))
            .collect();
        req.body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
    } else {
        req.body(body)
    };
    let res = tokio::time::timeout(Duration::from_secs(10), req.send())
        .await
        .expect("answered")
        .unwrap();
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = res.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text));
    (status, ct, v)
}

fn assert_payload_too_large((status, ct, v): (u16, String, Value), media: &str) {
    assert_eq!(status, 413, "{v}");
    assert!(ct.starts_with(media), "content type {ct}");
    assert_eq!(
        v["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE",
        "{v}"
    );
    let message = v["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("1000 bytes"), "{message}");
    assert!(v.get("data").is_none());
}

#[tokio::test]
async fn a_body_over_the_cap_with_a_length_gets_413_as_json() {
    assert_payload_too_large(
        post_over_cap("application/json", false).await,
        "application/json",
    );
}

#[tokio::test]
async fn a_chunked_body_over_the_cap_gets_413_as_json() {
    assert_payload_too_large(
        post_over_cap("application/json", true).await,
        "application/json",
    );
}

#[tokio::test]
async fn a_body_over_the_cap_gets_413_as_graphql_response_json() {
    let media = "application/graphql-response+json";
    assert_payload_too_large(post_over_cap(media, false).await, media);
    assert_payload_too_large(post_over_cap(media, true).await, media);
}
