//! The answers to analyst questions: who held an office when, who met whom,
//! paths between entities, rankings and data checks. The fields that ask
//! them are in `roots::analysis` and on the node objects; the work is in
//! `graph::{time, met, paths, centrality}`.

use std::sync::Arc;

use async_graphql::{Enum, Object, Result, SimpleObject, Union};

use crate::api::leaves::pagination::{list_cost, slice};
use crate::api::leaves::scalars::{date, Date};
use crate::api::objects::nodes::{
    node_enum, node_obj, Document, Meeting, NodeObj, NodeRef, Office, Organization, Person, Place,
    Series, Source, State, Topic,
};
use crate::api::objects::relations::{Attendance, RelRef, Relation, Tenure};
use crate::graph::time::{Certainty as GCertainty, Holding as GHolding, TenureIssueKind};
use crate::graph::Graph;
use crate::model;

/// How sure an answer is, given the precision of its dates.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum Certainty {
    /// True whatever day each partial date turns out to be.
    Certain,
    /// True for some of the days the dates allow, not all.
    Possible,
}

impl From<GCertainty> for Certainty {
    fn from(c: GCertainty) -> Self {
        match c {
            GCertainty::Certain => Certainty::Certain,
            GCertainty::Possible => Certainty::Possible,
        }
    }
}

pub(crate) fn rel(g: &Arc<Graph>, id: &str) -> Option<RelRef> {
    g.relation(id).map(|r| RelRef::new(g, r))
}

/// A person holding an office on a date, with what supports it.
pub struct Holding {
    pub g: Arc<Graph>,
    pub h: GHolding,
}

#[Object]
impl Holding {
    async fn person(&self) -> Option<Person> {
        NodeRef::get(&self.g, self.h.person.as_str()).map(Person)
    }
    async fn office(&self) -> Option<Office> {
        NodeRef::get(&self.g, self.h.office.as_str()).map(Office)
    }
    /// The recorded tenure, when there is one.
    async fn tenure(&self) -> Option<Tenure> {
        self.h
            .tenure
            .as_ref()
            .and_then(|t| rel(&self.g, t.as_str()))
            .map(Tenure)
    }
    async fn certainty(&self) -> Certainty {
        self.h.certainty.into()
    }
    /// When they held the office, as far as all the evidence says: the
    /// start's and the end's bounds, each EXACT, BOUNDED, INFERRED or UNKNOWN.
    async fn dates(&self) -> Option<crate::api::objects::holders::TenureDates> {
        crate::api::objects::holders::dates_of(
            &self.g,
            self.h.office.as_str(),
            &self.h.person,
            self.h.tenure.as_ref(),
        )
    }
    /// Attendances and signatures in this capacity at events on that date.
    async fn evidence(&self) -> Vec<Relation> {
        self.h
            .evidence
            .iter()
            .filter_map(|r| rel(&self.g, r.as_str()))
            .map(Relation)
            .collect()
    }
}

