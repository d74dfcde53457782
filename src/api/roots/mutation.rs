//! The mutation root: create, update and delete for every node kind; link,
//! update and unlink relations; record conflicts; import. Each mutation is one
//! atomic, durable write through the service.

use std::sync::Arc;

use async_graphql::{Context, MergedObject, Object, Result, SimpleObject, ID};

use crate::api::leaves::errors::{invalid, not_found, service_error};
use crate::api::leaves::inputs::{
    conflict_id, node_id, rel_id, ConflictInput, NodeInput, NodePatch, RelationInput, RelationPatch,
};
use crate::api::leaves::kind_inputs::{
    DocumentInput, MeetingInput, NodeFields, OfficeInput, OrganizationInput, PersonInput,
    PlaceInput, SeriesInput, SourceInput, StateInput, TopicInput,
};
use crate::api::objects::nodes::{
    node_obj, Document, Meeting, NodeObj, NodeRef, Office, Organization, Person, Place, Series,
    Source, State, Topic, Typed,
};
use crate::api::objects::relations::{Conflict, RelRef, Relation};
use crate::graph::Graph;
use crate::model::{self, NodeId, RelId};
use crate::service::{Change, Committed, Mode, Record};

/// What a delete removed: the record asked for and, with cascade, the rest.
#[derive(SimpleObject)]
pub struct Deleted {
    pub id: ID,
    /// Every record removed, the one asked for included.
    pub removed: Vec<ID>,
    /// The number of the change set the delete made (see `changes`,
    /// `history`).
    pub change_set: Option<u64>,
}

/// Why a mutation writes, as its caller said: kept with its change set.
#[derive(Default)]
struct Why {
    comment: Option<String>,
    source: Option<ID>,
}

impl Why {
    fn new(comment: Option<String>, source: Option<ID>) -> Why {
        Why { comment, source }
    }
}

async fn write(ctx: &Context<'_>, why: Why, changes: Vec<Change>) -> Result<Committed> {
    let source = match why.source {
        None => None,
        Some(s) => {
            let id = NodeId::parse_kind(&s, model::NodeKind::Source)
                .map_err(|e| invalid("source", e))?;
            if crate::api::service(ctx).graph().node(id.as_str()).is_none() {
                return Err(invalid("source", format!("`{id}` does not exist")));
            }
            Some(id)
        }
    };
    let author = crate::api::author(ctx).comment(why.comment).source(source);
    crate::api::service(ctx)
        .write_by(author, changes)
        .await
        .map_err(service_error)
}

fn deleted(id: &str, c: Committed) -> Deleted {
    Deleted {
        id: ID(id.to_owned()),
        removed: c.events.into_iter().map(|e| ID(e.id)).collect(),
        change_set: c.change_set,
    }
}

fn check_kind(id: &NodeId, want: model::NodeKind) -> Result<()> {
    if id.kind() != want {
        return Err(invalid(
            "id",
            format!(
                "`{id}` is not {} id (expected `{}:…`)",
                crate::model::words::a(want.prefix()),
                want.prefix()
            ),
        ));
    }
    Ok(())
}

/// The node as the write left it. The snapshot a write returns may already
/// hold later writes, so a delete that came right after is NOT_FOUND.
fn node_after<T: Typed>(g: &Arc<Graph>, id: &NodeId) -> Result<T> {
    NodeRef::get(g, id.as_str())
        .map(T::from)
        .ok_or_else(|| not_found(id.as_str()))
}

/// The relation as the write left it (see [`node_after`]).
fn relation_after(g: &Arc<Graph>, id: &RelId) -> Result<Relation> {
    let rel = g
        .relation(id.as_str())
        .ok_or_else(|| not_found(id.as_str()))?;
    Ok(Relation(RelRef::new(g, rel)))
}

async fn create<T: Typed>(ctx: &Context<'_>, n: model::Node, why: Why) -> Result<T> {
    check_kind(&n.id, T::KIND)?;
    let id = n.id.clone();
    let c = write(ctx, why, vec![Change::Put(Mode::Create, Record::Node(n))]).await?;
    node_after(&c.graph, &id)
}

