//! `/ws` is a door to the data like `/graphql`: the same token for writes,
//! the same limits (fields, time, size), a browser `Origin` checked against
//! the CORS list, and the token never written to the log.

mod common;

use std::time::{Duration, Instant};

use attache::http::auth::Tokens;
use attache::http::{Auth, Limits, Options};
use common::{crowd, TestServer, TOKEN};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const MEETING: &str = "meeting:sco-prosecutors-general-20";

/// Opens `/ws` with graphql-transport-ws and these extra upgrade headers.
async fn open(url: &str, headers: &[(&str, &str)]) -> Result<Ws, String> {
    let url = url.replace("http://", "ws://") + "/ws";
    let mut req = url.into_client_request().unwrap();
    req.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    for (k, v) in headers {
        let name: tokio_tungstenite::tungstenite::http::HeaderName = k.parse().unwrap();
        req.headers_mut()
            .insert(name, v.parse().expect("header value"));
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => Err(r.status().to_string()),
        Err(e) => Err(e.to_string()),
    }
}

/// The next text message that is not a ping; `None` when the server closed.
async fn recv(ws: &mut Ws) -> Option<Value> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(20), ws.next())
            .await
            .expect("a message within 20 s");
        match msg {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["type"] != "ping" {
                    return Some(v);
                }
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

/// Connects, sends `connection_init` with `payload` and waits for the ack.
async fn connect(s: &TestServer, payload: Value) -> Ws {
    let mut ws = open(&s.url, &[]).await.expect("upgrade");
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": payload }).to_string(),
    ))
    .await
    .unwrap();
    let ack = recv(&mut ws).await;
    assert_eq!(
        ack.as_ref().map(|a| a["type"].clone()),
        Some(json!("connection_ack")),
        "{ack:?}"
    );
    ws
}

/// Runs one operation over the socket; returns the `next` payload (or the
/// whole message when it is something else).
async fn run(ws: &mut Ws, query: &str) -> Value {
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }).to_string(),
    ))
    .await
    .unwrap();
    let msg = recv(ws).await.expect("an answer before the socket closed");
    if msg["type"] == "next" {
        msg["payload"].clone()
    } else {
        msg
    }
}

fn delete_meeting() -> String {
    format!("mutation {{ deleteNode(id: \"{MEETING}\", cascade: true) {{ removed }} }}")
}

async fn meeting_exists(s: &TestServer) -> bool {
    s.gql(
        &format!("{{ node(id: \"{MEETING}\") {{ id }} }}"),
        json!({}),
    )
    .await["node"]
        .is_object()
}

fn code(v: &Value) -> Value {
    v["errors"][0]["extensions"]["code"].clone()
}

#[tokio::test]
async fn a_mutation_over_ws_without_a_token_is_refused_and_writes_nothing() {
    let s = TestServer::seeded().await;
    let mut ws = connect(&s, json!({})).await;
    let v = run(&mut ws, &delete_meeting()).await;
    assert_eq!(code(&v), "UNAUTHENTICATED", "{v}");
    assert!(v["data"].is_null(), "{v}");
    assert!(meeting_exists(&s).await);
}

#[tokio::test]
async fn a_mutation_over_ws_with_the_token_in_connection_init_works() {
    let s = TestServer::seeded().await;
    let mut ws = connect(&s, json!({ "authorization": format!("Bearer {TOKEN}") })).await;
    let v = run(&mut ws, &delete_meeting()).await;
    assert!(v["errors"].is_null(), "{v}");
    assert!(
        v["data"]["deleteNode"]["removed"].as_array().unwrap().len() > 1,
        "{v}"
    );
    assert!(!meeting_exists(&s).await);
}

#[tokio::test]
async fn a_mutation_over_ws_with_a_wrong_token_is_refused() {
    let s = TestServer::seeded().await;
    let mut ws = connect(&s, json!({ "token": "guess" })).await;
    let v = run(&mut ws, &delete_meeting()).await;
    assert_eq!(code(&v), "UNAUTHENTICATED", "{v}");
    assert!(meeting_exists(&s).await);
}

