//! Scoped exports (issue 15): the part of a snapshot an export is limited
//! to, built as a graph of its own so that every format writes it as it
//! writes the whole graph.
//!
//! A [`Scope`] picks nodes: an entity's neighbourhood (`around`, one or two
//! relations away) or a filtered meeting list (each meeting, the relations
//! touching it and their other ends). [`Graph::subgraph`] keeps those nodes,
//! the relations among them, and whatever else their records name so the
//! result still imports on its own: the sources their citations cite, the
//! nodes relation properties point at (capacity, on behalf of, topic, head),
//! and, following those, what those name in turn. Conflicts are kept when
//! every relation they claim is; redirects are not (a scoped export is a
//! picture of live records).

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::sync::Arc;

use super::filter::MeetingFilter;
use super::Graph;
use crate::model::NodeId;

/// The most relations away a neighbourhood export reaches.
pub const MAX_HOPS: usize = 2;

/// What part of the graph an export covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// Everything.
    #[default]
    All,
    /// The node `id` and every node within `hops` relations of it.
    Around { id: String, hops: usize },
    /// The meetings the filter keeps, the relations touching them and their
    /// other ends.
    Meetings(MeetingFilter),
}

/// A scope that cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("`around`: no node `{0}`")]
    NoNode(String),
    #[error("`hops` must be 1 or {MAX_HOPS}, not {0}")]
    Hops(usize),
}

impl Scope {
    /// A short name for files written from this scope (`all`,
    /// `around-meeting-x-1`, `meetings`), letters, digits and dashes only.
    pub fn slug(&self) -> String {
        match self {
            Scope::All => "all".into(),
            Scope::Around { id, hops } => {
                let id: String = id
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect();
                format!("around-{id}-{hops}")
            }
            Scope::Meetings(_) => "meetings".into(),
        }
    }
}

impl Graph {
    /// The graph `scope` covers: this snapshot itself for [`Scope::All`],
    /// else a new graph built by [`Graph::subgraph`].
    pub fn scoped(self: &Arc<Self>, scope: &Scope) -> Result<Arc<Graph>, ScopeError> {
        match scope {
            Scope::All => Ok(self.clone()),
            Scope::Around { id, hops } => {
                if !(1..=MAX_HOPS).contains(hops) {
                    return Err(ScopeError::Hops(*hops));
                }
                let (nodes, _, _) = self
                    .neighborhood(id, *hops, &[], usize::MAX)
                    .ok_or_else(|| ScopeError::NoNode(id.clone()))?;
                Ok(Arc::new(self.subgraph(nodes)))
            }
            Scope::Meetings(filter) => {
                let mut nodes = Vec::new();
                for m in self.meetings_matching(filter) {
                    let touching = self
                        .relations(m.as_str(), petgraph::Direction::Outgoing, None)
                        .into_iter()
                        .chain(self.relations(m.as_str(), petgraph::Direction::Incoming, None));
                    nodes.extend(touching.filter_map(|r| r.other_end(&m)).cloned());
                    nodes.push(m);
                }
                Ok(Arc::new(self.subgraph(nodes)))
            }
        }
    }

