//! Parsing import files into changes, one record at a time from a reader
//! (`scan/`), keeping the file and line of each record and naming the field
//! of every problem. Only the parsed records are kept, never a file's text.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::scan::{self, RawRecord, Section};
use super::{ImportError, Redirect};
use crate::model::words::a;
use crate::model::{node_attrs, Conflict, Node, NodeId, RelKind, Relation, SizeLimits};
use crate::service::{Change, Code, Mode, Record};

/// After this many problems the parse stops: the rest would only repeat them.
pub const MAX_PROBLEMS: usize = 1000;

/// Where a record starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: Arc<str>,
    pub line: usize,
}

/// The changes of an import, with one location per change; and what could
/// not be read, so a check of the rest can leave out what those caused.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub changes: Vec<Change>,
    pub locations: Vec<Location>,
    /// Every problem found while reading (empty when all is well).
    pub problems: Vec<ImportError>,
    /// The ids of records that could not be read (their problems are above).
    pub unread: Vec<String>,
    /// Whether every file was read to its end (a syntax error stops a file:
    /// what follows it is unknown, so references are not checked then).
    pub complete: bool,
}

/// One input: a name for messages and the reader its text comes from.
pub struct Source<'a> {
    pub name: String,
    pub reader: Box<dyn Read + Send + 'a>,
}

impl<'a> Source<'a> {
    pub fn new(name: impl Into<String>, reader: impl Read + Send + 'a) -> Self {
        Source {
            name: name.into(),
            reader: Box::new(reader),
        }
    }
}

/// (name, text) pairs as sources.
pub fn texts(files: &[(String, String)]) -> Vec<Source<'_>> {
    files
        .iter()
        .map(|(n, t)| Source::new(n.clone(), t.as_bytes()))
        .collect()
}

/// Pulls the field name out of serde's "unknown field `x`" / "missing field `x`".
fn field_from_message(msg: &str) -> Option<String> {
    for pat in ["unknown field `", "missing field `"] {
        if let Some(rest) = msg.split(pat).nth(1) {
            return rest.split('`').next().map(str::to_owned);
        }
    }
    None
}

/// The fields a record of this kind takes, for an "unknown field" message:
/// a node's by the prefix of its id, a relation's by its `kind`. `None`
/// when the kind cannot be read (serde's own list then stands).
fn fields_of_kind(section: Section, raw: &RawRecord<'_>) -> Option<(String, Vec<&'static str>)> {
    match section {
        Section::Nodes => {
            let kind = NodeId::parse(&raw.name()).ok()?.kind();
            let mut f = vec!["id", "name", "aliases", "description"];
            f.extend(node_attrs(kind));
            f.extend(["notes", "citations"]);
            Some((a(kind.prefix()), f))
        }
        Section::Relations => {
            let v: serde_json::Value = serde_json::from_slice(raw.bytes).ok()?;
            let kind: RelKind = serde_json::from_value(v.get("kind")?.clone()).ok()?;
            let mut f = vec!["id", "kind", "from", "to"];
            f.extend(kind.props().iter().map(|p| p.field()));
            f.extend(["note", "citations"]);
            Some((a(&format!("`{}` relation", kind.name())), f))
        }
        Section::Conflicts => Some(("a conflict".into(), vec!["id", "claims", "note"])),
        Section::Redirects => Some(("a redirect".into(), vec!["from", "into"])),
    }
}

