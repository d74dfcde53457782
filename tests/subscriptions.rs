//! Live updates over WebSocket with a real graphql-transport-ws client: a
//! subscriber hears about committed writes, filtered by kind or id.

mod common;

use std::time::Duration;

use common::TestServer;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn recv(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("a message within 10 s")
            .expect("stream open")
            .expect("no error");
        if let Message::Text(t) = msg {
            let v: Value = serde_json::from_str(&t).unwrap();
            if v["type"] != "ping" {
                return v;
            }
        }
    }
}

/// Connects with the graphql-transport-ws subprotocol and subscribes.
async fn subscribe(s: &TestServer, query: &str) -> Ws {
    subscribe_with(s, query, json!({})).await
}

/// [`subscribe`] with variables.
async fn subscribe_with(s: &TestServer, query: &str, variables: Value) -> Ws {
    let url = s.url.replace("http://", "ws://") + "/ws";
    let mut req = url.into_client_request().unwrap();
    req.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut ws, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(
        resp.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    ws.send(Message::text(
        json!({ "type": "connection_init", "payload": {} }).to_string(),
    ))
    .await
    .unwrap();
    assert_eq!(recv(&mut ws).await["type"], "connection_ack");
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": variables } })
            .to_string(),
    ))
    .await
    .unwrap();
    // Give the server a moment to register the subscription before writing.
    tokio::time::sleep(Duration::from_millis(200)).await;
    ws
}

fn person(id: &str) -> Value {
    json!({ "i": { "id": id, "name": "Live", "citations": [{ "source": "source:background" }] } })
}

#[tokio::test]
async fn a_subscriber_hears_a_created_person() {
    let s = TestServer::seeded().await;
    let mut ws = subscribe(&s, "subscription { changes { kind id entity } }").await;
    s.gql(
        "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
        person("person:live-1"),
    )
    .await;
    let msg = recv(&mut ws).await;
    assert_eq!(msg["type"], "next");
    assert_eq!(msg["id"], "1");
    assert_eq!(
        msg["payload"]["data"]["changes"],
        json!({ "kind": "CREATED", "id": "person:live-1", "entity": "person" })
    );
}

#[tokio::test]
async fn a_subscription_filtered_by_kind_skips_other_kinds() {
    let s = TestServer::seeded().await;
    let mut ws = subscribe(
        &s,
        "subscription { changes(entities: [\"attended\"]) { kind id entity } }",
    )
    .await;
    s.gql(
        "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
        person("person:live-2"),
    )
    .await;
    s.gql(
        "mutation { link(input: { id: \"rel:live-2-attended\", kind: ATTENDED, from: \"person:live-2\", to: \"meeting:sco-prosecutors-general-20\" }) { id } }",
        json!({}),
    )
    .await;
    let msg = recv(&mut ws).await;
    assert_eq!(
        msg["payload"]["data"]["changes"],
        json!({ "kind": "CREATED", "id": "rel:live-2-attended", "entity": "attended" })
    );
}

#[tokio::test]
async fn a_subscription_filtered_by_id_hears_updates_and_deletes_of_that_record() {
    let s = TestServer::seeded().await;
    s.gql(
        "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
        person("person:live-3"),
    )
    .await;
    let mut ws = subscribe(
        &s,
        "subscription { changes(ids: [\"person:live-3\"]) { kind id } }",
    )
    .await;
    s.gql(
        "mutation { updatePerson(id: \"person:live-3\", patch: { name: \"Renamed\" }) { id } }",
        json!({}),
    )
    .await;
    s.gql(
        "mutation { deletePerson(id: \"person:live-3\") { id } }",
        json!({}),
    )
    .await;
    assert_eq!(
        recv(&mut ws).await["payload"]["data"]["changes"]["kind"],
        "UPDATED"
    );
    assert_eq!(
        recv(&mut ws).await["payload"]["data"]["changes"]["kind"],
        "DELETED"
    );
}

#[tokio::test]
async fn a_refused_write_announces_nothing() {
    let s = TestServer::seeded().await;
    let mut ws = subscribe(&s, "subscription { changes { kind id } }").await;
    let err = s
        .gql_err(
            "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
            person("person:berik-asylov"),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "CONFLICT");
    s.gql(
        "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
        person("person:live-4"),
    )
    .await;
    assert_eq!(
        recv(&mut ws).await["payload"]["data"]["changes"]["id"],
        "person:live-4"
    );
}

