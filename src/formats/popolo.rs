//! The Popolo format: the graph as one Popolo JSON file (persons,
//! organizations, posts, memberships, events, with `sources` on each). See
//! `graph-schema/formats.md` for what it keeps and loses. Import is not
//! written yet.

mod export;
mod types;

use std::io::Write;

use super::{Format, FormatError};
use crate::graph::Graph;
use crate::import::{ImportError, Parsed, Source};
use crate::model::SizeLimits;

/// Writes the whole graph as Popolo JSON, record by record.
pub fn export(graph: &Graph, out: &mut dyn Write) -> Result<(), FormatError> {
    export::write(graph, out).map_err(FormatError::from)
}

/// Reads Popolo files into `attache/1` records (not written yet).
pub fn import(sources: Vec<Source<'_>>, _limits: SizeLimits) -> Result<Parsed, Vec<ImportError>> {
    let file = sources.first().map(|s| s.name.clone()).unwrap_or_default();
    Err(vec![FormatError::NoImport(
        Format::Popolo,
        "not written yet",
    )
    .into_import(&file)])
}

#[cfg(test)]
mod tests;
