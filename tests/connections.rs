//! Connections that hold a slot without using it are closed: one that sends
//! nothing or only part of its headers (header-read timeout), one idle between
//! keep-alive requests (idle timeout), one whose body trickles in (body
//! timeout); and past the connection cap the server stops accepting until a
//! slot frees. Raw TCP, so each test controls every byte.

mod common;

use std::time::{Duration, Instant};

use common::{TestServer, TOKEN};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const S: fn(f64) -> Duration = Duration::from_secs_f64;

fn options(max: usize, header: f64, idle: f64, body: f64) -> attache::http::Options {
    attache::http::Options {
        auth: attache::http::Auth::new([TOKEN.to_owned()], false, false),
        connections: attache::http::Connections {
            max_connections: max,
            header_read_timeout: S(header),
            idle_timeout: S(idle),
            body_timeout: S(body),
        },
        ..Default::default()
    }
}

async fn connect(s: &TestServer) -> TcpStream {
    TcpStream::connect(s.url.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads until the server closes the connection (or resets it); returns what
/// came and when the connection ended, or `None` if it was still open after
/// `within`.
async fn closed_within(c: &mut TcpStream, within: Duration) -> Option<(Vec<u8>, Instant)> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let end = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(end, c.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some((got, Instant::now())),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

const GET: &[u8] = b"GET /graphql?query=%7B__typename%7D HTTP/1.1\r\nHost: t\r\n\r\n";

/// Reads one response with a Content-Length from a kept-alive connection.
async fn read_response(c: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(S(5.0), c.read(&mut buf))
            .await
            .expect("a response")
            .unwrap();
        assert!(n > 0, "closed before a response");
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .expect("content-length");
            if body.len() >= len {
                return text;
            }
        }
    }
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_header_read_timeout() {
    let s = TestServer::with_options(options(64, 1.0, 30.0, 30.0)).await;
    let start = Instant::now();
    let mut c = connect(&s).await;
    let (_, at) = closed_within(&mut c, S(5.0))
        .await
        .expect("a silent connection was still open after 5 s");
    assert!(at - start >= S(0.9), "closed too early: {:?}", at - start);
}

#[tokio::test]
async fn a_connection_that_trickles_half_its_headers_is_closed_after_the_header_read_timeout() {
    let s = TestServer::with_options(options(64, 1.0, 30.0, 30.0)).await;
    let start = Instant::now();
    let mut c = connect(&s).await;
    c.write_all(b"POST /graphql HTTP/1.1\r\nHost: t\r\n")
        .await
        .unwrap();
    // One more header byte every 100 ms: activity, but never a whole head.
    let (mut r, mut w) = c.into_split();
    let trickle = tokio::spawn(async move {
        for b in b"X-Slow: ".iter().cycle() {
            if w.write_all(&[*b]).await.is_err() {
                break;
            }
            tokio::time::sleep(S(0.1)).await;
        }
    });
    let mut buf = [0u8; 1024];
    let ended = tokio::time::timeout(S(5.0), async {
        loop {
            match r.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
    trickle.abort();
    assert!(
        ended.is_ok(),
        "a half-sent request was still open after 5 s"
    );
    assert!(start.elapsed() >= S(0.9));
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    // The header-read timeout is long, so only the idle timeout can close it.
    let s = TestServer::with_options(options(64, 30.0, 1.0, 30.0)).await;
    let mut c = connect(&s).await;
    c.write_all(GET).await.unwrap();
    let first = read_response(&mut c).await;
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    // Still alive for a second request within the idle timeout.
    c.write_all(GET).await.unwrap();
    assert!(read_response(&mut c).await.starts_with("HTTP/1.1 200"));
    let idle_from = Instant::now();
    let (_, at) = closed_within(&mut c, S(5.0))
        .await
        .expect("an idle keep-alive connection was still open after 5 s");
    assert!(at - idle_from >= S(0.9), "closed too early");
}

#[tokio::test]
async fn a_body_that_trickles_in_is_cut_off_after_the_body_timeout() {
    let s = TestServer::with_options(options(64, 30.0, 30.0, 1.0)).await;
    let mut c = connect(&s).await;
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"query\": \""
    );
    c.write_all(head.as_bytes()).await.unwrap();
    let start = Instant::now();
    let (mut r, mut w) = c.into_split();
    let trickle = tokio::spawn(async move {
        loop {
            if w.write_all(b" ").await.is_err() {
                break;
            }
            tokio::time::sleep(S(0.1)).await;
        }
    });
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let ended = tokio::time::timeout(S(5.0), async {
        loop {
            match r.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    trickle.abort();
    assert!(
        ended.is_ok(),
        "a trickling body was still being read after 5 s"
    );
    assert!(start.elapsed() >= S(0.9));
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"code\":\"REQUEST_TIMEOUT\""), "{text}");
}

#[tokio::test]
async fn past_the_connection_cap_a_client_waits_until_a_timeout_frees_a_slot() {
    let s = TestServer::with_options(options(2, 1.5, 30.0, 30.0)).await;
    let _held = [connect(&s).await, connect(&s).await];
    tokio::time::sleep(S(0.2)).await; // both accepted and holding the slots
    let start = Instant::now();
    let mut c = connect(&s).await; // completes in the listen backlog
    c.write_all(GET).await.unwrap();
    let res = read_response(&mut c).await;
    let waited = start.elapsed();
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    assert!(
        waited >= S(1.0),
        "answered after {waited:?}, while both slots were taken"
    );
}

#[test]
fn a_connection_cap_above_the_file_limit_is_lowered_with_a_log_line() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--no-seed"])
        .env("ATTACHE_MAX_CONNECTIONS", "4000000000")
        .env("RUST_LOG", "warn")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if line.contains("--max-connections") {
                let _ = tx.send(line);
            }
        }
    });
    let line = rx.recv_timeout(S(30.0));
    child.kill().unwrap();
    child.wait().unwrap();
    let line = line.expect("no line about --max-connections");
    assert!(line.contains("lowered to"), "{line}");
}

#[test]
fn a_timeout_of_zero_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_attache"))
        .arg("--data")
        .arg(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--idle-timeout", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--idle-timeout must be a positive number"),
        "{err}"
    );
}

