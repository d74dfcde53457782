//! Where every live node stands, so the trim of the stream never deletes a
//! change set a node still has to apply.
//!
//! Each node process puts the last change set it applied into a JetStream
//! key-value bucket (`<stream>_POSITIONS`, key: a random name per process)
//! once a second; an entry not refreshed for [`POSITION_TTL`] expires (the
//! bucket's `max_age`). The snapshotter trims the stream only up to the
//! lowest position in the bucket ([`trim_floor`]), never past the oldest
//! snapshot kept: a node that is slow, paused, cut off from NATS or
//! restarting finds every change set after its own position in the stream
//! for as long as its entry lives. A node away for longer falls behind the
//! trim and, on restart, is told to start on an empty directory (from a
//! snapshot), as before.
//!
//! Without the floor, a node that lagged a few hundred change sets (its
//! NATS server killed under it) found its next change set trimmed behind
//! the others' snapshots and could never catch up.

use std::sync::OnceLock;
use std::time::Duration;

use async_nats::jetstream::kv;
use futures_util::StreamExt;

use super::stream::Conn;
use super::{Cluster, ClusterError};

/// How long the entry of a node that stopped refreshing it protects the
/// change sets after its position from the trim.
pub const POSITION_TTL: Duration = Duration::from_secs(15 * 60);

/// How long one read or write of the bucket may take.
const PATIENCE: Duration = Duration::from_secs(10);

/// This process's key in the bucket.
fn key() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| format!("node-{:016x}", super::snapshot::random_u64()))
}

fn js_err(what: &'static str) -> impl Fn(&dyn std::fmt::Display) -> ClusterError {
    move |e| ClusterError::JetStream {
        what,
        reason: e.to_string(),
    }
}

/// The bucket of positions, created on first use.
async fn bucket(conn: &Conn) -> Result<kv::Store, ClusterError> {
    let name = format!("{}_POSITIONS", conn.stream_name);
    if let Ok(b) = conn.js.get_key_value(&name).await {
        return Ok(b);
    }
    conn.js
        .create_key_value(kv::Config {
            bucket: name,
            history: 1,
            max_age: POSITION_TTL,
            num_replicas: conn.replicas,
            ..Default::default()
        })
        .await
        .map_err(|e| js_err("creating the positions bucket")(&e))
}

/// Records that this process has applied up to change set `applied`.
pub async fn record(conn: &Conn, applied: u64) -> Result<(), ClusterError> {
    let put = async {
        bucket(conn)
            .await?
            .put(key(), applied.to_string().into())
            .await
            .map_err(|e| js_err("recording this node's position")(&e))
    };
    tokio::time::timeout(PATIENCE, put)
        .await
        .map_err(|_| js_err("recording this node's position")(&"no answer within 10 s"))??;
    Ok(())
}

/// The lowest position of a live node (`None`: no node recorded one).
pub async fn trim_floor(conn: &Conn) -> Result<Option<u64>, ClusterError> {
    let read = async {
        let bucket = bucket(conn).await?;
        let mut keys = bucket
            .keys()
            .await
            .map_err(|e| js_err("listing the nodes' positions")(&e))?;
        let mut positions = Vec::new();
        while let Some(k) = keys.next().await {
            let k = k.map_err(|e| js_err("listing the nodes' positions")(&e))?;
            let value = bucket
                .get(&k)
                .await
                .map_err(|e| js_err("reading a node's position")(&e))?;
            if let Some(p) = value.and_then(|v| std::str::from_utf8(&v).ok()?.parse().ok()) {
                positions.push(p);
            }
        }
        Ok(lowest(&positions))
    };
    tokio::time::timeout(PATIENCE, read)
        .await
        .map_err(|_| js_err("reading the nodes' positions")(&"no answer within 10 s"))?
}

/// The lowest of `positions`.
fn lowest(positions: &[u64]) -> Option<u64> {
    positions.iter().copied().min()
}

/// How far the stream may be trimmed: up to the oldest snapshot kept, but
/// not past what the slowest live node applied. Change sets after the
/// returned number stay.
pub fn trim_point(oldest_snapshot: u64, floor: Option<u64>) -> u64 {
    floor.map_or(oldest_snapshot, |f| f.min(oldest_snapshot))
}

/// Keeps this process's position fresh until the process ends.
pub async fn run(conn: Conn, cluster: Cluster) {
    loop {
        if let Err(e) = record(&conn, cluster.service().applied_seq()).await {
            tracing::debug!(error = %e, "recording this node's position failed");
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_trimmed_no_further_than_the_slowest_live_node() {
        assert_eq!(trim_point(600, lowest(&[537, 1368, 1368])), 537);
    }

    #[test]
    fn the_stream_is_trimmed_no_further_than_the_oldest_snapshot_kept() {
        assert_eq!(trim_point(600, lowest(&[900, 1368])), 600);
        assert_eq!(trim_point(600, lowest(&[])), 600);
    }
}
