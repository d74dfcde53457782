//! The in-memory index: a petgraph graph of nodes and relations rebuilt from the
//! store at start-up and replaced after each committed write.
//!
//! Architecture invariant: a [`Graph`] is an immutable snapshot once published.
//! The service applies a write to a private working copy (a superseded
//! snapshot no reader holds, brought up to date, or else a clone) and
//! publishes it once the write is on disk; readers hold an `Arc<Graph>` for a
//! whole request and so see one state.
//! Petgraph indices stay inside this module; callers use stable ids.

pub mod centrality;
pub mod dating;
pub mod duplicates;
pub mod evidence;
pub mod filter;
pub mod footprint;
pub mod membership;
pub mod met;
pub mod met_with;
pub mod pairs;
pub mod paths;
pub mod places;
mod refs;
pub mod search;
mod share;
pub mod stats;
pub mod subgraph;
pub mod time;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::BuildHasher;
use std::sync::Arc;

use fxhash::FxBuildHasher;
use hashbrown::HashTable;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::Direction;

use crate::model::{
    Citations, Conflict, ConflictId, Node, NodeId, NodeKind, RelId, RelKind, Relation,
};
use crate::store::Contents;
pub use search::{fold, Hit, SearchIndex};

/// A relation that names a node that does not exist.
#[derive(Debug, thiserror::Error)]
#[error("relation `{rel}` names `{missing}`, which is not in the store")]
pub struct Dangling {
    pub rel: String,
    pub missing: String,
}

/// A map keyed by id strings. Fx rather than the standard SipHash: ids are
/// short and looked up millions of times at load (SipHash was most of the
/// graph-building time); fxhash is already a dependency, and the ids come
/// from authenticated writers, so flooding resistance buys little here.
type IdMap<K, V> = HashMap<K, V, FxBuildHasher>;

/// The graph, its id maps and secondary indexes.
#[derive(Clone, Default)]
pub struct Graph {
    g: StableDiGraph<Arc<Node>, Arc<Relation>>,
    node_ix: IdMap<NodeId, NodeIndex>,
    /// Relation id → edge, held as the edge index alone (4 bytes a
    /// relation rather than 24): the id is the edge weight's own.
    rel_ix: HashTable<EdgeIndex>,
    conflicts: BTreeMap<ConflictId, Arc<Conflict>>,
    /// Target id → records that reference it other than as an edge end
    /// (property references, cited sources, conflict claims); see `refs.rs`.
    refs: refs::Refs,
    by_kind: IdMap<NodeKind, BTreeSet<NodeId>>,
    search: SearchIndex,
    /// Answers computed from this snapshot (centrality); emptied on clone.
    cache: centrality::Cache,
    /// Merged node id → the survivor's id.
    redirects: IdMap<NodeId, NodeId>,
    /// One copy of each citation list without locators that relations
    /// and nodes cite (few sources: few lists); see `model::citations`.
    cites: HashSet<Citations, FxBuildHasher>,
    /// The last change set of the log this snapshot includes.
    log_seq: u64,
}

/// Swaps a record's citation list, when it has no locators, for the
/// graph's copy of it (kept in `cites`, which takes it if it is new).
fn share_list(cites: &mut HashSet<Citations, FxBuildHasher>, list: &mut Citations) {
    if !list.is_empty() && list.iter().all(|c| c.locator.is_none()) {
        match cites.get(list) {
            Some(own) => *list = own.clone(),
            None => {
                cites.insert(list.clone());
            }
        }
    }
}

use refs::Referrer;
use share::{refs_of_node as record_refs_node, refs_of_relation as record_refs_rel};

/// The hash [`Graph::rel_ix`] files a relation id under.
fn hash_id(id: &str) -> u64 {
    FxBuildHasher::default().hash_one(id)
}

