//! Patches: changes to some fields of a record, and record versions.
//!
//! A patch is applied by the service to the latest version of the record,
//! under the write lock, so two patches to different fields of one record
//! both hold whatever order they arrive in. A record's [`version`] is a
//! digest of its stored form; a writer that read version `v` can ask for its
//! write to be refused unless the record is still at `v`.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::date::PartialDate;
use super::ids::NodeId;
use super::kinds::{AttendanceMode, AttendanceRole, MeetingStatus, MembershipStatus};
use super::record::{Alias, Citation, Node, Note, Relation};

/// What a patch does to one field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Edit<T> {
    /// Leaves the field as it is.
    #[default]
    Keep,
    /// Clears the field (an empty list for a list).
    Clear,
    /// Replaces the field's value.
    Set(T),
}

impl<T> Edit<T> {
    /// Converts the value a `Set` carries.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Edit<U> {
        match self {
            Edit::Keep => Edit::Keep,
            Edit::Clear => Edit::Clear,
            Edit::Set(v) => Edit::Set(f(v)),
        }
    }

    fn apply(self, slot: &mut Option<T>) {
        match self {
            Edit::Keep => {}
            Edit::Clear => *slot = None,
            Edit::Set(v) => *slot = Some(v),
        }
    }
}

impl<T> Edit<Vec<T>> {
    fn apply_list(self, slot: &mut Vec<T>) {
        match self {
            Edit::Keep => {}
            Edit::Clear => slot.clear(),
            Edit::Set(v) => *slot = v,
        }
    }
}

/// Changes to some fields of a node; the id never changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodePatch {
    /// A name cannot be cleared.
    pub name: Option<String>,
    pub aliases: Edit<Vec<Alias>>,
    pub description: Edit<String>,
    /// The free category (`kind` in the import format).
    pub kind: Edit<String>,
    pub code: Edit<String>,
    pub start: Edit<PartialDate>,
    pub end: Edit<PartialDate>,
    pub date: Edit<PartialDate>,
    pub url: Edit<String>,
    pub publisher: Edit<String>,
    pub language: Edit<String>,
    pub status: Edit<MeetingStatus>,
    pub notes: Edit<Vec<Note>>,
    pub citations: Edit<Vec<Citation>>,
}

impl NodePatch {
    /// Applies the patch; the result still has to pass [`Node::validate`].
    pub fn apply(self, n: &mut Node) {
        if let Some(name) = self.name {
            n.name = name;
        }
        self.aliases.apply_list(&mut n.aliases);
        self.description.apply(&mut n.description);
        self.kind.apply(&mut n.kind);
        self.code.apply(&mut n.code);
        self.start.apply(&mut n.start);
        self.end.apply(&mut n.end);
        self.date.apply(&mut n.date);
        self.url.apply(&mut n.url);
        self.publisher.apply(&mut n.publisher);
        self.language.apply(&mut n.language);
        self.status.apply(&mut n.status);
        self.notes.apply_list(&mut n.notes);
        // A node's list is replaced whole too (it may be shared).
        match self.citations {
            Edit::Keep => {}
            Edit::Clear => n.citations = Default::default(),
            Edit::Set(v) => n.citations = v.into(),
        }
    }
}

/// Changes to a relation's properties; its id, kind and ends never change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationPatch {
    pub start: Edit<PartialDate>,
    pub end: Edit<PartialDate>,
    pub acting: Edit<bool>,
    pub status: Edit<MembershipStatus>,
    pub mode: Edit<AttendanceMode>,
    /// Every role at once: `Set` replaces the list, `Clear` empties it.
    pub roles: Edit<Vec<AttendanceRole>>,
    pub capacity: Edit<NodeId>,
    pub on_behalf_of: Edit<NodeId>,
    pub topic: Edit<NodeId>,
    pub date: Edit<PartialDate>,
    pub ordinal: Edit<u32>,
    pub summary: Edit<String>,
    pub head: Edit<NodeId>,
    pub head_count: Edit<u32>,
    pub seen: Edit<Vec<PartialDate>>,
    pub start_by: Edit<PartialDate>,
    pub end_after: Edit<PartialDate>,
    pub end_before: Edit<PartialDate>,
    pub note: Edit<String>,
    pub citations: Edit<Vec<Citation>>,
}

impl RelationPatch {
    /// Applies the patch; the result still has to pass [`Relation::validate`].
    pub fn apply(self, r: &mut Relation) {
        self.start.apply(&mut r.start);
        self.end.apply(&mut r.end);
        self.acting.apply(&mut r.acting);
        self.status.apply(&mut r.status);
        self.mode.apply(&mut r.mode);
        self.roles.apply_list(&mut r.roles);
        self.capacity.apply(&mut r.capacity);
        self.on_behalf_of.apply(&mut r.on_behalf_of);
        self.topic.apply(&mut r.topic);
        self.date.apply(&mut r.date);
        self.ordinal.apply(&mut r.ordinal);
        self.summary.apply(&mut r.summary);
        self.head.apply(&mut r.head);
        self.head_count.apply(&mut r.head_count);
        self.seen.apply_list(&mut r.seen);
        self.start_by.apply(&mut r.start_by);
        self.end_after.apply(&mut r.end_after);
        self.end_before.apply(&mut r.end_before);
        self.note.apply(&mut r.note);
        // A relation's list is replaced whole (it may be shared).
        match self.citations {
            Edit::Keep => {}
            Edit::Clear => r.citations = Default::default(),
            Edit::Set(v) => r.citations = v.into(),
        }
    }
}

/// A record's version: the first 64 bits of the SHA-256 of its JSON (the
/// stored and import form), as 16 hex digits. Equal records have equal
/// versions, so a write that changes nothing keeps the version, and the
/// version needs nothing stored beside the record.
pub fn version<T: Serialize>(record: &T) -> String {
    let json = serde_json::to_vec(record).expect("records serialize");
    let digest = Sha256::digest(&json);
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node() -> Node {
        Node::new(NodeId::parse("person:a").unwrap(), "A")
    }

    #[test]
    fn a_patch_keeps_what_it_does_not_name() {
        let mut n = node();
        n.description = Some("kept".into());
        n.code = Some("KZ".into());
        NodePatch {
            name: Some("B".into()),
            code: Edit::Clear,
            ..NodePatch::default()
        }
        .apply(&mut n);
        assert_eq!(n.name, "B");
        assert_eq!(n.description.as_deref(), Some("kept"));
        assert_eq!(n.code, None);
    }

    #[test]
    fn the_version_follows_the_content() {
        let (a, mut b) = (node(), node());
        assert_eq!(version(&a), version(&b));
        assert_eq!(version(&a).len(), 16);
        b.description = Some("x".into());
        assert_ne!(version(&a), version(&b));
    }
}
