//! Live updates: a GraphQL subscription announcing every record a committed
//! write created, updated or deleted, with the record itself, read from the
//! change log ([`Service::feed`](crate::service::Service::feed)). It can
//! resume: `after:` a change set number replays the log from there, then goes
//! live, with no gap and no duplicate at the seam. Served over WebSocket
//! (graphql-transport-ws) by the HTTP layer.

use async_graphql::{Context, Json, Result, SimpleObject, Subscription};
use futures_util::{Stream, StreamExt};

use crate::api::leaves::errors::{invalid, lagged, service_error};
/// The one `ChangeKind` of the schema, shared with the change log's entries.
pub use crate::api::objects::history::ChangeKind;
use crate::model::EntryKind;
use crate::service::FeedItem;

/// One record changed by a committed, durable write.
#[derive(SimpleObject, Clone)]
pub struct Change {
    /// The change set that changed it: pass the last one you have all of
    /// as `after:` to resume where you left off.
    pub seq: u64,
    /// Its place among the records its change set changed (from 0).
    pub index: u32,
    pub kind: ChangeKind,
    /// The record's id (`person:…`, `rel:…`, `conflict:…`).
    pub id: String,
    /// What it is: a node kind (`person`, `meeting` …), a relation kind
    /// (`attended`, `holds` …), `conflict` or `redirect`.
    pub entity: String,
    /// The record after the change (before it, for a delete), in the import
    /// format's form.
    pub record: Option<Json<serde_json::Value>>,
}

fn change(seq: u64, index: u32, entry: crate::model::LogEntry) -> Change {
    Change {
        seq,
        index,
        kind: match entry.kind() {
            EntryKind::Created => ChangeKind::Created,
            EntryKind::Updated => ChangeKind::Updated,
            EntryKind::Deleted => ChangeKind::Deleted,
        },
        entity: entry.entity().to_owned(),
        record: entry.latest().map(|v| Json(v.to_json())),
        id: entry.id,
    }
}

#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Every change after change set `after`, in log order, then each new one
    /// as it is committed; without `after`, only what comes next. With
    /// `entities`, only changes to those kinds (e.g. `["person",
    /// "attended"]`); with `ids`, only to those records. A subscriber that is
    /// slow is sent everything in order, never skipped. If its next change
    /// set is no longer in the log (compacted by retention or `attache log
    /// compact`), it gets one error with code `LAGGED` and extensions
    /// `missed` (that change set), `resumeAfter` and `oldest` (the oldest the
    /// log keeps), and the subscription ends.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        after: Option<u64>,
        entities: Option<Vec<String>>,
        ids: Option<Vec<String>>,
    ) -> Result<impl Stream<Item = Result<Change>>> {
        let service = crate::api::service(ctx);
        if let Some(after) = after {
            let latest = service.published_seq();
            if after > latest {
                return Err(invalid(
                    "after",
                    format!("change set {after} is not in the log yet: the latest is {latest}"),
                ));
            }
        }
        // Counted as open until the client ends it (the stream is dropped).
        let open = ctx
            .data_opt::<crate::metrics::Metrics>()
            .map(|m| m.subscription());
        Ok(service.feed(after).filter_map(move |item| {
            let _ = &open;
            let out = match item {
                Ok(FeedItem::Entry { seq, index, entry }) => {
                    let keep = entities
                        .as_ref()
                        .is_none_or(|k| k.iter().any(|k| k == entry.entity()))
                        && ids.as_ref().is_none_or(|i| i.contains(&entry.id));
                    keep.then(|| Ok(change(seq, index, entry)))
                }
                Ok(FeedItem::Lagged {
                    missed,
                    resume_after,
                }) => Some(Err(lagged(missed, resume_after))),
                Err(e) => Some(Err(service_error(e))),
            };
            async move { out }
        }))
    }
}
