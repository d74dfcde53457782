//! The FtM mapping on the seed data: what each record becomes, the round
//! trip, an OpenSanctions-style file of officials, and line-numbered errors.

use super::*;
use crate::graph::Graph;
use crate::import::{parse, seed_files, texts};
use crate::model::{Node, NodeKind, RelKind, Relation, SizeLimits};
use crate::service::{Change, Record};
use crate::store::Contents;

fn graph_of(nodes: Vec<Node>, relations: Vec<Relation>) -> Graph {
    Graph::from_contents(Contents {
        nodes,
        relations,
        conflicts: Vec::new(),
        redirects: Vec::new(),
    })
    .expect("no dangling references")
}

fn seed_graph() -> Graph {
    let files = seed_files();
    let parsed = parse(texts(&files), SizeLimits::default()).unwrap();
    let (mut nodes, mut relations) = (Vec::new(), Vec::new());
    for c in parsed.changes {
        match c {
            Change::Put(_, Record::Node(n)) => nodes.push(n),
            Change::Put(_, Record::Relation(r)) => relations.push(r),
            _ => {}
        }
    }
    graph_of(nodes, relations)
}

fn export(g: &Graph) -> String {
    let mut out = Vec::new();
    write(g, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn entities(text: &str) -> Vec<Entity> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn entity<'a>(all: &'a [Entity], id: &str) -> &'a Entity {
    all.iter().find(|e| e.id == id).expect(id)
}

#[test]
fn a_state_is_a_public_body_with_its_country_code() {
    let all = entities(&export(&seed_graph()));
    let kz = entity(&all, "state.kz");
    assert_eq!(kz.schema, "PublicBody");
    assert_eq!(kz.get("country"), ["kz"]);
}

#[test]
fn a_body_inside_a_state_is_a_public_body_and_one_above_states_an_organization() {
    let all = entities(&export(&seed_graph()));
    assert_eq!(
        entity(&all, "organization.prosecutor-general-office-kz").schema,
        "PublicBody"
    );
    assert_eq!(entity(&all, "organization.sco").schema, "Organization");
}

#[test]
fn an_office_is_a_position_of_its_body_and_country() {
    let all = entities(&export(&seed_graph()));
    let pg = entity(&all, "office.prosecutor-general-kz");
    assert_eq!(pg.schema, "Position");
    assert_eq!(
        pg.get("organization"),
        ["organization.prosecutor-general-office-kz"]
    );
    assert_eq!(pg.get("country"), ["kz"]);
}

#[test]
fn a_tenure_is_an_occupancy_citing_its_sources_as_proof() {
    let all = entities(&export(&seed_graph()));
    let occ = all
        .iter()
        .find(|e| e.id == "rel.berik-asylov-holds-prosecutor-general-kz")
        .expect("Asylov's tenure");
    assert_eq!(occ.schema, "Occupancy");
    assert_eq!(occ.get("holder"), ["person.berik-asylov"]);
    assert_eq!(occ.get("post"), ["office.prosecutor-general-kz"]);
    let proof = occ.first("proof").expect("cited");
    assert_eq!(entity(&all, proof).schema, "Document");
}

#[test]
fn a_meeting_is_an_event_with_its_participants_dates_and_place() {
    let all = entities(&export(&seed_graph()));
    let m = entity(&all, "meeting.sco-prosecutors-general-20");
    assert_eq!(m.schema, "Event");
    assert_eq!(m.get("startDate"), ["2022-09-23"]);
    assert_eq!(m.get("location"), ["Astana"]);
    assert!(m
        .get("involved")
        .contains(&"person.berik-asylov".to_owned()));
    assert_eq!(m.get("organizer"), ["organization.sco"]);
}

#[test]
fn an_attendance_keeps_its_kind_and_roles_in_role() {
    let all = entities(&export(&seed_graph()));
    let link = all
        .iter()
        .find(|e| {
            e.schema == "UnknownLink"
                && e.get("subject") == ["person.zhang-jun"]
                && e.first("role") == Some("attended")
        })
        .expect("Zhang Jun's attendance");
    assert!(link.get("role").contains(&"head_of_delegation".to_owned()));
}

#[test]
fn export_import_export_of_the_seed_is_identical() {
    let first = export(&seed_graph());
    let records = read("seed.ftm.jsonl", first.as_bytes()).unwrap();
    let g = graph_of(
        records.nodes.into_iter().map(|(n, _)| n).collect(),
        records.relations.into_iter().map(|(r, _)| r).collect(),
    );
    let second = export(&g);
    for (a, b) in first.lines().zip(second.lines()) {
        assert_eq!(a, b);
    }
    assert_eq!(second, first);
}

const OFFICIALS: &str = r#"{"id": "Q1", "schema": "Person", "properties": {"name": ["Berik Asylov"], "alias": ["Асылов Берик"], "sourceUrl": ["https://example.org/officials"]}}
{"id": "pos-pg-kz", "schema": "Position", "properties": {"name": ["Prosecutor General of Kazakhstan"], "country": ["kz"]}}
{"id": "occ-1", "schema": "Occupancy", "properties": {"holder": ["Q1"], "post": ["pos-pg-kz"], "startDate": ["2022-01"], "status": ["current"]}}
{"id": "san-1", "schema": "Sanction", "properties": {"entity": ["Q1"]}}
"#;

#[test]
fn a_file_of_officials_becomes_people_offices_and_tenures() {
    let r = read("officials.ftm.jsonl", OFFICIALS.as_bytes()).unwrap();
    let person = r
        .nodes
        .iter()
        .find(|(n, _)| n.id.as_str() == "person:q1")
        .unwrap();
    assert_eq!(person.0.aliases[0].text, "Асылов Берик");
    assert_eq!(
        person.0.citations[0].source.as_str(),
        "source:https-example-org-officials"
    );
    let office = r
        .nodes
        .iter()
        .find(|(n, _)| n.node_kind() == NodeKind::Office)
        .unwrap();
    assert_eq!(office.0.id.as_str(), "office:pos-pg-kz");
    let holds = r
        .relations
        .iter()
        .find(|(r, _)| r.kind == RelKind::Holds)
        .unwrap();
    assert_eq!(
        (holds.0.from.as_str(), holds.0.to.as_str()),
        ("person:q1", "office:pos-pg-kz")
    );
    assert_eq!(holds.0.start.unwrap().to_string(), "2022-01");
    assert_eq!(holds.1, 3);
    let jur = r
        .relations
        .iter()
        .find(|(r, _)| r.kind == RelKind::Jurisdiction)
        .unwrap();
    assert_eq!(jur.0.to.as_str(), "state:kz");
}

#[test]
fn a_bad_value_is_reported_with_its_line_and_property() {
    let text = OFFICIALS.replace("\"2022-01\"", "\"January\"");
    let errs = read("officials.ftm.jsonl", text.as_bytes()).unwrap_err();
    assert_eq!(errs.len(), 1);
    let e = &errs[0];
    assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("startDate")));
    assert!(
        e.to_string()
            .starts_with("officials.ftm.jsonl:3: occ-1 field `startDate`"),
        "{e}"
    );
}

#[test]
fn a_reference_to_no_entity_is_reported_with_its_line() {
    let text = OFFICIALS.replace("\"post\": [\"pos-pg-kz\"]", "\"post\": [\"pos-nowhere\"]");
    let errs = read("officials.ftm.jsonl", text.as_bytes()).unwrap_err();
    assert_eq!(
        (errs[0].line, errs[0].field.as_deref()),
        (Some(3), Some("post"))
    );
}
