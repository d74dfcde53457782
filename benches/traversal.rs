//! Traversal benchmark (issue 12, rows Q3 and Q4): `metWith` top 20 for the
//! busiest official and `connection` between two far people, each beside its
//! floor measured in the same run on a plain petgraph graph of the same shape.
//!
//! `cargo bench --bench traversal` (or `scripts/bench.sh traversal`) runs it
//! on the synthetic graph at scale 1 (~9,000 nodes, ~76,000 relations);
//! `BENCH_SCALE=10` for ten times that, `BENCH_REPS` for the timed runs per
//! figure (default 300). It prints a table and asserts nothing about time.
//! Without `--bench` (as `cargo test --all-targets` runs it) it is a quick
//! smoke run at scale 0.1.
//!
//! | figure | Attaché | floor |
//! |---|---|---|
//! | Q3 | `Graph::met_ranking` + the top 20 with evidence; and `person { metWith(first: 20) }` executed on the schema (no HTTP) | co-attendance count in a `HashMap` over petgraph indices, top 20 by partial selection |
//! | Q4 | `Graph::shortest_paths` (one path); and `connection(first: 1)` on the schema | bidirectional BFS over petgraph indices, one path |
//! | Q4, the framework's share | — | a bare async-graphql schema answering the same query text with a path it is handed (parse, validate, execute, no search) |
//!
//! The last row shows what any async-graphql server pays per request for a
//! query of Q4's shape before it searches anything (it parses and validates
//! every request; Attaché's document caches skip both), and Attaché's
//! `connection` as a ratio of that.

#[path = "synth/mod.rs"]
mod synth;

use std::collections::HashMap;
use std::time::Instant;

use async_graphql::{
    EmptyMutation, EmptySubscription, Object, Request, Schema, SimpleObject, Variables, ID,
};
use attache::graph::met::PARTICIPATION;
use attache::graph::Graph;
use attache::model::{NodeKind, RelKind};
use attache::service::Service;
use attache::store::Contents;
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use serde_json::json;

/// The same records as a plain petgraph graph: node kinds and relation kinds.
struct Plain {
    g: UnGraph<NodeKind, RelKind>,
    ix: HashMap<String, NodeIndex>,
    ids: Vec<String>,
}

fn plain(w: &synth::World) -> Plain {
    let mut g = UnGraph::default();
    let mut ix = HashMap::new();
    let mut ids = Vec::new();
    for n in &w.nodes {
        ix.insert(n.id.to_string(), g.add_node(n.id.kind()));
        ids.push(n.id.to_string());
    }
    for r in &w.relations {
        g.add_edge(ix[r.from.as_str()], ix[r.to.as_str()], r.kind);
    }
    Plain { g, ix, ids }
}

/// The floor for Q3: co-attendance counts, the best `k` by count then index.
fn raw_met(p: &Plain, who: NodeIndex, k: usize) -> Vec<(NodeIndex, u32)> {
    let g = &p.g;
    let mut counts: HashMap<NodeIndex, u32> = HashMap::new();
    let other = |e: &petgraph::graph::EdgeReference<RelKind>, a| {
        if e.source() == a {
            e.target()
        } else {
            e.source()
        }
    };
    for e in g.edges(who).filter(|e| PARTICIPATION.contains(e.weight())) {
        let m = other(&e, who);
        for f in g.edges(m).filter(|f| PARTICIPATION.contains(f.weight())) {
            let q = other(&f, m);
            if q != who && g[q] == NodeKind::Person {
                *counts.entry(q).or_default() += 1;
            }
        }
    }
    let mut v: Vec<(NodeIndex, u32)> = counts.into_iter().collect();
    let key = |a: &(NodeIndex, u32)| (std::cmp::Reverse(a.1), a.0);
    if v.len() > k {
        v.select_nth_unstable_by_key(k - 1, key);
        v.truncate(k);
    }
    v.sort_unstable_by_key(key);
    v
}