impl Graph {
    /// Builds the graph from everything in the store, in one pass over
    /// the records: each id a relation names is looked up once, to check
    /// it, to swap it for the graph's copy (one copy of each id string,
    /// see `share.rs`) and, for the ends, to find the edge's nodes.
    pub fn from_contents(c: Contents) -> Result<Graph, Dangling> {
        let mut g = Graph {
            g: StableDiGraph::with_capacity(c.nodes.len(), c.relations.len()),
            node_ix: IdMap::with_capacity_and_hasher(c.nodes.len(), FxBuildHasher::default()),
            rel_ix: HashTable::with_capacity(c.relations.len()),
            ..Graph::default()
        };
        // Sources may sort after the nodes citing them: every node is
        // placed before any citation is resolved.
        let mut again = Vec::new();
        for n in c.nodes {
            let id = n.id.clone();
            match g.node_ix.entry(id) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    let ix = g.g.add_node(Arc::new(n));
                    let id = v.key().clone();
                    v.insert(ix);
                    g.by_kind.entry(id.kind()).or_default().insert(id);
                }
                // Not from a store (keyed by id); the later record wins.
                std::collections::hash_map::Entry::Occupied(_) => again.push(n),
            }
        }
        let placed: Vec<NodeIndex> = g.g.node_indices().collect();
        for ix in placed {
            if let Some(n) = Arc::get_mut(&mut g.g[ix]) {
                share::node(n, &g.node_ix);
                share_list(&mut g.cites, &mut n.citations);
            }
            let n = &g.g[ix];
            g.search.insert(n);
            g.refs.add(Referrer::node(ix), record_refs_node(n));
        }
        for n in again {
            g.put_node(Arc::new(n));
        }
        for r in c.relations {
            g.add_relation(r)?;
        }
        for cf in c.conflicts {
            g.put_conflict(Arc::new(cf));
        }
        g.redirects.extend(c.redirects);
        g.refs.shrink_to_fit();
        g.search.shrink_to_fit();
        Ok(g)
    }

    /// Swaps each node id `r` names for the graph's copy, and its citation
    /// list (when it has no locators) for the graph's, and returns the
    /// graph indices of its ends, looking each id up once; or the first id
    /// (in the order of [`Relation::node_refs`]) the graph lacks.
    fn adopt(&mut self, r: &mut Relation) -> Result<[NodeIndex; 2], String> {
        let mut ends = [NodeIndex::end(); 2];
        for (i, id) in r.node_refs_mut().enumerate() {
            let Some((own, ix)) = self.node_ix.get_key_value(id.as_str()) else {
                return Err(id.to_string());
            };
            id.clone_from(own);
            if let Some(end) = ends.get_mut(i) {
                *end = *ix;
            }
        }
        share_list(&mut self.cites, &mut r.citations);
        r.shrink_to_fit();
        Ok(ends)
    }

    /// Adds a relation read from the store: its ids adopted, one probe of
    /// the relation index (a repeated id replaces, as [`Graph::put_relation`]).
    fn add_relation(&mut self, mut r: Relation) -> Result<(), Dangling> {
        let [a, b] = self.adopt(&mut r).map_err(|missing| Dangling {
            rel: r.id.to_string(),
            missing,
        })?;
        let hash = hash_id(r.id.as_str());
        let g = &self.g;
        let entry = self.rel_ix.entry(
            hash,
            |ix| g[*ix].id == r.id,
            |ix| hash_id(g[*ix].id.as_str()),
        );
        match entry {
            hashbrown::hash_table::Entry::Vacant(v) => {
                let refs = record_refs_rel(&r);
                let ix = self.g.add_edge(a, b, Arc::new(r));
                v.insert(ix);
                self.refs.add(Referrer::rel(ix), refs);
            }
            hashbrown::hash_table::Entry::Occupied(_) => self.put_relation(Arc::new(r)),
        }
        Ok(())
    }

    // ---- reads -------------------------------------------------------------

    pub fn node(&self, id: &str) -> Option<&Arc<Node>> {
        self.node_ix.get(id).map(|ix| &self.g[*ix])
    }

    pub fn relation(&self, id: &str) -> Option<&Arc<Relation>> {
        self.rel_ix
            .find(hash_id(id), |ix| self.g[*ix].id.as_str() == id)
            .map(|ix| &self.g[*ix])
    }

    /// The node `id` was merged into, if it was (followed to the end: a
    /// survivor merged again redirects on).
    pub fn redirect(&self, id: &str) -> Option<&NodeId> {
        let mut at = self.redirects.get(id)?;
        // A chain is at most as long as there are redirects.
        for _ in 0..self.redirects.len() {
            match self.redirects.get(at.as_str()) {
                Some(next) => at = next,
                None => break,
            }
        }
        Some(at)
    }

    /// The one redirect stored for `id`, unfollowed.
    pub fn redirect_entry(&self, id: &str) -> Option<&NodeId> {
        self.redirects.get(id)
    }

    /// Whether any node was ever merged away (so ids need following).
    pub fn has_redirects(&self) -> bool {
        !self.redirects.is_empty()
    }

    /// Every redirect: merged id → survivor, unfollowed.
    pub fn redirects(&self) -> impl Iterator<Item = (&NodeId, &NodeId)> {
        self.redirects.iter()
    }

    /// The last change set this snapshot includes (0 before the first).
    pub fn log_seq(&self) -> u64 {
        self.log_seq
    }

    /// Sets [`Graph::log_seq`] (the service, on its working copy).
    pub fn set_log_seq(&mut self, seq: u64) {
        self.log_seq = seq;
    }

    pub fn conflict(&self, id: &str) -> Option<&Arc<Conflict>> {
        self.conflicts.get(id)
    }

    pub fn conflicts(&self) -> impl Iterator<Item = &Arc<Conflict>> {
        self.conflicts.values()
    }

    pub fn node_count(&self) -> usize {
        self.node_ix.len()
    }

    pub fn relation_count(&self) -> usize {
        self.rel_ix.len()
    }

    /// Ids of the nodes of one kind, in id order.
    pub fn ids_of_kind(&self, kind: NodeKind) -> impl Iterator<Item = &NodeId> {
        self.by_kind.get(&kind).into_iter().flatten()
    }

    /// Every node, in id order within kind order.
    pub fn all_nodes(&self) -> impl Iterator<Item = &Arc<Node>> {
        NodeKind::ALL
            .into_iter()
            .flat_map(move |k| self.ids_of_kind(k))
            .filter_map(move |id| self.node(id.as_str()))
    }

    /// Every relation, in no particular order.
    pub fn all_relations(&self) -> impl Iterator<Item = &Arc<Relation>> {
        self.g.edge_weights()
    }

    /// Relations leaving `id` (`Outgoing`) or arriving at it (`Incoming`), of
    /// the given kind or of every kind, sorted by id.
    pub fn relations(
        &self,
        id: &str,
        dir: Direction,
        kind: Option<RelKind>,
    ) -> Vec<&Arc<Relation>> {
        let Some(ix) = self.node_ix.get(id) else {
            return Vec::new();
        };
        let mut v: Vec<_> = self
            .g
            .edges_directed(*ix, dir)
            .map(|e| e.weight())
            .filter(|r| kind.is_none_or(|k| r.kind == k))
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
        v
    }

    /// The ids of records that reference `id` other than as an edge end.
    pub fn referrers(&self, id: &str) -> impl Iterator<Item = &str> {
        self.refs.of(id, &self.g).into_iter()
    }

    /// Relations whose properties point at node `id` (capacity, on_behalf_of, topic).
    pub fn relations_referring(&self, id: &str) -> Vec<&Arc<Relation>> {
        self.referrers(id)
            .filter_map(|r| self.relation(r))
            .collect()
    }

    /// The conflicts a relation takes part in.
    pub fn conflicts_of(&self, rel: &str) -> Vec<&Arc<Conflict>> {
        self.referrers(rel)
            .filter_map(|c| self.conflicts.get(c))
            .collect()
    }

    pub fn search(&self, text: &str, kinds: &[NodeKind], limit: usize) -> Vec<Hit> {
        self.search.search(text, kinds, limit)
    }

    // ---- writes (only the service calls these, on its private clone) ---------

    /// Every derived index in a canonical order: two graphs holding the same
    /// records give the same text however they were built (for tests).
    #[doc(hidden)]
    pub fn index_fingerprint(&self) -> String {
        let mut out = String::new();
        let mut nodes: Vec<_> = self.node_ix.iter().collect();
        nodes.sort_by(|a, b| a.0.cmp(b.0));
        for (id, ix) in nodes {
            assert_eq!(&self.g[*ix].id, id, "node index points at another node");
            out.push_str(&format!("node {id}\n"));
        }
        let mut rels: Vec<_> = self.rel_ix.iter().map(|ix| (&self.g[*ix].id, ix)).collect();
        rels.sort_by(|a, b| a.0.cmp(b.0));
        for (id, ix) in rels {
            let (a, b) = self.g.edge_endpoints(*ix).expect("indexed edge");
            out.push_str(&format!("rel {id} {} -> {}\n", self.g[a].id, self.g[b].id));
        }
        out.push_str(&format!(
            "petgraph {} {}\n",
            self.g.node_count(),
            self.g.edge_count()
        ));
        out.push_str(&self.refs.fingerprint(&self.g));
        let mut kinds: Vec<_> = self.by_kind.iter().filter(|(_, s)| !s.is_empty()).collect();
        kinds.sort_by_key(|(k, _)| k.prefix());
        for (k, ids) in kinds {
            out.push_str(&format!("kind {} {ids:?}\n", k.prefix()));
        }
        for c in self.conflicts.keys() {
            out.push_str(&format!("conflict {c}\n"));
        }
        out.push_str(&self.search.fingerprint());
        out
    }

    /// Forgets answers computed from this snapshot (before it is reused as
    /// the working copy of a write).
    pub fn clear_cache(&mut self) {
        self.cache = centrality::Cache::default();
    }

    /// Inserts or replaces a node; its relations stay.
    pub fn put_node(&mut self, mut n: Arc<Node>) {
        if let Some(m) = Arc::get_mut(&mut n) {
            if let Some((id, _)) = self.node_ix.get_key_value(m.id.as_str()) {
                m.id.clone_from(id);
            }
            share::node(m, &self.node_ix);
            share_list(&mut self.cites, &mut m.citations);
        }
        self.search.insert(&n);
        let refs = record_refs_node(&n);
        let id = n.id.clone();
        let ix = if let Some(ix) = self.node_ix.get(&id).copied() {
            let old = std::mem::replace(&mut self.g[ix], n);
            self.refs.remove(Referrer::node(ix), record_refs_node(&old));
            ix
        } else {
            let ix = self.g.add_node(n);
            self.node_ix.insert(id.clone(), ix);
            self.by_kind
                .entry(id.kind())
                .or_default()
                .insert(id.clone());
            ix
        };
        self.refs.add(Referrer::node(ix), refs);
    }

    /// Removes a node and, with it, any relation still attached (the service
    /// refuses or cascades before it gets here).
    pub fn remove_node(&mut self, id: &str) {
        if let Some(ix) = self.node_ix.remove(id) {
            let edges: Vec<RelId> = self
                .g
                .edges_directed(ix, Direction::Outgoing)
                .chain(self.g.edges_directed(ix, Direction::Incoming))
                .map(|e| e.weight().id.clone())
                .collect();
            for r in edges {
                self.remove_relation(r.as_str());
            }
            let old = self.g.remove_node(ix).expect("indexed");
            self.refs.remove(Referrer::node(ix), record_refs_node(&old));
            self.search.remove(&old.id);
            if let Some(set) = self.by_kind.get_mut(&old.id.kind()) {
                set.remove(id);
            }
        }
    }

    /// Inserts or replaces a relation. Both ends must exist.
    pub fn put_relation(&mut self, mut r: Arc<Relation>) {
        let adopted = Arc::get_mut(&mut r).map(|m| self.adopt(m));
        let (a, b) = match adopted {
            Some(Ok([a, b])) => (a, b),
            _ => (self.node_ix[r.from.as_str()], self.node_ix[r.to.as_str()]),
        };
        self.remove_relation(r.id.as_str());
        let refs = record_refs_rel(&r);
        let hash = hash_id(r.id.as_str());
        let ix = self.g.add_edge(a, b, r);
        self.refs.add(Referrer::rel(ix), refs);
        let g = &self.g;
        self.rel_ix
            .insert_unique(hash, ix, |ix| hash_id(g[*ix].id.as_str()));
    }

    pub fn remove_relation(&mut self, id: &str) {
        let g = &self.g;
        let found = self
            .rel_ix
            .find_entry(hash_id(id), |ix| g[*ix].id.as_str() == id);
        if let Ok(entry) = found {
            let (ix, _) = entry.remove();
            let old = self.g.remove_edge(ix).expect("indexed");
            self.refs.remove(Referrer::rel(ix), record_refs_rel(&old));
        }
    }

    pub fn put_redirect(&mut self, from: NodeId, into: NodeId) {
        self.redirects.insert(from, into);
    }

    pub fn remove_redirect(&mut self, from: &str) {
        self.redirects.remove(from);
    }

    pub fn put_conflict(&mut self, c: Arc<Conflict>) {
        self.remove_conflict(c.id.as_str());
        let claims = c.claims.iter().map(|r| r.shared()).collect();
        self.refs.add_conflict(c.id.shared(), claims);
        self.conflicts.insert(c.id.clone(), c);
    }

    pub fn remove_conflict(&mut self, id: &str) {
        if let Some(old) = self.conflicts.remove(id) {
            let claims = old.claims.iter().map(|r| r.shared()).collect();
            self.refs.remove_conflict(id, claims);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nid(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    fn rel(id: &str, kind: RelKind, from: &str, to: &str) -> Relation {
        Relation::new(RelId::parse(id).unwrap(), kind, nid(from), nid(to))
    }

    fn small() -> Graph {
        Graph::from_contents(Contents {
            nodes: vec![
                Node::new(nid("person:a"), "A"),
                Node::new(nid("meeting:m"), "M"),
                Node::new(nid("state:kz"), "Kazakhstan"),
            ],
            relations: vec![
                rel("rel:2", RelKind::Attended, "person:a", "meeting:m"),
                rel("rel:1", RelKind::Chaired, "person:a", "meeting:m"),
            ],
            conflicts: vec![],
            redirects: vec![],
        })
        .unwrap()
    }

    #[test]
    fn relations_come_back_by_direction_and_kind_in_id_order() {
        let g = small();
        let out: Vec<_> = g
            .relations("person:a", Direction::Outgoing, None)
            .iter()
            .map(|r| r.id.to_string())
            .collect();
        assert_eq!(out, ["rel:1", "rel:2"]);
        assert_eq!(
            g.relations("meeting:m", Direction::Incoming, Some(RelKind::Chaired))
                .len(),
            1
        );
    }

    #[test]
    fn a_relation_to_a_missing_node_is_refused_at_load() {
        let err = Graph::from_contents(Contents {
            nodes: vec![Node::new(nid("person:a"), "A")],
            relations: vec![rel("rel:1", RelKind::Chaired, "person:a", "meeting:m")],
            conflicts: vec![],
            redirects: vec![],
        })
        .err()
        .unwrap();
        assert_eq!(err.missing, "meeting:m");
    }

    #[test]
    fn removing_a_node_removes_its_relations_and_search_entries() {
        let mut g = small();
        g.remove_node("person:a");
        assert_eq!(g.relation_count(), 0);
        assert!(g.search("a", &[NodeKind::Person], 5).is_empty());
        assert_eq!(g.ids_of_kind(NodeKind::Person).count(), 0);
    }

    #[test]
    fn property_references_are_indexed() {
        let mut g = small();
        let mut r = rel("rel:3", RelKind::Attended, "person:a", "meeting:m");
        r.on_behalf_of = Some(nid("state:kz"));
        g.put_relation(Arc::new(r));
        assert_eq!(g.relations_referring("state:kz").len(), 1);
        g.remove_relation("rel:3");
        assert!(g.relations_referring("state:kz").is_empty());
    }
}
