//! Cluster mode, black-box: NATS servers and Attaché nodes as real
//! processes on loopback ports. The tests that need `nats-server` are
//! `#[ignore]`d; `scripts/cluster-test.sh` installs it and runs them
//! (`cargo test --test cluster -- --ignored --test-threads 1`).

#[path = "cluster/catch_up.rs"]
mod catch_up;
#[path = "cluster/harness.rs"]
mod harness;
#[path = "cluster/load.rs"]
mod load;
#[path = "cluster/publish.rs"]
mod publish;
#[path = "cluster/recover.rs"]
mod recover;
#[path = "cluster/trim.rs"]
mod trim;

use std::time::Duration;

use harness::{attache, gql, health, wait_ready, Nats, Node};
use serde_json::json;

const CREATE: &str = "mutation($i: PersonInput!) { createPerson(input: $i) { id } }";
const READ: &str = "query($id: ID!) { person(id: $id) { id name } }";

fn person(id: &str) -> serde_json::Value {
    json!({ "i": { "id": id, "name": id, "citations": [{ "source": "source:kazinform-sco-prosecutors-general-astana" }] } })
}

fn node_env(urls: &str) -> Vec<(&'static str, String)> {
    vec![
        ("ATTACHE_CLUSTER", urls.to_owned()),
        ("ATTACHE_SNAPSHOT_EVERY", "150".into()),
        ("ATTACHE_READY_LAG", "20".into()),
    ]
}

