//! Updates are patches applied to the latest record under the write lock:
//! concurrent patches to different fields both hold, and `expectedVersion`
//! refuses a write to a record that changed since it was read.

mod common;

use common::TestServer;
use serde_json::{json, Value};

const ROUNDS: usize = 60;

const PERSON: &str = "person:berik-asylov";
const REL: &str = "rel:asylov-attended-pg20";
const SOURCE: &str = "source:kazinform-sco-prosecutors-general-astana";

#[tokio::test]
async fn concurrent_patches_to_different_fields_of_a_node_both_survive() {
    let s = TestServer::seeded().await;
    let q = "mutation($id: ID!, $p: PersonInput!) { updatePerson(id: $id, input: $p) { id } }";
    let mut lost = Vec::new();
    for i in 0..ROUNDS {
        let name = format!("Name {i}");
        let description = format!("Description {i}");
        tokio::join!(
            s.gql(q, json!({ "id": PERSON, "p": { "name": name } })),
            s.gql(
                q,
                json!({ "id": PERSON, "p": { "description": description } })
            ),
        );
        let d = s
            .gql(
                "query($id: ID!) { person(id: $id) { name description } }",
                json!({ "id": PERSON }),
            )
            .await;
        if d["person"] != json!({ "name": name, "description": description }) {
            lost.push((i, d["person"].clone()));
        }
    }
    assert!(
        lost.is_empty(),
        "patches lost in {} of {ROUNDS} rounds: {lost:?}",
        lost.len()
    );
}

#[tokio::test]
async fn concurrent_patches_to_different_properties_of_a_relation_both_survive() {
    let s = TestServer::seeded().await;
    let q = "mutation($id: ID!, $p: RelationPatch!) { updateRelation(id: $id, patch: $p) { id } }";
    let mut lost = Vec::new();
    for i in 0..ROUNDS {
        let locator = format!("¶{i}");
        let note = format!("Note {i}");
        let citations = json!([{ "source": SOURCE, "locator": locator }]);
        tokio::join!(
            s.gql(q, json!({ "id": REL, "p": { "citations": citations } })),
            s.gql(q, json!({ "id": REL, "p": { "note": note } })),
        );
        let d = s
            .gql(
                "query($id: ID!) { relation(id: $id) { note citations { locator } } }",
                json!({ "id": REL }),
            )
            .await;
        let want = json!({ "note": note, "citations": [{ "locator": locator }] });
        if d["relation"] != want {
            lost.push((i, d["relation"].clone()));
        }
    }
    assert!(
        lost.is_empty(),
        "patches lost in {} of {ROUNDS} rounds: {lost:?}",
        lost.len()
    );
}

async fn person_version(s: &TestServer) -> String {
    let d = s
        .gql(
            "query($id: ID!) { person(id: $id) { version } }",
            json!({ "id": PERSON }),
        )
        .await;
    d["person"]["version"].as_str().unwrap().to_owned()
}

const UPDATE_EXPECTING: &str = "mutation($id: ID!, $p: PersonInput!, $v: String) { updatePerson(id: $id, input: $p, expectedVersion: $v) { name version } }";

#[tokio::test]
async fn a_matching_expected_version_succeeds_and_returns_the_new_version() {
    let s = TestServer::seeded().await;
    let v0 = person_version(&s).await;
    let d = s
        .gql(
            UPDATE_EXPECTING,
            json!({ "id": PERSON, "p": { "name": "Renamed" }, "v": v0 }),
        )
        .await;
    let v1 = d["updatePerson"]["version"].as_str().unwrap();
    assert_eq!(d["updatePerson"]["name"], "Renamed");
    assert_ne!(v1, v0);
    assert_eq!(person_version(&s).await, v1);
}

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict_naming_both_versions() {
    let s = TestServer::seeded().await;
    let v0 = person_version(&s).await;
    s.gql(
        UPDATE_EXPECTING,
        json!({ "id": PERSON, "p": { "description": "first" }, "v": v0 }),
    )
    .await;
    let v1 = person_version(&s).await;
    let err = s
        .gql_err(
            UPDATE_EXPECTING,
            json!({ "id": PERSON, "p": { "name": "Lost" }, "v": v0 }),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "CONFLICT");
    assert_eq!(err["extensions"]["field"], "expectedVersion");
    let message = err["message"].as_str().unwrap();
    for part in [PERSON, v0.as_str(), v1.as_str()] {
        assert!(message.contains(part), "`{part}` missing from: {message}");
    }
    let d = s
        .gql(
            "query($id: ID!) { person(id: $id) { name description } }",
            json!({ "id": PERSON }),
        )
        .await;
    assert_eq!(d["person"]["name"], "Berik Asylov");
    assert_eq!(d["person"]["description"], "first");
}

#[tokio::test]
async fn a_stale_expected_version_refuses_a_relation_update_and_a_delete() {
    let s = TestServer::seeded().await;
    let d = s
        .gql(
            "query($id: ID!) { relation(id: $id) { version } }",
            json!({ "id": REL }),
        )
        .await;
    let v0: Value = d["relation"]["version"].clone();
    let d = s
        .gql(
            "mutation($id: ID!, $v: String) { updateRelation(id: $id, patch: { note: \"n\" }, expectedVersion: $v) { version } }",
            json!({ "id": REL, "v": v0 }),
        )
        .await;
    assert_ne!(d["updateRelation"]["version"], v0);
    for q in [
        "mutation($id: ID!, $v: String) { updateRelation(id: $id, patch: { note: \"m\" }, expectedVersion: $v) { version } }",
        "mutation($id: ID!, $v: String) { unlink(id: $id, cascade: true, expectedVersion: $v) { removed } }",
    ] {
        let err = s.gql_err(q, json!({ "id": REL, "v": v0 })).await;
        assert_eq!(err["extensions"]["code"], "CONFLICT", "{err}");
    }
    let err = s
        .gql_err(
            "mutation($id: ID!, $v: String) { deletePerson(id: $id, cascade: true, expectedVersion: $v) { removed } }",
            json!({ "id": PERSON, "v": "0000000000000000" }),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "CONFLICT", "{err}");
    let d = s
        .gql(
            "query($r: ID!, $p: ID!) { relation(id: $r) { note } person(id: $p) { id } }",
            json!({ "r": REL, "p": PERSON }),
        )
        .await;
    assert_eq!(d["relation"]["note"], "n");
    assert_eq!(d["person"]["id"], PERSON);
}
