//! The change feed subscribers read: the log itself, tailed. A feed keeps a
//! cursor in the log, reads the entries after it up to the last published
//! change set (in batches, on the blocking pool), hands them out in order,
//! then waits for the flusher to publish more. Nothing is buffered per
//! subscriber beyond one batch, so a slow subscriber costs no memory and
//! misses nothing; one whose cursor falls behind what the log keeps
//! (compaction) is told so with [`FeedItem::Lagged`], never skipped.

use std::collections::VecDeque;

use futures_util::Stream;
use tokio::sync::watch;

use crate::model::LogEntry;
use crate::store::Store;

use super::{Service, ServiceError};

/// Entries read from the log per batch.
const BATCH: usize = 256;

/// What a feed yields.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // handed out one at a time, never stored in bulk
pub enum FeedItem {
    /// Entry `index` of change set `seq`.
    Entry {
        seq: u64,
        index: u32,
        entry: LogEntry,
    },
    /// The subscriber's next change set, `missed`, is no longer in the log:
    /// compaction removed change sets up to `resume_after`, so the oldest
    /// the log keeps is `resume_after + 1`. The feed ends after this.
    Lagged { missed: u64, resume_after: u64 },
}

/// Where a feed is: the next entry to read.
struct Cursor {
    store: Store,
    published: watch::Receiver<u64>,
    seq: u64,
    idx: u32,
    ready: VecDeque<FeedItem>,
    ended: bool,
}

impl Service {
    /// The last change set readers can see (that of the published snapshot).
    pub fn published_seq(&self) -> u64 {
        *self.inner.durable.log_seq().borrow()
    }

    /// Every log entry after change set `after` (default: the latest
    /// published, so only what comes next), in order, then each new one as
    /// it is published (an `after` beyond the latest waits for it). The
    /// stream ends when the service closes, after a [`FeedItem::Lagged`], or
    /// after an error.
    pub fn feed(
        &self,
        after: Option<u64>,
    ) -> impl Stream<Item = Result<FeedItem, ServiceError>> + Send + 'static {
        let published = self.inner.durable.log_seq();
        let after = after.unwrap_or_else(|| *published.borrow());
        let cursor = Cursor {
            store: self.inner.store.clone(),
            published,
            seq: after + 1,
            idx: 0,
            ready: VecDeque::new(),
            ended: false,
        };
        // After an error the feed ends.
        futures_util::stream::unfold(Some(cursor), |c| async move {
            let mut c = c?;
            match c.next().await {
                Ok(Some(item)) => Some((Ok(item), Some(c))),
                Ok(None) => None,
                Err(e) => Some((Err(e), None)),
            }
        })
    }
}

impl Cursor {
    /// The next item, waiting for one; `None` once the feed has ended.
    async fn next(&mut self) -> Result<Option<FeedItem>, ServiceError> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Ok(Some(item));
            }
            if self.ended {
                return Ok(None);
            }
            let upto = *self.published.borrow_and_update();
            if self.seq > upto {
                if self.published.changed().await.is_err() {
                    // The flusher stopped: the service is closing.
                    return Ok(None);
                }
                continue;
            }
            self.read(upto).await?;
        }
    }

    /// Reads the next batch up to change set `upto`, off the async workers.
    async fn read(&mut self, upto: u64) -> Result<(), ServiceError> {
        let (store, seq, idx) = (self.store.clone(), self.seq, self.idx);
        let read = tokio::task::spawn_blocking(move || -> Result<_, ServiceError> {
            let missed = |compacted: u64| FeedItem::Lagged {
                missed: seq,
                resume_after: compacted,
            };
            if store.compacted()? >= seq {
                return Ok(Err(missed(store.compacted()?)));
            }
            let batch = store.entries_from(seq, idx, upto, BATCH + 1)?;
            // Compaction moves its mark before it removes anything: below
            // `seq` now, nothing this batch needed was removed while it read.
            let compacted = store.compacted()?;
            if compacted >= seq {
                return Ok(Err(missed(compacted)));
            }
            Ok(Ok(batch))
        })
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))??;
        match read {
            Err(lagged) => {
                self.ready.push_back(lagged);
                self.ended = true;
            }
            Ok(batch) if batch.is_empty() => {
                // Everything up to `upto` is read (the published change sets
                // have no entries past the cursor).
                self.seq = upto + 1;
                self.idx = 0;
            }
            Ok(mut batch) => {
                // One entry more than a batch tells whether the batch ends
                // inside a change set, so the cursor stays at a change set's
                // start whenever it can (what `Lagged::missed` names).
                let extra = (batch.len() > BATCH).then(|| batch.pop()).flatten();
                let (s, i, _) = batch.last().expect("not empty");
                (self.seq, self.idx) = match extra {
                    None => (upto + 1, 0),
                    Some((next, _, _)) if next == *s => (*s, i + 1),
                    Some(_) => (s + 1, 0),
                };
                self.ready.extend(
                    batch
                        .into_iter()
                        .map(|(seq, index, entry)| FeedItem::Entry { seq, index, entry }),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "feed_tests.rs"]
mod tests;
