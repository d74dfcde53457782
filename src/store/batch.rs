//! A chunk of a logged chunked write ([`super::journal`]) as one sled batch
//! per tree instead of one transaction over every tree.
//!
//! A sled transaction reads the old value of every key it writes and keeps
//! each write in a map until it commits, which made its `get`, `insert` and
//! `commit` most of an import's time. A chunk of a logged write needs
//! neither the reads nor the cross-tree atomicity: the journal marker makes
//! the whole write all or nothing, and each record's change-log entry (its
//! old version) is what undoes it. So the chunk writes its entries and their
//! `history` keys first, then its records, each tree's writes as one atomic
//! batch: sled recovers a prefix of its writes, so whatever records reach
//! the disk have their entries there before them, and an entry whose record
//! did not follow restores a version the record still has.

use sled::Batch;

use super::log::{ends_key, history_key, log_key};
use super::{codec, LogWrite, Op, Store, StoreError};

/// The writes of one chunk, a batch per tree.
#[derive(Default)]
pub(super) struct Chunk {
    nodes: Batch,
    relations: Batch,
    conflicts: Batch,
    redirects: Batch,
    log: Batch,
    history: Batch,
}

impl Chunk {
    /// Ops `first..first + ops.len()` of the write, with their entries of `log`.
    pub(super) fn new(ops: &[Op], first: u64, log: &LogWrite<'_>) -> Chunk {
        let mut c = Chunk::default();
        let seq = log.set.seq;
        for (k, op) in ops.iter().enumerate() {
            let n = first + k as u64;
            // Entry n goes with op n; there may be fewer entries than ops
            // (a merged-away node and its redirect share one).
            if let Some(e) = log.entries.get(n as usize) {
                let idx = n as u32;
                c.log.insert(&log_key(seq, idx), codec::encode(e));
                c.history
                    .insert(history_key(&e.id, seq), &idx.to_be_bytes());
                for end in e.relation_ends() {
                    c.history
                        .insert(ends_key(end.as_str(), seq, idx), e.id.as_bytes());
                }
            }
            c.op(op);
        }
        c
    }

    fn op(&mut self, op: &Op) {
        match op {
            Op::PutNode(n) => self
                .nodes
                .insert(n.id.as_str().as_bytes(), codec::encode(n)),
            Op::DeleteNode(id) => self.nodes.remove(id.as_str().as_bytes()),
            Op::PutRelation(r) => self
                .relations
                .insert(r.id.as_str().as_bytes(), codec::encode(r)),
            Op::DeleteRelation(id) => self.relations.remove(id.as_str().as_bytes()),
            Op::PutConflict(c) => self
                .conflicts
                .insert(c.id.as_str().as_bytes(), codec::encode(c)),
            Op::DeleteConflict(id) => self.conflicts.remove(id.as_str().as_bytes()),
            Op::PutRedirect { from, into } => self
                .redirects
                .insert(from.as_str().as_bytes(), codec::encode(into)),
            Op::DeleteRedirect(from) => self.redirects.remove(from.as_str().as_bytes()),
        }
    }

    /// Applies the entries, then the records.
    pub(super) fn apply(self, s: &Store) -> Result<(), StoreError> {
        s.log.apply_batch(self.log)?;
        s.history.apply_batch(self.history)?;
        s.nodes.apply_batch(self.nodes)?;
        s.relations.apply_batch(self.relations)?;
        s.conflicts.apply_batch(self.conflicts)?;
        s.redirects.apply_batch(self.redirects)?;
        Ok(())
    }
}
