//! The report of an import: what it did (or, checked, would do) to each
//! record, and the text the command line prints for it.

use std::fmt::Write as _;

use super::Location;
use crate::model::Clash;
use crate::service::{Outcome, OutcomeKind};

/// What an import did (or, previewed, would do) to one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportItem {
    pub id: String,
    /// Where the record is in the import.
    pub file: String,
    pub line: usize,
    pub outcome: OutcomeKind,
    /// `field: value` lines: what a merge or replacement added.
    pub added: Vec<String>,
    /// What a replacement removed (a changed value is removed and added).
    pub removed: Vec<String>,
    /// Each field given a value other than the stored one.
    pub conflicts: Vec<Clash>,
}

/// What an import changed (or would change), record by record.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Whether it was written (false for a check).
    pub applied: bool,
    pub records: usize,
    pub created: usize,
    pub merged: usize,
    pub replaced: usize,
    pub unchanged: usize,
    pub conflicting: usize,
    /// One item per record, in the order they were applied (nodes,
    /// relations, conflicts; each in file order).
    pub items: Vec<ImportItem>,
}

impl ImportReport {
    pub(super) fn new(applied: bool, outcomes: Vec<Outcome>, locations: &[Location]) -> Self {
        let mut r = ImportReport {
            applied,
            records: locations.len(),
            ..Default::default()
        };
        for o in outcomes {
            *match o.kind {
                OutcomeKind::Created => &mut r.created,
                OutcomeKind::Merged => &mut r.merged,
                OutcomeKind::Replaced => &mut r.replaced,
                OutcomeKind::Unchanged => &mut r.unchanged,
                OutcomeKind::Conflicting => &mut r.conflicting,
            } += 1;
            let loc = locations.get(o.change);
            r.items.push(ImportItem {
                id: o.id,
                file: loc.map(|l| l.file.to_string()).unwrap_or_default(),
                line: loc.map_or(0, |l| l.line),
                outcome: o.kind,
                added: o.diff.added,
                removed: o.diff.removed,
                conflicts: o.clashes,
            });
        }
        r
    }

    /// The report as text: a line per stored record the import changes or
    /// conflicts with (with what it adds `+`, removes `-` or disagrees on
    /// `!`), then the counts. New and unchanged records are only counted: a
    /// large first import prints one line.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let would = if self.applied { "" } else { "would " };
        for it in &self.items {
            let verb = match it.outcome {
                OutcomeKind::Unchanged | OutcomeKind::Created => continue,
                OutcomeKind::Merged => "merge",
                OutcomeKind::Replaced => "replace",
                OutcomeKind::Conflicting => "conflict",
            };
            let verb = match (self.applied, it.outcome) {
                (_, OutcomeKind::Conflicting) => verb.to_owned(),
                (true, _) => format!("{verb}d"),
                (false, _) => format!("{would}{verb}"),
            };
            let _ = writeln!(s, "{verb} {} ({}:{})", it.id, it.file, it.line);
            for a in &it.added {
                let _ = writeln!(s, "    + {a}");
            }
            for r in &it.removed {
                let _ = writeln!(s, "    - {r}");
            }
            for c in &it.conflicts {
                let _ = writeln!(
                    s,
                    "    ! {}: stored {} ({}), given {} ({})",
                    c.field,
                    c.stored,
                    sources(&c.stored_sources),
                    c.given,
                    sources(&c.given_sources)
                );
            }
        }
        let _ = write!(
            s,
            "{} records: {} created, {} merged, ",
            self.records, self.created, self.merged
        );
        if self.replaced > 0 {
            let _ = write!(s, "{} replaced, ", self.replaced);
        }
        let _ = write!(s, "{} unchanged", self.unchanged);
        if self.conflicting > 0 {
            let _ = write!(s, ", {} conflicting", self.conflicting);
        }
        if !self.applied {
            s.push_str("; nothing written");
        }
        s.push('\n');
        s
    }
}

fn sources(s: &[String]) -> String {
    if s.is_empty() {
        "no citation".to_owned()
    } else {
        format!("cited: {}", s.join(", "))
    }
}