#[tokio::test]
async fn when_reads_need_a_token_the_websocket_needs_it_in_connection_init() {
    use attache::http::{Auth, Options};
    let s = TestServer::with_options(Options {
        auth: Auth::new([common::TOKEN.to_owned()], true, false),
        ..Default::default()
    })
    .await;
    let url = s.url.replace("http://", "ws://") + "/ws";
    for (payload, accepted) in [
        (json!({}), false),
        (
            json!({ "authorization": format!("Bearer {}", common::TOKEN) }),
            true,
        ),
    ] {
        let mut req = url.clone().into_client_request().unwrap();
        req.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        ws.send(Message::text(
            json!({ "type": "connection_init", "payload": payload }).to_string(),
        ))
        .await
        .unwrap();
        let answer = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .unwrap();
        let acked = matches!(&answer, Some(Ok(Message::Text(t))) if t.contains("connection_ack"));
        assert_eq!(acked, accepted, "{payload}: {answer:?}");
    }
}

#[tokio::test]
async fn a_graceful_shutdown_does_not_wait_for_open_subscriptions() {
    let mut s = TestServer::seeded().await;
    let _ws = subscribe(&s, "subscription { changes { id } }").await;
    tokio::time::timeout(Duration::from_secs(10), s.shutdown())
        .await
        .expect("shutdown finished while a subscriber was still connected");
}

async fn create(s: &TestServer, id: &str) {
    s.gql(
        "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
        person(id),
    )
    .await;
}

