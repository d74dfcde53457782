//! Paging of nested lists over HTTP: `first` and `offset` on the lists that
//! grow with the data, the `…Count` beside each, the bounds on both, and the
//! complexity limit counting `first` (or a full page when it is missing).

mod common;

use attache::http::{Auth, Limits, Options};
use common::{TestServer, TOKEN};
use serde_json::{json, Value};

const PG20: &str = "meeting:sco-prosecutors-general-20";
const MANY: &str = "person:many";

/// `person:many` attended 30 dated meetings, `meeting:m00` … `meeting:m29`.
fn many_meetings() -> String {
    let cite = json!([{ "source": "source:background" }]);
    let mut nodes = vec![json!({ "id": MANY, "name": "Many Meetings", "citations": cite })];
    let mut rels = Vec::new();
    for i in 0..30 {
        let m = format!("meeting:m{i:02}");
        let day = format!("2020-01-{:02}", i + 1);
        nodes.push(json!({ "id": m, "name": format!("M{i:02}"), "start": day, "citations": cite }));
        rels.push(json!({ "id": format!("rel:many-m{i:02}"), "kind": "attended", "from": MANY, "to": m, "citations": cite }));
    }
    json!({ "format": "attache/1", "nodes": nodes, "relations": rels }).to_string()
}

async fn with_many(s: &TestServer) {
    s.gql(
        "mutation($d: String!) { import(document: $d) { created } }",
        json!({ "d": many_meetings() }),
    )
    .await;
}

