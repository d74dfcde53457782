//! Building a graph from the store's records at start-up: the nodes first,
//! then the relations as they arrive (so they can be decoded on another
//! thread while the graph grows), then the conflicts and redirects.

use std::sync::Arc;

use fxhash::FxBuildHasher;
use hashbrown::HashTable;
use petgraph::stable_graph::StableDiGraph;

use super::{missing_end, share, Dangling, Graph, IdMap};
use crate::model::{Conflict, Node, NodeId, Relation};

/// A graph being built from loaded records: every node is in, relations
/// are added one at a time.
pub struct Loader {
    g: Graph,
}

impl Loader {
    /// A graph of `nodes`, with room for about `relations` relations.
    /// Each id string is held once: the node ids records name are the
    /// nodes' own (see `share.rs`).
    pub fn new(nodes: Vec<Node>, relations: usize) -> Loader {
        let mut g = Graph {
            g: StableDiGraph::with_capacity(nodes.len(), relations),
            node_ix: IdMap::with_capacity_and_hasher(nodes.len(), FxBuildHasher::default()),
            rel_ix: HashTable::with_capacity(relations),
            ..Graph::default()
        };
        // Sources may sort after the nodes citing them: know every id first.
        let ids: IdMap<NodeId, ()> = nodes.iter().map(|n| (n.id.clone(), ())).collect();
        for mut n in nodes {
            share::node(&mut n, &ids);
            g.put_node(Arc::new(n));
        }
        Loader { g }
    }

    /// Adds `r`, refusing it when it names a node that is not in the graph.
    pub fn relation(&mut self, mut r: Relation) -> Result<(), Dangling> {
        if let Some(id) = missing_end(&self.g, &r) {
            return Err(Dangling {
                rel: r.id.to_string(),
                missing: id.to_string(),
            });
        }
        share::relation(&mut r, &self.g.node_ix);
        self.g.put_relation(Arc::new(r));
        Ok(())
    }

    /// The graph, with `conflicts` and `redirects` (merged id → survivor).
    pub fn finish(self, conflicts: Vec<Conflict>, redirects: Vec<(NodeId, NodeId)>) -> Graph {
        let mut g = self.g;
        for cf in conflicts {
            g.put_conflict(Arc::new(cf));
        }
        g.redirects.extend(redirects);
        g
    }
}
