//! The cluster test's load and checks: writers and readers on every node,
//! what they saw (acknowledged ids, server errors with their time, the
//! time from an ack on one node to the write being readable on the next),
//! and the checks run on the stopped nodes' stores.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::harness::{gql, health, percentile, Nats, Node};
use super::{person, CREATE, READ};

/// Writers per node.
const WRITERS: usize = 2;

#[derive(Default)]
struct Seen {
    acked: Vec<(Duration, String)>,
    /// (when, what): a 5xx, or a GraphQL error coded UNAVAILABLE or INTERNAL.
    errors: Vec<(Duration, String)>,
    lags: Vec<Duration>,
}

pub struct Run {
    start: Instant,
    urls: Arc<Mutex<Vec<String>>>,
    seen: Arc<Mutex<Seen>>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// What a run saw.
pub struct Report {
    pub acked: Vec<String>,
    times: Vec<Duration>,
    errors: Vec<(Duration, String)>,
    lags: Vec<Duration>,
}

fn server_error(status: u16, body: &Value) -> Option<String> {
    let code = body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("");
    (status >= 500 || code == "UNAVAILABLE" || code == "INTERNAL")
        .then(|| format!("{status} {code} {}", body["errors"][0]["message"]))
}

impl Run {
    pub fn start(client: &reqwest::Client, urls: Vec<String>) -> Run {
        let n = urls.len();
        let run = Run {
            start: Instant::now(),
            urls: Arc::new(Mutex::new(urls)),
            seen: Arc::default(),
            stop: Arc::default(),
            tasks: Vec::new(),
        };
        let mut tasks = Vec::new();
        for w in 0..n * WRITERS {
            let (client, urls, seen, stop) = (
                client.clone(),
                run.urls.clone(),
                run.seen.clone(),
                run.stop.clone(),
            );
            let start = run.start;
            tasks.push(tokio::spawn(async move {
                let mut k = 0;
                while !stop.load(Ordering::Relaxed) {
                    k += 1;
                    let id = format!("person:w{w}-{k}");
                    let (url, next) = {
                        let u = urls.lock().unwrap();
                        (u[w % n].clone(), u[(w + 1) % n].clone())
                    };
                    let a = match gql(&client, &url, CREATE, person(&id), None).await {
                        Ok(a) => a,
                        Err(_) => {
                            tokio::time::sleep(Duration::from_millis(100)).await;
                            continue;
                        }
                    };
                    if let Some(e) = server_error(a.status, &a.body) {
                        seen.lock().unwrap().errors.push((start.elapsed(), e));
                        continue;
                    }
                    if a.body["data"]["createPerson"]["id"] != json!(id) {
                        continue;
                    }
                    let at = start.elapsed();
                    seen.lock().unwrap().acked.push((at, id.clone()));
                    let t = Instant::now();
                    if let Ok(r) = gql(&client, &next, READ, json!({ "id": id }), a.applied).await {
                        if let Some(e) = server_error(r.status, &r.body) {
                            seen.lock().unwrap().errors.push((start.elapsed(), e));
                        } else if r.body["data"]["person"]["id"] == json!(id) {
                            seen.lock().unwrap().lags.push(t.elapsed());
                        } else {
                            panic!(
                                "{id}, acked at {:?}, not read on {next} at its sequence: {}",
                                a.applied, r.body
                            );
                        }
                    }
                }
            }));
        }
        for r in 0..n {
            let (client, urls, seen, stop) = (
                client.clone(),
                run.urls.clone(),
                run.seen.clone(),
                run.stop.clone(),
            );
            let start = run.start;
            tasks.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let url = urls.lock().unwrap()[r].clone();
                    if let Ok(a) = gql(&client, &url, "{ counts { nodes } }", json!({}), None).await
                    {
                        if let Some(e) = server_error(a.status, &a.body) {
                            seen.lock().unwrap().errors.push((start.elapsed(), e));
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }));
        }
        Run { tasks, ..run }
    }

    /// Time since the run started.
    pub fn now(&self) -> Duration {
        self.start.elapsed()
    }

    /// Node `i` moved (restarted on another port).
    pub fn set_url(&self, i: usize, url: String) {
        self.urls.lock().unwrap()[i] = url;
    }

    /// Acked writes per second between `from` and `to` into the run.
    pub fn acked_between(&self, from: Duration, to: Duration) -> f64 {
        let n = self
            .seen
            .lock()
            .unwrap()
            .acked
            .iter()
            .filter(|(t, _)| *t >= from && *t < to)
            .count();
        n as f64 / (to - from).as_secs_f64()
    }

