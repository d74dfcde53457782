//! The change log's query fields: `history(id:)` for any record, deleted
//! ones too; `changes`, the log itself, paged and filtered; and the `asOf`
//! argument of the lookups, which answers from the log.

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use crate::api::leaves::errors::{invalid, service_error};
use crate::api::leaves::pagination::list_cost;
use crate::api::leaves::time::parse_time;
use crate::api::objects::history::{history, page_size, ChangeSet, History};
use crate::graph::Graph;
use crate::model::{self, NodeId};

/// What a `changes` read costs beyond its page: it may scan the log.
pub const LOG_SCAN_COST: usize = 50;

/// A point of the change log: exactly one of a change set's number or a
/// time (RFC 3339, or a date for the end of that UTC day).
#[derive(InputObject, Clone)]
pub struct AsOf {
    /// Right after this change set.
    pub seq: Option<u64>,
    /// At this time: right after the last change set committed by then.
    pub time: Option<String>,
}

/// One page of the change log.
#[derive(SimpleObject)]
pub struct ChangeSetPage {
    /// Oldest first (newest first with `newestFirst`).
    pub items: Vec<ChangeSet>,
    /// Whether more change sets match: ask again with `after: last` (with
    /// `newestFirst`, `before: last`).
    pub has_more: bool,
    /// Where the read stopped: the last item's number when `hasMore`, else
    /// the last change set the read looked at (with `newestFirst`, the
    /// oldest). Give it as `after` (`before`) to go on.
    pub last: Option<u64>,
}

/// The change log's query fields.
#[derive(Default)]
pub struct HistoryQuery;

#[Object]
impl HistoryQuery {
    /// The versions of any record (node, relation, conflict, redirect),
    /// deleted ones included, newest first, each with its change set: at
    /// most `first` (up to 1000) made before change set `before`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default = 20)] first: Option<i32>,
        before: Option<u64>,
    ) -> Result<History> {
        history(ctx, &crate::api::graph(ctx), &id, first, before)
    }

    /// The change log, oldest first: change sets after `after`, at most
    /// `first` (up to 1000), kept by every filter given: `actor` (exactly),
    /// `entity` (a change set touching a record of that kind: a node kind
    /// such as `person`, a relation kind such as `attended`, `conflict`),
    /// `id` (a change set touching that record), `from` and `to` (times,
    /// RFC 3339 or dates, both ends included), `before` (change sets
    /// numbered below it). With `newestFirst`, the newest come first: a
    /// "recent changes" list pages back with `before: last`.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "LOG_SCAN_COST + list_cost(first, child_complexity)")]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Some(0)")] after: Option<u64>,
        #[graphql(default = 50)] first: Option<i32>,
        actor: Option<String>,
        entity: Option<String>,
        id: Option<ID>,
        from: Option<String>,
        to: Option<String>,
        before: Option<u64>,
        #[graphql(default = false)] newest_first: bool,
    ) -> Result<ChangeSetPage> {
        let first = page_size("first", first, 50)?;
        if let Some(e) = &entity {
            check_entity(e)?;
        }
        let from = from.map(|t| parse_time("from", &t)).transpose()?;
        let to = to.map(|t| parse_time("to", &t)).transpose()?;
        let service = crate::api::service(ctx).clone();
        let g = crate::api::graph(ctx);
        let after = after.unwrap_or(0);
        let read = crate::api::heavy::offload(g.clone(), move |g| {
            // The time window narrows the range by binary search first.
            let mut after = after;
            if let Some((start, _)) = from {
                after = after.max(service.seq_at(g, start - 1)?);
            }
            let mut upto = match to {
                Some((_, end)) => service.seq_at(g, end)?,
                None => g.log_seq(),
            };
            if let Some(b) = before {
                upto = upto.min(b.saturating_sub(1));
            }
            let sets = service.change_sets_within(
                g,
                after,
                upto,
                id.as_ref().map(|i| i.as_str()),
                first + 1,
                newest_first,
                |set| {
                    actor.as_ref().is_none_or(|a| *a == set.actor)
                        && entity.as_ref().is_none_or(|e| {
                            service
                                .change_entries(g, set.seq)
                                .is_ok_and(|es| es.iter().any(|x| x.entity() == e))
                        })
                },
            )?;
            let end = if newest_first {
                after.saturating_add(1).min(upto.max(after))
            } else {
                upto.max(after)
            };
            Ok::<_, crate::service::ServiceError>((sets, end))
        })
        .await?
        .map_err(service_error)?;
        let (mut sets, end) = read;
        let has_more = sets.len() > first;
        sets.truncate(first);
        let last = if has_more {
            sets.last().map(|s| s.seq)
        } else {
            Some(end)
        };
        Ok(ChangeSetPage {
            items: sets
                .into_iter()
                .map(|set| ChangeSet { g: g.clone(), set })
                .collect(),
            has_more,
            last,
        })
    }

    /// One change set by number; null when the log does not hold it.
    async fn change_set(&self, ctx: &Context<'_>, seq: u64) -> Result<Option<ChangeSet>> {
        let g = crate::api::graph(ctx);
        let set = crate::api::service(ctx)
            .change_set(&g, seq)
            .map_err(service_error)?;
        Ok(set.map(|set| ChangeSet { g, set }))
    }
}

