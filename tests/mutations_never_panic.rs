//! No input to any mutation panics the server: arbitrary ids, names, dates,
//! enum values and numbers, sent to every mutation over HTTP, always get a
//! GraphQL answer (data or coded errors), never a dropped connection.

mod common;

use common::TestServer;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

/// Every mutation, its arguments all taken from variables.
const MUTATIONS: &[&str] = &[
    "mutation($i: NodeInput!) { createNode(input: $i) { id } }",
    "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
    "mutation($i: MeetingInput!) { createMeeting(input: $i) { id } }",
    "mutation($id: ID!, $p: PersonInput!) { updatePerson(id: $id, input: $p) { id } }",
    "mutation($id: ID!, $p: MeetingInput!) { updateMeeting(id: $id, input: $p) { id } }",
    "mutation($id: ID!, $c: Boolean) { deleteNode(id: $id, cascade: $c) { removed } }",
    "mutation($id: ID!, $c: Boolean) { deletePerson(id: $id, cascade: $c) { removed } }",
    "mutation($i: RelationInput!) { link(input: $i) { id } }",
    "mutation($id: ID!, $p: RelationPatch!) { updateRelation(id: $id, patch: $p) { id } }",
    "mutation($id: ID!, $c: Boolean) { unlink(id: $id, cascade: $c) { removed } }",
    "mutation($i: ConflictInput!) { recordConflict(input: $i) { id } }",
    "mutation($id: ID!) { deleteConflict(id: $id) { removed } }",
    "mutation($d: String!, $n: String) { import(document: $d, name: $n) { records } }",
];

/// Strings that reach the edges: existing ids, ids at the length limit,
/// odd prefixes, dates, scripts, and arbitrary text.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("person:berik-asylov".to_owned()),
        Just("meeting:sco-prosecutors-general-20".to_owned()),
        Just("office:prosecutor-general-kz".to_owned()),
        Just("source:kazinform-sco-prosecutors-general-astana".to_owned()),
        Just("state:kz".to_owned()),
        (1usize..=200, "[-b/]").prop_map(|(n, c)| format!("person:a{}", c.repeat(n))),
        "(rel|conflict|person|meeting|x):[a-z0-9./_:-]{0,12}",
        "[0-9]{1,5}(-[0-9]{1,3}){0,3}",
        "\\PC{0,30}",
        Just(String::new()),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        text().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        prop_oneof![
            Just("ATTENDED"),
            Just("HOLDS"),
            Just("SPOKE_AT"),
            Just("SIGNED"),
            Just("ONLINE"),
            Just("IN_PERSON"),
            Just("CHAIR"),
            Just("INITIALS"),
        ]
        .prop_map(Value::from),
        Just(Value::Null),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
            proptest::collection::btree_map(field(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The input fields of the mutations' input types, and a few that are not.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("id"),
        Just("name"),
        Just("kind"),
        Just("from"),
        Just("to"),
        Just("start"),
        Just("end"),
        Just("startDate"),
        Just("endDate"),
        Just("category"),
        Just("code"),
        Just("date"),
        Just("mode"),
        Just("role"),
        Just("capacity"),
        Just("onBehalfOf"),
        Just("topic"),
        Just("ordinal"),
        Just("summary"),
        Just("claims"),
        Just("citations"),
        Just("source"),
        Just("locator"),
        Just("aliases"),
        Just("text"),
        Just("url"),
        Just("acting"),
        Just("status"),
        Just("notes"),
        Just("bogus"),
    ]
    .prop_map(str::to_owned)
}

fn variables() -> impl Strategy<Value = Value> {
    (value(), text(), any::<Option<bool>>(), value(), text())
        .prop_map(|(i, id, c, p, d)| json!({ "i": i, "id": id, "c": c, "p": p, "d": d, "n": id }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_input_to_any_mutation_gets_an_answer_not_a_panic() {
    let s = TestServer::seeded().await;
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    let cases = (0..MUTATIONS.len(), variables());
    let mut tried: Vec<(usize, Value)> = (0..runner.config().cases)
        .map(|_| cases.new_tree(&mut runner).unwrap().current())
        .collect();
    // Every case, plus the inputs that once panicked, sent for real.
    let long = format!("person:a{}", "-".repeat(190));
    s.gql(
        "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
        json!({ "i": { "id": long, "name": "x" } }),
    )
    .await;
    tried.push((
        7,
        json!({ "i": { "kind": "ATTENDED", "from": long, "to": "meeting:sco-prosecutors-general-20" } }),
    ));
    for (m, vars) in tried {
        let res = s
            .client()
            .post(format!("{}/graphql", s.url))
            .json(&json!({ "query": MUTATIONS[m], "variables": vars }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("no answer to {} with {vars}: {e}", MUTATIONS[m]));
        let body: Value = res
            .json()
            .await
            .unwrap_or_else(|e| panic!("no JSON answer to {} with {vars}: {e}", MUTATIONS[m]));
        assert!(
            body.get("data").is_some() || body.get("errors").is_some(),
            "{body}"
        );
        if let Some(errors) = body["errors"].as_array() {
            for e in errors {
                assert!(e["extensions"]["code"].is_string(), "uncoded: {e}");
            }
        }
    }
}
