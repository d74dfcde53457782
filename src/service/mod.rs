//! The one write path: validate → one sled transaction → durable flush →
//! new graph snapshot published → change events. Reads get the latest
//! durable snapshot.
//!
//! # Locks and why
//! - Writes queue for one committer at a time on the blocking pool ([`queue`]).
//! - `writer` (a `std::sync::Mutex`) serialises planning and committing so
//!   that each write is checked against the state it will be applied to: the
//!   latest *committed* snapshot, which may be a flush ahead of what readers
//!   see. It is taken inside `spawn_blocking`, never held across an `.await`,
//!   and covers only in-memory work and sled's transaction (which writes
//!   sled's in-memory log; the disk write is the flush, done after the lock
//!   is released). It also guards the spare snapshots ([`spare`]) a write
//!   recycles as its working copy.
//! - Readers load the published snapshot from an `ArcSwap` without blocking.
//! - Durability is group commit ([`durability`]): the flusher publishes a
//!   commit's snapshot once a flush that began after the commit has finished,
//!   then acknowledges its writer; writers waiting at the same time share one
//!   flush. A failed flush leaves the service read-only until restart.

mod as_of;
mod durability;
mod feed;
mod log;
mod outcome;
mod plan;
mod queue;
mod replica;
mod retention;
mod revert;
mod sizes;
mod spare;

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use crate::graph::{Dangling, Graph};
use crate::model::{
    Conflict, ConflictId, Node, NodeId, NodePatch, RelId, Relation, RelationPatch, SizeLimits,
};
use crate::store::{Store, StoreError};

pub use feed::FeedItem;
pub use log::{current, Author, Revision};
pub use outcome::{Outcome, OutcomeKind};
pub use replica::{PublishError, Replicator, MAX_ATTEMPTS};
pub use retention::Retention;
pub use revert::{Merged, Reverted};

/// What a put does when the record exists (or does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Fails with `Conflict` if the id exists.
    Create,
    /// Fails with `NotFound` if the id does not exist.
    Update,
    /// Creates or replaces as a whole; an identical record is a no-op
    /// (import with replace).
    Upsert,
    /// Creates, or merges into the record that exists: adds its aliases,
    /// citations, notes and unset fields; a field given another value
    /// refuses the write with `Conflict` (import, by default).
    Merge,
}

/// A record to put.
#[derive(Debug, Clone)]
pub enum Record {
    Node(Node),
    Relation(Relation),
    Conflict(Conflict),
}

/// One change in a write.
// Puts carry the record inline: changes are built once and moved into a
// write, so boxing would only add an allocation per record.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Change {
    Put(Mode, Record),
    /// With `cascade`, the node's relations (and conflicts naming them) go too.
    DeleteNode {
        id: NodeId,
        cascade: bool,
    },
    /// With `cascade`, conflicts naming the relation go too.
    DeleteRelation {
        id: RelId,
        cascade: bool,
    },
    DeleteConflict(ConflictId),
    /// Applies a patch to the node as it is when the write is planned (under
    /// the write lock), so concurrent patches to other fields are kept.
    PatchNode {
        id: NodeId,
        patch: NodePatch,
    },
    /// Applies a patch to the relation as it is when the write is planned.
    PatchRelation {
        id: RelId,
        patch: RelationPatch,
    },
    /// Refuses the write (`Conflict`, field `expectedVersion`) unless record
    /// `id` is at `version` ([`crate::model::version`]) at this point of the
    /// write. A missing record is left for the change it guards to report.
    Expect {
        id: String,
        version: String,
    },
    /// Merges node `from` into node `into` (of the same kind): every
    /// relation and reference naming `from` names `into`, `from`'s names,
    /// citations and notes join `into`'s, `from` is deleted and a redirect
    /// `from` → `into` stored ([`plan`]'s `merge.rs`).
    Merge {
        into: NodeId,
        from: NodeId,
    },
    /// Stores a redirect. [`Mode::Upsert`]: as it was, chains allowed (a
    /// revert puts one back). An import's [`Mode::Merge`]: `into` must be a
    /// live node (not itself merged), `from` neither a node nor redirected
    /// elsewhere; the same redirect again changes nothing.
    PutRedirect {
        mode: Mode,
        from: NodeId,
        into: NodeId,
    },
    /// Removes the redirect of `from` (a revert of a merge).
    DeleteRedirect(NodeId),
}

