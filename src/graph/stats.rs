//! The numbers a dashboard plots: meetings per year (per series and in all),
//! attendance by state, by status and by mode, documents and signatures per
//! meeting; over every meeting or only those a `MeetingFilter` keeps (see
//! `stats_matching`; `stats_within` for a place alone).
//! Only meetings that were held count: a planned, announced, postponed or
//! cancelled one is left out of every figure.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::Direction;

use super::Graph;
use crate::model::{AttendanceMode, MembershipStatus, NodeId, NodeKind, RelKind};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// (year, series or none, meetings), by year then series.
    pub meetings_per_year: Vec<(i32, Option<NodeId>, usize)>,
    /// (state or none, attendances), most first.
    pub attendance_by_state: Vec<(Option<NodeId>, usize)>,
    /// (status of the attendance's state in the meeting's organization on the
    /// meeting's date, or none; attendances), members, observers, dialogue
    /// partners, then none.
    pub attendance_by_status: Vec<(Option<MembershipStatus>, usize)>,
    /// (mode, attendances), most first.
    pub attendance_by_mode: Vec<(AttendanceMode, usize)>,
    /// (meeting, documents adopted there, signatures on them), for meetings
    /// with documents: most documents first, then most signatures, then by id.
    pub documents_per_meeting: Vec<(NodeId, usize, usize)>,
    /// (year, meetings), by year: every series together.
    pub meetings_per_year_total: Vec<(i32, usize)>,
}

fn by_count_desc<K: Ord>(m: BTreeMap<K, usize>) -> Vec<(K, usize)> {
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

impl Graph {
    pub fn stats(&self) -> Stats {
        self.stats_for(None)
    }

    /// The stats of the meetings held in `place` (a place or a state) or in
    /// any place inside it, and of their attendances.
    pub fn stats_within(&self, place: &str) -> Stats {
        self.stats_for(Some(&self.meetings_within(place)))
    }

    /// The stats of the meetings `f` keeps, and of their attendances.
    pub fn stats_matching(&self, f: &super::filter::MeetingFilter) -> Stats {
        if *f == super::filter::MeetingFilter::default() {
            return self.stats();
        }
        self.stats_for(Some(&self.meetings_matching(f).into_iter().collect()))
    }

    /// The stats of `only` these meetings (all meetings when `None`).
    fn stats_for(&self, only: Option<&BTreeSet<NodeId>>) -> Stats {
        let keep = |m: &NodeId| only.is_none_or(|o| o.contains(m));
        let mut per_year: BTreeMap<(i32, Option<NodeId>), usize> = BTreeMap::new();
        let mut docs = Vec::new();
        for m in self.ids_of_kind(NodeKind::Meeting).filter(|m| keep(m)) {
            let Some(n) = self.node(m.as_str()).filter(|n| n.was_held()) else {
                continue;
            };
            if let Some(start) = n.start {
                let series = self
                    .relations(m.as_str(), Direction::Outgoing, Some(RelKind::InSeries))
                    .first()
                    .map(|r| r.to.clone());
                *per_year.entry((start.earliest().year, series)).or_default() += 1;
            }
            let adopted = self.relations(m.as_str(), Direction::Incoming, Some(RelKind::AdoptedAt));
            if !adopted.is_empty() {
                let signatures: usize = adopted
                    .iter()
                    .map(|d| {
                        self.relations(d.from.as_str(), Direction::Incoming, Some(RelKind::Signed))
                            .len()
                    })
                    .sum();
                docs.push((m.clone(), adopted.len(), signatures));
            }
        }
        let mut by_state: BTreeMap<Option<NodeId>, usize> = BTreeMap::new();
        let mut by_mode: BTreeMap<u8, usize> = BTreeMap::new();
        let modes = [
            AttendanceMode::InPerson,
            AttendanceMode::Online,
            AttendanceMode::Unknown,
        ];
        let mut by_status: BTreeMap<u8, (Option<MembershipStatus>, usize)> = BTreeMap::new();
        for r in self
            .all_relations()
            .filter(|r| r.kind == RelKind::Attended && keep(&r.to) && self.was_held(r.to.as_str()))
        {
            let state = self.attendance_state(r);
            let status = state
                .as_ref()
                .and_then(|s| self.status_at_meeting(s.as_str(), r.to.as_str()));
            by_status
                .entry(super::membership::status_rank(status))
                .or_insert((status, 0))
                .1 += 1;
            *by_state.entry(state).or_default() += 1;
            let mode = r.mode.unwrap_or(AttendanceMode::Unknown);
            *by_mode
                .entry(modes.iter().position(|m| *m == mode).unwrap_or(2) as u8)
                .or_default() += 1;
        }
        let mut attendance_by_state = by_count_desc(by_state);
        // Unknown state last whatever its count.
        attendance_by_state.sort_by_key(|(s, _)| s.is_none());
        docs.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        let mut totals: BTreeMap<i32, usize> = BTreeMap::new();
        for ((y, _), n) in &per_year {
            *totals.entry(*y).or_default() += n;
        }
        Stats {
            meetings_per_year_total: totals.into_iter().collect(),
            meetings_per_year: per_year.into_iter().map(|((y, s), n)| (y, s, n)).collect(),
            attendance_by_state,
            attendance_by_status: by_status.into_values().collect(),
            attendance_by_mode: by_count_desc(by_mode)
                .into_iter()
                .map(|(m, n)| (modes[m as usize], n))
                .collect(),
            documents_per_meeting: docs,
        }
    }
}
