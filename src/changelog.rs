//! `attache log`: the change log on the command line. Lists change sets
//! (newest first, filtered by number, actor or record), shows one with its
//! entries, exports them as JSON lines (one change set with its entries a
//! line, oldest first, to replay), and compacts the log, checking afterwards
//! that the store still verifies. `main` only parses and calls these.

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::model::instant::days_from_civil;
use crate::model::{ChangeSet, EntryKind, LogEntry};
use crate::service::{Service, ServiceError};

/// Which change sets to list.
#[derive(Debug, Clone, Default)]
pub struct Select {
    /// Only those after this number.
    pub after: u64,
    /// At most this many.
    pub limit: Option<usize>,
    pub actor: Option<String>,
    /// Only those that touched this record.
    pub id: Option<String>,
}

/// The change sets `select` picks, newest first (or oldest first).
pub fn select(
    service: &Service,
    select: &Select,
    newest_first: bool,
) -> Result<Vec<ChangeSet>, ServiceError> {
    let store = service.store();
    let upto = service.graph().log_seq();
    let limit = select.limit.unwrap_or(usize::MAX);
    let actor_ok = |s: &ChangeSet| select.actor.as_ref().is_none_or(|a| *a == s.actor);
    let mut out = Vec::new();
    if let Some(id) = &select.id {
        // The record's history index, newest first.
        for (seq, _) in store.history(id, u64::MAX, upto, usize::MAX)? {
            if seq <= select.after {
                break;
            }
            match store.change_set(seq)? {
                Some(set) if actor_ok(&set) => out.push(set),
                _ => {}
            }
        }
        if !newest_first {
            out.reverse();
        }
        out.truncate(limit);
        return Ok(out);
    }
    let sets = store.change_sets(select.after, upto);
    let sets: Box<dyn Iterator<Item = _>> = if newest_first {
        Box::new(sets.rev())
    } else {
        Box::new(sets)
    };
    for set in sets {
        let set = set?;
        if actor_ok(&set) {
            out.push(set);
            if out.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}

/// One line per change set: number, time, actor, kind of write, records, comment.
pub fn render_list(sets: &[ChangeSet]) -> String {
    let mut out = String::new();
    for s in sets {
        let _ = write!(
            out,
            "{:>7}  {}  {}  {}  {} record(s)",
            s.seq,
            rfc3339(s.time_ms),
            s.actor,
            s.op,
            s.records
        );
        if let Some(r) = s.reverts {
            let _ = write!(out, "  reverts {r}");
        }
        if let Some(c) = &s.comment {
            let _ = write!(out, "  — {c}");
        }
        out.push('\n');
    }
    out
}

/// A change set and each record it touched, as text.
pub fn render_show(set: &ChangeSet, entries: &[LogEntry]) -> String {
    let mut out = render_list(std::slice::from_ref(set));
    if let Some(source) = &set.source {
        let _ = writeln!(out, "  source: {source}");
    }
    for e in entries {
        let _ = writeln!(out, "  {:<8} {} ({})", kind(e.kind()), e.id, e.entity());
    }
    out
}

fn kind(k: EntryKind) -> &'static str {
    match k {
        EntryKind::Created => "created",
        EntryKind::Updated => "updated",
        EntryKind::Deleted => "deleted",
    }
}

/// A change set with its entries as one JSON object (a line of the export).
pub fn to_json(set: &ChangeSet, entries: &[LogEntry]) -> Value {
    let entries: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "entity": e.entity(),
                "kind": kind(e.kind()),
                "before": e.before.as_ref().map(|v| v.to_json()),
                "after": e.after.as_ref().map(|v| v.to_json()),
            })
        })
        .collect();
    json!({
        "seq": set.seq,
        "time": rfc3339(set.time_ms),
        "actor": set.actor,
        "comment": set.comment,
        "source": set.source,
        "op": set.op,
        "records": set.records,
        "reverts": set.reverts,
        "entries": entries,
    })
}

