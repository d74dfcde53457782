//! Small endpoints: `/health`.

use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};

use crate::service::Service;

/// `status` is `ok`, or `read-only` with the `reason` once a disk failure
/// stopped writes (reads still work; a restart is needed to write again).
async fn health(State(service): State<Service>) -> impl IntoResponse {
    let g = service.graph();
    let mut body = serde_json::json!({
        "status": "ok",
        "nodes": g.node_count(),
        "relations": g.relation_count(),
    });
    if let Some(reason) = service.read_only() {
        body["status"] = "read-only".into();
        body["reason"] = reason.into();
    }
    Json(body)
}

pub fn router(service: Service) -> Router {
    Router::new()
        .route("/health", get(health))
        .with_state(service)
}
