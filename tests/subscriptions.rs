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
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }).to_string(),
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
        "mutation($i: NodeInput!) { createPerson(input: $i) { id } }",
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
        "mutation($i: NodeInput!) { createPerson(input: $i) { id } }",
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
        "mutation($i: NodeInput!) { createPerson(input: $i) { id } }",
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
            "mutation($i: NodeInput!) { createPerson(input: $i) { id } }",
            person("person:berik-asylov"),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "CONFLICT");
    s.gql(
        "mutation($i: NodeInput!) { createPerson(input: $i) { id } }",
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
