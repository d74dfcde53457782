//! Group commit and publication. Writers commit to sled, then wait until a
//! flush that started after their commit has finished. One flusher task runs
//! flushes back to back while there are commits not yet on disk, so
//! concurrent writers share a flush. Before each flush it takes the latest
//! commit and the snapshot that commit made; once the flush has finished it
//! publishes that snapshot to readers, then wakes the writers it covered. So
//! readers see only what is on disk, and a writer is acknowledged only once
//! readers can see its write.
//!
//! Writers acknowledged together come back together, but not at once: each
//! needs a moment to send its next write. Flushing at the first of them
//! would cover it alone and leave the rest for the flush after (flushes
//! alternating between one write and all the others). So when the last
//! flush covered several commits, the flusher first waits for as many new
//! commits, at most half as long as that flush took ([`gather`]); after a
//! flush of one commit (a single writer) it flushes at once.
//!
//! A flush that fails, or does not finish within the flush timeout, fails
//! every write waiting on it and leaves the service read-only until restart:
//! sled 0.34 keeps the first I/O error of its log as a global error and fails
//! every later flush and write with it. Its flush can also block for good:
//! when a log buffer write fails on the path that ends a reservation, sled
//! records the error without waking threads waiting in `make_stable`, so a
//! flush can wait forever (the >120 s shutdown hang). Hence the timeout, and
//! nothing waits on a flush without one. The snapshot readers see stays the
//! last durable one.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use tokio::sync::{watch, Notify};

use super::ServiceError;
use crate::graph::Graph;
use crate::store::Store;

/// How long a flush may take by default before the store is given up on.
pub const FLUSH_TIMEOUT: Duration = Duration::from_secs(30);

/// The outcome of the latest flush.
#[derive(Clone, Debug)]
enum Flushed {
    /// Commits up to this number are on disk and published.
    Through(u64),
    /// A flush failed: commits up to this number are on disk, nothing after.
    Failed(u64),
}

struct Shared {
    store: Store,
    /// What readers see: the snapshot of the latest commit on disk.
    published: ArcSwap<Graph>,
    /// The latest commit and the snapshot it made.
    latest: Mutex<(u64, Arc<Graph>)>,
    flushes: AtomicU64,
    wake: Notify,
    stop: AtomicBool,
    /// Why the store is read-only, once it is.
    failed: OnceLock<String>,
    timeout_ms: AtomicU64,
}

pub struct Durability {
    shared: Arc<Shared>,
    flushed: watch::Receiver<Flushed>,
    /// The last change set of the published snapshot ([`Graph::log_seq`]):
    /// what a subscriber may read of the log. Closed once the flusher stops.
    log_seq: watch::Receiver<u64>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Durability {
    /// Starts the flusher task on the current Tokio runtime; `graph` is what
    /// the store holds now (commit 0).
    pub fn start(store: Store, graph: Arc<Graph>) -> Durability {
        let shared = Arc::new(Shared {
            store,
            published: ArcSwap::new(graph.clone()),
            latest: Mutex::new((0, graph)),
            flushes: AtomicU64::new(0),
            wake: Notify::new(),
            stop: AtomicBool::new(false),
            failed: OnceLock::new(),
            timeout_ms: AtomicU64::new(FLUSH_TIMEOUT.as_millis() as u64),
        });
        let (tx, rx) = watch::channel(Flushed::Through(0));
        let (seq_tx, seq_rx) = watch::channel(shared.published.load().log_seq());
        let task = tokio::spawn(flusher(shared.clone(), tx, seq_tx));
        Durability {
            shared,
            flushed: rx,
            log_seq: seq_rx,
            task: Mutex::new(Some(task)),
        }
    }

    /// The snapshot readers see.
    pub fn published(&self) -> Arc<Graph> {
        self.shared.published.load_full()
    }

    /// Follows the last change set readers can see; `changed()` fails once
    /// the flusher has stopped (the service closed or read-only).
    pub fn log_seq(&self) -> watch::Receiver<u64> {
        self.log_seq.clone()
    }

    /// Records commit `seq` and the snapshot it made (call under the write
    /// lock, after the commit is in sled).
    pub fn committed(&self, seq: u64, graph: Arc<Graph>) {
        *lock(&self.shared.latest) = (seq, graph);
    }

    /// Asks the flusher to make the latest commit durable and publish it,
    /// without waiting (the cluster's applier: nobody waits on its commits).
    pub fn flush_soon(&self) {
        self.shared.wake.notify_one();
    }

    /// The number of the latest commit.
    pub fn last_committed(&self) -> u64 {
        lock(&self.shared.latest).0
    }

    /// How many flushes the flusher has run (fewer than commits when writers share).
    pub fn flushes(&self) -> u64 {
        self.shared.flushes.load(Ordering::Relaxed)
    }

    pub fn set_timeout(&self, timeout: Duration) {
        let ms = timeout.as_millis().clamp(1, u64::MAX as u128) as u64;
        self.shared.timeout_ms.store(ms, Ordering::Relaxed);
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.shared.timeout_ms.load(Ordering::Relaxed))
    }

