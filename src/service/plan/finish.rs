//! The end of a plan: from the records a plan touched, the store operations
//! and the change events, one of each per record that really changed, and
//! one log entry per record (a node merged away and the redirect left in its
//! place share one).

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
        // A node merged away and its redirect (or a redirect removed and
        // the node put back) are one record under one id: one log entry,
        // before the one and after the other, so its history and `asOf`
        // read through the merge.
        let first: HashMap<String, usize> = d
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| t.redirects.contains_key(e.id.as_str()))
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        for id in t.redirects.into_keys() {
            let (old, new) = (
                base.redirect_entry(id.as_str()),
                next.redirect_entry(id.as_str()),
            );
            let op = new.map_or_else(
                || Op::DeleteRedirect(id.clone()),
                |into| Op::PutRedirect {
                    from: id.clone(),
                    into: into.clone(),
                },
            );
            let logged = d.entries.len();
            d.record(id.as_str(), "redirect", old, new, op, |into| {
                Version::Redirect {
                    from: id.clone(),
                    into: into.clone(),
                }
            });
            if let (true, Some(&at)) = (d.entries.len() > logged, first.get(id.as_str())) {
                let e = d.entries.pop().expect("just recorded");
                let fused = &mut d.entries[at];
                fused.before = fused.before.take().or(e.before);
                fused.after = fused.after.take().or(e.after);
            }
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
