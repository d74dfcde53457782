//! A query over the complexity or depth limit is refused with its score, the
//! limit and the field path to cut, not only "too complex".

mod common;

use attache::http::{Auth, Limits, Options};
use common::{TestServer, TOKEN};
use serde_json::{json, Value};

async fn server(limits: Limits) -> TestServer {
    TestServer::with_options(Options {
        auth: Auth::new([TOKEN.to_owned()], false, false),
        limits,
        ..Default::default()
    })
    .await
}

async fn refusal(s: &TestServer, query: &str) -> Value {
    let v = s.gql_raw(query, json!({})).await;
    assert!(v["data"].is_null(), "{v}");
    v["errors"][0].clone()
}

#[tokio::test]
async fn a_query_too_complex_gets_its_score_the_limit_and_the_costliest_path() {
    let s = server(Limits {
        max_complexity: 1000,
        ..Default::default()
    })
    .await;
    let e = refusal(
        &s,
        "{ counts { nodes } m: meetings(first: 50) { edges { node { id name attendances(first: 20) { person { name } } } } } }",
    )
    .await;
    let ext = &e["extensions"];
    assert_eq!(ext["code"], "GRAPHQL_VALIDATION_FAILED", "{e}");
    assert_eq!(ext["limit"], "maxComplexity");
    assert_eq!(ext["max"], 1000);
    let score = ext["score"].as_u64().unwrap();
    assert!(score > 1000, "{e}");
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.starts_with(&format!(
            "the query's complexity is {score}, over the limit of 1000"
        )),
        "{msg}"
    );
    assert!(
        msg.contains("the costliest part is `m.edges.node.attendances"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_query_too_deep_gets_its_depth_the_limit_and_the_deepest_path() {
    let s = server(Limits {
        max_depth: 4,
        ..Default::default()
    })
    .await;
    let e = refusal(
        &s,
        "{ counts { nodes } person(id: \"person:berik-asylov\") { attendances(first: 5) { meeting { attendances(first: 5) { person { name } } } } } }",
    )
    .await;
    let ext = &e["extensions"];
    assert_eq!(ext["limit"], "maxDepth", "{e}");
    assert_eq!(ext["max"], 4);
    assert!(ext["score"].as_u64().unwrap() > 4, "{e}");
    let msg = e["message"].as_str().unwrap();
    assert!(
        msg.contains("the deepest field is `person.attendances.meeting.attendances.person.name`"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_query_within_the_limits_still_runs() {
    let s = server(Limits {
        max_complexity: 1000,
        max_depth: 4,
        ..Default::default()
    })
    .await;
    let d = s
        .gql(
            "{ person(id: \"person:berik-asylov\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(d["person"]["name"], "Berik Asylov");
}
