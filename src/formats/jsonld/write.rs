//! The JSON-LD export: one object per node, redirect, relation (followed by
//! its direct schema.org statement, if its kind has one) and conflict, each
//! on its own line of the `@graph` array, written as it is made.

use std::io::{self, Write};

use petgraph::Direction;
use serde_json::{Map, Value};

use super::vocab::{self, Term, Val};
use crate::formats::graphml::sorted_relations;
use crate::graph::Graph;
use crate::model::{Conflict, Node, NodeKind, RelKind, Relation};

fn bad(what: impl std::fmt::Display) -> io::Error {
    io::Error::other(format!("JSON-LD export: {what}"))
}

/// A partial date as a typed literal at its precision.
pub fn date(d: &str) -> Value {
    let ty = match d.len() {
        4 => "xsd:gYear",
        7 => "xsd:gYearMonth",
        _ => "xsd:date",
    };
    serde_json::json!({ "@value": d, "@type": ty })
}

fn each(v: Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items,
        one => vec![one],
    }
}

/// Renames the keys of the objects in `v` by `names` (field → term),
/// `with` handling the fields that need more.
fn objects(
    v: Value,
    names: &[(&str, &str)],
    mut with: impl FnMut(&str, Value, &mut Map<String, Value>) -> io::Result<bool>,
) -> io::Result<Value> {
    let mut out = Vec::new();
    for item in each(v) {
        let Value::Object(map) = item else {
            return Err(bad(format!("expected an object, not {item}")));
        };
        let mut o = Map::new();
        for (field, value) in map {
            if with(&field, value.clone(), &mut o)? {
                continue;
            }
            let (_, term) = names
                .iter()
                .find(|(f, _)| *f == field)
                .ok_or_else(|| bad(format!("field `{field}` has no term (jsonld/vocab.rs)")))?;
            o.insert((*term).into(), value);
        }
        out.push(Value::Object(o));
    }
    Ok(Value::Array(out))
}

fn citations(v: Value) -> io::Result<Value> {
    objects(v, vocab::CITATION_TERMS, |_, _, _| Ok(false))
}

/// A field's value as JSON-LD.
fn value(val: Val, v: Value) -> io::Result<Value> {
    Ok(match val {
        Val::Date => match v {
            Value::String(s) => date(&s),
            other => return Err(bad(format!("a date is a string, not {other}"))),
        },
        Val::Dates => Value::Array(
            each(v)
                .into_iter()
                .map(|d| value(Val::Date, d))
                .collect::<io::Result<_>>()?,
        ),
        Val::Texts | Val::Ids => Value::Array(each(v)),
        Val::Citations => citations(v)?,
        Val::Notes => objects(v, vocab::NOTE_TERMS, |field, v, o| {
            if field == "citations" {
                o.insert("citation".into(), citations(v)?);
                return Ok(true);
            }
            Ok(false)
        })?,
        Val::Aliases => {
            let mut out = Vec::new();
            for alias in each(v) {
                let Value::Object(mut a) = alias else {
                    return Err(bad("an alias is an object"));
                };
                let lang = a.remove("lang");
                let mut one = objects(Value::Object(a), vocab::ALIAS_TERMS, |field, v, o| {
                    if field == "citations" {
                        o.insert("citation".into(), citations(v)?);
                        return Ok(true);
                    }
                    Ok(false)
                })?;
                if let (Some(lang), Some(o)) = (lang, one[0].as_object_mut()) {
                    let text = o.remove("name").unwrap_or_default();
                    let named = serde_json::json!({ "@value": text, "@language": lang });
                    o.insert("name".into(), named);
                    o.sort_keys();
                }
                out.extend(each(one));
            }
            Value::Array(out)
        }
        Val::Text | Val::Id | Val::Int | Val::Bool => v,
    })
}

fn object_of<T: serde::Serialize>(record: &T) -> io::Result<Map<String, Value>> {
    match serde_json::to_value(record).map_err(io::Error::other)? {
        Value::Object(m) => Ok(m),
        _ => Err(bad("a record serializes to an object")),
    }
}

fn put(o: &mut Map<String, Value>, term: &Term, v: Value) -> io::Result<()> {
    o.insert(term.term.into(), value(term.val, v)?);
    Ok(())
}

