//! Node types: one GraphQL object per node kind, each a thin wrapper over a
//! model node and the snapshot it was read from, and the `Node` interface.
//! The people, meetings and documents are here; the other kinds are in
//! `entities.rs`, defined by the same `node_object!` macro.

use std::sync::Arc;

use async_graphql::{Interface, Object, Result, ID};
use petgraph::Direction as Dir;

use super::args::{parse_date, parse_opt_date};
use super::errors::invalid;
use super::pagination::{list_cost, slice};

pub use super::entities::{Office, Organization, Place, Series, Source, State, Topic};
use super::relations::{Attendance, RelRef, Relation, Signature, Speech, Tenure};
use super::scalars::{date, Date, Direction, NameKind, NodeKind, RelKind};
use crate::graph::Graph;
use crate::model::{self, RelKind as RK};

/// A node and the snapshot it belongs to.
#[derive(Clone)]
pub struct NodeRef {
    pub g: Arc<Graph>,
    pub n: Arc<model::Node>,
}

/// Implemented by each node object: which kind it wraps.
pub trait Typed: From<NodeRef> {
    const KIND: model::NodeKind;
}

impl NodeRef {
    pub fn get(g: &Arc<Graph>, id: &str) -> Option<NodeRef> {
        g.node(id).map(|n| NodeRef {
            g: g.clone(),
            n: n.clone(),
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

/// Wraps any node in its kind's object.
pub fn wrap(r: NodeRef) -> NodeObj {
    match r.n.node_kind() {
        model::NodeKind::Person => NodeObj::Person(Person(r)),
        model::NodeKind::State => NodeObj::State(State(r)),
        model::NodeKind::Organization => NodeObj::Organization(Organization(r)),
        model::NodeKind::Office => NodeObj::Office(Office(r)),
        model::NodeKind::Meeting => NodeObj::Meeting(Meeting(r)),
        model::NodeKind::Series => NodeObj::Series(Series(r)),
        model::NodeKind::Document => NodeObj::Document(Document(r)),
        model::NodeKind::Place => NodeObj::Place(Place(r)),
        model::NodeKind::Topic => NodeObj::Topic(Topic(r)),
        model::NodeKind::Source => NodeObj::Source(Source(r)),
    }
}

pub fn node_obj(g: &Arc<Graph>, id: &str) -> Option<NodeObj> {
    NodeRef::get(g, id).map(wrap)
}

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
    )
)]
pub enum NodeObj {
    Person(Person),
    State(State),
    Organization(Organization),
    Office(Office),
    Meeting(Meeting),
    Series(Series),
    Document(Document),
    Place(Place),
    Topic(Topic),
    Source(Source),
}

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
            $($extra)*
        }
    };
}
pub(crate) use node_object;

// Every list below that grows with the data is paged the same way: `offset`
// items are skipped, then at most `first` (up to 1000) are returned, in the
// list's own stable order; without `first` the whole list comes back. Beside
// each list `xs` is `xsCount`, the length of the whole list under the same
// filters. The complexity limit counts `first`, or 1000 when it is missing.

