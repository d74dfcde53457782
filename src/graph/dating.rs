//! When a holder held an office, as far as the evidence says: the bounds of
//! the start and of the end, each exact (recorded), bounded (by the holder's
//! own vague dates and sightings), inferred (from the neighbouring holders'
//! sightings) or unknown.

use super::evidence::{EvidenceKind, Held};
use crate::model::{Day, PartialDate};

/// How a tenure's start or end is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dating {
    /// Nothing bounds it.
    Unknown,
    /// A bound comes from the neighbouring holders' evidence (an office is
    /// held by one person at a time).
    Inferred,
    /// The holder's own record or evidence bounds it, not to a date.
    Bounded,
    /// Recorded as a date (at that date's precision).
    Exact,
}

/// The days a tenure's start or end may fall on, and how that is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub earliest: Option<Day>,
    pub latest: Option<Day>,
    pub dating: Dating,
}

/// When a holder held the office, as far as the evidence says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenureDates {
    pub start: Bounds,
    pub end: Bounds,
}

impl TenureDates {
    /// The weaker of the two ends.
    pub fn dating(&self) -> Dating {
        self.start.dating.min(self.end.dating)
    }

    /// Whether the holder may have held the office on `d`.
    pub fn may_cover(&self, d: &PartialDate) -> bool {
        self.start.earliest.is_none_or(|s| s <= d.latest())
            && self.end.latest.is_none_or(|e| e >= d.earliest())
    }
}

/// When holder `i` of `chain` held the office: recorded start and end are
/// exact; else their own vague dates and sightings bound them; else the last
/// sighting of the holder before and the first of the one after do (an
/// office is held by one person at a time, acting holders aside).
pub fn tenure_dates(chain: &[Held], i: usize) -> TenureDates {
    let h = &chain[i];
    let other = |o: &&Held| o.person != h.person && !o.acting && !h.acting;
    let prev = chain[..i].iter().rev().find(other);
    let next = chain[i + 1..].iter().find(other);
    let start = match h.start {
        Some(s) => Bounds {
            earliest: Some(s.earliest()),
            latest: Some(s.latest()),
            dating: Dating::Exact,
        },
        None => {
            let own = h.placing().map(|e| e.date.latest()).min();
            let before = prev.and_then(|p| p.last()).map(|e| e.until.earliest());
            Bounds {
                earliest: before,
                latest: own,
                dating: dating(own.is_some(), before.is_some()),
            }
        }
    };
    let end = match h.end {
        Some(e) => Bounds {
            earliest: Some(e.earliest()),
            latest: Some(e.latest()),
            dating: Dating::Exact,
        },
        None => {
            let own_after = h
                .placing()
                .map(|e| match e.kind {
                    EvidenceKind::EndAfter => e.date.latest(),
                    _ => e.until.earliest(),
                })
                .max();
            let own_before = h
                .evidence
                .iter()
                .filter(|e| e.kind == EvidenceKind::EndBefore)
                .map(|e| e.date.earliest())
                .min();
            let after = next.and_then(|n| n.first()).map(|e| e.date.latest());
            let inferred = own_before.is_none() && after.is_some();
            Bounds {
                earliest: own_after,
                latest: own_before.or(after),
                dating: dating(own_after.is_some() || own_before.is_some(), inferred),
            }
        }
    };
    TenureDates { start, end }
}

fn dating(own: bool, inferred: bool) -> Dating {
    match (own, inferred) {
        (_, true) => Dating::Inferred,
        (true, false) => Dating::Bounded,
        (false, false) => Dating::Unknown,
    }
}