    /// Why the store is read-only, if it is.
    pub fn failed(&self) -> Option<&str> {
        self.shared.failed.get().map(String::as_str)
    }

    /// Makes the store read-only (first reason wins).
    pub fn fail(&self, reason: String) {
        fail(&self.shared, reason);
        self.shared.wake.notify_one();
    }

    /// Waits until commit `seq` is on disk and published.
    pub async fn wait(&self, seq: u64) -> Result<(), ServiceError> {
        if seq == 0 {
            return Ok(());
        }
        self.shared.wake.notify_one();
        let mut rx = self.flushed.clone();
        let done = rx
            .wait_for(|f| match f {
                Flushed::Through(n) => *n >= seq,
                Flushed::Failed(_) => true,
            })
            .await
            .map(|f| match *f {
                Flushed::Through(_) => true,
                // A later flush failed after this commit's had finished.
                Flushed::Failed(n) => n >= seq,
            });
        match done {
            Ok(true) => Ok(()),
            _ => Err(self.read_only()),
        }
    }

    /// The error a write gets once the store is read-only.
    pub fn read_only(&self) -> ServiceError {
        ServiceError::ReadOnly(self.failed().unwrap_or("the flusher stopped").to_owned())
    }

    /// Stops the flusher after a last flush of everything committed, waiting
    /// at most `limit`, so that the store is released when the service is dropped.
    pub async fn close(&self, limit: Duration) {
        self.shared.stop.store(true, Ordering::Release);
        self.shared.wake.notify_one();
        let task = lock(&self.task).take();
        if let Some(task) = task {
            if tokio::time::timeout(limit, task).await.is_err() {
                tracing::error!("the flusher did not stop within {limit:?}");
            }
        }
    }
}

impl Drop for Durability {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        self.shared.wake.notify_one();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn fail(shared: &Shared, reason: String) {
    if shared.failed.set(reason.clone()).is_ok() {
        tracing::error!(%reason, "the store is read-only until the server restarts");
    }
}

/// Waits until `expected` commits follow commit `done`, for at most
/// `limit`, or until the flusher is told to stop.
async fn gather(shared: &Shared, done: u64, expected: u64, limit: Duration) {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let target = lock(&shared.latest).0;
        if target.saturating_sub(done) >= expected
            || shared.stop.load(Ordering::Acquire)
            || shared.failed.get().is_some()
        {
            return;
        }
        // Each commit's writer wakes the flusher ([`Durability::wait`]); a
        // wake before this wait is kept as a permit, so none is lost.
        if tokio::time::timeout_at(deadline, shared.wake.notified())
            .await
            .is_err()
        {
            return;
        }
    }
}

/// Flushes while commits are not on disk; publishes each flushed snapshot.
async fn flusher(shared: Arc<Shared>, tx: watch::Sender<Flushed>, log_seq: watch::Sender<u64>) {
    let mut done = 0u64;
    // How many commits the last flush covered, and how long it took.
    let (mut covered, mut took) = (0u64, Duration::ZERO);
    loop {
        let (mut target, mut graph) = lock(&shared.latest).clone();
        if target > done && covered > 1 && !shared.stop.load(Ordering::Acquire) {
            gather(&shared, done, covered, took / 2).await;
            (target, graph) = lock(&shared.latest).clone();
        }
        if target <= done || shared.failed.get().is_some() {
            if shared.stop.load(Ordering::Acquire) || shared.failed.get().is_some() {
                // Keep `tx` until the end: waiters tell a stop from a failure.
                if shared.failed.get().is_some() {
                    let _ = tx.send(Flushed::Failed(done));
                }
                return;
            }
            shared.wake.notified().await;
            continue;
        }
        let limit = Duration::from_millis(shared.timeout_ms.load(Ordering::Relaxed));
        let store = shared.store.clone();
        let started = Instant::now();
        // A flush stuck in the kernel cannot be cancelled: on timeout its
        // thread is abandoned and the store given up on.
        let res =
            tokio::time::timeout(limit, tokio::task::spawn_blocking(move || store.flush())).await;
        shared.flushes.fetch_add(1, Ordering::Relaxed);
        match res {
            Ok(Ok(Ok(_))) => {
                (covered, took) = (target - done, started.elapsed());
                done = target;
                let seq = graph.log_seq();
                shared.published.store(graph);
                // After the snapshot: a subscriber told of `seq` finds it published.
                log_seq.send_if_modified(|s| std::mem::replace(s, seq) != seq);
                if tx.send(Flushed::Through(target)).is_err() {
                    return;
                }
            }
            Ok(Ok(Err(e))) => fail(&shared, format!("writing to disk failed: {e}")),
            Ok(Err(e)) => fail(&shared, format!("the flush stopped: {e}")),
            Err(_) => fail(
                &shared,
                format!("a flush to disk did not finish within {limit:?}"),
            ),
        }
    }
}
