//! Node types: one GraphQL object per node kind, each a thin wrapper over a
//! model node and the snapshot it was read from, and the `Node` interface.
//! This file holds the plumbing (`NodeRef`, the interface, citations,
//! aliases, notes and the `node_object!` macro); people are in `person.rs`,
//! meetings and documents in `meeting.rs`, the other kinds in `entities.rs`.

use std::sync::Arc;

use async_graphql::{Interface, Object, ID};
use petgraph::Direction as Dir;

use crate::api::leaves::scalars::{Direction, NameKind, NodeKind, RelKind};
pub use crate::api::objects::entities::{
    Office, Organization, Place, Series, Source, State, Topic,
};
pub use crate::api::objects::meeting::{Document, Meeting};
pub use crate::api::objects::person::Person;
use crate::api::objects::relations::{RelRef, Relation};
use crate::graph::Graph;
use crate::model::{self, RelKind as RK};

/// A node and the snapshot it belongs to.
#[derive(Clone)]
pub struct NodeRef {
    pub g: Arc<Graph>,
    pub n: Arc<model::Node>,
    /// The merged id the lookup named, when it was redirected to this node.
    pub redirected_from: Option<model::NodeId>,
}

/// Implemented by each node object: which kind it wraps.
pub trait Typed: From<NodeRef> {
    const KIND: model::NodeKind;
}

impl NodeRef {
    /// Node `id`, or the node it was merged into (saying so).
    pub fn get(g: &Arc<Graph>, id: &str) -> Option<NodeRef> {
        if let Some(n) = g.node(id) {
            return Some(NodeRef {
                g: g.clone(),
                n: n.clone(),
                redirected_from: None,
            });
        }
        let into = g.redirect(id)?;
        g.node(into.as_str()).map(|n| NodeRef {
            g: g.clone(),
            n: n.clone(),
            redirected_from: model::NodeId::parse(id).ok(),
        })
    }

    pub(super) fn id(&self) -> &str {
        self.n.id.as_str()
    }

    pub fn rels(&self, dir: Dir, kind: Option<RK>) -> Vec<RelRef> {
        self.g
            .relations(self.id(), dir, kind)
            .into_iter()
            .map(|r| RelRef::new(&self.g, r))
            .collect()
    }

    /// Nodes at the far end of this node's relations of `kind`, as `T`.
    pub fn ends<T: Typed>(&self, dir: Dir, kind: RK) -> Vec<T> {
        self.rels(dir, Some(kind))
            .into_iter()
            .filter_map(|r| {
                let other = if dir == Dir::Outgoing {
                    &r.r.to
                } else {
                    &r.r.from
                };
                NodeRef::get(&self.g, other.as_str())
            })
            .filter(|n| n.n.node_kind() == T::KIND)
            .map(T::from)
            .collect()
    }

    pub fn first<T: Typed>(&self, dir: Dir, kind: RK) -> Option<T> {
        self.ends(dir, kind).into_iter().next()
    }

    pub fn all_relations(
        &self,
        kinds: Option<Vec<RelKind>>,
        direction: Option<Direction>,
    ) -> Vec<Relation> {
        let kinds: Option<Vec<RK>> = kinds.map(|k| k.into_iter().map(Into::into).collect());
        let dirs: &[Dir] = match direction.unwrap_or_default() {
            Direction::Outgoing => &[Dir::Outgoing],
            Direction::Incoming => &[Dir::Incoming],
            Direction::Both => &[Dir::Outgoing, Dir::Incoming],
        };
        dirs.iter()
            .flat_map(|d| self.rels(*d, None))
            .filter(|r| kinds.as_ref().is_none_or(|ks| ks.contains(&r.r.kind)))
            .map(Relation)
            .collect()
    }
}