node_object!(
    #[Object] first, "list_cost(first, child_complexity)",
    /// A person: an official, a delegate, a speaker.
    Person, Person, {
    /// Offices held, with start, end and whether acting. Paged; see `tenuresCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn tenures(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Tenure>> {
        slice(self.0.rels(Dir::Outgoing, Some(RK::Holds)), first, offset).map(|v| v.into_iter().map(Tenure).collect())
    }
    /// How many `tenures` there are, whatever page is asked for.
    async fn tenures_count(&self) -> usize {
        self.0.rels(Dir::Outgoing, Some(RK::Holds)).len()
    }
    /// Meetings attended, with mode, role, capacity and on whose behalf, in
    /// relation id order. Paged; see `attendancesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn attendances(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Attendance>> {
        slice(self.0.rels(Dir::Outgoing, Some(RK::Attended)), first, offset).map(|v| v.into_iter().map(Attendance).collect())
    }
    /// How many `attendances` there are, whatever page is asked for.
    async fn attendances_count(&self) -> usize {
        self.0.rels(Dir::Outgoing, Some(RK::Attended)).len()
    }
    /// Meetings chaired. Paged; see `chairedCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn chaired(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Meeting>> {
        slice(self.0.ends(Dir::Outgoing, RK::Chaired), first, offset)
    }
    /// How many meetings `chaired` lists, whatever page is asked for.
    async fn chaired_count(&self) -> usize {
        self.0.ends::<Meeting>(Dir::Outgoing, RK::Chaired).len()
    }
    /// Speeches given, in relation id order. Paged; see `speechesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn speeches(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Speech>> {
        slice(self.0.rels(Dir::Outgoing, Some(RK::SpokeAt)), first, offset).map(|v| v.into_iter().map(Speech).collect())
    }
    /// How many `speeches` there are, whatever page is asked for.
    async fn speeches_count(&self) -> usize {
        self.0.rels(Dir::Outgoing, Some(RK::SpokeAt)).len()
    }
    /// Documents signed, in relation id order. Paged; see `signaturesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn signatures(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Signature>> {
        slice(self.0.rels(Dir::Outgoing, Some(RK::Signed)), first, offset).map(|v| v.into_iter().map(Signature).collect())
    }
    /// How many `signatures` there are, whatever page is asked for.
    async fn signatures_count(&self) -> usize {
        self.0.rels(Dir::Outgoing, Some(RK::Signed)).len()
    }
    /// The offices this person held on `date` (from tenures, and from
    /// attendances or signatures in that capacity on that date), surest first.
    async fn office_at(&self, date: String) -> Result<Vec<super::analysis::Holding>> {
        let d = parse_date("date", &date)?;
        Ok(super::analysis::holdings(&self.0.g, self.0.g.offices_at(self.0.id(), &d)))
    }
    /// The people who took part in the same meetings (through the `kinds` of
    /// participation, by default attended, chaired and spoke at), most shared
    /// meetings first, with the meetings as evidence. A sub-event such as a
    /// bilateral on the margins counts as a meeting of its own.
    #[allow(clippy::too_many_arguments)]
    async fn met_with(
        &self,
        from: Option<String>,
        to: Option<String>,
        kinds: Option<Vec<RelKind>>,
        after: Option<String>,
        before: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<super::pagination::Page<super::analysis::MetWith>> {
        let (from, to) = (parse_opt_date("from", from)?, parse_opt_date("to", to)?);
        let kinds: Vec<RK> = match kinds {
            Some(k) if !k.is_empty() => k.into_iter().map(Into::into).collect(),
            _ => crate::graph::met::PARTICIPATION.to_vec(),
        };
        if let Some(k) = kinds.iter().find(|k| !crate::graph::met::PARTICIPATION.contains(k)) {
            return Err(invalid("kinds", format!("`{}` is not a kind of participation (ATTENDED, CHAIRED, SPOKE_AT)", k.name())));
        }
        let items = self.0.g.met_with(self.0.id(), &kinds, from.as_ref(), to.as_ref())
            .into_iter()
            .map(|m| (m.person.to_string(), super::analysis::MetWith { g: self.0.g.clone(), m }))
            .collect();
        super::pagination::paginate(items, after, before, first, last).await
    }
});

fn attendances_at(n: &NodeRef, mode: Option<super::scalars::AttendanceMode>) -> Vec<Attendance> {
    let mode: Option<model::AttendanceMode> = mode.map(Into::into);
    n.rels(Dir::Incoming, Some(RK::Attended))
        .into_iter()
        .filter(|r| mode.is_none() || r.r.mode == mode)
        .map(Attendance)
        .collect()
}

