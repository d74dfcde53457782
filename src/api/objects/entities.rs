//! Node objects for the bodies, posts, places, subjects and sources: State,
//! Organization, Office, Series, Place, Topic and Source (the people, meetings
//! and documents are in `nodes.rs`, with the macro that defines them all).
//! Every list that grows with the data is paged by `first`/`offset` and has a
//! `…Count` beside it.

use async_graphql::{Object, Result, ID};
use petgraph::Direction as Dir;

use crate::api::leaves::args::{parse_date, parse_opt_date};
use crate::api::leaves::order::{sorted, HolderOrder, HolderOrderField};
use crate::api::leaves::pagination::{list_cost, slice};
use crate::api::leaves::scalars::MembershipStatus;
use crate::api::leaves::scalars::{date, Date, Direction, NodeKind, RelKind};
use crate::api::objects::nodes::{
    citations, node_obj, node_object, Alias, Citation, Document, Meeting, NodeObj, NodeRef, Note,
    Typed,
};
use crate::api::objects::relations::{Attendance, Chairing, Membership, RelRef, Relation};
use crate::api::objects::standing::memberships;
use crate::model::{self, RelKind as RK};

fn meetings_involving(
    n: &NodeRef,
    from: Option<String>,
    to: Option<String>,
) -> Result<Vec<Meeting>> {
    let (from, to) = (parse_opt_date("from", from)?, parse_opt_date("to", to)?);
    Ok(by_date(
        n,
        n.g.meetings_involving(n.id(), from.as_ref(), to.as_ref()),
    ))
}

/// The meetings `ids`, in date order (undated last), then by id.
fn by_date(n: &NodeRef, ids: impl IntoIterator<Item = model::NodeId>) -> Vec<Meeting> {
    let mut v: Vec<Meeting> = ids
        .into_iter()
        .filter_map(|m| NodeRef::get(&n.g, m.as_str()).map(Meeting))
        .collect();
    v.sort_by(|a, b| {
        (a.0.n.start.is_none(), a.0.n.start, &a.0.n.id).cmp(&(
            b.0.n.start.is_none(),
            b.0.n.start,
            &b.0.n.id,
        ))
    });
    v
}

/// The places inside `n` (a place or a state): those located in it, or with
/// `transitive` also those inside them, nearest first.
fn places_inside(n: &NodeRef, transitive: Option<bool>) -> Vec<Place> {
    if transitive.unwrap_or(false) {
        n.g.places_within(n.id())
            .into_iter()
            .filter_map(|p| NodeRef::get(&n.g, p.as_str()).map(Place))
            .collect()
    } else {
        n.ends(Dir::Incoming, RK::LocatedIn)
    }
}

/// The meetings held at place `n`, or unless `direct` also at places inside it.
fn place_meetings(n: &NodeRef, direct: Option<bool>) -> Vec<Meeting> {
    if direct.unwrap_or(false) {
        by_date(
            n,
            n.ends::<Meeting>(Dir::Incoming, RK::HeldIn)
                .into_iter()
                .map(|m| m.0.n.id.clone()),
        )
    } else {
        by_date(n, n.g.meetings_within(n.id()))
    }
}

