//! One rule per field, whatever the door: the `import` mutation, the other
//! mutations and the CLI refuse the same values, with the same message.

mod common;

use common::TestServer;
use serde_json::{json, Value};

const LINK: &str = "mutation($i: RelationInput!) { link(input: $i) { id } }";
const IMPORT: &str = "mutation($d: String!) { import(document: $d) { created } }";
const CREATE_STATE: &str = "mutation($i: StateInput!) { createState(input: $i) { id } }";
const BILATERALS: &str = "meeting:sco-prosecutors-general-20-bilaterals";
const SERIES: &str = "series:sco-prosecutors-general-meetings";
const SOURCE: &str = "source:kazinform-sco-prosecutors-general-astana";

fn import_doc(v: Value) -> Value {
    json!({ "d": serde_json::to_string_pretty(&v).unwrap() })
}

fn problem(err: &Value) -> (&str, &str) {
    let p = &err["extensions"]["problems"][0];
    (p["field"].as_str().unwrap(), p["message"].as_str().unwrap())
}

#[tokio::test]
async fn an_ordinal_of_zero_is_refused_by_link_and_by_import_alike() {
    let s = TestServer::seeded().await;
    let by_link = s
        .gql_err(
            LINK,
            json!({ "i": { "kind": "IN_SERIES", "from": BILATERALS, "to": SERIES, "ordinal": 0 } }),
        )
        .await;
    let by_import = s
        .gql_err(
            IMPORT,
            import_doc(json!({ "format": "attache/1", "relations": [
                { "id": "rel:bilaterals-in-series", "kind": "in_series", "from": BILATERALS, "to": SERIES, "ordinal": 0 }
            ] })),
        )
        .await;
    assert_eq!(by_link["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(by_import["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(problem(&by_link), problem(&by_import));
    assert_eq!(problem(&by_import).0, "ordinal");
    assert!(problem(&by_import).1.contains("1 or more"), "{by_import}");
}

#[tokio::test]
async fn a_state_code_in_small_letters_is_refused_as_the_json_schema_refuses_it() {
    let s = TestServer::seeded().await;
    let err = s
        .gql_err(
            CREATE_STATE,
            json!({ "i": { "id": "state:xx", "name": "Test State", "code": "xx",
                    "citations": [{ "source": SOURCE }] } }),
        )
        .await;
    assert_eq!(err["extensions"]["code"], "INVALID_INPUT");
    assert_eq!(problem(&err).0, "code");
}

#[tokio::test]
async fn an_alias_script_the_json_schema_refuses_is_refused_by_import() {
    let s = TestServer::seeded().await;
    let err = s
        .gql_err(
            IMPORT,
            import_doc(json!({ "format": "attache/1", "nodes": [
                { "id": "person:test-person", "name": "Test Person",
                  "aliases": [{ "text": "Тест", "script": "cyrillic" }],
                  "citations": [{ "source": SOURCE }] }
            ] })),
        )
        .await;
    assert_eq!(problem(&err).0, "aliases[0].script");
}
