//! Membership with time and status: which states were members, observers or
//! dialogue partners of an organization on a date, and a meeting's
//! participants grouped by that status on the meeting's date.
//!
//! A state's standing can change (dialogue partner, then observer, then
//! member) and sources often give only when each status began. So for a date,
//! of the `member_of` relations between one state and one organization that
//! may cover it, the one that began latest wins: a later status supersedes an
//! earlier one whose end no source states. A relation with no start counts as
//! having begun before any dated one. For certainty, a status with no stated
//! end is taken to end when the next one began (`membership_certainty`).

use std::collections::BTreeMap;
use std::sync::Arc;

use petgraph::Direction;

use super::met::StateGroup;
use super::time::{covers, Certainty};
use super::Graph;
use crate::model::{MembershipStatus, NodeId, NodeKind, PartialDate, RelKind, Relation};

/// The standing a `member_of` relation gives on a date, and how sure that is.
#[derive(Debug, Clone)]
pub struct Standing {
    pub relation: Arc<Relation>,
    pub certainty: Certainty,
}

/// A meeting's state groups that share one status in the meeting's
/// organization on its date (`None`: not a member, observer or partner, or
/// nothing says).
#[derive(Debug, Clone)]
pub struct StatusGroup {
    pub status: Option<MembershipStatus>,
    pub states: Vec<StateGroup>,
}

/// Where a status sorts: members, observers, dialogue partners, then none.
pub fn status_rank(s: Option<MembershipStatus>) -> u8 {
    match s {
        Some(MembershipStatus::Member) => 0,
        Some(MembershipStatus::Observer) => 1,
        Some(MembershipStatus::DialoguePartner) => 2,
        None => 3,
    }
}

impl Graph {
    /// The standing of each state (for an organization) or in each
    /// organization (for a state) on `at`: one per pair, the latest-begun
    /// `member_of` that may cover the date, by the other end's id.
    pub fn standings_at(&self, id: &str, at: &PartialDate) -> Vec<Standing> {
        let dir = match NodeId::parse(id).map(|n| n.kind()) {
            Ok(NodeKind::State) => Direction::Outgoing,
            _ => Direction::Incoming,
        };
        let mut best: BTreeMap<NodeId, Standing> = BTreeMap::new();
        for r in self.relations(id, dir, Some(RelKind::MemberOf)) {
            if covers(r.start, r.end, at).is_none() {
                continue;
            }
            let Some(certainty) = self.membership_certainty(r, at) else {
                // Superseded by a later status before `at`.
                continue;
            };
            let other = if dir == Direction::Outgoing {
                &r.to
            } else {
                &r.from
            };
            let later = |s: &Standing| {
                let key = |r: &Relation| (r.start.map(|d| d.earliest()), r.id.clone());
                key(r) > key(&s.relation)
            };
            if best.get(other).is_none_or(later) {
                best.insert(
                    other.clone(),
                    Standing {
                        relation: r.clone(),
                        certainty,
                    },
                );
            }
        }
        best.into_values().collect()
    }

    /// How surely `membership` (a `member_of`) covers `at`. With no stated
    /// end, the status is taken to end when the state's next status in the
    /// same organization began, if one did; else it may still run.
    pub fn membership_certainty(
        &self,
        membership: &Relation,
        at: &PartialDate,
    ) -> Option<Certainty> {
        let end = membership.end.or_else(|| {
            let began = membership.start.map(|d| d.earliest());
            self.relations(
                membership.from.as_str(),
                Direction::Outgoing,
                Some(RelKind::MemberOf),
            )
            .into_iter()
            .filter(|r| r.to == membership.to && r.id != membership.id)
            .filter_map(|r| r.start)
            .filter(|s| began.is_none_or(|b| s.earliest() > b))
            .min_by_key(|s| s.earliest())
        });
        covers(membership.start, end, at)
    }

    /// The standing of `state` in `organization` on `at`, if any.
    pub fn standing(&self, state: &str, organization: &str, at: &PartialDate) -> Option<Standing> {
        self.standings_at(state, at)
            .into_iter()
            .find(|s| s.relation.to.as_str() == organization)
    }

