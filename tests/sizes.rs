//! Size limits and streaming: `attache import` reads a file a record at a
//! time, refuses a bad byte, an over-long string or an oversize record at
//! once with file, line, record and field, and holds no file's whole text;
//! mutations and the `import` mutation keep to the same limits.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{text, TestServer};

use serde_json::json;

fn attache(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_attache"));
    c.arg("--data").arg(data).env("RUST_LOG", "warn");
    c
}

/// Runs `attache import /dev/stdin`, feeding it `head` then `fill` bytes up
/// to `cap` bytes in all (or until it stops reading). Returns its output and
/// how many bytes it took before it stopped.
fn import_stream(data: &Path, head: &[u8], fill: u8, cap: usize) -> (Output, usize) {
    let mut child = attache(data)
        .args(["import", "--no-seed", "/dev/stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let head = head.to_vec();
    let writer = std::thread::spawn(move || {
        let mut written = 0;
        if stdin.write_all(&head).is_err() {
            return written;
        }
        written += head.len();
        let block = vec![fill; 64 * 1024];
        while written < cap {
            match stdin.write(&block) {
                Ok(n) => written += n,
                Err(_) => break, // it closed the pipe: it stopped reading
            }
        }
        written
    });
    let out = child.wait_with_output().unwrap();
    (out, writer.join().unwrap())
}

const CAP: usize = 256 << 20;

#[test]
fn import_of_a_stream_of_zeros_fails_at_the_first_byte() {
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let (out, taken) = import_stream(&dir.path().join("store"), b"", 0, CAP);
    assert!(
        taken < 8 << 20,
        "read {taken} bytes of zeros before refusing them"
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("/dev/stdin:1: expected `{`"), "{err}");
    assert!(err.contains("byte 0x00"), "{err}");
    assert!(t.elapsed() < Duration::from_secs(20));
}

#[test]
fn import_refuses_an_endless_string_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let head = b"{\"format\": \"attache/1\",\n\"nodes\": [\n  {\"id\": \"person:a\", \"name\": \"";
    let (out, taken) = import_stream(&dir.path().join("store"), head, b'a', CAP);
    assert!(taken < 8 << 20, "read {taken} bytes of one string");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("/dev/stdin:3: person:a field `name`: is longer than 65536 bytes"),
        "{err}"
    );
}

#[test]
fn import_refuses_an_over_long_string_naming_file_line_record_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let long = "é".repeat(40_000); // 80,000 bytes
    let doc = json!({"format": "attache/1", "nodes": [
        {"id": "source:s", "name": "S"},
        {"id": "source:t", "name": "T", "aliases": [{"text": "ok"}, {"text": long}]},
    ]});
    let file = dir.path().join("long.json");
    std::fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let out = attache(&dir.path().join("store"))
        .args(["import", "--no-seed"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("long.json:16: source:t field `aliases[1].text`: is longer than 65536 bytes"),
        "{err}"
    );
}

#[test]
fn import_refuses_an_oversize_record() {
    let dir = tempfile::tempdir().unwrap();
    // 30,000 notes of ~40 bytes: each string is short, the record is 1.2 MB.
    let notes: Vec<_> = (0..30_000)
        .map(|i| json!({"text": format!("note number {i:>20}")}))
        .collect();
    let doc = json!({"format": "attache/1", "nodes": [
        {"id": "source:s", "name": "S", "notes": notes},
    ]});
    let file = dir.path().join("big-record.json");
    std::fs::write(&file, serde_json::to_string(&doc).unwrap()).unwrap();
    let out = attache(&dir.path().join("store"))
        .args(["import", "--no-seed"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("big-record.json:1: source:s: the record is over 1048576 bytes"),
        "{err}"
    );
}

#[test]
fn size_limits_follow_the_flags_and_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/seed-data");
    let by_env = attache(&dir.path().join("a"))
        .env("ATTACHE_MAX_STRING", "100")
        .args(["import", "--no-seed", seed])
        .output()
        .unwrap();
    assert_eq!(by_env.status.code(), Some(1));
    assert!(
        text(&by_env.stderr).contains("longest string allowed (`--max-string`)"),
        "{}",
        text(&by_env.stderr)
    );
    let by_flag = attache(&dir.path().join("b"))
        .args(["--max-record", "1000", "import", "--no-seed", seed])
        .output()
        .unwrap();
    assert_eq!(by_flag.status.code(), Some(1));
    assert!(
        text(&by_flag.stderr).contains("the record is over 1000 bytes"),
        "{}",
        text(&by_flag.stderr)
    );
    let zero = attache(&dir.path().join("c"))
        .args(["--max-string", "0", "import", "--no-seed", seed])
        .output()
        .unwrap();
    assert_eq!(zero.status.code(), Some(2), "a zero limit is a usage error");
}

