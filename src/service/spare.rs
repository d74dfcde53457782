//! Reusing the snapshot before the current one as the next write's working
//! copy, so that a write costs in proportion to what it changes rather than
//! to the size of the graph.
//!
//! A write must not touch the snapshot readers see, so it works on a copy.
//! Copying the whole graph is linear in its size (hundreds of milliseconds at
//! a million relations). Instead the writer keeps the snapshot that the last
//! write superseded, with the changes that write made. No new reader can get
//! hold of a superseded snapshot, so once the readers that had it finish, the
//! writer owns it again ([`Arc::try_unwrap`]), replays the changes it missed
//! and has a private copy of the current state. While a reader still holds it
//! the writer falls back to a full copy (as every write did before), and the
//! snapshot this write supersedes becomes the spare instead.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::graph::Graph;
use crate::model::{Conflict, ConflictId, Node, NodeId, RelId, Relation};
use crate::store::Op;

/// One change to bring a superseded snapshot up to date; records are shared
/// with the snapshot that has them already.
enum Replay {
    PutNode(Arc<Node>),
    DeleteNode(NodeId),
    PutRelation(Arc<Relation>),
    DeleteRelation(RelId),
    PutConflict(Arc<Conflict>),
    DeleteConflict(ConflictId),
}

/// A superseded snapshot and the changes that made the current one from it.
pub struct Spare {
    graph: Arc<Graph>,
    behind: Vec<Replay>,
}

/// How the working copy of a write was obtained (for tests and benches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The spare was free and brought up to date.
    Reused,
    /// No spare, or a reader still held it: a full copy.
    Copied,
}

/// How many writes reused the spare and how many copied the graph.
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

impl Spare {
    /// The working copy for the next write: the spare brought up to date when
    /// no reader holds it, else a copy of `current`. Either way the slot is
    /// emptied; a held spare is left to its readers.
    pub fn working_copy(slot: &mut Option<Spare>, current: &Graph) -> (Graph, Source) {
        if let Some(spare) = slot.take() {
            if let Ok(mut g) = Arc::try_unwrap(spare.graph) {
                g.clear_cache();
                for r in spare.behind {
                    r.apply(&mut g);
                }
                return (g, Source::Reused);
            }
        }
        (current.clone(), Source::Copied)
    }

    /// Records a committed write: `previous` was current before it, `ops` are
    /// what it changed and `next` the snapshot it made.
    pub fn committed(slot: &mut Option<Spare>, previous: Arc<Graph>, ops: &[Op], next: &Graph) {
        *slot = Some(Spare {
            graph: previous,
            behind: ops.iter().map(|op| Replay::of(op, next)).collect(),
        });
    }

    /// A spare that is already current (a write that changed nothing).
    pub fn unchanged(graph: Graph) -> Spare {
        Spare {
            graph: Arc::new(graph),
            behind: Vec::new(),
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
        }
    }

    fn apply(self, g: &mut Graph) {
        match self {
            Replay::PutNode(n) => g.put_node(n),
            Replay::DeleteNode(id) => g.remove_node(id.as_str()),
            Replay::PutRelation(r) => g.put_relation(r),
            Replay::DeleteRelation(id) => g.remove_relation(id.as_str()),
            Replay::PutConflict(c) => g.put_conflict(c),
            Replay::DeleteConflict(id) => g.remove_conflict(id.as_str()),
        }
    }
}