/// Declares an enum with a variant per node kind, each holding that kind's
/// object (`Person(Person)`, …), then the `extra` variants: `NodeObj` and
/// `PathElement` follow the model's kind list (`node_kind_variants!`).
macro_rules! node_enum {
    ($(#[$meta:meta])* $name:ident { $($extra:tt)* } $($variant:ident),+) => {
        $(#[$meta])*
        pub enum $name {
            $($variant($variant),)+
            $($extra)*
        }
    };
}
pub(crate) use node_enum;

/// `wrap`: a node in its kind's object.
macro_rules! wrap_fn {
    ($($variant:ident),+) => {
        /// Wraps any node in its kind's object.
        pub fn wrap(r: NodeRef) -> NodeObj {
            match r.n.node_kind() {
                $(model::NodeKind::$variant => NodeObj::$variant($variant(r)),)+
            }
        }
    };
}

model::kinds::node_kind_variants!(wrap_fn {});

pub fn node_obj(g: &Arc<Graph>, id: &str) -> Option<NodeObj> {
    NodeRef::get(g, id).map(wrap)
}

model::kinds::node_kind_variants!(node_enum {
/// Anything in the graph with an id, a name and sources.
// Clippy reads the repeated `arg(name = …, ty = …)` of two fields as duplicates.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface, Clone)]
#[graphql(
    name = "Node",
    field(
        name = "id",
        ty = "ID",
        desc = "Stable id, e.g. `person:berik-asylov`."
    ),
    field(name = "kind", ty = "NodeKind"),
    field(
        name = "version",
        ty = "String",
        desc = "A digest of the node as stored: it changes whenever the node does."
    ),
    field(
        name = "name",
        ty = "String",
        desc = "The primary name or title, in English."
    ),
    field(name = "aliases", ty = "Vec<Alias>"),
    field(
        name = "redirected_from",
        ty = "Option<ID>",
        desc = "The id asked for, when it was merged into this node (the lookup followed its redirect)."
    ),
    field(name = "description", ty = "Option<String>"),
    field(
        name = "citations",
        ty = "Vec<Citation>",
        desc = "The sources that state this node."
    ),
    field(name = "notes", ty = "Vec<Note>"),
    field(
        name = "relations",
        ty = "Vec<Relation>",
        arg(name = "kinds", ty = "Option<Vec<RelKind>>"),
        arg(name = "direction", ty = "Option<Direction>"),
        arg(name = "first", ty = "Option<i32>"),
        arg(name = "offset", ty = "Option<i32>")
    ),
    field(
        name = "relations_count",
        ty = "usize",
        arg(name = "kinds", ty = "Option<Vec<RelKind>>"),
        arg(name = "direction", ty = "Option<Direction>")
    ),
    field(
        name = "history",
        ty = "crate::api::objects::history::History",
        // async-graphql computes no complexity for an interface field: read
        // through `Node`, `first` (at most 1000) is the only bound.
        desc = "This node's versions, newest first, each with its change set.",
        arg(name = "first", ty = "Option<i32>", default_with = "Some(20)"),
        arg(name = "before", ty = "Option<u64>")
    )
)]
NodeObj {}
});

/// Where a fact comes from.
pub struct Citation {
    g: Arc<Graph>,
    c: model::Citation,
}

pub fn citations(g: &Arc<Graph>, cs: &[model::Citation]) -> Vec<Citation> {
    cs.iter()
        .map(|c| Citation {
            g: g.clone(),
            c: c.clone(),
        })
        .collect()
}

#[Object]
impl Citation {
    /// The source's id.
    async fn source_id(&self) -> ID {
        ID(self.c.source.to_string())
    }
    async fn source(&self) -> Option<Source> {
        NodeRef::get(&self.g, self.c.source.as_str()).map(Source)
    }
    /// Where in the source: a paragraph number or a short locator.
    async fn locator(&self) -> Option<&str> {
        self.c.locator.as_deref()
    }
}

/// Another name: a spelling, a script, an initials form, a former name.
pub struct Alias {
    pub(super) g: Arc<Graph>,
    pub(super) a: model::Alias,
}

#[Object]
impl Alias {
    async fn text(&self) -> &str {
        &self.a.text
    }
    /// BCP 47 language tag.
    async fn lang(&self) -> Option<&str> {
        self.a.lang.as_deref()
    }
    /// ISO 15924 script code.
    async fn script(&self) -> Option<&str> {
        self.a.script.as_deref()
    }
    async fn kind(&self) -> NameKind {
        self.a.kind.into()
    }
    async fn citations(&self) -> Vec<Citation> {
        citations(&self.g, &self.a.citations)
    }
}

/// A cited statement about a node (a figure quoted at a meeting, say).
pub struct Note {
    pub(super) g: Arc<Graph>,
    pub(super) n: model::Note,
}

