//! Group commit and publication. Writers commit to sled, then wait until a
//! flush that started after their commit has finished. A flush takes the
//! latest commit and the snapshot that commit made; once it has finished it
//! publishes that snapshot to readers, then wakes the writers it covered. So
//! readers see only what is on disk, and a writer is acknowledged only once
//! readers can see its write. One flush runs at a time ([`flush_latest`]);
//! commits made while it runs share the next one.
//!
//! Who flushes: the committer, when it has nothing queued behind the writes
//! it just committed and no flush is running, flushes them itself on its
//! thread and only then answers their writers (a lone writer's write costs no
//! hand-off to another task). Otherwise the flusher task does: it runs
//! flushes back to back while there are commits not yet on disk, so
//! concurrent writers share a flush.
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
//! nothing waits on a flush without one: whoever waits ([`Durability::guard`])
//! checks, each timeout, whether the flush running has overrun it. The
//! snapshot readers see stays the last durable one.

use std::future::Future;
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

impl Flushed {
    fn done(&self) -> u64 {
        match self {
            Flushed::Through(n) | Flushed::Failed(n) => *n,
        }
    }
}

/// What [`flush_latest`] did.
#[derive(Debug, PartialEq)]
enum Flush {
    /// Every commit was already on disk.
    Idle,
    /// Another flush is running.
    Busy,
    /// Flushed this many commits, taking this long.
    Done(u64, Duration),
    /// The store is read-only.
    Failed,
}

struct Shared {
    store: Store,
    /// What readers see: the snapshot of the latest commit on disk.
    published: ArcSwap<Graph>,
    /// The latest commit and the snapshot it made.
    latest: Mutex<(u64, Arc<Graph>)>,
    /// The outcome of the latest flush, and the last change set published;
    /// dropped when the flusher task stops (so their receivers see it).
    senders: Mutex<Option<(watch::Sender<Flushed>, watch::Sender<u64>)>>,
    /// A flush is running.
    flushing: AtomicBool,
    /// When the running flush began, in ms after `epoch` plus one (0: none).
    flush_began: AtomicU64,
    epoch: Instant,
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
        let (tx, rx) = watch::channel(Flushed::Through(0));
        let (seq_tx, seq_rx) = watch::channel(graph.log_seq());
        let shared = Arc::new(Shared {
            store,
            published: ArcSwap::new(graph.clone()),
            latest: Mutex::new((0, graph)),
            senders: Mutex::new(Some((tx, seq_tx))),
            flushing: AtomicBool::new(false),
            flush_began: AtomicU64::new(0),
            epoch: Instant::now(),
            flushes: AtomicU64::new(0),
            wake: Notify::new(),
            stop: AtomicBool::new(false),
            failed: OnceLock::new(),
            timeout_ms: AtomicU64::new(FLUSH_TIMEOUT.as_millis() as u64),
        });
        let task = tokio::spawn(flusher(shared.clone(), rx.clone()));
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

    /// Makes the latest commit durable and publishes it on this thread,
    /// unless a flush is running (then it is left to the flusher, which the
    /// writers waiting wake) or the store is read-only: the committer's
    /// flush when nothing is queued behind its writes. Blocks on I/O: call
    /// off the async workers, holding no lock.
    pub fn flush_here(&self) {
        flush_latest(&self.shared);
    }

    /// The number of the latest commit.
    pub fn last_committed(&self) -> u64 {
        lock(&self.shared.latest).0
    }

    /// How many flushes have run (fewer than commits when writers share).
    pub fn flushes(&self) -> u64 {
        self.shared.flushes.load(Ordering::Relaxed)
    }

    pub fn set_timeout(&self, timeout: Duration) {
        let ms = timeout.as_millis().clamp(1, u64::MAX as u128) as u64;
        self.shared.timeout_ms.store(ms, Ordering::Relaxed);
    }

