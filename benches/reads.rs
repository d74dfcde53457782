//! Reads under load (issue 12, rows Q1 and Q2): requests per second at 8
//! concurrent clients on the synthetic graph (`synth/`) for Q1 (an official,
//! the offices held and each office's state) and Q2 (a meeting, its
//! attendees and the office each attended in on its date), against two
//! ceilings measured in the same run — a bare axum + async-graphql server
//! answering `{ __typename }` (the stack's ceiling, the floor every ratio is
//! taken against) and Attaché's own server answering `{ __typename }` — and
//! the same lookups with the document caches off (every request parsed and
//! validated), so the caches' effect reads off one run. Each lookup runs
//! with another official or meeting each request (only the parse is
//! saved), and with the same one every time, as a polling dashboard asks
//! (the validation is saved too). A second floor is the bare stack again,
//! answering Q1's and Q2's shapes from answers held in memory (a typical
//! one of each, taken from Attaché's own): what async-graphql, axum and
//! hyper cost for these shapes, with nothing of Attaché's in it. The queries
//! are in `synth/reads.rs`; `tests/reads_reference.rs` checks their answers.
//!
//! `cargo bench --bench reads` (release; without `--bench`, as `cargo test
//! --all-targets` runs it, a small smoke run). Environment: `READS_SCALE`
//! (1: ~9,000 nodes, ~76,000 relations), `READS_SECONDS` per series (5),
//! `READS_CLIENTS` (8), `READS_ONLY` (a label's text: only those series). Servers and clients share this process and the
//! machine's cores, as in issue 12's measurements; asserts nothing about time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema, SimpleObject, ID};
use attache::http::{Limits, Options};
use attache::service::Service;
use serde_json::{json, Value};

#[path = "synth/reads.rs"]
mod reads;
#[path = "synth/mod.rs"]
mod synth;

fn bench() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn env(name: &str, default: f64, smoke: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if bench() { default } else { smoke })
}

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

#[derive(Clone, SimpleObject, serde::Deserialize)]
struct Text {
    text: String,
}

#[derive(Clone, SimpleObject, serde::Deserialize)]
struct Named {
    id: String,
    name: Option<String>,
}

#[derive(Clone, SimpleObject, serde::Deserialize)]
struct HeldOffice {
    id: String,
    name: Option<String>,
    jurisdiction: Option<Named>,
}

#[derive(Clone, SimpleObject, serde::Deserialize)]
struct Held {
    start: Option<Text>,
    end: Option<Text>,
    acting: bool,
    office: Option<HeldOffice>,
}

#[derive(Clone, SimpleObject, serde::Deserialize)]
struct Official {
    id: String,
    name: Option<String>,
    tenures: Vec<Held>,
}

#[derive(Clone, SimpleObject, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Attended {
    person: Option<Named>,
    capacity: Option<Named>,
    capacity_status: String,
}

#[derive(Clone, SimpleObject, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Gathering {
    id: String,
    name: Option<String>,
    start_date: Option<Text>,
    attendances: Vec<Attended>,
}

/// The second floor's schema: Q1's and Q2's fields, answered with a copy
/// of one answer each, whatever the id.
struct Shapes {
    official: Official,
    meeting: Gathering,
}

#[Object]
impl Shapes {
    async fn person(&self, id: ID) -> Option<Official> {
        let _ = id;
        Some(self.official.clone())
    }

    async fn meeting(&self, id: ID) -> Option<Gathering> {
        let _ = id;
        Some(self.meeting.clone())
    }
}

