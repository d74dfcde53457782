//! The HTTP server, the only user of axum: GraphQL at `/graphql` (POST and
//! GET), subscriptions at `/ws`, the explorer at `/` and GraphiQL at
//! `/playground` (embedded bundle), a health check. [`run`] takes a bound listener and a
//! shutdown future, so `main` and the tests start it the same way.

mod assets;
mod graphql;
mod pages;

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::service::Service;

/// Largest request body accepted (imports travel in one request).
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// The whole application router.
pub fn app(service: Service) -> Router {
    let schema = crate::api::schema(service.clone());
    Router::new()
        .merge(graphql::router(schema, service.clone()))
        .merge(pages::router(service))
        .merge(assets::router())
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(TraceLayer::new_for_http())
}

/// Serves until `shutdown` completes, lets in-flight requests finish, then
/// flushes and closes the store.
pub async fn run(
    listener: TcpListener,
    service: Service,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(service.clone());
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    service
        .close()
        .await
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    tracing::info!("store flushed and closed");
    Ok(())
}