/// `node_object!` for a body that takes part in meetings as such, a state or
/// an organization: its own fields, then its delegations, chairmanships and
/// meetings (the same fields on both).
macro_rules! body_object {
    ($hash:tt $object:tt $first:ident, $cost:tt, $(#[$doc:meta])* $ty:ident, $kind:ident, { $($extra:tt)* }) => {
        node_object!($hash $object $first, $cost, $(#[$doc])* $ty, $kind, {
            $($extra)*
            /// This body's own delegations, no one named: the attendances whose
            /// attendee it is, in relation id order. Paged; see `delegationsCount`.
            #[graphql(complexity = $cost)]
            async fn delegations(&self, $first: Option<i32>, offset: Option<i32>) -> Result<Vec<Attendance>> {
                slice(self.0.rels(Dir::Outgoing, Some(RK::Attended)), $first, offset).map(|v| v.into_iter().map(Attendance).collect())
            }
            /// How many `delegations` there are, whatever page is asked for.
            async fn delegations_count(&self) -> usize {
                self.0.rels(Dir::Outgoing, Some(RK::Attended)).len()
            }
            /// Meetings whose (rotating) chairmanship this body held, cited.
            async fn chairmanships(&self) -> Vec<Chairing> {
                self.0.rels(Dir::Outgoing, Some(RK::Chaired)).into_iter().map(Chairing).collect()
            }
            /// Meetings this body took part in, in date order: hosted, organized
            /// (itself or through their series), held on its territory (at any
            /// place located in it, however deep), chaired, attended by its
            /// delegation or on its behalf. Paged; see `meetingsCount`.
            #[graphql(complexity = $cost)]
            async fn meetings(&self, from: Option<String>, to: Option<String>, $first: Option<i32>, offset: Option<i32>) -> Result<Vec<Meeting>> {
                slice(meetings_involving(&self.0, from, to)?, $first, offset)
            }
            /// How many `meetings` fall between `from` and `to`, whatever page is asked for.
            async fn meetings_count(&self, from: Option<String>, to: Option<String>) -> Result<usize> {
                Ok(meetings_involving(&self.0, from, to)?.len())
            }
        });
    };
}

body_object!(
    #[Object] first, "list_cost(first, child_complexity)",
    /// A sovereign state.
    State, State, {
    /// ISO 3166-1 alpha-2 code.
    async fn code(&self) -> Option<&str> {
        self.0.n.code.as_deref()
    }
    /// Organizations this state is a member, observer or dialogue partner
    /// of, with status and dates, in relation id order. With `at`, only its
    /// standing on that date, one per organization: of the statuses that may
    /// cover the date, the one that began latest (a later status supersedes
    /// an earlier one whose end no source gives). With `status`, only that
    /// status. Paged; see `membershipsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn memberships(&self, at: Option<String>, status: Option<MembershipStatus>, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Membership>> {
        slice(memberships(&self.0, Dir::Outgoing, at, status)?, first, offset)
    }
    /// How many `memberships` there are (on `at`, of `status`, when given), whatever page is asked for.
    async fn memberships_count(&self, at: Option<String>, status: Option<MembershipStatus>) -> Result<usize> {
        Ok(memberships(&self.0, Dir::Outgoing, at, status)?.len())
    }
    /// Offices whose jurisdiction this state is. Paged; see `officesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn offices(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Office>> {
        slice(self.0.ends(Dir::Incoming, RK::Jurisdiction), first, offset)
    }
    /// How many `offices` there are, whatever page is asked for.
    async fn offices_count(&self) -> usize {
        self.0.ends::<Office>(Dir::Incoming, RK::Jurisdiction).len()
    }
    /// Organizations that are part of this state. Paged; see `organizationsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn organizations(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Organization>> {
        slice(self.0.ends(Dir::Incoming, RK::PartOf), first, offset)
    }
    /// How many `organizations` there are, whatever page is asked for.
    async fn organizations_count(&self) -> usize {
        self.0.ends::<Organization>(Dir::Incoming, RK::PartOf).len()
    }
    /// Places in this state: those located in it directly, or with
    /// `transitive` also the places inside them (a residence in a city),
    /// nearest first. Paged; see `placesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn places(&self, transitive: Option<bool>, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Place>> {
        slice(places_inside(&self.0, transitive), first, offset)
    }
    /// How many `places` there are (with `transitive`, when given), whatever page is asked for.
    async fn places_count(&self, transitive: Option<bool>) -> usize {
        places_inside(&self.0, transitive).len()
    }
    /// Meetings this state hosted. Paged; see `hostedCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn hosted(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Meeting>> {
        slice(self.0.ends(Dir::Incoming, RK::HostedBy), first, offset)
    }
    /// How many meetings `hosted` lists, whatever page is asked for.
    async fn hosted_count(&self) -> usize {
        self.0.ends::<Meeting>(Dir::Incoming, RK::HostedBy).len()
    }
});

