//! Who met whom: co-participation in meetings, participants grouped by state,
//! and the meetings a state or organization took part in — all from the
//! in-memory indexes, never a scan of every meeting.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::Direction;

use super::Graph;
use crate::model::{NodeId, NodeKind, PartialDate, RelId, RelKind, Relation};

/// The relation kinds that make a person a participant of a meeting.
pub const PARTICIPATION: [RelKind; 3] = [RelKind::Attended, RelKind::Chaired, RelKind::SpokeAt];

/// Another person met at one or more meetings, with the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Met {
    pub person: NodeId,
    /// The shared meetings, earliest first (undated last).
    pub meetings: Vec<NodeId>,
    pub first: Option<PartialDate>,
    pub last: Option<PartialDate>,
}

/// A meeting's attendances for one state (`None`: no state is known).
#[derive(Debug, Clone)]
pub struct StateGroup {
    pub state: Option<NodeId>,
    pub attendances: Vec<RelId>,
}

impl Graph {
    /// Whether meeting `m` may fall in `[from, to]` (undated meetings only
    /// when there is no window).
    pub fn meeting_in_window(
        &self,
        m: &str,
        from: Option<&PartialDate>,
        to: Option<&PartialDate>,
    ) -> bool {
        match self.node(m) {
            Some(n) => self.dates_in_window(n.start, n.end, from, to),
            None => from.is_none() && to.is_none(),
        }
    }

    /// The meetings `person` took part in through `kinds`, within the window.
    pub fn meetings_of(
        &self,
        person: &str,
        kinds: &[RelKind],
        from: Option<&PartialDate>,
        to: Option<&PartialDate>,
    ) -> BTreeSet<NodeId> {
        kinds
            .iter()
            .flat_map(|k| self.relations(person, Direction::Outgoing, Some(*k)))
            .map(|r| r.to.clone())
            .filter(|m| self.was_held(m.as_str()) && self.meeting_in_window(m.as_str(), from, to))
            .collect()
    }

    /// Whether meeting `m` took place (status held or none recorded); a
    /// planned, announced, postponed or cancelled one counts nowhere as held.
    pub fn was_held(&self, m: &str) -> bool {
        self.node(m).is_some_and(|n| n.was_held())
    }

    /// The state an attendance speaks for: the state itself for a state's
    /// delegation, its `on_behalf_of` if a state, else the jurisdiction of its
    /// capacity or of its delegation's head office.
    pub fn attendance_state(&self, att: &Relation) -> Option<NodeId> {
        if att.from.kind() == NodeKind::State {
            return Some(att.from.clone());
        }
        if let Some(b) = att
            .on_behalf_of
            .as_ref()
            .filter(|b| b.kind() == NodeKind::State)
        {
            return Some(b.clone());
        }
        let office = match &att.head {
            Some(h) => h.clone(),
            None => self.attendance_capacity(att)?.0,
        };
        self.relations(
            office.as_str(),
            Direction::Outgoing,
            Some(RelKind::Jurisdiction),
        )
        .first()
        .map(|r| r.to.clone())
    }

    /// A meeting's attendances grouped by state, states by id, unknown last.
    pub fn participants_by_state(&self, meeting: &str) -> Vec<StateGroup> {
        let mut groups: BTreeMap<(bool, Option<NodeId>), Vec<RelId>> = BTreeMap::new();
        for a in self.relations(meeting, Direction::Incoming, Some(RelKind::Attended)) {
            let s = self.attendance_state(a);
            groups
                .entry((s.is_none(), s))
                .or_default()
                .push(a.id.clone());
        }
        groups
            .into_iter()
            .map(|((_, state), attendances)| StateGroup { state, attendances })
            .collect()
    }

