//! Mutations over HTTP: each is validated, atomic and durable, and its errors
//! carry a code and the field that is wrong.

mod common;

use common::TestServer;
use serde_json::{json, Value};

const CREATE_PERSON: &str =
    "mutation($i: PersonInput!) { createPerson(input: $i) { id name aliases { text kind } } }";
const LINK: &str = "mutation($i: RelationInput!) { link(input: $i) { id kind from { id } to { id } start { text precision } citations { sourceId } } }";

fn person(id: &str, name: &str) -> Value {
    json!({ "i": { "id": id, "name": name, "citations": [{ "source": "source:kazinform-sco-prosecutors-general-astana", "locator": "¶1" }] } })
}

async fn export(s: &TestServer) -> String {
    let g = s
        .gql("{ counts { nodes relations conflicts } }", json!({}))
        .await;
    format!("{g}")
}

#[tokio::test]
async fn a_created_node_and_relation_survive_a_restart() {
    let s = TestServer::seeded().await;
    s.gql(
        CREATE_PERSON,
        person("person:test-delegate", "Test Delegate"),
    )
    .await;
    let r = s
        .gql(LINK, json!({ "i": { "kind": "ATTENDED", "from": "person:test-delegate", "to": "meeting:sco-prosecutors-general-20", "mode": "ONLINE" } }))
        .await;
    let rel_id = r["link"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        rel_id,
        "rel:attended/person:test-delegate/meeting:sco-prosecutors-general-20"
    );
    let s = s.restart().await;
    let d = s
        .gql("{ person(id: \"person:test-delegate\") { name attendances { id mode meeting { id } } } }", json!({}))
        .await;
    assert_eq!(d["person"]["name"], "Test Delegate");
    assert_eq!(d["person"]["attendances"][0]["id"], rel_id.as_str());
    assert_eq!(d["person"]["attendances"][0]["mode"], "ONLINE");
}

#[tokio::test]
async fn a_relation_to_a_missing_node_is_refused_and_changes_nothing() {
    let s = TestServer::seeded().await;
    let before = export(&s).await;
    let err = s
        .gql_err(LINK, json!({ "i": { "kind": "CHAIRED", "from": "person:berik-asylov", "to": "meeting:does-not-exist" } }))
        .await;
    assert_eq!(err["extensions"]["code"], "INTEGRITY");
    assert_eq!(err["extensions"]["field"], "to");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("meeting:does-not-exist"));
    assert_eq!(export(&s).await, before);
    let s = s.restart().await;
    assert_eq!(export(&s).await, before);
}

#[tokio::test]
async fn creating_an_existing_id_is_a_conflict() {
    let s = TestServer::seeded().await;
    let err = s
        .gql_err(CREATE_PERSON, person("person:berik-asylov", "Someone Else"))
        .await;
    assert_eq!(err["extensions"]["code"], "CONFLICT");
    let d = s
        .gql(
            "{ person(id: \"person:berik-asylov\") { name } }",
            json!({}),
        )
        .await;
    assert_eq!(d["person"]["name"], "Berik Asylov");
}

