//! Restating a record that exists: [`merge`] adds what the restatement says
//! to the stored record (the import's default, "assert" semantics) and finds
//! every field it gives another value ([`Clash`]); [`diff`] says how two
//! versions of a record differ, as the lines an import report shows.
//!
//! Both work on the records' serde form (the import format), so a field the
//! model gains is merged and described with no change here. The rules:
//! - a field the restatement leaves out keeps its stored value;
//! - a field the store lacks takes the given value;
//! - lists are united: an item whose `text` matches a stored item's (an
//!   alias, a note) is merged into it, any other item (a citation, a claim)
//!   is added unless already there;
//! - any other field given a different value is a clash: nothing is chosen.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::kinds::NameKind;

/// A field the restatement gives a value other than the stored one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    /// The field's path in the import format (`kind`, `aliases[2].lang`).
    pub field: String,
    /// The stored value, as compact JSON.
    pub stored: String,
    /// The given value, as compact JSON.
    pub given: String,
    /// The citations nearest the field on each side ("source:x ¶3"): the
    /// enclosing alias's or note's, else the record's. Nothing records
    /// which source gave which field, so these are the record's evidence.
    pub stored_sources: Vec<String>,
    pub given_sources: Vec<String>,
}

impl fmt::Display for Clash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cited = |s: &[String]| {
            if s.is_empty() {
                "no citation".to_owned()
            } else {
                format!("cited: {}", s.join(", "))
            }
        };
        write!(
            f,
            "stored {} ({}) but given {} ({}): keep one by correcting the file, or \
             import with replace to overwrite the stored record",
            self.stored,
            cited(&self.stored_sources),
            self.given,
            cited(&self.given_sources)
        )
    }
}

/// How one version of a record differs from another, as `field: value` lines.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// `stored` with everything `given` adds, or every field they disagree on.
pub fn merge<T: Serialize + DeserializeOwned>(stored: &T, given: &T) -> Result<T, Vec<Clash>> {
    let (mut old, new) = (to_map(stored), to_map(given));
    let mut clashes = Vec::new();
    let (oc, nc) = (cites(&old), cites(&new));
    merge_obj("", &mut old, &new, &oc, &nc, false, &mut clashes);
    if !clashes.is_empty() {
        return Err(clashes);
    }
    serde_json::from_value(Value::Object(old)).map_err(|e| {
        vec![Clash {
            field: String::new(),
            stored: String::new(),
            given: String::new(),
            stored_sources: Vec::new(),
            given_sources: vec![format!("the merged record does not read back: {e}")],
        }]
    })
}

/// What changes from `old` to `new`: fields, list items and values, each a line.
pub fn diff<T: Serialize>(old: &T, new: &T) -> Diff {
    let mut d = Diff::default();
    diff_obj("", &to_map(old), &to_map(new), &mut d);
    d
}

