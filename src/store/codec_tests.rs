//! Record encoding: format 8 writes MessagePack, still reads format 7's JSON.

use super::*;
use crate::model::{ChangeSet, Conflict, LogEntry, Node, Relation, Version};

fn relation() -> Relation {
    serde_json::from_str(
        r#"{"id": "rel:a", "kind": "attended", "from": "person:a", "to": "meeting:m",
            "mode": "online", "roles": ["host", "chair"], "capacity": "office:o",
            "on_behalf_of": "state:kz", "date": "2019-06",
            "citations": [{"source": "source:s", "locator": "p. 2"}]}"#,
    )
    .unwrap()
}

fn node() -> Node {
    serde_json::from_str(
        r#"{"id": "person:a", "name": "A", "aliases": [{"text": "A.", "kind": "initials"}],
            "citations": [{"source": "source:s"}]}"#,
    )
    .unwrap()
}

fn conflict() -> Conflict {
    serde_json::from_str(r#"{"id": "conflict:c", "claims": ["rel:a", "rel:b"], "note": "n"}"#)
        .unwrap()
}

#[test]
fn records_read_back_as_written() {
    let r: Relation = decode(&encode(&relation()), "relations", "rel:a").unwrap();
    assert_eq!(r, relation());
    let n: Node = decode(&encode(&node()), "nodes", "person:a").unwrap();
    assert_eq!(n, node());
    let c: Conflict = decode(&encode(&conflict()), "conflicts", "conflict:c").unwrap();
    assert_eq!(c, conflict());
}

#[test]
fn log_entries_and_change_sets_read_back_as_written() {
    let e = LogEntry {
        id: "rel:a".into(),
        before: Some(Version::Relation(relation())),
        after: None,
    };
    let back: LogEntry = decode(&encode(&e), "log", "1/0").unwrap();
    assert_eq!(back, e);
    let set = ChangeSet {
        seq: 7,
        time_ms: 1_700_000_000_000,
        actor: "cli:me".into(),
        comment: None,
        source: None,
        records: 3,
        reverts: Some(2),
        op: "revert".into(),
    };
    let back: ChangeSet = decode(&encode(&set), "changesets", "7").unwrap();
    assert_eq!(back, set);
}

#[test]
fn records_written_as_json_by_format_7_still_read() {
    let r: Relation = decode(&encode_json(&relation()), "relations", "rel:a").unwrap();
    assert_eq!(r, relation());
    let n: Node = decode(&encode_json(&node()), "nodes", "person:a").unwrap();
    assert_eq!(n, node());
}

#[test]
fn a_record_takes_fewer_bytes_than_its_json() {
    let (new, old) = (encode(&relation()).len(), encode_json(&relation()).len());
    assert!(new * 5 < old * 4, "{new} bytes, JSON {old}");
}

#[test]
fn a_field_the_record_does_not_have_is_refused() {
    #[derive(serde::Serialize)]
    struct Odd {
        id: &'static str,
        kind: &'static str,
        from: &'static str,
        to: &'static str,
        colour: &'static str,
    }
    let odd = Odd {
        id: "rel:a",
        kind: "attended",
        from: "person:a",
        to: "meeting:m",
        colour: "red",
    };
    let e = decode::<Relation>(&encode(&odd), "relations", "rel:a").unwrap_err();
    assert!(e.to_string().contains("colour"), "{e}");
}

#[test]
fn an_unknown_record_version_is_named() {
    let mut bytes = encode(&relation());
    bytes[0] = 9;
    let e = decode::<Relation>(&bytes, "relations", "rel:a").unwrap_err();
    assert_eq!(
        e.to_string(),
        "corrupt record in tree `relations` at key `rel:a`: unknown record version 9"
    );
}
