//! The JSON-LD mapping on the seed data: classes and terms of what each
//! record becomes, dates at their precision, the round trip, and errors
//! naming file, line, record and term.

use serde_json::{json, Value};

use super::*;
use crate::graph::Graph;
use crate::import::{parse, seed_files, texts, Source};
use crate::model::SizeLimits;
use crate::service::{Change, Record};
use crate::store::Contents;

fn graph_of(changes: Vec<Change>) -> Graph {
    let mut c = Contents {
        nodes: Vec::new(),
        relations: Vec::new(),
        conflicts: Vec::new(),
        redirects: Vec::new(),
    };
    for change in changes {
        match change {
            Change::Put(_, Record::Node(n)) => c.nodes.push(n),
            Change::Put(_, Record::Relation(r)) => c.relations.push(r),
            Change::Put(_, Record::Conflict(x)) => c.conflicts.push(x),
            Change::PutRedirect { from, into, .. } => c.redirects.push((from, into)),
            _ => {}
        }
    }
    Graph::from_contents(c).expect("no dangling references")
}

fn seed_graph() -> Graph {
    let files = seed_files();
    graph_of(parse(texts(&files), SizeLimits::default()).unwrap().changes)
}

fn export_text(g: &Graph) -> String {
    let mut out = Vec::new();
    export(g, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn objects(text: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(text).unwrap();
    doc["@graph"].as_array().unwrap().clone()
}

fn object<'a>(all: &'a [Value], id: &str) -> &'a Value {
    all.iter()
        .find(|o| o["@id"] == id && o.get("@type").is_some())
        .expect(id)
}

fn import_text(text: &str) -> Result<Graph, Vec<crate::import::ImportError>> {
    let parsed = import(
        vec![Source::new("graph.jsonld", text.as_bytes())],
        SizeLimits::default(),
    )?;
    Ok(graph_of(parsed.changes))
}

#[test]
fn the_export_names_the_context_and_writes_one_object_a_line() {
    let text = export_text(&seed_graph());
    assert!(text.starts_with(&format!("{{\"@context\": \"{CONTEXT_IRI}\",\n")));
    let g = seed_graph();
    let lines = text.lines().filter(|l| l.starts_with("{\"@id\"")).count();
    assert!(lines > g.node_count() + g.relation_count(), "{lines}");
}

#[test]
fn dates_are_typed_at_their_precision() {
    assert_eq!(
        write::date("2019"),
        json!({"@value": "2019", "@type": "xsd:gYear"})
    );
    assert_eq!(write::date("2019-05")["@type"], "xsd:gYearMonth");
    assert_eq!(write::date("2019-05-07")["@type"], "xsd:date");
}

#[test]
fn a_meeting_is_an_event_with_typed_dates_and_cited_sources() {
    let all = objects(&export_text(&seed_graph()));
    let m = object(&all, "meeting:sco-prosecutors-general-20");
    assert_eq!(m["@type"], "Event");
    assert_eq!(
        m["startDate"],
        json!({"@value": "2022-09-23", "@type": "xsd:date"})
    );
    let cited = m["citation"].as_array().unwrap();
    assert!(cited
        .iter()
        .all(|c| c["isBasedOn"].as_str().unwrap().starts_with("source:")));
}

#[test]
fn an_attendance_is_a_role_and_the_event_names_its_attendee() {
    let all = objects(&export_text(&seed_graph()));
    let a = object(&all, "rel:asylov-attended-pg20");
    assert_eq!(a["@type"], json!(["Attended", "Role"]));
    assert_eq!(a["from"], "person:berik-asylov");
    assert_eq!(a["roleName"], json!(["chair"]));
    assert_eq!(a["onBehalfOf"], "state:kz");
    assert!(all.contains(&json!({
        "@id": "meeting:sco-prosecutors-general-20",
        "attendee": "person:berik-asylov"
    })));
}

#[test]
fn a_body_of_a_state_is_a_government_organization() {
    let g = seed_graph();
    let all = objects(&export_text(&g));
    let of_state = g
        .all_relations()
        .find(|r| r.kind == crate::model::RelKind::PartOf && r.to.as_str().starts_with("state:"));
    let body = of_state
        .expect("the seed has a body of a state")
        .from
        .as_str();
    assert_eq!(object(&all, body)["@type"], "GovernmentOrganization");
}

