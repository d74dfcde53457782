//! The writes of the change log: `revert` (a new change set that puts back
//! what an earlier one changed) and `merge` (two duplicate nodes made one,
//! leaving a redirect). The work is the service's ([`Service::revert`],
//! [`Service::merge`]); this file turns arguments and refusals into GraphQL.
//!
//! [`Service::revert`]: crate::service::Service::revert
//! [`Service::merge`]: crate::service::Service::merge

use crate::api::objects::history::ChangeSet;
use async_graphql::{Context, ErrorExtensions, Object, Result, SimpleObject, Value, ID};

use crate::api::leaves::errors::{invalid, service_error};
use crate::api::leaves::inputs::node_id;
use crate::api::objects::nodes::{node_obj, NodeObj};
use crate::service::{Code, ServiceError};

/// What a revert wrote.
#[derive(SimpleObject)]
pub struct Reverted {
    /// The new change set (op `revert`), which can itself be reverted.
    pub change_set: ChangeSet,
    /// Every record the revert put back, changed or removed.
    pub restored: Vec<ID>,
}

/// What a merge wrote.
#[derive(SimpleObject)]
pub struct Merged {
    /// The survivor, as the merge left it.
    pub node: NodeObj,
    /// The change set (op `merge`); revert it to split the two again.
    pub change_set: ChangeSet,
    /// The records that named the merged node and now name the survivor.
    pub moved: Vec<ID>,
}

#[derive(Default)]
pub struct HistoryMutations;

#[Object]
impl HistoryMutations {
    /// Writes one change set that puts back every record change set
    /// `changeSet` touched as it was before it, byte for byte: a record it
    /// created is deleted, one it deleted comes back, a merge is split again.
    /// CONFLICT, listing each record and the later change set that touched
    /// it (`extensions.later`), when a later change set touched any of them,
    /// unless `force` (which overwrites those later changes). Refused like any
    /// write when putting a record back would break a rule (INTEGRITY for a
    /// relation whose end was deleted since, say). `force` needs an admin
    /// token (FORBIDDEN otherwise): it overwrites other people's later work.
    async fn revert(
        &self,
        ctx: &Context<'_>,
        change_set: i64,
        #[graphql(default)] force: bool,
        comment: Option<String>,
    ) -> Result<Reverted> {
        let seq = u64::try_from(change_set)
            .map_err(|_| invalid("changeSet", "a change set number is positive"))?;
        if force {
            crate::api::guard::require_role(ctx, crate::api::guard::Role::Admin)?;
        }
        let service = crate::api::service(ctx);
        let author = crate::api::author(ctx).comment(comment);
        match service.revert(seq, force, author).await {
            Ok(r) => Ok(Reverted {
                change_set: written(service, r.change_set)?,
                restored: r.restored.into_iter().map(ID).collect(),
            }),
            Err(ServiceError::Rejected(problems)) if is_blocked(&problems) => {
                let later = service.later_changes(seq).await.map_err(service_error)?;
                let later: Vec<Value> = later
                    .into_iter()
                    .map(|(record, at)| {
                        let mut m = async_graphql::indexmap::IndexMap::new();
                        m.insert(async_graphql::Name::new("record"), Value::from(record));
                        m.insert(
                            async_graphql::Name::new("changeSet"),
                            Value::from(at as i64),
                        );
                        Value::Object(m)
                    })
                    .collect();
                Err(service_error(ServiceError::Rejected(problems))
                    .extend_with(|_, e| e.set("later", Value::List(later.clone()))))
            }
            Err(e) => Err(service_error(e)),
        }
    }

    /// Merges node `from` into node `into` (of the same kind, else
    /// INVALID_INPUT): every relation naming `from` (either end, or a
    /// property) names `into`, `from`'s name becomes an alias of `into` and
    /// its aliases, citations and notes move there, conflicts follow their
    /// relations, and `from` is deleted, leaving a redirect: looking up
    /// `from` answers `into` (with `redirectedFrom`), and later writes naming
    /// `from` apply to `into`. Merging into a merged id follows its redirect.
    /// One change set, so `revert` splits them again.
    async fn merge(
        &self,
        ctx: &Context<'_>,
        into: ID,
        from: ID,
        comment: Option<String>,
    ) -> Result<Merged> {
        let into = node_id("into", &into)?;
        let from = node_id("from", &from)?;
        let author = crate::api::author(ctx).comment(comment);
        let m = crate::api::service(ctx)
            .merge(into, from, author)
            .await
            .map_err(service_error)?;
        let node = node_obj(&m.committed.graph, m.into.as_str())
            .ok_or_else(|| crate::api::leaves::errors::not_found(m.into.as_str()))?;
        Ok(Merged {
            node,
            change_set: written(crate::api::service(ctx), m.change_set)?,
            moved: m.moved.into_iter().map(ID).collect(),
        })
    }
}

/// Change set `seq`, which a write just made, from the snapshot published
/// after it.
fn written(service: &crate::service::Service, seq: u64) -> Result<ChangeSet> {
    let g = service.graph();
    let set = service
        .change_set(&g, seq)
        .map_err(service_error)?
        .ok_or_else(|| crate::api::leaves::errors::not_found(&seq.to_string()))?;
    Ok(ChangeSet { g, set })
}

/// Whether a refused revert was refused for later changes (not a rule).
fn is_blocked(problems: &[crate::service::Problem]) -> bool {
    problems.iter().all(|p| {
        p.code == Code::Conflict && p.change.is_none() && p.field.as_deref() == Some("changeSet")
    })
}
