//! Who met whom (Q3) and how two people connect (Q4) on the synthetic graph
//! the benchmarks use, against reference answers computed here the plain way
//! from the records themselves: the fast traversals must give the same
//! answers, ties and their order included.

#[path = "../benches/synth/mod.rs"]
mod synth;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use attache::graph::met::{Met, PARTICIPATION};
use attache::graph::paths::{Path, PathError};
use attache::graph::Graph;
use attache::model::{NodeKind, PartialDate, RelKind, Relation};
use attache::store::Contents;

fn world() -> (synth::World, Graph) {
    let w = synth::World::generate(1.0);
    let g = Graph::from_contents(Contents {
        nodes: w.nodes.clone(),
        relations: w.relations.clone(),
        conflicts: Vec::new(),
        redirects: Vec::new(),
    })
    .unwrap();
    (w, g)
}

// ---- Q3: met with -----------------------------------------------------------

/// The people `person` met through `kinds` in held meetings within the
/// window: most shared meetings first, then the latest shared meeting start
/// (none last), then id; each with its meetings, earliest first (undated
/// last, then by id).
fn reference_met(
    w: &synth::World,
    person: &str,
    kinds: &[RelKind],
    from: Option<&PartialDate>,
    to: Option<&PartialDate>,
) -> Vec<Met> {
    let meetings: HashMap<&str, _> = w
        .nodes
        .iter()
        .filter(|n| n.id.kind() == NodeKind::Meeting)
        .map(|n| (n.id.as_str(), n))
        .collect();
    let counts = |m: &str| {
        let n = meetings[m];
        let in_window = match (from, to, n.start) {
            (None, None, _) => true,
            (_, _, None) => false,
            (f, t, Some(s)) => {
                let e = n.end.unwrap_or(s);
                f.is_none_or(|f| e.latest() >= f.earliest())
                    && t.is_none_or(|t| s.earliest() <= t.latest())
            }
        };
        n.was_held() && in_window
    };
    let participations = w.relations.iter().filter(|r| kinds.contains(&r.kind));
    let mine: BTreeSet<&str> = participations
        .clone()
        .filter(|r| r.from.as_str() == person && counts(r.to.as_str()))
        .map(|r| r.to.as_str())
        .collect();
    let mut shared: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in participations {
        let who = r.from.as_str();
        if mine.contains(r.to.as_str()) && who != person && r.from.kind() == NodeKind::Person {
            shared.entry(who).or_default().insert(r.to.as_str());
        }
    }
    let mut out: Vec<Met> = shared
        .into_iter()
        .map(|(who, ms)| {
            let date = |m: &str| meetings[m].start;
            let mut ms: Vec<&str> = ms.into_iter().collect();
            ms.sort_by_key(|m| (date(m).is_none(), date(m), *m));
            Met {
                person: synth::nid(who),
                first: ms.iter().filter_map(|m| date(m)).min(),
                last: ms.iter().filter_map(|m| date(m)).max(),
                meetings: ms.into_iter().map(synth::nid).collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (b.meetings.len(), b.last)
            .cmp(&(a.meetings.len(), a.last))
            .then(a.person.cmp(&b.person))
    });
    out
}

/// Some people: the busiest few, some ordinary ones, and one who met nobody.
fn some_people(w: &synth::World) -> Vec<String> {
    let mut load: BTreeMap<&str, usize> = BTreeMap::new();
    for r in w
        .relations
        .iter()
        .filter(|r| PARTICIPATION.contains(&r.kind))
    {
        *load.entry(r.from.as_str()).or_default() += 1;
    }
    let mut by_load: Vec<(&str, usize)> = load.into_iter().collect();
    by_load.sort_by_key(|(p, n)| (std::cmp::Reverse(*n), *p));
    let mut out: Vec<String> = by_load.iter().take(3).map(|(p, _)| p.to_string()).collect();
    out.extend((0..6).map(|i| synth::person_id(i * 797 % w.sizes.persons)));
    out.push("person:nobody-at-all".into());
    out
}

#[test]
fn met_with_ranks_everyone_as_the_reference_does_ties_included() {
    let (w, g) = world();
    let window = [PartialDate::year(2005), PartialDate::year(2012)];
    for p in some_people(&w) {
        for kinds in [
            &PARTICIPATION[..],
            &[RelKind::Attended],
            &[RelKind::Chaired, RelKind::SpokeAt],
        ] {
            let want = reference_met(&w, &p, kinds, None, None);
            assert_eq!(g.met_with(&p, kinds, None, None), want, "{p} {kinds:?}");
            let want = reference_met(&w, &p, kinds, Some(&window[0]), Some(&window[1]));
            let got = g.met_with(&p, kinds, Some(&window[0]), Some(&window[1]));
            assert_eq!(got, want, "{p} {kinds:?} in 2005–2012");
        }
    }
}

#[test]
fn a_met_with_page_is_the_same_slice_of_the_whole_ranking() {
    let (w, g) = world();
    for p in some_people(&w).into_iter().take(4) {
        let all = reference_met(&w, &p, &PARTICIPATION, None, None);
        for (start, end) in [(0, 20), (0, 1), (7, 31), (19, 20), (0, all.len() + 5)] {
            let mut r = g.met_ranking(&p, &PARTICIPATION, None, None);
            assert_eq!(r.len(), all.len());
            let want = &all[start.min(all.len())..end.min(all.len())];
            assert_eq!(r.range(start, end), want, "{p} {start}..{end}");
        }
        let r = g.met_ranking(&p, &PARTICIPATION, None, None);
        for (i, m) in all.iter().enumerate().step_by(13) {
            assert_eq!(r.position(m.person.as_str()), Some(i), "{p} {}", m.person);
        }
        assert_eq!(r.position(&p), None);
    }
}

// ---- Q4: connection -----------------------------------------------------------

/// Every relation as an undirected step: node → [(other end, relation id, kind)].
fn adjacency(w: &synth::World) -> HashMap<&str, Vec<(&str, &str, RelKind)>> {
    let mut adj: HashMap<&str, Vec<(&str, &str, RelKind)>> = HashMap::new();
    for r in &w.relations {
        let (a, b, id) = (r.from.as_str(), r.to.as_str(), r.id.as_str());
        adj.entry(a).or_default().push((b, id, r.kind));
        adj.entry(b).or_default().push((a, id, r.kind));
    }
    adj
}

/// Distances from `start` by breadth-first search over the allowed kinds.
fn distances<'a>(
    adj: &HashMap<&'a str, Vec<(&'a str, &'a str, RelKind)>>,
    start: &'a str,
    via: &[RelKind],
) -> HashMap<&'a str, usize> {
    let mut dist = HashMap::from([(start, 0)]);
    let mut queue = VecDeque::from([start]);
    while let Some(u) = queue.pop_front() {
        for &(v, _, k) in adj.get(u).into_iter().flatten() {
            if (via.is_empty() || via.contains(&k)) && !dist.contains_key(v) {
                dist.insert(v, dist[u] + 1);
                queue.push_back(v);
            }
        }
    }
    dist
}

