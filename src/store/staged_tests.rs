//! Staged writes ([`Store::stage`]): applied only by the next flush, all
//! of a group in one transaction, in the order they were made, also
//! around writes that do not wait for a flush.

use super::*;
use crate::model::{LogEntry, Version};
use crate::store::test_fixtures::{nid, set};

fn person(id: &str, name: &str) -> Node {
    Node::new(nid(id), name)
}

fn entry(before: Option<&Node>, after: Option<&Node>) -> LogEntry {
    let id = before.or(after).unwrap().id.as_str().to_owned();
    LogEntry {
        id,
        before: before.cloned().map(Version::Node),
        after: after.cloned().map(Version::Node),
    }
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    (dir, s)
}

#[test]
fn staged_writes_land_at_the_flush_in_order_with_their_log() {
    let (_d, s) = open();
    let (v1, v2) = (person("person:a", "First"), person("person:a", "Second"));
    let w1 = (set(1, 1), vec![entry(None, Some(&v1))]);
    let w2 = (set(2, 1), vec![entry(Some(&v1), Some(&v2))]);
    s.stage(vec![Op::PutNode(v1.clone())], vec![], Some(w1))
        .unwrap();
    s.stage(
        vec![Op::PutNode(v2.clone())],
        vec![("seeded", vec![1])],
        Some(w2),
    )
    .unwrap();
    assert_eq!(s.staged.len(), 2);
    // Nothing of either write is in the store before the flush.
    assert!(s.load().unwrap().nodes.is_empty());
    assert_eq!(s.last_seq().unwrap(), 0);
    assert_eq!(s.meta("seeded").unwrap(), None);
    s.flush().unwrap();
    assert_eq!(s.staged.len(), 0);
    // The later write wins, both change sets and their entries are there.
    assert_eq!(s.load().unwrap().nodes, vec![v2.clone()]);
    assert_eq!(s.last_seq().unwrap(), 2);
    assert_eq!(s.meta("seeded").unwrap(), Some(vec![1]));
    assert_eq!(
        s.history("person:a", u64::MAX, 2, 10).unwrap(),
        [(2, 0), (1, 0)]
    );
    let e = s.entries(2).unwrap();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].after, Some(Version::Node(v2)));
    assert_eq!(s.entries(1).unwrap()[0].before, None);
    assert!(s.verify().unwrap().is_empty(), "{:?}", s.verify());
}

#[test]
fn a_write_that_does_not_wait_for_the_flush_comes_after_what_is_staged() {
    let (_d, s) = open();
    let a = person("person:a", "A");
    s.stage(vec![Op::PutNode(a.clone())], vec![], None).unwrap();
    // Applied at once, so the staged put must go first: otherwise the
    // next flush would bring person:a back.
    s.apply(&[Op::DeleteNode(a.id.clone())], &[]).unwrap();
    assert_eq!(s.staged.len(), 0);
    s.flush().unwrap();
    assert!(s.load().unwrap().nodes.is_empty());
}

#[test]
fn a_group_never_passes_a_chunk_of_operations() {
    let (_d, s) = open();
    let many = |from: usize, n: usize| -> Vec<Op> {
        (from..from + n)
            .map(|i| Op::PutNode(person(&format!("person:p{i}"), "P")))
            .collect()
    };
    s.stage(many(0, journal::CHUNK_OPS - 10), vec![], None)
        .unwrap();
    assert_eq!(s.load().unwrap().nodes.len(), 0);
    // This one would take the group past a chunk: what was queued is
    // applied first, and this one waits for the flush.
    s.stage(many(journal::CHUNK_OPS, 20), vec![], None).unwrap();
    assert_eq!(s.load().unwrap().nodes.len(), journal::CHUNK_OPS - 10);
    assert_eq!(s.staged.len(), 1);
    // A write larger than a chunk is applied at once, after the queue.
    s.stage(
        many(2 * journal::CHUNK_OPS, journal::CHUNK_OPS + 1),
        vec![],
        None,
    )
    .unwrap();
    assert_eq!(s.staged.len(), 0);
    assert_eq!(
        s.load().unwrap().nodes.len(),
        journal::CHUNK_OPS - 10 + 20 + journal::CHUNK_OPS + 1
    );
}

#[test]
fn clones_of_a_store_share_its_staged_writes() {
    let (_d, s) = open();
    let other = s.clone();
    other
        .stage(vec![Op::PutNode(person("person:a", "A"))], vec![], None)
        .unwrap();
    s.flush().unwrap();
    assert_eq!(other.load().unwrap().nodes.len(), 1);
}

#[test]
fn a_group_that_fails_fails_every_later_flush_so_none_of_its_writers_is_acknowledged() {
    let (_d, s) = open();
    let a = person("person:a", "A");
    s.stage(vec![Op::PutNode(a)], vec![], Some((set(1, 1), vec![])))
        .unwrap();
    // A real sled failure inside the group's transaction: the tree its
    // change set goes to is gone.
    assert!(s.db.drop_tree("changesets").unwrap());
    assert!(s.flush().is_err(), "the group's own flush fails");
    // Its writers may wait on a later flush (a commit arriving meanwhile
    // starts one): that flush must not report their writes as durable.
    let err = s.flush().unwrap_err().to_string();
    assert!(err.contains("not applied"), "{err}");
    let b = person("person:b", "B");
    assert!(s.stage(vec![Op::PutNode(b)], vec![], None).is_err());
}
