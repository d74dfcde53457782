//! Cluster mode (`attache serve --cluster nats://…`): several nodes share one
//! change log, a NATS JetStream stream replicated over the NATS servers
//! (Raft inside NATS). Each stream message is one change set with its
//! entries; the stream sequence is the global order and every node's local
//! change-set numbers equal it.
//!
//! - [`stream`]: connecting, the stream and the snapshot bucket, and the
//!   publisher ([`crate::service::Replicator`]): a conditional publish with
//!   `Nats-Expected-Last-Sequence`.
//! - [`applier`]: consumes the stream in order and applies each change set
//!   through [`Service::apply_replicated`] (records and the applied sequence
//!   in one sled transaction).
//! - [`snapshot`]: periodic snapshots in the JetStream object store, the
//!   trim of the stream behind the oldest kept, and starting a new node from
//!   the latest.
//! - [`recover`]: a node left behind the trimmed stream (down or frozen for
//!   more than `--cluster-retain` change sets) keeps its old store aside and
//!   starts over from the newest snapshot, at start or while running.
//!
//! Nothing here is global: [`Cluster`] is a cheap handle the server keeps.

mod applier;
mod recover;
mod snapshot;
mod stream;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::service::Service;

pub use snapshot::Snapshot;

/// What cluster mode can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    #[error("cannot connect to the NATS servers {servers}: {reason}")]
    Connect { servers: String, reason: String },
    #[error("JetStream {what} failed: {reason}")]
    JetStream { what: &'static str, reason: String },
    #[error("the store at {path} was written outside the cluster (it holds records but no `cluster_applied` mark): start a cluster node on an empty --data directory, and load existing data with `attache import` through a running node")]
    NotClusterStore { path: PathBuf },
    #[error("the store at {path} applied the shared log up to change set {applied}, but the stream now starts at {first} (older change sets were trimmed) and the snapshot bucket holds none at change set {applied} or later that the stream continues: the store is left as it is; the node catches up once a running node writes a snapshot (every --snapshot-every change sets), and a larger --cluster-retain keeps more of the stream")]
    TooFarBehind {
        path: PathBuf,
        applied: u64,
        first: u64,
    },
    #[error("the store at {path} applied the shared log up to change set {applied}, but the stream ends at {last}: the stream was recreated or belongs to another cluster; start the node on an empty --data directory (this one is left as it is)")]
    AheadOfStream {
        path: PathBuf,
        applied: u64,
        last: u64,
    },
    #[error("snapshot {name}: {reason}")]
    Snapshot { name: String, reason: String },
    #[error(transparent)]
    Service(#[from] crate::service::ServiceError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// How a node joins the cluster (`attache serve --cluster …`).
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// NATS server URLs (`nats://host:4222`, `tls://…`).
    pub servers: Vec<String>,
    /// A NATS auth token, if the servers need one.
    pub token: Option<String>,
    /// A PEM file of CA certificates to trust for TLS to NATS (implies TLS).
    pub tls_ca: Option<PathBuf>,
    /// The stream that holds the change log.
    pub stream: String,
    /// `/ready` is true while the node is at most this many change sets behind.
    pub ready_lag: u64,
    /// Write a snapshot every this many change sets (0: never).
    pub snapshot_every: u64,
    /// Snapshots kept; the stream is trimmed behind the oldest.
    pub snapshots_kept: usize,
    /// Change sets the stream keeps behind its newest, whatever the
    /// snapshots: the trim never goes nearer the head than this.
    pub retain: u64,
    /// How long a request that asks for a minimum sequence may wait for it.
    pub min_seq_timeout: Duration,
}

impl ClusterConfig {
    /// The defaults, for `servers`.
    pub fn new(servers: Vec<String>) -> ClusterConfig {
        ClusterConfig {
            servers,
            token: None,
            tls_ca: None,
            stream: "ATTACHE_LOG".into(),
            ready_lag: 100,
            snapshot_every: 10_000,
            snapshots_kept: 2,
            retain: 100_000,
            min_seq_timeout: Duration::from_secs(5),
        }
    }

    /// Three or more servers: three replicas; fewer: one.
    pub fn replicas(&self) -> usize {
        if self.servers.len() >= 3 {
            3
        } else {
            1
        }
    }
}

/// Where this node stands against the shared log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// The last change set readers of this node see.
    pub applied: u64,
    /// The last change set the stream holds, as last heard.
    pub stream_last: u64,
    /// Whether the node is connected to NATS.
    pub connected: bool,
    /// The snapshot this node is recovering from (it was left behind the
    /// trimmed stream), while it does.
    pub recovering: Option<u64>,
}

impl Status {
    /// How many change sets this node is behind the stream.
    pub fn lag(&self) -> u64 {
        self.stream_last.saturating_sub(self.applied)
    }
}

struct Shared {
    service: Service,
    config: ClusterConfig,
    stream_last: AtomicU64,
    /// Set once the applier caught up with the stream as it was at start.
    caught_up: AtomicBool,
    client: async_nats::Client,
    /// The store's directory (a recovering node keeps its old store there).
    dir: PathBuf,
    /// The snapshot being recovered from; 0: none.
    recovering: AtomicU64,
    /// Why this node cannot catch up, when it cannot (for `/health`).
    problem: Mutex<Option<String>>,
    /// What the last recovery from a snapshot did (for `/health`).
    recovered: Mutex<Option<String>>,
}

