//! The sled store, the source of truth.
//!
//! # On-disk layout (format version [`FORMAT_VERSION`])
//! One tree per concept; every record value is one version byte then the
//! record: MessagePack with field names (version 2, format 8 on), or JSON
//! (version 1, formats 1 to 7, still read; see `codec.rs`).
//! - `meta`: `format_version` → u32 big-endian; `seeded` → present once the
//!   built-in seed data went in; `journal` → present while a chunked write is
//!   unfinished; `cluster_applied` → the last change set applied from the
//!   shared log, in a store that belongs to a cluster ([`cluster`]).
//! - `nodes`: node id → [`Node`]; `relations`: relation id → [`Relation`];
//!   `conflicts`: conflict id → [`Conflict`].
//! - `undo`: sequence number → how to restore a record, for the chunked write
//!   in progress ([`journal`]); empty otherwise.
//! - `redirects`: the id of a node merged into another → the survivor's id.
//! - `changesets`, `log`, `history`: the change log ([`log`]): every write as
//!   a numbered change set with who, when and why, and each record it touched
//!   before and after.
//!
//! Formats 1 and 2 also kept three index trees (`edges_out`, `edges_in`,
//! `refs`) written on every write and read by nothing: every query is
//! answered from the in-memory graph, loaded whole at start-up. Format 3
//! dropped them ([`DROPPED_TREES`]); opening an older store drops them.
//! Format 4 writes an attendance's roles as a list, `roles`, where format 3
//! wrote one `role`; opening a format-3 store rewrites them (`migrate.rs`).
//! Format 5 added the change log and `redirects`; a format-4 store gains the
//! empty trees, and its log begins with the first write after the upgrade.
//! Format 6 logs the creation of a node, relation or conflict as a reference
//! to the record instead of a copy of it (`log/entry.rs`); format-5 entries
//! read the same, so opening a format-5 store only bumps the version.
//! Format 7 indexes only the relation ends a log entry takes away.
//! Format 8 writes records, change sets, log and undo entries as
//! MessagePack instead of JSON; a format-7 store's JSON values still read
//! (each says its encoding in its first byte), so opening it only bumps the
//! version, and each record is rewritten compactly the next time it changes.
//!
//! Architecture invariant: every write is one sled transaction over all trees,
//! its change-log entries included ([`Store::apply_logged`]), or, when larger than [`journal::CHUNK_OPS`], chunks
//! under an undo journal that make it all or nothing just the same. Durability
//! is separate: [`Store::flush`].

mod cluster;
mod codec;
mod guard;
mod journal;
pub mod log;
mod migrate;
mod staged;

use std::path::{Path, PathBuf};

use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use sled::Transactional;

use crate::model::{Conflict, ConflictId, Node, NodeId, RelId, Relation};

pub use cluster::CLUSTER_APPLIED;
pub use codec::FORMAT_VERSION;
pub use guard::sled_config;
pub use log::{AsOf, LogWrite};

/// sled's page cache. Reads are answered from the in-memory graph, so the
/// cache serves only writes (which read the old record) and the scan at
/// start-up; sled's default of 1 GiB would keep a second copy of a large
/// store in memory for nothing. `--store-cache-mb` overrides it.
pub const CACHE_BYTES: u64 = 64 << 20;

/// How long [`Store::open`] waits for a lock that a just-closed store of this
/// process (or a process that just exited) has not released yet.
pub const LOCK_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("the store at {path} is in use by another process (sled holds a lock on it); stop that process or pass another --data directory")]
    Locked { path: PathBuf },
    #[error(
        "the store at {path} has format version {found}, this build reads version {expected}{hint}"
    )]
    FormatVersion {
        path: PathBuf,
        found: u32,
        expected: u32,
        hint: &'static str,
    },
    #[error("cannot open the store at {path}: {source}")]
    Open { path: PathBuf, source: sled::Error },
    #[error("cannot open the store at {path}: no space left on its device (opening a store writes a snapshot of sled's page table); free some space and try again, the store was left as it was")]
    DiskFull { path: PathBuf },
    #[error("cannot use {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("corrupt record in tree `{tree}` at key `{key}`: {reason}")]
    Corrupt {
        tree: &'static str,
        key: String,
        reason: String,
    },
    #[error("change set {seq} is older than the log keeps: change sets up to {compacted} were compacted away")]
    Compacted { seq: u64, compacted: u64 },
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
    #[error("writes staged for a flush were not applied ({reason}); the store takes no more writes until it is reopened")]
    GroupFailed { reason: String },
}

