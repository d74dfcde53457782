//! The accept loop: a cap on open connections, the timeouts that close a
//! connection holding a slot without using it, and graceful shutdown.
//!
//! Each accepted socket holds a slot of a semaphore until it is closed (an
//! upgraded WebSocket keeps its slot); with every slot taken the loop stops
//! accepting, and new clients wait in the listen backlog. A watchdog per
//! connection closes it when no request is in flight and none arrives in
//! time. hyper's own `header_read_timeout` is not used: behind the automatic
//! HTTP/1–HTTP/2 builder, a client that sends nothing (or only `P`, `PR`…)
//! never gets past the version sniffing, where that timer has not started, and
//! on a kept-alive connection hyper starts it when the previous response ends,
//! so it could not be told apart from the idle timeout.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tower_service::Service as _;

use super::body::Deadline;

/// Limits on connections, as opposed to requests.
#[derive(Debug, Clone)]
pub struct Connections {
    /// Most connections open at once, WebSockets included; past it the server
    /// stops accepting until one closes. Lowered at start-up to fit the
    /// process's file limit.
    pub max_connections: usize,
    /// How long a client has to send a whole request head: from when it
    /// connects, or on a kept-alive connection from the first byte of its next
    /// request.
    pub header_read_timeout: Duration,
    /// How long a kept-alive connection may wait for its next request; also
    /// bounds a client that stops reading its response.
    pub idle_timeout: Duration,
    /// How long a client has to send a whole request body, from the end of
    /// its head.
    pub body_timeout: Duration,
}

impl Default for Connections {
    fn default() -> Self {
        Connections {
            max_connections: 1024,
            header_read_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(60),
        }
    }
}

/// Clients the kernel holds, connected, while every slot is taken (Linux
/// caps it at `net.core.somaxconn`); past it their connects are retried
/// with back-off, in no order.
const BACKLOG: u32 = 4096;

/// A listener on `addr` with a deep backlog, so that clients queue in order
/// while the connection cap is reached.
pub fn listen(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// Why the watchdog closes a connection that sent no whole request head in time.
const HEAD: &str = "no whole request head within the header-read timeout";

/// Descriptors kept free beside the connections: the store, the runtime,
/// the listener, the standard streams.
const FILE_HEADROOM: u64 = 64;

/// Accepts connections until `shutdown` completes, then lets requests in
/// flight finish (open WebSockets are not waited for).
pub(super) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Connections,
    metrics: crate::metrics::Metrics,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let max = fit_file_limit(limits.max_connections);
    let slots = Arc::new(Semaphore::new(max));
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // Our watchdog does this job; see the module comment.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(None);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        if slots.available_permits() == 0 {
            metrics.limit("maxConnections");
        }
        let slot = tokio::select! {
            biased;
            _ = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
        };
        let (stream, client) = tokio::select! {
            biased;
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Watched {
            stream,
            activity: activity.clone(),
            _slot: slot,
        });
        let service = hyper::service::service_fn({
            let (app, activity) = (app.clone(), activity.clone());
            let body_timeout = limits.body_timeout;
            move |req: hyper::Request<Incoming>| {
                let in_flight = activity.request_started();
                let mut req = req.map(|body| Deadline::new(body, body_timeout));
                req.extensions_mut().insert(super::ClientAddr(client));
                let answer = app.clone().call(req);
                async move {
                    let res = answer.await?;
                    // The guard lives as long as the response body: the
                    // request is in flight until hyper has taken all of it.
                    Ok::<_, Infallible>(res.map(move |body| {
                        body.map_frame(move |frame| {
                            let _ = &in_flight;
                            frame
                        })
                    }))
                }
            }
        });
        let conn = graceful.watch(
            builder
                .serve_connection_with_upgrades(io, service)
                .into_owned(),
        );
        let (limits, metrics) = (limits.clone(), metrics.clone());
        tokio::spawn(async move {
            tokio::select! {
                ended = conn => if let Err(e) = ended {
                    tracing::debug!(error = %e, "connection ended with an error");
                },
                reason = watchdog(&activity, &limits) => {
                    tracing::debug!(reason, "connection closed");
                    if reason == HEAD {
                        metrics.limit("headerReadTimeout");
                    }
                }
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

async fn accept_failed(e: io::Error) {
    // Out of descriptors or memory: wait for some to free rather than spin.
    let resources = matches!(
        e.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
    );
    if resources {
        tracing::warn!(error = %e, "cannot accept a connection; retrying in 250 ms");
        tokio::time::sleep(Duration::from_millis(250)).await;
    } else {
        tracing::debug!(error = %e, "a connection failed while being accepted");
    }
}

/// `max` lowered, with a log line, to fit the process's file limit.
fn fit_file_limit(max: usize) -> usize {
    let Some(soft) = file_limit() else {
        return max;
    };
    let fitted = fit(max, soft);
    if fitted < max {
        tracing::warn!(
            "--max-connections {max} lowered to {fitted}: the process may open {soft} files \
             and {FILE_HEADROOM} are kept for the store and the runtime (raise `ulimit -n`)"
        );
    }
    fitted
}

/// At most `max` connections, leaving [`FILE_HEADROOM`] of `soft` files free.
fn fit(max: usize, soft: u64) -> usize {
    let room = usize::try_from(soft.saturating_sub(FILE_HEADROOM).max(1)).unwrap_or(usize::MAX);
    max.min(room)
}

/// The soft limit on open files, if there is one.
#[allow(clippy::unnecessary_cast)] // rlim_t is not u64 on every platform
fn file_limit() -> Option<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes only to the struct it is given.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0;
    (ok && lim.rlim_cur != libc::RLIM_INFINITY).then_some(lim.rlim_cur as u64)
}

const NOT_YET: u64 = u64::MAX;

/// What the watchdog needs to know of one connection. Shared with the
/// socket wrapper and the requests' guards, which may run on other threads
/// (HTTP/2 streams are tasks of their own), hence atomics.
struct Activity {
    opened: Instant,
    in_flight: AtomicUsize,
    /// A request has started on this connection.
    served: AtomicBool,
    /// When the last request in flight ended (ms since `opened`).
    idle_since: AtomicU64,
    /// When the first byte after that arrived (ms since `opened`), if any.
    head_started: AtomicU64,
    changed: Notify,
}

impl Activity {
    fn new() -> Self {
        Activity {
            opened: Instant::now(),
            in_flight: AtomicUsize::new(0),
            served: AtomicBool::new(false),
            idle_since: AtomicU64::new(0),
            head_started: AtomicU64::new(NOT_YET),
            changed: Notify::new(),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(NOT_YET - 1)
    }

    fn at(&self, ms: u64) -> Instant {
        self.opened + Duration::from_millis(ms)
    }

    fn bytes_read(&self) {
        if self.in_flight.load(SeqCst) == 0 && self.head_started.load(SeqCst) == NOT_YET {
            self.head_started.store(self.now_ms(), SeqCst);
            self.changed.notify_one();
        }
    }

    fn request_started(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, SeqCst);
        self.served.store(true, SeqCst);
        self.head_started.store(NOT_YET, SeqCst);
        self.changed.notify_one();
        InFlight(self.clone())
    }

    /// When the connection is to be closed if nothing changes, and why.
    fn deadline(&self, limits: &Connections) -> Option<(Instant, &'static str)> {
        if self.in_flight.load(SeqCst) > 0 {
            return None;
        }
        if !self.served.load(SeqCst) {
            return Some((self.opened + limits.header_read_timeout, HEAD));
        }
        match self.head_started.load(SeqCst) {
            NOT_YET => Some((
                self.at(self.idle_since.load(SeqCst)) + limits.idle_timeout,
                "idle past the idle timeout",
            )),
            ms => Some((self.at(ms) + limits.header_read_timeout, HEAD)),
        }
    }
}

/// A request in flight, from its head to the end of its response.
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let a = &self.0;
        if a.in_flight.fetch_sub(1, SeqCst) == 1 {
            a.idle_since.store(a.now_ms(), SeqCst);
            a.head_started.store(NOT_YET, SeqCst);
            a.changed.notify_one();
        }
    }
}

