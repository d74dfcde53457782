//! The query root: lookups by id, filtered and paginated lists, search.

use std::sync::Arc;

use async_graphql::{Context, MergedObject, Object, Result, SimpleObject, ID};

use crate::api::leaves::args::meeting_filter;
use crate::api::leaves::errors::invalid;
use crate::api::leaves::order::{
    sorted, MeetingOrder, MeetingOrderField, OrderDirection, PersonOrder, PersonOrderField,
};
use crate::api::leaves::pagination::{paginate, slice, Page, MAX_PAGE};
use crate::api::leaves::scalars::NodeKind;
use crate::api::objects::nodes::{
    node_obj, Document, Meeting, NodeObj, NodeRef, Office, Organization, Person, Place, Series,
    Source, State, Topic, Typed,
};
use crate::api::objects::relations::{Conflict, RelRef, Relation};
use crate::api::objects::stats::{counts, Counts};
use crate::api::roots::history::{as_of_graph, AsOf};
use crate::graph::filter::NameFilter;
use crate::graph::{fold, Graph};
use crate::model;

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
    crate::api::roots::export::ExportQuery,
);

/// Declares `KindQuery`: for each node kind a lookup by id (`office(id:)`)
/// and, but for meetings and people (whose lists take filters and orders, in
/// `QueryRoot`), a Relay-paged list of all of them in id order (`offices`).
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
                    /// Every node of this kind, in id order, Relay-paged. With
                    /// `name`, only those whose name or an alias matches: case,
                    /// diacritics and script folded, each word a prefix of a
                    /// word of the name ("assyl" keeps "Berik Assylov").
                    #[allow(clippy::too_many_arguments)]
                    #[graphql(complexity = "crate::api::leaves::pagination::page_cost(first, last, child_complexity)")]
                    async fn $list(
                        &self,
                        ctx: &Context<'_>,
                        name: Option<String>,
                        after: Option<String>,
                        before: Option<String>,
                        first: Option<i32>,
                        last: Option<i32>,
                    ) -> Result<Page<$ty>> {
                        let g = crate::api::graph(ctx);
                        paginate(named(&g, all_of(&g), name), after, before, first, last).await
                    }
                )?
            )+
        }
    };
}

