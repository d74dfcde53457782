//! Parsing import files into changes, keeping the file and line of each record
//! and naming the field of every problem.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{ImportError, FORMAT};
use crate::model::{Conflict, Node, Relation};
use crate::service::{Change, Mode, Record};

/// Where a record starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

/// The changes of an import, with one location per change.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub changes: Vec<Change>,
    pub locations: Vec<Location>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile<'a> {
    format: String,
    #[serde(borrow, default)]
    nodes: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    relations: Vec<&'a RawValue>,
    #[serde(borrow, default)]
    conflicts: Vec<&'a RawValue>,
}

fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
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

struct FileParser<'a> {
    name: &'a str,
    text: &'a str,
    errors: Vec<ImportError>,
    /// (offset, line) of the last record located: records come in file
    /// order, so each is found by counting on from the one before, not from
    /// the start (which made large files quadratic).
    cursor: (usize, usize),
}

impl<'a> FileParser<'a> {
    fn line_at(&mut self, offset: usize) -> usize {
        let (from, line) = if offset >= self.cursor.0 {
            self.cursor
        } else {
            (0, 1)
        };
        let end = offset.min(self.text.len());
        let line = line
            + self.text.as_bytes()[from..end]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
        self.cursor = (end, line);
        line
    }

    fn record<T: DeserializeOwned>(&mut self, raw: &RawValue) -> Option<(T, usize)> {
        let offset = raw.get().as_ptr() as usize - self.text.as_ptr() as usize;
        let line = self.line_at(offset);
        let de = &mut serde_json::Deserializer::from_str(raw.get());
        match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(v) => Some((v, line)),
            Err(e) => {
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
                let record = serde_json::from_str::<serde_json::Value>(raw.get())
                    .ok()
                    .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned));
                self.errors.push(ImportError {
                    file: self.name.to_owned(),
                    line: Some(line + inner.line().saturating_sub(1)),
                    record,
                    field,
                    message: msg,
                    code: "INVALID_INPUT",
                });
                None
            }
        }
    }
}

/// Parses every file and orders the changes: all nodes, then all relations,
/// then all conflicts. Returns every problem found in any file.
pub fn parse_files(files: &[(String, String)]) -> Result<Parsed, Vec<ImportError>> {
    let mut errors = Vec::new();
    let mut buckets: [Vec<(Change, Location, String)>; 3] = Default::default();
    for (name, text) in files {
        let raw: RawFile = match serde_json::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let msg = e.to_string();
                errors.push(ImportError {
                    file: name.clone(),
                    line: Some(e.line()),
                    record: None,
                    field: field_from_message(&msg),
                    message: msg
                        .rsplit_once(" at line ")
                        .map_or(msg.as_str(), |(m, _)| m)
                        .to_owned(),
                    code: "INVALID_INPUT",
                });
                continue;
            }
        };
        if raw.format != FORMAT {
            errors.push(ImportError {
                file: name.clone(),
                line: Some(line_at(text, text.find("\"format\"").unwrap_or(0))),
                record: None,
                field: Some("format".into()),
                message: format!("is `{}`, this build reads `{FORMAT}`", raw.format),
                code: "INVALID_INPUT",
            });
            continue;
        }
        let mut p = FileParser {
            name,
            text,
            errors: Vec::new(),
            cursor: (0, 1),
        };
        let loc = |line| Location {
            file: name.clone(),
            line,
        };
        for r in &raw.nodes {
            if let Some((n, line)) = p.record::<Node>(r) {
                let id = n.id.to_string();
                buckets[0].push((Change::Put(Mode::Upsert, Record::Node(n)), loc(line), id));
            }
        }
        for r in &raw.relations {
            if let Some((rel, line)) = p.record::<Relation>(r) {
                let id = rel.id.to_string();
                buckets[1].push((
                    Change::Put(Mode::Upsert, Record::Relation(rel)),
                    loc(line),
                    id,
                ));
            }
        }
        for r in &raw.conflicts {
            if let Some((c, line)) = p.record::<Conflict>(r) {
                let id = c.id.to_string();
                buckets[2].push((
                    Change::Put(Mode::Upsert, Record::Conflict(c)),
                    loc(line),
                    id,
                ));
            }
        }
        errors.extend(p.errors);
    }
    let mut seen: HashMap<String, Location> = HashMap::new();
    let mut parsed = Parsed {
        changes: Vec::new(),
        locations: Vec::new(),
    };
    for (change, loc, id) in buckets.into_iter().flatten() {
        if let Some(first) = seen.get(&id) {
            errors.push(ImportError {
                file: loc.file.clone(),
                line: Some(loc.line),
                record: Some(id.clone()),
                field: Some("id".into()),
                message: format!(
                    "`{id}` is defined twice (first at {}:{})",
                    first.file, first.line
                ),
                code: "CONFLICT",
            });
            continue;
        }
        seen.insert(id, loc.clone());
        parsed.changes.push(change);
        parsed.locations.push(loc);
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}