pub fn holdings(g: &Arc<Graph>, hs: Vec<GHolding>) -> Vec<Holding> {
    hs.into_iter()
        .map(|h| Holding { g: g.clone(), h })
        .collect()
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum TenureIssueType {
    /// Two tenures certainly overlap and neither is acting.
    Overlap,
    /// Days certainly pass between one tenure's end and the next start.
    Gap,
    /// A tenure has a successor but no recorded end.
    UnknownEnd,
}

/// A problem between two consecutive tenures of an office.
pub struct TenureIssue {
    pub g: Arc<Graph>,
    pub i: crate::graph::time::TenureIssue,
}

#[Object]
impl TenureIssue {
    async fn kind(&self) -> TenureIssueType {
        match self.i.kind {
            TenureIssueKind::Overlap => TenureIssueType::Overlap,
            TenureIssueKind::Gap => TenureIssueType::Gap,
            TenureIssueKind::UnknownEnd => TenureIssueType::UnknownEnd,
        }
    }
    async fn office(&self) -> Option<Office> {
        NodeRef::get(&self.g, self.i.office.as_str()).map(Office)
    }
    async fn first(&self) -> Option<Tenure> {
        rel(&self.g, self.i.first.as_str()).map(Tenure)
    }
    async fn second(&self) -> Option<Tenure> {
        rel(&self.g, self.i.second.as_str()).map(Tenure)
    }
}

pub fn tenure_issues(
    g: &Arc<Graph>,
    list: Vec<crate::graph::time::TenureIssue>,
) -> Vec<TenureIssue> {
    list.into_iter()
        .map(|i| TenureIssue { g: g.clone(), i })
        .collect()
}

/// Someone met at shared meetings, with the evidence.
pub struct MetWith {
    pub g: Arc<Graph>,
    pub m: crate::graph::met::Met,
}

#[Object]
impl MetWith {
    async fn person(&self) -> Option<Person> {
        NodeRef::get(&self.g, self.m.person.as_str()).map(Person)
    }
    /// How many meetings they shared.
    async fn count(&self) -> usize {
        self.m.meetings.len()
    }
    async fn first_date(&self) -> Option<Date> {
        date(self.m.first)
    }
    async fn last_date(&self) -> Option<Date> {
        date(self.m.last)
    }
    /// The shared meetings, earliest first. Paged like every nested list
    /// (`first`, at most 1000, and `offset`); `count` counts them all.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn meetings(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Meeting>> {
        Ok(slice(self.m.meetings.iter().collect(), first, offset)?
            .into_iter()
            .filter_map(|m| NodeRef::get(&self.g, m.as_str()))
            .map(Meeting)
            .collect())
    }
}

/// Everyone met, ranked; only the page asked for is built.
pub struct MetWithRanking<'g> {
    pub g: &'g Arc<Graph>,
    pub ranking: crate::graph::met_with::MetRanking<'g>,
}

impl crate::api::leaves::pagination::Ranked<MetWith> for MetWithRanking<'_> {
    fn total(&self) -> usize {
        self.ranking.len()
    }
    fn position(&self, cursor: &str) -> Option<usize> {
        self.ranking.position(cursor)
    }
    fn items(mut self, start: usize, end: usize) -> Vec<(String, MetWith)> {
        self.ranking
            .range(start, end)
            .into_iter()
            .map(|m| {
                let g = self.g.clone();
                (m.person.to_string(), MetWith { g, m })
            })
            .collect()
    }
}

/// A meeting's attendances for one state.
pub struct StateParticipation {
    pub g: Arc<Graph>,
    pub s: crate::graph::met::StateGroup,
}

#[Object]
impl StateParticipation {
    /// Null when no state is known for these attendances.
    async fn state(&self) -> Option<State> {
        self.s
            .state
            .as_ref()
            .and_then(|s| NodeRef::get(&self.g, s.as_str()))
            .map(State)
    }
    async fn count(&self) -> usize {
        self.s.attendances.len()
    }
    /// The attendances. Paged like every nested list (`first`, at most
    /// 1000, and `offset`); `count` counts them all.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn attendances(
        &self,
        first: Option<i32>,
        offset: Option<i32>,
    ) -> Result<Vec<Attendance>> {
        Ok(slice(self.s.attendances.iter().collect(), first, offset)?
            .into_iter()
            .filter_map(|r| rel(&self.g, r.as_str()))
            .map(Attendance)
            .collect())
    }
}

model::kinds::node_kind_variants!(node_enum {
    /// One element of a path: a node or the relation to the next node.
    #[derive(Union)]
    PathElement { Relation(Relation), }
});

/// `PathElement` from a node: the same variant.
macro_rules! path_element_from {
    ($($variant:ident),+) => {
        impl From<NodeObj> for PathElement {
            fn from(n: NodeObj) -> Self {
                match n {
                    $(NodeObj::$variant(x) => PathElement::$variant(x),)+
                }
            }
        }
    };
}
model::kinds::node_kind_variants!(path_element_from {});

