//! JSON array batching on `POST /graphql`: an array of requests gets an
//! array of answers in the same order; the batch is bounded by `--max-batch`,
//! and each of its requests is held to every limit and to the caller's
//! rights as a request of its own.

mod common;

use attache::http::{Auth, Limits, Options};
use common::{TestServer, TOKEN};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// POSTs `body` as JSON, with the token or without one.
async fn post(s: &TestServer, body: Value, token: bool) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new()
        .post(format!("{}/graphql", s.url))
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_string());
    if token {
        req = req.header(AUTHORIZATION, format!("Bearer {TOKEN}"));
    }
    let r = req.send().await.unwrap();
    let st = r.status();
    (st, r.json().await.unwrap())
}

fn with(limits: Limits, reads_need_token: bool) -> Options {
    Options {
        auth: Auth::new([TOKEN.to_owned()], reads_need_token, false),
        limits,
        ..Default::default()
    }
}

fn message(v: &Value) -> &str {
    v["errors"][0]["message"].as_str().unwrap_or("")
}

const PERSON: &str = "query($id: ID!) { person(id: $id) { name } }";

#[tokio::test]
async fn an_array_of_requests_gets_an_array_of_answers_in_order() {
    let s = TestServer::seeded().await;
    let (st, v) = post(
        &s,
        json!([
            { "query": PERSON, "variables": { "id": "person:berik-asylov" } },
            { "query": "{ counts { nodes } }" },
            { "query": "query A { counts { nodes } } query B { counts { relations } }",
              "operationName": "B" },
        ]),
        false,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let answers = v.as_array().expect("an array");
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0]["data"]["person"]["name"], "Berik Asylov");
    assert!(answers[1]["data"]["counts"]["nodes"].as_u64().unwrap() > 50);
    assert!(answers[2]["data"]["counts"]["relations"].is_number(), "{v}");
}

#[tokio::test]
async fn a_batch_over_max_batch_is_400_naming_the_limit() {
    let s = TestServer::with_options(with(
        Limits {
            max_batch: 3,
            ..Default::default()
        },
        false,
    ))
    .await;
    let one = json!({ "query": "{ counts { nodes } }" });
    let (st, v) = post(&s, json!([one, one, one]), false).await;
    assert_eq!((st, v.as_array().map(Vec::len)), (StatusCode::OK, Some(3)));
    let (st, v) = post(&s, json!([one, one, one, one]), false).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(v["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    assert_eq!(
        message(&v),
        "the batch has 4 requests, more than the limit of 3 (--max-batch)"
    );
}

#[tokio::test]
async fn an_empty_batch_is_400() {
    let s = TestServer::seeded().await;
    let (st, v) = post(&s, json!([]), false).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(message(&v).contains("the batch is empty"), "{v}");
}

#[tokio::test]
async fn each_request_of_a_batch_is_held_to_the_limits_on_its_own() {
    let s = TestServer::with_options(with(
        Limits {
            max_fields: 3,
            ..Default::default()
        },
        false,
    ))
    .await;
    let (st, v) = post(
        &s,
        json!([
            { "query": "{ counts { nodes } }" },
            { "query": "{ a: counts { nodes } b: counts { nodes } }" },
            { "query": "{ counts { relations } }" },
        ]),
        false,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(v[0]["data"]["counts"]["nodes"].is_number(), "{v}");
    assert_eq!(v[1]["errors"][0]["extensions"]["limit"], "maxFields", "{v}");
    assert!(v[1].get("data").is_none_or(Value::is_null), "{v}");
    assert!(v[2]["data"]["counts"]["relations"].is_number(), "{v}");
}

#[tokio::test]
async fn a_mutation_in_a_batch_needs_a_token_that_may_write() {
    let s = TestServer::seeded().await;
    let create = json!({ "query": "mutation { createPerson(input: { id: \"person:intruder\", name: \"I\", citations: [{ source: \"source:background\" }] }) { id } }" });
    let read = json!({ "query": "{ person(id: \"person:intruder\") { id } }" });
    let (st, v) = post(&s, json!([create, read]), false).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        v[0]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{v}"
    );
    assert!(v[1]["data"]["person"].is_null(), "{v}");
    let (_, v) = post(&s, json!([create, read]), true).await;
    assert_eq!(v[0]["data"]["createPerson"]["id"], "person:intruder", "{v}");
    assert_eq!(v[1]["data"]["person"]["id"], "person:intruder", "{v}");
}

#[tokio::test]
async fn a_batch_from_a_caller_who_may_not_read_is_refused_whole_with_401() {
    let s = TestServer::with_options(with(Limits::default(), true)).await;
    let one = json!({ "query": "{ counts { nodes } }" });
    let (st, v) = post(&s, json!([one, one]), false).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(v["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let (st, v) = post(&s, json!([one, one]), true).await;
    assert_eq!((st, v.as_array().map(Vec::len)), (StatusCode::OK, Some(2)));
}

#[tokio::test]
async fn a_batch_element_that_is_not_a_request_gets_its_own_error() {
    let s = TestServer::seeded().await;
    let (st, v) = post(
        &s,
        json!([{ "query": "{ counts { nodes } }" }, 7, { "variables": {} }]),
        false,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(v[0]["data"]["counts"]["nodes"].is_number(), "{v}");
    assert_eq!(
        message(&v[1]),
        "each request of a batch must be a JSON object"
    );
    assert_eq!(message(&v[2]), "`query` is missing");
    assert_eq!(v[2]["errors"][0]["extensions"]["code"], "BAD_REQUEST");
}
