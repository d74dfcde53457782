//! Cluster mode's promises on one machine, without NATS: change sets from
//! the shared log are applied in order, each once, with the applied mark in
//! the same transaction; a write planned against a stale state is planned
//! again once the node has caught up.

use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;

use super::super::{Change, Mode, Record, Service};
use super::{PublishError, Replicator};
use crate::model::{ChangeSet, LogEntry, Node, NodeId};

fn person(id: &str, name: &str) -> Change {
    let mut n = Node::new(NodeId::parse(id).unwrap(), name);
    n.citations.push(crate::model::Citation {
        source: NodeId::parse("source:s").unwrap(),
        locator: None,
    });
    Change::Put(Mode::Upsert, Record::Node(n))
}

fn source() -> Change {
    Change::Put(
        Mode::Upsert,
        Record::Node(Node::new(NodeId::parse("source:s").unwrap(), "S")),
    )
}

/// Every change set `s` has logged, with its entries.
fn logged(s: &Service) -> Vec<(ChangeSet, Vec<LogEntry>)> {
    let last = s.store().last_seq().unwrap();
    (1..=last)
        .map(|n| {
            let set = s.store().change_set(n).unwrap().unwrap();
            (set, s.store().entries(n).unwrap())
        })
        .collect()
}

fn export(s: &Service) -> String {
    crate::import::export(&s.graph())
}

async fn joined(dir: &std::path::Path) -> Service {
    crate::store::Store::open(dir)
        .unwrap()
        .join_cluster()
        .unwrap();
    Service::open(dir).unwrap()
}

/// A node `a` that wrote one change set, and a cluster node `b` that
/// applied it.
async fn writer_and_follower_at_1(
    da: &std::path::Path,
    db: &std::path::Path,
) -> (Service, Service) {
    let a = Service::open(da).unwrap();
    a.write(vec![source()]).await.unwrap();
    let b = joined(db).await;
    let (set, entries) = logged(&a).remove(0);
    assert!(b.apply_replicated(&set, &entries).unwrap());
    assert!(b.wait_applied(1, std::time::Duration::from_secs(10)).await);
    (a, b)
}

#[tokio::test]
async fn change_sets_from_the_log_make_the_same_records_log_and_applied_mark() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Service::open(da.path()).unwrap();
    a.write(vec![source(), person("person:a", "A")])
        .await
        .unwrap();
    a.write(vec![person("person:a", "A2"), person("person:b", "B")])
        .await
        .unwrap();
    let b = joined(db.path()).await;
    for (set, entries) in logged(&a) {
        assert!(b.apply_replicated(&set, &entries).unwrap());
    }
    assert!(b.wait_applied(2, std::time::Duration::from_secs(10)).await);
    assert_eq!(export(&b), export(&a));
    assert_eq!(logged(&b), logged(&a));
    assert_eq!(b.cluster_applied().unwrap(), Some(2));
    assert!(b.store().verify().unwrap().is_empty());
}

#[tokio::test]
async fn a_change_set_applied_already_is_skipped() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Service::open(da.path()).unwrap();
    a.write(vec![source()]).await.unwrap();
    let b = joined(db.path()).await;
    let (set, entries) = logged(&a).remove(0);
    assert!(b.apply_replicated(&set, &entries).unwrap());
    assert!(!b.apply_replicated(&set, &entries).unwrap());
    assert_eq!(b.store().last_seq().unwrap(), 1);
    assert_eq!(b.cluster_applied().unwrap(), Some(1));
}

#[tokio::test]
async fn a_change_set_that_is_not_next_is_refused_and_nothing_is_written() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Service::open(da.path()).unwrap();
    a.write(vec![source()]).await.unwrap();
    a.write(vec![person("person:a", "A")]).await.unwrap();
    let b = joined(db.path()).await;
    let (set, entries) = logged(&a).remove(1);
    let err = b.apply_replicated(&set, &entries).unwrap_err();
    assert!(
        err.to_string().contains("change set 2 arrived after 0"),
        "{err}"
    );
    assert!(b.store().is_empty());
    assert_eq!(b.cluster_applied().unwrap(), Some(0));
}

