//! The GraphQL endpoint. Each request gets the service's current snapshot in
//! its data, so every resolver of the request reads the same graph.

use async_graphql_axum::{GraphQLRequest, GraphQLResponse, GraphQLSubscription};
use axum::extract::State;
use axum::routing::get;
use axum::Router;

use crate::api::AttacheSchema;
use crate::service::Service;

#[derive(Clone)]
struct Ctx {
    schema: AttacheSchema,
    service: Service,
}

async fn handle(State(ctx): State<Ctx>, req: GraphQLRequest) -> GraphQLResponse {
    let req = req.into_inner().data(ctx.service.graph());
    ctx.schema.execute(req).await.into()
}

pub fn router(schema: AttacheSchema, service: Service) -> Router {
    Router::new()
        .route("/graphql", get(handle).post(handle))
        .with_state(Ctx {
            schema: schema.clone(),
            service,
        })
        .route_service("/ws", GraphQLSubscription::new(schema))
}
