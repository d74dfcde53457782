//! `/metrics` in the Prometheus text format, scraped from a real server and
//! read with a strict parser (`common::prom`): each test scrapes, sends
//! requests, scrapes again and sees its values move.

mod common;

use common::prom::{parse, Scrape};
use common::{TestServer, TOKEN};
use serde_json::json;

async fn scrape(s: &TestServer) -> Scrape {
    let res = s
        .client()
        .get(format!("{}/metrics", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    parse(&res.text().await.unwrap())
}

#[tokio::test]
async fn requests_are_counted_by_operation_name_and_status_with_their_latency() {
    let s = TestServer::seeded().await;
    let labels = [
        ("route", "/graphql"),
        ("operation", "Counts"),
        ("status", "200"),
    ];
    let before = scrape(&s).await;
    for _ in 0..2 {
        s.gql("query Counts { counts { nodes } }", json!({})).await;
    }
    let after = scrape(&s).await;
    let name = "attache_http_requests_total";
    assert_eq!(after.get(name, &labels) - before.get(name, &labels), 2.0);
    let latency = [("route", "/graphql"), ("operation", "Counts")];
    let count = "attache_http_request_duration_seconds_count";
    assert_eq!(
        after.get(count, &latency) - before.get(count, &latency),
        2.0
    );
    let inf = [
        ("route", "/graphql"),
        ("operation", "Counts"),
        ("le", "+Inf"),
    ];
    let bucket = "attache_http_request_duration_seconds_bucket";
    assert_eq!(after.get(bucket, &inf), after.get(count, &latency));
}

#[tokio::test]
async fn an_anonymous_operation_is_counted_as_anonymous() {
    let s = TestServer::seeded().await;
    let labels = [
        ("route", "/graphql"),
        ("operation", "anonymous"),
        ("status", "200"),
    ];
    let before = scrape(&s).await;
    s.gql("{ counts { nodes } }", json!({})).await;
    let after = scrape(&s).await;
    let name = "attache_http_requests_total";
    assert_eq!(after.get(name, &labels) - before.get(name, &labels), 1.0);
}

#[tokio::test]
async fn errors_are_counted_by_code() {
    let s = TestServer::seeded().await;
    let name = "attache_graphql_errors_total";
    let code = [("code", "GRAPHQL_VALIDATION_FAILED")];
    let before = scrape(&s).await;
    s.gql_err("{ noSuchField }", json!({})).await;
    let after = scrape(&s).await;
    assert_eq!(after.get(name, &code) - before.get(name, &code), 1.0);
}

#[tokio::test]
async fn a_request_over_a_limit_is_counted_under_the_limits_name() {
    let s = TestServer::seeded().await;
    let name = "attache_limits_hit_total";
    let limit = [("limit", "maxBatch")];
    let before = scrape(&s).await;
    let batch: Vec<_> = (0..11)
        .map(|_| json!({ "query": "{ counts { nodes } }" }))
        .collect();
    let res = s
        .client()
        .post(format!("{}/graphql", s.url))
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let after = scrape(&s).await;
    assert_eq!(after.get(name, &limit) - before.get(name, &limit), 1.0);
}

#[tokio::test]
async fn writes_are_counted_with_their_change_set_sizes_and_the_graph_grows() {
    let s = TestServer::seeded().await;
    let before = scrape(&s).await;
    s.gql(
        "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
        json!({ "i": { "id": "person:metered", "name": "Metered", "citations": [{ "source": "source:background" }] } }),
    )
    .await;
    let after = scrape(&s).await;
    let sets = "attache_change_sets_total";
    assert_eq!(
        after.get(sets, &[("op", "write")]) - before.get(sets, &[("op", "write")]),
        1.0
    );
    let sizes = "attache_change_set_records_count";
    assert_eq!(after.get(sizes, &[]) - before.get(sizes, &[]), 1.0);
    let one = "attache_change_set_records_bucket";
    assert_eq!(
        after.get(one, &[("le", "1")]) - before.get(one, &[("le", "1")]),
        1.0
    );
    let nodes = "attache_graph_nodes";
    assert_eq!(after.get(nodes, &[]) - before.get(nodes, &[]), 1.0);
    assert_eq!(
        after.get("attache_last_change_set", &[]) - before.get("attache_last_change_set", &[]),
        1.0
    );
}

#[tokio::test]
async fn the_store_size_on_disk_and_the_graph_counts_are_reported() {
    let s = TestServer::seeded().await;
    let counts = s.gql("{ counts { nodes relations } }", json!({})).await;
    let m = scrape(&s).await;
    assert!(m.get("attache_store_size_bytes", &[]) > 0.0);
    assert_eq!(
        m.get("attache_graph_nodes", &[]),
        counts["counts"]["nodes"].as_f64().unwrap()
    );
    assert_eq!(
        m.get("attache_graph_relations", &[]),
        counts["counts"]["relations"].as_f64().unwrap()
    );
    assert_eq!(
        m.types["attache_http_request_duration_seconds"],
        "histogram"
    );
}

#[tokio::test]
async fn open_subscriptions_are_counted_until_they_close() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Message;
    let s = TestServer::seeded().await;
    let gauge = |m: &Scrape| m.get("attache_subscriptions", &[]);
    assert_eq!(gauge(&scrape(&s).await), 0.0);
    let mut req = (s.url.replace("http://", "ws://") + "/ws")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    let init = json!({ "type": "connection_init", "payload": {} });
    ws.send(Message::text(init.to_string())).await.unwrap();
    let subscribe = json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { changes { id } }" } });
    ws.send(Message::text(subscribe.to_string())).await.unwrap();
    let mut open = 0.0;
    for _ in 0..100 {
        open = gauge(&scrape(&s).await);
        if open == 1.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(open, 1.0);
    let complete = json!({ "id": "1", "type": "complete" });
    ws.send(Message::text(complete.to_string())).await.unwrap();
    let _ = ws.close(None).await;
    while ws.next().await.is_some() {}
    let mut closed = 1.0;
    for _ in 0..100 {
        closed = gauge(&scrape(&s).await);
        if closed == 0.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(closed, 0.0);
}

#[tokio::test]
async fn metrics_on_the_main_listener_need_a_token() {
    let s = TestServer::seeded().await;
    let res = reqwest::get(format!("{}/metrics", s.url)).await.unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.headers().contains_key("www-authenticate"));
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let with = reqwest::Client::new()
        .get(format!("{}/metrics", s.url))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), 200);
}