#[tokio::test]
async fn updating_a_missing_node_is_not_found() {
    let s = TestServer::seeded().await;
    let err = s
        .gql_err(
            "mutation { updatePerson(id: \"person:nobody\", patch: { name: \"X\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn an_id_of_another_kind_is_invalid_input_naming_the_id() {
    let s = TestServer::seeded().await;
    let err = s
        .gql_err(CREATE_PERSON, person("state:atlantis", "Atlantis"))
        .await;
    assert_eq!(err["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(err["extensions"]["field"], "id");
    let err = s.gql_err(CREATE_PERSON, person("person:Bad Id", "X")).await;
    assert_eq!(err["extensions"]["field"], "id");
}

#[tokio::test]
async fn an_attribute_the_kind_does_not_have_is_refused_by_name() {
    let s = TestServer::seeded().await;
    let mut v = person("person:with-url", "With Url");
    v["i"]["url"] = json!("https://example.org");
    let create_node = "mutation($i: NodeInput!) { createNode(input: $i) { id } }";
    let err = s.gql_err(create_node, v).await;
    assert_eq!(err["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(err["extensions"]["field"], "url");
}

#[tokio::test]
async fn a_citation_of_a_missing_source_is_an_integrity_error() {
    let s = TestServer::seeded().await;
    let v = json!({ "i": { "id": "person:uncited", "name": "U", "citations": [{ "source": "source:nowhere" }] } });
    let err = s.gql_err(CREATE_PERSON, v).await;
    assert_eq!(err["extensions"]["code"], "INTEGRITY");
    assert_eq!(err["extensions"]["field"], "citations[0].source");
}

#[tokio::test]
async fn a_relation_between_kinds_the_ontology_forbids_is_refused() {
    let s = TestServer::seeded().await;
    let err = s.gql_err(LINK, json!({ "i": { "kind": "ATTENDED", "from": "topic:recovery-of-criminal-assets", "to": "meeting:sco-prosecutors-general-20" } })).await;
    assert_eq!(err["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(err["extensions"]["field"], "from");
    let err = s
        .gql_err(LINK, json!({ "i": { "kind": "CHAIRED", "from": "person:berik-asylov", "to": "meeting:sco-prosecutors-general-20", "ordinal": 3 } }))
        .await;
    assert_eq!(err["extensions"]["field"], "ordinal");
}

#[tokio::test]
async fn a_bad_date_is_invalid_input_naming_the_field() {
    let s = TestServer::seeded().await;
    let err = s
        .gql_err(LINK, json!({ "i": { "kind": "HOLDS", "from": "person:berik-asylov", "to": "office:prosecutor-general-kz", "start": "2022-02-30" } }))
        .await;
    assert_eq!(err["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(err["extensions"]["field"], "start");
}

#[tokio::test]
async fn the_same_office_held_twice_is_two_relations() {
    let s = TestServer::seeded().await;
    s.gql(CREATE_PERSON, person("person:twice", "Twice")).await;
    for (start, end) in [("2001", "2003"), ("2010-05", "2012")] {
        s.gql(LINK, json!({ "i": { "kind": "HOLDS", "from": "person:twice", "to": "office:prosecutor-general-kg", "start": start, "end": end } }))
            .await;
    }
    let d = s.gql("{ person(id: \"person:twice\") { tenures { id start { text precision } end { text } } } }", json!({})).await;
    let t = d["person"]["tenures"].as_array().unwrap();
    assert_eq!(t.len(), 2);
    assert_ne!(t[0]["id"], t[1]["id"]);
    let starts: Vec<_> = t.iter().map(|x| x["start"]["precision"].clone()).collect();
    assert!(starts.contains(&json!("YEAR")) && starts.contains(&json!("MONTH")));
}

#[tokio::test]
async fn deleting_a_node_with_relations_needs_cascade() {
    let s = TestServer::seeded().await;
    let q = "mutation($c: Boolean!) { deletePerson(id: \"person:anju-rathi-rana\", cascade: $c) { id removed } }";
    let err = s.gql_err(q, json!({ "c": false })).await;
    assert_eq!(err["extensions"]["code"], "INTEGRITY");
    assert!(s
        .gql(
            "{ person(id: \"person:anju-rathi-rana\") { id } }",
            json!({})
        )
        .await["person"]
        .is_object());
    let d = s.gql(q, json!({ "c": true })).await;
    let removed = d["deletePerson"]["removed"].as_array().unwrap();
    assert!(removed.len() > 2, "{removed:?}");
    let s = s.restart().await;
    assert!(s
        .gql(
            "{ person(id: \"person:anju-rathi-rana\") { id } }",
            json!({})
        )
        .await["person"]
        .is_null());
}

#[tokio::test]
async fn unlinking_a_claim_of_a_conflict_needs_cascade() {
    let s = TestServer::seeded().await;
    let q = "mutation($c: Boolean!) { unlink(id: \"rel:daurenbekov-spoke-at-pg20-welcome\", cascade: $c) { removed } }";
    let err = s.gql_err(q, json!({ "c": false })).await;
    assert_eq!(err["extensions"]["code"], "INTEGRITY");
    let d = s.gql(q, json!({ "c": true })).await;
    assert_eq!(d["unlink"]["removed"].as_array().unwrap().len(), 2);
    assert_eq!(
        s.gql("{ conflicts { id } }", json!({})).await["conflicts"],
        json!([])
    );
}

#[tokio::test]
async fn an_update_changes_only_the_fields_given_and_null_clears() {
    let s = TestServer::seeded().await;
    let d = s
        .gql("mutation { updateMeeting(id: \"meeting:sco-prosecutors-general-20\", patch: { description: null, end: \"2022-09-24\" }) { name description startDate { text } endDate { text } aliases { text } } }", json!({}))
        .await;
    let m = &d["updateMeeting"];
    assert!(m["description"].is_null());
    assert_eq!(m["startDate"]["text"], "2022-09-23");
    assert_eq!(m["endDate"]["text"], "2022-09-24");
    assert_eq!(m["aliases"].as_array().unwrap().len(), 3);
    let err = s
        .gql_err("mutation { updateMeeting(id: \"meeting:sco-prosecutors-general-20\", patch: { end: \"2022-09-01\" }) { id } }", json!({}))
        .await;
    assert_eq!(err["extensions"]["field"], "end");
}

#[tokio::test]
async fn a_conflict_can_be_recorded_between_two_claims() {
    let s = TestServer::seeded().await;
    let d = s
        .gql("mutation { recordConflict(input: { id: \"conflict:test\", claims: [\"rel:asylov-chaired-pg20\", \"rel:asylov-attended-pg20\"], note: \"test\" }) { id claims { id } } }", json!({}))
        .await;
    assert_eq!(d["recordConflict"]["claims"].as_array().unwrap().len(), 2);
    let err = s
        .gql_err("mutation { recordConflict(input: { id: \"conflict:bad\", claims: [\"rel:asylov-chaired-pg20\", \"rel:nope\"] }) { id } }", json!({}))
        .await;
    assert_eq!(err["extensions"]["code"], "INTEGRITY");
    assert_eq!(err["extensions"]["field"], "claims[1]");
}

#[tokio::test]
async fn import_over_graphql_reports_line_and_field_and_is_idempotent() {
    let s = TestServer::empty().await;
    let doc = r#"{
  "format": "attache/1",
  "nodes": [
    { "id": "source:s", "name": "S" },
    { "id": "person:p", "name": "P", "citations": [{ "source": "source:s" }] }
  ]
}"#;
    let q = "mutation($d: String!) { import(document: $d, name: \"mine.json\") { records created updated unchanged } }";
    let d = s.gql(q, json!({ "d": doc })).await;
    assert_eq!(
        d["import"],
        json!({"records": 2, "created": 2, "updated": 0, "unchanged": 0})
    );
    let d = s.gql(q, json!({ "d": doc })).await;
    assert_eq!(
        d["import"],
        json!({"records": 2, "created": 0, "updated": 0, "unchanged": 2})
    );
    let bad = doc.replace("\"source:s\" }]", "\"source:gone\" }]");
    let err = s.gql_err(q, json!({ "d": bad })).await;
    assert_eq!(err["extensions"]["code"], "INTEGRITY");
    let p = &err["extensions"]["problems"][0];
    assert_eq!(
        (p["file"].as_str(), p["line"].as_u64(), p["field"].as_str()),
        (Some("mine.json"), Some(5), Some("citations[0].source"))
    );
}

#[tokio::test]
async fn a_request_sees_one_snapshot_even_while_writes_land() {
    let s = TestServer::seeded().await;
    let writer = {
        let url = s.url.clone();
        let client = s.client().clone();
        tokio::spawn(async move {
            for i in 0..20 {
                let body = json!({ "query": CREATE_PERSON, "variables": person(&format!("person:w{i}"), "W") });
                client
                    .post(format!("{url}/graphql"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
            }
        })
    };
    for _ in 0..20 {
        let d = s
            .gql(
                "{ a: counts { nodes } people(first: 1000) { totalCount } b: counts { nodes } }",
                json!({}),
            )
            .await;
        assert_eq!(d["a"], d["b"]);
        assert_eq!(
            d["a"]["nodes"].as_u64().unwrap() - 52,
            d["people"]["totalCount"].as_u64().unwrap()
        );
    }
    writer.await.unwrap();
}

#[tokio::test]
async fn a_negative_ordinal_is_invalid_input_naming_the_field() {
    let s = TestServer::seeded().await;
    let err = s
        .gql_err(LINK, json!({ "i": { "kind": "IN_SERIES", "from": "meeting:sco-prosecutors-general-20-bilaterals", "to": "series:sco-prosecutors-general-meetings", "ordinal": -1 } }))
        .await;
    assert_eq!(err["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(err["extensions"]["field"], "ordinal");
}

#[tokio::test]
async fn link_without_an_id_names_a_relation_between_ends_with_the_longest_ids() {
    let s = TestServer::seeded().await;
    for filler in ["-", "b"] {
        let from = format!("person:a{}", filler.repeat(190));
        s.gql(CREATE_PERSON, person(&from, "Long Id")).await;
        for _ in 0..2 {
            let d = s
                .gql(
                    LINK,
                    json!({ "i": { "kind": "ATTENDED", "from": from,
                        "to": "meeting:sco-prosecutors-general-20", "mode": "UNKNOWN",
                        "citations": [{ "source": "source:kazinform-sco-prosecutors-general-astana" }] } }),
                )
                .await;
            let id = d["link"]["id"].as_str().unwrap();
            assert!(id.starts_with("rel:attended/person:a"), "{id}");
            assert!(id.len() <= 200, "{id}");
            assert_eq!(d["link"]["from"]["id"], from.as_str());
        }
    }
}
