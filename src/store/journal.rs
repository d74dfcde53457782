//! Large writes in chunks, still all or nothing: an undo journal.
//!
//! sled keeps every page version a transaction creates until the transaction
//! ends, so a transaction of hundreds of thousands of records needs many
//! gigabytes. A write of more than [`CHUNK_OPS`] operations is therefore
//! applied as several transactions:
//!
//! 1. one that sets `meta/journal`;
//! 2. one per chunk, which applies the chunk and, in the same transaction,
//!    records in the `undo` tree how to restore every record it changes
//!    (key: a big-endian sequence number; value: the record's old version, or
//!    none);
//! 3. one that writes the caller's metadata and the change set, and removes
//!    `meta/journal`; the undo entries are then cleared.
//!
//! A write with a change set (every write the service makes) needs no undo
//! entries: each chunk writes the change-log entries of its records
//! (`log.rs`), which hold every record's old version, and `meta/journal`
//! holds the change set's number, so undoing the chunks restores the records
//! from their entries and removes the entries; such a chunk reads nothing
//! back. (Writing such a chunk as a sled batch per tree instead of one
//! transaction was tried: the same import then took 37% more disk, 133 MiB
//! against 97 MiB at the footprint bench's scale 1, for no faster import.)
//! The undo tree serves only writes without a change set. The change set itself is written last, with
//! the marker's removal: the log never shows a write that is not whole.
//!
//! If a chunk fails, the chunks already applied are undone at once. If the
//! process dies part-way, [`Store::open`] finds `meta/journal` and undoes them
//! (sled recovers a prefix of its transactions, so whatever chunks reached the
//! disk have their undo entries and the marker with them). Either way the
//! store ends as it was before the write. Readers never see the chunks: the
//! service publishes its snapshot only after the whole write is applied.

use serde::{Deserialize, Serialize};

use super::{codec, LogWrite, Op, Store, StoreError, Tx};
use crate::model::{Conflict, ConflictId, Node, NodeId, RelId, Relation};

/// Operations per transaction in a chunked write.
pub const CHUNK_OPS: usize = 4096;

pub(super) const MARKER: &str = "journal";

/// How to restore one record: its old version, or `None` when it was absent.
#[derive(Serialize, Deserialize)]
enum Undo {
    Node(NodeId, Option<Node>),
    Relation(RelId, Option<Relation>),
    Conflict(ConflictId, Option<Conflict>),
    Redirect(NodeId, Option<NodeId>),
}

impl Undo {
    fn into_op(self) -> Op {
        match self {
            Undo::Node(_, Some(n)) => Op::PutNode(n),
            Undo::Node(id, None) => Op::DeleteNode(id),
            Undo::Relation(_, Some(r)) => Op::PutRelation(r),
            Undo::Relation(id, None) => Op::DeleteRelation(id),
            Undo::Conflict(_, Some(c)) => Op::PutConflict(c),
            Undo::Conflict(id, None) => Op::DeleteConflict(id),
            Undo::Redirect(from, Some(into)) => Op::PutRedirect { from, into },
            Undo::Redirect(from, None) => Op::DeleteRedirect(from),
        }
    }
}

/// The undo entry for `op`, read before `op` is applied.
fn undo_of(t: &Tx<'_>, op: &Op) -> Result<Undo, super::Abort> {
    fn old<T: serde::de::DeserializeOwned>(
        tree: &sled::transaction::TransactionalTree,
        name: &'static str,
        id: &str,
    ) -> Result<Option<T>, super::Abort> {
        match tree.get(id.as_bytes())? {
            Some(v) => Ok(Some(codec::decode(&v, name, id).map_err(super::abort)?)),
            None => Ok(None),
        }
    }
    Ok(match op {
        Op::PutNode(n) => Undo::Node(n.id.clone(), old(t.nodes, "nodes", n.id.as_str())?),
        Op::DeleteNode(id) => Undo::Node(id.clone(), old(t.nodes, "nodes", id.as_str())?),
        Op::PutRelation(r) => {
            Undo::Relation(r.id.clone(), old(t.rels, "relations", r.id.as_str())?)
        }
        Op::DeleteRelation(id) => {
            Undo::Relation(id.clone(), old(t.rels, "relations", id.as_str())?)
        }
        Op::PutConflict(c) => {
            Undo::Conflict(c.id.clone(), old(t.confs, "conflicts", c.id.as_str())?)
        }
        Op::DeleteConflict(id) => {
            Undo::Conflict(id.clone(), old(t.confs, "conflicts", id.as_str())?)
        }
        Op::PutRedirect { from, .. } | Op::DeleteRedirect(from) => {
            Undo::Redirect(from.clone(), old(t.redirects, "redirects", from.as_str())?)
        }
    })
}

