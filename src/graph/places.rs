//! Places inside places: the `located_in` hierarchy (a residence in a city, a
//! city in a state) walked transitively, and the meetings held anywhere inside
//! a place or state.
//!
//! Cycles: the write path refuses a `located_in` that would close a cycle
//! (`located_in_cycle`, called by the planner), and every walk here keeps a
//! visited set, so a cycle in an older store still gives a finite answer.

use std::collections::{BTreeSet, VecDeque};

use petgraph::Direction;

use super::Graph;
use crate::model::{NodeId, NodeKind, RelKind};

impl Graph {
    /// The places located in `id` (a place or a state), directly or through
    /// other places, nearest first, each once; `id` itself is not included.
    pub fn places_within(&self, id: &str) -> Vec<NodeId> {
        let mut seen: BTreeSet<NodeId> = BTreeSet::new();
        let mut out = Vec::new();
        let mut queue: VecDeque<String> = VecDeque::from([id.to_owned()]);
        while let Some(at) = queue.pop_front() {
            let mut inner: Vec<&NodeId> = self
                .relations(&at, Direction::Incoming, Some(RelKind::LocatedIn))
                .into_iter()
                .map(|r| &r.from)
                .filter(|p| p.as_str() != id && !seen.contains(*p))
                .collect();
            inner.sort();
            inner.dedup();
            for p in inner {
                seen.insert(p.clone());
                out.push(p.clone());
                queue.push_back(p.to_string());
            }
        }
        out
    }

    /// The places and states `place` lies in, nearest first, each once.
    pub fn places_around(&self, place: &str) -> Vec<NodeId> {
        let mut seen: BTreeSet<NodeId> = BTreeSet::new();
        let mut out = Vec::new();
        let mut queue: VecDeque<String> = VecDeque::from([place.to_owned()]);
        while let Some(at) = queue.pop_front() {
            for r in self.relations(&at, Direction::Outgoing, Some(RelKind::LocatedIn)) {
                if r.to.as_str() != place && seen.insert(r.to.clone()) {
                    out.push(r.to.clone());
                    queue.push_back(r.to.to_string());
                }
            }
        }
        out
    }

    /// The meetings held in `id` (a place) or in any place inside it (for a
    /// state: any place located in it, however deep).
    pub fn meetings_within(&self, id: &str) -> BTreeSet<NodeId> {
        let held = |p: &str| {
            self.relations(p, Direction::Incoming, Some(RelKind::HeldIn))
                .into_iter()
                .map(|r| r.from.clone())
                .filter(|m| m.kind() == NodeKind::Meeting)
                .collect::<Vec<_>>()
        };
        let mut out: BTreeSet<NodeId> = held(id).into_iter().collect();
        for p in self.places_within(id) {
            out.extend(held(p.as_str()));
        }
        out
    }

    /// `search`, keeping only the meetings held in `within` (a place or a
    /// state) or at any place inside it, and the places inside it.
    pub fn search_within(
        &self,
        text: &str,
        kinds: &[NodeKind],
        within: &str,
        limit: usize,
    ) -> Vec<super::Hit> {
        let mut inside = self.meetings_within(within);
        inside.extend(self.places_within(within));
        let mut hits = self.search(text, kinds, usize::MAX);
        hits.retain(|h| inside.contains(&h.id));
        hits.truncate(limit);
        hits
    }

