//! `/ready` beside `/health`: a node on its own is ready once it serves
//! (cluster mode's readiness, caught up within a lag, is in tests/cluster.rs).

mod common;

use common::TestServer;
use serde_json::Value;

#[tokio::test]
async fn a_node_on_its_own_is_ready_once_it_serves() {
    let s = TestServer::seeded().await;
    let r = s
        .client()
        .get(format!("{}/ready", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["ready"], true, "{body}");
}
