//! Concurrent writers: durable `link` writes over HTTP on a generated graph,
//! from one client and from sixteen, with throughput, latency, graph copies
//! and RSS for each, and the ratio of the two rates (issue 12's "durable
//! writes" row; this comparison was once asserted in
//! tests/concurrent_writers.rs, where a loaded machine made it fail). The
//! two run by turns, `WRITERS_ROUNDS` times (3), so both see the same machine.
//!
//! `cargo bench --bench writers` (release; without `--bench`, as `cargo test
//! --all-targets` runs it, a small smoke run). Environment: `WRITERS_PEOPLE` (8000),
//! `WRITERS_MEETINGS` (1000), `WRITERS_PER_PERSON` (9): 9,001 nodes and 72k
//! relations by default; `WRITERS_EACH` (writes per client, 200).
//!
//! The server runs in this process (so its RSS is the process's), on a
//! temporary store, through `attache::http::run` as `main` does.

#[path = "../tests/common/load.rs"]
mod load;

use std::time::{Duration, Instant};

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
    let mut first = 100;
    // Writes and seconds, for one client and for sixteen.
    let mut totals = [(0usize, 0f64); 2];
    for (slot, clients) in std::iter::repeat_n([1, 16], rounds)
        .flatten()
        .enumerate()
        .map(|(i, c)| (i % 2, c))
    {
        let copies = service.working_copies();
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
        println!(
            "{clients:>2} client(s): {} writes in {:.2} s = {:.0} writes/s, {cpu_ms:.2} ms CPU \
             each; graph copies {} (reused {}); RSS {rss:.0} MiB before, peak {:.0} MiB, {:.0} MiB after",
            run.writes,
            run.elapsed.as_secs_f64(),
            run.per_second(),
            after.1 - copies.1,
            after.0 - copies.0,
            *peak.lock().unwrap(),
            rss_mib(),
        );
    }
    let rate = |(w, s): (usize, f64)| w as f64 / s;
    println!(
        "over {rounds} round(s): 1 client {:.0} writes/s, 16 clients {:.0} writes/s, \
         ratio 16/1 = {:.2}; load average {}",
        rate(totals[0]),
        rate(totals[1]),
        rate(totals[1]) / rate(totals[0]),
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
