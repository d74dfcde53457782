//! The access log and the request metrics: a middleware around every route
//! that times each request and, once its response head is ready, writes one
//! `info` line under the target `attache::access` (client address, method,
//! path without its query string, GraphQL operations, status, duration) and
//! counts it into [`Metrics`]. Also `/metrics` itself: on the main listener
//! for any valid token, and alone on the private listener of
//! `--metrics-listen` for anyone who can reach it.
//!
//! The GraphQL handlers learn nothing of this: the middleware puts a
//! [`Note`] in a task-local for the request ([`note`]), the schema's observer
//! names the operations in it, and [`answered`] tags each JSON answer with
//! the error codes in its body.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;

use super::auth::Auth;
use super::graphql::{error_body, respond, Media};
use crate::api::guard::Transport;
use crate::api::ErrorCode;
use crate::metrics::{Metrics, Note, NO_OPERATION};
use crate::service::Service;

/// The address a request's connection came from (set by the accept loop).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub SocketAddr);

tokio::task_local! {
    /// The request being served, on its task, for the GraphQL handlers.
    static NOTE: Note;
}

/// The [`Note`] of the request this task serves, if it passed the access middleware.
pub(super) fn note() -> Option<Note> {
    NOTE.try_with(Note::clone).ok()
}

/// The errors an answer carries: each one's code, and the limit it names.
#[derive(Debug, Clone, Default)]
pub(super) struct Answered(Vec<(String, Option<String>)>);

/// Tags `res` with the errors in `body` (an answer, or a batch's array of
/// answers), for the middleware to count.
pub(super) fn answered(res: &mut Response, body: &Value) {
    let mut found = Vec::new();
    let mut one = |b: &Value| {
        for e in b
            .get("errors")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let ext = &e["extensions"];
            let code = ext["code"].as_str().unwrap_or("UNKNOWN");
            let limit = ext["limit"].as_str().or(match ErrorCode::parse(code) {
                Some(ErrorCode::PayloadTooLarge) => Some("maxBody"),
                Some(ErrorCode::RequestTimeout) => Some("bodyTimeout"),
                _ => None,
            });
            found.push((code.to_owned(), limit.map(str::to_owned)));
        }
    };
    match body {
        Value::Array(items) => items.iter().for_each(&mut one),
        b => one(b),
    }
    if !found.is_empty() {
        res.extensions_mut().insert(Answered(found));
    }
}

/// The middleware: logs and counts each request once its response is ready.
pub(super) async fn access(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let client = req
        .extensions()
        .get::<ClientAddr>()
        .map_or_else(|| "-".to_owned(), |c| c.0.to_string());
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let note = Note::default();
    let res = NOTE.scope(note.clone(), next.run(req)).await;
    let took = started.elapsed();
    let status = res.status().as_u16();
    if let Some(Answered(errors)) = res.extensions().get::<Answered>() {
        for (code, limit) in errors {
            metrics.error(code, limit.as_deref());
        }
    }
    let operations = note.operations();
    let operation = match operations.as_slice() {
        [] => NO_OPERATION,
        [one] => one.as_str(),
        _ => "batch",
    };
    metrics.request(&route, operation, status, took);
    tracing::info!(
        target: "attache::access",
        client = %client,
        method = %method,
        path = %path,
        operation = %operations.join(","),
        status,
        ms = (took.as_secs_f64() * 1e6).round() / 1e3,
        "request"
    );
    res
}

/// What `/metrics` needs: the metrics, the service they read, and on the
/// main listener who may scrape.
#[derive(Clone)]
struct Scrape {
    metrics: Metrics,
    service: Service,
    /// `None` on the private listener: anyone who reaches it may scrape.
    auth: Option<Auth>,
}

async fn scrape(State(s): State<Scrape>, headers: HeaderMap) -> Response {
    if let Some(auth) = &s.auth {
        let token = Auth::token(&headers);
        let caller = auth.caller(token, Transport::Get);
        let open = auth.open_writes && token.is_none();
        if caller.role.is_none() && !open {
            let mut res = respond(
                Media::Json,
                StatusCode::UNAUTHORIZED,
                error_body(
                    "/metrics needs a bearer token (any role: a reader's is enough), \
                     or scrape the listener of --metrics-listen",
                    ErrorCode::Unauthenticated,
                ),
            );
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"attache\""),
            );
            return res;
        }
    }
    let Scrape {
        metrics, service, ..
    } = s;
    // Reads the store (its size, new change sets): off the request threads.
    match tokio::task::spawn_blocking(move || metrics.render(&service)).await {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            )],
            text,
        )
            .into_response(),
        Err(e) => {
            let id = crate::api::report_internal(&format!("rendering the metrics failed: {e}"));
            respond(
                Media::Json,
                StatusCode::INTERNAL_SERVER_ERROR,
                error_body(&crate::api::internal_message(&id), ErrorCode::Internal),
            )
        }
    }
}

/// `/metrics` on the main listener: any valid token (or none, with
/// `--open-writes` on loopback).
pub(super) fn router(service: Service, metrics: Metrics, auth: Auth) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(Scrape {
            metrics,
            service,
            auth: Some(auth),
        })
}

/// Serves `/metrics` alone, with no token, on `listener` (`--metrics-listen`:
/// a private address for the scraper) until `shutdown` completes.
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    service: Service,
    metrics: Metrics,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = Router::new()
        .route("/metrics", get(scrape))
        .with_state(Scrape {
            metrics,
            service,
            auth: None,
        });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
