//! Tokens have names and roles: a reader token reads, an editor or admin
//! token also writes, and a bare token (the format before roles) is an
//! editor. Over HTTP (POST and GET) here; over `/ws` in `ws_guard.rs`. A bad
//! token entry stops the server at start-up, saying where, never what the
//! token is.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use attache::http::auth::Tokens;
use attache::http::{Auth, Options};
use common::{serve_binary_with, text, TestServer};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The token file of these tests: one token of each role, and a bare one.
const TOKEN_FILE: &str = "\
# name  role    token
ann     reader  ann-reads-0123
bob     editor  bob-edits-4567
carla   admin   carla-runs-89ab
legacy-bare-token-cdef
";
const READER: &str = "ann-reads-0123";
const EDITOR: &str = "bob-edits-4567";
const ADMIN: &str = "carla-runs-89ab";
const BARE: &str = "legacy-bare-token-cdef";

const CREATE: &str = "mutation { createPerson(input: { id: \"person:by-role\", name: \"R\", citations: [{ source: \"source:background\" }] }) { id } }";

/// A seeded server with the tokens of [`TOKEN_FILE`].
async fn server(reads_need_token: bool) -> TestServer {
    let mut tokens = Tokens::default();
    tokens
        .add_file(Path::new("tokens"), TOKEN_FILE)
        .expect("the test token file is valid");
    TestServer::with_options(Options {
        auth: Auth::with_tokens(tokens, reads_need_token, false),
        ..Default::default()
    })
    .await
}

async fn post(url: &str, query: &str, token: &str) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .post(format!("{url}/graphql"))
        .header(CONTENT_TYPE, "application/json")
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .body(json!({ "query": query }).to_string())
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

async fn created(s: &TestServer) -> bool {
    let (_, v) = post(&s.url, "{ person(id: \"person:by-role\") { id } }", ADMIN).await;
    v["data"]["person"].is_object()
}

#[tokio::test]
async fn a_reader_token_reads_when_reads_need_a_token() {
    let s = server(true).await;
    let (st, v) = post(&s.url, "{ counts { nodes } }", READER).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(v["data"]["counts"]["nodes"].as_u64().unwrap() > 0, "{v}");
}

#[tokio::test]
async fn a_reader_token_reads_by_get_when_reads_need_a_token() {
    let s = server(true).await;
    let r = reqwest::Client::new()
        .get(format!("{}/graphql", s.url))
        .query(&[("query", "{ counts { nodes } }")])
        .header(AUTHORIZATION, format!("Bearer {READER}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert!(v["data"]["counts"]["nodes"].is_number(), "{v}");
}

#[tokio::test]
async fn a_mutation_with_a_reader_token_is_403_naming_the_role_needed_and_writes_nothing() {
    let s = server(false).await;
    let (st, v) = post(&s.url, CREATE, READER).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["errors"][0]["extensions"]["code"], "FORBIDDEN", "{v}");
    let message = v["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("editor or admin"), "{message}");
    assert!(!message.contains(READER), "{message}");
    assert!(!created(&s).await);
}

#[tokio::test]
async fn a_reader_token_may_not_export() {
    let s = server(false).await;
    let (_, v) = post(&s.url, "{ export }", READER).await;
    assert_eq!(v["errors"][0]["extensions"]["code"], "FORBIDDEN", "{v}");
    assert!(v["data"]["export"].is_null(), "{v}");
}

#[tokio::test]
async fn an_editor_token_writes() {
    let s = server(false).await;
    let (st, v) = post(&s.url, CREATE, EDITOR).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["createPerson"]["id"], "person:by-role", "{v}");
    assert!(created(&s).await);
}

#[tokio::test]
async fn an_admin_token_writes() {
    let s = server(false).await;
    let (_, v) = post(&s.url, CREATE, ADMIN).await;
    assert_eq!(v["data"]["createPerson"]["id"], "person:by-role", "{v}");
}

#[tokio::test]
async fn a_bare_token_line_still_writes() {
    let s = server(true).await;
    let (st, v) = post(&s.url, CREATE, BARE).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["createPerson"]["id"], "person:by-role", "{v}");
}

#[tokio::test]
async fn named_tokens_in_attache_tokens_have_their_roles() {
    let data = tempfile::tempdir().unwrap();
    let tokens = format!("ann:reader:{READER}, bob:editor:{EDITOR}");
    let mut server = serve_binary_with(data.path(), &[("ATTACHE_TOKENS", tokens.as_str())]);
    // The binary listens with --open-writes; a reader token still may not write.
    let (st, v) = post(&server.url, CREATE, READER).await;
    let (st2, v2) = post(&server.url, CREATE, EDITOR).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(st2, StatusCode::OK, "{v2}");
    assert_eq!(v2["data"]["createPerson"]["id"], "person:by-role", "{v2}");
}

/// Starts `attache serve` with this token file; returns its exit status
/// (false when it had to be stopped, having started) and what it printed.
fn serve_with_token_file(file: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens");
    std::fs::write(&path, file).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(dir.path().join("store"))
        .args([
            "serve",
            "--no-seed",
            "--listen",
            "127.0.0.1:0",
            "--token-file",
        ])
        .arg(&path)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A server that accepts the file keeps running: stop it rather than hang.
    let deadline = Instant::now() + Duration::from_secs(60);
    let refused = loop {
        if child.try_wait().unwrap().is_some() {
            break true;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            break false;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = child.wait_with_output().unwrap();
    (refused && !out.status.success(), text(&out.stderr))
}

#[test]
fn a_token_file_with_an_unknown_role_stops_the_server_naming_file_and_line() {
    let (refused, err) = serve_with_token_file("ann reader tok-a\nbob writer s3cret-b\n");
    assert!(refused, "the server started: {err}");
    assert!(err.contains("/tokens, line 2"), "{err}");
    assert!(err.contains("unknown role"), "{err}");
    assert!(!err.contains("s3cret"), "{err}");
}

#[test]
fn a_token_file_with_a_repeated_name_stops_the_server() {
    let (refused, err) = serve_with_token_file("ann reader tok-a\nann editor s3cret-b\n");
    assert!(refused, "the server started: {err}");
    assert!(
        err.contains("line 2: the name `ann` is given already"),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");
}

/// The change log names the token that made a write: its name, never the
/// token; the seed loaded at start-up is the seed's.
#[tokio::test]
async fn a_write_is_recorded_under_its_tokens_name() {
    let mut s = server(false).await;
    let (_, v) = post(&s.url, CREATE, EDITOR).await;
    assert_eq!(v["data"]["createPerson"]["id"], "person:by-role", "{v}");
    s.shutdown().await;
    let service = attache::service::Service::open(&s.dir).unwrap();
    let g = service.graph();
    let seed = service.change_set(&g, 1).unwrap().unwrap();
    assert_eq!((seed.actor.as_str(), seed.op.as_str()), ("seed", "seed"));
    let last = service.change_set(&g, g.log_seq()).unwrap().unwrap();
    assert_eq!(last.actor, "bob");
    let entries = service.change_entries(&g, last.seq).unwrap();
    assert_eq!(entries[0].id, "person:by-role");
}
