//! The server's log lines under `--log-format json`: the real binary is run,
//! sent a query and a mutation, stopped, and every line it wrote to standard
//! error is parsed as JSON; the access line of each request and the audit
//! line of the write are found among them.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{json, Value};

#[tokio::test]
async fn json_logs_hold_an_access_line_per_request_and_an_audit_line_per_write() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(dir.path())
        .args([
            "--log-format",
            "json",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--open-writes",
        ])
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen: Vec<Value> = Vec::new();
    // The start-up line names every URL served.
    let graphql = loop {
        let line = lines.next().expect("the server started").unwrap();
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        seen.push(v.clone());
        if let Some(url) = v["fields"]["graphql"].as_str() {
            for name in [
                "subscriptions",
                "explorer",
                "playground",
                "health",
                "metrics",
            ] {
                assert!(v["fields"][name].is_string(), "{name} missing: {v}");
            }
            break url.to_owned();
        }
    };
    let rest = std::thread::spawn(move || lines.map(|l| l.unwrap()).collect::<Vec<_>>());
    let client = reqwest::Client::new();
    let ask = |body: Value| client.post(&graphql).json(&body).send();
    let q = ask(json!({ "query": "query Tally { counts { nodes } }" }))
        .await
        .unwrap();
    assert_eq!(q.status(), 200);
    let m = ask(json!({
        "query": "mutation Add($i: PersonInput!) { createPerson(input: $i) { id } }",
        "variables": { "i": { "id": "person:logged", "name": "Logged", "citations": [{ "source": "source:background" }] } },
    }))
    .await
    .unwrap();
    let body: Value = m.json().await.unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    assert!(child.wait().unwrap().success());
    for line in rest.join().unwrap() {
        seen.push(serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}")));
    }
    let access = |op: &str| {
        seen.iter()
            .find(|v| v["target"] == "attache::access" && v["fields"]["operation"] == op)
            .unwrap_or_else(|| panic!("no access line for {op}: {seen:#?}"))
    };
    for op in ["Tally", "Add"] {
        let f = &access(op)["fields"];
        assert_eq!(f["status"], 200, "{f}");
        assert_eq!(f["path"], "/graphql");
        assert!(
            f["client"].as_str().unwrap().starts_with("127.0.0.1:"),
            "{f}"
        );
        assert!(f["ms"].as_f64().is_some(), "{f}");
    }
    let audit = seen
        .iter()
        .find(|v| v["target"] == "attache::audit" && v["fields"]["op"] == "write")
        .unwrap_or_else(|| panic!("no audit line: {seen:#?}"));
    let f = &audit["fields"];
    assert_eq!(f["actor"], "anonymous");
    assert!(f["seq"].as_u64().is_some(), "{f}");
    assert_eq!(f["ids"], "person:logged");
}

#[test]
fn text_logs_off_a_terminal_carry_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(dir.path())
        .arg("check")
        .env("RUST_LOG", "info")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(" INFO "), "no info line to look at: {err}");
    assert!(!err.contains('\u{1b}'), "colour codes in a pipe: {err:?}");
}
