//! A relation's in-memory layout (issue 12, "RAM after load"): the fields
//! every relation uses inline, the rarely set ones boxed apart in one
//! [`RelationExtra`] that a relation without them does not allocate. Field
//! access reads the same as before (`r.summary`, `r.seen.push(..)`) through
//! `Deref`/`DerefMut` to the extra part; the import and store formats are
//! unchanged (serde goes through [`RelationRecord`], the flat record).

use std::fmt;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Serialize};

use super::citations::Citations;
use super::date::PartialDate;
use super::ids::{NodeId, RelId};
use super::kinds::{AttendanceMode, AttendanceRole, MembershipStatus, RelKind};
use super::record::Citation;

/// A cited statement joining two nodes.
/// Properties (`start` … `summary`) are allowed only on the kinds
/// [`RelKind::props`] names. The rarer ones ([`RelationExtra`]) are read
/// and written as if they were fields of the relation.
#[derive(Clone, Serialize, Deserialize)]
#[serde(from = "RelationRecord", into = "RelationRecord")]
pub struct Relation {
    pub id: RelId,
    pub kind: RelKind,
    pub from: NodeId,
    pub to: NodeId,
    pub start: Option<PartialDate>,
    pub end: Option<PartialDate>,
    pub acting: Option<bool>,
    pub status: Option<MembershipStatus>,
    pub mode: Option<AttendanceMode>,
    pub capacity: Option<NodeId>,
    /// Shared with other relations citing the same sources the same way.
    pub citations: Citations,
    extra: Option<Box<RelationExtra>>,
}

/// The properties few relations have; see [`Relation`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RelationExtra {
    /// The parts played (host and chair, say).
    pub roles: Vec<AttendanceRole>,
    pub on_behalf_of: Option<NodeId>,
    pub topic: Option<NodeId>,
    pub date: Option<PartialDate>,
    pub ordinal: Option<u32>,
    pub summary: Option<String>,
    /// A delegation's head when no one is named: the office that led it
    /// ("the Prosecutor General of X"), its holder unknown or inferred.
    pub head: Option<NodeId>,
    /// How many people a delegation had, when a source says.
    pub head_count: Option<u32>,
    /// Dates on which the person is reported to hold the office: points of
    /// evidence, not a start or an end.
    pub seen: Vec<PartialDate>,
    /// Held the office by this date: the start is at the latest its last day.
    pub start_by: Option<PartialDate>,
    /// Still held the office through this date: the end came after it.
    pub end_after: Option<PartialDate>,
    /// No longer held the office when this date began: the end came before it.
    pub end_before: Option<PartialDate>,
    pub note: Option<String>,
}

/// What a relation without extra properties reads.
static NO_EXTRA: RelationExtra = RelationExtra {
    roles: Vec::new(),
    on_behalf_of: None,
    topic: None,
    date: None,
    ordinal: None,
    summary: None,
    head: None,
    head_count: None,
    seen: Vec::new(),
    start_by: None,
    end_after: None,
    end_before: None,
    note: None,
};

impl Deref for Relation {
    type Target = RelationExtra;

    fn deref(&self) -> &RelationExtra {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }
}

impl DerefMut for Relation {
    /// Allocates the extra part on first write.
    fn deref_mut(&mut self) -> &mut RelationExtra {
        self.extra.get_or_insert_with(Default::default)
    }
}

impl Relation {
    /// A relation with no properties, note or citations.
    pub fn new(id: RelId, kind: RelKind, from: NodeId, to: NodeId) -> Self {
        Relation {
            id,
            kind,
            from,
            to,
            start: None,
            end: None,
            acting: None,
            status: None,
            mode: None,
            capacity: None,
            citations: Citations::default(),
            extra: None,
        }
    }

    /// The extra properties, if this relation has any, for changing them
    /// without allocating them (`DerefMut` allocates).
    pub fn extra_mut(&mut self) -> Option<&mut RelationExtra> {
        self.extra.as_deref_mut()
    }

    /// Every node id this relation names, for rewriting in place: its
    /// ends, the nodes its properties point at, its cited sources (the
    /// order of [`Relation::node_refs`]). Allocates no extra part; a
    /// citation list shared with other relations is copied first.
    pub fn node_refs_mut(&mut self) -> impl Iterator<Item = &mut NodeId> {
        let (on_behalf_of, topic, head) = match self.extra.as_deref_mut() {
            Some(e) => (e.on_behalf_of.as_mut(), e.topic.as_mut(), e.head.as_mut()),
            None => (None, None, None),
        };
        [&mut self.from, &mut self.to]
            .into_iter()
            .chain(
                [self.capacity.as_mut(), on_behalf_of, topic, head]
                    .into_iter()
                    .flatten(),
            )
            .chain(self.citations.make_mut().iter_mut().map(|c| &mut c.source))
    }

    /// Gives back memory the record does not need: spare vector capacity
    /// (a decoder grows vectors by doubling) and an extra part left empty.
    pub fn shrink_to_fit(&mut self) {
        if let Some(e) = self.extra.as_deref_mut() {
            e.roles.shrink_to_fit();
            e.seen.shrink_to_fit();
        }
        if self.extra.as_deref() == Some(&NO_EXTRA) {
            self.extra = None;
        }
    }
}