/// serde's "unknown field `x`, expected one of …" lists every field of the
/// type, every kind's attributes included; say instead what this record's
/// kind takes.
fn unknown_field_message(msg: &str, raw: &RawRecord<'_>) -> Option<String> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (name, _) = rest.split_once('`')?;
    let (what, fields) = fields_of_kind(raw.section, raw)?;
    let list: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
    Some(format!(
        "unknown field `{name}`: {what} takes {}",
        list.join(", ")
    ))
}

/// Reads one record's bytes as a `T`, or says where and what is wrong.
fn typed<T: DeserializeOwned>(file: &str, raw: &RawRecord<'_>) -> Result<T, Box<ImportError>> {
    let de = &mut serde_json::Deserializer::from_slice(raw.bytes);
    serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let msg = inner.to_string();
        let msg = msg
            .rsplit_once(" at line ")
            .map_or(msg.as_str(), |(m, _)| m)
            .to_owned();
        // A top-level unknown field is the record kind's business; one inside
        // an alias or citation keeps serde's list, which is that struct's own.
        let msg = if path.contains(['.', '[']) {
            msg
        } else {
            unknown_field_message(&msg, raw).unwrap_or(msg)
        };
        // serde_path_to_error writes `?` for a step it could not name (a
        // key that is not a string): the field is the part before it.
        let path = path.trim_end_matches(".?").to_owned();
        let field = if path.is_empty() || path == "." || path == "?" {
            field_from_message(&msg)
        } else {
            Some(path)
        };
        Box::new(ImportError {
            file: file.to_owned(),
            line: Some(raw.line + inner.line().saturating_sub(1)),
            record: Some(raw.name()),
            field,
            message: msg,
            code: Code::InvalidInput,
        })
    })
}

/// Where a change goes in an import's order: nodes, then redirects (their
/// survivors are nodes; the relations after them that name a merged id are
/// followed to its survivor), relations, conflicts.
pub(super) fn section_rank(c: &Change) -> u8 {
    match c {
        Change::Put(_, Record::Node(_)) => 0,
        Change::PutRedirect { .. } => 1,
        Change::Put(_, Record::Relation(_)) => 2,
        _ => 3,
    }
}

/// The index of a section's list in [`read_all`], in import order.
fn list_of(section: Section) -> usize {
    match section {
        Section::Nodes => 0,
        Section::Redirects => 1,
        Section::Relations => 2,
        Section::Conflicts => 3,
    }
}

pub(super) fn change_id(c: &Change) -> &str {
    match c {
        Change::Put(_, Record::Node(n)) => n.id.as_str(),
        Change::Put(_, Record::Relation(r)) => r.id.as_str(),
        Change::Put(_, Record::Conflict(c)) => c.id.as_str(),
        Change::PutRedirect { from, .. } => from.as_str(),
        _ => "",
    }
}

/// Parses every source, reading each once, one record at a time, within
/// `limits`, and orders the changes: all nodes, then all redirects, all
/// relations, all conflicts. Returns every problem found in any file (up to [`MAX_PROBLEMS`]).
pub fn parse(sources: Vec<Source<'_>>, limits: SizeLimits) -> Result<Parsed, Vec<ImportError>> {
    let parsed = read_all(sources, limits);
    if parsed.problems.is_empty() {
        Ok(parsed)
    } else {
        Err(parsed.problems)
    }
}

/// [`parse`], keeping the records that could be read beside the problems of
/// those that could not, so that the records read can still be checked
/// (references among them, and against the store) in the same pass.
pub fn read_all(sources: Vec<Source<'_>>, limits: SizeLimits) -> Parsed {
    read_all_with(sources, limits, &mut || {})
}

/// [`read_all`], calling `each_record` as each record is read (for progress).
pub fn read_all_with(
    sources: Vec<Source<'_>>,
    limits: SizeLimits,
    each_record: &mut dyn FnMut(),
) -> Parsed {
    let mut errors: Vec<ImportError> = Vec::new();
    let mut unread: Vec<String> = Vec::new();
    let mut complete = true;
    let mut lists: [Vec<(Change, Location)>; 4] = Default::default();
    for src in sources {
        if errors.len() >= MAX_PROBLEMS {
            break;
        }
        let file: Arc<str> = Arc::from(src.name);
        let mut each = |raw: RawRecord<'_>| {
            each_record();
            let put = |r| Change::Put(Mode::Merge, r);
            let change = match raw.section {
                Section::Nodes => typed::<Node>(&file, &raw).map(|n| put(Record::Node(n))),
                Section::Relations => {
                    typed::<Relation>(&file, &raw).map(|r| put(Record::Relation(r)))
                }
                Section::Conflicts => {
                    typed::<Conflict>(&file, &raw).map(|c| put(Record::Conflict(c)))
                }
                Section::Redirects => typed::<Redirect>(&file, &raw).map(|r| Change::PutRedirect {
                    mode: Mode::Merge,
                    from: r.from,
                    into: r.into,
                }),
            };
            match change {
                Ok(c) => lists[list_of(raw.section)].push((
                    c,
                    Location {
                        file: file.clone(),
                        line: raw.line,
                    },
                )),
                Err(e) => {
                    unread.push(raw.name());
                    errors.push(*e)
                }
            }
            errors.len() < MAX_PROBLEMS
        };
        let res = scan::scan(src.reader, limits, &mut each);
        if let Err(e) = res {
            complete = false;
            errors.push(ImportError {
                file: file.to_string(),
                line: Some(e.line),
                record: e.record,
                field: e.field,
                message: e.message,
                code: Code::InvalidInput,
            });
        }
    }
    if errors.len() >= MAX_PROBLEMS {
        errors.push(ImportError {
            file: errors[0].file.clone(),
            line: None,
            record: None,
            field: None,
            message: format!("stopped after {MAX_PROBLEMS} problems"),
            code: Code::InvalidInput,
        });
        return Parsed {
            problems: errors,
            ..Parsed::default()
        };
    }
    let total = lists.iter().map(Vec::len).sum();
    let mut parsed = Parsed {
        changes: Vec::with_capacity(total),
        locations: Vec::with_capacity(total),
        problems: Vec::new(),
        unread,
        complete,
    };
    for list in lists {
        for (c, l) in list {
            parsed.changes.push(c);
            parsed.locations.push(l);
        }
    }
    // A redirect's `from` is a merged id, which no record may also define:
    // the planner refuses that; here only two redirects of one id clash.
    let mut first: HashMap<(bool, &str), usize> = HashMap::with_capacity(total);
    for (i, c) in parsed.changes.iter().enumerate() {
        let redirect = matches!(c, Change::PutRedirect { .. });
        match first.entry((redirect, change_id(c))) {
            Entry::Vacant(v) => {
                v.insert(i);
            }
            Entry::Occupied(o) => {
                let ((_, id), at, was) =
                    (o.key(), &parsed.locations[i], &parsed.locations[*o.get()]);
                errors.push(ImportError {
                    file: at.file.to_string(),
                    line: Some(at.line),
                    record: Some((*id).to_owned()),
                    field: Some(if redirect { "from" } else { "id" }.into()),
                    message: format!(
                        "`{id}` is defined twice (first at {}:{})",
                        was.file, was.line
                    ),
                    code: Code::Conflict,
                });
            }
        }
    }
    drop(first);
    parsed.problems = errors;
    parsed
}

impl Parsed {
    /// Each record replaces the stored one as a whole instead of merging
    /// into it: what the file leaves out is removed.
    pub fn replacing(mut self) -> Self {
        for c in &mut self.changes {
            if let Change::Put(mode @ Mode::Merge, _) = c {
                *mode = Mode::Upsert;
            }
        }
        self
    }
}

/// [`parse`] of (name, text) pairs with the default limits.
pub fn parse_files(files: &[(String, String)]) -> Result<Parsed, Vec<ImportError>> {
    parse(texts(files), SizeLimits::default())
}