/// `change`, preceded by a check of the record's version when one is expected.
fn guarded(id: &str, expected_version: Option<String>, change: Change) -> Vec<Change> {
    let expect = expected_version.map(|version| Change::Expect {
        id: id.to_owned(),
        version,
    });
    expect.into_iter().chain([change]).collect()
}

/// The patch is applied by the service to the node as it is when the write
/// runs, so a concurrent patch to another field is kept.
async fn update<T: Typed>(
    ctx: &Context<'_>,
    id: NodeId,
    patch: model::NodePatch,
    expected_version: Option<String>,
    why: Why,
) -> Result<T> {
    let change = Change::PatchNode {
        id: id.clone(),
        patch,
    };
    let c = write(ctx, why, guarded(id.as_str(), expected_version, change)).await?;
    node_after(&c.graph, &id)
}

async fn delete(
    ctx: &Context<'_>,
    id: ID,
    kind: Option<model::NodeKind>,
    cascade: bool,
    expected_version: Option<String>,
    why: Why,
) -> Result<Deleted> {
    let nid = node_id("id", &id)?;
    if let Some(k) = kind {
        check_kind(&nid, k)?;
    }
    let change = Change::DeleteNode { id: nid, cascade };
    let c = write(ctx, why, guarded(&id, expected_version, change)).await?;
    Ok(deleted(&id, c))
}

macro_rules! kind_mutations {
    ($name:ident, $ty:ident, $input:ident, $create:literal, $update:literal, $delete:literal) => {
        #[derive(Default)]
        pub struct $name;

        #[Object]
        impl $name {
            /// Creates a node of this kind; CONFLICT if the id exists.
            #[graphql(name = $create)]
            async fn create(
                &self,
                ctx: &Context<'_>,
                input: $input,
                #[graphql(desc = "Why: kept with the write's change set.")] comment: Option<String>,
                #[graphql(desc = "The source of the change as a whole (a `source:` id).")]
                source: Option<ID>,
            ) -> Result<$ty> {
                let node = NodeFields::from(input).into_node()?;
                create(ctx, node, Why::new(comment, source)).await
            }
            /// Changes the given fields of a node of this kind, as it is when
            /// the write runs; NOT_FOUND if missing. Give `input` (absent
            /// fields stay, `null` clears); `patch` is its older form. With
            /// `expectedVersion`, CONFLICT unless the node is still at that
            /// `version`.
            #[graphql(name = $update)]
            #[allow(clippy::too_many_arguments)] // one per GraphQL argument
            async fn update(
                &self,
                ctx: &Context<'_>,
                id: ID,
                input: Option<$input>,
                #[graphql(deprecation = "use `input`, which names fields as the output does")]
                patch: Option<NodePatch>,
                expected_version: Option<String>,
                #[graphql(desc = "Why: kept with the write's change set.")] comment: Option<String>,
                #[graphql(desc = "The source of the change as a whole (a `source:` id).")]
                source: Option<ID>,
            ) -> Result<$ty> {
                let nid = node_id("id", &id)?;
                check_kind(&nid, <$ty as Typed>::KIND)?;
                let patch = match (input, patch) {
                    (Some(i), None) => NodeFields::from(i).into_patch(&nid)?,
                    (None, Some(p)) => p.into_patch()?,
                    _ => {
                        return Err(invalid(
                            "input",
                            "give `input` (or the older `patch`), not both",
                        ))
                    }
                };
                update(ctx, nid, patch, expected_version, Why::new(comment, source)).await
            }
            /// Deletes a node of this kind; INTEGRITY if it has relations, unless `cascade`.
            /// With `expectedVersion`, CONFLICT unless the node is still at that `version`.
            #[graphql(name = $delete)]
            async fn delete(
                &self,
                ctx: &Context<'_>,
                id: ID,
                #[graphql(default)] cascade: bool,
                expected_version: Option<String>,
                #[graphql(desc = "Why: kept with the write's change set.")] comment: Option<String>,
                #[graphql(desc = "The source of the change as a whole (a `source:` id).")]
                source: Option<ID>,
            ) -> Result<Deleted> {
                delete(
                    ctx,
                    id,
                    Some(<$ty as Typed>::KIND),
                    cascade,
                    expected_version,
                    Why::new(comment, source),
                )
                .await
            }
        }
    };
}

