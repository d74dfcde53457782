//! Connections: all shortest paths between two entities (bidirectional
//! breadth-first search over relations in either direction, optionally only
//! some kinds), and the neighbourhood of an entity for the explorer.

use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};

use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeRef, NodeIndexable};
use petgraph::Direction;

use super::Graph;
use crate::model::{NodeId, RelId, RelKind};

/// A path: `nodes[i]` and `nodes[i + 1]` are joined by `relations[i]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub nodes: Vec<NodeId>,
    pub relations: Vec<RelId>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("`{0}` does not exist")]
    NoSuchNode(String),
    #[error("no connection within {0} steps")]
    NotFound(usize),
}

/// A node reached by one side of the search: its distance from that side's
/// start (`NONE`: not reached) and its parents (the nodes one step nearer
/// that reach it), a linked list in discovery order through [`Side::links`].
#[derive(Clone, Copy)]
struct Reached {
    dist: u32,
    head: u32,
    tail: u32,
}

/// One parent step: (parent, the relation to it, the next link or `NONE`).
type Link = (NodeIndex, EdgeIndex, u32);

const NONE: u32 = u32::MAX;

const UNREACHED: Reached = Reached {
    dist: NONE,
    head: NONE,
    tail: NONE,
};

thread_local! {
    /// Each thread's tables of reached nodes, by node index, all unreached
    /// between searches: a search clears only the entries it set, so it
    /// costs what it visits, not the size of the graph (and no hashing).
    static SCRATCH: RefCell<Vec<Vec<Reached>>> = const { RefCell::new(Vec::new()) };
}

struct Side {
    /// By node index; taken from [`SCRATCH`] and given back cleared on drop.
    reached: Vec<Reached>,
    /// The nodes set in `reached`, to clear.
    touched: Vec<NodeIndex>,
    links: Vec<Link>,
    frontier: Vec<NodeIndex>,
    depth: u32,
}

impl Side {
    /// A side starting from `start`, in a graph whose indices are below `bound`.
    fn new(start: NodeIndex, bound: usize) -> Side {
        let mut reached = SCRATCH
            .try_with(|s| s.borrow_mut().pop())
            .ok()
            .flatten()
            .unwrap_or_default();
        if reached.len() < bound {
            reached.resize(bound, UNREACHED);
        }
        let mut side = Side {
            reached,
            touched: Vec::new(),
            links: Vec::new(),
            frontier: vec![start],
            depth: 0,
        };
        side.reach(start, 0);
        side
    }

    fn reach(&mut self, v: NodeIndex, dist: u32) {
        self.reached[v.index()].dist = dist;
        self.touched.push(v);
    }

    /// How far `v` is from this side's start, if reached.
    fn dist(&self, v: NodeIndex) -> Option<u32> {
        let d = self.reached[v.index()].dist;
        (d != NONE).then_some(d)
    }

    fn add_parent(&mut self, v: NodeIndex, u: NodeIndex, e: EdgeIndex) {
        let i = self.links.len() as u32;
        self.links.push((u, e, NONE));
        let tail = self.reached[v.index()].tail;
        if tail == NONE {
            self.reached[v.index()].head = i;
        } else {
            self.links[tail as usize].2 = i;
        }
        self.reached[v.index()].tail = i;
    }

    /// The parents of `v`, in the order they were found.
    fn parents(&self, v: NodeIndex) -> impl Iterator<Item = (NodeIndex, EdgeIndex)> + '_ {
        let mut i = self.reached.get(v.index()).map_or(NONE, |r| r.head);
        std::iter::from_fn(move || {
            let (u, e, next) = *self.links.get(i as usize)?;
            i = next;
            Some((u, e))
        })
    }
}

impl Drop for Side {
    fn drop(&mut self) {
        let mut reached = std::mem::take(&mut self.reached);
        for v in &self.touched {
            reached[v.index()] = UNREACHED;
        }
        // Two tables a thread: the two sides of one search.
        let _ = SCRATCH.try_with(|s| {
            let mut s = s.borrow_mut();
            if s.len() < 2 {
                s.push(reached);
            }
        });
    }
}