    /// The nodes `picked`, every relation whose two ends were picked, and
    /// every node those records name (cited sources, property targets),
    /// followed until nothing more is needed; conflicts whose claims were
    /// all kept. Unknown ids are skipped.
    pub fn subgraph(&self, picked: impl IntoIterator<Item = NodeId>) -> Graph {
        let picked: HashSet<NodeId> = picked
            .into_iter()
            .filter(|id| self.node(id.as_str()).is_some())
            .collect();
        let rels: Vec<_> = picked
            .iter()
            .flat_map(|id| self.relations(id.as_str(), petgraph::Direction::Outgoing, None))
            .filter(|r| picked.contains(r.to.as_str()))
            .cloned()
            .collect();
        // Ids in a B-tree: the graph's own order does not depend on hashing.
        let mut keep: BTreeSet<NodeId> = picked.iter().cloned().collect();
        let mut queue: VecDeque<NodeId> = keep.iter().cloned().collect();
        for r in &rels {
            for (_, id) in r.node_refs() {
                if keep.insert(id.clone()) {
                    queue.push_back(id.clone());
                }
            }
        }
        while let Some(id) = queue.pop_front() {
            let Some(n) = self.node(id.as_str()) else {
                continue;
            };
            for (_, c) in n.all_citations() {
                if keep.insert(c.source.clone()) {
                    queue.push_back(c.source.clone());
                }
            }
        }
        let mut g = Graph::default();
        for id in &keep {
            if let Some(n) = self.node(id.as_str()) {
                g.put_node(n.clone());
            }
        }
        let kept_rels: HashSet<&str> = rels.iter().map(|r| r.id.as_str()).collect();
        let conflicts: Vec<_> = self
            .conflicts()
            .filter(|c| c.claims.iter().all(|r| kept_rels.contains(r.as_str())))
            .cloned()
            .collect();
        for r in rels {
            g.put_relation(r);
        }
        for c in conflicts {
            g.put_conflict(c);
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Citation, Node, RelId, RelKind, Relation};

    fn nid(id: &str) -> NodeId {
        NodeId::parse(id).unwrap()
    }

    fn node(id: &str, cites: Option<&str>) -> Node {
        let name = id.split(':').nth(1).unwrap().to_uppercase();
        let mut n = Node::new(nid(id), format!("{name}{name}"));
        if let Some(s) = cites {
            n.citations.push(Citation {
                source: nid(s),
                locator: None,
            });
        }
        n
    }

    fn rel(id: &str, kind: RelKind, from: &str, to: &str) -> Relation {
        Relation::new(RelId::parse(id).unwrap(), kind, nid(from), nid(to))
    }

    /// person:a attends meeting:m, person:b attends too; meeting:m is held in
    /// place:s; person:c attends meeting:n only. Every record cites source:x
    /// or source:y.
    fn world() -> Arc<Graph> {
        let mut g = Graph::default();
        for n in [
            node("source:x", None),
            node("source:y", None),
            node("person:a", Some("source:x")),
            node("person:b", Some("source:y")),
            node("person:c", Some("source:x")),
            node("meeting:m", Some("source:x")),
            node("meeting:n", Some("source:x")),
            node("place:s", None),
        ] {
            g.put_node(Arc::new(n));
        }
        for r in [
            rel("rel:a-m", RelKind::Attended, "person:a", "meeting:m"),
            rel("rel:b-m", RelKind::Attended, "person:b", "meeting:m"),
            rel("rel:c-n", RelKind::Attended, "person:c", "meeting:n"),
            rel("rel:m-s", RelKind::HeldIn, "meeting:m", "place:s"),
        ] {
            g.put_relation(Arc::new(r));
        }
        Arc::new(g)
    }

    fn ids(g: &Graph) -> Vec<String> {
        g.all_nodes().map(|n| n.id.to_string()).collect()
    }

    #[test]
    fn a_neighbourhood_keeps_its_nodes_the_relations_among_them_and_their_sources() {
        let g = world();
        let s = g
            .scoped(&Scope::Around {
                id: "person:a".into(),
                hops: 1,
            })
            .unwrap();
        let mut got = ids(&s);
        got.sort();
        assert_eq!(got, ["meeting:m", "person:a", "source:x"]);
        assert_eq!(s.relation_count(), 1);
    }

    #[test]
    fn two_hops_reach_the_other_attendees_and_what_they_cite() {
        let g = world();
        let s = g
            .scoped(&Scope::Around {
                id: "person:a".into(),
                hops: 2,
            })
            .unwrap();
        let mut got = ids(&s);
        got.sort();
        assert_eq!(
            got,
            [
                "meeting:m",
                "person:a",
                "person:b",
                "place:s",
                "source:x",
                "source:y"
            ]
        );
        assert_eq!(s.relation_count(), 3);
    }

    #[test]
    fn a_meeting_list_keeps_each_meeting_with_its_relations_and_their_ends() {
        let g = world();
        let filter = MeetingFilter {
            name: crate::graph::filter::NameFilter::new("NN"),
            ..MeetingFilter::default()
        };
        let s = g.scoped(&Scope::Meetings(filter)).unwrap();
        let mut got = ids(&s);
        got.sort();
        assert_eq!(got, ["meeting:n", "person:c", "source:x"]);
        assert_eq!(s.relation_count(), 1);
    }

    #[test]
    fn a_bad_scope_names_what_is_wrong() {
        let g = world();
        let around = |id: &str, hops| Scope::Around {
            id: id.into(),
            hops,
        };
        assert_eq!(
            g.scoped(&around("person:zz", 1)).err(),
            Some(ScopeError::NoNode("person:zz".into()))
        );
        assert_eq!(
            g.scoped(&around("person:a", 3)).err(),
            Some(ScopeError::Hops(3))
        );
    }

    #[test]
    fn a_slug_is_safe_in_a_file_name() {
        let s = Scope::Around {
            id: "meeting:sco/2024".into(),
            hops: 2,
        };
        assert_eq!(s.slug(), "around-meeting-sco-2024-2");
    }
}
