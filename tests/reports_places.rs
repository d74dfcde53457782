//! Black-box tests of places inside places and of membership over time,
//! written from two real reports of the series (tests/fixtures/reports/,
//! sources listed in its README): the 17th meeting (Bishkek, 1 October 2019,
//! with observer states and dialogue partners) and the 22nd (July 2024, at the
//! Ala-Archa state residence in Bishkek). Each fact is imported over HTTP and
//! asked back with its citation.

mod common;

use common::TestServer;
use serde_json::{json, Value};

const PG17: &str = include_str!("fixtures/reports/bishkek-2019.json");
const PG22: &str = include_str!("fixtures/reports/bishkek-2024.json");

const IMPORT: &str = "mutation($d: String!, $n: String!) { import(document: $d, name: $n) { records created updated unchanged } }";

/// The seeded server with both reports imported, oldest first (the 2024
/// report names Bishkek, which the 2019 report introduces).
async fn bishkek() -> TestServer {
    let s = TestServer::seeded().await;
    for (name, doc) in [("bishkek-2019.json", PG17), ("bishkek-2024.json", PG22)] {
        s.gql(IMPORT, json!({ "d": doc, "n": name })).await;
    }
    s
}

fn ids(list: &Value, path: &[&str]) -> Vec<String> {
    common::names(list, path)
}

fn urls(citations: &Value) -> Vec<String> {
    ids(citations, &["source", "url"])
}

const S17: &str = "https://eng.sectsco.org/20191003/585053.html";
const KAZINFORM_22: &str =
    "https://en.inform.kz/news/bishkek-hosts-meeting-of-sco-prosecutors-general-5e5dde/";

#[tokio::test]
async fn a_meeting_at_a_residence_counts_as_held_in_its_city_and_its_state() {
    let s = bishkek().await;
    let q = "query($p: ID!) { meetings(place: $p) { nodes { id } } }";
    for (place, want) in [
        (
            "place:bishkek",
            vec![
                "meeting:sco-prosecutors-general-17",
                "meeting:sco-prosecutors-general-22",
            ],
        ),
        (
            "state:kg",
            vec![
                "meeting:sco-prosecutors-general-17",
                "meeting:sco-prosecutors-general-22",
            ],
        ),
        (
            "place:ala-archa-state-residence",
            vec!["meeting:sco-prosecutors-general-22"],
        ),
        ("place:astana", vec!["meeting:sco-prosecutors-general-20"]),
    ] {
        let d = s.gql(q, json!({ "p": place })).await;
        assert_eq!(ids(&d["meetings"]["nodes"], &["id"]), want, "in {place}");
    }
}

#[tokio::test]
async fn the_residence_is_recorded_inside_bishkek_with_its_citation() {
    let s = bishkek().await;
    let d = s
        .gql(
            r#"{ place(id: "place:ala-archa-state-residence") {
                category
                within { id }
                relations(kinds: [LOCATED_IN]) { to { id } citations { source { url } } }
            } }"#,
            json!({}),
        )
        .await;
    let p = &d["place"];
    assert_eq!(p["category"], "state residence");
    assert_eq!(ids(&p["within"], &["id"]), ["place:bishkek", "state:kg"]);
    let located = &p["relations"][0];
    assert_eq!(located["to"]["id"], "place:bishkek");
    assert!(urls(&located["citations"]).contains(&KAZINFORM_22.to_owned()));
}

#[tokio::test]
async fn the_city_page_lists_the_places_inside_it_and_the_meetings_held_there() {
    let s = bishkek().await;
    let d = s
        .gql(
            r#"{ place(id: "place:bishkek") {
                places { id } placesCount
                meetings { id startDate { text } } meetingsCount
                direct: meetingsCount(direct: true)
            } }"#,
            json!({}),
        )
        .await;
    let p = &d["place"];
    assert_eq!(
        ids(&p["places"], &["id"]),
        ["place:ala-archa-state-residence"]
    );
    assert_eq!(p["placesCount"], 1);
    // In date order, the one at the residence included.
    assert_eq!(p["meetings"][0]["startDate"]["text"], "2019-10-01");
    assert_eq!(p["meetings"][1]["startDate"]["text"], "2024-07-25");
    assert_eq!(p["meetingsCount"], 2);
    assert_eq!(p["direct"], 1);
}

#[tokio::test]
async fn a_state_lists_places_inside_its_cities_and_the_meetings_held_there() {
    let s = bishkek().await;
    let d = s
        .gql(
            r#"{ state(id: "state:kg") {
                direct: places { id }
                all: places(transitive: true) { id }
                meetings { id }
            } }"#,
            json!({}),
        )
        .await;
    let st = &d["state"];
    assert_eq!(ids(&st["direct"], &["id"]), ["place:bishkek"]);
    assert_eq!(
        ids(&st["all"], &["id"]),
        ["place:ala-archa-state-residence", "place:bishkek"]
    );
    let meetings = ids(&st["meetings"], &["id"]);
    assert!(meetings.contains(&"meeting:sco-prosecutors-general-22".to_owned()));
}

