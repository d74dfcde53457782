//! The trim of the stream behind the snapshots against a node that lags:
//! the stream keeps every change set a node still has to apply, as long as
//! it is no more than `--cluster-retain` (100,000) behind. Trimming right
//! behind the snapshots was the cause of the cluster test's flake.

use std::time::{Duration, Instant};

use serde_json::json;

use super::harness::{gql, wait_ready};
use super::publish::bucket_names;
use super::{load, node_count, node_env, person, start_node, CREATE};
use crate::harness::{Nats, Node};

/// The snapshots in the bucket (their change set numbers).
async fn snapshots(urls: &str) -> Vec<u64> {
    bucket_names(urls)
        .await
        .iter()
        .filter_map(|n| n.strip_prefix("snapshot-")?.parse().ok())
        .collect()
}

/// A node that stops applying for a while (here frozen with SIGSTOP; in the
/// wild a NATS failover, a long pause, a loaded machine) while the others
/// write past two snapshots: the snapshots used to trim the stream up to
/// the older of them, deleting change sets the slow node had not applied,
/// and it stayed behind for good ("the stream skipped from …").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs nats-server: scripts/cluster-test.sh"]
async fn a_node_that_lags_behind_two_snapshots_catches_up_when_it_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    let (nats, writer, slow, client) = two_nodes(tmp.path()).await;
    let write = |k: usize| create_person(client.clone(), writer.url.clone(), k);
    let behind = three_people_settled(&client, &nats, &writer, &slow).await;
    slow.pause();
    // More than its consumer had asked for before it froze (a pull of up
    // to 500 messages), past two snapshots.
    let k = write_past_two_snapshots(&write, &nats, behind, 600).await;
    slow.resume();
    load::settle(&client, &[&writer, &slow], &nats).await;
    assert_eq!(
        node_count(&client, &slow.url).await,
        node_count(&client, &writer.url).await
    );
    let r = gql(
        &client,
        &slow.url,
        "query($id: ID!) { person(id: $id) { id } }",
        json!({ "id": format!("person:t-{}", k - 1) }),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        r.body["data"]["person"]["id"],
        json!(format!("person:t-{}", k - 1))
    );
    drop(nats);
}

/// Three NATS servers and two ready nodes that snapshot every 10 change sets.
async fn two_nodes(dir: &std::path::Path) -> (Nats, Node, Node, reqwest::Client) {
    two_nodes_with(dir, &[]).await
}

/// [`two_nodes`], with `extra` in the nodes' environment.
pub(super) async fn two_nodes_with(
    dir: &std::path::Path,
    extra: &[(&'static str, String)],
) -> (Nats, Node, Node, reqwest::Client) {
    let nats = Nats::start(dir, 3);
    let mut env = node_env(&nats.urls());
    env.retain(|(k, _)| *k != "ATTACHE_SNAPSHOT_EVERY");
    env.push(("ATTACHE_SNAPSHOT_EVERY", "10".into()));
    env.extend(extra.iter().cloned());
    let first = start_node(&dir.join("node-0"), &env);
    let second = start_node(&dir.join("node-1"), &env);
    let client = reqwest::Client::new();
    for n in [&first, &second] {
        wait_ready(&client, &n.url, Duration::from_secs(60)).await;
    }
    (nats, first, second, client)
}

/// Creates person t-`k` on the node at `url`, and checks it was.
/// Writes people t-0 … t-2 through `writer` and waits until `other` has
/// applied them too; returns the change set both stand at.
pub(super) async fn three_people_settled(
    client: &reqwest::Client,
    nats: &Nats,
    writer: &Node,
    other: &Node,
) -> u64 {
    for k in 0..3 {
        create_person(client.clone(), writer.url.clone(), k).await;
    }
    load::settle(client, &[writer, other], nats).await
}

pub(super) async fn create_person(client: reqwest::Client, url: String, k: usize) {
    let a = gql(
        &client,
        &url,
        CREATE,
        person(&format!("person:t-{k}")),
        None,
    )
    .await
    .unwrap();
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.get("errors").is_none(), "{}", a.body);
}

/// Writes people numbered from 3 (four at a time, forty a round, `pause`
/// between rounds) until `done(k)`, asked before each round with the next
/// number, says enough; returns that number. Fails after 120 s with what
/// `done` last said was missing.
pub(super) async fn write_until<F, Fut, D, DFut>(write: &F, pause: Duration, mut done: D) -> usize
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
    D: FnMut(usize) -> DFut,
    DFut: std::future::Future<Output = Result<(), String>>,
{
    let started = Instant::now();
    let mut k = 3;
    loop {
        match done(k).await {
            Ok(()) => return k,
            Err(missing) => assert!(
                started.elapsed() < Duration::from_secs(120),
                "{missing} within 120 s"
            ),
        }
        for _ in 0..10 {
            futures_util::future::join_all((k..k + 4).map(write)).await;
            k += 4;
        }
        tokio::time::sleep(pause).await;
    }
}

/// Writes people until at least `min` exist and two snapshots newer than
/// change set `behind` are in the bucket (the snapshotter looks once a
/// second); returns the next number.
async fn write_past_two_snapshots<F, Fut>(write: &F, nats: &Nats, behind: u64, min: usize) -> usize
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    write_until(write, Duration::from_millis(1100), |k| {
        let urls = nats.urls();
        async move {
            let newer = snapshots(&urls)
                .await
                .iter()
                .filter(|s| **s > behind + 1)
                .count();
            if newer >= 2 && k >= min {
                Ok(())
            } else {
                Err(format!(
                    "{k} writes and {newer} snapshots after change set {behind}"
                ))
            }
        }
    })
    .await
}

/// A node killed (or stopped) while the others write past two snapshots,
/// started again on its store: the snapshots used to trim the stream past
/// what it had applied, and it refused to start ("the stream now starts
/// at …": move the directory away).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs nats-server: scripts/cluster-test.sh"]
async fn a_node_restarted_after_the_others_wrote_past_two_snapshots_catches_up() {
    let tmp = tempfile::tempdir().unwrap();
    let (nats, writer, mut gone, client) = two_nodes(tmp.path()).await;
    let write = |k: usize| create_person(client.clone(), writer.url.clone(), k);
    let behind = three_people_settled(&client, &nats, &writer, &gone).await;
    gone.kill();
    write_past_two_snapshots(&write, &nats, behind, 0).await;
    gone.restart();
    wait_ready(&client, &gone.url, Duration::from_secs(60)).await;
    load::settle(&client, &[&writer, &gone], &nats).await;
    assert_eq!(
        node_count(&client, &gone.url).await,
        node_count(&client, &writer.url).await
    );
    drop(nats);
}
