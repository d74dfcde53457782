//! The holders of an office in the order the evidence gives, each with the
//! evidence that placed them, their succession, and the contradictions the
//! evidence shows. Thin wrappers over `graph::evidence`.

use std::sync::Arc;

use async_graphql::{Enum, Object, Result};

use crate::api::leaves::pagination::{list_cost, slice};
use crate::api::leaves::scalars::{date, Date};
use crate::api::objects::nodes::{citations, Citation, NodeRef, Office, Person};
use crate::api::objects::relations::{RelRef, Relation, Tenure};
use crate::graph::dating::{tenure_dates, Dating as GDating, TenureDates as GDates};
use crate::graph::evidence::{EvidenceIssueKind, EvidenceKind as GKind, Held};
use crate::graph::Graph;
use crate::model::PartialDate;

/// What a piece of evidence about a holder is.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum EvidenceKind {
    /// The recorded start of a tenure.
    TenureStart,
    /// The recorded end of a tenure.
    TenureEnd,
    /// An attendance in the office's capacity at a dated meeting.
    Attended,
    /// A signature in the office's capacity on a dated document.
    Signed,
    /// A date the tenure records them as seen in office (`seen`).
    Seen,
    /// The tenure says they held the office by this date (`startBy`).
    StartBy,
    /// The tenure says they still held it through this date (`endAfter`).
    EndAfter,
    /// The tenure says they no longer held it when this date began
    /// (`endBefore`): a bound on the end, not a date in office.
    EndBefore,
}

impl From<GKind> for EvidenceKind {
    fn from(k: GKind) -> Self {
        match k {
            GKind::Start => EvidenceKind::TenureStart,
            GKind::End => EvidenceKind::TenureEnd,
            GKind::Attended => EvidenceKind::Attended,
            GKind::Signed => EvidenceKind::Signed,
            GKind::Seen => EvidenceKind::Seen,
            GKind::StartBy => EvidenceKind::StartBy,
            GKind::EndAfter => EvidenceKind::EndAfter,
            GKind::EndBefore => EvidenceKind::EndBefore,
        }
    }
}

/// One dated piece of evidence that a person held an office.
pub struct HolderEvidence {
    g: Arc<Graph>,
    e: crate::graph::evidence::Evidence,
}

#[Object]
impl HolderEvidence {
    async fn kind(&self) -> EvidenceKind {
        self.e.kind.into()
    }
    /// The date it speaks of (a meeting's first day).
    async fn date(&self) -> Date {
        self.e.date.into()
    }
    /// Its last date (a meeting's last day); the same as `date` for one day.
    async fn until(&self) -> Date {
        self.e.until.into()
    }
    /// The relation that carries it: the tenure, attendance or signature.
    async fn relation(&self) -> Option<Relation> {
        self.g
            .relation(self.e.relation.as_str())
            .map(|r| Relation(RelRef::new(&self.g, r)))
    }
    /// The sources that relation cites.
    async fn citations(&self) -> Vec<Citation> {
        citations(&self.g, &self.e.citations)
    }
}

fn evidence(g: &Arc<Graph>, e: &crate::graph::evidence::Evidence) -> HolderEvidence {
    HolderEvidence {
        g: g.clone(),
        e: e.clone(),
    }
}

/// How a tenure's start or end is known.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum Dating {
    /// Recorded as a date (at that date's precision).
    Exact,
    /// The holder's own record (`seen`, `startBy`, `endAfter`, `endBefore`)
    /// or sightings in the capacity bound it.
    Bounded,
    /// A bound comes from the neighbouring holders' sightings: the office is
    /// held by one person at a time.
    Inferred,
    /// Nothing bounds it.
    Unknown,
}

impl From<GDating> for Dating {
    fn from(d: GDating) -> Self {
        match d {
            GDating::Exact => Dating::Exact,
            GDating::Bounded => Dating::Bounded,
            GDating::Inferred => Dating::Inferred,
            GDating::Unknown => Dating::Unknown,
        }
    }
}

fn day(d: Option<crate::model::Day>) -> Option<String> {
    d.map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
}

/// The days a tenure's start or end may fall on, and how that is known.
pub struct DateBounds(crate::graph::dating::Bounds);

#[Object]
impl DateBounds {
    /// The first day it may be (YYYY-MM-DD); none when unbounded.
    async fn earliest(&self) -> Option<String> {
        day(self.0.earliest)
    }
    /// The last day it may be (YYYY-MM-DD); none when unbounded.
    async fn latest(&self) -> Option<String> {
        day(self.0.latest)
    }
    async fn certainty(&self) -> Dating {
        self.0.dating.into()
    }
}

/// When a holder held the office, as far as the evidence says: the bounds of
/// the start and of the end, each with its certainty.
#[derive(Clone, Copy)]
pub struct TenureDates(pub GDates);

