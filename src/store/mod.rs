//! The sled store, the source of truth.
//!
//! # On-disk layout (format version [`FORMAT_VERSION`])
//! One tree per concept; every value is one version byte then JSON.
//! - `meta`: `format_version` → u32 big-endian; `seeded` → present once the
//!   built-in seed data went in; `journal` → present while a chunked write is
//!   unfinished.
//! - `nodes`: node id → [`Node`]; `relations`: relation id → [`Relation`];
//!   `conflicts`: conflict id → [`Conflict`].
//! - `edges_out`: `from \0 kind \0 rel` → empty (forward index);
//!   `edges_in`: `to \0 kind \0 rel` → empty (reverse index).
//! - `undo`: sequence number → how to restore a record, for the chunked write
//!   in progress ([`journal`]); empty otherwise.
//! - `refs`: `target \0 referrer` → field name: every reference that is not an
//!   edge end (a relation's capacity, on_behalf_of or topic, a cited source, a
//!   conflict's claim), so "who points at X" is one prefix scan.
//!
//! Architecture invariant: every write is one sled transaction over all trees
//! ([`Store::apply`]), or, when larger than [`journal::CHUNK_OPS`], chunks
//! under an undo journal that make it all or nothing just the same; it reads the old record inside the transaction so that
//! index entries are removed and added with the record, whatever the caller
//! believes. Durability is separate: [`Store::flush`].

mod codec;
mod guard;
mod journal;

use std::path::{Path, PathBuf};

use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use sled::Transactional;

use crate::model::{Conflict, ConflictId, Node, NodeId, RelId, Relation};

pub use codec::FORMAT_VERSION;

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
    #[error("storage error: {0}")]
    Sled(#[from] sled::Error),
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
}

/// Everything in the store, as loaded at start-up.
#[derive(Debug, Default)]
pub struct Contents {
    pub nodes: Vec<Node>,
    pub relations: Vec<Relation>,
    pub conflicts: Vec<Conflict>,
}

/// A handle on the sled database and its trees. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    meta: sled::Tree,
    nodes: sled::Tree,
    relations: sled::Tree,
    conflicts: sled::Tree,
    edges_out: sled::Tree,
    edges_in: sled::Tree,
    refs: sled::Tree,
    /// Undo entries of a chunked write in progress (see [`journal`]).
    undo: sled::Tree,
}

const SEP: u8 = 0;

fn key3(a: &str, b: &str, c: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(a.len() + b.len() + c.len() + 2);
    k.extend_from_slice(a.as_bytes());
    k.push(SEP);
    k.extend_from_slice(b.as_bytes());
    k.push(SEP);
    k.extend_from_slice(c.as_bytes());
    k
}

fn key2(a: &str, b: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(a.len() + b.len() + 1);
    k.extend_from_slice(a.as_bytes());
    k.push(SEP);
    k.extend_from_slice(b.as_bytes());
    k
}

/// The `refs` entries a record makes: (target, referrer, field).
fn node_refs(n: &Node) -> Vec<(Vec<u8>, Vec<u8>)> {
    n.all_citations()
        .map(|(field, c)| (key2(c.source.as_str(), n.id.as_str()), field.into_bytes()))
        .collect()
}

fn rel_refs(r: &Relation) -> Vec<(Vec<u8>, Vec<u8>)> {
    r.node_refs()
        .filter(|(f, _)| f != "from" && f != "to")
        .map(|(f, id)| (key2(id.as_str(), r.id.as_str()), f.into_bytes()))
        .collect()
}

fn conflict_refs(c: &Conflict) -> Vec<(Vec<u8>, Vec<u8>)> {
    c.claims
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                key2(r.as_str(), c.id.as_str()),
                format!("claims[{i}]").into_bytes(),
            )
        })
        .collect()
}

type Abort = ConflictableTransactionError<StoreError>;

fn abort(e: StoreError) -> Abort {
    ConflictableTransactionError::Abort(e)
}

/// The trees inside one sled transaction.
struct Tx<'a> {
    nodes: &'a TransactionalTree,
    rels: &'a TransactionalTree,
    confs: &'a TransactionalTree,
    out: &'a TransactionalTree,
    inn: &'a TransactionalTree,
    refs: &'a TransactionalTree,
    meta: &'a TransactionalTree,
    undo: &'a TransactionalTree,
}

