//! Pages and small endpoints: the playground (shipped inside the binary, no
//! CDN), `/` redirecting to it, and `/health`.

use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect};
use axum::routing::get;
use axum::{Json, Router};

use crate::service::Service;

/// The playground page, embedded at build time from `playground/index.html`.
const PLAYGROUND: &str = include_str!("../../playground/index.html");

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
        .route("/", get(|| async { Redirect::temporary("/playground") }))
        .route("/playground", get(|| async { Html(PLAYGROUND) }))
        .route("/health", get(health))
        .with_state(service)
}