body_object!(
    #[Object] first, "list_cost(first, child_complexity)",
    /// An organization: the SCO, a prosecutor general's office.
    Organization, Organization, {
    /// A free category ("intergovernmental organization", "prosecution service").
    async fn category(&self) -> Option<&str> {
        self.0.n.kind.as_deref()
    }
    /// The organizations or states this one is part of.
    async fn part_of(&self) -> Vec<NodeObj> {
        self.0.rels(Dir::Outgoing, Some(RK::PartOf)).into_iter()
            .filter_map(|r| node_obj(&self.0.g, r.r.to.as_str())).collect()
    }
    /// Organizations that are part of this one. Paged; see `partsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn parts(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Organization>> {
        slice(self.0.ends(Dir::Incoming, RK::PartOf), first, offset)
    }
    /// How many `parts` there are, whatever page is asked for.
    async fn parts_count(&self) -> usize {
        self.0.ends::<Organization>(Dir::Incoming, RK::PartOf).len()
    }
    /// Member, observer and dialogue-partner states, with status and dates,
    /// in relation id order. With `at`, only each state's standing on that
    /// date, by state id: of its statuses that may cover the date, the one
    /// that began latest (a later status supersedes an earlier one whose end
    /// no source gives). With `status`, only that status ("the observers on
    /// 1 October 2019": `at: "2019-10-01", status: OBSERVER`). Paged; see
    /// `membersCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn members(&self, at: Option<String>, status: Option<MembershipStatus>, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Membership>> {
        slice(memberships(&self.0, Dir::Incoming, at, status)?, first, offset)
    }
    /// How many `members` there are (on `at`, of `status`, when given), whatever page is asked for.
    async fn members_count(&self, at: Option<String>, status: Option<MembershipStatus>) -> Result<usize> {
        Ok(memberships(&self.0, Dir::Incoming, at, status)?.len())
    }
    /// Offices of this organization. Paged; see `officesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn offices(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Office>> {
        slice(self.0.ends(Dir::Incoming, RK::BelongsTo), first, offset)
    }
    /// How many `offices` there are, whatever page is asked for.
    async fn offices_count(&self) -> usize {
        self.0.ends::<Office>(Dir::Incoming, RK::BelongsTo).len()
    }
});

fn holders_of(
    n: &NodeRef,
    at: Option<String>,
) -> Result<Vec<crate::api::objects::holders::Holder>> {
    let at = at.map(|a| parse_date("at", &a)).transpose()?;
    Ok(crate::api::objects::holders::holders(
        &n.g,
        n.id(),
        at.as_ref(),
    ))
}

fn series_meetings(n: &NodeRef) -> Vec<Meeting> {
    let mut rels = n.rels(Dir::Incoming, Some(RK::InSeries));
    rels.sort_by_key(|r| r.r.ordinal);
    rels.into_iter()
        .filter_map(|r| NodeRef::get(&n.g, r.r.from.as_str()).map(Meeting))
        .collect()
}