/// The handle on this node's membership of the cluster. Cheap to clone.
#[derive(Clone)]
pub struct Cluster {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster")
            .field("servers", &self.shared.config.servers)
            .field("status", &self.status())
            .finish()
    }
}

impl Cluster {
    /// Gets the store in `dir` ready before the service opens it: marks an
    /// empty store as a cluster member, or fills it from the latest
    /// snapshot when the stream no longer starts at 1; recovers a store
    /// left behind the trimmed stream from the newest snapshot (its old
    /// contents kept aside, see [`recover`]); refuses a store written
    /// outside the cluster, one ahead of the stream, or one behind it with
    /// no snapshot to recover from.
    pub async fn prepare(
        dir: &std::path::Path,
        config: &ClusterConfig,
    ) -> Result<(), ClusterError> {
        let conn = stream::Conn::connect(config).await?;
        snapshot::prepare_store(&conn, dir).await
    }

    /// Joins `service` to the cluster: its writes go through the stream from
    /// now on, and the applier, the snapshotter and the status poll start.
    /// Returns once the node has applied what the stream held at start.
    /// `dir` is the store's directory (see [`Cluster::prepare`]).
    pub async fn start(
        service: Service,
        config: ClusterConfig,
        dir: &std::path::Path,
    ) -> Result<Cluster, ClusterError> {
        let conn = stream::Conn::connect(&config).await?;
        let last = conn.last_seq().await?;
        let cluster = Cluster {
            shared: Arc::new(Shared {
                service: service.clone(),
                config,
                stream_last: AtomicU64::new(last),
                caught_up: AtomicBool::new(false),
                client: conn.client.clone(),
                dir: dir.to_owned(),
                recovering: AtomicU64::new(0),
                problem: Mutex::new(None),
                recovered: Mutex::new(None),
            }),
        };
        service.replicate_through(Arc::new(conn.publisher(cluster.clone())));
        tokio::spawn(applier::run(conn.clone(), cluster.clone()));
        tokio::spawn(stream::poll_last(conn.clone(), cluster.clone()));
        if cluster.shared.config.snapshot_every > 0 {
            tokio::spawn(snapshot::run(conn, cluster.clone()));
        }
        // Catch up with what the stream held at start (bounded: a node far
        // behind keeps catching up while it serves, not ready meanwhile).
        let caught = service.wait_applied(last, Duration::from_secs(120)).await;
        cluster.shared.caught_up.store(caught, Ordering::Release);
        if !caught {
            tracing::warn!(
                applied = service.applied_seq(),
                stream_last = last,
                "still catching up with the stream; serving, not ready yet"
            );
        }
        Ok(cluster)
    }

    /// Where this node stands.
    pub fn status(&self) -> Status {
        Status {
            applied: self.shared.service.applied_seq(),
            stream_last: self.shared.stream_last.load(Ordering::Acquire),
            connected: matches!(
                self.shared.client.connection_state(),
                async_nats::connection::State::Connected
            ),
            recovering: Some(self.shared.recovering.load(Ordering::Acquire)).filter(|s| *s > 0),
        }
    }

    /// Why this node cannot catch up with the stream, if it cannot.
    pub fn problem(&self) -> Option<String> {
        self.shared
            .problem
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn set_problem(&self, problem: Option<String>) {
        *self
            .shared
            .problem
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = problem;
    }

    /// What the last recovery from a snapshot did, if this node recovered
    /// since it started.
    pub fn recovered(&self) -> Option<String> {
        self.shared
            .recovered
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn set_recovered(&self, what: String) {
        *self
            .shared
            .recovered
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(what);
    }

    pub(crate) fn set_recovering(&self, snapshot: Option<u64>) {
        self.shared
            .recovering
            .store(snapshot.unwrap_or(0), Ordering::Release);
    }

    pub(crate) fn dir(&self) -> &std::path::Path {
        &self.shared.dir
    }

    /// Caught up within the configured lag (and connected, and not
    /// recovering from a snapshot).
    pub fn ready(&self) -> bool {
        let s = self.status();
        if s.recovering.is_some() {
            return false;
        }
        if s.lag() <= self.shared.config.ready_lag && s.connected {
            self.shared.caught_up.store(true, Ordering::Release);
        }
        self.shared.caught_up.load(Ordering::Acquire)
            && s.connected
            && s.lag() <= self.shared.config.ready_lag
    }

    /// How long a request may wait for a minimum sequence.
    pub fn min_seq_timeout(&self) -> Duration {
        self.shared.config.min_seq_timeout
    }

    pub(crate) fn saw_last(&self, seq: u64) {
        self.shared.stream_last.fetch_max(seq, Ordering::AcqRel);
    }

    /// The stream's last sequence as its state says: corrects a higher one
    /// a consumer reported (a consumer started before the stream's first
    /// change set counts the trimmed ones as pending).
    pub(crate) fn polled_last(&self, seq: u64) {
        self.shared.stream_last.store(seq, Ordering::Release);
    }

    pub(crate) fn service(&self) -> &Service {
        &self.shared.service
    }

    pub(crate) fn config(&self) -> &ClusterConfig {
        &self.shared.config
    }
}
