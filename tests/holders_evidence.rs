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
    s.gql("mutation { createMeeting(input: { id: \"meeting:test-2019-12\", name: \"A meeting\", startDate: \"2019-12-10\", citations: [{ source: \"source:background\" }] }) { id } }", json!({})).await;
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

// ---- vague dates on tenures -------------------------------------------------

const TENURES: &str = include_str!("fixtures/reports/kz-prosecutors-general-tenures.json");

async fn with_tenures() -> TestServer {
    let s = with_report().await;
    s.gql(
        "mutation($d: String!) { import(document: $d) { created } }",
        json!({ "d": TENURES }),
    )
    .await;
    s
}

const DATES: &str = "query($o: ID!) { office(id: $o) { holders(first: 10) { person { id } tenure { seen { text } endAfter { text } endBefore { text } } dates { certainty start { earliest latest certainty } end { earliest latest certainty } } evidence(first: 10) { kind date { text } } } } }";

fn holder<'a>(d: &'a Value, person: &str) -> &'a Value {
    d["office"]["holders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["person"]["id"] == person)
        .unwrap_or_else(|| panic!("{person} not among {d}"))
}

#[tokio::test]
async fn an_end_recorded_between_two_dates_is_bounded_by_them() {
    let s = with_tenures().await;
    let d = s.gql(DATES, json!({ "o": PG_KZ })).await;
    let h = holder(&d, "person:askhat-daulbayev");
    assert_eq!(h["tenure"]["endAfter"]["text"], "2015-08-27");
    assert_eq!(h["tenure"]["endBefore"]["text"], "2016-11-30");
    assert_eq!(
        h["dates"]["end"],
        json!({ "earliest": "2015-08-27", "latest": "2016-11-30", "certainty": "BOUNDED" })
    );
    assert_eq!(
        h["dates"]["start"],
        json!({ "earliest": null, "latest": "2015-08-27", "certainty": "BOUNDED" })
    );
    assert_eq!(h["dates"]["certainty"], "BOUNDED");
}

#[tokio::test]
async fn without_a_recorded_end_the_next_holders_first_sighting_bounds_it_as_inferred() {
    let s = with_report().await;
    let d = s.gql(DATES, json!({ "o": PG_KZ })).await;
    let h = holder(&d, "person:askhat-daulbayev");
    assert_eq!(
        h["dates"]["end"],
        json!({ "earliest": "2015-08-27", "latest": "2016-11-30", "certainty": "INFERRED" })
    );
    let n = holder(&d, "person:gizat-nurdauletov");
    assert_eq!(n["dates"]["start"]["certainty"], "EXACT");
    assert_eq!(n["dates"]["start"]["earliest"], "2019-01-01");
    assert_eq!(n["dates"]["end"]["latest"], "2022-09-23");
    assert_eq!(n["dates"]["certainty"], "INFERRED");
}

#[tokio::test]
async fn a_date_a_tenure_was_seen_on_is_evidence_not_a_start() {
    let s = with_tenures().await;
    let d = s.gql(DATES, json!({ "o": PG_KZ })).await;
    let h = holder(&d, "person:zhakip-assanov");
    assert_eq!(h["tenure"]["seen"], json!([{ "text": "2016-11-30" }]));
    let kinds: Vec<&str> = h["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ATTENDED", "SEEN"]);
    assert_eq!(h["dates"]["start"]["certainty"], "INFERRED");
    assert_eq!(h["dates"]["start"]["earliest"], "2015-08-27");
}

const HOLDERS_AT: &str = "query($o: ID!, $d: String!) { office(id: $o) { holdersAt(date: $d) { person { id } certainty dates { certainty end { latest } } } } }";

