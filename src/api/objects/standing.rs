//! Standing in an organization over time, as the API shows it: the membership
//! lists filtered by date and status (`Organization.members`,
//! `State.memberships`) and a meeting's participants grouped by the status
//! their states had on the meeting's date (`Meeting.participantsByStatus`).
//! The rule that picks a status on a date is in `graph::membership`.

use std::sync::Arc;

use async_graphql::{Object, Result};
use petgraph::Direction as Dir;

use crate::api::leaves::args::parse_opt_date;
use crate::api::leaves::scalars::MembershipStatus;
use crate::api::objects::analysis::StateParticipation;
use crate::api::objects::nodes::NodeRef;
use crate::api::objects::relations::{Membership, RelRef};
use crate::graph::Graph;
use crate::model::{self, RelKind as RK};

/// The `member_of` relations of `n` (a state's outgoing, an organization's
/// incoming). With `at`, only the standing on that date, one per pair of
/// state and organization, by the other end's id; with `status`, only those
/// of that status.
pub fn memberships(
    n: &NodeRef,
    dir: Dir,
    at: Option<String>,
    status: Option<MembershipStatus>,
) -> Result<Vec<Membership>> {
    let at = parse_opt_date("at", at)?;
    let status: Option<model::MembershipStatus> = status.map(Into::into);
    let rels: Vec<RelRef> = match at {
        None => n.rels(dir, Some(RK::MemberOf)),
        Some(d) => {
            n.g.standings_at(n.id(), &d)
                .into_iter()
                .map(|s| RelRef::new(&n.g, &s.relation))
                .collect()
        }
    };
    Ok(rels
        .into_iter()
        .filter(|r| status.is_none_or(|s| r.r.status == Some(s)))
        .map(Membership)
        .collect())
}

/// A meeting's participants whose states had one status in the meeting's
/// organization on the meeting's date.
pub struct StatusParticipation {
    pub g: Arc<Graph>,
    pub s: crate::graph::membership::StatusGroup,
}

#[Object]
impl StatusParticipation {
    /// Null for states with no standing in the organization on that date,
    /// for attendances with no known state, and when the meeting has no date
    /// or no organization.
    async fn status(&self) -> Option<MembershipStatus> {
        self.s.status.map(Into::into)
    }
    /// How many attendances the group has, over all its states.
    async fn count(&self) -> usize {
        self.s.states.iter().map(|s| s.attendances.len()).sum()
    }
    /// The group's attendances by state, states by id (no known state last).
    async fn states(&self) -> Vec<StateParticipation> {
        self.s
            .states
            .iter()
            .map(|s| StateParticipation {
                g: self.g.clone(),
                s: s.clone(),
            })
            .collect()
    }
}

/// `Meeting.participantsByStatus`.
pub fn participants_by_status(n: &NodeRef) -> Vec<StatusParticipation> {
    n.g.participants_by_status(n.id())
        .into_iter()
        .map(|s| StatusParticipation { g: n.g.clone(), s })
        .collect()
}
