//! The catch-up figure of issue 13: a new node from a snapshot against one
//! replaying the whole stream, on the same data.

use std::time::Duration;

use serde_json::json;

use super::harness::{attache, gql, wait_ready, Nats, Node};
use super::{load, node_count, node_env, people_from, start_node};

/// Starts a node on an empty `dir`; how long until it is ready.
async fn time_to_ready(
    client: &reqwest::Client,
    dir: &std::path::Path,
    env: &[(&'static str, String)],
) -> (Node, Duration) {
    let started = std::time::Instant::now();
    let node = start_node(dir, env);
    wait_ready(client, &node.url, Duration::from_secs(300)).await;
    (node, started.elapsed())
}

/// Issue 13's catch-up figure. The same writes go to two streams on the
/// same NATS servers: one with snapshots (trimmed behind them), one
/// without. A new node on the first loads the latest snapshot and replays
/// the rest; a new node on the second replays every change set from 1,
/// which is what a new node would have to do without snapshots (the fair
/// comparison: same data, same servers, same binary, the only difference
/// is the snapshot). Restarting that second node on its filled store gives
/// the floor: opening a store that already holds the data.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs nats-server: scripts/cluster-test.sh"]
async fn a_new_node_from_a_snapshot_and_one_replaying_the_whole_stream_hold_the_same_records() {
    const IMPORT: &str = "mutation($d: String!) { import(document: $d) { created } }";
    let batches: usize = std::env::var("CATCH_UP_BATCHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    const PER_BATCH: usize = 40;
    let tmp = tempfile::tempdir().unwrap();
    let nats = Nats::start(tmp.path(), 3);
    let env_for = |stream: &str, every: u64| {
        let mut env = node_env(&nats.urls());
        env.retain(|(k, _)| *k != "ATTACHE_SNAPSHOT_EVERY");
        env.push(("ATTACHE_SNAPSHOT_EVERY", every.to_string()));
        env.push(("ATTACHE_CLUSTER_STREAM", stream.to_owned()));
        env
    };
    let snap_env = env_for("SNAP", (batches as u64 / 4).max(1));
    let full_env = env_for("FULL", 0);
    let client = reqwest::Client::new();
    let (writer_snap, _) = time_to_ready(&client, &tmp.path().join("w-snap"), &snap_env).await;
    let (writer_full, _) = time_to_ready(&client, &tmp.path().join("w-full"), &full_env).await;
    for b in 0..batches {
        let doc = json!({ "d": people_from(b * PER_BATCH, PER_BATCH) });
        let (a, f) = tokio::join!(
            gql(&client, &writer_snap.url, IMPORT, doc.clone(), None),
            gql(&client, &writer_full.url, IMPORT, doc, None)
        );
        for w in [a.unwrap(), f.unwrap()] {
            assert_eq!(w.status, 200, "{}", w.body);
            assert!(w.body.get("errors").is_none(), "{}", w.body);
        }
        if b == batches * 9 / 10 {
            // Let the snapshotter (it looks once a second) catch the stream.
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
    }
    let expected = node_count(&client, &writer_snap.url).await;
    assert_eq!(node_count(&client, &writer_full.url).await, expected);
    let (from_snapshot, snapshot_time) =
        time_to_ready(&client, &tmp.path().join("new-snap"), &snap_env).await;
    let (mut from_one, replay_time) =
        time_to_ready(&client, &tmp.path().join("new-full"), &full_env).await;
    let last = load::settle(&client, &[&writer_snap, &from_snapshot], &nats).await;
    load::settle(&client, &[&writer_full, &from_one], &nats).await;
    assert_eq!(node_count(&client, &from_snapshot.url).await, expected);
    assert_eq!(node_count(&client, &from_one.url).await, expected);
    from_one.stop();
    let started = std::time::Instant::now();
    from_one.restart();
    wait_ready(&client, &from_one.url, Duration::from_secs(300)).await;
    let reopen_time = started.elapsed();
    assert_eq!(node_count(&client, &from_one.url).await, expected);
    // The first node did start from a snapshot: its log begins after one.
    let mut from_snapshot = from_snapshot;
    from_snapshot.stop();
    let log = load::log_of(&attache(&from_snapshot.dir, &["log", "--format", "jsonl"]));
    let first = log.first().map(|l| l.0).unwrap_or(0);
    assert!(
        first > 1,
        "the new node replayed from {first}: no snapshot was used"
    );
    println!("--- catch-up figures ---");
    println!(
        "{batches} change sets of {PER_BATCH} people ({expected} nodes) on each stream; the snapshot stream ends at {last}"
    );
    println!(
        "new node from the latest snapshot + replay of the rest: ready after {snapshot_time:?}"
    );
    println!("new node replaying the whole stream from change set 1: ready after {replay_time:?}");
    println!(
        "ratio (whole replay / snapshot): {:.2}",
        replay_time.as_secs_f64() / snapshot_time.as_secs_f64()
    );
    println!("the replayed node restarted on its filled store: ready after {reopen_time:?}");
    println!(
        "(its log starts at change set {first}: the snapshot covered 1..{})",
        first - 1
    );
    drop(nats);
}
