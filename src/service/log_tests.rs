//! The change log's promises: every committed write is one numbered change
//! set with its author, written with its records; reads see only what the
//! reader's snapshot includes.

use super::*;
use crate::model::{Citation, LogEntry, RelKind, Version};

fn nid(s: &str) -> NodeId {
    NodeId::parse(s).unwrap()
}

fn node(id: &str, name: &str) -> Node {
    let mut n = Node::new(nid(id), name);
    if !id.starts_with("source:") {
        n.citations.push(Citation {
            source: nid("source:s"),
            locator: None,
        });
    }
    n
}

fn put(n: Node) -> Change {
    Change::Put(Mode::Upsert, Record::Node(n))
}

fn base() -> Vec<Change> {
    vec![
        put(node("source:s", "S")),
        put(node("person:a", "A")),
        put(node("meeting:m", "M")),
        Change::Put(
            Mode::Upsert,
            Record::Relation(Relation::new(
                RelId::parse("rel:1").unwrap(),
                RelKind::Chaired,
                nid("person:a"),
                nid("meeting:m"),
            )),
        ),
    ]
}

fn name_in(v: Option<Version>) -> Option<String> {
    match v {
        Some(Version::Node(n)) => Some(n.name),
        None => None,
        other => panic!("not a node: {other:?}"),
    }
}

#[tokio::test]
async fn every_write_is_a_numbered_change_set_naming_its_author() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    let c = s
        .write_by(
            Author::new("ana").comment(Some("first report".into())),
            base(),
        )
        .await
        .unwrap();
    assert_eq!(c.change_set, Some(1));
    let c = s
        .write_by(Author::new("bo"), vec![put(node("person:a", "A2"))])
        .await
        .unwrap();
    assert_eq!(c.change_set, Some(2));
    let g = s.graph();
    assert_eq!(g.log_seq(), 2);
    let one = s.change_set(&g, 1).unwrap().unwrap();
    assert_eq!(
        (one.actor.as_str(), one.comment.as_deref(), one.records),
        ("ana", Some("first report"), 4)
    );
    let two = s.change_set(&g, 2).unwrap().unwrap();
    assert_eq!((two.actor.as_str(), two.records), ("bo", 1));
    assert!(two.time_ms >= one.time_ms);
    let entries = s.change_entries(&g, 2).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(name_in(entries[0].before.clone()).as_deref(), Some("A"));
    assert_eq!(name_in(entries[0].after.clone()).as_deref(), Some("A2"));
}

#[tokio::test]
async fn a_write_that_changes_nothing_is_no_change_set() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    let again = s.write(base()).await.unwrap();
    assert_eq!(again.change_set, None);
    assert_eq!(s.graph().log_seq(), 1);
}

#[tokio::test]
async fn a_refused_write_leaves_no_change_set() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    let dangling = Change::Put(
        Mode::Upsert,
        Record::Relation(Relation::new(
            RelId::parse("rel:2").unwrap(),
            RelKind::Attended,
            nid("person:nobody"),
            nid("meeting:m"),
        )),
    );
    assert!(s.write(vec![dangling]).await.is_err());
    assert_eq!(s.store().last_seq().unwrap(), 1);
}

#[tokio::test]
async fn history_lists_a_records_versions_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    s.write(vec![put(node("person:a", "A2"))]).await.unwrap();
    s.write(vec![Change::DeleteNode {
        id: nid("person:a"),
        cascade: true,
    }])
    .await
    .unwrap();
    let g = s.graph();
    let h = s.history(&g, "person:a", u64::MAX, 10).unwrap();
    let seqs: Vec<u64> = h.iter().map(|r| r.set.seq).collect();
    assert_eq!(seqs, vec![3, 2, 1]);
    assert_eq!(h[0].entry.after, None, "the last version is the delete");
    // The cascade took the relation in the same change set.
    let rel = s.history(&g, "rel:1", u64::MAX, 10).unwrap();
    assert_eq!(rel[0].set.seq, 3);
    // Paged: the versions before change set 3.
    let older = s.history(&g, "person:a", 3, 1).unwrap();
    assert_eq!(older[0].set.seq, 2);
}

#[tokio::test]
async fn as_of_answers_a_record_as_it_was_after_any_change_set() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    s.write(vec![put(node("person:a", "A2"))]).await.unwrap();
    s.write(vec![put(node("person:b", "B"))]).await.unwrap();
    let g = s.graph();
    assert_eq!(name_in(s.as_of(&g, "person:a", 0).unwrap()), None);
    assert_eq!(name_in(s.as_of(&g, "person:a", 1).unwrap()).unwrap(), "A");
    assert_eq!(name_in(s.as_of(&g, "person:a", 2).unwrap()).unwrap(), "A2");
    assert_eq!(name_in(s.as_of(&g, "person:a", 3).unwrap()).unwrap(), "A2");
    assert_eq!(name_in(s.as_of(&g, "person:b", 2).unwrap()), None);
}

