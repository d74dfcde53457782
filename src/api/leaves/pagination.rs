//! Relay cursor pagination over an ordered list; the cursor is the item's id,
//! so it stays valid when other items are added.

use async_graphql::connection::{self, Connection, Edge};
use async_graphql::{OutputType, Result, SimpleObject};

use crate::api::leaves::errors::invalid;

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: usize = 50;
/// The largest page one request may ask for.
pub const MAX_PAGE: usize = 1000;

/// Complexity of a list field: its children's cost times the page size
/// asked for (the default page when none is given).
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let n = first
        .or(last)
        .unwrap_or(DEFAULT_PAGE as i32)
        .clamp(0, MAX_PAGE as i32) as usize;
    n.max(1) * child_complexity + 1
}

/// Extra connection fields.
#[derive(SimpleObject)]
pub struct Totals {
    /// How many items match, across all pages.
    pub total_count: usize,
}

pub type Page<T> = Connection<String, T, Totals>;

/// An ordered list a page is cut from without building all of it: its
/// length, where a cursor (an item's id) sits, and the items in a range.
pub trait Ranked<T> {
    fn total(&self) -> usize;
    fn position(&self, cursor: &str) -> Option<usize>;
    fn items(self, start: usize, end: usize) -> Vec<(String, T)>;
}

impl<T> Ranked<T> for Vec<(String, T)> {
    fn total(&self) -> usize {
        self.len()
    }
    fn position(&self, cursor: &str) -> Option<usize> {
        self.iter().position(|(k, _)| k == cursor)
    }
    fn items(self, start: usize, end: usize) -> Vec<(String, T)> {
        self.into_iter().skip(start).take(end - start).collect()
    }
}

/// One page of `items` (already filtered and ordered), keyed by id.
pub async fn paginate<T: OutputType>(
    items: Vec<(String, T)>,
    after: Option<String>,
    before: Option<String>,
    first: Option<i32>,
    last: Option<i32>,
) -> Result<Page<T>> {
    paginate_ranked(items, after, before, first, last).await
}

/// One page of a [`Ranked`] list, keyed by id.
pub async fn paginate_ranked<T: OutputType>(
    items: impl Ranked<T>,
    after: Option<String>,
    before: Option<String>,
    first: Option<i32>,
    last: Option<i32>,
) -> Result<Page<T>> {
    for (name, v) in [("first", first), ("last", last)] {
        if v.is_some_and(|v| v as usize > MAX_PAGE) {
            return Err(invalid(name, format!("at most {MAX_PAGE} items a page")));
        }
    }
    let first = if first.is_none() && last.is_none() {
        Some(DEFAULT_PAGE as i32)
    } else {
        first
    };
    connection::query(
        after,
        before,
        first,
        last,
        |after: Option<String>, before: Option<String>, first, last| async move {
            let pos = |c: &str, field: &str| {
                items
                    .position(c)
                    .ok_or_else(|| invalid(field, format!("unknown cursor `{c}`")))
            };
            let total = items.total();
            let mut start = 0;
            let mut end = total;
            if let Some(a) = after {
                start = pos(&a, "after")? + 1;
            }
            if let Some(b) = before {
                end = pos(&b, "before")?.max(start);
            }
            if let Some(f) = first {
                end = end.min(start + f);
            }
            if let Some(l) = last {
                start = start.max(end.saturating_sub(l));
            }
            let mut c = Connection::with_additional_fields(
                start > 0,
                end < total,
                Totals { total_count: total },
            );
            c.edges.extend(
                items
                    .items(start, end)
                    .into_iter()
                    .map(|(k, v)| Edge::new(k, v)),
            );
            Ok::<_, async_graphql::Error>(c)
        },
    )
    .await
}

/// Complexity of a nested list (`first`/`offset`): its children's cost times
/// `first`, or times [`MAX_PAGE`] when no `first` bounds it.
pub fn list_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let n = first.map_or(MAX_PAGE, |f| f.clamp(0, MAX_PAGE as i32) as usize);
    n.max(1) * child_complexity + 1
}

/// One slice of a nested list, in the list's own order: skip `offset` items,
/// then keep at most `first` (everything when `first` is not given).
pub fn slice<T>(items: Vec<T>, first: Option<i32>, offset: Option<i32>) -> Result<Vec<T>> {
    if first.is_some_and(|f| !(0..=MAX_PAGE as i32).contains(&f)) {
        return Err(invalid(
            "first",
            format!("must be between 0 and {MAX_PAGE}"),
        ));
    }
    if offset.is_some_and(|o| o < 0) {
        return Err(invalid("offset", "must not be negative"));
    }
    let skip = offset.unwrap_or(0) as usize;
    let take = first.map_or(usize::MAX, |f| f as usize);
    Ok(items.into_iter().skip(skip).take(take).collect())
}
