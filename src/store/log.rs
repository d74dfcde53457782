//! The change log on disk, written in the same transaction as the records it
//! describes (or, for a chunked write, in the same chunks, under the same
//! undo journal), so a record and its log entry are never one without the
//! other.
//!
//! - `changesets`: sequence number (u64 big-endian) → [`ChangeSet`]. A change
//!   set is the commit point of its entries: it is written last.
//! - `log`: sequence number ++ entry index (u32 big-endian) → [`LogEntry`],
//!   the record before and after.
//! - `history`: record id ++ `0x00` ++ sequence number → entry index, so a
//!   record's versions are one range scan. Ids never contain `0x00`.
//!   Beside them, under the prefix `0x01` (no id begins with it), the
//!   relation ends lost: `0x01` ++ node id ++ `0x00` ++ sequence number ++
//!   entry index → the relation's id, for every entry of a relation that
//!   had that node as `from` or `to` before it and not after it (a delete,
//!   or a merge moving the end), so the relations a node had at any point
//!   are its live ones plus one range scan ([`Store::relations_touching`]).
//!   `meta/log_ends` says which ends are indexed for the whole log (a store
//!   indexed otherwise, or not at all, is reindexed when opened).
//! - `meta/log_compacted`: change sets up to this number were removed by
//!   compaction; what they did is in the records, not in the log.
//!
//! Readers pass `upto`, the last change set their snapshot includes: the log
//! may hold a change set that is committed but not yet flushed and published.

use crate::model::{ChangeSet, LogEntry, Version};

use super::{codec, Abort, Store, StoreError, Tx};

mod ends;
mod entry;
pub(super) use ends::ends_key;
use ends::{index_keys, ENDS};
pub(super) use entry::record_crc;
use entry::Entry;

/// Entries removed per transaction by compaction and by a rollback.
const BATCH: usize = 4096;

pub(super) const COMPACTED: &str = "log_compacted";

/// A change set and its entries, one per record (so at most one per store
/// operation: entry n is written with op n), to write with them.
#[derive(Debug, Clone, Copy)]
pub struct LogWrite<'a> {
    pub set: &'a ChangeSet,
    pub entries: &'a [crate::model::LogEntry],
}

/// A record at some point of the log.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // built once per read, never stored
pub enum AsOf {
    /// The log says what it was: a version, or `None` when it did not exist.
    Logged(Option<Version>),
    /// No change set up to `upto` touched it after that point: it was as it is now.
    Unchanged,
}

pub(super) fn log_key(seq: u64, idx: u32) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[..8].copy_from_slice(&seq.to_be_bytes());
    k[8..].copy_from_slice(&idx.to_be_bytes());
    k
}

fn history_prefix(id: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(id.len() + 9);
    k.extend_from_slice(id.as_bytes());
    k.push(0);
    k
}

pub(super) fn history_key(id: &str, seq: u64) -> Vec<u8> {
    let mut k = history_prefix(id);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

fn seq_of(key: &[u8]) -> u64 {
    let tail: [u8; 8] = key[key.len() - 8..].try_into().expect("8-byte suffix");
    u64::from_be_bytes(tail)
}

fn idx_of(value: &[u8]) -> u32 {
    value.try_into().map(u32::from_be_bytes).unwrap_or(u32::MAX)
}

impl Tx<'_> {
    /// Writes entry `idx` of change set `seq` and its history key;
    /// `stored`: the CRC of the record it creates as this write stored it,
    /// if known ([`entry::encode`]).
    pub(super) fn log_entry(
        &self,
        seq: u64,
        idx: u32,
        entry: &LogEntry,
        stored: Option<u32>,
    ) -> Result<(), Abort> {
        self.log
            .insert(&log_key(seq, idx), entry::encode(entry, stored))?;
        self.history
            .insert(history_key(&entry.id, seq), &idx.to_be_bytes())?;
        for end in entry.relation_ends_left() {
            self.history
                .insert(ends_key(end.as_str(), seq, idx), entry.id.as_bytes())?;
        }
        Ok(())
    }

    /// Writes the change set itself (the commit point of its entries).
    pub(super) fn log_header(&self, set: &ChangeSet) -> Result<(), Abort> {
        self.changesets
            .insert(&set.seq.to_be_bytes(), codec::encode(set))?;
        Ok(())
    }
}

