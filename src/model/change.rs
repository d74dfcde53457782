//! The change log's types: a change set (who, when, why) and, for each record
//! it touched, the record before and after. Pure data, no I/O; the store keeps
//! them (`store/log.rs`), the service writes them with every commit.

use serde::{Deserialize, Serialize};

use super::{Conflict, Node, NodeId, Relation};

/// One committed write, as the log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// Its number: 1 for the first write, one more for each after.
    pub seq: u64,
    /// When it was committed, in milliseconds since 1970 (UTC); never earlier
    /// than the change set before it.
    pub time_ms: i64,
    /// Who wrote it: a token's name, `cli:…` for the command line, `seed`.
    pub actor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The source the writer names for the change as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<NodeId>,
    /// How many records it changed.
    pub records: u64,
    /// The change set this one reverts, when it is a revert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverts: Option<u64>,
    /// What kind of write: `write`, `import`, `revert`, `merge`, `seed`.
    pub op: String,
}

/// A record as one version of it: whatever an id can name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Version {
    Node(Node),
    Relation(Relation),
    Conflict(Conflict),
    /// `from` was merged into `into`: lookups of `from` answer with `into`.
    Redirect {
        from: NodeId,
        into: NodeId,
    },
}

impl Version {
    /// The id of the record this is a version of.
    pub fn id(&self) -> &str {
        match self {
            Version::Node(n) => n.id.as_str(),
            Version::Relation(r) => r.id.as_str(),
            Version::Conflict(c) => c.id.as_str(),
            Version::Redirect { from, .. } => from.as_str(),
        }
    }

    /// What it is: a node kind prefix, a relation kind, `conflict` or `redirect`.
    pub fn entity(&self) -> &'static str {
        match self {
            Version::Node(n) => n.id.kind().prefix(),
            Version::Relation(r) => r.kind.name(),
            Version::Conflict(_) => "conflict",
            Version::Redirect { .. } => "redirect",
        }
    }

    /// The record as JSON, in the import format's form.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Version::Node(n) => serde_json::to_value(n),
            Version::Relation(r) => serde_json::to_value(r),
            Version::Conflict(c) => serde_json::to_value(c),
            Version::Redirect { from, into } => {
                Ok(serde_json::json!({ "from": from, "into": into }))
            }
        }
        .expect("records serialize")
    }
}

/// One record a change set touched: its version before (none when created)
/// and after (none when deleted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Version>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Version>,
}

impl LogEntry {
    /// Created, updated or deleted.
    pub fn kind(&self) -> EntryKind {
        match (&self.before, &self.after) {
            (None, _) => EntryKind::Created,
            (Some(_), Some(_)) => EntryKind::Updated,
            (Some(_), None) => EntryKind::Deleted,
        }
    }

    /// The version that says what the record is (after, or before for a delete).
    pub fn latest(&self) -> Option<&Version> {
        self.after.as_ref().or(self.before.as_ref())
    }

    /// What the record is, as [`Version::entity`].
    pub fn entity(&self) -> &'static str {
        self.latest().map_or("record", Version::entity)
    }

    /// The field-level diff: each top-level field of the record's serde
    /// form (the import format) whose value differs between before and
    /// after, in the order the fields are written; every field when the
    /// entry created or deleted the record.
    pub fn fields(&self) -> Vec<FieldChange> {
        let map = |v: &Option<Version>| match v.as_ref().map(Version::to_json) {
            Some(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        let (old, new) = (map(&self.before), map(&self.after));
        let mut out: Vec<FieldChange> = old
            .iter()
            .filter(|(k, v)| new.get(*k) != Some(*v))
            .map(|(k, v)| FieldChange {
                field: k.clone(),
                before: Some(v.clone()),
                after: new.get(k).cloned(),
            })
            .collect();
        out.extend(
            new.iter()
                .filter(|(k, _)| !old.contains_key(*k))
                .map(|(k, v)| FieldChange {
                    field: k.clone(),
                    before: None,
                    after: Some(v.clone()),
                }),
        );
        out
    }

    /// The ends this entry's relation had before it and no longer has after
    /// it (all of them when it deleted the relation; none for a creation or
    /// for other records): the nodes that lose the relation here, so whose
    /// past relations the live graph can no longer tell.
    pub fn relation_ends_left(&self) -> Vec<NodeId> {
        let ends = |v: &Option<Version>| match v {
            Some(Version::Relation(r)) => vec![r.from.clone(), r.to.clone()],
            _ => Vec::new(),
        };
        let kept = ends(&self.after);
        let mut ids: Vec<NodeId> = ends(&self.before)
            .into_iter()
            .filter(|n| !kept.contains(n))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// One field an entry changed, with its value before and after (absent:
/// the field was not set).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// What a log entry did to its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Created,
    Updated,
    Deleted,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_reads_as_created_updated_or_deleted() {
        let n = Node::new(NodeId::parse("person:a").unwrap(), "A");
        let e = |before: Option<&Node>, after: Option<&Node>| LogEntry {
            id: "person:a".into(),
            before: before.cloned().map(Version::Node),
            after: after.cloned().map(Version::Node),
        };
        assert_eq!(e(None, Some(&n)).kind(), EntryKind::Created);
        assert_eq!(e(Some(&n), Some(&n)).kind(), EntryKind::Updated);
        assert_eq!(e(Some(&n), None).kind(), EntryKind::Deleted);
        assert_eq!(e(Some(&n), None).entity(), "person");
    }

    #[test]
    fn an_entry_lists_the_fields_it_changed_with_both_values() {
        let old = Node::new(NodeId::parse("person:a").unwrap(), "A");
        let mut new = old.clone();
        new.name = "B".into();
        new.description = Some("Envoy".into());
        let e = LogEntry {
            id: "person:a".into(),
            before: Some(Version::Node(old.clone())),
            after: Some(Version::Node(new)),
        };
        let f = e.fields();
        let names: Vec<_> = f.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(names, ["name", "description"]);
        assert_eq!(f[0].before, Some(serde_json::json!("A")));
        assert_eq!(f[0].after, Some(serde_json::json!("B")));
        assert_eq!(f[1].before, None);
        let created = LogEntry {
            id: "person:a".into(),
            before: None,
            after: Some(Version::Node(old)),
        };
        assert!(created.fields().iter().all(|c| c.before.is_none()));
        assert!(created.fields().iter().any(|c| c.field == "id"));
    }

    #[test]
    fn a_version_round_trips_through_json() {
        let v = Version::Redirect {
            from: NodeId::parse("person:b").unwrap(),
            into: NodeId::parse("person:a").unwrap(),
        };
        let text = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<Version>(&text).unwrap(), v);
        assert_eq!(v.id(), "person:b");
    }
}
