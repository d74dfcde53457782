//! The guard every operation passes, whatever door it came in by (`/graphql`
//! by POST or GET, or `/ws`): who may read and write, the document caps and
//! field count, the introspection switch, and the query time limit. It is an
//! async-graphql extension, registered once in [`super::schema_with`], so no
//! transport can skip it. A transport only says who the caller is — a
//! [`Caller`] in the request data (HTTP) or in the connection data (`/ws`,
//! from the upgrade's `Authorization` or `connection_init`'s token): may
//! they read, may they write, and their token's name and role. Resolvers ask
//! the same caller through [`actor`] (who a write is recorded as) and
//! [`require_role`] (fields kept for a role).
//!
//! Every error that leaves through here has a `code` and a bounded message.

use std::any::TypeId;
use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest,
    NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{
    Data, ErrorExtensionValues, Request, Response, ServerError, ServerResult, ValidationResult,
    Variables,
};

use super::documents::Documents;
use super::leaves::errors::{internal_message, report_internal};
use super::limits::{
    bounded, inspect, inspect_parsed, precheck, DocumentError, Inspected, Limits, OperationKind,
};
use super::over_limit;
use super::{ErrorCode, Privileged};
use crate::graph::Graph;
use crate::service::Service;

mod caller;

pub use caller::{actor, require_role, Caller, Denied, Role, Transport, ANONYMOUS};

/// Registers a [`Guard`] per request; holds the documents they share.
pub struct GuardFactory(Arc<Limits>, Arc<Documents>);

impl GuardFactory {
    pub fn new(limits: &Limits, documents: Arc<Documents>) -> GuardFactory {
        GuardFactory(Arc::new(limits.clone()), documents)
    }
}

impl ExtensionFactory for GuardFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Guard {
            limits: self.0.clone(),
            documents: self.1.clone(),
            kind: OnceLock::new(),
            asked: OnceLock::new(),
            validation_key: OnceLock::new(),
        })
    }
}

/// One request's guard: it remembers the operation's kind between the
/// checks (before parsing) and the execution (under the time limit).
pub struct Guard {
    limits: Arc<Limits>,
    /// Parsed documents and persisted queries, shared by every request.
    documents: Arc<Documents>,
    kind: OnceLock<OperationKind>,
    /// The request's text, variables (a query's only: a mutation's may be a
    /// whole import document) and operation name, to explain a refusal.
    asked: OnceLock<(String, Variables, Option<String>)>,
    /// The key under which this request's validation result is kept.
    validation_key: OnceLock<[u8; 32]>,
}

impl Guard {
    /// Refuses an operation over the complexity or depth limit (async-graphql
    /// only says "too complex"), with the score, the limit and the path that
    /// costs the most or nests the deepest.
    async fn over_limit(&self, v: &ValidationResult) -> Option<ServerError> {
        let (query, variables, op) = self.asked.get()?;
        let (max_c, max_d) = (self.limits.max_complexity, self.limits.max_depth);
        let mut e = if v.complexity > max_c {
            let part = match over_limit::costliest_path(query, variables, op.as_deref()).await {
                Some((path, cost)) => format!("; the costliest part is `{path}` ({cost})"),
                None => String::new(),
            };
            let mut e = refuse(
                ErrorCode::GraphqlValidationFailed,
                format!(
                    "the query's complexity is {}, over the limit of {max_c}{part}: \
                     ask for smaller pages (`first`) or split the query",
                    v.complexity
                ),
                Some("maxComplexity"),
            );
            if let Some(ext) = e.extensions.as_mut() {
                ext.set("score", v.complexity as u64);
                ext.set("max", max_c as u64);
            }
            e
        } else if v.depth > max_d {
            let part = match over_limit::deepest_path(query, op.as_deref()) {
                Some(path) => format!("; the deepest field is `{path}`"),
                None => String::new(),
            };
            let mut e = refuse(
                ErrorCode::GraphqlValidationFailed,
                format!(
                    "the query is nested {} levels deep, over the limit of {max_d}{part}",
                    v.depth
                ),
                Some("maxDepth"),
            );
            if let Some(ext) = e.extensions.as_mut() {
                ext.set("score", v.depth as u64);
                ext.set("max", max_d as u64);
            }
            e
        } else {
            return None;
        };
        e.message = bounded(&e.message, 500);
        Some(e)
    }
}

/// A refusal before anything ran.
fn refuse(code: ErrorCode, message: impl Into<String>, limit: Option<&str>) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", code.as_str());
    if let Some(l) = limit {
        ext.set("limit", l);
    }
    e.extensions = Some(ext);
    e
}

fn document_error(e: DocumentError) -> ServerError {
    refuse(e.code(), e.to_string(), e.limit())
}

/// Documents larger than this are parsed on the blocking pool.
const PARSE_INLINE: usize = 32 * 1024;

