//! Bounded dashboard numbers over HTTP: the `stats` lists that grow with the
//! data take `first` and `offset`, have a `…Count` beside them, rank their
//! rows, and count against the complexity limit like every nested list.

mod common;

use attache::http::{Auth, Limits, Options};
use common::{TestServer, TOKEN};
use serde_json::{json, Value};

/// Meeting `meeting:dN` adopted N documents (N = 1, 2, 3), in years 2001–2003;
/// `meeting:solo` of 2003 has none.
fn documents() -> String {
    let cite = json!([{ "source": "source:background" }]);
    let mut nodes = vec![json!({ "id": "source:background", "name": "Background" })];
    let mut rels = Vec::new();
    for n in 1..=3 {
        let m = format!("meeting:d{n}");
        nodes.push(json!({ "id": m, "name": format!("D{n}"), "start": format!("200{n}-05-01"), "citations": cite }));
        for k in 0..n {
            let doc = format!("document:d{n}-{k}");
            nodes.push(json!({ "id": doc, "name": format!("Doc {n}.{k}"), "citations": cite }));
            rels.push(json!({ "id": format!("rel:{n}-{k}"), "kind": "adopted_at", "from": doc, "to": m, "citations": cite }));
        }
    }
    nodes.push(
        json!({ "id": "meeting:solo", "name": "Solo", "start": "2003-01-01", "citations": cite }),
    );
    json!({ "format": "attache/1", "nodes": nodes, "relations": rels }).to_string()
}

async fn server() -> TestServer {
    let s = TestServer::empty().await;
    s.gql(
        "mutation($d: String!) { import(document: $d) { created } }",
        json!({ "d": documents() }),
    )
    .await;
    s
}

fn ids(v: &Value, field: &str) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r[field]["id"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn documents_per_meeting_come_most_documents_first() {
    let s = server().await;
    let d = s
        .gql(
            "{ stats { documentsPerMeeting { meeting { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ids(&d["stats"]["documentsPerMeeting"], "meeting"),
        ["meeting:d3", "meeting:d2", "meeting:d1"]
    );
}

#[tokio::test]
async fn documents_per_meeting_with_first_gives_the_top_rows_and_the_full_count() {
    let s = server().await;
    let d = s
        .gql(
            "{ stats { documentsPerMeeting(first: 1) { meeting { id } documents } documentsPerMeetingCount } }",
            json!({}),
        )
        .await;
    let st = &d["stats"];
    assert_eq!(
        st["documentsPerMeeting"],
        json!([{ "meeting": { "id": "meeting:d3" }, "documents": 3 }])
    );
    assert_eq!(st["documentsPerMeetingCount"], 3);
}

#[tokio::test]
async fn documents_per_meeting_with_offset_gives_the_next_rows() {
    let s = server().await;
    let d = s
        .gql(
            "{ stats { documentsPerMeeting(first: 5, offset: 1) { meeting { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ids(&d["stats"]["documentsPerMeeting"], "meeting"),
        ["meeting:d2", "meeting:d1"]
    );
}

#[tokio::test]
async fn meetings_per_year_total_has_one_row_a_year_whatever_the_series() {
    let s = server().await;
    let d = s
        .gql(
            "{ stats { meetingsPerYearTotal { year count } meetingsPerYearTotalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d["stats"]["meetingsPerYearTotal"],
        json!([{ "year": 2001, "count": 1 }, { "year": 2002, "count": 1 }, { "year": 2003, "count": 2 }])
    );
    assert_eq!(d["stats"]["meetingsPerYearTotalCount"], 3);
}

#[tokio::test]
async fn meetings_per_year_total_agrees_with_the_per_series_rows_on_the_seed() {
    let s = TestServer::seeded().await;
    let d = s
        .gql(
            "{ stats { meetingsPerYear { year count } meetingsPerYearTotal { year count } } }",
            json!({}),
        )
        .await;
    let sum = |rows: &Value| -> u64 {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| r["count"].as_u64().unwrap())
            .sum()
    };
    let st = &d["stats"];
    assert_eq!(
        sum(&st["meetingsPerYear"]),
        sum(&st["meetingsPerYearTotal"])
    );
}

#[tokio::test]
async fn attendance_by_state_with_first_keeps_the_largest_states() {
    let s = TestServer::seeded().await;
    let d = s
        .gql(
            "{ stats { top: attendanceByState(first: 2) { state { id } count } all: attendanceByState { state { id } count } attendanceByStateCount } }",
            json!({}),
        )
        .await;
    let st = &d["stats"];
    let all = st["all"].as_array().unwrap();
    assert_eq!(st["top"].as_array().unwrap()[..], all[..2]);
    assert_eq!(
        st["attendanceByStateCount"].as_u64(),
        Some(all.len() as u64)
    );
}

#[tokio::test]
async fn an_unbounded_stats_list_counts_as_a_full_page_against_the_complexity_limit() {
    let s = TestServer::with_options(Options {
        auth: Auth::new([TOKEN.to_owned()], false, false),
        limits: Limits {
            max_complexity: 2000,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let body = s
        .gql_raw(
            "{ stats { attendanceByState { count state { id } } } }",
            json!({}),
        )
        .await;
    let msg = body["errors"][0]["message"].as_str().unwrap_or("");
    assert!(msg.to_lowercase().contains("complex"), "{body}");
    let body = s
        .gql_raw(
            "{ stats { attendanceByState(first: 20) { count state { id } } } }",
            json!({}),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
}
