//! The schema's observer, for `/metrics` and the access log: an
//! async-graphql extension, registered once in [`super::schema_observed`] so
//! every transport passes it. It names the operation a request ran in the
//! request's [`Note`] (HTTP puts one in the request data; the access log reads
//! it), and counts the errors of every response sent over `/ws` (the HTTP
//! layer counts those it sends itself, from the bodies it writes).

use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest,
    NextSubscribe,
};
use async_graphql::futures_util::stream::BoxStream;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
use async_graphql::{Request, Response, ServerResult, Variables};
use futures_util::StreamExt;

use crate::metrics::{Metrics, Note};

/// Registers an [`Observe`] per request.
pub struct ObserveFactory;

impl ExtensionFactory for ObserveFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Observe {
            asked: OnceLock::new(),
        })
    }
}

/// One request's observer: it keeps the operation name asked for until the
/// document is parsed.
pub struct Observe {
    asked: OnceLock<Option<String>>,
}

/// The operation `doc` runs when `asked` is asked for: `Some(None)` for an
/// anonymous one, `Some(Some(name))` for a named one; `None` when there is
/// no such operation (the request fails, and its operation stays unknown).
pub fn operation_name(doc: &ExecutableDocument, asked: Option<&str>) -> Option<Option<String>> {
    match (&doc.operations, asked) {
        (DocumentOperations::Single(_), None) => Some(None),
        (DocumentOperations::Single(_), Some(_)) => None,
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .keys()
            .find(|k| k.as_str() == name)
            .map(|k| Some(k.to_string())),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.keys().next().map(|k| Some(k.to_string()))
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Counts the errors of one response into `metrics`, with the limit each names.
pub fn count_errors(metrics: &Metrics, errors: &[async_graphql::ServerError]) {
    for e in errors {
        let ext = e.extensions.as_ref();
        let text = |key: &str| match ext.and_then(|x| x.get(key)) {
            Some(async_graphql::Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let code = text("code").unwrap_or_else(|| "UNKNOWN".to_owned());
        metrics.error(&code, text("limit").as_deref());
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Observe {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let _ = self.asked.set(request.operation_name.clone());
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        if let (Some(note), Some(metrics)) = (ctx.data_opt::<Note>(), ctx.data_opt::<Metrics>()) {
            let asked = self.asked.get().and_then(|a| a.as_deref());
            if let Some(name) = operation_name(&doc, asked) {
                note.operation(metrics.operation_label(name.as_deref()));
            }
        }
        Ok(doc)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let stream = next.run(ctx, stream);
        match ctx.data_opt::<Metrics>().cloned() {
            Some(metrics) => stream
                .inspect(move |r| count_errors(&metrics, &r.errors))
                .boxed(),
            None => stream,
        }
    }
}
