//! Turning a list of changes into the next graph, the store operations and the
//! change events — or into every problem found, with nothing applied.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use petgraph::Direction;

use crate::graph::Graph;
use crate::model::{
    version, Conflict, ConflictId, FieldError, LogEntry, Node, NodeId, NodePatch, RelId, RelKind,
    Relation, RelationPatch, SizeLimits, Version,
};
use crate::store::Op;

use super::outcome::{settle, Outcome, OutcomeKind, Validate};
use super::{Change, Code, Event, EventKind, Mode, Problem, Record};

mod checks;
mod finish;
mod merge;

/// What a successful plan produces.
pub struct Plan {
    pub next: Graph,
    pub ops: Vec<Op>,
    pub events: Vec<Event>,
    /// The change log's entry for each op, in the same order.
    pub entries: Vec<LogEntry>,
    pub outcomes: Vec<Outcome>,
}

#[derive(Default)]
struct Touched {
    /// Each touched record with the index of the change that last touched it.
    nodes: BTreeMap<NodeId, usize>,
    rels: BTreeMap<RelId, usize>,
    conflicts: BTreeMap<ConflictId, usize>,
    /// Merged ids whose redirect was put or removed.
    redirects: BTreeMap<NodeId, usize>,
}

struct Planner<'a> {
    base: &'a Graph,
    /// Patched records are measured here, once the patch has made them.
    sizes: &'a SizeLimits,
    next: Graph,
    touched: Touched,
    problems: Vec<Problem>,
    outcomes: Vec<Outcome>,
    /// Each record an import merged into, as the import gave it: its
    /// references are checked as the file states them, so a problem names
    /// the file's field (`citations[0]`), not the merged record's.
    given: HashMap<String, Record>,
    at: usize,
}

impl Planner<'_> {
    fn problem(&mut self, code: Code, record: &str, field: Option<&str>, message: String) {
        self.problems.push(Problem {
            code,
            change: Some(self.at),
            record: record.to_owned(),
            field: field.map(str::to_owned),
            message,
        });
    }

    fn field_errors(&mut self, record: &str, errs: Vec<FieldError>) -> bool {
        let ok = errs.is_empty();
        for e in errs {
            self.problem(Code::InvalidInput, record, Some(&e.field), e.message);
        }
        ok
    }

    /// Checks the mode against what exists; false when the put must not go on.
    fn mode_allows(&mut self, mode: Mode, id: &str, exists: bool) -> bool {
        match (mode, exists) {
            (Mode::Create, true) => {
                self.problem(
                    Code::Conflict,
                    id,
                    Some("id"),
                    format!("`{id}` already exists"),
                );
                false
            }
            (Mode::Update, false) => {
                self.problem(
                    Code::NotFound,
                    id,
                    Some("id"),
                    format!("`{id}` does not exist"),
                );
                false
            }
            _ => true,
        }
    }

    /// The record an import put writes (the given one, or it merged into
    /// the stored one), noting the outcome; `None` when it conflicts. A
    /// merged record is checked again, as a whole.
    fn settle<T>(&mut self, mode: Mode, id: &str, existing: Option<&T>, given: T) -> Option<T>
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + Validate + Clone,
        Record: From<T>,
    {
        let copy = (mode == Mode::Merge && existing.is_some()).then(|| given.clone());
        let (record, outcome) = settle(self.at, id, mode, existing, given);
        let merged = outcome.as_ref().map(|o| o.kind) == Some(OutcomeKind::Merged);
        if let Some(copy) = copy.filter(|_| merged) {
            self.given.insert(id.to_owned(), copy.into());
        }
        self.outcomes.extend(outcome);
        let record = record?;
        if merged && !(self.field_errors(id, record.validate()) && self.within_sizes(id, &record)) {
            return None;
        }
        Some(record)
    }

    fn put_node(&mut self, mode: Mode, n: Node) {
        let Some(n) = self.follow_node(mode, n) else {
            return;
        };
        let id = n.id.to_string();
        let errs = n.validate();
        let existing = self.next.node(&id).cloned();
        // A node with bad fields still goes into the plan (which then fails):
        // the records naming it are not reported as naming a missing node,
        // and its own references are checked, so one pass finds everything.
        self.field_errors(&id, errs);
        if !self.mode_allows(mode, &id, existing.is_some()) {
            return;
        }
        let Some(n) = self.settle(mode, &id, existing.as_deref(), n) else {
            return;
        };
        if existing.as_deref() != Some(&n) {
            self.touched.nodes.insert(n.id.clone(), self.at);
            self.next.put_node(Arc::new(n));
        }
    }

    fn put_relation(&mut self, mode: Mode, r: Relation) {
        let r = self.follow_relation(r);
        let id = r.id.to_string();
        let errs = r.validate();
        let existing = self.next.relation(&id).cloned();
        // Its ends are checked even when its fields are bad (one pass finds
        // every problem); it joins the plan only when they are good.
        let mut ok = self.field_errors(&id, errs);
        if !self.mode_allows(mode, &id, existing.is_some()) {
            return;
        }
        let Some(r) = self.settle(mode, &id, existing.as_deref(), r) else {
            return;
        };
        for (field, end) in [("from", &r.from), ("to", &r.to)] {
            if self.next.node(end.as_str()).is_none() {
                self.problem(
                    Code::Integrity,
                    &id,
                    Some(field),
                    format!("`{end}` does not exist"),
                );
                ok = false;
            }
        }
        if ok && existing.as_deref() != Some(&r) {
            self.touched.rels.insert(r.id.clone(), self.at);
            self.next.put_relation(Arc::new(r));
        }
    }

    fn put_conflict(&mut self, mode: Mode, c: Conflict) {
        let id = c.id.to_string();
        let errs = c.validate();
        let existing = self.next.conflict(&id).cloned();
        if !self.field_errors(&id, errs) || !self.mode_allows(mode, &id, existing.is_some()) {
            return;
        }
        let Some(c) = self.settle(mode, &id, existing.as_deref(), c) else {
            return;
        };
        if existing.as_deref() != Some(&c) {
            self.touched.conflicts.insert(c.id.clone(), self.at);
            self.next.put_conflict(Arc::new(c));
        }
    }

    fn patch_node(&mut self, id: &NodeId, patch: NodePatch) {
        let Some(n) = self.next.node(id.as_str()) else {
            self.mode_allows(Mode::Update, id.as_str(), false);
            return;
        };
        let mut n = (**n).clone();
        patch.apply(&mut n);
        if self.within_sizes(id.as_str(), &n) {
            self.put_node(Mode::Update, n);
        }
    }

    fn patch_relation(&mut self, id: &RelId, patch: RelationPatch) {
        let Some(r) = self.next.relation(id.as_str()) else {
            self.mode_allows(Mode::Update, id.as_str(), false);
            return;
        };
        let mut r = (**r).clone();
        patch.apply(&mut r);
        if self.within_sizes(id.as_str(), &r) {
            self.put_relation(Mode::Update, r);
        }
    }

    /// Whether a patched record keeps to the size limits; if not, a problem
    /// for each field over them.
    fn within_sizes<T: serde::Serialize>(&mut self, id: &str, record: &T) -> bool {
        let found = self.sizes.check(record);
        let ok = found.is_empty();
        for f in found {
            self.problem(Code::InvalidInput, id, f.field.as_deref(), f.message);
        }
        ok
    }

    fn expect(&mut self, id: &str, want: &str) {
        let found = (self.next.node(id).map(|n| version(&**n)))
            .or_else(|| self.next.relation(id).map(|r| version(&**r)))
            .or_else(|| self.next.conflict(id).map(|c| version(&**c)));
        if let Some(found) = found.filter(|f| f != want) {
            self.problem(
                Code::Conflict,
                id,
                Some("expectedVersion"),
                format!("`{id}` is at version {found}, not the expected {want}: it changed since it was read"),
            );
        }
    }
}

