//! A small world for the dashboard tests, imported into an empty store: four
//! people whose id, raw-name and folded-name orders all differ, five
//! meetings in two series (one planned, one undated), an office held in
//! turn, and three conflicts.
//!
//! | meeting | start      | series | topic | status  | attended by    |
//! |---------|------------|--------|-------|---------|----------------|
//! | m1      | 2019-05-01 | s1     | t1    | held    | p1, p2, p3     |
//! | m2      | 2020-06-01 | s1     |       | held    | p1, p2         |
//! | m3      | 2020-09-01 | s2     | t1    | held    | p1, p2, p4     |
//! | m4      | 2021-03-01 | s2     |       | planned | p3, p4         |
//! | m5      | (undated)  |        |       | held    | p3             |
//!
//! Held meetings taken part in: p1 3, p2 3, p3 2, p4 1. Office `o1` was
//! held by p3 from 2010, p1 from 2015, p2 from 2018.

use serde_json::{json, Value};

use super::TestServer;

/// p1 "Émile Xu", p2 "Dan Wu", p3 "bob Young", p4 "Ann Zed".
pub const PEOPLE: [(&str, &str); 4] = [
    ("person:p1", "Émile Xu"),
    ("person:p2", "Dan Wu"),
    ("person:p3", "bob Young"),
    ("person:p4", "Ann Zed"),
];

fn cite() -> Value {
    json!([{ "source": "source:t" }])
}

fn node(id: &str, name: &str, extra: Value) -> Value {
    let mut n = json!({ "id": id, "name": name, "citations": cite() });
    if let Value::Object(more) = extra {
        n.as_object_mut().unwrap().extend(more);
    }
    n
}

fn rel(id: &str, kind: &str, from: &str, to: &str, extra: Value) -> Value {
    let mut r = json!({ "id": id, "kind": kind, "from": from, "to": to, "citations": cite() });
    if let Value::Object(more) = extra {
        r.as_object_mut().unwrap().extend(more);
    }
    r
}

/// The import document.
pub fn document() -> String {
    let mut nodes = vec![
        json!({ "id": "source:t", "name": "Test source" }),
        node("series:s1", "Summits", json!({})),
        node("series:s2", "Forums", json!({})),
        node("topic:t1", "Trade", json!({})),
        node("office:o1", "Chief", json!({})),
    ];
    for (id, name) in PEOPLE {
        nodes.push(node(id, name, json!({})));
    }
    let meetings = [
        (
            "m1",
            "Summit One",
            Some("2019-05-01"),
            Some("s1"),
            true,
            "held",
        ),
        (
            "m2",
            "Summit Two",
            Some("2020-06-01"),
            Some("s1"),
            false,
            "held",
        ),
        (
            "m3",
            "Forum One",
            Some("2020-09-01"),
            Some("s2"),
            true,
            "held",
        ),
        (
            "m4",
            "Forum Two",
            Some("2021-03-01"),
            Some("s2"),
            false,
            "planned",
        ),
        ("m5", "Undated Talks", None, None, false, "held"),
    ];
    let mut rels = Vec::new();
    for (m, name, start, series, trade, status) in meetings {
        let id = format!("meeting:{m}");
        let mut extra = json!({ "status": status });
        if let Some(s) = start {
            extra["start"] = json!(s);
        }
        nodes.push(node(&id, name, extra));
        if let Some(s) = series {
            rels.push(rel(
                &format!("rel:{m}-in"),
                "in_series",
                &id,
                &format!("series:{s}"),
                json!({}),
            ));
        }
        if trade {
            rels.push(rel(
                &format!("rel:{m}-about"),
                "about",
                &id,
                "topic:t1",
                json!({}),
            ));
        }
    }
    // Relation ids in an order unlike the meetings' dates.
    let attended = [
        ("a1", "p1", "m2"),
        ("a2", "p1", "m1"),
        ("a3", "p1", "m3"),
        ("a4", "p2", "m1"),
        ("a5", "p2", "m2"),
        ("a6", "p2", "m3"),
        ("a7", "p3", "m1"),
        ("a8", "p3", "m4"),
        ("a9", "p3", "m5"),
        ("b1", "p4", "m3"),
        ("b2", "p4", "m4"),
    ];
    for (id, p, m) in attended {
        rels.push(rel(
            &format!("rel:{id}"),
            "attended",
            &format!("person:{p}"),
            &format!("meeting:{m}"),
            json!({}),
        ));
    }
    for (id, p, start) in [
        ("h1", "p3", "2010"),
        ("h2", "p1", "2015"),
        ("h3", "p2", "2018"),
    ] {
        rels.push(rel(
            &format!("rel:{id}"),
            "holds",
            &format!("person:{p}"),
            "office:o1",
            json!({ "start": start }),
        ));
    }
    let conflicts: Vec<Value> = [("c1", "a1", "a2"), ("c2", "a4", "a5"), ("c3", "a7", "a8")]
        .into_iter()
        .map(|(c, x, y)| json!({ "id": format!("conflict:{c}"), "claims": [format!("rel:{x}"), format!("rel:{y}")], "note": "Two reports disagree." }))
        .collect();
    json!({ "format": "attache/1", "nodes": nodes, "relations": rels, "conflicts": conflicts })
        .to_string()
}

/// An empty server loaded with [`document`].
pub async fn server() -> TestServer {
    let s = TestServer::empty().await;
    s.gql(
        "mutation($d: String!) { import(document: $d) { created } }",
        json!({ "d": document() }),
    )
    .await;
    s
}

/// The values at `field` of each item of a list.
pub fn ids(list: &Value, path: &[&str]) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|v| {
            let mut v = v;
            for p in path {
                v = &v[*p];
            }
            v.as_str().unwrap_or_default().to_owned()
        })
        .collect()
}
