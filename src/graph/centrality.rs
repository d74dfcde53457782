//! Who is central: degree, PageRank and betweenness over the co-participation
//! network of the meetings a `MeetingFilter` keeps, a date window or more
//! (people who took part in the same meetings, or states whose delegations
//! did). Results are cached per snapshot and filter.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::filter::MeetingFilter;
use super::met::PARTICIPATION;
use super::Graph;
use crate::model::{NodeId, NodeKind, PartialDate, RelKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Distinct co-participants.
    Degree,
    /// Weighted PageRank (damping 0.85), weights = shared meetings.
    PageRank,
    /// Share of shortest co-participation paths through the node (Brandes).
    Betweenness,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// (node, score), best first.
    pub scores: Vec<(NodeId, f64)>,
    /// True when betweenness was estimated from a sample of sources.
    pub approximate: bool,
    /// Size of the co-participation network.
    pub nodes: usize,
    pub edges: usize,
}

type Key = (NodeKind, Measure, MeetingFilter);

/// Per-snapshot memo; a cloned graph (the next snapshot) starts empty.
#[derive(Default)]
pub struct Cache(Mutex<HashMap<Key, Arc<Ranking>>>);

impl Clone for Cache {
    fn clone(&self) -> Self {
        Cache::default()
    }
}

/// Sources used to estimate betweenness on networks larger than this.
const EXACT_LIMIT: usize = 2000;
const SAMPLES: usize = 200;

impl Graph {
    /// The participants of meeting `m` as nodes of the network of `kind`.
    pub(super) fn participants(&self, m: &str, kind: NodeKind) -> BTreeSet<NodeId> {
        match kind {
            NodeKind::State => {
                let mut s: BTreeSet<NodeId> = self
                    .relations(m, Direction::Incoming, Some(RelKind::Attended))
                    .into_iter()
                    .filter_map(|a| self.attendance_state(a))
                    .collect();
                s.extend(
                    self.relations(m, Direction::Outgoing, Some(RelKind::HostedBy))
                        .into_iter()
                        .map(|r| r.to.clone()),
                );
                s
            }
            _ => PARTICIPATION
                .iter()
                .flat_map(|k| self.relations(m, Direction::Incoming, Some(*k)))
                .map(|r| r.from.clone())
                .filter(|p| p.kind() == NodeKind::Person)
                .collect(),
        }
    }

    /// The weighted co-participation network of a window, as a petgraph graph.
    pub fn co_network(
        &self,
        kind: NodeKind,
        from: Option<&PartialDate>,
        to: Option<&PartialDate>,
    ) -> UnGraph<NodeId, f64> {
        self.co_network_of(kind, &MeetingFilter::window(from, to))
    }

    /// The weighted co-participation network of the held meetings `f` keeps.
    pub fn co_network_of(&self, kind: NodeKind, f: &MeetingFilter) -> UnGraph<NodeId, f64> {
        let mut net: UnGraph<NodeId, f64> = UnGraph::default();
        let mut ix: HashMap<NodeId, NodeIndex> = HashMap::new();
        let mut weights: HashMap<(NodeIndex, NodeIndex), f64> = HashMap::new();
        for m in &self.meetings_matching(f) {
            if !self.was_held(m.as_str()) {
                continue;
            }
            let people: Vec<NodeIndex> = self
                .participants(m.as_str(), kind)
                .into_iter()
                .map(|p| *ix.entry(p.clone()).or_insert_with(|| net.add_node(p)))
                .collect();
            for (i, a) in people.iter().enumerate() {
                for b in &people[i + 1..] {
                    *weights.entry((*a.min(b), *a.max(b))).or_default() += 1.0;
                }
            }
        }
        let mut pairs: Vec<_> = weights.into_iter().collect();
        pairs.sort_by_key(|((a, b), _)| (*a, *b));
        for ((a, b), w) in pairs {
            net.add_edge(a, b, w);
        }
        net
    }

    /// Ranks the nodes of a co-participation network, best first (ties by id).
    pub fn centrality(
        &self,
        kind: NodeKind,
        measure: Measure,
        from: Option<&PartialDate>,
        to: Option<&PartialDate>,
    ) -> Arc<Ranking> {
        self.centrality_of(kind, measure, &MeetingFilter::window(from, to))
    }

