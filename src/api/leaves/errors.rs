//! The one place errors become GraphQL errors, each with an extension `code`
//! (and, for refused writes, the list of problems with record and field).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use async_graphql::{Error, ErrorExtensions, Value};

use crate::import::{ImportError, ImportFailure};
use crate::service::{Code, ServiceError};

crate::model::kinds::kinds! {
    /// Every code a client can see in `extensions.code`: the one place they are
    /// spelt (a test checks no other file in `src/` quotes one), and the one place
    /// a code decides an HTTP status.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ErrorCode names as_str mirror error_code_variants {
        NotFound = "NOT_FOUND",
        InvalidInput = "INVALID_INPUT",
        Conflict = "CONFLICT",
        Integrity = "INTEGRITY",
        Forbidden = "FORBIDDEN",
        /// The disk failed a write; the server takes no writes until restarted.
        ReadOnly = "READ_ONLY",
        /// A failure that is the server's, not the request's: logged with an id,
        /// and the client gets only the id.
        Internal = "INTERNAL",
        /// A malformed request, or a document refused before it ran (parse,
        /// caps, introspection).
        BadRequest = "BAD_REQUEST",
        /// A validation error raised by async-graphql itself.
        GraphqlValidationFailed = "GRAPHQL_VALIDATION_FAILED",
        /// A token is needed, or the one sent is not valid.
        Unauthenticated = "UNAUTHENTICATED",
        /// A mutation sent by GET.
        MethodNotAllowed = "METHOD_NOT_ALLOWED",
        /// A query over the time limit.
        Timeout = "TIMEOUT",
        /// A body over `--max-body`.
        PayloadTooLarge = "PAYLOAD_TOO_LARGE",
        /// A body not received within `--body-timeout`.
        RequestTimeout = "REQUEST_TIMEOUT",
        /// No media type the client accepts.
        NotAcceptable = "NOT_ACCEPTABLE",
        /// An automatic persisted query sent by its hash alone, and the hash
        /// is not known: send the query with it (Apollo's protocol).
        PersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND",
        /// A subscriber's next change set is no longer in the log
        /// (compaction removed it); the extensions say where to resume.
        Lagged = "LAGGED",
        /// Cluster mode: the shared change log could not take a write, or
        /// this node did not reach the minimum sequence a request asked for
        /// in time; retry (on this node or another).
        Unavailable = "UNAVAILABLE",
    }
}

impl ErrorCode {
    /// The code spelt `s`, if it is one.
    pub fn parse(s: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The HTTP status of a request refused with this code, when the code
    /// decides it; `None`: the media type decides (400 for
    /// `application/graphql-response+json`, 200 for `application/json`).
    pub fn http_status(self) -> Option<u16> {
        match self {
            ErrorCode::Unauthenticated => Some(401),
            ErrorCode::Forbidden => Some(403),
            ErrorCode::MethodNotAllowed => Some(405),
            ErrorCode::NotAcceptable => Some(406),
            ErrorCode::RequestTimeout => Some(408),
            ErrorCode::PayloadTooLarge => Some(413),
            ErrorCode::Timeout | ErrorCode::Unavailable => Some(503),
            ErrorCode::NotFound
            | ErrorCode::InvalidInput
            | ErrorCode::Conflict
            | ErrorCode::Integrity
            | ErrorCode::ReadOnly
            | ErrorCode::Lagged
            | ErrorCode::Internal
            | ErrorCode::BadRequest
            | ErrorCode::GraphqlValidationFailed
            | ErrorCode::PersistedQueryNotFound => None,
        }
    }
}

/// Logs a failure that is the server's at error level under a fresh id, and
/// returns the id: the client gets the id, never the text.
pub fn report_internal(error: &dyn std::fmt::Display) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static PREFIX: OnceLock<u32> = OnceLock::new();
    // A per-process prefix, so ids from two runs of the server differ.
    let prefix = *PREFIX.get_or_init(|| RandomState::new().build_hasher().finish() as u32);
    let id = format!("{prefix:08x}-{}", NEXT.fetch_add(1, Ordering::Relaxed));
    tracing::error!(error_id = %id, error = %error, "internal error");
    id
}