/// One change to write; the store finds the old record itself.
#[derive(Debug, Clone)]
pub enum Op {
    PutNode(Node),
    DeleteNode(NodeId),
    PutRelation(Relation),
    DeleteRelation(RelId),
    PutConflict(Conflict),
    DeleteConflict(ConflictId),
    /// `from` was merged into `into`.
    PutRedirect {
        from: NodeId,
        into: NodeId,
    },
    DeleteRedirect(NodeId),
}

/// Everything in the store, as loaded at start-up.
#[derive(Debug, Default)]
pub struct Contents {
    pub nodes: Vec<Node>,
    pub relations: Vec<Relation>,
    pub conflicts: Vec<Conflict>,
    /// Merged id → survivor id.
    pub redirects: Vec<(NodeId, NodeId)>,
}

/// A handle on the sled database and its trees. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    meta: sled::Tree,
    nodes: sled::Tree,
    relations: sled::Tree,
    conflicts: sled::Tree,
    /// Undo entries of a chunked write in progress (see [`journal`]).
    undo: sled::Tree,
    redirects: sled::Tree,
    changesets: sled::Tree,
    log: sled::Tree,
    history: sled::Tree,
    /// Writes waiting for the next flush (see [`staged`]).
    staged: std::sync::Arc<staged::Staged>,
}

/// Trees of formats 1 and 2 that format 3 no longer keeps: forward and
/// reverse edge indexes and a "who references X" index, written on every
/// write and read by nothing (queries use the in-memory graph).
pub const DROPPED_TREES: [&str; 3] = ["edges_out", "edges_in", "refs"];

type Abort = ConflictableTransactionError<StoreError>;

fn abort(e: StoreError) -> Abort {
    ConflictableTransactionError::Abort(e)
}

/// The trees inside one sled transaction.
struct Tx<'a> {
    nodes: &'a TransactionalTree,
    rels: &'a TransactionalTree,
    confs: &'a TransactionalTree,
    meta: &'a TransactionalTree,
    undo: &'a TransactionalTree,
    redirects: &'a TransactionalTree,
    changesets: &'a TransactionalTree,
    log: &'a TransactionalTree,
    history: &'a TransactionalTree,
}

