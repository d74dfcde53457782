//! Turning a list of changes into the next graph, the store operations and the
//! change events — or into every problem found, with nothing applied.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use petgraph::Direction;

use crate::graph::Graph;
use crate::model::{
    version, Conflict, ConflictId, FieldError, Node, NodeId, NodePatch, RelId, Relation,
    RelationPatch, SizeLimits,
};
use crate::store::Op;

use super::outcome::{settle, Outcome, OutcomeKind, Validate};
use super::{Change, Code, Event, EventKind, Mode, Problem, Record};

/// What a successful plan produces.
pub struct Plan {
    pub next: Graph,
    pub ops: Vec<Op>,
    pub events: Vec<Event>,
    pub outcomes: Vec<Outcome>,
}

#[derive(Default)]
struct Touched {
    /// Each touched record with the index of the change that last touched it.
    nodes: BTreeMap<NodeId, usize>,
    rels: BTreeMap<RelId, usize>,
    conflicts: BTreeMap<ConflictId, usize>,
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
        let id = n.id.to_string();
        let errs = n.validate();
        let existing = self.next.node(&id).cloned();
        if !self.field_errors(&id, errs) || !self.mode_allows(mode, &id, existing.is_some()) {
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
        let id = r.id.to_string();
        let errs = r.validate();
        let existing = self.next.relation(&id).cloned();
        if !self.field_errors(&id, errs) || !self.mode_allows(mode, &id, existing.is_some()) {
            return;
        }
        let Some(r) = self.settle(mode, &id, existing.as_deref(), r) else {
            return;
        };
        let mut ok = true;
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

    fn delete_relation(&mut self, id: &RelId, cascade: bool) {
        if self.next.relation(id.as_str()).is_none() {
            self.problem(
                Code::NotFound,
                id.as_str(),
                Some("id"),
                format!("`{id}` does not exist"),
            );
            return;
        }
        let claimed_by: Vec<ConflictId> = self
            .next
            .conflicts_of(id.as_str())
            .iter()
            .map(|c| c.id.clone())
            .collect();
        if !claimed_by.is_empty() && !cascade {
            self.problem(
                Code::Integrity,
                id.as_str(),
                Some("id"),
                format!(
                    "`{id}` is a claim of {}; delete with cascade to remove those conflicts too",
                    quoted(&claimed_by)
                ),
            );
            return;
        }
        for c in claimed_by {
            self.next.remove_conflict(c.as_str());
            self.touched.conflicts.insert(c, self.at);
        }
        self.next.remove_relation(id.as_str());
        self.touched.rels.insert(id.clone(), self.at);
    }

    fn delete_node(&mut self, id: &NodeId, cascade: bool) {
        if self.next.node(id.as_str()).is_none() {
            self.problem(
                Code::NotFound,
                id.as_str(),
                Some("id"),
                format!("`{id}` does not exist"),
            );
            return;
        }
        let mut rels: BTreeSet<RelId> = BTreeSet::new();
        let mut citing_nodes = Vec::new();
        for dir in [Direction::Outgoing, Direction::Incoming] {
            rels.extend(
                self.next
                    .relations(id.as_str(), dir, None)
                    .iter()
                    .map(|r| r.id.clone()),
            );
        }
        for r in self.next.referrers(id.as_str()) {
            if let Ok(rid) = RelId::parse(r) {
                rels.insert(rid);
            } else if let Ok(nid) = NodeId::parse(r) {
                citing_nodes.push(nid);
            }
        }
        if !citing_nodes.is_empty() {
            self.problem(
                Code::Integrity,
                id.as_str(),
                Some("id"),
                format!(
                    "`{id}` is cited by {}; remove those citations first",
                    quoted(&citing_nodes)
                ),
            );
            return;
        }
        if !rels.is_empty() && !cascade {
            self.problem(
                Code::Integrity,
                id.as_str(),
                Some("id"),
                format!(
                    "`{id}` has {} relation(s) ({}); unlink them or delete with cascade",
                    rels.len(),
                    quoted(&rels.iter().take(5).collect::<Vec<_>>())
                ),
            );
            return;
        }
        for r in rels {
            self.delete_relation(&r, true);
        }
        self.next.remove_node(id.as_str());
        self.touched.nodes.insert(id.clone(), self.at);
    }

    /// After every change: what the touched records name must exist and be of
    /// the right kind in the final graph.
    fn check_references(&mut self) {
        let mut found = Vec::new();
        let given = &self.given;
        for (id, at) in &self.touched.nodes {
            if let Some(n) = self.next.node(id.as_str()) {
                let n: &Node = match given.get(id.as_str()) {
                    Some(Record::Node(g)) => g,
                    _ => n,
                };
                for (field, c) in n.all_citations() {
                    if self.next.node(c.source.as_str()).is_none() {
                        found.push((
                            *at,
                            id.to_string(),
                            format!("{field}.source"),
                            c.source.to_string(),
                        ));
                    }
                }
            }
        }
        for (id, at) in &self.touched.rels {
            if let Some(r) = self.next.relation(id.as_str()) {
                let r: &Relation = match given.get(id.as_str()) {
                    Some(Record::Relation(g)) => g,
                    _ => r,
                };
                for (field, target) in r.node_refs() {
                    if self.next.node(target.as_str()).is_none() {
                        found.push((*at, id.to_string(), field, target.to_string()));
                    }
                }
            }
        }
        for (id, at) in &self.touched.conflicts {
            if let Some(c) = self.next.conflict(id.as_str()) {
                let c: &Conflict = match given.get(id.as_str()) {
                    Some(Record::Conflict(g)) => g,
                    _ => c,
                };
                for (i, claim) in c.claims.iter().enumerate() {
                    if self.next.relation(claim.as_str()).is_none() {
                        found.push((
                            *at,
                            id.to_string(),
                            format!("claims[{i}]"),
                            claim.to_string(),
                        ));
                    }
                }
            }
        }
        for (at, record, field, target) in found {
            self.at = at;
            self.problem(
                Code::Integrity,
                &record,
                Some(&field),
                format!("`{target}` does not exist"),
            );
        }
    }

    fn finish(self) -> Result<Plan, Vec<Problem>> {
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        let (base, next, t) = (self.base, self.next, self.touched);
        let mut ops = Vec::new();
        let mut events = Vec::new();
        let kind_of = |existed: bool, exists: bool| match (existed, exists) {
            (false, true) => Some(EventKind::Created),
            (true, true) => Some(EventKind::Updated),
            (true, false) => Some(EventKind::Deleted),
            (false, false) => None,
        };
        for id in t.nodes.into_keys() {
            let (old, new) = (base.node(id.as_str()), next.node(id.as_str()));
            if old == new {
                continue;
            }
            ops.push(match new {
                Some(n) => Op::PutNode((**n).clone()),
                None => Op::DeleteNode(id.clone()),
            });
            if let Some(kind) = kind_of(old.is_some(), new.is_some()) {
                events.push(Event {
                    kind,
                    id: id.to_string(),
                    entity: id.kind().prefix().into(),
                });
            }
        }
        for id in t.rels.into_keys() {
            let (old, new) = (base.relation(id.as_str()), next.relation(id.as_str()));
            if old == new {
                continue;
            }
            let rk = new.or(old).map(|r| r.kind.name()).unwrap_or("relation");
            ops.push(match new {
                Some(r) => Op::PutRelation((**r).clone()),
                None => Op::DeleteRelation(id.clone()),
            });
            if let Some(kind) = kind_of(old.is_some(), new.is_some()) {
                events.push(Event {
                    kind,
                    id: id.to_string(),
                    entity: rk.into(),
                });
            }
        }
        for id in t.conflicts.into_keys() {
            let (old, new) = (base.conflict(id.as_str()), next.conflict(id.as_str()));
            if old == new {
                continue;
            }
            ops.push(match new {
                Some(c) => Op::PutConflict((**c).clone()),
                None => Op::DeleteConflict(id.clone()),
            });
            if let Some(kind) = kind_of(old.is_some(), new.is_some()) {
                events.push(Event {
                    kind,
                    id: id.to_string(),
                    entity: "conflict".into(),
                });
            }
        }
        Ok(Plan {
            next,
            ops,
            events,
            outcomes: self.outcomes,
        })
    }
}

fn quoted<T: std::fmt::Display>(ids: &[T]) -> String {
    ids.iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
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
            Change::DeleteNode { id, cascade } => p.delete_node(&id, cascade),
            Change::DeleteRelation { id, cascade } => p.delete_relation(&id, cascade),
            Change::PatchNode { id, patch } => p.patch_node(&id, patch),
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
    p
}
