//! Recycling superseded snapshots as the working copies of later writes, so
//! that a write costs in proportion to what it changes rather than to the
//! size of the graph.
//!
//! A write must not touch a snapshot anyone may read, so it works on a
//! private copy. Copying the whole graph is linear in its size (hundreds of
//! milliseconds at a million relations). Instead the writer keeps a small
//! pool of snapshots that later commits superseded, each with the number of
//! the commit it reflects, and a log of what every commit since the oldest of
//! them changed. No new reader can get hold of a superseded snapshot, so once
//! the readers (and the flusher, which holds the snapshot it is making
//! durable) let go of one, the writer owns it again ([`Arc::try_unwrap`]),
//! replays the commits it missed and has a private copy of the latest state.
//! Only when every spare is still held does a write copy the graph.
//!
//! Publication lags commits by a flush, so up to three snapshots can be held
//! at once however many writers queue (the one readers see, the one being
//! flushed, the latest commit), plus any an old reader still holds: a pool of
//! [`MAX_SPARES`] leaves one free in the usual case.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::graph::Graph;
use crate::model::{Conflict, ConflictId, Node, NodeId, RelId, Relation};
use crate::store::Op;

/// Superseded snapshots kept for reuse.
pub const MAX_SPARES: usize = 4;
/// Commits kept in the log; a spare further behind is dropped, not replayed.
const MAX_LOG: usize = 4096;

/// One change to bring a superseded snapshot up to date; records are shared
/// with the snapshot that has them already.
#[derive(Clone)]
pub enum Replay {
    PutNode(Arc<Node>),
    DeleteNode(NodeId),
    PutRelation(Arc<Relation>),
    DeleteRelation(RelId),
    PutConflict(Arc<Conflict>),
    DeleteConflict(ConflictId),
    PutRedirect(NodeId, NodeId),
    DeleteRedirect(NodeId),
}

/// The pool of superseded snapshots and the log that brings them up to date.
#[derive(Default)]
pub struct Spares {
    /// (the commit it reflects, the snapshot), oldest first.
    pool: VecDeque<(u64, Arc<Graph>)>,
    /// (commit number, what it changed), in commit order, covering every
    /// commit after the oldest spare.
    log: VecDeque<(u64, Vec<Replay>)>,
}

/// How the working copy of a write was obtained (for tests and benches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A spare was free and brought up to date.
    Reused,
    /// No spare, or readers still held them all: a full copy.
    Copied,
}

/// How many writes reused a spare and how many copied the graph.
#[derive(Default)]
pub struct Counts {
    reused: AtomicU64,
    copied: AtomicU64,
}