kind_query! {
    person: Person,
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

/// Only the `items` whose node's name or an alias matches `name` (see
/// `graph::filter::NameFilter`); all of them when there is no name.
fn named<T>(g: &Graph, items: Vec<(String, T)>, name: Option<String>) -> Vec<(String, T)> {
    match name.as_deref().and_then(NameFilter::new) {
        Some(f) => items
            .into_iter()
            .filter(|(id, _)| g.node(id).is_some_and(|n| f.matches(n)))
            .collect(),
        None => items,
    }
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
    /// Every recorded disagreement between sources, in id order: `offset`
    /// skipped, then at most `first` (up to 1000; all when not given). See
    /// `conflictsCount`.
    #[graphql(complexity = "crate::api::leaves::pagination::list_cost(first, child_complexity)")]
    async fn conflicts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        offset: Option<i32>,
    ) -> Result<Vec<Conflict>> {
        let g = crate::api::graph(ctx);
        let all: Vec<_> = g.conflicts().cloned().collect();
        Ok(slice(all, first, offset)?
            .into_iter()
            .map(|c| Conflict { g: g.clone(), c })
            .collect())
    }
    /// How many conflicts `conflicts` lists, whatever page is asked for.
    async fn conflicts_count(&self, ctx: &Context<'_>) -> usize {
        crate::api::graph(ctx).conflicts().count()
    }

    /// Meetings in date order (undated last), or as `orderBy` says (ties by
    /// id). `from`/`to` keep meetings whose dates may fall in the range, at
    /// each date's precision; `state` and `organization` keep meetings hosted
    /// or organized by it, held in it, or attended on its behalf; `place` (a
    /// place or a state) keeps meetings held there or at any place inside it,
    /// however deep (a residence in a city); `topic` and `series` keep
    /// meetings about it or in it; `status` keeps meetings of those statuses
    /// (none recorded reads HELD); `name` keeps meetings whose name or an
    /// alias matches (folded as in `people`). `stats`, `centrality` and
    /// `topPairs` take the same filters.
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
        name: Option<String>,
        order_by: Option<MeetingOrder>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Page<Meeting>> {
        let g = crate::api::graph(ctx);
        let filter = meeting_filter(
            from,
            to,
            state,
            organization,
            place,
            topic,
            series,
            status,
            name,
        )?;
        let v: Vec<(String, Meeting)> = g
            .meetings_matching(&filter)
            .into_iter()
            .filter_map(|id| NodeRef::get(&g, id.as_str()).map(|n| (id.to_string(), Meeting(n))))
            .collect();
        let direction = order_by.map_or(OrderDirection::Asc, |o| match o.field {
            MeetingOrderField::Date => o.direction,
        });
        let v = sorted(v, direction, |(_, m)| m.0.n.start, |(id, _)| id.clone());
        paginate(v, after, before, first, last).await
    }

    /// People in id order, or as `orderBy` says (ties by id): by NAME or by
    /// MEETING_COUNT (`Person.meetingCount`). With `name`, only those whose
    /// name or an alias matches: case, diacritics and script folded, each
    /// word a prefix of a word of the name ("assyl" keeps "Berik Assylov").
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "crate::api::leaves::pagination::page_cost(first, last, child_complexity)"
    )]
    async fn people(
        &self,
        ctx: &Context<'_>,
        name: Option<String>,
        order_by: Option<PersonOrder>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Page<Person>> {
        let g = crate::api::graph(ctx);
        let v = named(&g, all_of::<Person>(&g), name);
        let v = match order_by {
            None => v,
            Some(PersonOrder {
                field: PersonOrderField::Name,
                direction,
            }) => sorted(
                v,
                direction,
                |(_, p)| Some(fold(&p.0.n.name)),
                |(id, _)| id.clone(),
            ),
            Some(PersonOrder {
                field: PersonOrderField::MeetingCount,
                direction,
            }) => sorted(
                v,
                direction,
                |(id, _)| Some(g.meeting_count(id)),
                |(id, _)| id.clone(),
            ),
        };
        paginate(v, after, before, first, last).await
    }

    /// Finds nodes by name or alias: case, diacritics and script folded, word
    /// prefixes match ("assyl" finds "Berik Assylov"); best first (ties by
    /// id), `offset` hits skipped, then at most `first`. With `within` (a
    /// place or a state), only the meetings held there or at any place inside
    /// it, and the places inside it. See `searchCount`.
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
        offset: Option<i32>,
    ) -> Result<Vec<SearchHit>> {
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
        let g = crate::api::graph(ctx);
        let hits = search_hits(&g, text, kinds, within, offset as usize + first as usize).await?;
        Ok(hits
            .into_iter()
            .skip(offset as usize)
            .filter_map(|h| {
                node_obj(&g, h.id.as_str()).map(|node| SearchHit {
                    node,
                    matched: h.matched,
                    score: h.score,
                })
            })
            .collect())
    }

    /// How many nodes `search` finds for the same `text`, `kinds` and
    /// `within`, whatever page is asked for.
    #[graphql(complexity = "crate::api::heavy::SEARCH_COST")]
    async fn search_count(
        &self,
        ctx: &Context<'_>,
        text: String,
        kinds: Option<Vec<NodeKind>>,
        within: Option<ID>,
    ) -> Result<usize> {
        let g = crate::api::graph(ctx);
        Ok(search_hits(&g, text, kinds, within, usize::MAX)
            .await?
            .len())
    }

    /// Record counts, overall and by node kind.
    async fn counts(&self, ctx: &Context<'_>) -> Counts {
        counts(&crate::api::graph(ctx))
    }
}

/// The best `limit` search hits, found on the blocking pool.
async fn search_hits(
    g: &Arc<Graph>,
    text: String,
    kinds: Option<Vec<NodeKind>>,
    within: Option<ID>,
    limit: usize,
) -> Result<Vec<crate::graph::Hit>> {
    let kinds: Vec<model::NodeKind> = kinds
        .unwrap_or_default()
        .into_iter()
        .map(Into::into)
        .collect();
    crate::api::heavy::offload(g.clone(), move |g| match within {
        Some(w) => g.search_within(&text, &kinds, &w, limit),
        None => g.search(&text, &kinds, limit),
    })
    .await
}
