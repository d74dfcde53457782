//! The records the graph is made of: nodes, relations and conflicts, with their
//! names, citations and notes, and the checks that need no other record.

use serde::{Deserialize, Serialize};

use super::date::PartialDate;
use super::ids::{ConflictId, NodeId, RelId};
use super::kinds::{
    prop_target_kinds, AttendanceMode, AttendanceRole, MeetingStatus, MembershipStatus, NameKind,
    NodeKind, Prop, RelKind,
};
use super::words::{a, any_of};

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

/// The number of the first meeting of a series: ordinals start at 1, in
/// imports, mutations and the JSON Schema alike.
pub const FIRST_ORDINAL: u32 = 1;

/// Whether `code` is an ISO 3166-1 alpha-2 code as written: two capitals ("KZ").
pub fn is_state_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// Whether `tag` has the shape of a BCP 47 language tag: letters (2 to 8),
/// then subtags of 1 to 8 letters or digits after hyphens ("en", "zh-Hans").
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether `code` is an ISO 15924 script code as written: a capital and three
/// small letters ("Latn", "Cyrl").
pub fn is_script_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(|c| c.is_ascii_lowercase())
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
    fn attrs_present(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        let mut add = |set: bool, f| {
            if set {
                v.push(f)
            }
        };
        add(self.kind.is_some(), "kind");
        add(self.code.is_some(), "code");
        add(self.start.is_some(), "start");
        add(self.end.is_some(), "end");
        add(self.date.is_some(), "date");
        add(self.url.is_some(), "url");
        add(self.publisher.is_some(), "publisher");
        add(self.language.is_some(), "language");
        add(self.status.is_some(), "status");
        v
    }
}

/// An entity: a person, a state, a meeting …
/// Kind-specific attributes (`kind` … `language`) are allowed only on the
/// kinds [`node_attrs`] names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
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

impl Node {
    pub fn new(id: NodeId, name: impl Into<String>) -> Self {
        Node {
            id,
            name: name.into(),
            aliases: Vec::new(),
            description: None,
            kind: None,
            code: None,
            start: None,
            end: None,
            date: None,
            url: None,
            publisher: None,
            language: None,
            status: None,
            notes: Vec::new(),
            citations: Vec::new(),
        }
    }

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

    /// Checks that need no other record.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        nonblank(&mut errs, "name", &self.name);
        for (i, a) in self.aliases.iter().enumerate() {
            nonblank(&mut errs, &format!("aliases[{i}].text"), &a.text);
            if let Some(l) = a.lang.as_deref().filter(|l| !is_language_tag(l)) {
                errs.push(FieldError::new(
                    format!("aliases[{i}].lang"),
                    format!("`{l}` is not a language tag (BCP 47, e.g. `en`, `zh`, `ru`)"),
                ));
            }
            if let Some(s) = a.script.as_deref().filter(|s| !is_script_code(s)) {
                errs.push(FieldError::new(
                    format!("aliases[{i}].script"),
                    format!("`{s}` is not a script code (ISO 15924, e.g. `Latn`, `Cyrl`, `Hans`)"),
                ));
            }
        }
        if let Some(c) = self.code.as_deref().filter(|c| !is_state_code(c)) {
            errs.push(FieldError::new(
                "code",
                format!("`{c}` is not an ISO 3166-1 alpha-2 code (two capital letters, e.g. `KZ`)"),
            ));
        }
        if let Some(l) = self.language.as_deref().filter(|l| !is_language_tag(l)) {
            errs.push(FieldError::new(
                "language",
                format!("`{l}` is not a language tag (BCP 47, e.g. `en`, `zh`, `ru`)"),
            ));
        }
        for (i, n) in self.notes.iter().enumerate() {
            nonblank(&mut errs, &format!("notes[{i}].text"), &n.text);
        }
        let allowed = node_attrs(self.node_kind());
        for f in self.attrs_present() {
            if !allowed.contains(&f) {
                errs.push(FieldError::new(
                    f,
                    format!(
                        "{} has no `{f}` (allowed: {})",
                        a(self.node_kind().prefix()),
                        list_or_none(allowed.iter().copied())
                    ),
                ));
            }
        }
        if let (Some(s), Some(e)) = (&self.start, &self.end) {
            if e.latest() < s.earliest() {
                errs.push(FieldError::new(
                    "end",
                    format!("ends ({e}) before it starts ({s})"),
                ));
            }
        }
        if let Some(u) = &self.url {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                errs.push(FieldError::new(
                    "url",
                    "must start with http:// or https://",
                ));
            }
        }
        check_citations(&mut errs, self.all_citations());
        errs
    }
}

