//! Reads of the past: a node and its neighbourhood as they were right after
//! some change set, rebuilt from the change log into a small [`Graph`] that
//! the API's ordinary objects then read, and the change sets a filtered
//! `changes` read keeps.
//!
//! The small graph holds the node as of then, every relation it had then
//! (the log's relation-end index finds those deleted since, the live graph
//! those older than the log), and the nodes those relations named then.
//! Its [`Graph::log_seq`] is the change set asked for, so the log reads of
//! its objects (their `history`) stop there too.

use std::collections::BTreeSet;

use petgraph::Direction;

use crate::graph::Graph;
use crate::model::{ChangeSet, NodeId, Version};

use super::{Service, ServiceError};

impl Service {
    /// Node `id` (a redirect followed to its survivor) and its relations and
    /// their ends, as they were right after change set `seq`, for a reader
    /// of `g`; `None` when the node did not exist then. Returns the small
    /// graph and the id of the node it is about. A `seq` beyond `g`'s is
    /// read as `g`'s.
    pub fn graph_as_of(
        &self,
        g: &Graph,
        id: &str,
        seq: u64,
    ) -> Result<Option<(Graph, NodeId)>, ServiceError> {
        let seq = seq.min(g.log_seq());
        let node = match self.as_of(g, id, seq)? {
            Some(Version::Node(n)) => n,
            Some(Version::Redirect { into, .. }) => match self.as_of(g, into.as_str(), seq)? {
                Some(Version::Node(n)) => n,
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        let nid = node.id.clone();
        let mut rel_ids: BTreeSet<String> = self
            .store()
            .relations_touching(nid.as_str(), g.log_seq())?
            .into_iter()
            .collect();
        for dir in [Direction::Outgoing, Direction::Incoming] {
            rel_ids.extend(
                g.relations(nid.as_str(), dir, None)
                    .iter()
                    .map(|r| r.id.to_string()),
            );
        }
        let mut ends: BTreeSet<NodeId> = node
            .all_citations()
            .map(|(_, c)| c.source.clone())
            .collect();
        let mut rels = Vec::new();
        for rid in rel_ids {
            if let Some(Version::Relation(r)) = self.as_of(g, &rid, seq)? {
                if r.from == nid || r.to == nid {
                    ends.extend(r.node_refs().map(|(_, id)| id.clone()));
                    rels.push(r);
                }
            }
        }
        let mut small = Graph::default();
        small.put_node(std::sync::Arc::new(node));
        for end in ends.iter().filter(|e| **e != nid) {
            if let Some(Version::Node(n)) = self.as_of(g, end.as_str(), seq)? {
                small.put_node(std::sync::Arc::new(n));
            }
        }
        for r in rels {
            if small.node(r.from.as_str()).is_some() && small.node(r.to.as_str()).is_some() {
                small.put_relation(std::sync::Arc::new(r));
            }
        }
        small.set_log_seq(seq);
        Ok(Some((small, nid)))
    }

    /// Change sets after `after` and up to `upto` (and `g`'s), oldest first,
    /// those `keep` accepts, at most `limit`. With `id`, only the change
    /// sets that touched that record, found by the history index rather
    /// than a scan. Scans the log: off the async workers.
    #[allow(clippy::too_many_arguments)] // the filters of `changes`, each one its own
    pub fn change_sets_within(
        &self,
        g: &Graph,
        after: u64,
        upto: u64,
        id: Option<&str>,
        limit: usize,
        newest_first: bool,
        mut keep: impl FnMut(&ChangeSet) -> bool,
    ) -> Result<Vec<ChangeSet>, ServiceError> {
        let upto = upto.min(g.log_seq());
        let store = self.store();
        let mut out = Vec::new();
        let mut take = |set: ChangeSet| {
            if keep(&set) {
                out.push(set);
            }
            out.len() >= limit
        };
        match id {
            Some(id) => {
                let mut seqs = store.history_after(id, after, upto, usize::MAX)?;
                if newest_first {
                    seqs.reverse();
                }
                for seq in seqs {
                    if let Some(set) = store.change_set(seq)? {
                        if take(set) {
                            break;
                        }
                    }
                }
            }
            None if newest_first => {
                for set in store.change_sets(after, upto).rev() {
                    if take(set?) {
                        break;
                    }
                }
            }
            None => {
                for set in store.change_sets(after, upto) {
                    if take(set?) {
                        break;
                    }
                }
            }
        }
        Ok(out)
    }

    /// Entries `offset..offset + limit` of change set `seq`, for a reader of
    /// `g` (none when `g` lacks the change set): point reads, not a scan.
    pub fn change_entry_page(
        &self,
        g: &Graph,
        seq: u64,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<crate::model::LogEntry>, ServiceError> {
        if seq > g.log_seq() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for idx in offset..offset.saturating_add(limit) {
            let Ok(idx) = u32::try_from(idx) else { break };
            match self.store().entry(seq, idx)? {
                Some(e) => out.push(e),
                None => break,
            }
        }
        Ok(out)
    }

    /// Change sets up to this number were compacted out of the log: what a
    /// record was then cannot be told.
    pub fn log_compacted(&self) -> Result<u64, ServiceError> {
        Ok(self.store().compacted()?)
    }
}
