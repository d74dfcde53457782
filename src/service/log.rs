//! Who writes and why, and reads of the change log. Every committed write is
//! a change set in the store's log, written in the same transaction as its
//! records (`Inner::commit`); this file holds the [`Author`] a write carries
//! and the reads the API answers history, `changes` and `asOf` from.
//!
//! Reads take `upto`, the last change set of the reader's snapshot
//! ([`Graph::log_seq`]), so a reader never sees a change set whose records
//! its snapshot lacks (the log may hold one that is committed but not yet
//! flushed and published).

use crate::graph::Graph;
use crate::model::{ChangeSet, LogEntry, NodeId, Version};
use crate::store::AsOf;

use super::{Service, ServiceError};

/// Who makes a write, and why: becomes the change set's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// A token's name, `cli:…` for the command line, `seed` for the seed.
    pub actor: String,
    pub comment: Option<String>,
    pub source: Option<NodeId>,
    /// What kind of write: `write`, `import`, `revert`, `merge`, `seed`.
    pub op: &'static str,
    /// The change set a revert reverts.
    pub reverts: Option<u64>,
}

impl Author {
    /// A plain write by `actor`, with no comment.
    pub fn new(actor: impl Into<String>) -> Author {
        Author {
            actor: actor.into(),
            comment: None,
            source: None,
            op: "write",
            reverts: None,
        }
    }

    /// The same author, for another kind of write.
    pub fn op(mut self, op: &'static str) -> Author {
        self.op = op;
        self
    }

    /// With a comment (an empty one is none).
    pub fn comment(mut self, comment: Option<String>) -> Author {
        self.comment = comment.filter(|c| !c.trim().is_empty());
        self
    }

    /// Naming the source of the change as a whole.
    pub fn source(mut self, source: Option<NodeId>) -> Author {
        self.source = source;
        self
    }

    /// The author of writes made by this process itself (tests, tools).
    pub fn local() -> Author {
        Author::new("local")
    }

    /// The change set this author's write becomes.
    pub(super) fn change_set(&self, seq: u64, time_ms: i64, records: usize) -> ChangeSet {
        ChangeSet {
            seq,
            time_ms,
            actor: self.actor.clone(),
            comment: self.comment.clone(),
            source: self.source.clone(),
            records: records as u64,
            reverts: self.reverts,
            op: self.op.to_owned(),
        }
    }
}

/// Milliseconds since 1970, from the system clock.
pub(super) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// One version of a record: the change set that made it and the entry.
#[derive(Debug, Clone)]
pub struct Revision {
    pub set: ChangeSet,
    pub entry: LogEntry,
}

impl Service {
    /// Change set `seq`, if `g` includes it and the log still keeps it.
    pub fn change_set(&self, g: &Graph, seq: u64) -> Result<Option<ChangeSet>, ServiceError> {
        if seq > g.log_seq() {
            return Ok(None);
        }
        Ok(self.store().change_set(seq)?)
    }

    /// The records change set `seq` touched, before and after.
    pub fn change_entries(&self, g: &Graph, seq: u64) -> Result<Vec<LogEntry>, ServiceError> {
        if seq > g.log_seq() {
            return Ok(Vec::new());
        }
        Ok(self.store().entries(seq)?)
    }

    /// Change sets after `after` that `g` includes, oldest first, those
    /// `keep` accepts, at most `limit`. Scans the log: off the async workers
    /// for large scans.
    pub fn change_sets(
        &self,
        g: &Graph,
        after: u64,
        limit: usize,
        mut keep: impl FnMut(&ChangeSet) -> bool,
    ) -> Result<Vec<ChangeSet>, ServiceError> {
        let mut out = Vec::new();
        for set in self.store().change_sets(after, g.log_seq()) {
            let set = set?;
            if keep(&set) {
                out.push(set);
                if out.len() >= limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// The versions of record `id` that `g` includes, newest first: those
    /// made before change set `before` (exclusive), at most `limit`.
    pub fn history(
        &self,
        g: &Graph,
        id: &str,
        before: u64,
        limit: usize,
    ) -> Result<Vec<Revision>, ServiceError> {
        let store = self.store();
        let mut out = Vec::new();
        for (seq, idx) in store.history(id, before, g.log_seq(), limit)? {
            let (Some(set), Some(entry)) = (store.change_set(seq)?, store.entry(seq, idx)?) else {
                continue;
            };
            out.push(Revision { set, entry });
        }
        Ok(out)
    }

    /// Record `id` as it was right after change set `seq` (`None`: it did
    /// not exist then), for a reader of `g`.
    pub fn as_of(&self, g: &Graph, id: &str, seq: u64) -> Result<Option<Version>, ServiceError> {
        Ok(match self.store().as_of(id, seq, g.log_seq())? {
            AsOf::Logged(v) => v,
            AsOf::Unchanged => current(g, id),
        })
    }

    /// The last change set committed at or before `time_ms` that `g` includes.
    pub fn seq_at(&self, g: &Graph, time_ms: i64) -> Result<u64, ServiceError> {
        Ok(self.store().seq_at(time_ms, g.log_seq())?)
    }

    /// The first change set after `seq` (up to `g`'s) that touched `id`.
    pub fn touched_after(
        &self,
        g: &Graph,
        id: &str,
        seq: u64,
    ) -> Result<Option<u64>, ServiceError> {
        Ok(self.store().touched_after(id, seq, g.log_seq())?)
    }
}

/// Record `id` as it is in `g`.
pub fn current(g: &Graph, id: &str) -> Option<Version> {
    if let Some(n) = g.node(id) {
        return Some(Version::Node((**n).clone()));
    }
    if let Some(r) = g.relation(id) {
        return Some(Version::Relation((**r).clone()));
    }
    if let Some(c) = g.conflict(id) {
        return Some(Version::Conflict((**c).clone()));
    }
    g.redirect_entry(id).map(|into| Version::Redirect {
        from: NodeId::parse(id).expect("a redirect's key is a node id"),
        into: into.clone(),
    })
}
