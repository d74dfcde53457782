//! FollowTheMoney entities read back as Attaché records.
//!
//! Takes the schemata the export writes and an OpenSanctions-style file of
//! officials: `Person`, `Organization`/`PublicBody`/`Company`/`LegalEntity`,
//! `Position`, `Event`, `Document`, `Occupancy`, `Membership` (a state's
//! standing in an organization) and `UnknownLink` (whose first `role` names
//! an Attaché relation kind). Entities of other schemata, and memberships
//! whose member is not a state, are passed over. An entity whose id is an
//! encoded Attaché id keeps that id; any other gets `kind:` and its FtM id
//! as a slug. Properties that only echo a relation (a position's
//! `organization`, an event's `involved`) become that relation when the file
//! does not state it itself; a `location` becomes a place the
//! meeting was held in. A cited document (`proof`) becomes a source; a
//! `sourceUrl` with no `proof` becomes a source of its own, keyed by the URL.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;

use super::entity::{language_from_ftm, Entity, NAME_PROPS};
use super::ids;
use crate::import::ImportError;
use crate::model::{
    slugify, Alias, AttendanceRole, Citation, MembershipStatus, Node, NodeId, NodeKind, Note,
    PartialDate, Prop, RelId, RelKind, Relation,
};
use crate::service::Code;

/// What a file gave: records with the line each came from.
#[derive(Debug, Default)]
pub struct Read {
    pub nodes: Vec<(Node, usize)>,
    pub relations: Vec<(Relation, usize)>,
}

struct Reader<'a> {
    file: &'a str,
    entities: Vec<(Entity, usize)>,
    /// FtM id → the node it becomes.
    nodes: HashMap<String, NodeId>,
    problems: Vec<ImportError>,
    out: Read,
    /// Sources made from a `sourceUrl` with no `proof`, by id.
    url_sources: BTreeMap<String, (Node, usize)>,
    /// Places named by an event's `location`, by id.
    places: BTreeMap<String, (Node, usize)>,
    /// (kind, from, to) of every relation the file states, and the pairs.
    stated: HashSet<(RelKind, String, String)>,
    linked: HashSet<(String, String)>,
}

/// The node kind an entity of `schema` becomes (`proven`: some entity cites it).
fn kind_of(e: &Entity, proven: bool) -> Option<NodeKind> {
    let ours = ids::our_kind(&e.id);
    Some(match e.schema.as_str() {
        "Person" => NodeKind::Person,
        "Organization" | "PublicBody" | "Company" | "LegalEntity" => match ours {
            Some(NodeKind::State) => NodeKind::State,
            _ => NodeKind::Organization,
        },
        "Position" => NodeKind::Office,
        "Event" => NodeKind::Meeting,
        "Document" => match ours {
            Some(k @ (NodeKind::Source | NodeKind::Document)) => k,
            _ if proven => NodeKind::Source,
            _ => NodeKind::Document,
        },
        _ => return None,
    })
}

/// A date as Attaché keeps it: FtM's prefix dates, a time of day dropped.
fn date(text: &str) -> Result<PartialDate, String> {
    let day = text.split(['T', ' ']).next().unwrap_or(text);
    PartialDate::parse(day).map_err(|e| e.to_string())
}

impl<'a> Reader<'a> {
    fn problem(&mut self, line: usize, record: &str, field: Option<&str>, message: String) {
        self.problems.push(ImportError {
            file: self.file.to_owned(),
            line: Some(line),
            record: Some(record.to_owned()),
            field: field.map(str::to_owned),
            message,
            code: Code::InvalidInput,
        });
    }

    /// The node an entity reference names: an entity of the file, or an
    /// Attaché id (which the store may hold).
    fn target(&mut self, e: &Entity, line: usize, prop: &str, value: &str) -> Option<NodeId> {
        if let Some(id) = self.nodes.get(value) {
            return Some(id.clone());
        }
        if let Some(id) = ids::decode(value).and_then(|s| NodeId::parse(&s).ok()) {
            return Some(id);
        }
        let msg = format!("`{value}` is not an entity of this file that Attaché takes");
        self.problem(line, &e.id, Some(prop), msg);
        None
    }

    fn date_of(&mut self, e: &Entity, line: usize, prop: &str) -> Option<PartialDate> {
        let text = e.first(prop)?.to_owned();
        match date(&text) {
            Ok(d) => Some(d),
            Err(m) => {
                self.problem(line, &e.id, Some(prop), m);
                None
            }
        }
    }

    fn citations(&mut self, e: &Entity, line: usize) -> Vec<Citation> {
        let mut out = Vec::new();
        for p in e.get("proof").to_vec() {
            if let Some(source) = self.target(e, line, "proof", &p) {
                out.push(Citation {
                    source,
                    locator: None,
                });
            }
        }
        if out.is_empty() {
            for url in e.get("sourceUrl") {
                let slug: String = slugify(url).chars().take(150).collect();
                let Ok(id) = NodeId::parse(&format!("source:{slug}")) else {
                    continue;
                };
                self.url_sources
                    .entry(id.as_str().to_owned())
                    .or_insert_with(|| {
                        let mut n = Node::new(id.clone(), url.clone());
                        n.url = Some(url.clone());
                        n.publisher = e.first("publisher").map(str::to_owned);
                        (n, line)
                    });
                out.push(Citation {
                    source: id,
                    locator: None,
                });
            }
        }
        out
    }