impl Store {
    /// [`Store::apply`] for a write of more than [`CHUNK_OPS`] operations.
    pub(super) fn apply_journaled(
        &self,
        ops: &[Op],
        meta: &[(&str, Vec<u8>)],
        log: Option<LogWrite<'_>>,
    ) -> Result<(), StoreError> {
        self.apply_chunks(ops, meta, log, None)
    }

    /// The chunked write; `stop_after` (tests only) leaves it unfinished
    /// after that many chunks, as a crash would.
    fn apply_chunks(
        &self,
        ops: &[Op],
        meta: &[(&str, Vec<u8>)],
        log: Option<LogWrite<'_>>,
        stop_after: Option<usize>,
    ) -> Result<(), StoreError> {
        // The marker names the change set whose entries the chunks write.
        let marker = log.map_or(0, |l| l.set.seq).to_be_bytes();
        self.transact(|t| {
            t.meta.insert(MARKER, &marker)?;
            Ok(())
        })?;
        let mut seq = 0u64;
        for (i, chunk) in ops.chunks(CHUNK_OPS).enumerate() {
            if stop_after == Some(i) {
                return Ok(());
            }
            let res = self.transact(|t| {
                for (k, op) in chunk.iter().enumerate() {
                    let n = seq + k as u64;
                    // With a log, its entries hold the records' old
                    // versions: they are the undo entries, so nothing is
                    // read back.
                    if log.is_none() {
                        let entry = undo_of(t, op)?;
                        t.undo.insert(&n.to_be_bytes(), codec::encode(&entry))?;
                    }
                    t.apply_with_entry(op, n as usize, log.as_ref())?;
                }
                Ok(())
            });
            if let Err(e) = res {
                self.roll_back()?;
                return Err(e);
            }
            seq += chunk.len() as u64;
        }
        self.transact(|t| {
            for (k, v) in meta {
                t.meta.insert(k.as_bytes(), v.as_slice())?;
            }
            if let Some(l) = &log {
                t.log_header(l.set)?;
            }
            t.meta.remove(MARKER)?;
            Ok(())
        })?;
        self.undo.clear()?;
        Ok(())
    }

    /// At open: undoes a chunked write that did not finish, and drops the
    /// undo entries of one that did.
    pub(super) fn recover(&self) -> Result<(), StoreError> {
        if self.meta.get(MARKER)?.is_some() {
            tracing::warn!(
                entries = self.undo.len(),
                "undoing a large write that did not finish"
            );
            self.roll_back()?;
            self.db.flush()?;
        } else if !self.undo.is_empty() {
            self.undo.clear()?;
        }
        Ok(())
    }