/// Where a search stopped when it was given a budget.
pub enum Bounded<T> {
    Done(T),
    /// It would have looked at more relations than the budget allows.
    OverBudget,
}

impl Graph {
    /// Neighbours of `ix` through relations of the allowed kinds (all when
    /// `via` is empty), either direction: outgoing relations first.
    fn around<'a>(
        &'a self,
        ix: NodeIndex,
        via: &'a [RelKind],
    ) -> impl Iterator<Item = (NodeIndex, EdgeIndex)> + 'a {
        let out = self
            .g
            .edges_directed(ix, Direction::Outgoing)
            .map(|e| (e.target(), e));
        let inc = self
            .g
            .edges_directed(ix, Direction::Incoming)
            .map(|e| (e.source(), e));
        out.chain(inc)
            .filter(move |(_, e)| via.is_empty() || via.contains(&e.weight().kind))
            .map(|(other, e)| (other, e.id()))
    }

    /// Expands one whole layer of `side`; returns the new nodes also reached
    /// by `other`, or `None` as soon as more than `budget` relations have
    /// been looked at in all (counted in `spent`).
    fn expand(
        &self,
        side: &mut Side,
        other: &Side,
        via: &[RelKind],
        (spent, budget): (&mut usize, usize),
    ) -> Option<Vec<NodeIndex>> {
        let next_depth = side.depth + 1;
        let mut next = Vec::new();
        let mut meets = Vec::new();
        for u in std::mem::take(&mut side.frontier) {
            if *spent > budget {
                return None;
            }
            for (v, e) in self.around(u, via) {
                *spent += 1;
                match side.dist(v) {
                    None => {
                        side.reach(v, next_depth);
                        side.add_parent(v, u, e);
                        next.push(v);
                        if other.dist(v).is_some() {
                            meets.push(v);
                        }
                    }
                    Some(d) if d == next_depth => side.add_parent(v, u, e),
                    Some(_) => {}
                }
            }
        }
        side.frontier = next;
        side.depth = next_depth;
        Some(meets)
    }

    /// All shortest paths from `from` to `to` (at most `limit`) within
    /// `max_depth` relations, following only `via` kinds when given.
    pub fn shortest_paths(
        &self,
        from: &str,
        to: &str,
        max_depth: usize,
        via: &[RelKind],
        limit: usize,
    ) -> Result<Vec<Path>, PathError> {
        match self.shortest_paths_within(from, to, max_depth, via, limit, usize::MAX) {
            Bounded::Done(r) => r,
            Bounded::OverBudget => unreachable!("no budget"),
        }
    }

    /// [`Graph::shortest_paths`], unless the search would look at more than
    /// `budget` relations: then it stops there, so a caller can try a search
    /// in place and hand the expensive ones elsewhere.
    pub fn shortest_paths_within(
        &self,
        from: &str,
        to: &str,
        max_depth: usize,
        via: &[RelKind],
        limit: usize,
        budget: usize,
    ) -> Bounded<Result<Vec<Path>, PathError>> {
        let Some(&s) = self.node_ix.get(from) else {
            return Bounded::Done(Err(PathError::NoSuchNode(from.to_owned())));
        };
        let Some(&t) = self.node_ix.get(to) else {
            return Bounded::Done(Err(PathError::NoSuchNode(to.to_owned())));
        };
        if s == t {
            return Bounded::Done(Ok(vec![Path {
                nodes: vec![self.g[s].id.clone()],
                relations: vec![],
            }]));
        }
        let bound = self.g.node_bound();
        let mut fw = Side::new(s, bound);
        let mut bw = Side::new(t, bound);
        let mut spent = 0;
        let meets = loop {
            if (fw.depth + bw.depth) as usize >= max_depth
                || fw.frontier.is_empty()
                || bw.frontier.is_empty()
            {
                return Bounded::Done(Err(PathError::NotFound(max_depth)));
            }
            // Grow the side with the smaller frontier.
            let forward = fw.frontier.len() <= bw.frontier.len();
            let meets = if forward {
                self.expand(&mut fw, &bw, via, (&mut spent, budget))
            } else {
                self.expand(&mut bw, &fw, via, (&mut spent, budget))
            };
            let Some(meets) = meets else {
                return Bounded::OverBudget;
            };
            if !meets.is_empty() {
                break meets;
            }
        };
        let mut out = Vec::new();
        for m in meets {
            for left in walk(&fw, m, s, limit) {
                for right in walk(&bw, m, t, limit) {
                    if out.len() >= limit {
                        return Bounded::Done(Ok(out));
                    }
                    // left runs m → s, right runs m → t.
                    let mut nodes: Vec<NodeIndex> = left.0.iter().rev().copied().collect();
                    let mut rels: Vec<EdgeIndex> = left.1.iter().rev().copied().collect();
                    nodes.extend(right.0.iter().skip(1));
                    rels.extend(right.1.iter());
                    out.push(Path {
                        nodes: nodes.iter().map(|i| self.g[*i].id.clone()).collect(),
                        relations: rels.iter().map(|e| self.g[*e].id.clone()).collect(),
                    });
                }
            }
        }
        Bounded::Done(Ok(out))
    }

    /// Interleaves a layer's steps by relation kind — one step of each kind in
    /// turn, kinds in order of first appearance, each kind in its own order —
    /// so that when `limit` cuts a layer short every kind keeps its share.
    fn by_kind_in_turn(&self, steps: Vec<(NodeIndex, EdgeIndex)>) -> Vec<(NodeIndex, EdgeIndex)> {
        let mut queues: Vec<(RelKind, VecDeque<(NodeIndex, EdgeIndex)>)> = Vec::new();
        for step in steps {
            let kind = self.g[step.1].kind;
            match queues.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, q)) => q.push_back(step),
                None => queues.push((kind, VecDeque::from([step]))),
            }
        }
        let mut out = Vec::new();
        while queues.iter().any(|(_, q)| !q.is_empty()) {
            out.extend(queues.iter_mut().filter_map(|(_, q)| q.pop_front()));
        }
        out
    }

    /// The nodes within `depth` relations of `id` (at most `limit`, nearest
    /// first, each layer's relation kinds taking turns) and the relations
    /// between them that were followed; `true` when the limit cut the answer
    /// short.
    pub fn neighborhood(
        &self,
        id: &str,
        depth: usize,
        via: &[RelKind],
        limit: usize,
    ) -> Option<(Vec<NodeId>, Vec<RelId>, bool)> {
        let start = *self.node_ix.get(id)?;
        let mut seen: HashSet<NodeIndex> = HashSet::from([start]);
        let mut order = vec![start];
        let mut rels: Vec<EdgeIndex> = Vec::new();
        let mut rel_seen: HashSet<EdgeIndex> = HashSet::new();
        let mut frontier = vec![start];
        let mut truncated = false;
        'layers: for _ in 0..depth {
            let mut next = Vec::new();
            let steps: Vec<_> = frontier.iter().flat_map(|u| self.around(*u, via)).collect();
            for (v, e) in self.by_kind_in_turn(steps) {
                if !seen.contains(&v) {
                    if order.len() >= limit {
                        truncated = true;
                        break 'layers;
                    }
                    seen.insert(v);
                    order.push(v);
                    next.push(v);
                }
                if rel_seen.insert(e) {
                    rels.push(e);
                }
            }
            frontier = next;
        }
        let nodes = order.iter().map(|i| self.g[*i].id.clone()).collect();
        let rels = rels
            .into_iter()
            .filter(|e| {
                let (a, b) = self.g.edge_endpoints(*e).expect("live edge");
                seen.contains(&a) && seen.contains(&b)
            })
            .map(|e| self.g[e].id.clone())
            .collect();
        Some((nodes, rels, truncated))
    }
}