node_object!(
    #[Object] first, "list_cost(first, child_complexity)",
    /// A meeting: a summit, a session, a bilateral on the margins.
    Meeting, Meeting, {
    /// A free category ("plenary meeting", "bilateral meetings").
    async fn category(&self) -> Option<&str> {
        self.0.n.kind.as_deref()
    }
    async fn start_date(&self) -> Option<Date> {
        date(self.0.n.start)
    }
    async fn end_date(&self) -> Option<Date> {
        date(self.0.n.end.or(self.0.n.start))
    }
    async fn series(&self) -> Option<Series> {
        self.0.first(Dir::Outgoing, RK::InSeries)
    }
    /// The meeting's number in its series (20 for the 20th).
    async fn ordinal(&self) -> Option<u32> {
        self.0.rels(Dir::Outgoing, Some(RK::InSeries)).into_iter().find_map(|r| r.r.ordinal)
    }
    async fn place(&self) -> Option<Place> {
        self.0.first(Dir::Outgoing, RK::HeldIn)
    }
    async fn host(&self) -> Option<State> {
        self.0.first(Dir::Outgoing, RK::HostedBy)
    }
    async fn organizer(&self) -> Option<Organization> {
        self.0.first(Dir::Outgoing, RK::OrganizedBy)
    }
    /// Where the meeting stands; none recorded reads HELD. Only a held
    /// meeting counts in statistics, centrality and `metWith`.
    async fn status(&self) -> super::scalars::MeetingStatus {
        self.0.n.status.unwrap_or(model::MeetingStatus::Held).into()
    }
    /// The person who chaired it (see `chairs` for a state's chairmanship).
    async fn chair(&self) -> Option<Person> {
        self.0.first(Dir::Incoming, RK::Chaired)
    }
    /// Every chair, cited: people chairing a session, and states or
    /// organizations holding the rotating chairmanship.
    async fn chairs(&self) -> Vec<super::relations::Chairing> {
        self.0.rels(Dir::Incoming, Some(RK::Chaired)).into_iter().map(super::relations::Chairing).collect()
    }
    /// The cited relations behind place, host, organizer, series and chair.
    async fn facts(&self) -> Vec<Relation> {
        let mut v: Vec<_> = [RK::HeldIn, RK::HostedBy, RK::OrganizedBy, RK::InSeries, RK::SubEventOf, RK::PreparatoryFor, RK::About]
            .into_iter().flat_map(|k| self.0.rels(Dir::Outgoing, Some(k))).collect();
        v.extend(self.0.rels(Dir::Incoming, Some(RK::Chaired)));
        v.into_iter().map(Relation).collect()
    }
    /// Attendances (of one `mode`, when given), in relation id order. Paged;
    /// see `attendancesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn attendances(&self, mode: Option<super::scalars::AttendanceMode>, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Attendance>> {
        slice(attendances_at(&self.0, mode), first, offset)
    }
    /// How many `attendances` there are (of `mode`, when given), whatever page is asked for.
    async fn attendances_count(&self, mode: Option<super::scalars::AttendanceMode>) -> usize {
        attendances_at(&self.0, mode).len()
    }
    /// Speeches given here, in relation id order. Paged; see `speechesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn speeches(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Speech>> {
        slice(self.0.rels(Dir::Incoming, Some(RK::SpokeAt)), first, offset).map(|v| v.into_iter().map(Speech).collect())
    }
    /// How many `speeches` there are, whatever page is asked for.
    async fn speeches_count(&self) -> usize {
        self.0.rels(Dir::Incoming, Some(RK::SpokeAt)).len()
    }
    /// Attendances grouped by the state they speak for (on behalf of, else the
    /// capacity's jurisdiction); a group with no state comes last.
    async fn participants_by_state(&self) -> Vec<super::analysis::StateParticipation> {
        self.0.g.participants_by_state(self.0.id()).into_iter()
            .map(|s| super::analysis::StateParticipation { g: self.0.g.clone(), s }).collect()
    }
    /// Documents adopted at this meeting. Paged; see `documentsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn documents(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Document>> {
        slice(self.0.ends(Dir::Incoming, RK::AdoptedAt), first, offset)
    }
    /// How many `documents` there are, whatever page is asked for.
    async fn documents_count(&self) -> usize {
        self.0.ends::<Document>(Dir::Incoming, RK::AdoptedAt).len()
    }
    /// The meeting this one is a sub-event of.
    async fn parent(&self) -> Option<Meeting> {
        self.0.first(Dir::Outgoing, RK::SubEventOf)
    }
    /// Sub-events: bilateral meetings on the margins, side sessions. Paged;
    /// see `partsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn parts(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Meeting>> {
        slice(self.0.ends(Dir::Incoming, RK::SubEventOf), first, offset)
    }
    /// How many `parts` there are, whatever page is asked for.
    async fn parts_count(&self) -> usize {
        self.0.ends::<Meeting>(Dir::Incoming, RK::SubEventOf).len()
    }
    /// Meetings this one prepared.
    async fn preparatory_for(&self) -> Vec<Meeting> {
        self.0.ends(Dir::Outgoing, RK::PreparatoryFor)
    }
    /// Meetings that prepared this one (an experts' group, say). Paged; see
    /// `preparatoryMeetingsCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn preparatory_meetings(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Meeting>> {
        slice(self.0.ends(Dir::Incoming, RK::PreparatoryFor), first, offset)
    }
    /// How many `preparatoryMeetings` there are, whatever page is asked for.
    async fn preparatory_meetings_count(&self) -> usize {
        self.0.ends::<Meeting>(Dir::Incoming, RK::PreparatoryFor).len()
    }
    async fn topics(&self) -> Vec<Topic> {
        self.0.ends(Dir::Outgoing, RK::About)
    }
    /// Disagreements between sources about this meeting's relations.
    async fn conflicts(&self) -> Vec<super::relations::Conflict> {
        super::relations::conflicts_around(&self.0.g, self.0.n.id.as_str())
    }
});

node_object!(
    #[Object] first, "list_cost(first, child_complexity)",
    /// A document: a protocol, a declaration.
    Document, Document, {
    async fn title(&self) -> &str {
        &self.0.n.name
    }
    /// A free category ("protocol").
    async fn category(&self) -> Option<&str> {
        self.0.n.kind.as_deref()
    }
    async fn date(&self) -> Option<Date> {
        date(self.0.n.date)
    }
    async fn language(&self) -> Option<&str> {
        self.0.n.language.as_deref()
    }
    /// Signatures on this document, in relation id order. Paged; see `signatoriesCount`.
    #[graphql(complexity = "list_cost(first, child_complexity)")]
    async fn signatories(&self, first: Option<i32>, offset: Option<i32>) -> Result<Vec<Signature>> {
        slice(self.0.rels(Dir::Incoming, Some(RK::Signed)), first, offset).map(|v| v.into_iter().map(Signature).collect())
    }
    /// How many `signatories` there are, whatever page is asked for.
    async fn signatories_count(&self) -> usize {
        self.0.rels(Dir::Incoming, Some(RK::Signed)).len()
    }
    async fn adopted_at(&self) -> Option<Meeting> {
        self.0.first(Dir::Outgoing, RK::AdoptedAt)
    }
    async fn topics(&self) -> Vec<Topic> {
        self.0.ends(Dir::Outgoing, RK::About)
    }
});
