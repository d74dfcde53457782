//! Soak: many concurrent clients against the real `attache` binary for a
//! while, then a report and a clean stop.
//!
//! `cargo bench --bench soak -- --seconds 120 --clients 32` (or
//! `scripts/soak.sh [SECONDS] [CLIENTS]`):
//!
//! 1. starts the server binary (`ATTACHE_BIN`, else the one Cargo built
//!    next to this bench) on a fresh temporary store, loopback, port 0, with
//!    a bearer token;
//! 2. runs CLIENTS concurrent clients for SECONDS, each a loop of requests
//!    drawn ~80% reads (the 20th meeting with its attendances; search by
//!    spelling variants; `person.metWith`; `meetings` with date and state
//!    filters; `connection` between two people) and ~20% writes
//!    (`createPerson` then `link` ATTENDED; `updatePerson`; `import` of a
//!    one-person document; `deleteNode` of a person the client created).
//!    Each client keeps at most `MAX_LIVE` people of its own alive, deleting
//!    the oldest first, so the graph stays bounded however long it runs;
//! 3. prints total requests, throughput, latency percentiles overall, per
//!    class (read/write) and per operation, and errors by kind;
//! 4. checks `/health`, stops the server with SIGTERM (it must exit 0), and
//!    runs `attache check` on the store, which must pass.
//!
//! Exits non-zero if any request failed or any of the checks in 4 failed.
//!
//! Run without `--bench` (as `cargo test --all-targets` does for a
//! `harness = false` bench), it does a smoke run of 2 s with 4 clients.
//! Options: `--seconds S`, `--clients N`, `--keep` (keep the store);
//! environment: `SOAK_SECONDS`, `SOAK_CLIENTS`, `ATTACHE_BIN`.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TOKEN: &str = "soak-token";
/// People a client keeps alive before it deletes its oldest.
const MAX_LIVE: usize = 8;
const MEETING: &str = "meeting:sco-prosecutors-general-20";

// ---------------------------------------------------------------- options

struct Options {
    seconds: f64,
    clients: usize,
    smoke: bool,
    keep: bool,
    bin: PathBuf,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let smoke = !args.iter().any(|a| a == "--bench");
    let env_num = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f64>().ok());
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<f64>().ok())
    };
    let (default_secs, default_clients) = if smoke { (2.0, 4.0) } else { (120.0, 32.0) };
    let seconds = flag("--seconds")
        .or_else(|| env_num("SOAK_SECONDS"))
        .unwrap_or(default_secs);
    let clients = flag("--clients")
        .or_else(|| env_num("SOAK_CLIENTS"))
        .unwrap_or(default_clients) as usize;
    let bin = std::env::var_os("ATTACHE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_attache")));
    Options {
        seconds: seconds.max(0.5),
        clients: clients.max(1),
        smoke,
        keep: args.iter().any(|a| a == "--keep"),
        bin,
    }
}

// ---------------------------------------------------------------- server

struct Server {
    child: Child,
    url: String,
    /// The server's stderr lines after the address line.
    log: Arc<Mutex<Vec<String>>>,
}

fn start_server(bin: &Path, data: &Path) -> Server {
    let mut child = Command::new(bin)
        .arg("--data")
        .arg(data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("ATTACHE_TOKENS", TOKEN)
        .env("RUST_LOG", "warn")
        .env_remove("ATTACHE_OPEN_WRITES")
        .env_remove("ATTACHE_READS_NEED_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut early = Vec::new();
    let url = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(rest) = line.split("at http://").nth(1) {
                    break format!("http://{}", rest.split('/').next().unwrap_or_default());
                }
                early.push(line);
            }
            _ => panic!(
                "the server exited before printing its address:\n{}",
                early.join("\n")
            ),
        }
    };
    let log = Arc::new(Mutex::new(early));
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    Server { child, url, log }
}

