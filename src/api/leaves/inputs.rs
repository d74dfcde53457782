//! Input types for mutations and their conversion into model records; a bad
//! id, date or kind becomes an INVALID_INPUT error naming the field.

use async_graphql::{InputObject, MaybeUndefined, Result, ID};

use crate::api::leaves::args::{parse_date, parse_opt_date};
use crate::api::leaves::errors::invalid;
use crate::api::leaves::scalars::{
    AttendanceMode, AttendanceRole, MeetingStatus, MembershipStatus, NameKind, RelKind,
};
use crate::model::{self, ConflictId, Edit, NodeId, RelId};

#[derive(InputObject)]
pub struct CitationInput {
    /// A `source:` id.
    pub source: ID,
    /// A paragraph number or short locator.
    pub locator: Option<String>,
}

#[derive(InputObject)]
pub struct AliasInput {
    pub text: String,
    pub lang: Option<String>,
    pub script: Option<String>,
    pub kind: Option<NameKind>,
    pub citations: Option<Vec<CitationInput>>,
}

#[derive(InputObject)]
pub struct NoteInput {
    pub text: String,
    pub citations: Option<Vec<CitationInput>>,
}

/// A whole node. Which attributes a kind takes is in `graph-schema/ontology.md`.
#[derive(InputObject)]
pub struct NodeInput {
    /// `<kind>:<slug>`, e.g. `person:berik-asylov`.
    pub id: ID,
    pub name: String,
    pub aliases: Option<Vec<AliasInput>>,
    pub description: Option<String>,
    /// Free category (organization, meeting, document, place, source).
    pub category: Option<String>,
    /// ISO 3166-1 alpha-2 (state).
    pub code: Option<String>,
    /// YYYY, YYYY-MM or YYYY-MM-DD (meeting).
    pub start: Option<String>,
    pub end: Option<String>,
    /// (document, source)
    pub date: Option<String>,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub language: Option<String>,
    /// (meeting) Announced, planned, held, postponed or cancelled; none: held.
    pub status: Option<MeetingStatus>,
    pub notes: Option<Vec<NoteInput>>,
    pub citations: Option<Vec<CitationInput>>,
}

/// Changes to a node: absent fields stay, `null` clears.
#[derive(InputObject)]
pub struct NodePatch {
    pub name: Option<String>,
    pub aliases: MaybeUndefined<Vec<AliasInput>>,
    pub description: MaybeUndefined<String>,
    pub category: MaybeUndefined<String>,
    pub code: MaybeUndefined<String>,
    pub start: MaybeUndefined<String>,
    pub end: MaybeUndefined<String>,
    pub date: MaybeUndefined<String>,
    pub url: MaybeUndefined<String>,
    pub publisher: MaybeUndefined<String>,
    pub language: MaybeUndefined<String>,
    pub status: MaybeUndefined<MeetingStatus>,
    pub notes: MaybeUndefined<Vec<NoteInput>>,
    pub citations: MaybeUndefined<Vec<CitationInput>>,
}

/// A relation with its properties. Which properties a kind takes is in
/// `graph-schema/ontology.md`.
#[derive(InputObject)]
pub struct RelationInput {
    /// `rel:<slug>`; generated from kind and ends when absent.
    pub id: Option<ID>,
    pub kind: RelKind,
    pub from: ID,
    pub to: ID,
    pub start: Option<String>,
    pub end: Option<String>,
    pub acting: Option<bool>,
    pub status: Option<MembershipStatus>,
    pub mode: Option<AttendanceMode>,
    /// One role (the older form of `roles`); give `role` or `roles`, not both.
    pub role: Option<AttendanceRole>,
    /// The parts played, several at once (host and chair).
    pub roles: Option<Vec<AttendanceRole>>,
    /// An `office:` id: the office a named person attended in.
    pub capacity: Option<ID>,
    /// An `office:` id: the office that led a state's or an organization's
    /// delegation when no one is named.
    pub head: Option<ID>,
    /// How many people a delegation had: 1 or more.
    pub head_count: Option<i32>,
    /// A `state:`, `organization:` or `person:` id.
    pub on_behalf_of: Option<ID>,
    /// A `topic:` id.
    pub topic: Option<ID>,
    pub date: Option<String>,
    /// A meeting's number in its series: 1 or more.
    pub ordinal: Option<i32>,
    pub summary: Option<String>,
    /// Dates on which the person is reported to hold the office (`holds`).
    pub seen: Option<Vec<String>>,
    /// Held the office by this date (`holds`).
    pub start_by: Option<String>,
    /// Still held the office through this date (`holds`).
    pub end_after: Option<String>,
    /// No longer held the office when this date began (`holds`).
    pub end_before: Option<String>,
    pub note: Option<String>,
    pub citations: Option<Vec<CitationInput>>,
}