impl PartialEq for Relation {
    fn eq(&self, o: &Relation) -> bool {
        self.id == o.id
            && self.kind == o.kind
            && self.from == o.from
            && self.to == o.to
            && self.start == o.start
            && self.end == o.end
            && self.acting == o.acting
            && self.status == o.status
            && self.mode == o.mode
            && self.capacity == o.capacity
            && self.citations == o.citations
            && **self == **o
    }
}

impl Eq for Relation {}

impl fmt::Debug for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = RelationRecord::from(self.clone());
        f.debug_struct("Relation")
            .field("id", &r.id)
            .field("kind", &r.kind)
            .field("from", &r.from)
            .field("to", &r.to)
            .field("start", &r.start)
            .field("end", &r.end)
            .field("acting", &r.acting)
            .field("status", &r.status)
            .field("mode", &r.mode)
            .field("roles", &r.roles)
            .field("capacity", &r.capacity)
            .field("on_behalf_of", &r.on_behalf_of)
            .field("topic", &r.topic)
            .field("date", &r.date)
            .field("ordinal", &r.ordinal)
            .field("summary", &r.summary)
            .field("head", &r.head)
            .field("head_count", &r.head_count)
            .field("seen", &r.seen)
            .field("start_by", &r.start_by)
            .field("end_after", &r.end_after)
            .field("end_before", &r.end_before)
            .field("note", &r.note)
            .field("citations", &r.citations)
            .finish()
    }
}

/// A relation as the import format and the store write it: every field flat.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationRecord {
    pub id: RelId,
    pub kind: RelKind,
    pub from: NodeId,
    pub to: NodeId,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MembershipStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<AttendanceMode>,
    /// The import format and stored records written before several were
    /// allowed say `role` with one value; both spellings are read, and
    /// `roles` is written.
    #[serde(
        default,
        alias = "role",
        deserialize_with = "super::attendance::one_or_many",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub roles: Vec<AttendanceRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<NodeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf_of: Option<NodeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<NodeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordinal: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<NodeId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen: Vec<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_by: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_after: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_before: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
}

impl From<RelationRecord> for Relation {
    fn from(r: RelationRecord) -> Relation {
        let extra = RelationExtra {
            roles: r.roles,
            on_behalf_of: r.on_behalf_of,
            topic: r.topic,
            date: r.date,
            ordinal: r.ordinal,
            summary: r.summary,
            head: r.head,
            head_count: r.head_count,
            seen: r.seen,
            start_by: r.start_by,
            end_after: r.end_after,
            end_before: r.end_before,
            note: r.note,
        };
        let mut rel = Relation {
            id: r.id,
            kind: r.kind,
            from: r.from,
            to: r.to,
            start: r.start,
            end: r.end,
            acting: r.acting,
            status: r.status,
            mode: r.mode,
            capacity: r.capacity,
            citations: r.citations.into(),
            extra: Some(Box::new(extra)),
        };
        rel.shrink_to_fit();
        rel
    }
}

impl From<Relation> for RelationRecord {
    fn from(r: Relation) -> RelationRecord {
        let e = r.extra.map(|e| *e).unwrap_or_default();
        RelationRecord {
            id: r.id,
            kind: r.kind,
            from: r.from,
            to: r.to,
            start: r.start,
            end: r.end,
            acting: r.acting,
            status: r.status,
            mode: r.mode,
            roles: e.roles,
            capacity: r.capacity,
            on_behalf_of: e.on_behalf_of,
            topic: e.topic,
            date: e.date,
            ordinal: e.ordinal,
            summary: e.summary,
            head: e.head,
            head_count: e.head_count,
            seen: e.seen,
            start_by: e.start_by,
            end_after: e.end_after,
            end_before: e.end_before,
            note: e.note,
            citations: r.citations.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel() -> Relation {
        Relation::new(
            RelId::parse("rel:1").unwrap(),
            RelKind::Attended,
            NodeId::parse("person:a").unwrap(),
            NodeId::parse("meeting:m").unwrap(),
        )
    }

    #[test]
    fn a_relation_record_takes_64_bytes_inline() {
        // Six 8-byte pointers (id, ends, capacity, citations, extra), two
        // 4-byte dates and four 1-byte fields.
        assert_eq!(std::mem::size_of::<Relation>(), 64);
    }

    #[test]
    fn a_relation_without_rare_properties_allocates_no_extra_part() {
        let json = r#"{"id":"rel:1","kind":"attended","from":"person:a","to":"meeting:m"}"#;
        let r: Relation = serde_json::from_str(json).unwrap();
        assert!(r.extra.is_none());
        assert!(r.roles.is_empty() && r.summary.is_none());
    }

    #[test]
    fn rare_properties_read_and_write_as_fields_and_round_trip() {
        let mut r = rel();
        r.summary = Some("talks".into());
        r.seen.push(PartialDate::year(2020));
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(
            json,
            r#"{"id":"rel:1","kind":"attended","from":"person:a","to":"meeting:m","summary":"talks","seen":["2020"]}"#
        );
        let back: Relation = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.summary.as_deref(), Some("talks"));
    }

    #[test]
    fn an_emptied_extra_part_compares_equal_to_none_and_is_dropped_on_shrink() {
        let mut r = rel();
        r.note = Some("x".into());
        r.note = None;
        assert_eq!(r, rel());
        r.shrink_to_fit();
        assert!(r.extra.is_none());
    }
}