/// Writes each change set with its entries as a JSON line to `out`.
pub fn export(
    service: &Service,
    sets: &[ChangeSet],
    out: &mut impl std::io::Write,
) -> Result<(), ServiceError> {
    let upto = service.graph().log_seq();
    for set in sets {
        let entries = if set.seq <= upto {
            service.store().entries(set.seq)?
        } else {
            Vec::new()
        };
        let line = to_json(set, &entries).to_string();
        writeln!(out, "{line}").map_err(|e| ServiceError::Internal(e.to_string()))?;
    }
    Ok(())
}

/// What to compact.
#[derive(Debug, Clone, Copy)]
pub enum Compact {
    /// Keep the latest this many change sets.
    Keep(u64),
    /// Remove those committed before this time (ms since 1970).
    Before(i64),
}

/// What a compaction did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compacted {
    pub removed: u64,
    /// The log now keeps the change sets after this one…
    pub through: u64,
    /// …up to this one.
    pub last: u64,
}

/// Compacts the log as `what` says, then verifies the store (records,
/// indexes, the log against the records): a problem fails the command.
pub fn compact(service: &Service, what: Compact) -> Result<Compacted, ServiceError> {
    let store = service.store();
    let last = service.graph().log_seq();
    let through = match what {
        Compact::Keep(n) => last.saturating_sub(n),
        Compact::Before(t) => store.seq_at(t.saturating_sub(1), last)?,
    };
    let done = store.compacted()?;
    let removed = if through > done {
        store.compact(through)?
    } else {
        0
    };
    let problems = store.verify()?;
    if !problems.is_empty() {
        return Err(ServiceError::Internal(format!(
            "the store does not verify after compaction:\n  {}",
            problems.join("\n  ")
        )));
    }
    Ok(Compacted {
        removed,
        through: through.max(done),
        last,
    })
}

/// Milliseconds since 1970 as RFC 3339 in UTC, to the millisecond.
pub use crate::model::instant::format_ms as rfc3339;

/// A time given on the command line: `YYYY-MM-DD` (midnight UTC) or RFC 3339
/// in UTC (`2026-11-30T12:00:00Z`, seconds and a fraction optional).
pub fn parse_time(s: &str) -> Result<i64, String> {
    let bad = || format!("`{s}` is not a time: write YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.mmm]]Z");
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t.strip_suffix('Z').ok_or_else(bad)?)),
        None => (s, None),
    };
    let num = |p: &str| p.parse::<i64>().map_err(|_| bad());
    let parts: Vec<&str> = date.split('-').collect();
    let [y, m, d] = parts[..] else {
        return Err(bad());
    };
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    let mut ms = days_from_civil(y, m, d) * 86_400_000;
    if let Some(t) = time {
        let (hms, frac) = t.split_once('.').unwrap_or((t, "0"));
        let f: Vec<&str> = hms.split(':').collect();
        let (h, min, sec) = match f[..] {
            [h, m] => (num(h)?, num(m)?, 0),
            [h, m, s] => (num(h)?, num(m)?, num(s)?),
            _ => return Err(bad()),
        };
        if h > 23 || min > 59 || sec > 60 {
            return Err(bad());
        }
        let milli: String = frac.chars().chain("000".chars()).take(3).collect();
        let milli = num(&milli)?;
        ms += ((h * 60 + min) * 60 + sec) * 1000 + milli;
    }
    Ok(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_and_parse_as_rfc_3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        let t = parse_time("2026-11-30T12:34:56.789Z").unwrap();
        assert_eq!(rfc3339(t), "2026-11-30T12:34:56.789Z");
        assert_eq!(
            rfc3339(parse_time("2024-02-29").unwrap()),
            "2024-02-29T00:00:00.000Z"
        );
        assert_eq!(
            parse_time("2026-11-30T12:00Z").unwrap() % 86_400_000,
            43_200_000
        );
        assert!(parse_time("30/11/2026").unwrap_err().contains("not a time"));
        assert!(parse_time("2026-13-01").is_err());
    }
}
