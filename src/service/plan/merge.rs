//! Merging duplicates, and the redirects a merge leaves behind.
//!
//! `Change::Merge { into, from }` moves everything that names `from` to
//! `into` (relation ends, the nodes a relation's properties point at, the
//! sources records cite), adds `from`'s name, aliases, citations and notes to
//! `into` (and any field `into` leaves unset), deletes `from` and stores the
//! redirect `from` → `into`. Conflicts name relations, whose ids stay, so they
//! follow by themselves. It is all one plan, so one change set, which a
//! revert undoes as a whole.
//!
//! **Redirected ids are resolved here, in the planner**, so every door
//! (mutations, imports, the seed) gets the same answer: a node put under a
//! merged id lands on the survivor (its name kept as an alias), and every
//! node id a put record names (relation ends and properties, citation
//! sources) is followed to the survivor. A patch of a merged id patches the
//! survivor. A create under a merged id and a delete of one are refused: the
//! first would bring back a duplicate, the second would delete the survivor
//! by a name the writer may not know is merged.

use crate::model::{Alias, Citation};

use super::*;

impl Planner<'_> {
    /// The survivor `id` was merged into, when it was (followed to the end).
    fn survivor(&self, id: &NodeId) -> Option<NodeId> {
        if !self.next.has_redirects() {
            return None;
        }
        self.next.redirect(id.as_str()).cloned()
    }

    /// The node id to patch or delete, following a redirect; `None` (with a
    /// problem) for a delete of a merged id.
    pub(super) fn resolve_target(&mut self, id: NodeId, deleting: bool) -> Option<NodeId> {
        let Some(into) = self.survivor(&id) else {
            return Some(id);
        };
        if deleting {
            self.problem(
                Code::Conflict,
                id.as_str(),
                Some("id"),
                format!("`{id}` was merged into `{into}`; delete `{into}` itself if that is meant"),
            );
            return None;
        }
        Some(into)
    }

    /// A node to put, moved to its survivor when its id was merged away, its
    /// citations following redirects; `None` (with a problem) for a create
    /// under a merged id.
    pub(super) fn follow_node(&mut self, mode: Mode, mut n: Node) -> Option<Node> {
        if !self.next.has_redirects() {
            return Some(n);
        }
        if let Some(into) = self.survivor(&n.id) {
            if mode == Mode::Create {
                self.problem(
                    Code::Conflict,
                    n.id.as_str(),
                    Some("id"),
                    format!("`{}` was merged into `{into}`; write to `{into}`", n.id),
                );
                return None;
            }
            let name = self
                .next
                .node(into.as_str())
                .map_or_else(|| n.name.clone(), |s| s.name.clone());
            if n.name != name {
                let given = std::mem::replace(&mut n.name, name);
                let alias = name_alias(given, &n.citations);
                add_alias(&mut n, alias);
            }
            n.id = into;
        }
        let next = &self.next;
        rewrite_node(&mut n, |id| next.redirect(id.as_str()).cloned());
        Some(n)
    }

    /// A relation to put, with every node it names followed to its survivor.
    pub(super) fn follow_relation(&self, mut r: Relation) -> Relation {
        if self.next.has_redirects() {
            let next = &self.next;
            rewrite_relation(&mut r, |id| next.redirect(id.as_str()).cloned());
        }
        r
    }

    pub(super) fn merge(&mut self, into: &NodeId, from: &NodeId) {
        let into = self.survivor(into).unwrap_or_else(|| into.clone());
        if let Some(already) = self.survivor(from) {
            self.problem(
                Code::Conflict,
                from.as_str(),
                Some("from"),
                format!("`{from}` was already merged into `{already}`"),
            );
            return;
        }
        if &into == from {
            self.problem(
                Code::InvalidInput,
                from.as_str(),
                Some("from"),
                format!("`{from}` cannot be merged into itself"),
            );
            return;
        }
        if into.kind() != from.kind() {
            self.problem(
                Code::InvalidInput,
                from.as_str(),
                Some("from"),
                format!(
                    "`{from}` is {} and `{into}` {}: only nodes of the same kind merge",
                    crate::model::words::a(from.kind().prefix()),
                    crate::model::words::a(into.kind().prefix()),
                ),
            );
            return;
        }
        let mut missing = false;
        for (field, id) in [("into", &into), ("from", from)] {
            if self.next.node(id.as_str()).is_none() {
                self.problem(
                    Code::NotFound,
                    id.as_str(),
                    Some(field),
                    format!("`{id}` does not exist"),
                );
                missing = true;
            }
        }
        if missing {
            return;
        }
        let map = |id: &NodeId| (id == from).then(|| into.clone());
        // Everything that names `from`: relations by their ends, properties
        // or citations, nodes by their citations.
        let mut rels: BTreeSet<RelId> = BTreeSet::new();
        for dir in [Direction::Outgoing, Direction::Incoming] {
            let here = self.next.relations(from.as_str(), dir, None);
            rels.extend(here.iter().map(|r| r.id.clone()));
        }
        let mut citing: BTreeSet<NodeId> = BTreeSet::new();
        for r in self.next.referrers(from.as_str()) {
            if let Ok(rid) = RelId::parse(r) {
                rels.insert(rid);
            } else if let Ok(nid) = NodeId::parse(r) {
                citing.insert(nid);
            }
        }
        let survivor = {
            let a = self.next.node(into.as_str()).expect("checked above");
            let b = self.next.node(from.as_str()).expect("checked above");
            let mut s = absorb(a, b);
            rewrite_node(&mut s, map);
            s
        };
        if self.within_sizes(into.as_str(), &survivor) {
            self.put_node(Mode::Update, survivor);
        }
        for rid in rels {
            let Some(r) = self.next.relation(rid.as_str()) else {
                continue;
            };
            let mut r = (**r).clone();
            rewrite_relation(&mut r, map);
            if r.from == r.to {
                self.problem(
                    Code::InvalidInput,
                    rid.as_str(),
                    Some("from"),
                    format!("`{rid}` joins `{from}` and `{into}`: merged, it would join `{into}` to itself; unlink it first"),
                );
                continue;
            }
            self.put_relation(Mode::Update, r);
        }
        for nid in citing.into_iter().filter(|n| n != from && *n != into) {
            let Some(n) = self.next.node(nid.as_str()) else {
                continue;
            };
            let mut n = (**n).clone();
            rewrite_node(&mut n, map);
            self.put_node(Mode::Update, n);
        }
        if !self.problems.is_empty() {
            return;
        }
        self.delete_node(from, false);
        self.next.put_redirect(from.clone(), into);
        self.touched.redirects.insert(from.clone(), self.at);
    }

    /// Puts a redirect back as it was (a revert of a revert of a merge).
    pub(super) fn put_redirect(&mut self, from: NodeId, into: NodeId) {
        if self.next.node(from.as_str()).is_some() {
            self.problem(
                Code::Conflict,
                from.as_str(),
                Some("from"),
                format!("`{from}` is a node: a redirect cannot replace it"),
            );
            return;
        }
        if self.next.node(into.as_str()).is_none() && self.survivor(&into).is_none() {
            self.problem(
                Code::Integrity,
                from.as_str(),
                Some("into"),
                format!("`{into}` does not exist"),
            );
            return;
        }
        self.next.put_redirect(from.clone(), into);
        self.touched.redirects.insert(from, self.at);
    }

    /// A redirect an import states (`redirects` in the file): `from` must
    /// name no node, `into` a node of the same kind that is not merged
    /// itself (an export gives each merged id its final survivor), and
    /// `from` must not redirect elsewhere already. The redirect the store
    /// holds again is unchanged, so an import can be repeated.
    pub(super) fn import_redirect(&mut self, from: NodeId, into: NodeId) {
        let (f, i) = (from.as_str(), into.as_str());
        let refuse = |code, field, message: String| Some((code, field, message));
        let problem = if from == into {
            refuse(
                Code::InvalidInput,
                "into",
                format!("`{from}` cannot redirect to itself"),
            )
        } else if from.kind() != into.kind() {
            refuse(
                Code::InvalidInput,
                "into",
                format!(
                    "`{from}` is {} and `{into}` {}: a redirect joins nodes of the same kind",
                    crate::model::words::a(from.kind().prefix()),
                    crate::model::words::a(into.kind().prefix()),
                ),
            )
        } else if self.next.node(f).is_some() {
            refuse(
                Code::Conflict,
                "from",
                format!("`{from}` is a live node: a redirect cannot replace it (merge it instead)"),
            )
        } else if let Some(end) = self.survivor(&into) {
            refuse(
                Code::InvalidInput,
                "into",
                format!("`{into}` was itself merged into `{end}`: redirect `{from}` to `{end}`"),
            )
        } else if self.next.node(i).is_none() {
            refuse(Code::Integrity, "into", format!("`{into}` does not exist"))
        } else {
            match self.next.redirect_entry(f) {
                Some(was) if *was != into => refuse(
                    Code::Conflict,
                    "into",
                    format!("`{from}` already redirects to `{was}`, not `{into}`"),
                ),
                _ => None,
            }
        };
        if let Some((code, field, message)) = problem {
            self.problem(code, f, Some(field), message);
            return;
        }
        let unchanged = self.next.redirect_entry(f).is_some();
        self.outcomes.push(Outcome {
            change: self.at,
            id: from.to_string(),
            kind: if unchanged {
                OutcomeKind::Unchanged
            } else {
                OutcomeKind::Created
            },
            diff: Default::default(),
            clashes: Vec::new(),
        });
        if !unchanged {
            self.next.put_redirect(from.clone(), into);
            self.touched.redirects.insert(from, self.at);
        }
    }

    pub(super) fn delete_redirect(&mut self, from: &NodeId) {
        if self.next.redirect_entry(from.as_str()).is_none() {
            self.problem(
                Code::NotFound,
                from.as_str(),
                Some("id"),
                format!("`{from}` is not a merged id"),
            );
            return;
        }
        self.next.remove_redirect(from.as_str());
        self.touched.redirects.insert(from.clone(), self.at);
    }
}