/// The floor for Q4: bidirectional BFS, one shortest path (as node indices).
fn raw_bfs(g: &UnGraph<NodeKind, RelKind>, s: NodeIndex, t: NodeIndex) -> Option<Vec<NodeIndex>> {
    const NO: u32 = u32::MAX;
    let n = g.node_count();
    // dist and parent per side; side 0 grows from s, side 1 from t.
    let mut dist = [vec![NO; n], vec![NO; n]];
    let mut parent = [vec![NO; n], vec![NO; n]];
    let mut frontier = [vec![s], vec![t]];
    dist[0][s.index()] = 0;
    dist[1][t.index()] = 0;
    if s == t {
        return Some(vec![s]);
    }
    loop {
        if frontier[0].is_empty() || frontier[1].is_empty() {
            return None;
        }
        let side = usize::from(frontier[0].len() > frontier[1].len());
        let mut next = Vec::new();
        let mut meet = None;
        for &u in &frontier[side] {
            for v in g.neighbors(u) {
                if dist[side][v.index()] == NO {
                    dist[side][v.index()] = dist[side][u.index()] + 1;
                    parent[side][v.index()] = u.index() as u32;
                    next.push(v);
                    if meet.is_none() && dist[1 - side][v.index()] != NO {
                        meet = Some(v);
                    }
                }
            }
        }
        frontier[side] = next;
        if let Some(m) = meet {
            let chain = |side: usize| {
                let mut c = vec![m];
                while parent[side][c.last().unwrap().index()] != NO {
                    c.push(NodeIndex::new(
                        parent[side][c.last().unwrap().index()] as usize,
                    ));
                }
                c
            };
            let mut path: Vec<NodeIndex> = chain(0).into_iter().rev().collect();
            path.extend(chain(1).into_iter().skip(1));
            return Some(path);
        }
    }
}

/// Mean and p50 in microseconds of `reps` runs of `f` (after 10% warm-up).
fn time(reps: usize, mut f: impl FnMut(usize)) -> (f64, f64) {
    for i in 0..reps / 10 + 1 {
        f(i);
    }
    let mut us: Vec<f64> = (0..reps)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    us.sort_by(f64::total_cmp);
    (us.iter().sum::<f64>() / us.len() as f64, us[us.len() / 2])
}

async fn time_async<F: std::future::Future<Output = ()>>(
    reps: usize,
    mut f: impl FnMut(usize) -> F,
) -> (f64, f64) {
    for i in 0..reps / 10 + 1 {
        f(i).await;
    }
    let mut us = Vec::with_capacity(reps);
    for i in 0..reps {
        let t = Instant::now();
        f(i).await;
        us.push(t.elapsed().as_secs_f64() * 1e6);
    }
    us.sort_by(f64::total_cmp);
    (us.iter().sum::<f64>() / us.len() as f64, us[us.len() / 2])
}

fn row(what: &str, ours: (f64, f64), floor: (f64, f64)) {
    println!(
        "  {what:<34} mean {:>9.1} µs  p50 {:>9.1} µs   ratio to floor: mean {:>6.2}x  p50 {:>6.2}x",
        ours.0,
        ours.1,
        ours.0 / floor.0,
        ours.1 / floor.1
    );
}

fn floor_row(what: &str, t: (f64, f64)) {
    println!("  {what:<34} mean {:>9.1} µs  p50 {:>9.1} µs", t.0, t.1);
}

/// A bare schema with Q4's shape: `connection` hands back a path of five
/// nodes named after its ends, without searching.
struct Bare;

#[derive(SimpleObject)]
struct BareNode {
    id: ID,
}

#[derive(SimpleObject)]
struct BarePath {
    length: i32,
    nodes: Vec<BareNode>,
}