#[tokio::test]
async fn holders_at_a_date_between_the_bounds_of_an_end_are_possible_and_say_how_the_end_is_known()
{
    let s = with_tenures().await;
    let d = s
        .gql(HOLDERS_AT, json!({ "o": PG_KZ, "d": "2016-03" }))
        .await;
    let h = &d["office"]["holdersAt"];
    let daulbayev = h
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["person"]["id"] == "person:askhat-daulbayev")
        .unwrap_or_else(|| panic!("{d}"));
    assert_eq!(daulbayev["certainty"], "POSSIBLE");
    assert_eq!(daulbayev["dates"]["certainty"], "BOUNDED");
    assert_eq!(daulbayev["dates"]["end"]["latest"], "2016-11-30");
    let after = s.gql(HOLDERS_AT, json!({ "o": PG_KZ, "d": "2017" })).await;
    assert!(!after["office"]["holdersAt"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["person"]["id"] == "person:askhat-daulbayev"));
}

#[tokio::test]
async fn a_tenure_held_by_one_date_and_seen_on_a_later_one_is_certain_in_between() {
    let s = with_report().await;
    let q = "{ person(id: \"person:berik-asylov\") { officeAt(date: \"2023-06\") { office { id } certainty } } }";
    let pg = |d: &Value| {
        d["person"]["officeAt"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["office"]["id"] == PG_KZ)
            .map(|h| h["certainty"].clone())
    };
    assert_eq!(pg(&s.gql(q, json!({})).await), Some(json!("POSSIBLE")));
    // Held by the 20th meeting (23 September 2022), seen at the 22nd (25 July 2024).
    s.gql(
        "mutation { updateRelation(id: \"rel:berik-asylov-holds-prosecutor-general-kz\", patch: { startBy: \"2022-09-23\", seen: [\"2024-07-25\"] }) { id } }",
        json!({}),
    )
    .await;
    assert_eq!(pg(&s.gql(q, json!({})).await), Some(json!("CERTAIN")));
}

#[tokio::test]
async fn a_sighting_on_or_after_the_date_an_end_came_before_is_a_data_check() {
    let s = with_tenures().await;
    // A mistaken record: Daulbayev at the 2019 meeting as Prosecutor General.
    link(
        &s,
        json!({ "id": "rel:daulbayev-attended-pg17", "kind": "ATTENDED", "from": "person:askhat-daulbayev", "to": "meeting:sco-prosecutors-general-17", "capacity": PG_KZ }),
    )
    .await;
    let d = s.gql(CHECKS, json!({})).await;
    let found = issues_of(&d, "SEEN_AFTER_END");
    assert_eq!(found.len(), 1, "{d}");
    assert_eq!(found[0]["other"]["kind"], "END_BEFORE");
    assert_eq!(found[0]["other"]["date"]["text"], "2016-11-30");
}

#[tokio::test]
async fn an_end_bounded_after_a_date_later_than_its_upper_bound_is_refused_naming_the_field() {
    let s = with_report().await;
    let err = s
        .gql_err(
            "mutation($i: RelationInput!) { link(input: $i) { id } }",
            json!({ "i": { "kind": "HOLDS", "from": "person:askhat-daulbayev", "to": PG_KZ, "endAfter": "2017", "endBefore": "2016-11-30" } }),
        )
        .await;
    let text = err.to_string();
    assert!(
        text.contains("end_before") && text.contains("2017"),
        "{text}"
    );
}

#[tokio::test]
async fn a_holders_evidence_is_paged_and_counted() {
    let s = with_report().await;
    let d = s
        .gql(
            "query($o: ID!) { office(id: $o) { holders { person { id } evidence(first: 1, offset: 1) { date { text } } evidenceCount } } }",
            json!({ "o": PG_KZ }),
        )
        .await;
    let asylov = &d["office"]["holders"][3];
    assert_eq!(asylov["person"]["id"], "person:berik-asylov");
    assert_eq!(asylov["evidence"].as_array().unwrap().len(), 1);
    assert!(asylov["evidenceCount"].as_u64().unwrap() >= 3, "{asylov}");
}
