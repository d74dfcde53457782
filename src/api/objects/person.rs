//! The `Person` object: offices held and at a date, attendances, speeches,
//! signatures, and who a person met.

use async_graphql::{Object, Result, ID};
use petgraph::Direction as Dir;

use crate::api::leaves::args::{parse_date, parse_opt_date};
use crate::api::leaves::errors::invalid;
use crate::api::leaves::order::{sorted, AttendanceOrder, AttendanceOrderField};
use crate::api::leaves::pagination::{list_cost, slice};

use crate::api::leaves::scalars::{Direction, NodeKind, RelKind};
use crate::api::objects::meeting::Meeting;
use crate::api::objects::nodes::{citations, node_object, Alias, Citation, NodeRef, Note, Typed};
use crate::api::objects::relations::{Attendance, Relation, Signature, Speech, Tenure};
use crate::model::{self, RelKind as RK};

// Every list below that grows with the data is paged the same way: `offset`
// items are skipped, then at most `first` (up to 1000) are returned, in the
// list's own stable order; without `first` the whole list comes back. Beside
// each list `xs` is `xsCount`, the length of the whole list under the same
// filters. The complexity limit counts `first`, or 1000 when it is missing.

node_object!(
    #[Object] first, "list_cost(first, child_complexity)",
    /// A person: an official, a delegate, a speaker.
    Person, Person, {
    /// Offices held, with start, end and whether acting. Paged; see `tenuresCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn tenures(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Tenure>> {
        slice(self.0.rels(Dir::Outgoing, Some(RK::Holds)), first, offset).map(|v| v.into_iter().map(Tenure).collect())
    }
    /// How many `tenures` there are, whatever page is asked for.
    async fn tenures_count(&self) -> usize {
        self.0.rels(Dir::Outgoing, Some(RK::Holds)).len()
    }
    /// Meetings attended, with mode, role, capacity and on whose behalf, in
    /// relation id order, or as `orderBy` says (MEETING_DATE: by the
    /// meeting's start, undated last either way, ties by relation id).
    /// Paged; see `attendancesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn attendances(&self, order_by: Option<AttendanceOrder>, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Attendance>> {
        let mut v = self.0.rels(Dir::Outgoing, Some(RK::Attended));
        if let Some(AttendanceOrder { field: AttendanceOrderField::MeetingDate, direction }) = order_by {
            let g = &self.0.g;
            v = sorted(v, direction, |a| g.node(a.r.to.as_str()).and_then(|m| m.start), |a| a.r.id.clone());
        }
        slice(v, first, offset).map(|v| v.into_iter().map(Attendance).collect())
    }
    /// How many held meetings this person took part in (attended, chaired
    /// or spoke at), each counted once: what `people(orderBy:
    /// {field: MEETING_COUNT})` sorts by.
    async fn meeting_count(&self) -> usize {
        self.0.g.meeting_count(self.0.id())
    }
    /// How many `attendances` there are, whatever page is asked for.
    async fn attendances_count(&self) -> usize {
        self.0.rels(Dir::Outgoing, Some(RK::Attended)).len()
    }
    /// Meetings chaired. Paged; see `chairedCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn chaired(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Meeting>> {
        slice(self.0.ends(Dir::Outgoing, RK::Chaired), first, offset)
    }
    /// How many meetings `chaired` lists, whatever page is asked for.
    async fn chaired_count(&self) -> usize {
        self.0.ends::<Meeting>(Dir::Outgoing, RK::Chaired).len()
    }
    /// Speeches given, in relation id order. Paged; see `speechesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn speeches(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Speech>> {
        slice(self.0.rels(Dir::Outgoing, Some(RK::SpokeAt)), first, offset).map(|v| v.into_iter().map(Speech).collect())
    }
    /// How many `speeches` there are, whatever page is asked for.
    async fn speeches_count(&self) -> usize {
        self.0.rels(Dir::Outgoing, Some(RK::SpokeAt)).len()
    }
    /// Documents signed, in relation id order. Paged; see `signaturesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn signatures(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Signature>> {
        slice(self.0.rels(Dir::Outgoing, Some(RK::Signed)), first, offset).map(|v| v.into_iter().map(Signature).collect())
    }
    /// How many `signatures` there are, whatever page is asked for.
    async fn signatures_count(&self) -> usize {
        self.0.rels(Dir::Outgoing, Some(RK::Signed)).len()
    }
    /// The offices this person held on `date` (from tenures, and from
    /// attendances or signatures in that capacity on that date), surest first.
    async fn office_at(&self, date: String) -> Result<Vec<crate::api::objects::analysis::Holding>> {
        let d = parse_date("date", &date)?;
        Ok(crate::api::objects::analysis::holdings(&self.0.g, self.0.g.offices_at(self.0.id(), &d)))
    }
    /// The people who took part in the same meetings (through the `kinds` of
    /// participation, by default attended, chaired and spoke at), most shared
    /// meetings first, with the meetings as evidence. A sub-event such as a
    /// bilateral on the margins counts as a meeting of its own.
    #[allow(clippy::too_many_arguments)]
    async fn met_with(
        &self,
        from: Option<String>,
        to: Option<String>,
        kinds: Option<Vec<RelKind>>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<crate::api::leaves::pagination::Page<crate::api::objects::analysis::MetWith>> {
        let (from, to) = (parse_opt_date("from", from)?, parse_opt_date("to", to)?);
        let kinds: Vec<RK> = match kinds {
            Some(k) if !k.is_empty() => k.into_iter().map(Into::into).collect(),
            _ => crate::graph::met::PARTICIPATION.to_vec(),
        };
        if let Some(k) = kinds.iter().find(|k| !crate::graph::met::PARTICIPATION.contains(k)) {
            return Err(invalid("kinds", format!("`{}` is not a kind of participation (ATTENDED, CHAIRED, SPOKE_AT)", k.name())));
        }
        let ranking = self.0.g.met_ranking(self.0.id(), &kinds, from.as_ref(), to.as_ref());
        let items = crate::api::objects::analysis::MetWithRanking { g: &self.0.g, ranking };
        crate::api::leaves::pagination::paginate_ranked(items, after, before, first, last).await
    }
});