    /// Meetings a state or organization took part in: hosted, organized (or
    /// organizing the series), held on its territory (in a place located in
    /// it, however deep), chaired, attended by its own delegation or on its
    /// behalf.
    pub fn meetings_involving(
        &self,
        who: &str,
        from: Option<&PartialDate>,
        to: Option<&PartialDate>,
    ) -> BTreeSet<NodeId> {
        let mut out = BTreeSet::new();
        let inc = |id: &str, k| self.relations(id, Direction::Incoming, Some(k));
        for r in inc(who, RelKind::HostedBy)
            .into_iter()
            .chain(inc(who, RelKind::OrganizedBy))
        {
            match r.from.kind() {
                NodeKind::Meeting => {
                    out.insert(r.from.clone());
                }
                NodeKind::Series => out.extend(
                    inc(r.from.as_str(), RelKind::InSeries)
                        .into_iter()
                        .map(|m| m.from.clone()),
                ),
                _ => {}
            }
        }
        if who.starts_with("state:") {
            out.extend(self.meetings_within(who));
        }
        for k in [RelKind::Attended, RelKind::Chaired] {
            out.extend(
                self.relations(who, Direction::Outgoing, Some(k))
                    .into_iter()
                    .map(|r| r.to.clone()),
            );
        }
        for r in self.relations_referring(who) {
            if r.on_behalf_of.as_ref().is_some_and(|b| b.as_str() == who)
                && r.to.kind() == NodeKind::Meeting
            {
                out.insert(r.to.clone());
            }
        }
        out.retain(|m| self.meeting_in_window(m.as_str(), from, to));
        out
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::Node;

    fn nid(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    /// p0 meets p1 at three meetings and p2 at one; p3 attends alone.
    fn graph() -> Graph {
        let mut g = Graph::default();
        for p in 0..4 {
            g.put_node(Arc::new(Node::new(
                nid(&format!("person:p{p}")),
                format!("P{p}"),
            )));
        }
        for (m, day) in [
            (0, "2020-01-01"),
            (1, "2021-01-01"),
            (2, "2022-01-01"),
            (3, "2023"),
        ] {
            let mut n = Node::new(nid(&format!("meeting:m{m}")), format!("M{m}"));
            n.start = Some(PartialDate::parse(day).unwrap());
            g.put_node(Arc::new(n));
        }
        let mut i = 0;
        let mut att = |g: &mut Graph, p: usize, m: usize| {
            i += 1;
            let r = Relation::new(
                RelId::parse(&format!("rel:{i}")).unwrap(),
                RelKind::Attended,
                nid(&format!("person:p{p}")),
                nid(&format!("meeting:m{m}")),
            );
            g.put_relation(Arc::new(r));
        };
        for m in 0..3 {
            att(&mut g, 0, m);
            att(&mut g, 1, m);
        }
        att(&mut g, 2, 2);
        att(&mut g, 3, 3);
        g
    }

    #[test]
    fn met_with_counts_shared_meetings_and_orders_by_count() {
        let g = graph();
        let met = g.met_with("person:p0", &PARTICIPATION, None, None);
        assert_eq!(met.len(), 2);
        assert_eq!(
            (met[0].person.as_str(), met[0].meetings.len()),
            ("person:p1", 3)
        );
        assert_eq!(met[0].first.unwrap().to_string(), "2020-01-01");
        assert_eq!(met[0].last.unwrap().to_string(), "2022-01-01");
        assert_eq!(
            (met[1].person.as_str(), met[1].meetings.len()),
            ("person:p2", 1)
        );
    }

    #[test]
    fn met_with_leaves_out_planned_meetings_and_delegations() {
        let mut g = graph();
        let mut m = Node::new(nid("meeting:m4"), "M4");
        m.status = Some(crate::model::MeetingStatus::Planned);
        g.put_node(Arc::new(m));
        g.put_node(Arc::new(Node::new(nid("state:s"), "S")));
        for (i, from, to) in [
            (90, "person:p3", "meeting:m4"),
            (91, "person:p0", "meeting:m4"),
            (92, "state:s", "meeting:m0"),
        ] {
            g.put_relation(Arc::new(Relation::new(
                RelId::parse(&format!("rel:{i}")).unwrap(),
                RelKind::Attended,
                nid(from),
                nid(to),
            )));
        }
        let met = g.met_with("person:p0", &PARTICIPATION, None, None);
        let who: Vec<&str> = met.iter().map(|m| m.person.as_str()).collect();
        assert_eq!(who, ["person:p1", "person:p2"]);
        assert!(!g.was_held("meeting:m4") && g.was_held("meeting:m0"));
    }

    #[test]
    fn a_states_delegation_speaks_for_that_state() {
        let r = Relation::new(
            RelId::parse("rel:x").unwrap(),
            RelKind::Attended,
            nid("state:s"),
            nid("meeting:m0"),
        );
        assert_eq!(graph().attendance_state(&r), Some(nid("state:s")));
    }

    #[test]
    fn met_with_respects_the_window() {
        let g = graph();
        let from = PartialDate::parse("2021-06").unwrap();
        let met = g.met_with("person:p0", &PARTICIPATION, Some(&from), None);
        assert_eq!(
            met.iter().map(|m| m.meetings.len()).collect::<Vec<_>>(),
            [1, 1]
        );
        assert!(g
            .met_with("person:p3", &PARTICIPATION, None, None)
            .is_empty());
    }
}