/// Changes to a relation's properties: absent fields stay, `null` clears.
/// Kind and ends cannot change (unlink and link instead).
#[derive(InputObject)]
pub struct RelationPatch {
    pub start: MaybeUndefined<String>,
    pub end: MaybeUndefined<String>,
    pub acting: MaybeUndefined<bool>,
    pub status: MaybeUndefined<MembershipStatus>,
    pub mode: MaybeUndefined<AttendanceMode>,
    /// Sets the roles to this one (null clears them); not with `roles`.
    pub role: MaybeUndefined<AttendanceRole>,
    pub roles: MaybeUndefined<Vec<AttendanceRole>>,
    pub capacity: MaybeUndefined<ID>,
    pub head: MaybeUndefined<ID>,
    pub head_count: MaybeUndefined<i32>,
    pub on_behalf_of: MaybeUndefined<ID>,
    pub topic: MaybeUndefined<ID>,
    pub date: MaybeUndefined<String>,
    pub ordinal: MaybeUndefined<i32>,
    pub summary: MaybeUndefined<String>,
    pub seen: MaybeUndefined<Vec<String>>,
    pub start_by: MaybeUndefined<String>,
    pub end_after: MaybeUndefined<String>,
    pub end_before: MaybeUndefined<String>,
    pub note: MaybeUndefined<String>,
    pub citations: MaybeUndefined<Vec<CitationInput>>,
}

#[derive(InputObject)]
pub struct ConflictInput {
    /// `conflict:<slug>`.
    pub id: ID,
    /// Two or more relation ids that cannot all be true.
    pub claims: Vec<ID>,
    pub note: Option<String>,
}

pub fn node_id(field: &str, s: &str) -> Result<NodeId> {
    NodeId::parse(s).map_err(|e| invalid(field, e))
}

pub fn rel_id(field: &str, s: &str) -> Result<RelId> {
    RelId::parse(s).map_err(|e| invalid(field, e))
}

pub fn conflict_id(field: &str, s: &str) -> Result<ConflictId> {
    ConflictId::parse(s).map_err(|e| invalid(field, e))
}

/// Converts an ordinal; that it starts at [`model::FIRST_ORDINAL`] is the
/// model's rule, checked with the rest of the record.
fn ordinal(n: Option<i32>) -> Result<Option<u32>> {
    n.map(|n| {
        u32::try_from(n).map_err(|_| {
            invalid(
                "ordinal",
                format!(
                    "{n} is not an ordinal: it must be {} or more",
                    model::FIRST_ORDINAL
                ),
            )
        })
    })
    .transpose()
}

fn head_count(n: i32) -> Result<u32> {
    u32::try_from(n)
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| invalid("headCount", format!("{n} is not a head count (1 or more)")))
}

/// `role` (one) or `roles` (several), not both.
fn roles(
    role: Option<AttendanceRole>,
    roles: Option<Vec<AttendanceRole>>,
) -> Result<Option<Vec<model::AttendanceRole>>> {
    match (role, roles) {
        (Some(_), Some(_)) => Err(invalid("roles", "give `role` or `roles`, not both")),
        (Some(r), None) => Ok(Some(vec![r.into()])),
        (None, Some(v)) => Ok(Some(v.into_iter().map(Into::into).collect())),
        (None, None) => Ok(None),
    }
}

