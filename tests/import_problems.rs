//! The `import` mutation reports every problem of a document in one pass,
//! each with its line, record and field.

mod common;

use common::TestServer;
use serde_json::json;

#[tokio::test]
async fn the_import_mutation_reports_a_bad_date_and_a_dangling_reference_together() {
    let s = TestServer::seeded().await;
    let doc = r#"{
  "format": "attache/1",
  "nodes": [
    {"id": "meeting:test-meeting", "name": "Test Meeting", "start": "2023-09-14T09:00"}
  ],
  "relations": [
    {"id": "rel:test-attended", "kind": "attended", "from": "person:nobody", "to": "meeting:sco-prosecutors-general-20"}
  ]
}"#;
    let e = s
        .gql_err(
            "mutation($d: String!) { import(document: $d, name: \"report.json\") { created } }",
            json!({ "d": doc }),
        )
        .await;
    let problems: Vec<_> = e["extensions"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["line"].as_u64(),
                p["record"].as_str().unwrap().to_owned(),
                p["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        problems,
        [
            (Some(4), "meeting:test-meeting".into(), "start".into()),
            (Some(7), "rel:test-attended".into(), "from".into()),
        ],
        "{e}"
    );
    assert!(e["extensions"]["problems"][0]["message"]
        .as_str()
        .unwrap()
        .contains("a time of day is not allowed"));
}