#[Object]
impl TenureDates {
    /// The weaker of the start's and the end's certainty.
    async fn certainty(&self) -> Dating {
        self.0.dating().into()
    }
    async fn start(&self) -> DateBounds {
        DateBounds(self.0.start)
    }
    async fn end(&self) -> DateBounds {
        DateBounds(self.0.end)
    }
}

/// The dates of a person's hold on `office` (their tenure `tenure`, or their
/// sightings in the capacity when `None`), read from the office's chain.
pub fn dates_of(
    g: &Graph,
    office: &str,
    person: &crate::model::NodeId,
    tenure: Option<&crate::model::RelId>,
) -> Option<TenureDates> {
    let chain = g.holder_chain(office);
    let i = chain
        .iter()
        .position(|h| &h.person == person && h.tenure.as_ref() == tenure)?;
    Some(TenureDates(tenure_dates(&chain, i)))
}

/// A person who held an office: a recorded tenure, or only evidence in that
/// capacity, with every dated piece of evidence that places them.
#[derive(Clone)]
pub struct Holder {
    pub g: Arc<Graph>,
    pub h: Arc<Held>,
    pub dates: TenureDates,
}

#[Object]
impl Holder {
    async fn person(&self) -> Option<Person> {
        NodeRef::get(&self.g, self.h.person.as_str()).map(Person)
    }
    async fn office(&self) -> Option<Office> {
        NodeRef::get(&self.g, self.h.office.as_str()).map(Office)
    }
    /// The recorded tenure; none when only evidence in the capacity places them.
    async fn tenure(&self) -> Option<Tenure> {
        self.tenure_rel()
    }
    /// The tenure's recorded start.
    async fn start(&self) -> Option<Date> {
        date(self.h.start)
    }
    /// The tenure's recorded end.
    async fn end(&self) -> Option<Date> {
        date(self.h.end)
    }
    async fn acting(&self) -> bool {
        self.h.acting
    }
    /// When they held it, as far as the evidence says: the start's and the
    /// end's bounds, each EXACT, BOUNDED, INFERRED or UNKNOWN.
    async fn dates(&self) -> TenureDates {
        self.dates
    }
    /// The earliest date the evidence places them in office.
    async fn first_seen(&self) -> Option<Date> {
        date(self.h.first().map(|e| e.date))
    }
    /// The latest date the evidence places them in office.
    async fn last_seen(&self) -> Option<Date> {
        date(self.h.last().map(|e| e.until))
    }
    /// Every dated piece of evidence that places them, in date order. Paged;
    /// see `evidenceCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn evidence(
        &self,
        first: Option<i32>,
        offset: Option<i32>,
    ) -> Result<Vec<HolderEvidence>> {
        slice(self.all_evidence(), first, offset)
    }
    /// How many pieces of `evidence` there are, whatever page is asked for.
    async fn evidence_count(&self) -> usize {
        self.h.evidence.len()
    }
}

impl Holder {
    fn tenure_rel(&self) -> Option<Tenure> {
        let t = self.h.tenure.as_ref()?;
        self.g
            .relation(t.as_str())
            .map(|r| Tenure(RelRef::new(&self.g, r)))
    }

    fn all_evidence(&self) -> Vec<HolderEvidence> {
        self.h
            .evidence
            .iter()
            .map(|e| evidence(&self.g, e))
            .collect()
    }
}

/// The holders of `office` in the order the evidence gives; with `at`, only
/// those who may have held it on that date.
pub fn holders(g: &Arc<Graph>, office: &str, at: Option<&PartialDate>) -> Vec<Holder> {
    let chain = g.holder_chain(office);
    let dates: Vec<GDates> = (0..chain.len()).map(|i| tenure_dates(&chain, i)).collect();
    chain
        .into_iter()
        .zip(dates)
        .filter(|(_, d)| at.is_none_or(|at| d.may_cover(at)))
        .map(|(h, d)| Holder {
            g: g.clone(),
            h: Arc::new(h),
            dates: TenureDates(d),
        })
        .collect()
}

/// One holder in an office's succession, with the holders before and after.
pub struct Succession {
    pub this: Holder,
    pub prev: Option<Holder>,
    pub next: Option<Holder>,
}

