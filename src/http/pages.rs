//! Small endpoints: `/health`.

use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};

use crate::service::Service;

async fn health(State(service): State<Service>) -> impl IntoResponse {
    let g = service.graph();
    Json(serde_json::json!({
        "status": "ok",
        "nodes": g.node_count(),
        "relations": g.relation_count(),
    }))
}

pub fn router(service: Service) -> Router {
    Router::new()
        .route("/health", get(health))
        .with_state(service)
}
