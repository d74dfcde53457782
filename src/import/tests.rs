//! Import behaviour: errors name file, line and field; nothing half-written;
//! re-import is a no-op; export round-trips.

use super::*;
use crate::model::SizeLimits;
use std::io::Read;

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
    assert_eq!(errs[0].code, Code::Integrity);
    assert_eq!(s.graph().node_count(), 0);
    assert!(s.store().is_empty());
}

#[tokio::test]
async fn importing_twice_changes_nothing_and_export_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    let r = import(&s, &f("x.json", GOOD), vec![]).await.unwrap();
    assert_eq!((r.created, r.records), (4, 4));
    let commits = s.durability_counts().0;
    let again = import(&s, &f("x.json", GOOD), vec![]).await.unwrap();
    assert_eq!((again.created, again.merged, again.unchanged), (0, 0, 4));
    assert_eq!(s.durability_counts().0, commits, "nothing was written");
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

// ---------------------------------------------------------------- streaming and sizes

const TINY: SizeLimits = SizeLimits {
    max_string: 8,
    max_record: 200,
};

fn parse_stream(r: impl std::io::Read + Send, limits: SizeLimits) -> Vec<ImportError> {
    parse(vec![Source::new("s.json", r)], limits).unwrap_err()
}

#[test]
fn a_stream_of_zeros_is_refused_at_the_first_byte() {
    let errs = parse_stream(std::io::repeat(0), SizeLimits::default());
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].line, Some(1));
    assert!(errs[0].message.contains("byte 0x00"), "{}", errs[0]);
}

#[test]
fn an_endless_string_is_refused_once_it_passes_the_limit_naming_its_field() {
    let head = "{\"format\": \"attache/1\",\n\"nodes\": [\n{\"id\": \"person:a\", \"aliases\": [{\"text\": \"";
    let errs = parse_stream(head.as_bytes().chain(std::io::repeat(b'a')), TINY);
    assert_eq!(errs.len(), 1);
    let e = &errs[0];
    assert_eq!(
        (e.line, e.record.as_deref(), e.field.as_deref()),
        (Some(3), Some("person:a"), Some("aliases[0].text")),
        "{e}"
    );
    assert!(e.message.contains("longer than 8 bytes"), "{e}");
}

#[test]
fn an_endless_record_is_refused_once_it_passes_the_limit() {
    let head = "{\"format\": \"attache/1\", \"nodes\": [{\"id\": \"person:a\", \"name\": \"A\"}, {\"notes\": [";
    let body = std::io::repeat(b' ')
        .take(10)
        .chain("{\"text\": \"x\"},".as_bytes())
        .chain(std::io::repeat(b'\n'));
    let errs = parse_stream(head.as_bytes().chain(body), TINY);
    // The spaces, the note, then line breaks until there are more of them
    // than the limit allows.
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].record.as_deref(), Some("nodes[1]"), "{}", errs[0]);
    assert!(errs[0].message.contains("over 200 bytes"), "{}", errs[0]);
}