/// The survivor of merging `from` into `into`: `from`'s name an alias of it,
/// its aliases, citations and notes added, and each field `into` leaves unset
/// taken from `from`; `into`'s own values win.
pub fn absorb(into: &Node, from: &Node) -> Node {
    let mut s = into.clone();
    if from.name != s.name {
        add_alias(&mut s, name_alias(from.name.clone(), &from.citations));
    }
    for a in &from.aliases {
        add_alias(&mut s, a.clone());
    }
    for c in &from.citations {
        if !s.citations.contains(c) {
            s.citations.push(c.clone());
        }
    }
    for note in &from.notes {
        if !s.notes.contains(note) {
            s.notes.push(note.clone());
        }
    }
    // The remaining fields, on the serde form so a field the model gains
    // needs nothing here.
    let (Ok(serde_json::Value::Object(mut mine)), Ok(serde_json::Value::Object(theirs))) =
        (serde_json::to_value(&s), serde_json::to_value(from))
    else {
        return s;
    };
    for (k, v) in theirs {
        if !matches!(
            k.as_str(),
            "id" | "name" | "aliases" | "citations" | "notes"
        ) {
            mine.entry(k).or_insert(v);
        }
    }
    serde_json::from_value(serde_json::Value::Object(mine)).unwrap_or(s)
}

