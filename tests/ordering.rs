//! Sorting, name filters and paging of the lists a dashboard shows, over
//! HTTP: `orderBy: {field, direction}` on meetings, people, an office's
//! holders and a person's attendances (stable, ties by id, and paged in that
//! order); `name` on list queries, folded like search; `search` and
//! `conflicts` paged with `first`/`offset` and counted.

mod common;

use common::dashboard::{ids, server};
use serde_json::json;

#[tokio::test]
async fn meetings_ordered_by_date_descending_come_newest_first_with_undated_last() {
    let s = server().await;
    let d = s
        .gql(
            "{ meetings(orderBy: {field: DATE, direction: DESC}) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ids(&d["meetings"]["nodes"], &["id"]),
        [
            "meeting:m4",
            "meeting:m3",
            "meeting:m2",
            "meeting:m1",
            "meeting:m5"
        ]
    );
}

#[tokio::test]
async fn meeting_pages_follow_the_requested_order_through_their_cursors() {
    let s = server().await;
    let q = "query($after: String) { meetings(orderBy: {field: DATE, direction: DESC}, first: 2, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } }";
    let mut seen = Vec::new();
    let mut after = serde_json::Value::Null;
    loop {
        let d = s.gql(q, json!({ "after": after })).await;
        seen.extend(ids(&d["meetings"]["nodes"], &["id"]));
        if !d["meetings"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = d["meetings"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(
        seen,
        [
            "meeting:m4",
            "meeting:m3",
            "meeting:m2",
            "meeting:m1",
            "meeting:m5"
        ]
    );
}

#[tokio::test]
async fn people_ordered_by_name_sort_with_case_and_diacritics_folded() {
    let s = server().await;
    let d = s
        .gql(
            "{ people(orderBy: {field: NAME}) { nodes { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ids(&d["people"]["nodes"], &["name"]),
        ["Ann Zed", "bob Young", "Dan Wu", "Émile Xu"]
    );
}

#[tokio::test]
async fn people_ordered_by_meeting_count_descending_break_ties_by_id() {
    let s = server().await;
    let d = s
        .gql(
            "{ people(orderBy: {field: MEETING_COUNT, direction: DESC}) { nodes { id meetingCount } } }",
            json!({}),
        )
        .await;
    let nodes = &d["people"]["nodes"];
    assert_eq!(
        ids(nodes, &["id"]),
        ["person:p1", "person:p2", "person:p3", "person:p4"]
    );
    let counts: Vec<i64> = nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["meetingCount"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, [3, 3, 2, 1]);
}

#[tokio::test]
async fn an_offices_holders_ordered_by_start_descending_come_latest_first() {
    let s = server().await;
    let d = s
        .gql(
            "{ office(id: \"office:o1\") { holders(orderBy: {field: START, direction: DESC}) { person { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ids(&d["office"]["holders"], &["person", "id"]),
        ["person:p2", "person:p1", "person:p3"]
    );
}

#[tokio::test]
async fn a_persons_attendances_ordered_by_meeting_date_descending_come_newest_first() {
    let s = server().await;
    let d = s
        .gql(
            "{ person(id: \"person:p1\") { attendances(orderBy: {field: MEETING_DATE, direction: DESC}, first: 2, offset: 1) { meeting { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        ids(&d["person"]["attendances"], &["meeting", "id"]),
        ["meeting:m2", "meeting:m1"]
    );
}

#[tokio::test]
async fn a_name_filter_on_a_list_folds_case_and_diacritics() {
    let s = server().await;
    let d = s
        .gql(
            "{ people(name: \"EMILE\") { totalCount nodes { id } } meetings(name: \"forum\") { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(ids(&d["people"]["nodes"], &["id"]), ["person:p1"]);
    assert_eq!(d["people"]["totalCount"], 1);
    assert_eq!(
        ids(&d["meetings"]["nodes"], &["id"]),
        ["meeting:m3", "meeting:m4"]
    );
}

#[tokio::test]
async fn search_pages_with_an_offset_and_counts_every_hit() {
    let s = server().await;
    let d = s
        .gql(
            "{ all: search(text: \"summit\", kinds: [MEETING]) { node { id } } page: search(text: \"summit\", kinds: [MEETING], first: 1, offset: 1) { node { id } } searchCount(text: \"summit\", kinds: [MEETING]) }",
            json!({}),
        )
        .await;
    let all = ids(&d["all"], &["node", "id"]);
    assert_eq!(all.len(), 2);
    assert_eq!(ids(&d["page"], &["node", "id"]), [all[1].clone()]);
    assert_eq!(d["searchCount"], 2);
}

#[tokio::test]
async fn conflicts_page_with_first_and_offset_and_are_counted() {
    let s = server().await;
    let d = s
        .gql(
            "{ conflicts(first: 1, offset: 1) { id } conflictsCount }",
            json!({}),
        )
        .await;
    assert_eq!(ids(&d["conflicts"], &["id"]), ["conflict:c2"]);
    assert_eq!(d["conflictsCount"], 3);
}

#[tokio::test]
async fn a_search_offset_past_the_last_hit_gives_an_empty_page() {
    let s = server().await;
    let d = s
        .gql(
            "{ search(text: \"summit\", first: 1000, offset: 2147483647) { node { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["search"], json!([]));
}
