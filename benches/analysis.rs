//! Analysis benchmark: the analyst questions on a synthetic graph of more than
//! 1,000,000 relations, each beside a baseline measured in the same run.
//!
//! `cargo bench --bench analysis` runs it in full and prints a table (it
//! asserts nothing about time). Run without `--bench` (as `cargo test
//! --all-targets` does) it is a quick smoke run on a small graph.
//!
//! | question | ours | baseline |
//! |---|---|---|
//! | metWith top-20 | `Graph::met_with` (evidence, dates, ranking) | two-hop neighbour count on a plain petgraph copy |
//! | shortest path ≤ 6 | `Graph::shortest_paths` (bidirectional, all shortest) | `petgraph::visit::Bfs` from the start until the target |
//! | holders(at) | `Graph::holders_at` (certainty, evidence) | listing the office's incoming edges on the plain copy |
//! | PageRank | `Graph::centrality(PageRank)` on a window's network | `petgraph::algo::page_rank` (dense, O(V²) a round) on a small network, beside ours on the same |
//! | search | `Graph::search` (prefix, typos, initials) | exact lookup of the folded name in a `HashMap` |

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use attache::graph::centrality::Measure;
use attache::graph::met::PARTICIPATION;
use attache::graph::{fold, Graph};
use attache::model::{Node, NodeId, NodeKind, PartialDate, RelId, RelKind, Relation};
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::Bfs;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Sizes {
    persons: usize,
    meetings: usize,
    attendees: usize,
    offices: usize,
    series: usize,
}

const SYLLABLES: [&str; 24] = [
    "ka", "zu", "mir", "bek", "ali", "nur", "sul", "tan", "ro", "vi", "len", "dar", "shi", "go",
    "min", "zhan", "ra", "hon", "kas", "yel", "or", "pa", "lo", "sen",
];

fn name(rng: &mut Lcg) -> String {
    let word = |rng: &mut Lcg, n: usize| {
        let mut w: String = (0..n)
            .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
            .collect();
        w[..1].make_ascii_uppercase();
        w
    };
    let (a, b) = (2 + rng.below(2), 2 + rng.below(3));
    format!("{} {}", word(rng, a), word(rng, b))
}

fn nid(s: String) -> NodeId {
    NodeId::parse(&s).unwrap()
}

/// The graph, a plain petgraph copy of its topology, and the names used.
struct World {
    g: Graph,
    plain: UnGraph<(), ()>,
    ix: HashMap<String, NodeIndex>,
    names: Vec<String>,
    exact: HashMap<Vec<String>, NodeId>,
}

fn build(sz: &Sizes) -> World {
    let mut rng = Lcg(42);
    let mut g = Graph::default();
    let mut plain = UnGraph::<(), ()>::default();
    let mut ix = HashMap::new();
    let mut names = Vec::new();
    let mut exact = HashMap::new();
    let mut add = |g: &mut Graph, plain: &mut UnGraph<(), ()>, n: Node| {
        ix.insert(n.id.to_string(), plain.add_node(()));
        g.put_node(Arc::new(n));
    };
    for s in 0..sz.series {
        add(
            &mut g,
            &mut plain,
            Node::new(nid(format!("series:s{s}")), format!("Series {s}")),
        );
    }
    for o in 0..sz.offices {
        add(
            &mut g,
            &mut plain,
            Node::new(nid(format!("office:o{o}")), format!("Office {o}")),
        );
    }
    for p in 0..sz.persons {
        let n = name(&mut rng);
        exact.insert(fold(&n), nid(format!("person:p{p}")));
        names.push(n.clone());
        add(
            &mut g,
            &mut plain,
            Node::new(nid(format!("person:p{p}")), n),
        );
    }
    for m in 0..sz.meetings {
        let mut n = Node::new(nid(format!("meeting:m{m}")), format!("Meeting {m}"));
        let year = 2000 + (m * 25 / sz.meetings) as i32;
        n.start = Some(match m % 3 {
            0 => PartialDate::ymd(year, 1 + (m % 12) as u8, 1 + (m % 28) as u8),
            1 => PartialDate::parse(&format!("{year:04}-{:02}", 1 + m % 12)).unwrap(),
            _ => PartialDate::year(year),
        });
        add(&mut g, &mut plain, n);
    }
    let mut rels = 0usize;
    let mut link = |g: &mut Graph,
                    plain: &mut UnGraph<(), ()>,
                    kind: RelKind,
                    from: String,
                    to: String,
                    f: &dyn Fn(&mut Relation)| {
        rels += 1;
        let mut r = Relation::new(
            RelId::parse(&format!("rel:{rels}")).unwrap(),
            kind,
            nid(from.clone()),
            nid(to.clone()),
        );
        f(&mut r);
        plain.add_edge(ix[&from], ix[&to], ());
        g.put_relation(Arc::new(r));
    };
    // People attend meetings near their own number, so communities form and
    // paths stay short between neighbours and long across the graph.
    for m in 0..sz.meetings {
        let centre = m * sz.persons / sz.meetings;
        let mut seen = Vec::new();
        while seen.len() < sz.attendees {
            let p = (centre + rng.below(200) + sz.persons - 100) % sz.persons;
            if !seen.contains(&p) {
                seen.push(p);
            }
        }
        for (k, p) in seen.iter().enumerate() {
            let office = format!("office:o{}", p % sz.offices);
            link(
                &mut g,
                &mut plain,
                RelKind::Attended,
                format!("person:p{p}"),
                format!("meeting:m{m}"),
                &|r| {
                    if k % 2 == 0 {
                        r.capacity = Some(nid(office.clone()));
                    }
                },
            );
        }
        link(
            &mut g,
            &mut plain,
            RelKind::InSeries,
            format!("meeting:m{m}"),
            format!("series:s{}", m % sz.series),
            &|r| r.ordinal = Some(m as u32),
        );
    }
    for p in 0..sz.persons {
        let start = 1995 + (p % 25) as i32;
        link(
            &mut g,
            &mut plain,
            RelKind::Holds,
            format!("person:p{p}"),
            format!("office:o{}", p % sz.offices),
            &|r| {
                r.start = Some(PartialDate::year(start));
                r.end = Some(PartialDate::year(start + 4));
            },
        );
    }
    World {
        g,
        plain,
        ix,
        names,
        exact,
    }
}

