//! The log's lost-end keys: beside each record's own history keys, the
//! `history` tree holds, under the prefix `0x01` (no id begins with it), a
//! key per end a relation entry takes away (an end the relation had before
//! the entry and not after: both ends of a delete, the old end of a merge
//! that moved it): `0x01` ++ node id ++ `0x00` ++ change set number ++
//! entry index → the relation's id. The relations a node had at some point
//! and no longer has are one range scan ([`Store::relations_touching`]);
//! those it still has are in the live graph, which `asOf` reads take them
//! from. A relation created or patched adds no key: most writes (a `link`,
//! an import) write none. Written with the entry by `Tx::log_entry`,
//! removed with it by compaction and by an undone chunked write;
//! `meta/log_ends` says the whole log is indexed this way ([`ENDS_LOST`]).
//! A store indexed the earlier way (a key per end of every relation entry)
//! or not at all is reindexed when opened.

use std::collections::HashSet;

use super::entry::{decode, Entry};
use super::{history_key, idx_of, seq_of, BATCH};
use crate::store::{Store, StoreError};

/// Says how the log's relation ends are indexed.
pub(super) const ENDS_INDEXED: &str = "log_ends";

/// `meta/log_ends` once every relation entry has exactly its lost-end keys
/// (an earlier `[1]` meant a key per end of every relation entry).
pub(super) const ENDS_LOST: &[u8] = &[2];

/// The first byte of a relation-end key in `history`.
pub(super) const ENDS: u8 = 0x01;

fn ends_prefix(node: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(node.len() + 14);
    k.push(ENDS);
    k.extend_from_slice(node.as_bytes());
    k.push(0);
    k
}

pub(in crate::store) fn ends_key(node: &str, seq: u64, idx: u32) -> Vec<u8> {
    let mut k = ends_prefix(node);
    k.extend_from_slice(&seq.to_be_bytes());
    k.extend_from_slice(&idx.to_be_bytes());
    k
}

/// Every `history` key entry `idx` of change set `seq` has: its record's,
/// then one per end its relation lost.
pub(super) fn index_keys(entry: &Entry, seq: u64, idx: u32) -> Vec<Vec<u8>> {
    let mut keys = vec![history_key(entry.id(), seq)];
    keys.extend(
        entry
            .relation_ends_left()
            .iter()
            .map(|n| ends_key(n.as_str(), seq, idx)),
    );
    keys
}

impl Store {
    /// The ids of every relation that stopped having node `id` as an end
    /// (deleted, or its end moved by a merge) in a change set up to `upto`,
    /// sorted, each once. With the relations `id` has at `upto`, these are
    /// all it ever had since the log began.
    pub fn relations_touching(&self, id: &str, upto: u64) -> Result<Vec<String>, StoreError> {
        let prefix = ends_prefix(id);
        let mut out = std::collections::BTreeSet::new();
        for kv in self.history.scan_prefix(&prefix) {
            let (k, v) = kv?;
            let seq = seq_of(&k[..k.len() - 4]);
            if seq > upto {
                continue;
            }
            out.insert(String::from_utf8_lossy(&v).into_owned());
        }
        Ok(out.into_iter().collect())
    }

    /// Indexes the lost ends of every relation entry already in the log,
    /// once: a store whose log was indexed the earlier way, or not at all,
    /// is reindexed when opened (its old keys removed first). Batched;
    /// `meta/log_ends` is written last, so an interrupted run starts again
    /// (writing or removing a key twice changes nothing).
    pub(in crate::store) fn index_relation_ends(&self) -> Result<(), StoreError> {
        if self.meta.get(ENDS_INDEXED)?.as_deref() == Some(ENDS_LOST) {
            return Ok(());
        }
        let mut batch = sled::Batch::default();
        let mut n = 0;
        for k in self.history.scan_prefix([ENDS]).keys() {
            batch.remove(k?);
            n += 1;
            if n >= BATCH {
                self.history.apply_batch(std::mem::take(&mut batch))?;
                n = 0;
            }
        }
        self.history.apply_batch(std::mem::take(&mut batch))?;
        n = 0;
        for kv in self.log.iter() {
            let (k, v) = kv?;
            let (seq, idx) = (seq_of(&k[..8]), idx_of(&k[8..]));
            let e = decode(&v, &format!("{seq}/{idx}"))?;
            for end in e.relation_ends_left() {
                batch.insert(ends_key(end.as_str(), seq, idx), e.id().as_bytes());
                n += 1;
            }
            if n >= BATCH {
                self.history.apply_batch(std::mem::take(&mut batch))?;
                n = 0;
            }
        }
        self.history.apply_batch(batch)?;
        self.meta.insert(ENDS_INDEXED, ENDS_LOST)?;
        Ok(())
    }

    /// Every relation entry has exactly its lost-end keys, and every end
    /// key names a relation entry that lost that end: the problems found.
    pub(super) fn verify_ends(&self) -> Result<Vec<String>, StoreError> {
        let mut want: HashSet<Vec<u8>> = HashSet::new();
        for kv in self.log.iter() {
            let (k, v) = kv?;
            let (seq, idx) = (seq_of(&k[..8]), idx_of(&k[8..]));
            let e = decode(&v, &format!("{seq}/{idx}"))?;
            for end in e.relation_ends_left() {
                want.insert(ends_key(end.as_str(), seq, idx));
            }
        }
        let node = |k: &[u8]| String::from_utf8_lossy(&k[1..k.len() - 13]).into_owned();
        let mut problems = Vec::new();
        for kv in self.history.scan_prefix([ENDS]) {
            let (k, _) = kv?;
            if !want.remove(k.as_ref()) {
                problems.push(format!(
                    "history: relation-end key of {} names no relation entry that lost that end",
                    node(&k)
                ));
            }
        }
        for k in &want {
            problems.push(format!(
                "history: a relation entry that lost its end {} is not indexed by it",
                node(k)
            ));
        }
        Ok(problems)
    }
}
