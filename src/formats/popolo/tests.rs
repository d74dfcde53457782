//! The Popolo export of the seed data: what each record becomes.

use serde_json::Value;

use crate::graph::Graph;
use crate::import::{parse, seed_files, texts};
use crate::model::SizeLimits;
use crate::service::{Change, Record};
use crate::store::Contents;

fn seed_popolo() -> Value {
    let files = seed_files();
    let parsed = parse(texts(&files), SizeLimits::default()).unwrap();
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
    let g = Graph::from_contents(c).unwrap();
    let mut out = Vec::new();
    super::export(&g, &mut out).unwrap();
    serde_json::from_slice(&out).expect("one JSON object")
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
