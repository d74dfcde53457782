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

use async_graphql::{Data, Request, Response, Schema, ValidationMode};

use super::documents::Documents;
use super::guard::{admit, data_of, timed_out, Caller};
use super::limits::{Limits, OperationKind};
use super::{AttacheSchema, MutationRoot, Query, SubscriptionRoot};
use crate::metrics::{Metrics, Note};
use crate::service::Service;

/// The guarded schema and its extension-free twins, sharing the documents.
#[derive(Clone)]
pub struct Served {
    guarded: AttacheSchema,
    /// Validates a query in full (async-graphql's strict mode).
    bare: AttacheSchema,
    /// The same, validating in fast mode, which still scores complexity and
    /// depth against the limits: for a query whose validation key passed the
    /// full validation before (`Documents::checked`).
    checked: AttacheSchema,
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
        let twin = |mode: ValidationMode| {
            let b = Schema::build(Query::default(), MutationRoot::default(), SubscriptionRoot)
                .data(service.clone())
                .data(metrics.clone())
                .validation_mode(mode)
                .limit_complexity(limits.max_complexity)
                .limit_depth(limits.max_depth)
                .limit_recursive_depth(64);
            if limits.introspection {
                b.finish()
            } else {
                b.disable_introspection().finish()
            }
        };
        Served {
            guarded,
            bare: twin(ValidationMode::Strict),
            checked: twin(ValidationMode::Fast),
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
        // The same request (another id in an `ID` or `String` variable
        // counts as the same) passed the full validation before: only the
        // limits are scored again.
        let key = a.validation_key;
        let seen = key.is_some_and(|k| self.documents.checked(&k));
        let schema = if seen { &self.checked } else { &self.bare };
        let limit = self.limits.query_timeout;
        let resp = match tokio::time::timeout(limit, schema.execute(a.request)).await {
            Ok(r) => r,
            Err(_) => return Response::from_errors(vec![timed_out(limit)]),
        };
        if let (false, Some(k), true) = (seen, key, resp.errors.is_empty()) {
            self.documents.keep_checked(k);
        }
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

#[cfg(test)]
mod tests {
    use async_graphql::Variables;
    use serde_json::json;

    use super::*;

    async fn ask(served: &Served, query: &str, id: &str) -> Response {
        let vars = Variables::from_json(json!({ "id": id }));
        served.execute(Request::new(query).variables(vars)).await
    }

    #[tokio::test]
    async fn a_query_asked_again_for_another_id_is_not_validated_in_full_again() {
        let dir = tempfile::tempdir().unwrap();
        let service = Service::open(dir.path()).unwrap();
        let served = Served::new(service, &Limits::default(), Metrics::new());
        let q = "query($id: ID!) { person(id: $id) { id name } }";
        for id in ["person:a", "person:b", "person:c"] {
            let r = ask(&served, q, id).await;
            assert!(r.errors.is_empty(), "{:?}", r.errors);
        }
        assert_eq!(served.documents.counts().validations_skipped, 2);
    }

    #[tokio::test]
    async fn a_refused_query_is_validated_in_full_every_time() {
        let dir = tempfile::tempdir().unwrap();
        let service = Service::open(dir.path()).unwrap();
        let served = Served::new(service, &Limits::default(), Metrics::new());
        let q = "query($id: ID!) { person(id: $id) { id nickname } }";
        let first = ask(&served, q, "person:a").await.errors;
        assert!(first[0].message.contains("nickname"), "{first:?}");
        assert_eq!(ask(&served, q, "person:b").await.errors, first);
        assert_eq!(served.documents.counts().validations_skipped, 0);
    }
}