/// Parses and inspects off the request threads when the document is large.
async fn inspect_off_thread(
    query: &str,
    operation_name: Option<&str>,
    max_fields: usize,
) -> ServerResult<Inspected> {
    let res = if query.len() <= PARSE_INLINE {
        inspect(query, operation_name, max_fields)
    } else {
        let (q, op) = (query.to_owned(), operation_name.map(str::to_owned));
        tokio::task::spawn_blocking(move || inspect(&q, op.as_deref(), max_fields))
            .await
            .map_err(|e| internal_server_error(&format!("document inspection failed: {e}")))?
    };
    res.map_err(document_error)
}

/// [`inspect_off_thread`] from the parse cache: a document parsed before is
/// copied, not parsed again; one parsed now is kept.
async fn inspect_cached(
    documents: &Documents,
    query: &str,
    operation_name: Option<&str>,
    max_fields: usize,
) -> ServerResult<Inspected> {
    if let Some(doc) = documents.parsed(query) {
        let (kind, introspection) =
            inspect_parsed(&doc, operation_name, max_fields).map_err(document_error)?;
        return Ok(Inspected {
            doc: (*doc).clone(),
            kind,
            introspection,
        });
    }
    let inspected = inspect_off_thread(query, operation_name, max_fields).await?;
    documents.keep(query, &inspected.doc);
    Ok(inspected)
}

pub(crate) fn data_of<T: 'static + Clone>(data: &Data) -> Option<T> {
    data.get(&TypeId::of::<T>())
        .and_then(|d| d.downcast_ref::<T>())
        .cloned()
}

/// An internal error before anything ran: logged with an id; the client
/// gets the id, not the text.
fn internal_server_error(error: &dyn std::fmt::Display) -> ServerError {
    let id = report_internal(error);
    let mut e = refuse(ErrorCode::Internal, internal_message(&id), None);
    if let Some(ext) = e.extensions.as_mut() {
        ext.set("errorId", id);
    }
    e
}

/// A query stopped at the time limit.
pub(crate) fn timed_out(limit: std::time::Duration) -> ServerError {
    refuse(
        ErrorCode::Timeout,
        format!(
            "the query ran longer than {} s and was stopped",
            limit.as_secs_f64()
        ),
        Some("queryTimeout"),
    )
}

/// Gives every error a code and bounds every message, so no error quotes a
/// huge input back. Our resolvers' errors carry a code; async-graphql's own
/// do not: an argument that fails to convert (e.g. an Int literal out of
/// range) gets INVALID_INPUT, another validation error (no path)
/// GRAPHQL_VALIDATION_FAILED, anything else is unexpected: INTERNAL, its
/// text logged under an id and replaced by the id.
pub fn tidy(errors: &mut [ServerError]) {
    const ARGUMENT: [&str; 3] = [
        "Failed to parse ",
        "Invalid value for argument ",
        "Only integers from ",
    ];
    for e in errors {
        if e.message.len() > 500 {
            e.message = bounded(&e.message, 500);
        }
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            // An argument is converted while resolving, or earlier when a
            // complexity expression reads it: INVALID_INPUT either way.
            let code = if ARGUMENT.iter().any(|p| e.message.starts_with(p)) {
                ErrorCode::InvalidInput
            } else if e.path.is_empty() {
                ErrorCode::GraphqlValidationFailed
            } else {
                let id = report_internal(&e.message);
                e.message = internal_message(&id);
                ext.set("errorId", id);
                ErrorCode::Internal
            };
            ext.set("code", code.as_str());
        }
    }
}

/// A request the guard let through, ready to run: its document parsed,
/// the caller's rights and (for a query) its snapshot in its data.
pub(crate) struct Admitted {
    pub(crate) request: Request,
    pub(crate) kind: OperationKind,
    /// The request's text, variables (a query's only) and operation name.
    pub(crate) asked: (String, Variables, Option<String>),
    /// The key its validation result is kept under (queries only).
    pub(crate) validation_key: Option<[u8; 32]>,
    /// The operation it runs, as [`super::observe::operation_name`] says.
    pub(crate) operation: Option<Option<String>>,
}

