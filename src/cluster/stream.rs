//! The NATS side: connecting, the change-log stream and the snapshot
//! bucket (created on first use, three replicas with three servers), and
//! the publisher. A change set goes out as one message on
//! `attache.log.<stream>`, JSON `{ "set": …, "entries": […] }`, with
//! `Nats-Expected-Last-Sequence` set to the sequence the write was planned
//! at, so two nodes that planned against the same state cannot both append,
//! and with a `Nats-Msg-Id` so that a publish retried after a lost ack
//! (a leader change) is deduplicated instead of appended twice.
//!
//! A change set larger than a NATS message may be (the servers'
//! `max_payload`, 1 MiB by default) goes into the object store first, as
//! `changeset-<number>-<message id>`, and the stream message carries only
//! its name (`{ "stored": … }`): the stream keeps one message per change
//! set, so its sequence stays the change set's number, and the
//! conditional publish still decides which write comes next. The object
//! is written before the message is published, so every published name
//! can be read; an object whose message never made it (a lost race, a
//! crash) is garbage, deleted with the ones the stream's trim made
//! useless ([`super::snapshot`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_nats::jetstream::{self, context::PublishErrorKind, object_store, stream as js_stream};
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};

use super::{Cluster, ClusterConfig, ClusterError};
use crate::model::{ChangeSet, LogEntry};
use crate::service::{PublishError, Replicator};

/// How long a publish keeps retrying while no server answers (a leader
/// election takes a few seconds) before the write fails `UNAVAILABLE`.
const PUBLISH_PATIENCE: Duration = Duration::from_secs(20);

/// How long one attempt (storing a large body, or publishing and waiting
/// for the ack) may take before it counts as failed and is retried.
const ATTEMPT: Duration = Duration::from_secs(10);

/// One stream message: a change set and its entries.
#[derive(Debug, Serialize, Deserialize)]
pub struct Message {
    pub set: ChangeSet,
    pub entries: Vec<LogEntry>,
}

/// What a stream message holds: the change set, or where it is.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Wire {
    Inline(Message),
    Stored { stored: String },
}

/// Room left in a NATS message for the headers and the protocol line.
const HEADROOM: usize = 4096;

/// The prefix of the objects holding change sets too large for a message.
pub const STORED_PREFIX: &str = "changeset-";

/// The object name for change set `seq` published under message id `id`.
fn stored_name(seq: u64, id: &str) -> String {
    format!("{STORED_PREFIX}{seq:020}-{id}")
}

/// The change set number in an object's name, if it holds a change set.
pub fn stored_seq(name: &str) -> Option<u64> {
    name.strip_prefix(STORED_PREFIX)?.get(..20)?.parse().ok()
}

/// A connection with the stream and the snapshot bucket. Cheap to clone.
#[derive(Clone)]
pub struct Conn {
    pub client: async_nats::Client,
    pub js: jetstream::Context,
    pub stream: js_stream::Stream,
    pub subject: String,
    pub bucket: String,
    pub replicas: usize,
}

fn js_err(what: &'static str) -> impl Fn(&dyn std::fmt::Display) -> ClusterError {
    move |e| ClusterError::JetStream {
        what,
        reason: e.to_string(),
    }
}

