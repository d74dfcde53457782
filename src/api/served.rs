//! The schema as `/graphql` serves it. async-graphql resolves every field
//! through a slower path as soon as a schema has any extension (a registry
//! lookup and a boxed future per field and per list item, hundreds in a
//! meeting's attendees). So a query sent over HTTP runs on a second schema
//! of the same types without extensions, and what the [`super::guard`] and the
//! [`super::observe`] extensions do for it is done here, around the execution, once
//! per request: the guard's checks (`guard::admit`), the complexity and
//! depth limits (enforced by that schema's validation; a refused query is
//! handed to the guarded schema, which explains the refusal), the time limit,
//! and the operation's name for the access log. Everything else — mutations,
//! and every operation over `/ws` — goes through the guarded schema.

use std::sync::Arc;

use async_graphql::{Data, Request, Response, Schema};

use super::documents::Documents;
use super::guard::{admit, data_of, timed_out, Caller};
use super::limits::{Limits, OperationKind};
use super::{AttacheSchema, MutationRoot, Query, SubscriptionRoot};
use crate::metrics::{Metrics, Note};
use crate::service::Service;

/// The guarded schema and its extension-free twin, sharing the documents.
#[derive(Clone)]
pub struct Served {
    guarded: AttacheSchema,
    bare: AttacheSchema,
    limits: Arc<Limits>,
    documents: Arc<Documents>,
    service: Service,
    metrics: Metrics,
}

/// async-graphql's refusals of a query over `limit_complexity` or
/// `limit_depth`, which the guarded schema words with the score and the path.
const OVER_LIMIT: [&str; 2] = ["Query is too complex.", "Query is nested too deep."];

impl Served {
    pub(super) fn new(service: Service, limits: &Limits, metrics: Metrics) -> Served {
        let documents = Arc::new(Documents::new(limits));
        let guarded = super::guarded(service.clone(), limits, metrics.clone(), documents.clone());
        let b = Schema::build(Query::default(), MutationRoot::default(), SubscriptionRoot)
            .data(service.clone())
            .data(metrics.clone())
            .limit_complexity(limits.max_complexity)
            .limit_depth(limits.max_depth)
            .limit_recursive_depth(64);
        let bare = if limits.introspection {
            b.finish()
        } else {
            b.disable_introspection().finish()
        };
        Served {
            guarded,
            bare,
            limits: Arc::new(limits.clone()),
            documents,
            service,
            metrics,
        }
    }

    /// The guarded schema, for the transports that need a [`Schema`] (`/ws`).
    pub fn schema(&self) -> &AttacheSchema {
        &self.guarded
    }

    /// Runs one request sent over HTTP: a query on the extension-free
    /// schema, anything else on the guarded one.
    pub async fn execute(&self, request: Request) -> Response {
        let note = data_of::<Note>(&request.data);
        let caller = data_of::<Caller>(&request.data);
        let a = match admit(
            &self.limits,
            &self.documents,
            Some(&self.service),
            &Data::default(),
            request,
        )
        .await
        {
            Ok(a) => a,
            Err(e) => return Response::from_errors(vec![e]),
        };
        if a.kind != OperationKind::Query {
            // Admitted again by the guard: the checks are idempotent, and
            // the document comes from the cache.
            return self.guarded.execute(a.request).await;
        }
        if let (Some(note), Some(name)) = (&note, &a.operation) {
            note.operation(self.metrics.operation_label(name.as_deref()));
        }
        let limit = self.limits.query_timeout;
        let resp = match tokio::time::timeout(limit, self.bare.execute(a.request)).await {
            Ok(r) => r,
            Err(_) => return Response::from_errors(vec![timed_out(limit)]),
        };
        let refused = resp.data == async_graphql::Value::Null
            && resp.errors.len() == 1
            && OVER_LIMIT.contains(&resp.errors[0].message.as_str());
        if !refused {
            return resp;
        }
        // Nothing ran: the guarded schema validates it again and says why.
        let (query, variables, operation) = a.asked;
        let mut again = Request::new(query).variables(variables);
        if let Some(op) = operation {
            again = again.operation_name(op);
        }
        if let Some(caller) = caller {
            again = again.data(caller);
        }
        self.guarded.execute(again).await
    }
}
