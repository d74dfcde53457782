//! Open formats (issue 15; `graph-schema/formats.md`): the graph written out
//! as FollowTheMoney, Popolo, GraphML, GEXF, CSV or JSON-LD, and foreign files
//! read back in.
//!
//! Export streams: each format writes record by record to a [`Write`], never
//! the whole text in memory (CSV, a directory of files, goes through
//! [`export_dir`] or one file at a time through [`export_part`]).
//!
//! Import converts INTO the `attache/1` records ([`Parsed`]): validation,
//! atomicity, size limits, permissions, redirects and the change log stay
//! those of the one import path (`crate::import::apply`). A foreign reader
//! only builds records with their file and line ([`Records`]) and reports what
//! it cannot read as [`ImportError`]s naming file, line, field and id.

mod attrs;
pub mod csv;
pub mod ftm;
pub mod gexf;
pub mod graphml;
pub mod jsonld;
pub mod popolo;
mod xml;

use std::collections::HashSet;
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use crate::graph::Graph;
use crate::import::{self, ImportError, Location, Parsed, Source};
use crate::model::{Node, Relation, SizeLimits};
use crate::service::{Change, Code, Mode, Record};

/// A file format the graph can be written in, and (where it can carry our
/// facts) read from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum, async_graphql::Enum,
)]
pub enum Format {
    /// `attache/1`, the lossless reference format (`graph-schema/import-format.md`).
    #[default]
    Attache,
    /// FollowTheMoney entities, one JSON object a line.
    Ftm,
    /// Popolo JSON: persons, organizations, posts, memberships, events.
    Popolo,
    /// GraphML (networkx, yEd, Gephi) with typed, declared attributes.
    Graphml,
    /// GEXF 1.3 (Gephi) with dynamic, dated edges.
    Gexf,
    /// CSV: a nodes file and a relations file per kind (a directory).
    Csv,
    /// JSON-LD with schema.org terms and our own vocabulary.
    Jsonld,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Attache,
        Format::Ftm,
        Format::Popolo,
        Format::Graphml,
        Format::Gexf,
        Format::Csv,
        Format::Jsonld,
    ];

    /// The lowercase name the command line and messages use.
    pub fn name(self) -> &'static str {
        match self {
            Format::Attache => "attache",
            Format::Ftm => "ftm",
            Format::Popolo => "popolo",
            Format::Graphml => "graphml",
            Format::Gexf => "gexf",
            Format::Csv => "csv",
            Format::Jsonld => "jsonld",
        }
    }

    /// The extension of the files of this format (directories are searched
    /// for it on import).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Attache | Format::Popolo => "json",
            Format::Ftm => "ftm.json",
            Format::Graphml => "graphml",
            Format::Gexf => "gexf",
            Format::Csv => "csv",
            Format::Jsonld => "jsonld",
        }
    }

    /// The media type a single-file export is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Attache | Format::Popolo => "application/json",
            Format::Ftm => "application/x-ndjson",
            Format::Graphml | Format::Gexf => "application/xml",
            Format::Csv => "text/csv",
            Format::Jsonld => "application/ld+json",
        }
    }

    /// Whether an export is several files (written to a directory).
    pub fn is_directory(self) -> bool {
        self == Format::Csv
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format `{s}`: one of {}", names.join(", "))
            })
    }
}

/// Why an export or a conversion failed.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    /// The format's converter is not written yet.
    #[error("the {0} format is not available yet")]
    NotYet(Format),
    /// The format reads nothing back (see `graph-schema/formats.md`).
    #[error("the {0} format cannot be imported: {1}")]
    NoImport(Format, &'static str),
    /// A multi-file format asked for as one stream.
    #[error(
        "{0} is a directory of files ({1}): write it to a directory, or ask for one of its files"
    )]
    Directory(Format, String),
    /// One file of a multi-file export that it does not write.
    #[error("{format} has no file `{part}`: it writes {known}")]
    NoPart {
        format: Format,
        part: String,
        known: String,
    },
    /// Input that cannot be read, with where it is.
    #[error("{}", located(.file, *.line, .id.as_deref(), .field.as_deref(), .message))]
    Invalid {
        file: String,
        line: Option<usize>,
        id: Option<String>,
        field: Option<String>,
        message: String,
    },
}

fn located(
    file: &str,
    line: Option<usize>,
    id: Option<&str>,
    field: Option<&str>,
    message: &str,
) -> String {
    let mut s = file.to_owned();
    if let Some(l) = line {
        s.push_str(&format!(":{l}"));
    }
    s.push(':');
    if let Some(id) = id {
        s.push_str(&format!(" {id}"));
    }
    if let Some(f) = field {
        s.push_str(&format!(" field `{f}`"));
    }
    if id.is_some() || field.is_some() {
        s.push(':');
    }
    format!("{s} {message}")
}

impl FormatError {
    /// As an import problem (in file `file` when the error names none).
    pub fn into_import(self, file: &str) -> ImportError {
        match self {
            FormatError::Invalid {
                file: f,
                line,
                id,
                field,
                message,
            } => ImportError {
                file: f,
                line,
                record: id,
                field,
                message,
                code: Code::InvalidInput,
            },
            other => ImportError {
                file: file.to_owned(),
                line: None,
                record: None,
                field: None,
                message: other.to_string(),
                code: Code::InvalidInput,
            },
        }
    }
}

