//! The neighbourhood of a big entity over HTTP: when `limit` cuts it short,
//! the relation kinds take turns, so every kind of relation still shows.

mod common;

use common::TestServer;
use serde_json::{json, Value};

/// `person:p` attended 20 meetings, spoke at one more and signed a document.
fn busy_person() -> String {
    let cite = json!([{ "source": "source:gen" }]);
    let mut nodes = vec![
        json!({ "id": "source:gen", "name": "Generated" }),
        json!({ "id": "person:p", "name": "P", "citations": cite }),
        json!({ "id": "meeting:spoken", "name": "Spoken", "citations": cite }),
        json!({ "id": "document:d", "name": "D", "citations": cite }),
    ];
    let mut rels = vec![
        json!({ "id": "rel:z-spoke", "kind": "spoke_at", "from": "person:p", "to": "meeting:spoken", "citations": cite }),
        json!({ "id": "rel:z-signed", "kind": "signed", "from": "person:p", "to": "document:d", "citations": cite }),
    ];
    for i in 0..20 {
        let m = format!("meeting:m{i:02}");
        nodes.push(json!({ "id": m, "name": format!("M{i}"), "citations": cite }));
        rels.push(json!({ "id": format!("rel:a{i:02}"), "kind": "attended", "from": "person:p", "to": m, "citations": cite }));
    }
    json!({ "format": "attache/1", "nodes": nodes, "relations": rels }).to_string()
}

#[tokio::test]
async fn a_neighbourhood_cut_by_its_limit_keeps_every_relation_kind() {
    let s = TestServer::empty().await;
    s.gql(
        "mutation($d: String!) { import(document: $d) { created } }",
        json!({ "d": busy_person() }),
    )
    .await;
    let d = s
        .gql(
            "{ neighborhood(id: \"person:p\", limit: 4) { nodes { id } relations { kind } truncated } }",
            json!({}),
        )
        .await;
    let n = &d["neighborhood"];
    assert_eq!(n["truncated"], true);
    let mut kinds: Vec<&str> = n["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r: &Value| r["kind"].as_str().unwrap())
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["ATTENDED", "SIGNED", "SPOKE_AT"], "{n}");
}
