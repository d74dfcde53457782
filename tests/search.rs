//! Search over GraphQL, black-box: names written with punctuation inside them.

mod common;

use common::TestServer;
use serde_json::json;

#[tokio::test]
async fn a_hyphenated_former_name_is_found_written_joined_or_apart() {
    let s = TestServer::seeded().await;
    for text in ["Nur-Sultan", "NurSultan", "Nur Sultan", "nursultan"] {
        let d = s
            .gql(
                "query($t: String!) { search(text: $t, kinds: [PLACE], first: 1) { matched node { id } } }",
                json!({ "t": text }),
            )
            .await;
        assert_eq!(d["search"][0]["node"]["id"], "place:astana", "{text}");
        assert_eq!(d["search"][0]["matched"], "Nur-Sultan", "{text}");
    }
}
