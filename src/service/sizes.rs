//! The size limits every written record keeps to, whichever door it came in
//! by (a mutation, an import, the seed loader), checked before planning.

use crate::model::SizeLimits;

use super::{Change, Code, Problem, Record};

/// Every record of `changes` over a limit, as `InvalidInput` problems.
pub(super) fn check(limits: &SizeLimits, changes: &[Change]) -> Result<(), Vec<Problem>> {
    let mut problems = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let Change::Put(_, record) = change else {
            continue;
        };
        let (id, found) = match record {
            Record::Node(n) => (n.id.as_str(), limits.check(n)),
            Record::Relation(r) => (r.id.as_str(), limits.check(r)),
            Record::Conflict(c) => (c.id.as_str(), limits.check(c)),
        };
        problems.extend(found.into_iter().map(|p| Problem {
            code: Code::InvalidInput,
            change: Some(i),
            record: id.to_owned(),
            field: p.field,
            message: p.message,
        }));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