/// How many shortest paths (as sequences of relations) join `s` to `t`.
fn count_shortest(
    adj: &HashMap<&str, Vec<(&str, &str, RelKind)>>,
    dist: &HashMap<&str, usize>,
    t: &str,
    via: &[RelKind],
) -> u128 {
    let mut by_layer: Vec<Vec<&str>> = Vec::new();
    for (&n, &d) in dist {
        if d >= by_layer.len() {
            by_layer.resize(d + 1, Vec::new());
        }
        by_layer[d].push(n);
    }
    let mut ways: HashMap<&str, u128> = by_layer[0].iter().map(|n| (*n, 1)).collect();
    for layer in by_layer.iter().skip(1) {
        for &v in layer {
            let w: u128 = adj[v]
                .iter()
                .filter(|(u, _, k)| {
                    (via.is_empty() || via.contains(k)) && dist.get(u) == Some(&(dist[v] - 1))
                })
                .map(|(u, _, _)| ways[u])
                .sum();
            ways.insert(v, w);
        }
    }
    ways.get(t).copied().unwrap_or(0)
}

/// Whether `p` walks from `s` to `t` over real relations of the allowed kinds.
fn is_walk(rels: &HashMap<&str, &Relation>, p: &Path, s: &str, t: &str, via: &[RelKind]) -> bool {
    p.nodes.first().map(|n| n.as_str()) == Some(s)
        && p.nodes.last().map(|n| n.as_str()) == Some(t)
        && p.nodes.len() == p.relations.len() + 1
        && p.relations.iter().enumerate().all(|(i, id)| {
            let r = rels[id.as_str()];
            let (a, b) = (&p.nodes[i], &p.nodes[i + 1]);
            (via.is_empty() || via.contains(&r.kind))
                && ((&r.from == a && &r.to == b) || (&r.from == b && &r.to == a))
        })
}

#[test]
fn connection_finds_every_shortest_path_the_reference_counts() {
    let (w, g) = world();
    let adj = adjacency(&w);
    let rels: HashMap<&str, &Relation> = w.relations.iter().map(|r| (r.id.as_str(), r)).collect();
    let n = w.sizes.persons;
    let mut rng = synth::Lcg(11);
    for i in 0..12 {
        let a = synth::person_id(rng.below(n));
        // Half the pairs far apart, half near.
        let b = synth::person_id(if i % 2 == 0 {
            rng.below(n)
        } else {
            (rng.below(n) % 200 + n) % n
        });
        let via: &[RelKind] = if i % 3 == 0 {
            &[RelKind::Attended]
        } else {
            &[]
        };
        let dist = distances(&adj, &a, via);
        let want_len = dist.get(b.as_str()).copied();
        let total = count_shortest(&adj, &dist, &b, via);
        for (max_depth, limit) in [(8, 100), (8, 3), (4, 100)] {
            let got = g.shortest_paths(&a, &b, max_depth, via, limit);
            match want_len.filter(|l| *l <= max_depth) {
                None => assert_eq!(got, Err(PathError::NotFound(max_depth)), "{a} {b}"),
                Some(len) => {
                    let paths = got.unwrap_or_else(|e| panic!("{a} {b}: {e}"));
                    assert_eq!(paths.len() as u128, total.min(limit as u128), "{a} {b}");
                    let distinct: BTreeSet<_> =
                        paths.iter().map(|p| (&p.nodes, &p.relations)).collect();
                    assert_eq!(distinct.len(), paths.len(), "{a} {b}: a path twice");
                    for p in &paths {
                        assert_eq!(p.relations.len(), len, "{a} {b}");
                        assert!(is_walk(&rels, p, &a, &b, via), "{a} {b}: {p:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn connection_answers_the_same_within_a_budget_or_without() {
    let (w, g) = world();
    let n = w.sizes.persons;
    let mut rng = synth::Lcg(5);
    for _ in 0..20 {
        let (a, b) = (
            synth::person_id(rng.below(n)),
            synth::person_id(rng.below(n)),
        );
        let whole = g.shortest_paths(&a, &b, 8, &[], 10);
        for budget in [0, 50, 1_000, usize::MAX] {
            match g.shortest_paths_within(&a, &b, 8, &[], 10, budget) {
                attache::graph::paths::Bounded::Done(r) => assert_eq!(r, whole, "{a} {b}"),
                attache::graph::paths::Bounded::OverBudget => assert!(budget < usize::MAX),
            }
        }
    }
}