/// The next `changes` event: (seq, kind, id); panics on an error.
async fn event(ws: &mut Ws) -> (u64, String, String) {
    let msg = recv(ws).await;
    let c = &msg["payload"]["data"]["changes"];
    assert!(c.is_object(), "an event: {msg}");
    (
        c["seq"].as_u64().unwrap(),
        c["kind"].as_str().unwrap().to_owned(),
        c["id"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn every_event_carries_its_change_set_and_the_record() {
    let (s, service, _tmp) = served().await;
    let mut ws = subscribe(
        &s,
        "subscription { changes { seq index kind id entity record } }",
    )
    .await;
    create(&s, "person:live-5").await;
    let c = recv(&mut ws).await["payload"]["data"]["changes"].clone();
    assert_eq!(c["seq"], service.published_seq(), "{c}");
    assert_eq!(c["index"], 0);
    assert_eq!(c["record"]["id"], "person:live-5");
    assert_eq!(c["record"]["name"], "Live");
}

#[tokio::test]
async fn a_subscription_resumed_after_a_disconnect_gets_exactly_the_missed_events_then_live_ones() {
    let s = TestServer::seeded().await;
    let q = "subscription($after: Int) { changes(after: $after, entities: [\"person\"]) { seq kind id } }";
    let mut ws = subscribe_with(&s, q, json!({})).await;
    create(&s, "person:resume-1").await;
    let (seen, _, id) = event(&mut ws).await;
    assert_eq!(id, "person:resume-1");
    ws.close(None).await.unwrap();
    drop(ws);

    // Written while nobody listens.
    create(&s, "person:resume-2").await;
    s.gql(
        "mutation { updatePerson(id: \"person:resume-2\", patch: { name: \"Renamed\" }) { id } }",
        json!({}),
    )
    .await;
    create(&s, "person:resume-3").await;

    let mut ws = subscribe_with(&s, q, json!({ "after": seen })).await;
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(event(&mut ws).await);
    }
    let (ids, kinds): (Vec<_>, Vec<_>) =
        got.iter().map(|(_, k, i)| (i.as_str(), k.as_str())).unzip();
    assert_eq!(
        ids,
        ["person:resume-2", "person:resume-2", "person:resume-3"]
    );
    assert_eq!(kinds, ["CREATED", "UPDATED", "CREATED"]);
    let seqs: Vec<u64> = got.iter().map(|e| e.0).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]) && seqs[0] > seen,
        "{seqs:?}"
    );
    // Then live, with nothing repeated at the seam.
    create(&s, "person:resume-4").await;
    let (live, kind, id) = event(&mut ws).await;
    assert_eq!((kind.as_str(), id.as_str()), ("CREATED", "person:resume-4"));
    assert_eq!(live, seqs[2] + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_subscriber_gets_every_event_in_order() {
    const WRITES: usize = 2000;
    let s = TestServer::seeded().await;
    let mut ws = subscribe(
        &s,
        "subscription { changes(entities: [\"person\"]) { seq id } }",
    )
    .await;
    // The subscriber reads nothing while the writes land, eight at a time.
    let mut tasks = tokio::task::JoinSet::new();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for _ in 0..8 {
        let (client, url, next) = (s.client().clone(), s.url.clone(), next.clone());
        tasks.spawn(async move {
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= WRITES {
                    return;
                }
                let body: Value = client
                    .post(format!("{url}/graphql"))
                    .json(&json!({
                        "query": "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
                        "variables": person(&format!("person:slow-{n}")),
                    }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert!(body.get("errors").is_none(), "{body}");
            }
        });
    }
    while let Some(t) = tasks.join_next().await {
        t.unwrap();
    }
    let mut seqs = Vec::with_capacity(WRITES);
    let mut ids = std::collections::HashSet::new();
    for _ in 0..WRITES {
        let c = recv(&mut ws).await["payload"]["data"]["changes"].clone();
        seqs.push(c["seq"].as_u64().expect("an event"));
        assert!(
            ids.insert(c["id"].as_str().unwrap().to_owned()),
            "twice: {c}"
        );
    }
    assert!(
        seqs.windows(2).all(|w| w[0] + 1 == w[1]),
        "not in order, or a gap"
    );
    assert!((0..WRITES).all(|n| ids.contains(&format!("person:slow-{n}"))));
}

/// A seeded server and a handle on its service, to read and compact its log.
async fn served() -> (TestServer, attache::service::Service, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let service = attache::service::Service::open_async(
        tmp.path(),
        attache::store::CACHE_BYTES,
        attache::model::SizeLimits::default(),
    )
    .await
    .unwrap();
    attache::import::seed_if_new(&service).await.unwrap();
    let options = attache::http::Options {
        auth: attache::http::Auth::new([common::TOKEN.to_owned()], false, false),
        ..Default::default()
    };
    let s = TestServer::serve(service.clone(), tmp.path(), options).await;
    (s, service, tmp)
}

#[tokio::test]
async fn a_subscriber_whose_next_change_set_was_compacted_is_told_lagged_with_where_to_resume() {
    let (s, service, _tmp) = served().await;
    let mut seqs = Vec::new();
    for n in 0..3 {
        create(&s, &format!("person:old-{n}")).await;
        seqs.push(service.published_seq());
    }
    service.store().compact(seqs[1]).unwrap();

    let q = "subscription($after: Int) { changes(after: $after) { seq kind id } }";
    let mut ws = subscribe_with(&s, q, json!({ "after": seqs[0] })).await;
    let msg = recv(&mut ws).await;
    let err = &msg["payload"]["errors"][0];
    assert_eq!(err["extensions"]["code"], "LAGGED", "{msg}");
    assert_eq!(err["extensions"]["missed"], seqs[0] + 1);
    assert_eq!(err["extensions"]["resumeAfter"], seqs[1]);
    assert_eq!(err["extensions"]["oldest"], seqs[1] + 1);
    assert_eq!(
        recv(&mut ws).await["type"],
        "complete",
        "the subscription ends"
    );

    // Resuming where it says gives what the log keeps.
    let mut ws = subscribe_with(&s, q, json!({ "after": seqs[1] })).await;
    let (seq, _, id) = event(&mut ws).await;
    assert_eq!((seq, id.as_str()), (seqs[2], "person:old-2"));
}

#[tokio::test]
async fn a_subscription_after_a_change_set_not_yet_written_is_refused() {
    let s = TestServer::seeded().await;
    let mut ws = subscribe_with(
        &s,
        "subscription { changes(after: 1000000) { seq } }",
        json!({}),
    )
    .await;
    let msg = recv(&mut ws).await;
    assert_eq!(
        msg["payload"]["errors"][0]["extensions"]["code"], "INVALID_INPUT",
        "{msg}"
    );
}
