//! Group commit at sled's level: writes staged for the next flush, applied
//! together as one sled transaction just before it.
//!
//! sled 0.34 makes every transaction (and every `apply_batch`) atomic on
//! disk by rolling its I/O buffer before and after the transaction's batch
//! manifest (`PageCache::pin_log`), so each atomic write costs buffer writes
//! of its own, whatever its size, and a flush has as many of them to wait
//! for as writes went in since the last. Measured in `benches/sled_shapes.rs`
//! on raw sled: sixteen writers each writing what one `link` writes (four
//! keys) in a transaction of their own reach about 4,400 durable writes/s,
//! the same writes queued and applied by the flusher in one transaction per
//! flush about 14,000/s.
//!
//! So [`Store::stage`] queues a write (its records, its change set and
//! entries, its metadata) instead of applying it, and [`Store::flush`]
//! first applies every write queued, in order, in one transaction over all
//! trees, then flushes. What stays true:
//! - A write is all or nothing, also across a crash: the group is one
//!   transaction, and no write of it was acknowledged before the flush that
//!   follows it returns. A group that fails is applied not at all, and the
//!   flush fails (the service then goes read-only, as for any failed flush).
//! - Log entries, change sets and `cluster_applied` land with their records:
//!   they are in the same transaction.
//! - Order: every other write to the store ([`Store::transact`]) first
//!   applies what is queued, under the same `order` lock, so the store sees
//!   the writes in the order they were made.
//! - Nothing reads a staged write: reads of the log are bounded by the
//!   published snapshot's change set, published only after its flush.
//! - Memory: a group never holds more than [`journal::CHUNK_OPS`] operations
//!   (a stage that would pass it applies the queue first), and a write of
//!   more than that is applied at once, in chunks ([`journal`]).

use std::sync::{Mutex, MutexGuard};

use crate::model::{ChangeSet, LogEntry};

use super::{journal, LogWrite, Op, Store, StoreError};

/// One write waiting for the next flush.
struct Write {
    ops: Vec<Op>,
    meta: Vec<(&'static str, Vec<u8>)>,
    log: Option<(ChangeSet, Vec<LogEntry>)>,
}

/// The writes waiting for the next flush, shared by every handle of a store.
#[derive(Default)]
pub(super) struct Staged {
    /// Held while the queue is applied and while any other write runs, so
    /// writes reach sled in the order they were made.
    order: Mutex<()>,
    queue: Mutex<Queue>,
    /// Why a group failed, once one has: its writes are gone, so every
    /// later flush and stage fails too, and no writer of the group is told
    /// its write is durable by a flush that follows.
    failed: Mutex<Option<String>>,
}

#[derive(Default)]
struct Queue {
    writes: Vec<Write>,
    ops: usize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Staged {
    /// Takes the order lock: the caller may now apply the queue and write.
    pub(super) fn order(&self) -> MutexGuard<'_, ()> {
        lock(&self.order)
    }

    /// Fails once a group has failed ([`StoreError::GroupFailed`]).
    pub(super) fn check(&self) -> Result<(), StoreError> {
        match lock(&self.failed).as_ref() {
            Some(reason) => Err(StoreError::GroupFailed {
                reason: reason.clone(),
            }),
            None => Ok(()),
        }
    }

    /// How many writes are queued.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        lock(&self.queue).writes.len()
    }
}

impl Store {
    /// Queues a write for the next [`Store::flush`], which applies it with
    /// every write queued before it in one transaction; not visible in the
    /// store before then. `log`: the change set and its entries, one per
    /// record, at most one per op. A write of more than
    /// [`journal::CHUNK_OPS`] operations is applied at once instead, in
    /// chunks, as [`Store::apply_logged`] does.
    pub fn stage(
        &self,
        ops: Vec<Op>,
        meta: Vec<(&'static str, Vec<u8>)>,
        log: Option<(ChangeSet, Vec<LogEntry>)>,
    ) -> Result<(), StoreError> {
        if let Some((_, entries)) = &log {
            assert!(entries.len() <= ops.len(), "at most one log entry per op");
        }
        self.staged.check()?;
        if ops.len() > journal::CHUNK_OPS {
            let log = log.as_ref().map(|(set, entries)| LogWrite { set, entries });
            return self.apply_logged(&ops, &meta, log);
        }
        let full = {
            let q = lock(&self.staged.queue);
            q.ops + ops.len() > journal::CHUNK_OPS
        };
        if full {
            let _order = self.staged.order();
            self.apply_staged()?;
        }
        let mut q = lock(&self.staged.queue);
        q.ops += ops.len();
        q.writes.push(Write { ops, meta, log });
        Ok(())
    }

    /// Applies every queued write, in order, in one transaction. The caller
    /// holds the order lock. On failure none of them is applied, and they
    /// are dropped: the flush that called this fails.
    pub(super) fn apply_staged(&self) -> Result<(), StoreError> {
        let group = {
            let mut q = lock(&self.staged.queue);
            q.ops = 0;
            std::mem::take(&mut q.writes)
        };
        self.staged.check()?;
        if group.is_empty() {
            return Ok(());
        }
        let res = self.transact_now(|t| {
            for w in &group {
                let log = w
                    .log
                    .as_ref()
                    .map(|(set, entries)| LogWrite { set, entries });
                t.write(&w.ops, &w.meta, log.as_ref())?;
            }
            Ok(())
        });
        if let Err(e) = &res {
            *lock(&self.staged.failed) = Some(e.to_string());
        }
        res
    }
}