impl Relation {
    fn props_present(&self) -> Vec<Prop> {
        let mut v = Vec::new();
        let mut add = |set: bool, p| {
            if set {
                v.push(p)
            }
        };
        add(self.start.is_some(), Prop::Start);
        add(self.end.is_some(), Prop::End);
        add(self.acting.is_some(), Prop::Acting);
        add(self.status.is_some(), Prop::Status);
        add(self.mode.is_some(), Prop::Mode);
        add(!self.roles.is_empty(), Prop::Role);
        add(self.capacity.is_some(), Prop::Capacity);
        add(self.on_behalf_of.is_some(), Prop::OnBehalfOf);
        add(self.topic.is_some(), Prop::Topic);
        add(self.date.is_some(), Prop::Date);
        add(self.ordinal.is_some(), Prop::Ordinal);
        add(self.summary.is_some(), Prop::Summary);
        add(self.head.is_some(), Prop::Head);
        add(self.head_count.is_some(), Prop::HeadCount);
        add(!self.seen.is_empty(), Prop::Seen);
        add(self.start_by.is_some(), Prop::StartBy);
        add(self.end_after.is_some(), Prop::EndAfter);
        add(self.end_before.is_some(), Prop::EndBefore);
        v
    }

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

/// A cited statement joining two nodes.
/// Properties (`start` … `summary`) are allowed only on the kinds
/// [`RelKind::props`] names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
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
    /// The parts played (host and chair, say). The import format and stored
    /// records written before several were allowed say `role` with one value;
    /// both spellings are read, and `roles` is written.
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
    /// A delegation's head when no one is named: the office that led it
    /// ("the Prosecutor General of X"), its holder unknown or inferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<NodeId>,
    /// How many people a delegation had, when a source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_count: Option<u32>,
    /// Dates on which the person is reported to hold the office: points of
    /// evidence, not a start or an end.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen: Vec<PartialDate>,
    /// Held the office by this date: the start is at the latest its last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_by: Option<PartialDate>,
    /// Still held the office through this date: the end came after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_after: Option<PartialDate>,
    /// No longer held the office when this date began: the end came before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_before: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
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
            roles: Vec::new(),
            capacity: None,
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
            citations: Vec::new(),
        }
    }

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

    /// Checks that need no other record: end kinds, allowed properties, the kinds
    /// property references point at, date order.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let k = self.kind;
        for (field, id, allowed) in [
            ("from", &self.from, k.from_kinds()),
            ("to", &self.to, k.to_kinds()),
        ] {
            if !allowed.contains(&id.kind()) {
                errs.push(FieldError::new(
                    field,
                    format!(
                        "`{}` relation cannot have {} (`{id}`) as `{field}`; expected {}",
                        k.name(),
                        a(id.kind().prefix()),
                        any_of(allowed.iter().map(|k| k.prefix()))
                    ),
                ));
            }
        }
        for p in self.props_present() {
            if !k.props().contains(&p) {
                errs.push(FieldError::new(
                    p.field(),
                    format!(
                        "`{}` relation has no `{}` (allowed: {})",
                        k.name(),
                        p.field(),
                        list_or_none(k.props().iter().map(|p| p.field()))
                    ),
                ));
            }
        }
        for (p, id) in self.prop_refs() {
            let allowed = prop_target_kinds(p);
            if !allowed.contains(&id.kind()) {
                errs.push(FieldError::new(
                    p.field(),
                    format!(
                        "`{}` must name {}, not {} (`{id}`)",
                        p.field(),
                        any_of(allowed.iter().map(|k| k.prefix())),
                        a(id.kind().prefix())
                    ),
                ));
            }
        }
        if let (Some(s), Some(e)) = (&self.start, &self.end) {
            if e.latest() < s.earliest() {
                errs.push(FieldError::new(
                    "end",
                    format!("ends ({e}) before it starts ({s})"),
                ));
            }
        }
        if self.ordinal.is_some_and(|n| n < FIRST_ORDINAL) {
            errs.push(FieldError::new(
                "ordinal",
                format!("must be {FIRST_ORDINAL} or more: the first meeting of a series is number {FIRST_ORDINAL}"),
            ));
        }
        errs.extend(vague_date_errors(self));
        if self.from == self.to {
            errs.push(FieldError::new(
                "to",
                "a relation cannot join a node to itself",
            ));
        }
        if let Some(s) = &self.summary {
            nonblank(&mut errs, "summary", s);
        }
        self.validate_delegation(&mut errs);
        check_citations(
            &mut errs,
            self.citations
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("citations[{i}]"), c)),
        );
        errs
    }
}

