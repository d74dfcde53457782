//! The write path when the change log is replicated (`attache serve
//! --cluster`): the service plans a write against its snapshot at applied
//! change set S, hands the change set to a [`Replicator`] to append to the
//! shared log only if the log still ends at S, and answers once the
//! applier has applied it here. Every change set, this node's own
//! included, reaches the store through [`Service::apply_replicated`], in
//! log order, with the last applied number written in the same sled
//! transaction as its records (`meta/cluster_applied`).
//!
//! Nothing here knows the transport: `crate::cluster` implements
//! [`Replicator`] over NATS JetStream. Without a replicator (the default,
//! embedded mode) none of this runs and the write path is unchanged.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;

use super::spare::Replay;
use super::{log, Author, Change, Committed, Inner, Service, ServiceError};
use crate::model::{ChangeSet, LogEntry, Version};
use crate::store::{LogWrite, Op, StoreError, CLUSTER_APPLIED};

/// How often a write re-plans after the log moved under it before it gives
/// up with `CONFLICT`.
pub const MAX_ATTEMPTS: usize = 12;
/// How long a writer waits for its own change set to be applied here.
const APPLY_WAIT: Duration = Duration::from_secs(30);

/// Why a publish did not append the change set.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The log no longer ends where the write was planned: catch up and re-plan.
    #[error("the log moved on: it now ends after change set {0:?}")]
    Moved(Option<u64>),
    /// The log could not be reached, or refused the message.
    #[error("{0}")]
    Unavailable(String),
}

/// The shared log a replicated service writes through.
pub trait Replicator: Send + Sync + 'static {
    /// Appends change set `set` (numbered `expected_last + 1`) with its
    /// entries if the log ends at `expected_last`; returns its number in the
    /// log once the log has it (quorum-persisted).
    fn publish(
        &self,
        expected_last: u64,
        set: ChangeSet,
        entries: Vec<LogEntry>,
    ) -> BoxFuture<'static, Result<u64, PublishError>>;
}

/// A write planned against the snapshot at change set `base`.
struct Planned {
    base: u64,
    set: Option<(ChangeSet, Vec<LogEntry>)>,
    events: Vec<super::Event>,
    outcomes: Vec<super::Outcome>,
}

impl Service {
    /// Routes every later write through `replicator` (cluster mode). Set once,
    /// before the server takes requests.
    pub fn replicate_through(&self, replicator: Arc<dyn Replicator>) {
        if self.inner.replicator.set(replicator).is_err() {
            tracing::warn!("a replicator was already set; the first one stays");
        }
    }

    /// Whether writes go through a replicated log.
    pub fn is_replicated(&self) -> bool {
        self.inner.replicator.get().is_some()
    }

    /// The last change set readers of this node can see (the applied
    /// sequence in cluster mode).
    pub fn applied_seq(&self) -> u64 {
        self.graph().log_seq()
    }

    /// Waits until readers of this node see change set `seq`, at most
    /// `timeout`; `false` when it did not get there in time.
    pub async fn wait_applied(&self, seq: u64, timeout: Duration) -> bool {
        let mut rx = self.inner.durable.log_seq();
        let reached = tokio::time::timeout(timeout, rx.wait_for(|s| *s >= seq)).await;
        matches!(reached, Ok(Ok(_))) || self.applied_seq() >= seq
    }

