//! The seed data answers "the 20th meeting of the SCO Prosecutors General:
//! when, where, who chaired it, who attended in which capacity and on whose
//! behalf, who attended online, what was signed, and which source says so" —
//! over HTTP, against the real server.

mod common;

use common::{names, TestServer};
use serde_json::{json, Value};

const PG20: &str = "meeting:sco-prosecutors-general-20";
const S1: &str = "source:kazinform-sco-prosecutors-general-astana";

async fn meeting(s: &TestServer, fields: &str) -> Value {
    let q = format!("query($id: ID!) {{ meeting(id: $id) {{ {fields} }} }}");
    s.gql(&q, json!({ "id": PG20 })).await["meeting"].clone()
}

fn source_ids(citations: &Value) -> Vec<String> {
    names(citations, &["sourceId"])
}

#[tokio::test]
async fn the_meeting_date_is_a_day_with_its_precision_and_source() {
    let s = TestServer::seeded().await;
    let m = meeting(
        &s,
        "startDate { text precision earliest latest } endDate { text } citations { sourceId }",
    )
    .await;
    assert_eq!(
        m["startDate"],
        json!({"text": "2022-09-23", "precision": "DAY", "earliest": "2022-09-23", "latest": "2022-09-23"})
    );
    assert_eq!(m["endDate"]["text"], "2022-09-23");
    assert!(source_ids(&m["citations"]).contains(&"source:pib-india-2022-09-23".to_owned()));
}

#[tokio::test]
async fn the_meeting_is_the_20th_of_its_series_held_in_astana_hosted_by_kazakhstan() {
    let s = TestServer::seeded().await;
    let m = meeting(&s, "ordinal series { id } place { name aliases { text kind } locatedIn { id } } host { id } organizer { id }").await;
    assert_eq!(m["ordinal"], 20);
    assert_eq!(m["series"]["id"], "series:sco-prosecutors-general-meetings");
    assert_eq!(m["place"]["name"], "Astana");
    assert_eq!(
        m["place"]["aliases"][0],
        json!({"text": "Nur-Sultan", "kind": "FORMER"})
    );
    assert_eq!(m["place"]["locatedIn"][0]["id"], "state:kz");
    assert_eq!(m["host"]["id"], "state:kz");
    assert_eq!(m["organizer"]["id"], "organization:sco");
}