#[Object]
impl Succession {
    async fn holder(&self) -> &Holder {
        &self.this
    }
    async fn person(&self) -> Option<Person> {
        NodeRef::get(&self.this.g, self.this.h.person.as_str()).map(Person)
    }
    /// When they held it, as far as the evidence says (see `Holder.dates`).
    async fn dates(&self) -> TenureDates {
        self.this.dates
    }
    /// The recorded tenure; none when only evidence in the capacity places them.
    async fn tenure(&self) -> Option<Tenure> {
        self.this.tenure_rel()
    }
    /// Every dated piece of evidence that placed this holder here, in date
    /// order. Paged; see `evidenceCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn evidence(
        &self,
        first: Option<i32>,
        offset: Option<i32>,
    ) -> Result<Vec<HolderEvidence>> {
        slice(self.this.all_evidence(), first, offset)
    }
    /// How many pieces of `evidence` there are, whatever page is asked for.
    async fn evidence_count(&self) -> usize {
        self.this.h.evidence.len()
    }
    async fn predecessor(&self) -> Option<&Holder> {
        self.prev.as_ref()
    }
    async fn successor(&self) -> Option<&Holder> {
        self.next.as_ref()
    }
}

/// The succession of `office`: its holders in evidence order, each with its
/// neighbours (acting holders included where their evidence puts them).
pub fn succession(g: &Arc<Graph>, office: &str) -> Vec<Succession> {
    let order = holders(g, office, None);
    (0..order.len())
        .map(|i| Succession {
            this: order[i].clone(),
            prev: i.checked_sub(1).map(|j| order[j].clone()),
            next: order.get(i + 1).cloned(),
        })
        .collect()
}

/// Kinds of contradiction in the evidence about an office.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum EvidenceIssueType {
    /// Seen in the capacity certainly before their tenure's recorded start.
    SeenBeforeStart,
    /// Seen in the capacity certainly after their tenure's recorded end.
    SeenAfterEnd,
    /// Two people certainly held the office on the same day, neither acting.
    TwoHolders,
    /// A holder is seen after the next holder was already placed in office.
    OutOfOrder,
}

/// A contradiction in the evidence about an office: a piece of evidence and
/// the one it disagrees with.
pub struct EvidenceIssue {
    pub g: Arc<Graph>,
    pub i: crate::graph::evidence::EvidenceIssue,
}

#[Object]
impl EvidenceIssue {
    async fn kind(&self) -> EvidenceIssueType {
        match self.i.kind {
            EvidenceIssueKind::SeenBeforeStart => EvidenceIssueType::SeenBeforeStart,
            EvidenceIssueKind::SeenAfterEnd => EvidenceIssueType::SeenAfterEnd,
            EvidenceIssueKind::TwoHolders => EvidenceIssueType::TwoHolders,
            EvidenceIssueKind::OutOfOrder => EvidenceIssueType::OutOfOrder,
        }
    }
    async fn office(&self) -> Option<Office> {
        NodeRef::get(&self.g, self.i.office.as_str()).map(Office)
    }
    async fn person(&self) -> Option<Person> {
        NodeRef::get(&self.g, self.i.person.as_str()).map(Person)
    }
    /// The evidence that does not fit.
    async fn evidence(&self) -> HolderEvidence {
        evidence(&self.g, &self.i.evidence)
    }
    /// The other holder, for TWO_HOLDERS and OUT_OF_ORDER.
    async fn other_person(&self) -> Option<Person> {
        let p = self.i.other_person.as_ref()?;
        NodeRef::get(&self.g, p.as_str()).map(Person)
    }
    /// The evidence it disagrees with: the tenure's start or end, or the
    /// other holder's evidence.
    async fn other(&self) -> HolderEvidence {
        evidence(&self.g, &self.i.other)
    }
    /// The contradiction in words, with the dates.
    async fn message(&self) -> String {
        let name = |p: &crate::model::NodeId| {
            self.g
                .node(p.as_str())
                .map_or_else(|| p.to_string(), |n| n.name.clone())
        };
        let (who, when, other) = (
            name(&self.i.person),
            self.i.evidence.date,
            self.i.other.date,
        );
        let office = name(&self.i.office);
        let other_who = self.i.other_person.as_ref().map(name).unwrap_or_default();
        match self.i.kind {
            EvidenceIssueKind::SeenBeforeStart => format!(
                "{who} is seen as {office} on {when}, before the recorded start of the tenure ({other})"
            ),
            EvidenceIssueKind::SeenAfterEnd => format!(
                "{who} is seen as {office} on {when}, after the recorded end of the tenure ({other})"
            ),
            EvidenceIssueKind::TwoHolders => format!(
                "{who} and {other_who} both held {office} on {}",
                self.i.evidence.date.max(other)
            ),
            EvidenceIssueKind::OutOfOrder => format!(
                "{who} is seen as {office} on {}, after {other_who} was already seen in it on {other}",
                self.i.evidence.until
            ),
        }
    }
}

pub fn evidence_issues(
    g: &Arc<Graph>,
    list: Vec<crate::graph::evidence::EvidenceIssue>,
) -> Vec<EvidenceIssue> {
    list.into_iter()
        .map(|i| EvidenceIssue { g: g.clone(), i })
        .collect()
}
