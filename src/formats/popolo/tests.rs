//! The Popolo export of the seed data (what each record becomes), the
//! export read back, a foreign Popolo file, and line-numbered errors.

use serde_json::Value;

use crate::graph::Graph;
use crate::import::{parse, seed_files, texts, ImportError, Parsed, Source};
use crate::model::{Node, NodeKind, RelKind, Relation, SizeLimits};
use crate::service::{Change, Record};
use crate::store::Contents;

fn graph_of(parsed: Parsed) -> Graph {
    let mut c = Contents {
        nodes: Vec::new(),
        relations: Vec::new(),
        conflicts: Vec::new(),
        redirects: Vec::new(),
    };
    for ch in parsed.changes {
        match ch {
            Change::Put(_, Record::Node(n)) => c.nodes.push(n),
            Change::Put(_, Record::Relation(r)) => c.relations.push(r),
            _ => {}
        }
    }
    Graph::from_contents(c).expect("no dangling references")
}

fn popolo_text(g: &Graph) -> String {
    let mut out = Vec::new();
    super::export(g, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn seed_graph() -> Graph {
    let files = seed_files();
    graph_of(parse(texts(&files), SizeLimits::default()).unwrap())
}

fn seed_popolo() -> Value {
    serde_json::from_str(&popolo_text(&seed_graph())).expect("one JSON object")
}

/// Reads Popolo files (name, text) into records, or every problem.
fn read(files: &[(&str, &str)]) -> Result<Parsed, Vec<ImportError>> {
    let sources = files
        .iter()
        .map(|(n, t)| Source::new(*n, t.as_bytes()))
        .collect();
    super::import(sources, SizeLimits::default())
}

fn node<'a>(p: &'a Parsed, id: &str) -> &'a Node {
    p.changes
        .iter()
        .find_map(|c| match c {
            Change::Put(_, Record::Node(n)) if n.id.as_str() == id => Some(n),
            _ => None,
        })
        .expect(id)
}

fn relations(p: &Parsed, kind: RelKind) -> Vec<&Relation> {
    p.changes
        .iter()
        .filter_map(|c| match c {
            Change::Put(_, Record::Relation(r)) if r.kind == kind => Some(r),
            _ => None,
        })
        .collect()
}

fn find<'a>(v: &'a Value, list: &str, id: &str) -> &'a Value {
    v[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .expect(id)
}

#[test]
fn a_person_has_other_names_and_sources() {
    let v = seed_popolo();
    let p = find(&v, "persons", "person:berik-asylov");
    assert_eq!(p["name"], "Berik Asylov");
    assert!(p["other_names"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["note"] == "initials"));
    assert!(p["sources"][0]["url"].as_str().unwrap().starts_with("http"));
}

#[test]
fn a_state_is_an_organization_with_its_iso_code() {
    let v = seed_popolo();
    let kz = find(&v, "organizations", "state:kz");
    assert_eq!(kz["classification"], "state");
    assert_eq!(kz["identifiers"][0]["identifier"], "KZ");
}

#[test]
fn a_tenure_is_a_membership_in_a_post_with_its_dates() {
    let v = seed_popolo();
    let m = find(
        &v,
        "memberships",
        "rel:berik-asylov-holds-prosecutor-general-kz",
    );
    assert_eq!(m["person_id"], "person:berik-asylov");
    assert_eq!(m["post_id"], "office:prosecutor-general-kz");
    assert_eq!(
        m["organization_id"],
        "organization:prosecutor-general-office-kz"
    );
}

