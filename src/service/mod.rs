//! The one write path: validate → one sled transaction → new graph snapshot →
//! durable flush → change events. Reads get the current snapshot.
//!
//! # Locks and why
//! - `write_lock` (a `std::sync::Mutex`) serialises planning and committing so
//!   that each write is checked against the state it will be applied to. It is
//!   taken inside `spawn_blocking`, never held across an `.await`, and covers
//!   only in-memory work and sled's transaction (which writes sled's in-memory
//!   log; the disk write is the flush, done after the lock is released).
//!   What it guards is the spare snapshot ([`spare`]) a write recycles as its
//!   working copy.
//! - `current` is an `ArcSwap`: readers load an `Arc<Graph>` without blocking.
//! - Durability is group commit ([`durability`]): a write is acknowledged only
//!   once a flush that began after its commit has finished; writers waiting at
//!   the same time share one flush.

mod durability;
mod plan;
mod sizes;
mod spare;

use std::path::Path;
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use tokio::sync::broadcast;

use crate::graph::{Dangling, Graph};
use crate::model::{Conflict, ConflictId, Node, NodeId, RelId, Relation, SizeLimits};
use crate::store::{Store, StoreError};

/// What a put does when the record exists (or does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Fails with `Conflict` if the id exists.
    Create,
    /// Fails with `NotFound` if the id does not exist.
    Update,
    /// Creates or replaces; an identical record is a no-op (import).
    Upsert,
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

/// The result of a write: the snapshot right after it and what it changed.
pub struct Committed {
    pub graph: Arc<Graph>,
    pub events: Vec<Event>,
}

struct Inner {
    store: Store,
    current: ArcSwap<Graph>,
    /// Serialises writes; holds the superseded snapshot a write may reuse.
    write_lock: Mutex<Option<spare::Spare>>,
    durable: durability::Durability,
    copies: spare::Counts,
    events: broadcast::Sender<Event>,
    /// Checked on every record written.
    sizes: SizeLimits,
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
        let store = Store::open_with(dir, cache_bytes)?;
        let graph = Graph::from_contents(store.load()?)?;
        tracing::info!(
            nodes = graph.node_count(),
            relations = graph.relation_count(),
            dir = %dir.display(),
            "store opened"
        );
        let (events, _) = broadcast::channel(1024);
        Ok(Service {
            inner: Arc::new(Inner {
                durable: durability::Durability::start(store.clone()),
                store,
                current: ArcSwap::from_pointee(graph),
                write_lock: Mutex::new(None),
                copies: spare::Counts::default(),
                events,
                sizes,
            }),
        })
    }

    /// The current snapshot; hold it for a whole request.
    pub fn graph(&self) -> Arc<Graph> {
        self.inner.current.load_full()
    }

    /// The size limits records must keep to (imports read files within them).
    pub fn sizes(&self) -> SizeLimits {
        self.inner.sizes
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Subscribes to change events.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    /// Applies `changes` atomically and durably, or refuses them all.
    pub async fn write(&self, changes: Vec<Change>) -> Result<Committed, ServiceError> {
        self.write_with_meta(changes, Vec::new()).await
    }

    /// Like [`Service::write`], also setting store metadata in the same transaction.
    pub async fn write_with_meta(
        &self,
        changes: Vec<Change>,
        meta: Vec<(&'static str, Vec<u8>)>,
    ) -> Result<Committed, ServiceError> {
        let inner = self.inner.clone();
        let (graph, events, seq) = tokio::task::spawn_blocking(move || {
            sizes::check(&inner.sizes, &changes).map_err(ServiceError::Rejected)?;
            inner.commit(changes, meta)
        })
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))??;
        self.inner.durable.wait(seq).await?;
        for e in &events {
            let _ = self.inner.events.send(e.clone());
        }
        Ok(Committed { graph, events })
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
        plan::plan(&base, base.as_ref().clone(), changes).map(|_| ())
    }

    /// Flushes everything and stops the flusher; the store is released once the
    /// last handle is dropped. Call on shutdown.
    pub async fn close(&self) -> Result<(), ServiceError> {
        self.flush().await?;
        self.inner.durable.close().await;
        Ok(())
    }

    /// Flushes and waits for all acknowledged writes (for shutdown).
    pub async fn flush(&self) -> Result<(), ServiceError> {
        let store = self.inner.store.clone();
        tokio::task::spawn_blocking(move || store.flush())
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))??;
        Ok(())
    }
}

impl Inner {
    /// Plans and commits under the write lock; returns the sequence number to
    /// wait on for durability.
    #[allow(clippy::type_complexity)]
    fn commit(
        &self,
        changes: Vec<Change>,
        meta: Vec<(&'static str, Vec<u8>)>,
    ) -> Result<(Arc<Graph>, Vec<Event>, u64), ServiceError> {
        let mut spare = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let base = self.current.load_full();
        let (work, source) = spare::Spare::working_copy(&mut spare, &base);
        self.copies.note(source);
        let plan = plan::plan(&base, work, changes).map_err(ServiceError::Rejected)?;
        if plan.ops.is_empty() && meta.is_empty() {
            *spare = Some(spare::Spare::unchanged(plan.next));
            return Ok((base, Vec::new(), self.durable.last_committed()));
        }
        self.store.apply(&plan.ops, &meta)?;
        let next = Arc::new(plan.next);
        self.current.store(next.clone());
        spare::Spare::committed(&mut spare, base, &plan.ops, &next);
        let seq = self.durable.committed();
        Ok((next, plan.events, seq))
    }
}

#[cfg(test)]
mod tests;
