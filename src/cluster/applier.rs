//! The applier: reads the stream in order from the change set after the
//! last one applied, and applies each through
//! [`crate::service::Service::apply_replicated`], which writes the records,
//! the log entries and `meta/cluster_applied` in one sled transaction. A
//! message's stream sequence must equal its change set's number (the
//! publisher planned it at the sequence before); the service skips one it
//! applied already and refuses one that is not next, so however the
//! consumer is restarted (NATS server died, reconnect, gap) nothing is
//! applied twice or skipped: the applier starts over from what the store
//! says it applied.

use std::time::Duration;

use async_nats::jetstream::consumer::{pull, DeliverPolicy};
use futures_util::StreamExt;

use super::stream::Conn;
use super::Cluster;

/// How long the consumer may stay quiet while the stream is known to hold
/// change sets this node has not applied.
const STALL: Duration = Duration::from_secs(3);

/// How long creating a consumer, or reading a change set kept in the object
/// store, may take before the consumer starts over.
const PATIENCE: Duration = Duration::from_secs(10);

/// The pause before a new consumer; doubled after each one that applied
/// nothing, up to [`MAX_PAUSE`].
const PAUSE: Duration = Duration::from_millis(250);
const MAX_PAUSE: Duration = Duration::from_secs(5);

/// Runs until the process ends.
pub async fn run(conn: Conn, cluster: Cluster) {
    let mut pause = PAUSE;
    loop {
        let before = cluster.service().applied_seq();
        match follow(&conn, &cluster).await {
            Ok(()) => tracing::info!("the change-log consumer ended; restarting it"),
            Err(e) => {
                tracing::warn!(error = %e, "the change-log consumer failed; restarting it");
                let applied = next_seq(&cluster) - 1;
                let dir = cluster.dir().to_owned();
                if super::recover::while_running(&conn, &cluster, &dir, applied).await {
                    pause = PAUSE;
                    continue;
                }
            }
        }
        pause = if cluster.service().applied_seq() > before {
            PAUSE
        } else {
            (pause * 2).min(MAX_PAUSE)
        };
        tokio::time::sleep(pause).await;
    }
}

/// Where to start: after the last change set this node applied (committed
/// to sled, perhaps not yet flushed and published).
fn next_seq(cluster: &Cluster) -> u64 {
    cluster
        .service()
        .cluster_applied()
        .ok()
        .flatten()
        .unwrap_or(0)
        .max(cluster.service().applied_seq())
        + 1
}

/// One ordered consumer from the next sequence, until it fails.
async fn follow(conn: &Conn, cluster: &Cluster) -> Result<(), String> {
    let start = next_seq(cluster);
    let open = async {
        let consumer = conn
            .stream
            .create_consumer(pull::OrderedConfig {
                deliver_policy: DeliverPolicy::ByStartSequence {
                    start_sequence: start,
                },
                ..Default::default()
            })
            .await
            .map_err(|e| format!("creating a consumer at {start}: {e}"))?;
        consumer
            .messages()
            .await
            .map_err(|e| format!("reading from {start}: {e}"))
    };
    let mut messages = tokio::time::timeout(PATIENCE, open)
        .await
        .map_err(|_| format!("no consumer at {start} within {PATIENCE:?}"))??;
    let mut expected = start;
    loop {
        // A consumer can go quiet for good when its server dies under it:
        // if the stream is known to hold more while nothing arrives, start
        // a new one from the store's number.
        let next = match tokio::time::timeout(STALL, messages.next()).await {
            Ok(Some(m)) => m,
            Ok(None) => return Ok(()),
            Err(_) if cluster.status().stream_last >= expected => {
                return Err(format!(
                    "no change set after {} for {STALL:?} while the stream holds more",
                    expected - 1
                ));
            }
            Err(_) => continue,
        };
        let m = next.map_err(|e| format!("reading after {}: {e}", expected - 1))?;
        let (seq, pending) = {
            let info = m.info().map_err(|e| format!("message metadata: {e}"))?;
            (info.stream_sequence, info.pending)
        };
        cluster.saw_last(seq + pending);
        if seq < expected {
            continue;
        }
        if seq > expected {
            return Err(format!(
                "the stream skipped from {} to {seq} (trimmed behind a snapshot?)",
                expected - 1
            ));
        }
        // A large change set is read from the object store; failing that
        // (a server down), the consumer starts over from the store's number.
        let msg = tokio::time::timeout(PATIENCE, conn.read_message(&m.payload))
            .await
            .map_err(|_| {
                format!("change set at stream sequence {seq} not read within {PATIENCE:?}")
            })?
            .map_err(|e| format!("change set at stream sequence {seq} is not valid: {e}"))?;
        if msg.set.seq != seq {
            return Err(format!(
                "the message at stream sequence {seq} carries change set {}: it was not published by Attaché's conditional publish",
                msg.set.seq
            ));
        }
        let service = cluster.service().clone();
        let applied =
            tokio::task::spawn_blocking(move || service.apply_replicated(&msg.set, &msg.entries))
                .await
                .map_err(|e| format!("applying change set {seq}: {e}"))?;
        if let Err(e) = applied {
            return Err(format!("applying change set {seq}: {e}"));
        }
        expected = seq + 1;
    }
}