/// The guard's checks before anything is parsed or run, whatever runs the
/// request afterwards (the guard's own `prepare_request`, or
/// [`super::served::Served`] at request level): the caller's rights, the
/// persisted query, the document caps and field count, the introspection
/// switch and what each transport may do. `session_data` is a WebSocket's
/// connection data; `service` gives a query its snapshot.
pub(crate) async fn admit(
    limits: &Limits,
    documents: &Documents,
    service: Option<&Service>,
    session_data: &Data,
    mut request: Request,
) -> ServerResult<Admitted> {
    // No caller: an in-process execution; it may read, never write.
    let caller = data_of::<Caller>(&request.data)
        .or_else(|| data_of::<Caller>(session_data))
        .unwrap_or(Caller {
            read: Ok(()),
            write: Err(Denied::Missing),
            name: None,
            role: None,
            transport: Transport::Post,
        });
    if let Err(d) = caller.read {
        return Err(refuse(d.code(), d.message(), None));
    }
    let persist = documents
        .resolve_persisted(&mut request)
        .map_err(document_error)?;
    precheck(&request.query, limits).map_err(document_error)?;
    let Inspected {
        doc,
        kind,
        introspection,
    } = inspect_cached(
        documents,
        &request.query,
        request.operation_name.as_deref(),
        limits.max_fields,
    )
    .await?;
    if introspection && !limits.introspection {
        return Err(refuse(
            ErrorCode::BadRequest,
            "introspection is disabled on this server",
            None,
        ));
    }
    match (kind, caller.transport) {
        (OperationKind::Subscription, Transport::Post | Transport::Get) => {
            return Err(refuse(
                ErrorCode::BadRequest,
                "subscriptions are served over WebSocket at /ws",
                None,
            ));
        }
        (OperationKind::Mutation, Transport::Get) => {
            return Err(refuse(
                ErrorCode::MethodNotAllowed,
                "mutations must be sent with POST",
                None,
            ));
        }
        (OperationKind::Mutation, _) => {
            if let Err(d) = caller.write {
                return Err(refuse(d.code(), d.message(), None));
            }
        }
        _ => {}
    }
    if let Some(hash) = persist {
        documents.persist(hash, &request.query);
    }
    // Only a query's validation is kept: a dashboard repeats its queries,
    // and a mutation's variables may be a whole import document.
    let validation_key = match kind {
        OperationKind::Query => Documents::validation_key(
            &doc,
            &request.query,
            request.operation_name.as_deref(),
            &request.variables,
        ),
        _ => None,
    };
    let variables = match kind {
        OperationKind::Query => request.variables.clone(),
        _ => Variables::default(),
    };
    let asked = (
        request.query.clone(),
        variables,
        request.operation_name.clone(),
    );
    let operation = super::observe::operation_name(&doc, request.operation_name.as_deref());
    request.set_parsed_query(doc);
    request.data.insert(Privileged(caller.write.is_ok()));
    // The resolvers' `actor` and `require_role` read the caller the guard checked.
    request.data.insert(caller);
    // A query reads one snapshot from start to finish, whatever the door.
    if kind == OperationKind::Query && request.data.get(&TypeId::of::<Arc<Graph>>()).is_none() {
        if let Some(service) = service {
            request.data.insert(service.graph());
        }
    }
    Ok(Admitted {
        request,
        kind,
        asked,
        validation_key,
        operation,
    })
}

#[async_graphql::async_trait::async_trait]
impl Extension for Guard {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let a = admit(
            &self.limits,
            &self.documents,
            ctx.data_opt::<Service>(),
            ctx.session_data,
            request,
        )
        .await?;
        if let Some(key) = a.validation_key {
            let _ = self.validation_key.set(key);
        }
        let _ = self.kind.set(a.kind);
        let _ = self.asked.set(a.asked);
        next.run(ctx, a.request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        // The document is parsed already; what runs here is async-graphql's
        // recursion and directive checks, whose errors need a code.
        next.run(ctx, query, variables).await.map_err(|e| {
            let mut errors = [e];
            tidy(&mut errors);
            let [e] = errors;
            e
        })
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        // The very same request passed before: its result is kept.
        let key = self.validation_key.get();
        if let Some(v) = key.and_then(|k| self.documents.validated(k)) {
            return Ok(v);
        }
        let v = next.run(ctx).await.map_err(|mut errors| {
            tidy(&mut errors);
            errors
        })?;
        match self.over_limit(&v).await {
            Some(e) => Err(vec![e]),
            None => {
                if let Some(k) = key {
                    self.documents.keep_validated(*k, v);
                }
                Ok(v)
            }
        }
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let limit = self.limits.query_timeout;
        let mut resp = if self.kind.get() == Some(&OperationKind::Query) {
            match tokio::time::timeout(limit, next.run(ctx, operation_name)).await {
                Ok(r) => r,
                Err(_) => Response::from_errors(vec![timed_out(limit)]),
            }
        } else {
            // A write in flight completes; subscriptions are not cut short.
            next.run(ctx, operation_name).await
        };
        tidy(&mut resp.errors);
        resp
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{PathSegment, Pos, ServerError, Value};

    use super::tidy;
    use crate::api::ErrorCode;

    #[test]
    fn an_uncoded_resolver_error_reaches_the_client_as_an_id_not_its_text() {
        // A resolver's error with no code: a failure nobody mapped.
        let mut e = ServerError::new("task 7 panicked: secret detail", Some(Pos::default()));
        e.path = vec![PathSegment::Field("person".into())];
        let mut errors = [e];
        tidy(&mut errors);
        let ext = errors[0].extensions.as_ref().expect("extensions");
        assert_eq!(
            ext.get("code"),
            Some(&Value::from(ErrorCode::Internal.as_str()))
        );
        let Some(Value::String(id)) = ext.get("errorId") else {
            panic!("no errorId: {:?}", errors[0])
        };
        assert!(
            !errors[0].message.contains("secret"),
            "{}",
            errors[0].message
        );
        assert!(errors[0].message.contains(id.as_str()));
    }
}
