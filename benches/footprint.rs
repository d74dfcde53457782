//! Footprint benchmark (issue 12, rows "import", "store on disk", "RAM after
//! load" and "cold start"), on the synthetic graph, each beside its floor
//! measured in the same run:
//!
//! | figure | Attaché | floor |
//! |---|---|---|
//! | import | `attache::import::import` into an empty store, flushed | raw sled: the same records as JSON values, one `apply_batch` per tree, one flush; and, to split what is ours from what the format asks of sled, every key and value the imported store holds (log and history included) written the same way |
//! | disk | the store directory after the import | the import document's JSON; and the raw sled directory |
//! | RAM | heap bytes the loaded [`Graph`] holds, per relation (a counting allocator) | — (goal ≤ 150 B) |
//! | cold start | `Service::open` on the imported store (reopen, scan, build the graph) | reopen the raw sled store and scan it into petgraph (each relation's ends decoded, its bytes kept as the edge weight) |
//!
//! `cargo bench --bench footprint` (or `scripts/bench.sh footprint`) runs at
//! scale 1 (~9,000 nodes, ~76,000 relations); `BENCH_SCALE=10` for ten times
//! that. Without `--bench` (as `cargo test --all-targets` runs it) it is a
//! quick smoke run at scale 0.1. Prints a table; asserts nothing about time.

#[path = "synth/mod.rs"]
mod synth;

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use attache::graph::Graph;
use attache::import::ImportFile;
use attache::service::Service;
use attache::store::Contents;
use petgraph::graph::{DiGraph, NodeIndex};

/// The system allocator, counting the bytes live at any moment: those
/// asked for, and the chunks glibc's malloc hands out for them.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static CHUNKS: AtomicIsize = AtomicIsize::new(0);

/// The chunk glibc's malloc (64-bit) takes for `size` bytes: the size plus
/// its 8-byte header, rounded up to 16, at least 32.
fn chunk(size: usize) -> isize {
    ((size + 8).div_ceil(16) * 16).max(32) as isize
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Ordering::Relaxed);
        CHUNKS.fetch_add(chunk(l.size()), Ordering::Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        CHUNKS.fetch_sub(chunk(l.size()), Ordering::Relaxed);
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new as isize - l.size() as isize, Ordering::Relaxed);
        CHUNKS.fetch_add(chunk(new) - chunk(l.size()), Ordering::Relaxed);
        System.realloc(p, l, new)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

/// Bytes of every file under `dir`.
fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_bytes(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// The floor for import: every record as its JSON, one batch per tree.
fn raw_import(w: &synth::World, dir: &Path) -> Duration {
    let t = Instant::now();
    let db = sled::Config::new().path(dir).open().unwrap();
    let nodes = db.open_tree("nodes").unwrap();
    let rels = db.open_tree("relations").unwrap();
    let mut b = sled::Batch::default();
    for n in &w.nodes {
        b.insert(n.id.as_str().as_bytes(), serde_json::to_vec(n).unwrap());
    }
    nodes.apply_batch(b).unwrap();
    let mut b = sled::Batch::default();
    for r in &w.relations {
        b.insert(r.id.as_str().as_bytes(), serde_json::to_vec(r).unwrap());
    }
    rels.apply_batch(b).unwrap();
    db.flush().unwrap();
    t.elapsed()
}

/// A second floor for import: every key and value the imported store `from`
/// holds (records, change log, history), written into a new sled store at
/// `dir` the raw way, one `apply_batch` per tree and one flush. What import
/// takes beyond this is ours; up to it, what the store format asks of sled.
fn raw_same_bytes(from: &Path, dir: &Path) -> (Duration, usize) {
    let src = attache::store::sled_config(from).open().unwrap();
    let trees: Vec<(sled::IVec, sled::Batch, usize)> = src
        .tree_names()
        .into_iter()
        .map(|name| {
            let mut b = sled::Batch::default();
            let mut n = 0;
            for kv in src.open_tree(&name).unwrap().iter() {
                let (k, v) = kv.unwrap();
                b.insert(k, v);
                n += 1;
            }
            (name, b, n)
        })
        .collect();
    drop(src);
    std::thread::sleep(Duration::from_millis(500));
    let keys = trees.iter().map(|(_, _, n)| n).sum();
    let t = Instant::now();
    let db = sled::Config::new().path(dir).open().unwrap();
    for (name, batch, _) in trees {
        db.open_tree(name).unwrap().apply_batch(batch).unwrap();
    }
    db.flush().unwrap();
    (t.elapsed(), keys)
}

#[derive(serde::Deserialize)]
struct Ends<'a> {
    from: &'a str,
    to: &'a str,
}

