//! The change log over HTTP: every record's history (who, when, why and
//! what changed), the log itself paged and filtered, reads `asOf` a change
//! set or a time, and the comment and source a mutation keeps.

mod common;

use std::time::Duration;

use common::TestServer;
use serde_json::{json, Value};

const SOURCE: &str = "source:s";

fn cite() -> Value {
    json!([{ "source": SOURCE, "locator": "¶1" }])
}

/// A small graph as one import: two people, two meetings, a document; Ana
/// attended and chaired the summit, which adopted the declaration.
fn graph_doc() -> String {
    json!({
        "format": "attache/1",
        "nodes": [
            { "id": SOURCE, "name": "S" },
            { "id": "person:ana", "name": "Ana", "citations": cite() },
            { "id": "person:bo", "name": "Bo", "citations": cite() },
            { "id": "meeting:summit", "name": "Summit", "start": "2024-05-01", "citations": cite() },
            { "id": "meeting:forum", "name": "Forum", "start": "2024-06-01", "citations": cite() },
            { "id": "document:decl", "name": "Declaration", "citations": cite() }
        ],
        "relations": [
            { "id": "rel:ana-summit", "kind": "attended", "from": "person:ana", "to": "meeting:summit", "citations": cite() },
            { "id": "rel:ana-chair", "kind": "chaired", "from": "person:ana", "to": "meeting:summit", "citations": cite() },
            { "id": "rel:decl-summit", "kind": "adopted_at", "from": "document:decl", "to": "meeting:summit", "citations": cite() }
        ]
    })
    .to_string()
}

const IMPORT: &str =
    "mutation($d: String!, $c: String) { import(document: $d, comment: $c) { created } }";
const RENAME: &str = "mutation($id: ID!, $name: String!, $c: String) { updatePerson(id: $id, patch: { name: $name }, comment: $c) { name } }";
const CHANGE_SET: &str = "seq time actor comment source op records";

/// A server over an empty store holding [`graph_doc`] as change set 1.
async fn server() -> TestServer {
    let s = TestServer::empty().await;
    s.gql(IMPORT, json!({ "d": graph_doc(), "c": "first load" }))
        .await;
    s
}

async fn rename(s: &TestServer, id: &str, name: &str) {
    s.gql(RENAME, json!({ "id": id, "name": name })).await;
}

async fn history(s: &TestServer, id: &str) -> Value {
    let q = format!(
        "query($id: ID!) {{ history(id: $id) {{ hasMore items {{ changeSet {{ {CHANGE_SET} }} entry {{ id entity kind before after fields {{ field before after }} }} }} }} }}"
    );
    s.gql(&q, json!({ "id": id })).await["history"].clone()
}

async fn changes(s: &TestServer, args: &str) -> Value {
    let args = if args.is_empty() {
        String::new()
    } else {
        format!("({args})")
    };
    let q = format!("{{ changes{args} {{ hasMore last items {{ {CHANGE_SET} }} }} }}");
    s.gql(&q, json!({})).await["changes"].clone()
}

fn seqs(page: &Value) -> Vec<u64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["seq"].as_u64().unwrap())
        .collect()
}

/// Writes land in distinct milliseconds, so a time names one change set.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