impl Tx<'_> {
    /// Applies one op; for a put of a node, relation or conflict, returns
    /// the [`log::record_crc`] of the bytes stored, for its creation's log
    /// entry (so the record is encoded once).
    fn apply(&self, op: &Op) -> Result<Option<u32>, Abort> {
        let Tx {
            nodes,
            rels,
            confs,
            redirects,
            ..
        } = *self;
        let put = |tree: &TransactionalTree, id: &str, bytes: Vec<u8>| {
            let crc = log::record_crc(&bytes);
            tree.insert(id.as_bytes(), bytes).map(|_| Some(crc))
        };
        match op {
            Op::PutNode(n) => return Ok(put(nodes, n.id.as_str(), codec::encode(n))?),
            Op::DeleteNode(id) => {
                nodes.remove(id.as_str().as_bytes())?;
            }
            Op::PutRelation(r) => return Ok(put(rels, r.id.as_str(), codec::encode(r))?),
            Op::DeleteRelation(id) => {
                rels.remove(id.as_str().as_bytes())?;
            }
            Op::PutConflict(c) => return Ok(put(confs, c.id.as_str(), codec::encode(c))?),
            Op::DeleteConflict(id) => {
                confs.remove(id.as_str().as_bytes())?;
            }
            Op::PutRedirect { from, into } => {
                redirects.insert(from.as_str().as_bytes(), codec::encode(into))?;
            }
            Op::DeleteRedirect(from) => {
                redirects.remove(from.as_str().as_bytes())?;
            }
        }
        Ok(None)
    }

    /// One write: its ops, each with its log entry, its change set, then
    /// its metadata.
    fn write(
        &self,
        ops: &[Op],
        meta: &[(&str, Vec<u8>)],
        log: Option<&LogWrite<'_>>,
    ) -> Result<(), Abort> {
        for (i, op) in ops.iter().enumerate() {
            self.apply_with_entry(op, i, log)?;
        }
        if let Some(l) = log {
            self.log_header(l.set)?;
        }
        for (k, v) in meta {
            self.meta.insert(k.as_bytes(), v.as_slice())?;
        }
        Ok(())
    }

    /// Applies op `i` of a write and, when there is one, its log entry.
    fn apply_with_entry(&self, op: &Op, i: usize, log: Option<&LogWrite<'_>>) -> Result<(), Abort> {
        let crc = self.apply(op)?;
        if let Some(l) = log {
            if let Some(e) = l.entries.get(i) {
                // The bytes just stored are the record this entry creates
                // only when the op put the entry's record.
                let stored = crc.filter(|_| op.put_id() == Some(e.id.as_str()));
                self.log_entry(l.set.seq, i as u32, e, stored)?;
            }
        }
        Ok(())
    }
}

impl Op {
    /// The id of the node, relation or conflict this op puts.
    fn put_id(&self) -> Option<&str> {
        match self {
            Op::PutNode(n) => Some(n.id.as_str()),
            Op::PutRelation(r) => Some(r.id.as_str()),
            Op::PutConflict(c) => Some(c.id.as_str()),
            _ => None,
        }
    }
}

