//! Analyst questions over the in-memory graph: who held an office when, who
//! met whom, how two entities connect, who is central, and dashboard numbers.
//! Resolvers are thin; the work is in `graph::{time, met, paths, centrality, stats}`.

use std::sync::Arc;

use async_graphql::{Context, Enum, Object, Result, SimpleObject, Union, ID};

use super::args::parse_opt_date;
use super::errors::{coded, invalid, ErrorCode};
use super::heavy::{
    levels_cost, offload, BETWEENNESS_COST, DEGREE_COST, PAGERANK_COST, WHOLE_GRAPH_COST,
};
use super::nodes::{
    node_obj, Document, Meeting, NodeObj, NodeRef, Office, Organization, Person, Place, Series,
    Source, State, Topic,
};
use super::pagination::{list_cost, slice};
use super::query::counts;
use super::relations::{Attendance, RelRef, Relation, Tenure};
use super::scalars::{date, Date, NodeKind, RelKind};
use super::stats::Stats;
use crate::graph::centrality::{Measure, Ranking};
use crate::graph::paths::PathError;
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

fn rel(g: &Arc<Graph>, id: &str) -> Option<RelRef> {
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
    async fn dates(&self) -> Option<super::holders::TenureDates> {
        super::holders::dates_of(
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

/// One element of a path: a node or the relation to the next node.
#[derive(Union)]
pub enum PathElement {
    Person(Person),
    State(State),
    Organization(Organization),
    Office(Office),
    Meeting(Meeting),
    Series(Series),
    Document(Document),
    Place(Place),
    Topic(Topic),
    Source(Source),
    Relation(Relation),
}

impl From<NodeObj> for PathElement {
    fn from(n: NodeObj) -> Self {
        match n {
            NodeObj::Person(x) => PathElement::Person(x),
            NodeObj::State(x) => PathElement::State(x),
            NodeObj::Organization(x) => PathElement::Organization(x),
            NodeObj::Office(x) => PathElement::Office(x),
            NodeObj::Meeting(x) => PathElement::Meeting(x),
            NodeObj::Series(x) => PathElement::Series(x),
            NodeObj::Document(x) => PathElement::Document(x),
            NodeObj::Place(x) => PathElement::Place(x),
            NodeObj::Topic(x) => PathElement::Topic(x),
            NodeObj::Source(x) => PathElement::Source(x),
        }
    }
}

/// A shortest path: nodes joined by relations, each with its properties and citations.
pub struct Path {
    g: Arc<Graph>,
    p: crate::graph::paths::Path,
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
    pub evidence_issues: Vec<super::holders::EvidenceIssue>,
}

/// The most a path search may go.
pub const MAX_PATH_DEPTH: i32 = 8;

fn centrality_cost(measure: CentralityMeasure, first: Option<i32>, child: usize) -> usize {
    let base = match measure {
        CentralityMeasure::Degree => DEGREE_COST,
        CentralityMeasure::Pagerank => PAGERANK_COST,
        CentralityMeasure::Betweenness => BETWEENNESS_COST,
    };
    base + super::pagination::page_cost(first, None, child)
}

#[derive(Default)]
pub struct AnalysisQuery;

#[Object]
impl AnalysisQuery {
    /// The shortest paths between two entities (at most `first`), following
    /// relations either way, only of the `via` kinds when given. NOT_FOUND when
    /// no path exists within `maxDepth` relations.
    #[graphql(complexity = "levels_cost(max_depth, first, child_complexity * 2)")]
    async fn connection(
        &self,
        ctx: &Context<'_>,
        from: ID,
        to: ID,
        #[graphql(default = 4)] max_depth: Option<i32>,
        via: Option<Vec<RelKind>>,
        #[graphql(default = 10)] first: Option<i32>,
    ) -> Result<Vec<Path>> {
        let (max_depth, first) = (max_depth.unwrap_or(4), first.unwrap_or(10));
        if !(1..=MAX_PATH_DEPTH).contains(&max_depth) {
            return Err(invalid(
                "maxDepth",
                format!("must be between 1 and {MAX_PATH_DEPTH}"),
            ));
        }
        if !(1..=100).contains(&first) {
            return Err(invalid("first", "must be between 1 and 100"));
        }
        let g = super::graph(ctx);
        let via: Vec<model::RelKind> = via
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let found = offload(g.clone(), {
            let (from, to) = (from.to_string(), to.to_string());
            move |g| g.shortest_paths(&from, &to, max_depth as usize, &via, first as usize)
        })
        .await?;
        match found {
            Ok(paths) => Ok(paths
                .into_iter()
                .map(|p| Path { g: g.clone(), p })
                .collect()),
            Err(PathError::NoSuchNode(id)) => Err(coded(
                ErrorCode::NotFound,
                format!("`{id}` does not exist"),
                Some(if id == from.as_str() { "from" } else { "to" }),
            )),
            Err(e @ PathError::NotFound(_)) => Err(coded(
                ErrorCode::NotFound,
                format!("no connection between `{}` and `{}`: {e}", *from, *to),
                None,
            )),
        }
    }

    /// The nodes within `depth` relations of an entity (nearest first, at most
    /// `limit`) and the relations between them, for the explorer.
    #[graphql(complexity = "levels_cost(depth, limit, child_complexity)")]
    async fn neighborhood(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default = 1)] depth: Option<i32>,
        kinds: Option<Vec<RelKind>>,
        #[graphql(default = 200)] limit: Option<i32>,
    ) -> Result<Neighborhood> {
        let (depth, limit) = (depth.unwrap_or(1), limit.unwrap_or(200));
        if !(0..=3).contains(&depth) {
            return Err(invalid("depth", "must be between 0 and 3"));
        }
        if !(1..=2000).contains(&limit) {
            return Err(invalid("limit", "must be between 1 and 2000"));
        }
        let g = super::graph(ctx);
        let via: Vec<model::RelKind> = kinds
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let found = offload(g.clone(), {
            let id = id.to_string();
            move |g| g.neighborhood(&id, depth as usize, &via, limit as usize)
        })
        .await?;
        let (nodes, rels, truncated) = found.ok_or_else(|| {
            coded(
                ErrorCode::NotFound,
                format!("`{}` does not exist", *id),
                Some("id"),
            )
        })?;
        Ok(Neighborhood {
            nodes: nodes
                .iter()
                .filter_map(|n| node_obj(&g, n.as_str()))
                .collect(),
            relations: rels
                .iter()
                .filter_map(|r| rel(&g, r.as_str()))
                .map(Relation)
                .collect(),
            truncated,
        })
    }

    /// Who is central in the co-participation network of a date window:
    /// people who took part in the same meetings (PERSON) or states whose
    /// delegations did (STATE).
    #[graphql(complexity = "centrality_cost(measure, first, child_complexity)")]
    async fn centrality(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Some(NodeKind::Person)")] kind: Option<NodeKind>,
        measure: CentralityMeasure,
        from: Option<String>,
        to: Option<String>,
        #[graphql(default = 20)] first: Option<i32>,
    ) -> Result<Centrality> {
        let kind: model::NodeKind = kind.unwrap_or(NodeKind::Person).into();
        let first = first.unwrap_or(20);
        if !matches!(kind, model::NodeKind::Person | model::NodeKind::State) {
            return Err(invalid("kind", "PERSON or STATE"));
        }
        if !(1..=1000).contains(&first) {
            return Err(invalid("first", "must be between 1 and 1000"));
        }
        let (from, to) = (parse_opt_date("from", from)?, parse_opt_date("to", to)?);
        let measure = match measure {
            CentralityMeasure::Degree => Measure::Degree,
            CentralityMeasure::Pagerank => Measure::PageRank,
            CentralityMeasure::Betweenness => Measure::Betweenness,
        };
        let g = super::graph(ctx);
        let r: Arc<Ranking> = offload(g.clone(), move |g| {
            g.centrality(kind, measure, from.as_ref(), to.as_ref())
        })
        .await?;
        Ok(Centrality {
            scores: r
                .scores
                .iter()
                .take(first as usize)
                .filter_map(|(id, s)| {
                    node_obj(&g, id.as_str()).map(|node| CentralityScore { node, score: *s })
                })
                .collect(),
            approximate: r.approximate,
            network_nodes: r.nodes,
            network_edges: r.edges,
        })
    }

    /// Counts and distributions for dashboards.
    #[graphql(complexity = "WHOLE_GRAPH_COST + child_complexity")]
    async fn stats(&self, ctx: &Context<'_>) -> Result<Stats> {
        let g = super::graph(ctx);
        let s = offload(g.clone(), |g| g.stats()).await?;
        let c = counts(&g);
        Ok(Stats { g, s, c })
    }

    /// Checks of the data an editor should look at.
    #[graphql(complexity = "WHOLE_GRAPH_COST + child_complexity")]
    async fn data_checks(&self, ctx: &Context<'_>) -> Result<DataChecks> {
        let g = super::graph(ctx);
        let (issues, evidence) = offload(g.clone(), |g| {
            (g.all_tenure_issues(), g.all_evidence_issues())
        })
        .await?;
        Ok(DataChecks {
            tenure_issues: tenure_issues(&g, issues),
            evidence_issues: super::holders::evidence_issues(&g, evidence),
        })
    }
}
