//! Writes queue for one committer. A writer puts its changes in the queue;
//! if no committer is running it starts one on the blocking pool, which
//! commits queued writes one after another (each its own plan and sled
//! transaction, so each is still all or nothing) until the queue is empty.
//! Sixteen writers thus cost one thread and no lock hand-offs between them,
//! instead of sixteen blocked threads taking turns at a mutex (a convoy that
//! made sixteen clients slower than one on a busy machine).
//!
//! When nothing is queued behind the writes it has just committed, the
//! committer also flushes them itself if no flush is running, before it
//! answers their writers ([`super::durability`]): one writer alone then
//! waits on no other task. With writes queued behind, it answers at once and
//! goes on committing; the flusher task makes them durable together.

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::{Author, Change, Event, Inner, Outcome, ServiceError};

pub type Meta = Vec<(&'static str, Vec<u8>)>;
/// A commit's events and outcomes, its number, and its change set's number
/// (none when it changed no record).
pub type Done = (Vec<Event>, Vec<Outcome>, u64, Option<u64>);
type Reply = Result<Done, ServiceError>;

struct Job {
    changes: Vec<Change>,
    meta: Meta,
    author: Author,
    reply: oneshot::Sender<Reply>,
}

#[derive(Default)]
struct State {
    jobs: VecDeque<Job>,
    /// A committer is draining the queue.
    running: bool,
}

/// The writes waiting for the committer.
#[derive(Default)]
pub struct Queue {
    state: Mutex<State>,
}

impl Queue {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Queues a write and waits for its commit: its events, outcomes and number.
pub async fn commit(inner: &Arc<Inner>, changes: Vec<Change>, meta: Meta, author: Author) -> Reply {
    let (reply, done) = oneshot::channel();
    let start = {
        let mut s = inner.queue.lock();
        s.jobs.push_back(Job {
            changes,
            meta,
            author,
            reply,
        });
        !std::mem::replace(&mut s.running, true)
    };
    if start {
        let inner = inner.clone();
        tokio::task::spawn_blocking(move || drain(&inner));
    }
    // The committer may be flushing: a flush stuck for good fails the write.
    inner
        .durable
        .guard(done)
        .await?
        .map_err(|_| ServiceError::Internal("the committer stopped".into()))?
}

/// Commits queued writes until none is left; flushes the last of them here
/// when no flush is running.
fn drain(inner: &Inner) {
    loop {
        let jobs = {
            let mut s = inner.queue.lock();
            if s.jobs.is_empty() {
                s.running = false;
                return;
            }
            std::mem::take(&mut s.jobs)
        };
        let done: Vec<(oneshot::Sender<Reply>, Reply)> = jobs
            .into_iter()
            .map(|job| {
                let r = catch_unwind(AssertUnwindSafe(|| {
                    inner.commit(job.changes, job.meta, &job.author)
                }))
                .unwrap_or_else(|_| Err(ServiceError::Internal("a write panicked".into())));
                (job.reply, r)
            })
            .collect();
        // Nothing queued behind: this committer stops here, so a write
        // queued while it flushes starts the next one.
        let last = {
            let mut s = inner.queue.lock();
            s.running = !s.jobs.is_empty();
            !s.running
        };
        if last && done.iter().any(|(_, r)| r.is_ok()) {
            inner.durable.flush_here();
        }
        for (reply, r) in done {
            let _ = reply.send(r);
        }
        if last {
            return;
        }
    }
}
