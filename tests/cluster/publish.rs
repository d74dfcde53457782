//! Publishing to the shared log: JetStream's answer to a retried publish,
//! change sets larger than a NATS message, and `attache import --cluster`.

use std::time::Duration;

use serde_json::json;

use super::harness::{attache, gql, wait_ready, Nats, Node};
use super::{load, node_count, node_env, people_from, start_node};

/// A publish retried after its ack was lost (same `Nats-Msg-Id`, same
/// expected last sequence) while the stream moved on: what JetStream 2.9
/// answers. The publisher counts on the duplicate check coming before the
/// expected-last-sequence check, so the retry answers "duplicate" with the
/// first publish's sequence, not a spurious "wrong last sequence".
#[tokio::test]
#[ignore = "needs nats-server: scripts/cluster-test.sh"]
async fn a_retried_publish_is_answered_as_a_duplicate_even_after_the_stream_moved_on() {
    use async_nats::jetstream::{self, context::PublishErrorKind, message::PublishMessage};
    let tmp = tempfile::tempdir().unwrap();
    let nats = Nats::start(tmp.path(), 3);
    let urls: Vec<String> = nats.urls().split(',').map(str::to_owned).collect();
    let client = async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connect(urls)
        .await
        .unwrap();
    let js = jetstream::new(client);
    let config = jetstream::stream::Config {
        name: "DUP".into(),
        subjects: vec!["dup".into()],
        num_replicas: 3,
        duplicate_window: Duration::from_secs(120),
        ..Default::default()
    };
    // The cluster elects its meta leader first: retry the creation.
    for tries in 0.. {
        match js.get_or_create_stream(config.clone()).await {
            Ok(_) => break,
            Err(_) if tries < 30 => {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(e) => panic!("creating the stream: {e}"),
        }
    }
    let publish = |id: &str, expected: u64| {
        let msg = PublishMessage::build()
            .payload(id.as_bytes().to_vec().into())
            .message_id(id)
            .expected_last_sequence(expected);
        let js = js.clone();
        async move {
            match js.send_publish("dup", msg).await {
                Ok(ack) => ack.await,
                Err(e) => Err(e),
            }
        }
    };
    let first = publish("node-a-1", 0).await.unwrap();
    assert_eq!((first.sequence, first.duplicate), (1, false));
    // The same message again, as a retry right after a lost ack.
    let again = publish("node-a-1", 0).await.unwrap();
    assert_eq!((again.sequence, again.duplicate), (1, true));
    // Another node appends; then the first node's retry arrives.
    let other = publish("node-b-1", 1).await.unwrap();
    assert_eq!(other.sequence, 2);
    let late = publish("node-a-1", 0).await.unwrap();
    assert_eq!((late.sequence, late.duplicate), (1, true));
    // A different message planned at the old state is refused.
    let stale = publish("node-c-1", 0).await.unwrap_err();
    assert_eq!(stale.kind(), PublishErrorKind::WrongLastSequence);
    drop(nats);
}

/// The names of the objects in the cluster's snapshot bucket.
pub async fn bucket_names(urls: &str) -> Vec<String> {
    use futures_util::StreamExt;
    let urls: Vec<&str> = urls.split(',').collect();
    let js = async_nats::jetstream::new(async_nats::connect(urls).await.unwrap());
    let bucket = js.get_object_store("ATTACHE_LOG_SNAPSHOTS").await.unwrap();
    let mut list = bucket.list().await.unwrap();
    let mut names = Vec::new();
    while let Some(info) = list.next().await {
        names.push(info.unwrap().name);
    }
    names
}

#[tokio::test]
#[ignore = "needs nats-server: scripts/cluster-test.sh"]
async fn an_import_larger_than_a_nats_message_goes_through_one_node_and_is_read_on_another() {
    const IMPORT: &str = "mutation($d: String!) { import(document: $d) { created } }";
    let tmp = tempfile::tempdir().unwrap();
    let nats = Nats::start(tmp.path(), 3);
    let env = node_env(&nats.urls());
    let nodes: Vec<Node> = (0..2)
        .map(|i| start_node(&tmp.path().join(format!("node-{i}")), &env))
        .collect();
    let client = reqwest::Client::new();
    for n in &nodes {
        wait_ready(&client, &n.url, Duration::from_secs(60)).await;
    }
    let doc = people_from(0, 12_000);
    assert!(doc.len() > 1 << 20, "the document is {} bytes", doc.len());
    let w = gql(&client, &nodes[0].url, IMPORT, json!({ "d": doc }), None)
        .await
        .unwrap();
    assert_eq!(w.status, 200, "{}", w.body);
    assert_eq!(w.body["data"]["import"]["created"], 12_001, "{}", w.body);
    let seq = w.applied.unwrap();
    let r = gql(
        &client,
        &nodes[1].url,
        "{ counts { nodes } person(id: \"person:gen-11999\") { name } }",
        json!({}),
        Some(seq),
    )
    .await
    .unwrap();
    let here = node_count(&client, &nodes[0].url).await;
    assert_eq!(r.body["data"]["counts"]["nodes"], here, "{}", r.body);
    assert_eq!(
        r.body["data"]["person"]["name"], "Generated Person 11999",
        "{}",
        r.body
    );
    // It went through the object store: one message, one object.
    let stored: Vec<String> = bucket_names(&nats.urls())
        .await
        .into_iter()
        .filter(|n| n.starts_with(&format!("changeset-{seq:020}-")))
        .collect();
    assert_eq!(stored.len(), 1, "{stored:?}");
    drop(nats);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs nats-server: scripts/cluster-test.sh"]
async fn attache_import_with_cluster_goes_through_the_stream_to_every_node() {
    let tmp = tempfile::tempdir().unwrap();
    let nats = Nats::start(tmp.path(), 3);
    let env = node_env(&nats.urls());
    let node = start_node(&tmp.path().join("node-0"), &env);
    let client = reqwest::Client::new();
    wait_ready(&client, &node.url, Duration::from_secs(60)).await;
    let file = tmp.path().join("people.json");
    std::fs::write(&file, people_from(0, 3)).unwrap();
    // An empty directory: it joins, catches up, then publishes the import.
    let cli = tmp.path().join("cli-store");
    let out = attache(
        &cli,
        &[
            "import",
            "--no-seed",
            "--cluster",
            &nats.urls(),
            file.to_str().unwrap(),
        ],
    );
    assert!(out.contains("created"), "{out}");
    let last = load::settle(&client, &[&node], &nats).await;
    let r = gql(
        &client,
        &node.url,
        "{ person(id: \"person:gen-2\") { name } }",
        json!({}),
        Some(last),
    )
    .await
    .unwrap();
    assert_eq!(
        r.body["data"]["person"]["name"], "Generated Person 2",
        "{}",
        r.body
    );
    // The command-line store holds the same change set, from the stream.
    let log = load::log_of(&attache(&cli, &["log", "--format", "jsonl"]));
    assert_eq!(log.last().map(|l| l.0), Some(last));
    drop(nats);
}
