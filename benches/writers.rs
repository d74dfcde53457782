//! Concurrent writers: durable `link` writes over HTTP on a generated graph,
//! from one client and from sixteen, with throughput, latency, graph copies
//! and RSS for each, beside their floor measured in the same run: raw sled,
//! one record inserted and flushed per write by one writer (issue 12's
//! "durable writes" row; goals: one client at least 0.8x the floor, sixteen
//! at least 5,000 writes/s by group commit). This comparison was once
//! asserted in tests/concurrent_writers.rs, where a loaded machine made it
//! fail. The floor and the two runs go by turns, `WRITERS_ROUNDS` times (3),
//! so all three see the same machine.
//!
//! `cargo bench --bench writers` (release; without `--bench`, as `cargo test
//! --all-targets` runs it, a small smoke run). Environment: `WRITERS_PEOPLE` (8000),
//! `WRITERS_MEETINGS` (1000), `WRITERS_PER_PERSON` (9): 9,001 nodes and 72k
//! relations by default; `WRITERS_EACH` (writes per client, 200).
//!
//! The server runs in this process (so its RSS is the process's), on a
//! temporary store, through `attache::http::run` as `main` does.
//!
//! A second floor takes the same stack into account: a bare axum +
//! async-graphql server answering the same `link` mutation by inserting the
//! relation into raw sled and flushing before it answers, each request its
//! own flush, no log, no graph, no checks. Raw sled alone leaves out HTTP and
//! GraphQL, which every Attaché write pays; this floor does not.

#[path = "../tests/common/load.rs"]
mod load;

use std::path::Path;
use std::time::{Duration, Instant};

use async_graphql::{EmptySubscription, Enum, InputObject, Object, Schema, SimpleObject, ID};
use attache::service::Service;
use load::{cpu_seconds, graph_document, rss_mib, run_writers};

/// A setting from the environment; run without `--bench` (as `cargo test
/// --all-targets` does) the defaults are a small smoke run.
fn env(name: &str, default: usize, smoke: usize) -> usize {
    let bench = std::env::args().any(|a| a == "--bench");
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if bench { default } else { smoke })
}

/// The floor: `writes` records the size of a `link`'s relation (as JSON),
/// each inserted into raw sled and flushed before the next, by one writer.
/// Returns the writes and the seconds they took.
fn raw_flush_per_write(dir: &Path, writes: usize, first: usize) -> (usize, f64) {
    let db = sled::Config::new().path(dir).open().unwrap();
    let tree = db.open_tree("relations").unwrap();
    let t = Instant::now();
    for i in first..first + writes {
        let id = format!("rel:raw-{i}");
        let value = serde_json::json!({
            "id": id, "kind": "attended", "from": format!("person:p{i}"),
            "to": format!("meeting:m{}", i % 1000), "mode": "online",
        });
        tree.insert(id.as_bytes(), serde_json::to_vec(&value).unwrap())
            .unwrap();
        db.flush().unwrap();
    }
    (writes, t.elapsed().as_secs_f64())
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Attended,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
enum AttendanceMode {
    Online,
}

#[derive(InputObject)]
struct LinkInput {
    kind: Kind,
    from: ID,
    to: ID,
    mode: AttendanceMode,
}

#[derive(SimpleObject)]
struct Linked {
    id: ID,
}

struct BareQuery;

#[Object]
impl BareQuery {
    async fn ok(&self) -> bool {
        true
    }
}

/// The bare stack's mutation: the relation into raw sled, flushed before
/// the answer (off the async workers, as any blocking I/O must be).
struct BareMutation {
    db: sled::Db,
    next: std::sync::atomic::AtomicU64,
}

#[Object]
impl BareMutation {
    async fn link(&self, input: LinkInput) -> async_graphql::Result<Linked> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("rel:bare-{n}");
        let value = serde_json::json!({
            "id": id, "kind": "attended", "from": input.from.as_str(),
            "to": input.to.as_str(), "mode": "online",
        });
        let (db, key, bytes) = (self.db.clone(), id.clone(), serde_json::to_vec(&value)?);
        tokio::task::spawn_blocking(move || -> sled::Result<()> {
            db.open_tree("relations")?.insert(key.as_bytes(), bytes)?;
            db.flush()?;
            Ok(())
        })
        .await??;
        Ok(Linked { id: ID(id) })
    }
}

