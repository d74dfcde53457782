//! The synthetic graph the benchmarks (and the traversal reference test) run
//! on: people, offices with tenures, states, organizations, meetings with
//! dated attendances, and documents, every record valid for import and cited.
//!
//! [`World::generate`] takes a scale: at 1.0 it gives about 9,000 nodes and
//! 76,000 relations, at 10 ten times that. The same scale and seed give the
//! same records. Shape, so traversals have something to chew on:
//! - each meeting draws most attendees from a neighbourhood of people near
//!   its own number, so communities form and people far apart in number are
//!   several meetings apart;
//! - a chair and two guests come from a small set of senior officials, the
//!   first seniors far more often than the rest, so a few people are very
//!   busy (the "busiest official" of the metWith benchmark);
//! - meeting dates run from 2000 to 2025 by meeting number, at day, month or
//!   year precision, so many co-attendees tie on count and last date;
//! - one meeting in forty is only planned (it counts nowhere as held).
//!
//! Included with `#[path]` by the benches and tests that use it.

#![allow(dead_code)] // each includer uses its own part

use attache::import::{ImportFile, FORMAT};
use attache::model::{
    Citation, MeetingStatus, MembershipStatus, Node, NodeId, PartialDate, RelId, RelKind, Relation,
};

/// Knuth's MMIX LCG; the high bits are good enough for picking.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// How many of each thing there are at scale `n`.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub sources: usize,
    pub states: usize,
    pub organizations: usize,
    pub offices: usize,
    pub persons: usize,
    pub meetings: usize,
    pub documents: usize,
    /// Attendees of a meeting drawn from its neighbourhood.
    pub local_attendees: usize,
    /// Half-width of a meeting's neighbourhood, in person numbers.
    pub reach: usize,
    pub seniors: usize,
    pub signatories: usize,
    pub members_per_organization: usize,
}

impl Sizes {
    /// The sizes at `scale` (1: ~9,000 nodes and ~76,000 relations; 0.1 for
    /// a quick smoke run, 10 for ten times the graph).
    pub fn at(scale: f64) -> Sizes {
        let n = |base: usize| ((base as f64 * scale).round() as usize).max(1);
        Sizes {
            sources: 20,
            states: 40,
            organizations: n(40),
            offices: n(800),
            persons: n(5_000).max(200),
            meetings: n(2_600),
            documents: n(400),
            local_attendees: 19,
            reach: 60,
            seniors: n(100),
            signatories: 4,
            members_per_organization: 8,
        }
    }
}

pub fn nid(s: &str) -> NodeId {
    NodeId::parse(s).expect("generated node id")
}

pub fn person_id(p: usize) -> String {
    format!("person:p-{p:06}")
}
pub fn meeting_id(m: usize) -> String {
    format!("meeting:m-{m:06}")
}
fn source_id(i: usize) -> String {
    format!("source:src-{i:03}")
}
fn state_id(i: usize) -> String {
    format!("state:st-{i:03}")
}
fn org_id(i: usize) -> String {
    format!("organization:org-{i:04}")
}
fn office_id(i: usize) -> String {
    format!("office:of-{i:05}")
}
fn document_id(i: usize) -> String {
    format!("document:doc-{i:05}")
}

/// The generated records, nodes before the relations that name them.
pub struct World {
    pub sizes: Sizes,
    pub nodes: Vec<Node>,
    pub relations: Vec<Relation>,
    rng: Lcg,
}

impl World {
    pub fn generate(scale: f64) -> World {
        let mut w = World {
            sizes: Sizes::at(scale),
            nodes: Vec::new(),
            relations: Vec::new(),
            rng: Lcg(0x5eed_a77a_c4e0_0001),
        };
        w.sources();
        w.states_and_organizations();
        w.offices_and_people();
        w.meetings();
        w.documents();
        w
    }

    /// The whole graph as one `attache/1` import document.
    pub fn import_document(&self) -> String {
        let file = ImportFile {
            format: FORMAT.to_owned(),
            nodes: self.nodes.clone(),
            relations: self.relations.clone(),
            conflicts: Vec::new(),
            redirects: Vec::new(),
        };
        serde_json::to_string(&file).expect("serialize")
    }

    fn cite(&mut self) -> Vec<Citation> {
        vec![Citation {
            source: nid(&source_id(self.rng.below(self.sizes.sources))),
            locator: None,
        }]
    }

    fn node(&mut self, id: &str, name: String) -> Node {
        let mut n = Node::new(nid(id), name);
        n.citations = self.cite().into();
        n
    }

    fn rel(&mut self, id: String, kind: RelKind, from: &str, to: &str) -> Relation {
        let mut r = Relation::new(
            RelId::parse(&id).expect("generated relation id"),
            kind,
            nid(from),
            nid(to),
        );
        r.citations = self.cite().into();
        r
    }

    fn sources(&mut self) {
        for i in 0..self.sizes.sources {
            let mut n = Node::new(nid(&source_id(i)), format!("Synthetic report {i}"));
            n.url = Some(format!("https://news.example.org/reports/{i}"));
            self.nodes.push(n);
        }
    }

