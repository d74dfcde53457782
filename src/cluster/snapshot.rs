//! Snapshots in the JetStream object store, and the trim of the stream.
//!
//! Every [`ClusterConfig::snapshot_every`](super::ClusterConfig) change sets
//! a node writes the records of its published graph (consistent at one
//! applied sequence) as `snapshot-<seq>` in the bucket, unless a recent one
//! is there already. The newest [`ClusterConfig::snapshots_kept`] are kept;
//! the stream is purged up to the oldest kept, so a node that starts from
//! that snapshot finds every change set after it in the stream; the large
//! change sets kept as objects up to there go too. The purge never comes
//! nearer the stream's head than [`ClusterConfig::retain`] change sets
//! ([`trim_floor`]): a running node that fell behind (its NATS server died
//! under it) or a node down for a while must still find its next change
//! set. Trimming right behind the snapshots once left such a node
//! restarting its consumer forever ("the stream skipped from N to M").
//!
//! A node behind the trimmed stream recovers from the newest snapshot
//! ([`super::recover`]).
//!
//! A node whose store is empty loads the newest snapshot, if there is one,
//! into its store before the service opens it ([`prepare_store`]), and
//! replays only what follows; the log of such a node starts after the
//! snapshot (as if compacted up to it). With no snapshot it replays the
//! stream from 1, which it can only while the stream is untrimmed.

use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncReadExt;

use super::stream::Conn;
use super::{Cluster, ClusterError};
use crate::graph::Graph;
use crate::model::{Conflict, Node, NodeId, Relation};
use crate::store::{Contents, Store};

/// The records at one applied sequence.
#[derive(Debug, Serialize, Deserialize)]
pub struct Snapshot {
    pub seq: u64,
    pub nodes: Vec<Node>,
    pub relations: Vec<Relation>,
    pub conflicts: Vec<Conflict>,
    pub redirects: Vec<(NodeId, NodeId)>,
}

impl Snapshot {
    /// The records of `g`, at its applied sequence.
    pub fn of(g: &Graph) -> Snapshot {
        Snapshot {
            seq: g.log_seq(),
            nodes: g.all_nodes().map(|n| (**n).clone()).collect(),
            relations: g.all_relations().map(|r| (**r).clone()).collect(),
            conflicts: g.conflicts().map(|c| (**c).clone()).collect(),
            redirects: g.redirects().map(|(f, i)| (f.clone(), i.clone())).collect(),
        }
    }

    pub(super) fn into_contents(self) -> Contents {
        Contents {
            nodes: self.nodes,
            relations: self.relations,
            conflicts: self.conflicts,
            redirects: self.redirects,
        }
    }
}

