//! What cluster mode keeps in the store: `meta/cluster_applied`, the number
//! of the last change set applied from the shared log (written in the same
//! transaction as that change set's records, so a crash never applies one
//! twice or skips one), installing a snapshot into an empty store, and, for
//! a node left behind the trimmed stream, copying the store aside and
//! replacing its contents with a snapshot.

use std::path::Path;

use super::log::COMPACTED;
use super::{Contents, Op, Store, StoreError};

/// `meta` key: the last change set applied from the shared log (u64
/// big-endian). Present only in a store that belongs to a cluster.
pub const CLUSTER_APPLIED: &str = "cluster_applied";

impl Store {
    /// The last change set applied from the shared log; `None` for a store
    /// that never was part of a cluster.
    pub fn cluster_applied(&self) -> Result<Option<u64>, StoreError> {
        match self.meta.get(CLUSTER_APPLIED)? {
            None => Ok(None),
            Some(v) => v
                .as_ref()
                .try_into()
                .map(|b| Some(u64::from_be_bytes(b)))
                .map_err(|_| StoreError::Corrupt {
                    tree: "meta",
                    key: CLUSTER_APPLIED.into(),
                    reason: "not a u64".into(),
                }),
        }
    }

    /// Marks a store as part of a cluster that has applied nothing yet.
    pub fn join_cluster(&self) -> Result<(), StoreError> {
        if self.cluster_applied()?.is_none() {
            self.meta.insert(CLUSTER_APPLIED, &0u64.to_be_bytes())?;
            self.flush()?;
        }
        Ok(())
    }

    /// Writes `contents`, the records as they were right after change set
    /// `seq`, into this store, which must hold no record and no change set:
    /// the log starts after `seq` (as if compacted up to it) and the store
    /// has applied the shared log up to `seq`. All or nothing, like any
    /// write; durable when this returns.
    pub fn install_snapshot(&self, contents: Contents, seq: u64) -> Result<(), StoreError> {
        if !self.is_empty() || self.last_seq()? != 0 || !self.redirects.is_empty() {
            return Err(StoreError::Corrupt {
                tree: "meta",
                key: CLUSTER_APPLIED.into(),
                reason: "a snapshot goes only into an empty store".into(),
            });
        }
        self.write_snapshot(contents, seq)
    }

    /// Copies every tree of this store into a new store at `dest` (which
    /// must not exist), flushed when this returns: what a node left behind
    /// the trimmed stream keeps of its old store. Reads a consistent
    /// enough copy while nothing else writes (the caller's applier is the
    /// only writer of a cluster node, and it is the one recovering).
    pub fn copy_to(&self, dest: &Path) -> Result<(), StoreError> {
        if dest.exists() {
            return Err(StoreError::Corrupt {
                tree: "meta",
                key: CLUSTER_APPLIED.into(),
                reason: format!(
                    "{} exists already: the copy goes into a new directory",
                    dest.display()
                ),
            });
        }
        let copy = Store::open(dest)?;
        for name in self.db.tree_names() {
            let from = self.db.open_tree(&name)?;
            let to = copy.db.open_tree(&name)?;
            for kv in from.iter() {
                let (k, v) = kv?;
                to.insert(k, v)?;
            }
        }
        copy.db.flush()?;
        Ok(())
    }

    /// Replaces everything this store holds (records, log, history, undo)
    /// by `contents` at change set `seq`, as [`Store::install_snapshot`]
    /// does into an empty store; other metadata (format, seed marker) stays.
    /// The old contents go first, then the snapshot goes in with
    /// `cluster_applied` = `seq` in one write: a crash in between leaves
    /// `cluster_applied` behind the stream, and the next start recovers
    /// again. Copy the store aside first ([`Store::copy_to`]).
    pub fn replace_with_snapshot(&self, contents: Contents, seq: u64) -> Result<(), StoreError> {
        for tree in [
            &self.undo,
            &self.changesets,
            &self.log,
            &self.history,
            &self.conflicts,
            &self.relations,
            &self.redirects,
            &self.nodes,
        ] {
            tree.clear()?;
        }
        self.write_snapshot(contents, seq)
    }

    /// Writes `contents` and the marks of a store that starts at `seq`.
    fn write_snapshot(&self, contents: Contents, seq: u64) -> Result<(), StoreError> {
        let Contents {
            nodes,
            relations,
            conflicts,
            redirects,
        } = contents;
        let ops: Vec<Op> = nodes
            .into_iter()
            .map(Op::PutNode)
            .chain(
                redirects
                    .into_iter()
                    .map(|(from, into)| Op::PutRedirect { from, into }),
            )
            .chain(relations.into_iter().map(Op::PutRelation))
            .chain(conflicts.into_iter().map(Op::PutConflict))
            .collect();
        let seq_bytes = seq.to_be_bytes().to_vec();
        let meta = [(COMPACTED, seq_bytes.clone()), (CLUSTER_APPLIED, seq_bytes)];
        self.apply(&ops, &meta)?;
        self.flush()?;
        Ok(())
    }
}
