//! Unit tests of the checks in `validate.rs`: one rule each.

use super::*;
use crate::model::*;

fn id(s: &str) -> NodeId {
    NodeId::parse(s).unwrap()
}

fn rel(kind: RelKind, from: &str, to: &str) -> Relation {
    Relation::new(RelId::parse("rel:x").unwrap(), kind, id(from), id(to))
}

/// A relation of `kind` with the property `p` set to the first sample
/// value its field accepts, whatever its type (date, flag, enum, id,
/// number, text): a new property is covered without editing this test.
fn with_prop(p: Prop) -> Relation {
    let target = prop_target_kinds(p)
        .first()
        .map(|k| format!("{}:x", k.prefix()));
    let samples = [
        serde_json::json!("2020-01-02"),
        serde_json::json!(["2020-01-02"]),
        serde_json::json!(true),
        serde_json::json!(2),
    ]
    .into_iter()
    .chain(target.map(serde_json::Value::String))
    .chain(
        [
            MembershipStatus::ALL.map(|v| serde_json::to_value(v).unwrap())[0].clone(),
            AttendanceMode::ALL.map(|v| serde_json::to_value(v).unwrap())[0].clone(),
            AttendanceRole::ALL.map(|v| serde_json::to_value(v).unwrap())[0].clone(),
        ]
        .into_iter()
        .flat_map(|v| [v.clone(), serde_json::json!([v])]),
    )
    .chain([serde_json::json!("some text")]);
    for sample in samples {
        let doc = serde_json::json!({
            "id": "rel:x", "kind": "holds", "from": "person:a", "to": "office:b",
            p.field(): sample,
        });
        if let Ok(r) = serde_json::from_value::<Relation>(doc) {
            return r;
        }
    }
    panic!("no sample value fits the field `{}`", p.field())
}

#[test]
fn every_property_is_seen_when_set() {
    for p in Prop::ALL {
        let r = with_prop(p);
        assert_eq!(r.props_present(), vec![p], "`{}`", p.field());
    }
}

#[test]
fn every_property_that_names_a_node_is_a_reference() {
    for p in Prop::ALL {
        let refs: Vec<Prop> = with_prop(p).prop_refs().map(|(p, _)| p).collect();
        let expected = if prop_target_kinds(p).is_empty() {
            vec![]
        } else {
            vec![p]
        };
        assert_eq!(refs, expected, "`{}`", p.field());
    }
}

#[test]
fn relation_rejects_wrong_end_kinds() {
    let errs = rel(RelKind::Attended, "topic:kz", "meeting:m").validate();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "from");
}

#[test]
fn relation_rejects_props_its_kind_does_not_have() {
    let mut r = rel(RelKind::Chaired, "person:a", "meeting:m");
    r.ordinal = Some(20);
    let errs = r.validate();
    assert_eq!(errs[0].field, "ordinal");
}

#[test]
fn an_ordinal_starts_at_one() {
    let mut r = rel(RelKind::InSeries, "meeting:m", "series:s");
    r.ordinal = Some(0);
    assert_eq!(r.validate()[0].field, "ordinal");
    r.ordinal = Some(1);
    assert!(r.validate().is_empty());
}

#[test]
fn an_end_after_a_date_later_than_the_date_it_came_before_is_refused() {
    let mut r = rel(RelKind::Holds, "person:a", "office:o");
    r.end_after = Some(PartialDate::parse("2017").unwrap());
    r.end_before = Some(PartialDate::parse("2016-11-30").unwrap());
    assert_eq!(r.validate()[0].field, "end_before");
    r.end_after = Some(PartialDate::parse("2015-08-27").unwrap());
    assert!(r.validate().is_empty());
}

#[test]
fn codes_and_tags_are_checked_as_the_json_schema_checks_them() {
    let mut n = Node::new(id("state:kz"), "Kazakhstan");
    n.code = Some("kz".into());
    n.aliases.push(Alias {
        text: "Казахстан".into(),
        lang: Some("russian!".into()),
        script: Some("CYRL".into()),
        kind: NameKind::NativeScript,
        citations: vec![],
    });
    let fields: Vec<_> = n.validate().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["aliases[0].lang", "aliases[0].script", "code"]);
    assert!(is_language_tag("zh-Hans") && is_script_code("Latn") && is_state_code("KZ"));
}

#[test]
fn a_date_seen_outside_the_recorded_tenure_is_refused() {
    let mut r = rel(RelKind::Holds, "person:a", "office:o");
    r.start = Some(PartialDate::parse("2019").unwrap());
    r.seen = vec![
        PartialDate::parse("2019-10-01").unwrap(),
        PartialDate::parse("2018").unwrap(),
    ];
    let errs = r.validate();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "seen[1]");
}

#[test]
fn vague_tenure_dates_belong_to_holds_only() {
    let mut r = rel(RelKind::Attended, "person:a", "meeting:m");
    r.end_before = Some(PartialDate::parse("2016").unwrap());
    assert_eq!(r.validate()[0].field, "end_before");
}

#[test]
fn capacity_must_be_an_office() {
    let mut r = rel(RelKind::Attended, "person:a", "meeting:m");
    r.capacity = Some(id("state:kz"));
    let e = &r.validate()[0];
    assert_eq!(e.field, "capacity");
    assert_eq!(
        e.message,
        "`capacity` must name an `office`, not a state (`state:kz`)"
    );
}

#[test]
fn an_attribute_of_another_kind_is_named_with_the_right_article() {
    let mut n = Node::new(id("office:x"), "X");
    n.url = Some("https://x".into());
    assert!(n.validate()[0]
        .message
        .starts_with("an office has no `url`"));
}

#[test]
fn node_rejects_attrs_of_other_kinds_and_blank_names() {
    let mut n = Node::new(id("person:a"), " ");
    n.url = Some("https://x".into());
    let fields: Vec<_> = n.validate().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["name", "url"]);
}

#[test]
fn citation_must_point_at_a_source() {
    let mut n = Node::new(id("person:a"), "A");
    n.citations.push(Citation {
        source: id("person:b"),
        locator: None,
    });
    assert_eq!(n.validate()[0].field, "citations[0].source");
}

#[test]
fn conflict_needs_two_distinct_claims() {
    let c = Conflict {
        id: ConflictId::parse("conflict:c").unwrap(),
        claims: vec![RelId::parse("rel:a").unwrap()],
        note: None,
    };
    assert_eq!(c.validate()[0].field, "claims");
}