#[tokio::test]
async fn berik_asylov_chaired_it_and_the_primary_report_says_so() {
    let s = TestServer::seeded().await;
    let m = meeting(
        &s,
        "chair { id name } facts { kind from { id } citations { sourceId locator } }",
    )
    .await;
    assert_eq!(m["chair"]["id"], "person:berik-asylov");
    let chaired = m["facts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "CHAIRED")
        .unwrap();
    assert_eq!(chaired["citations"][0]["sourceId"], S1);
    assert!(chaired["citations"][0]["locator"]
        .as_str()
        .unwrap()
        .starts_with('¶'));
}

#[tokio::test]
async fn each_attendee_comes_with_mode_capacity_and_on_whose_behalf() {
    let s = TestServer::seeded().await;
    let m = meeting(&s, "attendances { person { id } mode role capacity { id } onBehalfOf { id } citations { sourceId } }").await;
    let got: Vec<(String, String, String, String)> = m["attendances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            assert!(
                !a["citations"].as_array().unwrap().is_empty(),
                "uncited: {a}"
            );
            (
                a["person"]["id"].as_str().unwrap().to_owned(),
                a["mode"].as_str().unwrap().to_owned(),
                a["capacity"]["id"].as_str().unwrap().to_owned(),
                a["onBehalfOf"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = [
        (
            "person:berik-asylov",
            "UNKNOWN",
            "office:prosecutor-general-kz",
            "state:kz",
        ),
        (
            "person:zhang-jun",
            "ONLINE",
            "office:prosecutor-supreme-peoples-procuratorate-cn",
            "state:cn",
        ),
        (
            "person:tushar-mehta",
            "ONLINE",
            "office:solicitor-general-in",
            "state:in",
        ),
        (
            "person:anju-rathi-rana",
            "UNKNOWN",
            "office:additional-secretary-dla-in",
            "state:in",
        ),
        (
            "person:rashdeen-nawaz-kasuri",
            "ONLINE",
            "office:additional-attorney-general-pk",
            "state:pk",
        ),
        (
            "person:igor-krasnov",
            "IN_PERSON",
            "office:prosecutor-general-ru",
            "state:ru",
        ),
        (
            "person:yusuf-rahmon",
            "IN_PERSON",
            "office:prosecutor-general-tj",
            "state:tj",
        ),
        (
            "person:kurmankul-zulushev",
            "IN_PERSON",
            "office:prosecutor-general-kg",
            "state:kg",
        ),
        (
            "person:nigmatilla-yuldashev",
            "IN_PERSON",
            "office:prosecutor-general-uz",
            "state:uz",
        ),
        (
            "person:zhang-ming",
            "UNKNOWN",
            "office:secretary-general-sco",
            "organization:sco",
        ),
    ];
    for (person, mode, capacity, behalf) in expect {
        let found = got
            .iter()
            .find(|g| g.0 == person)
            .unwrap_or_else(|| panic!("{person} missing"));
        assert_eq!(
            (found.1.as_str(), found.2.as_str(), found.3.as_str()),
            (mode, capacity, behalf),
            "{person}"
        );
    }
}

#[tokio::test]
async fn the_online_attendees_are_the_ones_the_primary_report_names() {
    let s = TestServer::seeded().await;
    let m = meeting(
        &s,
        "attendances(mode: ONLINE) { person { name } citations { sourceId locator } }",
    )
    .await;
    assert_eq!(
        names(&m["attendances"], &["person", "name"]),
        ["Rashdeen Nawaz Kasuri", "Tushar Mehta", "Zhang Jun"]
    );
    for a in m["attendances"].as_array().unwrap() {
        assert!(
            a["citations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["sourceId"] == S1 && c["locator"] == "¶2"),
            "{a}"
        );
    }
}

#[tokio::test]
async fn the_protocol_was_adopted_there_and_signed_on_behalf_of_states() {
    let s = TestServer::seeded().await;
    let m = meeting(&s, "documents(first: 10) { id category date { text precision } adoptedAt { id } signatories(first: 100) { person { id } onBehalfOf { id } citations { sourceId } } }").await;
    let doc = &m["documents"][0];
    assert_eq!(doc["id"], "document:sco-prosecutors-general-20-protocol");
    assert_eq!(doc["category"], "protocol");
    assert_eq!(doc["adoptedAt"]["id"], PG20);
    let signers: Vec<(String, String)> = doc["signatories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["person"]["id"].as_str().unwrap().to_owned(),
                s["onBehalfOf"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(signers.contains(&("person:berik-asylov".into(), "state:kz".into())));
    assert!(signers.contains(&("person:igor-krasnov".into(), "state:ru".into())));
    assert!(doc["signatories"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| !s["citations"].as_array().unwrap().is_empty()));
}

#[tokio::test]
async fn both_sides_of_the_welcome_speech_conflict_come_back_with_their_sources() {
    let s = TestServer::seeded().await;
    let m = meeting(&s, "conflicts { id note claims { id from { id } onBehalfOf { id } citations { sourceId } conflicts { id } } }").await;
    let conflicts = m["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1);
    let claims = conflicts[0]["claims"].as_array().unwrap();
    let by: Vec<(String, Vec<String>)> = claims
        .iter()
        .map(|c| {
            (
                c["from"]["id"].as_str().unwrap().to_owned(),
                source_ids(&c["citations"]),
            )
        })
        .collect();
    assert!(
        by.contains(&("person:gizat-nurdauletov".into(), vec![S1.to_owned()])),
        "{by:?}"
    );
    assert!(
        by.contains(&(
            "person:gizat-daurenbekov".into(),
            vec!["source:kazinform-en-2022-09-23".to_owned()]
        )),
        "{by:?}"
    );
    for c in claims {
        assert_eq!(c["onBehalfOf"]["id"], "person:kassym-jomart-tokayev");
        assert_eq!(c["conflicts"][0]["id"], conflicts[0]["id"]);
    }
}

#[tokio::test]
async fn the_bilateral_meetings_are_a_sub_event_with_no_invented_counterparts() {
    let s = TestServer::seeded().await;
    let m = meeting(
        &s,
        "parts(first: 100) { id parent { id } attendances(first: 100) { person { id } } }",
    )
    .await;
    let parts = m["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0]["parent"]["id"], PG20);
    assert_eq!(
        names(&parts[0]["attendances"], &["person", "id"]),
        ["person:berik-asylov"]
    );
}

#[tokio::test]
async fn the_experts_group_meetings_prepared_it_on_two_days() {
    let s = TestServer::seeded().await;
    let m = meeting(&s, "preparatoryMeetings(first: 100) { startDate { text precision } attendances(first: 100) { person { id } } preparatoryFor { id } }").await;
    let days = names(&m["preparatoryMeetings"], &["startDate", "text"]);
    assert_eq!(days, ["2022-09-08", "2022-09-13"]);
    for p in m["preparatoryMeetings"].as_array().unwrap() {
        assert_eq!(
            p["attendances"][0]["person"]["id"],
            "person:anju-rathi-rana"
        );
        assert_eq!(p["preparatoryFor"][0]["id"], PG20);
    }
}

#[tokio::test]
async fn search_finds_people_by_every_spelling_the_sources_use() {
    let s = TestServer::seeded().await;
    let cases = [
        ("Berik Asylov", "person:berik-asylov", "Berik Asylov"),
        ("Assylov", "person:berik-asylov", "Berik Assylov"),
        ("asylov b.n.", "person:berik-asylov", "Asylov B.N."),
        ("别热克·阿斯洛夫", "person:berik-asylov", "别热克·阿斯洛夫"),
        ("ASÝLOV", "person:berik-asylov", "Berik Asylov"),
        ("Rakhmon Yu.A.", "person:yusuf-rahmon", "Rakhmon Yu.A."),
        ("Yusuf Rahmon", "person:yusuf-rahmon", "Yusuf Rahmon"),
        (
            "Zulushev K.T.",
            "person:kurmankul-zulushev",
            "Zulushev K.T.",
        ),
        ("Krasnov I.V.", "person:igor-krasnov", "Krasnov I.V."),
        (
            "Yuldashev N.T.",
            "person:nigmatilla-yuldashev",
            "Yuldashev N.T.",
        ),
        (
            "Shri Tushar Mehta",
            "person:tushar-mehta",
            "Shri Tushar Mehta",
        ),
        ("zhang ming", "person:zhang-ming", "Zhang Ming"),
    ];
    for (text, id, matched) in cases {
        let d = s
            .gql("query($t: String!) { search(text: $t, kinds: [PERSON], first: 3) { matched node { id } } }", json!({ "t": text }))
            .await;
        assert_eq!(d["search"][0]["node"]["id"], id, "{text}");
        assert_eq!(d["search"][0]["matched"], matched, "{text}");
    }
}

#[tokio::test]
async fn search_covers_other_kinds_and_former_names() {
    let s = TestServer::seeded().await;
    for (text, id) in [
        ("Nur-Sultan", "place:astana"),
        ("上合组织成员国总检察长第20次会议", PG20),
        ("XX jubilee", PG20),
        ("SCO", "organization:sco"),
    ] {
        let d = s
            .gql(
                "query($t: String!) { search(text: $t) { node { id } } }",
                json!({ "t": text }),
            )
            .await;
        let ids: Vec<_> = d["search"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["node"]["id"].clone())
            .collect();
        assert!(ids.contains(&json!(id)), "{text}: {ids:?}");
    }
}

#[tokio::test]
async fn meetings_filter_by_date_at_each_dates_precision() {
    let s = TestServer::seeded().await;
    let q = "query($f: String, $t: String) { meetings(from: $f, to: $t) { totalCount edges { node { id } } } }";
    let count = |v: Value| v["meetings"]["totalCount"].as_u64().unwrap();
    assert!(count(s.gql(q, json!({"f": "2022-09", "t": "2022-09"})).await) >= 3);
    assert_eq!(
        count(
            s.gql(q, json!({"f": "2022-09-23", "t": "2022-09-23"}))
                .await
        ),
        1
    );
    assert_eq!(count(s.gql(q, json!({"f": "2022-10"})).await), 0);
    assert_eq!(count(s.gql(q, json!({"t": "2022-09-10"})).await), 1);
    let err = s.gql_err(q, json!({"f": "2022-13"})).await;
    assert_eq!(err["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(err["extensions"]["field"], "from");
}

#[tokio::test]
async fn meetings_filter_by_state_organization_topic_and_series() {
    let s = TestServer::seeded().await;
    let q = "query($s: ID, $o: ID, $t: ID, $r: ID) { meetings(state: $s, organization: $o, topic: $t, series: $r) { edges { node { id } } } }";
    let ids = |v: Value| names(&v["meetings"]["edges"], &["node", "id"]);
    assert!(ids(s.gql(q, json!({"s": "state:pk"})).await).contains(&PG20.to_owned()));
    assert!(ids(s.gql(q, json!({"o": "organization:sco"})).await).contains(&PG20.to_owned()));
    assert_eq!(
        ids(s
            .gql(q, json!({"r": "series:sco-prosecutors-general-meetings"}))
            .await),
        [PG20]
    );
    assert!(ids(s.gql(q, json!({"s": "state:by"})).await).is_empty());
}

#[tokio::test]
async fn people_page_through_with_cursors() {
    let s = TestServer::seeded().await;
    let q = "query($a: String) { people(first: 5, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let d = s.gql(q, json!({ "a": after })).await;
        let page = &d["people"];
        assert_eq!(page["totalCount"], 13);
        seen.extend(names(&page["edges"], &["node", "id"]));
        if !page["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len(), 13);
    seen.dedup();
    assert_eq!(seen.len(), 13);
}

#[tokio::test]
async fn an_office_lists_its_holders_and_filters_them_by_date() {
    let s = TestServer::seeded().await;
    let q = "query($at: String) { office(id: \"office:prosecutor-general-kz\") { title organization { id } jurisdiction { id } holders(at: $at) { person { id } start { text precision } } } }";
    let all = s.gql(q, json!({})).await;
    let holders = names(&all["office"]["holders"], &["person", "id"]);
    assert!(
        holders.contains(&"person:berik-asylov".to_owned())
            && holders.contains(&"person:gizat-nurdauletov".to_owned())
    );
    assert_eq!(all["office"]["jurisdiction"]["id"], "state:kz");
    let in_2018 = s.gql(q, json!({ "at": "2018" })).await;
    assert!(!names(&in_2018["office"]["holders"], &["person", "id"])
        .contains(&"person:gizat-nurdauletov".to_owned()));
}

#[tokio::test]
async fn the_node_interface_resolves_any_kind() {
    let s = TestServer::seeded().await;
    let d = s
        .gql(
            "{ nodes(ids: [\"person:berik-asylov\", \"state:kz\", \"source:kazinform-sco-prosecutors-general-astana\", \"person:nobody\"]) { __typename id kind name } }",
            json!({}),
        )
        .await;
    let n = d["nodes"].as_array().unwrap();
    assert_eq!(n[0]["__typename"], "Person");
    assert_eq!(n[1]["kind"], "STATE");
    assert_eq!(n[2]["__typename"], "Source");
    assert!(n[3].is_null());
}

#[tokio::test]
async fn a_source_lists_what_it_supports() {
    let s = TestServer::seeded().await;
    let d = s
        .gql(&format!("{{ source(id: \"{S1}\") {{ url citedByRelations {{ id }} citedByNodes {{ id }} }} }}"), json!({}))
        .await;
    assert!(d["source"]["url"].as_str().unwrap().starts_with("https://"));
    assert!(d["source"]["citedByRelations"].as_array().unwrap().len() > 20);
    assert!(!d["source"]["citedByNodes"].as_array().unwrap().is_empty());
}