/// The bare stack answering Q1 and Q2 from memory.
async fn shapes_server(official: Official, meeting: Gathering) -> String {
    let schema = Schema::build(
        Shapes { official, meeting },
        EmptyMutation,
        EmptySubscription,
    )
    .finish();
    let app = axum::Router::new().route(
        "/graphql",
        axum::routing::post_service(async_graphql_axum::GraphQL::new(schema)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/graphql", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// The JSON answer to one POST of `body`.
async fn answer(client: &reqwest::Client, url: &str, body: &Value) -> Value {
    client
        .post(url)
        .json(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Of the answers to `body(0..100)`, the one whose list at `field.list` is
/// nearest the mean length: a typical answer, as the floor's.
async fn typical<T: serde::de::DeserializeOwned>(
    url: &str,
    body: fn(u64) -> Value,
    field: &str,
    list: &str,
) -> (T, usize, f64) {
    let client = reqwest::Client::new();
    let mut answers = Vec::new();
    for i in 0..100 {
        let v = answer(&client, url, &body(i)).await;
        answers.push(v["data"][field].clone());
    }
    let len = |v: &Value| v[list].as_array().map_or(0, Vec::len);
    let mean = answers.iter().map(len).sum::<usize>() as f64 / answers.len() as f64;
    let best = answers
        .iter()
        .min_by(|a, b| {
            (len(a) as f64 - mean)
                .abs()
                .total_cmp(&(len(b) as f64 - mean).abs())
        })
        .expect("answers");
    (
        serde_json::from_value(best.clone()).expect("the answer's shape"),
        len(best),
        mean,
    )
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
        let v = answer(&client, url, &body(i)).await;
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

/// The world's sizes, for the request bodies (a `fn` pointer each).
static SIZES: std::sync::OnceLock<synth::Sizes> = std::sync::OnceLock::new();

fn q1(i: u64) -> Value {
    let people = SIZES.get().expect("sizes").persons as u64;
    let id = synth::person_id(((i * 7919) % people) as usize);
    json!({ "query": reads::Q1, "variables": { "id": id } })
}

fn q1_same(_: u64) -> Value {
    json!({ "query": reads::Q1, "variables": { "id": synth::person_id(42) } })
}

fn q2(i: u64) -> Value {
    let meetings = SIZES.get().expect("sizes").meetings as u64;
    let id = synth::meeting_id(((i * 7919) % meetings) as usize);
    json!({ "query": reads::Q2, "variables": { "id": id } })
}

fn q2_same(_: u64) -> Value {
    json!({ "query": reads::Q2, "variables": { "id": synth::meeting_id(42) } })
}

fn trivial(_: u64) -> Value {
    json!({ "query": TRIVIAL })
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let scale = env("READS_SCALE", 1.0, 0.1);
    let secs = env("READS_SECONDS", 5.0, 0.3);
    let clients = env("READS_CLIENTS", 8.0, 8.0) as usize;

    let tmp = tempfile::tempdir().unwrap();
    let service = Service::open(tmp.path()).unwrap();
    let w = synth::World::generate(scale);
    SIZES.set(w.sizes).expect("sizes once");
    let doc = vec![("synthetic.json".to_owned(), w.import_document())];
    attache::import::import(&service, &doc, Vec::new())
        .await
        .unwrap();
    drop(w);
    let g = service.graph();
    println!(
        "reads: scale {scale}, {} nodes, {} relations; {clients} clients, {secs} s a series",
        g.node_count(),
        g.relation_count()
    );
    drop(g);

    let bare = ceiling_server().await;
    let cached = attache_server(&service, Limits::default().document_cache).await;
    let uncached = attache_server(&service, 0).await;
    let (official, tenures, mean_tenures) = typical(&cached, q1, "person", "tenures").await;
    let (meeting, attendees, mean_attendees) = typical(&cached, q2, "meeting", "attendances").await;
    println!(
        "  the shapes' floor answers with {tenures} tenures (mean {mean_tenures:.1}) \
         and {attendees} attendances (mean {mean_attendees:.1})"
    );
    let shapes = shapes_server(official, meeting).await;

    // Twice round, so that drift weighs on every series alike.
    type Body = fn(u64) -> Value;
    let series: [(&str, &String, Body); 10] = [
        (
            "ceiling: axum + async-graphql { __typename }",
            &bare,
            trivial,
        ),
        ("Attaché { __typename }", &cached, trivial),
        ("Q1, another official each time, caches on", &cached, q1),
        ("Q1, another official each time, caches off", &uncached, q1),
        ("Q1, the same official, caches on", &cached, q1_same),
        ("Q2, another meeting each time, caches on", &cached, q2),
        ("Q2, another meeting each time, caches off", &uncached, q2),
        ("Q2, the same meeting, caches on", &cached, q2_same),
        (
            "floor: the bare stack answering Q1 from memory",
            &shapes,
            q1,
        ),
        (
            "floor: the bare stack answering Q2 from memory",
            &shapes,
            q2,
        ),
    ];
    // `READS_ONLY=Q2` runs only the series whose label holds that text (to
    // profile one); the ratios then read 0 or inf where a floor was skipped.
    let only = std::env::var("READS_ONLY").unwrap_or_default();
    let mut sums = [0.0f64; 10];
    for _ in 0..2 {
        for (sum, (label, url, body)) in sums.iter_mut().zip(&series) {
            if label.contains(only.as_str()) {
                *sum += rate(url, clients, secs, *body).await;
            }
        }
    }
    let rates = sums.map(|s| s / 2.0);
    let (ceiling, ours_trivial) = (rates[0], rates[1]);
    for ((label, _, _), r) in series.iter().zip(rates) {
        println!(
            "  {label:<48} {r:>8.0} req/s   {:.2}x the ceiling   {:.2}x Attaché's {{ __typename }}",
            r / ceiling,
            r / ours_trivial
        );
    }
    println!(
        "  the caches: Q1 {:.2}x the rate without them, Q2 {:.2}x (another official or meeting)",
        rates[2] / rates[3],
        rates[5] / rates[6]
    );
    println!(
        "  against the bare stack answering the same shapes from memory: Q1 {:.2}x its rate, Q2 {:.2}x",
        rates[2] / rates[8],
        rates[5] / rates[9]
    );
    println!(
        "  issue 12 goals: Q1 >= 0.5x the ceiling, Q2 >= 0.25x (caches on, another each time)"
    );
}
