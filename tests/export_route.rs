//! `GET /export` (issue 15): exports as streamed downloads, whole or scoped
//! to an entity's neighbourhood or a filtered meeting list, under the rule
//! of GraphQL `export` (a token that may write).

mod common;

use std::collections::BTreeSet;

use common::{attache, text, TestServer};
use serde_json::{json, Value};

const SCO: &str = "meeting:sco-prosecutors-general-20";

async fn get(s: &TestServer, query: &str) -> reqwest::Response {
    s.client()
        .get(format!("{}/export?{query}", s.url))
        .send()
        .await
        .unwrap()
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn error_message(r: reqwest::Response) -> String {
    let body: Value = r.json().await.unwrap();
    body["errors"][0]["message"].as_str().unwrap().to_owned()
}

/// The ids of the nodes of an `attache/1` document.
fn node_ids(doc: &Value) -> BTreeSet<String> {
    doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_export_without_a_token_is_refused_with_401() {
    let s = TestServer::seeded().await;
    let r = reqwest::get(format!("{}/export?format=graphml", s.url))
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(header(&r, "www-authenticate").starts_with("Bearer"));
    assert!(error_message(r)
        .await
        .contains("export needs a token that may write"));
}

#[tokio::test]
async fn an_export_with_a_reader_token_is_refused_with_403() {
    let mut tokens = attache::http::auth::Tokens::default();
    tokens.add_list(&["ann:reader:reader-token"]).unwrap();
    let s = TestServer::with_options(attache::http::Options {
        auth: attache::http::Auth::with_tokens(tokens, false, false),
        ..Default::default()
    })
    .await;
    let r = reqwest::Client::new()
        .get(format!("{}/export", s.url))
        .bearer_auth("reader-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn every_single_file_export_downloads_as_the_command_line_writes_it() {
    let mut s = TestServer::seeded().await;
    let mut got = Vec::new();
    let mut refused = Vec::new();
    for format in ["attache", "ftm", "popolo", "graphml", "gexf", "jsonld"] {
        let r = get(&s, &format!("format={format}")).await;
        if r.status() == 400 {
            // A format that cannot write this graph says so before any byte.
            refused.push((format, error_message(r).await));
            continue;
        }
        assert_eq!(r.status(), 200, "{format}");
        let ext = attache::formats::Format::ALL
            .into_iter()
            .find(|f| f.name() == format)
            .unwrap();
        assert_eq!(
            header(&r, "content-disposition"),
            format!("attachment; filename=\"attache.{}\"", ext.extension())
        );
        assert!(header(&r, "content-type").starts_with(ext.media_type()));
        // Written as it is produced: no length known up front.
        assert_eq!(header(&r, "transfer-encoding"), "chunked");
        got.push((format, r.bytes().await.unwrap()));
    }
    s.shutdown().await;
    for (format, body) in got {
        let o = attache(&s.dir, &["export", "--format", format]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(body == o.stdout, "{format}: the download differs");
    }
    for (format, message) in refused {
        let o = attache(&s.dir, &["export", "--format", format]);
        assert!(!o.status.success(), "{format} was refused over HTTP only");
        assert!(text(&o.stderr).contains(&message), "{format}: {message}");
    }
}

#[tokio::test]
async fn a_csv_part_downloads_as_the_command_line_writes_that_file() {
    let mut s = TestServer::seeded().await;
    let r = get(&s, "format=csv&part=nodes-person.csv").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        header(&r, "content-disposition"),
        "attachment; filename=\"attache-nodes-person.csv\""
    );
    assert!(header(&r, "content-type").starts_with("text/csv"));
    let body = r.bytes().await.unwrap();
    s.shutdown().await;
    let out = tempfile::tempdir().unwrap();
    let o = attache(
        &s.dir,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        body,
        std::fs::read(out.path().join("nodes-person.csv")).unwrap()
    );
}

#[tokio::test]
async fn csv_without_a_part_is_a_400_listing_the_parts() {
    let s = TestServer::seeded().await;
    let r = get(&s, "format=csv").await;
    assert_eq!(r.status(), 400);
    let m = error_message(r).await;
    assert!(
        m.contains("parameter `part`") && m.contains("nodes-person.csv"),
        "{m}"
    );
}

#[tokio::test]
async fn an_unknown_format_is_a_400_naming_the_parameter() {
    let s = TestServer::seeded().await;
    let r = get(&s, "format=dot").await;
    assert_eq!(r.status(), 400);
    let m = error_message(r).await;
    assert!(
        m.contains("parameter `format`") && m.contains("`dot`") && m.contains("graphml"),
        "{m}"
    );
}

#[tokio::test]
async fn around_an_unknown_node_is_a_404() {
    let s = TestServer::seeded().await;
    let r = get(&s, "around=person:nobody").await;
    assert_eq!(r.status(), 404);
    assert!(error_message(r).await.contains("person:nobody"));
}

/// What the SCO meeting's neighbourhood (one relation away) is, besides
/// sources: the meeting and everything one relation from it, and the offices,
/// states and people its attendance and speeches name (capacity, on behalf of).
const SCO_AROUND: &[&str] = &[
    "document:sco-prosecutors-general-20-protocol",
    "meeting:sco-prosecutors-general-20",
    "meeting:sco-prosecutors-general-20-bilaterals",
    "meeting:sco-prosecutors-general-20-experts-group-2022-09-08",
    "meeting:sco-prosecutors-general-20-experts-group-2022-09-13",
    "office:additional-attorney-general-pk",
    "office:additional-secretary-dla-in",
    "office:assistant-to-president-secretary-security-council-kz",
    "office:deputy-prosecutor-general-kz",
    "office:prosecutor-general-kg",
    "office:prosecutor-general-kz",
    "office:prosecutor-general-ru",
    "office:prosecutor-general-tj",
    "office:prosecutor-general-uz",
    "office:prosecutor-supreme-peoples-procuratorate-cn",
    "office:secretary-general-sco",
    "office:solicitor-general-in",
    "organization:sco",
    "person:anju-rathi-rana",
    "person:berik-asylov",
    "person:gizat-daurenbekov",
    "person:gizat-nurdauletov",
    "person:igor-krasnov",
    "person:kassym-jomart-tokayev",
    "person:kurmankul-zulushev",
    "person:nigmatilla-yuldashev",
    "person:rashdeen-nawaz-kasuri",
    "person:tushar-mehta",
    "person:yusuf-rahmon",
    "person:zhang-jun",
    "person:zhang-ming",
    "place:astana",
    "series:sco-prosecutors-general-meetings",
    "state:cn",
    "state:in",
    "state:kg",
    "state:kz",
    "state:pk",
    "state:ru",
    "state:tj",
    "state:uz",
    "topic:recovery-of-criminal-assets",
    "topic:transnational-economic-crime",
];

/// Every source id cited anywhere in an `attache/1` document.
fn cited(doc: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Array(cs)) = m.get("citations") {
                    for c in cs {
                        out.insert(c["source"].as_str().unwrap().to_owned());
                    }
                }
                m.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(doc, &mut out);
    out
}

#[tokio::test]
async fn the_sco_meeting_neighbourhood_holds_exactly_its_nodes_and_the_sources_they_cite() {
    let s = TestServer::seeded().await;
    let r = get(&s, &format!("around={SCO}&hops=1")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        header(&r, "content-disposition"),
        "attachment; filename=\"attache-around-meeting-sco-prosecutors-general-20-1.json\""
    );
    let doc: Value = r.json().await.unwrap();
    let ids = node_ids(&doc);
    let (sources, others): (BTreeSet<_>, BTreeSet<_>) =
        ids.into_iter().partition(|id| id.starts_with("source:"));
    let expected: BTreeSet<String> = SCO_AROUND.iter().map(|s| s.to_string()).collect();
    assert_eq!(others, expected);
    assert_eq!(sources, cited(&doc));
}

#[tokio::test]
async fn a_scoped_export_imports_cleanly_into_an_empty_store() {
    let s = TestServer::seeded().await;
    let body = get(&s, &format!("around={SCO}&hops=2"))
        .await
        .bytes()
        .await
        .unwrap();
    let doc: Value = serde_json::from_slice(&body).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scoped.json");
    std::fs::write(&file, &body).unwrap();
    let data = dir.path().join("store");
    let o = attache(&data, &["import", "--no-seed", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = attache(&data, &["export"]);
    let back: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(node_ids(&back), node_ids(&doc));
    assert_eq!(back["relations"], doc["relations"]);
}

#[tokio::test]
async fn a_meeting_list_export_keeps_the_meetings_the_filter_keeps() {
    let s = TestServer::seeded().await;
    let listed = s
        .gql(
            r#"{ meetings(from: "2022-09", to: "2022-09", first: 100) { nodes { id } } }"#,
            json!({}),
        )
        .await;
    let want: BTreeSet<String> = listed["meetings"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(want.contains(SCO));
    let doc: Value = get(&s, "from=2022-09&to=2022-09")
        .await
        .json()
        .await
        .unwrap();
    let meetings: BTreeSet<String> = node_ids(&doc)
        .into_iter()
        .filter(|id| id.starts_with("meeting:"))
        .collect();
    assert!(meetings.is_superset(&want));
    // Other meetings come in only as an end of a relation of a kept one.
    for m in meetings.difference(&want) {
        assert!(
            doc["relations"].as_array().unwrap().iter().any(|r| {
                (r["from"] == *m.as_str() && want.contains(r["to"].as_str().unwrap()))
                    || (r["to"] == *m.as_str() && want.contains(r["from"].as_str().unwrap()))
            }),
            "{m}"
        );
    }
}

#[tokio::test]
async fn graphql_export_takes_the_same_scopes_as_the_route() {
    let s = TestServer::seeded().await;
    let route = get(&s, &format!("format=gexf&around={SCO}&hops=2"))
        .await
        .text()
        .await
        .unwrap();
    let data = s
        .gql(
            "query($id: ID!) { export(format: GEXF, around: $id, hops: 2) }",
            json!({ "id": SCO }),
        )
        .await;
    assert_eq!(data["export"], route);
    let route = get(&s, "format=csv&part=nodes-meeting.csv&status=held")
        .await
        .text()
        .await
        .unwrap();
    let data = s
        .gql(
            r#"{ export(format: CSV, part: "nodes-meeting.csv", meetings: { status: [HELD] }) }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["export"], route);
}

#[tokio::test]
async fn graphql_export_refuses_both_scopes_at_once() {
    let s = TestServer::seeded().await;
    let e = s
        .gql_err(
            &format!(r#"{{ export(around: "{SCO}", meetings: {{}}) }}"#),
            json!({}),
        )
        .await;
    assert!(e["message"].as_str().unwrap().contains("not both"), "{e}");
}
