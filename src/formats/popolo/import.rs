//! Popolo JSON read back as Attaché records: `persons` become people,
//! `organizations` states (classification `state`, or a `state:` id) or
//! bodies, `posts` offices, `memberships` tenures (with a `post_id`) or a
//! state's standing in an organization (with a `member` that is a state),
//! `events` meetings. Properties that name another element become the
//! relation they stand for (`parent_id` → `part_of` or `sub_event_of`,
//! `organization_id` → `belongs_to` or `organized_by`, `attendees` →
//! `attended`, `location` → a place the meeting was `held_in`), cited by the
//! element's own sources. A source link becomes a source node: one named
//! `urn:attache:ID` keeps that id, any other is keyed by its URL; its `note`
//! is its name.
//!
//! An element whose id is an Attaché id of its kind keeps it; any other gets
//! the kind's prefix and its Popolo id as a slug (`Q42` → `person:q42`).
//! References may cross files, or name Attaché ids the store holds. Every
//! problem names file, line (where the element starts), element id and field.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::sync::Arc;

use super::read::{node_ids, read_file, At, Elements};
use super::types::{Event, Link, Membership, Organization, OtherName, Person, Post, ISO_3166};
use crate::formats::{problem, Records};
use crate::import::{ImportError, Parsed, Source};
use crate::model::{
    slugify, Alias, Citation, MeetingStatus, MembershipStatus, NameKind, Node, NodeId, NodeKind,
    PartialDate, RelId, RelKind, Relation,
};

/// Reads Popolo files into `attache/1` records, or every problem.
pub fn import(sources: Vec<Source<'_>>) -> Result<Parsed, Vec<ImportError>> {
    let mut b = Builder::default();
    let mut all = Elements::default();
    for mut source in sources {
        let mut text = String::new();
        if let Err(e) = source.reader.read_to_string(&mut text) {
            b.records.problem(problem(
                &source.name,
                None,
                None,
                None,
                format!("cannot be read: {e}"),
            ));
            continue;
        }
        read_file(
            &mut b.records,
            Arc::from(source.name.as_str()),
            &text,
            &mut all,
        );
    }
    b.ids = node_ids(&mut b.records, &all);
    for p in &all.persons {
        b.person(p);
    }
    for o in &all.organizations {
        b.organization(o);
    }
    for p in &all.posts {
        b.post(p);
    }
    for e in &all.events {
        b.event(e);
    }
    for m in &all.memberships {
        b.membership(m);
    }
    b.finish()
}

#[derive(Default)]
struct Builder {
    records: Records,
    /// Popolo id → the node it becomes.
    ids: HashMap<String, NodeId>,
    /// Source and place nodes made from links and locations, by id.
    made: BTreeMap<String, (Node, Arc<str>, usize)>,
    /// (kind, from, to) of every relation made from a property.
    implied: HashSet<(RelKind, NodeId, NodeId)>,
    relations: Vec<(Relation, Arc<str>, usize)>,
}

/// A Popolo date as Attaché keeps it: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`
/// (a time of day dropped).
fn date(text: &str) -> Result<PartialDate, String> {
    let day = text.split(['T', ' ']).next().unwrap_or(text);
    PartialDate::parse(day).map_err(|e| e.to_string())
}

impl Builder {
    fn problem(&mut self, at: (&str, usize), id: Option<&str>, field: &str, msg: String) {
        let (file, line) = at;
        let id = id.filter(|i| !i.is_empty());
        self.records
            .problem(problem(file, Some(line), id, Some(field), msg));
    }

    /// The node a reference names: an element of the files, or an Attaché id.
    fn target(&mut self, at: (&str, usize), me: &str, field: &str, value: &str) -> Option<NodeId> {
        if let Some(id) = self.ids.get(value) {
            return Some(id.clone());
        }
        if let Ok(id) = NodeId::parse(value) {
            return Some(id);
        }
        let msg = format!("`{value}` names no element of these files and no Attaché id");
        self.problem(at, Some(me), field, msg);
        None
    }