/// The peak resident memory of `child` in KiB (Linux), sampled until it exits.
fn watch_peak(child: &mut Child) -> u64 {
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        if let Ok(s) = std::fs::read_to_string(&status) {
            if let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            {
                peak = kb;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    peak
}

#[test]
fn a_big_valid_file_imports_without_holding_its_text() {
    // 5,000 records with 164 MB of blank lines between them: the file is
    // large, its records are not.
    const N: usize = 5_000;
    const PAD: usize = 32 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let mut child = attache(&dir.path().join("store"))
        .args(["import", "--no-seed", "/dev/stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let pad = vec![b'\n'; PAD];
        let mut w = |b: &[u8]| stdin.write_all(b).unwrap();
        w(b"{\"format\": \"attache/1\", \"nodes\": [{\"id\": \"source:s\", \"name\": \"S\"}");
        for i in 0..N {
            w(&pad);
            w(format!(
                ",{{\"id\": \"person:p{i}\", \"name\": \"P {i}\", \"citations\": [{{\"source\": \"source:s\"}}]}}"
            )
            .as_bytes());
        }
        w(b"]}\n");
    });
    let peak_kb = watch_peak(&mut child);
    writer.join().unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(child.wait().unwrap().success(), "{err}");
    assert!(
        out.contains(&format!("{} records: {} created", N + 1, N + 1)),
        "{out}"
    );
    // The same records without the blank lines peak at 110 MB (a debug
    // build, sled's 64 MB cache included); holding the text would add 164 MB.
    assert!(
        peak_kb < 200 * 1024,
        "peak RSS {} MB for {N} small records",
        peak_kb / 1024
    );
}

// ---------------------------------------------------------------- GraphQL

const CREATE: &str = "mutation($i: PersonInput!) { createPerson(input: $i) { id } }";

#[tokio::test]
async fn a_mutation_refuses_an_over_long_string_naming_its_field() {
    let s = TestServer::seeded().await;
    let input = json!({"id": "person:long", "name": "x".repeat(70_000),
                       "citations": [{"source": "source:background"}]});
    let e = s.gql_err(CREATE, json!({ "i": input })).await;
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{e}");
    assert_eq!(e["extensions"]["field"], "name", "{e}");
    let body = s
        .gql_raw("{ node(id: \"person:long\") { id } }", json!({}))
        .await;
    assert_eq!(body["data"]["node"], json!(null));
}

#[tokio::test]
async fn an_update_cannot_grow_a_string_past_the_limit() {
    let s = TestServer::seeded().await;
    let input = json!({"id": "person:grows", "name": "G",
                       "citations": [{"source": "source:background"}]});
    s.gql(CREATE, json!({ "i": input })).await;
    let e = s
        .gql_err(
            "mutation($d: String!) { updatePerson(id: \"person:grows\", patch: { description: $d }) { id } }",
            json!({ "d": "y".repeat(70_000) }),
        )
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{e}");
    assert_eq!(e["extensions"]["field"], "description", "{e}");
}

#[tokio::test]
async fn the_import_mutation_refuses_an_over_long_string_with_line_and_field() {
    let s = TestServer::empty().await;
    let doc = format!(
        "{{\"format\": \"attache/1\",\n\"nodes\": [\n{{\"id\": \"source:s\", \"name\": \"{}\"}}]}}",
        "z".repeat(70_000)
    );
    let e = s
        .gql_err(
            "mutation($d: String!) { import(document: $d, name: \"up.json\") { records } }",
            json!({ "d": doc }),
        )
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{e}");
    let p = &e["extensions"]["problems"][0];
    assert_eq!(
        (&p["file"], &p["line"], &p["record"], &p["field"]),
        (
            &json!("up.json"),
            &json!(3),
            &json!("source:s"),
            &json!("name")
        ),
        "{e}"
    );
}

#[tokio::test]
async fn the_import_mutation_refuses_a_long_document_name() {
    // The name is repeated in each of up to 1000 problems.
    let s = TestServer::empty().await;
    let e = s
        .gql_err(
            "mutation($n: String!) { import(document: \"{\", name: $n) { records } }",
            json!({ "n": "n".repeat(100_000) }),
        )
        .await;
    assert_eq!(e["extensions"]["code"], "INVALID_INPUT", "{e}");
    assert_eq!(e["extensions"]["field"], "name", "{e}");
}
