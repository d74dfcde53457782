//! The JSON-LD format (`graph-schema/formats.md`): the whole graph with
//! schema.org terms where they fit and our own vocabulary
//! (`https://attache.example/vocab#`) for the rest, compacted with the
//! context of `vocab.rs` (committed as `graph-schema/context.jsonld`, served
//! at `/context.jsonld`); and files as the export writes them read back into
//! `attache/1` records.

mod read;
pub mod vocab;
mod write;

use std::io::Write;

use super::FormatError;
use crate::graph::Graph;
use crate::import::{ImportError, Parsed, Source};
use crate::model::SizeLimits;

pub use read::Reader;
pub use vocab::{context, context_text, CONTEXT_IRI, ID_BASE, VOCAB};

/// Writes the whole graph as JSON-LD, one object at a time.
pub fn export(graph: &Graph, out: &mut dyn Write) -> Result<(), FormatError> {
    write::write(graph, out).map_err(FormatError::from)
}

/// Reads JSON-LD files (as the export writes them) into `attache/1`
/// records: nodes, redirects, relations and conflicts.
pub fn import(sources: Vec<Source<'_>>, limits: SizeLimits) -> Result<Parsed, Vec<ImportError>> {
    let mut reader = Reader::new(limits);
    for source in sources {
        reader.read(&source.name, source.reader);
    }
    reader.finish()
}

#[cfg(test)]
mod tests;