/// SIGTERM, then wait up to 30 s for the exit.
fn stop_server(server: &mut Server) -> Result<(ExitStatus, Duration), String> {
    let t = Instant::now();
    let sent = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .map_err(|e| format!("cannot run kill: {e}"))?;
    if !sent.success() {
        return Err("kill -TERM failed".into());
    }
    while t.elapsed() < Duration::from_secs(30) {
        if let Some(status) = server.child.try_wait().map_err(|e| e.to_string())? {
            return Ok((status, t.elapsed()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = server.child.kill();
    let _ = server.child.wait();
    Err("the server did not exit within 30 s of SIGTERM (killed)".into())
}

/// The server's resident and peak resident memory in KiB (Linux only).
fn memory_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

// ---------------------------------------------------------------- workload

/// Knuth's MMIX LCG; the high bits are good enough for picking.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next() as usize % items.len()]
    }
}

const Q_MEETING: &str = "query($id: ID!) { meeting(id: $id) { name startDate { text precision } \
    place { name } chair { name } attendances { person { id name } mode role capacity { title } \
    capacityStatus onBehalfOf { name } citations { source { title } locator } } conflicts { id } } }";
const Q_SEARCH: &str =
    "query($t: String!) { search(text: $t, kinds: [PERSON]) { matched score node { id name } } }";
const Q_METWITH: &str = "query($id: ID!) { person(id: $id) { name metWith(first: 10) { totalCount \
    edges { node { count person { id name } firstDate { text } lastDate { text } meetings { id } } } } } }";
const Q_MEETINGS: &str = "query($from: String, $to: String, $state: ID) { meetings(from: $from, to: $to, state: $state, first: 5) { \
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name startDate { text precision } } } } }";
const Q_CONNECTION: &str =
    "query($a: ID!, $b: ID!) { connection(from: $a, to: $b, maxDepth: 4, first: 3) { \
    length nodes { id name } relations { id kind } } }";
const M_CREATE: &str = "mutation($input: PersonInput!) { createPerson(input: $input) { id name } }";
const M_LINK: &str = "mutation($input: RelationInput!) { link(input: $input) { id kind } }";
const M_UPDATE: &str = "mutation($id: ID!, $patch: PersonInput!) { updatePerson(id: $id, input: $patch) { id description } }";
const M_IMPORT: &str =
    "mutation($d: String!) { import(document: $d, name: \"soak\") { records created updated } }";
const M_DELETE: &str = "mutation($id: ID!) { deleteNode(id: $id, cascade: true) { id removed } }";

const SPELLINGS: &[&str] = &[
    "Assylov",
    "Asylov B.N.",
    "别热克·阿斯洛夫",
    "Asilov",
    "asylov",
    "Krasnov",
    "Zhang",
    "Mehta",
    "Nurdauletov",
    "Daurenbekov",
    "Kasuri",
    "Zulushev",
];
const PEOPLE: &[&str] = &[
    "person:berik-asylov",
    "person:igor-krasnov",
    "person:zhang-jun",
    "person:tushar-mehta",
    "person:gizat-nurdauletov",
    "person:anju-rathi-rana",
];
const MEETING_FILTERS: &[(Option<&str>, Option<&str>, Option<&str>)] = &[
    (Some("2022-09"), Some("2022-09"), None),
    (Some("2022"), None, None),
    (None, None, Some("state:kz")),
    (Some("2022-09-20"), Some("2022-09-30"), Some("state:in")),
    (None, None, None),
];

/// Per-operation results of one client, merged at the end.
#[derive(Default)]
struct Stats {
    /// Latencies in microseconds, by operation.
    latencies: BTreeMap<&'static str, Vec<u32>>,
    /// Failed requests by operation and kind of error.
    errors: BTreeMap<(&'static str, String), u64>,
    /// One example response per error kind.
    examples: BTreeMap<String, String>,
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        for (k, mut v) in other.latencies {
            self.latencies.entry(k).or_default().append(&mut v);
        }
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
        for (k, v) in other.examples {
            self.examples.entry(k).or_insert(v);
        }
    }
}

struct Client {
    http: reqwest::Client,
    url: String,
    stats: Stats,
}

impl Client {
    /// Sends one GraphQL request and records its latency, or its failure.
    /// Returns `data` when there were no errors.
    async fn gql(&mut self, op: &'static str, query: &str, variables: Value) -> Option<Value> {
        let t = Instant::now();
        let res = self
            .http
            .post(&self.url)
            .header("authorization", format!("Bearer {TOKEN}"))
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await;
        let outcome: Result<Value, (String, String)> = match res {
            Err(e) => Err((
                if e.is_timeout() {
                    "timeout"
                } else {
                    "transport"
                }
                .to_owned(),
                e.to_string(),
            )),
            Ok(r) => {
                let status = r.status();
                match r.bytes().await {
                    Err(e) => Err(("transport".to_owned(), e.to_string())),
                    Ok(body) => match serde_json::from_slice::<Value>(&body) {
                        _ if !status.is_success() => Err((
                            format!("http-{}", status.as_u16()),
                            String::from_utf8_lossy(&body).into_owned(),
                        )),
                        Err(_) => Err((
                            "bad-body".to_owned(),
                            String::from_utf8_lossy(&body).into_owned(),
                        )),
                        Ok(v) => match v.get("errors") {
                            Some(errs) => {
                                let code = errs[0]["extensions"]["code"]
                                    .as_str()
                                    .unwrap_or("uncoded")
                                    .to_owned();
                                Err((format!("graphql-{code}"), v.to_string()))
                            }
                            None => Ok(v["data"].clone()),
                        },
                    },
                }
            }
        };
        let micros = t.elapsed().as_micros().min(u32::MAX as u128) as u32;
        match outcome {
            Ok(data) => {
                self.stats.latencies.entry(op).or_default().push(micros);
                Some(data)
            }
            Err((kind, detail)) => {
                let mut example = detail;
                example.truncate(500);
                self.stats
                    .examples
                    .entry(format!("{op} {kind}"))
                    .or_insert(example);
                *self.stats.errors.entry((op, kind)).or_default() += 1;
                None
            }
        }
    }
}

fn person_input(id: &str, n: u64) -> Value {
    json!({
        "id": id,
        "name": format!("Soak Person {n}"),
        "aliases": [{ "text": format!("S. P. {n}"), "lang": "en", "kind": "INITIALS" }],
        "citations": [{ "source": "source:background" }],
    })
}

fn import_doc(id: &str, slug: &str) -> String {
    json!({
        "format": "attache/1",
        "nodes": [{ "id": id, "name": format!("Imported {slug}"), "citations": [{ "source": "source:background" }] }],
        "relations": [{ "id": format!("rel:{slug}-attended"), "kind": "attended", "from": id,
                        "to": MEETING, "mode": "in_person", "citations": [{ "source": "source:background" }] }]
    })
    .to_string()
}

async fn client_loop(c: usize, url: String, http: reqwest::Client, deadline: Instant) -> Stats {
    let mut client = Client {
        http,
        url: format!("{url}/graphql"),
        stats: Stats::default(),
    };
    let mut rng = Lcg(0x5eed ^ (c as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let mut live: VecDeque<String> = VecDeque::new();
    let mut n: u64 = 0;
    while Instant::now() < deadline {
        n += 1;
        let roll = rng.next() % 100;
        // Writes: keep the number of live people bounded; create when there
        // is nothing to update or delete.
        let roll = match roll {
            86..=90 | 95..=99 if live.is_empty() => 80,
            _ if live.len() >= MAX_LIVE && roll >= 80 => 95,
            r => r,
        };
        match roll {
            0..=19 => {
                client
                    .gql("read:meeting", Q_MEETING, json!({ "id": MEETING }))
                    .await;
            }
            20..=39 => {
                let t = *rng.pick(SPELLINGS);
                client.gql("read:search", Q_SEARCH, json!({ "t": t })).await;
            }
            40..=54 => {
                let id = *rng.pick(PEOPLE);
                client
                    .gql("read:metWith", Q_METWITH, json!({ "id": id }))
                    .await;
            }
            55..=69 => {
                let (from, to, state) = *rng.pick(MEETING_FILTERS);
                client
                    .gql(
                        "read:meetings",
                        Q_MEETINGS,
                        json!({ "from": from, "to": to, "state": state }),
                    )
                    .await;
            }
            70..=79 => {
                let a = *rng.pick(PEOPLE);
                let b = *rng.pick(&PEOPLE[1..]);
                let b = if a == b { PEOPLE[0] } else { b };
                client
                    .gql("read:connection", Q_CONNECTION, json!({ "a": a, "b": b }))
                    .await;
            }
            80..=85 => {
                let id = format!("person:soak-c{c}-n{n}");
                if client
                    .gql(
                        "write:createPerson",
                        M_CREATE,
                        json!({ "input": person_input(&id, n) }),
                    )
                    .await
                    .is_some()
                {
                    live.push_back(id.clone());
                    let mode = *rng.pick(&["ONLINE", "IN_PERSON", "UNKNOWN"]);
                    client
                        .gql(
                            "write:link",
                            M_LINK,
                            json!({ "input": {
                                "kind": "ATTENDED", "from": id, "to": MEETING, "mode": mode,
                                "onBehalfOf": "state:kz",
                                "citations": [{ "source": "source:background", "locator": format!("soak {n}") }]
                            } }),
                        )
                        .await;
                }
            }
            86..=90 => {
                let id = live[rng.next() as usize % live.len()].clone();
                client
                    .gql(
                        "write:updatePerson",
                        M_UPDATE,
                        json!({ "id": id, "patch": { "description": format!("updated by client {c} at step {n}") } }),
                    )
                    .await;
            }
            91..=94 => {
                let slug = format!("soak-c{c}-i{n}");
                let id = format!("person:{slug}");
                if client
                    .gql(
                        "write:import",
                        M_IMPORT,
                        json!({ "d": import_doc(&id, &slug) }),
                    )
                    .await
                    .is_some()
                {
                    live.push_back(id);
                }
            }
            _ => {
                let id = live.pop_front().expect("live is not empty");
                client
                    .gql("write:deleteNode", M_DELETE, json!({ "id": id }))
                    .await;
            }
        }
    }
    client.stats
}

// ---------------------------------------------------------------- report

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

fn row(name: &str, lat: &mut [u32], errors: u64, secs: f64) -> String {
    lat.sort_unstable();
    format!(
        "  {name:<22} {:>9} {:>9.1} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>7}",
        lat.len() as u64 + errors,
        (lat.len() as u64 + errors) as f64 / secs,
        percentile(lat, 50.0),
        percentile(lat, 90.0),
        percentile(lat, 99.0),
        lat.last().copied().unwrap_or(0) as f64 / 1000.0,
        errors
    )
}

/// RSS at each tenth of the run, and how much it grew over the second half
/// (flat memory under a bounded workload shows as ~0 there).
fn print_memory_curve(samples: &[(f64, u64)]) {
    if samples.len() < 4 {
        return;
    }
    let mib = |k: u64| k as f64 / 1024.0;
    let points: Vec<String> = (0..=10)
        .map(|i| {
            let (t, k) = samples[(samples.len() - 1) * i / 10];
            format!("{t:.0}s {:.1}", mib(k))
        })
        .collect();
    println!("server RSS over the run (MiB): {}", points.join(" | "));
    let half = &samples[samples.len() / 2..];
    let (first, last) = (half[0], half[half.len() - 1]);
    let max = half.iter().map(|s| s.1).max().unwrap_or(0);
    println!(
        "server RSS over the second half ({:.0}s → {:.0}s): {:.1} → {:.1} MiB ({:+.1} MiB), max {:.1} MiB",
        first.0,
        last.0,
        mib(first.1),
        mib(last.1),
        mib(last.1) - mib(first.1),
        mib(max)
    );
}

/// Total size of the files under `dir`.
fn dir_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| match e.file_type() {
                    Ok(t) if t.is_dir() => dir_bytes(&e.path()),
                    _ => e.metadata().map(|m| m.len()).unwrap_or(0),
                })
                .sum()
        })
        .unwrap_or(0)
}

