//! Reads of the past: a node and its neighbourhood as they were right after
//! some change set, rebuilt from the change log into a small [`Graph`] that
//! the API's ordinary objects then read, and the change sets a filtered
//! `changes` read keeps.
//!
//! The small graph holds what the node's page shows, as of then: the node,
//! every relation it had then (the log's relation-end index finds those
//! deleted since, the live graph those older than the log), the nodes those
//! relations named, and one hop further only the few relations a page reads
//! of a neighbour ([`SECOND_HOP`]: a meeting's place, an attendee's offices,
//! an office's state), never the whole graph.
//! Its [`Graph::log_seq`] is the change set asked for, so the log reads of
//! its objects (their `history`) stop there too.

use std::collections::BTreeSet;
use std::sync::Arc;

use petgraph::Direction;

use crate::graph::Graph;
use crate::model::{ChangeSet, NodeId, NodeKind, RelKind, Relation, Version};

use super::{Service, ServiceError};

/// What a page shows of a node's neighbours, so what an `asOf` read follows
/// one hop further: from each neighbour of these kinds, its outgoing
/// relations of these kinds and the nodes they lead to. A meeting's place,
/// organizer and host (an attended meeting's place on a person's page); an
/// attendee's offices (on a meeting's page); an office's organization and
/// state (on a person's page).
const SECOND_HOP: [(NodeKind, &[RelKind]); 3] = [
    (
        NodeKind::Meeting,
        &[RelKind::HeldIn, RelKind::OrganizedBy, RelKind::HostedBy],
    ),
    (NodeKind::Person, &[RelKind::Holds]),
    (
        NodeKind::Office,
        &[RelKind::BelongsTo, RelKind::Jurisdiction],
    ),
];

/// The relation kinds [`SECOND_HOP`] follows from a node of kind `k`.
fn second_hop(k: NodeKind) -> &'static [RelKind] {
    SECOND_HOP
        .iter()
        .find(|(kind, _)| *kind == k)
        .map_or(&[], |(_, rels)| rels)
}

impl Service {
    /// Node `id` (a redirect followed to its survivor) as it was right
    /// after change set `seq`, for a reader of `g`, with what its page
    /// shows: its relations then and the nodes they named, and from each
    /// neighbour the relations [`SECOND_HOP`] names and their ends. `None`
    /// when the node did not exist then. Returns the small graph and the id
    /// of the node it is about. A `seq` beyond `g`'s is read as `g`'s.
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
        let mut ends: BTreeSet<NodeId> = node
            .all_citations()
            .map(|(_, c)| c.source.clone())
            .collect();
        let rels = self.relations_as_of(g, &nid, seq, None)?;
        let neighbours: BTreeSet<NodeId> = rels
            .iter()
            .map(|r| if r.from == nid { &r.to } else { &r.from })
            .cloned()
            .collect();
        for r in &rels {
            ends.extend(r.node_refs().map(|(_, id)| id.clone()));
        }
        let mut further = Vec::new();
        for n in &neighbours {
            let kinds = second_hop(n.kind());
            if kinds.is_empty() {
                continue;
            }
            for r in self.relations_as_of(g, n, seq, Some(kinds))? {
                ends.insert(r.to.clone());
                further.push(r);
            }
        }
        let mut small = Graph::default();
        small.put_node(Arc::new(node));
        for end in ends.iter().filter(|e| **e != nid) {
            if let Some(Version::Node(n)) = self.as_of(g, end.as_str(), seq)? {
                small.put_node(Arc::new(n));
            }
        }
        for r in rels.into_iter().chain(further) {
            if small.relation(r.id.as_str()).is_none()
                && small.node(r.from.as_str()).is_some()
                && small.node(r.to.as_str()).is_some()
            {
                small.put_relation(Arc::new(r));
            }
        }
        small.set_log_seq(seq);
        Ok(Some((small, nid)))
    }

    /// The relations node `nid` had right after change set `seq`: with
    /// `kinds`, only its outgoing ones of those kinds. The log's
    /// relation-end index finds those deleted since, the live graph those
    /// older than the log. A live relation of another kind is skipped
    /// without a log read when nothing touched it after `seq` (it was
    /// then as it is now).
    fn relations_as_of(
        &self,
        g: &Graph,
        nid: &NodeId,
        seq: u64,
        kinds: Option<&[RelKind]>,
    ) -> Result<Vec<Relation>, ServiceError> {
        let wanted = |k: RelKind| kinds.is_none_or(|ks| ks.contains(&k));
        let mut rel_ids: BTreeSet<String> = self
            .store()
            .relations_touching(nid.as_str(), g.log_seq())?
            .into_iter()
            .collect();
        let dirs: &[Direction] = match kinds {
            Some(_) => &[Direction::Outgoing],
            None => &[Direction::Outgoing, Direction::Incoming],
        };
        for dir in dirs {
            rel_ids.extend(
                g.relations(nid.as_str(), *dir, None)
                    .iter()
                    .filter(|r| wanted(r.kind))
                    .map(|r| r.id.to_string()),
            );
        }
        let mut out = Vec::new();
        for rid in rel_ids {
            if let Some(live) = g.relation(&rid) {
                if !wanted(live.kind) && self.touched_after(g, &rid, seq)?.is_none() {
                    continue;
                }
            }
            if let Some(Version::Relation(r)) = self.as_of(g, &rid, seq)? {
                let joined = match kinds {
                    Some(_) => r.from == *nid,
                    None => r.from == *nid || r.to == *nid,
                };
                if joined && wanted(r.kind) {
                    out.push(r);
                }
            }
        }
        Ok(out)
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
