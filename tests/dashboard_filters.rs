//! Filtered aggregates over HTTP: `stats` and `centrality` take the filters
//! of `meetings`; `topPairs` ranks who met most over the meetings those
//! filters keep, and counts against the complexity limit; the dashboard
//! queries of the README answer against the seed data.

mod common;

use attache::http::{Auth, Limits, Options};
use common::dashboard::{ids, server};
use common::{TestServer, TOKEN};
use serde_json::{json, Value};

fn year_totals(v: &Value) -> Vec<(i64, i64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| (r["year"].as_i64().unwrap(), r["count"].as_i64().unwrap()))
        .collect()
}

#[tokio::test]
async fn stats_count_only_the_meetings_of_the_series_asked_for() {
    let s = server().await;
    let d = s
        .gql(
            "{ all: stats { meetingsPerYearTotal { year count } } s1: stats(series: \"series:s1\") { meetingsPerYearTotal { year count } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        year_totals(&d["all"]["meetingsPerYearTotal"]),
        [(2019, 1), (2020, 2)]
    );
    assert_eq!(
        year_totals(&d["s1"]["meetingsPerYearTotal"]),
        [(2019, 1), (2020, 1)]
    );
}

#[tokio::test]
async fn stats_count_only_the_meetings_in_the_window_asked_for() {
    let s = server().await;
    let d = s
        .gql(
            "{ stats(from: \"2020\", to: \"2020\") { meetingsPerYearTotal { year count } attendanceByMode { count } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        year_totals(&d["stats"]["meetingsPerYearTotal"]),
        [(2020, 2)]
    );
    // m2 (p1, p2) and m3 (p1, p2, p4).
    assert_eq!(d["stats"]["attendanceByMode"][0]["count"], 5);
}

#[tokio::test]
async fn stats_count_only_the_attendances_at_meetings_about_the_topic_asked_for() {
    let s = server().await;
    let d = s
        .gql(
            "{ stats(topic: \"topic:t1\") { attendanceByMode { count } } }",
            json!({}),
        )
        .await;
    // m1 (p1, p2, p3) and m3 (p1, p2, p4).
    assert_eq!(d["stats"]["attendanceByMode"][0]["count"], 6);
}

#[tokio::test]
async fn centrality_ranks_only_the_network_of_the_filtered_meetings() {
    let s = server().await;
    let d = s
        .gql(
            "{ centrality(measure: DEGREE, series: \"series:s2\") { networkNodes scores { node { id } score } } }",
            json!({}),
        )
        .await;
    // Only m3 of s2 was held: p1, p2 and p4 each met the other two.
    let c = &d["centrality"];
    assert_eq!(c["networkNodes"], 3);
    assert_eq!(
        ids(&c["scores"], &["node", "id"]),
        ["person:p1", "person:p2", "person:p4"]
    );
    assert!(c["scores"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["score"] == 2.0));
}

fn pairs(v: &Value) -> Vec<(String, String, i64)> {
    v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["a"]["id"].as_str().unwrap().to_owned(),
                p["b"]["id"].as_str().unwrap().to_owned(),
                p["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn pair(a: &str, b: &str, n: i64) -> (String, String, i64) {
    (format!("person:{a}"), format!("person:{b}"), n)
}

#[tokio::test]
async fn top_pairs_rank_the_people_who_shared_the_most_held_meetings() {
    let s = server().await;
    let d = s
        .gql(
            "{ topPairs(first: 2) { totalCount pairs { a { id } b { id } count first { text } last { text } meetings { id } } } }",
            json!({}),
        )
        .await;
    let t = &d["topPairs"];
    // p1–p2 (m1, m2, m3), then four pairs of one meeting each, by ids;
    // p3–p4 met only at the planned m4, which does not count.
    assert_eq!(t["totalCount"], 5);
    assert_eq!(pairs(t), [pair("p1", "p2", 3), pair("p1", "p3", 1)]);
    let top = &t["pairs"][0];
    assert_eq!(top["first"]["text"], "2019-05-01");
    assert_eq!(top["last"]["text"], "2020-09-01");
    assert_eq!(
        ids(&top["meetings"], &["id"]),
        ["meeting:m1", "meeting:m2", "meeting:m3"]
    );
}

#[tokio::test]
async fn top_pairs_count_only_the_meetings_the_filters_keep() {
    let s = server().await;
    let d = s
        .gql(
            "{ topPairs(from: \"2020\") { totalCount pairs { a { id } b { id } count } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        pairs(&d["topPairs"]),
        [
            pair("p1", "p2", 2),
            pair("p1", "p4", 1),
            pair("p2", "p4", 1)
        ]
    );
}

#[tokio::test]
async fn top_pairs_count_against_the_complexity_limit() {
    let options = Options {
        auth: Auth::new([TOKEN.to_owned()], false, false),
        limits: Limits {
            max_complexity: 100,
            ..Default::default()
        },
        ..Default::default()
    };
    let s = TestServer::with_options(options).await;
    s.gql("{ counts { nodes } }", json!({})).await;
    let e = s
        .gql_err("{ topPairs(first: 1) { totalCount } }", json!({}))
        .await;
    assert!(e["message"].as_str().unwrap().contains("complex"), "{e:#}");
}

/// The GraphQL blocks of the README's "Dashboards" section.
fn readme_dashboard_queries() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("\n### Dashboards\n")
        .nth(1)
        .expect("a Dashboards section")
        .split("\n### ")
        .next()
        .unwrap();
    section
        .split("```graphql\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_readme_dashboard_queries_answer_against_the_seed_data() {
    let s = TestServer::seeded().await;
    let queries = readme_dashboard_queries();
    assert_eq!(queries.len(), 3);
    for q in queries {
        let d = s.gql(&q, json!({})).await;
        println!("{}", serde_json::to_string(&d).unwrap());
        let empty = |v: &Value| v.as_array().is_some_and(|a| a.is_empty());
        let root = d.as_object().unwrap().values().next().unwrap();
        assert!(
            root.as_object()
                .unwrap()
                .values()
                .all(|v| !v.is_null() && !empty(v)),
            "{q}: {d:#}"
        );
    }
}