#[test]
fn a_states_standing_is_a_membership_of_an_organization_member() {
    let v = seed_popolo();
    let m = v["memberships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["member"]["id"] == "state:in")
        .expect("India's SCO membership");
    assert_eq!(m["member"]["@type"], "Organization");
    assert_eq!(m["organization_id"], "organization:sco");
}

#[test]
fn a_meeting_is_an_event_with_dates_place_and_attendees() {
    let v = seed_popolo();
    let e = find(&v, "events", "meeting:sco-prosecutors-general-20");
    assert_eq!(e["start_date"], "2022-09-23");
    assert_eq!(e["location"], "Astana");
    assert_eq!(e["organization_id"], "organization:sco");
    assert!(e["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == "person:zhang-jun"));
}

#[test]
fn a_source_without_a_url_is_named_by_the_urn_of_its_id() {
    let v = seed_popolo();
    let text = v.to_string();
    assert!(text.contains("urn:attache:source:background"));
}

#[test]
fn export_import_export_of_the_seed_is_identical() {
    let first = popolo_text(&seed_graph());
    let parsed = read(&[("seed.popolo.json", &first)]).unwrap();
    let second = popolo_text(&graph_of(parsed));
    for (a, b) in first.lines().zip(second.lines()) {
        assert_eq!(a, b);
    }
    assert_eq!(second, first);
}

/// A Popolo file of another publisher: its own ids, persons, organizations
/// and memberships in separate files, dates at several precisions.
const PEOPLE: &str = r#"{"persons": [
  {"id": "Q1", "name": "Berik Asylov", "other_names": [{"name": "Асылов Берик", "note": "native_script"}],
   "sources": [{"url": "https://example.org/officials", "note": "Officials list"}]}
]}"#;
const BODIES: &str = r#"{
  "organizations": [
    {"id": "kz", "name": "Kazakhstan", "classification": "state",
     "identifiers": [{"identifier": "kz", "scheme": "ISO 3166-1 alpha-2"}]},
    {"id": "gpo", "name": "General Prosecutor's Office", "classification": "prosecution", "parent_id": "kz"}
  ],
  "posts": [{"id": "pg", "label": "Prosecutor General", "organization_id": "gpo"}],
  "memberships": [
    {"person_id": "Q1", "post_id": "pg", "start_date": "2022-01", "end_date": "2023"}
  ],
  "events": [
    {"id": "ev1", "name": "Prosecutors' meeting", "start_date": "2022-09-23T10:00:00",
     "location": "Astana", "attendees": [{"id": "Q1"}],
     "sources": [{"url": "https://example.org/news/1"}]}
  ]
}"#;

#[test]
fn a_foreign_file_becomes_people_states_bodies_offices_tenures_and_meetings() {
    let p = read(&[("people.json", PEOPLE), ("bodies.json", BODIES)]).unwrap();
    let person = node(&p, "person:q1");
    assert_eq!(person.aliases[0].text, "Асылов Берик");
    assert_eq!(
        person.citations[0].source.as_str(),
        "source:https-example-org-officials"
    );
    assert_eq!(
        node(&p, "source:https-example-org-officials").name,
        "Officials list"
    );
    assert_eq!(node(&p, "state:kz").code.as_deref(), Some("KZ"));
    let gpo = node(&p, "organization:gpo");
    assert_eq!(gpo.kind.as_deref(), Some("prosecution"));
    assert_eq!(node(&p, "office:pg").node_kind(), NodeKind::Office);
    let holds = relations(&p, RelKind::Holds);
    assert_eq!(holds.len(), 1);
    assert_eq!(
        (holds[0].from.as_str(), holds[0].to.as_str()),
        ("person:q1", "office:pg")
    );
    assert_eq!(holds[0].start.unwrap().to_string(), "2022-01");
    assert_eq!(holds[0].end.unwrap().to_string(), "2023");
    assert_eq!(relations(&p, RelKind::PartOf)[0].to.as_str(), "state:kz");
    assert_eq!(
        relations(&p, RelKind::BelongsTo)[0].to.as_str(),
        "organization:gpo"
    );
    let meeting = node(&p, "meeting:ev1");
    assert_eq!(meeting.start.unwrap().to_string(), "2022-09-23");
    assert_eq!(
        relations(&p, RelKind::Attended)[0].from.as_str(),
        "person:q1"
    );
    assert_eq!(
        relations(&p, RelKind::HeldIn)[0].to.as_str(),
        "place:astana"
    );
}

#[test]
fn a_bad_date_is_reported_with_file_line_id_and_field() {
    let text = BODIES.replace("\"2023\"", "\"2023-13\"");
    let errs = read(&[("people.json", PEOPLE), ("bodies.json", &text)]).unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = &errs[0];
    assert_eq!(
        (e.file.as_str(), e.line, e.field.as_deref()),
        ("bodies.json", Some(9), Some("end_date"))
    );
}

#[test]
fn a_reference_to_no_element_is_reported_with_its_line_and_field() {
    let errs = read(&[("bodies.json", BODIES)]).unwrap_err();
    let e = errs
        .iter()
        .find(|e| e.field.as_deref() == Some("person_id"))
        .expect("person_id");
    assert_eq!(e.line, Some(9));
    assert!(e.to_string().contains("`Q1` names no element"), "{e}");
}

#[test]
fn an_element_of_the_wrong_shape_is_reported_with_its_path() {
    let text = PEOPLE.replace("\"name\": \"Berik Asylov\"", "\"name\": 7");
    let errs = read(&[("people.json", &text)]).unwrap_err();
    let e = &errs[0];
    assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("name")));
    assert_eq!(e.record.as_deref(), Some("Q1"));
}