#[tokio::test]
async fn a_reader_sees_no_change_set_its_snapshot_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    let old = s.graph();
    s.write(vec![put(node("person:a", "A2"))]).await.unwrap();
    assert!(s.change_set(&old, 2).unwrap().is_none());
    assert_eq!(s.history(&old, "person:a", u64::MAX, 10).unwrap().len(), 1);
    assert_eq!(
        name_in(s.as_of(&old, "person:a", 5).unwrap()).unwrap(),
        "A",
        "as of a later number, the reader's own snapshot answers"
    );
}

#[tokio::test]
async fn the_log_survives_reopening_and_numbers_go_on() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = Service::open(dir.path()).unwrap();
        s.write(base()).await.unwrap();
        s.close().await.unwrap();
    }
    let s = Service::open(dir.path()).unwrap();
    assert_eq!(s.graph().log_seq(), 1);
    let c = s.write(vec![put(node("person:a", "A2"))]).await.unwrap();
    assert_eq!(c.change_set, Some(2));
    assert!(s.store().verify().unwrap().is_empty());
}

#[tokio::test]
async fn seq_at_finds_the_last_change_set_at_or_before_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    s.write(vec![put(node("person:a", "A2"))]).await.unwrap();
    let g = s.graph();
    let t1 = s.change_set(&g, 1).unwrap().unwrap().time_ms;
    let t2 = s.change_set(&g, 2).unwrap().unwrap().time_ms;
    assert!(t2 > t1);
    assert_eq!(s.seq_at(&g, t1 - 1).unwrap(), 0);
    assert_eq!(s.seq_at(&g, t1).unwrap(), 1);
    assert_eq!(s.seq_at(&g, t2 - 1).unwrap(), 1);
    assert_eq!(s.seq_at(&g, t2 + 1000).unwrap(), 2);
}

#[tokio::test]
async fn compaction_drops_old_change_sets_and_keeps_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    s.write(vec![put(node("person:a", "A2"))]).await.unwrap();
    let before = s.store().load().unwrap();
    assert_eq!(s.store().compact(1).unwrap(), 1);
    let g = s.graph();
    assert!(s.change_set(&g, 1).unwrap().is_none());
    assert_eq!(s.history(&g, "person:a", u64::MAX, 10).unwrap().len(), 1);
    assert!(matches!(
        s.as_of(&g, "person:a", 0),
        Err(ServiceError::Store(StoreError::Compacted { .. }))
    ));
    assert_eq!(
        format!("{:?}", s.store().load().unwrap().nodes),
        format!("{:?}", before.nodes)
    );
    assert!(s.store().verify().unwrap().is_empty());
    // Numbering goes on after compaction, even of everything.
    s.store().compact(2).unwrap();
    let c = s.write(vec![put(node("person:a", "A3"))]).await.unwrap();
    assert_eq!(c.change_set, Some(3));
}

#[tokio::test]
async fn a_large_write_is_one_change_set_with_an_entry_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    let many: Vec<Change> = (0..5000)
        .map(|i| put(node(&format!("person:p{i}"), "P")))
        .collect();
    let c = s.write(many).await.unwrap();
    let g = s.graph();
    let set = s.change_set(&g, c.change_set.unwrap()).unwrap().unwrap();
    assert_eq!(set.records, 5000);
    let entries: Vec<LogEntry> = s.change_entries(&g, set.seq).unwrap();
    assert_eq!(entries.len(), 5000);
    assert!(s.store().verify().unwrap().is_empty());
}

#[tokio::test]
async fn verify_finds_a_record_the_log_does_not_explain() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    // A logged update: the latest entry holds the version in full (a
    // creation's entry refers to the stored record, so cannot disagree).
    s.write(vec![put(node("person:a", "renamed"))])
        .await
        .unwrap();
    // Behind the log's back, as a bug would.
    s.store()
        .apply(
            &[crate::store::Op::PutNode(node("person:a", "changed"))],
            &[],
        )
        .unwrap();
    let problems = s.store().verify().unwrap();
    assert!(
        problems.iter().any(|p| p.contains("person:a")),
        "{problems:?}"
    );
}

/// What `verify` finds after the base write and then `op` applied behind
/// the log's back (as a bug would), person:a having only been created.
async fn problems_after_a_creation_then(op: crate::store::Op) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    s.store().apply(&[op], &[]).unwrap();
    s.store().verify().unwrap()
}

#[tokio::test]
async fn verify_finds_a_record_changed_behind_the_log_whose_only_entry_is_its_creation() {
    let problems =
        problems_after_a_creation_then(crate::store::Op::PutNode(node("person:a", "changed")))
            .await;
    assert!(
        problems
            .iter()
            .any(|p| p.contains("person:a") && p.contains("creation")),
        "{problems:?}"
    );
}

#[tokio::test]
async fn verify_finds_a_record_deleted_behind_the_log_whose_only_entry_is_its_creation() {
    let problems =
        problems_after_a_creation_then(crate::store::Op::DeleteNode(nid("person:a"))).await;
    assert!(
        problems.iter().any(|p| p.contains("person:a")),
        "{problems:?}"
    );
}
