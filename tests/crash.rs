//! Nothing acknowledged is lost: run concurrent writers and readers against
//! the real binary, `kill -9` it at pseudo-random moments, restart, and check
//! that every acknowledged write is there, every stored record
//! decodes, no relation points at a missing node, the change log agrees with
//! the records (every acknowledged write has its change set, and each record's
//! latest logged version is the stored record), and the graph the API serves
//! equals the one rebuilt from sled.
//!
//! CI runs 20 cycles; `scripts/crash.sh N` runs more (ATTACHE_CRASH_CYCLES).

use std::path::Path;
use std::process::Command;

mod common;
use common::serve_binary as serve;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

fn cli(data: &Path, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One writer's atomic unit: a person and their attendance, in one import.
fn unit(id: &str) -> String {
    json!({
        "format": "attache/1",
        "nodes": [{ "id": format!("person:{id}"), "name": format!("Writer {id}"), "citations": [{ "source": "source:background" }] }],
        "relations": [{ "id": format!("rel:{id}-attended"), "kind": "attended", "from": format!("person:{id}"), "to": "meeting:sco-prosecutors-general-20", "mode": "online" }]
    })
    .to_string()
}

async fn gql(client: &reqwest::Client, url: &str, query: &str, variables: Value) -> Option<Value> {
    let r = client
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .ok()?;
    if !r.status().is_success() {
        return None;
    }
    let v: Value = r.json().await.ok()?;
    v.get("errors").is_none().then_some(v)
}

fn lcg(seed: &mut u64) -> u64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *seed >> 33
}

/// The change log, read on its own, holds a change set creating each
/// acknowledged write's records; its change sets are numbered without a gap.
fn log_has_every_acknowledged_write(data: &Path, acked: &[String], cycle: usize) {
    let (ok, out, err) = cli(data, &["log", "--format", "jsonl"]);
    assert!(ok, "cycle {cycle}: log failed: {err}");
    let mut created = std::collections::HashSet::new();
    for (n, line) in out.lines().enumerate() {
        let set: Value = serde_json::from_str(line).unwrap();
        assert_eq!(set["seq"], n as u64 + 1, "cycle {cycle}: a gap in the log");
        let entries = set["entries"].as_array().unwrap();
        assert_eq!(set["records"], entries.len(), "cycle {cycle}: {line}");
        for e in entries {
            if e["kind"] == "created" {
                created.insert(e["id"].as_str().unwrap().to_owned());
            }
        }
    }
    for id in acked {
        for record in [format!("person:{id}"), format!("rel:{id}-attended")] {
            assert!(
                created.contains(&record),
                "cycle {cycle}: acknowledged {record} has no change set in the log"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_repeated_kill_9() {
    let cycles: usize = std::env::var("ATTACHE_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let client = reqwest::Client::new();
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut seed = 0x5eed_u64;
    for cycle in 0..cycles {
        let mut server = serve(&data);
        let url = server.url.clone();
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let (client, url, acked) = (client.clone(), url.clone(), acked.clone());
                tokio::spawn(async move {
                    for n in 0.. {
                        let id = format!("c{cycle}-w{w}-n{n}");
                        let q = "mutation($d: String!) { import(document: $d) { created } }";
                        match gql(&client, &url, q, json!({ "d": unit(&id) })).await {
                            Some(_) => acked.lock().unwrap().push(id),
                            None => return,
                        }
                    }
                })
            })
            .collect();
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (client, url) = (client.clone(), url.clone());
                tokio::spawn(async move {
                    let q = "{ meeting(id: \"meeting:sco-prosecutors-general-20\") { attendances { person { id } } } stats { nodes } }";
                    while gql(&client, &url, q, json!({})).await.is_some() {}
                })
            })
            .collect();
        let wait = 40 + lcg(&mut seed) % 300;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        server.child.kill().unwrap(); // SIGKILL: no shutdown, no flush
        server.child.wait().unwrap();
        for t in writers.into_iter().chain(readers) {
            t.await.unwrap();
        }

        // The store on its own: records decode, nothing dangles, the graph
        // rebuilds, and the log agrees with the records.
        let (ok, out, err) = cli(&data, &["check"]);
        assert!(ok, "cycle {cycle}: check failed: {out}{err}");
        assert!(
            out.contains("the log agrees with the records")
                && out.contains("each record's latest logged version is the stored record"),
            "cycle {cycle}: check did not check the log: {out}"
        );
        log_has_every_acknowledged_write(&data, &acked.lock().unwrap(), cycle);
        let (ok, from_sled, err) = cli(&data, &["export"]);
        assert!(ok, "{err}");

        // The server on the same store: every acknowledged write, and the same graph.
        let mut server = serve(&data);
        let ids: Vec<String> = acked.lock().unwrap().clone();
        for chunk in ids.chunks(200) {
            let persons: Vec<String> = chunk.iter().map(|i| format!("person:{i}")).collect();
            let rels: Vec<String> = chunk.iter().map(|i| format!("rel:{i}-attended")).collect();
            let v = gql(
                &client,
                &server.url,
                "query($p: [ID!]!) { nodes(ids: $p) { id } }",
                json!({ "p": persons }),
            )
            .await
            .expect("query");
            for (i, n) in v["data"]["nodes"].as_array().unwrap().iter().enumerate() {
                assert!(
                    n.is_object(),
                    "cycle {cycle}: acknowledged {} lost",
                    persons[i]
                );
            }
            for r in rels {
                let v = gql(
                    &client,
                    &server.url,
                    "query($r: ID!) { relation(id: $r) { id } }",
                    json!({ "r": r }),
                )
                .await
                .expect("query");
                assert!(
                    v["data"]["relation"].is_object(),
                    "cycle {cycle}: acknowledged {r} lost"
                );
            }
        }
        let v = gql(&client, &server.url, "{ export }", json!({}))
            .await
            .expect("export");
        assert!(
            v["data"]["export"].as_str() == Some(from_sled.as_str()),
            "cycle {cycle}: the API's graph differs from the one rebuilt from sled"
        );
        server.child.kill().unwrap();
        server.child.wait().unwrap();
    }
    let total = acked.lock().unwrap().len();
    assert!(
        total > cycles,
        "only {total} writes acknowledged in {cycles} cycles"
    );
    eprintln!("{cycles} kill -9 cycles, {total} acknowledged writes, none lost");
}
