//! The `stats` object: dashboard numbers. Every list that grows with the data
//! is paged like the nested lists of the node objects (`first`, at most 1000,
//! and `offset`; without `first` the whole list) and has a `…Count` beside it,
//! so a dashboard can ask for the top rows of a large graph. Also the pairs
//! who met most (`topPairs`).

use std::sync::Arc;

use async_graphql::{Object, Result, SimpleObject};

use crate::api::leaves::pagination::{list_cost, slice};
use crate::api::leaves::scalars::{AttendanceMode, Date, MembershipStatus, NodeKind};
use crate::api::objects::nodes::{node_obj, Meeting, NodeObj, NodeRef, Series, State};
use crate::graph::{stats, Graph};
use crate::model;

/// How many records there are.
#[derive(SimpleObject)]
pub struct KindCount {
    pub kind: NodeKind,
    pub count: usize,
}

/// Record counts of a snapshot, overall and by node kind.
pub fn counts(g: &Graph) -> Counts {
    Counts {
        nodes: g.node_count(),
        relations: g.relation_count(),
        conflicts: g.conflicts().count(),
        by_kind: model::NodeKind::ALL
            .into_iter()
            .map(|k| KindCount {
                kind: k.into(),
                count: g.ids_of_kind(k).count(),
            })
            .collect(),
    }
}

#[derive(SimpleObject)]
pub struct Counts {
    pub nodes: usize,
    pub relations: usize,
    pub conflicts: usize,
    pub by_kind: Vec<KindCount>,
}

#[derive(SimpleObject)]
pub struct YearCount {
    pub year: i32,
    /// Null for meetings in no series.
    pub series: Option<Series>,
    pub count: usize,
}

/// Meetings that started in a year, every series together.
#[derive(SimpleObject)]
pub struct YearTotal {
    pub year: i32,
    pub count: usize,
}

#[derive(SimpleObject)]
pub struct StateCount {
    /// Null for attendances with no known state.
    pub state: Option<State>,
    pub count: usize,
}

/// Attendances whose states had one status in the meeting's organization on
/// the meeting's date.
#[derive(SimpleObject)]
pub struct StatusCount {
    /// Null for attendances whose state had no standing then, whose state is
    /// unknown, or whose meeting has no date or organization.
    pub status: Option<MembershipStatus>,
    pub count: usize,
}

#[derive(SimpleObject)]
pub struct ModeCount {
    pub mode: AttendanceMode,
    pub count: usize,
}

#[derive(SimpleObject)]
pub struct MeetingDocuments {
    pub meeting: Meeting,
    pub documents: usize,
    pub signatures: usize,
}

/// Dashboard numbers, from one snapshot.
pub struct Stats {
    pub g: Arc<Graph>,
    pub s: stats::Stats,
    pub c: Counts,
}

fn node<T: From<NodeRef>>(g: &Arc<Graph>, id: Option<&crate::model::NodeId>) -> Option<T> {
    id.and_then(|i| NodeRef::get(g, i.as_str())).map(T::from)
}

