//! A change-log entry as the `log` tree holds it: in full, or, for the
//! creation of a node, relation or conflict (format 6), as a reference.
//!
//! A creation's version after is the record right after its change set.
//! That version is also the version before of the record's next entry, or,
//! when the record has none, the record as stored now: every change to a
//! record is logged (`verify_log` checks the last one against the store).
//! So a creation need not copy the record, and an import, whose entries are
//! all creations, no longer writes every record twice. The reference keeps
//! the id and the sort of record, so an undo needs no record (entries
//! written before the ends index kept only lost ends also kept a relation's
//! ends; a reader ignores them). It also keeps a CRC-32 of the
//! record's stored bytes, so `verify_log` still finds a record changed
//! behind the log's back when its only entry is its creation. Entries of
//! format 5 (and every update, delete or redirect) stay in full.

use serde::{Deserialize, Serialize};

use super::{history_key, idx_of, seq_of};
use crate::model::{Conflict, LogEntry, Node, NodeId, Relation, Version};
use crate::store::{codec, Store, StoreError};

/// The tree a created record lives in.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(in crate::store) enum Sort {
    Node,
    Relation,
    Conflict,
}

/// The stored form: either spelling reads through it.
#[derive(Serialize, Deserialize)]
struct Stored {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    before: Option<Version>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after: Option<Version>,
    /// Set on a reference: the record was created, and is the version
    /// described in the module doc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created: Option<Sort>,
    /// On a reference: the CRC-32 of the record's bytes as stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crc: Option<u32>,
}

/// An entry as read from the tree, before a reference is resolved.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one at a time, never stored
pub(in crate::store) enum Entry {
    Full(LogEntry),
    Created {
        id: String,
        sort: Sort,
        /// [`record_crc`] of the record as created (none in entries
        /// written before it was kept).
        crc: Option<u32>,
    },
}

/// The CRC-32 of a record's stored bytes.
pub(in crate::store) fn record_crc(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// The bytes `log` holds for `e`. `stored` is the [`record_crc`] of the
/// bytes the same write stored for the record `e` creates, when the caller
/// has them (`Tx::apply` returns it): the record is then not encoded again.
pub(in crate::store) fn encode(e: &LogEntry, stored: Option<u32>) -> Vec<u8> {
    // The record's bytes are what `Tx::apply` stores: the same encoding.
    let created = match (&e.before, &e.after) {
        (None, Some(Version::Node(n))) => Some((
            Sort::Node,
            stored.unwrap_or_else(|| record_crc(&codec::encode(n))),
        )),
        (None, Some(Version::Relation(r))) => Some((
            Sort::Relation,
            stored.unwrap_or_else(|| record_crc(&codec::encode(r))),
        )),
        (None, Some(Version::Conflict(c))) => Some((
            Sort::Conflict,
            stored.unwrap_or_else(|| record_crc(&codec::encode(c))),
        )),
        _ => None,
    };
    match created {
        Some((sort, crc)) => codec::encode(&Stored {
            id: e.id.clone(),
            before: None,
            after: None,
            created: Some(sort),
            crc: Some(crc),
        }),
        None => codec::encode(e),
    }
}

/// Reads the bytes of entry `key` (for errors).
pub(in crate::store) fn decode(bytes: &[u8], key: &str) -> Result<Entry, StoreError> {
    let s: Stored = codec::decode(bytes, "log", key)?;
    Ok(match s.created {
        Some(sort) => Entry::Created {
            id: s.id,
            sort,
            crc: s.crc,
        },
        None => Entry::Full(LogEntry {
            id: s.id,
            before: s.before,
            after: s.after,
        }),
    })
}

impl Entry {
    pub(in crate::store) fn id(&self) -> &str {
        match self {
            Entry::Full(e) => &e.id,
            Entry::Created { id, .. } => id,
        }
    }

    /// [`LogEntry::relation_ends_left`] (none for a creation).
    pub(in crate::store) fn relation_ends_left(&self) -> Vec<NodeId> {
        match self {
            Entry::Full(e) => e.relation_ends_left(),
            Entry::Created { .. } => Vec::new(),
        }
    }
}

impl Store {
    /// Entry `idx` of change set `seq` from its bytes, a reference resolved.
    pub(in crate::store) fn read_entry(
        &self,
        seq: u64,
        idx: u32,
        bytes: &[u8],
    ) -> Result<LogEntry, StoreError> {
        let key = format!("{seq}/{idx}");
        match decode(bytes, &key)? {
            Entry::Full(e) => Ok(e),
            Entry::Created { id, sort, .. } => {
                let after = self.created_version(&id, sort, seq, &key)?;
                Ok(LogEntry {
                    id,
                    before: None,
                    after: Some(after),
                })
            }
        }
    }

    /// For the raw entry `bytes` (entry `key`) that is a record's latest:
    /// whether the record is stored as its creation logged it, by the CRC
    /// the entry kept; `None` when the entry is not a creation or kept none.
    pub(in crate::store) fn stored_as_created(
        &self,
        bytes: &[u8],
        key: &str,
    ) -> Result<Option<bool>, StoreError> {
        let Entry::Created {
            id,
            sort,
            crc: Some(crc),
            ..
        } = decode(bytes, key)?
        else {
            return Ok(None);
        };
        let tree = match sort {
            Sort::Node => &self.nodes,
            Sort::Relation => &self.relations,
            Sort::Conflict => &self.conflicts,
        };
        Ok(Some(tree.get(&id)?.is_some_and(|v| record_crc(&v) == crc)))
    }

    /// The version record `id` (created in change set `seq`) had right
    /// after it: the next entry's version before, or the stored record.
    /// The record is read first: a write's entries are in the same sled
    /// transaction as its records, so a record changed after this read has
    /// its entry found below, and one changed after that cannot have been
    /// read.
    fn created_version(
        &self,
        id: &str,
        sort: Sort,
        seq: u64,
        key: &str,
    ) -> Result<Version, StoreError> {
        let corrupt = |reason: &str| StoreError::Corrupt {
            tree: "log",
            key: key.to_owned(),
            reason: format!("the creation of {id} {reason}"),
        };
        let stored = match sort {
            Sort::Node => self
                .nodes
                .get(id)?
                .map(|v| codec::decode::<Node>(&v, "nodes", id).map(Version::Node)),
            Sort::Relation => self
                .relations
                .get(id)?
                .map(|v| codec::decode::<Relation>(&v, "relations", id).map(Version::Relation)),
            Sort::Conflict => self
                .conflicts
                .get(id)?
                .map(|v| codec::decode::<Conflict>(&v, "conflicts", id).map(Version::Conflict)),
        }
        .transpose()?;
        let next = self
            .history
            .range(history_key(id, seq.saturating_add(1))..=history_key(id, u64::MAX))
            .next()
            .transpose()?;
        if let Some((k, v)) = next {
            let (s, i) = (seq_of(&k), idx_of(&v));
            let bytes = self
                .log
                .get(super::log_key(s, i))?
                .ok_or_else(|| corrupt("is followed by a missing entry"))?;
            return match decode(&bytes, &format!("{s}/{i}"))? {
                Entry::Full(LogEntry {
                    before: Some(b), ..
                }) => Ok(b),
                _ => Err(corrupt(
                    "is followed by an entry without its version before",
                )),
            };
        }
        stored.ok_or_else(|| corrupt("names a record that is neither stored nor changed later"))
    }
}

#[cfg(test)]
#[path = "entry_tests.rs"]
mod tests;