/// The class of a problem, mapped to GraphQL error codes at the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    NotFound,
    InvalidInput,
    Conflict,
    Integrity,
}

/// One reason a write was refused: what (record, field) and, for batches, which change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: Code,
    /// Index of the change in the write, when the problem belongs to one.
    pub change: Option<usize>,
    pub record: String,
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{} `{field}`: {}", self.record, self.message),
            None => write!(f, "{}: {}", self.record, self.message),
        }
    }
}

/// What the service layer can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("write refused: {}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
    Rejected(Vec<Problem>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the store is inconsistent: {0}")]
    Inconsistent(#[from] Dangling),
    #[error("internal error: {0}")]
    Internal(String),
    /// The disk failed a write: nothing more is written until a restart.
    #[error("the store is read-only until the server restarts: {0}")]
    ReadOnly(String),
    /// Cluster mode: the shared log could not take the write, or this node
    /// did not apply it in time.
    #[error("the replicated log is unavailable: {0}")]
    Unavailable(String),
}

/// What changed, for subscribers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Created,
    Updated,
    Deleted,
}

/// One record created, updated or deleted by a committed write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub kind: EventKind,
    pub id: String,
    /// The node kind prefix, the relation kind name, or "conflict".
    pub entity: String,
}

/// The result of a write: a published snapshot that includes it (and
/// perhaps later writes), and what it changed.
pub struct Committed {
    pub graph: Arc<Graph>,
    pub events: Vec<Event>,
    /// What each import put did ([`Mode::Merge`], [`Mode::Upsert`]), in change order.
    pub outcomes: Vec<Outcome>,
    /// The change set the write became (`None`: it changed nothing).
    pub change_set: Option<u64>,
}

/// What the writer works from: the latest commit and the spares.
struct Writer {
    /// The snapshot of the latest commit (published once flushed).
    head: Arc<Graph>,
    /// The number of the latest commit (0: what the store held at start).
    seq: u64,
    /// The latest change set in the log, and its time.
    log_seq: u64,
    log_time: i64,
    spares: spare::Spares,
}

struct Inner {
    store: Store,
    /// Serialises writes; holds the latest commit and the spares.
    writer: Mutex<Writer>,
    durable: durability::Durability,
    /// Writes waiting for the committer.
    queue: queue::Queue,
    copies: spare::Counts,
    /// Whether writes are logged: always, but for the bench that measures
    /// what the log costs ([`OpenOptions::log`]).
    log: bool,
    /// Checked on every record written.
    sizes: SizeLimits,
    /// Set in cluster mode: writes go through the shared log ([`replica`]).
    replicator: OnceLock<Arc<dyn Replicator>>,
}

/// How a bench opens a service ([`Service::open_for_bench`]). Not reachable
/// from the command line or the server: every real write is logged.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct OpenOptions {
    pub cache_bytes: u64,
    pub sizes: SizeLimits,
    /// `false`: commit records without their change sets (to measure the log).
    pub log: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            cache_bytes: crate::store::CACHE_BYTES,
            sizes: SizeLimits::default(),
            log: true,
        }
    }
}

/// The shared handle every layer above uses. Cheap to clone.
#[derive(Clone)]
pub struct Service {
    inner: Arc<Inner>,
}

impl Service {
    /// Opens the store in `dir` and rebuilds the graph from it. Needs a Tokio runtime.
    pub fn open(dir: &Path) -> Result<Service, ServiceError> {
        Self::open_with(dir, crate::store::CACHE_BYTES)
    }

