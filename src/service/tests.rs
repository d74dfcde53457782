//! The write path's promises: all or nothing, integrity, durability, idempotence.

use super::*;
use crate::model::{Citation, RelKind};

fn nid(s: &str) -> NodeId {
    NodeId::parse(s).unwrap()
}

fn node(id: &str) -> Node {
    let mut n = Node::new(nid(id), id);
    if !id.starts_with("source:") {
        n.citations.push(Citation {
            source: nid("source:s"),
            locator: None,
        });
    }
    n
}

fn rel(id: &str, kind: RelKind, from: &str, to: &str) -> Relation {
    Relation::new(RelId::parse(id).unwrap(), kind, nid(from), nid(to))
}

fn put(n: Node) -> Change {
    Change::Put(Mode::Upsert, Record::Node(n))
}

fn base() -> Vec<Change> {
    vec![
        put(node("source:s")),
        put(node("person:a")),
        put(node("meeting:m")),
        Change::Put(
            Mode::Upsert,
            Record::Relation(rel("rel:1", RelKind::Chaired, "person:a", "meeting:m")),
        ),
    ]
}

#[tokio::test]
async fn a_write_survives_reopening_the_store() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = Service::open(dir.path()).unwrap();
        s.write(base()).await.unwrap();
        s.close().await.unwrap();
    }
    let s = Service::open(dir.path()).unwrap();
    assert!(s.graph().relation("rel:1").is_some());
}

#[tokio::test]
async fn a_refused_write_changes_nothing_and_names_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    let before = s.store().load().unwrap();
    let err = s
        .write(vec![
            put(node("person:b")),
            Change::Put(
                Mode::Upsert,
                Record::Relation(rel("rel:2", RelKind::Chaired, "person:b", "meeting:nope")),
            ),
            Change::Put(Mode::Create, Record::Node(node("person:a"))),
        ])
        .await
        .err()
        .unwrap();
    let ServiceError::Rejected(problems) = err else {
        panic!("{err}")
    };
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(
        (problems[0].code, problems[0].change),
        (Code::Integrity, Some(1))
    );
    assert_eq!(
        (problems[1].code, problems[1].change),
        (Code::Conflict, Some(2))
    );
    assert!(s.graph().node("person:b").is_none());
    let after = s.store().load().unwrap();
    assert_eq!(before.nodes, after.nodes);
    assert_eq!(before.relations, after.relations);
}

#[tokio::test]
async fn deleting_a_linked_node_needs_cascade() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    let del = |cascade| Change::DeleteNode {
        id: nid("person:a"),
        cascade,
    };
    let err = s.write(vec![del(false)]).await.err().unwrap();
    assert!(matches!(&err, ServiceError::Rejected(p) if p[0].code == Code::Integrity));
    let c = s.write(vec![del(true)]).await.unwrap();
    assert_eq!(c.events.len(), 2);
    assert!(s.graph().relation("rel:1").is_none());
    assert!(s.store().verify().unwrap().is_empty());
}

#[tokio::test]
async fn a_cited_source_cannot_be_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    let err = s
        .write(vec![Change::DeleteNode {
            id: nid("source:s"),
            cascade: true,
        }])
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("is cited by"), "{err}");
}

#[tokio::test]
async fn writing_the_same_records_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    assert_eq!(s.write(base()).await.unwrap().events.len(), 4);
    assert!(s.write(base()).await.unwrap().events.is_empty());
}

/// A source, then `n` people written by `n` concurrent tasks, all acknowledged.
async fn write_concurrently(s: &Service, n: usize) {
    s.write(vec![put(node("source:s"))]).await.unwrap();
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move { s.write(vec![put(node(&format!("person:p{i}")))]).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn concurrent_writers_all_land() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    write_concurrently(&s, 32).await;
    assert_eq!(s.durability_counts().0, 33);
    s.close().await.unwrap();
    drop(s);
    let s = Service::open(dir.path()).unwrap();
    assert_eq!(s.graph().node_count(), 33);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_share_flushes() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    write_concurrently(&s, 200).await;
    let (commits, flushes) = s.durability_counts();
    assert_eq!(commits, 201);
    assert!(
        flushes < commits,
        "{flushes} flushes for {commits} commits: none shared"
    );
}
