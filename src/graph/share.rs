//! One copy of each id string in the graph. A record loaded from the store or
//! written through the service carries its own copy of every id it names (a
//! relation's ends, its properties' targets, each citation's source); here
//! those are swapped for the copy the graph already holds, the node's own id,
//! so a node named by ten thousand relations is one string, not ten thousand.
//! The ids compare equal before and after: only memory changes. A node's
//! ids are swapped here; a relation's in `Graph::adopt` (`mod.rs`), which
//! also finds its ends and shares its citation list, in the same lookups.

use arcstr::ArcStr;

use crate::model::{Citation, Node, NodeId, Relation};

/// Finds the graph's copy of a node id.
pub trait Ids {
    fn canonical(&self, id: &str) -> Option<&NodeId>;
}

impl<V, S: std::hash::BuildHasher> Ids for std::collections::HashMap<NodeId, V, S> {
    fn canonical(&self, id: &str) -> Option<&NodeId> {
        self.get_key_value(id).map(|(k, _)| k)
    }
}

fn share(id: &mut NodeId, ids: &impl Ids) {
    if let Some(c) = ids.canonical(id.as_str()) {
        id.clone_from(c);
    }
}

fn share_citations(cs: &mut [Citation], ids: &impl Ids) {
    for c in cs {
        share(&mut c.source, ids);
    }
}

/// Swaps every node id `n` cites for the graph's copy.
/// Spare vector capacity (a decoder grows vectors by doubling) is given back.
pub fn node(n: &mut Node, ids: &impl Ids) {
    for list in n.citation_lists_mut() {
        share_citations(list, ids);
    }
    n.shrink_to_fit();
}

/// The ids a node references other than as an edge end: its citations' sources.
pub fn refs_of_node(n: &Node) -> Vec<ArcStr> {
    let mut v: Vec<ArcStr> = n.citations.iter().map(|c| c.source.shared()).collect();
    for a in &n.aliases {
        v.extend(a.citations.iter().map(|c| c.source.shared()));
    }
    for note in &n.notes {
        v.extend(note.citations.iter().map(|c| c.source.shared()));
    }
    v
}

/// The ids a relation references other than as an edge end: its properties'
/// targets and its citations' sources.
pub fn refs_of_relation(r: &Relation) -> Vec<ArcStr> {
    r.prop_refs()
        .map(|(_, id)| id.shared())
        .chain(r.citations.iter().map(|c| c.source.shared()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RelId, RelKind};

    fn nid(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    #[test]
    fn a_loaded_graph_holds_one_copy_of_each_node_id() {
        use crate::graph::Graph;
        use crate::store::Contents;
        let mut source = Node::new(nid("source:s"), "S");
        source.url = Some("https://example.org/s".into());
        let mut person = Node::new(nid("person:a"), "A");
        person.citations = vec![Citation {
            source: nid("source:s"),
            locator: None,
        }]
        .into();
        let mut r = Relation::new(
            RelId::parse("rel:1").unwrap(),
            RelKind::Attended,
            nid("person:a"),
            nid("meeting:m"),
        );
        r.citations = person.citations.clone();
        r.capacity = Some(nid("office:o"));
        let g = Graph::from_contents(Contents {
            nodes: vec![
                person,
                Node::new(nid("meeting:m"), "M"),
                source,
                Node::new(nid("office:o"), "O"),
            ],
            relations: vec![r],
            conflicts: vec![],
            redirects: vec![],
        })
        .unwrap();
        let own = |s: &str| g.node(s).unwrap().id.shared();
        let rel = g.relation("rel:1").unwrap();
        assert!(ArcStr::ptr_eq(&rel.from.shared(), &own("person:a")));
        assert!(ArcStr::ptr_eq(&rel.to.shared(), &own("meeting:m")));
        let capacity = rel.capacity.as_ref().unwrap().shared();
        assert!(ArcStr::ptr_eq(&capacity, &own("office:o")));
        assert!(ArcStr::ptr_eq(
            &rel.citations[0].source.shared(),
            &own("source:s")
        ));
        let cited = &g.node("person:a").unwrap().citations[0].source;
        assert!(ArcStr::ptr_eq(&cited.shared(), &own("source:s")));
        let mut citing: Vec<_> = g.referrers("source:s").collect();
        citing.sort();
        assert_eq!(citing, ["person:a", "rel:1"]);
    }

    #[test]
    fn relations_citing_alike_share_one_citation_list() {
        use crate::graph::Graph;
        use crate::model::{Citation, Citations};
        use crate::store::Contents;
        use std::sync::Arc;
        let cite = |locator: Option<&str>| {
            vec![Citation {
                source: nid("source:s"),
                locator: locator.map(Into::into),
            }]
        };
        let rel = |id: &str, locator: Option<&str>| {
            let mut r = Relation::new(
                RelId::parse(id).unwrap(),
                RelKind::Attended,
                nid("person:a"),
                nid("meeting:m"),
            );
            r.citations = cite(locator).into();
            r
        };
        let mut g = Graph::from_contents(Contents {
            nodes: vec![
                Node::new(nid("person:a"), "A"),
                Node::new(nid("meeting:m"), "M"),
                Node::new(nid("source:s"), "S"),
            ],
            relations: vec![
                rel("rel:1", None),
                rel("rel:2", None),
                rel("rel:3", Some("¶3")),
            ],
            conflicts: vec![],
            redirects: vec![],
        })
        .unwrap();
        g.put_relation(Arc::new(rel("rel:4", None)));
        let list = |id: &str| &g.relation(id).unwrap().citations;
        assert!(Citations::ptr_eq(list("rel:1"), list("rel:2")));
        assert!(
            Citations::ptr_eq(list("rel:1"), list("rel:4")),
            "a write shares too"
        );
        assert!(!Citations::ptr_eq(list("rel:1"), list("rel:3")));
        assert_eq!(*list("rel:3"), cite(Some("¶3")));
    }

    #[test]
    fn nodes_share_the_citation_list_of_relations_citing_alike() {
        use crate::graph::Graph;
        use crate::model::{Citation, Citations};
        use crate::store::Contents;
        use std::sync::Arc;
        let cite = || {
            vec![Citation {
                source: nid("source:s"),
                locator: None,
            }]
        };
        let node = |id: &str| {
            let mut n = Node::new(nid(id), "N");
            n.citations = cite().into();
            n
        };
        let mut r = Relation::new(
            RelId::parse("rel:1").unwrap(),
            RelKind::Attended,
            nid("person:a"),
            nid("meeting:m"),
        );
        r.citations = cite().into();
        let mut g = Graph::from_contents(Contents {
            nodes: vec![node("person:a"), node("meeting:m"), node("source:s")],
            relations: vec![r],
            conflicts: vec![],
            redirects: vec![],
        })
        .unwrap();
        g.put_node(Arc::new(node("person:b")));
        let of = |id: &str| &g.node(id).unwrap().citations;
        let rel = &g.relation("rel:1").unwrap().citations;
        assert!(Citations::ptr_eq(of("person:a"), rel));
        assert!(Citations::ptr_eq(of("meeting:m"), rel));
        assert!(Citations::ptr_eq(of("person:b"), rel), "a write shares too");
        assert_eq!(*of("person:b"), cite());
    }
}
