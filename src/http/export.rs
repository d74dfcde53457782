//! `GET /export`: an export as a download, streamed (issue 15). The query
//! string names the `format` (attache by default), the `part` of a CSV
//! export, and a scope as GraphQL's `export` takes it: `around` and `hops`,
//! or the meeting filters (`from`, `to`, `state`, `organization`, `place`,
//! `topic`, `series`, `status`, `name`, or `meetings=all` for every meeting).
//!
//! The same rule as GraphQL `export`: a token that may write (401 without a
//! valid one, 403 for a reader's). The snapshot of the moment is scoped on
//! the heavy pool, then a blocking task writes the format into a bounded
//! channel a chunk at a time and the body streams from it, so memory stays
//! a few chunks whatever the size of the export; a client that goes away
//! stops the writer at its next chunk.

use std::io::{self, Write};

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::mpsc;

use super::auth::Auth;
use super::graphql::{error_body, respond, status_of, Media};
use crate::api::guard::Transport;
use crate::api::ErrorCode;
use crate::api::{export_scope as scope, MeetingScope};
use crate::formats::{Format, FormatError};
use crate::graph::subgraph::{Scope, ScopeError};
use crate::service::Service;

/// Bytes handed to the body at a time.
const CHUNK: usize = 64 * 1024;
/// Chunks written ahead of the client.
const AHEAD: usize = 4;

#[derive(Clone)]
struct Ctx {
    service: Service,
    auth: Auth,
}

/// `/export`, answered with the service's current snapshot.
pub(super) fn router(service: Service, auth: Auth) -> Router {
    Router::new()
        .route("/export", get(download))
        .with_state(Ctx { service, auth })
}

/// What the query string asks for.
struct Asked {
    format: Format,
    part: String,
    scope: Scope,
}

fn refuse(status: StatusCode, code: ErrorCode, message: &str) -> Response {
    let mut res = respond(Media::Json, status, error_body(message, code));
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"attache\""),
        );
    }
    res
}

fn bad(message: &str) -> Response {
    refuse(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
}

/// Reads the query string; a message naming the parameter at fault.
fn asked(raw: &str) -> Result<Asked, String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw).map_err(|e| format!("bad query string: {e}"))?;
    let (mut format, mut part, mut around, mut hops) = (Format::Attache, String::new(), None, None);
    let mut m = MeetingScope::default();
    let mut meetings = false;
    for (k, v) in pairs {
        let id = || Some(async_graphql::ID(v.clone()));
        match k.as_str() {
            "format" => format = v.parse().map_err(|e| format!("parameter `format`: {e}"))?,
            "part" => part = v,
            "around" => around = Some(v),
            "hops" => {
                hops = Some(
                    v.parse::<i32>()
                        .map_err(|_| format!("parameter `hops`: `{v}` is not a number (1 or 2)"))?,
                )
            }
            "meetings" => meetings = true,
            "from" => m.from = Some(v),
            "to" => m.to = Some(v),
            "state" => m.state = id(),
            "organization" => m.organization = id(),
            "place" => m.place = id(),
            "topic" => m.topic = id(),
            "series" => m.series = id(),
            "name" => m.name = Some(v),
            "status" => {
                let list = m.status.get_or_insert_with(Vec::new);
                for s in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let found = crate::model::MeetingStatus::ALL
                        .into_iter()
                        .find(|x| x.name().eq_ignore_ascii_case(s))
                        .ok_or_else(|| format!("parameter `status`: unknown status `{s}`"))?;
                    list.push(found.into());
                }
            }
            other => {
                return Err(format!(
                    "unknown parameter `{other}`: /export takes format, part, around, hops, \
                     meetings, from, to, state, organization, place, topic, series, status, name"
                ))
            }
        }
        meetings |= !matches!(k.as_str(), "format" | "part" | "around" | "hops");
    }
    let scope = scope(around, hops, meetings.then_some(m)).map_err(|e| {
        format!("parameter {}", e.message)
            .replacen("parameter ", "parameter `", 1)
            .replacen(':', "`:", 1)
    })?;
    Ok(Asked {
        format,
        part,
        scope,
    })
}

/// The download's file name: `attache-<scope>[-<part>].<extension>`.
fn file_name(a: &Asked) -> String {
    let base = match &a.scope {
        Scope::All => "attache".to_owned(),
        s => format!("attache-{}", s.slug()),
    };
    if a.part.is_empty() {
        format!("{base}.{}", a.format.extension())
    } else {
        format!("{base}-{}", a.part)
    }
}

