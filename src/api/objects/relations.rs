//! Relation types: the generic `Relation` with every property, and typed views
//! (Attendance, Tenure, Speech, Signature, Membership) that name their ends.
//! Every one carries its citations and the conflicts it takes part in.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use async_graphql::{Object, ID};
use petgraph::Direction as Dir;

use crate::api::leaves::scalars::{
    date, AttendanceMode, AttendanceRole, Date, MembershipStatus, RelKind,
};
use crate::api::objects::nodes::{
    citations, node_obj, Citation, Document, Meeting, NodeObj, NodeRef, Office, Organization,
    Person, State, Topic,
};
use crate::graph::time::Certainty;
use crate::graph::Graph;
use crate::model;

/// Where an attendance's capacity comes from.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
pub enum CapacityStatus {
    /// A cited source states it.
    Stated,
    /// Not stated; the person certainly held this office on the meeting's date.
    Inferred,
    /// Not stated; the person may have held this office on the meeting's date.
    Possible,
    /// Nothing says.
    Unknown,
}

/// Who led a delegation no one is named for: how its head office's holder is known.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
pub enum HeadHolderStatus {
    /// Not stated; one person certainly held the head office on the meeting's date.
    Inferred,
    /// Not stated; tenures or evidence only allow that someone held it then.
    Possible,
    /// Nothing says who held the head office then.
    Unknown,
}

/// An attendance's capacity and how it is known (`Graph::attendance_capacity`).
type Capacity = Option<(model::NodeId, Option<Certainty>)>;

/// A relation and the snapshot it belongs to.
#[derive(Clone)]
pub struct RelRef {
    pub g: Arc<Graph>,
    pub r: Arc<model::Relation>,
    /// An attendance's capacity, worked out once for the object: `capacity`
    /// and `capacityStatus` both need it, and a meeting's answer asks both
    /// of every attendee.
    capacity: OnceLock<Capacity>,
}

impl RelRef {
    pub fn new(g: &Arc<Graph>, r: &Arc<model::Relation>) -> Self {
        RelRef {
            g: g.clone(),
            r: r.clone(),
            capacity: OnceLock::new(),
        }
    }

    fn capacity(&self) -> &Capacity {
        self.capacity
            .get_or_init(|| self.g.attendance_capacity(&self.r))
    }

    fn node<T: From<NodeRef>>(&self, id: Option<&model::NodeId>) -> Option<T> {
        id.and_then(|id| NodeRef::get(&self.g, id.as_str()))
            .map(T::from)
    }

    fn any(&self, id: Option<&model::NodeId>) -> Option<NodeObj> {
        id.and_then(|id| node_obj(&self.g, id.as_str()))
    }
}