    /// The write path of cluster mode ([`Service::write_with_meta`] with a
    /// replicator set).
    pub(super) async fn write_replicated(
        &self,
        replicator: &Arc<dyn Replicator>,
        author: Author,
        changes: Vec<Change>,
        meta: Vec<(&'static str, Vec<u8>)>,
    ) -> Result<Committed, ServiceError> {
        for attempt in 0..MAX_ATTEMPTS {
            let inner = self.inner.clone();
            let (c, a) = (changes.clone(), author.clone());
            let planned = tokio::task::spawn_blocking(move || inner.plan_only(c, &a))
                .await
                .map_err(|e| ServiceError::Internal(e.to_string()))??;
            let Some((set, entries)) = planned.set else {
                self.set_meta(meta).await?;
                return Ok(Committed {
                    graph: self.graph(),
                    events: planned.events,
                    outcomes: planned.outcomes,
                    change_set: None,
                });
            };
            match replicator.publish(planned.base, set, entries).await {
                Ok(seq) => {
                    if !self.wait_applied(seq, APPLY_WAIT).await {
                        return Err(ServiceError::Unavailable(format!(
                            "change set {seq} is in the log but was not applied on this node within {APPLY_WAIT:?}"
                        )));
                    }
                    self.set_meta(meta).await?;
                    return Ok(Committed {
                        graph: self.graph(),
                        events: planned.events,
                        outcomes: planned.outcomes,
                        change_set: Some(seq),
                    });
                }
                Err(PublishError::Moved(last)) => {
                    // Catch up to where the log is (or at least past where
                    // we planned), then plan again; back off a little more
                    // each time so that racing writers spread out.
                    let target = last.unwrap_or(planned.base + 1).max(planned.base + 1);
                    self.wait_applied(target, Duration::from_secs(2)).await;
                    let jitter = (log::now_ms() as u64 % 7) + attempt as u64 * 3;
                    tokio::time::sleep(Duration::from_millis(jitter)).await;
                }
                Err(PublishError::Unavailable(why)) => {
                    return Err(ServiceError::Unavailable(why));
                }
            }
        }
        Err(ServiceError::Rejected(vec![super::Problem {
            code: super::Code::Conflict,
            change: None,
            record: "write".into(),
            field: None,
            message: format!(
                "other nodes kept writing first: the write was planned {MAX_ATTEMPTS} times and the log moved each time; try again"
            ),
        }]))
    }

    /// Store metadata that rides with a write (the seed's marker): local to
    /// this node, written after its change set was applied.
    async fn set_meta(&self, meta: Vec<(&'static str, Vec<u8>)>) -> Result<(), ServiceError> {
        if meta.is_empty() {
            return Ok(());
        }
        let store = self.inner.store.clone();
        tokio::task::spawn_blocking(move || store.apply(&[], &meta))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))??;
        Ok(())
    }

    /// Applies change set `set` from the shared log to the store and the
    /// graph, recording it as the last applied in the same transaction.
    /// Returns `false` for a change set applied already; a change set that
    /// is not the next one is an error (the caller resumes from
    /// [`Service::applied_seq`]). Blocking: call from the blocking pool.
    /// Readers see it once it is flushed (group commit).
    pub fn apply_replicated(
        &self,
        set: &ChangeSet,
        entries: &[LogEntry],
    ) -> Result<bool, ServiceError> {
        self.inner.apply_replicated(set, entries)
    }

    /// Replaces this node's store and graph with `contents`, the records
    /// right after change set `seq` (a snapshot newer than anything this
    /// node applied): for a node left behind the trimmed stream, whose
    /// applier then replays from `seq + 1`. Blocking: call from the
    /// blocking pool, with the store copied aside first, and only from the
    /// applier (the one writer of a cluster node; local writes are refused
    /// while it recovers). Readers keep the old graph until the new one is
    /// flushed and published; a writer waiting for a change set up to
    /// `seq` is then answered.
    pub fn replace_with_snapshot(
        &self,
        contents: crate::store::Contents,
        seq: u64,
    ) -> Result<(), ServiceError> {
        let inner = &self.inner;
        if inner.durable.failed().is_some() {
            return Err(inner.durable.read_only());
        }
        // The store work and the graph's rebuild run without the write
        // lock (nothing else writes meanwhile); the lock covers the swap.
        inner.store.replace_with_snapshot(contents, seq)?;
        let mut graph = crate::graph::Graph::from_contents(inner.store.load()?)?;
        graph.set_log_seq(seq);
        let log_time = inner.store.last_time()?;
        let graph = Arc::new(graph);
        let mut guard = inner.writer.lock().unwrap_or_else(|p| p.into_inner());
        let w = &mut *guard;
        w.seq += 1;
        w.log_seq = seq;
        w.log_time = w.log_time.max(log_time);
        w.head = graph.clone();
        let spares = std::mem::take(&mut w.spares);
        inner.durable.committed(w.seq, graph);
        drop(guard);
        inner.durable.flush_soon();
        drop(spares);
        Ok(())
    }

    /// The change sets this node applied from the log, and where it stands
    /// (`None`: the store was never part of a cluster).
    pub fn cluster_applied(&self) -> Result<Option<u64>, ServiceError> {
        Ok(self.inner.store.cluster_applied()?)
    }
}

