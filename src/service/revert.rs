//! Undo and merge as writes: [`Service::revert`] turns a change set's log
//! entries back into changes that restore every record's previous version,
//! byte for byte, and [`Service::merge`] merges one node into another. Both
//! are planned like any write (every rule still holds) and committed as one
//! change set (op `revert`, naming the change set it reverts, or `merge`), so
//! a merge can itself be reverted.

use crate::model::{version, LogEntry, NodeId, Version};

use super::{Author, Change, Code, Committed, Mode, Problem, Record, Service, ServiceError};

/// What a revert did.
pub struct Reverted {
    pub committed: Committed,
    /// The new change set.
    pub change_set: u64,
    /// Every record it put back, changed or removed.
    pub restored: Vec<String>,
}

/// What a merge did.
pub struct Merged {
    pub committed: Committed,
    pub change_set: u64,
    /// The survivor (the `into` given, or the node it was merged into).
    pub into: NodeId,
    /// The records that named the merged node and now name the survivor.
    pub moved: Vec<String>,
}

impl Service {
    /// Writes one change set that puts back what change set `seq` changed:
    /// each record's version before it (a created record deleted, a deleted
    /// one put back as it was, a merge split again). Refused with one
    /// `Conflict` problem per record a later change set touched, naming it,
    /// unless `force`; refused like any write when a rule would break (a
    /// relation put back whose end was deleted since, say).
    pub async fn revert(
        &self,
        seq: u64,
        force: bool,
        author: Author,
    ) -> Result<Reverted, ServiceError> {
        let g = self.graph();
        let missing = || {
            ServiceError::Rejected(vec![Problem {
                code: Code::NotFound,
                change: None,
                record: seq.to_string(),
                field: Some("changeSet".into()),
                message: format!("change set {seq} is not in the log"),
            }])
        };
        if self.change_set(&g, seq)?.is_none() {
            return Err(missing());
        }
        let (entries, later) = self.entries_and_later(seq).await?;
        if !later.is_empty() && !force {
            return Err(ServiceError::Rejected(
                later
                    .into_iter()
                    .map(|(id, at)| Problem {
                        code: Code::Conflict,
                        change: None,
                        message: format!(
                            "`{id}` was changed again by change set {at} after change set {seq}; revert {at} first, or force"
                        ),
                        record: id,
                        field: Some("changeSet".into()),
                    })
                    .collect(),
            ));
        }
        let mut author = author.op("revert");
        author.reverts = Some(seq);
        let mut changes = restoring(&entries, !force);
        if force {
            // A record already gone stays gone.
            changes.retain(|c| present(&g, c));
        }
        drop(g);
        let committed = self.write_by(author, changes).await?;
        let Some(change_set) = committed.change_set else {
            return Err(ServiceError::Rejected(vec![Problem {
                code: Code::Conflict,
                change: None,
                record: seq.to_string(),
                field: Some("changeSet".into()),
                message: format!(
                    "nothing to revert: every record change set {seq} touched is already as it was before it"
                ),
            }]));
        };
        let restored = self.change_ids(&committed, change_set)?;
        Ok(Reverted {
            committed,
            change_set,
            restored,
        })
    }

    /// The records change set `seq` touched that a later change set touched
    /// again, each with the first such change set: what refuses a revert.
    pub async fn later_changes(&self, seq: u64) -> Result<Vec<(String, u64)>, ServiceError> {
        Ok(self.entries_and_later(seq).await?.1)
    }

    /// Change set `seq`'s entries and [`Service::later_changes`], read off
    /// the async workers (an import's change set may hold many records).
    async fn entries_and_later(
        &self,
        seq: u64,
    ) -> Result<(Vec<LogEntry>, Vec<(String, u64)>), ServiceError> {
        let store = self.store().clone();
        let upto = self.graph().log_seq();
        tokio::task::spawn_blocking(move || {
            let entries = store.entries(seq)?;
            let mut later = Vec::new();
            for e in &entries {
                if let Some(at) = store.touched_after(&e.id, seq, upto)? {
                    later.push((e.id.clone(), at));
                }
            }
            Ok::<_, ServiceError>((entries, later))
        })
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?
    }