#[tokio::test]
async fn a_graceful_shutdown_does_not_wait_for_silent_or_idle_connections() {
    let mut s = TestServer::with_options(options(64, 30.0, 30.0, 30.0)).await;
    let _silent = connect(&s).await;
    let _half = {
        let mut c = connect(&s).await;
        c.write_all(b"P").await.unwrap(); // could be HTTP/2's preface
        c
    };
    let mut kept = connect(&s).await;
    kept.write_all(GET).await.unwrap();
    read_response(&mut kept).await;
    tokio::time::sleep(S(0.2)).await;
    let start = Instant::now();
    s.shutdown().await;
    assert!(
        start.elapsed() < S(2.0),
        "shutdown took {:?}",
        start.elapsed()
    );
}

/// Upgrades to a graphql-transport-ws WebSocket and then says nothing.
async fn silent_websocket(s: &TestServer) -> TcpStream {
    let mut c = connect(s).await;
    c.write_all(
        b"GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
          Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
          Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n",
    )
    .await
    .unwrap();
    let mut buf = [0u8; 1024];
    let n = tokio::time::timeout(S(5.0), c.read(&mut buf))
        .await
        .expect("an upgrade answer")
        .unwrap();
    let head = String::from_utf8_lossy(&buf[..n]).to_string();
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    c
}

#[tokio::test]
async fn a_websocket_that_never_sends_connection_init_is_closed_and_frees_its_slot() {
    let s = TestServer::with_options(options(2, 1.0, 30.0, 30.0)).await;
    let mut ws = [silent_websocket(&s).await, silent_websocket(&s).await];
    let closed = closed_within(&mut ws[0], S(5.0)).await;
    assert!(
        closed.is_some(),
        "a silent WebSocket was still open after 5 s"
    );
    let mut c = connect(&s).await;
    c.write_all(GET).await.unwrap();
    let res = read_response(&mut c).await;
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
}
