//! The lookups of issue 12's read rows (Q1 an official with offices and
//! their states, Q2 a meeting with attendees and the office each attended
//! in) on the synthetic graph the benchmarks use, against answers computed
//! here the plain way from the records themselves: however the server gets
//! faster, these answers must stay the same. Q3 and Q4 are checked the same
//! way in `traversal_reference.rs`.

#[path = "../benches/synth/reads.rs"]
mod reads;
#[path = "../benches/synth/mod.rs"]
mod synth;

use std::collections::HashMap;

use async_graphql::{Request, Variables};
use attache::model::{Node, NodeKind, PartialDate, RelKind, Relation};
use attache::service::Service;
use serde_json::{json, Value};

/// The records, indexed the obvious way.
struct Records<'a> {
    nodes: HashMap<&'a str, &'a Node>,
    /// Outgoing relations of a node, in relation id order.
    out: HashMap<&'a str, Vec<&'a Relation>>,
    /// Incoming relations of a node, in relation id order.
    into: HashMap<&'a str, Vec<&'a Relation>>,
}

fn records(w: &synth::World) -> Records<'_> {
    let mut r = Records {
        nodes: w.nodes.iter().map(|n| (n.id.as_str(), n)).collect(),
        out: HashMap::new(),
        into: HashMap::new(),
    };
    for rel in &w.relations {
        r.out.entry(rel.from.as_str()).or_default().push(rel);
        r.into.entry(rel.to.as_str()).or_default().push(rel);
    }
    for v in r.out.values_mut().chain(r.into.values_mut()) {
        v.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    }
    r
}

impl Records<'_> {
    fn outgoing(&self, id: &str, kind: RelKind) -> Vec<&Relation> {
        let all = self.out.get(id).map(Vec::as_slice).unwrap_or_default();
        all.iter().copied().filter(|r| r.kind == kind).collect()
    }

    fn incoming(&self, id: &str, kind: RelKind) -> Vec<&Relation> {
        let all = self.into.get(id).map(Vec::as_slice).unwrap_or_default();
        all.iter().copied().filter(|r| r.kind == kind).collect()
    }

    /// `{ id name }` of node `id` when it is of `kind`, else null.
    fn id_name(&self, id: &str, kind: NodeKind) -> Value {
        match self.nodes.get(id) {
            Some(n) if n.id.kind() == kind => json!({ "id": id, "name": n.name }),
            _ => Value::Null,
        }
    }
}

fn text(d: Option<PartialDate>) -> Value {
    d.map_or(Value::Null, |d| json!({ "text": d.to_string() }))
}

/// Q1 by hand: the person, every `holds` relation in id order, and the
/// state of each office's first jurisdiction.
fn reference_q1(r: &Records, person: &str) -> Value {
    let Some(p) = r
        .nodes
        .get(person)
        .filter(|n| n.id.kind() == NodeKind::Person)
    else {
        return json!({ "person": null });
    };
    let tenures: Vec<Value> = r
        .outgoing(person, RelKind::Holds)
        .into_iter()
        .map(|t| {
            let office = t.to.as_str();
            let state = r
                .outgoing(office, RelKind::Jurisdiction)
                .first()
                .map_or(Value::Null, |j| r.id_name(j.to.as_str(), NodeKind::State));
            let mut o = r.id_name(office, NodeKind::Office);
            o["jurisdiction"] = state;
            json!({
                "start": text(t.start),
                "end": text(t.end),
                "acting": t.acting.unwrap_or(false),
                "office": o,
            })
        })
        .collect();
    json!({ "person": { "id": person, "name": p.name, "tenures": tenures } })
}

/// Whether a tenure from `start` to `end` surely, or only maybe, covers
/// every day `d` may be: "Certain", "Possible", or neither.
fn covering(start: Option<PartialDate>, end: Option<PartialDate>, d: PartialDate) -> Option<u8> {
    let may = start.is_none_or(|s| s.earliest() <= d.latest())
        && end.is_none_or(|e| e.latest() >= d.earliest());
    let sure = start.is_some_and(|s| s.latest() <= d.earliest())
        && end.is_some_and(|e| e.earliest() >= d.latest());
    may.then_some(if sure { 2 } else { 1 })
}

