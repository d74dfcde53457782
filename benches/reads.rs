//! Reads under load: requests per second at 8 concurrent clients for a
//! Q1-like lookup (an official, the offices held and each office's state),
//! against two ceilings measured in the same run — a bare axum +
//! async-graphql server answering `{ __typename }` (the stack's ceiling) and
//! Attaché's own server answering `{ __typename }` — and the same lookup
//! with the document caches off (every request parsed and validated), so the
//! caches' effect reads off one run. The lookup runs two ways: a different
//! official each request (only the parse is saved), and the same official
//! every time, as a polling dashboard asks (the validation is saved too).
//!
//! `cargo bench --bench reads` (release; without `--bench`, as `cargo test
//! --all-targets` runs it, a small smoke run). Environment: `READS_PEOPLE`
//! (9000), `READS_SECONDS` per series (5), `READS_CLIENTS` (8). Servers and
//! clients share this process and the machine's cores, as in issue 12's
//! measurements; asserts nothing about time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};
use attache::http::{Limits, Options};
use attache::service::Service;
use serde_json::{json, Value};

fn bench() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn env(name: &str, default: f64, smoke: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if bench() { default } else { smoke })
}

/// States, offices (each of a state's jurisdiction), and people holding two
/// offices each: one ended, one current.
fn document(people: usize) -> String {
    let (states, offices) = (30, (people / 5).max(10));
    let cite = json!([{ "source": "source:gen" }]);
    let mut nodes = vec![json!({ "id": "source:gen", "name": "Generated" })];
    let mut relations = Vec::new();
    for s in 0..states {
        nodes.push(
            json!({ "id": format!("state:s{s}"), "name": format!("State {s}"), "citations": cite }),
        );
    }
    for o in 0..offices {
        nodes.push(json!({ "id": format!("office:o{o}"), "name": format!("Minister {o}"), "citations": cite }));
        relations.push(json!({
            "id": format!("rel:o{o}-jurisdiction"), "kind": "jurisdiction",
            "from": format!("office:o{o}"), "to": format!("state:s{}", o % states),
        }));
    }
    for p in 0..people {
        nodes.push(json!({ "id": format!("person:p{p}"), "name": format!("Person {p}"), "citations": cite }));
        for (k, (start, end)) in [("2010-01-05", Some("2015-06-30")), ("2016-02-01", None)]
            .into_iter()
            .enumerate()
        {
            let mut r = json!({
                "id": format!("rel:p{p}-holds-{k}"), "kind": "holds",
                "from": format!("person:p{p}"), "to": format!("office:o{}", (p * 3 + k * 7) % offices),
                "start": start, "citations": cite,
            });
            if let Some(end) = end {
                r["end"] = json!(end);
            }
            relations.push(r);
        }
    }
    json!({ "format": "attache/1", "nodes": nodes, "relations": relations }).to_string()
}

const Q1: &str = "query Official($id: ID!) { person(id: $id) { id name \
    tenures { start { text } end { text } acting office { id name jurisdiction { id name } } } } }";
const TRIVIAL: &str = "{ __typename }";

struct Ceiling;

#[Object]
impl Ceiling {
    async fn ok(&self) -> bool {
        true
    }
}

/// The bare stack: axum + async-graphql-axum over a one-field schema.
async fn ceiling_server() -> String {
    let schema = Schema::build(Ceiling, EmptyMutation, EmptySubscription).finish();
    let app = axum::Router::new().route(
        "/graphql",
        axum::routing::post_service(async_graphql_axum::GraphQL::new(schema)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/graphql", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

async fn attache_server(service: &Service, document_cache: usize) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/graphql", listener.local_addr().unwrap());
    let options = Options {
        limits: Limits {
            document_cache,
            ..Limits::default()
        },
        ..Default::default()
    };
    tokio::spawn(attache::http::run(
        listener,
        service.clone(),
        options,
        std::future::pending(),
    ));
    url
}

/// Requests per second from `clients` clients sending `body(i)` for `secs`.
async fn rate(url: &str, clients: usize, secs: f64, body: fn(u64) -> Value) -> f64 {
    let client = reqwest::Client::new();
    let check = |v: &Value| assert!(v.get("errors").is_none() && v["data"].is_object(), "{v}");
    for i in 0..50 {
        let v: Value = client
            .post(url)
            .json(&body(i))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        check(&v);
    }
    let next = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (client, url, next) = (client.clone(), url.to_owned(), next.clone());
            tokio::spawn(async move {
                let mut done = 0u64;
                while Instant::now() < until {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let r = client.post(&url).json(&body(i)).send().await.unwrap();
                    let v: Value = r.json().await.unwrap();
                    assert!(v.get("errors").is_none(), "{v}");
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    total as f64 / start.elapsed().as_secs_f64()
}

fn q1(i: u64) -> Value {
    let people = env("READS_PEOPLE", 9_000.0, 300.0) as u64;
    json!({ "query": Q1, "variables": { "id": format!("person:p{}", (i * 7919) % people) } })
}

fn q1_same(_: u64) -> Value {
    json!({ "query": Q1, "variables": { "id": "person:p42" } })
}

fn trivial(_: u64) -> Value {
    json!({ "query": TRIVIAL })
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let people = env("READS_PEOPLE", 9_000.0, 300.0) as usize;
    let secs = env("READS_SECONDS", 5.0, 0.3);
    let clients = env("READS_CLIENTS", 8.0, 8.0) as usize;

    let tmp = tempfile::tempdir().unwrap();
    let service = Service::open(tmp.path()).unwrap();
    attache::import::import(&service, &[("gen".into(), document(people))], Vec::new())
        .await
        .unwrap();
    let g = service.graph();
    println!(
        "graph: {} nodes, {} relations; {clients} clients, {secs} s a series",
        g.node_count(),
        g.relation_count()
    );
    drop(g);

    let bare = ceiling_server().await;
    let cached = attache_server(&service, Limits::default().document_cache).await;
    let uncached = attache_server(&service, 0).await;

    // Twice round, so that drift weighs on every series alike.
    let mut sums = [0.0f64; 6];
    for _ in 0..2 {
        sums[0] += rate(&bare, clients, secs, trivial).await;
        sums[1] += rate(&cached, clients, secs, trivial).await;
        sums[2] += rate(&cached, clients, secs, q1).await;
        sums[3] += rate(&uncached, clients, secs, q1).await;
        sums[4] += rate(&cached, clients, secs, q1_same).await;
        sums[5] += rate(&uncached, clients, secs, q1_same).await;
    }
    let [ceiling, ours_trivial, q1_cached, q1_uncached, same_cached, same_uncached] =
        sums.map(|s| s / 2.0);
    let row = |label: &str, r: f64| {
        println!(
            "  {label:<44} {r:>8.0} req/s   {:.2}x the ceiling   {:.2}x Attaché's {{ __typename }}",
            r / ceiling,
            r / ours_trivial
        );
    };
    row("ceiling: axum + async-graphql { __typename }", ceiling);
    row("Attaché { __typename }", ours_trivial);
    row("Q1, another official each time, caches on", q1_cached);
    row("Q1, another official each time, caches off", q1_uncached);
    row("Q1, the same official, caches on", same_cached);
    row("Q1, the same official, caches off", same_uncached);
    println!(
        "  the caches: Q1 {:.2}x the rate without them (another official), {:.2}x (the same)",
        q1_cached / q1_uncached,
        same_cached / same_uncached
    );
}
