//! The GraphQL endpoint, following the GraphQL-over-HTTP specification:
//! POST with `application/json`, GET for queries only (a mutation by GET is
//! 405, closing a cross-site request forgery hole), `application/graphql-response+json`
//! or `application/json` by the `Accept` header, 400 without `data` for a
//! request, parse or validation error under the former, 200 under the latter.
//! A POST body over `--max-body` is 413 `PAYLOAD_TOO_LARGE`, one that arrives
//! too slowly 408 `REQUEST_TIMEOUT` (see `body.rs`).
//! Each query gets the service's current snapshot (attached by the schema's guard), so every resolver of the
//! request reads the same graph; a mutation gets none (its results carry the
//! snapshot after the write). Subscriptions are served at `/ws` (`ws.rs`).
//! A POST body that is a JSON array is a batch (`batch.rs`); a request may
//! name an automatic persisted query by hash alone (the guard resolves it).

use std::collections::HashMap;
use std::time::Duration;

use async_graphql::Variables;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Map, Value};

use super::auth::Auth;
use super::body::{read_body, BodyError};
use crate::api::guard::{Caller, Transport};
use crate::api::limits::Limits;
use crate::api::served::Served;
use crate::api::{internal_message, report_internal, ErrorCode};

#[derive(Clone)]
pub(super) struct Ctx {
    /// The schemas: queries run guarded at request level, the rest (and
    /// `/ws`) through the guarded schema (`api::served`).
    pub(super) served: Served,
    pub(super) auth: Auth,
    pub(super) limits: Limits,
    /// Origins other than the server's own allowed to open `/ws`.
    pub(super) cors_origins: Vec<String>,
    /// How long a WebSocket may stay open before its `connection_init`.
    pub(super) ws_init_timeout: Duration,
    /// Cluster mode: answers carry the applied sequence, and a request may
    /// ask for a minimum one (`consistency.rs`).
    pub(super) cluster: Option<crate::cluster::Cluster>,
}

/// The response media type the client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Media {
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

pub(super) fn respond(media: Media, status: StatusCode, body: Value) -> Response {
    let mut res = (status, body.to_string()).into_response();
    super::access::answered(&mut res, &body);
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media.content_type()),
    );
    res
}

pub(super) fn error_body(message: &str, code: ErrorCode) -> Value {
    json!({ "errors": [{ "message": message, "extensions": { "code": code.as_str() } }] })
}

/// The status a code decides, or `otherwise`.
pub(super) fn status_of(code: ErrorCode, otherwise: StatusCode) -> StatusCode {
    code.http_status()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(otherwise)
}

/// A malformed request (not JSON, wrong parameter types): 400 whatever the
/// media type.
pub(super) fn request_error(media: Media, message: &str) -> Response {
    respond(
        media,
        StatusCode::BAD_REQUEST,
        error_body(message, ErrorCode::BadRequest),
    )
}

/// The parameters of a GraphQL request.
pub(super) struct Params {
    query: String,
    variables: Map<String, Value>,
    operation_name: Option<String>,
    pub(super) extensions: Map<String, Value>,
}

fn optional_map(v: Option<Value>, name: &str) -> Result<Map<String, Value>, String> {
    match v {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(format!("`{name}` must be an object")),
    }
}