/// Q2 by hand: the meeting, every attendance in relation id order, and the
/// office each was in: stated, else among the person's tenures covering the
/// meeting's start the surest one (then the smallest office id).
fn reference_q2(r: &Records, meeting: &str) -> Value {
    let Some(m) = r
        .nodes
        .get(meeting)
        .filter(|n| n.id.kind() == NodeKind::Meeting)
    else {
        return json!({ "meeting": null });
    };
    let attendances: Vec<Value> = r
        .incoming(meeting, RelKind::Attended)
        .into_iter()
        .map(|a| {
            let who = a.from.as_str();
            let (capacity, status) = match (&a.capacity, m.start) {
                (Some(c), _) => (Some(c.as_str()), "STATED"),
                (None, None) => (None, "UNKNOWN"),
                (None, Some(d)) => {
                    let best = r
                        .outgoing(who, RelKind::Holds)
                        .into_iter()
                        .filter_map(|t| covering(t.start, t.end, d).map(|c| (c, t.to.as_str())))
                        .min_by_key(|(c, office)| (std::cmp::Reverse(*c), *office));
                    match best {
                        Some((2, o)) => (Some(o), "INFERRED"),
                        Some((_, o)) => (Some(o), "POSSIBLE"),
                        None => (None, "UNKNOWN"),
                    }
                }
            };
            json!({
                "person": r.id_name(who, NodeKind::Person),
                "capacity": capacity.map_or(Value::Null, |c| r.id_name(c, NodeKind::Office)),
                "capacityStatus": status,
            })
        })
        .collect();
    json!({ "meeting": {
        "id": meeting, "name": m.name, "startDate": text(m.start), "attendances": attendances,
    } })
}

/// The synthetic graph in a store, and the schema over it.
async fn served(w: &synth::World) -> (tempfile::TempDir, Service, attache::api::AttacheSchema) {
    let dir = tempfile::tempdir().unwrap();
    let service = Service::open(dir.path()).unwrap();
    let doc = vec![("synthetic.json".to_owned(), w.import_document())];
    attache::import::import(&service, &doc, vec![])
        .await
        .unwrap();
    let schema = attache::api::schema(service.clone());
    (dir, service, schema)
}

async fn ask(schema: &attache::api::AttacheSchema, query: &str, id: &str) -> Value {
    let req = Request::new(query).variables(Variables::from_json(json!({ "id": id })));
    let resp = schema.execute(req).await;
    assert!(resp.errors.is_empty(), "{id}: {:?}", resp.errors);
    resp.data.into_json().unwrap()
}

#[tokio::test]
async fn an_official_with_offices_and_states_reads_as_the_records_say() {
    let w = synth::World::generate(0.2);
    let r = records(&w);
    let (_dir, service, schema) = served(&w).await;
    let mut people: Vec<String> = (0..w.sizes.persons)
        .step_by(7)
        .map(synth::person_id)
        .collect();
    people.push("person:nobody-at-all".into());
    people.push(synth::meeting_id(3));
    for p in &people {
        assert_eq!(ask(&schema, reads::Q1, p).await, reference_q1(&r, p), "{p}");
    }
    drop(schema);
    service.close().await.unwrap();
}

#[tokio::test]
async fn a_meeting_with_attendees_and_their_offices_at_its_date_reads_as_the_records_say() {
    let w = synth::World::generate(0.2);
    let r = records(&w);
    let (_dir, service, schema) = served(&w).await;
    let mut meetings: Vec<String> = (0..w.sizes.meetings)
        .step_by(3)
        .map(synth::meeting_id)
        .collect();
    meetings.push("meeting:never-held".into());
    meetings.push(synth::person_id(3));
    let mut statuses = HashMap::new();
    for m in &meetings {
        let want = reference_q2(&r, m);
        for a in want["meeting"]["attendances"]
            .as_array()
            .into_iter()
            .flatten()
        {
            *statuses.entry(a["capacityStatus"].to_string()).or_insert(0) += 1;
        }
        assert_eq!(ask(&schema, reads::Q2, m).await, want, "{m}");
    }
    // The graph exercises every way a capacity is known.
    assert_eq!(statuses.len(), 4, "{statuses:?}");
    drop(schema);
    service.close().await.unwrap();
}
