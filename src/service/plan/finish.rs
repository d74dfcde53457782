//! The end of a plan: from the records a plan touched, the store operations
//! and the change events, one of each per record that really changed.

use super::*;

impl Planner<'_> {
    pub(super) fn finish(self) -> Result<Plan, Vec<Problem>> {
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        let (base, next, t) = (self.base, self.next, self.touched);
        let mut d = Diff::default();
        for id in t.nodes.into_keys() {
            let (old, new) = (base.node(id.as_str()), next.node(id.as_str()));
            let op = new.map_or_else(
                || Op::DeleteNode(id.clone()),
                |n| Op::PutNode((**n).clone()),
            );
            d.record(id.as_str(), id.kind().prefix(), old, new, op, |n| {
                Version::Node((**n).clone())
            });
        }
        for id in t.rels.into_keys() {
            let (old, new) = (base.relation(id.as_str()), next.relation(id.as_str()));
            let entity = new.or(old).map_or("relation", |r| r.kind.name());
            let op = new.map_or_else(
                || Op::DeleteRelation(id.clone()),
                |r| Op::PutRelation((**r).clone()),
            );
            d.record(id.as_str(), entity, old, new, op, |r| {
                Version::Relation((**r).clone())
            });
        }
        for id in t.conflicts.into_keys() {
            let (old, new) = (base.conflict(id.as_str()), next.conflict(id.as_str()));
            let op = new.map_or_else(
                || Op::DeleteConflict(id.clone()),
                |c| Op::PutConflict((**c).clone()),
            );
            d.record(id.as_str(), "conflict", old, new, op, |c| {
                Version::Conflict((**c).clone())
            });
        }
        let Diff {
            ops,
            events,
            entries,
        } = d;
        Ok(Plan {
            next,
            ops,
            events,
            entries,
            outcomes: self.outcomes,
        })
    }
}

/// The store operations, change events and log entries of a plan (one of
/// each per changed record), in the order recorded.
#[derive(Default)]
struct Diff {
    ops: Vec<Op>,
    events: Vec<Event>,
    entries: Vec<LogEntry>,
}

impl Diff {
    /// One record's operation (`op`, built from its new version or its id)
    /// and change event, unless the record came out as it went in.
    pub(super) fn record<T: PartialEq>(
        &mut self,
        id: &str,
        entity: &str,
        old: Option<&T>,
        new: Option<&T>,
        op: Op,
        version: impl Fn(&T) -> Version,
    ) {
        let kind = match (old, new) {
            (a, b) if a == b => return,
            (None, Some(_)) => EventKind::Created,
            (Some(_), Some(_)) => EventKind::Updated,
            (Some(_), None) => EventKind::Deleted,
            (None, None) => return,
        };
        self.ops.push(op);
        self.entries.push(LogEntry {
            id: id.to_owned(),
            before: old.map(&version),
            after: new.map(&version),
        });
        self.events.push(Event {
            kind,
            id: id.to_owned(),
            entity: entity.to_owned(),
        });
    }
}
