//! Format 3 to 4, 4 to 5 (the change log, which needs only new trees),
//! 5 to 6 (creations logged as references, which older entries need not be)
//! 6 to 7 (the log's ends index keeps only the ends an entry takes away)
//! and 7 to 8 (values written as MessagePack instead of JSON).
//!
//! Format 3 to 4: attendances list their roles. Format 3 wrote one `role`
//! (`"role": "chair"`); format 4 writes `roles` (`"roles": ["host", "chair"]`).
//! Records decode either way, but a format-3 build would refuse `roles`, so the
//! version is bumped and every stored relation still spelt the old way is
//! rewritten in the new one.

use super::codec::{decode, encode};
use super::{Store, StoreError};
use crate::model::Relation;

/// The format that brought `roles`.
pub const ROLES_FORMAT: u32 = 4;

/// The format that brought the change log and redirects.
pub const LOG_FORMAT: u32 = 5;

/// The format whose log entries for a creation refer to the record instead
/// of copying it (`log/entry.rs`).
pub const CREATED_REF_FORMAT: u32 = 6;

/// The format whose log indexes only the relation ends an entry takes away
/// (`log/ends.rs`), and whose creation entries no longer copy a relation's
/// ends.
pub const LOST_ENDS_FORMAT: u32 = 7;

/// The format whose values are MessagePack (`codec.rs`).
pub const MSGPACK_FORMAT: u32 = 8;

impl Store {
    /// Rewrites every relation with a `role` as one with `roles`, in one
    /// atomic batch, flushes, and only then writes the new version: a crash in
    /// between leaves a store at format 3 that the next open migrates again
    /// (rewriting a record already rewritten changes nothing).
    pub(super) fn migrate_to_4(&self, found: u32) -> Result<(), StoreError> {
        let mut batch = sled::Batch::default();
        let mut rewritten = 0usize;
        for kv in self.relations.iter() {
            let (k, v) = kv?;
            let key = String::from_utf8_lossy(&k).into_owned();
            let raw: serde_json::Value = decode(&v, "relations", &key)?;
            if raw.get("role").is_none() {
                continue;
            }
            let r: Relation = decode(&v, "relations", &key)?;
            batch.insert(k, encode(&r));
            rewritten += 1;
        }
        self.relations.apply_batch(batch)?;
        self.db.flush()?;
        self.meta
            .insert("format_version", &ROLES_FORMAT.to_be_bytes())?;
        self.db.flush()?;
        tracing::info!(
            from = found,
            to = ROLES_FORMAT,
            rewritten,
            "store format migrated"
        );
        Ok(())
    }

    /// Format 4 to 5: the change log's trees and `redirects`, opened (and so
    /// created, empty) before this runs; only the version changes. The log
    /// of a migrated store begins with its first write.
    pub(super) fn migrate_to_5(&self, found: u32) -> Result<(), StoreError> {
        self.meta
            .insert("format_version", &LOG_FORMAT.to_be_bytes())?;
        self.db.flush()?;
        tracing::info!(from = found, to = LOG_FORMAT, "store format migrated");
        Ok(())
    }

    /// Format 5 to 6: a format-5 entry in full still reads the same (only
    /// a format-6 build writes references, which a format-5 build would
    /// misread as an entry with neither version), so only the version
    /// changes.
    pub(super) fn migrate_to_6(&self, found: u32) -> Result<(), StoreError> {
        self.meta
            .insert("format_version", &CREATED_REF_FORMAT.to_be_bytes())?;
        self.db.flush()?;
        tracing::info!(
            from = found,
            to = CREATED_REF_FORMAT,
            "store format migrated"
        );
        Ok(())
    }

    /// Format 6 to 7: a format-6 entry still reads the same (its copy of a
    /// created relation's ends is ignored), and the ends index is rebuilt
    /// right after the migrations by `index_relation_ends`, which a crash
    /// in between only makes run again (`meta/log_ends` is written last).
    /// A format-6 build must not open the result: it would take the missing
    /// ends of created relations for lost keys. Only the version changes.
    pub(super) fn migrate_to_7(&self, found: u32) -> Result<(), StoreError> {
        self.meta
            .insert("format_version", &LOST_ENDS_FORMAT.to_be_bytes())?;
        self.db.flush()?;
        tracing::info!(from = found, to = LOST_ENDS_FORMAT, "store format migrated");
        Ok(())
    }

    /// Format 7 to 8: a format-7 value (JSON, record version 1) still reads,
    /// and stays as it is until its record next changes, so only the version
    /// changes. Rewriting every record now would also mean rewriting the
    /// CRC each creation's log entry keeps of the stored bytes, for a store
    /// that `export` and `import` make compact anyway. A format-7 build must
    /// not open the result: it cannot read a version-2 value.
    pub(super) fn migrate_to_8(&self, found: u32) -> Result<(), StoreError> {
        self.meta
            .insert("format_version", &MSGPACK_FORMAT.to_be_bytes())?;
        self.db.flush()?;
        tracing::info!(from = found, to = MSGPACK_FORMAT, "store format migrated");
        Ok(())
    }
}
