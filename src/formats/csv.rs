//! CSV: a nodes file and a relations file per kind, headers a spreadsheet
//! user reads; import of a spreadsheet of attendees with a column mapping
//! (see `graph-schema/formats.md`).

use std::io::Write;

use super::{Format, FormatError};
use crate::graph::Graph;
use crate::import::{ImportError, Parsed, Source};
use crate::model::SizeLimits;

/// The files a CSV export writes.
pub fn parts(_graph: &Graph) -> Vec<String> {
    Vec::new()
}

/// Writes one file of the CSV export.
pub fn export_part(_graph: &Graph, _part: &str, _out: &mut dyn Write) -> Result<(), FormatError> {
    Err(FormatError::NotYet(Format::Csv))
}

/// Reads a spreadsheet of attendees with its column mapping.
pub fn import(sources: Vec<Source<'_>>, _limits: SizeLimits) -> Result<Parsed, Vec<ImportError>> {
    let file = sources.first().map(|s| s.name.clone()).unwrap_or_default();
    Err(vec![FormatError::NotYet(Format::Csv).into_import(&file)])
}
