//! A meeting's and a person's page read `asOf` a change set show their core
//! facts as they stood then, one hop past the page's own relations: a
//! meeting's place, organizer, documents, attendees and the offices those
//! attendees held; a person's offices with their states and organizations,
//! and the meetings attended with those meetings' places. Each test reads a
//! page, changes those facts, and reads the page again as of before.

mod common;

use common::TestServer;
use serde_json::{json, Value};

const SOURCE: &str = "source:s";

fn cite() -> Value {
    json!([{ "source": SOURCE, "locator": "¶1" }])
}

fn rel(id: &str, kind: &str, from: &str, to: &str) -> Value {
    json!({ "id": id, "kind": kind, "from": from, "to": to, "citations": cite() })
}

/// A small made-up graph: Ana (a minister of state A, the office belonging
/// to the organization) and Bo (an envoy) attended the summit, held in city
/// A and run by the organization, which adopted a declaration.
fn graph_doc() -> String {
    let node = |id: &str, name: &str| json!({ "id": id, "name": name, "citations": cite() });
    json!({
        "format": "attache/1",
        "nodes": [
            { "id": SOURCE, "name": "S" },
            node("person:ana", "Ana"),
            node("person:bo", "Bo"),
            node("meeting:summit", "Summit"),
            node("place:city-a", "City A"),
            node("place:city-b", "City B"),
            node("organization:org", "Org"),
            node("office:minister", "Minister"),
            node("office:envoy", "Envoy"),
            node("state:aa", "State A"),
            node("state:bb", "State B"),
            node("document:decl", "Declaration"),
        ],
        "relations": [
            rel("rel:ana-summit", "attended", "person:ana", "meeting:summit"),
            rel("rel:bo-summit", "attended", "person:bo", "meeting:summit"),
            rel("rel:summit-in-a", "held_in", "meeting:summit", "place:city-a"),
            rel("rel:summit-by-org", "organized_by", "meeting:summit", "organization:org"),
            rel("rel:decl-summit", "adopted_at", "document:decl", "meeting:summit"),
            rel("rel:ana-minister", "holds", "person:ana", "office:minister"),
            rel("rel:bo-envoy", "holds", "person:bo", "office:envoy"),
            rel("rel:minister-of-aa", "jurisdiction", "office:minister", "state:aa"),
            rel("rel:minister-in-org", "belongs_to", "office:minister", "organization:org"),
        ]
    })
    .to_string()
}

/// A server over an empty store holding [`graph_doc`] as change set 1.
async fn server() -> TestServer {
    let s = TestServer::empty().await;
    s.gql(
        "mutation($d: String!) { import(document: $d) { created } }",
        json!({ "d": graph_doc() }),
    )
    .await;
    s
}

async fn unlink(s: &TestServer, id: &str) {
    s.gql(
        "mutation($id: ID!) { unlink(id: $id) { id } }",
        json!({ "id": id }),
    )
    .await;
}

async fn link(s: &TestServer, id: &str, kind: &str, from: &str, to: &str) {
    s.gql(
        "mutation($i: RelationInput!) { link(input: $i) { id } }",
        json!({ "i": { "id": id, "kind": kind, "from": from, "to": to,
                       "citations": [{ "source": SOURCE }] } }),
    )
    .await;
}

/// After change set 1: the summit moves to city B, the minister's office
/// passes from state A to state B, and Bo leaves his office.
async fn change_the_facts(s: &TestServer) {
    unlink(s, "rel:summit-in-a").await;
    link(
        s,
        "rel:summit-in-b",
        "HELD_IN",
        "meeting:summit",
        "place:city-b",
    )
    .await;
    unlink(s, "rel:minister-of-aa").await;
    link(
        s,
        "rel:minister-of-bb",
        "JURISDICTION",
        "office:minister",
        "state:bb",
    )
    .await;
    unlink(s, "rel:bo-envoy").await;
}

const MEETING_PAGE: &str = "meeting(id: \"meeting:summit\"AS_OF) {
  name place { id } organizer { id } documents(first: 10) { id }
  attendances(first: 10) { person { id tenures(first: 10) { to { id } } } }
}";

const PERSON_PAGE: &str = "person(id: \"person:ana\"AS_OF) {
  name
  tenures { to { id ... on Office { jurisdiction { id } organization { id } } } }
  attendances { meeting { id place { id } } }
}";

/// The page, read now or as of change set 1.
async fn page(s: &TestServer, page: &str, as_of: bool) -> Value {
    let at = if as_of { ", asOf: { seq: 1 }" } else { "" };
    let d = s
        .gql(&format!("{{ {} }}", page.replace("AS_OF", at)), json!({}))
        .await;
    d.as_object().unwrap().values().next().unwrap().clone()
}

#[tokio::test]
async fn a_meeting_page_as_of_before_shows_its_place_then() {
    let s = server().await;
    let before = page(&s, MEETING_PAGE, false).await;
    assert_eq!(before["place"]["id"], "place:city-a", "{before:#}");
    change_the_facts(&s).await;
    assert_eq!(
        page(&s, MEETING_PAGE, false).await["place"]["id"],
        "place:city-b"
    );
    assert_eq!(page(&s, MEETING_PAGE, true).await, before);
}

#[tokio::test]
async fn a_meeting_page_as_of_before_shows_the_offices_its_attendees_held_then() {
    let s = server().await;
    change_the_facts(&s).await;
    let then = page(&s, MEETING_PAGE, true).await;
    assert_eq!(then["organizer"]["id"], "organization:org");
    assert_eq!(then["documents"], json!([{ "id": "document:decl" }]));
    assert_eq!(
        then["attendances"],
        json!([
            { "person": { "id": "person:ana", "tenures": [{ "to": { "id": "office:minister" } }] } },
            { "person": { "id": "person:bo", "tenures": [{ "to": { "id": "office:envoy" } }] } },
        ])
    );
}

#[tokio::test]
async fn a_person_page_as_of_before_shows_the_state_an_office_had_then() {
    let s = server().await;
    let before = page(&s, PERSON_PAGE, false).await;
    assert_eq!(
        before["tenures"][0]["to"]["jurisdiction"]["id"], "state:aa",
        "{before:#}"
    );
    change_the_facts(&s).await;
    assert_eq!(
        page(&s, PERSON_PAGE, false).await["tenures"][0]["to"]["jurisdiction"]["id"],
        "state:bb"
    );
    assert_eq!(page(&s, PERSON_PAGE, true).await, before);
}

#[tokio::test]
async fn a_person_page_as_of_before_shows_where_the_meetings_attended_were_then() {
    let s = server().await;
    change_the_facts(&s).await;
    let then = page(&s, PERSON_PAGE, true).await;
    assert_eq!(
        then["attendances"],
        json!([{ "meeting": { "id": "meeting:summit", "place": { "id": "place:city-a" } } }])
    );
    assert_eq!(
        then["tenures"][0]["to"]["organization"]["id"],
        "organization:org"
    );
}
