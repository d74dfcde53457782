//! A node left behind the trimmed stream: down, or frozen, while the
//! others wrote more than `--cluster-retain` change sets past it and the
//! stream was trimmed behind newer snapshots. It keeps its old store aside
//! (`<data>/store.behind-…`), starts over from the newest snapshot and
//! replays the rest, by itself: at start, and while running.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::harness::{attache, health, wait_ready};
use super::load;
use super::trim::{create_person, three_people_settled, two_nodes_with, write_until};
use crate::harness::{Nats, Node};

/// A small window: the stream keeps only the last 20 change sets past the
/// snapshots (written every 10).
fn small_window() -> Vec<(&'static str, String)> {
    vec![("ATTACHE_CLUSTER_RETAIN", "20".into())]
}

/// The first change set the stream still holds.
async fn stream_first(urls: &str) -> u64 {
    let urls: Vec<&str> = urls.split(',').collect();
    let js = async_nats::jetstream::new(async_nats::connect(urls).await.unwrap());
    let mut stream = js.get_stream("ATTACHE_LOG").await.unwrap();
    stream.info().await.unwrap().state.first_sequence
}

/// Writes people until at least `min` exist and the stream no longer
/// holds the change set after `behind`; returns the next number.
async fn write_until_trimmed_past<F, Fut>(write: &F, nats: &Nats, behind: u64, min: usize) -> usize
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    write_until(write, Duration::from_millis(300), |k| {
        let urls = nats.urls();
        async move {
            let first = stream_first(&urls).await;
            if first > behind + 1 && k >= min {
                Ok(())
            } else {
                Err(format!(
                    "{k} writes and the stream still starts at {first} (the node is at {behind})"
                ))
            }
        }
    })
    .await
}

/// The directories a node's old stores were kept in.
fn kept_aside(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("store.behind-"))
        })
        .collect()
}

/// Stops both nodes and checks that their exports are the same, and that
/// `behind`'s old store, kept aside, holds person t-2 and not t-`k - 1`.
fn assert_same_and_old_store_kept(writer: &mut Node, behind: &mut Node, k: usize) {
    writer.stop();
    behind.stop();
    let exports = [
        attache(&writer.dir, &["export"]),
        attache(&behind.dir, &["export"]),
    ];
    assert!(exports[0] == exports[1], "the nodes' exports differ");
    assert!(load::ids_in(&exports[0]).contains(&format!("person:t-{}", k - 1)));
    let kept = kept_aside(&behind.dir);
    assert_eq!(kept.len(), 1, "old stores kept: {kept:?}");
    let old = load::ids_in(&attache(&kept[0], &["export"]));
    assert!(old.contains("person:t-2"));
    assert!(!old.contains(&format!("person:t-{}", k - 1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs nats-server: scripts/cluster-test.sh"]
async fn a_node_down_past_the_retained_change_sets_restarts_from_a_snapshot_and_keeps_its_old_store(
) {
    let tmp = tempfile::tempdir().unwrap();
    let (nats, mut writer, mut gone, client) = two_nodes_with(tmp.path(), &small_window()).await;
    let write = |k: usize| create_person(client.clone(), writer.url.clone(), k);
    let behind = three_people_settled(&client, &nats, &writer, &gone).await;
    gone.kill();
    let k = write_until_trimmed_past(&write, &nats, behind, 60).await;
    gone.restart();
    wait_ready(&client, &gone.url, Duration::from_secs(60)).await;
    load::settle(&client, &[&writer, &gone], &nats).await;
    assert_same_and_old_store_kept(&mut writer, &mut gone, k);
    drop(nats);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs nats-server: scripts/cluster-test.sh"]
async fn a_node_frozen_past_the_retained_change_sets_recovers_from_a_snapshot_without_a_restart() {
    let tmp = tempfile::tempdir().unwrap();
    let (nats, mut writer, mut slow, client) = two_nodes_with(tmp.path(), &small_window()).await;
    let write = |k: usize| create_person(client.clone(), writer.url.clone(), k);
    let behind = three_people_settled(&client, &nats, &writer, &slow).await;
    slow.pause();
    // More than its consumer had asked for before it froze (a pull of up
    // to 500 messages), so that it finds the gap when it resumes.
    let k = write_until_trimmed_past(&write, &nats, behind, 600).await;
    slow.resume();
    load::settle(&client, &[&writer, &slow], &nats).await;
    let h = health(&client, &slow.url).await.unwrap();
    let recovered = h["cluster"]["recovered"].as_str().unwrap_or_default();
    assert!(
        recovered.starts_with("recovered from snapshot at seq"),
        "{h}\n{}",
        slow.log_tail(30)
    );
    assert_same_and_old_store_kept(&mut writer, &mut slow, k);
    drop(nats);
}
