//! The `Meeting` and `Document` objects: who attended (by state and mode),
//! who chaired and spoke, what was signed and adopted, and where and when.

use async_graphql::{Object, Result, ID};
use petgraph::Direction as Dir;

use crate::api::leaves::pagination::{list_cost, slice};

use crate::api::leaves::scalars::{date, Date, Direction, NodeKind, RelKind};
use crate::api::objects::entities::{Organization, Place, Series, State, Topic};
use crate::api::objects::nodes::{citations, node_object, Alias, Citation, NodeRef, Note, Typed};
use crate::api::objects::person::Person;
use crate::api::objects::relations::{Attendance, Relation, Signature, Speech};
use crate::model::{self, RelKind as RK};

fn attendances_at(
    n: &NodeRef,
    mode: Option<crate::api::leaves::scalars::AttendanceMode>,
) -> Vec<Attendance> {
    let mode: Option<model::AttendanceMode> = mode.map(Into::into);
    n.rels(Dir::Incoming, Some(RK::Attended))
        .into_iter()
        .filter(|r| mode.is_none() || r.r.mode == mode)
        .map(Attendance)
        .collect()
}

node_object!(
    #[Object] first, "list_cost(first, child_complexity)",
    /// A meeting: a summit, a session, a bilateral on the margins.
    Meeting, Meeting, {
    /// A free category ("plenary meeting", "bilateral meetings").
    async fn category(&self) -> Option<&str> {
        self.0.n.kind.as_deref()
    }
    async fn start_date(&self) -> Option<Date> {
        date(self.0.n.start)
    }
    async fn end_date(&self) -> Option<Date> {
        date(self.0.n.end.or(self.0.n.start))
    }
    async fn series(&self) -> Option<Series> {
        self.0.first(Dir::Outgoing, RK::InSeries)
    }
    /// The meeting's number in its series (20 for the 20th).
    async fn ordinal(&self) -> Option<u32> {
        self.0.rels(Dir::Outgoing, Some(RK::InSeries)).into_iter().find_map(|r| r.r.ordinal)
    }
    async fn place(&self) -> Option<Place> {
        self.0.first(Dir::Outgoing, RK::HeldIn)
    }
    async fn host(&self) -> Option<State> {
        self.0.first(Dir::Outgoing, RK::HostedBy)
    }
    async fn organizer(&self) -> Option<Organization> {
        self.0.first(Dir::Outgoing, RK::OrganizedBy)
    }
    async fn chair(&self) -> Option<Person> {
        self.0.first(Dir::Incoming, RK::Chaired)
    }
    /// The cited relations behind place, host, organizer, series and chair.
    async fn facts(&self) -> Vec<Relation> {
        let mut v: Vec<_> = [RK::HeldIn, RK::HostedBy, RK::OrganizedBy, RK::InSeries, RK::SubEventOf, RK::PreparatoryFor, RK::About]
            .into_iter().flat_map(|k| self.0.rels(Dir::Outgoing, Some(k))).collect();
        v.extend(self.0.rels(Dir::Incoming, Some(RK::Chaired)));
        v.into_iter().map(Relation).collect()
    }
    /// Attendances (of one `mode`, when given), in relation id order. Paged;
    /// see `attendancesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn attendances(&self, mode: Option<crate::api::leaves::scalars::AttendanceMode>, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Attendance>> {
        slice(attendances_at(&self.0, mode), first, offset)
    }
    /// How many `attendances` there are (of `mode`, when given), whatever page is asked for.
    async fn attendances_count(&self, mode: Option<crate::api::leaves::scalars::AttendanceMode>) -> usize {
        attendances_at(&self.0, mode).len()
    }
    /// Speeches given here, in relation id order. Paged; see `speechesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn speeches(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Speech>> {
        slice(self.0.rels(Dir::Incoming, Some(RK::SpokeAt)), first, offset).map(|v| v.into_iter().map(Speech).collect())
    }
    /// How many `speeches` there are, whatever page is asked for.
    async fn speeches_count(&self) -> usize {
        self.0.rels(Dir::Incoming, Some(RK::SpokeAt)).len()
    }
    /// Attendances grouped by the state they speak for (on behalf of, else the
    /// capacity's jurisdiction); a group with no state comes last.
    async fn participants_by_state(&self) -> Vec<crate::api::objects::analysis::StateParticipation> {
        self.0.g.participants_by_state(self.0.id()).into_iter()
            .map(|s| crate::api::objects::analysis::StateParticipation { g: self.0.g.clone(), s }).collect()
    }
    /// Documents adopted at this meeting. Paged; see `documentsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn documents(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Document>> {
        slice(self.0.ends(Dir::Incoming, RK::AdoptedAt), first, offset)
    }
    /// How many `documents` there are, whatever page is asked for.
    async fn documents_count(&self) -> usize {
        self.0.ends::<Document>(Dir::Incoming, RK::AdoptedAt).len()
    }
    /// The meeting this one is a sub-event of.
    async fn parent(&self) -> Option<Meeting> {
        self.0.first(Dir::Outgoing, RK::SubEventOf)
    }
    /// Sub-events: bilateral meetings on the margins, side sessions. Paged;
    /// see `partsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn parts(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Meeting>> {
        slice(self.0.ends(Dir::Incoming, RK::SubEventOf), first, offset)
    }
    /// How many `parts` there are, whatever page is asked for.
    async fn parts_count(&self) -> usize {
        self.0.ends::<Meeting>(Dir::Incoming, RK::SubEventOf).len()
    }
    /// Meetings this one prepared.
    async fn preparatory_for(&self) -> Vec<Meeting> {
        self.0.ends(Dir::Outgoing, RK::PreparatoryFor)
    }
    /// Meetings that prepared this one (an experts' group, say). Paged; see
    /// `preparatoryMeetingsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn preparatory_meetings(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Meeting>> {
        slice(self.0.ends(Dir::Incoming, RK::PreparatoryFor), first, offset)
    }
    /// How many `preparatoryMeetings` there are, whatever page is asked for.
    async fn preparatory_meetings_count(&self) -> usize {
        self.0.ends::<Meeting>(Dir::Incoming, RK::PreparatoryFor).len()
    }
    async fn topics(&self) -> Vec<Topic> {
        self.0.ends(Dir::Outgoing, RK::About)
    }
    /// Disagreements between sources about this meeting's relations.
    async fn conflicts(&self) -> Vec<crate::api::objects::relations::Conflict> {
        crate::api::objects::relations::conflicts_around(&self.0.g, self.0.n.id.as_str())
    }
});

node_object!(
    #[Object] first, "list_cost(first, child_complexity)",
    /// A document: a protocol, a declaration.
    Document, Document, {
    async fn title(&self) -> &str {
        &self.0.n.name
    }
    /// A free category ("protocol").
    async fn category(&self) -> Option<&str> {
        self.0.n.kind.as_deref()
    }
    async fn date(&self) -> Option<Date> {
        date(self.0.n.date)
    }
    async fn language(&self) -> Option<&str> {
        self.0.n.language.as_deref()
    }
    /// Signatures on this document, in relation id order. Paged; see `signatoriesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn signatories(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Signature>> {
        slice(self.0.rels(Dir::Incoming, Some(RK::Signed)), first, offset).map(|v| v.into_iter().map(Signature).collect())
    }
    /// How many `signatories` there are, whatever page is asked for.
    async fn signatories_count(&self) -> usize {
        self.0.rels(Dir::Incoming, Some(RK::Signed)).len()
    }
    async fn adopted_at(&self) -> Option<Meeting> {
        self.0.first(Dir::Outgoing, RK::AdoptedAt)
    }
    async fn topics(&self) -> Vec<Topic> {
        self.0.ends(Dir::Outgoing, RK::About)
    }
});