    fn states_and_organizations(&mut self) {
        let s = self.sizes;
        for i in 0..s.states {
            let n = self.node(&state_id(i), format!("State {i}"));
            self.nodes.push(n);
        }
        for o in 0..s.organizations {
            let n = self.node(&org_id(o), format!("Organization {o}"));
            self.nodes.push(n);
            for k in 0..s.members_per_organization {
                let st = (o * 3 + k * 5) % s.states;
                let mut r = self.rel(
                    format!("rel:member-{o:04}-{k}"),
                    RelKind::MemberOf,
                    &state_id(st),
                    &org_id(o),
                );
                r.status = Some(MembershipStatus::Member);
                r.start = Some(PartialDate::year(1990 + self.rng.below(30) as i32));
                self.relations.push(r);
            }
        }
    }

    fn offices_and_people(&mut self) {
        let s = self.sizes;
        for o in 0..s.offices {
            let n = self.node(&office_id(o), format!("Minister number {o}"));
            self.nodes.push(n);
            let r = self.rel(
                format!("rel:jurisdiction-{o:05}"),
                RelKind::Jurisdiction,
                &office_id(o),
                &state_id(o % s.states),
            );
            self.relations.push(r);
        }
        for p in 0..s.persons {
            let n = self.node(&person_id(p), format!("Person {p} Synthetic"));
            self.nodes.push(n);
            // Every person one tenure, every other person a second, later one.
            let first = 1995 + (p % 20) as i32;
            for k in 0..1 + p % 2 {
                let start = first + 5 * k as i32;
                let mut r = self.rel(
                    format!("rel:holds-{p:06}-{k}"),
                    RelKind::Holds,
                    &person_id(p),
                    &office_id((p + k * 7) % s.offices),
                );
                r.start = Some(PartialDate::year(start));
                r.end = Some(PartialDate::year(start + 4));
                self.relations.push(r);
            }
        }
    }

    /// A senior official, the first ones far more often.
    fn senior(&mut self) -> usize {
        let s = self.sizes;
        let bound = self.rng.below(s.seniors) + 1;
        let k = self.rng.below(bound);
        // Seniors are spread over the people, one every persons/seniors.
        k * (s.persons / s.seniors)
    }

    fn meetings(&mut self) {
        let s = self.sizes;
        for m in 0..s.meetings {
            let mut n = self.node(&meeting_id(m), format!("Meeting {m}"));
            let year = 2000 + (m * 26 / s.meetings) as i32;
            n.start = Some(match m % 3 {
                0 => PartialDate::ymd(year, 1 + (m % 12) as u8, 1 + (m % 28) as u8),
                1 => PartialDate::parse(&format!("{year:04}-{:02}", 1 + m % 12)).unwrap(),
                _ => PartialDate::year(year),
            });
            if m % 40 == 39 {
                n.status = Some(MeetingStatus::Planned);
            }
            self.nodes.push(n);
            let host = self.rng.below(s.states);
            let r = self.rel(
                format!("rel:hosted-{m:06}"),
                RelKind::HostedBy,
                &meeting_id(m),
                &state_id(host),
            );
            self.relations.push(r);

            let centre = m * s.persons / s.meetings;
            let mut who: Vec<usize> = vec![self.senior(), self.senior(), self.senior()];
            while who.len() < 3 + s.local_attendees {
                let p = (centre + s.persons + self.rng.below(2 * s.reach) - s.reach) % s.persons;
                if !who.contains(&p) {
                    who.push(p);
                }
            }
            who.sort_unstable();
            who.dedup();
            for (k, &p) in who.iter().enumerate() {
                let mut r = self.rel(
                    format!("rel:att-{m:06}-{k:02}"),
                    RelKind::Attended,
                    &person_id(p),
                    &meeting_id(m),
                );
                if k % 2 == 0 {
                    r.capacity = Some(nid(&office_id(p % s.offices)));
                }
                self.relations.push(r);
            }
            let chair = who[self.rng.below(who.len())];
            let r = self.rel(
                format!("rel:chaired-{m:06}"),
                RelKind::Chaired,
                &person_id(chair),
                &meeting_id(m),
            );
            self.relations.push(r);
            // A speaker, sometimes someone not on the attendance list.
            let speaker = if m % 5 == 0 {
                (centre + 3 * s.reach) % s.persons
            } else {
                who[self.rng.below(who.len())]
            };
            let r = self.rel(
                format!("rel:spoke-{m:06}"),
                RelKind::SpokeAt,
                &person_id(speaker),
                &meeting_id(m),
            );
            self.relations.push(r);
        }
    }

    fn documents(&mut self) {
        let s = self.sizes;
        for d in 0..s.documents {
            let m = d * s.meetings / s.documents;
            let mut n = self.node(&document_id(d), format!("Protocol {d}"));
            n.kind = Some("protocol".into());
            self.nodes.push(n);
            let r = self.rel(
                format!("rel:adopted-{d:05}"),
                RelKind::AdoptedAt,
                &document_id(d),
                &meeting_id(m),
            );
            self.relations.push(r);
            let centre = m * s.persons / s.meetings;
            for k in 0..s.signatories {
                let p = (centre + k * 11) % s.persons;
                let r = self.rel(
                    format!("rel:signed-{d:05}-{k}"),
                    RelKind::Signed,
                    &person_id(p),
                    &document_id(d),
                );
                self.relations.push(r);
            }
        }
    }
}