/// The second floor: the bare stack on raw sled at `dir`; returns its URL.
async fn bare_server(dir: &Path) -> String {
    let db = sled::Config::new().path(dir).open().unwrap();
    let mutation = BareMutation {
        db,
        next: Default::default(),
    };
    let schema = Schema::build(BareQuery, mutation, EmptySubscription).finish();
    let app = axum::Router::new().route(
        "/graphql",
        axum::routing::post_service(async_graphql_axum::GraphQL::new(schema)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let people = env("WRITERS_PEOPLE", 8_000, 500);
    let meetings = env("WRITERS_MEETINGS", 1_000, 100);
    let per_person = env("WRITERS_PER_PERSON", 9, 4);
    let each = env("WRITERS_EACH", 200, 5);

    let tmp = tempfile::tempdir().unwrap();
    let service = Service::open(tmp.path()).unwrap();
    let t = Instant::now();
    let doc = graph_document(people, meetings, per_person);
    attache::import::import(&service, &[("gen".into(), doc)], Vec::new())
        .await
        .unwrap();
    let g = service.graph();
    println!(
        "graph: {} nodes, {} relations, loaded in {:.1} s; RSS {:.0} MiB",
        g.node_count(),
        g.relation_count(),
        t.elapsed().as_secs_f64(),
        rss_mib()
    );
    drop(g);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let options = attache::http::Options {
        auth: attache::http::Auth::new(Vec::<String>::new(), false, true),
        ..Default::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(attache::http::run(
        listener,
        service.clone(),
        options,
        async {
            let _ = stopped.await;
        },
    ));
    let client = reqwest::Client::new();
    run_writers(&client, &url, 1, 20, people, meetings, 0).await;

    let rounds = env("WRITERS_ROUNDS", 3, 1);
    let raw_dir = tempfile::tempdir().unwrap();
    let bare_dir = tempfile::tempdir().unwrap();
    let bare = bare_server(bare_dir.path()).await;
    run_writers(&client, &bare, 1, 20, people, meetings, 0).await;
    let mut first = 100;
    // Writes and seconds: the floor, one client, sixteen; the bare stack's
    // one client and sixteen.
    let mut raw = (0usize, 0f64);
    let mut totals = [(0usize, 0f64); 2];
    let mut bare_totals = [(0usize, 0f64); 2];
    for (slot, clients) in std::iter::repeat_n([1, 16], rounds)
        .flatten()
        .enumerate()
        .map(|(i, c)| (i % 2, c))
    {
        if slot == 0 {
            let (dir, at) = (raw_dir.path().to_owned(), raw.0);
            let (w, s) = tokio::task::spawn_blocking(move || raw_flush_per_write(&dir, each, at))
                .await
                .unwrap();
            raw = (raw.0 + w, raw.1 + s);
            println!(
                "raw sled, 1 writer: {w} writes in {s:.2} s = {:.0} writes/s (insert + flush each)",
                w as f64 / s
            );
        }
        let run = run_writers(&client, &bare, clients, each, people, meetings, first).await;
        bare_totals[slot].0 += run.writes;
        bare_totals[slot].1 += run.elapsed.as_secs_f64();
        println!(
            "bare stack + raw sled, {clients:>2} client(s): {} writes in {:.2} s = {:.0} writes/s \
             (a flush per request)",
            run.writes,
            run.elapsed.as_secs_f64(),
            run.per_second()
        );
        let copies = service.working_copies();
        let (commits, flushes) = service.durability_counts();
        let rss = rss_mib();
        let peak = std::sync::Arc::new(std::sync::Mutex::new(rss));
        let sampling = {
            let peak = peak.clone();
            tokio::spawn(async move {
                loop {
                    {
                        let now = rss_mib();
                        let mut p = peak.lock().unwrap();
                        *p = p.max(now);
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            })
        };
        let cpu = cpu_seconds();
        let run = run_writers(&client, &url, clients, each, people, meetings, first).await;
        let cpu_ms = (cpu_seconds() - cpu) * 1000.0 / run.writes as f64;
        sampling.abort();
        first += clients * each;
        totals[slot].0 += run.writes;
        totals[slot].1 += run.elapsed.as_secs_f64();
        let after = service.working_copies();
        let counts = service.durability_counts();
        println!(
            "{clients:>2} client(s): {} writes in {:.2} s = {:.0} writes/s, {cpu_ms:.2} ms CPU \
             each, {:.1} commits per flush; graph copies {} (reused {}); RSS {rss:.0} MiB before, \
             peak {:.0} MiB, {:.0} MiB after",
            run.writes,
            run.elapsed.as_secs_f64(),
            run.per_second(),
            (counts.0 - commits) as f64 / (counts.1 - flushes).max(1) as f64,
            after.1 - copies.1,
            after.0 - copies.0,
            *peak.lock().unwrap(),
            rss_mib(),
        );
    }
    let rate = |(w, s): (usize, f64)| w as f64 / s;
    let (floor, one, sixteen) = (rate(raw), rate(totals[0]), rate(totals[1]));
    let (bare_one, bare_sixteen) = (rate(bare_totals[0]), rate(bare_totals[1]));
    println!(
        "over {rounds} round(s): the bare stack on raw sled, a flush per request: 1 client \
         {bare_one:.0} writes/s, 16 clients {bare_sixteen:.0} writes/s; Attaché 1 client \
         {:.2}x it, 16 clients {:.2}x it",
        one / bare_one,
        sixteen / bare_sixteen,
    );
    println!(
        "over {rounds} round(s): raw sled flush-per-write {floor:.0} writes/s (floor); \
         1 client {one:.0} writes/s = {:.2}x the floor (goal >= 0.8); \
         16 clients {sixteen:.0} writes/s = {:.2}x the floor (goal >= 5,000/s), \
         ratio 16/1 = {:.2}; load average {}",
        one / floor,
        sixteen / floor,
        sixteen / one,
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