/// Completes, with the reason, when the connection has overstayed.
async fn watchdog(activity: &Activity, limits: &Connections) -> &'static str {
    loop {
        match activity.deadline(limits) {
            None => activity.changed.notified().await,
            Some((at, why)) if at <= Instant::now() => return why,
            Some((at, _)) => tokio::select! {
                _ = activity.changed.notified() => {}
                _ = tokio::time::sleep_until(at) => {}
            },
        }
    }
}

/// The socket, telling the watchdog when bytes arrive, and holding the
/// connection's slot until it is dropped.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
    _slot: OwnedSemaphorePermit,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.bytes_read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_headroom_under_the_file_limit() {
        assert_eq!(fit(1024, 20_000), 1024);
        assert_eq!(fit(1024, 1024), 1024 - FILE_HEADROOM as usize);
        assert_eq!(fit(1024, 10), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn the_watchdog_tells_a_fresh_connection_from_an_idle_one() {
        let limits = Connections {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            ..Default::default()
        };
        let a = Arc::new(Activity::new());
        let opened = Instant::now();
        // Fresh: the header-read timeout runs from the connection's start.
        a.bytes_read();
        assert_eq!(
            a.deadline(&limits).unwrap().0,
            opened + limits.header_read_timeout
        );
        let req = a.request_started();
        assert!(
            a.deadline(&limits).is_none(),
            "no deadline while a request is in flight"
        );
        tokio::time::advance(Duration::from_secs(5)).await;
        drop(req);
        // Kept alive: the idle timeout, then the header-read one from the first byte.
        let idle = Instant::now();
        assert_eq!(a.deadline(&limits).unwrap().0, idle + limits.idle_timeout);
        tokio::time::advance(Duration::from_secs(20)).await;
        a.bytes_read();
        let first = Instant::now();
        assert_eq!(
            a.deadline(&limits).unwrap().0,
            first + limits.header_read_timeout
        );
        let why = tokio::time::timeout(Duration::from_secs(11), watchdog(&a, &limits)).await;
        assert!(why.unwrap().contains("header-read"));
    }
}