fn start_node(dir: &std::path::Path, env: &[(&'static str, String)]) -> Node {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Node::start(dir, &env)
}

#[test]
fn importing_into_a_cluster_nodes_store_from_the_command_line_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let store = attache::store::Store::open(tmp.path()).unwrap();
    store.join_cluster().unwrap();
    drop(store);
    let file = tmp.path().join("x.json");
    std::fs::write(
        &file,
        r#"{"format":"attache/1","nodes":[{"id":"source:x","name":"X"}]}"#,
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(tmp.path())
        .args(["import", "--no-seed"])
        .arg(&file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("refusing to import into this store"), "{err}");
    assert!(err.contains("belongs to a cluster"), "{err}");
    let store = attache::store::Store::open(tmp.path()).unwrap();
    assert!(store.is_empty());
}

#[test]
fn compacting_a_cluster_nodes_log_from_the_command_line_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let store = attache::store::Store::open(tmp.path()).unwrap();
    store.join_cluster().unwrap();
    drop(store);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(tmp.path())
        .args(["log", "compact", "--keep", "1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("refusing to compact this store's log"),
        "{err}"
    );
}

#[test]
fn serving_a_cluster_nodes_store_without_the_cluster_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let store = attache::store::Store::open(tmp.path()).unwrap();
    store.join_cluster().unwrap();
    drop(store);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(tmp.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--open-writes"])
        .env_remove("ATTACHE_CLUSTER")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("refusing to serve this store without --cluster"),
        "{err}"
    );
}

#[tokio::test]
#[ignore = "needs nats-server: scripts/cluster-test.sh"]
async fn a_write_on_one_node_is_read_on_every_node_that_waits_for_its_sequence() {
    let tmp = tempfile::tempdir().unwrap();
    let nats = Nats::start(tmp.path(), 3);
    let env = node_env(&nats.urls());
    let nodes: Vec<Node> = (0..3)
        .map(|i| start_node(&tmp.path().join(format!("node-{i}")), &env))
        .collect();
    let client = reqwest::Client::new();
    for n in &nodes {
        wait_ready(&client, &n.url, Duration::from_secs(60)).await;
    }
    let w = gql(&client, &nodes[0].url, CREATE, person("person:x"), None)
        .await
        .unwrap();
    assert_eq!(w.status, 200, "{}", w.body);
    assert_eq!(
        w.body["data"]["createPerson"]["id"], "person:x",
        "{}",
        w.body
    );
    let seq = w.applied.expect("the answer carries the applied sequence");
    assert_eq!(w.body["extensions"]["appliedSeq"], json!(seq));
    for n in &nodes {
        let r = gql(
            &client,
            &n.url,
            READ,
            json!({ "id": "person:x" }),
            Some(seq),
        )
        .await
        .unwrap();
        assert_eq!(r.body["data"]["person"]["id"], "person:x", "{}", r.body);
        assert!(r.applied.unwrap() >= seq);
    }
    drop(nats);
}

#[tokio::test]
#[ignore = "needs nats-server: scripts/cluster-test.sh"]
async fn a_node_asked_for_a_sequence_it_has_not_reached_answers_unavailable_in_time() {
    let tmp = tempfile::tempdir().unwrap();
    let nats = Nats::start(tmp.path(), 3);
    let mut env = node_env(&nats.urls());
    env.push(("ATTACHE_MIN_SEQ_TIMEOUT", "0.5".into()));
    let node = start_node(&tmp.path().join("node-0"), &env);
    let client = reqwest::Client::new();
    wait_ready(&client, &node.url, Duration::from_secs(60)).await;
    let r = gql(
        &client,
        &node.url,
        READ,
        json!({ "id": "person:x" }),
        Some(1_000_000),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.body["errors"][0]["extensions"]["code"], "UNAVAILABLE");
    let msg = r.body["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("not yet 1000000"), "{msg}");
    drop(nats);
}

/// The number a metric has in a Prometheus text exposition.
fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

#[tokio::test]
#[ignore = "needs nats-server: scripts/cluster-test.sh"]
async fn metrics_show_the_applied_sequence_and_lag_of_each_node() {
    let tmp = tempfile::tempdir().unwrap();
    let nats = Nats::start(tmp.path(), 3);
    let env = node_env(&nats.urls());
    let node = start_node(&tmp.path().join("node-0"), &env);
    let client = reqwest::Client::new();
    wait_ready(&client, &node.url, Duration::from_secs(60)).await;
    let w = gql(&client, &node.url, CREATE, person("person:m"), None)
        .await
        .unwrap();
    let seq = w.applied.expect("the answer carries the applied sequence");
    let text = client
        .get(format!("{}/metrics", node.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let applied = metric(&text, "attache_cluster_applied_seq").expect(&text);
    assert!(applied >= seq as f64, "{text}");
    assert_eq!(
        metric(&text, "attache_cluster_connected"),
        Some(1.0),
        "{text}"
    );
    let lag = metric(&text, "attache_cluster_lag").expect(&text);
    let last = metric(&text, "attache_cluster_stream_last_seq").expect(&text);
    assert_eq!(lag, (last - applied).max(0.0), "{text}");
    drop(nats);
}

/// The proof of issue 13: load on every node while a NATS leader and an
/// Attaché node die, and a new node starts from a snapshot.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs nats-server: scripts/cluster-test.sh"]
async fn no_acknowledged_write_is_lost_when_servers_and_nodes_die() {
    let tmp = tempfile::tempdir().unwrap();
    let client = reqwest::Client::new();
    // Single-node throughput, for the ratio.
    let single = {
        let dir = tmp.path().join("single");
        let mut n = Node::start(&dir, &[]);
        let figures = load::throughput(&client, &n.url, Duration::from_secs(5)).await;
        n.stop();
        figures
    };
    let mut nats = Nats::start(tmp.path(), 3);
    let env = node_env(&nats.urls());
    let mut nodes: Vec<Node> = (0..3)
        .map(|i| start_node(&tmp.path().join(format!("node-{i}")), &env))
        .collect();
    for n in &nodes {
        wait_ready(&client, &n.url, Duration::from_secs(60)).await;
    }
    let urls: Vec<String> = nodes.iter().map(|n| n.url.clone()).collect();
    let run = load::Run::start(&client, urls.clone());
    tokio::time::sleep(Duration::from_secs(6)).await;
    let steady = run.acked_between(Duration::from_secs(1), Duration::from_secs(6));
    // kill -9 the stream leader's NATS server, restart it later.
    let leader = load::stream_leader(&nats.urls()).await;
    let kill_at = run.now();
    nats.kill(leader);
    tokio::time::sleep(Duration::from_secs(8)).await;
    nats.restart(leader);
    let failover_end = run.now() + Duration::from_secs(10);
    tokio::time::sleep(Duration::from_secs(4)).await;
    // kill -9 one Attaché node, restart it.
    nodes[2].kill();
    tokio::time::sleep(Duration::from_secs(2)).await;
    nodes[2].restart();
    run.set_url(2, nodes[2].url.clone());
    // A fourth node, from a snapshot, while writes go on.
    let started = std::time::Instant::now();
    let mut fourth = start_node(&tmp.path().join("node-3"), &env);
    let catch_up =
        started.elapsed() + wait_ready(&client, &fourth.url, Duration::from_secs(60)).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    let report = run.stop().await;
    // Every node catches up with the stream.
    let all: Vec<String> = nodes
        .iter()
        .chain([&fourth])
        .map(|n| n.url.clone())
        .collect();
    let last = load::settle(&client, &[&nodes[0], &nodes[1], &nodes[2], &fourth], &nats).await;
    for n in nodes.iter_mut().chain(std::iter::once(&mut fourth)) {
        n.stop();
    }
    // Same records everywhere, every acknowledged write among them.
    let exports: Vec<String> = nodes
        .iter()
        .chain(std::iter::once(&fourth))
        .map(|n| attache(&n.dir, &["export"]))
        .collect();
    for e in &exports[1..] {
        assert!(e == &exports[0], "the nodes' exports differ");
    }
    let ids = load::ids_in(&exports[0]);
    let lost: Vec<&String> = report
        .acked
        .iter()
        .filter(|id| !ids.contains(*id))
        .collect();
    // No change set applied twice or skipped: each node's log is 1, 2, …
    // with no gap up to the stream's last, the same on every node.
    let logs: Vec<Vec<(u64, String)>> = nodes
        .iter()
        .chain(std::iter::once(&fourth))
        .map(|n| load::log_of(&attache(&n.dir, &["log", "--format", "jsonl"])))
        .collect();
    for log in &logs {
        load::assert_contiguous(log, last);
    }
    load::assert_same_where_overlapping(&logs);
    let bad = report.server_errors_outside(kill_at, failover_end);
    println!("--- cluster figures ---");
    println!("acked writes: {}", report.acked.len());
    println!("lost acked writes: {}", lost.len());
    println!("change sets in the stream: {last}");
    println!(
        "failover pause (longest gap between acks after the leader died): {:?}",
        report.longest_gap_after(kill_at, failover_end)
    );
    println!(
        "5xx answers inside the failover window: {}",
        report.server_errors_inside(kill_at, failover_end)
    );
    println!(
        "replication lag (ack on one node → readable on the next), p50 {:?} p99 {:?}",
        report.lag(50),
        report.lag(99)
    );
    println!(
        "new node from a snapshot, under load: ready after {catch_up:?} (against a whole replay of the same data: see the catch-up figures)"
    );
    println!(
        "write throughput: single node {:.0}/s, cluster {:.0}/s, ratio {:.2}",
        single,
        steady,
        steady / single
    );
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    assert!(bad.is_empty(), "5xx outside the failover window: {bad:?}");
    assert!(report.acked.len() > 100, "too few writes to prove anything");
    let h = health(&client, &all[0]).await;
    assert!(h.is_none(), "the nodes were stopped");
}

/// `n` people numbered from `from` (attache/1), citing `source:gen`.
pub fn people_from(from: usize, n: usize) -> String {
    let mut nodes = vec![json!({ "id": "source:gen", "name": "Generated" })];
    nodes.extend((from..from + n).map(|i| {
        json!({ "id": format!("person:gen-{i}"), "name": format!("Generated Person {i}"),
                "citations": [{ "source": "source:gen" }] })
    }));
    json!({ "format": "attache/1", "nodes": nodes }).to_string()
}

pub async fn node_count(client: &reqwest::Client, url: &str) -> u64 {
    let r = gql(client, url, "{ counts { nodes } }", json!({}), None)
        .await
        .unwrap();
    r.body["data"]["counts"]["nodes"].as_u64().unwrap()
}