/// The floor for cold start: reopen the raw store, scan it into petgraph.
fn raw_cold_start(dir: &Path) -> (Duration, usize) {
    let t = Instant::now();
    let db = sled::Config::new().path(dir).open().unwrap();
    let mut g: DiGraph<sled::IVec, sled::IVec> = DiGraph::default();
    let mut ix: HashMap<sled::IVec, NodeIndex> = HashMap::new();
    for kv in db.open_tree("nodes").unwrap().iter() {
        let (k, v) = kv.unwrap();
        ix.insert(k, g.add_node(v));
    }
    for kv in db.open_tree("relations").unwrap().iter() {
        let (_, v) = kv.unwrap();
        let e: Ends = serde_json::from_slice(&v).unwrap();
        let (a, b) = (ix[e.from.as_bytes()], ix[e.to.as_bytes()]);
        g.add_edge(a, b, v);
    }
    let took = t.elapsed();
    (took, g.edge_count())
}

fn cold_start(dir: &Path) -> (Duration, usize) {
    let t = Instant::now();
    let s = Service::open(dir).unwrap();
    let took = t.elapsed();
    (took, s.graph().relation_count())
}

/// Prints the graph's heap by structure, in bytes per relation, read off the
/// counting allocator as the graph is dropped one part at a time.
fn breakdown(g: Graph) {
    let rels = g.relation_count().max(1) as f64;
    let nodes = g.node_count();
    let mut last = live();
    let mut parts = Vec::new();
    let mut inline = (0, 0);
    g.drop_in_parts(
        |part| {
            let now = live();
            if !part.is_empty() {
                parts.push((part, last - now));
            }
            last = now;
        },
        |n, r| {
            // Each record in its `Arc` (two counts before it).
            let arc = 2 * std::mem::size_of::<usize>();
            inline = (
                n.len() * (std::mem::size_of::<attache::model::Node>() + arc),
                r.len() * (std::mem::size_of::<attache::model::Relation>() + arc),
            );
        },
    );
    println!("    by structure, B/relation ({nodes} nodes):");
    for (part, bytes) in parts {
        let of_which = match part {
            p if p.starts_with("relations") => {
                format!(" (inline in Arc {:.0})", inline.1 as f64 / rels)
            }
            p if p.starts_with("nodes") => {
                format!(" (inline in Arc {:.0})", inline.0 as f64 / rels)
            }
            _ => String::new(),
        };
        println!("      {part:<45} {:>7.1}{of_which}", bytes as f64 / rels);
    }
}

/// Prints, per sled tree of the store in `dir`, its records and the bytes
/// of their keys and values, and what sled itself says it occupies, so the
/// disk row can be split between what is stored and sled's own overhead.
fn tree_breakdown(dir: &Path) {
    let db = attache::store::sled_config(dir).open().unwrap();
    let (mut keys, mut values) = (0u64, 0u64);
    println!("    by tree (live keys + values; the rest is sled's own):");
    for name in db.tree_names() {
        let t = db.open_tree(&name).unwrap();
        let (mut n, mut k, mut v) = (0u64, 0u64, 0u64);
        for kv in t.iter() {
            let (key, val) = kv.unwrap();
            n += 1;
            k += key.len() as u64;
            v += val.len() as u64;
        }
        if n > 0 {
            println!(
                "      {:<12} {n:>8} records  keys {:>6.1} MiB  values {:>6.1} MiB",
                String::from_utf8_lossy(&name),
                mib(k),
                mib(v)
            );
        }
        keys += k;
        values += v;
    }
    println!(
        "      total live {:.1} MiB; sled size_on_disk {:.1} MiB",
        mib(keys + values),
        mib(db.size_on_disk().unwrap())
    );
    drop(db);
    std::thread::sleep(Duration::from_millis(500));
    println!(
        "      directory after close: {:.1} MiB",
        mib(dir_bytes(dir))
    );
}