/// Vague tenure dates that cannot all hold: an end bounded after a date that
/// is not before its upper bound, a date seen outside the recorded tenure.
fn vague_date_errors(r: &Relation) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let lower = r.end_after.map(|d| ("end_after", d));
    let upper = r
        .end_before
        .map(|d| ("end_before", d))
        .into_iter()
        .chain(r.end.map(|d| ("end", d)));
    for (uf, u) in upper {
        if let Some((lf, l)) = lower {
            if u.latest() < l.latest() {
                errs.push(FieldError::new(
                    uf,
                    format!("`{uf}` ({u}) is before `{lf}` ({l}): the end cannot be both"),
                ));
            }
        }
    }
    if let (Some(b), Some(e)) = (r.end_before, r.end) {
        if e.earliest() > b.earliest() {
            errs.push(FieldError::new(
                "end",
                format!("`end` ({e}) is after `end_before` ({b})"),
            ));
        }
    }
    if let (Some(by), Some(s)) = (r.start_by, r.start) {
        if s.earliest() > by.latest() {
            errs.push(FieldError::new(
                "start",
                format!("`start` ({s}) is after `start_by` ({by})"),
            ));
        }
    }
    for (i, d) in r.seen.iter().enumerate() {
        let before = r.start.is_some_and(|s| d.latest() < s.earliest());
        let after = r.end.is_some_and(|e| d.earliest() > e.latest());
        if before || after {
            errs.push(FieldError::new(
                format!("seen[{i}]"),
                format!("{d} is outside the recorded tenure"),
            ));
        }
    }
    errs
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

impl Conflict {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        if self.claims.len() < 2 {
            errs.push(FieldError::new(
                "claims",
                "a conflict needs at least two claims",
            ));
        }
        for (i, c) in self.claims.iter().enumerate() {
            if self.claims[..i].contains(c) {
                errs.push(FieldError::new(
                    format!("claims[{i}]"),
                    format!("`{c}` is listed twice"),
                ));
            }
        }
        errs
    }
}

fn nonblank(errs: &mut Vec<FieldError>, field: &str, text: &str) {
    if text.trim().is_empty() {
        errs.push(FieldError::new(field, "must not be empty"));
    }
}

fn check_citations<'a>(
    errs: &mut Vec<FieldError>,
    cites: impl Iterator<Item = (String, &'a Citation)>,
) {
    for (field, c) in cites {
        if c.source.kind() != NodeKind::Source {
            errs.push(FieldError::new(
                format!("{field}.source"),
                format!("`{}` is not a `source:` id", c.source),
            ));
        }
    }
}

