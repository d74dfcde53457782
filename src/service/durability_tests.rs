//! Who flushes: the committer flushes a lone write on its own thread; a
//! flush running past the flush timeout fails whoever waits on it.

use super::*;

fn started() -> (tempfile::TempDir, Durability) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, Durability::start(store, Arc::new(Graph::default())))
}

fn snapshot(log_seq: u64) -> Arc<Graph> {
    let mut g = Graph::default();
    g.set_log_seq(log_seq);
    Arc::new(g)
}

// A current-thread runtime: the flusher task cannot run until the test
// awaits, so whatever is flushed before that was flushed here.
#[tokio::test]
async fn a_flush_here_makes_the_latest_commit_durable_and_published_without_the_flusher() {
    let (_d, d) = started();
    d.committed(1, snapshot(7));
    d.flush_here();
    assert_eq!(d.flushes(), 1);
    assert_eq!(d.published().log_seq(), 7);
    assert_eq!(*d.log_seq().borrow(), 7);
    // Already through: the wait returns without the flusher.
    assert!(futures_util::FutureExt::now_or_never(d.wait(1)).is_some());
}

#[tokio::test]
async fn a_flush_here_with_every_commit_on_disk_flushes_nothing() {
    let (_d, d) = started();
    d.committed(1, snapshot(1));
    d.flush_here();
    d.flush_here();
    assert_eq!(d.flushes(), 1);
}

#[tokio::test]
async fn a_flush_here_while_another_flush_runs_leaves_the_commit_to_the_flusher() {
    let (_d, d) = started();
    d.shared.flushing.store(true, Ordering::Release);
    d.committed(1, snapshot(1));
    d.flush_here();
    assert_eq!(d.flushes(), 0);
    d.shared.flushing.store(false, Ordering::Release);
    d.wait(1).await.unwrap();
    assert_eq!(d.flushes(), 1);
}

#[tokio::test]
async fn a_write_waiting_on_a_flush_stuck_past_the_timeout_fails_and_the_store_turns_read_only() {
    let (_d, d) = started();
    d.set_timeout(Duration::from_millis(20));
    // A flush that began long ago and never ends.
    d.shared.flushing.store(true, Ordering::Release);
    d.shared.flush_began.store(1, Ordering::Release);
    tokio::time::sleep(Duration::from_millis(30)).await;
    d.committed(1, snapshot(1));
    let err = d.wait(1).await.unwrap_err();
    assert!(matches!(err, ServiceError::ReadOnly(ref r) if r.contains("did not finish")));
    assert!(d.failed().is_some());
}