#[test]
fn every_term_the_export_uses_is_in_the_context() {
    let ctx = context();
    let defined = ctx["@context"].as_object().unwrap();
    fn walk(v: &Value, defined: &serde_json::Map<String, Value>) {
        if let Value::Object(o) = v {
            for (k, x) in o {
                assert!(k.starts_with('@') || defined.contains_key(k), "`{k}`");
                if k == "@type" {
                    for t in x.as_array().cloned().unwrap_or(vec![x.clone()]) {
                        let t = t.as_str().unwrap();
                        assert!(t.starts_with("xsd:") || defined.contains_key(t), "{t}");
                    }
                }
                walk(x, defined);
            }
        } else if let Value::Array(items) = v {
            items.iter().for_each(|i| walk(i, defined));
        }
    }
    for o in objects(&export_text(&seed_graph())) {
        walk(&o, defined);
    }
}

#[test]
fn the_seed_round_trips_through_json_ld() {
    let first = export_text(&seed_graph());
    let back = import_text(&first).unwrap();
    assert_eq!(export_text(&back), first);
    assert_eq!(
        crate::import::export(&back),
        crate::import::export(&seed_graph())
    );
}

#[test]
fn an_alias_keeps_its_language_as_the_language_of_its_name() {
    let all = objects(&export_text(&seed_graph()));
    let with_lang = all
        .iter()
        .flat_map(|o| o["alias"].as_array().cloned().unwrap_or_default())
        .find(|a| a["name"].is_object())
        .expect("a seed alias has a language");
    assert!(with_lang["name"]["@language"].is_string());
    assert!(with_lang["name"]["@value"].is_string());
}

#[test]
fn an_unknown_term_is_refused_naming_line_record_and_term() {
    let text = format!(
        "{{\"@context\": \"{CONTEXT_IRI}\",\n\"@graph\": [\n{}\n]}}",
        r#"{"@id": "person:a", "@type": "Person", "name": "A", "nickname": "B"}"#
    );
    let e = import_text(&text).err().unwrap();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, Some(3));
    assert_eq!(e[0].record.as_deref(), Some("person:a"));
    assert_eq!(e[0].field.as_deref(), Some("nickname"));
}

#[test]
fn a_bad_date_is_refused_naming_its_term() {
    let text = format!(
        "{{\"@context\": \"{CONTEXT_IRI}\", \"@graph\": [\n{}\n]}}",
        r#"{"@id": "meeting:m", "@type": "Event", "name": "M", "startDate": {"@value": "2022-13", "@type": "xsd:gYearMonth"}}"#
    );
    let e = import_text(&text).err().unwrap();
    assert_eq!(e[0].field.as_deref(), Some("startDate"), "{e:?}");
    assert_eq!(e[0].line, Some(2));
}

#[test]
fn a_class_that_contradicts_the_id_is_refused() {
    let text = format!(
        "{{\"@context\": \"{CONTEXT_IRI}\", \"@graph\": [{}]}}",
        r#"{"@id": "person:a", "@type": "Event", "name": "A"}"#
    );
    let e = import_text(&text).err().unwrap();
    assert_eq!(e[0].field.as_deref(), Some("@type"));
}

#[test]
fn another_context_is_refused() {
    let text = r#"{"@context": "https://schema.org/", "@graph": []}"#;
    let e = import_text(text).err().unwrap();
    assert_eq!(e[0].field.as_deref(), Some("@context"));
}

#[test]
fn broken_json_is_refused_with_its_line() {
    let text = format!("{{\"@context\": \"{CONTEXT_IRI}\",\n\"@graph\": [\n{{\"@id\": ]}}");
    let e = import_text(&text).err().unwrap();
    assert_eq!(e[0].line, Some(3), "{e:?}");
}

#[test]
fn a_merged_id_is_written_as_merged_into_its_survivor_and_read_back() {
    let files = seed_files();
    let mut changes = parse(texts(&files), SizeLimits::default()).unwrap().changes;
    changes.push(Change::PutRedirect {
        mode: crate::service::Mode::Merge,
        from: crate::model::NodeId::parse("person:b-asylov").unwrap(),
        into: crate::model::NodeId::parse("person:berik-asylov").unwrap(),
    });
    let text = export_text(&graph_of(changes));
    assert!(objects(&text).contains(&json!({
        "@id": "person:b-asylov",
        "mergedInto": "person:berik-asylov"
    })));
    let back = import_text(&text).unwrap();
    assert_eq!(
        back.redirect("person:b-asylov").map(|n| n.as_str()),
        Some("person:berik-asylov")
    );
    assert_eq!(export_text(&back), text);
}
