//! Popolo files split into their elements, each typed and with the line it
//! starts at, and the Attaché node id of every element.

use std::collections::HashMap;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::types::{Event, Membership, Organization, Person, Post};
use crate::formats::{problem, Records};
use crate::model::{slugify, NodeId, NodeKind};

/// The lists of a Popolo file, each element kept as its text.
#[derive(Deserialize)]
struct Doc<'a> {
    #[serde(borrow, default)]
    persons: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    organizations: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    posts: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    memberships: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    events: Vec<&'a RawValue>,
}

/// One element with the file and line it starts at.
pub struct At<T> {
    pub file: Arc<str>,
    pub line: usize,
    pub item: T,
}

#[derive(Default)]
pub struct Elements {
    pub persons: Vec<At<Person>>,
    pub organizations: Vec<At<Organization>>,
    pub posts: Vec<At<Post>>,
    pub memberships: Vec<At<Membership>>,
    pub events: Vec<At<Event>>,
}

/// Where in a file's text an element starts.
struct Lines<'a> {
    file: &'a Arc<str>,
    /// Byte offsets of the newlines.
    newlines: Vec<usize>,
    /// The address of the text's first byte.
    start: usize,
}

impl Lines<'_> {
    /// The line `raw` (a slice of the text) starts on.
    fn of(&self, raw: &RawValue) -> usize {
        let offset = raw.get().as_ptr() as usize - self.start;
        self.newlines.partition_point(|&n| n < offset) + 1
    }
}

/// Splits one file into its elements, each typed, with its line.
pub fn read_file(records: &mut Records, file: Arc<str>, text: &str, all: &mut Elements) {
    let doc: Doc = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            let msg = format!("is not a Popolo JSON object: {e}");
            records.problem(problem(&file, Some(e.line()), None, None, msg));
            return;
        }
    };
    let lines = Lines {
        file: &file,
        newlines: text.match_indices('\n').map(|(i, _)| i).collect(),
        start: text.as_ptr() as usize,
    };
    all.persons
        .extend(typed(records, &lines, doc.persons, "persons"));
    all.organizations
        .extend(typed(records, &lines, doc.organizations, "organizations"));
    all.posts.extend(typed(records, &lines, doc.posts, "posts"));
    all.memberships
        .extend(typed(records, &lines, doc.memberships, "memberships"));
    all.events
        .extend(typed(records, &lines, doc.events, "events"));
}

/// Types the elements of one list, each with the line it starts at.
fn typed<T: DeserializeOwned>(
    records: &mut Records,
    lines: &Lines<'_>,
    raws: Vec<&RawValue>,
    list: &str,
) -> Vec<At<T>> {
    let mut out = Vec::new();
    for (i, raw) in raws.into_iter().enumerate() {
        let line = lines.of(raw);
        match element(raw) {
            Ok(item) => out.push(At {
                file: lines.file.clone(),
                line,
                item,
            }),
            Err((id, path, msg)) => {
                let field = if path == "." {
                    format!("{list}[{i}]")
                } else {
                    path
                };
                report(records, (lines.file, line), id.as_deref(), &field, msg);
            }
        }
    }
    out
}

/// The node id of every element, by its Popolo id.
pub fn node_ids(records: &mut Records, all: &Elements) -> HashMap<String, NodeId> {
    let mut ids = HashMap::new();
    let org_kind = |o: &Organization| {
        let ours = o.id.as_deref().and_then(|i| NodeId::parse(i).ok());
        match ours.map(|i| i.kind()) {
            Some(k @ (NodeKind::State | NodeKind::Organization)) => k,
            _ if o.classification.as_deref() == Some("state") => NodeKind::State,
            _ => NodeKind::Organization,
        }
    };
    let mut wanted: Vec<(Option<&str>, NodeKind, (&str, usize))> = Vec::new();
    for p in &all.persons {
        wanted.push((p.item.id.as_deref(), NodeKind::Person, (&p.file, p.line)));
    }
    for o in &all.organizations {
        wanted.push((o.item.id.as_deref(), org_kind(&o.item), (&o.file, o.line)));
    }
    for p in &all.posts {
        wanted.push((p.item.id.as_deref(), NodeKind::Office, (&p.file, p.line)));
    }
    for e in &all.events {
        wanted.push((e.item.id.as_deref(), NodeKind::Meeting, (&e.file, e.line)));
    }
    for (id, kind, at) in wanted {
        let Some(id) = id else {
            report(records, at, None, "id", "is missing".into());
            continue;
        };
        let Some(node) = node_id(id, kind) else {
            let msg = format!("`{id}` cannot be made an Attaché id");
            report(records, at, Some(id), "id", msg);
            continue;
        };
        if ids.insert(id.to_owned(), node).is_some() {
            let msg = format!("`{id}` is the id of an earlier element");
            report(records, at, Some(id), "id", msg);
        }
    }
    ids
}

/// Types one element, or (its id if it has one, the field's path, why).
fn element<T: DeserializeOwned>(raw: &RawValue) -> Result<T, (Option<String>, String, String)> {
    let de = &mut serde_json::Deserializer::from_str(raw.get());
    serde_path_to_error::deserialize(de).map_err(|e| {
        let id = serde_json::from_str::<serde_json::Value>(raw.get())
            .ok()
            .and_then(|v| v.get("id")?.as_str().map(str::to_owned));
        (id, e.path().to_string(), e.into_inner().to_string())
    })
}

/// The node id of a Popolo element of `kind`: its own when it is an Attaché
/// id of that kind, otherwise the kind's prefix and the id as a slug.
fn node_id(id: &str, kind: NodeKind) -> Option<NodeId> {
    if let Ok(n) = NodeId::parse_kind(id, kind) {
        return Some(n);
    }
    NodeId::parse_kind(&format!("{}:{}", kind.prefix(), slugify(id)), kind).ok()
}

fn report(records: &mut Records, at: (&str, usize), id: Option<&str>, field: &str, msg: String) {
    records.problem(problem(at.0, Some(at.1), id, Some(field), msg));
}