    pub fn timeout(&self) -> Duration {
        self.shared.timeout()
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

    /// Awaits `fut`, which a flush may hold up (a commit whose committer
    /// flushes, a wait for a flush): each flush timeout, gives the store up
    /// if the flush running has taken longer than that.
    pub async fn guard<F: Future>(&self, fut: F) -> Result<F::Output, ServiceError> {
        let mut fut = std::pin::pin!(fut);
        loop {
            match tokio::time::timeout(self.timeout(), fut.as_mut()).await {
                Ok(out) => return Ok(out),
                Err(_) if overran(&self.shared) => return Err(self.read_only()),
                Err(_) => {}
            }
        }
    }

    /// Waits until commit `seq` is on disk and published.
    pub async fn wait(&self, seq: u64) -> Result<(), ServiceError> {
        let mut rx = self.flushed.clone();
        let reached = |f: &Flushed| match f {
            Flushed::Through(n) => *n >= seq,
            Flushed::Failed(_) => true,
        };
        if seq == 0 || matches!(*rx.borrow(), Flushed::Through(n) if n >= seq) {
            return Ok(());
        }
        self.shared.wake.notify_one();
        let done = self.guard(rx.wait_for(reached)).await?.map(|f| match *f {
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

impl Shared {
    fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms.load(Ordering::Relaxed))
    }

    /// Commits up to this number are on disk.
    fn done(&self) -> u64 {
        lock(&self.senders)
            .as_ref()
            .map_or(0, |(tx, _)| tx.borrow().done())
    }

    /// Some commit is not on disk yet.
    fn pending(&self) -> bool {
        let target = lock(&self.latest).0;
        target > self.done()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Makes the store read-only (first reason wins) and fails the writers
/// waiting on a flush.
fn fail(shared: &Shared, reason: String) {
    if shared.failed.set(reason.clone()).is_ok() {
        tracing::error!(%reason, "the store is read-only until the server restarts");
    }
    if let Some((tx, _)) = lock(&shared.senders).as_ref() {
        tx.send_if_modified(|f| match *f {
            Flushed::Through(n) => {
                *f = Flushed::Failed(n);
                true
            }
            Flushed::Failed(_) => false,
        });
    }
}

/// Whether the flush running has taken longer than the flush timeout; if
/// so the store is given up on. Also true once the store is read-only.
fn overran(shared: &Shared) -> bool {
    let began = shared.flush_began.load(Ordering::Acquire);
    let limit = shared.timeout();
    if began > 0 {
        let now = shared.epoch.elapsed().as_millis() as u64 + 1;
        if now.saturating_sub(began) >= limit.as_millis() as u64 {
            fail(
                shared,
                format!("a flush to disk did not finish within {limit:?}"),
            );
        }
    }
    shared.failed.get().is_some()
}

/// Flushes the latest commit and publishes its snapshot, on this thread,
/// unless a flush is running or every commit is on disk. The only place a
/// flush of commits happens, so they run one at a time.
fn flush_latest(shared: &Shared) -> Flush {
    if shared.failed.get().is_some() {
        return Flush::Failed;
    }
    let (target, graph) = {
        let latest = lock(&shared.latest);
        if latest.0 <= shared.done() {
            return Flush::Idle;
        }
        if shared.flushing.swap(true, Ordering::AcqRel) {
            return Flush::Busy;
        }
        latest.clone()
    };
    let done = shared.done();
    let started = Instant::now();
    let began = shared.epoch.elapsed().as_millis() as u64 + 1;
    shared.flush_began.store(began, Ordering::Release);
    let res = shared.store.flush();
    shared.flush_began.store(0, Ordering::Release);
    shared.flushes.fetch_add(1, Ordering::Relaxed);
    let out = match res {
        Ok(_) => {
            let seq = graph.log_seq();
            shared.published.store(graph);
            if let Some((tx, log_seq)) = lock(&shared.senders).as_ref() {
                // After the snapshot: a subscriber told of `seq` finds it published.
                log_seq.send_if_modified(|s| std::mem::replace(s, seq) != seq);
                // A failure meanwhile (a timeout) stands.
                tx.send_if_modified(|f| match f {
                    Flushed::Through(n) if *n < target => {
                        *n = target;
                        true
                    }
                    _ => false,
                });
            }
            Flush::Done(target.saturating_sub(done), started.elapsed())
        }
        Err(e) => {
            fail(shared, format!("writing to disk failed: {e}"));
            Flush::Failed
        }
    };
    // Under the lock commits take: a commit made during the flush either is
    // seen here, and the flusher woken for it, or comes after the flag is
    // down, and its writer's wait wakes the flusher.
    let latest = lock(&shared.latest);
    shared.flushing.store(false, Ordering::Release);
    if latest.0 > target {
        shared.wake.notify_one();
    }
    out
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

/// Flushes while commits are not on disk and no other flush runs.
async fn flusher(shared: Arc<Shared>, mut flushed: watch::Receiver<Flushed>) {
    // How many commits the last flush covered, and how long it took.
    let (mut covered, mut took) = (0u64, Duration::ZERO);
    loop {
        flushed.borrow_and_update();
        let stopping = shared.stop.load(Ordering::Acquire);
        if shared.failed.get().is_some() || (stopping && !shared.pending()) {
            // Dropping the senders tells waiters and subscribers it stopped.
            lock(&shared.senders).take();
            return;
        }
        if !shared.pending() {
            shared.wake.notified().await;
            continue;
        }
        if covered > 1 && !stopping {
            gather(&shared, shared.done(), covered, took / 2).await;
        }
        let limit = shared.timeout();
        let sh = shared.clone();
        // A flush stuck in the kernel cannot be cancelled: on timeout its
        // thread is abandoned and the store given up on.
        let res = tokio::time::timeout(
            limit,
            tokio::task::spawn_blocking(move || flush_latest(&sh)),
        )
        .await;
        match res {
            Ok(Ok(Flush::Done(n, t))) => (covered, took) = (n, t),
            Ok(Ok(Flush::Idle | Flush::Failed)) => {}
            // The committer is flushing: wait for its flush to end.
            Ok(Ok(Flush::Busy)) => {
                if tokio::time::timeout(limit, flushed.changed())
                    .await
                    .is_err()
                {
                    overran(&shared);
                }
            }
            Ok(Err(e)) => fail(&shared, format!("the flush stopped: {e}")),
            Err(_) => fail(
                &shared,
                format!("a flush to disk did not finish within {limit:?}"),
            ),
        }
    }
}

#[cfg(test)]
#[path = "durability_tests.rs"]
mod tests;
