//! The cluster test's machinery: NATS servers (a JetStream cluster on
//! loopback ports) and Attaché nodes as real processes that can be killed
//! with SIGKILL and started again on the same directories, plus a small
//! HTTP client that reads the applied sequence of every answer.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// A port nobody listens on right now, and never handed out before in this
/// process: the kernel may give the same free port to two binds in a row
/// (once a NATS server's client port was another's route port, and the
/// cluster never formed).
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<std::collections::BTreeSet<u16>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if GIVEN.lock().unwrap().insert(port) {
            return port;
        }
    }
}

/// Three (or more) NATS servers forming one JetStream cluster.
pub struct Nats {
    pub procs: Vec<Option<Child>>,
    pub client_ports: Vec<u16>,
    configs: Vec<PathBuf>,
}

impl Nats {
    pub fn start(dir: &Path, n: usize) -> Nats {
        let client_ports: Vec<u16> = (0..n).map(|_| free_port()).collect();
        let route_ports: Vec<u16> = (0..n).map(|_| free_port()).collect();
        let routes: Vec<String> = route_ports
            .iter()
            .map(|p| format!("nats-route://127.0.0.1:{p}"))
            .collect();
        let mut configs = Vec::new();
        for i in 0..n {
            let store = dir.join(format!("nats-{i}"));
            std::fs::create_dir_all(&store).unwrap();
            let conf = format!(
                "server_name: n{i}\nlisten: 127.0.0.1:{}\njetstream {{ store_dir: \"{}\" }}\n\
                 cluster {{ name: attache-test\n listen: 127.0.0.1:{}\n routes: [{}] }}\n",
                client_ports[i],
                store.display(),
                route_ports[i],
                routes.join(", ")
            );
            let path = dir.join(format!("nats-{i}.conf"));
            std::fs::write(&path, conf).unwrap();
            configs.push(path);
        }
        let mut nats = Nats {
            procs: (0..n).map(|_| None).collect(),
            client_ports,
            configs,
        };
        for i in 0..n {
            nats.restart(i);
        }
        nats
    }

    /// `nats://…` for every server, comma-separated.
    pub fn urls(&self) -> String {
        self.client_ports
            .iter()
            .map(|p| format!("nats://127.0.0.1:{p}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Where server `i` logs.
    pub fn log_path(&self, i: usize) -> PathBuf {
        self.configs[i].with_extension("log")
    }

    /// The last `n` lines each server logged, for a failure message.
    pub fn log_tails(&self, n: usize) -> String {
        (0..self.configs.len())
            .map(|i| format!("--- NATS server n{i} ---\n{}", tail(&self.log_path(i), n)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// kill -9.
    pub fn kill(&mut self, i: usize) {
        if let Some(mut c) = self.procs[i].take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
    }

    pub fn restart(&mut self, i: usize) {
        // Kept beside its config, appended to across restarts.
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path(i))
            .unwrap();
        let child = Command::new(nats_server())
            .arg("-c")
            .arg(&self.configs[i])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("nats-server runs (scripts/cluster-test.sh installs it)");
        self.procs[i] = Some(child);
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        for i in 0..self.procs.len() {
            self.kill(i);
        }
    }
}

fn nats_server() -> String {
    for p in ["/usr/sbin/nats-server", "/usr/bin/nats-server"] {
        if Path::new(p).exists() {
            return p.into();
        }
    }
    "nats-server".into()
}

/// An Attaché node: `attache serve --cluster …` as a child process.
pub struct Node {
    pub child: Option<Child>,
    pub url: String,
    pub dir: PathBuf,
    env: Vec<(String, String)>,
}

impl Node {
    /// Starts a node on `dir` with these `ATTACHE_…` settings; returns once
    /// it serves (it has caught up with the stream as it was at start).
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> Node {
        let mut node = Node {
            child: None,
            url: String::new(),
            dir: dir.to_owned(),
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        };
        node.restart();
        node
    }

    /// Where the node logs (every start appends).
    pub fn log_path(&self) -> PathBuf {
        self.dir.with_extension("log")
    }

    /// The last `n` lines the node logged, for a failure message.
    pub fn log_tail(&self, n: usize) -> String {
        tail(&self.log_path(), n)
    }

    pub fn restart(&mut self) {
        std::fs::create_dir_all(&self.dir).unwrap();
        let log_path = self.log_path();
        let mut child = Command::new(env!("CARGO_BIN_EXE_attache"))
            .arg("--data")
            .arg(&self.dir)
            .args(["serve", "--listen", "127.0.0.1:0", "--open-writes"])
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            // The cluster's own lines (consumer restarts, snapshots, trims)
            // are what a failure needs.
            .env("RUST_LOG", "warn,attache::cluster=info,attache::audit=off")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .unwrap();
        let url = loop {
            let Some(Ok(line)) = lines.next() else {
                panic!(
                    "node on {} stopped before serving: {}",
                    self.dir.display(),
                    std::fs::read_to_string(&log_path).unwrap_or_default()
                );
            };
            let _ = writeln!(log, "{line}");
            if let Some(rest) = line.split("at http://").nth(1) {
                break format!("http://{}", rest.split('/').next().unwrap());
            }
        };
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let _ = writeln!(log, "{line}");
            }
        });
        self.url = url;
        self.child = Some(child);
    }

    /// kill -9.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
    }

    /// SIGSTOP: the process stays, frozen, connections open, until [`Node::resume`].
    pub fn pause(&self) {
        if let Some(c) = &self.child {
            unsafe {
                libc::kill(c.id() as i32, libc::SIGSTOP);
            }
        }
    }

    /// SIGCONT.
    pub fn resume(&self) {
        if let Some(c) = &self.child {
            unsafe {
                libc::kill(c.id() as i32, libc::SIGCONT);
            }
        }
    }

    /// SIGTERM, and waits for the store to be flushed and closed.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            unsafe {
                libc::kill(c.id() as i32, libc::SIGTERM);
            }
            c.wait().unwrap();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The last `n` lines of the file at `path` (empty when it is missing).
pub fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// One GraphQL answer: HTTP status, body, and the applied sequence header.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub applied: Option<u64>,
}

pub async fn gql(
    client: &reqwest::Client,
    url: &str,
    query: &str,
    variables: Value,
    min_seq: Option<u64>,
) -> Result<Answer, reqwest::Error> {
    let mut req = client
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(s) = min_seq {
        req = req.header("x-attache-min-seq", s.to_string());
    }
    let res = req.send().await?;
    let status = res.status().as_u16();
    let applied = res
        .headers()
        .get("x-attache-applied-seq")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = res.json().await.unwrap_or(Value::Null);
    Ok(Answer {
        status,
        body,
        applied,
    })
}

/// `/health` of a node, if it answers.
pub async fn health(client: &reqwest::Client, url: &str) -> Option<Value> {
    let res = client.get(format!("{url}/health")).send().await.ok()?;
    res.json().await.ok()
}

/// Waits until `/ready` answers 200; how long that took.
pub async fn wait_ready(client: &reqwest::Client, url: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Ok(r) = client.get(format!("{url}/ready")).send().await {
            if r.status().as_u16() == 200 {
                return start.elapsed();
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{url} was not ready within {limit:?}");
}

/// Runs the `attache` binary on a stopped node's store.
pub fn attache(data: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "attache {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The p-th percentile (0–100) of `v`, sorted here.
pub fn percentile(v: &mut [Duration], p: usize) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort_unstable();
    v[((v.len() - 1) * p) / 100]
}