impl Store {
    /// Opens (or creates) the store in `dir` and checks its format version.
    ///
    /// sled releases its file lock from background threads a moment after the
    /// last handle of a closed store is dropped (spacejam/sled#1289), so a
    /// lock held at the first try is retried for up to [`LOCK_GRACE`] before
    /// the store is reported as in use. An incomplete sled snapshot is
    /// removed before sled opens, and a full disk is [`StoreError::DiskFull`]
    /// with the store left as it was (see `guard.rs`).
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        Self::open_with(dir, CACHE_BYTES)
    }

    /// [`Store::open`] with a page cache of `cache_bytes`.
    pub fn open_with(dir: &Path, cache_bytes: u64) -> Result<Store, StoreError> {
        let start = std::time::Instant::now();
        let db = loop {
            match guard::open_sled(dir, cache_bytes) {
                Err(StoreError::Locked { .. }) if start.elapsed() < LOCK_GRACE => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => break other?,
            }
        };
        Self::prepare(db, dir).map_err(|e| match e {
            StoreError::Sled(e) if guard::is_disk_full(&e) => StoreError::DiskFull {
                path: dir.to_owned(),
            },
            other => other,
        })
    }

    /// Opens the trees, checks or migrates the format version and finishes an
    /// interrupted chunked write.
    fn prepare(db: sled::Db, dir: &Path) -> Result<Store, StoreError> {
        let store = Store {
            meta: db.open_tree("meta")?,
            nodes: db.open_tree("nodes")?,
            relations: db.open_tree("relations")?,
            conflicts: db.open_tree("conflicts")?,
            undo: db.open_tree("undo")?,
            redirects: db.open_tree("redirects")?,
            changesets: db.open_tree("changesets")?,
            log: db.open_tree("log")?,
            history: db.open_tree("history")?,
            staged: Default::default(),
            db,
        };
        match store.meta.get("format_version")? {
            None => {
                if !store.nodes.is_empty() || !store.relations.is_empty() {
                    return Err(StoreError::FormatVersion {
                        path: dir.to_owned(),
                        found: 0,
                        expected: FORMAT_VERSION,
                        hint: " (records without a version: export them with the build that wrote them)",
                    });
                }
                store
                    .meta
                    .insert("format_version", &FORMAT_VERSION.to_be_bytes())?;
                store.db.flush()?;
            }
            Some(v) => {
                let found =
                    u32::from_be_bytes(v.as_ref().try_into().map_err(|_| StoreError::Corrupt {
                        tree: "meta",
                        key: "format_version".into(),
                        reason: "not a u32".into(),
                    })?);
                if (1..FORMAT_VERSION).contains(&found) {
                    // Each step names the format it starts from.
                    if found <= 2 {
                        store.migrate_to_3(found)?;
                    }
                    if found <= 3 {
                        store.migrate_to_4(found.max(3))?;
                    }
                    if found <= 4 {
                        store.migrate_to_5(found.max(4))?;
                    }
                    if found <= 5 {
                        store.migrate_to_6(found.max(5))?;
                    }
                    if found <= 6 {
                        store.migrate_to_7(found.max(6))?;
                    }
                    store.migrate_to_8(found.max(7))?;
                } else if found != FORMAT_VERSION {
                    return Err(StoreError::FormatVersion {
                        path: dir.to_owned(),
                        found,
                        expected: FORMAT_VERSION,
                        hint: if found > FORMAT_VERSION {
                            " (written by a newer Attaché: upgrade this binary)"
                        } else {
                            " (written by an older Attaché: export it with that version and import it here)"
                        },
                    });
                }
            }
        }
        store.recover()?;
        store.index_relation_ends()?;
        Ok(store)
    }

    /// Formats 1 and 2 to 3. Format 2 added the `undo` tree and
    /// `meta/journal` (see `journal`), which a format-1 store lacks and needs
    /// no conversion for; format 3 dropped [`DROPPED_TREES`]. The trees go
    /// first and the version is bumped only once their removal is durable, so
    /// a crash in between leaves a store at the old version that the next open
    /// migrates again (dropping a tree that is gone is a no-op).
    fn migrate_to_3(&self, found: u32) -> Result<(), StoreError> {
        for name in DROPPED_TREES {
            self.db.drop_tree(name)?;
        }
        self.db.flush()?;
        self.meta.insert("format_version", &3u32.to_be_bytes())?;
        self.db.flush()?;
        tracing::info!(from = found, to = 3, "store format migrated");
        Ok(())
    }

    /// Reads every record, checking each decodes.
    pub fn load(&self) -> Result<Contents, StoreError> {
        Ok(Contents {
            nodes: codec::decode_tree(&self.nodes, "nodes")?,
            relations: codec::decode_tree(&self.relations, "relations")?,
            conflicts: codec::decode_tree(&self.conflicts, "conflicts")?,
            redirects: self
                .redirects
                .iter()
                .map(|kv| {
                    let (k, v) = kv?;
                    let key = String::from_utf8_lossy(&k).into_owned();
                    let into: NodeId = codec::decode(&v, "redirects", &key)?;
                    let from = NodeId::parse(&key).map_err(|e| StoreError::Corrupt {
                        tree: "redirects",
                        key: key.clone(),
                        reason: e.to_string(),
                    })?;
                    Ok((from, into))
                })
                .collect::<Result<_, StoreError>>()?,
        })
    }

    /// Whether nothing has ever been stored (the seed data goes into such a store).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.relations.is_empty() && self.conflicts.is_empty()
    }

    /// A small metadata value.
    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.meta.get(key)?.map(|v| v.to_vec()))
    }

    /// Applies all `ops`: the records change together or
    /// not at all. Up to [`journal::CHUNK_OPS`] operations are one sled
    /// transaction; a larger write is applied in chunks under an undo journal
    /// (sled keeps every page version of a transaction until it ends, so one
    /// huge transaction needs memory far beyond the data's size). Not durable
    /// until [`Store::flush`].
    pub fn apply(&self, ops: &[Op], meta: &[(&str, Vec<u8>)]) -> Result<(), StoreError> {
        self.apply_logged(ops, meta, None)
    }

    /// [`Store::apply`], writing the change set `log` and its entries (one
    /// per op, in order) in the same transaction, or the same chunks.
    pub fn apply_logged(
        &self,
        ops: &[Op],
        meta: &[(&str, Vec<u8>)],
        log: Option<LogWrite<'_>>,
    ) -> Result<(), StoreError> {
        if let Some(l) = &log {
            // One entry per record: a node merged away and the redirect
            // that replaces it are two ops but one record, so one entry.
            assert!(l.entries.len() <= ops.len(), "at most one log entry per op");
        }
        if ops.len() > journal::CHUNK_OPS {
            return self.apply_journaled(ops, meta, log);
        }
        self.transact(|t| t.write(ops, meta, log.as_ref()))
    }

    /// Runs `f` in one sled transaction over every tree, after the writes
    /// staged for the next flush ([`staged`]), so writes keep their order.
    fn transact(&self, f: impl Fn(&Tx<'_>) -> Result<(), Abort>) -> Result<(), StoreError> {
        let _order = self.staged.order();
        self.apply_staged()?;
        self.transact_now(f)
    }

    /// [`Store::transact`] with the order lock held and the staged writes
    /// applied by the caller.
    fn transact_now(&self, f: impl Fn(&Tx<'_>) -> Result<(), Abort>) -> Result<(), StoreError> {
        let trees = (
            &self.nodes,
            &self.relations,
            &self.conflicts,
            &self.meta,
            &self.undo,
            &self.redirects,
            &self.changesets,
            &self.log,
            &self.history,
        );
        let res = trees.transaction(
            |(nodes, rels, confs, meta, undo, redirects, changesets, log, history)| {
                f(&Tx {
                    nodes,
                    rels,
                    confs,
                    meta,
                    undo,
                    redirects,
                    changesets,
                    log,
                    history,
                })
            },
        );
        res.map_err(|e| match e {
            TransactionError::Abort(e) => e,
            TransactionError::Storage(e) => StoreError::Sled(e),
        })
    }

    /// The store's size on disk in bytes, as sled counts it.
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        Ok(self.db.size_on_disk()?)
    }

    /// Applies the writes staged so far ([`Store::stage`]) in one
    /// transaction, then makes everything applied durable; returns the
    /// bytes written.
    pub fn flush(&self) -> Result<usize, StoreError> {
        {
            let _order = self.staged.order();
            self.apply_staged()?;
        }
        Ok(self.db.flush()?)
    }

    /// Checks the store and returns every problem found (empty when it is
    /// consistent): every record decodes, every node a relation names exists,
    /// no tree of an older format is left and no undo entry outlives its
    /// chunked write. Scans everything: for `attache check` and tests.
    pub fn verify(&self) -> Result<Vec<String>, StoreError> {
        let c = self.load()?;
        let node_ids: std::collections::HashSet<_> =
            c.nodes.iter().map(|n| n.id.as_str().to_owned()).collect();
        let mut problems = Vec::new();
        for r in &c.relations {
            for (field, id) in r.node_refs() {
                if !node_ids.contains(id.as_str()) {
                    problems.push(format!("{} {field} points at missing {id}", r.id));
                }
            }
        }
        for name in self.db.tree_names() {
            if DROPPED_TREES.iter().any(|d| d.as_bytes() == name.as_ref()) {
                let name = String::from_utf8_lossy(&name);
                problems.push(format!("tree `{name}` of format 2 is still there"));
            }
        }
        if self.meta.get(journal::MARKER)?.is_none() && !self.undo.is_empty() {
            problems.push("undo entries without a chunked write in progress".into());
        }
        problems.extend(self.verify_log(&c)?);
        Ok(problems)
    }
}

#[cfg(test)]
mod log_ends_tests;
#[cfg(test)]
mod staged_tests;
#[cfg(test)]
mod test_fixtures;
#[cfg(test)]
mod tests;