node_object!(
    #[Object] first, "list_cost(first, child_complexity)",
    /// A post, such as "Prosecutor General of the Republic of Kazakhstan".
    Office, Office, {
    async fn title(&self) -> &str {
        &self.0.n.name
    }
    async fn organization(&self) -> Option<Organization> {
        self.0.first(Dir::Outgoing, RK::BelongsTo)
    }
    async fn jurisdiction(&self) -> Option<State> {
        self.0.first(Dir::Outgoing, RK::Jurisdiction)
    }
    /// Holders of this office in the order every dated piece of evidence
    /// gives (recorded tenure dates, vague ones such as `seen` and `endBefore`,
    /// attendances and signatures in this capacity), each with that evidence
    /// and `dates` saying how well their start and end are known; a person
    /// seen in the capacity with no recorded tenure is a holder too. With
    /// `at`, only those who may have held it on that date. With `orderBy`
    /// START, by the earliest day the start may be, then the latest
    /// (holders whose start nothing bounds last either way, ties by person
    /// then tenure). Paged; see `holdersCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn holders(&self, at: Option<String>, order_by: Option<HolderOrder>, first: Option<i32>, offset: Option<i32>) -> Result<Vec<crate::api::objects::holders::Holder>> {
        let mut v = holders_of(&self.0, at)?;
        if let Some(HolderOrder { field: HolderOrderField::Start, direction }) = order_by {
            v = sorted(v, direction, |h| {
                let s = h.dates.0.start;
                s.earliest.or(s.latest).map(|first| (first, s.latest.is_none(), s.latest))
            }, |h| (h.h.person.clone(), h.h.tenure.clone()));
        }
        slice(v, first, offset)
    }
    /// How many `holders` there are (on `at`, when given), whatever page is asked for.
    async fn holders_count(&self, at: Option<String>) -> Result<usize> {
        Ok(holders_of(&self.0, at)?.len())
    }
    /// Who held this office on `date`, surest first: CERTAIN when true for
    /// every day the dates allow, POSSIBLE when only for some. Attendances and
    /// signatures in this capacity at events on that date count as evidence.
    async fn holders_at(&self, date: String) -> Result<Vec<crate::api::objects::analysis::Holding>> {
        let d = parse_date("date", &date)?;
        Ok(crate::api::objects::analysis::holdings(&self.0.g, self.0.g.holders_at(self.0.id(), &d)))
    }
    /// The holders in the order every dated piece of evidence gives (as
    /// `holders`), each with predecessor, successor, `dates` and the evidence
    /// that placed them; holders nothing dates come last.
    async fn succession(&self) -> Vec<crate::api::objects::holders::Succession> {
        crate::api::objects::holders::succession(&self.0.g, self.0.id())
    }
    /// Where the dated evidence about this office's holders contradicts itself.
    async fn evidence_issues(&self) -> Vec<crate::api::objects::holders::EvidenceIssue> {
        crate::api::objects::holders::evidence_issues(&self.0.g, self.0.g.evidence_issues(self.0.id()))
    }
    /// Overlaps, gaps and unknown ends between consecutive tenures, in
    /// succession order.
    async fn tenure_issues(&self) -> Vec<crate::api::objects::analysis::TenureIssue> {
        crate::api::objects::analysis::tenure_issues(&self.0.g, self.0.g.tenure_issues(self.0.id()))
    }
});

node_object!(
    #[Object] first, "list_cost(first, child_complexity)",
    /// A recurring meeting (the meetings of the SCO prosecutors general).
    Series, Series, {
    /// The meetings of the series, by ordinal. Paged; see `meetingsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn meetings(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Meeting>> {
        slice(series_meetings(&self.0), first, offset)
    }
    /// How many `meetings` there are, whatever page is asked for.
    async fn meetings_count(&self) -> usize {
        series_meetings(&self.0).len()
    }
    async fn organizer(&self) -> Option<Organization> {
        self.0.first(Dir::Outgoing, RK::OrganizedBy)
    }
});

