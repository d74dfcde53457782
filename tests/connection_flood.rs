//! A flood of idle connections does not lock out a fresh client. The test
//! process (server and clients both) runs with a file limit of 9,000, so
//! 5,000 idle client sockets leave the server fewer descriptors than it would
//! need to accept them all — as a server with a 4,096 limit faces 4,100 idle
//! sockets. Its own binary, as it lowers the process's file limit.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

const IDLE: usize = 5_000;

fn set_file_limit(soft: u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim), 0);
        assert!(
            lim.rlim_max >= soft,
            "the hard file limit is {}",
            lim.rlim_max
        );
        lim.rlim_cur = soft;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &lim), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_client_is_answered_while_5000_idle_sockets_are_held() {
    set_file_limit(9_000);
    let tmp = tempfile::tempdir().unwrap();
    let service = attache::service::Service::open(tmp.path()).unwrap();
    let options = attache::http::Options {
        connections: attache::http::Connections {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(1),
            ..Default::default()
        },
        ..Default::default()
    };
    // The server's own listener: its backlog is deep enough that every
    // connect completes at once, so the fresh client queues behind all the
    // idle ones.
    let listener = attache::http::listen("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(attache::http::run(listener, service, options, async {
        let _ = stopped.await;
    }));

    // The clients' descriptors are all taken first: the test is about the
    // server's descriptors, not the clients'.
    let fresh = TcpSocket::new_v4().unwrap();
    let sockets: Vec<TcpSocket> = (0..IDLE).map(|_| TcpSocket::new_v4().unwrap()).collect();
    let mut idle = Vec::with_capacity(IDLE);
    for socket in sockets {
        match tokio::time::timeout(Duration::from_secs(5), socket.connect(addr)).await {
            Ok(Ok(s)) => idle.push(s),
            other => panic!("idle connection {} failed: {other:?}", idle.len()),
        }
    }
    let start = Instant::now();
    let mut c = fresh.connect(addr).await.unwrap();
    let body = r#"{"query":"{ __typename }"}"#;
    let req = format!(
        "POST /graphql HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    c.write_all(req.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), c.read_to_end(&mut got)).await;
    let waited = start.elapsed();
    assert!(
        read.is_ok(),
        "no answer within 20 s while {IDLE} idle sockets were held"
    );
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(
        text.contains(r#"{"data":{"__typename":"Query"}}"#),
        "{text}"
    );
    eprintln!("answered after {waited:?} behind {IDLE} idle sockets");
    drop(idle);
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("shut down")
        .unwrap()
        .unwrap();
}