    fn node(&mut self, e: &Entity, line: usize, id: NodeId) {
        let kind = id.kind();
        let name = e.first("name").or(e.first("title")).map(str::to_owned);
        let Some(name) = name else {
            self.problem(line, &e.id, Some("name"), "has no `name`".into());
            return;
        };
        let mut n = Node::new(id, name);
        for (prop, nk) in NAME_PROPS {
            for text in e.get(prop) {
                if *text != n.name {
                    n.aliases.push(Alias {
                        text: text.clone(),
                        lang: None,
                        script: None,
                        kind: *nk,
                        citations: Vec::new(),
                    });
                }
            }
        }
        n.description = e.first("description").map(str::to_owned);
        n.notes = e
            .get("notes")
            .iter()
            .map(|t| Note {
                text: t.clone(),
                citations: Vec::new(),
            })
            .collect();
        let lang = |e: &Entity| {
            e.first("language")
                .and_then(language_from_ftm)
                .map(str::to_owned)
        };
        match kind {
            NodeKind::State => n.code = e.first("country").map(|c| c.to_ascii_uppercase()),
            NodeKind::Organization => n.kind = e.first("legalForm").map(str::to_owned),
            NodeKind::Meeting => {
                n.start = self
                    .date_of(e, line, "startDate")
                    .or_else(|| self.date_of(e, line, "date"));
                n.end = self.date_of(e, line, "endDate");
                n.kind = e.first("keywords").map(str::to_owned);
            }
            NodeKind::Document => {
                n.date = self.date_of(e, line, "date");
                n.language = lang(e);
                n.kind = e.first("keywords").map(str::to_owned);
            }
            NodeKind::Source => {
                n.url = e.first("sourceUrl").map(str::to_owned);
                n.publisher = e.first("publisher").map(str::to_owned);
                n.date = self.date_of(e, line, "publishedAt");
                n.language = lang(e);
                n.kind = e.first("keywords").map(str::to_owned);
            }
            _ => {}
        }
        if kind != NodeKind::Source {
            n.citations = self.citations(e, line).into();
        }
        self.out.nodes.push((n, line));
    }

    /// A relation from an interval entity.
    fn relation(&mut self, e: &Entity, line: usize, kind: RelKind, ends: (&str, &str)) {
        let (Some(from_v), Some(to_v)) = (e.first(ends.0), e.first(ends.1)) else {
            let missing = if e.first(ends.0).is_none() {
                ends.0
            } else {
                ends.1
            };
            self.problem(
                line,
                &e.id,
                Some(missing),
                format!("`{missing}` is missing"),
            );
            return;
        };
        let (from_v, to_v) = (from_v.to_owned(), to_v.to_owned());
        let from = self.target(e, line, ends.0, &from_v);
        let to = self.target(e, line, ends.1, &to_v);
        let (Some(from), Some(to), Some(id)) = (from, to, ids::rel_id(&e.id)) else {
            return;
        };
        let mut r = Relation::new(id, kind, from, to);
        let props = kind.props();
        if props.contains(&Prop::Start) {
            r.start = self.date_of(e, line, "startDate");
        }
        if props.contains(&Prop::End) {
            r.end = self.date_of(e, line, "endDate");
        }
        match kind {
            RelKind::Holds => {
                for d in e.get("date").to_vec() {
                    match date(&d) {
                        Ok(d) => r.seen.push(d),
                        Err(m) => self.problem(line, &e.id, Some("date"), m),
                    }
                }
            }
            RelKind::MemberOf => {
                r.status = e
                    .first("role")
                    .and_then(|s| MembershipStatus::ALL.into_iter().find(|m| m.name() == s));
            }
            _ => {
                if props.contains(&Prop::Date) {
                    r.date = self.date_of(e, line, "date");
                }
                if props.contains(&Prop::Role) {
                    r.roles = e.get("role")[1..]
                        .iter()
                        .filter_map(|s| AttendanceRole::ALL.into_iter().find(|a| a.name() == s))
                        .collect();
                }
            }
        }
        r.note = e.first("description").map(str::to_owned);
        r.citations = self.citations(e, line).into();
        self.out.relations.push((r, line));
    }

    /// Adds a relation a property implies unless the file states it (an
    /// attendance also when the file states any relation of the pair).
    fn imply(&mut self, kind: RelKind, from: NodeId, to: NodeId, line: usize) {
        let key = (kind, from.as_str().to_owned(), to.as_str().to_owned());
        let pair = (key.1.clone(), key.2.clone());
        if self.stated.contains(&key) || (kind == RelKind::Attended && self.linked.contains(&pair))
        {
            return;
        }
        self.stated.insert(key);
        let rid = RelId::derived(kind.name(), &from, &to, 1);
        self.out
            .relations
            .push((Relation::new(rid, kind, from, to), line));
    }

