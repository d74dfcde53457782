//! A document the server has parsed before (and keeps, parsed) is held to
//! every check a new one is: the operation picked, the field count, the
//! caller's rights and GET for queries only are decided per request.

mod common;

use attache::http::{Auth, Limits, Options};
use common::{TestServer, TOKEN};
use reqwest::StatusCode;
use serde_json::{json, Value};

const DOC: &str =
    "query Small { counts { nodes } } query Big { a: counts { nodes } b: counts { nodes } }";

async fn post(s: &TestServer, body: Value) -> Value {
    s.client()
        .post(format!("{}/graphql", s.url))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_document_seen_before_is_refused_for_what_a_new_one_would_be() {
    let s = TestServer::with_options(Options {
        auth: Auth::new([TOKEN.to_owned()], false, false),
        limits: Limits {
            max_fields: 3,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    for _ in 0..2 {
        let v = post(&s, json!({ "query": DOC, "operationName": "Small" })).await;
        assert!(v["data"]["counts"]["nodes"].is_number(), "{v}");
        let v = post(&s, json!({ "query": DOC, "operationName": "Big" })).await;
        assert_eq!(v["errors"][0]["extensions"]["limit"], "maxFields", "{v}");
        let v = post(&s, json!({ "query": DOC })).await;
        assert_eq!(
            v["errors"][0]["message"],
            "the document has several operations: name one with operationName"
        );
        let v = post(&s, json!({ "query": DOC, "operationName": "Other" })).await;
        assert_eq!(v["errors"][0]["message"], "unknown operation named `Other`");
    }
}

#[tokio::test]
async fn a_mutation_seen_before_by_post_is_still_refused_by_get() {
    let s = TestServer::seeded().await;
    let delete = "mutation { deleteNode(id: \"person:nobody\") { id } }";
    let v = post(&s, json!({ "query": delete })).await;
    assert_eq!(v["errors"][0]["extensions"]["code"], "NOT_FOUND", "{v}");
    let r = s
        .client()
        .get(format!("{}/graphql", s.url))
        .query(&[("query", delete)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
}
