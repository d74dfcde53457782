//! The numbers a dashboard plots: meetings per year (per series and in all),
//! attendance by state and by mode, documents and signatures per meeting.
//! Only meetings that were held count: a planned, announced, postponed or
//! cancelled one is left out of every figure.

use std::collections::BTreeMap;

use petgraph::Direction;

use super::Graph;
use crate::model::{AttendanceMode, NodeId, NodeKind, RelKind};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// (year, series or none, meetings), by year then series.
    pub meetings_per_year: Vec<(i32, Option<NodeId>, usize)>,
    /// (state or none, attendances), most first.
    pub attendance_by_state: Vec<(Option<NodeId>, usize)>,
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
        let mut per_year: BTreeMap<(i32, Option<NodeId>), usize> = BTreeMap::new();
        let mut docs = Vec::new();
        for m in self.ids_of_kind(NodeKind::Meeting) {
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
        for r in self
            .all_relations()
            .filter(|r| r.kind == RelKind::Attended && self.was_held(r.to.as_str()))
        {
            *by_state.entry(self.attendance_state(r)).or_default() += 1;
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
            attendance_by_mode: by_count_desc(by_mode)
                .into_iter()
                .map(|(m, n)| (modes[m as usize], n))
                .collect(),
            documents_per_meeting: docs,
        }
    }
}