kind_mutations!(
    PersonMutations,
    Person,
    PersonInput,
    "createPerson",
    "updatePerson",
    "deletePerson"
);
kind_mutations!(
    StateMutations,
    State,
    StateInput,
    "createState",
    "updateState",
    "deleteState"
);
kind_mutations!(
    OrganizationMutations,
    Organization,
    OrganizationInput,
    "createOrganization",
    "updateOrganization",
    "deleteOrganization"
);
kind_mutations!(
    OfficeMutations,
    Office,
    OfficeInput,
    "createOffice",
    "updateOffice",
    "deleteOffice"
);
kind_mutations!(
    MeetingMutations,
    Meeting,
    MeetingInput,
    "createMeeting",
    "updateMeeting",
    "deleteMeeting"
);
kind_mutations!(
    SeriesMutations,
    Series,
    SeriesInput,
    "createSeries",
    "updateSeries",
    "deleteSeries"
);
kind_mutations!(
    DocumentMutations,
    Document,
    DocumentInput,
    "createDocument",
    "updateDocument",
    "deleteDocument"
);
kind_mutations!(
    PlaceMutations,
    Place,
    PlaceInput,
    "createPlace",
    "updatePlace",
    "deletePlace"
);
kind_mutations!(
    TopicMutations,
    Topic,
    TopicInput,
    "createTopic",
    "updateTopic",
    "deleteTopic"
);
kind_mutations!(
    SourceMutations,
    Source,
    SourceInput,
    "createSource",
    "updateSource",
    "deleteSource"
);

/// A readable relation id not yet in `g`: `rel:<kind>/<from>/<to>[/n]`.
fn fresh_rel_id(g: &Graph, kind: &model::RelKind, from: &NodeId, to: &NodeId) -> RelId {
    (1..)
        .map(|n| RelId::derived(kind.name(), from, to, n))
        .find(|id| g.relation(id.as_str()).is_none())
        .expect("ids are unbounded")
}

/// Mutations on any node, relations, conflicts and import.
#[derive(Default)]
pub struct GraphMutations;

#[Object]
impl GraphMutations {
    /// Creates a node of the kind its id names; CONFLICT if the id exists.
    async fn create_node(
        &self,
        ctx: &Context<'_>,
        input: NodeInput,
        #[graphql(desc = "Why: kept with the write's change set.")] comment: Option<String>,
        #[graphql(desc = "The source of the change as a whole (a `source:` id).")] source: Option<
            ID,
        >,
    ) -> Result<NodeObj> {
        let n = input.into_node()?;
        let id = n.id.clone();
        let c = write(
            ctx,
            Why::new(comment, source),
            vec![Change::Put(Mode::Create, Record::Node(n))],
        )
        .await?;
        node_obj(&c.graph, id.as_str()).ok_or_else(|| not_found(id.as_str()))
    }