/// A shortest path: nodes joined by relations, each with its properties and citations.
pub struct Path {
    pub g: Arc<Graph>,
    pub p: crate::graph::paths::Path,
}

#[Object]
impl Path {
    /// Relations on the path.
    async fn length(&self) -> usize {
        self.p.relations.len()
    }
    async fn nodes(&self) -> Vec<NodeObj> {
        self.p
            .nodes
            .iter()
            .filter_map(|n| node_obj(&self.g, n.as_str()))
            .collect()
    }
    async fn relations(&self) -> Vec<Relation> {
        self.p
            .relations
            .iter()
            .filter_map(|r| rel(&self.g, r.as_str()))
            .map(Relation)
            .collect()
    }
    /// Node, relation, node, … from start to end.
    async fn elements(&self) -> Vec<PathElement> {
        let mut out = Vec::new();
        for (i, n) in self.p.nodes.iter().enumerate() {
            if let Some(n) = node_obj(&self.g, n.as_str()) {
                out.push(n.into());
            }
            if let Some(r) = self
                .p
                .relations
                .get(i)
                .and_then(|r| rel(&self.g, r.as_str()))
            {
                out.push(PathElement::Relation(Relation(r)));
            }
        }
        out
    }
}

/// The subgraph around an entity.
#[derive(SimpleObject)]
pub struct Neighborhood {
    pub nodes: Vec<NodeObj>,
    pub relations: Vec<Relation>,
    /// True when `limit` cut the answer short.
    pub truncated: bool,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum CentralityMeasure {
    /// Distinct co-participants.
    Degree,
    /// Weighted PageRank (damping 0.85); weights are shared meetings.
    Pagerank,
    /// Brandes betweenness on the co-participation network.
    Betweenness,
}

#[derive(SimpleObject)]
pub struct CentralityScore {
    pub node: NodeObj,
    pub score: f64,
}

/// A ranking over the co-participation network of a window.
#[derive(SimpleObject)]
pub struct Centrality {
    pub scores: Vec<CentralityScore>,
    /// True when betweenness was estimated from a sample of sources.
    pub approximate: bool,
    pub network_nodes: usize,
    pub network_edges: usize,
}

/// Data checks.
#[derive(SimpleObject)]
pub struct DataChecks {
    /// Overlaps, gaps and unknown ends between consecutive tenures of every office.
    pub tenure_issues: Vec<TenureIssue>,
    /// Where the dated evidence about an office's holders contradicts itself:
    /// a holder seen outside their recorded tenure, two holders on one day, a
    /// holder seen after their successor.
    pub evidence_issues: Vec<crate::api::objects::holders::EvidenceIssue>,
    /// Pairs of nodes of one kind that may be one (names that fold to the
    /// same or a close key, raised by offices, meetings and other neighbours
    /// they share), best first, with the reasons: for a person to confirm,
    /// then `merge`.
    pub likely_duplicates: Vec<LikelyDuplicate>,
}

/// Two nodes that may be one, found by `dataChecks`.
#[derive(SimpleObject)]
pub struct LikelyDuplicate {
    /// The pair, in id order.
    pub nodes: Vec<NodeObj>,
    /// 1.0 for names that fold to the same key, less for close ones, plus
    /// 0.1 for each neighbour they share (at most 0.5).
    pub score: f64,
    /// Why, one line each: the names, then each shared neighbour.
    pub reasons: Vec<String>,
}

/// The duplicates found in `g` as GraphQL objects.
pub fn likely_duplicates(
    g: &Arc<Graph>,
    found: Vec<crate::graph::duplicates::Duplicate>,
) -> Vec<LikelyDuplicate> {
    found
        .into_iter()
        .map(|d| LikelyDuplicate {
            nodes: d
                .nodes
                .iter()
                .filter_map(|n| node_obj(g, n.as_str()))
                .collect(),
            score: d.score,
            reasons: d.reasons,
        })
        .collect()
}
