//! The HTTP server, the only user of axum: GraphQL at `/graphql` (POST and
//! GET), subscriptions at `/ws`, the explorer at `/` and GraphiQL at
//! `/playground` (embedded bundle), downloads of exports at `/export`, a health check, a readiness check, `/metrics` and the access log. [`run`] takes a bound listener and a
//! shutdown future, so `main` and the tests start it the same way; `serve`
//! owns the accept loop, the connection cap and the connection timeouts.

mod access;
mod assets;
pub mod auth;
mod batch;
mod body;
mod consistency;
mod export;
mod graphql;
mod pages;
mod serve;
mod ws;

use std::future::Future;

use axum::http::{header, HeaderValue, Method};
use axum::Router;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

pub use crate::api::limits::Limits;
use crate::metrics::Metrics;
use crate::service::Service;
pub use access::{serve_metrics, ClientAddr};
pub use auth::Auth;
pub use serve::{listen, Connections};

/// How the server runs: who may read and write, limits, CORS, connections.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub auth: Auth,
    pub limits: Limits,
    /// Origins allowed to call from a browser (CORS); none by default.
    pub cors_origins: Vec<String>,
    /// The connection cap and timeouts.
    pub connections: Connections,
    /// Where requests, errors and subscriptions are counted (`/metrics`).
    pub metrics: Metrics,
    /// Cluster mode: this node's membership (readiness, applied sequence).
    pub cluster: Option<crate::cluster::Cluster>,
}

/// The whole application router.
pub fn app(service: Service, options: &Options) -> Router {
    let metrics = options.metrics.clone();
    metrics.attach(&service);
    if let Some(cluster) = &options.cluster {
        metrics.watch_cluster(cluster.clone());
    }
    let served = crate::api::served(service.clone(), &options.limits, metrics.clone());
    let mut app = Router::new()
        .merge(
            graphql::router(
                served,
                options.auth.clone(),
                options.limits.clone(),
                options.cors_origins.clone(),
                options.connections.header_read_timeout,
                options.cluster.clone(),
            )
            // GraphQL answers (GraphiQL's schema query is ~180 KiB) go
            // compressed when the client accepts it; the UI bundle is
            // precompressed already. The POST handler enforces the body cap
            // itself, to answer in GraphQL.
            .layer(CompressionLayer::new()),
        )
        .merge(
            pages::router(service.clone(), options.cluster.clone())
                .merge(export::router(service.clone(), options.auth.clone()))
                .merge(access::router(
                    service,
                    metrics.clone(),
                    options.auth.clone(),
                ))
                .merge(assets::router())
                .layer(RequestBodyLimitLayer::new(options.limits.max_body)),
        );
    if !options.cors_origins.is_empty() {
        let origins: Vec<HeaderValue> = options
            .cors_origins
            .iter()
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        app = app.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT]),
        );
    }
    app.layer(TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            access::access,
        ))
}

/// Serves until `shutdown` completes, lets in-flight requests finish (not
/// open WebSockets), then flushes and closes the store.
pub async fn run(
    listener: TcpListener,
    service: Service,
    options: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(service.clone(), &options);
    let (connections, metrics) = (options.connections.clone(), options.metrics.clone());
    serve::serve(listener, app, connections, metrics, shutdown).await?;
    service
        .close()
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    tracing::info!("store flushed and closed");
    Ok(())
}
