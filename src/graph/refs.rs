//! Who references whom other than as an edge end (property references,
//! cited sources, conflict claims): target id → the records naming it.
//! Nodes and relations are held as their graph indices packed in four
//! bytes (issue 12, "RAM after load"), not as id strings; their ids are
//! read back from the graph, and answers come in id order as before.

use std::collections::BTreeSet;
use std::sync::Arc;

use arcstr::ArcStr;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};

use super::IdMap;
use crate::model::{Node, Relation};

/// A node or a relation, by graph index; the top bit tells which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Referrer(u32);

const REL: u32 = 1 << 31;

impl Referrer {
    pub fn node(ix: NodeIndex) -> Referrer {
        let i = ix.index() as u32;
        assert!(i < REL, "node index fits in 31 bits");
        Referrer(i)
    }

    pub fn rel(ix: EdgeIndex) -> Referrer {
        let i = ix.index() as u32;
        assert!(i < REL, "edge index fits in 31 bits");
        Referrer(i | REL)
    }

    fn id(self, g: &StableDiGraph<Arc<Node>, Arc<Relation>>) -> &str {
        if self.0 & REL == 0 {
            g[NodeIndex::new(self.0 as usize)].id.as_str()
        } else {
            g[EdgeIndex::new((self.0 & !REL) as usize)].id.as_str()
        }
    }
}

/// The reference index; see the module doc.
#[derive(Clone, Default)]
pub(super) struct Refs {
    /// Target → nodes and relations naming it, sorted by [`Referrer`].
    records: IdMap<ArcStr, Vec<Referrer>>,
    /// Relation id → the conflicts claiming it (few; by id).
    conflicts: IdMap<ArcStr, BTreeSet<ArcStr>>,
}

impl Refs {
    pub fn add(&mut self, from: Referrer, targets: Vec<ArcStr>) {
        for t in targets {
            let v = self.records.entry(t).or_default();
            if let Err(at) = v.binary_search(&from) {
                // Most targets are named a few times: no spare room then.
                if v.len() == v.capacity() && v.len() < 16 {
                    v.reserve_exact(1);
                }
                v.insert(at, from);
            }
        }
    }

    pub fn remove(&mut self, from: Referrer, targets: Vec<ArcStr>) {
        for t in targets {
            if let Some(v) = self.records.get_mut(&t) {
                if let Ok(at) = v.binary_search(&from) {
                    v.remove(at);
                }
                if v.is_empty() {
                    self.records.remove(&t);
                }
            }
        }
    }

    /// Gives back the spare room of each target's list (a much-cited
    /// source's list grew by doubling as a load added its referrers).
    pub fn shrink_to_fit(&mut self) {
        for v in self.records.values_mut() {
            v.shrink_to_fit();
        }
    }

    pub fn add_conflict(&mut self, from: ArcStr, targets: Vec<ArcStr>) {
        for t in targets {
            self.conflicts.entry(t).or_default().insert(from.clone());
        }
    }

    pub fn remove_conflict(&mut self, from: &str, targets: Vec<ArcStr>) {
        for t in targets {
            if let Some(set) = self.conflicts.get_mut(&t) {
                set.remove(from);
                if set.is_empty() {
                    self.conflicts.remove(&t);
                }
            }
        }
    }

    /// The ids of the records referencing `id`, in id order.
    pub fn of<'a>(
        &'a self,
        id: &str,
        g: &'a StableDiGraph<Arc<Node>, Arc<Relation>>,
    ) -> Vec<&'a str> {
        let mut v: Vec<&str> = self
            .records
            .get(id)
            .into_iter()
            .flatten()
            .map(|r| r.id(g))
            .chain(self.conflicts.get(id).into_iter().flatten().map(|c| &**c))
            .collect();
        v.sort_unstable();
        v
    }

    /// Every target with its referrers' ids, in a canonical order (tests).
    pub fn fingerprint(&self, g: &StableDiGraph<Arc<Node>, Arc<Relation>>) -> String {
        let mut targets: Vec<&str> = self
            .records
            .keys()
            .chain(self.conflicts.keys())
            .map(|t| &**t)
            .collect();
        targets.sort_unstable();
        targets.dedup();
        let mut out = String::new();
        for t in targets {
            out.push_str(&format!("ref {t} {:?}\n", self.of(t, g)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::graph::Graph;
    use crate::model::{Citation, Conflict, Node, NodeId, RelId, RelKind, Relation};
    use crate::store::Contents;
    use std::sync::Arc;

    fn nid(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    fn citing(id: &str) -> Relation {
        let mut r = Relation::new(
            RelId::parse(id).unwrap(),
            RelKind::Attended,
            nid("person:a"),
            nid("meeting:m"),
        );
        r.citations = vec![Citation {
            source: nid("source:s"),
            locator: None,
        }]
        .into();
        r
    }

    #[test]
    fn referrers_come_in_id_order_whatever_order_they_were_indexed_in() {
        let mut g = Graph::from_contents(Contents {
            nodes: vec![
                Node::new(nid("person:a"), "A"),
                Node::new(nid("meeting:m"), "M"),
                Node::new(nid("source:s"), "S"),
            ],
            relations: vec![citing("rel:3"), citing("rel:1")],
            conflicts: vec![],
            redirects: vec![],
        })
        .unwrap();
        // Replaced: indexed again under a new edge index.
        g.put_relation(Arc::new(citing("rel:3")));
        g.put_relation(Arc::new(citing("rel:2")));
        let got: Vec<_> = g.referrers("source:s").collect();
        assert_eq!(got, ["rel:1", "rel:2", "rel:3"]);
        g.remove_relation("rel:2");
        let got: Vec<_> = g.referrers("source:s").collect();
        assert_eq!(got, ["rel:1", "rel:3"]);
    }

    #[test]
    fn a_conflict_claiming_a_relation_is_among_its_referrers() {
        let mut g = Graph::from_contents(Contents {
            nodes: vec![
                Node::new(nid("person:a"), "A"),
                Node::new(nid("meeting:m"), "M"),
                Node::new(nid("source:s"), "S"),
            ],
            relations: vec![citing("rel:1")],
            conflicts: vec![],
            redirects: vec![],
        })
        .unwrap();
        let c: Conflict = serde_json::from_value(serde_json::json!({
            "id": "conflict:c", "claims": ["rel:1"], "note": "n"
        }))
        .unwrap();
        g.put_conflict(Arc::new(c));
        assert_eq!(g.referrers("rel:1").collect::<Vec<_>>(), ["conflict:c"]);
        g.remove_conflict("conflict:c");
        assert_eq!(g.referrers("rel:1").count(), 0);
    }
}
