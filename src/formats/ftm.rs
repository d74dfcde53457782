//! The FollowTheMoney format: the graph as FtM entities (JSON lines), and FtM
//! entities (the export's, or an OpenSanctions-style file of officials) read
//! into `attache/1` records. `graph-schema/formats.md` says which schema each
//! node and relation becomes and what is lost.

mod entity;
mod export;
mod ids;
mod import;

use std::io::{BufReader, Write};
use std::sync::Arc;

use super::{FormatError, Records};
use crate::graph::Graph;
use crate::import::{ImportError, Parsed, Source};
use crate::model::SizeLimits;

pub use entity::Entity;
pub use export::{node_entity, relation_entity, write};
pub use import::{read, Read};

/// Writes the whole graph as FollowTheMoney, record by record.
pub fn export(graph: &Graph, out: &mut dyn Write) -> Result<(), FormatError> {
    write(graph, out).map_err(FormatError::from)
}

/// Reads FollowTheMoney files into `attache/1` records. Each file stands
/// alone: its references are to its own entities or to Attaché ids.
pub fn import(sources: Vec<Source<'_>>, _limits: SizeLimits) -> Result<Parsed, Vec<ImportError>> {
    let mut records = Records::new();
    for source in sources {
        let file: Arc<str> = Arc::from(source.name.as_str());
        match read(&source.name, BufReader::new(source.reader)) {
            Ok(read) => {
                for (n, line) in read.nodes {
                    records.node(n, &file, line);
                }
                for (r, line) in read.relations {
                    records.relation(r, &file, line);
                }
            }
            Err(problems) => problems.into_iter().for_each(|p| records.problem(p)),
        }
    }
    records.finish()
}

#[cfg(test)]
mod tests;
