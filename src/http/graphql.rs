//! The GraphQL endpoint, following the GraphQL-over-HTTP specification:
//! POST with `application/json`, GET for queries only (a mutation by GET is
//! 405, closing a cross-site request forgery hole), `application/graphql-response+json`
//! or `application/json` by the `Accept` header, 400 without `data` for a
//! request, parse or validation error under the former, 200 under the latter.
//! A POST body over `--max-body` is 413 `PAYLOAD_TOO_LARGE`, one that arrives
//! too slowly 408 `REQUEST_TIMEOUT` (see `body.rs`).
//! Each query gets the service's current snapshot, so every resolver of the
//! request reads the same graph; a mutation gets none (its results carry the
//! snapshot after the write). Subscriptions are served at `/ws`.

use std::collections::HashMap;
use std::time::Duration;

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{Data, Variables};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Body;
use axum::extract::{RawQuery, State, WebSocketUpgrade};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Map, Value};

use super::auth::{Auth, Denied};
use super::body::{read_body, BodyError};
use crate::api::limits::{inspect, Limits, OperationKind};
use crate::api::AttacheSchema;
use crate::service::Service;

#[derive(Clone)]
struct Ctx {
    schema: AttacheSchema,
    service: Service,
    auth: Auth,
    limits: Limits,
}

/// The response media type the client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    GraphQLResponse,
    Json,
}

impl Media {
    fn content_type(self) -> &'static str {
        match self {
            Media::GraphQLResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        }
    }
}

/// Picks the media type from `Accept`: the first of ours it lists, JSON for
/// `*/*`, `application/*` or no header; `None` when it accepts neither.
fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let accept: Vec<&str> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.split(';').next().unwrap_or("").trim())
        .filter(|v| !v.is_empty())
        .collect();
    if accept.is_empty() {
        return Some(Media::Json);
    }
    for a in accept {
        match a.to_ascii_lowercase().as_str() {
            "application/graphql-response+json" => return Some(Media::GraphQLResponse),
            "application/json" | "*/*" | "application/*" => return Some(Media::Json),
            _ => {}
        }
    }
    None
}

fn respond(media: Media, status: StatusCode, body: Value) -> Response {
    let mut res = (status, body.to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    res
}

fn error_body(message: &str, code: &str) -> Value {
    json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })
}

/// A malformed request (not JSON, wrong parameter types): 400 whatever the
/// media type.
fn request_error(media: Media, message: &str) -> Response {
    respond(
        media,
        StatusCode::BAD_REQUEST,
        error_body(message, "BAD_REQUEST"),
    )
}

/// A document the server will not run (it does not parse, names no known
/// operation, or asks too much): 400 with no `data` for
/// graphql-response+json; 200 for plain JSON, the spec's legacy behaviour.
fn document_error(media: Media, message: &str) -> Response {
    let status = match media {
        Media::GraphQLResponse => StatusCode::BAD_REQUEST,
        Media::Json => StatusCode::OK,
    };
    respond(media, status, error_body(message, "BAD_REQUEST"))
}

fn denied(media: Media, d: Denied) -> Response {
    let (status, code) = match d {
        Denied::WritesClosed => (StatusCode::FORBIDDEN, "FORBIDDEN"),
        _ => (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED"),
    };
    let mut res = respond(media, status, error_body(d.message(), code));
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"attache\""),
        );
    }
    res
}

/// The parameters of a GraphQL request.
struct Params {
    query: String,
    variables: Map<String, Value>,
    operation_name: Option<String>,
    extensions: Map<String, Value>,
}

fn optional_map(v: Option<Value>, name: &str) -> Result<Map<String, Value>, String> {
    match v {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(format!("`{name}` must be an object")),
    }
}

fn params(mut body: Map<String, Value>) -> Result<Params, String> {
    let query = match body.remove("query") {
        Some(Value::String(q)) => q,
        None | Some(Value::Null) => return Err("`query` is missing".into()),
        Some(_) => return Err("`query` must be a string".into()),
    };
    let operation_name = match body.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(_) => return Err("`operationName` must be a string".into()),
    };
    Ok(Params {
        query,
        variables: optional_map(body.remove("variables"), "variables")?,
        operation_name,
        extensions: optional_map(body.remove("extensions"), "extensions")?,
    })
}

