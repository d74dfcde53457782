//! The holders of an office placed in time from all the evidence, over HTTP:
//! the seed plus a report of other meetings of the series
//! (`tests/fixtures/reports/kz-prosecutors-general.json`), where Kazakhstan's
//! Prosecutor General is seen in 2015, 2016, 2019 and 2024. The ids sort in
//! another order than the dates (`askhat-…` < `berik-…` < `gizat-…` <
//! `zhakip-…`; `rel:asylov-…` < `rel:daulbayev-…`), so an answer in id order
//! fails these tests.

mod common;

use common::TestServer;
use serde_json::{json, Value};

const PG_KZ: &str = "office:prosecutor-general-kz";
const REPORT: &str = include_str!("fixtures/reports/kz-prosecutors-general.json");

async fn with_report() -> TestServer {
    let s = TestServer::seeded().await;
    s.gql(
        "mutation($d: String!) { import(document: $d) { created } }",
        json!({ "d": REPORT }),
    )
    .await;
    s
}

/// The ids at `path` in each element of `list`, in the answer's order.
fn ids(list: &Value, path: &[&str]) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| {
            path.iter()
                .fold(v, |v, p| &v[*p])
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

async fn link(s: &TestServer, input: Value) {
    s.gql(
        "mutation($i: RelationInput!) { link(input: $i) { id } }",
        json!({ "i": input }),
    )
    .await;
}

const SUCCESSION: &str = "query($o: ID!) { office(id: $o) { succession { person { id } predecessor { person { id } } evidence { kind date { text } relation { id } citations { source { url } } } } } }";

#[tokio::test]
async fn succession_reads_in_the_order_the_dated_evidence_gives_not_in_id_order() {
    let s = with_report().await;
    let d = s.gql(SUCCESSION, json!({ "o": PG_KZ })).await;
    let chain = &d["office"]["succession"];
    assert_eq!(
        ids(chain, &["person", "id"]),
        [
            "person:askhat-daulbayev",
            "person:zhakip-assanov",
            "person:gizat-nurdauletov",
            "person:berik-asylov",
        ]
    );
    assert_eq!(
        chain[2]["predecessor"]["person"]["id"],
        "person:zhakip-assanov"
    );
}

#[tokio::test]
async fn each_holder_in_the_succession_comes_with_the_evidence_that_placed_them() {
    let s = with_report().await;
    let d = s.gql(SUCCESSION, json!({ "o": PG_KZ })).await;
    let chain = &d["office"]["succession"];
    let first = &chain[0]["evidence"][0];
    assert_eq!(first["kind"], "ATTENDED");
    assert_eq!(first["date"]["text"], "2015-08-27");
    assert_eq!(first["relation"]["id"], "rel:daulbayev-attended-pg13");
    assert_eq!(
        first["citations"][0]["source"]["url"],
        "https://en.inform.kz/news/sco-prosecutors-general-to-convene-in-2016-in-china_a2811749/"
    );
    let nurdauletov: Vec<(Value, Value)> = chain[2]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].clone(), e["date"]["text"].clone()))
        .collect();
    assert_eq!(
        nurdauletov,
        [
            (json!("TENURE_START"), json!("2019")),
            (json!("ATTENDED"), json!("2019-10-01"))
        ]
    );
    let asylov_dates: Vec<&str> = chain[3]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["date"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(asylov_dates.first(), Some(&"2022-09-23"));
    assert_eq!(asylov_dates.last(), Some(&"2024-07-25"));
}

#[tokio::test]
async fn holders_list_people_seen_only_in_the_capacity_in_evidence_order_with_first_and_last_sight()
{
    let s = with_report().await;
    let d = s
        .gql(
            "query($o: ID!) { office(id: $o) { holders { person { id } tenure { id } firstSeen { text } lastSeen { text } } holdersCount } }",
            json!({ "o": PG_KZ }),
        )
        .await;
    let h = &d["office"]["holders"];
    assert_eq!(
        ids(h, &["person", "id"]),
        [
            "person:askhat-daulbayev",
            "person:zhakip-assanov",
            "person:gizat-nurdauletov",
            "person:berik-asylov",
        ]
    );
    assert!(h[0]["tenure"].is_null());
    assert_eq!(h[3]["firstSeen"]["text"], "2022-09-23");
    assert_eq!(h[3]["lastSeen"]["text"], "2024-07-25");
    assert_eq!(d["office"]["holdersCount"], 4);
}

#[tokio::test]
async fn holders_at_a_date_keep_only_who_fits_between_the_neighbouring_sightings() {
    let s = with_report().await;
    let at = |d: &'static str| {
        s.gql(
            "query($o: ID!, $at: String) { office(id: $o) { holders(at: $at) { person { id } } } }",
            json!({ "o": PG_KZ, "at": d }),
        )
    };
    assert_eq!(
        ids(&at("2017").await["office"]["holders"], &["person", "id"]),
        ["person:zhakip-assanov"]
    );
    assert_eq!(
        ids(&at("2014").await["office"]["holders"], &["person", "id"]),
        ["person:askhat-daulbayev"]
    );
}