#[test]
fn a_record_over_the_limit_is_refused_with_its_id() {
    let notes = vec![r#"{"text": "12345678"}"#; 20].join(", ");
    let text = format!(
        "{{\"format\": \"attache/1\", \"nodes\": [\n  {{\"id\": \"person:a\", \"name\": \"A\", \"notes\": [{notes}]}}\n]}}"
    );
    let errs = parse(texts(&f("x.json", &text)), TINY).unwrap_err();
    assert_eq!(
        (
            errs[0].line,
            errs[0].record.as_deref(),
            errs[0].field.as_deref()
        ),
        (Some(2), Some("person:a"), None),
        "{}",
        errs[0]
    );
    assert!(errs[0].message.contains("--max-record"), "{}", errs[0]);
}

#[test]
fn strings_are_measured_as_the_text_they_stand_for() {
    // `\"` is one byte, `\u00e9` two, a surrogate pair four: 8 bytes each.
    for s in [
        r#"\"\"\"\"\"\"\"\""#,
        r#"\u00e9\u00e9\u00e9\u00e9"#,
        r#"\ud83d\ude00\ud83d\ude00"#,
    ] {
        let text =
            format!(r#"{{"format": "attache/1", "nodes": [{{"id": "person:a", "name": "{s}"}}]}}"#);
        assert!(parse(texts(&f("x.json", &text)), TINY).is_ok(), "{s}");
        let longer = text.replace(s, &format!("{s}a"));
        let errs = parse(texts(&f("x.json", &longer)), TINY).unwrap_err();
        assert_eq!(errs[0].field.as_deref(), Some("name"), "{s}: {}", errs[0]);
    }
}

#[test]
fn two_scalars_split_by_whitespace_are_not_run_together() {
    let text = r#"{"format": "attache/1", "nodes": [{"id": "person:a", "name": "A", "citations": [1 2]}]}"#;
    let errs = parse_files(&f("x.json", text)).unwrap_err();
    assert_eq!(errs[0].record.as_deref(), Some("person:a"), "{}", errs[0]);
}

#[test]
fn a_missing_comma_between_records_is_refused_with_its_line() {
    let text = GOOD.replace(
        "{\"id\": \"source:s\", \"name\": \"S\"},",
        "{\"id\": \"source:s\", \"name\": \"S\"}",
    );
    let errs = parse_files(&f("x.json", &text)).unwrap_err();
    assert_eq!(errs[0].line, Some(5), "{}", errs[0]);
    assert!(
        errs[0].message.contains("expected `,` or `]`"),
        "{}",
        errs[0]
    );
}

#[test]
fn trailing_bytes_after_the_object_are_refused() {
    let errs = parse_files(&f("x.json", &format!("{GOOD}\n\0"))).unwrap_err();
    assert_eq!(errs[0].line, Some(12), "{}", errs[0]);
}

#[tokio::test]
async fn a_record_at_the_limits_exports_and_imports_back() {
    let limits = SizeLimits {
        max_string: 12,
        max_record: 120,
    };
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open_with_limits(dir.path(), 1 << 20, limits).unwrap();
    // A name of exactly 12 bytes once unescaped, written with escapes.
    let name = r#"\"é\\\n\tabcdef"#;
    let text = format!(
        r#"{{"format": "attache/1", "nodes": [{{"id": "person:a", "name": "{name}", "description": "a\\"}}]}}"#
    );
    import(&s, &f("x.json", &text), vec![]).await.unwrap();
    let first = export(&s.graph());
    assert!(first.len() > 120, "the export is indented");
    let dir2 = tempfile::tempdir().unwrap();
    let s2 = Service::open_with_limits(dir2.path(), 1 << 20, limits).unwrap();
    if let Err(e) = import(&s2, &f("export.json", &first), vec![]).await {
        panic!("{e}");
    }
    assert_eq!(export(&s2.graph()), first);
    let over = text.replace("abcdef", "abcdefg");
    let Err(ImportFailure::Invalid(errs)) = import(&s2, &f("x.json", &over), vec![]).await else {
        panic!("accepted")
    };
    assert_eq!(errs[0].field.as_deref(), Some("name"), "{}", errs[0]);
}

#[tokio::test]
async fn the_service_refuses_an_over_long_string_whatever_the_door() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open_with_limits(dir.path(), 1 << 20, TINY).unwrap();
    let mut n: Node = serde_json::from_str(r#"{"id": "person:a", "name": "A"}"#).unwrap();
    n.description = Some("123456789".into());
    let Err(ServiceError::Rejected(p)) = s
        .write(vec![crate::service::Change::Put(
            crate::service::Mode::Create,
            crate::service::Record::Node(n),
        )])
        .await
    else {
        panic!("accepted")
    };
    assert_eq!(
        (p[0].code, p[0].field.as_deref()),
        (Code::InvalidInput, Some("description"))
    );
    assert_eq!(s.graph().node_count(), 0);
}

#[tokio::test]
async fn the_seed_loader_keeps_to_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let limits = SizeLimits {
        max_string: 100,
        ..SizeLimits::default()
    };
    let s = Service::open_with_limits(dir.path(), 1 << 20, limits).unwrap();
    let Err(ImportFailure::Invalid(errs)) = seed_if_new(&s).await else {
        panic!("the seed went in")
    };
    let e = &errs[0];
    assert!(e.file.ends_with(".json") && e.line.is_some(), "{e}");
    assert!(e.record.is_some() && e.field.is_some(), "{e}");
    assert!(s.store().is_empty());
}