fn to_map<T: Serialize>(r: &T) -> Map<String, Value> {
    match serde_json::to_value(r) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A citation as "source locator".
fn cite(v: &Value) -> String {
    let source = v["source"].as_str().unwrap_or_default();
    match v["locator"].as_str() {
        Some(l) => format!("{source} {l}"),
        None => source.to_owned(),
    }
}

fn cites(m: &Map<String, Value>) -> Vec<String> {
    m.get("citations")
        .and_then(Value::as_array)
        .map(|l| l.iter().map(cite).collect())
        .unwrap_or_default()
}

/// A value as a report shows it: an alias or note by its text, a citation
/// as "source locator", anything else as compact JSON.
fn show(v: &Value) -> String {
    if let Some(t) = v.get("text") {
        return t.to_string();
    }
    if v.get("source").is_some() {
        return cite(v);
    }
    v.to_string()
}

/// An alias or note: a list item known by its text.
fn text_of(v: &Value) -> Option<&str> {
    v.as_object()?.get("text")?.as_str()
}

/// Inside an alias, a `kind` left at its default does not contest a stored
/// kind: the parsed record cannot tell it from one the file left out.
fn is_unstated(in_alias: bool, key: &str, given: &Value) -> bool {
    in_alias
        && key == "kind"
        && serde_json::to_value(NameKind::default()).is_ok_and(|d| &d == given)
}

fn merge_obj(
    path: &str,
    old: &mut Map<String, Value>,
    new: &Map<String, Value>,
    old_cites: &[String],
    new_cites: &[String],
    in_alias: bool,
    clashes: &mut Vec<Clash>,
) {
    for (k, nv) in new {
        let p = join(path, k);
        let Some(ov) = old.get_mut(k) else {
            old.insert(k.clone(), nv.clone());
            continue;
        };
        if ov == nv || is_unstated(in_alias, k, nv) {
            continue;
        }
        match (ov, nv) {
            (Value::Array(oa), Value::Array(na)) => {
                merge_list(&p, oa, na, old_cites, new_cites, k == "aliases", clashes)
            }
            (Value::Object(oo), Value::Object(no)) => {
                merge_obj(&p, oo, no, old_cites, new_cites, in_alias, clashes)
            }
            (ov, nv) => clashes.push(Clash {
                field: p,
                stored: ov.to_string(),
                given: nv.to_string(),
                stored_sources: old_cites.to_vec(),
                given_sources: new_cites.to_vec(),
            }),
        }
    }
}

fn merge_list(
    path: &str,
    old: &mut Vec<Value>,
    new: &[Value],
    old_cites: &[String],
    new_cites: &[String],
    aliases: bool,
    clashes: &mut Vec<Clash>,
) {
    for nv in new {
        if let Some(t) = text_of(nv) {
            if let Some(i) = old.iter().position(|o| text_of(o) == Some(t)) {
                if let (Some(oo), Some(no)) = (old[i].as_object_mut(), nv.as_object()) {
                    // An item's own citations are the nearest evidence for its fields.
                    let (oc, nc) = (cites(oo), cites(no));
                    let oc = if oc.is_empty() {
                        old_cites.to_vec()
                    } else {
                        oc
                    };
                    let nc = if nc.is_empty() {
                        new_cites.to_vec()
                    } else {
                        nc
                    };
                    merge_obj(&format!("{path}[{i}]"), oo, no, &oc, &nc, aliases, clashes);
                }
                continue;
            }
        } else if old.contains(nv) {
            continue;
        }
        old.push(nv.clone());
    }
}

fn diff_obj(path: &str, old: &Map<String, Value>, new: &Map<String, Value>, d: &mut Diff) {
    for (k, ov) in old {
        let p = join(path, k);
        match (ov, new.get(k)) {
            (_, Some(nv)) if nv == ov => {}
            (Value::Array(oa), Some(Value::Array(na))) => diff_list(&p, oa, na, d),
            (Value::Object(oo), Some(Value::Object(no))) => diff_obj(&p, oo, no, d),
            (ov, nv) => {
                let old_items = ov.as_array().map_or(vec![ov], |a| a.iter().collect());
                d.removed
                    .extend(old_items.into_iter().map(|v| format!("{p}: {}", show(v))));
                if let Some(nv) = nv {
                    d.added.push(format!("{p}: {}", show(nv)));
                }
            }
        }
    }
    for (k, nv) in new {
        if !old.contains_key(k) {
            let p = join(path, k);
            let items = nv.as_array().map_or(vec![nv], |a| a.iter().collect());
            d.added
                .extend(items.into_iter().map(|v| format!("{p}: {}", show(v))));
        }
    }
}

fn diff_list(path: &str, old: &[Value], new: &[Value], d: &mut Diff) {
    let same = |a: &Value, b: &Value| match (text_of(a), text_of(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    };
    for (i, ov) in old.iter().enumerate() {
        match new.iter().find(|nv| same(ov, nv)) {
            None => d.removed.push(format!("{path}: {}", show(ov))),
            Some(nv) if nv == ov => {}
            Some(nv) => match (ov.as_object(), nv.as_object()) {
                (Some(oo), Some(no)) => diff_obj(&format!("{path}[{i}]"), oo, no, d),
                _ => {
                    d.removed.push(format!("{path}: {}", show(ov)));
                    d.added.push(format!("{path}: {}", show(nv)));
                }
            },
        }
    }
    for nv in new {
        if !old.iter().any(|ov| same(ov, nv)) {
            d.added.push(format!("{path}: {}", show(nv)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Alias, Citation, Node, NodeId};

    fn cite(s: &str, l: &str) -> Citation {
        Citation {
            source: NodeId::parse(s).unwrap(),
            locator: Some(l.into()),
        }
    }

    fn alias(text: &str, kind: NameKind, c: Citation) -> Alias {
        Alias {
            text: text.into(),
            lang: None,
            script: None,
            kind,
            citations: vec![c],
        }
    }

    fn stored() -> Node {
        let mut n = Node::new(NodeId::parse("person:a").unwrap(), "A");
        n.aliases
            .push(alias("A.B.", NameKind::Initials, cite("source:s", "¶1")));
        n.description = Some("Prosecutor".into());
        n.citations.push(cite("source:s", "¶1"));
        n
    }

    #[test]
    fn a_restatement_adds_and_keeps_everything_it_leaves_out() {
        let mut given = Node::new(NodeId::parse("person:a").unwrap(), "A");
        given.aliases.push(alias(
            "Ay",
            NameKind::Transliteration,
            cite("source:t", "¶2"),
        ));
        given.citations.push(cite("source:t", "¶2"));
        let m = merge(&stored(), &given).unwrap();
        let texts: Vec<_> = m.aliases.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["A.B.", "Ay"]);
        assert_eq!(m.description.as_deref(), Some("Prosecutor"));
        assert_eq!(m.citations.len(), 2);
        let d = diff(&stored(), &m);
        assert_eq!(d.added, ["aliases: \"Ay\"", "citations: source:t ¶2"]);
        assert!(d.removed.is_empty());
    }

    #[test]
    fn the_same_alias_restated_gains_citations_and_keeps_its_kind() {
        let mut given = Node::new(NodeId::parse("person:a").unwrap(), "A");
        given
            .aliases
            .push(alias("A.B.", NameKind::default(), cite("source:t", "¶9")));
        let m = merge(&stored(), &given).unwrap();
        assert_eq!(m.aliases.len(), 1);
        assert_eq!(m.aliases[0].kind, NameKind::Initials);
        assert_eq!(m.aliases[0].citations.len(), 2);
        assert_eq!(
            diff(&stored(), &m).added,
            ["aliases[0].citations: source:t ¶9"]
        );
    }

    #[test]
    fn a_different_value_is_a_clash_with_both_values_and_sources() {
        let mut given = stored();
        given.description = Some("Judge".into());
        given.citations = vec![cite("source:t", "¶4")].into();
        let c = merge(&stored(), &given).unwrap_err();
        assert_eq!(c.len(), 1);
        assert_eq!(
            (
                c[0].field.as_str(),
                c[0].stored.as_str(),
                c[0].given.as_str()
            ),
            ("description", "\"Prosecutor\"", "\"Judge\"")
        );
        assert_eq!(c[0].stored_sources, ["source:s ¶1"]);
        assert_eq!(c[0].given_sources, ["source:t ¶4"]);
    }

    #[test]
    fn merging_the_stored_record_or_a_part_of_it_changes_nothing() {
        assert_eq!(merge(&stored(), &stored()).unwrap(), stored());
        let part = Node::new(NodeId::parse("person:a").unwrap(), "A");
        assert_eq!(merge(&stored(), &part).unwrap(), stored());
    }

    #[test]
    fn a_replacement_reports_what_it_removes() {
        let new = Node::new(NodeId::parse("person:a").unwrap(), "A");
        let d = diff(&stored(), &new);
        assert_eq!(
            d.removed,
            [
                "aliases: \"A.B.\"",
                "description: \"Prosecutor\"",
                "citations: source:s ¶1"
            ]
        );
        assert!(d.added.is_empty());
    }
}