impl Counts {
    pub fn note(&self, source: Source) {
        match source {
            Source::Reused => &self.reused,
            Source::Copied => &self.copied,
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    /// (reused, copied) so far.
    pub fn get(&self) -> (u64, u64) {
        (
            self.reused.load(Ordering::Relaxed),
            self.copied.load(Ordering::Relaxed),
        )
    }
}

impl Spares {
    /// A private copy of `head` (the state after commit `head_seq`): the
    /// freshest spare nobody holds, brought up to date, else a full copy.
    pub fn working_copy(&mut self, head: &Graph, head_seq: u64) -> (Graph, Source) {
        for i in (0..self.pool.len()).rev() {
            if Arc::strong_count(&self.pool[i].1) != 1 {
                continue;
            }
            let Some((seq, graph)) = self.pool.remove(i) else {
                break;
            };
            match Arc::try_unwrap(graph) {
                Ok(mut g) => {
                    g.clear_cache();
                    for (_, changes) in self.log.iter().filter(|(s, _)| *s > seq) {
                        for r in changes {
                            r.clone().apply(&mut g);
                        }
                    }
                    debug_assert!(self.log.back().is_none_or(|(s, _)| *s <= head_seq));
                    self.prune();
                    return (g, Source::Reused);
                }
                Err(graph) => self.pool.insert(i, (seq, graph)),
            }
        }
        (head.clone(), Source::Copied)
    }

    /// Records commit `seq`, which changed `ops` and made `next` from
    /// `previous` (the state after commit `previous_seq`). Returns snapshots
    /// evicted from the pool, for the caller to drop outside its lock.
    pub fn committed(
        &mut self,
        previous_seq: u64,
        previous: Arc<Graph>,
        seq: u64,
        ops: &[Op],
        next: &Graph,
    ) -> Vec<Arc<Graph>> {
        self.log
            .push_back((seq, ops.iter().map(|op| Replay::of(op, next)).collect()));
        self.keep(previous_seq, previous)
    }

    /// Returns an up-to-date working copy nobody changed (a write that
    /// changed nothing) to the pool.
    pub fn unchanged(&mut self, seq: u64, graph: Graph) -> Vec<Arc<Graph>> {
        self.keep(seq, Arc::new(graph))
    }

    fn keep(&mut self, seq: u64, graph: Arc<Graph>) -> Vec<Arc<Graph>> {
        self.pool.push_back((seq, graph));
        let mut evicted = Vec::new();
        while self.pool.len() > MAX_SPARES || self.log.len() > MAX_LOG {
            // Drop a held spare first (its readers free it), else the oldest.
            let i = self
                .pool
                .iter()
                .position(|(_, g)| Arc::strong_count(g) > 1)
                .unwrap_or(0);
            match self.pool.remove(i) {
                Some((_, g)) => evicted.push(g),
                None => break,
            }
            self.prune();
        }
        self.prune();
        evicted
    }

    /// Forgets the log entries every spare already reflects.
    fn prune(&mut self) {
        let oldest = self.pool.iter().map(|(s, _)| *s).min();
        match oldest {
            Some(oldest) => {
                while self.log.front().is_some_and(|(s, _)| *s <= oldest) {
                    self.log.pop_front();
                }
            }
            None => self.log.clear(),
        }
    }
}

impl Replay {
    fn of(op: &Op, next: &Graph) -> Replay {
        match op {
            Op::PutNode(n) => Replay::PutNode(
                next.node(n.id.as_str())
                    .cloned()
                    .unwrap_or_else(|| Arc::new(n.clone())),
            ),
            Op::DeleteNode(id) => Replay::DeleteNode(id.clone()),
            Op::PutRelation(r) => Replay::PutRelation(
                next.relation(r.id.as_str())
                    .cloned()
                    .unwrap_or_else(|| Arc::new(r.clone())),
            ),
            Op::DeleteRelation(id) => Replay::DeleteRelation(id.clone()),
            Op::PutConflict(c) => Replay::PutConflict(
                next.conflict(c.id.as_str())
                    .cloned()
                    .unwrap_or_else(|| Arc::new(c.clone())),
            ),
            Op::DeleteConflict(id) => Replay::DeleteConflict(id.clone()),
            Op::PutRedirect { from, into } => Replay::PutRedirect(from.clone(), into.clone()),
            Op::DeleteRedirect(from) => Replay::DeleteRedirect(from.clone()),
        }
    }

    /// The replay of `op` with records of its own (an op from the log,
    /// not from a plan whose graph already shares them).
    pub fn own(op: &Op) -> Replay {
        match op {
            Op::PutNode(n) => Replay::PutNode(Arc::new(n.clone())),
            Op::DeleteNode(id) => Replay::DeleteNode(id.clone()),
            Op::PutRelation(r) => Replay::PutRelation(Arc::new(r.clone())),
            Op::DeleteRelation(id) => Replay::DeleteRelation(id.clone()),
            Op::PutConflict(c) => Replay::PutConflict(Arc::new(c.clone())),
            Op::DeleteConflict(id) => Replay::DeleteConflict(id.clone()),
            Op::PutRedirect { from, into } => Replay::PutRedirect(from.clone(), into.clone()),
            Op::DeleteRedirect(from) => Replay::DeleteRedirect(from.clone()),
        }
    }

    /// Applies this change to `g`.
    pub fn apply_to(self, g: &mut Graph) {
        self.apply(g)
    }

    fn apply(self, g: &mut Graph) {
        match self {
            Replay::PutNode(n) => g.put_node(n),
            Replay::DeleteNode(id) => g.remove_node(id.as_str()),
            Replay::PutRelation(r) => g.put_relation(r),
            Replay::DeleteRelation(id) => g.remove_relation(id.as_str()),
            Replay::PutConflict(c) => g.put_conflict(c),
            Replay::DeleteConflict(id) => g.remove_conflict(id.as_str()),
            Replay::PutRedirect(from, into) => g.put_redirect(from, into),
            Replay::DeleteRedirect(from) => g.remove_redirect(from.as_str()),
        }
    }
}