/// A merged record's former name as an alias, with the citations of the
/// record it named.
fn name_alias(text: String, citations: &[Citation]) -> Alias {
    Alias {
        text,
        lang: None,
        script: None,
        kind: Default::default(),
        citations: citations.to_vec(),
    }
}

/// Adds `a` unless the name or an alias of the same text, language and
/// script is there.
fn add_alias(n: &mut Node, a: Alias) {
    let known = a.text == n.name
        || n.aliases
            .iter()
            .any(|b| b.text == a.text && b.lang == a.lang && b.script == a.script);
    if !known {
        n.aliases.push(a);
    }
}

/// Replaces, in a node, every cited source `map` maps.
fn rewrite_node(n: &mut Node, map: impl Fn(&NodeId) -> Option<NodeId>) {
    for list in n.citation_lists_mut() {
        for c in list.iter_mut() {
            if let Some(to) = map(&c.source) {
                c.source = to;
            }
        }
    }
}

/// Replaces, in a relation, every node id `map` maps: its ends, the nodes
/// its properties point at, its cited sources.
fn rewrite_relation(r: &mut Relation, map: impl Fn(&NodeId) -> Option<NodeId>) {
    let ids = r.node_refs_mut();
    for id in ids {
        if let Some(to) = map(id) {
            *id = to;
        }
    }
}
