//! The graph as FollowTheMoney entities, one JSON object a line.
//!
//! Nodes first, in kind then id order, then each node's outgoing relations
//! in id order, so the same graph always gives the same file and only one
//! node's relations are held at a time. Places, topics and series have no
//! FtM schema: they and their relations are left out, a place's name kept
//! as its meetings' `location`. See `graph-schema/formats.md`.

use std::collections::BTreeSet;
use std::io::{self, Write};

use petgraph::Direction;

use super::entity::{alias_prop, language_to_ftm, Entity};
use super::ids::encode;
use crate::graph::Graph;
use crate::model::{Citation, Node, NodeKind, RelKind, Relation};

/// The FtM schema a node becomes, if any.
pub fn schema_of(graph: &Graph, node: &Node) -> Option<&'static str> {
    Some(match node.node_kind() {
        NodeKind::Person => "Person",
        NodeKind::State => "PublicBody",
        NodeKind::Organization if is_public(graph, node) => "PublicBody",
        NodeKind::Organization => "Organization",
        NodeKind::Office => "Position",
        NodeKind::Meeting => "Event",
        NodeKind::Document | NodeKind::Source => "Document",
        NodeKind::Series | NodeKind::Place | NodeKind::Topic => return None,
    })
}

/// Whether a node kind is written as an entity.
pub fn exported(kind: NodeKind) -> bool {
    !matches!(kind, NodeKind::Series | NodeKind::Place | NodeKind::Topic)
}

/// The states an organization belongs to, following `part_of` upwards.
fn states_above(graph: &Graph, node: &Node) -> BTreeSet<String> {
    let mut states = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut todo = vec![node.id.as_str().to_owned()];
    while let Some(id) = todo.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        for r in graph.relations(&id, Direction::Outgoing, Some(RelKind::PartOf)) {
            match r.to.kind() {
                NodeKind::State => {
                    states.insert(r.to.as_str().to_owned());
                }
                _ => todo.push(r.to.as_str().to_owned()),
            }
        }
    }
    states
}

/// A body that is part of a state (at any depth) is a public body in FtM's terms.
fn is_public(graph: &Graph, node: &Node) -> bool {
    !states_above(graph, node).is_empty()
}

/// A state's country code as FtM writes it (lowercase ISO 3166-1).
fn country(graph: &Graph, state: &str) -> Option<String> {
    graph
        .node(state)
        .and_then(|n| n.code.as_deref())
        .map(str::to_ascii_lowercase)
}

/// The citations as `proof` (the source's entity), `sourceUrl` and `publisher`.
fn cite(graph: &Graph, e: &mut Entity, citations: &[Citation]) {
    for c in citations {
        e.add("proof", encode(c.source.as_str()));
        if let Some(src) = graph.node(c.source.as_str()) {
            e.add_opt("sourceUrl", src.url.clone());
            e.add_opt("publisher", src.publisher.clone());
        }
    }
}

