//! Import behaviour: errors name file, line and field; nothing half-written;
//! re-import is a no-op; export round-trips.

use super::*;

fn f(name: &str, text: &str) -> Vec<(String, String)> {
    vec![(name.to_owned(), text.to_owned())]
}

const GOOD: &str = r#"{
  "format": "attache/1",
  "nodes": [
    {"id": "source:s", "name": "S"},
    {"id": "person:a", "name": "A", "citations": [{"source": "source:s", "locator": "¶1"}]},
    {"id": "meeting:m", "name": "M", "start": "2022-09-23", "citations": [{"source": "source:s"}]}
  ],
  "relations": [
    {"id": "rel:a-chaired-m", "kind": "chaired", "from": "person:a", "to": "meeting:m"}
  ]
}"#;

#[test]
fn a_bad_date_is_reported_with_file_line_and_field() {
    let text = GOOD.replace("\"2022-09-23\"", "\"2022-13-01\"");
    let errs = parse_files(&f("x.json", &text)).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].file, "x.json");
    assert_eq!(errs[0].line, Some(6));
    assert_eq!(errs[0].record.as_deref(), Some("meeting:m"));
    assert_eq!(errs[0].field.as_deref(), Some("start"));
    assert!(errs[0].message.contains("2022-13-01"), "{}", errs[0]);
}

#[test]
fn an_unknown_field_is_named() {
    let text = GOOD.replace("\"start\"", "\"strat\"");
    let errs = parse_files(&f("x.json", &text)).unwrap_err();
    assert_eq!(errs[0].field.as_deref(), Some("strat"), "{}", errs[0]);
    assert_eq!(errs[0].line, Some(6));
}

#[test]
fn a_syntax_error_gives_the_line() {
    let text = GOOD.replace("\"name\": \"A\",", "\"name\": \"A\"");
    let errs = parse_files(&f("x.json", &text)).unwrap_err();
    assert_eq!(errs[0].line, Some(5), "{}", errs[0]);
}

#[test]
fn a_duplicate_id_names_both_places() {
    let files = vec![
        ("a.json".to_owned(), GOOD.to_owned()),
        ("b.json".to_owned(), GOOD.to_owned()),
    ];
    let errs = parse_files(&files).unwrap_err();
    assert_eq!(errs.len(), 4);
    assert!(errs[0].message.contains("first at a.json:4"), "{}", errs[0]);
}

#[test]
fn a_wrong_format_tag_is_refused() {
    let text = GOOD.replace("attache/1", "attache/9");
    let errs = parse_files(&f("x.json", &text)).unwrap_err();
    assert_eq!(errs[0].field.as_deref(), Some("format"));
}

#[tokio::test]
async fn an_unknown_reference_is_located_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    let text = GOOD.replace("\"to\": \"meeting:m\"", "\"to\": \"meeting:nope\"");
    let Err(ImportFailure::Invalid(errs)) = import(&s, &f("x.json", &text), vec![]).await else {
        panic!("accepted")
    };
    assert_eq!(errs.len(), 1);
    assert_eq!(
        (errs[0].line, errs[0].field.as_deref()),
        (Some(9), Some("to"))
    );
    assert_eq!(errs[0].code, "INTEGRITY");
    assert_eq!(s.graph().node_count(), 0);
    assert!(s.store().is_empty());
}

#[tokio::test]
async fn importing_twice_changes_nothing_and_export_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    let r = import(&s, &f("x.json", GOOD), vec![]).await.unwrap();
    assert_eq!((r.created, r.records), (4, 4));
    let again = import(&s, &f("x.json", GOOD), vec![]).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged()), (0, 0, 4));
    let first = export(&s.graph());
    let dir2 = tempfile::tempdir().unwrap();
    let s2 = Service::open(dir2.path()).unwrap();
    import(&s2, &f("export.json", &first), vec![])
        .await
        .unwrap();
    assert_eq!(export(&s2.graph()), first);
}

#[tokio::test]
async fn the_embedded_seed_data_imports_cleanly_and_round_trips() {
    assert!(SEED.len() >= 2, "seed files are embedded");
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    let r = match import(&s, &seed_files(), vec![]).await {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    };
    assert!(r.created > 100, "{r:?}");
    assert!(s.store().verify().unwrap().is_empty());
    let dir2 = tempfile::tempdir().unwrap();
    let s2 = Service::open(dir2.path()).unwrap();
    let first = export(&s.graph());
    import(&s2, &f("export.json", &first), vec![])
        .await
        .unwrap();
    assert_eq!(export(&s2.graph()), first);
}
