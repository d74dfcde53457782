//! JSON array batching on `POST /graphql`: an array of requests is answered
//! by an array of responses, in order. Bounded: at most `--max-batch`
//! requests (and, as any body, `--max-body` bytes); each element is a request
//! of its own for every limit, for the caller's rights (a mutation needs a
//! token that may write) and for its snapshot. The elements run one after
//! another, so a batch takes no more of the server at a time than one
//! request does, and at most `--max-batch` times one request's work in all.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::auth::Auth;
use super::graphql::{
    error_body, graded, params, request_error, respond, run, status_of, Ctx, Media,
};
use crate::api::guard::Transport;
use crate::api::ErrorCode;

/// A JSON array of requests on POST: an array of their answers, in order.
/// Each element is run as a request of its own, one after another (so a
/// batch holds no more than one request's worth of the server at a time),
/// under every limit and the caller's rights; the batch itself is bounded by
/// `--max-batch` and, as any body, `--max-body`. An element that is not a
/// request gets its error in its place; the others run.
pub(super) async fn batch(
    ctx: Ctx,
    media: Media,
    headers: HeaderMap,
    items: Vec<Value>,
) -> Response {
    let max = ctx.limits.max_batch;
    if items.is_empty() {
        return request_error(media, "the batch is empty: send at least one request");
    }
    if items.len() > max {
        let message = format!(
            "the batch has {} requests, more than the limit of {max} (--max-batch)",
            items.len()
        );
        let mut body = error_body(&message, ErrorCode::BadRequest);
        body["errors"][0]["extensions"]["limit"] = "maxBatch".into();
        return respond(media, StatusCode::BAD_REQUEST, body);
    }
    let caller = ctx.auth.caller(Auth::token(&headers), Transport::Post);
    if let Err(d) = caller.read {
        // Nothing in it may run: refused as a whole, as a single request is.
        let code = d.code();
        let status = status_of(code, StatusCode::BAD_REQUEST);
        let mut res = respond(media, status, error_body(d.message(), code));
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"attache\""),
            );
        }
        return res;
    }
    let mut answers = Vec::with_capacity(items.len());
    for item in items {
        let p = match item {
            Value::Object(m) => params(m),
            _ => Err("each request of a batch must be a JSON object".into()),
        };
        answers.push(match p {
            Ok(p) => graded(media, run(&ctx, caller.clone(), p).await).1,
            Err(msg) => error_body(&msg, ErrorCode::BadRequest),
        });
    }
    respond(media, StatusCode::OK, Value::Array(answers))
}