impl Tx<'_> {
    /// Applies one op, keeping every index entry in step with the records.
    fn apply(&self, op: &Op) -> Result<(), Abort> {
        let Tx {
            nodes,
            rels,
            confs,
            out,
            inn,
            refs,
            ..
        } = *self;
        match op {
            Op::PutNode(n) => {
                let key = n.id.as_str().as_bytes();
                if let Some(old) = nodes.get(key)? {
                    let old: Node = codec::decode(&old, "nodes", n.id.as_str()).map_err(abort)?;
                    remove_refs(refs, node_refs(&old))?;
                }
                nodes.insert(key, codec::encode(n))?;
                insert_refs(refs, node_refs(n))?;
            }
            Op::DeleteNode(id) => {
                if let Some(old) = nodes.remove(id.as_str().as_bytes())? {
                    let old: Node = codec::decode(&old, "nodes", id.as_str()).map_err(abort)?;
                    remove_refs(refs, node_refs(&old))?;
                }
            }
            Op::PutRelation(r) => {
                remove_relation(rels, out, inn, refs, &r.id)?;
                rels.insert(r.id.as_str().as_bytes(), codec::encode(r))?;
                let k = r.kind.name();
                out.insert(key3(r.from.as_str(), k, r.id.as_str()), &[])?;
                inn.insert(key3(r.to.as_str(), k, r.id.as_str()), &[])?;
                insert_refs(refs, rel_refs(r))?;
            }
            Op::DeleteRelation(id) => remove_relation(rels, out, inn, refs, id)?,
            Op::PutConflict(c) => {
                remove_conflict(confs, refs, &c.id)?;
                confs.insert(c.id.as_str().as_bytes(), codec::encode(c))?;
                insert_refs(refs, conflict_refs(c))?;
            }
            Op::DeleteConflict(id) => remove_conflict(confs, refs, id)?,
        }
        Ok(())
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
            edges_out: db.open_tree("edges_out")?,
            edges_in: db.open_tree("edges_in")?,
            refs: db.open_tree("refs")?,
            undo: db.open_tree("undo")?,
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
                if found == 1 {
                    // Format 2 added the `undo` tree and `meta/journal` (see
                    // `journal`); a format-1 store has neither, so nothing to
                    // convert. The bump makes older builds refuse a store
                    // that may hold an unfinished journaled write.
                    store
                        .meta
                        .insert("format_version", &FORMAT_VERSION.to_be_bytes())?;
                    store.db.flush()?;
                    tracing::info!(from = found, to = FORMAT_VERSION, "store format migrated");
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
        Ok(store)
    }

    /// Reads every record, checking each decodes.
    pub fn load(&self) -> Result<Contents, StoreError> {
        Ok(Contents {
            nodes: codec::decode_tree(&self.nodes, "nodes")?,
            relations: codec::decode_tree(&self.relations, "relations")?,
            conflicts: codec::decode_tree(&self.conflicts, "conflicts")?,
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

    /// Applies all `ops`: records and their index entries change together or
    /// not at all. Up to [`journal::CHUNK_OPS`] operations are one sled
    /// transaction; a larger write is applied in chunks under an undo journal
    /// (sled keeps every page version of a transaction until it ends, so one
    /// huge transaction needs memory far beyond the data's size). Not durable
    /// until [`Store::flush`].
    pub fn apply(&self, ops: &[Op], meta: &[(&str, Vec<u8>)]) -> Result<(), StoreError> {
        if ops.len() > journal::CHUNK_OPS {
            return self.apply_journaled(ops, meta);
        }
        self.transact(|t| {
            for op in ops {
                t.apply(op)?;
            }
            for (k, v) in meta {
                t.meta.insert(k.as_bytes(), v.as_slice())?;
            }
            Ok(())
        })
    }

    /// Runs `f` in one sled transaction over every tree.
    fn transact(&self, f: impl Fn(&Tx<'_>) -> Result<(), Abort>) -> Result<(), StoreError> {
        let trees = (
            &self.nodes,
            &self.relations,
            &self.conflicts,
            &self.edges_out,
            &self.edges_in,
            &self.refs,
            &self.meta,
            &self.undo,
        );
        let res = trees.transaction(|(nodes, rels, confs, out, inn, refs, meta, undo)| {
            f(&Tx {
                nodes,
                rels,
                confs,
                out,
                inn,
                refs,
                meta,
                undo,
            })
        });
        res.map_err(|e| match e {
            TransactionError::Abort(e) => e,
            TransactionError::Storage(e) => StoreError::Sled(e),
        })
    }

    /// Makes everything applied so far durable; returns the bytes written.
    pub fn flush(&self) -> Result<usize, StoreError> {
        Ok(self.db.flush()?)
    }

    /// Compares the indexes with the records and returns every disagreement
    /// (empty when the store is consistent). Scans everything: for checks and tests.
    pub fn verify(&self) -> Result<Vec<String>, StoreError> {
        let c = self.load()?;
        let mut want_out = std::collections::BTreeSet::new();
        let mut want_in = std::collections::BTreeSet::new();
        let mut want_refs = std::collections::BTreeMap::new();
        let node_ids: std::collections::HashSet<_> =
            c.nodes.iter().map(|n| n.id.as_str().to_owned()).collect();
        let mut problems = Vec::new();
        for n in &c.nodes {
            want_refs.extend(node_refs(n));
        }
        for r in &c.relations {
            want_out.insert(key3(r.from.as_str(), r.kind.name(), r.id.as_str()));
            want_in.insert(key3(r.to.as_str(), r.kind.name(), r.id.as_str()));
            want_refs.extend(rel_refs(r));
            for (field, id) in r.node_refs() {
                if !node_ids.contains(id.as_str()) {
                    problems.push(format!("{} {field} points at missing {id}", r.id));
                }
            }
        }
        for cf in &c.conflicts {
            want_refs.extend(conflict_refs(cf));
        }
        let keys = |t: &sled::Tree| -> Result<std::collections::BTreeSet<Vec<u8>>, StoreError> {
            t.iter()
                .keys()
                .map(|k| Ok(k?.to_vec()))
                .collect::<Result<_, StoreError>>()
        };
        if keys(&self.edges_out)? != want_out {
            problems.push("edges_out disagrees with relations".into());
        }
        if keys(&self.edges_in)? != want_in {
            problems.push("edges_in disagrees with relations".into());
        }
        let got_refs: std::collections::BTreeMap<Vec<u8>, Vec<u8>> = self
            .refs
            .iter()
            .map(|kv| kv.map(|(k, v)| (k.to_vec(), v.to_vec())))
            .collect::<Result<_, _>>()?;
        if got_refs != want_refs {
            problems.push("refs disagrees with records".into());
        }
        Ok(problems)
    }

    /// The ids of records that reference `target` other than as an edge end.
    pub fn referrers(&self, target: &str) -> Result<Vec<String>, StoreError> {
        let mut prefix = target.as_bytes().to_vec();
        prefix.push(SEP);
        self.refs
            .scan_prefix(&prefix)
            .keys()
            .map(|k| {
                let k = k?;
                Ok(String::from_utf8_lossy(&k[prefix.len()..]).into_owned())
            })
            .collect()
    }

    /// Relation ids leaving `from` (`out`) or arriving at it (`in`), by index scan.
    pub fn edges(&self, node: &str, outgoing: bool) -> Result<Vec<String>, StoreError> {
        let tree = if outgoing {
            &self.edges_out
        } else {
            &self.edges_in
        };
        let mut prefix = node.as_bytes().to_vec();
        prefix.push(SEP);
        tree.scan_prefix(&prefix)
            .keys()
            .map(|k| {
                let k = k?;
                let rest = &k[prefix.len()..];
                let pos = rest.iter().position(|b| *b == SEP).unwrap_or(0);
                Ok(String::from_utf8_lossy(&rest[pos + 1..]).into_owned())
            })
            .collect()
    }
}

fn insert_refs(refs: &TransactionalTree, entries: Vec<(Vec<u8>, Vec<u8>)>) -> Result<(), Abort> {
    for (k, v) in entries {
        refs.insert(k, v)?;
    }
    Ok(())
}

fn remove_refs(refs: &TransactionalTree, entries: Vec<(Vec<u8>, Vec<u8>)>) -> Result<(), Abort> {
    for (k, _) in entries {
        refs.remove(k)?;
    }
    Ok(())
}

fn remove_relation(
    rels: &TransactionalTree,
    out: &TransactionalTree,
    inn: &TransactionalTree,
    refs: &TransactionalTree,
    id: &RelId,
) -> Result<(), Abort> {
    if let Some(old) = rels.remove(id.as_str().as_bytes())? {
        let old: Relation = codec::decode(&old, "relations", id.as_str()).map_err(abort)?;
        let k = old.kind.name();
        out.remove(key3(old.from.as_str(), k, old.id.as_str()))?;
        inn.remove(key3(old.to.as_str(), k, old.id.as_str()))?;
        remove_refs(refs, rel_refs(&old))?;
    }
    Ok(())
}

fn remove_conflict(
    confs: &TransactionalTree,
    refs: &TransactionalTree,
    id: &ConflictId,
) -> Result<(), Abort> {
    if let Some(old) = confs.remove(id.as_str().as_bytes())? {
        let old: Conflict = codec::decode(&old, "conflicts", id.as_str()).map_err(abort)?;
        remove_refs(refs, conflict_refs(&old))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