/// What the client reads for an internal error.
pub fn internal_message(id: &str) -> String {
    format!("internal error (id {id}; see the server log)")
}

/// An internal error for the client: logged with an id; the message and
/// `extensions.errorId` carry the id, not the text.
pub fn internal(error: impl std::fmt::Display) -> Error {
    let id = report_internal(&error);
    Error::new(internal_message(&id)).extend_with(|_, e| {
        e.set("code", ErrorCode::Internal.as_str());
        e.set("errorId", id.as_str());
    })
}

impl From<Code> for ErrorCode {
    fn from(c: Code) -> Self {
        match c {
            Code::NotFound => ErrorCode::NotFound,
            Code::InvalidInput => ErrorCode::InvalidInput,
            Code::Conflict => ErrorCode::Conflict,
            Code::Integrity => ErrorCode::Integrity,
        }
    }
}

/// An error with a code and, optionally, the field it is about.
pub fn coded(code: ErrorCode, message: impl Into<String>, field: Option<&str>) -> Error {
    Error::new(message).extend_with(|_, e| {
        e.set("code", code.as_str());
        if let Some(f) = field {
            e.set("field", f);
        }
    })
}

/// A subscriber told it missed change sets: `missed` is the first it lacks,
/// and the log keeps those after `resume_after` (pass it as `after:`).
pub fn lagged(missed: u64, resume_after: u64) -> Error {
    Error::new(format!(
        "change set {missed} is no longer in the log (compacted through {resume_after}): \
         reload what you show, then subscribe again with after: {resume_after}"
    ))
    .extend_with(|_, e| {
        e.set("code", ErrorCode::Lagged.as_str());
        e.set("missed", missed);
        e.set("resumeAfter", resume_after);
        e.set("oldest", resume_after + 1);
    })
}

pub fn not_found(id: &str) -> Error {
    coded(
        ErrorCode::NotFound,
        format!("`{id}` does not exist"),
        Some("id"),
    )
}

pub fn invalid(field: &str, message: impl std::fmt::Display) -> Error {
    coded(
        ErrorCode::InvalidInput,
        format!("{field}: {message}"),
        Some(field),
    )
}

/// Maps a service error; internal details are logged, not echoed.
pub fn service_error(e: ServiceError) -> Error {
    match e {
        ServiceError::Rejected(problems) => {
            let code: ErrorCode = problems
                .first()
                .map_or(Code::InvalidInput, |p| p.code)
                .into();
            let message = problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("; ");
            let field = problems.first().and_then(|p| p.field.clone());
            let list: Vec<Value> = problems
                .iter()
                .map(|p| {
                    let mut m = async_graphql::indexmap::IndexMap::new();
                    m.insert(
                        async_graphql::Name::new("code"),
                        Value::from(ErrorCode::from(p.code).as_str()),
                    );
                    m.insert(
                        async_graphql::Name::new("record"),
                        Value::from(p.record.clone()),
                    );
                    m.insert(
                        async_graphql::Name::new("field"),
                        p.field.clone().map_or(Value::Null, Value::from),
                    );
                    m.insert(
                        async_graphql::Name::new("message"),
                        Value::from(p.message.clone()),
                    );
                    Value::Object(m)
                })
                .collect();
            Error::new(message).extend_with(|_, e| {
                e.set("code", code.as_str());
                if let Some(f) = &field {
                    e.set("field", f.as_str());
                }
                e.set("problems", Value::List(list.clone()));
            })
        }
        ServiceError::ReadOnly(reason) => coded(
            ErrorCode::ReadOnly,
            format!(
                "this write was not saved: the server could not write to its disk ({reason}) \
                 and takes no writes until it is restarted"
            ),
            None,
        ),
        ServiceError::Unavailable(reason) => coded(
            ErrorCode::Unavailable,
            format!("this write could not be confirmed: {reason}"),
            None,
        ),
        other => internal(other),
    }
}