const CHECKS: &str = "{ dataChecks { evidenceIssues { kind office { id } person { id } otherPerson { id } evidence { kind date { text } relation { id } } other { kind date { text } } message } } }";

fn issues_of(d: &Value, kind: &str) -> Vec<Value> {
    d["dataChecks"]["evidenceIssues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == kind)
        .cloned()
        .collect()
}

#[tokio::test]
async fn the_real_reports_raise_no_evidence_issue() {
    let s = with_report().await;
    let d = s.gql(CHECKS, json!({})).await;
    assert_eq!(d["dataChecks"]["evidenceIssues"], json!([]));
}

#[tokio::test]
async fn a_holder_seen_in_the_capacity_after_their_recorded_end_is_a_data_check() {
    let s = with_report().await;
    // A mistaken record: Daulbayev's tenure ending in 2014, before the 2015 session.
    link(
        &s,
        json!({ "id": "rel:daulbayev-holds-pg-kz", "kind": "HOLDS", "from": "person:askhat-daulbayev", "to": PG_KZ, "end": "2014" }),
    )
    .await;
    let d = s.gql(CHECKS, json!({})).await;
    let found = issues_of(&d, "SEEN_AFTER_END");
    assert_eq!(found.len(), 1, "{d}");
    let i = &found[0];
    assert_eq!(i["person"]["id"], "person:askhat-daulbayev");
    assert_eq!(
        i["evidence"]["relation"]["id"],
        "rel:daulbayev-attended-pg13"
    );
    assert_eq!(i["other"]["kind"], "TENURE_END");
    assert_eq!(i["other"]["date"]["text"], "2014");
    assert!(i["message"].as_str().unwrap().contains("2015-08-27"), "{i}");
}

#[tokio::test]
async fn a_holder_seen_before_their_recorded_start_is_a_data_check() {
    let s = with_report().await;
    // Nurdauletov's seeded tenure starts in 2019; a mistaken sighting in 2015.
    link(
        &s,
        json!({ "id": "rel:nurdauletov-attended-pg13", "kind": "ATTENDED", "from": "person:gizat-nurdauletov", "to": "meeting:sco-prosecutors-general-13", "capacity": PG_KZ }),
    )
    .await;
    let d = s.gql(CHECKS, json!({})).await;
    let found = issues_of(&d, "SEEN_BEFORE_START");
    assert_eq!(found.len(), 1, "{d}");
    assert_eq!(found[0]["person"]["id"], "person:gizat-nurdauletov");
    assert_eq!(found[0]["other"]["kind"], "TENURE_START");
}

#[tokio::test]
async fn two_holders_of_the_office_on_the_same_day_is_a_data_check() {
    let s = with_report().await;
    // A mistaken record: Nurdauletov also at the 2024 meeting as Prosecutor General.
    link(
        &s,
        json!({ "id": "rel:nurdauletov-attended-pg22", "kind": "ATTENDED", "from": "person:gizat-nurdauletov", "to": "meeting:sco-prosecutors-general-22", "capacity": PG_KZ }),
    )
    .await;
    let d = s.gql(CHECKS, json!({})).await;
    let found = issues_of(&d, "TWO_HOLDERS");
    assert_eq!(found.len(), 1, "{d}");
    let pair = [
        found[0]["person"]["id"].as_str().unwrap(),
        found[0]["otherPerson"]["id"].as_str().unwrap(),
    ];
    assert!(pair.contains(&"person:gizat-nurdauletov") && pair.contains(&"person:berik-asylov"));
    assert_eq!(found[0]["evidence"]["date"]["text"], "2024-07-25");
    assert!(found[0]["message"].as_str().unwrap().contains("2024-07-25"));
}

#[tokio::test]
async fn a_holder_seen_after_their_successor_was_is_an_out_of_order_data_check() {
    let s = with_report().await;
    // A mistaken record: Assanov seen as Prosecutor General in 2019, after
    // Nurdauletov's tenure began (2019) but not on the same day.
    s.gql("mutation { createMeeting(input: { id: \"meeting:test-2019-12\", name: \"A meeting\", start: \"2019-12-10\", citations: [{ source: \"source:background\" }] }) { id } }", json!({})).await;
    link(
        &s,
        json!({ "id": "rel:assanov-attended-test", "kind": "ATTENDED", "from": "person:zhakip-assanov", "to": "meeting:test-2019-12", "capacity": PG_KZ }),
    )
    .await;
    let d = s.gql(CHECKS, json!({})).await;
    let found = issues_of(&d, "OUT_OF_ORDER");
    assert_eq!(found.len(), 1, "{d}");
    assert_eq!(found[0]["person"]["id"], "person:zhakip-assanov");
    assert_eq!(found[0]["otherPerson"]["id"], "person:gizat-nurdauletov");
    assert_eq!(found[0]["evidence"]["date"]["text"], "2019-12-10");
}
