//! Small endpoints: `/health`, `/ready` and `/context.jsonld` (the JSON-LD
//! export's context).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};

use crate::cluster::Cluster;
use crate::service::Service;

#[derive(Clone)]
struct Pages {
    service: Service,
    cluster: Option<Cluster>,
}

/// `status` is `ok`, or `read-only` with the `reason` once a disk failure
/// stopped writes (reads still work; a restart is needed to write again).
/// In cluster mode, `cluster` gives the applied sequence, the stream's last
/// and the lag between them; `recovering` while the node, left behind the
/// trimmed stream, starts over from a snapshot, `recovered` once it did
/// (and where its old store is), `problem` when it cannot catch up.
async fn health(State(p): State<Pages>) -> impl IntoResponse {
    let g = p.service.graph();
    let mut body = serde_json::json!({
        "status": "ok",
        "nodes": g.node_count(),
        "relations": g.relation_count(),
    });
    if let Some(reason) = p.service.read_only() {
        body["status"] = "read-only".into();
        body["reason"] = reason.into();
    }
    if let Some(c) = &p.cluster {
        let s = c.status();
        body["cluster"] = serde_json::json!({
            "appliedSeq": s.applied,
            "streamLastSeq": s.stream_last,
            "lag": s.lag(),
            "connected": s.connected,
            "ready": c.ready(),
        });
        if let Some(seq) = s.recovering {
            body["cluster"]["recovering"] = format!("recovering from snapshot at seq {seq}").into();
        }
        if let Some(what) = c.recovered() {
            body["cluster"]["recovered"] = what.into();
        }
        if let Some(problem) = c.problem() {
            body["cluster"]["problem"] = problem.into();
        }
    }
    Json(body)
}

/// 200 once the node serves what it should: embedded, as soon as it
/// serves; in cluster mode, while it is connected and at most `--ready-lag`
/// change sets behind the stream (503 otherwise, with where it stands).
async fn ready(State(p): State<Pages>) -> impl IntoResponse {
    let Some(c) = &p.cluster else {
        return (StatusCode::OK, Json(serde_json::json!({ "ready": true })));
    };
    let s = c.status();
    let ready = c.ready();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::json!({
        "ready": ready,
        "appliedSeq": s.applied,
        "streamLastSeq": s.stream_last,
        "lag": s.lag(),
        "connected": s.connected,
    });
    (status, Json(body))
}

/// The context the JSON-LD export names (`graph-schema/context.jsonld`).
async fn context() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/ld+json")],
        crate::formats::jsonld::context_text(),
    )
}

pub fn router(service: Service, cluster: Option<Cluster>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/context.jsonld", get(context))
        .with_state(Pages { service, cluster })
}