impl Store {
    /// The number of the latest change set (0 when none was ever written).
    pub fn last_seq(&self) -> Result<u64, StoreError> {
        Ok(match self.changesets.last()? {
            Some((k, _)) => seq_of(&k),
            None => self.compacted()?,
        })
    }

    /// Change sets up to this number were compacted away (0: none).
    pub fn compacted(&self) -> Result<u64, StoreError> {
        Ok(self
            .meta
            .get(COMPACTED)?
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(0))
    }

    /// The time of the latest change set, to keep times from going back.
    pub fn last_time(&self) -> Result<i64, StoreError> {
        Ok(match self.changesets.last()? {
            Some((k, v)) => {
                let set: ChangeSet = codec::decode(&v, "changesets", &seq_of(&k).to_string())?;
                set.time_ms
            }
            None => i64::MIN,
        })
    }

    /// Change set `seq`, if it is in the log.
    pub fn change_set(&self, seq: u64) -> Result<Option<ChangeSet>, StoreError> {
        match self.changesets.get(seq.to_be_bytes())? {
            Some(v) => Ok(Some(codec::decode(&v, "changesets", &seq.to_string())?)),
            None => Ok(None),
        }
    }

    /// Change sets after `after` up to `upto`, oldest first.
    pub fn change_sets(
        &self,
        after: u64,
        upto: u64,
    ) -> impl DoubleEndedIterator<Item = Result<ChangeSet, StoreError>> + '_ {
        let start = after.saturating_add(1);
        let end = upto.max(start.saturating_sub(1));
        self.changesets
            .range(start.to_be_bytes()..=end.to_be_bytes())
            .map(|kv| {
                let (k, v) = kv?;
                codec::decode(&v, "changesets", &seq_of(&k).to_string())
            })
    }

    /// The entries of change set `seq`, in order.
    pub fn entries(&self, seq: u64) -> Result<Vec<LogEntry>, StoreError> {
        self.log
            .scan_prefix(seq.to_be_bytes())
            .map(|kv| {
                let (k, v) = kv?;
                self.read_entry(seq, idx_of(&k[8..]), &v)
            })
            .collect()
    }

    /// The entries from entry `idx` of change set `seq` on, in log order, up
    /// to change set `upto` (inclusive), at most `limit`: each with its change
    /// set's number and its index. A subscriber reads the log this way.
    pub fn entries_from(
        &self,
        seq: u64,
        idx: u32,
        upto: u64,
        limit: usize,
    ) -> Result<Vec<(u64, u32, LogEntry)>, StoreError> {
        if seq > upto {
            return Ok(Vec::new());
        }
        self.log
            .range(log_key(seq, idx)..log_key(upto.saturating_add(1), 0))
            .take(limit)
            .map(|kv| {
                let (k, v) = kv?;
                let (s, i) = (seq_of(&k[..8]), idx_of(&k[8..]));
                Ok((s, i, self.read_entry(s, i, &v)?))
            })
            .collect()
    }

    /// Entry `idx` of change set `seq`.
    pub fn entry(&self, seq: u64, idx: u32) -> Result<Option<LogEntry>, StoreError> {
        match self.log.get(log_key(seq, idx))? {
            Some(v) => Ok(Some(self.read_entry(seq, idx, &v)?)),
            None => Ok(None),
        }
    }

    /// The change sets that touched record `id`, newest first: those before
    /// `before` (exclusive) and up to `upto`, at most `limit`, each with the
    /// index of the record's entry.
    pub fn history(
        &self,
        id: &str,
        before: u64,
        upto: u64,
        limit: usize,
    ) -> Result<Vec<(u64, u32)>, StoreError> {
        let end = before.min(upto.saturating_add(1));
        self.history
            .range(history_key(id, 0)..history_key(id, end))
            .rev()
            .take(limit)
            .map(|kv| {
                let (k, v) = kv?;
                Ok((seq_of(&k), idx_of(&v)))
            })
            .collect()
    }

    /// The change sets after `after` and up to `upto` that touched record
    /// `id`, oldest first, at most `limit`.
    pub fn history_after(
        &self,
        id: &str,
        after: u64,
        upto: u64,
        limit: usize,
    ) -> Result<Vec<u64>, StoreError> {
        if after >= upto {
            return Ok(Vec::new());
        }
        self.history
            .range(history_key(id, after + 1)..=history_key(id, upto))
            .keys()
            .take(limit)
            .map(|k| Ok(seq_of(&k?)))
            .collect()
    }

    /// Whether any change set after `seq` and up to `upto` touched `id`: the
    /// first such change set's number.
    pub fn touched_after(&self, id: &str, seq: u64, upto: u64) -> Result<Option<u64>, StoreError> {
        if seq >= upto {
            return Ok(None);
        }
        Ok(self
            .history
            .range(history_key(id, seq + 1)..=history_key(id, upto))
            .next()
            .transpose()?
            .map(|(k, _)| seq_of(&k)))
    }

    /// Record `id` as it was right after change set `seq`, for a reader whose
    /// snapshot includes change sets up to `upto`. Fails for a `seq` that
    /// compaction has removed from the log.
    pub fn as_of(&self, id: &str, seq: u64, upto: u64) -> Result<AsOf, StoreError> {
        let compacted = self.compacted()?;
        if seq < compacted {
            return Err(StoreError::Compacted { seq, compacted });
        }
        if seq >= upto {
            return Ok(AsOf::Unchanged);
        }
        let at = |k: &[u8], v: &[u8]| -> Result<LogEntry, StoreError> {
            let s = seq_of(k);
            self.entry(s, idx_of(v))?
                .ok_or_else(|| StoreError::Corrupt {
                    tree: "history",
                    key: format!("{id}@{s}"),
                    reason: "names a log entry that is missing".into(),
                })
        };
        if let Some(kv) = self
            .history
            .range(history_key(id, 0)..=history_key(id, seq))
            .next_back()
        {
            let (k, v) = kv?;
            return Ok(AsOf::Logged(at(&k, &v)?.after));
        }
        if let Some(kv) = self
            .history
            .range(history_key(id, seq + 1)..=history_key(id, upto))
            .next()
        {
            let (k, v) = kv?;
            return Ok(AsOf::Logged(at(&k, &v)?.before));
        }
        Ok(AsOf::Unchanged)
    }

    /// The last change set committed at or before `time_ms`, among those up
    /// to `upto` (0 when none was): a binary search, times never going back.
    pub fn seq_at(&self, time_ms: i64, upto: u64) -> Result<u64, StoreError> {
        let (mut lo, mut hi) = (self.compacted()?, upto);
        // Invariant: change set `lo` (or the start) is at or before time_ms;
        // everything after `hi` is after it.
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            let t = match self.change_set(mid)? {
                Some(set) => set.time_ms,
                None => i64::MIN,
            };
            if t <= time_ms {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Ok(lo)
    }

    /// Removes change sets up to `through` and their entries from the log
    /// (the records stay as they are); returns how many change sets went.
    /// Batched, each batch one transaction. `meta/log_compacted` moves
    /// first: a reader that finds it below what it read knows that nothing it
    /// read was removed under it (a subscriber relies on that to never skip
    /// silently), and a crash part-way leaves what compaction had yet to
    /// remove, which the next compaction removes.
    pub fn compact(&self, through: u64) -> Result<u64, StoreError> {
        let mut removed = 0;
        if through > self.compacted()? {
            self.meta.insert(COMPACTED, &through.to_be_bytes())?;
        }
        loop {
            let batch: Vec<(sled::IVec, Vec<Vec<u8>>)> = self
                .log
                .range(..log_key(through.saturating_add(1), 0))
                .take(BATCH)
                .map(|kv| {
                    let (k, v) = kv?;
                    let (s, i) = (seq_of(&k[..8]), idx_of(&k[8..]));
                    let e = entry::decode(&v, &format!("{s}/{i}"))?;
                    let keys = index_keys(&e, s, i);
                    Ok((k, keys))
                })
                .collect::<Result<_, StoreError>>()?;
            if batch.is_empty() {
                break;
            }
            self.transact(|t| {
                for (k, keys) in &batch {
                    t.log.remove(k)?;
                    for h in keys {
                        t.history.remove(h.as_slice())?;
                    }
                }
                Ok(())
            })?;
        }
        let sets: Vec<sled::IVec> = self
            .changesets
            .range(..=through.to_be_bytes())
            .keys()
            .collect::<Result<_, _>>()?;
        for chunk in sets.chunks(BATCH) {
            self.transact(|t| {
                for k in chunk {
                    t.changesets.remove(k)?;
                }
                Ok(())
            })?;
            removed += chunk.len() as u64;
        }
        Ok(removed)
    }

    /// Checks the log against the records: every entry belongs to a change
    /// set that counts it, and each record's latest logged version is the
    /// record as stored (absent when the entry deleted it). A record whose
    /// latest entry is its creation is checked against the CRC that entry
    /// kept of it (the entry refers to the stored record, `log/entry.rs`).
    /// Returns every problem found.
    pub(super) fn verify_log(&self, c: &super::Contents) -> Result<Vec<String>, StoreError> {
        use std::collections::HashMap;
        let mut problems = Vec::new();
        let mut stored: HashMap<&str, Version> = HashMap::new();
        for n in &c.nodes {
            stored.insert(n.id.as_str(), Version::Node(n.clone()));
        }
        for r in &c.relations {
            stored.insert(r.id.as_str(), Version::Relation(r.clone()));
        }
        for cf in &c.conflicts {
            stored.insert(cf.id.as_str(), Version::Conflict(cf.clone()));
        }
        for (from, into) in &c.redirects {
            let v = Version::Redirect {
                from: from.clone(),
                into: into.clone(),
            };
            stored.insert(from.as_str(), v);
        }
        let mut counted: HashMap<u64, u64> = HashMap::new();
        for kv in self.log.iter() {
            let (k, _) = kv?;
            *counted.entry(seq_of(&k[..8])).or_default() += 1;
        }
        problems.extend(self.verify_ends()?);
        for (seq, n) in &counted {
            match self.change_set(*seq)? {
                None => problems.push(format!("log entries of change set {seq}, which is missing")),
                Some(set) if set.records != *n => problems.push(format!(
                    "change set {seq} counts {} records, the log holds {n}",
                    set.records
                )),
                Some(_) => {}
            }
        }
        // The history index is sorted by id then number: each id's last key
        // is its latest version.
        let mut latest: Option<(Vec<u8>, u64, u32)> = None;
        let mut check = |id: &[u8], seq: u64, idx: u32| -> Result<(), StoreError> {
            let id = String::from_utf8_lossy(id).into_owned();
            let Some(raw) = self.log.get(log_key(seq, idx))? else {
                problems.push(format!("history of {id} names missing entry {seq}/{idx}"));
                return Ok(());
            };
            if self.stored_as_created(&raw, &format!("{seq}/{idx}"))? == Some(false) {
                problems.push(format!(
                    "{id}: the stored record is not the one its creation (change set {seq}) logged"
                ));
                return Ok(());
            }
            let entry = self.read_entry(seq, idx, &raw)?;
            if entry.after.as_ref() != stored.get(id.as_str()) {
                problems.push(format!(
                    "{id}: the log's latest version (change set {seq}) is not the stored record"
                ));
            }
            Ok(())
        };
        for kv in self.history.range([ENDS + 1]..) {
            let (k, v) = kv?;
            let id = k[..k.len() - 9].to_vec();
            if let Some((prev, s, i)) = &latest {
                if *prev != id {
                    check(prev, *s, *i)?;
                }
            }
            latest = Some((id, seq_of(&k), idx_of(&v)));
        }
        if let Some((prev, s, i)) = &latest {
            check(prev, *s, *i)?;
        }
        Ok(problems)
    }

    /// Undoes the chunks of change set `seq` that a chunked write applied:
    /// restores each record from its entry's old version, newest first, and
    /// removes the entry and its index keys, a batch per transaction (so an
    /// undo cut short goes on where it stopped).
    pub(super) fn undo_logged(&self, seq: u64) -> Result<(), StoreError> {
        loop {
            let batch: Vec<(sled::IVec, Vec<Vec<u8>>, Vec<super::Op>)> = self
                .log
                .scan_prefix(seq.to_be_bytes())
                .rev()
                .take(BATCH)
                .map(|kv| {
                    let (k, v) = kv?;
                    let i = idx_of(&k[8..]);
                    let e = entry::decode(&v, &format!("{seq}/{i}"))?;
                    let keys = index_keys(&e, seq, i);
                    Ok((k, keys, restore_ops(e)?))
                })
                .collect::<Result<_, StoreError>>()?;
            if batch.is_empty() {
                return Ok(());
            }
            self.transact(|t| {
                for (k, keys, ops) in &batch {
                    for op in ops {
                        t.apply(op)?;
                    }
                    t.log.remove(k)?;
                    for h in keys {
                        t.history.remove(h.as_slice())?;
                    }
                }
                Ok(())
            })?;
        }
    }
}