fn opt_node(field: &str, s: Option<ID>) -> Result<Option<NodeId>> {
    s.map(|s| node_id(field, &s)).transpose()
}

fn cites(field: &str, cs: Option<Vec<CitationInput>>) -> Result<Vec<model::Citation>> {
    cs.unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(model::Citation {
                source: node_id(&format!("{field}[{i}].source"), &c.source)?,
                locator: c.locator,
            })
        })
        .collect()
}

pub(crate) fn aliases(v: Vec<AliasInput>) -> Result<Vec<model::Alias>> {
    v.into_iter()
        .enumerate()
        .map(|(i, a)| {
            Ok(model::Alias {
                text: a.text,
                lang: a.lang,
                script: a.script,
                kind: a.kind.map(Into::into).unwrap_or_default(),
                citations: cites(&format!("aliases[{i}].citations"), a.citations)?,
            })
        })
        .collect()
}

pub(crate) fn notes(v: Vec<NoteInput>) -> Result<Vec<model::Note>> {
    v.into_iter()
        .enumerate()
        .map(|(i, n)| {
            Ok(model::Note {
                text: n.text,
                citations: cites(&format!("notes[{i}].citations"), n.citations)?,
            })
        })
        .collect()
}

impl NodeInput {
    pub fn into_node(self) -> Result<model::Node> {
        let mut n = model::Node::new(node_id("id", &self.id)?, self.name);
        n.aliases = aliases(self.aliases.unwrap_or_default())?;
        n.description = self.description;
        n.kind = self.category;
        n.code = self.code;
        n.start = parse_opt_date("start", self.start)?;
        n.end = parse_opt_date("end", self.end)?;
        n.date = parse_opt_date("date", self.date)?;
        n.url = self.url;
        n.publisher = self.publisher;
        n.language = self.language;
        n.status = self.status.map(Into::into);
        n.notes = notes(self.notes.unwrap_or_default())?;
        n.citations = cites("citations", self.citations)?.into();
        Ok(n)
    }
}

/// A patch field: absent keeps, null clears, a value replaces.
pub(crate) fn edit<T>(v: MaybeUndefined<T>) -> Edit<T> {
    match v {
        MaybeUndefined::Undefined => Edit::Keep,
        MaybeUndefined::Null => Edit::Clear,
        MaybeUndefined::Value(v) => Edit::Set(v),
    }
}

/// [`edit`], checking and converting a value.
pub(crate) fn edit_try<T, U>(
    v: MaybeUndefined<T>,
    f: impl FnOnce(T) -> Result<U>,
) -> Result<Edit<U>> {
    Ok(match edit(v) {
        Edit::Keep => Edit::Keep,
        Edit::Clear => Edit::Clear,
        Edit::Set(v) => Edit::Set(f(v)?),
    })
}

fn seen_dates(v: Vec<String>) -> Result<Vec<model::PartialDate>> {
    v.iter()
        .enumerate()
        .map(|(i, s)| parse_date(&format!("seen[{i}]"), s))
        .collect()
}

pub(crate) fn all_cites(c: Vec<CitationInput>) -> Result<Vec<model::Citation>> {
    cites("citations", Some(c))
}

impl NodePatch {
    /// Checks and converts the input; the service applies the patch to the
    /// latest version of the node.
    pub fn into_patch(self) -> Result<model::NodePatch> {
        Ok(model::NodePatch {
            name: self.name,
            aliases: edit_try(self.aliases, aliases)?,
            description: edit(self.description),
            kind: edit(self.category),
            code: edit(self.code),
            start: edit_try(self.start, |s| parse_date("start", &s))?,
            end: edit_try(self.end, |s| parse_date("end", &s))?,
            date: edit_try(self.date, |s| parse_date("date", &s))?,
            url: edit(self.url),
            publisher: edit(self.publisher),
            language: edit(self.language),
            status: edit(self.status).map(Into::into),
            notes: edit_try(self.notes, notes)?,
            citations: edit_try(self.citations, all_cites)?,
        })
    }
}