/// A node's class term: an organization that is part of a state is a
/// `GovernmentOrganization`.
fn node_class(graph: &Graph, n: &Node) -> &'static str {
    let kind = n.node_kind();
    if kind == NodeKind::Organization {
        let of_state = graph
            .relations(n.id.as_str(), Direction::Outgoing, Some(RelKind::PartOf))
            .iter()
            .any(|r| r.to.kind() == NodeKind::State);
        if of_state {
            return "GovernmentOrganization";
        }
    }
    vocab::node_classes(kind)[0]
}

/// A node as a JSON-LD object.
pub fn node(graph: &Graph, n: &Node) -> io::Result<Value> {
    let kind = n.node_kind();
    let mut o = Map::new();
    o.insert("@id".into(), n.id.as_str().into());
    o.insert("@type".into(), node_class(graph, n).into());
    for (field, v) in object_of(n)? {
        if field == "id" {
            continue;
        }
        let term = vocab::node_term(kind, &field).ok_or_else(|| {
            bad(format!(
                "node field `{field}` has no term (jsonld/vocab.rs)"
            ))
        })?;
        put(&mut o, term, v)?;
    }
    Ok(Value::Object(o))
}

/// A relation as a JSON-LD object.
pub fn relation(r: &Relation) -> io::Result<Value> {
    let mut o = Map::new();
    o.insert("@id".into(), r.id.as_str().into());
    let class = vocab::rel_class(r.kind);
    let ty = if vocab::is_role(r.kind) {
        serde_json::json!([class, "Role"])
    } else {
        class.into()
    };
    o.insert("@type".into(), ty);
    for (field, v) in object_of(r)? {
        if field == "id" || field == "kind" {
            continue;
        }
        let term = vocab::REL_TERMS
            .iter()
            .find(|t| t.field == field)
            .ok_or_else(|| {
                bad(format!(
                    "relation field `{field}` has no term (jsonld/vocab.rs)"
                ))
            })?;
        put(&mut o, term, v)?;
    }
    Ok(Value::Object(o))
}

/// The direct schema.org statement a relation implies (`{"@id": meeting,
/// "attendee": person}`), if its kind has one.
pub fn link(r: &Relation) -> Option<Value> {
    let (term, reversed) = vocab::link(r.kind)?;
    let (s, o) = if reversed {
        (&r.to, &r.from)
    } else {
        (&r.from, &r.to)
    };
    Some(serde_json::json!({ "@id": s.as_str(), term: o.as_str() }))
}

/// A conflict as a JSON-LD object.
pub fn conflict(c: &Conflict) -> io::Result<Value> {
    let mut o = Map::new();
    o.insert("@id".into(), c.id.as_str().into());
    o.insert("@type".into(), "Conflict".into());
    for (field, v) in object_of(c)? {
        if field == "id" {
            continue;
        }
        let term = vocab::CONFLICT_TERMS
            .iter()
            .find(|t| t.field == field)
            .ok_or_else(|| bad(format!("conflict field `{field}` has no term")))?;
        put(&mut o, term, v)?;
    }
    Ok(Value::Object(o))
}

/// Writes the graph, one object a line; holds only references to the
/// relations (to sort them) and the redirects.
pub fn write(graph: &Graph, out: &mut dyn Write) -> io::Result<()> {
    let mut w = io::BufWriter::new(out);
    writeln!(w, "{{\"@context\": \"{}\",", vocab::CONTEXT_IRI)?;
    write!(w, "\"@graph\": [")?;
    let mut first = true;
    let mut item = |w: &mut io::BufWriter<&mut dyn Write>, v: &Value| -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        serde_json::to_writer(&mut *w, v).map_err(io::Error::other)
    };
    for n in graph.all_nodes() {
        item(&mut w, &node(graph, n)?)?;
    }
    let mut redirects: Vec<_> = graph
        .redirects()
        .filter_map(|(from, _)| graph.redirect(from.as_str()).map(|into| (from, into)))
        .collect();
    redirects.sort();
    for (from, into) in redirects {
        let term = vocab::MERGED_INTO.term;
        item(
            &mut w,
            &serde_json::json!({ "@id": from.as_str(), term: into.as_str() }),
        )?;
    }
    for r in sorted_relations(graph) {
        item(&mut w, &relation(r)?)?;
        if let Some(l) = link(r) {
            item(&mut w, &l)?;
        }
    }
    for c in graph.conflicts() {
        item(&mut w, &conflict(c)?)?;
    }
    writeln!(w, "\n]}}")?;
    w.flush()
}