/// Times `f` over `inputs`, returning (mean, p50, p99) in microseconds.
fn time<T>(inputs: &[T], mut f: impl FnMut(&T)) -> (f64, f64, f64) {
    for x in inputs.iter().take(20) {
        f(x); // warm caches and allocator
    }
    let mut us: Vec<f64> = inputs
        .iter()
        .map(|x| {
            let t = Instant::now();
            f(x);
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    us.sort_by(|a, b| a.total_cmp(b));
    let mean = us.iter().sum::<f64>() / us.len() as f64;
    let pct = |p: f64| us[((us.len() - 1) as f64 * p) as usize];
    (mean, pct(0.5), pct(0.99))
}

fn row(what: &str, ours: (f64, f64, f64), base: (f64, f64, f64), base_name: &str) {
    println!(
        "{what:<22} ours mean {:>9.1} µs  p50 {:>9.1}  p99 {:>9.1} | {base_name:<26} mean {:>9.1} µs  p50 {:>9.1}  p99 {:>9.1} | ratio (mean) {:>8.2}x  (p50) {:>8.2}x",
        ours.0, ours.1, ours.2, base.0, base.1, base.2, ours.0 / base.0.max(1e-9), ours.1 / base.1.max(1e-9)
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let sz = if full {
        Sizes {
            persons: 100_000,
            meetings: 60_000,
            attendees: 16,
            offices: 5_000,
            series: 200,
        }
    } else {
        Sizes {
            persons: 2_000,
            meetings: 800,
            attendees: 8,
            offices: 100,
            series: 10,
        }
    };
    let reps: usize = if full { 400 } else { 20 };
    let t = Instant::now();
    let w = build(&sz);
    println!(
        "graph: {} nodes, {} relations, built in {:.1} s{}",
        w.g.node_count(),
        w.g.relation_count(),
        t.elapsed().as_secs_f64(),
        if full {
            ""
        } else {
            " (smoke run: pass --bench for the full benchmark)"
        }
    );
    let mut rng = Lcg(7);
    let people: Vec<String> = (0..reps)
        .map(|_| format!("person:p{}", rng.below(sz.persons)))
        .collect();

    // metWith top-20 against a two-hop neighbour count.
    let ours = time(&people, |p| {
        let m = w.g.met_with(p, &PARTICIPATION, None, None);
        std::hint::black_box(m.into_iter().take(20).count());
    });
    let base = time(&people, |p| {
        let start = w.ix[p.as_str()];
        let mut counts: HashMap<NodeIndex, u32> = HashMap::new();
        for m in w.plain.neighbors(start) {
            for q in w.plain.neighbors(m) {
                *counts.entry(q).or_default() += 1;
            }
        }
        std::hint::black_box(counts.len());
    });
    row("metWith top-20", ours, base, "two-hop count (petgraph)");

    // Shortest paths at depth ≤ 6 between people a few communities apart.
    let pairs: Vec<(String, String)> = (0..reps)
        .map(|_| {
            let a = rng.below(sz.persons);
            let b = (a + 150 + rng.below(300)) % sz.persons;
            (format!("person:p{a}"), format!("person:p{b}"))
        })
        .collect();
    let found = pairs
        .iter()
        .filter(|(a, b)| w.g.shortest_paths(a, b, 6, &[RelKind::Attended], 1).is_ok())
        .count();
    let ours = time(&pairs, |(a, b)| {
        let _ = std::hint::black_box(w.g.shortest_paths(a, b, 6, &[RelKind::Attended], 1));
    });
    let base = time(&pairs, |(a, b)| {
        let (s, t) = (w.ix[a.as_str()], w.ix[b.as_str()]);
        let mut bfs = Bfs::new(&w.plain, s);
        let mut n = 0;
        while let Some(v) = bfs.next(&w.plain) {
            n += 1;
            if v == t {
                break;
            }
        }
        std::hint::black_box(n);
    });
    row("shortest path ≤ 6", ours, base, "petgraph Bfs to target");
    println!(
        "{:<22} {found} of {} pairs connected within 6 relations",
        "",
        pairs.len()
    );

    // Who held an office on a date.
    let offices: Vec<(String, PartialDate)> = (0..reps)
        .map(|i| {
            (
                format!("office:o{}", rng.below(sz.offices)),
                PartialDate::year(1998 + (i % 25) as i32),
            )
        })
        .collect();
    let ours = time(&offices, |(o, d)| {
        std::hint::black_box(w.g.holders_at(o, d).len());
    });
    let base = time(&offices, |(o, _)| {
        std::hint::black_box(w.plain.neighbors(w.ix[o.as_str()]).count());
    });
    row("holders(at)", ours, base, "list office edges");

    // PageRank: ours on a year's network; and on a small network, beside petgraph's.
    let year = PartialDate::year(2010);
    let t = Instant::now();
    let mut fresh = w.g.clone(); // what a write pays when a reader holds the spare
    let clone_ms = t.elapsed().as_secs_f64() * 1e3;
    // What a write pays otherwise: its changes applied to the recycled copy
    // (the service's spare snapshot), here one new relation and its removal.
    let extra = Arc::new(Relation::new(
        RelId::parse("rel:bench-extra").unwrap(),
        RelKind::Attended,
        nid("person:p1".into()),
        nid("meeting:m1".into()),
    ));
    let t = Instant::now();
    fresh.put_relation(extra.clone());
    fresh.remove_relation("rel:bench-extra");
    let apply_us = t.elapsed().as_secs_f64() * 1e6;
    let t = Instant::now();
    let ranked = fresh.centrality(
        NodeKind::Person,
        Measure::PageRank,
        Some(&year),
        Some(&year),
    );
    let rank_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    let _ = fresh.centrality(
        NodeKind::Person,
        Measure::PageRank,
        Some(&year),
        Some(&year),
    );
    let cached_us = t.elapsed().as_secs_f64() * 1e6;
    println!(
        "{:<22} ours on the 2010 network ({} people, {} edges): {rank_ms:.1} ms to build and rank, {cached_us:.1} µs cached",
        "PageRank", ranked.nodes, ranked.edges
    );
    println!(
        "{:<22} {clone_ms:.1} ms to copy the whole snapshot (a write pays it only while a reader holds the previous one); {apply_us:.1} µs to apply a relation and remove it on the recycled copy",
        "snapshot clone"
    );
    let small_window = [PartialDate::parse(if full { "2010-03" } else { "2001" }).unwrap()];
    let small = w.g.co_network(
        NodeKind::Person,
        Some(&small_window[0]),
        Some(&small_window[0]),
    );
    let ours = time(&[()], |_| {
        std::hint::black_box(attache::graph::centrality::page_rank(&small, 0.85, 20));
    });
    let base = time(&[()], |_| {
        std::hint::black_box(petgraph::algo::page_rank(&small, 0.85_f64, 20));
    });
    row(
        &format!("PageRank ({} nodes)", small.node_count()),
        ours,
        base,
        "petgraph::algo::page_rank",
    );

    // Search: typo-tolerant ranked search against an exact folded-name lookup.
    let queries: Vec<String> = (0..reps)
        .map(|i| {
            let n = &w.names[rng.below(w.names.len())];
            match i % 3 {
                0 => n.clone(),
                1 => n.split(' ').next_back().unwrap().to_owned(),
                _ => {
                    let mut c: Vec<char> = n.chars().collect();
                    let k = c.len() - 2;
                    c.swap(k, k + 1);
                    c.into_iter().collect()
                }
            }
        })
        .collect();
    let ours = time(&queries, |q| {
        std::hint::black_box(w.g.search(q, &[], 20).len());
    });
    let base = time(&queries, |q| {
        std::hint::black_box(w.exact.contains_key(&fold(q)));
    });
    row("search", ours, base, "exact HashMap lookup");
}
