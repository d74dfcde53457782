//! The Popolo format: the graph as one Popolo JSON file (persons,
//! organizations, posts, memberships, events, with `sources` on each). See
//! `graph-schema/formats.md` for what it keeps and loses. Popolo files read
//! back into `attache/1` records (`import.rs`).

mod export;
mod import;
mod read;
mod types;

use std::io::Write;

use super::FormatError;
use crate::graph::Graph;
use crate::import::{ImportError, Parsed, Source};
use crate::model::SizeLimits;

/// Writes the whole graph as Popolo JSON, record by record.
pub fn export(graph: &Graph, out: &mut dyn Write) -> Result<(), FormatError> {
    export::write(graph, out).map_err(FormatError::from)
}

/// Reads Popolo files into `attache/1` records. References may cross the
/// files, or name Attaché ids the store holds.
pub fn import(sources: Vec<Source<'_>>, _limits: SizeLimits) -> Result<Parsed, Vec<ImportError>> {
    import::import(sources)
}

#[cfg(test)]
mod tests;