/// GET parameters: `variables` and `extensions` are JSON in the query string.
fn get_params(raw: &str) -> Result<Params, String> {
    let pairs: HashMap<String, String> =
        serde_urlencoded::from_str(raw).map_err(|e| format!("bad query string: {e}"))?;
    let mut body = Map::new();
    for (k, v) in pairs {
        let value = match k.as_str() {
            "variables" | "extensions" => {
                serde_json::from_str(&v).map_err(|e| format!("`{k}` is not JSON: {e}"))?
            }
            _ => Value::String(v),
        };
        body.insert(k, value);
    }
    params(body)
}

fn is_json(headers: &HeaderMap) -> Result<(), &'static str> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or("a Content-Type of application/json is required")?;
    let mut parts = ct.split(';').map(str::trim);
    if !parts
        .next()
        .unwrap_or("")
        .eq_ignore_ascii_case("application/json")
    {
        return Err("the Content-Type must be application/json");
    }
    for p in parts {
        if let Some((k, v)) = p.split_once('=') {
            if k.trim().eq_ignore_ascii_case("charset")
                && !v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            {
                return Err("the request must be encoded as utf-8");
            }
        }
    }
    Ok(())
}

async fn post(State(ctx): State<Ctx>, headers: HeaderMap, body: Body) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    if let Err(msg) = is_json(&headers) {
        let mut res = respond(
            media,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            error_body(msg, "BAD_REQUEST"),
        );
        res.headers_mut()
            .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        return res;
    }
    let body = match read_body(body, &headers, ctx.limits.max_body).await {
        Ok(body) => body,
        Err(e) => return body_error(media, e),
    };
    let p = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(m)) => params(m),
        Ok(_) => Err("the body must be a JSON object".into()),
        Err(e) if body.is_empty() => Err(format!("the body is empty: {e}")),
        Err(e) => Err(format!("the body is not valid JSON: {e}")),
    };
    match p {
        Ok(p) => execute(ctx, media, headers, p, false).await,
        Err(msg) => request_error(media, &msg),
    }
}

