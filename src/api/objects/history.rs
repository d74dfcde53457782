//! The change log's objects: a change set (who, when, why), its entries
//! (each record before and after, and the fields that changed), and a
//! record's history (its versions, newest first, each with its change set).
//! Every read is bounded by the snapshot it belongs to (`Graph::log_seq`):
//! a reader never sees a change set its snapshot lacks.

use std::sync::Arc;

use async_graphql::{Context, Enum, Json, Object, Result, SimpleObject, ID};

use crate::api::leaves::errors::{invalid, service_error};
use crate::api::leaves::pagination::{list_cost, MAX_PAGE};
use crate::api::leaves::time::format_ms;
use crate::graph::Graph;
use crate::model::{self, EntryKind};

/// One committed write: its number, time, author and why.
#[derive(Clone)]
pub struct ChangeSet {
    pub g: Arc<Graph>,
    pub set: model::ChangeSet,
}

#[Object]
impl ChangeSet {
    /// Its number: 1 for the first write, one more for each after.
    async fn seq(&self) -> u64 {
        self.set.seq
    }
    /// When it was committed: RFC 3339, UTC, with milliseconds.
    async fn time(&self) -> String {
        format_ms(self.set.time_ms)
    }
    /// Who wrote it: a token's name, `cli:…` for the command line, `seed`.
    async fn actor(&self) -> &str {
        &self.set.actor
    }
    /// Why, as the writer said (the mutation's `comment`).
    async fn comment(&self) -> Option<&str> {
        self.set.comment.as_deref()
    }
    /// The source the writer named for the change as a whole.
    async fn source(&self) -> Option<ID> {
        self.set.source.as_ref().map(|s| ID(s.to_string()))
    }
    /// What kind of write: `write`, `import`, `revert`, `merge`, `seed`.
    async fn op(&self) -> &str {
        &self.set.op
    }
    /// How many records it changed.
    async fn records(&self) -> u64 {
        self.set.records
    }
    /// The change set this one reverts, when it is a revert.
    async fn reverts(&self) -> Option<u64> {
        self.set.reverts
    }
    /// The records it changed, in the order written: `offset` skipped, then
    /// at most `first` (up to 1000); `entriesCount` counts them all.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn entries(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: Option<i32>,
        #[graphql(default = 0)] offset: Option<i32>,
    ) -> Result<Vec<ChangeEntry>> {
        let first = page_size("first", first, 50)?;
        let offset = offset.unwrap_or(0);
        if offset < 0 {
            return Err(invalid("offset", "must not be negative"));
        }
        let entries = crate::api::service(ctx)
            .change_entry_page(&self.g, self.set.seq, offset as usize, first)
            .map_err(service_error)?;
        Ok(entries.into_iter().map(ChangeEntry).collect())
    }
    /// How many records it changed (`entries` across all pages).
    async fn entries_count(&self) -> u64 {
        self.set.records
    }
}

/// What a change did to its record (a log entry, a subscription event).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ChangeKind {
    Created,
    Updated,
    Deleted,
}

/// One record a change set touched: before (null when created) and after
/// (null when deleted), in the import format, and the fields that changed.
pub struct ChangeEntry(pub model::LogEntry);

#[Object]
impl ChangeEntry {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// What the record is: a node kind (`person`), a relation kind
    /// (`attended`), `conflict` or `redirect`.
    async fn entity(&self) -> &str {
        self.0.entity()
    }
    async fn kind(&self) -> ChangeKind {
        match self.0.kind() {
            EntryKind::Created => ChangeKind::Created,
            EntryKind::Updated => ChangeKind::Updated,
            EntryKind::Deleted => ChangeKind::Deleted,
        }
    }
    /// The record before the change, in the import format.
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0.before.as_ref().map(|v| Json(v.to_json()))
    }
    /// The record after the change, in the import format.
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0.after.as_ref().map(|v| Json(v.to_json()))
    }
    /// The field-level diff: each top-level field whose value changed, with
    /// both values (every field, for a record created or deleted).
    async fn fields(&self) -> Vec<FieldChange> {
        self.0
            .fields()
            .into_iter()
            .map(|f| FieldChange {
                field: f.field,
                before: f.before.map(Json),
                after: f.after.map(Json),
            })
            .collect()
    }
}

/// One field an entry changed; a null side: the field was not set.
#[derive(SimpleObject)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<Json<serde_json::Value>>,
    pub after: Option<Json<serde_json::Value>>,
}

/// One version of a record: the change set that made it and its entry.
#[derive(SimpleObject)]
pub struct Revision {
    pub change_set: ChangeSet,
    pub entry: ChangeEntry,
}

/// A record's versions, newest first.
#[derive(SimpleObject)]
pub struct History {
    pub items: Vec<Revision>,
    /// Whether older versions remain: ask again with `before` set to the
    /// last item's change set.
    pub has_more: bool,
}

/// Checks a page size argument: 1 to [`MAX_PAGE`], `default` when absent.
pub fn page_size(field: &str, first: Option<i32>, default: usize) -> Result<usize> {
    match first {
        None => Ok(default),
        Some(f) if (1..=MAX_PAGE as i32).contains(&f) => Ok(f as usize),
        Some(_) => Err(invalid(field, format!("must be between 1 and {MAX_PAGE}"))),
    }
}

/// The history of record `id` as a reader of `g` sees it: at most `first`
/// versions made before change set `before`, newest first. A point read
/// per version (the history index), so it runs in place.
pub fn history(
    ctx: &Context<'_>,
    g: &Arc<Graph>,
    id: &str,
    first: Option<i32>,
    before: Option<u64>,
) -> Result<History> {
    let first = page_size("first", first, 20)?;
    let mut revs = crate::api::service(ctx)
        .history(g, id, before.unwrap_or(u64::MAX), first + 1)
        .map_err(service_error)?;
    let has_more = revs.len() > first;
    revs.truncate(first);
    Ok(History {
        items: revs
            .into_iter()
            .map(|r| Revision {
                change_set: ChangeSet {
                    g: g.clone(),
                    set: r.set,
                },
                entry: ChangeEntry(r.entry),
            })
            .collect(),
        has_more,
    })
}
