//! The GraphQL API: the only module that knows async-graphql. Types wrap the
//! model (`Person(NodeRef)`), resolvers stay thin, writes go through the
//! service, and every error leaves here with an extension `code`.
//!
//! Architecture invariant: a request reads one [`Graph`] snapshot, put in the
//! request data by the HTTP layer (see [`graph`]); objects returned by a
//! mutation carry the snapshot right after that write.

pub mod documents;
pub mod guard;
mod heavy;
mod leaves;
pub mod limits;
mod objects;
pub mod observe;
mod over_limit;
mod roots;
pub mod served;

use std::sync::Arc;

use async_graphql::{Context, Schema};

use crate::graph::Graph;
use crate::service::Service;

pub use heavy::offload;
pub use leaves::errors::{coded, internal_message, report_internal, service_error, ErrorCode};
pub use roots::export::{scope as export_scope, MeetingScope};
pub use roots::mutation::MutationRoot;
pub use roots::query::{Query, QueryRoot};
pub use roots::subscription::SubscriptionRoot;

/// The schema type served over HTTP.
pub type AttacheSchema = Schema<Query, MutationRoot, SubscriptionRoot>;

/// Builds the schema around a service handle, with the default limits.
pub fn schema(service: Service) -> AttacheSchema {
    schema_with(service, &limits::Limits::default())
}

/// Builds the schema with the given limits, enforced by [`guard::Guard`] on
/// every operation whatever its transport, depth and complexity included
/// (measured by async-graphql's validation, refused by the guard with the
/// score, the limit and the costliest path: [`over_limit`]).
pub fn schema_with(service: Service, limits: &limits::Limits) -> AttacheSchema {
    schema_observed(service, limits, crate::metrics::Metrics::new())
}

/// [`schema_with`], counting into `metrics`: every operation passes the
/// [`observe::Observe`] extension (operation names, errors over `/ws`), and
/// subscriptions are counted while open.
pub fn schema_observed(
    service: Service,
    limits: &limits::Limits,
    metrics: crate::metrics::Metrics,
) -> AttacheSchema {
    guarded(
        service,
        limits,
        metrics,
        Arc::new(documents::Documents::new(limits)),
    )
}

/// What `/graphql` serves: [`schema_observed`], and beside it the same
/// types without extensions for the queries sent over HTTP, guarded at
/// request level (see [`served`]).
pub fn served(
    service: Service,
    limits: &limits::Limits,
    metrics: crate::metrics::Metrics,
) -> served::Served {
    served::Served::new(service, limits, metrics)
}

fn guarded(
    service: Service,
    limits: &limits::Limits,
    metrics: crate::metrics::Metrics,
    documents: Arc<documents::Documents>,
) -> AttacheSchema {
    let b = Schema::build(Query::default(), MutationRoot::default(), SubscriptionRoot)
        .data(service)
        .data(metrics)
        // Outermost, so it sees each operation as the guard left it.
        .extension(observe::ObserveFactory)
        .extension(guard::GuardFactory::new(limits, documents))
        .limit_recursive_depth(64);
    if limits.introspection {
        b.finish()
    } else {
        b.disable_introspection().finish()
    }
}

/// The SDL of the schema, as committed in `graph-schema/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), MutationRoot::default(), SubscriptionRoot)
        .finish()
        .sdl()
}

/// Request data set by the guard from the [`guard::Caller`]: whether the
/// caller holds a token that may write (so may also run privileged reads
/// such as `export`).
#[derive(Debug, Clone, Copy)]
pub struct Privileged(pub bool);

/// The snapshot this request reads: the one the HTTP layer attached to a
/// query, or else the service's current one. Mutation resolvers must not
/// hold it across a write: a queued write pinning a superseded snapshot
/// forces the writer to copy the graph.
pub(crate) fn graph(ctx: &Context<'_>) -> Arc<Graph> {
    match ctx.data_opt::<Arc<Graph>>() {
        Some(g) => g.clone(),
        None => ctx.data_unchecked::<Service>().graph(),
    }
}

/// Who the change log names for a write by this request's caller: the
/// token's name (`anonymous` on a server with open writes and no token).
pub(crate) fn author(ctx: &Context<'_>) -> crate::service::Author {
    crate::service::Author::new(guard::actor(ctx))
}

pub(crate) fn service<'a>(ctx: &Context<'a>) -> &'a Service {
    ctx.data_unchecked::<Service>()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The names a file in `dir` may not use: the layers above it.
    fn uses_above(dir: &str, above: &[&str]) -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/api")
            .join(dir);
        let mut found = Vec::new();
        for entry in std::fs::read_dir(&root).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for layer in above {
                for needle in [format!("api::{layer}"), format!("super::super::{layer}")] {
                    if text.contains(&needle) {
                        found.push(format!("{} uses {layer}", path.display()));
                    }
                }
            }
        }
        found
    }

    #[test]
    fn leaves_use_no_object_and_no_root() {
        let found = uses_above("leaves", &["objects", "roots", "heavy", "guard"]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn objects_use_no_root() {
        let found = uses_above("objects", &["roots"]);
        assert!(found.is_empty(), "{found:?}");
    }
}