#[tokio::test]
async fn a_mutation_over_ws_on_a_server_with_no_token_is_forbidden() {
    let s = TestServer::with_options(Options::default()).await;
    let mut ws = connect(&s, json!({})).await;
    let v = run(&mut ws, &delete_meeting()).await;
    assert_eq!(code(&v), "FORBIDDEN", "{v}");
    assert!(meeting_exists(&s).await);
}

/// Runs one operation and waits for its end, so that the next one may reuse its id.
async fn run_to_end(ws: &mut Ws, query: &str) -> Value {
    let v = run(ws, query).await;
    if v.get("type").is_none() {
        let end = recv(ws).await.expect("the operation's end");
        assert_eq!(end["type"], "complete", "{end}");
    }
    v
}

/// A server with a reader token and an editor token, reads needing a token.
async fn with_roles() -> TestServer {
    let mut tokens = Tokens::default();
    tokens
        .add_list(&["ann:reader:ann-reads", "bob:editor:bob-edits"])
        .unwrap();
    TestServer::with_options(Options {
        auth: Auth::with_tokens(tokens, true, false),
        ..Default::default()
    })
    .await
}

#[tokio::test]
async fn a_reader_token_over_ws_reads_but_its_mutation_is_forbidden() {
    let s = with_roles().await;
    let mut ws = connect(&s, json!({ "token": "ann-reads" })).await;
    let v = run_to_end(&mut ws, "{ counts { nodes } }").await;
    assert!(v["data"]["counts"]["nodes"].is_number(), "{v}");
    let v = run_to_end(&mut ws, &delete_meeting()).await;
    assert_eq!(code(&v), "FORBIDDEN", "{v}");
    assert!(v["data"].is_null(), "{v}");
    let mut editor = connect(&s, json!({ "token": "bob-edits" })).await;
    let still = run_to_end(
        &mut editor,
        &format!("{{ node(id: \"{MEETING}\") {{ id }} }}"),
    )
    .await;
    assert_eq!(still["data"]["node"]["id"], MEETING, "{still}");
}

#[tokio::test]
async fn an_editor_token_over_ws_writes() {
    let s = with_roles().await;
    let mut ws = connect(&s, json!({ "authorization": "Bearer bob-edits" })).await;
    let v = run_to_end(&mut ws, &delete_meeting()).await;
    assert!(v["errors"].is_null(), "{v}");
    let v = run_to_end(&mut ws, &format!("{{ node(id: \"{MEETING}\") {{ id }} }}")).await;
    assert!(v["data"]["node"].is_null(), "{v}");
}

fn limited(limits: Limits) -> Options {
    Options {
        auth: Auth::new([TOKEN.to_owned()], false, false),
        limits,
        ..Default::default()
    }
}

#[tokio::test]
async fn too_many_fields_over_ws_are_refused() {
    let s = TestServer::with_options(limited(Limits {
        max_fields: 50,
        ..Default::default()
    }))
    .await;
    let mut ws = connect(&s, json!({})).await;
    let aliases: String = (0..60)
        .map(|i| format!("a{i}: counts {{ nodes }} "))
        .collect();
    let v = run(&mut ws, &format!("{{ {aliases} }}")).await;
    assert_eq!(code(&v), "BAD_REQUEST", "{v}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("more than 50 fields"),
        "{v}"
    );
}

#[tokio::test]
async fn introspection_switched_off_is_off_over_ws_too() {
    let s = TestServer::with_options(limited(Limits {
        introspection: false,
        ..Default::default()
    }))
    .await;
    let mut ws = connect(&s, json!({})).await;
    let v = run(&mut ws, "{ __schema { queryType { name } } }").await;
    assert!(v["data"]["__schema"].is_null(), "{v}");
    assert!(code(&v).is_string(), "{v}");
}