#[tokio::test]
async fn the_private_metrics_listener_serves_the_same_metrics_without_a_token() {
    let tmp = tempfile::tempdir().unwrap();
    let service = attache::service::Service::open_async(
        tmp.path(),
        attache::store::CACHE_BYTES,
        attache::model::SizeLimits::default(),
    )
    .await
    .unwrap();
    attache::import::seed_if_new(&service).await.unwrap();
    let metrics = attache::metrics::Metrics::new();
    let options = attache::http::Options {
        auth: attache::http::Auth::new([TOKEN.to_owned()], false, false),
        metrics: metrics.clone(),
        ..Default::default()
    };
    let s = TestServer::serve(service.clone(), tmp.path(), options).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let private = format!("http://{}/metrics", listener.local_addr().unwrap());
    tokio::spawn(attache::http::serve_metrics(
        listener,
        service,
        metrics,
        std::future::pending(),
    ));
    s.gql("query Seen { counts { nodes } }", json!({})).await;
    let res = reqwest::get(&private).await.unwrap();
    assert_eq!(res.status(), 200);
    let m = parse(&res.text().await.unwrap());
    let seen = [
        ("route", "/graphql"),
        ("operation", "Seen"),
        ("status", "200"),
    ];
    assert_eq!(m.get("attache_http_requests_total", &seen), 1.0);
    let other = reqwest::get(private.replace("/metrics", "/graphql"))
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
}

#[tokio::test]
async fn a_connection_closed_for_sending_no_request_head_counts_as_a_limit_hit() {
    use tokio::io::AsyncReadExt;
    let options = attache::http::Options {
        auth: attache::http::Auth::new([TOKEN.to_owned()], false, false),
        connections: attache::http::Connections {
            header_read_timeout: std::time::Duration::from_millis(200),
            ..Default::default()
        },
        ..Default::default()
    };
    let s = TestServer::with_options(options).await;
    let name = "attache_limits_hit_total";
    let limit = [("limit", "headerReadTimeout")];
    let before = scrape(&s).await;
    let mut silent = tokio::net::TcpStream::connect(s.url.trim_start_matches("http://"))
        .await
        .unwrap();
    // The server closes it: the read ends.
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(std::time::Duration::from_secs(30), silent.read(&mut buf))
        .await
        .expect("closed by the server")
        .unwrap_or(0);
    assert_eq!(n, 0);
    let after = scrape(&s).await;
    assert_eq!(after.get(name, &limit) - before.get(name, &limit), 1.0);
}
