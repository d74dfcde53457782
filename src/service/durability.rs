//! Group commit: writers commit to sled, then wait until a flush that started
//! after their commit has finished. One flusher task runs flushes back to back
//! while there are writers waiting, so concurrent writers share a flush.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::sync::Mutex;

use tokio::sync::{watch, Notify};

use super::ServiceError;
use crate::store::{Store, StoreError};

/// The outcome of the latest flush: up to which commit it covered, or why it failed.
#[derive(Clone, Debug)]
enum Flushed {
    Through(u64),
    /// The flush meant to cover commits up to the number failed.
    Failed(u64, Arc<String>),
}

pub struct Durability {
    committed: Arc<AtomicU64>,
    flushes: Arc<AtomicU64>,
    wake: Arc<Notify>,
    flushed: watch::Receiver<Flushed>,
    stop: Arc<AtomicBool>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Durability {
    /// Starts the flusher task on the current Tokio runtime.
    pub fn start(store: Store) -> Durability {
        let committed = Arc::new(AtomicU64::new(0));
        let wake = Arc::new(Notify::new());
        let (tx, rx) = watch::channel(Flushed::Through(0));
        let stop = Arc::new(AtomicBool::new(false));
        let flushes = Arc::new(AtomicU64::new(0));
        let (c, w, st, fl) = (
            committed.clone(),
            wake.clone(),
            stop.clone(),
            flushes.clone(),
        );
        let task = tokio::spawn(async move {
            let mut done = 0u64;
            loop {
                if c.load(Ordering::Acquire) <= done {
                    if st.load(Ordering::Acquire) {
                        return;
                    }
                    w.notified().await;
                    continue;
                }
                let target = c.load(Ordering::Acquire);
                let s = store.clone();
                let res = tokio::task::spawn_blocking(move || s.flush()).await;
                fl.fetch_add(1, Ordering::Relaxed);
                let state = match res {
                    Ok(Ok(_)) => {
                        done = target;
                        Flushed::Through(target)
                    }
                    Ok(Err(e)) => Flushed::Failed(target, Arc::new(e.to_string())),
                    Err(e) => Flushed::Failed(target, Arc::new(e.to_string())),
                };
                if tx.send(state).is_err() {
                    return;
                }
            }
        });
        Durability {
            committed,
            flushes,
            wake,
            flushed: rx,
            stop,
            task: Mutex::new(Some(task)),
        }
    }

    /// Records a commit (call under the write lock) and returns its number.
    pub fn committed(&self) -> u64 {
        self.committed.fetch_add(1, Ordering::AcqRel) + 1
    }

    /// How many flushes the flusher has run (fewer than commits when writers share).
    pub fn flushes(&self) -> u64 {
        self.flushes.load(Ordering::Relaxed)
    }

    /// The number of the latest commit.
    pub fn last_committed(&self) -> u64 {
        self.committed.load(Ordering::Acquire)
    }

    /// Stops the flusher after a last flush of everything committed, and waits
    /// for it, so that the store is released when the service is dropped.
    pub async fn close(&self) {
        self.stop.store(true, Ordering::Release);
        self.wake.notify_one();
        let task = self.task.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }

    /// Waits until commit `seq` is on disk.
    pub async fn wait(&self, seq: u64) -> Result<(), ServiceError> {
        if seq == 0 {
            return Ok(());
        }
        self.wake.notify_one();
        let mut rx = self.flushed.clone();
        let state = rx
            .wait_for(|f| match f {
                Flushed::Through(n) => *n >= seq,
                Flushed::Failed(t, _) => *t >= seq,
            })
            .await
            .map_err(|_| ServiceError::Internal("the flusher stopped".into()))?
            .clone();
        match state {
            Flushed::Through(_) => Ok(()),
            Flushed::Failed(_, e) => Err(ServiceError::Store(StoreError::Sled(sled::Error::Io(
                std::io::Error::other(format!("flush failed: {e}")),
            )))),
        }
    }
}

impl Drop for Durability {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        self.wake.notify_one();
    }
}