/// 413 or 408, as a coded GraphQL error; the connection is not reused, as
/// the rest of the body was not read.
fn body_error(media: Media, e: BodyError) -> Response {
    let (status, code) = match e {
        BodyError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE"),
        BodyError::TimedOut(_) => (StatusCode::REQUEST_TIMEOUT, "REQUEST_TIMEOUT"),
        BodyError::Broken(_) => (StatusCode::BAD_REQUEST, "BAD_REQUEST"),
    };
    let mut res = respond(media, status, error_body(&e.to_string(), code));
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

async fn get_handler(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    match get_params(raw.as_deref().unwrap_or("")) {
        Ok(p) => execute(ctx, media, headers, p, true).await,
        Err(msg) => request_error(media, &msg),
    }
}

fn not_acceptable() -> Response {
    respond(
        Media::Json,
        StatusCode::NOT_ACCEPTABLE,
        error_body(
            "accept application/graphql-response+json or application/json",
            "NOT_ACCEPTABLE",
        ),
    )
}

async fn execute(ctx: Ctx, media: Media, headers: HeaderMap, p: Params, by_get: bool) -> Response {
    let kind = match inspect(&p.query, p.operation_name.as_deref(), ctx.limits.max_fields) {
        Ok(i) if i.introspection && !ctx.limits.introspection => {
            return document_error(media, "introspection is disabled on this server");
        }
        Ok(i) => i.kind,
        Err(e) => return document_error(media, &e.to_string()),
    };
    match kind {
        OperationKind::Subscription => {
            return document_error(media, "subscriptions are served over WebSocket at /ws");
        }
        OperationKind::Mutation if by_get => {
            let mut res = respond(
                media,
                StatusCode::METHOD_NOT_ALLOWED,
                error_body("mutations must be sent with POST", "METHOD_NOT_ALLOWED"),
            );
            res.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return res;
        }
        _ => {}
    }
    if let Err(d) = ctx.auth.check(&headers, kind == OperationKind::Mutation) {
        return denied(media, d);
    }
    let privileged = ctx.auth.check(&headers, true).is_ok();
    let mut req = async_graphql::Request::new(p.query)
        .variables(Variables::from_json(Value::Object(p.variables)))
        .data(crate::api::Privileged(privileged));
    // A query reads one snapshot throughout. A mutation holds none while it
    // waits for the write lock and the disk: a superseded snapshot pinned by
    // a queued write is one the writer cannot recycle, so it copies the graph.
    if kind == OperationKind::Query {
        req = req.data(ctx.service.graph());
    }
    if let Some(op) = p.operation_name {
        req = req.operation_name(op);
    }
    req.extensions = async_graphql::Extensions(
        p.extensions
            .into_iter()
            .filter_map(|(k, v)| async_graphql::Value::from_json(v).ok().map(|v| (k, v)))
            .collect(),
    );
    let resp = if kind == OperationKind::Query {
        match tokio::time::timeout(ctx.limits.query_timeout, ctx.schema.execute(req)).await {
            Ok(r) => r,
            Err(_) => return timed_out(media, ctx.limits.query_timeout),
        }
    } else {
        ctx.schema.execute(req).await
    };
    let mut resp = resp;
    give_every_error_a_code(&mut resp.errors);
    // No data and no error with a path: the document was refused before it ran.
    let refused = resp.data == async_graphql::Value::Null
        && !resp.errors.is_empty()
        && resp.errors.iter().all(|e| e.path.is_empty());
    let mut body =
        serde_json::to_value(&resp).unwrap_or_else(|_| error_body("internal error", "INTERNAL"));
    if refused && media == Media::GraphQLResponse {
        if let Value::Object(m) = &mut body {
            m.remove("data");
        }
        return respond(media, StatusCode::BAD_REQUEST, body);
    }
    respond(media, StatusCode::OK, body)
}

/// Our resolvers' errors all carry a `code`; the ones async-graphql raises
/// itself do not. Validation errors (no path) get GRAPHQL_VALIDATION_FAILED;
/// an argument that fails to convert while resolving (e.g. an Int literal out
/// of range) gets INVALID_INPUT; anything else is unexpected: INTERNAL.
fn give_every_error_a_code(errors: &mut [async_graphql::ServerError]) {
    const ARGUMENT: [&str; 3] = [
        "Failed to parse ",
        "Invalid value for argument ",
        "Only integers from ",
    ];
    for e in errors {
        let has_code = e
            .extensions
            .as_ref()
            .is_some_and(|x| x.get("code").is_some());
        if !has_code {
            let code = if e.path.is_empty() {
                "GRAPHQL_VALIDATION_FAILED"
            } else if ARGUMENT.iter().any(|p| e.message.starts_with(p)) {
                "INVALID_INPUT"
            } else {
                "INTERNAL"
            };
            e.extensions
                .get_or_insert_with(Default::default)
                .set("code", code);
        }
    }
}

fn timed_out(media: Media, after: Duration) -> Response {
    respond(
        media,
        StatusCode::SERVICE_UNAVAILABLE,
        error_body(
            &format!(
                "the query ran longer than {} s and was stopped",
                after.as_secs_f64()
            ),
            "TIMEOUT",
        ),
    )
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

async fn ws(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let header_ok = ctx.auth.check(&headers, false).is_ok();
    let (schema, auth) = (ctx.schema.clone(), ctx.auth.clone());
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            GraphQLWebSocket::new(stream, schema, protocol)
                .on_connection_init(move |payload| async move {
                    if header_ok
                        || auth
                            .check_token(init_token(&payload).as_deref(), false)
                            .is_ok()
                    {
                        Ok(Data::default())
                    } else {
                        Err(async_graphql::Error::new(Denied::Missing.message()))
                    }
                })
                .serve()
        })
}

pub fn router(schema: AttacheSchema, service: Service, auth: Auth, limits: Limits) -> Router {
    Router::new()
        .route("/graphql", get(get_handler).post(post))
        .route("/ws", get(ws))
        .with_state(Ctx {
            schema,
            service,
            auth,
            limits,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, v.parse().unwrap());
        h
    }

    #[test]
    fn accept_picks_the_media_type() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(Media::Json));
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json, application/json"
            )),
            Some(Media::GraphQLResponse)
        );
        assert_eq!(negotiate(&accept("application/json")), Some(Media::Json));
        assert_eq!(negotiate(&accept("*/*")), Some(Media::Json));
        assert_eq!(negotiate(&accept("text/html")), None);
    }

    #[test]
    fn parameters_are_type_checked() {
        let p = |v: Value| params(v.as_object().unwrap().clone()).err();
        assert_eq!(p(json!({})), Some("`query` is missing".into()));
        assert_eq!(
            p(json!({ "query": 1 })),
            Some("`query` must be a string".into())
        );
        assert_eq!(
            p(json!({ "query": "{a}", "variables": "x" })),
            Some("`variables` must be an object".into())
        );
        assert_eq!(
            p(json!({ "query": "{a}", "operationName": [] })),
            Some("`operationName` must be a string".into())
        );
        assert_eq!(
            p(json!({ "query": "{a}", "variables": null, "extensions": {} })),
            None
        );
    }
}
