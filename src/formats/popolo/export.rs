//! The graph as one Popolo JSON file: `persons`, `organizations` (states and
//! bodies), `posts` (offices), `memberships` (tenures, with `post_id`, and a
//! state's standing in an organization, with `member`) and `events`
//! (meetings), each element on its own line, written as it is built.

use std::io::{self, Write};

use petgraph::Direction;

use super::types::{
    Attendee, Event, Identifier, Link, Member, Membership, Organization, OtherName, Person, Post,
    ISO_3166,
};
use crate::graph::Graph;
use crate::model::{Citation, Node, NodeKind, RelKind, Relation};

/// A cited source as a Popolo link: its URL (a source with none is named by
/// the URN of its id) and its name as the note.
fn sources(graph: &Graph, citations: &[Citation]) -> Vec<Link> {
    let mut out: Vec<Link> = Vec::new();
    for c in citations {
        let Some(src) = graph.node(c.source.as_str()) else {
            continue;
        };
        let link = Link {
            url: src
                .url
                .clone()
                .unwrap_or_else(|| format!("urn:attache:{}", src.id)),
            note: Some(src.name.clone()),
        };
        if !out.contains(&link) {
            out.push(link);
        }
    }
    out
}

fn other_names(node: &Node) -> Vec<OtherName> {
    node.aliases
        .iter()
        .map(|a| OtherName {
            name: a.text.clone(),
            note: Some(a.kind.name().to_owned()),
        })
        .collect()
}

fn first_to(graph: &Graph, id: &str, kind: RelKind) -> Option<String> {
    graph
        .relations(id, Direction::Outgoing, Some(kind))
        .first()
        .map(|r| r.to.as_str().to_owned())
}

pub fn person(graph: &Graph, n: &Node) -> Person {
    Person {
        id: Some(n.id.to_string()),
        name: Some(n.name.clone()),
        other_names: other_names(n),
        summary: n.description.clone(),
        sources: sources(graph, &n.citations),
    }
}

pub fn organization(graph: &Graph, n: &Node) -> Organization {
    let state = n.node_kind() == NodeKind::State;
    Organization {
        id: Some(n.id.to_string()),
        name: Some(n.name.clone()),
        other_names: other_names(n),
        identifiers: n
            .code
            .iter()
            .map(|c| Identifier {
                identifier: c.clone(),
                scheme: Some(ISO_3166.to_owned()),
            })
            .collect(),
        classification: if state {
            Some("state".to_owned())
        } else {
            n.kind.clone()
        },
        parent_id: first_to(graph, n.id.as_str(), RelKind::PartOf),
        description: n.description.clone(),
        sources: sources(graph, &n.citations),
    }
}

pub fn post(graph: &Graph, n: &Node) -> Post {
    Post {
        id: Some(n.id.to_string()),
        label: Some(n.name.clone()),
        other_label: n.aliases.iter().map(|a| a.text.clone()).collect(),
        organization_id: first_to(graph, n.id.as_str(), RelKind::BelongsTo),
        sources: sources(graph, &n.citations),
    }
}

/// A tenure or a state's standing as a membership; other relations are none.
pub fn membership(graph: &Graph, r: &Relation) -> Option<Membership> {
    let mut m = Membership {
        id: Some(r.id.to_string()),
        start_date: r.start.map(|d| d.to_string()),
        end_date: r.end.map(|d| d.to_string()),
        sources: sources(graph, &r.citations),
        ..Membership::default()
    };
    match r.kind {
        RelKind::Holds => {
            m.person_id = Some(r.from.to_string());
            m.post_id = Some(r.to.to_string());
            m.organization_id = first_to(graph, r.to.as_str(), RelKind::BelongsTo);
        }
        RelKind::MemberOf => {
            m.member = Some(Member {
                kind: Some("Organization".to_owned()),
                id: Some(r.from.to_string()),
            });
            m.organization_id = Some(r.to.to_string());
            m.role = r.status.map(|s| s.name().to_owned());
        }
        _ => return None,
    }
    Some(m)
}

pub fn event(graph: &Graph, n: &Node) -> Event {
    let id = n.id.as_str();
    let mut attendees: Vec<String> = graph
        .relations(id, Direction::Incoming, Some(RelKind::Attended))
        .into_iter()
        .filter(|r| r.from.kind() == NodeKind::Person)
        .map(|r| r.from.to_string())
        .collect();
    // By id, so the order does not hang on the attendances' own ids (which
    // Popolo does not carry).
    attendees.sort_unstable();
    attendees.dedup();
    Event {
        id: Some(n.id.to_string()),
        name: Some(n.name.clone()),
        description: n.description.clone(),
        start_date: n.start.map(|d| d.to_string()),
        end_date: n.end.map(|d| d.to_string()),
        location: first_to(graph, id, RelKind::HeldIn)
            .and_then(|p| graph.node(&p).map(|p| p.name.clone())),
        status: n.status.map(|s| s.name().to_owned()),
        classification: n.kind.clone(),
        organization_id: first_to(graph, id, RelKind::OrganizedBy),
        parent_id: first_to(graph, id, RelKind::SubEventOf),
        attendees: attendees
            .into_iter()
            .map(|id| Attendee { id: Some(id) })
            .collect(),
        sources: sources(graph, &n.citations),
    }
}

/// Writes one list: `"name":[` then each item on its own line.
fn list<T: serde::Serialize>(
    out: &mut dyn Write,
    name: &str,
    first: bool,
    items: impl Iterator<Item = T>,
) -> io::Result<()> {
    write!(out, "{}\"{name}\":[", if first { "" } else { "],\n" })?;
    for (i, item) in items.enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &item)?;
    }
    Ok(())
}

/// Writes the whole graph as one Popolo JSON object.
pub fn write(graph: &Graph, out: &mut dyn Write) -> io::Result<()> {
    let of = |k| {
        graph
            .ids_of_kind(k)
            .filter_map(|id| graph.node(id.as_str()))
    };
    out.write_all(b"{")?;
    list(
        out,
        "persons",
        true,
        of(NodeKind::Person).map(|n| person(graph, n)),
    )?;
    let bodies = of(NodeKind::State).chain(of(NodeKind::Organization));
    list(
        out,
        "organizations",
        false,
        bodies.map(|n| organization(graph, n)),
    )?;
    list(
        out,
        "posts",
        false,
        of(NodeKind::Office).map(|n| post(graph, n)),
    )?;
    let tenures = of(NodeKind::Person)
        .flat_map(|n| graph.relations(n.id.as_str(), Direction::Outgoing, Some(RelKind::Holds)));
    let standing = of(NodeKind::State)
        .flat_map(|n| graph.relations(n.id.as_str(), Direction::Outgoing, Some(RelKind::MemberOf)));
    let memberships = tenures.chain(standing).filter_map(|r| membership(graph, r));
    list(out, "memberships", false, memberships)?;
    list(
        out,
        "events",
        false,
        of(NodeKind::Meeting).map(|n| event(graph, n)),
    )?;
    out.write_all(b"]}\n")
}