    /// Relations that a node's properties imply and the file does not state.
    fn implied(&mut self, e: &Entity, line: usize, id: &NodeId) {
        let add = |me: &mut Self, kind, from, to| me.imply(kind, from, to, line);
        let state =
            |code: &str| NodeId::parse(&format!("state:{}", code.to_ascii_lowercase())).ok();
        match id.kind() {
            NodeKind::Office => {
                for o in e.get("organization").to_vec() {
                    if let Some(t) = self.target(e, line, "organization", &o) {
                        add(self, RelKind::BelongsTo, id.clone(), t);
                    }
                }
                for c in e.get("country") {
                    if let Some(s) = state(c) {
                        add(self, RelKind::Jurisdiction, id.clone(), s);
                    }
                }
            }
            NodeKind::Meeting => {
                for o in e.get("organizer").to_vec() {
                    if let Some(t) = self.target(e, line, "organizer", &o) {
                        add(self, RelKind::OrganizedBy, id.clone(), t);
                    }
                }
                for p in e.get("involved").to_vec() {
                    if let Some(t) = self.target(e, line, "involved", &p) {
                        add(self, RelKind::Attended, t, id.clone());
                    }
                }
                for c in e.get("country") {
                    if let Some(s) = state(c) {
                        add(self, RelKind::HostedBy, id.clone(), s);
                    }
                }
                for place in e.get("location") {
                    let Ok(p) = NodeId::parse(&format!("place:{}", slugify(place))) else {
                        continue;
                    };
                    self.places
                        .entry(p.as_str().to_owned())
                        .or_insert_with(|| (Node::new(p.clone(), place.clone()), line));
                    add(self, RelKind::HeldIn, id.clone(), p);
                }
            }
            _ => {}
        }
    }
}

/// Reads FtM JSON lines into records, or every problem with its line.
pub fn read(file: &str, input: impl BufRead) -> Result<Read, Vec<ImportError>> {
    let mut r = Reader {
        file,
        entities: Vec::new(),
        nodes: HashMap::new(),
        problems: Vec::new(),
        out: Read::default(),
        url_sources: BTreeMap::new(),
        places: BTreeMap::new(),
        stated: HashSet::new(),
        linked: HashSet::new(),
    };
    for (i, text) in input.lines().enumerate() {
        let line = i + 1;
        let text = match text {
            Ok(t) => t,
            Err(e) => {
                r.problem(line, "", None, format!("cannot be read: {e}"));
                break;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entity>(&text) {
            Ok(e) => r.entities.push((e, line)),
            Err(e) => r.problem(line, "", None, format!("is not an FtM entity: {e}")),
        }
    }
    let proven: HashSet<String> = r
        .entities
        .iter()
        .flat_map(|(e, _)| e.get("proof").iter().cloned())
        .collect();
    let entities = std::mem::take(&mut r.entities);
    let mut as_nodes = Vec::new();
    for (e, line) in &entities {
        let Some(kind) = kind_of(e, proven.contains(&e.id)) else {
            continue;
        };
        match ids::node_id(&e.id, kind) {
            Some(id) => {
                r.nodes.insert(e.id.clone(), id.clone());
                as_nodes.push((e, *line, id));
            }
            None => r.problem(
                *line,
                &e.id,
                Some("id"),
                "cannot be made an Attaché id".into(),
            ),
        }
    }
    for (e, line, id) in &as_nodes {
        r.node(e, *line, id.clone());
    }
    for (e, line) in &entities {
        match e.schema.as_str() {
            "Occupancy" => r.relation(e, *line, RelKind::Holds, ("holder", "post")),
            "Membership" => {
                let member = e.first("member").unwrap_or_default();
                let kind = r.nodes.get(member).map(|m| m.kind());
                if kind.or_else(|| ids::our_kind(member)) == Some(NodeKind::State) {
                    r.relation(e, *line, RelKind::MemberOf, ("member", "organization"));
                }
            }
            "UnknownLink" => {
                if let Some(kind) = e.first("role").and_then(RelKind::from_name) {
                    r.relation(e, *line, kind, ("subject", "object"));
                }
            }
            _ => {}
        }
    }
    for (rel, _) in &r.out.relations {
        let (from, to) = (rel.from.as_str().to_owned(), rel.to.as_str().to_owned());
        r.linked.insert((from.clone(), to.clone()));
        r.stated.insert((rel.kind, from, to));
    }
    for (e, line, id) in &as_nodes {
        r.implied(e, *line, id);
    }
    let sources = std::mem::take(&mut r.url_sources);
    r.out.nodes.extend(sources.into_values());
    let places = std::mem::take(&mut r.places);
    r.out.nodes.extend(places.into_values());
    if r.problems.is_empty() {
        Ok(r.out)
    } else {
        Err(r.problems)
    }
}
