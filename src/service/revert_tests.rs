//! Revert and merge at the service: what a merge moves and refuses, how
//! redirected ids are followed by later writes, and that the log (history,
//! `asOf`, `verify`) reads through a merge and its revert.

use super::*;
use crate::model::{Citation, RelKind, Version};

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

fn rel(id: &str, kind: RelKind, from: &str, to: &str) -> Change {
    Change::Put(
        Mode::Upsert,
        Record::Relation(Relation::new(
            RelId::parse(id).unwrap(),
            kind,
            nid(from),
            nid(to),
        )),
    )
}

fn merge(into: &str, from: &str) -> Change {
    Change::Merge {
        into: nid(into),
        from: nid(from),
    }
}

/// Two records of one man (`person:a`, `person:b`), each attending meeting m.
async fn two_of_one() -> (tempfile::TempDir, Service) {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(vec![
        put(node("source:s", "S")),
        put(node("person:a", "Berik Asylov")),
        put(node("person:b", "Berik Assylov")),
        put(node("meeting:m", "M")),
        rel("rel:a", RelKind::Attended, "person:a", "meeting:m"),
        rel("rel:b", RelKind::Attended, "person:b", "meeting:m"),
    ])
    .await
    .unwrap();
    (dir, s)
}

fn codes(e: ServiceError) -> Vec<(Code, String)> {
    match e {
        ServiceError::Rejected(p) => p.into_iter().map(|p| (p.code, p.record)).collect(),
        other => panic!("not refused: {other}"),
    }
}

#[tokio::test]
async fn a_merge_is_one_entry_per_record_and_the_log_reads_through_it() {
    let (_dir, s) = two_of_one().await;
    let m = s
        .merge(nid("person:a"), nid("person:b"), Author::local())
        .await
        .unwrap();
    assert_eq!(m.moved, ["rel:b"]);
    let g = s.graph();
    let entries = s.change_entries(&g, m.change_set).unwrap();
    let b: Vec<_> = entries.iter().filter(|e| e.id == "person:b").collect();
    assert_eq!(b.len(), 1, "{entries:?}");
    assert!(matches!(b[0].before, Some(Version::Node(_))));
    assert!(matches!(b[0].after, Some(Version::Redirect { .. })));
    let was = s.as_of(&g, "person:b", 1).unwrap();
    assert!(matches!(was, Some(Version::Node(n)) if n.name == "Berik Assylov"));
    assert!(s.store().verify().unwrap().is_empty());
    let survivor = g.node("person:a").unwrap();
    assert!(survivor.aliases.iter().any(|a| a.text == "Berik Assylov"));
}

#[tokio::test]
async fn a_reverted_merge_can_itself_be_reverted() {
    let (_dir, s) = two_of_one().await;
    let m = s
        .merge(nid("person:a"), nid("person:b"), Author::local())
        .await
        .unwrap();
    let merged = s.graph();
    let r = s
        .revert(m.change_set, false, Author::local())
        .await
        .unwrap();
    assert!(r.committed.graph.node("person:b").is_some());
    assert!(s.store().verify().unwrap().is_empty());
    let again = s
        .revert(r.change_set, false, Author::local())
        .await
        .unwrap();
    let g = again.committed.graph;
    assert!(g.node("person:b").is_none());
    assert_eq!(g.redirect("person:b").map(|i| i.as_str()), Some("person:a"));
    assert_eq!(g.node("person:a"), merged.node("person:a"));
    assert!(s.store().verify().unwrap().is_empty());
}

#[tokio::test]
async fn a_relation_joining_the_two_refuses_the_merge() {
    let (_dir, s) = two_of_one().await;
    s.write(vec![
        put(node("meeting:n", "M, day two")),
        rel("rel:sub", RelKind::SubEventOf, "meeting:n", "meeting:m"),
    ])
    .await
    .unwrap();
    let e = s
        .merge(nid("meeting:m"), nid("meeting:n"), Author::local())
        .await
        .err()
        .unwrap();
    assert_eq!(codes(e), [(Code::InvalidInput, "rel:sub".to_owned())]);
}

#[tokio::test]
async fn later_writes_naming_a_merged_id_apply_to_the_survivor() {
    let (_dir, s) = two_of_one().await;
    s.write(vec![merge("person:a", "person:b")]).await.unwrap();
    let patch = NodePatch {
        description: crate::model::Edit::Set("Prosecutor General".into()),
        ..Default::default()
    };
    s.write(vec![
        Change::PatchNode {
            id: nid("person:b"),
            patch,
        },
        rel("rel:c", RelKind::Chaired, "person:b", "meeting:m"),
    ])
    .await
    .unwrap();
    let g = s.graph();
    let a = g.node("person:a").unwrap();
    assert_eq!(a.description.as_deref(), Some("Prosecutor General"));
    assert_eq!(g.relation("rel:c").unwrap().from.as_str(), "person:a");
    assert!(g.node("person:b").is_none());
}

#[tokio::test]
async fn creating_or_deleting_under_a_merged_id_is_refused() {
    let (_dir, s) = two_of_one().await;
    s.write(vec![merge("person:a", "person:b")]).await.unwrap();
    let create = Change::Put(Mode::Create, Record::Node(node("person:b", "B")));
    let e = s.write(vec![create]).await.err().unwrap();
    assert_eq!(codes(e), [(Code::Conflict, "person:b".to_owned())]);
    let delete = Change::DeleteNode {
        id: nid("person:b"),
        cascade: true,
    };
    let e = s.write(vec![delete]).await.err().unwrap();
    assert_eq!(codes(e), [(Code::Conflict, "person:b".to_owned())]);
}

#[tokio::test]
async fn merging_into_a_merged_id_follows_its_redirect() {
    let (_dir, s) = two_of_one().await;
    s.write(vec![put(node("person:c", "Berik Asylov"))])
        .await
        .unwrap();
    s.write(vec![merge("person:a", "person:b")]).await.unwrap();
    let m = s
        .merge(nid("person:b"), nid("person:c"), Author::local())
        .await
        .unwrap();
    assert_eq!(m.into.as_str(), "person:a");
    let g = s.graph();
    assert_eq!(g.redirect("person:c").map(|i| i.as_str()), Some("person:a"));
    assert!(s.store().verify().unwrap().is_empty());
}

#[tokio::test]
async fn a_revert_putting_back_a_relation_whose_end_is_gone_is_refused() {
    let (_dir, s) = two_of_one().await;
    s.write(vec![Change::DeleteRelation {
        id: RelId::parse("rel:b").unwrap(),
        cascade: false,
    }])
    .await
    .unwrap();
    s.write(vec![Change::DeleteNode {
        id: nid("person:b"),
        cascade: false,
    }])
    .await
    .unwrap();
    let e = s.revert(2, false, Author::local()).await.err().unwrap();
    assert_eq!(codes(e), [(Code::Integrity, "rel:b".to_owned())]);
}