#[tokio::test]
async fn a_record_history_lists_create_update_and_delete_newest_first_with_who_when_why_and_the_diff(
) {
    let s = server().await;
    let create = "mutation { createPerson(input: { id: \"person:cy\", name: \"Cy\", citations: [{ source: \"source:s\" }] }, comment: \"new delegate\") { id } }";
    s.gql(create, json!({})).await;
    s.gql(
        RENAME,
        json!({ "id": "person:cy", "name": "Cyrus", "c": "full name" }),
    )
    .await;
    let d = s
        .gql(
            "mutation { deletePerson(id: \"person:cy\", comment: \"duplicate\") { changeSet removed } }",
            json!({}),
        )
        .await;
    let h = history(&s, "person:cy").await;
    let items = h["items"].as_array().unwrap();
    let kinds: Vec<&str> = items
        .iter()
        .map(|i| i["entry"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["DELETED", "UPDATED", "CREATED"]);
    let comments: Vec<&str> = items
        .iter()
        .map(|i| i["changeSet"]["comment"].as_str().unwrap())
        .collect();
    assert_eq!(comments, ["duplicate", "full name", "new delegate"]);
    assert_eq!(items[0]["changeSet"]["seq"], d["deletePerson"]["changeSet"]);
    // The caller's name (the token's, once tokens are named), the same for all three.
    let actor = items[0]["changeSet"]["actor"].as_str().unwrap();
    assert!(!actor.is_empty() && actor != "seed");
    for i in items {
        assert_eq!(i["changeSet"]["actor"], actor);
        let t = i["changeSet"]["time"].as_str().unwrap();
        assert!(t.ends_with('Z') && t.contains('T'), "{t}");
    }
    assert_eq!(
        items[1]["entry"]["fields"],
        json!([{ "field": "name", "before": "Cy", "after": "Cyrus" }])
    );
    assert_eq!(items[0]["entry"]["before"]["name"], "Cyrus");
    assert_eq!(items[0]["entry"]["after"], Value::Null);
    assert_eq!(items[2]["entry"]["before"], Value::Null);
    assert!(!h["hasMore"].as_bool().unwrap());
}

#[tokio::test]
async fn an_import_is_one_change_set_in_the_history_of_every_record_it_wrote() {
    let s = server().await;
    for id in ["person:ana", "rel:ana-summit", "document:decl"] {
        let h = history(&s, id).await;
        let set = &h["items"][0]["changeSet"];
        assert_eq!(
            (
                set["seq"].as_u64(),
                set["op"].as_str(),
                set["comment"].as_str()
            ),
            (Some(1), Some("import"), Some("first load")),
            "{id}"
        );
        assert_eq!(set["records"], 9);
        assert_eq!(h["items"][0]["entry"]["kind"], "CREATED");
    }
    let d = s
        .gql(
            "{ changeSet(seq: 1) { entriesCount entries(first: 2, offset: 7) { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["changeSet"]["entriesCount"], 9);
    assert_eq!(d["changeSet"]["entries"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn history_is_on_every_node_relation_and_conflict_object() {
    let s = server().await;
    rename(&s, "person:ana", "Ana B").await;
    let d = s
        .gql(
            "{ person(id: \"person:ana\") { history { items { entry { kind } } } }
               node(id: \"meeting:summit\") { history { items { entry { kind } } } }
               relation(id: \"rel:ana-chair\") { history { items { entry { id } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["person"]["history"]["items"].as_array().unwrap().len(), 2);
    assert_eq!(d["node"]["history"]["items"][0]["entry"]["kind"], "CREATED");
    assert_eq!(
        d["relation"]["history"]["items"][0]["entry"]["id"],
        "rel:ana-chair"
    );
    s.gql(
        "mutation { recordConflict(input: { id: \"conflict:chair\", claims: [\"rel:ana-chair\", \"rel:ana-summit\"] }) { id } }",
        json!({}),
    )
    .await;
    let d = s
        .gql(
            "{ conflict(id: \"conflict:chair\") { history { items { entry { entity kind } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d["conflict"]["history"]["items"],
        json!([{ "entry": { "entity": "conflict", "kind": "CREATED" } }])
    );
}

#[tokio::test]
async fn history_pages_newest_first_with_first_and_before() {
    let s = server().await;
    for name in ["A1", "A2", "A3"] {
        rename(&s, "person:ana", name).await;
    }
    let q = "query($b: Int) { history(id: \"person:ana\", first: 2, before: $b) { hasMore items { changeSet { seq } } } }";
    let one = s.gql(q, json!({ "b": null })).await["history"].clone();
    let seqs1: Vec<u64> = one["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["changeSet"]["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs1, [4, 3]);
    assert!(one["hasMore"].as_bool().unwrap());
    let two = s.gql(q, json!({ "b": 3 })).await["history"].clone();
    let seqs2: Vec<u64> = two["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["changeSet"]["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs2, [2, 1]);
    assert!(!two["hasMore"].as_bool().unwrap());
    let e = s
        .gql_err(
            "{ history(id: \"person:ana\", first: 5000) { hasMore } }",
            json!({}),
        )
        .await;
    assert_eq!(e["extensions"]["field"], "first");
}

#[tokio::test]
async fn changes_pages_oldest_first_and_says_where_to_go_on() {
    let s = server().await;
    for name in ["A1", "A2", "A3", "A4"] {
        rename(&s, "person:ana", name).await;
    }
    let one = changes(&s, "first: 2").await;
    assert_eq!(seqs(&one), [1, 2]);
    assert!(one["hasMore"].as_bool().unwrap());
    assert_eq!(one["last"], 2);
    let two = changes(&s, "after: 2, first: 2").await;
    assert_eq!(seqs(&two), [3, 4]);
    let three = changes(&s, "after: 4, first: 2").await;
    assert_eq!(seqs(&three), [5]);
    assert!(!three["hasMore"].as_bool().unwrap());
    assert_eq!(three["last"], 5);
}

/// A "recent changes" list: the newest first, paged back with `before`.
#[tokio::test]
async fn changes_newest_first_page_back_with_before() {
    let s = server().await;
    for name in ["A1", "A2", "A3", "A4"] {
        rename(&s, "person:ana", name).await;
    }
    let one = changes(&s, "newestFirst: true, first: 2").await;
    assert_eq!(seqs(&one), [5, 4]);
    assert!(one["hasMore"].as_bool().unwrap());
    assert_eq!(one["last"], 4);
    let two = changes(&s, "newestFirst: true, before: 4, first: 2").await;
    assert_eq!(seqs(&two), [3, 2]);
    let three = changes(&s, "newestFirst: true, before: 2, first: 2").await;
    assert_eq!(seqs(&three), [1]);
    assert!(!three["hasMore"].as_bool().unwrap());
    let of_ana = changes(&s, "newestFirst: true, id: \"person:ana\", first: 2").await;
    assert_eq!(seqs(&of_ana), [5, 4]);
}

#[tokio::test]
async fn changes_filters_by_actor() {
    let s = TestServer::seeded().await;
    let q = "mutation { createSource(input: { id: \"source:n\", name: \"N\" }) { id } }";
    s.gql(q, json!({})).await;
    let seed = changes(&s, "actor: \"seed\"").await;
    assert_eq!(seqs(&seed), [1]);
    assert_eq!(seed["items"][0]["op"], "seed");
    let actor = changes(&s, "after: 1").await["items"][0]["actor"].clone();
    assert_ne!(actor, "seed");
    let mine = changes(&s, &format!("actor: {actor}")).await;
    assert_eq!(seqs(&mine), [2]);
}

#[tokio::test]
async fn changes_filters_by_entity() {
    let s = server().await;
    rename(&s, "person:ana", "Ana B").await;
    s.gql(
        "mutation { unlink(id: \"rel:ana-summit\") { id } }",
        json!({}),
    )
    .await;
    assert_eq!(seqs(&changes(&s, "entity: \"attended\"").await), [1, 3]);
    assert_eq!(seqs(&changes(&s, "entity: \"person\"").await), [1, 2]);
    assert_eq!(
        seqs(&changes(&s, "entity: \"conflict\"").await),
        Vec::<u64>::new()
    );
    let e = s
        .gql_err("{ changes(entity: \"people\") { last } }", json!({}))
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(e["extensions"]["field"], "entity");
}

#[tokio::test]
async fn changes_filters_by_record_id() {
    let s = server().await;
    rename(&s, "person:bo", "Bo B").await;
    rename(&s, "person:ana", "Ana B").await;
    rename(&s, "person:bo", "Bo C").await;
    assert_eq!(seqs(&changes(&s, "id: \"person:bo\"").await), [1, 2, 4]);
    assert_eq!(
        seqs(&changes(&s, "id: \"person:bo\", after: 1, first: 1").await),
        [2]
    );
    assert_eq!(
        seqs(&changes(&s, "id: \"person:bo\", actor: \"nobody\"").await),
        Vec::<u64>::new()
    );
}

#[tokio::test]
async fn changes_filters_by_a_time_window_both_ends_included() {
    let s = server().await;
    for name in ["A1", "A2", "A3"] {
        tick().await;
        rename(&s, "person:ana", name).await;
    }
    let all = changes(&s, "").await;
    let time = |i: usize| all["items"][i]["time"].as_str().unwrap().to_owned();
    let window = changes(&s, &format!("from: \"{}\", to: \"{}\"", time(1), time(2))).await;
    assert_eq!(seqs(&window), [2, 3]);
    let since = changes(&s, &format!("from: \"{}\"", time(3))).await;
    assert_eq!(seqs(&since), [4]);
    let today = &time(0)[..10];
    assert_eq!(
        seqs(&changes(&s, &format!("from: \"{today}\", to: \"{today}\"")).await).len(),
        4
    );
    assert!(seqs(&changes(&s, "to: \"1999-12-31\"").await).is_empty());
    let e = s
        .gql_err("{ changes(from: \"last week\") { last } }", json!({}))
        .await;
    assert_eq!(e["extensions"]["field"], "from");
}

#[tokio::test]
async fn a_record_reads_as_it_was_right_after_a_change_set() {
    let s = server().await;
    rename(&s, "person:ana", "Ana B").await;
    rename(&s, "person:ana", "Ana C").await;
    let q = "query($s: Int) { node(id: \"person:ana\", asOf: { seq: $s }) { name } }";
    assert_eq!(s.gql(q, json!({ "s": 1 })).await["node"]["name"], "Ana");
    assert_eq!(s.gql(q, json!({ "s": 2 })).await["node"]["name"], "Ana B");
    assert_eq!(s.gql(q, json!({ "s": 3 })).await["node"]["name"], "Ana C");
    assert_eq!(s.gql(q, json!({ "s": 0 })).await["node"], Value::Null);
}

#[tokio::test]
async fn a_deleted_record_reads_as_it_was_before_its_delete() {
    let s = server().await;
    s.gql(
        "mutation { deletePerson(id: \"person:bo\") { id } }",
        json!({}),
    )
    .await;
    let q = "query($s: Int) { person(id: \"person:bo\", asOf: { seq: $s }) { name } }";
    assert_eq!(s.gql(q, json!({ "s": 1 })).await["person"]["name"], "Bo");
    assert_eq!(s.gql(q, json!({ "s": 2 })).await["person"], Value::Null);
}

#[tokio::test]
async fn a_record_reads_as_it_was_at_a_time() {
    let s = server().await;
    tick().await;
    rename(&s, "person:ana", "Ana B").await;
    tick().await;
    rename(&s, "person:ana", "Ana C").await;
    let all = changes(&s, "").await;
    let q = "query($t: String) { node(id: \"person:ana\", asOf: { time: $t }) { name } }";
    let at = |i: usize| all["items"][i]["time"].clone();
    assert_eq!(s.gql(q, json!({ "t": at(0) })).await["node"]["name"], "Ana");
    assert_eq!(
        s.gql(q, json!({ "t": at(1) })).await["node"]["name"],
        "Ana B"
    );
    assert_eq!(
        s.gql(q, json!({ "t": "1999-01-01" })).await["node"],
        Value::Null
    );
}

#[tokio::test]
async fn as_of_takes_exactly_one_of_seq_and_time() {
    let s = server().await;
    for at in ["{}", "{ seq: 1, time: \"2024-01-01\" }"] {
        let e = s
            .gql_err(
                &format!("{{ node(id: \"person:ana\", asOf: {at}) {{ name }} }}"),
                json!({}),
            )
            .await;
        assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{at}");
        assert_eq!(e["extensions"]["field"], "asOf", "{at}");
    }
    let e = s
        .gql_err(
            "{ node(id: \"person:ana\", asOf: { time: \"soon\" }) { name } }",
            json!({}),
        )
        .await;
    assert_eq!(e["extensions"]["field"], "asOf");
}

#[tokio::test]
async fn as_of_before_the_compaction_horizon_is_refused_naming_as_of() {
    let tmp = tempfile::tempdir().unwrap();
    let service = attache::service::Service::open(tmp.path()).unwrap();
    let doc = graph_doc();
    let parsed = attache::import::read_all(
        vec![attache::import::Source::new(
            "doc",
            std::io::Cursor::new(doc),
        )],
        service.sizes(),
    );
    attache::import::apply(
        &service,
        parsed,
        Vec::new(),
        attache::service::Author::local(),
    )
    .await
    .unwrap();
    for name in ["A1", "A2"] {
        let mut n = service.graph().node("person:ana").unwrap().as_ref().clone();
        n.name = name.into();
        service
            .write(vec![attache::service::Change::Put(
                attache::service::Mode::Upsert,
                attache::service::Record::Node(n),
            )])
            .await
            .unwrap();
    }
    service.store().compact(2).unwrap();
    let options = attache::http::Options {
        auth: attache::http::Auth::new([common::TOKEN.to_owned()], false, false),
        ..Default::default()
    };
    let s = TestServer::serve(service, tmp.path(), options).await;
    let e = s
        .gql_err(
            "{ node(id: \"person:ana\", asOf: { seq: 1 }) { name } }",
            json!({}),
        )
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(e["extensions"]["field"], "asOf");
    assert!(e["message"].as_str().unwrap().contains("compaction"));
    let d = s
        .gql(
            "{ node(id: \"person:ana\", asOf: { seq: 2 }) { name } }",
            json!({}),
        )
        .await;
    assert_eq!(d["node"]["name"], "A1");
}

#[tokio::test]
async fn a_person_page_as_of_then_shows_its_attendances_and_their_meetings_as_they_were() {
    let s = server().await;
    rename(&s, "person:ana", "Ana B").await;
    s.gql(
        "mutation { unlink(id: \"rel:ana-summit\") { id } }",
        json!({}),
    )
    .await;
    s.gql(
        "mutation { link(input: { id: \"rel:ana-forum\", kind: ATTENDED, from: \"person:ana\", to: \"meeting:forum\", citations: [{ source: \"source:s\" }] }) { id } }",
        json!({}),
    )
    .await;
    s.gql(
        "mutation { updateMeeting(id: \"meeting:summit\", patch: { name: \"Big Summit\" }) { id } }",
        json!({}),
    )
    .await;
    let q = "query($a: AsOf) { person(id: \"person:ana\", asOf: $a) { name attendances { id meeting { name startDate { text } } } chaired { name } } }";
    let then = s.gql(q, json!({ "a": { "seq": 1 } })).await["person"].clone();
    assert_eq!(then["name"], "Ana");
    assert_eq!(
        then["attendances"],
        json!([{ "id": "rel:ana-summit", "meeting": { "name": "Summit", "startDate": { "text": "2024-05-01" } } }])
    );
    assert_eq!(then["chaired"], json!([{ "name": "Summit" }]));
    let now = s.gql(q, json!({ "a": null })).await["person"].clone();
    assert_eq!(now["name"], "Ana B");
    assert_eq!(
        now["attendances"],
        json!([{ "id": "rel:ana-forum", "meeting": { "name": "Forum", "startDate": { "text": "2024-06-01" } } }])
    );
}

#[tokio::test]
async fn a_meeting_page_as_of_then_shows_attendees_chair_and_documents_as_they_were() {
    let s = server().await;
    s.gql(
        "mutation { deletePerson(id: \"person:ana\", cascade: true) { id } }",
        json!({}),
    )
    .await;
    s.gql(
        "mutation { link(input: { kind: ATTENDED, from: \"person:bo\", to: \"meeting:summit\", citations: [{ source: \"source:s\" }] }) { id } }",
        json!({}),
    )
    .await;
    s.gql(
        "mutation { updateDocument(id: \"document:decl\", patch: { name: \"Final Declaration\" }) { id } }",
        json!({}),
    )
    .await;
    let q = "query($a: AsOf) { meeting(id: \"meeting:summit\", asOf: $a) { name chair { name } attendances { person { name } } documents { name } } }";
    let then = s.gql(q, json!({ "a": { "seq": 1 } })).await["meeting"].clone();
    assert_eq!(
        then,
        json!({ "name": "Summit", "chair": { "name": "Ana" }, "attendances": [{ "person": { "name": "Ana" } }], "documents": [{ "name": "Declaration" }] })
    );
    let now = s.gql(q, json!({ "a": null })).await["meeting"].clone();
    assert_eq!(
        now,
        json!({ "name": "Summit", "chair": null, "attendances": [{ "person": { "name": "Bo" } }], "documents": [{ "name": "Final Declaration" }] })
    );
}

#[tokio::test]
async fn a_mutation_keeps_its_comment_and_source_with_its_change_set() {
    let s = server().await;
    s.gql(
        "mutation { link(input: { id: \"rel:bo-summit\", kind: ATTENDED, from: \"person:bo\", to: \"meeting:summit\", citations: [{ source: \"source:s\" }] }, comment: \"from the minutes\", source: \"source:s\") { id } }",
        json!({}),
    )
    .await;
    let h = history(&s, "rel:bo-summit").await;
    let set = &h["items"][0]["changeSet"];
    assert_eq!(set["comment"], "from the minutes");
    assert_eq!(set["source"], "source:s");
    let e = s
        .gql_err(
            "mutation { updatePerson(id: \"person:bo\", patch: { name: \"X\" }, source: \"source:nowhere\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(e["extensions"]["field"], "source");
    assert_eq!(
        seqs(&changes(&s, "").await),
        [1, 2],
        "the refused write made no change set"
    );
}

/// Reads racing writes: what a response says of a record's history always
/// agrees with the record as the same response reads it, and the log it
/// lists ends where its snapshot does.
#[tokio::test]
async fn a_reader_never_sees_a_change_set_beyond_its_snapshot() {
    let s = std::sync::Arc::new(server().await);
    let writer = {
        let s = s.clone();
        tokio::spawn(async move {
            for i in 0..40 {
                rename(&s, "person:ana", &format!("Ana {i}")).await;
            }
        })
    };
    let q = "{ person(id: \"person:ana\") { name history(first: 1) { items { changeSet { seq } entry { after } } } } changes(first: 1000) { last } }";
    let mut reads = 0;
    while !writer.is_finished() || reads < 5 {
        let d = s.gql(q, json!({})).await;
        let top = &d["person"]["history"]["items"][0];
        assert_eq!(top["entry"]["after"]["name"], d["person"]["name"]);
        assert_eq!(top["changeSet"]["seq"], d["changes"]["last"]);
        reads += 1;
    }
    writer.await.unwrap();
}

/// The log's lists count their page size against the complexity limit,
/// nested or not. (A field read through the `Node` interface counts as one
/// field whatever its page: async-graphql 7 computes no complexity for
/// interface fields, `relations` included. `first` still caps it at 1000.)
#[tokio::test]
async fn log_pages_count_their_size_against_the_complexity_limit() {
    let s = TestServer::with_options(attache::http::Options {
        auth: attache::http::Auth::new([common::TOKEN.to_owned()], false, false),
        limits: attache::http::Limits {
            max_complexity: 1000,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    for q in [
        "{ changes(first: 100) { items { entries(first: 100) { id } } } }",
        "{ person(id: \"person:berik-asylov\") { history(first: 1000) { items { entry { id } } } } }",
        "{ history(id: \"person:berik-asylov\", first: 1000) { items { entry { id } } } }",
    ] {
        let v = s.gql_raw(q, json!({})).await;
        assert_eq!(
            v["errors"][0]["extensions"]["limit"], "maxComplexity",
            "{q}: {v}"
        );
    }
    let small =
        "{ node(id: \"person:berik-asylov\") { history(first: 5) { items { entry { id } } } } }";
    let d = s.gql(small, json!({})).await;
    assert_eq!(
        d["node"]["history"]["items"][0]["entry"]["id"],
        "person:berik-asylov"
    );
}