    /// The organization a meeting belongs to: its organizer, else its series'.
    pub fn meeting_organization(&self, meeting: &str) -> Option<NodeId> {
        let organizer = |id: &str| {
            self.relations(id, Direction::Outgoing, Some(RelKind::OrganizedBy))
                .first()
                .map(|r| r.to.clone())
        };
        organizer(meeting).or_else(|| {
            self.relations(meeting, Direction::Outgoing, Some(RelKind::InSeries))
                .iter()
                .find_map(|s| organizer(s.to.as_str()))
        })
    }

    /// The status `state` had in the organization of `meeting` on its date.
    pub fn status_at_meeting(&self, state: &str, meeting: &str) -> Option<MembershipStatus> {
        let org = self.meeting_organization(meeting)?;
        let date = self.node(meeting)?.start?;
        self.standing(state, org.as_str(), &date)?.relation.status
    }

    /// A meeting's participants by state (as `participants_by_state`),
    /// grouped by each state's status in the meeting's organization on the
    /// meeting's date: members, observers, dialogue partners, then the rest.
    pub fn participants_by_status(&self, meeting: &str) -> Vec<StatusGroup> {
        let mut groups: BTreeMap<u8, StatusGroup> = BTreeMap::new();
        for g in self.participants_by_state(meeting) {
            let status = g
                .state
                .as_ref()
                .and_then(|s| self.status_at_meeting(s.as_str(), meeting));
            groups
                .entry(status_rank(status))
                .or_insert_with(|| StatusGroup {
                    status,
                    states: Vec::new(),
                })
                .states
                .push(g);
        }
        groups.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, RelId};

    fn nid(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    fn date(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    fn member(g: &mut Graph, id: &str, state: &str, status: MembershipStatus, start: Option<&str>) {
        let mut r = Relation::new(
            RelId::parse(id).unwrap(),
            RelKind::MemberOf,
            nid(state),
            nid("organization:sco"),
        );
        r.status = Some(status);
        r.start = start.map(date);
        g.put_relation(Arc::new(r));
    }

    /// Belarus: dialogue partner from 2010, observer from 2015, member from
    /// July 2024; Mongolia observer with no dates.
    fn graph() -> Graph {
        let mut g = Graph::default();
        for id in ["state:by", "state:mn", "organization:sco"] {
            g.put_node(Arc::new(Node::new(nid(id), id.to_owned())));
        }
        use MembershipStatus as S;
        member(
            &mut g,
            "rel:by-dp",
            "state:by",
            S::DialoguePartner,
            Some("2010"),
        );
        member(&mut g, "rel:by-ob", "state:by", S::Observer, Some("2015"));
        member(
            &mut g,
            "rel:by-m",
            "state:by",
            S::Member,
            Some("2024-07-04"),
        );
        member(&mut g, "rel:mn-ob", "state:mn", S::Observer, None);
        g
    }

    fn status(g: &Graph, state: &str, at: &str) -> Option<MembershipStatus> {
        g.standing(state, "organization:sco", &date(at))
            .and_then(|s| s.relation.status)
    }

    #[test]
    fn the_latest_begun_status_covering_a_date_wins() {
        let g = graph();
        use MembershipStatus as S;
        assert_eq!(status(&g, "state:by", "2009"), None);
        assert_eq!(
            status(&g, "state:by", "2012-05-01"),
            Some(S::DialoguePartner)
        );
        assert_eq!(status(&g, "state:by", "2019-10-01"), Some(S::Observer));
        assert_eq!(status(&g, "state:by", "2024-07-25"), Some(S::Member));
    }

    #[test]
    fn an_undated_status_holds_until_a_dated_one_supersedes_it() {
        let g = graph();
        assert_eq!(
            status(&g, "state:mn", "2019-10-01"),
            Some(MembershipStatus::Observer)
        );
        let members = g.standings_at("organization:sco", &date("2019-10-01"));
        assert_eq!(members.len(), 2);
    }

    #[test]
    fn a_status_with_no_end_is_certain_until_the_next_one_begins() {
        let g = graph();
        let s = g
            .standing("state:by", "organization:sco", &date("2019-10-01"))
            .unwrap();
        assert_eq!(s.relation.status, Some(MembershipStatus::Observer));
        assert_eq!(s.certainty, Certainty::Certain);
    }

    #[test]
    fn a_status_that_may_have_begun_is_possible_not_certain() {
        let g = graph();
        let s = g
            .standing("state:by", "organization:sco", &date("2024-07"))
            .unwrap();
        assert_eq!(s.relation.status, Some(MembershipStatus::Member));
        assert_eq!(s.certainty, Certainty::Possible);
    }
}
