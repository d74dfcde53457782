//! A node left behind the trimmed stream: one whose next change set is no
//! longer in the stream (it was down, or frozen, for more than
//! `--cluster-retain` change sets, and the stream was trimmed behind a
//! newer snapshot). It recovers by itself, at start ([`at_start`], before
//! the service opens the store) or while running ([`while_running`], from
//! the applier): its store is copied aside into
//! `<data>/store.behind-<applied>-<unix seconds>` (never deleted; a warning
//! names it), the store's contents are replaced by the newest snapshot, and
//! the applier replays the stream from the snapshot's change set. Running,
//! the node is not ready meanwhile, `/health` says why, and local writes
//! are refused `UNAVAILABLE`. With no snapshot new enough it says so
//! ([`ClusterError::TooFarBehind`]) and leaves the store as it is.
//!
//! [`next_step`] is the decision, from where the node and the stream stand.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::stream::Conn;
use super::{snapshot, Cluster, ClusterError};
use crate::store::Store;

/// What a node that applied the stream up to some change set does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The stream holds the next change set: replay from there.
    Replay,
    /// The next change set was trimmed: copy the store aside and start over
    /// from this snapshot.
    Recover(u64),
    /// The next change set was trimmed and no snapshot is new enough.
    NoSnapshot,
    /// The node applied more than the stream holds (a recreated stream).
    Ahead,
}

/// Where a node that applied up to `applied` goes, against a stream that
/// holds `first..=last` (`first` is `last + 1` when it holds nothing) and
/// a bucket whose newest snapshot is `newest`.
pub fn next_step(applied: u64, first: u64, last: u64, newest: Option<u64>) -> Next {
    if applied > last {
        return Next::Ahead;
    }
    if applied + 1 >= first {
        return Next::Replay;
    }
    match newest {
        Some(s) if s > applied && s + 1 >= first => Next::Recover(s),
        _ => Next::NoSnapshot,
    }
}

/// How long reading a snapshot from the bucket may take.
const READ_PATIENCE: Duration = Duration::from_secs(60);

/// Where the old store of a node that applied up to `applied` is kept.
fn aside_dir(dir: &Path, applied: u64) -> PathBuf {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    dir.join(format!("store.behind-{applied}-{secs}"))
}

/// Reads snapshot `seq`, bounded.
async fn read(conn: &Conn, seq: u64) -> Result<snapshot::Snapshot, ClusterError> {
    tokio::time::timeout(READ_PATIENCE, snapshot::read(conn, seq))
        .await
        .map_err(|_| ClusterError::Snapshot {
            name: snapshot::name_of(seq),
            reason: format!("not read within {READ_PATIENCE:?}"),
        })?
}

/// The decision for a store that applied up to `applied`, with the stream
/// and the bucket as they are now.
async fn decide(conn: &Conn, applied: u64) -> Result<(Next, u64, u64), ClusterError> {
    let state = conn.state().await?;
    let last = state.last_sequence;
    let first = state.first_sequence.max(1).min(last + 1);
    if applied + 1 >= first && applied <= last {
        return Ok((Next::Replay, first, last));
    }
    let newest = snapshot::list(conn).await?.last().copied();
    Ok((next_step(applied, first, last, newest), first, last))
}

fn refusal(next: Next, dir: &Path, applied: u64, first: u64, last: u64) -> ClusterError {
    match next {
        Next::Ahead => ClusterError::AheadOfStream {
            path: dir.to_owned(),
            applied,
            last,
        },
        _ => ClusterError::TooFarBehind {
            path: dir.to_owned(),
            applied,
            first,
        },
    }
}

/// At start, the store in `dir` (open as `store`) applied up to `applied`:
/// replays (nothing to do), recovers from the newest snapshot, or refuses.
pub async fn at_start(
    conn: &Conn,
    store: &Store,
    dir: &Path,
    applied: u64,
) -> Result<(), ClusterError> {
    let (next, first, last) = decide(conn, applied).await?;
    let Next::Recover(seq) = next else {
        return match next {
            Next::Replay => Ok(()),
            _ => Err(refusal(next, dir, applied, first, last)),
        };
    };
    let snap = read(conn, seq).await?;
    let (store, aside) = (store.clone(), aside_dir(dir, applied));
    let kept = aside.clone();
    blocking(seq, move || {
        store.copy_to(&kept)?;
        store.replace_with_snapshot(snap.into_contents(), seq)?;
        Ok(())
    })
    .await?;
    warn_moved(&aside, applied, first, seq);
    Ok(())
}

