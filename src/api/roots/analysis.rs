//! The analysis fields of `Query`: how two entities connect, the
//! neighbourhood of one, who is central, dashboard numbers and data checks.
//! Resolvers check their arguments and hand the work to `graph` (off the
//! async workers when it is heavy); the answer types are in
//! `objects::analysis`.

use std::sync::Arc;

use async_graphql::{Context, Object, Result, ID};

use crate::api::heavy::{
    levels_cost, offload, BETWEENNESS_COST, DEGREE_COST, INLINE_SEARCH, MAX_PATH_DEPTH,
    PAGERANK_COST, PAIRS_COST, WHOLE_GRAPH_COST,
};
use crate::api::leaves::args::meeting_filter;
use crate::api::leaves::errors::{coded, invalid, ErrorCode};
use crate::api::leaves::pagination::{page_cost, MAX_PAGE};
use crate::api::leaves::scalars::{MeetingStatus, NodeKind, RelKind};
use crate::api::objects::analysis::{
    rel, tenure_issues, Centrality, CentralityMeasure, CentralityScore, DataChecks, Neighborhood,
    Path,
};
use crate::api::objects::nodes::node_obj;
use crate::api::objects::relations::Relation;
use crate::api::objects::stats::{counts, Stats, TopPairs};
use crate::graph::centrality::{Measure, Ranking};
use crate::graph::paths::{Bounded, PathError};
use crate::model;

fn centrality_cost(measure: CentralityMeasure, first: Option<i32>, child: usize) -> usize {
    let base = match measure {
        CentralityMeasure::Degree => DEGREE_COST,
        CentralityMeasure::Pagerank => PAGERANK_COST,
        CentralityMeasure::Betweenness => BETWEENNESS_COST,
    };
    base + page_cost(first, None, child)
}

#[derive(Default)]
pub struct AnalysisQuery;

