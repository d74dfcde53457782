//! One copy of each id string in the graph. A record loaded from the store or
//! written through the service carries its own copy of every id it names (a
//! relation's ends, its properties' targets, each citation's source); here
//! those are swapped for the copy the graph already holds, the node's own id,
//! so a node named by ten thousand relations is one string, not ten thousand.
//! The ids compare equal before and after: only memory changes.

use std::sync::Arc;

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
        list.shrink_to_fit();
    }
    n.shrink_to_fit();
}

/// Swaps every node id `r` names (ends, properties, citations) for the
/// graph's copy, and gives back the record's spare capacity.
pub fn relation(r: &mut Relation, ids: &impl Ids) {
    for id in r.node_refs_mut() {
        share(id, ids);
    }
    r.shrink_to_fit();
}

/// The ids a node references other than as an edge end: its citations' sources.
pub fn refs_of_node(n: &Node) -> Vec<Arc<str>> {
    let mut v: Vec<Arc<str>> = n.citations.iter().map(|c| c.source.shared()).collect();
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
pub fn refs_of_relation(r: &Relation) -> Vec<Arc<str>> {
    r.prop_refs()
        .map(|(_, id)| id.shared())
        .chain(r.citations.iter().map(|c| c.source.shared()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RelId, RelKind};
    use std::collections::HashMap;

    fn nid(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    #[test]
    fn a_relation_shares_the_graphs_copy_of_every_node_id_it_names() {
        let ids: HashMap<NodeId, ()> = ["person:a", "meeting:m", "office:o", "source:s"]
            .into_iter()
            .map(|s| (nid(s), ()))
            .collect();
        let mut r = Relation::new(
            RelId::parse("rel:1").unwrap(),
            RelKind::Attended,
            nid("person:a"),
            nid("meeting:m"),
        );
        r.capacity = Some(nid("office:o"));
        r.citations = vec![Citation {
            source: nid("source:s"),
            locator: None,
        }];
        let before = r.clone();
        relation(&mut r, &ids);
        assert_eq!(r, before, "the same ids");
        let graphs = |s: &str| ids.canonical(s).unwrap().shared();
        for (id, s) in [
            (&r.from, "person:a"),
            (&r.to, "meeting:m"),
            (r.capacity.as_ref().unwrap(), "office:o"),
            (&r.citations[0].source, "source:s"),
        ] {
            assert!(Arc::ptr_eq(&id.shared(), &graphs(s)), "{s} is shared");
        }
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
        }];
        let mut r = Relation::new(
            RelId::parse("rel:1").unwrap(),
            RelKind::Attended,
            nid("person:a"),
            nid("meeting:m"),
        );
        r.citations = person.citations.clone();
        let g = Graph::from_contents(Contents {
            nodes: vec![person, Node::new(nid("meeting:m"), "M"), source],
            relations: vec![r],
            conflicts: vec![],
            redirects: vec![],
        })
        .unwrap();
        let own = |s: &str| g.node(s).unwrap().id.shared();
        let rel = g.relation("rel:1").unwrap();
        assert!(Arc::ptr_eq(&rel.from.shared(), &own("person:a")));
        assert!(Arc::ptr_eq(&rel.to.shared(), &own("meeting:m")));
        assert!(Arc::ptr_eq(
            &rel.citations[0].source.shared(),
            &own("source:s")
        ));
        let cited = &g.node("person:a").unwrap().citations[0].source;
        assert!(Arc::ptr_eq(&cited.shared(), &own("source:s")));
        let mut citing: Vec<_> = g.referrers("source:s").collect();
        citing.sort();
        assert_eq!(citing, ["person:a", "rel:1"]);
    }
}