/// Prints the relations' values in either record encoding (format 7's JSON,
/// format 8's MessagePack with field names): their bytes, and the time to
/// decode them all, as a cold start does.
fn encodings(w: &synth::World) {
    use attache::model::Relation;
    let json: Vec<Vec<u8>> = w
        .relations
        .iter()
        .map(|r| serde_json::to_vec(r).unwrap())
        .collect();
    let packed: Vec<Vec<u8>> = w
        .relations
        .iter()
        .map(|r| rmp_serde::to_vec_named(r).unwrap())
        .collect();
    let t = Instant::now();
    for v in &json {
        std::hint::black_box(serde_json::from_slice::<Relation>(v).unwrap());
    }
    let json_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    for v in &packed {
        std::hint::black_box(rmp_serde::from_slice::<Relation>(v).unwrap());
    }
    let packed_ms = t.elapsed().as_secs_f64() * 1e3;
    let bytes = |v: &[Vec<u8>]| v.iter().map(|b| b.len() as u64).sum::<u64>();
    println!(
        "    relation values: JSON {:.1} MiB, decoded in {json_ms:.0} ms; MessagePack {:.1} MiB, decoded in {packed_ms:.0} ms",
        mib(bytes(&json)),
        mib(bytes(&packed)),
    );
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn mib(b: u64) -> f64 {
    b as f64 / (1 << 20) as f64
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let scale = if full {
        std::env::var("BENCH_SCALE")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1.0)
    } else {
        0.1
    };
    let runs = if full { 3 } else { 1 };
    let w = synth::World::generate(scale);
    let doc = w.import_document();
    let rels = w.relations.len();
    println!(
        "footprint: scale {scale}, {} nodes, {rels} relations, JSON {:.1} MiB; load average {}{}",
        w.nodes.len(),
        mib(doc.len() as u64),
        load_average(),
        if full {
            ""
        } else {
            " (smoke run: pass --bench for the benchmark)"
        }
    );

    // The graph's heap: records decoded from JSON (as a load decodes them
    // from the store) and indexed; the text stays live across the
    // measurement, so only what the graph keeps counts.
    let before = live();
    let chunks_before = CHUNKS.load(Ordering::Relaxed);
    let file: ImportFile = serde_json::from_str(&doc).unwrap();
    let g = Graph::from_contents(Contents {
        nodes: file.nodes,
        relations: file.relations,
        conflicts: Vec::new(),
        redirects: Vec::new(),
    })
    .unwrap();
    let held = live() - before;
    let chunks = CHUNKS.load(Ordering::Relaxed) - chunks_before;
    println!(
        "RAM after load:      {:>8.0} B/relation (graph heap {:.1} MiB for {} relations; goal <= 150)",
        held as f64 / g.relation_count() as f64,
        mib(held as u64),
        g.relation_count()
    );
    println!(
        "    in glibc malloc chunks (header and rounding): {:.0} B/relation",
        chunks as f64 / g.relation_count() as f64
    );
    println!(
        "    records inline: Relation {} B, Node {} B (before their heap parts)",
        std::mem::size_of::<attache::model::Relation>(),
        std::mem::size_of::<attache::model::Node>()
    );
    breakdown(g);
    if std::env::var_os("FOOTPRINT_RAM_ONLY").is_some() {
        return;
    }

    encodings(&w);
    let ours = tempfile::tempdir().unwrap();
    let raw = tempfile::tempdir().unwrap();
    let t = Instant::now();
    {
        let service = Service::open(ours.path()).unwrap();
        attache::import::import(&service, &[("gen".into(), doc.clone())], Vec::new())
            .await
            .unwrap();
        service.flush().await.unwrap();
    }
    let import = t.elapsed();
    let raw_import = raw_import(&w, raw.path());
    println!(
        "import, wall:        {:>8.0} ms   raw sled batch {:>6.0} ms   {:.2}x",
        import.as_secs_f64() * 1e3,
        raw_import.as_secs_f64() * 1e3,
        import.as_secs_f64() / raw_import.as_secs_f64()
    );

    // Let sled's background threads release the stores before measuring.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (disk, raw_disk) = (dir_bytes(ours.path()), dir_bytes(raw.path()));
    println!(
        "store on disk:       {:>8.1} MiB   JSON {:.1} MiB = {:.2}x; raw sled {:.1} MiB = {:.2}x",
        mib(disk),
        mib(doc.len() as u64),
        disk as f64 / doc.len() as f64,
        mib(raw_disk),
        disk as f64 / raw_disk as f64
    );

    tokio::time::sleep(Duration::from_millis(500)).await;
    tree_breakdown(ours.path());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let same = tempfile::tempdir().unwrap();
    let (same_bytes, keys) = raw_same_bytes(ours.path(), same.path());
    println!(
        "    import beside raw sled batches of the store's own {keys} keys and values: {:.0} ms, {:.2}x",
        same_bytes.as_secs_f64() * 1e3,
        import.as_secs_f64() / same_bytes.as_secs_f64()
    );
    drop(same);
    tokio::time::sleep(Duration::from_millis(500)).await;

    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let (took, n) = cold_start(ours.path());
        assert_eq!(n, rels, "every relation loaded");
        a.push(took);
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (took, n) = raw_cold_start(raw.path());
        assert_eq!(n, rels, "every relation scanned");
        b.push(took);
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let (a, b) = (median(a), median(b));
    println!(
        "cold start (median of {runs}): {:>6.0} ms   raw reopen + scan {:>6.0} ms   {:.2}x",
        a.as_secs_f64() * 1e3,
        b.as_secs_f64() * 1e3,
        a.as_secs_f64() / b.as_secs_f64()
    );
    println!("load average at the end: {}", load_average());
}