/// The store operations that put a record back as `e` found it: one, or
/// two when the entry changed what the id names (a node merged away into a
/// redirect, or back), since the version after must go too.
fn restore_ops(e: Entry) -> Result<Vec<super::Op>, StoreError> {
    use super::Op;
    let e = match e {
        Entry::Full(e) => e,
        Entry::Created { id, sort, .. } => return created_gone(&id, sort).map(|op| vec![op]),
    };
    let corrupt = |reason: &str| StoreError::Corrupt {
        tree: "log",
        key: e.id.clone(),
        reason: reason.to_owned(),
    };
    let gone = |v: &Version| match v {
        Version::Node(n) => Op::DeleteNode(n.id.clone()),
        Version::Relation(r) => Op::DeleteRelation(r.id.clone()),
        Version::Conflict(c) => Op::DeleteConflict(c.id.clone()),
        Version::Redirect { from, .. } => Op::DeleteRedirect(from.clone()),
    };
    let sort = |v: &Version| std::mem::discriminant(v);
    Ok(match (e.before, e.after) {
        (None, None) => return Err(corrupt("an entry with neither version")),
        (None, Some(after)) => vec![gone(&after)],
        (Some(before), after) => {
            let mut ops: Vec<Op> = after
                .filter(|a| sort(a) != sort(&before))
                .map(|a| gone(&a))
                .into_iter()
                .collect();
            ops.push(match before {
                Version::Node(n) => Op::PutNode(n),
                Version::Relation(r) => Op::PutRelation(r),
                Version::Conflict(c) => Op::PutConflict(c),
                Version::Redirect { from, into } => Op::PutRedirect { from, into },
            });
            ops
        }
    })
}