macro_rules! relation_object {
    ($(#[$doc:meta])* $ty:ident { $($extra:tt)* }) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $ty(pub RelRef);

        #[Object]
        impl $ty {
            /// Stable id, e.g. `rel:asylov-chaired-pg20`.
            async fn id(&self) -> ID {
                ID(self.0.r.id.to_string())
            }
            async fn kind(&self) -> RelKind {
                self.0.r.kind.into()
            }
            /// A digest of the relation as stored: it changes whenever the
            /// relation does. Give it as `expectedVersion` to refuse a write
            /// if the relation changed since it was read.
            async fn version(&self) -> String {
                model::version(&*self.0.r)
            }
            async fn from(&self) -> Option<NodeObj> {
                self.0.any(Some(&self.0.r.from))
            }
            async fn to(&self) -> Option<NodeObj> {
                self.0.any(Some(&self.0.r.to))
            }
            /// An editor's note on the relation (the basis of an inference, say).
            async fn note(&self) -> Option<&str> {
                self.0.r.note.as_deref()
            }
            /// The sources that state this relation.
            async fn citations(&self) -> Vec<Citation> {
                citations(&self.0.g, &self.0.r.citations)
            }
            /// Recorded disagreements this relation is a claim in.
            async fn conflicts(&self) -> Vec<Conflict> {
                self.0.g.conflicts_of(self.0.r.id.as_str()).into_iter()
                    .map(|c| Conflict { g: self.0.g.clone(), c: c.clone() }).collect()
            }
            /// This relation's versions, newest first, each with its change
            /// set: at most `first` (up to 1000) made before change set `before`.
            #[graphql(complexity = "crate::api::leaves::pagination::list_cost(first, child_complexity)")]
            async fn history(&self, ctx: &async_graphql::Context<'_>, #[graphql(default = 20)] first: Option<i32>, before: Option<u64>) -> async_graphql::Result<crate::api::objects::history::History> {
                crate::api::objects::history::history(ctx, &self.0.g, self.0.r.id.as_str(), first, before)
            }
            $($extra)*
        }
    };
}

relation_object!(
    /// Any relation, with every property its kind may carry.
    Relation {
    async fn start(&self) -> Option<Date> { date(self.0.r.start) }
    async fn end(&self) -> Option<Date> { date(self.0.r.end) }
    async fn acting(&self) -> Option<bool> { self.0.r.acting }
    async fn status(&self) -> Option<MembershipStatus> { self.0.r.status.map(Into::into) }
    async fn mode(&self) -> Option<AttendanceMode> { self.0.r.mode.map(Into::into) }
    /// The first of `roles`.
    #[graphql(deprecation = "an attendance may have several roles: use `roles`")]
    async fn role(&self) -> Option<AttendanceRole> { self.0.r.roles.first().copied().map(Into::into) }
    async fn roles(&self) -> Vec<AttendanceRole> { self.0.r.roles.iter().copied().map(Into::into).collect() }
    async fn capacity(&self) -> Option<Office> { self.0.node(self.0.r.capacity.as_ref()) }
    async fn head(&self) -> Option<Office> { self.0.node(self.0.r.head.as_ref()) }
    async fn head_count(&self) -> Option<u32> { self.0.r.head_count }
    async fn on_behalf_of(&self) -> Option<NodeObj> { self.0.any(self.0.r.on_behalf_of.as_ref()) }
    async fn topic(&self) -> Option<Topic> { self.0.node(self.0.r.topic.as_ref()) }
    async fn date(&self) -> Option<Date> { date(self.0.r.date) }
    async fn ordinal(&self) -> Option<u32> { self.0.r.ordinal }
    async fn summary(&self) -> Option<&str> { self.0.r.summary.as_deref() }
    async fn seen(&self) -> Vec<Date> { self.0.r.seen.iter().map(|d| (*d).into()).collect() }
    async fn start_by(&self) -> Option<Date> { date(self.0.r.start_by) }
    async fn end_after(&self) -> Option<Date> { date(self.0.r.end_after) }
    async fn end_before(&self) -> Option<Date> { date(self.0.r.end_before) }
});

relation_object!(
    /// A person at a meeting (how, in what roles and capacity, on whose
    /// behalf), or a delegation of a state or an organization with no one
    /// named (its roles, the office that led it, how many it had).
    Attendance {
    /// Who attended: a person, or the state or organization whose delegation did.
    async fn attendee(&self) -> Option<NodeObj> { self.0.any(Some(&self.0.r.from)) }
    /// The person who attended; null for a delegation with no one named.
    async fn person(&self) -> Option<Person> {
        let from = &self.0.r.from;
        self.0.node(Some(from).filter(|f| f.kind() == model::NodeKind::Person))
    }
    /// Whether this is a state's or an organization's delegation with no one named.
    async fn is_delegation(&self) -> bool { self.0.r.from.kind() != model::NodeKind::Person }
    async fn meeting(&self) -> Option<Meeting> { self.0.node(Some(&self.0.r.to)) }
    async fn mode(&self) -> AttendanceMode {
        self.0.r.mode.unwrap_or(model::AttendanceMode::Unknown).into()
    }
    /// The first of `roles`.
    #[graphql(deprecation = "an attendance may have several roles: use `roles`")]
    async fn role(&self) -> Option<AttendanceRole> { self.0.r.roles.first().copied().map(Into::into) }
    /// The parts played, as the sources list them (host and chair, say).
    async fn roles(&self) -> Vec<AttendanceRole> { self.0.r.roles.iter().copied().map(Into::into).collect() }
    /// A delegation's head when no one is named: the office that led it.
    async fn head(&self) -> Option<Office> { self.0.node(self.0.r.head.as_ref()) }
    /// How many people the delegation had, when a source says.
    async fn head_count(&self) -> Option<u32> { self.0.r.head_count }
    /// Who may have held the `head` office on the meeting's date, surest first:
    /// inferred from tenures and dated evidence, never stated by this report.
    async fn head_holders(&self) -> Vec<super::analysis::Holding> {
        super::analysis::holdings(&self.0.g, head_holders(&self.0))
    }
    /// How `headHolders` is known: INFERRED (one person certainly held the
    /// office then), POSSIBLE, or UNKNOWN; null when there is no `head`.
    async fn head_holder_status(&self) -> Option<HeadHolderStatus> {
        self.0.r.head.as_ref()?;
        let hs = head_holders(&self.0);
        Some(match hs.first() {
            None => HeadHolderStatus::Unknown,
            Some(h) if h.certainty == crate::graph::time::Certainty::Certain
                && hs.iter().filter(|o| o.certainty == h.certainty).count() == 1 => HeadHolderStatus::Inferred,
            Some(_) => HeadHolderStatus::Possible,
        })
    }
    /// The office the person attended in: as a source states it, else the
    /// one they held on the meeting's date (see `capacityStatus`).
    async fn capacity(&self) -> Option<Office> {
        self.0.node(self.0.capacity().as_ref().map(|(o, _)| o))
    }
    /// Where `capacity` comes from: STATED by a cited source, INFERRED from a
    /// tenure certainly covering the meeting's date, POSSIBLE when the tenure
    /// only may cover it, UNKNOWN when nothing says.
    async fn capacity_status(&self) -> CapacityStatus {
        match self.0.capacity() {
            Some((_, None)) => CapacityStatus::Stated,
            Some((_, Some(Certainty::Certain))) => CapacityStatus::Inferred,
            Some((_, Some(Certainty::Possible))) => CapacityStatus::Possible,
            None => CapacityStatus::Unknown,
        }
    }
    async fn on_behalf_of(&self) -> Option<NodeObj> { self.0.any(self.0.r.on_behalf_of.as_ref()) }
});

relation_object!(
    /// A chairmanship: a person chairing a meeting, or a state or an
    /// organization holding its (rotating) chair.
    Chairing {
    /// A person, a state or an organization.
    async fn chair(&self) -> Option<NodeObj> { self.0.any(Some(&self.0.r.from)) }
    async fn meeting(&self) -> Option<Meeting> { self.0.node(Some(&self.0.r.to)) }
});

/// The holders of an attendance's `head` office on its meeting's date.
fn head_holders(r: &RelRef) -> Vec<crate::graph::time::Holding> {
    let (Some(office), Some(d)) = (
        r.r.head.as_ref(),
        r.g.node(r.r.to.as_str()).and_then(|m| m.start),
    ) else {
        return Vec::new();
    };
    r.g.holders_at(office.as_str(), &d)
}

relation_object!(
    /// A person holding an office.
    Tenure {
    async fn person(&self) -> Option<Person> { self.0.node(Some(&self.0.r.from)) }
    async fn office(&self) -> Option<Office> { self.0.node(Some(&self.0.r.to)) }
    async fn start(&self) -> Option<Date> { date(self.0.r.start) }
    async fn end(&self) -> Option<Date> { date(self.0.r.end) }
    async fn acting(&self) -> bool { self.0.r.acting.unwrap_or(false) }
    /// Dates on which a source reports them in the office: points of
    /// evidence, not a start or an end.
    async fn seen(&self) -> Vec<Date> { self.0.r.seen.iter().map(|d| (*d).into()).collect() }
    /// They held the office by this date: the start is no later.
    async fn start_by(&self) -> Option<Date> { date(self.0.r.start_by) }
    /// They still held it through this date: the end came after.
    async fn end_after(&self) -> Option<Date> { date(self.0.r.end_after) }
    /// They no longer held it when this date began: the end came before.
    async fn end_before(&self) -> Option<Date> { date(self.0.r.end_before) }
});

relation_object!(
    /// A person speaking at a meeting.
    Speech {
    async fn person(&self) -> Option<Person> { self.0.node(Some(&self.0.r.from)) }
    async fn meeting(&self) -> Option<Meeting> { self.0.node(Some(&self.0.r.to)) }
    async fn topic(&self) -> Option<Topic> { self.0.node(self.0.r.topic.as_ref()) }
    async fn on_behalf_of(&self) -> Option<NodeObj> { self.0.any(self.0.r.on_behalf_of.as_ref()) }
    /// What was said, restated.
    async fn summary(&self) -> Option<&str> { self.0.r.summary.as_deref() }
});

relation_object!(
    /// A person signing a document.
    Signature {
    async fn person(&self) -> Option<Person> { self.0.node(Some(&self.0.r.from)) }
    async fn document(&self) -> Option<Document> { self.0.node(Some(&self.0.r.to)) }
    async fn date(&self) -> Option<Date> { date(self.0.r.date) }
    async fn on_behalf_of(&self) -> Option<NodeObj> { self.0.any(self.0.r.on_behalf_of.as_ref()) }
    async fn capacity(&self) -> Option<Office> { self.0.node(self.0.r.capacity.as_ref()) }
});

relation_object!(
    /// A state's membership of an organization.
    Membership {
    async fn state(&self) -> Option<State> { self.0.node(Some(&self.0.r.from)) }
    async fn organization(&self) -> Option<Organization> { self.0.node(Some(&self.0.r.to)) }
    async fn status(&self) -> Option<MembershipStatus> { self.0.r.status.map(Into::into) }
    async fn since(&self) -> Option<Date> { date(self.0.r.start) }
    async fn until(&self) -> Option<Date> { date(self.0.r.end) }
    /// Whether this status held on `date`: CERTAIN for every day the dates
    /// allow, POSSIBLE for some (a start known only to the month, or no end
    /// and no later status), null when it cannot. With no stated end, a
    /// status ends when the state's next status in the organization began.
    async fn certainty_at(&self, date: String) -> async_graphql::Result<Option<crate::api::objects::analysis::Certainty>> {
        let d = crate::api::leaves::args::parse_date("date", &date)?;
        Ok(self.0.g.membership_certainty(&self.0.r, &d).map(Into::into))
    }
});

/// Sources that disagree: relations that cannot all be true, each with its citations.
pub struct Conflict {
    pub g: Arc<Graph>,
    pub c: Arc<model::Conflict>,
}

#[Object]
impl Conflict {
    async fn id(&self) -> ID {
        ID(self.c.id.to_string())
    }
    async fn note(&self) -> Option<&str> {
        self.c.note.as_deref()
    }
    /// This conflict's versions, newest first, each with its change set:
    /// at most `first` (up to 1000) made before change set `before`.
    #[graphql(complexity = "crate::api::leaves::pagination::list_cost(first, child_complexity)")]
    async fn history(
        &self,
        ctx: &async_graphql::Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        before: Option<u64>,
    ) -> async_graphql::Result<crate::api::objects::history::History> {
        crate::api::objects::history::history(ctx, &self.g, self.c.id.as_str(), first, before)
    }
    /// The conflicting claims, each with its own citations.
    async fn claims(&self) -> Vec<Relation> {
        self.c
            .claims
            .iter()
            .filter_map(|id| self.g.relation(id.as_str()))
            .map(|r| Relation(RelRef::new(&self.g, r)))
            .collect()
    }
}

/// Conflicts with a claim that touches node `id`.
pub fn conflicts_around(g: &Arc<Graph>, id: &str) -> Vec<Conflict> {
    let mut found = BTreeMap::new();
    for dir in [Dir::Incoming, Dir::Outgoing] {
        for r in g.relations(id, dir, None) {
            for c in g.conflicts_of(r.id.as_str()) {
                found.insert(c.id.clone(), c.clone());
            }
        }
    }
    found
        .into_values()
        .map(|c| Conflict { g: g.clone(), c })
        .collect()
}