node_object!(
    #[Object] first, "list_cost(first, child_complexity)",
    /// A place: a city, a venue.
    Place, Place, {
    async fn category(&self) -> Option<&str> {
        self.0.n.kind.as_deref()
    }
    /// The state or larger place this one lies in.
    async fn located_in(&self) -> Vec<NodeObj> {
        self.0.rels(Dir::Outgoing, Some(RK::LocatedIn)).into_iter()
            .filter_map(|r| node_obj(&self.0.g, r.r.to.as_str())).collect()
    }
    /// Every place and state this one lies in, nearest first (for a
    /// residence: its city, then the city's state).
    async fn within(&self) -> Vec<NodeObj> {
        self.0.g.places_around(self.0.id()).iter()
            .filter_map(|p| node_obj(&self.0.g, p.as_str())).collect()
    }
    /// Places inside this one: those located in it directly, or with
    /// `transitive` also the places inside them, nearest first. Paged; see
    /// `placesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn places(&self, transitive: Option<bool>, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Place>> {
        slice(places_inside(&self.0, transitive), first, offset)
    }
    /// How many `places` there are (with `transitive`, when given), whatever page is asked for.
    async fn places_count(&self, transitive: Option<bool>) -> usize {
        places_inside(&self.0, transitive).len()
    }
    /// Meetings held here or at any place inside this one, however deep (a
    /// meeting at a residence in this city), in date order; with `direct`,
    /// only those held at this place itself. Paged; see `meetingsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn meetings(&self, direct: Option<bool>, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Meeting>> {
        slice(place_meetings(&self.0, direct), first, offset)
    }
    /// How many `meetings` there are (with `direct`, when given), whatever page is asked for.
    async fn meetings_count(&self, direct: Option<bool>) -> usize {
        place_meetings(&self.0, direct).len()
    }
});

node_object!(
    #[Object] first, "list_cost(first, child_complexity)",
    /// A subject a meeting or document is about.
    Topic, Topic, {
    /// Meetings about this topic. Paged; see `meetingsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn meetings(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Meeting>> {
        slice(self.0.ends(Dir::Incoming, RK::About), first, offset)
    }
    /// How many `meetings` there are, whatever page is asked for.
    async fn meetings_count(&self) -> usize {
        self.0.ends::<Meeting>(Dir::Incoming, RK::About).len()
    }
    /// Documents about this topic. Paged; see `documentsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn documents(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Document>> {
        slice(self.0.ends(Dir::Incoming, RK::About), first, offset)
    }
    /// How many `documents` there are, whatever page is asked for.
    async fn documents_count(&self) -> usize {
        self.0.ends::<Document>(Dir::Incoming, RK::About).len()
    }
});

fn cited_by_nodes(n: &NodeRef) -> Vec<NodeObj> {
    n.g.referrers(n.id())
        .filter_map(|id| node_obj(&n.g, id))
        .collect()
}

fn cited_by_relations(n: &NodeRef) -> Vec<Relation> {
    n.g.referrers(n.id())
        .filter_map(|id| n.g.relation(id))
        .map(|r| Relation(RelRef::new(&n.g, r)))
        .collect()
}

node_object!(
    #[Object] first, "list_cost(first, child_complexity)",
    /// A report, release or reference that states facts.
    Source, Source, {
    async fn title(&self) -> &str {
        &self.0.n.name
    }
    async fn url(&self) -> Option<&str> {
        self.0.n.url.as_deref()
    }
    async fn publisher(&self) -> Option<&str> {
        self.0.n.publisher.as_deref()
    }
    async fn date(&self) -> Option<Date> {
        date(self.0.n.date)
    }
    async fn language(&self) -> Option<&str> {
        self.0.n.language.as_deref()
    }
    /// A free category ("news report", "press release").
    async fn category(&self) -> Option<&str> {
        self.0.n.kind.as_deref()
    }
    /// Nodes that cite this source (in their own, alias or note citations).
    /// Paged; see `citedByNodesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn cited_by_nodes(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<NodeObj>> {
        slice(cited_by_nodes(&self.0), first, offset)
    }
    /// How many `citedByNodes` there are, whatever page is asked for.
    async fn cited_by_nodes_count(&self) -> usize {
        cited_by_nodes(&self.0).len()
    }
    /// Relations that cite this source. Paged; see `citedByRelationsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn cited_by_relations(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Relation>> {
        slice(cited_by_relations(&self.0), first, offset)
    }
    /// How many `citedByRelations` there are, whatever page is asked for.
    async fn cited_by_relations_count(&self) -> usize {
        cited_by_relations(&self.0).len()
    }
});