async fn download(State(ctx): State<Ctx>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let caller = ctx.auth.caller(Auth::token(&headers), Transport::Get);
    if let Err(d) = caller.write {
        let code = d.code();
        let message = format!("export needs a token that may write: {}", d.message());
        return refuse(status_of(code, StatusCode::FORBIDDEN), code, &message);
    }
    let a = match asked(raw.as_deref().unwrap_or("")) {
        Ok(a) => a,
        Err(msg) => return bad(&msg),
    };
    let g = ctx.service.graph();
    let g = match &a.scope {
        Scope::All => Ok(g),
        s => {
            let s = s.clone();
            match crate::api::offload(g.clone(), move |_| g.scoped(&s)).await {
                Ok(r) => r,
                Err(e) => {
                    return refuse(
                        StatusCode::SERVICE_UNAVAILABLE,
                        ErrorCode::Unavailable,
                        &e.message,
                    )
                }
            }
        }
    };
    let g = match g {
        Ok(g) => g,
        Err(e @ ScopeError::NoNode(_)) => {
            return refuse(StatusCode::NOT_FOUND, ErrorCode::NotFound, &e.to_string())
        }
        Err(e) => return bad(&format!("parameter {e}")),
    };
    let parts = crate::formats::parts(a.format, &g);
    if !parts.contains(&a.part) {
        let message = if a.part.is_empty() {
            format!(
                "parameter `part`: {} is a directory of files, ask for one of them: {}",
                a.format,
                parts.join(", ")
            )
        } else if parts == [""] {
            format!(
                "parameter `part`: {} is one file, `{}` is not one of its parts",
                a.format, a.part
            )
        } else {
            format!(
                "parameter `part`: {} has no file `{}` here: it writes {}",
                a.format,
                a.part,
                parts.join(", ")
            )
        };
        return bad(&message);
    }
    let name = file_name(&a);
    let content_type = format!("{}; charset=utf-8", a.format.media_type());
    let (tx, mut rx) = mpsc::channel(AHEAD);
    let Asked { format, part, .. } = a;
    tokio::task::spawn_blocking(move || write(format, &g, &part, tx));
    // The head waits for the first chunk: a format that fails before
    // writing anything answers with an error status, not a broken download.
    let first = match rx.recv().await {
        Some(Err(FormatError::Io(e))) => {
            let id = crate::api::report_internal(&format!("an export failed: {e}"));
            return refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                &crate::api::internal_message(&id),
            );
        }
        Some(Err(e)) => return bad(&e.to_string()),
        Some(Ok(chunk)) => Some(Ok(chunk)),
        None => None,
    };
    let rest = tokio_stream::wrappers::ReceiverStream::new(rx);
    let body = Body::from_stream(futures_util::StreamExt::chain(
        futures_util::stream::iter(first),
        rest,
    ));
    (
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// Writes the export into the channel; a failure part way ends the body
/// with an error, so the client sees a broken download, not a short file.
fn write(format: Format, g: &crate::graph::Graph, part: &str, tx: mpsc::Sender<Item>) {
    let mut w = Chunks {
        tx: tx.clone(),
        buf: Vec::with_capacity(CHUNK),
    };
    let done = crate::formats::export_part(format, g, part, &mut w)
        .and_then(|()| w.flush().map_err(FormatError::from));
    if let Err(e) = done {
        if !tx.is_closed() {
            tracing::warn!(format = %format, part, error = %e, "an export stopped part way");
            let _ = tx.blocking_send(Err(e));
        }
    }
}

/// A chunk of the body, or why the export stopped.
type Item = Result<Bytes, FormatError>;

/// A writer handing full chunks to the body's channel, waiting while the
/// client is behind.
struct Chunks {
    tx: mpsc::Sender<Item>,
    buf: Vec<u8>,
}

impl Chunks {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for Chunks {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_parameter_is_named() {
        let e = asked("format=csv&colour=red").err().unwrap();
        assert!(e.contains("unknown parameter `colour`"), "{e}");
    }

    #[test]
    fn hops_without_around_names_hops() {
        let e = asked("hops=2").err().unwrap();
        assert!(e.starts_with("parameter `hops`"), "{e}");
    }

    #[test]
    fn a_meeting_filter_makes_a_meeting_list_scope() {
        let a = asked("format=gexf&status=held,planned&from=2022").unwrap();
        assert!(matches!(a.scope, Scope::Meetings(_)));
        assert_eq!(file_name(&a), "attache-meetings.gexf");
    }

    #[test]
    fn a_csv_part_names_the_file() {
        let a = asked("format=csv&part=nodes-person.csv&around=person:x&hops=2").unwrap();
        assert_eq!(file_name(&a), "attache-around-person-x-2-nodes-person.csv");
    }
}