fn main() {
    let opts = options();
    if opts.smoke {
        println!(
            "soak: smoke run ({} s, {} clients); `cargo bench --bench soak` or scripts/soak.sh for the soak",
            opts.seconds, opts.clients
        );
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path().join("store");
    let mut server = start_server(&opts.bin, &data);
    println!(
        "soak: {} s, {} clients against {} ({}), store {}",
        opts.seconds,
        opts.clients,
        server.url,
        opts.bin.display(),
        data.display()
    );

    let pid = server.child.id();
    let rss_start = memory_kib(pid);
    // The server's memory, sampled every second through the run.
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        std::thread::spawn(move || {
            let start = Instant::now();
            let mut samples = Vec::new();
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some((rss, _)) = memory_kib(pid) {
                    samples.push((start.elapsed().as_secs_f64(), rss));
                }
                std::thread::sleep(Duration::from_secs(1));
            }
            samples
        })
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let url = server.url.clone();
    let (stats, elapsed, health) = rt.block_on(async move {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(opts.clients)
            .build()
            .expect("client");
        let start = Instant::now();
        let deadline = start + Duration::from_secs_f64(opts.seconds);
        let tasks: Vec<_> = (0..opts.clients)
            .map(|c| tokio::spawn(client_loop(c, url.clone(), http.clone(), deadline)))
            .collect();
        let mut stats = Stats::default();
        for t in tasks {
            match t.await {
                Ok(s) => stats.merge(s),
                Err(e) => {
                    *stats
                        .errors
                        .entry(("client", "panic".to_owned()))
                        .or_default() += 1;
                    stats.examples.insert("client panic".into(), e.to_string());
                }
            }
        }
        let elapsed = start.elapsed();
        let health = match http.get(format!("{url}/health")).send().await {
            Ok(r) if r.status().is_success() => r.text().await.map_err(|e| e.to_string()),
            Ok(r) => Err(format!("HTTP {}", r.status())),
            Err(e) => Err(e.to_string()),
        };
        (stats, elapsed, health)
    });
    let secs = elapsed.as_secs_f64();

    // ------------------------------------------------------------ print
    let mut all: Vec<u32> = Vec::new();
    let mut by_class: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    let mut err_by_op: BTreeMap<&str, u64> = BTreeMap::new();
    let mut err_by_class: BTreeMap<&str, u64> = BTreeMap::new();
    for ((op, _), n) in &stats.errors {
        *err_by_op.entry(*op).or_default() += n;
        *err_by_class
            .entry(op.split(':').next().unwrap_or(op))
            .or_default() += n;
    }
    for (op, lat) in &stats.latencies {
        all.extend_from_slice(lat);
        by_class
            .entry(op.split(':').next().unwrap_or(op))
            .or_default()
            .extend_from_slice(lat);
    }
    let total_errors: u64 = stats.errors.values().sum();
    let total = all.len() as u64 + total_errors;
    println!();
    println!(
        "total requests: {total} in {secs:.1} s; throughput {:.1} req/s; errors {total_errors}",
        total as f64 / secs
    );
    println!(
        "  {:<22} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "latency (ms)", "requests", "req/s", "p50", "p90", "p99", "max", "errors"
    );
    println!("{}", row("all", &mut all, total_errors, secs));
    for class in ["read", "write"] {
        let mut lat = by_class.remove(class).unwrap_or_default();
        let errs = err_by_class.get(class).copied().unwrap_or(0);
        println!("{}", row(class, &mut lat, errs, secs));
    }
    let mut ops: Vec<&'static str> = stats.latencies.keys().copied().collect();
    ops.extend(err_by_op.keys().copied());
    ops.sort_unstable();
    ops.dedup();
    for op in ops {
        let mut lat = stats.latencies.get(op).cloned().unwrap_or_default();
        let errs = err_by_op.get(op).copied().unwrap_or(0);
        println!("{}", row(&format!("  {op}"), &mut lat, errs, secs));
    }
    if stats.errors.is_empty() {
        println!("errors by kind: none");
    } else {
        println!("errors by kind:");
        for ((op, kind), n) in &stats.errors {
            println!("  {op} {kind}: {n}");
            if let Some(ex) = stats.examples.get(&format!("{op} {kind}")) {
                println!("    e.g. {ex}");
            }
        }
    }

    if let (Some((start, _)), Some((end, peak))) = (rss_start, memory_kib(pid)) {
        println!(
            "server memory: RSS {:.1} MiB at start, {:.1} MiB at the end, peak {:.1} MiB",
            start as f64 / 1024.0,
            end as f64 / 1024.0,
            peak as f64 / 1024.0
        );
    }
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let samples = sampler.join().unwrap_or_default();
    print_memory_curve(&samples);
    println!(
        "store on disk at the end: {:.1} MiB",
        dir_bytes(&data) as f64 / 1048576.0
    );
    let mut ok = total_errors == 0 && total > 0;
    match &health {
        Ok(body) => println!("server healthy after the run: yes ({body})"),
        Err(e) => {
            ok = false;
            println!("server healthy after the run: NO ({e})");
        }
    }
    match stop_server(&mut server) {
        Ok((status, took)) if status.success() => println!(
            "server stopped on SIGTERM: exit 0 after {:.0} ms",
            took.as_secs_f64() * 1000.0
        ),
        Ok((status, _)) => {
            ok = false;
            println!("server stopped on SIGTERM: FAILED ({status})");
        }
        Err(e) => {
            ok = false;
            println!("server stopped on SIGTERM: FAILED ({e})");
        }
    }
    let bad_log: Vec<String> = server
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains("ERROR") || l.contains("panicked"))
        .cloned()
        .collect();
    if bad_log.is_empty() {
        println!("server log: no errors or panics");
    } else {
        ok = false;
        println!("server log: {} error/panic lines, first:", bad_log.len());
        for l in bad_log.iter().take(5) {
            println!("  {l}");
        }
    }
    let check = Command::new(&opts.bin)
        .arg("--data")
        .arg(&data)
        .arg("check")
        .env("RUST_LOG", "error")
        .output()
        .expect("run attache check");
    let out = String::from_utf8_lossy(&check.stdout);
    let err = String::from_utf8_lossy(&check.stderr);
    if check.status.success() {
        println!("attache check: passed: {}", out.trim());
    } else {
        ok = false;
        println!("attache check: FAILED: {}{}", out.trim(), err.trim());
    }
    if opts.keep {
        let kept = dir.keep();
        println!("store kept at {}", kept.join("store").display());
    }
    println!("soak: {}", if ok { "PASS" } else { "FAIL" });
    if !ok {
        std::process::exit(1);
    }
}