    /// Deletes any node; INTEGRITY if it has relations, unless `cascade`.
    /// With `expectedVersion`, CONFLICT unless the node is still at that `version`.
    async fn delete_node(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default)] cascade: bool,
        expected_version: Option<String>,
        #[graphql(desc = "Why: kept with the write's change set.")] comment: Option<String>,
        #[graphql(desc = "The source of the change as a whole (a `source:` id).")] source: Option<
            ID,
        >,
    ) -> Result<Deleted> {
        delete(
            ctx,
            id,
            None,
            cascade,
            expected_version,
            Why::new(comment, source),
        )
        .await
    }

    /// Creates a relation; its id is generated from kind and ends when not given.
    async fn link(
        &self,
        ctx: &Context<'_>,
        input: RelationInput,
        #[graphql(desc = "Why: kept with the write's change set.")] comment: Option<String>,
        #[graphql(desc = "The source of the change as a whole (a `source:` id).")] source: Option<
            ID,
        >,
    ) -> Result<Relation> {
        // The snapshot is let go before the write waits (see `api::graph`).
        let r = {
            let g = crate::api::service(ctx).graph();
            input.into_relation(|k, f, t| fresh_rel_id(&g, k, f, t))?
        };
        let id = r.id.clone();
        let why = Why::new(comment, source);
        let c = write(
            ctx,
            why,
            vec![Change::Put(Mode::Create, Record::Relation(r))],
        )
        .await?;
        relation_after(&c.graph, &id)
    }

    /// Changes the given properties of a relation, as it is when the write
    /// runs. With `expectedVersion`, CONFLICT unless the relation is still at
    /// that `version`.
    async fn update_relation(
        &self,
        ctx: &Context<'_>,
        id: ID,
        patch: RelationPatch,
        expected_version: Option<String>,
        #[graphql(desc = "Why: kept with the write's change set.")] comment: Option<String>,
        #[graphql(desc = "The source of the change as a whole (a `source:` id).")] source: Option<
            ID,
        >,
    ) -> Result<Relation> {
        let rid = rel_id("id", &id)?;
        let patch = patch.into_patch()?;
        let change = Change::PatchRelation {
            id: rid.clone(),
            patch,
        };
        let why = Why::new(comment, source);
        let c = write(ctx, why, guarded(rid.as_str(), expected_version, change)).await?;
        relation_after(&c.graph, &rid)
    }

    /// Deletes a relation; INTEGRITY if a conflict names it, unless `cascade`.
    /// With `expectedVersion`, CONFLICT unless the relation is still at that `version`.
    async fn unlink(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default)] cascade: bool,
        expected_version: Option<String>,
        #[graphql(desc = "Why: kept with the write's change set.")] comment: Option<String>,
        #[graphql(desc = "The source of the change as a whole (a `source:` id).")] source: Option<
            ID,
        >,
    ) -> Result<Deleted> {
        let rid = rel_id("id", &id)?;
        let change = Change::DeleteRelation { id: rid, cascade };
        let why = Why::new(comment, source);
        let c = write(ctx, why, guarded(&id, expected_version, change)).await?;
        Ok(deleted(&id, c))
    }

    /// Records that two or more relations, each from its own source, disagree.
    async fn record_conflict(
        &self,
        ctx: &Context<'_>,
        input: ConflictInput,
        #[graphql(desc = "Why: kept with the write's change set.")] comment: Option<String>,
        #[graphql(desc = "The source of the change as a whole (a `source:` id).")] source: Option<
            ID,
        >,
    ) -> Result<Conflict> {
        let cf = input.into_conflict()?;
        let id = cf.id.clone();
        let c = write(
            ctx,
            Why::new(comment, source),
            vec![Change::Put(Mode::Create, Record::Conflict(cf))],
        )
        .await?;
        let cf = c
            .graph
            .conflict(id.as_str())
            .cloned()
            .ok_or_else(|| not_found(id.as_str()))?;
        Ok(Conflict {
            g: c.graph.clone(),
            c: cf,
        })
    }

    async fn delete_conflict(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(desc = "Why: kept with the write's change set.")] comment: Option<String>,
        #[graphql(desc = "The source of the change as a whole (a `source:` id).")] source: Option<
            ID,
        >,
    ) -> Result<Deleted> {
        let cid = conflict_id("id", &id)?;
        let why = Why::new(comment, source);
        let c = write(ctx, why, vec![Change::DeleteConflict(cid)]).await?;
        Ok(deleted(&id, c))
    }
}

/// The mutation root.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    GraphMutations,
    super::import::ImportMutations,
    super::history_write::HistoryMutations,
    PersonMutations,
    StateMutations,
    OrganizationMutations,
    OfficeMutations,
    MeetingMutations,
    SeriesMutations,
    DocumentMutations,
    PlaceMutations,
    TopicMutations,
    SourceMutations,
);