    /// [`Service::open`] with a store page cache of `cache_bytes`.
    pub fn open_with(dir: &Path, cache_bytes: u64) -> Result<Service, ServiceError> {
        Self::open_with_limits(dir, cache_bytes, SizeLimits::default())
    }

    /// [`Service::open_with`], refusing any record over `sizes`.
    pub fn open_with_limits(
        dir: &Path,
        cache_bytes: u64,
        sizes: SizeLimits,
    ) -> Result<Service, ServiceError> {
        let (store, graph) = Self::load(dir, cache_bytes)?;
        Self::assemble(store, graph, sizes, true)
    }

    /// [`Service::open_with_limits`] for async code: opening the store (which
    /// may wait for sled's lock) and loading every record run on the blocking
    /// pool, so the runtime's workers go on serving other tasks meanwhile.
    pub async fn open_async(
        dir: &Path,
        cache_bytes: u64,
        sizes: SizeLimits,
    ) -> Result<Service, ServiceError> {
        let owned = dir.to_owned();
        let loaded = tokio::task::spawn_blocking(move || Self::load(&owned, cache_bytes)).await;
        let (store, graph) = match loaded {
            Ok(res) => res?,
            // Never cancelled (the handle is awaited here), so only a panic.
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        };
        Self::assemble(store, graph, sizes, true)
    }