#[tokio::test]
async fn stats_for_a_place_count_the_meetings_inside_it() {
    let s = bishkek().await;
    let q = "query($p: ID) { stats(place: $p) { meetingsPerYearTotal { year count } } }";
    let d = s.gql(q, json!({ "p": "place:bishkek" })).await;
    assert_eq!(
        d["stats"]["meetingsPerYearTotal"],
        json!([{ "year": 2019, "count": 1 }, { "year": 2024, "count": 1 }])
    );
    let d = s.gql(q, json!({ "p": "state:kz" })).await;
    assert_eq!(
        d["stats"]["meetingsPerYearTotal"],
        json!([{ "year": 2022, "count": 1 }])
    );
}

#[tokio::test]
async fn a_located_in_that_would_put_a_place_inside_itself_is_refused() {
    let s = bishkek().await;
    let before = s.gql("{ counts { relations } }", json!({})).await;
    let cycle = r#"{ "format": "attache/1", "relations": [
      { "id": "rel:bishkek-located-in-ala-archa", "kind": "located_in",
        "from": "place:bishkek", "to": "place:ala-archa-state-residence" } ] }"#;
    let err = s
        .gql_err(IMPORT, json!({ "d": cycle, "n": "cycle.json" }))
        .await;
    assert_eq!(err["extensions"]["code"], "INVALID_INPUT", "{err}");
    let msg = err["message"].as_str().unwrap();
    assert!(msg.contains("rel:bishkek-located-in-ala-archa"), "{msg}");
    assert!(msg.contains("cannot be inside itself"), "{msg}");
    let after = s.gql("{ counts { relations } }", json!({})).await;
    assert_eq!(before, after);
}

const MEMBERS: &str = r#"query($at: String, $st: MembershipStatus) {
  organization(id: "organization:sco") {
    members(at: $at, status: $st) { state { id } status since { text } citations { source { url } } }
    membersCount(at: $at, status: $st)
  } }"#;

#[tokio::test]
async fn the_observer_states_on_the_2019_meeting_date_are_those_the_report_lists() {
    let s = bishkek().await;
    let d = s
        .gql(MEMBERS, json!({ "at": "2019-10-01", "st": "OBSERVER" }))
        .await;
    let m = &d["organization"]["members"];
    assert_eq!(
        ids(m, &["state", "id"]),
        ["state:by", "state:ir", "state:mn"]
    );
    for row in m.as_array().unwrap() {
        assert!(urls(&row["citations"]).contains(&S17.to_owned()), "{row}");
    }
}

#[tokio::test]
async fn belarus_and_iran_are_members_not_observers_by_the_2024_meeting() {
    let s = bishkek().await;
    let d = s
        .gql(MEMBERS, json!({ "at": "2024-07-25", "st": "OBSERVER" }))
        .await;
    assert_eq!(
        ids(&d["organization"]["members"], &["state", "id"]),
        ["state:mn"]
    );
    let d = s
        .gql(MEMBERS, json!({ "at": "2024-07-25", "st": "MEMBER" }))
        .await;
    let members = ids(&d["organization"]["members"], &["state", "id"]);
    assert!(members.contains(&"state:by".to_owned()));
    assert!(members.contains(&"state:ir".to_owned()));
    assert_eq!(d["organization"]["membersCount"], 10);
}

#[tokio::test]
async fn the_dialogue_partners_in_2019_carry_their_start_and_its_source() {
    let s = bishkek().await;
    let d = s
        .gql(
            MEMBERS,
            json!({ "at": "2019-10-01", "st": "DIALOGUE_PARTNER" }),
        )
        .await;
    let m = d["organization"]["members"].as_array().unwrap().clone();
    let got: Vec<(String, String)> = m
        .iter()
        .map(|r| {
            (
                r["state"]["id"].as_str().unwrap().to_owned(),
                r["since"]["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("state:am".to_owned(), "2016-04-16".to_owned()),
            ("state:tr".to_owned(), "2012-06".to_owned())
        ]
    );
    assert!(urls(&m[0]["citations"]).contains(&"https://www.gazeta.uz/ru/2016/04/16/sco/".into()));
}

#[tokio::test]
async fn a_states_standing_changes_over_time() {
    let s = bishkek().await;
    let q = r#"query($at: String!) { state(id: "state:by") {
        memberships(at: $at) { status citations { source { url } } } } }"#;
    for (at, want) in [
        ("2009", None),
        ("2012-05-01", Some("DIALOGUE_PARTNER")),
        ("2019-10-01", Some("OBSERVER")),
        ("2024-08-01", Some("MEMBER")),
    ] {
        let d = s.gql(q, json!({ "at": at })).await;
        let m = d["state"]["memberships"].as_array().unwrap();
        assert_eq!(
            m.first().map(|r| r["status"].as_str().unwrap()),
            want,
            "at {at}"
        );
    }
    let d = s.gql(q, json!({ "at": "2012" })).await;
    assert!(urls(&d["state"]["memberships"][0]["citations"])
        .contains(&"https://news.az/news/belarus-officially-becomes-sco-member".into()));
}

