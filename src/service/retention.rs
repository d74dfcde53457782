//! How much of the change log a server keeps, and the task that compacts the
//! rest. Compaction removes old change sets and their entries, never records
//! (`Store::compact`), so the current state stays as it is; a subscriber
//! whose cursor it passes is told so (`FeedItem::Lagged`). The task runs off
//! the write path: it wakes when a change set is published (at most once a
//! second) and every minute for an age limit, and compacts on the blocking
//! pool.

use std::time::Duration;

use crate::store::{Store, StoreError};

use super::Service;

/// How much of the log to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Retention {
    /// Everything (the default).
    #[default]
    All,
    /// The latest this many change sets.
    Count(u64),
    /// Change sets committed within this long.
    Age(Duration),
}

impl std::str::FromStr for Retention {
    type Err = String;

    /// `all`, a count (`100000`), or an age: a number and `s`, `m`, `h` or `d` (`90d`).
    fn from_str(s: &str) -> Result<Retention, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") {
            return Ok(Retention::All);
        }
        let bad = || {
            format!(
                "`{s}` is not a retention: give `all`, a number of change sets (`100000`), \
                 or an age (`90d`, `12h`, `30m`, `45s`)"
            )
        };
        if let Ok(n) = s.parse::<u64>() {
            return Ok(Retention::Count(n));
        }
        let (num, unit) = s.split_at(s.len().saturating_sub(1));
        let n: u64 = num.parse().map_err(|_| bad())?;
        let secs = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return Err(bad()),
        };
        Ok(Retention::Age(Duration::from_secs(n.saturating_mul(secs))))
    }
}

impl Retention {
    /// The last change set to remove from a log whose latest (readable)
    /// change set is `upto`, at `now_ms` (0: none).
    pub fn through(self, store: &Store, upto: u64, now_ms: i64) -> Result<u64, StoreError> {
        Ok(match self {
            Retention::All => 0,
            Retention::Count(n) => upto.saturating_sub(n),
            Retention::Age(age) => {
                let cutoff = now_ms.saturating_sub(age.as_millis() as i64);
                // Kept: committed at or after the cutoff.
                store.seq_at(cutoff.saturating_sub(1), upto)?
            }
        })
    }

    /// Compacts what this retention does not keep; how many change sets went.
    pub fn apply(self, store: &Store, upto: u64, now_ms: i64) -> Result<u64, StoreError> {
        let through = self.through(store, upto, now_ms)?;
        if through <= store.compacted()? {
            return Ok(0);
        }
        store.compact(through)
    }
}

impl Service {
    /// Keeps the log to `retention` from now on, in a task of its own that
    /// ends when the service closes. `Retention::All` starts nothing.
    pub fn keep_log(&self, retention: Retention) {
        if retention == Retention::All {
            return;
        }
        let store = self.inner.store.clone();
        let mut published = self.inner.durable.log_seq();
        tokio::spawn(async move {
            loop {
                let upto = *published.borrow_and_update();
                let s = store.clone();
                let done = tokio::task::spawn_blocking(move || {
                    retention.apply(&s, upto, super::log::now_ms())
                })
                .await;
                match done {
                    Ok(Ok(0)) => {}
                    Ok(Ok(n)) => tracing::info!(removed = n, "log retention compacted the log"),
                    Ok(Err(e)) => tracing::error!(error = %e, "log retention failed"),
                    Err(e) => tracing::error!(error = %e, "log retention stopped"),
                }
                tokio::select! {
                    changed = published.changed() => if changed.is_err() { return },
                    _ = tokio::time::sleep(Duration::from_secs(60)) => {}
                }
                // Writes that come together are compacted together.
                tokio::time::sleep(Duration::from_secs(1)).await;
                if published.has_changed().is_err() {
                    return;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retention_is_all_a_count_or_an_age() {
        assert_eq!("all".parse(), Ok(Retention::All));
        assert_eq!("1000".parse(), Ok(Retention::Count(1000)));
        assert_eq!(
            "90d".parse(),
            Ok(Retention::Age(Duration::from_secs(90 * 86_400)))
        );
        assert_eq!(
            "12h".parse(),
            Ok(Retention::Age(Duration::from_secs(43_200)))
        );
        let err = "ten".parse::<Retention>().unwrap_err();
        assert!(err.contains("`ten` is not a retention"), "{err}");
        assert!("5w".parse::<Retention>().is_err());
    }

    #[tokio::test]
    async fn a_server_keeping_a_count_compacts_older_change_sets_and_no_record() {
        use crate::model::{Node, NodeId};
        use crate::service::{Change, Mode, Record};
        let dir = tempfile::tempdir().unwrap();
        let s = Service::open(dir.path()).unwrap();
        s.keep_log(Retention::Count(2));
        for n in 0..5 {
            let id = NodeId::parse(&format!("source:s{n}")).unwrap();
            let node = Record::Node(Node::new(id, "S"));
            s.write(vec![Change::Put(Mode::Create, node)])
                .await
                .unwrap();
        }
        // The task runs in the background: wait until it has finished, up to
        // 20 s. Its marker (`compacted`) moves before the removals, so
        // waiting for the marker alone races the removal of change set 3.
        for _ in 0..200 {
            let store = s.store();
            if store.compacted().unwrap() == 3 && store.change_set(3).unwrap().is_none() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(s.store().compacted().unwrap(), 3);
        assert!(s.store().change_set(3).unwrap().is_none());
        assert!(s.store().change_set(4).unwrap().is_some());
        assert_eq!(s.graph().node_count(), 5);
        assert!(s.store().verify().unwrap().is_empty());
    }
}