/// How many likely duplicates `dataChecks` lists, best first.
const DUPLICATES_LISTED: usize = 100;

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
        let g = crate::api::graph(ctx);
        let via: Vec<model::RelKind> = via
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let (depth, first) = (max_depth as usize, first as usize);
        // Most searches end within a few thousand relations: cheaper run
        // here than the hop to the blocking pool. The rest start over there.
        let found = match g.shortest_paths_within(&from, &to, depth, &via, first, INLINE_SEARCH) {
            Bounded::Done(found) => found,
            Bounded::OverBudget => {
                offload(g.clone(), {
                    let (from, to) = (from.to_string(), to.to_string());
                    move |g| g.shortest_paths(&from, &to, depth, &via, first)
                })
                .await?
            }
        };
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
        let g = crate::api::graph(ctx);
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

    /// Who is central in the co-participation network of the held meetings
    /// the filters keep (the same filters as `meetings`): people who took
    /// part in the same meetings (PERSON) or states whose delegations did
    /// (STATE).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "centrality_cost(measure, first, child_complexity)")]
    async fn centrality(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Some(NodeKind::Person)")] kind: Option<NodeKind>,
        measure: CentralityMeasure,
        from: Option<String>,
        to: Option<String>,
        state: Option<ID>,
        organization: Option<ID>,
        place: Option<ID>,
        topic: Option<ID>,
        series: Option<ID>,
        status: Option<Vec<MeetingStatus>>,
        #[graphql(default = 20)] first: Option<i32>,
    ) -> Result<Centrality> {
        let kind = network_kind(kind)?;
        let first = first.unwrap_or(20);
        if !(1..=1000).contains(&first) {
            return Err(invalid("first", "must be between 1 and 1000"));
        }
        let filter = meeting_filter(
            from,
            to,
            state,
            organization,
            place,
            topic,
            series,
            status,
            None,
        )?;
        let measure = match measure {
            CentralityMeasure::Degree => Measure::Degree,
            CentralityMeasure::Pagerank => Measure::PageRank,
            CentralityMeasure::Betweenness => Measure::Betweenness,
        };
        let g = crate::api::graph(ctx);
        let r: Arc<Ranking> =
            offload(g.clone(), move |g| g.centrality_of(kind, measure, &filter)).await?;
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

    /// Counts and distributions for dashboards. The meeting and attendance
    /// figures count only the meetings the filters keep (the same filters as
    /// `meetings`: `from`/`to`, `state`, `organization`, `place` — a place
    /// or a state, or any place inside it —, `topic`, `series`, `status`);
    /// the record counts (`nodes`, `byKind` …) stay those of the whole graph.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "WHOLE_GRAPH_COST + child_complexity")]
    async fn stats(
        &self,
        ctx: &Context<'_>,
        from: Option<String>,
        to: Option<String>,
        state: Option<ID>,
        organization: Option<ID>,
        place: Option<ID>,
        topic: Option<ID>,
        series: Option<ID>,
        status: Option<Vec<MeetingStatus>>,
    ) -> Result<Stats> {
        let filter = meeting_filter(
            from,
            to,
            state,
            organization,
            place,
            topic,
            series,
            status,
            None,
        )?;
        let g = crate::api::graph(ctx);
        let s = offload(g.clone(), move |g| g.stats_matching(&filter)).await?;
        let c = counts(&g);
        Ok(Stats { g, s, c })
    }

    /// The pairs of people (PERSON) or of states (STATE) who met most: at the
    /// most held meetings among those the filters keep (the same filters as
    /// `meetings`), both taking part (for people: attended, chaired or spoke
    /// at). Most shared meetings first, then by the two ids; `offset` pairs
    /// skipped, then at most `first` (up to 1000).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "PAIRS_COST + page_cost(first, None, child_complexity)")]
    async fn top_pairs(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Some(NodeKind::Person)")] kind: Option<NodeKind>,
        from: Option<String>,
        to: Option<String>,
        state: Option<ID>,
        organization: Option<ID>,
        place: Option<ID>,
        topic: Option<ID>,
        series: Option<ID>,
        status: Option<Vec<MeetingStatus>>,
        #[graphql(default = 20)] first: Option<i32>,
        offset: Option<i32>,
    ) -> Result<TopPairs> {
        let kind = network_kind(kind)?;
        let first = first.unwrap_or(20);
        if !(1..=MAX_PAGE as i32).contains(&first) {
            return Err(invalid(
                "first",
                format!("must be between 1 and {MAX_PAGE}"),
            ));
        }
        let offset = offset.unwrap_or(0);
        if offset < 0 {
            return Err(invalid("offset", "must not be negative"));
        }
        let filter = meeting_filter(
            from,
            to,
            state,
            organization,
            place,
            topic,
            series,
            status,
            None,
        )?;
        let g = crate::api::graph(ctx);
        let t = offload(g.clone(), move |g| {
            g.top_pairs(kind, &filter, offset as usize, first as usize)
        })
        .await?;
        Ok(TopPairs { g, t })
    }

    /// Checks of the data an editor should look at.
    #[graphql(complexity = "WHOLE_GRAPH_COST + child_complexity")]
    async fn data_checks(&self, ctx: &Context<'_>) -> Result<DataChecks> {
        let g = crate::api::graph(ctx);
        let (issues, evidence, duplicates) = offload(g.clone(), |g| {
            (
                g.all_tenure_issues(),
                g.all_evidence_issues(),
                g.likely_duplicates(DUPLICATES_LISTED),
            )
        })
        .await?;
        Ok(DataChecks {
            tenure_issues: tenure_issues(&g, issues),
            evidence_issues: crate::api::objects::holders::evidence_issues(&g, evidence),
            likely_duplicates: crate::api::objects::analysis::likely_duplicates(&g, duplicates),
        })
    }
}

/// The network `kind` of `centrality` and `topPairs`: PERSON or STATE.
fn network_kind(kind: Option<NodeKind>) -> Result<model::NodeKind> {
    let kind: model::NodeKind = kind.unwrap_or(NodeKind::Person).into();
    if !matches!(kind, model::NodeKind::Person | model::NodeKind::State) {
        return Err(invalid("kind", "PERSON or STATE"));
    }
    Ok(kind)
}