fn list_or_none<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<_> = items.map(|s| format!("`{s}`")).collect();
    if v.is_empty() {
        "none".to_owned()
    } else {
        v.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    fn rel(kind: RelKind, from: &str, to: &str) -> Relation {
        Relation::new(RelId::parse("rel:x").unwrap(), kind, id(from), id(to))
    }

    /// A relation of `kind` with the property `p` set to the first sample
    /// value its field accepts, whatever its type (date, flag, enum, id,
    /// number, text): a new property is covered without editing this test.
    fn with_prop(p: Prop) -> Relation {
        let target = prop_target_kinds(p)
            .first()
            .map(|k| format!("{}:x", k.prefix()));
        let samples = [
            serde_json::json!("2020-01-02"),
            serde_json::json!(["2020-01-02"]),
            serde_json::json!(true),
            serde_json::json!(2),
        ]
        .into_iter()
        .chain(target.map(serde_json::Value::String))
        .chain(
            [
                MembershipStatus::ALL.map(|v| serde_json::to_value(v).unwrap())[0].clone(),
                AttendanceMode::ALL.map(|v| serde_json::to_value(v).unwrap())[0].clone(),
                AttendanceRole::ALL.map(|v| serde_json::to_value(v).unwrap())[0].clone(),
            ]
            .into_iter()
            .flat_map(|v| [v.clone(), serde_json::json!([v])]),
        )
        .chain([serde_json::json!("some text")]);
        for sample in samples {
            let doc = serde_json::json!({
                "id": "rel:x", "kind": "holds", "from": "person:a", "to": "office:b",
                p.field(): sample,
            });
            if let Ok(r) = serde_json::from_value::<Relation>(doc) {
                return r;
            }
        }
        panic!("no sample value fits the field `{}`", p.field())
    }

    #[test]
    fn every_property_is_seen_when_set() {
        for p in Prop::ALL {
            let r = with_prop(p);
            assert_eq!(r.props_present(), vec![p], "`{}`", p.field());
        }
    }

    #[test]
    fn every_property_that_names_a_node_is_a_reference() {
        for p in Prop::ALL {
            let refs: Vec<Prop> = with_prop(p).prop_refs().map(|(p, _)| p).collect();
            let expected = if prop_target_kinds(p).is_empty() {
                vec![]
            } else {
                vec![p]
            };
            assert_eq!(refs, expected, "`{}`", p.field());
        }
    }

    #[test]
    fn relation_rejects_wrong_end_kinds() {
        let errs = rel(RelKind::Attended, "topic:kz", "meeting:m").validate();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "from");
    }

    #[test]
    fn relation_rejects_props_its_kind_does_not_have() {
        let mut r = rel(RelKind::Chaired, "person:a", "meeting:m");
        r.ordinal = Some(20);
        let errs = r.validate();
        assert_eq!(errs[0].field, "ordinal");
    }

    #[test]
    fn an_ordinal_starts_at_one() {
        let mut r = rel(RelKind::InSeries, "meeting:m", "series:s");
        r.ordinal = Some(0);
        assert_eq!(r.validate()[0].field, "ordinal");
        r.ordinal = Some(1);
        assert!(r.validate().is_empty());
    }

    #[test]
    fn an_end_after_a_date_later_than_the_date_it_came_before_is_refused() {
        let mut r = rel(RelKind::Holds, "person:a", "office:o");
        r.end_after = Some(PartialDate::parse("2017").unwrap());
        r.end_before = Some(PartialDate::parse("2016-11-30").unwrap());
        assert_eq!(r.validate()[0].field, "end_before");
        r.end_after = Some(PartialDate::parse("2015-08-27").unwrap());
        assert!(r.validate().is_empty());
    }

    #[test]
    fn codes_and_tags_are_checked_as_the_json_schema_checks_them() {
        let mut n = Node::new(id("state:kz"), "Kazakhstan");
        n.code = Some("kz".into());
        n.aliases.push(Alias {
            text: "Казахстан".into(),
            lang: Some("russian!".into()),
            script: Some("CYRL".into()),
            kind: NameKind::NativeScript,
            citations: vec![],
        });
        let fields: Vec<_> = n.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["aliases[0].lang", "aliases[0].script", "code"]);
        assert!(is_language_tag("zh-Hans") && is_script_code("Latn") && is_state_code("KZ"));
    }

    #[test]
    fn a_date_seen_outside_the_recorded_tenure_is_refused() {
        let mut r = rel(RelKind::Holds, "person:a", "office:o");
        r.start = Some(PartialDate::parse("2019").unwrap());
        r.seen = vec![
            PartialDate::parse("2019-10-01").unwrap(),
            PartialDate::parse("2018").unwrap(),
        ];
        let errs = r.validate();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "seen[1]");
    }

    #[test]
    fn vague_tenure_dates_belong_to_holds_only() {
        let mut r = rel(RelKind::Attended, "person:a", "meeting:m");
        r.end_before = Some(PartialDate::parse("2016").unwrap());
        assert_eq!(r.validate()[0].field, "end_before");
    }

    #[test]
    fn capacity_must_be_an_office() {
        let mut r = rel(RelKind::Attended, "person:a", "meeting:m");
        r.capacity = Some(id("state:kz"));
        let e = &r.validate()[0];
        assert_eq!(e.field, "capacity");
        assert_eq!(
            e.message,
            "`capacity` must name an `office`, not a state (`state:kz`)"
        );
    }

    #[test]
    fn an_attribute_of_another_kind_is_named_with_the_right_article() {
        let mut n = Node::new(id("office:x"), "X");
        n.url = Some("https://x".into());
        assert!(n.validate()[0]
            .message
            .starts_with("an office has no `url`"));
    }

    #[test]
    fn node_rejects_attrs_of_other_kinds_and_blank_names() {
        let mut n = Node::new(id("person:a"), " ");
        n.url = Some("https://x".into());
        let fields: Vec<_> = n.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "url"]);
    }

    #[test]
    fn citation_must_point_at_a_source() {
        let mut n = Node::new(id("person:a"), "A");
        n.citations.push(Citation {
            source: id("person:b"),
            locator: None,
        });
        assert_eq!(n.validate()[0].field, "citations[0].source");
    }

    #[test]
    fn conflict_needs_two_distinct_claims() {
        let c = Conflict {
            id: ConflictId::parse("conflict:c").unwrap(),
            claims: vec![RelId::parse("rel:a").unwrap()],
            note: None,
        };
        assert_eq!(c.validate()[0].field, "claims");
    }
}
