//! Live updates: a GraphQL subscription announcing every record a committed
//! write created, updated or deleted, filterable by kind. Served over
//! WebSocket (graphql-transport-ws) by the HTTP layer.

use async_graphql::{Context, SimpleObject, Subscription};
use futures_util::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;

/// The one `ChangeKind` of the schema, shared with the change log's entries.
pub use crate::api::objects::history::ChangeKind;
use crate::service::{Event, EventKind};

/// One record changed by a committed, durable write.
#[derive(SimpleObject, Clone)]
pub struct Change {
    pub kind: ChangeKind,
    /// The record's id (`person:…`, `rel:…`, `conflict:…`).
    pub id: String,
    /// What it is: a node kind (`person`, `meeting` …), a relation kind
    /// (`attended`, `holds` …) or `conflict`.
    pub entity: String,
}

impl From<Event> for Change {
    fn from(e: Event) -> Self {
        Change {
            kind: match e.kind {
                EventKind::Created => ChangeKind::Created,
                EventKind::Updated => ChangeKind::Updated,
                EventKind::Deleted => ChangeKind::Deleted,
            },
            id: e.id,
            entity: e.entity,
        }
    }
}

#[derive(Default)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Every change after subscribing; with `entities`, only changes to those
    /// kinds (e.g. `["person", "attended"]`); with `ids`, only to those records.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        entities: Option<Vec<String>>,
        ids: Option<Vec<String>>,
    ) -> impl Stream<Item = Change> {
        let rx = crate::api::service(ctx).subscribe();
        BroadcastStream::new(rx).filter_map(move |e| {
            // A subscriber that falls behind skips what it missed (Lagged).
            let keep = e.ok().filter(|e| {
                entities.as_ref().is_none_or(|k| k.contains(&e.entity))
                    && ids.as_ref().is_none_or(|i| i.contains(&e.id))
            });
            async move { keep.map(Change::from) }
        })
    }
}