#[tokio::test]
async fn a_membership_date_that_does_not_parse_names_the_argument() {
    let s = bishkek().await;
    let err = s.gql_err(MEMBERS, json!({ "at": "2019-13-01" })).await;
    assert_eq!(err["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(err["extensions"]["field"], "at");
}

#[tokio::test]
async fn the_2019_meeting_groups_its_attendees_by_their_states_status_that_day() {
    let s = bishkek().await;
    let d = s
        .gql(
            r#"{ meeting(id: "meeting:sco-prosecutors-general-17") {
                participantsByStatus { status count states { state { id } } }
            } }"#,
            json!({}),
        )
        .await;
    let groups = d["meeting"]["participantsByStatus"].as_array().unwrap();
    let got: Vec<(Value, usize, Vec<String>)> = groups
        .iter()
        .map(|g| {
            (
                g["status"].clone(),
                g["count"].as_u64().unwrap() as usize,
                g["states"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["state"]["id"].as_str().unwrap_or("none").to_owned())
                    .collect(),
            )
        })
        .collect();
    let st = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        [
            (
                json!("MEMBER"),
                8,
                st(&[
                    "state:cn", "state:in", "state:kg", "state:kz", "state:pk", "state:ru",
                    "state:tj", "state:uz"
                ])
            ),
            (
                json!("OBSERVER"),
                3,
                st(&["state:by", "state:ir", "state:mn"])
            ),
            (json!("DIALOGUE_PARTNER"), 2, st(&["state:am", "state:tr"])),
            // The deputy secretary-general spoke for the SCO, not a state.
            (Value::Null, 1, st(&["none"])),
        ]
    );
}

#[tokio::test]
async fn stats_count_attendances_by_status_at_each_meetings_date() {
    let s = bishkek().await;
    let d = s
        .gql(
            r#"{ stats(place: "place:bishkek") { attendanceByStatus { status count } } }"#,
            json!({}),
        )
        .await;
    // 2019: 8 member, 3 observer, 2 partner, 1 none; 2024: 2 member.
    assert_eq!(
        d["stats"]["attendanceByStatus"],
        json!([
            { "status": "MEMBER", "count": 10 },
            { "status": "OBSERVER", "count": 3 },
            { "status": "DIALOGUE_PARTNER", "count": 2 },
            { "status": null, "count": 1 }
        ])
    );
}

#[tokio::test]
async fn importing_the_reports_again_changes_nothing() {
    let s = bishkek().await;
    for (name, doc) in [("bishkek-2019.json", PG17), ("bishkek-2024.json", PG22)] {
        let d = s.gql(IMPORT, json!({ "d": doc, "n": name })).await;
        assert_eq!(d["import"]["unchanged"], d["import"]["records"], "{name}");
    }
}

#[tokio::test]
async fn search_within_a_city_finds_the_meeting_at_the_residence_inside_it() {
    let s = bishkek().await;
    let q = "query($w: ID) { search(text: \"meeting prosecutors\", kinds: [MEETING, PLACE], within: $w) { node { id } } }";
    let d = s.gql(q, json!({ "w": "place:bishkek" })).await;
    assert_eq!(
        ids(&d["search"], &["node", "id"]),
        [
            "meeting:sco-prosecutors-general-17",
            "meeting:sco-prosecutors-general-22"
        ]
    );
    let d = s.gql(q, json!({ "w": "state:kz" })).await;
    let found = ids(&d["search"], &["node", "id"]);
    assert!(
        found
            .iter()
            .all(|m| m.starts_with("meeting:sco-prosecutors-general-20")),
        "{found:?}"
    );
    let d = s
        .gql(
            "{ search(text: \"residence\", within: \"state:kg\") { node { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ids(&d["search"], &["node", "id"]),
        ["place:ala-archa-state-residence"]
    );
}

#[tokio::test]
async fn a_status_begun_in_a_month_only_possibly_covers_a_day_of_that_month() {
    let s = bishkek().await;
    let q = r#"query($at: String!) { state(id: "state:by") {
        memberships(at: $at) { status certaintyAt(date: $at) } } }"#;
    // The seed gives Belarus's membership as from July 2024, to the month.
    let d = s.gql(q, json!({ "at": "2024-07-01" })).await;
    assert_eq!(
        d["state"]["memberships"],
        json!([{ "status": "MEMBER", "certaintyAt": "POSSIBLE" }])
    );
    let d = s.gql(q, json!({ "at": "2019-10-01" })).await;
    assert_eq!(
        d["state"]["memberships"],
        json!([{ "status": "OBSERVER", "certaintyAt": "CERTAIN" }])
    );
}