    pub async fn stop(self) -> Report {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.tasks {
            t.await.expect("a load task panicked");
        }
        let seen = std::mem::take(&mut *self.seen.lock().unwrap());
        Report {
            times: seen.acked.iter().map(|(t, _)| *t).collect(),
            acked: seen.acked.into_iter().map(|(_, id)| id).collect(),
            errors: seen.errors,
            lags: seen.lags,
        }
    }
}

impl Report {
    pub fn server_errors_outside(&self, from: Duration, to: Duration) -> Vec<(Duration, String)> {
        self.errors
            .iter()
            .filter(|(t, _)| *t < from || *t > to)
            .cloned()
            .collect()
    }

    pub fn server_errors_inside(&self, from: Duration, to: Duration) -> usize {
        self.errors.len() - self.server_errors_outside(from, to).len()
    }

    /// The longest time without an ack between `from` and `to`.
    pub fn longest_gap_after(&self, from: Duration, to: Duration) -> Duration {
        let mut times: Vec<Duration> = self
            .times
            .iter()
            .copied()
            .filter(|t| *t >= from && *t <= to)
            .collect();
        times.sort_unstable();
        let mut prev = from;
        let mut gap = Duration::ZERO;
        for t in times {
            gap = gap.max(t - prev);
            prev = t;
        }
        gap
    }

    pub fn lag(&self, p: usize) -> Duration {
        percentile(&mut self.lags.clone(), p)
    }
}

/// Writes per second from six writers on one node for `dur`.
pub async fn throughput(client: &reqwest::Client, url: &str, dur: Duration) -> f64 {
    let run = Run::start(client, vec![url.to_owned(); 1]);
    tokio::time::sleep(dur).await;
    let n = run.acked_between(Duration::ZERO, dur);
    run.stop().await;
    n
}

/// The index of the NATS server leading the change-log stream.
pub async fn stream_leader(urls: &str) -> usize {
    let urls: Vec<&str> = urls.split(',').collect();
    let client = async_nats::connect(urls).await.unwrap();
    let js = async_nats::jetstream::new(client);
    let mut stream = js.get_stream("ATTACHE_LOG").await.unwrap();
    let info = stream.info().await.unwrap();
    let leader = info
        .cluster
        .as_ref()
        .and_then(|c| c.leader.clone())
        .expect("the stream has a leader");
    leader.trim_start_matches('n').parse().unwrap()
}

/// Waits until every node has applied everything the stream holds; returns
/// that. When they do not within a minute, the failure names the nodes
/// behind and shows what they and the NATS servers logged last.
pub async fn settle(client: &reqwest::Client, nodes: &[&Node], nats: &Nats) -> u64 {
    let start = Instant::now();
    loop {
        let mut seqs = Vec::new();
        for n in nodes {
            if let Some(h) = health(client, &n.url).await {
                let c = &h["cluster"];
                seqs.push((
                    c["appliedSeq"].as_u64().unwrap(),
                    c["streamLastSeq"].as_u64().unwrap(),
                ));
            }
        }
        let max = seqs.iter().map(|s| s.1).max().unwrap_or(0);
        if seqs.len() == nodes.len() && seqs.iter().all(|s| s.0 == max) {
            return max;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let behind: Vec<String> = nodes
                .iter()
                .zip(&seqs)
                .enumerate()
                .filter(|(_, (_, s))| s.0 < max)
                .map(|(i, (n, s))| {
                    format!(
                        "--- node {i} ({}), applied {} of {max} ---\n{}",
                        n.dir.display(),
                        s.0,
                        n.log_tail(60)
                    )
                })
                .collect();
            panic!(
                "the nodes did not settle: {seqs:?}\n{}\n{}",
                behind.join("\n"),
                nats.log_tails(15)
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The node ids in an export.
pub fn ids_in(export: &str) -> HashSet<String> {
    let v: Value = serde_json::from_str(export).unwrap();
    v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

/// (number, line) of each change set in `attache log --format jsonl`.
pub fn log_of(jsonl: &str) -> Vec<(u64, String)> {
    jsonl
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["seq"].as_u64().unwrap(), l.to_owned())
        })
        .collect()
}

/// Numbers one after another, up to `last`.
pub fn assert_contiguous(log: &[(u64, String)], last: u64) {
    for w in log.windows(2) {
        assert_eq!(
            w[1].0,
            w[0].0 + 1,
            "the log jumps from {} to {}",
            w[0].0,
            w[1].0
        );
    }
    assert_eq!(log.last().map(|l| l.0), Some(last));
}

/// Wherever two nodes both have change set n, it is the same.
pub fn assert_same_where_overlapping(logs: &[Vec<(u64, String)>]) {
    let first: HashMap<u64, &String> = logs[0].iter().map(|(s, l)| (*s, l)).collect();
    for log in &logs[1..] {
        for (s, l) in log {
            if let Some(f) = first.get(s) {
                assert_eq!(*f, l, "change set {s} differs between nodes");
            }
        }
    }
}