    /// Merges node `from` into node `into` as one change set (op `merge`).
    pub async fn merge(
        &self,
        into: NodeId,
        from: NodeId,
        author: Author,
    ) -> Result<Merged, ServiceError> {
        let changes = vec![Change::Merge {
            into: into.clone(),
            from: from.clone(),
        }];
        let committed = self.write_by(author.op("merge"), changes).await?;
        let change_set = committed
            .change_set
            .ok_or_else(|| ServiceError::Internal("a merge changed nothing".into()))?;
        let into = committed
            .graph
            .redirect(from.as_str())
            .cloned()
            .unwrap_or(into);
        let moved = self
            .change_ids(&committed, change_set)?
            .into_iter()
            .filter(|id| id != into.as_str() && id != from.as_str())
            .collect();
        Ok(Merged {
            committed,
            change_set,
            into,
            moved,
        })
    }

    /// The ids of the records change set `seq` touched.
    fn change_ids(&self, c: &Committed, seq: u64) -> Result<Vec<String>, ServiceError> {
        Ok(self
            .change_entries(&c.graph, seq)?
            .into_iter()
            .map(|e| e.id)
            .collect())
    }
}

/// Whether the record a delete names is there to delete (other changes: true).
fn present(g: &crate::graph::Graph, c: &Change) -> bool {
    match c {
        Change::DeleteNode { id, .. } => g.node(id.as_str()).is_some(),
        Change::DeleteRelation { id, .. } => g.relation(id.as_str()).is_some(),
        Change::DeleteConflict(id) => g.conflict(id.as_str()).is_some(),
        Change::DeleteRedirect(id) => g.redirect_entry(id.as_str()).is_some(),
        _ => true,
    }
}

/// The changes that put every entry's record back to its `before`, ordered
/// so each step is valid: redirects removed first (a node put back under its
/// own id must not follow one), conflicts that came with the change set
/// removed, then nodes, relations and conflicts put back (ends before what
/// joins them), then relations and nodes that came with it removed
/// (whatever still claims or joins them has been put back by then), and
/// redirects put back last (the node they replace is gone by then). With
/// `guard`, each record still at the change set's version is checked to be
/// at it when the write runs, so a write landing in between is not undone
/// unseen.
fn restoring(entries: &[LogEntry], guard: bool) -> Vec<Change> {
    let mut expects = Vec::new();
    // Steps, in the order they run.
    let mut steps: [Vec<Change>; 8] = Default::default();
    for e in entries {
        if guard {
            let at = match &e.after {
                Some(Version::Node(n)) => Some(version(n)),
                Some(Version::Relation(r)) => Some(version(r)),
                Some(Version::Conflict(c)) => Some(version(c)),
                _ => None,
            };
            if let Some(version) = at {
                expects.push(Change::Expect {
                    id: e.id.clone(),
                    version,
                });
            }
        }
        // What goes: the after version, when the before is absent or of
        // another sort (a node that became a redirect, or back).
        match (&e.after, &e.before) {
            (Some(Version::Redirect { from, .. }), b)
                if !matches!(b, Some(Version::Redirect { .. })) =>
            {
                steps[0].push(Change::DeleteRedirect(from.clone()))
            }
            (Some(Version::Conflict(c)), None) => {
                steps[1].push(Change::DeleteConflict(c.id.clone()))
            }
            (Some(Version::Relation(r)), None) => steps[5].push(Change::DeleteRelation {
                id: r.id.clone(),
                cascade: false,
            }),
            (Some(Version::Node(n)), b) if !matches!(b, Some(Version::Node(_))) => {
                steps[6].push(Change::DeleteNode {
                    id: n.id.clone(),
                    cascade: false,
                })
            }
            _ => {}
        }
        match &e.before {
            Some(Version::Node(n)) => {
                steps[2].push(Change::Put(Mode::Upsert, Record::Node(n.clone())))
            }
            Some(Version::Relation(r)) => {
                steps[3].push(Change::Put(Mode::Upsert, Record::Relation(r.clone())))
            }
            Some(Version::Conflict(c)) => {
                steps[4].push(Change::Put(Mode::Upsert, Record::Conflict(c.clone())))
            }
            Some(Version::Redirect { from, into }) => {
                if matches!(e.after, Some(Version::Redirect { .. })) {
                    steps[0].push(Change::DeleteRedirect(from.clone()));
                }
                steps[7].push(Change::PutRedirect {
                    mode: Mode::Upsert,
                    from: from.clone(),
                    into: into.clone(),
                })
            }
            None => {}
        }
    }
    expects
        .into_iter()
        .chain(steps.into_iter().flatten())
        .collect()
}
