//! A real server on an ephemeral port with a temporary store, and a small
//! GraphQL client, shared by the black-box tests.
#![allow(dead_code)]

pub mod dashboard;
pub mod load;
pub mod prom;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use attache::service::Service;

/// The bearer token every test server accepts; the client sends it.
pub const TOKEN: &str = "test-token-0123456789";

pub struct TestServer {
    pub url: String,
    pub dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    client: reqwest::Client,
}

impl TestServer {
    /// A server over a new temporary store, loaded with the seed data.
    pub async fn seeded() -> TestServer {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_owned();
        let mut s = Self::start_at(&dir, true).await;
        s._tmp = Some(tmp);
        s
    }

    /// A server over a new, empty temporary store.
    pub async fn empty() -> TestServer {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_owned();
        let mut s = Self::start_at(&dir, false).await;
        s._tmp = Some(tmp);
        s
    }

    /// A server over a new temporary store with the seed data and these options.
    pub async fn with_options(options: attache::http::Options) -> TestServer {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_owned();
        let mut s = Self::start_with(&dir, true, options).await;
        s._tmp = Some(tmp);
        s
    }

    /// A server over the store in `dir` (which the caller keeps alive).
    pub async fn start_at(dir: &Path, seed: bool) -> TestServer {
        let options = attache::http::Options {
            auth: attache::http::Auth::new([TOKEN.to_owned()], false, false),
            ..Default::default()
        };
        Self::start_with(dir, seed, options).await
    }

    pub async fn start_with(dir: &Path, seed: bool, options: attache::http::Options) -> TestServer {
        let service = Service::open_async(
            dir,
            attache::store::CACHE_BYTES,
            attache::model::SizeLimits::default(),
        )
        .await
        .expect("open store");
        if seed {
            attache::import::seed_if_new(&service).await.expect("seed");
        }
        Self::serve(service, dir, options).await
    }

    /// A server over an open `service` whose store is in `dir`.
    pub async fn serve(
        service: Service,
        dir: &Path,
        options: attache::http::Options,
    ) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(attache::http::run(listener, service, options, async {
            let _ = rx.await;
        }));
        TestServer {
            url,
            dir: dir.to_owned(),
            _tmp: None,
            stop: Some(tx),
            task: Some(task),
            client: reqwest::Client::builder()
                .default_headers(
                    [(
                        reqwest::header::AUTHORIZATION,
                        format!("Bearer {TOKEN}").parse().unwrap(),
                    )]
                    .into_iter()
                    .collect(),
                )
                .build()
                .unwrap(),
        }
    }

    /// Shuts down gracefully (store flushed and released) and starts again on
    /// the same store.
    pub async fn restart(mut self) -> TestServer {
        let tmp = self._tmp.take();
        self.shutdown().await;
        let mut s = Self::start_at(&self.dir, false).await;
        s._tmp = tmp;
        s
    }

    pub async fn shutdown(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.unwrap().unwrap();
        }
    }

    /// POSTs a query; returns the whole response body.
    pub async fn gql_raw(&self, query: &str, variables: Value) -> Value {
        self.client
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// POSTs a query that must succeed; returns `data`.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        let body = self.gql_raw(query, variables).await;
        assert!(body.get("errors").is_none(), "errors: {body:#}");
        body["data"].clone()
    }

    /// POSTs a query that must fail; returns the first error.
    pub async fn gql_err(&self, query: &str, variables: Value) -> Value {
        let body = self.gql_raw(query, variables).await;
        body["errors"][0].clone()
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

/// The names in a list of objects with a `name` (or nested `person.name`).
pub fn names(list: &Value, path: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let mut v = v;
            for p in path {
                v = &v[*p];
            }
            v.as_str().unwrap_or("").to_owned()
        })
        .collect();
    out.sort();
    out
}

/// The real `attache` binary serving `data` on a free loopback port with
/// writes open (loopback only), for tests that kill it or run the CLI beside it.
pub struct BinaryServer {
    pub child: std::process::Child,
    pub url: String,
}

pub fn serve_binary(data: &Path) -> BinaryServer {
    serve_binary_with(data, &[])
}

/// [`serve_binary`] with these environment variables set (settings by their
/// `ATTACHE_…` names).
pub fn serve_binary_with(data: &Path, envs: &[(&str, &str)]) -> BinaryServer {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(data)
        .args(["serve", "--listen", "127.0.0.1:0", "--open-writes"])
        .envs(envs.iter().copied())
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("server printed its address").unwrap();
        if let Some(rest) = line.split("at http://").nth(1) {
            break format!("http://{}", rest.split('/').next().unwrap());
        }
    };
    std::thread::spawn(move || for _ in lines {});
    BinaryServer { child, url }
}

/// Runs the `attache` binary on the store in `data` and waits for it.
pub fn attache(data: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

/// Bytes of a process's output as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// 600 people over 120 meetings of ten: betweenness takes far longer than a millisecond.
pub fn crowd() -> String {
    let mut nodes = vec![json!({ "id": "source:gen", "name": "G" })];
    let mut rels = Vec::new();
    for p in 0..600 {
        nodes.push(json!({ "id": format!("person:p{p}"), "name": format!("P{p}"), "citations": [{ "source": "source:gen" }] }));
    }
    for m in 0..120usize {
        nodes.push(json!({ "id": format!("meeting:m{m}"), "name": "M", "start": "2020", "citations": [{ "source": "source:gen" }] }));
        for k in 0..10usize {
            let p = (m * 7 + k * 61) % 600;
            rels.push(json!({ "id": format!("rel:m{m}-{k}"), "kind": "attended", "from": format!("person:p{p}"), "to": format!("meeting:m{m}") }));
        }
    }
    json!({ "format": "attache/1", "nodes": nodes, "relations": rels }).to_string()
}