    /// [`Service::open_async`] with [`OpenOptions`]: for the bench that
    /// measures what the change log costs, nothing else.
    #[doc(hidden)]
    pub async fn open_for_bench(dir: &Path, options: OpenOptions) -> Result<Service, ServiceError> {
        let owned = dir.to_owned();
        let cache = options.cache_bytes;
        let (store, graph) = tokio::task::spawn_blocking(move || Self::load(&owned, cache))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))??;
        Self::assemble(store, graph, options.sizes, options.log)
    }

    /// The blocking part of opening: the store, and the graph rebuilt from it.
    fn load(dir: &Path, cache_bytes: u64) -> Result<(Store, Graph), ServiceError> {
        let store = Store::open_with(dir, cache_bytes)?;
        let mut graph = Graph::from_contents(store.load()?)?;
        graph.set_log_seq(store.last_seq()?);
        tracing::info!(
            nodes = graph.node_count(),
            relations = graph.relation_count(),
            dir = %dir.display(),
            "store opened"
        );
        Ok((store, graph))
    }

    /// Starts the service over a loaded store. Needs a Tokio runtime.
    fn assemble(
        store: Store,
        graph: Graph,
        sizes: SizeLimits,
        log: bool,
    ) -> Result<Service, ServiceError> {
        let log_seq = graph.log_seq();
        let log_time = store.last_time()?;
        let graph = Arc::new(graph);
        Ok(Service {
            inner: Arc::new(Inner {
                durable: durability::Durability::start(store.clone(), graph.clone()),
                store,
                writer: Mutex::new(Writer {
                    head: graph,
                    seq: 0,
                    log_seq,
                    log_time,
                    spares: spare::Spares::default(),
                }),
                queue: queue::Queue::default(),
                copies: spare::Counts::default(),
                log,
                sizes,
                replicator: OnceLock::new(),
            }),
        })
    }

    /// The current snapshot: every write in it is on disk. Hold it for a
    /// whole read, and no longer.
    pub fn graph(&self) -> Arc<Graph> {
        self.inner.durable.published()
    }

    /// Why the service is read-only (a flush failed), if it is.
    pub fn read_only(&self) -> Option<String> {
        self.inner.durable.failed().map(str::to_owned)
    }

    /// How long a flush may take before the store is given up on (and the
    /// service made read-only); also bounds the flush in [`Service::close`].
    pub fn set_flush_timeout(&self, timeout: std::time::Duration) {
        self.inner.durable.set_timeout(timeout);
    }

    /// The size limits records must keep to (imports read files within them).
    pub fn sizes(&self) -> SizeLimits {
        self.inner.sizes
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Applies `changes` atomically and durably, or refuses them all; the
    /// change set names this process ([`Author::local`]) as its author.
    pub async fn write(&self, changes: Vec<Change>) -> Result<Committed, ServiceError> {
        self.write_by(Author::local(), changes).await
    }

    /// [`Service::write`] by `author`, whom its change set names.
    pub async fn write_by(
        &self,
        author: Author,
        changes: Vec<Change>,
    ) -> Result<Committed, ServiceError> {
        self.write_with_meta(author, changes, Vec::new()).await
    }

    /// Like [`Service::write_by`], also setting store metadata in the same
    /// transaction.
    pub async fn write_with_meta(
        &self,
        author: Author,
        changes: Vec<Change>,
        meta: Vec<(&'static str, Vec<u8>)>,
    ) -> Result<Committed, ServiceError> {
        let changes = if changes.len() <= 64 {
            sizes::check(&self.inner.sizes, &changes).map_err(ServiceError::Rejected)?;
            changes
        } else {
            // Measuring a large import is work in proportion to it: off the
            // async workers.
            let limits = self.inner.sizes;
            tokio::task::spawn_blocking(move || sizes::check(&limits, &changes).map(|_| changes))
                .await
                .map_err(|e| ServiceError::Internal(e.to_string()))?
                .map_err(ServiceError::Rejected)?
        };
        if let Some(r) = self.inner.replicator.get() {
            return self.write_replicated(r, author, changes, meta).await;
        }
        let (events, outcomes, seq, log_seq) =
            queue::commit(&self.inner, changes, meta, author).await?;
        self.inner.durable.wait(seq).await?;
        // Published before the writer is woken: it includes this write.
        let graph = self.graph();
        Ok(Committed {
            graph,
            events,
            outcomes,
            change_set: log_seq,
        })
    }

    /// (commits, flushes) so far: group commit makes flushes ≤ commits.
    pub fn durability_counts(&self) -> (u64, u64) {
        (
            self.inner.durable.last_committed(),
            self.inner.durable.flushes(),
        )
    }

    /// (reused, copied): how many writes worked on the recycled previous
    /// snapshot and how many had to copy the whole graph.
    pub fn working_copies(&self) -> (u64, u64) {
        self.inner.copies.get()
    }

    /// Checks `changes` without applying them: every problem, or none.
    pub fn check(&self, changes: Vec<Change>) -> Result<(), Vec<Problem>> {
        sizes::check(&self.inner.sizes, &changes)?;
        let base = self.graph();
        plan::plan(&base, base.as_ref().clone(), changes, &self.inner.sizes).map(|_| ())
    }

    /// What `changes` would do, record by record, without applying them: a
    /// conflicting field is an outcome here, not a refusal. Any other
    /// problem refuses, as the write would.
    pub fn preview(&self, changes: Vec<Change>) -> Result<Vec<Outcome>, Vec<Problem>> {
        sizes::check(&self.inner.sizes, &changes)?;
        let base = self.graph();
        plan::preview(&base, base.as_ref().clone(), changes, &self.inner.sizes)
    }

    /// Flushes everything and stops the flusher, each within the flush
    /// timeout; the store is released once the last handle is dropped. Call
    /// on shutdown. Fails when the store is read-only or the flush failed.
    pub async fn close(&self) -> Result<(), ServiceError> {
        let limit = self.inner.durable.timeout();
        let flushed = match self.inner.durable.failed() {
            Some(_) => Err(self.inner.durable.read_only()),
            None => self.flush().await,
        };
        // After a failure the flusher has nothing left to do but stop.
        let wait = match flushed {
            Ok(()) => limit,
            Err(_) => std::time::Duration::from_secs(1),
        };
        self.inner.durable.close(wait).await;
        if flushed.is_err() {
            // sled's drop flushes again, and a flush may never return after
            // a disk failure: keep the database open until the process ends.
            std::mem::forget(self.inner.store.clone());
        }
        flushed
    }

    /// Flushes everything committed (for shutdown), within the flush timeout.
    pub async fn flush(&self) -> Result<(), ServiceError> {
        let store = self.inner.store.clone();
        let limit = self.inner.durable.timeout();
        match tokio::time::timeout(limit, tokio::task::spawn_blocking(move || store.flush())).await
        {
            Ok(Ok(Ok(_))) => Ok(()),
            Ok(Ok(Err(e))) => {
                self.inner
                    .durable
                    .fail(format!("writing to disk failed: {e}"));
                Err(self.inner.durable.read_only())
            }
            Ok(Err(e)) => Err(ServiceError::Internal(e.to_string())),
            Err(_) => {
                self.inner
                    .durable
                    .fail(format!("a flush to disk did not finish within {limit:?}"));
                Err(self.inner.durable.read_only())
            }
        }
    }
}

impl Inner {
    /// Plans and commits under the write lock; returns the events and the
    /// commit number to wait on for durability.
    fn commit(
        &self,
        changes: Vec<Change>,
        meta: Vec<(&'static str, Vec<u8>)>,
        author: &Author,
    ) -> Result<queue::Done, ServiceError> {
        if self.durable.failed().is_some() {
            return Err(self.durable.read_only());
        }
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let w = &mut *guard;
        let (mut work, source) = w.spares.working_copy(&w.head, w.seq);
        work.set_log_seq(w.log_seq);
        self.copies.note(source);
        let plan =
            plan::plan(&w.head, work, changes, &self.sizes).map_err(ServiceError::Rejected)?;
        if plan.ops.is_empty() && meta.is_empty() {
            let outcomes = plan.outcomes;
            let evicted = w.spares.unchanged(w.seq, plan.next);
            let seq = w.seq;
            drop(guard);
            drop(evicted); // outside the lock: dropping a graph takes time
            return Ok((Vec::new(), outcomes, seq, None));
        }
        // A write that changes records is a change set; one that only sets
        // metadata is not.
        let logged = (self.log && !plan.ops.is_empty()).then(|| {
            let time = log::now_ms().max(w.log_time);
            author.change_set(w.log_seq + 1, time, plan.entries.len())
        });
        // Staged for the next flush, which applies it with the writes
        // staged beside it in one sled transaction (`store/staged.rs`).
        let log = logged.clone().map(|set| (set, plan.entries.clone()));
        if let Err(e) = self.store.stage(plan.ops.clone(), meta, log) {
            // A failed group lost writes committed before this one: the
            // store takes no more, as after an I/O error.
            if let StoreError::Sled(sled::Error::Io(_)) | StoreError::GroupFailed { .. } = &e {
                self.durable
                    .fail(format!("writing to the store failed: {e}"));
                return Err(self.durable.read_only());
            }
            return Err(e.into());
        }
        let seq = w.seq + 1;
        let mut next = plan.next;
        if let Some(set) = &logged {
            next.set_log_seq(set.seq);
            w.log_seq = set.seq;
            w.log_time = set.time_ms;
        }
        let next = Arc::new(next);
        let previous = std::mem::replace(&mut w.head, next.clone());
        let evicted = w.spares.committed(w.seq, previous, seq, &plan.ops, &next);
        w.seq = seq;
        self.durable.committed(seq, next);
        drop(guard);
        drop(evicted);
        if let Some(set) = &logged {
            log::audit(set, &plan.entries);
        }
        Ok((plan.events, plan.outcomes, seq, logged.map(|s| s.seq)))
    }
}

#[cfg(test)]
mod log_tests;
#[cfg(test)]
mod open_tests;
#[cfg(test)]
mod revert_tests;
#[cfg(test)]
mod tests;
