//! The request body: a deadline for receiving it (set by the accept loop on
//! every request) and the size cap (enforced by the GraphQL POST handler, so
//! that a body too large is answered in GraphQL).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap};
use http_body::{Body as HttpBody, Frame, SizeHint};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use tokio::time::Sleep;

/// Why a request body could not be read.
#[derive(Debug, thiserror::Error)]
pub(super) enum BodyError {
    #[error("the request body is larger than the limit of {0} bytes")]
    TooLarge(usize),
    #[error(transparent)]
    TimedOut(#[from] BodyTimedOut),
    #[error("the request body could not be read: {0}")]
    Broken(String),
}

/// The whole body, refused as soon as it is known to exceed `max` bytes:
/// from `Content-Length` before reading, else while reading a chunked body.
pub(super) async fn read_body(
    body: Body,
    headers: &HeaderMap,
    max: usize,
) -> Result<Bytes, BodyError> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > max as u64) {
        return Err(BodyError::TooLarge(max));
    }
    match Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) => {
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&*e);
            while let Some(c) = cause {
                if c.is::<LengthLimitError>() {
                    return Err(BodyError::TooLarge(max));
                }
                if let Some(t) = c.downcast_ref::<BodyTimedOut>() {
                    return Err(BodyError::TimedOut(BodyTimedOut(t.0)));
                }
                cause = c.source();
            }
            Err(BodyError::Broken(e.to_string()))
        }
    }
}

/// The request body ran past the body timeout.
#[derive(Debug, thiserror::Error)]
#[error("the request body was not received within {} s", .0.as_secs_f64())]
pub(super) struct BodyTimedOut(pub Duration);

/// A request body that fails with [`BodyTimedOut`] once its time is up.
pub(super) struct Deadline {
    body: Incoming,
    /// None for a body that is already over (a GET).
    sleep: Option<Pin<Box<Sleep>>>,
    timeout: Duration,
}

impl Deadline {
    pub(super) fn new(body: Incoming, timeout: Duration) -> Self {
        let sleep = (!body.is_end_stream()).then(|| Box::pin(tokio::time::sleep(timeout)));
        Deadline {
            body,
            sleep,
            timeout,
        }
    }
}

impl HttpBody for Deadline {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.body).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        let expired = this
            .sleep
            .as_mut()
            .is_some_and(|sleep| sleep.as_mut().poll(cx).is_ready());
        if expired {
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut(this.timeout)))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