/// The entity of one node, if its kind has a schema.
pub fn node_entity(graph: &Graph, node: &Node) -> Option<Entity> {
    let schema = schema_of(graph, node)?;
    let mut e = Entity::new(encode(node.id.as_str()), schema);
    e.add("name", node.name.clone());
    for a in &node.aliases {
        e.add(alias_prop(a.kind, schema), a.text.clone());
    }
    e.add_opt("description", node.description.clone());
    for n in &node.notes {
        e.add("notes", n.text.clone());
    }
    let id = node.id.as_str();
    let out = |k| graph.relations(id, Direction::Outgoing, Some(k));
    match node.node_kind() {
        NodeKind::State => e.add_opt("country", node.code.as_deref().map(str::to_ascii_lowercase)),
        NodeKind::Organization => {
            e.add_opt("legalForm", node.kind.clone());
            for s in states_above(graph, node) {
                e.add_opt("country", country(graph, &s));
            }
        }
        NodeKind::Office => {
            for r in out(RelKind::BelongsTo) {
                e.add("organization", encode(r.to.as_str()));
            }
            for r in out(RelKind::Jurisdiction) {
                e.add_opt("country", country(graph, r.to.as_str()));
            }
        }
        NodeKind::Meeting => {
            e.add_opt("startDate", node.start.map(|d| d.to_string()));
            e.add_opt("endDate", node.end.map(|d| d.to_string()));
            e.add_opt("keywords", node.kind.clone());
            for r in out(RelKind::HeldIn) {
                e.add_opt(
                    "location",
                    graph.node(r.to.as_str()).map(|p| p.name.clone()),
                );
            }
            for r in out(RelKind::HostedBy) {
                e.add_opt("country", country(graph, r.to.as_str()));
            }
            for r in out(RelKind::OrganizedBy) {
                e.add("organizer", encode(r.to.as_str()));
            }
            let mut involved = BTreeSet::new();
            for k in [RelKind::Attended, RelKind::Chaired] {
                for r in graph.relations(id, Direction::Incoming, Some(k)) {
                    involved.insert(encode(r.from.as_str()));
                }
            }
            for p in involved {
                e.add("involved", p);
            }
        }
        NodeKind::Document => {
            e.add("title", node.name.clone());
            e.add_opt("date", node.date.map(|d| d.to_string()));
            e.add_opt(
                "language",
                node.language.as_deref().and_then(language_to_ftm),
            );
            e.add_opt("keywords", node.kind.clone());
        }
        NodeKind::Source => {
            e.add("title", node.name.clone());
            e.add_opt("sourceUrl", node.url.clone());
            e.add_opt("publisher", node.publisher.clone());
            e.add_opt("publishedAt", node.date.map(|d| d.to_string()));
            e.add_opt(
                "language",
                node.language.as_deref().and_then(language_to_ftm),
            );
            e.add_opt("keywords", node.kind.clone());
        }
        NodeKind::Person | NodeKind::Series | NodeKind::Place | NodeKind::Topic => {}
    }
    cite(graph, &mut e, &node.citations);
    Some(e)
}

/// The entity of one relation, if both its ends are entities: `holds` an
/// `Occupancy`, `member_of` a `Membership`, any other kind an `UnknownLink`
/// whose first `role` names the kind (then an attendance's roles).
pub fn relation_entity(graph: &Graph, r: &Relation) -> Option<Entity> {
    if !exported(r.from.kind()) || !exported(r.to.kind()) {
        return None;
    }
    let date = |d: Option<crate::model::PartialDate>| d.map(|d| d.to_string());
    let id = encode(r.id.as_str());
    let (from, to) = (encode(r.from.as_str()), encode(r.to.as_str()));
    let mut e = match r.kind {
        RelKind::Holds => {
            let mut e = Entity::new(id, "Occupancy");
            e.add("holder", from);
            e.add("post", to);
            for d in &r.seen {
                e.add("date", d.to_string());
            }
            e
        }
        RelKind::MemberOf => {
            let mut e = Entity::new(id, "Membership");
            e.add("member", from);
            e.add("organization", to);
            e.add_opt("role", r.status.map(|s| s.name()));
            e
        }
        kind => {
            let mut e = Entity::new(id, "UnknownLink");
            e.add("subject", from);
            e.add("object", to);
            e.add("role", kind.name());
            for role in &r.roles {
                e.add("role", role.name());
            }
            e.add_opt("date", date(r.date));
            e
        }
    };
    e.add_opt("startDate", date(r.start));
    e.add_opt("endDate", date(r.end));
    e.add_opt("description", r.note.clone());
    cite(graph, &mut e, &r.citations);
    Some(e)
}

fn line(out: &mut dyn Write, e: &Entity) -> io::Result<()> {
    serde_json::to_writer(&mut *out, e)?;
    out.write_all(b"\n")
}

/// Writes the whole graph as FtM JSON lines.
pub fn write(graph: &Graph, out: &mut dyn Write) -> io::Result<()> {
    for node in graph.all_nodes() {
        if let Some(e) = node_entity(graph, node) {
            line(out, &e)?;
        }
    }
    for node in graph.all_nodes() {
        for r in graph.relations(node.id.as_str(), Direction::Outgoing, None) {
            if let Some(e) = relation_entity(graph, r) {
                line(out, &e)?;
            }
        }
    }
    Ok(())
}
