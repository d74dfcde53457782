//! What the change log costs, and how fast it answers.
//!
//! 1. The same durable writes (one new attendance each, sixteen writers at
//!    once) on two stores: one logging every write, one opened by this bench
//!    with the log writes skipped (`OpenOptions { log: false }`, which nothing
//!    else can reach). Prints throughput and disk per write for both, and the
//!    ratios, in one run.
//! 2. `history` (latest 20 versions) and `asOf` latency on a store with
//!    `CHANGELOG_SETS` change sets (1,000,000 with `--bench`), generated at the
//!    store level: each updates one of 1,000 people, so each has ~1,000 versions.
//!
//! `cargo bench --bench changelog` (release). Without `--bench`, as `cargo
//! test --all-targets` runs it, a small smoke run. `CHANGELOG_WRITES` (4000).

use std::path::Path;
use std::time::{Duration, Instant};

use attache::model::{ChangeSet, LogEntry, Node, NodeId, Relation, Version};
use attache::service::{Change, Mode, OpenOptions, Record, Service};
use attache::store::{LogWrite, Op, Store};
use serde_json::json;

fn env(name: &str, default: usize, smoke: usize) -> usize {
    let bench = std::env::args().any(|a| a == "--bench");
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if bench { default } else { smoke })
}

/// Bytes of every file under `dir`.
fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            if meta.is_dir() {
                dir_bytes(&e.path())
            } else {
                meta.len()
            }
        })
        .sum()
}

const PEOPLE: usize = 500;
const MEETINGS: usize = 50;
const WRITERS: usize = 16;

/// (writes per second, bytes on disk per write) with the log on or off.
async fn write_run(log: bool, writes: usize) -> (f64, f64) {
    let tmp = tempfile::tempdir().unwrap();
    let options = OpenOptions {
        log,
        ..OpenOptions::default()
    };
    let service = Service::open_for_bench(tmp.path(), options).await.unwrap();
    let mut base = vec![Change::Put(
        Mode::Create,
        Record::Node(Node::new(NodeId::parse("source:gen").unwrap(), "Gen")),
    )];
    for (prefix, n) in [("person", PEOPLE), ("meeting", MEETINGS)] {
        for i in 0..n {
            let mut v = json!({
                "id": format!("{prefix}:x{i}"), "name": format!("{prefix} {i}"),
                "citations": [{ "source": "source:gen" }],
            });
            if prefix == "meeting" {
                v["start"] = json!("2020");
            }
            let node: Node = serde_json::from_value(v).unwrap();
            base.push(Change::Put(Mode::Create, Record::Node(node)));
        }
    }
    service.write(base).await.unwrap();
    service.flush().await.unwrap();
    let before = dir_bytes(tmp.path());
    let t = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..WRITERS {
        let service = service.clone();
        tasks.spawn(async move {
            for k in (w..writes).step_by(WRITERS) {
                let rel: Relation = serde_json::from_value(json!({
                    "id": format!("rel:w{k}"), "kind": "attended", "mode": "online",
                    "from": format!("person:x{}", k % PEOPLE),
                    "to": format!("meeting:x{}", k % MEETINGS),
                }))
                .unwrap();
                let put = Change::Put(Mode::Create, Record::Relation(rel));
                service.write(vec![put]).await.unwrap();
            }
        });
    }
    while let Some(t) = tasks.join_next().await {
        t.unwrap();
    }
    let elapsed = t.elapsed();
    service.flush().await.unwrap();
    let grown = dir_bytes(tmp.path()).saturating_sub(before);
    service.close().await.unwrap();
    (
        writes as f64 / elapsed.as_secs_f64(),
        grown as f64 / writes as f64,
    )
}

fn person(r: usize, version: usize) -> Node {
    let mut n = Node::new(
        NodeId::parse(&format!("person:p{r}")).unwrap(),
        format!("Person {r} v{version}"),
    );
    n.citations.push(attache::model::Citation {
        source: NodeId::parse("source:gen").unwrap(),
        locator: None,
    });
    n
}

/// Writes `sets` change sets straight into the store, each updating (at
/// first creating) one of `records` people, as the service would log them.
fn generate(store: &Store, sets: usize, records: usize) {
    let source = Node::new(NodeId::parse("source:gen").unwrap(), "Gen");
    store.apply(&[Op::PutNode(source)], &[]).unwrap();
    let start = 1_700_000_000_000i64;
    for seq in 1..=sets {
        let r = (seq - 1) % records;
        let version = (seq - 1) / records;
        let after = person(r, version);
        let before = (version > 0).then(|| Version::Node(person(r, version - 1)));
        let entries = [LogEntry {
            id: after.id.as_str().to_owned(),
            before,
            after: Some(Version::Node(after.clone())),
        }];
        let set = ChangeSet {
            seq: seq as u64,
            time_ms: start + seq as i64,
            actor: "bench".into(),
            comment: None,
            source: None,
            records: 1,
            reverts: None,
            op: "write".into(),
        };
        let log = LogWrite {
            set: &set,
            entries: &entries,
        };
        store
            .apply_logged(&[Op::PutNode(after)], &[], Some(log))
            .unwrap();
    }
    store.flush().unwrap();
}

/// Median and 99th percentile of `samples`, in microseconds.
fn spread(mut samples: Vec<Duration>) -> String {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
    format!("median {:.0} µs, p99 {:.0} µs", at(0.5), at(0.99))
}

async fn read_run(sets: usize) {
    const RECORDS: usize = 1000;
    let tmp = tempfile::tempdir().unwrap();
    let t = Instant::now();
    {
        let store = Store::open(tmp.path()).unwrap();
        generate(&store, sets, RECORDS.min(sets));
    }
    println!(
        "{sets} change sets generated in {:.1} s; store {:.0} MiB",
        t.elapsed().as_secs_f64(),
        dir_bytes(tmp.path()) as f64 / (1 << 20) as f64
    );
    let service = Service::open(tmp.path()).unwrap();
    let g = service.graph();
    let mut seed = 7u64;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        (seed >> 33) as usize % n
    };
    let (mut history, mut as_of) = (Vec::new(), Vec::new());
    for _ in 0..2000 {
        let id = format!("person:p{}", next(RECORDS.min(sets)));
        let t = Instant::now();
        let h = service.history(&g, &id, u64::MAX, 20).unwrap();
        history.push(t.elapsed());
        assert!(!h.is_empty());
        let seq = 1 + next(sets) as u64;
        let t = Instant::now();
        let _ = service.as_of(&g, &id, seq).unwrap();
        as_of.push(t.elapsed());
    }
    println!(
        "history(first 20) on {sets} change sets: {}",
        spread(history)
    );
    println!("asOf(seq) on {sets} change sets: {}", spread(as_of));
    drop(g);
    service.close().await.unwrap();
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let writes = env("CHANGELOG_WRITES", 4000, 64);
    let sets = env("CHANGELOG_SETS", 1_000_000, 3000);
    let (logged_rate, logged_disk) = write_run(true, writes).await;
    let (bare_rate, bare_disk) = write_run(false, writes).await;
    println!("{writes} writes, {WRITERS} writers, each one new attendance:");
    println!("  log on:  {logged_rate:.0} writes/s, {logged_disk:.0} bytes on disk per write");
    println!("  log off: {bare_rate:.0} writes/s, {bare_disk:.0} bytes on disk per write");
    println!(
        "  with the log: throughput x{:.2}, disk x{:.2} ({:.0} bytes per change set)",
        logged_rate / bare_rate,
        logged_disk / bare_disk.max(1.0),
        logged_disk - bare_disk
    );
    read_run(sets).await;
}
