//! How an import reports problems: all of them in one pass, each in the
//! words of the record's own kind, and no more of them than a reader can use.

use super::*;

fn f(name: &str, text: &str) -> Vec<(String, String)> {
    vec![(name.to_owned(), text.to_owned())]
}

/// A file with a bad date on line 4 and, further down, a relation naming a
/// person nobody defines.
const TWO_PROBLEMS: &str = r#"{
  "format": "attache/1",
  "nodes": [
    {"id": "meeting:m", "name": "M", "start": "2022-09-23T10:00"},
    {"id": "person:a", "name": "A"}
  ],
  "relations": [
    {"id": "rel:a-chaired-m", "kind": "chaired", "from": "person:a", "to": "meeting:m"},
    {"id": "rel:b-attended-m", "kind": "attended", "from": "person:b", "to": "meeting:m"}
  ]
}"#;

async fn problems(text: &str) -> Vec<ImportError> {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    match import(&s, &f("x.json", text), vec![]).await {
        Err(ImportFailure::Invalid(errs)) => {
            assert!(s.store().is_empty(), "a failed import wrote");
            errs
        }
        other => panic!("not refused: {other:?}"),
    }
}

#[tokio::test]
async fn a_bad_date_does_not_hide_a_dangling_reference() {
    let errs = problems(TWO_PROBLEMS).await;
    let found: Vec<_> = errs
        .iter()
        .map(|e| (e.line, e.record.as_deref(), e.field.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (Some(4), Some("meeting:m"), Some("start")),
            (Some(9), Some("rel:b-attended-m"), Some("from")),
        ],
        "{errs:#?}"
    );
}

#[tokio::test]
async fn a_reference_to_a_record_that_could_not_be_read_is_not_reported_again() {
    let errs = problems(TWO_PROBLEMS).await;
    assert!(
        !errs
            .iter()
            .any(|e| e.message.contains("`meeting:m` does not exist")),
        "{errs:#?}"
    );
}

#[tokio::test]
async fn a_record_with_bad_fields_still_has_its_references_checked() {
    let text = TWO_PROBLEMS
        .replace("\"2022-09-23T10:00\"", "\"2022-09-23\"")
        .replace("\"name\": \"A\"", "\"name\": \"A\", \"url\": \"https://a\"");
    let errs = problems(&text).await;
    let fields: Vec<_> = errs.iter().map(|e| e.field.as_deref()).collect();
    assert_eq!(fields, [Some("url"), Some("from")], "{errs:#?}");
}

#[test]
fn a_long_list_of_problems_shows_fifty_and_counts_the_rest() {
    let errs: Vec<ImportError> = (0..70)
        .map(|i| ImportError {
            file: "x.json".into(),
            line: Some(i + 1),
            record: None,
            field: None,
            message: "bad".into(),
            code: Code::InvalidInput,
        })
        .collect();
    let text = ImportFailure::Invalid(errs).to_string();
    assert!(text.starts_with("70 problem(s)"), "{text}");
    assert_eq!(text.lines().count(), 1 + SHOWN_PROBLEMS + 1);
    assert!(text.ends_with("… and 20 more"), "{text}");
}

#[test]
fn an_unknown_field_lists_the_fields_of_the_records_kind() {
    let text = r#"{"format": "attache/1", "nodes": [
      {"id": "person:a", "name": "A", "birthday": "1970"}]}"#;
    let errs = parse_files(&f("x.json", text)).unwrap_err();
    assert_eq!(errs[0].field.as_deref(), Some("birthday"));
    assert_eq!(
        errs[0].message,
        "unknown field `birthday`: a person takes `id`, `name`, `aliases`, `description`, `notes`, `citations`"
    );
}

#[test]
fn an_unknown_field_of_a_relation_lists_its_kinds_properties() {
    let text = r#"{"format": "attache/1", "relations": [
      {"id": "rel:x", "kind": "in_series", "from": "meeting:m", "to": "series:s", "number": 3}]}"#;
    let errs = parse_files(&f("x.json", text)).unwrap_err();
    assert_eq!(
        errs[0].message,
        "unknown field `number`: an `in_series` relation takes `id`, `kind`, `from`, `to`, `ordinal`, `note`, `citations`"
    );
}

#[test]
fn an_unknown_field_of_a_conflict_is_refused() {
    let text = r#"{"format": "attache/1", "conflicts": [
      {"id": "conflict:c", "claims": ["rel:a", "rel:b"], "notes": "typo"}]}"#;
    let errs = parse_files(&f("x.json", text)).unwrap_err();
    assert_eq!(errs[0].field.as_deref(), Some("notes"), "{errs:?}");
}

#[test]
fn a_key_that_is_not_a_string_names_the_object_it_is_in() {
    let text = "{\"format\": \"attache/1\", \"nodes\": [\n{\"id\": \"person:a\", \"name\": \"A\", \"aliases\": [{1: 2}]}]}";
    let errs = parse_files(&f("x.json", text)).unwrap_err();
    assert_eq!(errs[0].field.as_deref(), Some("aliases[0]"));
    assert_eq!(
        errs[0].to_string(),
        "x.json:2: person:a field `aliases[0]`: key must be a string"
    );
}

#[tokio::test]
async fn with_the_seed_a_new_store_takes_a_file_naming_seed_records() {
    let text = r#"{"format": "attache/1", "nodes": [
      {"id": "person:test-delegate", "name": "Test Delegate",
       "citations": [{"source": "source:kazinform-sco-prosecutors-general-astana"}]}]}"#;
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    let parsed = parse_files(&f("x.json", text)).unwrap();
    assert!(check_parsed(&s, parsed.clone()).is_err());
    let (parsed, seeded) = with_seed(parsed);
    assert!(seeded > 100, "{seeded}");
    let meta = vec![(SEEDED.0, SEEDED.1.to_vec())];
    let r = apply(&s, parsed, meta, crate::service::Author::local())
        .await
        .unwrap();
    assert_eq!(r.created, seeded + 1);
    assert!(!is_new(&s).unwrap());
}

#[test]
fn with_the_seed_a_file_that_restates_a_seed_record_keeps_its_own_version() {
    let text = r#"{"format": "attache/1", "nodes": [
      {"id": "state:kz", "name": "Republic of Kazakhstan", "code": "KZ"}]}"#;
    let (parsed, _) = with_seed(parse_files(&f("mine.json", text)).unwrap());
    let kz: Vec<_> = parsed
        .changes
        .iter()
        .zip(&parsed.locations)
        .filter(|(c, _)| parse::change_id(c) == "state:kz")
        .collect();
    assert_eq!(kz.len(), 1);
    assert_eq!(&*kz[0].1.file, "mine.json");
}