impl Inner {
    /// Plans `changes` against the latest applied state without committing.
    fn plan_only(&self, changes: Vec<Change>, author: &Author) -> Result<Planned, ServiceError> {
        if self.durable.failed().is_some() {
            return Err(self.durable.read_only());
        }
        let guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let base = guard.log_seq;
        // A private copy: the plan changes it, so it cannot go back to the
        // pool of spares.
        let work = guard.head.as_ref().clone();
        let log_time = guard.log_time;
        let head = guard.head.clone();
        drop(guard);
        let plan =
            super::plan::plan(&head, work, changes, &self.sizes).map_err(ServiceError::Rejected)?;
        let set = (!plan.ops.is_empty()).then(|| {
            let time = log::now_ms().max(log_time);
            (
                author.change_set(base + 1, time, plan.entries.len()),
                plan.entries,
            )
        });
        Ok(Planned {
            base,
            set,
            events: plan.events,
            outcomes: plan.outcomes,
        })
    }

    fn apply_replicated(
        &self,
        set: &ChangeSet,
        entries: &[LogEntry],
    ) -> Result<bool, ServiceError> {
        if self.durable.failed().is_some() {
            return Err(self.durable.read_only());
        }
        let ops = forward_ops(set.seq, entries)?;
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let w = &mut *guard;
        if set.seq <= w.log_seq {
            return Ok(false);
        }
        if set.seq != w.log_seq + 1 {
            return Err(ServiceError::Internal(format!(
                "change set {} arrived after {}: the log skipped some",
                set.seq, w.log_seq
            )));
        }
        let (mut next, source) = w.spares.working_copy(&w.head, w.seq);
        self.copies.note(source);
        for op in &ops {
            Replay::own(op).apply_to(&mut next);
        }
        next.set_log_seq(set.seq);
        let meta = [(CLUSTER_APPLIED, set.seq.to_be_bytes().to_vec())];
        let log = LogWrite { set, entries };
        if let Err(e) = self.store.apply_logged(&ops, &meta, Some(log)) {
            if let StoreError::Sled(sled::Error::Io(io)) = &e {
                self.durable
                    .fail(format!("writing to the store failed: {io}"));
                return Err(self.durable.read_only());
            }
            return Err(e.into());
        }
        let seq = w.seq + 1;
        w.log_seq = set.seq;
        w.log_time = set.time_ms.max(w.log_time);
        let next = Arc::new(next);
        let previous = std::mem::replace(&mut w.head, next.clone());
        let evicted = w.spares.committed(w.seq, previous, seq, &ops, &next);
        w.seq = seq;
        self.durable.committed(seq, next);
        drop(guard);
        self.durable.flush_soon();
        drop(evicted);
        log::audit(set, entries);
        Ok(true)
    }
}

/// The store operations that bring records from each entry's `before` to
/// its `after`, ordered so that the graph can take them one by one:
/// removals first (conflicts, relations, then nodes and redirects), then
/// puts (nodes and redirects, relations, conflicts), so a relation's ends
/// exist when it is put.
pub(super) fn forward_ops(seq: u64, entries: &[LogEntry]) -> Result<Vec<Op>, ServiceError> {
    let mut removals: [Vec<Op>; 3] = Default::default();
    let mut puts: [Vec<Op>; 3] = Default::default();
    let sort = |v: &Version| std::mem::discriminant(v);
    for e in entries {
        let gone = |v: &Version| -> (usize, Op) {
            match v {
                Version::Node(n) => (2, Op::DeleteNode(n.id.clone())),
                Version::Redirect { from, .. } => (2, Op::DeleteRedirect(from.clone())),
                Version::Relation(r) => (1, Op::DeleteRelation(r.id.clone())),
                Version::Conflict(c) => (0, Op::DeleteConflict(c.id.clone())),
            }
        };
        match (&e.before, &e.after) {
            (None, None) => {
                return Err(ServiceError::Internal(format!(
                    "change set {seq}: the entry for {} has neither a version before nor after",
                    e.id
                )))
            }
            (Some(before), None) => {
                let (i, op) = gone(before);
                removals[i].push(op);
            }
            (before, Some(after)) => {
                if let Some(b) = before.as_ref().filter(|b| sort(b) != sort(after)) {
                    let (i, op) = gone(b);
                    removals[i].push(op);
                }
                let (i, op) = match after.clone() {
                    Version::Node(n) => (0, Op::PutNode(n)),
                    Version::Redirect { from, into } => (0, Op::PutRedirect { from, into }),
                    Version::Relation(r) => (1, Op::PutRelation(r)),
                    Version::Conflict(c) => (2, Op::PutConflict(c)),
                };
                puts[i].push(op);
            }
        }
    }
    Ok(removals.into_iter().chain(puts).flatten().collect())
}

#[cfg(test)]
#[path = "replica_tests.rs"]
mod tests;
