//! The planner's checks that look beyond one record: deletes and what they
//! leave dangling (or take along with `cascade`), references to missing
//! nodes, and `located_in` cycles.

use super::*;

impl Planner<'_> {
    /// Whether the record to delete is missing, reported as NOT_FOUND if so.
    fn absent(&mut self, id: &str, exists: bool) -> bool {
        if !exists {
            self.problem(
                Code::NotFound,
                id,
                Some("id"),
                format!("`{id}` does not exist"),
            );
        }
        !exists
    }

    pub(super) fn delete_relation(&mut self, id: &RelId, cascade: bool) {
        if self.absent(id.as_str(), self.next.relation(id.as_str()).is_some()) {
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

    pub(super) fn delete_node(&mut self, id: &NodeId, cascade: bool) {
        if self.absent(id.as_str(), self.next.node(id.as_str()).is_some()) {
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
    pub(super) fn check_references(&mut self) {
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

    /// After every change: no touched `located_in` may close a cycle (a
    /// place inside itself), which would make "inside" meaningless.
    pub(super) fn check_located_in_cycles(&mut self) {
        let mut found = Vec::new();
        for (id, at) in &self.touched.rels {
            let Some(r) = self.next.relation(id.as_str()) else {
                continue;
            };
            if r.kind != RelKind::LocatedIn {
                continue;
            }
            if let Some(chain) = self.next.located_in_cycle(r.from.as_str(), r.to.as_str()) {
                let path = chain
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(" → ");
                found.push((
                    *at,
                    id.to_string(),
                    format!(
                        "`{}` cannot lie in `{}`, which already lies in it ({path}): a place cannot be inside itself",
                        r.from, r.to
                    ),
                ));
            }
        }
        for (at, record, message) in found {
            self.at = at;
            self.problem(Code::InvalidInput, &record, Some("to"), message);
        }
    }
}

pub(super) fn quoted<T: std::fmt::Display>(ids: &[T]) -> String {
    ids.iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