    fn date_of(
        &mut self,
        at: (&str, usize),
        me: &str,
        field: &str,
        v: &Option<String>,
    ) -> Option<PartialDate> {
        let text = v.as_deref()?;
        match date(text) {
            Ok(d) => Some(d),
            Err(m) => {
                self.problem(at, Some(me), field, m);
                None
            }
        }
    }

    /// A source node for each link, and the citations of them.
    fn citations(&mut self, at: (&str, usize), me: &str, links: &[Link]) -> Vec<Citation> {
        let mut out: Vec<Citation> = Vec::new();
        for (i, link) in links.iter().enumerate() {
            let urn = link.url.strip_prefix("urn:attache:");
            let id = match urn {
                Some(rest) => NodeId::parse_kind(rest, NodeKind::Source).ok(),
                None => {
                    let slug: String = slugify(&link.url).chars().take(150).collect();
                    NodeId::parse_kind(&format!("source:{slug}"), NodeKind::Source).ok()
                }
            };
            let Some(id) = id else {
                let msg = format!("`{}` cannot name a source", link.url);
                self.problem(at, Some(me), &format!("sources[{i}].url"), msg);
                continue;
            };
            self.made.entry(id.as_str().to_owned()).or_insert_with(|| {
                let name = link.note.clone().unwrap_or_else(|| link.url.clone());
                let mut n = Node::new(id.clone(), name);
                n.url = urn.is_none().then(|| link.url.clone());
                (n, Arc::from(at.0), at.1)
            });
            if !out.iter().any(|c| c.source == id) {
                out.push(Citation {
                    source: id,
                    locator: None,
                });
            }
        }
        out
    }

    fn node(&mut self, n: Node, at: (&Arc<str>, usize)) {
        self.records.node(n, at.0, at.1);
    }

    /// A relation a property stands for, cited as the element is (once).
    fn imply(
        &mut self,
        kind: RelKind,
        from: NodeId,
        to: NodeId,
        cites: &[Citation],
        at: (&Arc<str>, usize),
    ) {
        if !self.implied.insert((kind, from.clone(), to.clone())) {
            return;
        }
        let mut r = Relation::new(RelId::derived(kind.name(), &from, &to, 1), kind, from, to);
        r.citations = cites.into();
        self.relations.push((r, at.0.clone(), at.1));
    }

    /// The node of element `id` (`None` when its id was refused).
    fn own(&self, id: &Option<String>) -> Option<NodeId> {
        self.ids.get(id.as_deref()?).cloned()
    }