/// From the applier, once its consumer failed: if this node's next change
/// set was trimmed, recovers from the newest snapshot (see the module doc)
/// or, with none new enough, says so on `/health` and in the log. Returns
/// whether the store was replaced.
/// `applied` is the last change set the store holds.
pub async fn while_running(conn: &Conn, cluster: &Cluster, dir: &Path, applied: u64) -> bool {
    let (next, first, last) = match decide(conn, applied).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "cannot tell whether the stream still holds this node's next change set");
            return false;
        }
    };
    let seq = match next {
        Next::Replay => {
            cluster.set_problem(None);
            return false;
        }
        Next::Recover(seq) => seq,
        Next::NoSnapshot | Next::Ahead => {
            let e = refusal(next, dir, applied, first, last);
            tracing::warn!(error = %e, "this node cannot catch up with the stream");
            cluster.set_problem(Some(e.to_string()));
            return false;
        }
    };
    cluster.set_recovering(Some(seq));
    let done = replace_running(conn, cluster, dir, (applied, first), seq).await;
    if let Err(e) = &done {
        tracing::warn!(error = %e, seq, "recovering from the snapshot failed; the applier tries again");
        cluster.set_problem(Some(format!("recovering from snapshot {seq} failed: {e}")));
    } else {
        cluster.set_problem(None);
        cluster.polled_last(last);
    }
    cluster.set_recovering(None);
    done.is_ok()
}

async fn replace_running(
    conn: &Conn,
    cluster: &Cluster,
    dir: &Path,
    (applied, first): (u64, u64),
    seq: u64,
) -> Result<(), ClusterError> {
    let snap = read(conn, seq).await?;
    let service = cluster.service().clone();
    let aside = aside_dir(dir, applied);
    let kept = aside.clone();
    blocking(seq, move || {
        service.store().copy_to(&kept)?;
        service.replace_with_snapshot(snap.into_contents(), seq)?;
        Ok(())
    })
    .await?;
    warn_moved(&aside, applied, first, seq);
    cluster.set_recovered(format!(
        "recovered from snapshot at seq {seq} (this node had applied up to {applied}; the stream started at {first}); the old store is kept in {}",
        aside.display()
    ));
    // Readers see the snapshot once it is flushed and published.
    cluster
        .service()
        .wait_applied(seq, Duration::from_secs(30))
        .await;
    Ok(())
}

async fn blocking(
    seq: u64,
    f: impl FnOnce() -> Result<(), ClusterError> + Send + 'static,
) -> Result<(), ClusterError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ClusterError::Snapshot {
            name: snapshot::name_of(seq),
            reason: e.to_string(),
        })?
}

fn warn_moved(aside: &Path, applied: u64, first: u64, seq: u64) {
    tracing::warn!(
        kept = %aside.display(),
        applied,
        stream_first = first,
        snapshot = seq,
        "this node applied the shared log up to change set {applied}, but the stream now starts at {first}: its old store was copied to {} and replaced by snapshot {seq}; the rest is replayed from the stream",
        aside.display()
    );
}

#[cfg(test)]
mod tests {
    use super::{next_step, Next};

    #[test]
    fn a_node_whose_next_change_set_is_in_the_stream_replays() {
        assert_eq!(next_step(40, 41, 90, Some(80)), Next::Replay);
        assert_eq!(next_step(90, 91, 90, None), Next::Replay);
        assert_eq!(next_step(0, 1, 0, None), Next::Replay);
    }

    #[test]
    fn a_node_whose_next_change_set_was_trimmed_recovers_from_the_newest_snapshot() {
        assert_eq!(next_step(10, 41, 90, Some(80)), Next::Recover(80));
        assert_eq!(next_step(10, 41, 90, Some(40)), Next::Recover(40));
    }

    #[test]
    fn a_snapshot_older_than_the_stream_or_the_node_is_no_way_back() {
        assert_eq!(next_step(10, 41, 90, Some(30)), Next::NoSnapshot);
        assert_eq!(next_step(10, 41, 90, None), Next::NoSnapshot);
        assert_eq!(next_step(10, 12, 90, Some(8)), Next::NoSnapshot);
    }

    #[test]
    fn a_node_ahead_of_the_stream_is_refused() {
        assert_eq!(next_step(50, 1, 20, Some(20)), Next::Ahead);
        assert_eq!(next_step(5, 1, 0, None), Next::Ahead);
    }
}
