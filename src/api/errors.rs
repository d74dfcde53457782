//! The one place errors become GraphQL errors, each with an extension `code`
//! (and, for refused writes, the list of problems with record and field).

use async_graphql::{Error, ErrorExtensions, Value};

use crate::import::{ImportError, ImportFailure};
use crate::service::{Code, ServiceError};

/// Error codes in `extensions.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    NotFound,
    InvalidInput,
    Conflict,
    Integrity,
    Forbidden,
    /// The disk failed a write; the server takes no writes until restarted.
    ReadOnly,
    Internal,
    /// A document refused before it ran (parse, caps, introspection).
    BadRequest,
    /// A token is needed, or the one sent is not valid.
    Unauthenticated,
    /// A mutation sent by GET.
    MethodNotAllowed,
    /// A query over the time limit.
    Timeout,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::Integrity => "INTEGRITY",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::ReadOnly => "READ_ONLY",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ErrorCode::Timeout => "TIMEOUT",
        }
    }
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
        other => {
            tracing::error!(error = %other, "internal error");
            coded(
                ErrorCode::Internal,
                "internal error (see the server log)",
                None,
            )
        }
    }
}

fn import_problem(e: &ImportError) -> Value {
    let mut m = async_graphql::indexmap::IndexMap::new();
    m.insert(async_graphql::Name::new("code"), Value::from(e.code));
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
            let code = errs.first().map_or("INVALID_INPUT", |e| e.code);
            let message = errs
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ");
            let list: Vec<Value> = errs.iter().map(import_problem).collect();
            let field = errs.first().and_then(|e| e.field.clone());
            Error::new(message).extend_with(|_, e| {
                e.set("code", code);
                if let Some(f) = &field {
                    e.set("field", f.as_str());
                }
                e.set("problems", Value::List(list.clone()));
            })
        }
        ImportFailure::Service(e) => service_error(e),
    }
}
