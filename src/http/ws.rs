//! `/ws`: GraphQL subscriptions (and queries and mutations) over a
//! WebSocket, graphql-ws or the older subscriptions-transport-ws protocol.
//! The upgrade is refused to cross-site origins; the token comes from the
//! `Authorization` header or `connection_init`, and the schema's guard checks
//! the resulting `Caller` on every operation; a socket that never sends
//! `connection_init` is closed after the init timeout.

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::Data;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::auth::Auth;
use super::graphql::{error_body, respond, Ctx, Media};
use crate::api::guard::{Caller, Transport};
use crate::api::{coded, ErrorCode};

/// Whether a WebSocket upgrade's `Origin` (sent by browsers) may connect:
/// none (not a browser), the server's own (same scheme-less authority as
/// `Host`), or one of the CORS origins. Anything else is cross-site.
fn origin_allowed(headers: &HeaderMap, cors_origins: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if cors_origins.iter().any(|o| o.eq_ignore_ascii_case(origin)) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match (origin.split_once("://"), host) {
        (Some((scheme, authority)), Some(host)) => {
            matches!(scheme, "http" | "https") && authority.eq_ignore_ascii_case(host)
        }
        _ => false,
    }
}

/// The token of a WebSocket client: `Authorization` header, else
/// `connection_init`'s `authorization` ("Bearer …") or `token` field.
fn init_token(payload: &Value) -> Option<String> {
    let from = |v: &Value| {
        v.as_str()
            .map(|s| s.strip_prefix("Bearer ").unwrap_or(s).trim().to_owned())
    };
    payload
        .get("authorization")
        .or_else(|| payload.get("Authorization"))
        .and_then(from)
        .or_else(|| payload.get("token").and_then(from))
}

pub(super) async fn ws(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&headers, &ctx.cors_origins) {
        return respond(
            Media::Json,
            StatusCode::FORBIDDEN,
            error_body(
                "this origin may not open /ws (list it with --cors-origin)",
                ErrorCode::Forbidden,
            ),
        );
    }
    let header_token = Auth::token(&headers).map(str::to_owned);
    let (schema, auth) = (ctx.served.schema().clone(), ctx.auth.clone());
    let init_timeout = ctx.ws_init_timeout;
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        // A message is a request: the body cap holds for it too, and a
        // frame over it is refused from its header, before it is read.
        .max_message_size(ctx.limits.max_body)
        .max_frame_size(ctx.limits.max_body)
        .on_upgrade(move |stream| async move {
            let (inited, init_seen) = tokio::sync::oneshot::channel::<()>();
            let serve = GraphQLWebSocket::new(stream, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let _ = inited.send(());
                    // The connection's rights, checked by the schema's guard
                    // on every operation sent over it.
                    let token = init_token(&payload).or(header_token);
                    let caller = auth.caller(token.as_deref(), Transport::WebSocket);
                    if let Err(d) = caller.read {
                        return Err(coded(d.code(), d.message(), None));
                    }
                    let mut data = Data::default();
                    data.insert::<Caller>(caller);
                    Ok(data)
                })
                .serve();
            // An upgraded socket keeps its connection slot; one that never
            // says `connection_init` is closed like a request head that never
            // comes.
            tokio::pin!(serve);
            tokio::select! {
                () = &mut serve => return,
                seen = tokio::time::timeout(init_timeout, init_seen) => {
                    if seen.is_err() {
                        tracing::debug!("closing a WebSocket that sent no connection_init in time");
                        return;
                    }
                }
            }
            serve.await
        })
}
