//! The Popolo format: export of the whole graph, and import into
//! `attache/1` records (see `graph-schema/formats.md`).

use std::io::Write;

use super::{Format, FormatError};
use crate::graph::Graph;
use crate::import::{ImportError, Parsed, Source};
use crate::model::SizeLimits;

/// Writes the whole graph as Popolo, record by record.
pub fn export(_graph: &Graph, _out: &mut dyn Write) -> Result<(), FormatError> {
    Err(FormatError::NotYet(Format::Popolo))
}

/// Reads Popolo files into `attache/1` records.
pub fn import(sources: Vec<Source<'_>>, _limits: SizeLimits) -> Result<Parsed, Vec<ImportError>> {
    let file = sources.first().map(|s| s.name.clone()).unwrap_or_default();
    Err(vec![FormatError::NotYet(Format::Popolo).into_import(&file)])
}