    /// Ranks the nodes of the co-participation network of the held meetings
    /// `f` keeps, best first (ties by id).
    pub fn centrality_of(
        &self,
        kind: NodeKind,
        measure: Measure,
        f: &MeetingFilter,
    ) -> Arc<Ranking> {
        let key = (kind, measure, f.clone());
        if let Some(r) = self
            .cache
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return r.clone();
        }
        let net = self.co_network_of(kind, f);
        let (values, approximate) = match measure {
            Measure::Degree => (
                net.node_indices()
                    .map(|n| net.neighbors(n).count() as f64)
                    .collect(),
                false,
            ),
            Measure::PageRank => (page_rank(&net, 0.85, 100), false),
            Measure::Betweenness => betweenness(&net),
        };
        let mut scores: Vec<(NodeId, f64)> = net
            .node_indices()
            .map(|n| (net[n].clone(), values[n.index()]))
            .collect();
        scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let r = Arc::new(Ranking {
            scores,
            approximate,
            nodes: net.node_count(),
            edges: net.edge_count(),
        });
        let mut cache = self.cache.0.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() > 64 {
            cache.clear();
        }
        cache.insert(key, r.clone());
        r
    }
}

/// Weighted PageRank by power iteration; a node with no edges spreads its
/// rank evenly. Scores sum to 1.
pub fn page_rank(net: &UnGraph<NodeId, f64>, damping: f64, max_iter: usize) -> Vec<f64> {
    let n = net.node_count();
    if n == 0 {
        return Vec::new();
    }
    let strength: Vec<f64> = net
        .node_indices()
        .map(|v| net.edges(v).map(|e| *e.weight()).sum())
        .collect();
    let mut rank = vec![1.0 / n as f64; n];
    for _ in 0..max_iter {
        let dangling: f64 = (0..n)
            .filter(|&v| strength[v] == 0.0)
            .map(|v| rank[v])
            .sum();
        let base = (1.0 - damping) / n as f64 + damping * dangling / n as f64;
        let mut next = vec![base; n];
        for v in net.node_indices() {
            let s = strength[v.index()];
            if s == 0.0 {
                continue;
            }
            let share = damping * rank[v.index()] / s;
            for e in net.edges(v) {
                let u = if e.source() == v {
                    e.target()
                } else {
                    e.source()
                };
                next[u.index()] += share * e.weight();
            }
        }
        let delta: f64 = next.iter().zip(&rank).map(|(a, b)| (a - b).abs()).sum();
        rank = next;
        if delta < 1e-10 {
            break;
        }
    }
    rank
}

/// Brandes' betweenness on hop counts (each unordered pair counted once);
/// estimated from evenly spread sources above [`EXACT_LIMIT`] nodes.
pub fn betweenness(net: &UnGraph<NodeId, f64>) -> (Vec<f64>, bool) {
    let n = net.node_count();
    let mut cb = vec![0.0; n];
    let sources: Vec<usize> = if n > EXACT_LIMIT {
        (0..SAMPLES).map(|i| i * n / SAMPLES).collect()
    } else {
        (0..n).collect()
    };
    let scale = n as f64 / sources.len().max(1) as f64;
    let mut stack = Vec::with_capacity(n);
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut sigma = vec![0.0f64; n];
    let mut dist = vec![-1i64; n];
    let mut delta = vec![0.0f64; n];
    for &s in &sources {
        stack.clear();
        for v in 0..n {
            preds[v].clear();
            sigma[v] = 0.0;
            dist[v] = -1;
            delta[v] = 0.0;
        }
        sigma[s] = 1.0;
        dist[s] = 0;
        let mut q = VecDeque::from([s]);
        while let Some(v) = q.pop_front() {
            stack.push(v);
            for w in net.neighbors(NodeIndex::new(v)) {
                let w = w.index();
                if dist[w] < 0 {
                    dist[w] = dist[v] + 1;
                    q.push_back(w);
                }
                if dist[w] == dist[v] + 1 {
                    sigma[w] += sigma[v];
                    preds[w].push(v);
                }
            }
        }
        while let Some(w) = stack.pop() {
            for &v in &preds[w] {
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
            }
            if w != s {
                cb[w] += delta[w];
            }
        }
    }
    for c in &mut cb {
        *c = *c * scale / 2.0;
    }
    (cb, n > EXACT_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(i: usize) -> NodeId {
        NodeId::parse(&format!("person:p{i}")).unwrap()
    }

    /// A path a - b - c: b lies on the only a–c path.
    fn path3() -> UnGraph<NodeId, f64> {
        let mut g = UnGraph::default();
        let a = g.add_node(id(0));
        let b = g.add_node(id(1));
        let c = g.add_node(id(2));
        g.add_edge(a, b, 1.0);
        g.add_edge(b, c, 1.0);
        g
    }

    #[test]
    fn betweenness_of_the_middle_of_a_path_is_one() {
        let (b, approx) = betweenness(&path3());
        assert_eq!(b, vec![0.0, 1.0, 0.0]);
        assert!(!approx);
    }

    #[test]
    fn page_rank_sums_to_one_and_favours_the_hub() {
        let r = page_rank(&path3(), 0.85, 100);
        assert!((r.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(r[1] > r[0] && (r[0] - r[2]).abs() < 1e-12);
    }
}
