//! The typed attributes GraphML and GEXF carry for each node and relation:
//! one declared key per field of the model, so a file read back gives the
//! same records. Scalars stay scalars (strings, integers, booleans); lists of
//! names or dates are comma-separated; structured fields (aliases, notes,
//! citations) are JSON text.

use std::io;

use serde_json::{Map, Value};

use crate::model::{Node, Relation};

/// How a field is written as an attribute value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Str,
    Int,
    Bool,
    /// Comma-separated names or dates (`roles`, `seen`).
    List,
    /// JSON text (`aliases`, `notes`, `citations`).
    Json,
}

/// One declared attribute.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The attribute's id in the file (unique over nodes and edges).
    pub id: &'static str,
    /// The attribute's name, as networkx and Gephi show it.
    pub name: &'static str,
    /// The record's field it holds (`None`: the node kind, read from the id).
    pub field: Option<&'static str>,
    pub ty: Ty,
}

const fn key(id: &'static str, name: &'static str, field: &'static str, ty: Ty) -> Key {
    Key {
        id,
        name,
        field: Some(field),
        ty,
    }
}

/// Node attributes. `kind` is the node kind (the id's prefix); the node's
/// free category (its `kind` field in `attache/1`) is `category`.
pub const NODE_KEYS: &[Key] = &[
    Key {
        id: "n_kind",
        name: "kind",
        field: None,
        ty: Ty::Str,
    },
    key("n_name", "name", "name", Ty::Str),
    key("n_description", "description", "description", Ty::Str),
    key("n_category", "category", "kind", Ty::Str),
    key("n_code", "code", "code", Ty::Str),
    key("n_start", "start", "start", Ty::Str),
    key("n_end", "end", "end", Ty::Str),
    key("n_date", "date", "date", Ty::Str),
    key("n_url", "url", "url", Ty::Str),
    key("n_publisher", "publisher", "publisher", Ty::Str),
    key("n_language", "language", "language", Ty::Str),
    key("n_status", "status", "status", Ty::Str),
    key("n_aliases", "aliases", "aliases", Ty::Json),
    key("n_notes", "notes", "notes", Ty::Json),
    key("n_citations", "citations", "citations", Ty::Json),
];

/// Relation attributes (the id, `from` and `to` are the edge's own).
pub const EDGE_KEYS: &[Key] = &[
    key("e_kind", "kind", "kind", Ty::Str),
    key("e_start", "start", "start", Ty::Str),
    key("e_end", "end", "end", Ty::Str),
    key("e_acting", "acting", "acting", Ty::Bool),
    key("e_status", "status", "status", Ty::Str),
    key("e_mode", "mode", "mode", Ty::Str),
    key("e_roles", "roles", "roles", Ty::List),
    key("e_capacity", "capacity", "capacity", Ty::Str),
    key("e_on_behalf_of", "on_behalf_of", "on_behalf_of", Ty::Str),
    key("e_topic", "topic", "topic", Ty::Str),
    key("e_date", "date", "date", Ty::Str),
    key("e_ordinal", "ordinal", "ordinal", Ty::Int),
    key("e_summary", "summary", "summary", Ty::Str),
    key("e_head", "head", "head", Ty::Str),
    key("e_head_count", "head_count", "head_count", Ty::Int),
    key("e_seen", "seen", "seen", Ty::List),
    key("e_start_by", "start_by", "start_by", Ty::Str),
    key("e_end_after", "end_after", "end_after", Ty::Str),
    key("e_end_before", "end_before", "end_before", Ty::Str),
    key("e_note", "note", "note", Ty::Str),
    key("e_citations", "citations", "citations", Ty::Json),
];

fn no_key(field: &str) -> io::Error {
    io::Error::other(format!(
        "field `{field}` has no attribute key (formats/attrs.rs)"
    ))
}