impl Conn {
    /// Connects (retrying until a server answers) and makes sure the stream exists.
    pub async fn connect(config: &ClusterConfig) -> Result<Conn, ClusterError> {
        let mut opts = match &config.token {
            Some(t) => async_nats::ConnectOptions::with_token(t.clone()),
            None => async_nats::ConnectOptions::new(),
        }
        .name("attache")
        .retry_on_initial_connect()
        .connection_timeout(Duration::from_secs(5))
        .max_reconnects(None);
        if let Some(ca) = &config.tls_ca {
            opts = opts.add_root_certificates(ca.clone()).require_tls(true);
        }
        let servers = config.servers.join(",");
        let client = tokio::time::timeout(
            Duration::from_secs(30),
            opts.connect(config.servers.clone()),
        )
        .await
        .map_err(|_| ClusterError::Connect {
            servers: servers.clone(),
            reason: "no server answered within 30 s".into(),
        })?
        .map_err(|e| ClusterError::Connect {
            servers,
            reason: e.to_string(),
        })?;
        let mut js = jetstream::new(client.clone());
        // An ack lost with a dead leader is retried (same message id) after this.
        js.set_timeout(Duration::from_secs(2));
        let subject = format!("attache.log.{}", config.stream);
        let replicas = config.replicas();
        let stream_config = js_stream::Config {
            name: config.stream.clone(),
            subjects: vec![subject.clone()],
            num_replicas: replicas,
            storage: js_stream::StorageType::File,
            duplicate_window: Duration::from_secs(120),
            ..Default::default()
        };
        // A stream is created once; while a cluster elects its meta leader
        // (all servers just started) the request may time out: retry.
        let mut tries = 0;
        let stream = loop {
            match js.get_or_create_stream(stream_config.clone()).await {
                Ok(s) => break s,
                Err(e) if tries < 30 => {
                    tries += 1;
                    tracing::debug!(error = %e, "stream not ready yet");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(e) => return Err(js_err("creating the stream")(&e)),
            }
        };
        Ok(Conn {
            client,
            js,
            stream,
            subject,
            bucket: format!("{}_SNAPSHOTS", config.stream),
            replicas,
        })
    }

    /// The last sequence the stream holds (0: empty).
    pub async fn last_seq(&self) -> Result<u64, ClusterError> {
        Ok(self.state().await?.last_sequence)
    }

    /// The stream's state (first and last sequence). Retried for a while:
    /// right after a NATS server restarts the stream may have no leader yet.
    pub async fn state(&self) -> Result<js_stream::State, ClusterError> {
        let mut tries = 0;
        loop {
            match self.stream.get_info().await {
                Ok(info) => return Ok(info.state),
                Err(e) if tries < 20 => {
                    tries += 1;
                    tracing::debug!(error = %e, "stream state not available yet");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => return Err(js_err("reading the stream's state")(&e)),
            }
        }
    }

    /// The snapshot bucket, created on first use.
    pub async fn bucket(&self) -> Result<object_store::ObjectStore, ClusterError> {
        if let Ok(b) = self.js.get_object_store(&self.bucket).await {
            return Ok(b);
        }
        self.js
            .create_object_store(object_store::Config {
                bucket: self.bucket.clone(),
                num_replicas: self.replicas,
                ..Default::default()
            })
            .await
            .map_err(|e| js_err("creating the snapshot bucket")(&e))
    }

    /// The change set a stream message holds (read from the object store
    /// when it was too large for the message).
    pub async fn read_message(&self, payload: &[u8]) -> Result<Message, String> {
        let name = match serde_json::from_slice(payload).map_err(|e| e.to_string())? {
            Wire::Inline(m) => return Ok(m),
            Wire::Stored { stored } => stored,
        };
        let bucket = self.bucket().await.map_err(|e| e.to_string())?;
        let mut object = bucket
            .get(&name)
            .await
            .map_err(|e| format!("reading object {name}: {e}"))?;
        let mut bytes = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut object, &mut bytes)
            .await
            .map_err(|e| format!("reading object {name}: {e}"))?;
        serde_json::from_slice(&bytes).map_err(|e| format!("object {name}: {e}"))
    }

    /// Puts `body` in the object store as `name`; the message that names it.
    async fn store_body(&self, name: &str, body: &[u8]) -> Result<bytes::Bytes, String> {
        let bucket = self.bucket().await.map_err(|e| e.to_string())?;
        bucket
            .put(name, &mut &body[..])
            .await
            .map_err(|e| format!("writing object {name}: {e}"))?;
        let wire = serde_json::to_vec(&Wire::Stored {
            stored: name.to_owned(),
        })
        .map_err(|e| e.to_string())?;
        Ok(wire.into())
    }

    /// The publisher of this connection, for [`crate::service::Service::replicate_through`].
    pub fn publisher(&self, cluster: Cluster) -> Publisher {
        Publisher {
            conn: self.clone(),
            cluster,
            node: format!("{:x}", super::snapshot::random_u64()),
            next: AtomicU64::new(0),
        }
    }
}

/// Appends change sets to the stream.
pub struct Publisher {
    conn: Conn,
    cluster: Cluster,
    /// This process's name in message ids.
    node: String,
    next: AtomicU64,
}

impl Replicator for Publisher {
    fn publish(
        &self,
        expected_last: u64,
        set: ChangeSet,
        entries: Vec<LogEntry>,
    ) -> BoxFuture<'static, Result<u64, PublishError>> {
        let id = format!(
            "{}-{}",
            self.node,
            self.next.fetch_add(1, Ordering::Relaxed)
        );
        let conn = self.conn.clone();
        let cluster = self.cluster.clone();
        Box::pin(async move {
            if let Some(seq) = cluster.status().recovering {
                return Err(PublishError::Unavailable(format!(
                    "this node is recovering from snapshot {seq} (it was left behind the trimmed stream); write through another node or try again shortly"
                )));
            }
            let body = serde_json::to_vec(&Message { set, entries })
                .map_err(|e| PublishError::Unavailable(e.to_string()))?;
            let max = conn.client.server_info().max_payload;
            let mut stored = max > 0 && body.len() + HEADROOM > max;
            let mut payload = bytes::Bytes::from(body.clone());
            let mut body_stored = false;
            let start = tokio::time::Instant::now();
            loop {
                if stored && !body_stored {
                    // Same name on a retry: the object is simply rewritten.
                    let name = stored_name(expected_last + 1, &id);
                    let put = tokio::time::timeout(ATTEMPT, conn.store_body(&name, &body));
                    match put
                        .await
                        .unwrap_or_else(|_| Err(format!("writing object {name}: no answer within {ATTEMPT:?}")))
                    {
                        Ok(p) => {
                            payload = p;
                            body_stored = true;
                        }
                        Err(e) if start.elapsed() < PUBLISH_PATIENCE => {
                            tracing::debug!(error = %e, "storing a large change set failed; retrying");
                            tokio::time::sleep(Duration::from_millis(250)).await;
                            continue;
                        }
                        Err(e) => {
                            return Err(PublishError::Unavailable(format!(
                                "the change set is {} bytes, more than a NATS message may hold, and the object store did not take it within {PUBLISH_PATIENCE:?}: {e}",
                                body.len()
                            )))
                        }
                    }
                }
                let msg = jetstream::message::PublishMessage::build()
                    .payload(payload.clone())
                    .message_id(&id)
                    .expected_last_sequence(expected_last);
                let send = async {
                    match conn.js.send_publish(conn.subject.clone(), msg).await {
                        Ok(ack) => ack.await,
                        Err(e) => Err(e),
                    }
                };
                let sent = tokio::time::timeout(ATTEMPT, send)
                    .await
                    .unwrap_or_else(|_| Err(PublishErrorKind::TimedOut.into()));
                let e = match sent {
                    Ok(ack) => {
                        cluster.saw_last(ack.sequence);
                        return Ok(ack.sequence);
                    }
                    Err(e) => e,
                };
                match e.kind() {
                    PublishErrorKind::WrongLastSequence => {
                        let last = conn.last_seq().await.ok();
                        if let Some(l) = last {
                            cluster.saw_last(l);
                        }
                        return Err(PublishError::Moved(last));
                    }
                    // A server with a smaller max_payload than the one we
                    // asked: send the body through the object store.
                    PublishErrorKind::MaxPayloadExceeded if !stored => stored = true,
                    _ if start.elapsed() < PUBLISH_PATIENCE => {
                        tracing::debug!(error = %e, "publish failed; retrying");
                        tokio::time::sleep(Duration::from_millis(250)).await;
                    }
                    _ => {
                        return Err(PublishError::Unavailable(format!(
                            "the change-log stream did not take the write within {PUBLISH_PATIENCE:?}: {e}"
                        )))
                    }
                }
            }
        })
    }
}

/// Keeps the stream's last sequence fresh while no message arrives (for
/// `/ready` and the lag in `/health`).
pub async fn poll_last(conn: Conn, cluster: Cluster) {
    loop {
        if let Ok(last) = conn.last_seq().await {
            cluster.polled_last(last);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_change_sets_object_name_gives_back_its_number() {
        assert_eq!(stored_seq(&stored_name(42, "ab12-7")), Some(42));
        assert_eq!(stored_seq("snapshot-00000000000000000042"), None);
    }

    #[test]
    fn a_message_naming_a_stored_change_set_is_read_as_a_reference() {
        let w: Wire = serde_json::from_str(r#"{ "stored": "changeset-1-x" }"#).unwrap();
        assert!(matches!(w, Wire::Stored { stored } if stored == "changeset-1-x"));
    }
}
