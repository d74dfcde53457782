//! Cluster mode's read-your-writes across nodes: every GraphQL answer
//! carries the node's applied sequence (extension `appliedSeq` and header
//! `X-Attache-Applied-Seq`), and a request may ask for a minimum one
//! (header `X-Attache-Min-Seq`, or extension `minSeq`): the node waits until
//! it has applied that change set, at most `--min-seq-timeout`, then runs
//! the request, or answers 503 `UNAVAILABLE` saying how far it got.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::graphql::{error_body, request_error, respond, Media, Params};
use crate::api::ErrorCode;
use crate::cluster::Cluster;

/// The request header naming a minimum sequence.
pub const MIN_SEQ: &str = "x-attache-min-seq";
/// The response header giving the node's applied sequence.
pub const APPLIED_SEQ: &str = "x-attache-applied-seq";

/// The minimum sequence a request asks for, if any (the header wins).
fn min_seq(headers: &HeaderMap, p: &Params) -> Result<Option<u64>, String> {
    if let Some(v) = headers.get(MIN_SEQ) {
        return v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Some)
            .ok_or_else(|| format!("the {MIN_SEQ} header must be a change-set number"));
    }
    match p.extensions.get("minSeq") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| "extension `minSeq` must be a change-set number".into()),
    }
}

/// Waits for the minimum sequence the request asks for; the response to
/// send instead when it is malformed or not reached in time.
pub(super) async fn wait_min_seq(
    cluster: &Cluster,
    media: Media,
    headers: &HeaderMap,
    p: &Params,
) -> Result<(), Response> {
    let seq = match min_seq(headers, p) {
        Ok(None) => return Ok(()),
        Ok(Some(seq)) => seq,
        Err(msg) => return Err(request_error(media, &msg)),
    };
    let timeout = cluster.min_seq_timeout();
    if cluster.service().wait_applied(seq, timeout).await {
        return Ok(());
    }
    let applied = cluster.service().applied_seq();
    let msg = format!(
        "this node has applied change sets up to {applied}, not yet {seq} as the request asks \
         (waited {timeout:?}); retry, or ask another node"
    );
    let mut res = respond(
        media,
        StatusCode::SERVICE_UNAVAILABLE,
        error_body(&msg, ErrorCode::Unavailable),
    );
    stamp_header(&mut res, applied);
    Err(res)
}

/// Adds the applied sequence to a GraphQL response's extensions; returns it.
pub(super) fn stamp(cluster: &Cluster, resp: &mut async_graphql::Response) -> u64 {
    let applied = cluster.service().applied_seq();
    resp.extensions
        .insert("appliedSeq".into(), async_graphql::Value::from(applied));
    applied
}

pub(super) fn stamp_header(res: &mut Response, applied: u64) {
    res.headers_mut()
        .insert(APPLIED_SEQ, HeaderValue::from(applied));
}