#[Object]
impl Bare {
    async fn connection(&self, from: ID, to: ID, max_depth: i32, first: i32) -> Vec<BarePath> {
        let _ = (max_depth, first);
        let nodes = [&from, &from, &to, &to, &to]
            .into_iter()
            .map(|id| BareNode { id: id.clone() })
            .collect();
        vec![BarePath { length: 4, nodes }]
    }
}

const Q3: &str = "query($id: ID!) { person(id: $id) { metWith(first: 20) { totalCount edges { node { person { id } count lastDate { text } } } } } }";
const Q4: &str = "query($a: ID!, $b: ID!) { connection(from: $a, to: $b, maxDepth: 8, first: 1) { length nodes { id } } }";

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f64>().ok());
    let scale = if full {
        env("BENCH_SCALE").unwrap_or(1.0)
    } else {
        0.1
    };
    let reps = if full {
        env("BENCH_REPS").unwrap_or(300.0) as usize
    } else {
        5
    };

    let t = Instant::now();
    let w = synth::World::generate(scale);
    let g = Graph::from_contents(Contents {
        nodes: w.nodes.clone(),
        relations: w.relations.clone(),
        conflicts: Vec::new(),
        redirects: Vec::new(),
    })
    .expect("generated graph");
    let p = plain(&w);
    println!(
        "traversal: scale {scale}, {} nodes, {} relations, built in {:.1} s{}",
        g.node_count(),
        g.relation_count(),
        t.elapsed().as_secs_f64(),
        if full {
            ""
        } else {
            " (smoke run: pass --bench for the benchmark)"
        }
    );

    // The busiest official: the person with the most participations.
    let busiest =
        p.g.node_indices()
            .filter(|i| p.g[*i] == NodeKind::Person)
            .max_by_key(|i| {
                let n =
                    p.g.edges(*i)
                        .filter(|e| PARTICIPATION.contains(e.weight()))
                        .count();
                (n, std::cmp::Reverse(*i))
            })
            .expect("people");
    let busiest_id = p.ids[busiest.index()].clone();
    // Far people: pairs half the graph apart in number, the farthest found.
    let people: Vec<NodeIndex> =
        p.g.node_indices()
            .filter(|i| p.g[*i] == NodeKind::Person)
            .collect();
    let mut rng = synth::Lcg(7);
    let mut pairs: Vec<(NodeIndex, NodeIndex, usize)> = (0..200)
        .filter_map(|_| {
            let a = rng.below(people.len());
            let (s, t) = (people[a], people[(a + people.len() / 2) % people.len()]);
            let len = raw_bfs(&p.g, s, t)?.len() - 1;
            (len <= 8).then_some((s, t, len))
        })
        .collect();
    let far = pairs.iter().map(|x| x.2).max().expect("connected pairs");
    pairs.retain(|x| x.2 == far);
    pairs.truncate(20);
    let ids = |i: NodeIndex| p.ids[i.index()].clone();
    let pair_ids: Vec<(String, String)> =
        pairs.iter().map(|(s, t, _)| (ids(*s), ids(*t))).collect();
    println!(
        "Q3 busiest official {busiest_id}: met {} people; Q4 {} pairs {far} relations apart",
        g.met_with(&busiest_id, &PARTICIPATION, None, None).len(),
        pairs.len()
    );

    // The store and schema, for the GraphQL figures (executed directly, no HTTP).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().expect("tempdir");
    let (service, schema) = rt.block_on(async {
        let service = Service::open(dir.path()).expect("open service");
        let doc = vec![("synthetic.json".to_owned(), w.import_document())];
        attache::import::import(&service, &doc, vec![])
            .await
            .expect("import");
        let schema = attache::api::schema(service.clone());
        (service, schema)
    });
    let q3_vars = Variables::from_json(json!({ "id": busiest_id }));
    let q4_vars: Vec<Variables> = pair_ids
        .iter()
        .map(|(a, b)| Variables::from_json(json!({ "a": a, "b": b })))
        .collect();
    rt.block_on(async {
        for (q, v) in [(Q3, q3_vars.clone()), (Q4, q4_vars[0].clone())] {
            let r = schema.execute(Request::new(q).variables(v)).await;
            assert!(r.errors.is_empty(), "{q}: {:?}", r.errors);
        }
    });

    println!("\nQ3 metWith top 20, busiest official");
    let floor = time(reps, |_| {
        std::hint::black_box(raw_met(&p, busiest, 20));
    });
    floor_row("floor: petgraph HashMap count", floor);
    let ours = time(reps, |_| {
        let mut r = g.met_ranking(&busiest_id, &PARTICIPATION, None, None);
        std::hint::black_box(r.range(0, 20));
    });
    row("Graph::met_ranking, top 20", ours, floor);
    let gql = rt.block_on(time_async(reps, |_| {
        let r = Request::new(Q3).variables(q3_vars.clone());
        let schema = &schema;
        async move {
            std::hint::black_box(schema.execute(r).await);
        }
    }));
    row("GraphQL metWith(first: 20)", gql, floor);

    println!("\nQ4 connection between far people ({far} relations)");
    let floor = time(reps, |i| {
        let (s, t, _) = pairs[i % pairs.len()];
        std::hint::black_box(raw_bfs(&p.g, s, t));
    });
    floor_row("floor: petgraph bidirectional BFS", floor);
    let ours = time(reps, |i| {
        let (a, b) = &pair_ids[i % pair_ids.len()];
        let _ = std::hint::black_box(g.shortest_paths(a, b, 8, &[], 1));
    });
    row("Graph::shortest_paths, one path", ours, floor);
    let gql = rt.block_on(time_async(reps, |i| {
        let r = Request::new(Q4).variables(q4_vars[i % q4_vars.len()].clone());
        let schema = &schema;
        async move {
            std::hint::black_box(schema.execute(r).await);
        }
    }));
    row("GraphQL connection(first: 1)", gql, floor);
    let bare = Schema::new(Bare, EmptyMutation, EmptySubscription);
    let framework = rt.block_on(time_async(reps, |i| {
        let r = Request::new(Q4).variables(q4_vars[i % q4_vars.len()].clone());
        let bare = &bare;
        async move {
            let answer = bare.execute(r).await;
            assert!(answer.errors.is_empty(), "{:?}", answer.errors);
            std::hint::black_box(answer);
        }
    }));
    println!("  the same query against a bare async-graphql schema that does not search:");
    floor_row("floor: bare schema, same query", framework);
    row("GraphQL connection(first: 1)", gql, framework);

    // Near people too: one meeting apart, where fixed costs dominate.
    let near: Vec<(String, String)> = (0..20)
        .map(|i| {
            let m = &w
                .relations
                .iter()
                .filter(|r| r.kind == RelKind::Attended)
                .nth(i * 97)
                .unwrap();
            let other = w
                .relations
                .iter()
                .find(|r| r.kind == RelKind::Attended && r.to == m.to && r.from != m.from)
                .unwrap();
            (m.from.to_string(), other.from.to_string())
        })
        .collect();
    let near_floor = time(reps, |i| {
        let (a, b) = &near[i % near.len()];
        std::hint::black_box(raw_bfs(&p.g, p.ix[a], p.ix[b]));
    });
    println!("\nQ4' connection between people one meeting apart");
    floor_row("floor: petgraph bidirectional BFS", near_floor);
    let near_vars: Vec<Variables> = near
        .iter()
        .map(|(a, b)| Variables::from_json(json!({ "a": a, "b": b })))
        .collect();
    let gql = rt.block_on(time_async(reps, |i| {
        let r = Request::new(Q4).variables(near_vars[i % near_vars.len()].clone());
        let schema = &schema;
        async move {
            std::hint::black_box(schema.execute(r).await);
        }
    }));
    row("GraphQL connection(first: 1)", gql, near_floor);

    drop(schema);
    rt.block_on(service.close()).expect("close");
}