async fn attended(s: &TestServer, args: &str) -> Vec<String> {
    let q = format!("{{ person(id: \"{MANY}\") {{ attendances{args} {{ meeting {{ id }} }} }} }}");
    let d = s.gql(&q, json!({})).await;
    d["person"]["attendances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["meeting"]["id"].as_str().unwrap().to_owned())
        .collect()
}

fn limited(max_complexity: usize) -> Options {
    Options {
        auth: Auth::new([TOKEN.to_owned()], false, false),
        limits: Limits {
            max_complexity,
            ..Default::default()
        },
        ..Default::default()
    }
}

fn is_too_complex(body: &Value) -> bool {
    body["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| m.to_lowercase().contains("complex"))
}

#[tokio::test]
async fn a_nested_list_without_first_returns_everything() {
    let s = TestServer::seeded().await;
    with_many(&s).await;
    assert_eq!(attended(&s, "").await.len(), 30);
}

#[tokio::test]
async fn first_and_offset_give_a_slice_of_the_list_in_its_order() {
    let s = TestServer::seeded().await;
    with_many(&s).await;
    let all = attended(&s, "").await;
    assert_eq!(attended(&s, "(first: 5, offset: 10)").await, all[10..15]);
}

#[tokio::test]
async fn pages_of_25_put_together_give_the_whole_list() {
    let s = TestServer::seeded().await;
    with_many(&s).await;
    let mut pages = attended(&s, "(first: 25)").await;
    pages.extend(attended(&s, "(first: 25, offset: 25)").await);
    assert_eq!(pages, attended(&s, "").await);
    assert_eq!(pages.len(), 30);
}

#[tokio::test]
async fn an_offset_past_the_end_gives_an_empty_list() {
    let s = TestServer::seeded().await;
    with_many(&s).await;
    assert!(attended(&s, "(first: 5, offset: 30)").await.is_empty());
}

#[tokio::test]
async fn the_count_beside_a_list_counts_all_of_it_whatever_the_page() {
    let s = TestServer::seeded().await;
    with_many(&s).await;
    let q = format!(
        "{{ person(id: \"{MANY}\") {{ attendances(first: 2) {{ id }} attendancesCount }} }}"
    );
    let d = s.gql(&q, json!({})).await;
    assert_eq!(d["person"]["attendances"].as_array().unwrap().len(), 2);
    assert_eq!(d["person"]["attendancesCount"], 30);
}

#[tokio::test]
async fn a_count_takes_the_same_filter_as_its_list() {
    let s = TestServer::seeded().await;
    let q = format!("{{ meeting(id: \"{PG20}\") {{ all: attendancesCount online: attendancesCount(mode: ONLINE) onlinePage: attendances(mode: ONLINE, first: 1) {{ mode }} }} }}");
    let d = s.gql(&q, json!({})).await;
    let m = &d["meeting"];
    assert_eq!(
        (m["all"].as_u64(), m["online"].as_u64()),
        (Some(12), Some(3))
    );
    assert_eq!(m["onlinePage"], json!([{ "mode": "ONLINE" }]));
}

#[tokio::test]
async fn first_over_the_page_limit_is_refused_naming_the_argument() {
    let s = TestServer::seeded().await;
    let q = format!("{{ meeting(id: \"{PG20}\") {{ speeches(first: 1001) {{ id }} }} }}");
    let e = s.gql_err(&q, json!({})).await;
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{e}");
    assert_eq!(e["extensions"]["field"], "first", "{e}");
}

#[tokio::test]
async fn a_negative_offset_is_refused_naming_the_argument() {
    let s = TestServer::seeded().await;
    let q = format!("{{ meeting(id: \"{PG20}\") {{ speeches(offset: -1) {{ id }} }} }}");
    let e = s.gql_err(&q, json!({})).await;
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{e}");
    assert_eq!(e["extensions"]["field"], "offset", "{e}");
}

#[tokio::test]
async fn node_relations_are_paged_through_the_interface_too() {
    let s = TestServer::seeded().await;
    let q = format!("{{ node(id: \"{PG20}\") {{ all: relations {{ id }} page: relations(first: 3, offset: 1) {{ id }} relationsCount }} }}");
    let d = s.gql(&q, json!({})).await;
    let n = &d["node"];
    let all = n["all"].as_array().unwrap();
    assert_eq!(n["relationsCount"].as_u64(), Some(all.len() as u64));
    assert_eq!(n["page"].as_array().unwrap()[..], all[1..4]);
}

#[tokio::test]
async fn signatories_of_a_document_are_paged_and_counted() {
    let s = TestServer::seeded().await;
    let q = "{ meeting(id: \"meeting:sco-prosecutors-general-20\") { documents(first: 1) { signatories(first: 2) { id } signatoriesCount } documentsCount } }";
    let d = s.gql(q, json!({})).await;
    let doc = &d["meeting"]["documents"][0];
    assert_eq!(doc["signatories"].as_array().unwrap().len(), 2);
    assert!(doc["signatoriesCount"].as_u64().unwrap() >= 6);
    assert_eq!(d["meeting"]["documentsCount"], 1);
}

#[tokio::test]
async fn holders_of_an_office_are_paged_and_counted_on_a_date() {
    let s = TestServer::seeded().await;
    let q = "{ office(id: \"office:prosecutor-general-kz\") { holders(at: \"2022-09-23\", first: 1) { person { id } } holdersCount(at: \"2022-09-23\") } }";
    let d = s.gql(q, json!({})).await;
    assert_eq!(d["office"]["holders"].as_array().unwrap().len(), 1);
    assert_eq!(d["office"]["holdersCount"], 2);
}

#[tokio::test]
async fn relations_citing_a_source_are_paged_and_counted() {
    let s = TestServer::seeded().await;
    let q = "{ sources(first: 1) { nodes { citedByRelations(first: 1) { id } citedByRelationsCount citedByNodes(first: 1) { id } citedByNodesCount } } }";
    let d = s.gql(q, json!({})).await;
    let src = &d["sources"]["nodes"][0];
    assert!(src["citedByRelations"].as_array().unwrap().len() <= 1);
    assert!(src["citedByRelationsCount"].as_u64().unwrap() >= 1);
    assert!(src["citedByNodes"].as_array().unwrap().len() <= 1);
}

#[tokio::test]
async fn meetings_of_a_state_are_paged_and_counted_in_a_date_window() {
    let s = TestServer::seeded().await;
    let q = "{ state(id: \"state:kz\") { all: meetingsCount sept: meetingsCount(from: \"2022-09\", to: \"2022-09\") page: meetings(from: \"2022-09\", to: \"2022-09\", first: 1) { id } } }";
    let d = s.gql(q, json!({})).await;
    let st = &d["state"];
    assert!(st["all"].as_u64().unwrap() >= st["sept"].as_u64().unwrap());
    assert!(st["sept"].as_u64().unwrap() >= 1);
    assert_eq!(st["page"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_unbounded_nested_list_counts_as_a_full_page_against_the_complexity_limit() {
    let s = TestServer::with_options(limited(1500)).await;
    let q = format!("{{ meeting(id: \"{PG20}\") {{ attendances {{ id mode }} }} }}");
    let body = s.gql_raw(&q, json!({})).await;
    assert!(is_too_complex(&body), "{body}");
}

#[tokio::test]
async fn first_on_a_nested_list_is_what_the_complexity_limit_counts() {
    let s = TestServer::with_options(limited(1500)).await;
    let small = format!("{{ meeting(id: \"{PG20}\") {{ attendances(first: 25) {{ id mode }} }} }}");
    let body = s.gql_raw(&small, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    let large =
        format!("{{ meeting(id: \"{PG20}\") {{ attendances(first: 999) {{ id mode }} }} }}");
    assert!(is_too_complex(&s.gql_raw(&large, json!({})).await));
}

#[tokio::test]
async fn nested_pages_multiply_against_the_complexity_limit() {
    let s = TestServer::with_options(limited(1500)).await;
    let q = "{ people(first: 10) { nodes { attendances(first: 200) { id } } } }";
    assert!(is_too_complex(&s.gql_raw(q, json!({})).await));
    let q = "{ people(first: 10) { nodes { attendances(first: 10) { id } } } }";
    let body = s.gql_raw(q, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
}

#[tokio::test]
async fn the_evidence_of_met_with_is_paged_beside_its_count() {
    let s = TestServer::seeded().await;
    let q = "{ person(id: \"person:igor-krasnov\") { metWith(first: 1) { nodes { count all: meetings { id } page: meetings(first: 1, offset: 0) { id } } } } }";
    let d = s.gql(q, json!({})).await;
    let m = &d["person"]["metWith"]["nodes"][0];
    let all = m["all"].as_array().unwrap();
    assert_eq!(m["count"].as_u64(), Some(all.len() as u64));
    assert_eq!(m["page"].as_array().unwrap()[..], all[..1]);
}

#[tokio::test]
async fn the_attendances_of_a_state_group_are_paged_beside_its_count() {
    let s = TestServer::seeded().await;
    let q = format!("{{ meeting(id: \"{PG20}\") {{ participantsByState {{ count attendances(first: 1) {{ id }} }} }} }}");
    let d = s.gql(&q, json!({})).await;
    let groups = d["meeting"]["participantsByState"].as_array().unwrap();
    let big = groups
        .iter()
        .find(|g| g["count"].as_u64().unwrap() > 1)
        .unwrap();
    assert_eq!(big["attendances"].as_array().unwrap().len(), 1);
}
