//! The query root: lookups by id, filtered and paginated lists, search.

use std::sync::Arc;

use async_graphql::{Context, MergedObject, Object, Result, SimpleObject, ID};
use petgraph::Direction as Dir;

use crate::api::leaves::args::parse_opt_date;
use crate::api::leaves::errors::invalid;
use crate::api::leaves::pagination::{paginate, Page};
use crate::api::leaves::scalars::NodeKind;
use crate::api::objects::nodes::{
    node_obj, Document, Meeting, NodeObj, NodeRef, Office, Organization, Person, Place, Series,
    Source, State, Topic, Typed,
};
use crate::api::objects::relations::{Conflict, RelRef, Relation};
use crate::api::objects::stats::{counts, Counts};
use crate::api::roots::history::{as_of_graph, AsOf};
use crate::graph::Graph;
use crate::model::{self, RelKind as RK};

/// Lookups, lists and search.
#[derive(Default)]
pub struct QueryRoot;

/// The query root: lookups, lists and search, and the analyst questions.
#[derive(MergedObject, Default)]
pub struct Query(
    QueryRoot,
    KindQuery,
    crate::api::roots::analysis::AnalysisQuery,
    crate::api::roots::history::HistoryQuery,
);

/// Declares `KindQuery`: for each node kind a lookup by id (`person(id:)`)
/// and, but for meetings (whose list takes filters, in `QueryRoot`), a
/// Relay-paged list of all of them in id order (`people`).
macro_rules! kind_query {
    ($($lookup:ident $(/ $list:ident)? : $ty:ident,)+) => {
        /// A lookup and a list per node kind.
        #[derive(Default)]
        pub struct KindQuery;

        #[Object]
        impl KindQuery {
            $(
                /// The node of this kind with this id; null when there is none.
                /// With `asOf`, as it was then, answered from the change log:
                /// the node, its relations and their ends as they were (the
                /// ends' own relations are not included).
                async fn $lookup(&self, ctx: &Context<'_>, id: ID, as_of: Option<AsOf>) -> Result<Option<$ty>> {
                    Ok(match as_of {
                        None => typed(&crate::api::graph(ctx), &id),
                        Some(at) => as_of_graph(ctx, &id, &at).await?.and_then(|(g, id)| typed(&g, id.as_str())),
                    })
                }
                $(
                    /// Every node of this kind, in id order, Relay-paged.
                    #[graphql(complexity = "crate::api::leaves::pagination::page_cost(first, last, child_complexity)")]
                    async fn $list(
                        &self,
                        ctx: &Context<'_>,
                        after: Option<String>,
                        before: Option<String>,
                        first: Option<i32>,
                        last: Option<i32>,
                    ) -> Result<Page<$ty>> {
                        paginate(all_of(&crate::api::graph(ctx)), after, before, first, last).await
                    }
                )?
            )+
        }
    };
}

kind_query! {
    person / people: Person,
    meeting: Meeting,
    office / offices: Office,
    state / states: State,
    organization / organizations: Organization,
    document / documents: Document,
    source / sources: Source,
    place / places: Place,
    topic / topics: Topic,
    series / all_series: Series,
}

fn typed<T: Typed>(g: &Arc<Graph>, id: &str) -> Option<T> {
    NodeRef::get(g, id)
        .filter(|n| n.n.node_kind() == T::KIND)
        .map(T::from)
}

fn all_of<T: Typed>(g: &Arc<Graph>) -> Vec<(String, T)> {
    g.ids_of_kind(T::KIND)
        .filter_map(|id| NodeRef::get(g, id.as_str()).map(|n| (id.to_string(), T::from(n))))
        .collect()
}

/// A search result: the node, the name or alias that matched, and a score.
#[derive(SimpleObject)]
pub struct SearchHit {
    pub node: NodeObj,
    /// The name or alias that matched best.
    pub matched: String,
    /// Higher is better; 1.0 and above is an exact match.
    pub score: f64,
}