/// A random number (per-process names).
pub fn random_u64() -> u64 {
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

pub(super) fn name_of(seq: u64) -> String {
    format!("snapshot-{seq:020}")
}

fn seq_of(name: &str) -> Option<u64> {
    name.strip_prefix("snapshot-")?.parse().ok()
}

/// The names of the objects in the bucket.
async fn names(conn: &Conn) -> Result<Vec<String>, ClusterError> {
    let bucket = conn.bucket().await?;
    let mut names = bucket.list().await.map_err(|e| ClusterError::JetStream {
        what: "listing the snapshot bucket",
        reason: e.to_string(),
    })?;
    let mut out = Vec::new();
    while let Some(info) = names.next().await {
        let info = info.map_err(|e| ClusterError::JetStream {
            what: "listing the snapshot bucket",
            reason: e.to_string(),
        })?;
        if !info.deleted {
            out.push(info.name);
        }
    }
    Ok(out)
}

/// The snapshots in the bucket, oldest first.
pub(super) async fn list(conn: &Conn) -> Result<Vec<u64>, ClusterError> {
    let mut out: Vec<u64> = names(conn)
        .await?
        .iter()
        .filter_map(|n| seq_of(n))
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// Deletes the large change sets kept as objects (see [`super::stream`])
/// numbered `upto` or lower: the stream no longer holds their messages.
async fn drop_stored(conn: &Conn, upto: u64) -> Result<(), ClusterError> {
    let bucket = conn.bucket().await?;
    for name in names(conn).await? {
        if super::stream::stored_seq(&name).is_some_and(|s| s <= upto) {
            let _ = bucket.delete(&name).await;
        }
    }
    Ok(())
}

/// See the module doc: marks, fills or refuses the store in `dir`.
pub async fn prepare_store(conn: &Conn, dir: &Path) -> Result<(), ClusterError> {
    let owned = dir.to_owned();
    let store = tokio::task::spawn_blocking(move || Store::open(&owned))
        .await
        .map_err(|e| ClusterError::Snapshot {
            name: "-".into(),
            reason: e.to_string(),
        })??;
    let applied = store.cluster_applied()?;
    let state = conn.state().await?;
    let trimmed = state.first_sequence > 1 && state.messages < state.last_sequence;
    let result = match applied {
        None if !store.is_empty() || store.last_seq()? != 0 => Err(ClusterError::NotClusterStore {
            path: dir.to_owned(),
        }),
        None | Some(0) if trimmed => load_latest(conn, &store, state.first_sequence).await,
        None | Some(0) if !list(conn).await?.is_empty() => {
            load_latest(conn, &store, state.first_sequence).await
        }
        None => Ok(store.join_cluster()?),
        Some(a) => super::recover::at_start(conn, &store, dir, a).await,
    };
    drop(store);
    result
}

/// Reads snapshot `seq` from the bucket.
pub(super) async fn read(conn: &Conn, seq: u64) -> Result<Snapshot, ClusterError> {
    let name = name_of(seq);
    let fail = |reason: String| ClusterError::Snapshot {
        name: name.clone(),
        reason,
    };
    let bucket = conn.bucket().await?;
    let mut object = bucket.get(&name).await.map_err(|e| fail(e.to_string()))?;
    let mut bytes = Vec::new();
    object
        .read_to_end(&mut bytes)
        .await
        .map_err(|e| fail(e.to_string()))?;
    let snap: Snapshot = serde_json::from_slice(&bytes).map_err(|e| fail(e.to_string()))?;
    if snap.seq != seq {
        return Err(fail(format!("it holds change set {}", snap.seq)));
    }
    Ok(snap)
}

/// Loads the newest snapshot into the empty `store`.
async fn load_latest(conn: &Conn, store: &Store, first: u64) -> Result<(), ClusterError> {
    let Some(seq) = list(conn).await?.pop() else {
        return Err(ClusterError::Snapshot {
            name: "(none)".into(),
            reason: format!(
                "the stream starts at {first} but the bucket holds no snapshot to start from"
            ),
        });
    };
    let name = name_of(seq);
    let fail = |reason: String| ClusterError::Snapshot {
        name: name.clone(),
        reason,
    };
    let started = std::time::Instant::now();
    let snap = read(conn, seq).await?;
    if snap.seq + 1 < first {
        return Err(fail(format!(
            "it is at change set {}, but the stream starts at {first}",
            snap.seq
        )));
    }
    let s = store.clone();
    tokio::task::spawn_blocking(move || s.install_snapshot(snap.into_contents(), seq))
        .await
        .map_err(|e| fail(e.to_string()))??;
    tracing::info!(
        seq,
        ms = started.elapsed().as_millis() as u64,
        "store loaded from the cluster's latest snapshot"
    );
    Ok(())
}

/// Writes a snapshot when the node has applied `snapshot_every` change sets
/// past the newest one, then drops old ones and trims the stream.
pub async fn run(conn: Conn, cluster: Cluster) {
    let every = cluster.config().snapshot_every;
    let mut last = list(&conn)
        .await
        .ok()
        .and_then(|l| l.last().copied())
        .unwrap_or(0);
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let applied = cluster.service().applied_seq();
        if applied < last + every {
            continue;
        }
        match write_one(&conn, &cluster, every).await {
            Ok(Some(seq)) => last = seq,
            Ok(None) => {
                last = list(&conn)
                    .await
                    .ok()
                    .and_then(|l| l.last().copied())
                    .unwrap_or(last);
            }
            Err(e) => tracing::warn!(error = %e, "writing a snapshot failed"),
        }
    }
}

/// One snapshot of the published graph, unless another node wrote a recent
/// one; then the old ones go and the stream is trimmed.
async fn write_one(
    conn: &Conn,
    cluster: &Cluster,
    every: u64,
) -> Result<Option<u64>, ClusterError> {
    let graph = cluster.service().graph();
    let seq = graph.log_seq();
    let existing = list(conn).await?;
    if existing.last().is_some_and(|&s| s + every / 2 > seq) {
        return Ok(None);
    }
    let snap = tokio::task::spawn_blocking(move || serde_json::to_vec(&Snapshot::of(&graph)))
        .await
        .map_err(|e| ClusterError::Snapshot {
            name: name_of(seq),
            reason: e.to_string(),
        })?
        .map_err(|e| ClusterError::Snapshot {
            name: name_of(seq),
            reason: e.to_string(),
        })?;
    let bucket = conn.bucket().await?;
    bucket
        .put(name_of(seq).as_str(), &mut snap.as_slice())
        .await
        .map_err(|e| ClusterError::Snapshot {
            name: name_of(seq),
            reason: e.to_string(),
        })?;
    tracing::info!(seq, bytes = snap.len(), "snapshot written");
    let mut all = existing;
    all.push(seq);
    all.sort_unstable();
    let kept = cluster.config().snapshots_kept.max(1);
    let drop_n = all.len().saturating_sub(kept);
    for old in &all[..drop_n] {
        let _ = bucket.delete(name_of(*old)).await;
    }
    // Keep every change set after the oldest snapshot kept, and the last
    // `retain` whatever the snapshots.
    if let Some(upto) = trim_floor(all[drop_n], seq, cluster.config().retain) {
        conn.stream
            .purge()
            .sequence(upto + 1)
            .await
            .map_err(|e| ClusterError::JetStream {
                what: "trimming the stream",
                reason: e.to_string(),
            })?;
        drop_stored(conn, upto).await?;
    }
    Ok(Some(seq))
}

/// The last change set the trim may drop: none after the oldest snapshot
/// kept, none of the `retain` up to `head`; `None` when nothing may go.
pub fn trim_floor(oldest_kept: u64, head: u64, retain: u64) -> Option<u64> {
    let upto = oldest_kept.min(head.saturating_sub(retain));
    (upto > 0).then_some(upto)
}

#[cfg(test)]
mod trim_tests {
    use super::trim_floor;

    #[test]
    fn the_trim_keeps_every_change_set_after_the_oldest_snapshot_kept() {
        assert_eq!(trim_floor(300, 500, 0), Some(300));
    }

    #[test]
    fn the_trim_keeps_the_last_retained_change_sets_however_old_the_snapshots() {
        assert_eq!(trim_floor(450, 500, 100), Some(400));
    }

    #[test]
    fn nothing_is_trimmed_while_the_stream_is_shorter_than_what_is_retained() {
        assert_eq!(trim_floor(300, 500, 100_000), None);
        assert_eq!(trim_floor(0, 500, 0), None);
    }
}