/// The delete that undoes the creation of record `id`.
fn created_gone(id: &str, sort: entry::Sort) -> Result<super::Op, StoreError> {
    use super::Op;
    use crate::model::{ConflictId, NodeId, RelId};
    let bad = |e: crate::model::IdError| StoreError::Corrupt {
        tree: "log",
        key: id.to_owned(),
        reason: e.to_string(),
    };
    Ok(match sort {
        entry::Sort::Node => Op::DeleteNode(NodeId::parse(id).map_err(bad)?),
        entry::Sort::Relation => Op::DeleteRelation(RelId::parse(id).map_err(bad)?),
        entry::Sort::Conflict => Op::DeleteConflict(ConflictId::parse(id).map_err(bad)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, NodeId};
    use crate::store::Op;

    #[test]
    fn undoing_a_node_merged_into_a_redirect_removes_the_redirect_and_puts_the_node_back() {
        let b = NodeId::parse("person:b").unwrap();
        let node = Node::new(b.clone(), "B");
        let entry = LogEntry {
            id: b.to_string(),
            before: Some(Version::Node(node)),
            after: Some(Version::Redirect {
                from: b.clone(),
                into: NodeId::parse("person:a").unwrap(),
            }),
        };
        let ops = restore_ops(Entry::Full(entry)).unwrap();
        assert!(
            matches!(&ops[..], [Op::DeleteRedirect(f), Op::PutNode(n)] if *f == b && n.id == b)
        );
    }

    #[test]
    fn undoing_an_update_is_one_put() {
        let n = Node::new(NodeId::parse("person:b").unwrap(), "B");
        let entry = LogEntry {
            id: "person:b".into(),
            before: Some(Version::Node(n.clone())),
            after: Some(Version::Node(Node::new(n.id.clone(), "B2"))),
        };
        assert!(
            matches!(&restore_ops(Entry::Full(entry)).unwrap()[..], [Op::PutNode(p)] if *p == n)
        );
    }
}