impl RelationInput {
    /// Converts to a relation; `id` is the one to use when none was given.
    pub fn into_relation(
        self,
        generated: impl FnOnce(&model::RelKind, &NodeId, &NodeId) -> RelId,
    ) -> Result<model::Relation> {
        let kind: model::RelKind = self.kind.into();
        let from = node_id("from", &self.from)?;
        let to = node_id("to", &self.to)?;
        let id = match self.id {
            Some(id) => rel_id("id", &id)?,
            None => generated(&kind, &from, &to),
        };
        let mut r = model::Relation::new(id, kind, from, to);
        r.start = parse_opt_date("start", self.start)?;
        r.end = parse_opt_date("end", self.end)?;
        r.acting = self.acting;
        r.status = self.status.map(Into::into);
        r.mode = self.mode.map(Into::into);
        r.roles = roles(self.role, self.roles)?.unwrap_or_default();
        r.capacity = opt_node("capacity", self.capacity)?;
        r.head = opt_node("head", self.head)?;
        r.head_count = self.head_count.map(head_count).transpose()?;
        r.on_behalf_of = opt_node("onBehalfOf", self.on_behalf_of)?;
        r.topic = opt_node("topic", self.topic)?;
        r.date = parse_opt_date("date", self.date)?;
        r.ordinal = ordinal(self.ordinal)?;
        r.summary = self.summary;
        r.seen = seen_dates(self.seen.unwrap_or_default())?;
        r.start_by = parse_opt_date("startBy", self.start_by)?;
        r.end_after = parse_opt_date("endAfter", self.end_after)?;
        r.end_before = parse_opt_date("endBefore", self.end_before)?;
        r.note = self.note;
        r.citations = cites("citations", self.citations)?.into();
        Ok(r)
    }
}

impl RelationPatch {
    /// Checks and converts the input; the service applies the patch to the
    /// latest version of the relation.
    pub fn into_patch(self) -> Result<model::RelationPatch> {
        Ok(model::RelationPatch {
            start: edit_try(self.start, |s| parse_date("start", &s))?,
            end: edit_try(self.end, |s| parse_date("end", &s))?,
            acting: edit(self.acting),
            status: edit(self.status).map(Into::into),
            mode: edit(self.mode).map(Into::into),
            roles: match (edit(self.role), edit(self.roles)) {
                (Edit::Keep, e) => e.map(|v| v.into_iter().map(Into::into).collect()),
                (e, Edit::Keep) => e.map(|r| vec![r.into()]),
                _ => return Err(invalid("roles", "give `role` or `roles`, not both")),
            },
            capacity: edit_try(self.capacity, |s| node_id("capacity", &s))?,
            head: edit_try(self.head, |s| node_id("head", &s))?,
            head_count: edit_try(self.head_count, head_count)?,
            on_behalf_of: edit_try(self.on_behalf_of, |s| node_id("onBehalfOf", &s))?,
            topic: edit_try(self.topic, |s| node_id("topic", &s))?,
            date: edit_try(self.date, |s| parse_date("date", &s))?,
            ordinal: edit_try(self.ordinal, |n| Ok(ordinal(Some(n))?.expect("some")))?,
            summary: edit(self.summary),
            seen: edit_try(self.seen, seen_dates)?,
            start_by: edit_try(self.start_by, |s| parse_date("startBy", &s))?,
            end_after: edit_try(self.end_after, |s| parse_date("endAfter", &s))?,
            end_before: edit_try(self.end_before, |s| parse_date("endBefore", &s))?,
            note: edit(self.note),
            citations: edit_try(self.citations, all_cites)?,
        })
    }
}

impl ConflictInput {
    pub fn into_conflict(self) -> Result<model::Conflict> {
        Ok(model::Conflict {
            id: conflict_id("id", &self.id)?,
            claims: self
                .claims
                .iter()
                .enumerate()
                .map(|(i, c)| rel_id(&format!("claims[{i}]"), c))
                .collect::<Result<_>>()?,
            note: self.note,
        })
    }
}