/// A JSON value as attribute text.
fn text_of(ty: Ty, v: &Value) -> String {
    match (ty, v) {
        (_, Value::String(s)) => s.clone(),
        (Ty::List, Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(","),
        (_, other) => other.to_string(),
    }
}

fn values(
    keys: &'static [Key],
    map: Map<String, Value>,
    skip: &[&str],
) -> io::Result<Vec<(&'static Key, String)>> {
    let mut out = Vec::with_capacity(map.len());
    for (field, v) in map {
        if skip.contains(&field.as_str()) {
            continue;
        }
        let k = keys
            .iter()
            .find(|k| k.field == Some(field.as_str()))
            .ok_or_else(|| no_key(&field))?;
        out.push((k, text_of(k.ty, &v)));
    }
    Ok(out)
}

/// A node's attributes, in declaration order of its fields.
pub fn node_values(n: &Node) -> io::Result<Vec<(&'static Key, String)>> {
    let Value::Object(map) = serde_json::to_value(n).map_err(io::Error::other)? else {
        return Err(io::Error::other("a node serializes to an object"));
    };
    let mut out = vec![(&NODE_KEYS[0], n.node_kind().prefix().to_owned())];
    out.extend(values(NODE_KEYS, map, &["id"])?);
    Ok(out)
}

/// A relation's attributes, in declaration order of its fields.
pub fn edge_values(r: &Relation) -> io::Result<Vec<(&'static Key, String)>> {
    let Value::Object(map) = serde_json::to_value(r).map_err(io::Error::other)? else {
        return Err(io::Error::other("a relation serializes to an object"));
    };
    values(EDGE_KEYS, map, &["id", "from", "to"])
}

/// Why an attribute value cannot be read: the field, and what is wrong.
pub type AttrError = (Option<String>, String);

/// An attribute's text as the JSON value of its field.
fn value_of(k: &Key, text: &str) -> Result<Value, AttrError> {
    let field = k.field.unwrap_or(k.name);
    let bad = |what: &str| (Some(field.to_owned()), format!("`{text}` is not {what}"));
    Ok(match k.ty {
        Ty::Str => Value::String(text.to_owned()),
        Ty::Int => Value::Number(
            text.trim()
                .parse::<u64>()
                .map_err(|_| bad("a whole number"))?
                .into(),
        ),
        Ty::Bool => match text.trim() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return Err(bad("true or false")),
        },
        Ty::List => Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        ),
        Ty::Json => serde_json::from_str(text)
            .map_err(|e| (Some(field.to_owned()), format!("is not JSON: {e}")))?,
    })
}

/// Reads `T` from its fields, naming the field of a problem.
fn typed<T: serde::de::DeserializeOwned>(map: Map<String, Value>) -> Result<T, AttrError> {
    serde_path_to_error::deserialize(Value::Object(map)).map_err(|e| {
        let path = e.path().to_string();
        let msg = e.into_inner().to_string();
        let field = if path.is_empty() || path == "." {
            None
        } else {
            Some(path)
        };
        (field, msg)
    })
}

/// The node with id `id` and these attributes. The node-kind attribute must
/// agree with the id.
pub fn node_from(id: &str, attrs: &[(&'static Key, String)]) -> Result<Node, AttrError> {
    let mut map = Map::new();
    map.insert("id".into(), Value::String(id.to_owned()));
    for (k, text) in attrs {
        match k.field {
            Some(f) => {
                map.insert(f.to_owned(), value_of(k, text)?);
            }
            None => {
                let prefix = id.split_once(':').map_or("", |(p, _)| p);
                if text != prefix {
                    return Err((
                        Some(k.name.to_owned()),
                        format!("is `{text}` but the id `{id}` is of kind `{prefix}`"),
                    ));
                }
            }
        }
    }
    typed(map)
}

/// The relation `id` from `from` to `to` with these attributes.
pub fn relation_from(
    id: &str,
    from: &str,
    to: &str,
    attrs: &[(&'static Key, String)],
) -> Result<Relation, AttrError> {
    let mut map = Map::new();
    map.insert("id".into(), Value::String(id.to_owned()));
    map.insert("from".into(), Value::String(from.to_owned()));
    map.insert("to".into(), Value::String(to.to_owned()));
    for (k, text) in attrs {
        if let Some(f) = k.field {
            map.insert(f.to_owned(), value_of(k, text)?);
        }
    }
    typed(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_ids_are_unique_over_nodes_and_edges() {
        let mut ids: Vec<&str> = NODE_KEYS.iter().chain(EDGE_KEYS).map(|k| k.id).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }

    #[test]
    fn a_relation_reads_back_from_its_attributes() {
        let r: Relation = serde_json::from_value(serde_json::json!({
            "id": "rel:x", "kind": "holds", "from": "person:a", "to": "office:b",
            "start": "2020-05", "acting": true, "seen": ["2021", "2022-03"],
            "citations": [{"source": "source:s", "locator": "¶3"}]
        }))
        .unwrap();
        let vals = edge_values(&r).unwrap();
        assert_eq!(
            relation_from("rel:x", "person:a", "office:b", &vals).unwrap(),
            r
        );
    }

    #[test]
    fn a_node_kind_attribute_that_disagrees_with_the_id_is_refused() {
        let e = node_from("person:a", &[(&NODE_KEYS[0], "state".into())]).unwrap_err();
        assert_eq!(e.0.as_deref(), Some("kind"));
    }
}
