//! The records the graph is made of: nodes, relations and conflicts, with their
//! names, citations and notes, and the checks that need no other record.

use serde::{Deserialize, Serialize};

use super::ids::{ConflictId, NodeId, RelId};
use super::kinds::{MeetingStatus, NameKind, NodeKind, Prop};
pub use super::node::Node;
pub use super::relation::Relation;

/// A problem with one field of a record, found without looking at other records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's path in the import format (`aliases[1].text`, `capacity`).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Where a fact comes from: a Source node and a place in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// A `source:` id.
    pub source: NodeId,
    /// A paragraph number or short locator ("¶3", "bullet 2").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locator: Option<String>,
}

/// Another name for a node, with its language, script and kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alias {
    pub text: String,
    /// BCP 47 language tag ("en", "zh", "ru").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// ISO 15924 script code ("Latn", "Cyrl", "Hans").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    #[serde(default)]
    pub kind: NameKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
}

/// A cited statement about a node that is not a relation (a figure quoted at a meeting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
}

/// The attribute fields a node kind allows (declared with the kind, in `kinds.rs`).
pub fn node_attrs(kind: NodeKind) -> &'static [&'static str] {
    kind.attrs()
}

impl Node {
    pub fn node_kind(&self) -> NodeKind {
        self.id.kind()
    }

    /// Whether this meeting took place: its status is held, or none is recorded.
    pub fn was_held(&self) -> bool {
        MeetingStatus::was_held(self.status)
    }

    /// Every citation in the record, with the field it sits in.
    pub fn all_citations(&self) -> impl Iterator<Item = (String, &Citation)> {
        let own = self
            .citations
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("citations[{i}]"), c));
        let aliases = self.aliases.iter().enumerate().flat_map(|(a, al)| {
            al.citations
                .iter()
                .enumerate()
                .map(move |(i, c)| (format!("aliases[{a}].citations[{i}]"), c))
        });
        let notes = self.notes.iter().enumerate().flat_map(|(n, note)| {
            note.citations
                .iter()
                .enumerate()
                .map(move |(i, c)| (format!("notes[{n}].citations[{i}]"), c))
        });
        own.chain(aliases).chain(notes)
    }
}

impl Relation {
    /// The nodes the properties point at, with the property.
    pub fn prop_refs(&self) -> impl Iterator<Item = (Prop, &NodeId)> {
        [
            (Prop::Capacity, self.capacity.as_ref()),
            (Prop::OnBehalfOf, self.on_behalf_of.as_ref()),
            (Prop::Topic, self.topic.as_ref()),
            (Prop::Head, self.head.as_ref()),
        ]
        .into_iter()
        .filter_map(|(p, id)| id.map(|id| (p, id)))
    }
}

impl Relation {
    /// Every node this relation names: its ends, the nodes its properties point at
    /// and the sources it cites. Deleting any of them would leave it dangling.
    pub fn node_refs(&self) -> impl Iterator<Item = (String, &NodeId)> {
        [("from".to_owned(), &self.from), ("to".to_owned(), &self.to)]
            .into_iter()
            .chain(self.prop_refs().map(|(p, id)| (p.field().to_owned(), id)))
            .chain(
                self.citations
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (format!("citations[{i}].source"), &c.source)),
            )
    }

    /// The node at the other end from `id`, if `id` is an end.
    pub fn other_end(&self, id: &NodeId) -> Option<&NodeId> {
        if &self.from == id {
            Some(&self.to)
        } else if &self.to == id {
            Some(&self.from)
        } else {
            None
        }
    }
}

/// A recorded disagreement: two or more relations, each from its own source, that
/// cannot all be true.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    pub id: ConflictId,
    pub claims: Vec<RelId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
