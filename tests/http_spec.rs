//! The GraphQL-over-HTTP contract: media types, status codes, GET for queries
//! only, and what a malformed request gets.

mod common;

use common::TestServer;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};

const GRJ: &str = "application/graphql-response+json";

async fn post(s: &TestServer, accept: &str, body: &str) -> (StatusCode, String, Value) {
    let r = s
        .client()
        .post(format!("{}/graphql", s.url))
        .header(ACCEPT, accept)
        .header(CONTENT_TYPE, "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = r.status();
    let ct = r.headers()[CONTENT_TYPE].to_str().unwrap().to_owned();
    (status, ct, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_response_media_type_follows_accept() {
    let s = TestServer::seeded().await;
    let q = r#"{"query":"{ counts { nodes } }"}"#;
    let (st, ct, body) = post(&s, GRJ, q).await;
    assert_eq!(
        (st, ct.as_str()),
        (
            StatusCode::OK,
            "application/graphql-response+json; charset=utf-8"
        )
    );
    assert!(body["data"]["counts"]["nodes"].as_u64().unwrap() > 50);
    let (_, ct, _) = post(&s, "application/json", q).await;
    assert_eq!(ct, "application/json; charset=utf-8");
    let (st, _, _) = post(&s, "text/html", q).await;
    assert_eq!(st, StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn a_document_that_does_not_parse_or_validate_is_400_without_data() {
    let s = TestServer::seeded().await;
    for body in [
        r#"{"query":"{ counts { nodes "}"#,
        r#"{"query":"{ noSuchField }"}"#,
        r#"{"query":"query($x: Int!) { counts { nodes } }","variables":{"x":"not an int"}}"#,
    ] {
        let (st, _, v) = post(&s, GRJ, body).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
        assert!(v.get("data").is_none(), "{body}: {v}");
        assert!(v["errors"][0]["message"].is_string(), "{body}: {v}");
        // Plain JSON keeps the older behaviour: 200 with errors.
        let (st, _, v) = post(&s, "application/json", body).await;
        assert_eq!(st, StatusCode::OK, "{body}");
        assert!(v["errors"][0]["message"].is_string(), "{body}: {v}");
    }
}

#[tokio::test]
async fn a_malformed_request_is_400_whatever_the_media_type() {
    let s = TestServer::seeded().await;
    for body in [
        r#"{"query":42}"#,
        r#"{"variables":{}}"#,
        r#"{"query":"{ counts { nodes } }","variables":"x"}"#,
        r#"{"query":"{ counts { nodes } }","operationName":[]}"#,
        r#"{"query":"{ counts { nodes } }","extensions":1}"#,
        r#"{"query":"#,
        "",
    ] {
        for accept in [GRJ, "application/json"] {
            let (st, _, v) = post(&s, accept, body).await;
            assert_eq!(st, StatusCode::BAD_REQUEST, "{accept} {body}");
            assert!(v.get("data").is_none(), "{body}: {v}");
            assert_eq!(
                v["errors"][0]["extensions"]["code"], "BAD_REQUEST",
                "{body}: {v}"
            );
        }
    }
}

#[tokio::test]
async fn an_error_while_running_is_200_with_data_and_errors() {
    let s = TestServer::seeded().await;
    let (st, _, v) = post(
        &s,
        GRJ,
        r#"{"query":"{ counts { nodes } meetings(from: \"2022-13\") { totalCount } }"}"#,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(v.get("data").is_some());
    assert_eq!(v["errors"][0]["extensions"]["code"], "INVALID_INPUT");
}

#[tokio::test]
async fn get_runs_queries_with_json_variables() {
    let s = TestServer::seeded().await;
    let r = s
        .client()
        .get(format!("{}/graphql", s.url))
        .query(&[
            ("query", "query($id: ID!) { person(id: $id) { name } }"),
            ("variables", r#"{"id":"person:berik-asylov"}"#),
        ])
        .header(ACCEPT, GRJ)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["data"]["person"]["name"], "Berik Asylov");
}

#[tokio::test]
async fn a_mutation_by_get_is_refused_and_writes_nothing() {
    let s = TestServer::seeded().await;
    let r = s
        .client()
        .get(format!("{}/graphql", s.url))
        .query(&[(
            "query",
            "mutation { deletePerson(id: \"person:zhang-ming\", cascade: true) { id } }",
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers()["allow"], "POST");
    let d = s
        .gql("{ person(id: \"person:zhang-ming\") { id } }", json!({}))
        .await;
    assert_eq!(d["person"]["id"], "person:zhang-ming");
}

#[tokio::test]
async fn a_post_that_is_not_json_is_415() {
    let s = TestServer::seeded().await;
    for ct in [
        None,
        Some("text/plain"),
        Some("application/json; charset=latin1"),
    ] {
        let mut req = s
            .client()
            .post(format!("{}/graphql", s.url))
            .body(r#"{"query":"{ counts { nodes } }"}"#);
        if let Some(ct) = ct {
            req = req.header(CONTENT_TYPE, ct);
        }
        assert_eq!(
            req.send().await.unwrap().status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{ct:?}"
        );
    }
}

#[tokio::test]
async fn a_subscription_over_http_is_pointed_to_the_websocket() {
    let s = TestServer::seeded().await;
    let (st, _, v) = post(&s, GRJ, r#"{"query":"subscription { changes { id } }"}"#).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(v["errors"][0]["message"].as_str().unwrap().contains("/ws"));
}

#[tokio::test]
async fn fields_come_back_in_the_order_asked() {
    let s = TestServer::seeded().await;
    let r = s
        .client()
        .post(format!("{}/graphql", s.url))
        .header(CONTENT_TYPE, "application/json")
        .body(r#"{"query":"{ person(id: \"person:berik-asylov\") { name id kind } }"}"#)
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    let (n, i, k) = (
        text.find("\"name\"").unwrap(),
        text.find("\"id\"").unwrap(),
        text.find("\"kind\"").unwrap(),
    );
    assert!(n < i && i < k, "{text}");
}

#[tokio::test]
async fn a_large_answer_is_compressed_when_the_client_accepts_it() {
    let s = TestServer::seeded().await;
    let r = reqwest::Client::new()
        .post(format!("{}/graphql", s.url))
        .header(CONTENT_TYPE, "application/json")
        .header("accept-encoding", "gzip")
        .body(r#"{"query":"{ __schema { types { name fields { name } } } }"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn every_error_carries_a_code() {
    let s = TestServer::seeded().await;
    let (_, _, v) = post(
        &s,
        GRJ,
        r#"{"query":"{ neighborhood(id: \"place:astana\", depth: 455264128307) { truncated } }"}"#,
    )
    .await;
    assert_eq!(v["errors"][0]["extensions"]["code"], "INVALID_INPUT", "{v}");
    let (_, _, v) = post(&s, GRJ, r#"{"query":"{ noSuchField }"}"#).await;
    assert_eq!(
        v["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{v}"
    );
}
