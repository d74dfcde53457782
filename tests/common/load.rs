//! A generated graph of people attending meetings, and concurrent writers
//! that `link` new attendances over HTTP: shared by the concurrent-writers
//! test and the `writers` bench.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// An `attache/1` document: one source, `people` people, `meetings` meetings
/// and `per_person` attendances for each person.
pub fn graph_document(people: usize, meetings: usize, per_person: usize) -> String {
    let cite = json!([{ "source": "source:gen" }]);
    let mut nodes = vec![json!({ "id": "source:gen", "name": "Generated" })];
    for p in 0..people {
        nodes.push(json!({ "id": format!("person:p{p}"), "name": format!("Person {p}"), "citations": cite }));
    }
    for m in 0..meetings {
        nodes.push(json!({
            "id": format!("meeting:m{m}"),
            "name": format!("Meeting {m}"),
            "start": format!("{}-{:02}", 1990 + m % 30, 1 + m % 12),
            "citations": cite,
        }));
    }
    let mut relations = Vec::new();
    for p in 0..people {
        for k in 0..per_person {
            let m = (p * 7 + k * 13) % meetings;
            relations.push(json!({
                "id": format!("rel:p{p}-m{m}-{k}"),
                "kind": "attended",
                "from": format!("person:p{p}"),
                "to": format!("meeting:m{m}"),
                "mode": "in_person",
            }));
        }
    }
    json!({ "format": "attache/1", "nodes": nodes, "relations": relations }).to_string()
}

const LINK: &str = "mutation($from: ID!, $to: ID!) { link(input: {kind: ATTENDED, from: $from, to: $to, mode: ONLINE}) { id } }";

/// What a run of writers did.
pub struct Run {
    pub writes: usize,
    pub elapsed: Duration,
}

impl Run {
    pub fn per_second(&self) -> f64 {
        self.writes as f64 / self.elapsed.as_secs_f64()
    }
}

/// `clients` concurrent clients, each sending `each` `link` writes one after
/// another (client `c` links its own people, starting at `first`, so no two
/// writes collide). Panics on any error.
pub async fn run_writers(
    client: &reqwest::Client,
    url: &str,
    clients: usize,
    each: usize,
    people: usize,
    meetings: usize,
    first: usize,
) -> Run {
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let (client, url) = (client.clone(), format!("{url}/graphql"));
            tokio::spawn(async move {
                for i in 0..each {
                    let n = first + c * each + i;
                    let vars = json!({
                        "from": format!("person:p{}", n % people),
                        "to": format!("meeting:m{}", (n / people + 5) % meetings),
                    });
                    let r: Value = client
                        .post(&url)
                        .json(&json!({ "query": LINK, "variables": vars }))
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    assert!(r.get("errors").is_none(), "{r}");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    Run {
        writes: clients * each,
        elapsed: start.elapsed(),
    }
}

/// This process's resident set size in MiB (Linux).
pub fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU time this process has used (user + system), in seconds (Linux).
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line: 11 and 12 after ')'.
    (ticks(11) + ticks(12)) / 100.0
}
