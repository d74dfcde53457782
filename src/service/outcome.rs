//! What a put of an import does to each record: created, merged (with what
//! it added), replaced (with what it removed), unchanged, or conflicting
//! (with every field whose given value differs from the stored one).
//!
//! A conflicting field refuses the write: the analyst decides, by correcting
//! the file, by recording the disagreement as two relations and a conflict,
//! or by replacing the record. A dry run ([`super::Service::preview`])
//! lists the conflicts beside the rest of the diff instead.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::model::{diff, merge, Clash, Conflict, Diff, FieldError, Node, Relation};

use super::{Code, Mode, Problem, Record};

/// What a put did (or would do) to its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutcomeKind {
    Created,
    /// Merged into the stored record, adding something.
    Merged,
    /// Replaced the stored record as a whole (`--replace`).
    Replaced,
    /// Identical to the stored record, or adding nothing to it.
    Unchanged,
    /// Gives a field a value other than the stored one.
    Conflicting,
}

/// One import put's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The index of the change in the write.
    pub change: usize,
    pub id: String,
    pub kind: OutcomeKind,
    /// Merged: what was added. Replaced: what was added and removed.
    pub diff: Diff,
    /// Conflicting: each field given another value.
    pub clashes: Vec<Clash>,
}

impl Outcome {
    /// A refusal for each conflicting field.
    pub fn problems(&self) -> impl Iterator<Item = Problem> + '_ {
        self.clashes.iter().map(|c| Problem {
            code: Code::Conflict,
            change: Some(self.change),
            record: self.id.clone(),
            field: Some(c.field.clone()).filter(|f| !f.is_empty()),
            message: c.to_string(),
        })
    }
}

/// The record a put of `mode` writes over `existing` (`None`: the put
/// conflicts and writes nothing), with what that does. Only the import's
/// modes ([`Mode::Merge`], [`Mode::Upsert`]) have an outcome.
pub fn settle<T>(
    change: usize,
    id: &str,
    mode: Mode,
    existing: Option<&T>,
    given: T,
) -> (Option<T>, Option<Outcome>)
where
    T: Serialize + DeserializeOwned + PartialEq,
{
    if !matches!(mode, Mode::Merge | Mode::Upsert) {
        return (Some(given), None);
    }
    let outcome = |kind, diff, clashes| Outcome {
        change,
        id: id.to_owned(),
        kind,
        diff,
        clashes,
    };
    let Some(old) = existing else {
        return (
            Some(given),
            Some(outcome(OutcomeKind::Created, Diff::default(), Vec::new())),
        );
    };
    if *old == given {
        let o = outcome(OutcomeKind::Unchanged, Diff::default(), Vec::new());
        return (Some(given), Some(o));
    }
    if mode == Mode::Upsert {
        let d = diff(old, &given);
        return (
            Some(given),
            Some(outcome(OutcomeKind::Replaced, d, Vec::new())),
        );
    }
    match merge(old, &given) {
        Ok(merged) if merged == *old => {
            let o = outcome(OutcomeKind::Unchanged, Diff::default(), Vec::new());
            (Some(merged), Some(o))
        }
        Ok(merged) => {
            let d = diff(old, &merged);
            (
                Some(merged),
                Some(outcome(OutcomeKind::Merged, d, Vec::new())),
            )
        }
        Err(clashes) => (
            None,
            Some(outcome(OutcomeKind::Conflicting, Diff::default(), clashes)),
        ),
    }
}

/// A record's own checks, for a merged record.
pub trait Validate {
    fn validate(&self) -> Vec<FieldError>;
}

impl Validate for Node {
    fn validate(&self) -> Vec<FieldError> {
        Node::validate(self)
    }
}

impl Validate for Relation {
    fn validate(&self) -> Vec<FieldError> {
        Relation::validate(self)
    }
}

impl Validate for Conflict {
    fn validate(&self) -> Vec<FieldError> {
        Conflict::validate(self)
    }
}

impl From<Node> for Record {
    fn from(n: Node) -> Self {
        Record::Node(n)
    }
}

impl From<Relation> for Record {
    fn from(r: Relation) -> Self {
        Record::Relation(r)
    }
}

impl From<Conflict> for Record {
    fn from(c: Conflict) -> Self {
        Record::Conflict(c)
    }
}