/// Writes the whole graph in `format` to `out`, record by record.
/// A multi-file format ([`Format::is_directory`]) is refused: use
/// [`export_dir`] or [`export_part`].
pub fn export(format: Format, graph: &Graph, out: &mut dyn Write) -> Result<(), FormatError> {
    match format {
        Format::Attache => import::export_to(graph, out).map_err(FormatError::from),
        Format::Ftm => ftm::export(graph, out),
        Format::Popolo => popolo::export(graph, out),
        Format::Graphml => graphml::export(graph, out),
        Format::Gexf => gexf::export(graph, out),
        Format::Jsonld => jsonld::export(graph, out),
        Format::Csv => Err(FormatError::Directory(format, csv::parts(graph).join(", "))),
    }
}

/// The files a multi-file export writes (one, `""`, for the others).
pub fn parts(format: Format, graph: &Graph) -> Vec<String> {
    match format {
        Format::Csv => csv::parts(graph),
        _ => vec![String::new()],
    }
}

/// Writes one file of an export: `part` is one of [`parts`] (`""` for a
/// single-file format).
pub fn export_part(
    format: Format,
    graph: &Graph,
    part: &str,
    out: &mut dyn Write,
) -> Result<(), FormatError> {
    match format {
        Format::Csv => csv::export_part(graph, part, out),
        _ if part.is_empty() => export(format, graph, out),
        _ => Err(FormatError::NoPart {
            format,
            part: part.to_owned(),
            known: "one file (ask for part \"\")".into(),
        }),
    }
}

/// Writes an export under `dir` (created if missing): each of [`parts`] as
/// a file there, written to a temporary name and renamed when complete.
/// Returns the paths written.
pub fn export_dir(
    format: Format,
    graph: &Graph,
    dir: &Path,
) -> Result<Vec<std::path::PathBuf>, FormatError> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for part in parts(format, graph) {
        let name = if part.is_empty() {
            format!("graph.{}", format.extension())
        } else {
            part.clone()
        };
        let path = dir.join(&name);
        let tmp = dir.join(format!(".{name}.tmp"));
        let file = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::new(file);
        export_part(format, graph, &part, &mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        written.push(path);
    }
    Ok(written)
}

/// Reads `sources` in `format` into `attache/1` records, every problem with
/// its file and line; nothing is checked against the store here (the import
/// path does that).
pub fn import(
    format: Format,
    sources: Vec<Source<'_>>,
    limits: SizeLimits,
) -> Result<Parsed, Vec<ImportError>> {
    match format {
        Format::Attache => import::parse(sources, limits),
        Format::Ftm => ftm::import(sources, limits),
        Format::Popolo => popolo::import(sources, limits),
        Format::Graphml => graphml::import(sources, limits),
        Format::Gexf => gexf::import(sources, limits),
        Format::Csv => csv::import(sources, limits),
        Format::Jsonld => jsonld::import(sources, limits),
    }
}

/// The records a foreign reader builds, each with where it was read, in the
/// order the import applies them (nodes, then relations).
#[derive(Default)]
pub struct Records {
    nodes: Vec<(Node, Location)>,
    relations: Vec<(Relation, Location)>,
    ids: HashSet<String>,
    problems: Vec<ImportError>,
}

impl Records {
    pub fn new() -> Self {
        Records::default()
    }

    /// Whether a node or relation with this id was added.
    pub fn has(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Adds a node unless one with its id was added (returns whether it was).
    pub fn node(&mut self, node: Node, file: &Arc<str>, line: usize) -> bool {
        if !self.ids.insert(node.id.as_str().to_owned()) {
            return false;
        }
        self.nodes.push((node, at(file, line)));
        true
    }

    /// Adds a relation unless one with its id was added (returns whether it was).
    pub fn relation(&mut self, rel: Relation, file: &Arc<str>, line: usize) -> bool {
        if !self.ids.insert(rel.id.as_str().to_owned()) {
            return false;
        }
        self.relations.push((rel, at(file, line)));
        true
    }

    /// Records a problem; reading goes on.
    pub fn problem(&mut self, e: ImportError) {
        self.problems.push(e);
    }

    /// Whether enough problems were found to stop reading.
    pub fn full(&self) -> bool {
        self.problems.len() >= import::MAX_PROBLEMS
    }

    /// The records as one import (merging into what is stored), or every problem.
    pub fn finish(self) -> Result<Parsed, Vec<ImportError>> {
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        let n = self.nodes.len() + self.relations.len();
        let mut parsed = Parsed {
            changes: Vec::with_capacity(n),
            locations: Vec::with_capacity(n),
            complete: true,
            ..Parsed::default()
        };
        let nodes = self.nodes.into_iter().map(|(n, l)| (Record::Node(n), l));
        let rels = self
            .relations
            .into_iter()
            .map(|(r, l)| (Record::Relation(r), l));
        for (r, l) in nodes.chain(rels) {
            parsed.changes.push(Change::Put(Mode::Merge, r));
            parsed.locations.push(l);
        }
        Ok(parsed)
    }
}

fn at(file: &Arc<str>, line: usize) -> Location {
    Location {
        file: file.clone(),
        line,
    }
}

/// An import problem at `file`:`line`.
pub fn problem(
    file: &str,
    line: Option<usize>,
    id: Option<&str>,
    field: Option<&str>,
    message: impl Into<String>,
) -> ImportError {
    ImportError {
        file: file.to_owned(),
        line,
        record: id.map(str::to_owned),
        field: field.map(str::to_owned),
        message: message.into(),
        code: Code::InvalidInput,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_reads_back_from_its_own_name() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>(), Ok(f));
            assert_eq!(
                <Format as clap::ValueEnum>::from_str(f.name(), false),
                Ok(f)
            );
        }
    }

    #[test]
    fn an_unknown_format_name_lists_the_known_ones() {
        let e = "dot".parse::<Format>().unwrap_err();
        assert!(
            e.contains("`dot`") && e.contains("graphml, gexf, csv"),
            "{e}"
        );
    }
}