#[Object]
impl QueryRoot {
    /// Any node by id. With `asOf`, as it was then, answered from the
    /// change log: the node, its relations and their ends as they were.
    async fn node(
        &self,
        ctx: &Context<'_>,
        id: ID,
        as_of: Option<AsOf>,
    ) -> Result<Option<NodeObj>> {
        Ok(match as_of {
            None => node_obj(&crate::api::graph(ctx), &id),
            Some(at) => as_of_graph(ctx, &id, &at)
                .await?
                .and_then(|(g, id)| node_obj(&g, id.as_str())),
        })
    }
    /// Several nodes by id, in the order asked; null where an id is unknown.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Vec<Option<NodeObj>> {
        let g = crate::api::graph(ctx);
        ids.iter().map(|id| node_obj(&g, id)).collect()
    }
    async fn relation(&self, ctx: &Context<'_>, id: ID) -> Option<Relation> {
        let g = crate::api::graph(ctx);
        g.relation(&id).map(|r| Relation(RelRef::new(&g, r)))
    }
    async fn conflict(&self, ctx: &Context<'_>, id: ID) -> Option<Conflict> {
        let g = crate::api::graph(ctx);
        g.conflict(&id).map(|c| Conflict {
            g: g.clone(),
            c: c.clone(),
        })
    }
    /// Every recorded disagreement between sources.
    async fn conflicts(&self, ctx: &Context<'_>) -> Vec<Conflict> {
        let g = crate::api::graph(ctx);
        g.conflicts()
            .map(|c| Conflict {
                g: g.clone(),
                c: c.clone(),
            })
            .collect()
    }

    /// Meetings in date order (undated last). `from`/`to` keep meetings whose
    /// dates may fall in the range, at each date's precision; `state` and
    /// `organization` keep meetings hosted or organized by it, held in it, or
    /// attended on its behalf; `place` (a place or a state) keeps meetings held
    /// there or at any place inside it, however deep (a residence in a city);
    /// `topic` and `series` keep meetings about it or in it; `status` keeps
    /// meetings of those statuses (none recorded reads HELD).
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "crate::api::leaves::pagination::page_cost(first, last, child_complexity)"
    )]
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        from: Option<String>,
        to: Option<String>,
        state: Option<ID>,
        organization: Option<ID>,
        place: Option<ID>,
        topic: Option<ID>,
        series: Option<ID>,
        status: Option<Vec<crate::api::leaves::scalars::MeetingStatus>>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Page<Meeting>> {
        let status: Option<Vec<crate::model::MeetingStatus>> =
            status.map(|v| v.into_iter().map(Into::into).collect());
        let g = crate::api::graph(ctx);
        let (from, to) = (parse_opt_date("from", from)?, parse_opt_date("to", to)?);
        let state_set = state.as_ref().map(|s| g.meetings_involving(s, None, None));
        let org_set = organization
            .as_ref()
            .map(|o| g.meetings_involving(o, None, None));
        let place_set = place.as_ref().map(|p| g.meetings_within(p));
        let mut v: Vec<(String, Meeting)> = all_of::<Meeting>(&g)
            .into_iter()
            .filter(|(id, m)| {
                g.meeting_in_window(id, from.as_ref(), to.as_ref())
                    && status.as_ref().is_none_or(|s| {
                        s.contains(&m.0.n.status.unwrap_or(crate::model::MeetingStatus::Held))
                    })
                    && state_set.as_ref().is_none_or(|s| s.contains(id.as_str()))
                    && org_set.as_ref().is_none_or(|o| o.contains(id.as_str()))
                    && place_set.as_ref().is_none_or(|p| p.contains(id.as_str()))
                    && topic.as_ref().is_none_or(|t| {
                        g.relations(id, Dir::Outgoing, Some(RK::About))
                            .iter()
                            .any(|r| r.to.as_str() == t.as_str())
                    })
                    && series.as_ref().is_none_or(|s| {
                        g.relations(id, Dir::Outgoing, Some(RK::InSeries))
                            .iter()
                            .any(|r| r.to.as_str() == s.as_str())
                    })
            })
            .collect();
        v.sort_by(|(a, ma), (b, mb)| {
            let key = |m: &Meeting| m.0.n.start.map_or((1, None), |d| (0, Some(d)));
            key(ma).cmp(&key(mb)).then(a.cmp(b))
        });
        paginate(v, after, before, first, last).await
    }

    /// Finds nodes by name or alias: case, diacritics and script folded, word
    /// prefixes match ("assyl" finds "Berik Assylov"); best first. With
    /// `within` (a place or a state), only the meetings held there or at any
    /// place inside it, and the places inside it.
    #[graphql(
        complexity = "crate::api::heavy::SEARCH_COST + crate::api::leaves::pagination::page_cost(first, None, child_complexity)"
    )]
    async fn search(
        &self,
        ctx: &Context<'_>,
        text: String,
        kinds: Option<Vec<NodeKind>>,
        within: Option<ID>,
        #[graphql(default = 20)] first: Option<i32>,
    ) -> Result<Vec<SearchHit>> {
        let first = first.unwrap_or(20);
        if !(1..=crate::api::leaves::pagination::MAX_PAGE as i32).contains(&first) {
            return Err(invalid("first", "must be between 1 and 1000"));
        }
        let g = crate::api::graph(ctx);
        let kinds: Vec<model::NodeKind> = kinds
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let hits = crate::api::heavy::offload(g.clone(), move |g| match within {
            Some(w) => g.search_within(&text, &kinds, &w, first as usize),
            None => g.search(&text, &kinds, first as usize),
        })
        .await?;
        Ok(hits
            .into_iter()
            .filter_map(|h| {
                node_obj(&g, h.id.as_str()).map(|node| SearchHit {
                    node,
                    matched: h.matched,
                    score: h.score,
                })
            })
            .collect())
    }

    /// The whole graph in the import format (as `attache export` writes it).
    /// Needs a token that may write, as it hands out everything at once.
    async fn export(&self, ctx: &Context<'_>) -> Result<String> {
        if !ctx
            .data_opt::<crate::api::Privileged>()
            .is_some_and(|p| p.0)
        {
            return Err(crate::api::leaves::errors::coded(
                crate::api::ErrorCode::Forbidden,
                "export needs a token that may write",
                None,
            ));
        }
        let g = crate::api::graph(ctx);
        crate::api::heavy::offload(g, crate::import::export).await
    }

    /// Record counts, overall and by node kind.
    async fn counts(&self, ctx: &Context<'_>) -> Counts {
        counts(&crate::api::graph(ctx))
    }
}
