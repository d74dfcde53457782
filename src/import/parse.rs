//! Parsing import files into changes, one record at a time from a reader
//! (`scan/`), keeping the file and line of each record and naming the field
//! of every problem. Only the parsed records are kept, never a file's text.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::scan::{self, RawRecord, Section};
use super::ImportError;
use crate::model::{Conflict, Node, Relation, SizeLimits};
use crate::service::{Change, Code, Mode, Record};

/// After this many problems the parse stops: the rest would only repeat them.
pub const MAX_PROBLEMS: usize = 1000;

/// Where a record starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: Arc<str>,
    pub line: usize,
}

/// The changes of an import, with one location per change.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub changes: Vec<Change>,
    pub locations: Vec<Location>,
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

fn change_id(c: &Change) -> &str {
    match c {
        Change::Put(_, Record::Node(n)) => n.id.as_str(),
        Change::Put(_, Record::Relation(r)) => r.id.as_str(),
        Change::Put(_, Record::Conflict(c)) => c.id.as_str(),
        _ => "",
    }
}

/// Parses every source, reading each once, one record at a time, within
/// `limits`, and orders the changes: all nodes, then all relations, then all
/// conflicts. Returns every problem found in any file (up to [`MAX_PROBLEMS`]).
pub fn parse(sources: Vec<Source<'_>>, limits: SizeLimits) -> Result<Parsed, Vec<ImportError>> {
    let mut errors: Vec<ImportError> = Vec::new();
    let mut lists: [Vec<(Change, Location)>; 3] = Default::default();
    for src in sources {
        if errors.len() >= MAX_PROBLEMS {
            break;
        }
        let file: Arc<str> = Arc::from(src.name);
        let mut each = |raw: RawRecord<'_>| {
            let record = match raw.section {
                Section::Nodes => typed::<Node>(&file, &raw).map(Record::Node),
                Section::Relations => typed::<Relation>(&file, &raw).map(Record::Relation),
                Section::Conflicts => typed::<Conflict>(&file, &raw).map(Record::Conflict),
            };
            match record {
                Ok(r) => lists[raw.section as usize].push((
                    Change::Put(Mode::Merge, r),
                    Location {
                        file: file.clone(),
                        line: raw.line,
                    },
                )),
                Err(e) => errors.push(*e),
            }
            errors.len() < MAX_PROBLEMS
        };
        let res = scan::scan(src.reader, limits, &mut each);
        if let Err(e) = res {
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
        return Err(errors);
    }
    let total = lists.iter().map(Vec::len).sum();
    let mut parsed = Parsed {
        changes: Vec::with_capacity(total),
        locations: Vec::with_capacity(total),
    };
    for list in lists {
        for (c, l) in list {
            parsed.changes.push(c);
            parsed.locations.push(l);
        }
    }
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(total);
    for (i, c) in parsed.changes.iter().enumerate() {
        match first.entry(change_id(c)) {
            Entry::Vacant(v) => {
                v.insert(i);
            }
            Entry::Occupied(o) => {
                let (id, at, was) = (o.key(), &parsed.locations[i], &parsed.locations[*o.get()]);
                errors.push(ImportError {
                    file: at.file.to_string(),
                    line: Some(at.line),
                    record: Some((*id).to_owned()),
                    field: Some("id".into()),
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
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
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
