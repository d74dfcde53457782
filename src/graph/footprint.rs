//! Where a loaded graph's memory goes (issue 12, "RAM after load"): the
//! graph taken apart one structure at a time, so that a counting allocator
//! (the footprint bench's) can read off what each part held.

use std::sync::Arc;

use super::Graph;
use crate::model::{Node, Relation};

/// The parts [`Graph::drop_in_parts`] frees, in the order it frees them.
/// Records go last: the indexes share their id strings, which the records
/// own, so each index part frees only its own tables.
pub const PARTS: [&str; 9] = [
    "search index",
    "by_kind",
    "refs",
    "rel_ix",
    "node_ix",
    "conflicts, redirects, cache",
    "petgraph structure",
    "relations (records, rel ids, citations)",
    "nodes (records, node ids, names, citations)",
];

impl Graph {
    /// Drops the graph part by part, calling `freed("")` once before
    /// anything goes, then `freed(part)` after each part (one call per
    /// entry of [`PARTS`], in that order). Between two calls,
    /// only that part's memory is released, so a counting allocator
    /// attributes the graph's heap to each; `held` is called with the
    /// records before the last two parts go, for a finer split of them.
    #[doc(hidden)]
    pub fn drop_in_parts(
        self,
        mut freed: impl FnMut(&'static str),
        held: impl FnOnce(&[Arc<Node>], &[Arc<Relation>]),
    ) {
        let Graph {
            g,
            node_ix,
            rel_ix,
            conflicts,
            refs,
            by_kind,
            search,
            cache,
            redirects,
            cites,
            log_seq: _,
        } = self;
        let nodes: Vec<Arc<Node>> = g.node_weights().cloned().collect();
        let rels: Vec<Arc<Relation>> = g.edge_weights().cloned().collect();
        freed("");
        drop(search);
        freed(PARTS[0]);
        drop(by_kind);
        freed(PARTS[1]);
        drop(refs);
        freed(PARTS[2]);
        drop(rel_ix);
        freed(PARTS[3]);
        drop(node_ix);
        freed(PARTS[4]);
        drop((conflicts, redirects, cache));
        freed(PARTS[5]);
        drop(g);
        freed(PARTS[6]);
        held(&nodes, &rels);
        // The shared citation lists go with the last relation citing them.
        drop((rels, cites));
        freed(PARTS[7]);
        drop(nodes);
        freed(PARTS[8]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NodeId, RelId, RelKind};
    use crate::store::Contents;

    #[test]
    fn dropping_in_parts_names_every_part_once_in_order() {
        let nid = |s: &str| NodeId::parse(s).unwrap();
        let g = Graph::from_contents(Contents {
            nodes: vec![
                Node::new(nid("person:a"), "A"),
                Node::new(nid("meeting:m"), "M"),
            ],
            relations: vec![Relation::new(
                RelId::parse("rel:1").unwrap(),
                RelKind::Attended,
                nid("person:a"),
                nid("meeting:m"),
            )],
            conflicts: vec![],
            redirects: vec![],
        })
        .unwrap();
        let mut seen = Vec::new();
        let mut counts = (0, 0);
        g.drop_in_parts(|p| seen.push(p), |n, r| counts = (n.len(), r.len()));
        assert_eq!(seen[0], "");
        assert_eq!(seen[1..], PARTS);
        assert_eq!(counts, (2, 1));
    }
}