pub(super) fn params(mut body: Map<String, Value>) -> Result<Params, String> {
    let extensions = body.remove("extensions");
    let persisted =
        matches!(&extensions, Some(Value::Object(m)) if m.contains_key("persistedQuery"));
    let query = match body.remove("query") {
        Some(Value::String(q)) => q,
        // An automatic persisted query by its hash alone: the guard finds
        // the text, or answers PERSISTED_QUERY_NOT_FOUND.
        None | Some(Value::Null) if persisted => String::new(),
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
        extensions: optional_map(extensions, "extensions")?,
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
            error_body(msg, ErrorCode::BadRequest),
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
        Ok(Value::Array(items)) => return super::batch::batch(ctx, media, headers, items).await,
        Ok(_) => Err("the body must be a JSON object, or an array of them (a batch)".into()),
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
    let code = match e {
        BodyError::TooLarge(_) => ErrorCode::PayloadTooLarge,
        BodyError::TimedOut(_) => ErrorCode::RequestTimeout,
        BodyError::Broken(_) => ErrorCode::BadRequest,
    };
    let status = status_of(code, StatusCode::BAD_REQUEST);
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
    let code = ErrorCode::NotAcceptable;
    respond(
        Media::Json,
        status_of(code, StatusCode::NOT_ACCEPTABLE),
        error_body(
            "accept application/graphql-response+json or application/json",
            code,
        ),
    )
}

async fn execute(ctx: Ctx, media: Media, headers: HeaderMap, p: Params, by_get: bool) -> Response {
    // Who is asking; the schema's guard checks it against the operation,
    // with the limits, as for every other transport.
    let transport = if by_get {
        Transport::Get
    } else {
        Transport::Post
    };
    let caller = ctx.auth.caller(Auth::token(&headers), transport);
    let Some(cluster) = ctx.cluster.clone() else {
        return answer(media, run(&ctx, caller, p).await);
    };
    if let Err(refused) = super::consistency::wait_min_seq(&cluster, media, &headers, &p).await {
        return refused;
    }
    let mut resp = run(&ctx, caller, p).await;
    let applied = super::consistency::stamp(&cluster, &mut resp);
    let mut res = answer(media, resp);
    super::consistency::stamp_header(&mut res, applied);
    res
}

/// Runs one request through the guard and the schema.
pub(super) async fn run(ctx: &Ctx, caller: Caller, p: Params) -> async_graphql::Response {
    let mut req = async_graphql::Request::new(p.query)
        .variables(Variables::from_json(Value::Object(p.variables)))
        // A query gets its one snapshot from the guard; a mutation holds none
        // while it waits for the writer and the disk (a snapshot pinned by a
        // queued write is one the writer cannot recycle).
        .data(caller);
    // The access log's record of this request: the observer names its operation.
    if let Some(note) = super::access::note() {
        req = req.data(note);
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
    let mut resp = ctx.served.execute(req).await;
    crate::api::guard::tidy(&mut resp.errors);
    resp
}

/// The HTTP status of a response, and its body. No data and only path-less
/// errors: the request was refused before it ran, and the first error's code
/// says why.
pub(super) fn graded(media: Media, resp: async_graphql::Response) -> (StatusCode, Value) {
    let refused = resp.data == async_graphql::Value::Null
        && !resp.errors.is_empty()
        && resp.errors.iter().all(|e| e.path.is_empty());
    let mut body = serde_json::to_value(&resp).unwrap_or_else(|e| {
        let id = report_internal(&format!("the response could not be serialised: {e}"));
        json!({ "errors": [{
            "message": internal_message(&id),
            "extensions": { "code": ErrorCode::Internal.as_str(), "errorId": id },
        }] })
    });
    if !refused {
        return (StatusCode::OK, body);
    }
    let code = resp.errors[0]
        .extensions
        .as_ref()
        .and_then(|x| x.get("code"))
        .and_then(|c| match c {
            async_graphql::Value::String(s) => ErrorCode::parse(s),
            _ => None,
        });
    let by_media = if media == Media::GraphQLResponse {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let status = code.map_or(by_media, |c| status_of(c, by_media));
    if status != StatusCode::OK {
        if let Value::Object(m) = &mut body {
            m.remove("data");
        }
    }
    (status, body)
}

fn answer(media: Media, resp: async_graphql::Response) -> Response {
    // An answer without errors is written out straight from the response:
    // nothing in it is graded or counted, and building the JSON tree first
    // cost as much as writing it (a meeting's attendees, say).
    if resp.errors.is_empty() {
        if let Ok(text) = serde_json::to_string(&resp) {
            let mut res = (StatusCode::OK, text).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(media.content_type()),
            );
            return res;
        }
    }
    let (status, body) = graded(media, resp);
    let mut res = respond(media, status, body);
    let h = res.headers_mut();
    match status {
        StatusCode::UNAUTHORIZED => {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"attache\""),
            );
        }
        StatusCode::METHOD_NOT_ALLOWED => {
            h.insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        _ => {}
    }
    res
}

/// `ws_init_timeout`: how long a WebSocket may wait before `connection_init`.
pub fn router(
    served: Served,
    auth: Auth,
    limits: Limits,
    cors_origins: Vec<String>,
    ws_init_timeout: Duration,
    cluster: Option<crate::cluster::Cluster>,
) -> Router {
    Router::new()
        .route("/graphql", get(get_handler).post(post))
        .route("/ws", get(super::ws::ws))
        .with_state(Ctx {
            served,
            auth,
            limits,
            cors_origins,
            ws_init_timeout,
            cluster,
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
