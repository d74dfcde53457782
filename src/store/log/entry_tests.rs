//! Creation entries stored as references: they read back as the version
//! created, whatever happened to the record later, and hold no copy of it.

use super::*;
use crate::model::{Node, RelId, RelKind, Relation};
use crate::store::log::log_key;
use crate::store::test_fixtures::{nid, set};
use crate::store::{LogWrite, Op};

fn entry(id: &str, before: Option<Version>, after: Option<Version>) -> LogEntry {
    LogEntry {
        id: id.into(),
        before,
        after,
    }
}

fn write(s: &Store, seq: u64, ops: &[Op], entries: &[LogEntry]) {
    let set = set(seq, entries.len() as u64);
    s.apply_logged(ops, &[], Some(LogWrite { set: &set, entries }))
        .unwrap();
}

/// Change set 1 creates person:a and rel:1; 2 renames person:a; 3 deletes rel:1.
fn store() -> (tempfile::TempDir, Store, Node, Relation) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    let a = Node::new(nid("person:a"), "A");
    let m = Node::new(nid("meeting:m"), "M");
    let r = Relation::new(
        RelId::parse("rel:1").unwrap(),
        RelKind::Attended,
        nid("person:a"),
        nid("meeting:m"),
    );
    write(
        &s,
        1,
        &[
            Op::PutNode(a.clone()),
            Op::PutNode(m.clone()),
            Op::PutRelation(r.clone()),
        ],
        &[
            entry("person:a", None, Some(Version::Node(a.clone()))),
            entry("meeting:m", None, Some(Version::Node(m))),
            entry("rel:1", None, Some(Version::Relation(r.clone()))),
        ],
    );
    let renamed = Node::new(nid("person:a"), "A2");
    write(
        &s,
        2,
        &[Op::PutNode(renamed.clone())],
        &[entry(
            "person:a",
            Some(Version::Node(a.clone())),
            Some(Version::Node(renamed)),
        )],
    );
    write(
        &s,
        3,
        &[Op::DeleteRelation(r.id.clone())],
        &[entry("rel:1", Some(Version::Relation(r.clone())), None)],
    );
    (dir, s, a, r)
}

#[test]
fn a_creation_entry_holds_no_copy_of_the_record() {
    let (_d, s, a, _) = store();
    let raw = s.log.get(log_key(1, 0)).unwrap().unwrap();
    assert!(matches!(
        decode(&raw, "1/0").unwrap(),
        Entry::Created {
            sort: Sort::Node,
            ..
        }
    ));
    let full = crate::store::codec::encode(&entry("person:a", None, Some(Version::Node(a))));
    assert!(raw.len() < full.len());
}

#[test]
fn a_creation_reads_back_as_created_after_the_record_changed() {
    let (_d, s, a, _) = store();
    let e = s.entry(1, 0).unwrap().unwrap();
    assert_eq!(e.after, Some(Version::Node(a)));
    assert_eq!(e.before, None);
}

#[test]
fn a_creation_reads_back_as_created_after_the_record_was_deleted() {
    let (_d, s, _, r) = store();
    assert_eq!(s.entries(1).unwrap()[2].after, Some(Version::Relation(r)));
}

#[test]
fn a_creation_of_a_record_unchanged_since_reads_back_as_the_stored_record() {
    let (_d, s, _, _) = store();
    let m = s.entry(1, 1).unwrap().unwrap();
    assert_eq!(
        m.after,
        Some(Version::Node(Node::new(nid("meeting:m"), "M")))
    );
    assert!(s.verify().unwrap().is_empty());
}

#[test]
fn a_deleted_relation_is_found_by_its_ends_without_its_creation_naming_them() {
    let (_d, s, _, _) = store();
    assert_eq!(s.relations_touching("meeting:m", 3).unwrap(), vec!["rel:1"]);
    let raw = s.log.get(log_key(1, 2)).unwrap().unwrap();
    assert!(decode(&raw, "1/2").unwrap().relation_ends_left().is_empty());
    assert!(!String::from_utf8_lossy(&raw).contains("ends"));
}

/// Whether every creation entry of change set `seq` (of `n` entries) says
/// its record is stored as created, by the CRC it kept.
fn all_stored_as_created(s: &Store, seq: u64, n: u32) -> bool {
    (0..n).all(|i| {
        let raw = s.log.get(log_key(seq, i)).unwrap().unwrap();
        s.stored_as_created(&raw, "t").unwrap() == Some(true)
    })
}

#[test]
fn a_chunked_write_keeps_each_creation_the_crc_of_the_bytes_it_stored() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    let n = crate::store::journal::CHUNK_OPS + 10;
    let nodes: Vec<Node> = (0..n)
        .map(|i| Node::new(nid(&format!("person:p{i}")), format!("P {i}")))
        .collect();
    let ops: Vec<Op> = nodes.iter().cloned().map(Op::PutNode).collect();
    let entries: Vec<LogEntry> = nodes
        .into_iter()
        .map(|p| entry(&p.id.to_string(), None, Some(Version::Node(p))))
        .collect();
    write(&s, 1, &ops, &entries);
    assert!(all_stored_as_created(&s, 1, n as u32));
    assert!(s.verify().unwrap().is_empty());
}

#[test]
fn a_creation_written_beside_the_put_of_another_record_keeps_its_own_crc() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    let (a, b) = (
        Node::new(nid("person:a"), "A"),
        Node::new(nid("person:b"), "Bee"),
    );
    // Entry n goes with op n; here each entry's record is the other op's.
    write(
        &s,
        1,
        &[Op::PutNode(b.clone()), Op::PutNode(a.clone())],
        &[
            entry("person:a", None, Some(Version::Node(a))),
            entry("person:b", None, Some(Version::Node(b))),
        ],
    );
    assert!(all_stored_as_created(&s, 1, 2));
    assert!(s.verify().unwrap().is_empty());
}