/// A node left behind the trimmed log: its store is copied aside as it was,
/// replaced by a snapshot of another node, and it goes on applying the log
/// after the snapshot's change set.
#[tokio::test]
async fn a_node_replaced_by_a_snapshot_keeps_its_old_store_aside_and_applies_what_follows() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = writer_and_follower_at_1(da.path(), db.path()).await;
    let before = export(&b);
    a.write(vec![person("person:a", "A")]).await.unwrap();
    a.write(vec![person("person:b", "B")]).await.unwrap();
    let snapshot = a.store().load().unwrap();
    a.write(vec![person("person:a", "A2")]).await.unwrap();

    let aside = db.path().join("store.behind-1-0");
    b.store().copy_to(&aside).unwrap();
    b.replace_with_snapshot(snapshot, 3).unwrap();
    assert!(b.wait_applied(3, std::time::Duration::from_secs(10)).await);
    let (set, entries) = logged(&a).remove(3);
    assert!(b.apply_replicated(&set, &entries).unwrap());
    assert!(b.wait_applied(4, std::time::Duration::from_secs(10)).await);

    assert_eq!(export(&b), export(&a));
    assert_eq!(b.cluster_applied().unwrap(), Some(4));
    assert_eq!(b.store().compacted().unwrap(), 3);
    assert!(b.store().verify().unwrap().is_empty());
    let old = Service::open(&aside).unwrap();
    assert_eq!(export(&old), before);
    assert_eq!(old.cluster_applied().unwrap(), Some(1));
}

/// A subscriber on a node that recovers from a snapshot is not silently
/// skipped past the change sets the snapshot stands for: its feed is told
/// where to resume, as after compaction.
#[tokio::test]
async fn a_feed_on_a_node_replaced_by_a_snapshot_is_told_where_to_resume() {
    use futures_util::StreamExt;
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = writer_and_follower_at_1(da.path(), db.path()).await;
    let mut feed = Box::pin(b.feed(Some(1)));
    a.write(vec![person("person:a", "A")]).await.unwrap();
    a.write(vec![person("person:b", "B")]).await.unwrap();
    b.replace_with_snapshot(a.store().load().unwrap(), 3)
        .unwrap();
    let next = tokio::time::timeout(std::time::Duration::from_secs(10), feed.next())
        .await
        .expect("an item within 10 s")
        .expect("the feed goes on")
        .expect("no error");
    assert_eq!(
        next,
        super::super::FeedItem::Lagged {
            missed: 2,
            resume_after: 3
        }
    );
    assert!(feed.next().await.is_none(), "the feed ends after Lagged");
}

/// A log shared in memory: a publish appends only when the log ends where
/// the write was planned; a node's "applier" is run by hand.
#[derive(Default)]
struct Log {
    sets: Mutex<Vec<(ChangeSet, Vec<LogEntry>)>>,
    publishes: Mutex<usize>,
}

impl Log {
    /// Applies to `s` what the log has and it lacks.
    fn catch_up(&self, s: &Service) {
        let sets = self.sets.lock().unwrap().clone();
        for (set, entries) in sets {
            s.apply_replicated(&set, &entries).unwrap();
        }
    }
}

struct Node1 {
    log: Arc<Log>,
    me: Service,
}

impl Replicator for Node1 {
    fn publish(
        &self,
        expected_last: u64,
        set: ChangeSet,
        entries: Vec<LogEntry>,
    ) -> BoxFuture<'static, Result<u64, PublishError>> {
        *self.log.publishes.lock().unwrap() += 1;
        let appended = {
            let mut sets = self.log.sets.lock().unwrap();
            if sets.len() as u64 != expected_last {
                Err(sets.len() as u64)
            } else {
                sets.push((set, entries));
                Ok(sets.len() as u64)
            }
        };
        self.log.catch_up(&self.me);
        Box::pin(async move { appended.map_err(|last| PublishError::Moved(Some(last))) })
    }
}

#[tokio::test]
async fn a_write_planned_before_the_log_moved_is_planned_again_on_the_new_state() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let log = Arc::new(Log::default());
    let (a, b) = (joined(da.path()).await, joined(db.path()).await);
    for s in [&a, &b] {
        s.replicate_through(Arc::new(Node1 {
            log: log.clone(),
            me: s.clone(),
        }));
    }
    a.write(vec![source(), person("person:a", "A")])
        .await
        .unwrap();
    // b has not applied change set 1: its write is planned at 0, refused,
    // and planned again once b caught up.
    let t = Node::new(NodeId::parse("source:t").unwrap(), "T");
    let c = b
        .write(vec![Change::Put(Mode::Create, Record::Node(t))])
        .await
        .unwrap();
    assert_eq!(c.change_set, Some(2));
    assert_eq!(*log.publishes.lock().unwrap(), 3);
    log.catch_up(&a);
    assert!(a.wait_applied(2, std::time::Duration::from_secs(10)).await);
    assert_eq!(export(&a), export(&b));
    assert_eq!(b.store().change_set(2).unwrap().unwrap().records, 1);
}

#[tokio::test]
async fn a_replicated_write_is_acknowledged_only_once_this_node_applied_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = Arc::new(Log::default());
    let a = joined(dir.path()).await;
    a.replicate_through(Arc::new(Node1 {
        log: log.clone(),
        me: a.clone(),
    }));
    let c = a.write(vec![source()]).await.unwrap();
    assert_eq!(c.change_set, Some(1));
    assert_eq!(c.graph.log_seq(), 1);
    assert!(c.graph.node("source:s").is_some());
    assert_eq!(a.cluster_applied().unwrap(), Some(1));
}
