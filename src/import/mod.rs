//! The import format (`graph-schema/import-format.md`): parse files with line
//! numbers, check everything, apply all of it in one write or nothing; export
//! the graph back in the same format.
//!
//! A file is `{"format": "attache/1", "nodes": [...], "relations": [...],
//! "conflicts": [...]}`. Records from every file of one import are applied
//! together (nodes, then relations, then conflicts), so files may refer to each
//! other. A record that exists is merged by default: what the file adds is
//! added, what it leaves out is kept, and a field it gives another value is
//! a conflict that refuses the import ([`crate::model::merge`]). With
//! [`Parsed::replacing`] each record replaces the stored one as a whole.
//! Either way a record identical to the stored one changes nothing.
//!
//! Files are read as streams, one record at a time, within the service's
//! [`SizeLimits`](crate::model::SizeLimits): no file's whole text is held, and
//! a bad byte or an over-long string is refused where it stands.

mod parse;
mod report;
mod scan;
pub mod schema;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::graph::Graph;
use crate::model::{Conflict, Node, Relation};
use crate::service::{Code, Problem, Service, ServiceError};

pub use parse::{parse, parse_files, texts, Location, Parsed, Source, MAX_PROBLEMS};
pub use report::{ImportItem, ImportReport};

/// The format tag every file carries.
pub const FORMAT: &str = "attache/1";

/// The seed data compiled into the binary: (path, contents) for each file of `seed-data/`.
pub const SEED: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/seed_files.rs"));

/// One import file, as exported.
#[derive(Debug, Serialize, Deserialize)]
pub struct ImportFile {
    pub format: String,
    #[serde(default)]
    pub nodes: Vec<Node>,
    #[serde(default)]
    pub relations: Vec<Relation>,
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
}

/// Where a problem is and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: String,
    pub line: Option<usize>,
    pub record: Option<String>,
    pub field: Option<String>,
    pub message: String,
    pub code: Code,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        f.write_str(":")?;
        if let Some(r) = &self.record {
            write!(f, " {r}")?;
        }
        if let Some(field) = &self.field {
            write!(f, " field `{field}`")?;
        }
        if self.record.is_some() || self.field.is_some() {
            f.write_str(":")?;
        }
        write!(f, " {}", self.message)
    }
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error("{} problem(s); nothing was imported:\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<ImportError>),
    #[error(transparent)]
    Service(ServiceError),
}

/// Maps the service's problems back to files and lines.
fn locate(locations: &[Location], problems: Vec<Problem>) -> Vec<ImportError> {
    problems
        .into_iter()
        .map(|p| {
            let loc = p.change.and_then(|i| locations.get(i));
            ImportError {
                file: loc.map(|l| l.file.to_string()).unwrap_or_default(),
                line: loc.map(|l| l.line),
                record: Some(p.record),
                field: p.field,
                message: p.message,
                code: p.code,
            }
        })
        .collect()
}

/// Checks `files` (name, text) completely and applies them in one write, or
/// reports every problem and applies nothing.
pub async fn import(
    service: &Service,
    files: &[(String, String)],
    meta: Vec<(&'static str, Vec<u8>)>,
) -> Result<ImportReport, ImportFailure> {
    import_from(service, texts(files), meta).await
}

/// [`import`] reading each source once, one record at a time.
pub async fn import_from(
    service: &Service,
    sources: Vec<Source<'_>>,
    meta: Vec<(&'static str, Vec<u8>)>,
) -> Result<ImportReport, ImportFailure> {
    let parsed = parse(sources, service.sizes()).map_err(ImportFailure::Invalid)?;
    apply(service, parsed, meta).await
}

/// Applies what [`parse`] read in one write, or reports every problem with
/// its file and line and applies nothing.
pub async fn apply(
    service: &Service,
    parsed: Parsed,
    meta: Vec<(&'static str, Vec<u8>)>,
) -> Result<ImportReport, ImportFailure> {
    let Parsed { changes, locations } = parsed;
    match service.write_with_meta(changes, meta).await {
        Ok(c) => Ok(ImportReport::new(true, c.outcomes, &locations)),
        Err(ServiceError::Rejected(problems)) => {
            Err(ImportFailure::Invalid(locate(&locations, problems)))
        }
        Err(e) => Err(ImportFailure::Service(e)),
    }
}

/// What applying `parsed` would do, record by record, without writing:
/// conflicting records are listed with both values; any other problem
/// refuses, with files and lines.
pub fn preview(service: &Service, parsed: Parsed) -> Result<ImportReport, Vec<ImportError>> {
    let Parsed { changes, locations } = parsed;
    match service.preview(changes) {
        Ok(outcomes) => Ok(ImportReport::new(false, outcomes, &locations)),
        Err(p) => Err(locate(&locations, p)),
    }
}

/// Checks without applying: every problem, with files and lines.
pub fn check(service: &Service, files: &[(String, String)]) -> Result<usize, Vec<ImportError>> {
    check_from(service, texts(files))
}

/// [`check`] reading each source once, one record at a time.
pub fn check_from(service: &Service, sources: Vec<Source<'_>>) -> Result<usize, Vec<ImportError>> {
    check_parsed(service, parse(sources, service.sizes())?)
}

/// Checks what [`parse`] read against the store, without applying it.
pub fn check_parsed(service: &Service, parsed: Parsed) -> Result<usize, Vec<ImportError>> {
    let Parsed { changes, locations } = parsed;
    let n = changes.len();
    service.check(changes).map_err(|p| locate(&locations, p))?;
    Ok(n)
}

/// The whole graph in the import format, in a stable order (nodes by kind then
/// id, relations and conflicts by id), so export → import → export is identical.
pub fn export(graph: &Graph) -> String {
    let mut relations: Vec<Relation> = graph.all_relations().map(|r| (**r).clone()).collect();
    relations.sort_by(|a, b| a.id.cmp(&b.id));
    let file = ImportFile {
        format: FORMAT.to_owned(),
        nodes: graph.all_nodes().map(|n| (**n).clone()).collect(),
        relations,
        conflicts: graph.conflicts().map(|c| (**c).clone()).collect(),
    };
    let mut s = serde_json::to_string_pretty(&file).expect("records serialize");
    s.push('\n');
    s
}

/// Loads the built-in seed data into a store that has never held anything
/// (a store emptied by deletes stays empty). Returns what it imported, if anything.
pub async fn seed_if_new(service: &Service) -> Result<Option<ImportReport>, ImportFailure> {
    let fresh = service.store().is_empty()
        && service
            .store()
            .meta("seeded")
            .map_err(|e| ImportFailure::Service(e.into()))?
            .is_none();
    if !fresh {
        return Ok(None);
    }
    let sources = SEED
        .iter()
        .map(|(n, t)| Source::new(*n, t.as_bytes()))
        .collect();
    import_from(service, sources, vec![("seeded", b"1".to_vec())])
        .await
        .map(Some)
}

/// The seed data as (name, text) pairs.
pub fn seed_files() -> Vec<(String, String)> {
    SEED.iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect()
}

#[cfg(test)]
mod tests;
