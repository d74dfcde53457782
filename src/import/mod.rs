//! The import format (`graph-schema/import-format.md`): parse files with line
//! numbers, check everything, apply all of it in one write or nothing; export
//! the graph back in the same format.
//!
//! A file is `{"format": "attache/1", "nodes": [...], "relations": [...],
//! "conflicts": [...], "redirects": [...]}`. Records from every file of one
//! import are applied together (nodes, then redirects, relations,
//! conflicts), so files may refer to each other. A redirect `{"from", "into"}`
//! is what a merge leaves: `from` names no node any more and reads as the
//! survivor `into`. A record that exists is merged by default: what the file adds is
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
use crate::model::{Conflict, Node, NodeId, Relation};
use crate::service::{Author, Change, Code, Problem, Service, ServiceError};

pub use parse::{
    parse, parse_files, read_all, read_all_with, texts, Location, Parsed, Source, MAX_PROBLEMS,
};
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
    /// Left out when empty, so a graph that never merged exports as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
}

/// A merged id and the node it now reads as: what a merge leaves behind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redirect {
    pub from: NodeId,
    pub into: NodeId,
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

/// How many problems an import's message lists; the rest are counted.
pub const SHOWN_PROBLEMS: usize = 50;

/// The problems, one a line, the first [`SHOWN_PROBLEMS`] of them, then how
/// many more there are.
fn list_problems(errs: &[ImportError]) -> String {
    let mut lines: Vec<String> = errs
        .iter()
        .take(SHOWN_PROBLEMS)
        .map(|e| format!("  {e}"))
        .collect();
    if errs.len() > SHOWN_PROBLEMS {
        lines.push(format!("  … and {} more", errs.len() - SHOWN_PROBLEMS));
    }
    lines.join("\n")
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    #[error("{} problem(s); nothing was imported:\n{}", .0.len(), list_problems(.0))]
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

/// Whether problem `p` is only the echo of a record that could not be read:
/// a reference to it, reported as missing.
fn echoes_unread(p: &Problem, unread: &[String]) -> bool {
    p.code == Code::Integrity
        && unread
            .iter()
            .any(|id| p.message == format!("`{id}` does not exist"))
}

/// Every problem of an import that could not be read whole: what reading
/// found, then what checking the records that were read finds (references
/// among them and to the store), leaving out references to the records that
/// could not be read. After a syntax error only the reading's problems are
/// known.
fn all_problems(service: &Service, parsed: Parsed) -> Vec<ImportError> {
    let Parsed {
        changes,
        locations,
        mut problems,
        unread,
        complete,
    } = parsed;
    if complete && problems.len() < MAX_PROBLEMS {
        if let Err(found) = service.check(changes) {
            let found = found
                .into_iter()
                .filter(|p| !echoes_unread(p, &unread))
                .collect();
            problems.extend(locate(&locations, found));
        }
    }
    problems
}

/// Checks `files` (name, text) completely and applies them in one write, or
/// reports every problem and applies nothing.
pub async fn import(
    service: &Service,
    files: &[(String, String)],
    meta: Vec<(&'static str, Vec<u8>)>,
) -> Result<ImportReport, ImportFailure> {
    import_from(service, texts(files), meta, Author::local().op("import")).await
}

/// [`import`] reading each source once, one record at a time.
pub async fn import_from(
    service: &Service,
    sources: Vec<Source<'_>>,
    meta: Vec<(&'static str, Vec<u8>)>,
    author: Author,
) -> Result<ImportReport, ImportFailure> {
    apply(service, read_all(sources, service.sizes()), meta, author).await
}

/// Applies what [`parse`] read in one write (one change set by `author`), or
/// reports every problem with its file and line and applies nothing.
pub async fn apply(
    service: &Service,
    parsed: Parsed,
    meta: Vec<(&'static str, Vec<u8>)>,
    author: Author,
) -> Result<ImportReport, ImportFailure> {
    if !parsed.problems.is_empty() {
        return Err(ImportFailure::Invalid(all_problems(service, parsed)));
    }
    let Parsed {
        changes, locations, ..
    } = parsed;
    match service.write_with_meta(author, changes, meta).await {
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
    if !parsed.problems.is_empty() {
        return Err(all_problems(service, parsed));
    }
    let Parsed {
        changes, locations, ..
    } = parsed;
    match service.preview(changes) {
        Ok(outcomes) => Ok(ImportReport::new(false, outcomes, &locations)),
        Err(p) => Err(locate(&locations, p)),
    }
}

/// Checks what [`read_all`] read against the store, without applying it.
pub fn check_parsed(service: &Service, parsed: Parsed) -> Result<usize, Vec<ImportError>> {
    if !parsed.problems.is_empty() {
        return Err(all_problems(service, parsed));
    }
    let Parsed {
        changes, locations, ..
    } = parsed;
    let n = changes.len();
    service.check(changes).map_err(|p| locate(&locations, p))?;
    Ok(n)
}

/// The whole graph in the import format, in a stable order (nodes by kind then
/// id, relations, conflicts and redirects by id), so export → import → export
/// is identical. Each redirect names its final survivor (a chain of merges
/// exports as one step), which is the form an import takes.
pub fn export(graph: &Graph) -> String {
    let mut out = Vec::new();
    export_to(graph, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// [`export`] streamed to `out`, one record at a time: only references to
/// the relations (to sort them) and the redirects are held, never the text
/// or copies of records.
pub fn export_to(graph: &Graph, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut redirects: Vec<Redirect> = graph
        .redirects()
        .filter_map(|(from, _)| {
            graph.redirect(from.as_str()).map(|into| Redirect {
                from: from.clone(),
                into: into.clone(),
            })
        })
        .collect();
    redirects.sort_by(|a, b| a.from.cmp(&b.from));
    let mut relations: Vec<&Relation> = graph.all_relations().map(|r| &**r).collect();
    relations.sort_by(|a, b| a.id.cmp(&b.id));
    let file = StreamedFile {
        format: FORMAT,
        nodes: Seq(|| graph.all_nodes().map(|n| &**n)),
        relations: Seq(|| relations.iter().copied()),
        conflicts: Seq(|| graph.conflicts().map(|c| &**c)),
        redirects,
    };
    use std::io::Write as _;
    let mut w = std::io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut w, &file).map_err(std::io::Error::other)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// [`ImportFile`] over borrowed sequences, serialized as they are walked.
#[derive(Serialize)]
struct StreamedFile<N, R, C> {
    format: &'static str,
    nodes: N,
    relations: R,
    conflicts: C,
    /// Left out when empty, as [`ImportFile`] does.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    redirects: Vec<Redirect>,
}

/// A sequence serialized from a fresh iterator, without collecting it.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// Whether the store has never held anything: empty, and never seeded (a
/// store emptied by deletes stays empty).
pub fn is_new(service: &Service) -> Result<bool, ImportFailure> {
    Ok(service.store().is_empty()
        && service
            .store()
            .meta("seeded")
            .map_err(|e| ImportFailure::Service(e.into()))?
            .is_none())
}

/// The meta entry a write that loads the seed data carries.
pub const SEEDED: (&str, &[u8]) = ("seeded", b"1");

/// Puts the built-in seed data in front of `parsed`, leaving out the seed
/// records that `parsed` defines itself (its version is the one asked for),
/// so one write loads both: a failed import leaves the store new. Returns
/// how many seed records were added.
pub fn with_seed(parsed: Parsed) -> (Parsed, usize) {
    let seed = parse(seed_sources(), crate::model::SizeLimits::default())
        .expect("the built-in seed data parses");
    let defined: std::collections::HashSet<&str> = parsed
        .changes
        .iter()
        .filter(|c| !matches!(c, Change::PutRedirect { .. }))
        .map(parse::change_id)
        .collect();
    let mut out = Parsed {
        problems: parsed.problems.clone(),
        unread: parsed.unread.clone(),
        complete: parsed.complete,
        ..Parsed::default()
    };
    let seed = seed
        .changes
        .into_iter()
        .zip(seed.locations)
        .filter(|(c, _)| !defined.contains(parse::change_id(c)));
    let mut all: Vec<(Change, Location)> = seed.collect();
    let added = all.len();
    all.extend(parsed.changes.into_iter().zip(parsed.locations));
    // Nodes, then redirects, relations, conflicts, as `parse` orders them (a
    // stable sort: each file's order within a section is kept).
    all.sort_by_key(|(c, _)| parse::section_rank(c));
    for (c, l) in all {
        out.changes.push(c);
        out.locations.push(l);
    }
    (out, added)
}

/// Loads the built-in seed data into a store that has never held anything
/// (a store emptied by deletes stays empty). Returns what it imported, if anything.
pub async fn seed_if_new(service: &Service) -> Result<Option<ImportReport>, ImportFailure> {
    if !is_new(service)? {
        return Ok(None);
    }
    import_from(
        service,
        seed_sources(),
        vec![(SEEDED.0, SEEDED.1.to_vec())],
        Author::new("seed").op("seed"),
    )
    .await
    .map(Some)
}

/// The built-in seed files as import sources.
fn seed_sources() -> Vec<Source<'static>> {
    SEED.iter()
        .map(|(n, t)| Source::new(*n, t.as_bytes()))
        .collect()
}

/// The seed data as (name, text) pairs.
pub fn seed_files() -> Vec<(String, String)> {
    SEED.iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect()
}

#[cfg(test)]
mod problems_tests;
#[cfg(test)]
mod tests;
