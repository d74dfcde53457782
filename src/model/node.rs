//! A node's in-memory layout (issue 12, "RAM after load"), split like
//! [`super::relation::Relation`]: the fields most nodes use inline, the
//! rest (aliases, description, attributes, notes) boxed apart in one
//! [`NodeExtra`] that a node without them does not allocate. Field access
//! reads as before (`n.aliases`, `n.url = ..`) through `Deref`/`DerefMut`;
//! the import and store formats are unchanged (serde goes through
//! [`NodeRecord`], the flat record).

use std::fmt;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Serialize};

use super::citations::Citations;
use super::date::PartialDate;
use super::ids::NodeId;
use super::kinds::MeetingStatus;
use super::record::{Alias, Citation, Note};

/// An entity: a person, a state, a meeting …
/// Kind-specific attributes (`kind` … `language`) are allowed only on the
/// kinds [`super::record::node_attrs`] names. The rarer fields
/// ([`NodeExtra`]) are read and written as if they were the node's own.
#[derive(Clone, Serialize, Deserialize)]
#[serde(from = "NodeRecord", into = "NodeRecord")]
pub struct Node {
    pub id: NodeId,
    /// The primary name (or title), in English.
    pub name: String,
    pub start: Option<PartialDate>,
    pub end: Option<PartialDate>,
    pub date: Option<PartialDate>,
    /// A meeting's status (none recorded: held).
    pub status: Option<MeetingStatus>,
    /// Shared with other nodes citing the same sources the same way.
    pub citations: Citations,
    extra: Option<Box<NodeExtra>>,
}

/// The fields few nodes have; see [`Node`] and [`NodeRecord`] for each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodeExtra {
    pub aliases: Vec<Alias>,
    pub description: Option<String>,
    pub kind: Option<String>,
    pub code: Option<String>,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub language: Option<String>,
    pub notes: Vec<Note>,
}

/// What a node without extra fields reads.
static NO_EXTRA: NodeExtra = NodeExtra {
    aliases: Vec::new(),
    description: None,
    kind: None,
    code: None,
    url: None,
    publisher: None,
    language: None,
    notes: Vec::new(),
};

impl Deref for Node {
    type Target = NodeExtra;

    fn deref(&self) -> &NodeExtra {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }
}

impl DerefMut for Node {
    /// Allocates the extra part on first write.
    fn deref_mut(&mut self) -> &mut NodeExtra {
        self.extra.get_or_insert_with(Default::default)
    }
}

impl Node {
    pub fn new(id: NodeId, name: impl Into<String>) -> Self {
        Node {
            id,
            name: name.into(),
            start: None,
            end: None,
            date: None,
            status: None,
            citations: Citations::default(),
            extra: None,
        }
    }

    /// The extra fields, if this node has any, for changing them without
    /// allocating them (`DerefMut` allocates).
    pub fn extra_mut(&mut self) -> Option<&mut NodeExtra> {
        self.extra.as_deref_mut()
    }

    /// Every list of citations in the record (its own, each alias's, each
    /// note's), for rewriting in place. Allocates no extra part; its own
    /// list, if shared with other records, is copied first.
    pub fn citation_lists_mut(&mut self) -> impl Iterator<Item = &mut [Citation]> {
        let (aliases, notes) = match self.extra.as_deref_mut() {
            Some(e) => (e.aliases.as_mut_slice(), e.notes.as_mut_slice()),
            None => (Default::default(), Default::default()),
        };
        std::iter::once(self.citations.make_mut())
            .chain(aliases.iter_mut().map(|a| a.citations.as_mut_slice()))
            .chain(notes.iter_mut().map(|n| n.citations.as_mut_slice()))
    }

    /// Gives back memory the record does not need: spare vector capacity
    /// and an extra part left empty.
    pub fn shrink_to_fit(&mut self) {
        if let Some(e) = self.extra.as_deref_mut() {
            e.aliases.shrink_to_fit();
            e.notes.shrink_to_fit();
            let aliases = e.aliases.iter_mut().map(|a| &mut a.citations);
            for list in aliases.chain(e.notes.iter_mut().map(|n| &mut n.citations)) {
                list.shrink_to_fit();
            }
        }
        if self.extra.as_deref() == Some(&NO_EXTRA) {
            self.extra = None;
        }
    }
}

impl PartialEq for Node {
    fn eq(&self, o: &Node) -> bool {
        self.id == o.id
            && self.name == o.name
            && self.start == o.start
            && self.end == o.end
            && self.date == o.date
            && self.status == o.status
            && self.citations == o.citations
            && **self == **o
    }
}

impl Eq for Node {}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        NodeRecord::from(self.clone()).fmt(f)
    }
}

/// A node as the import format and the store write it: every field flat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeRecord {
    pub id: NodeId,
    /// The primary name (or title), in English.
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<Alias>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,

    /// A free category: "protocol", "bilateral meeting", "city", "news report".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// ISO 3166-1 alpha-2 code of a state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// A meeting's status: announced, planned, held, postponed, cancelled
    /// (none recorded: held).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MeetingStatus>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
}

impl From<NodeRecord> for Node {
    fn from(r: NodeRecord) -> Node {
        let extra = NodeExtra {
            aliases: r.aliases,
            description: r.description,
            kind: r.kind,
            code: r.code,
            url: r.url,
            publisher: r.publisher,
            language: r.language,
            notes: r.notes,
        };
        let mut n = Node {
            id: r.id,
            name: r.name,
            start: r.start,
            end: r.end,
            date: r.date,
            status: r.status,
            citations: r.citations.into(),
            extra: Some(Box::new(extra)),
        };
        n.shrink_to_fit();
        n
    }
}

impl From<Node> for NodeRecord {
    fn from(n: Node) -> NodeRecord {
        let e = n.extra.map(|e| *e).unwrap_or_default();
        NodeRecord {
            id: n.id,
            name: n.name,
            aliases: e.aliases,
            description: e.description,
            kind: e.kind,
            code: e.code,
            start: n.start,
            end: n.end,
            date: n.date,
            url: e.url,
            publisher: e.publisher,
            language: e.language,
            status: n.status,
            notes: e.notes,
            citations: n.citations.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_without_rare_fields_allocates_no_extra_part() {
        let json = r#"{"id":"person:a","name":"A","start":"2020"}"#;
        let n: Node = serde_json::from_str(json).unwrap();
        assert!(n.extra.is_none());
        assert!(n.aliases.is_empty() && n.url.is_none());
    }

    #[test]
    fn rare_fields_read_and_write_in_the_records_field_order() {
        let mut n = Node::new(NodeId::parse("source:s").unwrap(), "S");
        n.url = Some("https://example.org/s".into());
        n.start = Some(PartialDate::year(2020));
        n.description = Some("d".into());
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(
            json,
            r#"{"id":"source:s","name":"S","description":"d","start":"2020","url":"https://example.org/s"}"#
        );
        let back: Node = serde_json::from_str(&json).unwrap();
        assert_eq!(back, n);
    }

    #[test]
    fn an_unknown_field_is_still_refused() {
        let json = r#"{"id":"person:a","name":"A","colour":"red"}"#;
        assert!(serde_json::from_str::<Node>(json).is_err());
    }
}