    /// If a `located_in` from `from` to `to` would close a cycle, the chain
    /// that closes it: `to`, …, `from` (following `located_in` upwards).
    pub fn located_in_cycle(&self, from: &str, to: &str) -> Option<Vec<NodeId>> {
        if from == to {
            return NodeId::parse(from).ok().map(|f| vec![f]);
        }
        // Breadth-first upwards from `to`, remembering how each was reached.
        let mut prev: std::collections::HashMap<NodeId, NodeId> = Default::default();
        let start = NodeId::parse(to).ok()?;
        let mut seen: BTreeSet<NodeId> = BTreeSet::from([start.clone()]);
        let mut queue = VecDeque::from([start.clone()]);
        while let Some(at) = queue.pop_front() {
            for r in self.relations(at.as_str(), Direction::Outgoing, Some(RelKind::LocatedIn)) {
                if !seen.insert(r.to.clone()) {
                    continue;
                }
                prev.insert(r.to.clone(), at.clone());
                if r.to.as_str() == from {
                    let mut chain = vec![r.to.clone()];
                    let mut cur = r.to.clone();
                    while let Some(p) = prev.get(&cur) {
                        chain.push(p.clone());
                        cur = p.clone();
                    }
                    chain.reverse();
                    return Some(chain);
                }
                queue.push_back(r.to.clone());
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::{Node, RelId, Relation};

    fn nid(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    fn rel(g: &mut Graph, id: &str, kind: RelKind, from: &str, to: &str) {
        let r = Relation::new(RelId::parse(id).unwrap(), kind, nid(from), nid(to));
        g.put_relation(Arc::new(r));
    }

    /// A residence in a city in a state; one meeting at each of the
    /// residence and the city.
    fn graph() -> Graph {
        let mut g = Graph::default();
        for id in [
            "state:kg",
            "place:bishkek",
            "place:ala-archa",
            "meeting:m1",
            "meeting:m2",
        ] {
            g.put_node(Arc::new(Node::new(nid(id), id.to_owned())));
        }
        rel(
            &mut g,
            "rel:1",
            RelKind::LocatedIn,
            "place:bishkek",
            "state:kg",
        );
        rel(
            &mut g,
            "rel:2",
            RelKind::LocatedIn,
            "place:ala-archa",
            "place:bishkek",
        );
        rel(
            &mut g,
            "rel:3",
            RelKind::HeldIn,
            "meeting:m1",
            "place:ala-archa",
        );
        rel(
            &mut g,
            "rel:4",
            RelKind::HeldIn,
            "meeting:m2",
            "place:bishkek",
        );
        g
    }

    #[test]
    fn places_within_a_state_include_places_inside_its_cities() {
        let g = graph();
        let ids: Vec<String> = g
            .places_within("state:kg")
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(ids, ["place:bishkek", "place:ala-archa"]);
    }

    #[test]
    fn meetings_within_a_city_include_meetings_at_places_inside_it() {
        let g = graph();
        assert_eq!(g.meetings_within("place:bishkek").len(), 2);
        assert_eq!(g.meetings_within("state:kg").len(), 2);
        assert_eq!(g.meetings_within("place:ala-archa").len(), 1);
    }

    #[test]
    fn places_around_a_residence_read_up_to_the_state() {
        let g = graph();
        let ids: Vec<String> = g
            .places_around("place:ala-archa")
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(ids, ["place:bishkek", "state:kg"]);
    }

    #[test]
    fn a_located_in_back_down_the_chain_is_reported_as_a_cycle() {
        let g = graph();
        let chain = g
            .located_in_cycle("place:bishkek", "place:ala-archa")
            .unwrap();
        let ids: Vec<&str> = chain.iter().map(|p| p.as_str()).collect();
        assert_eq!(ids, ["place:ala-archa", "place:bishkek"]);
        assert!(g.located_in_cycle("place:ala-archa", "state:kg").is_none());
    }

    #[test]
    fn a_cycle_already_stored_still_gives_finite_answers() {
        let mut g = graph();
        rel(
            &mut g,
            "rel:5",
            RelKind::LocatedIn,
            "place:bishkek",
            "place:ala-archa",
        );
        assert_eq!(
            g.places_within("place:bishkek"),
            vec![nid("place:ala-archa")]
        );
        assert_eq!(g.meetings_within("place:bishkek").len(), 2);
        assert_eq!(g.places_around("place:ala-archa").len(), 2);
    }
}