#[tokio::test]
async fn a_query_over_the_time_limit_over_ws_is_stopped() {
    let s = TestServer::with_options(limited(Limits {
        query_timeout: Duration::from_millis(1),
        ..Default::default()
    }))
    .await;
    s.gql(
        "mutation($d: String!) { import(document: $d) { created } }",
        json!({ "d": crowd() }),
    )
    .await;
    let mut ws = connect(&s, json!({})).await;
    let v = run(
        &mut ws,
        "{ centrality(measure: BETWEENNESS, from: \"2020\") { networkNodes } }",
    )
    .await;
    assert_eq!(code(&v), "TIMEOUT", "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversize_ws_message_is_refused_without_stalling_http() {
    let s = TestServer::with_options(limited(Limits {
        max_body: 64 * 1024,
        ..Default::default()
    }))
    .await;
    let mut ws = connect(&s, json!({})).await;
    let query = format!("{{ counts {{ nodes }} }} # {}", "x".repeat(4 << 20));
    let msg = json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }).to_string();
    let _ = ws.send(Message::text(msg)).await;
    let t0 = Instant::now();
    let v = s.gql("{ counts { nodes } }", json!({})).await;
    assert!(v["counts"]["nodes"].is_number());
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    // The socket is closed; the oversize operation never ran.
    let answer = recv(&mut ws).await;
    assert!(answer.is_none(), "{answer:?}");
}

#[tokio::test]
async fn a_foreign_origin_is_refused_at_ws() {
    let s = TestServer::seeded().await;
    let r = open(&s.url, &[("Origin", "https://evil.example")]).await;
    assert_eq!(r.err().as_deref(), Some("403 Forbidden"));
}

#[tokio::test]
async fn the_same_origin_and_listed_origins_are_accepted_at_ws() {
    let s = TestServer::with_options(Options {
        auth: Auth::new([TOKEN.to_owned()], false, false),
        cors_origins: vec!["https://dashboard.example".into()],
        ..Default::default()
    })
    .await;
    assert!(open(&s.url, &[("Origin", &s.url)]).await.is_ok());
    assert!(open(&s.url, &[("Origin", "https://dashboard.example")])
        .await
        .is_ok());
    assert!(open(&s.url, &[("Origin", "https://evil.example")])
        .await
        .is_err());
}

#[test]
fn the_token_never_reaches_the_log_even_at_trace() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};
    let secret = "sekrit-token-4242-do-not-log";
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--no-seed"])
        .env("RUST_LOG", "trace")
        .env("ATTACHE_TOKENS", secret)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut log = String::new();
    let url = loop {
        let mut line = String::new();
        assert!(
            err.read_line(&mut line).unwrap() > 0,
            "server exited: {log}"
        );
        log.push_str(&line);
        if let Some(rest) = line.split("at http://").nth(1) {
            break format!("http://{}", rest.split('/').next().unwrap());
        }
    };
    let reader = std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = err.read_to_string(&mut rest);
        rest
    });
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let auth = format!("Bearer {secret}");
        let mut ws = open(&url, &[("Authorization", &auth)]).await.unwrap();
        ws.send(Message::text(
            json!({ "type": "connection_init", "payload": { "authorization": auth } }).to_string(),
        ))
        .await
        .unwrap();
        assert_eq!(recv(&mut ws).await.unwrap()["type"], "connection_ack");
        let v = run(&mut ws, "{ counts { nodes } }").await;
        assert!(v["data"]["counts"].is_object(), "{v}");
        let _ = ws.close(None).await;
        let r = reqwest::Client::new()
            .post(format!("{url}/graphql"))
            .header("Authorization", &auth)
            .json(&json!({ "query": "{ counts { nodes } }" }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    });
    std::thread::sleep(Duration::from_millis(300));
    let _ = child.kill();
    let _ = child.wait();
    log.push_str(&reader.join().unwrap());
    assert!(log.lines().count() > 5, "trace logging is on: {log}");
    assert!(!log.contains(secret), "the token was logged");
}