    fn named(
        &mut self,
        at: (&str, usize),
        me: &str,
        field: &str,
        name: &Option<String>,
    ) -> Option<String> {
        match name.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => Some(n.to_owned()),
            _ => {
                self.problem(at, Some(me), field, "is missing".into());
                None
            }
        }
    }

    fn person(&mut self, p: &At<Person>) {
        let (at, me) = ((&*p.file, p.line), p.item.id.as_deref().unwrap_or(""));
        let Some(id) = self.own(&p.item.id) else {
            return;
        };
        let Some(name) = self.named(at, me, "name", &p.item.name) else {
            return;
        };
        let mut n = Node::new(id, name);
        n.aliases = aliases(&p.item.other_names);
        n.description = p.item.summary.clone();
        n.citations = self.citations(at, me, &p.item.sources).into();
        self.node(n, (&p.file, p.line));
    }

    fn organization(&mut self, o: &At<Organization>) {
        let (at, me) = ((&*o.file, o.line), o.item.id.as_deref().unwrap_or(""));
        let Some(id) = self.own(&o.item.id) else {
            return;
        };
        let Some(name) = self.named(at, me, "name", &o.item.name) else {
            return;
        };
        let mut n = Node::new(id.clone(), name);
        n.aliases = aliases(&o.item.other_names);
        n.description = o.item.description.clone();
        if id.kind() == NodeKind::State {
            n.code = o
                .item
                .identifiers
                .iter()
                .find(|i| i.scheme.as_deref() == Some(ISO_3166))
                .map(|i| i.identifier.to_ascii_uppercase());
        } else {
            n.kind = o.item.classification.clone();
        }
        n.citations = self.citations(at, me, &o.item.sources).into();
        if let Some(parent) = &o.item.parent_id {
            if let Some(to) = self.target(at, me, "parent_id", parent) {
                self.imply(RelKind::PartOf, id, to, &n.citations, (&o.file, o.line));
            }
        }
        self.node(n, (&o.file, o.line));
    }

    fn post(&mut self, p: &At<Post>) {
        let (at, me) = ((&*p.file, p.line), p.item.id.as_deref().unwrap_or(""));
        let Some(id) = self.own(&p.item.id) else {
            return;
        };
        let Some(name) = self.named(at, me, "label", &p.item.label) else {
            return;
        };
        let mut n = Node::new(id.clone(), name);
        n.aliases = (p.item.other_label.iter())
            .map(|t| alias(t, None))
            .collect();
        n.citations = self.citations(at, me, &p.item.sources).into();
        if let Some(org) = &p.item.organization_id {
            if let Some(to) = self.target(at, me, "organization_id", org) {
                self.imply(RelKind::BelongsTo, id, to, &n.citations, (&p.file, p.line));
            }
        }
        self.node(n, (&p.file, p.line));
    }

    fn event(&mut self, e: &At<Event>) {
        let (at, me) = ((&*e.file, e.line), e.item.id.as_deref().unwrap_or(""));
        let here = (&e.file, e.line);
        let Some(id) = self.own(&e.item.id) else {
            return;
        };
        let Some(name) = self.named(at, me, "name", &e.item.name) else {
            return;
        };
        let ev = &e.item;
        let mut n = Node::new(id.clone(), name);
        n.description = ev.description.clone();
        n.start = self.date_of(at, me, "start_date", &ev.start_date);
        n.end = self.date_of(at, me, "end_date", &ev.end_date);
        n.kind = ev.classification.clone();
        if let Some(s) = &ev.status {
            n.status = MeetingStatus::ALL.into_iter().find(|m| m.name() == s);
            if n.status.is_none() {
                let names: Vec<&str> = MeetingStatus::ALL.iter().map(|m| m.name()).collect();
                let msg = format!("`{s}` is not one of {}", names.join(", "));
                self.problem(at, Some(me), "status", msg);
            }
        }
        n.citations = self.citations(at, me, &ev.sources).into();
        let cites = n.citations.clone();
        if let Some(org) = &ev.organization_id {
            if let Some(to) = self.target(at, me, "organization_id", org) {
                self.imply(RelKind::OrganizedBy, id.clone(), to, &cites, here);
            }
        }
        if let Some(parent) = &ev.parent_id {
            if let Some(to) = self.target(at, me, "parent_id", parent) {
                self.imply(RelKind::SubEventOf, id.clone(), to, &cites, here);
            }
        }
        for (i, a) in ev.attendees.iter().enumerate() {
            let field = format!("attendees[{i}].id");
            let Some(who) = a.id.as_deref() else {
                self.problem(at, Some(me), &field, "is missing".into());
                continue;
            };
            if let Some(from) = self.target(at, me, &field, who) {
                self.imply(RelKind::Attended, from, id.clone(), &cites, here);
            }
        }
        if let Some(place) = &ev.location {
            match NodeId::parse_kind(&format!("place:{}", slugify(place)), NodeKind::Place) {
                Ok(p) => {
                    self.made.entry(p.as_str().to_owned()).or_insert_with(|| {
                        (Node::new(p.clone(), place.clone()), e.file.clone(), e.line)
                    });
                    self.imply(RelKind::HeldIn, id.clone(), p, &cites, here);
                }
                Err(err) => self.problem(at, Some(me), "location", err.to_string()),
            }
        }
        self.node(n, here);
    }

    fn membership(&mut self, m: &At<Membership>) {
        let (at, here) = ((&*m.file, m.line), (&m.file, m.line));
        let ms = &m.item;
        let me = ms.id.as_deref().unwrap_or("");
        let who = ms
            .person_id
            .as_deref()
            .or(ms.member.as_ref().and_then(|x| x.id.as_deref()));
        let who_field = if ms.person_id.is_some() {
            "person_id"
        } else {
            "member.id"
        };
        let Some(who) = who else {
            self.problem(
                at,
                Some(me),
                "person_id",
                "is missing (nor is there a `member`)".into(),
            );
            return;
        };
        let Some(from) = self.target(at, me, who_field, who) else {
            return;
        };
        let (kind, to) = if let Some(post) = &ms.post_id {
            let Some(to) = self.target(at, me, "post_id", post) else {
                return;
            };
            (RelKind::Holds, to)
        } else if from.kind() == NodeKind::State {
            let Some(org) = ms.organization_id.as_deref() else {
                self.problem(at, Some(me), "organization_id", "is missing".into());
                return;
            };
            let Some(to) = self.target(at, me, "organization_id", org) else {
                return;
            };
            (RelKind::MemberOf, to)
        } else {
            // A person's membership of a body without a post: Attaché keeps
            // tenures of offices only (graph-schema/formats.md).
            return;
        };
        let rid = match ms.id.as_deref() {
            Some(id) => rel_id(id),
            None => (1..)
                .map(|n| RelId::derived(kind.name(), &from, &to, n))
                .find(|r| {
                    !self.records.has(r.as_str())
                        && !self.relations.iter().any(|(x, ..)| x.id == *r)
                }),
        };
        let Some(rid) = rid else {
            self.problem(
                at,
                Some(me),
                "id",
                format!("`{me}` cannot be made an Attaché id"),
            );
            return;
        };
        let mut r = Relation::new(rid, kind, from, to.clone());
        r.start = self.date_of(at, me, "start_date", &ms.start_date);
        r.end = self.date_of(at, me, "end_date", &ms.end_date);
        r.citations = self.citations(at, me, &ms.sources).into();
        if kind == RelKind::MemberOf {
            r.status = (ms.role.as_deref())
                .and_then(|s| MembershipStatus::ALL.into_iter().find(|m| m.name() == s));
        } else if let Some(org) = &ms.organization_id {
            // The post's body, unless the post already names it.
            if let Some(body) = self.target(at, me, "organization_id", org) {
                let stated = self
                    .implied
                    .iter()
                    .any(|(k, f, _)| *k == RelKind::BelongsTo && *f == to);
                if !stated {
                    let cites = r.citations.clone();
                    self.imply(RelKind::BelongsTo, to, body, &cites, here);
                }
            }
        }
        self.relations.push((r, m.file.clone(), m.line));
    }

    fn finish(mut self) -> Result<Parsed, Vec<ImportError>> {
        for (_, (n, file, line)) in std::mem::take(&mut self.made) {
            self.records.node(n, &file, line);
        }
        for (r, file, line) in std::mem::take(&mut self.relations) {
            let id = r.id.as_str().to_owned();
            if !self.records.relation(r, &file, line) {
                let msg = format!("`{id}` is the id of an earlier record");
                self.records
                    .problem(problem(&file, Some(line), Some(&id), Some("id"), msg));
            }
        }
        self.records.finish()
    }
}

/// A membership's relation id: its own when it is one, else `rel:popolo/` and a slug.
fn rel_id(id: &str) -> Option<RelId> {
    RelId::parse(id)
        .or_else(|_| RelId::parse(&format!("rel:popolo/{}", slugify(id))))
        .ok()
}

fn alias(text: &str, note: Option<&str>) -> Alias {
    Alias {
        text: text.to_owned(),
        lang: None,
        script: None,
        kind: (note.and_then(|n| NameKind::ALL.into_iter().find(|k| k.name() == n)))
            .unwrap_or_default(),
        citations: Vec::new(),
    }
}

fn aliases(names: &[OtherName]) -> Vec<Alias> {
    names
        .iter()
        .map(|o| alias(&o.name, o.note.as_deref()))
        .collect()
}
