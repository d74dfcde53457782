//! The feed's promises: every entry after the cursor, in order, then live
//! ones; a cursor behind compaction is told so, never skipped.

use futures_util::StreamExt;

use super::*;
use crate::model::{Node, NodeId};
use crate::service::{Change, Mode, Record};

fn person(n: usize) -> Vec<Change> {
    let id = NodeId::parse(&format!("source:s{n}")).unwrap();
    vec![Change::Put(Mode::Create, Record::Node(Node::new(id, "S")))]
}

async fn item(feed: &mut (impl Stream<Item = Result<FeedItem, ServiceError>> + Unpin)) -> FeedItem {
    tokio::time::timeout(std::time::Duration::from_secs(10), feed.next())
        .await
        .expect("an item within 10 s")
        .expect("the feed goes on")
        .expect("no error")
}

fn seq_of(i: &FeedItem) -> u64 {
    match i {
        FeedItem::Entry { seq, .. } => *seq,
        other => panic!("not an entry: {other:?}"),
    }
}

#[tokio::test]
async fn a_feed_replays_the_log_after_its_cursor_then_goes_live() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    for n in 0..3 {
        s.write(person(n)).await.unwrap();
    }
    let mut feed = Box::pin(s.feed(Some(1)));
    assert_eq!(seq_of(&item(&mut feed).await), 2);
    assert_eq!(seq_of(&item(&mut feed).await), 3);
    s.write(person(3)).await.unwrap();
    assert_eq!(seq_of(&item(&mut feed).await), 4);
}

#[tokio::test]
async fn a_feed_without_a_cursor_starts_at_the_latest_published_change_set() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(person(0)).await.unwrap();
    let mut feed = Box::pin(s.feed(None));
    s.write(person(1)).await.unwrap();
    assert_eq!(seq_of(&item(&mut feed).await), 2);
}

#[tokio::test]
async fn a_feed_whose_next_change_set_was_compacted_mid_way_is_told_where_to_resume() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    let sets = BATCH as u64 + 40;
    for n in 0..sets as usize {
        s.write(person(n)).await.unwrap();
    }
    let mut feed = Box::pin(s.feed(Some(0)));
    // The first batch is read; compaction then passes the cursor.
    assert_eq!(seq_of(&item(&mut feed).await), 1);
    s.store().compact(sets - 1).unwrap();
    for want in 2..=BATCH as u64 {
        assert_eq!(seq_of(&item(&mut feed).await), want);
    }
    assert_eq!(
        item(&mut feed).await,
        FeedItem::Lagged {
            missed: BATCH as u64 + 1,
            resume_after: sets - 1
        }
    );
    assert!(feed.next().await.is_none(), "the feed ends after Lagged");
}

#[tokio::test]
async fn a_feed_ends_when_the_service_closes() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    let mut feed = Box::pin(s.feed(None));
    s.close().await.unwrap();
    let end = tokio::time::timeout(std::time::Duration::from_secs(10), feed.next()).await;
    assert!(end.expect("ended within 10 s").is_none());
}