/// Up to `limit` parent chains from `m` back to `root`: (nodes m..root, edges).
fn walk(
    side: &Side,
    m: NodeIndex,
    root: NodeIndex,
    limit: usize,
) -> Vec<(Vec<NodeIndex>, Vec<EdgeIndex>)> {
    let mut done = Vec::new();
    let mut stack = vec![(vec![m], Vec::new())];
    while let Some((nodes, edges)) = stack.pop() {
        let last = *nodes.last().expect("non-empty");
        if last == root {
            done.push((nodes, edges));
            if done.len() >= limit {
                break;
            }
            continue;
        }
        for (p, e) in side.parents(last) {
            let mut n2 = nodes.clone();
            n2.push(p);
            let mut e2 = edges.clone();
            e2.push(e);
            stack.push((n2, e2));
        }
    }
    done
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::{Node, Relation};

    fn nid(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    /// A ring of 8 people and meetings alternating: p0 - m0 - p1 - m1 - ... - m3 - p0.
    fn ring() -> Graph {
        let mut g = Graph::default();
        for i in 0..4 {
            g.put_node(Arc::new(Node::new(nid(&format!("person:p{i}")), "P")));
            g.put_node(Arc::new(Node::new(nid(&format!("meeting:m{i}")), "M")));
        }
        for i in 0..4 {
            for p in [i, (i + 1) % 4] {
                let r = Relation::new(
                    RelId::parse(&format!("rel:p{p}-m{i}")).unwrap(),
                    RelKind::Attended,
                    nid(&format!("person:p{p}")),
                    nid(&format!("meeting:m{i}")),
                );
                g.put_relation(Arc::new(r));
            }
        }
        g
    }

    #[test]
    fn opposite_points_of_a_ring_have_two_shortest_paths() {
        let g = ring();
        let paths = g
            .shortest_paths("person:p0", "person:p2", 6, &[], 10)
            .unwrap();
        assert_eq!(paths.len(), 2);
        for p in &paths {
            assert_eq!(p.relations.len(), 4);
            assert_eq!(p.nodes.first().unwrap().as_str(), "person:p0");
            assert_eq!(p.nodes.last().unwrap().as_str(), "person:p2");
        }
        assert_ne!(paths[0], paths[1]);
    }

    #[test]
    fn neighbours_are_one_step_and_depth_limits_apply() {
        let g = ring();
        let p = g
            .shortest_paths("person:p0", "meeting:m0", 6, &[], 10)
            .unwrap();
        assert_eq!(
            p,
            vec![Path {
                nodes: vec![nid("person:p0"), nid("meeting:m0")],
                relations: vec![RelId::parse("rel:p0-m0").unwrap()]
            }]
        );
        assert_eq!(
            g.shortest_paths("person:p0", "person:p2", 3, &[], 10),
            Err(PathError::NotFound(3))
        );
        assert_eq!(
            g.shortest_paths("person:p0", "person:p2", 6, &[RelKind::Chaired], 10),
            Err(PathError::NotFound(6))
        );
    }

    #[test]
    fn neighborhood_grows_by_layers_and_reports_truncation() {
        let g = ring();
        let (nodes, rels, cut) = g.neighborhood("person:p0", 1, &[], 100).unwrap();
        assert_eq!((nodes.len(), rels.len(), cut), (3, 2, false));
        let (nodes, _, cut) = g.neighborhood("person:p0", 4, &[], 5).unwrap();
        assert_eq!((nodes.len(), cut), (5, true));
    }

    #[test]
    fn a_cut_neighborhood_keeps_every_relation_kind() {
        let mut g = Graph::default();
        g.put_node(Arc::new(Node::new(nid("person:p"), "P")));
        // The signature goes in first, so storage order would list it last.
        g.put_node(Arc::new(Node::new(nid("document:d"), "D")));
        let r = Relation::new(
            RelId::parse("rel:s").unwrap(),
            RelKind::Signed,
            nid("person:p"),
            nid("document:d"),
        );
        g.put_relation(Arc::new(r));
        for i in 0..10 {
            g.put_node(Arc::new(Node::new(nid(&format!("meeting:m{i}")), "M")));
            let r = Relation::new(
                RelId::parse(&format!("rel:a{i}")).unwrap(),
                RelKind::Attended,
                nid("person:p"),
                nid(&format!("meeting:m{i}")),
            );
            g.put_relation(Arc::new(r));
        }
        let (nodes, _, cut) = g.neighborhood("person:p", 1, &[], 3).unwrap();
        assert!(cut);
        assert!(nodes.contains(&nid("document:d")), "{nodes:?}");
    }
}