    /// Restores every record named in the undo tree, newest first, a chunk
    /// per transaction (each removes the entries it restored, so a rollback
    /// cut short goes on where it stopped), then removes the marker.
    fn roll_back(&self) -> Result<(), StoreError> {
        // The change set whose entries the unfinished write wrote (0: none;
        // a format-4 marker is one byte).
        let logged = self
            .meta
            .get(MARKER)?
            .and_then(|v| <[u8; 8]>::try_from(v.as_ref()).ok())
            .map_or(0, u64::from_be_bytes);
        if logged > 0 {
            self.undo_logged(logged)?;
        }
        loop {
            let mut batch = Vec::with_capacity(CHUNK_OPS);
            for kv in self.undo.iter().rev().take(CHUNK_OPS) {
                let (k, v) = kv?;
                let key = String::from_utf8_lossy(&k).into_owned();
                let entry: Undo = codec::decode(&v, "undo", &key)?;
                batch.push((k, entry.into_op()));
            }
            if batch.is_empty() {
                break;
            }
            self.transact(|t| {
                for (k, op) in &batch {
                    t.apply(op)?;
                    t.undo.remove(k)?;
                }
                Ok(())
            })?;
        }
        self.transact(|t| {
            t.meta.remove(MARKER)?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Citation, RelKind};

    fn nid(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    fn person(i: usize, name: &str) -> Node {
        let mut n = Node::new(nid(&format!("person:p{i}")), name);
        n.citations.push(Citation {
            source: nid("source:s"),
            locator: None,
        });
        n
    }

    /// A store holding a source, a meeting and ten people who attended it.
    fn before() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let mut ops = vec![
            Op::PutNode(Node::new(nid("source:s"), "S")),
            Op::PutNode(Node::new(nid("meeting:m"), "M")),
        ];
        for i in 0..10 {
            ops.push(Op::PutNode(person(i, "before")));
            ops.push(Op::PutRelation(Relation::new(
                RelId::parse(&format!("rel:a{i}")).unwrap(),
                RelKind::Attended,
                nid(&format!("person:p{i}")),
                nid("meeting:m"),
            )));
        }
        s.apply(&ops, &[]).unwrap();
        (dir, s)
    }

    /// A write of more than two chunks: renames the first ten people,
    /// deletes their attendances and adds many new people.
    fn big_write() -> Vec<Op> {
        let mut ops = Vec::new();
        for i in 0..10 {
            ops.push(Op::PutNode(person(i, "after")));
            ops.push(Op::DeleteRelation(
                RelId::parse(&format!("rel:a{i}")).unwrap(),
            ));
        }
        for i in 10..(2 * CHUNK_OPS + 10) {
            ops.push(Op::PutNode(person(i, "new")));
        }
        ops
    }

    fn snapshot(s: &Store) -> String {
        let c = s.load().unwrap();
        format!("{:?} {:?} {:?}", c.nodes, c.relations, c.conflicts)
    }

    #[test]
    fn a_large_write_is_applied_in_chunks_and_leaves_no_journal() {
        let (_d, s) = before();
        s.apply(&big_write(), &[("seeded", vec![1])]).unwrap();
        assert_eq!(s.load().unwrap().nodes.len(), 2 + 2 * CHUNK_OPS + 10);
        assert!(s.load().unwrap().relations.is_empty());
        assert_eq!(s.meta("seeded").unwrap(), Some(vec![1]));
        assert!(s.meta(MARKER).unwrap().is_none());
        assert!(s.undo.is_empty());
        assert!(s.verify().unwrap().is_empty());
    }

    #[test]
    fn a_large_write_cut_short_is_undone_when_the_store_opens() {
        let (dir, s) = before();
        let was = snapshot(&s);
        s.apply_chunks(&big_write(), &[("seeded", vec![1])], None, Some(2))
            .unwrap();
        assert_ne!(snapshot(&s), was, "two chunks were applied");
        s.flush().unwrap();
        drop(s);
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(snapshot(&s), was);
        assert!(s.meta("seeded").unwrap().is_none());
        assert!(s.meta(MARKER).unwrap().is_none());
        assert!(s.undo.is_empty());
        assert!(
            s.verify().unwrap().is_empty(),
            "store consistent after the undo"
        );
    }

    /// A change set for `ops` and its entries, the old versions read from `s`.
    fn logged(s: &Store, ops: &[Op]) -> (crate::model::ChangeSet, Vec<crate::model::LogEntry>) {
        use crate::model::Version;
        let c = s.load().unwrap();
        let set = crate::model::ChangeSet {
            seq: 1,
            time_ms: 0,
            actor: "t".into(),
            comment: None,
            source: None,
            records: ops.len() as u64,
            reverts: None,
            op: "write".into(),
        };
        let entries = ops
            .iter()
            .map(|op| match op {
                Op::PutNode(n) => crate::model::LogEntry {
                    id: n.id.to_string(),
                    before: c
                        .nodes
                        .iter()
                        .find(|o| o.id == n.id)
                        .cloned()
                        .map(Version::Node),
                    after: Some(Version::Node(n.clone())),
                },
                Op::DeleteRelation(id) => crate::model::LogEntry {
                    id: id.to_string(),
                    before: c
                        .relations
                        .iter()
                        .find(|o| &o.id == id)
                        .cloned()
                        .map(Version::Relation),
                    after: None,
                },
                _ => unreachable!(),
            })
            .collect();
        (set, entries)
    }

    #[test]
    fn a_large_write_cut_short_leaves_no_log_entry_once_undone() {
        let (dir, s) = before();
        let was = snapshot(&s);
        let ops = big_write();
        let (set, entries) = logged(&s, &ops);
        let log = LogWrite {
            set: &set,
            entries: &entries,
        };
        s.apply_chunks(&ops, &[], Some(log), Some(2)).unwrap();
        assert!(!s.log.is_empty(), "the chunks wrote their entries");
        s.flush().unwrap();
        drop(s);
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(snapshot(&s), was, "the records are back from the entries");
        assert!(s.log.is_empty());
        assert!(s.history.is_empty());
        assert!(s.changesets.is_empty());
        assert!(s.undo.is_empty(), "a logged write needs no undo entries");
        assert_eq!(s.last_seq().unwrap(), 0);
    }

    #[test]
    fn a_large_write_whose_chunk_fails_is_undone_at_once() {
        let (_d, s) = before();
        let was = snapshot(&s);
        let mut ops = big_write();
        // A record that cannot be decoded makes the third chunk abort.
        s.nodes
            .insert("person:p9000", b"\x07garbage".to_vec())
            .unwrap();
        ops.push(Op::PutNode(person(9000, "x")));
        let err = s.apply(&ops, &[]).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        s.nodes.remove("person:p9000").unwrap();
        assert_eq!(snapshot(&s), was);
        assert!(s.meta(MARKER).unwrap().is_none());
        assert!(s.undo.is_empty());
    }
}
