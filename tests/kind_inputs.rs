//! One input type per node kind: `create<Kind>(input:)` and
//! `update<Kind>(id:, input:)` take the same `<Kind>Input`, whose fields are
//! named as the kind's output names them.

mod common;

use common::TestServer;
use serde_json::json;

const CREATE_MEETING: &str = "mutation($i: MeetingInput!) { createMeeting(input: $i) { id category startDate { text } endDate { text } status } }";
const UPDATE_MEETING: &str = "mutation($id: ID!, $i: MeetingInput!) { updateMeeting(id: $id, input: $i) { id name category startDate { text } endDate { text } version } }";
const CITE: &str = "source:kazinform-sco-prosecutors-general-astana";

fn a_meeting() -> serde_json::Value {
    json!({ "i": {
        "id": "meeting:test-summit",
        "name": "Test summit",
        "category": "summit",
        "startDate": "2023-05-18",
        "endDate": "2023-05-19",
        "citations": [{ "source": CITE }]
    } })
}

#[tokio::test]
async fn a_meeting_is_created_with_the_field_names_it_is_read_with() {
    let s = TestServer::seeded().await;
    let m = &s.gql(CREATE_MEETING, a_meeting()).await["createMeeting"];
    assert_eq!(m["category"], "summit");
    assert_eq!(m["startDate"]["text"], "2023-05-18");
    assert_eq!(m["endDate"]["text"], "2023-05-19");
    assert_eq!(m["status"], "HELD");
}

#[tokio::test]
async fn an_update_keeps_absent_fields_clears_null_ones_and_sets_the_rest() {
    let s = TestServer::seeded().await;
    s.gql(CREATE_MEETING, a_meeting()).await;
    let v =
        json!({ "id": "meeting:test-summit", "i": { "startDate": "2023-05", "endDate": null } });
    let m = &s.gql(UPDATE_MEETING, v).await["updateMeeting"];
    assert_eq!(m["startDate"]["text"], "2023-05");
    // With no end of its own, a meeting ends on the day it starts.
    assert_eq!(m["endDate"]["text"], "2023-05");
    assert_eq!(m["category"], "summit");
    assert_eq!(m["name"], "Test summit");
}

#[tokio::test]
async fn sending_back_what_was_read_changes_nothing() {
    let s = TestServer::seeded().await;
    s.gql(CREATE_MEETING, a_meeting()).await;
    let read = "{ meeting(id: \"meeting:test-summit\") { id name category version } }";
    let before = s.gql(read, json!({})).await["meeting"].clone();
    let mut input = before.clone();
    input.as_object_mut().unwrap().remove("version");
    let v = json!({ "id": "meeting:test-summit", "i": input });
    let after = &s.gql(UPDATE_MEETING, v).await["updateMeeting"];
    assert_eq!(after["version"], before["version"]);
}

#[tokio::test]
async fn a_field_another_kind_has_is_refused_by_name() {
    let s = TestServer::seeded().await;
    let v = json!({ "i": { "id": "person:with-date", "name": "P", "startDate": "2020" } });
    let body = s
        .gql_raw(
            "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
            v,
        )
        .await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("startDate"), "{body:#}");
    assert!(body["data"].is_null(), "{body:#}");
}

#[tokio::test]
async fn a_bad_date_names_the_field_as_the_input_spells_it() {
    let s = TestServer::seeded().await;
    let mut v = a_meeting();
    v["i"]["endDate"] = json!("19 May");
    let err = s.gql_err(CREATE_MEETING, v).await;
    assert_eq!(err["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(err["extensions"]["field"], "endDate");
}

#[tokio::test]
async fn creating_without_an_id_is_invalid_input_naming_id() {
    let s = TestServer::seeded().await;
    let mut v = a_meeting();
    v["i"].as_object_mut().unwrap().remove("id");
    let err = s.gql_err(CREATE_MEETING, v).await;
    assert_eq!(err["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(err["extensions"]["field"], "id");
}

#[tokio::test]
async fn an_update_naming_another_id_in_its_input_is_refused() {
    let s = TestServer::seeded().await;
    s.gql(CREATE_MEETING, a_meeting()).await;
    let v = json!({ "id": "meeting:test-summit", "i": { "id": "meeting:other", "name": "X" } });
    let err = s.gql_err(UPDATE_MEETING, v).await;
    assert_eq!(err["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(err["extensions"]["field"], "id");
}

#[tokio::test]
async fn the_older_patch_argument_still_updates_but_not_with_input() {
    let s = TestServer::seeded().await;
    s.gql(CREATE_MEETING, a_meeting()).await;
    let old = "mutation($id: ID!, $p: NodePatch!) { updateMeeting(id: $id, patch: $p) { startDate { text } } }";
    let v = json!({ "id": "meeting:test-summit", "p": { "start": "2023" } });
    let m = &s.gql(old, v).await["updateMeeting"];
    assert_eq!(m["startDate"]["text"], "2023");
    let both = "mutation($id: ID!, $p: NodePatch!, $i: MeetingInput!) { updateMeeting(id: $id, patch: $p, input: $i) { id } }";
    let v = json!({ "id": "meeting:test-summit", "p": {}, "i": {} });
    let err = s.gql_err(both, v).await;
    assert_eq!(err["extensions"]["code"], "INVALID_INPUT");
}

#[tokio::test]
async fn every_kind_has_its_own_input_type() {
    let s = TestServer::seeded().await;
    let q = "{ __type(name: \"MutationRoot\") { fields { name args { name type { ofType { name } name } } } } }";
    let fields = s.gql(q, json!({})).await["__type"]["fields"].clone();
    for kind in [
        "Person",
        "State",
        "Organization",
        "Office",
        "Meeting",
        "Series",
        "Document",
        "Place",
        "Topic",
        "Source",
    ] {
        for op in ["create", "update"] {
            let name = format!("{op}{kind}");
            let f = fields
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == name.as_str())
                .unwrap_or_else(|| panic!("{name} missing"));
            let input = f["args"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["name"] == "input")
                .unwrap_or_else(|| panic!("{name} has no input"));
            let ty = input["type"]["ofType"]["name"]
                .as_str()
                .or(input["type"]["name"].as_str());
            assert_eq!(ty, Some(format!("{kind}Input").as_str()), "{name}");
        }
    }
}