#[Object]
impl Note {
    async fn text(&self) -> &str {
        &self.n.text
    }
    async fn citations(&self) -> Vec<Citation> {
        citations(&self.g, &self.n.citations)
    }
}

/// Defines a node object: `node_object!(#[Object] first, "list_cost(first, child_complexity)", /// doc Type, Kind, { fields })`.
/// The `#[Object]` attribute and the complexity expression of `relations` are
/// written by the caller so that the resolvers' generated `child_complexity`
/// and the complexity expressions of every paged field share the caller's
/// hygiene (a `macro_rules` local is invisible to tokens from elsewhere).
macro_rules! node_object {
    ($hash:tt $object:tt $first:ident, $rel_cost:tt, $(#[$doc:meta])* $ty:ident, $kind:ident, { $($extra:tt)* }) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $ty(pub NodeRef);

        impl From<NodeRef> for $ty {
            fn from(r: NodeRef) -> Self {
                $ty(r)
            }
        }

        impl Typed for $ty {
            const KIND: model::NodeKind = model::NodeKind::$kind;
        }

        $hash $object
        impl $ty {
            /// Stable id, e.g. `person:berik-asylov`.
            pub(crate) async fn id(&self) -> ID {
                ID(self.0.n.id.to_string())
            }
            pub(crate) async fn kind(&self) -> NodeKind {
                self.0.n.node_kind().into()
            }
            /// A digest of the node as stored: it changes whenever the node
            /// does. Give it as `expectedVersion` to refuse a write if the
            /// node changed since it was read.
            pub(crate) async fn version(&self) -> String {
                model::version(&*self.0.n)
            }
            /// The primary name or title, in English.
            pub(crate) async fn name(&self) -> String {
                self.0.n.name.clone()
            }
            /// The id asked for, when it was merged into this node (the
            /// lookup followed its redirect); null otherwise.
            pub(crate) async fn redirected_from(&self) -> Option<ID> {
                self.0.redirected_from.as_ref().map(|id| ID(id.to_string()))
            }
            pub(crate) async fn aliases(&self) -> Vec<Alias> {
                self.0.n.aliases.iter().map(|a| Alias { g: self.0.g.clone(), a: a.clone() }).collect()
            }
            pub(crate) async fn description(&self) -> Option<String> {
                self.0.n.description.clone()
            }
            /// The sources that state this node.
            pub(crate) async fn citations(&self) -> Vec<Citation> {
                citations(&self.0.g, &self.0.n.citations)
            }
            pub(crate) async fn notes(&self) -> Vec<Note> {
                self.0.n.notes.iter().map(|n| Note { g: self.0.g.clone(), n: n.clone() }).collect()
            }
            /// Every relation of this node, optionally of some kinds or one
            /// direction, outgoing first, each direction in relation id order.
            /// Paged like every nested list: `offset` skips, `first` (at most
            /// 1000) bounds; `relationsCount` counts them all.
            #[graphql(complexity = $rel_cost)]
            pub(crate) async fn relations(&self, kinds: Option<Vec<RelKind>>, direction: Option<Direction>, $first: Option<i32>, offset: Option<i32>) -> Result<Vec<Relation>> {
                slice(self.0.all_relations(kinds, direction), $first, offset)
            }
            /// How many `relations` match `kinds` and `direction`, whatever page is asked for.
            pub(crate) async fn relations_count(&self, kinds: Option<Vec<RelKind>>, direction: Option<Direction>) -> usize {
                self.0.all_relations(kinds, direction).len()
            }
            /// This node's versions, newest first, each with its change set:
            /// at most `first` (up to 1000) made before change set `before`;
            /// `hasMore` says whether older ones remain. Read from the
            /// snapshot's end of the log (for an `asOf` read, from then).
            #[graphql(complexity = $rel_cost)]
            pub(crate) async fn history(&self, ctx: &async_graphql::Context<'_>, #[graphql(default = 20)] $first: Option<i32>, before: Option<u64>) -> Result<crate::api::objects::history::History> {
                crate::api::objects::history::history(ctx, &self.0.g, self.0.id(), $first, before)
            }
            $($extra)*
        }
    };
}
pub(crate) use node_object;
