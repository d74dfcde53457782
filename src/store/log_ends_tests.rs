//! The log's lost-end index: a node finds every relation it lost (deleted,
//! or its end moved by a merge), and only those; `verify` finds a missing
//! end key; a store whose log was written without the index, or indexed a
//! key per end of every relation entry, is reindexed when opened.

use super::*;
use crate::model::{ChangeSet, LogEntry, RelKind, Version};
use crate::store::test_fixtures::{nid, set};

fn rel(id: &str, from: &str, to: &str) -> Relation {
    Relation::new(
        RelId::parse(id).unwrap(),
        RelKind::Attended,
        nid(from),
        nid(to),
    )
}

/// Change set 1 creates person:a, meeting:m and rel:1 between them; 2
/// deletes rel:1.
fn logged() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    let (a, m) = (
        Node::new(nid("person:a"), "A"),
        Node::new(nid("meeting:m"), "M"),
    );
    let r = rel("rel:1", "person:a", "meeting:m");
    let entry = |id: &str, before: Option<Version>, after: Option<Version>| LogEntry {
        id: id.into(),
        before,
        after,
    };
    let one = [
        entry("person:a", None, Some(Version::Node(a.clone()))),
        entry("meeting:m", None, Some(Version::Node(m.clone()))),
        entry("rel:1", None, Some(Version::Relation(r.clone()))),
    ];
    let ops = [Op::PutNode(a), Op::PutNode(m), Op::PutRelation(r.clone())];
    let write = |ops: &[Op], set: &ChangeSet, entries: &[LogEntry]| {
        s.apply_logged(ops, &[], Some(LogWrite { set, entries }))
            .unwrap()
    };
    write(&ops, &set(1, 3), &one);
    let two = [entry("rel:1", Some(Version::Relation(r)), None)];
    write(
        &[Op::DeleteRelation(RelId::parse("rel:1").unwrap())],
        &set(2, 1),
        &two,
    );
    (dir, s)
}

#[test]
fn a_node_finds_the_relations_it_had_even_once_deleted() {
    let (_d, s) = logged();
    assert_eq!(s.relations_touching("person:a", 2).unwrap(), ["rel:1"]);
    assert_eq!(s.relations_touching("meeting:m", 2).unwrap(), ["rel:1"]);
    assert!(s.relations_touching("person:b", 2).unwrap().is_empty());
    assert!(s.verify().unwrap().is_empty(), "{:?}", s.verify());
}

#[test]
fn a_relation_end_missing_from_the_index_is_a_problem_verify_reports() {
    let (_d, s) = logged();
    let key = ends_key_for_test("meeting:m", 2, 0);
    s.history.remove(key).unwrap();
    let problems = s.verify().unwrap();
    assert!(
        problems.iter().any(|p| p.contains("meeting:m")),
        "{problems:?}"
    );
}

#[test]
fn a_log_written_without_the_end_index_gains_it_when_opened() {
    let (d, s) = logged();
    for k in s.history.scan_prefix([1u8]).keys() {
        s.history.remove(k.unwrap()).unwrap();
    }
    s.meta.remove("log_ends").unwrap();
    s.db.flush().unwrap();
    drop(s);
    let s = Store::open(d.path()).unwrap();
    assert_eq!(s.relations_touching("person:a", 2).unwrap(), ["rel:1"]);
    assert!(s.verify().unwrap().is_empty());
}

fn end_keys(s: &Store) -> Vec<Vec<u8>> {
    s.history
        .scan_prefix([1u8])
        .keys()
        .map(|k| k.unwrap().to_vec())
        .collect()
}

#[test]
fn creating_a_relation_indexes_none_of_its_ends() {
    let (_d, s) = logged();
    // Only change set 2, the delete, indexed its ends.
    assert_eq!(
        end_keys(&s),
        [
            ends_key_for_test("meeting:m", 2, 0),
            ends_key_for_test("person:a", 2, 0)
        ]
    );
}

#[test]
fn a_merge_moving_a_relation_end_indexes_the_end_it_lost_only() {
    let (_d, s) = logged();
    let (b, r2) = (
        Node::new(nid("person:b"), "B"),
        rel("rel:2", "person:a", "meeting:m"),
    );
    let moved = rel("rel:2", "person:b", "meeting:m");
    let e = |before, after| LogEntry {
        id: "rel:2".into(),
        before,
        after,
    };
    let put = |ops: &[Op], seq: u64, entries: &[LogEntry]| {
        let set = set(seq, entries.len() as u64);
        s.apply_logged(ops, &[], Some(LogWrite { set: &set, entries }))
            .unwrap()
    };
    put(
        &[Op::PutRelation(r2.clone())],
        3,
        &[e(None, Some(Version::Relation(r2.clone())))],
    );
    let b_entry = LogEntry {
        id: "person:b".into(),
        before: None,
        after: Some(Version::Node(b.clone())),
    };
    put(
        &[Op::PutNode(b), Op::PutRelation(moved.clone())],
        4,
        &[
            b_entry,
            e(Some(Version::Relation(r2)), Some(Version::Relation(moved))),
        ],
    );
    assert_eq!(
        s.relations_touching("person:a", 4).unwrap(),
        ["rel:1", "rel:2"]
    );
    assert_eq!(s.relations_touching("person:a", 3).unwrap(), ["rel:1"]);
    assert_eq!(s.relations_touching("meeting:m", 4).unwrap(), ["rel:1"]);
    assert!(s.relations_touching("person:b", 4).unwrap().is_empty());
    assert!(s.verify().unwrap().is_empty(), "{:?}", s.verify());
}

#[test]
fn a_store_indexing_every_end_keeps_only_the_lost_ones_once_reopened() {
    let (d, s) = logged();
    // The earlier index also had the creation's ends (change set 1, entry 2).
    s.history
        .insert(ends_key_for_test("person:a", 1, 2), "rel:1")
        .unwrap();
    s.history
        .insert(ends_key_for_test("meeting:m", 1, 2), "rel:1")
        .unwrap();
    s.meta.insert("log_ends", &[1u8]).unwrap();
    assert!(!s.verify().unwrap().is_empty());
    s.db.flush().unwrap();
    drop(s);
    let s = Store::open(d.path()).unwrap();
    assert_eq!(end_keys(&s).len(), 2);
    assert_eq!(s.relations_touching("person:a", 2).unwrap(), ["rel:1"]);
    assert!(s.verify().unwrap().is_empty(), "{:?}", s.verify());
}

fn ends_key_for_test(node: &str, seq: u64, idx: u32) -> Vec<u8> {
    let mut k = vec![1u8];
    k.extend_from_slice(node.as_bytes());
    k.push(0);
    k.extend_from_slice(&seq.to_be_bytes());
    k.extend_from_slice(&idx.to_be_bytes());
    k
}