/// Plans `changes` against `base`, applying them to `work` (a private copy of
/// `base`, given up on failure). Every change is checked, so the caller gets
/// every problem at once; the plan is all or nothing. A put that conflicts
/// with the stored record ([`Mode::Merge`]) is a problem.
pub fn plan(
    base: &Graph,
    work: Graph,
    changes: Vec<Change>,
    sizes: &SizeLimits,
) -> Result<Plan, Vec<Problem>> {
    let mut p = run(base, work, changes, sizes);
    let clashes: Vec<Problem> = p.outcomes.iter().flat_map(Outcome::problems).collect();
    p.problems.extend(clashes);
    p.finish()
}

/// What [`plan`] would do to each record put; a put that conflicts is an
/// outcome here, not a problem.
pub fn preview(
    base: &Graph,
    work: Graph,
    changes: Vec<Change>,
    sizes: &SizeLimits,
) -> Result<Vec<Outcome>, Vec<Problem>> {
    let p = run(base, work, changes, sizes);
    if p.problems.is_empty() {
        Ok(p.outcomes)
    } else {
        Err(p.problems)
    }
}

fn run<'a>(
    base: &'a Graph,
    work: Graph,
    changes: Vec<Change>,
    sizes: &'a SizeLimits,
) -> Planner<'a> {
    let mut p = Planner {
        base,
        sizes,
        next: work,
        touched: Touched::default(),
        problems: Vec::new(),
        outcomes: Vec::new(),
        given: HashMap::new(),
        at: 0,
    };
    for (i, change) in changes.into_iter().enumerate() {
        p.at = i;
        match change {
            Change::Put(mode, Record::Node(n)) => p.put_node(mode, n),
            Change::Put(mode, Record::Relation(r)) => p.put_relation(mode, r),
            Change::Put(mode, Record::Conflict(c)) => p.put_conflict(mode, c),
            Change::DeleteNode { id, cascade } => {
                if let Some(id) = p.resolve_target(id, true) {
                    p.delete_node(&id, cascade)
                }
            }
            Change::DeleteRelation { id, cascade } => p.delete_relation(&id, cascade),
            Change::PatchNode { id, patch } => {
                if let Some(id) = p.resolve_target(id, false) {
                    p.patch_node(&id, patch)
                }
            }
            Change::Merge { into, from } => p.merge(&into, &from),
            Change::PutRedirect {
                mode: Mode::Merge,
                from,
                into,
            } => p.import_redirect(from, into),
            Change::PutRedirect { from, into, .. } => p.put_redirect(from, into),
            Change::DeleteRedirect(from) => p.delete_redirect(&from),
            Change::PatchRelation { id, patch } => p.patch_relation(&id, patch),
            Change::Expect { id, version } => p.expect(&id, &version),
            Change::DeleteConflict(id) => {
                if p.next.conflict(id.as_str()).is_none() {
                    p.problem(
                        Code::NotFound,
                        id.as_str(),
                        Some("id"),
                        format!("`{id}` does not exist"),
                    );
                } else {
                    p.next.remove_conflict(id.as_str());
                    p.touched.conflicts.insert(id, i);
                }
            }
        }
    }
    p.check_references();
    p.check_located_in_cycles();
    p
}