fn import_problem(e: &ImportError) -> Value {
    let mut m = async_graphql::indexmap::IndexMap::new();
    m.insert(
        async_graphql::Name::new("code"),
        Value::from(ErrorCode::from(e.code).as_str()),
    );
    m.insert(
        async_graphql::Name::new("file"),
        Value::from(e.file.clone()),
    );
    m.insert(
        async_graphql::Name::new("line"),
        e.line.map_or(Value::Null, |l| Value::from(l as u64)),
    );
    m.insert(
        async_graphql::Name::new("record"),
        e.record.clone().map_or(Value::Null, Value::from),
    );
    m.insert(
        async_graphql::Name::new("field"),
        e.field.clone().map_or(Value::Null, Value::from),
    );
    m.insert(
        async_graphql::Name::new("message"),
        Value::from(e.message.clone()),
    );
    Value::Object(m)
}

/// Maps an import failure: every problem with its line and field.
pub fn import_error(f: ImportFailure) -> Error {
    match f {
        ImportFailure::Invalid(errs) => {
            let code: ErrorCode = errs.first().map_or(Code::InvalidInput, |e| e.code).into();
            let message = errs
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ");
            let list: Vec<Value> = errs.iter().map(import_problem).collect();
            let field = errs.first().and_then(|e| e.field.clone());
            Error::new(message).extend_with(|_, e| {
                e.set("code", code.as_str());
                if let Some(f) = &field {
                    e.set("field", f.as_str());
                }
                e.set("problems", Value::List(list.clone()));
            })
        }
        ImportFailure::Service(e) => service_error(e),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Collects what the log writes, to look for an error's id in it.
    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);

    impl Write for Log {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Runs `f` with the log captured; returns its result and the log text.
    fn logged<T>(f: impl FnOnce() -> T) -> (T, String) {
        let log = Log::default();
        let sink = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || sink.clone())
            .with_ansi(false)
            .finish();
        let out = tracing::subscriber::with_default(subscriber, f);
        let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        (out, text)
    }

    fn ext(e: &Error, key: &str) -> Option<Value> {
        e.extensions.as_ref().and_then(|x| x.get(key).cloned())
    }

    #[test]
    fn an_internal_error_gives_the_client_its_id_and_the_log_its_text() {
        let secret = "sled: I/O error at /srv/attache/data/db (secret detail)";
        let (e, log) = logged(|| service_error(ServiceError::Internal(secret.into())));
        assert!(!e.message.contains("secret"), "{}", e.message);
        assert_eq!(
            ext(&e, "code"),
            Some(Value::from(ErrorCode::Internal.as_str()))
        );
        let Some(Value::String(id)) = ext(&e, "errorId") else {
            panic!("no errorId in {e:?}")
        };
        assert!(e.message.contains(&id), "{}", e.message);
        let line = log.lines().find(|l| l.contains(&id)).expect("id logged");
        assert!(line.contains("ERROR") && line.contains(secret), "{line}");
    }

    #[test]
    fn each_internal_error_gets_its_own_id() {
        let (a, b) = (internal("one"), internal("two"));
        assert_ne!(ext(&a, "errorId"), ext(&b, "errorId"));
    }

    #[test]
    fn every_code_is_listed_once_and_parses_back() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "{} twice", c.as_str());
            assert_eq!(ErrorCode::parse(c.as_str()), Some(c));
        }
        assert_eq!(ErrorCode::parse("NOPE"), None);
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn no_file_but_this_one_spells_a_code() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let this = src.join("api").join("leaves").join("errors.rs");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        assert!(files.contains(&this), "scan missed {}", this.display());
        let mut found = Vec::new();
        for file in files.iter().filter(|f| **f != this) {
            let text = std::fs::read_to_string(file).unwrap();
            for c in ErrorCode::ALL {
                if text.contains(&format!("\"{}\"", c.as_str())) {
                    found.push(format!("{}: {}", file.display(), c.as_str()));
                }
            }
        }
        assert!(found.is_empty(), "codes spelt outside the enum: {found:?}");
    }
}