/// Refuses an `entity` no record can be.
fn check_entity(e: &str) -> Result<()> {
    if model::NodeKind::from_prefix(e).is_some()
        || model::RelKind::from_name(e).is_some()
        || e == "conflict"
        || e == "redirect"
    {
        return Ok(());
    }
    Err(invalid(
        "entity",
        format!(
            "`{e}` is not a node kind (`person`, `meeting`, …), a relation kind \
             (`attended`, `chaired`, …), `conflict` or `redirect`"
        ),
    ))
}

/// The change set an `asOf` names, for a reader of `g`: INVALID_INPUT
/// naming `asOf` unless exactly one of `seq` and `time` is given, or when
/// it is before the log's compaction horizon.
fn as_of_seq(ctx: &Context<'_>, g: &Graph, at: &AsOf) -> Result<u64> {
    let service = crate::api::service(ctx);
    let compacted = service.log_compacted().map_err(service_error)?;
    let seq = match (at.seq, &at.time) {
        (Some(seq), None) => seq,
        (None, Some(time)) => {
            let (_, end) = parse_time("asOf", time)?;
            let seq = service.seq_at(g, end).map_err(service_error)?;
            if seq == compacted && compacted > 0 {
                return Err(invalid(
                    "asOf",
                    format!(
                        "{time} may be before change set {compacted}, the log's \
                         compaction horizon: what was then is no longer in the log"
                    ),
                ));
            }
            seq
        }
        _ => return Err(invalid("asOf", "give exactly one of `seq` and `time`")),
    };
    if seq < compacted {
        return Err(invalid(
            "asOf",
            format!(
                "change set {seq} is before {compacted}, the log's compaction horizon: \
                 what was then is no longer in the log"
            ),
        ));
    }
    Ok(seq)
}

/// The snapshot a lookup `asOf` reads: node `id` as it was then, with its
/// relations and their ends as they were (see `Service::graph_as_of`), and
/// the id the node has in it (a redirect's survivor); `None` when it did
/// not exist then. The log reads run on the blocking pool.
pub async fn as_of_graph(
    ctx: &Context<'_>,
    id: &str,
    at: &AsOf,
) -> Result<Option<(Arc<Graph>, NodeId)>> {
    let g = crate::api::graph(ctx);
    let seq = as_of_seq(ctx, &g, at)?;
    let service = crate::api::service(ctx).clone();
    let id = id.to_owned();
    let small = crate::api::heavy::offload(g, move |g| service.graph_as_of(g, &id, seq))
        .await?
        .map_err(service_error)?;
    Ok(small.map(|(g, id)| (Arc::new(g), id)))
}