#[Object]
impl Stats {
    async fn nodes(&self) -> usize {
        self.c.nodes
    }
    async fn relations(&self) -> usize {
        self.c.relations
    }
    async fn conflicts(&self) -> usize {
        self.c.conflicts
    }
    async fn by_kind(&self) -> &[KindCount] {
        &self.c.by_kind
    }
    /// Meetings per year and series (by their start), by year then series.
    /// A row per year and series: with many series prefer
    /// `meetingsPerYearTotal`. Paged; see `meetingsPerYearCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn meetings_per_year(
        &self,
        first: Option<i32>,
        offset: Option<i32>,
    ) -> Result<Vec<YearCount>> {
        Ok(
            slice(self.s.meetings_per_year.iter().collect(), first, offset)?
                .into_iter()
                .map(|(year, series, count)| YearCount {
                    year: *year,
                    series: node(&self.g, series.as_ref()),
                    count: *count,
                })
                .collect(),
        )
    }
    /// How many rows `meetingsPerYear` has, whatever page is asked for.
    async fn meetings_per_year_count(&self) -> usize {
        self.s.meetings_per_year.len()
    }
    /// Meetings per year (by their start), every series together, by year.
    /// Paged; see `meetingsPerYearTotalCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn meetings_per_year_total(
        &self,
        first: Option<i32>,
        offset: Option<i32>,
    ) -> Result<Vec<YearTotal>> {
        Ok(
            slice(self.s.meetings_per_year_total.clone(), first, offset)?
                .into_iter()
                .map(|(year, count)| YearTotal { year, count })
                .collect(),
        )
    }
    /// How many years `meetingsPerYearTotal` has, whatever page is asked for.
    async fn meetings_per_year_total_count(&self) -> usize {
        self.s.meetings_per_year_total.len()
    }
    /// Attendances by the state they speak for, most first; no known state
    /// last. Paged; see `attendanceByStateCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn attendance_by_state(
        &self,
        first: Option<i32>,
        offset: Option<i32>,
    ) -> Result<Vec<StateCount>> {
        Ok(
            slice(self.s.attendance_by_state.iter().collect(), first, offset)?
                .into_iter()
                .map(|(state, count)| StateCount {
                    state: node(&self.g, state.as_ref()),
                    count: *count,
                })
                .collect(),
        )
    }
    /// How many rows `attendanceByState` has, whatever page is asked for.
    async fn attendance_by_state_count(&self) -> usize {
        self.s.attendance_by_state.len()
    }
    /// Attendances by the status their states had in the meeting's
    /// organization on the meeting's date: members, observers, dialogue
    /// partners, then none.
    async fn attendance_by_status(&self) -> Vec<StatusCount> {
        self.s
            .attendance_by_status
            .iter()
            .map(|(s, count)| StatusCount {
                status: s.map(Into::into),
                count: *count,
            })
            .collect()
    }
    /// Attendances by mode, most first.
    async fn attendance_by_mode(&self) -> Vec<ModeCount> {
        self.s
            .attendance_by_mode
            .iter()
            .map(|(m, count)| ModeCount {
                mode: (*m).into(),
                count: *count,
            })
            .collect()
    }
    /// Meetings with documents: most documents first, then most signatures,
    /// then by id. Paged; see `documentsPerMeetingCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn documents_per_meeting(
        &self,
        first: Option<i32>,
        offset: Option<i32>,
    ) -> Result<Vec<MeetingDocuments>> {
        Ok(
            slice(self.s.documents_per_meeting.iter().collect(), first, offset)?
                .into_iter()
                .filter_map(|(m, documents, signatures)| {
                    node(&self.g, Some(m)).map(|meeting| MeetingDocuments {
                        meeting,
                        documents: *documents,
                        signatures: *signatures,
                    })
                })
                .collect(),
        )
    }
    /// How many meetings `documentsPerMeeting` has, whatever page is asked for.
    async fn documents_per_meeting_count(&self) -> usize {
        self.s.documents_per_meeting.len()
    }
}

/// Two participants and the held meetings they shared.
pub struct MetPair {
    g: Arc<Graph>,
    p: crate::graph::pairs::Pair,
}

#[Object]
impl MetPair {
    /// The one of the two with the lesser id.
    async fn a(&self) -> Option<NodeObj> {
        node_obj(&self.g, self.p.a.as_str())
    }
    async fn b(&self) -> Option<NodeObj> {
        node_obj(&self.g, self.p.b.as_str())
    }
    /// How many meetings they shared.
    async fn count(&self) -> usize {
        self.p.meetings.len()
    }
    /// The earliest start of a shared meeting.
    async fn first(&self) -> Option<Date> {
        self.p.first.map(Into::into)
    }
    /// The latest start of a shared meeting.
    async fn last(&self) -> Option<Date> {
        self.p.last.map(Into::into)
    }
    /// The shared meetings, earliest first (undated last). Paged by `first`
    /// and `offset`; `count` is their number.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn meetings(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Meeting>> {
        Ok(slice(self.p.meetings.iter().collect(), first, offset)?
            .into_iter()
            .filter_map(|m| node(&self.g, Some(m)))
            .collect())
    }
}

/// One page of the pairs who met most, and how many pairs there are.
pub struct TopPairs {
    pub g: Arc<Graph>,
    pub t: crate::graph::pairs::TopPairs,
}

#[Object]
impl TopPairs {
    /// Most shared meetings first, then by the two ids.
    async fn pairs(&self) -> Vec<MetPair> {
        self.t
            .pairs
            .iter()
            .map(|p| MetPair {
                g: self.g.clone(),
                p: p.clone(),
            })
            .collect()
    }
    /// How many pairs met at least once, whatever page is asked for.
    async fn total_count(&self) -> usize {
        self.t.total
    }
}
