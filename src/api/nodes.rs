//! Node types: one GraphQL object per node kind, each a thin wrapper over a
//! model node and the snapshot it was read from, and the `Node` interface.

use std::sync::Arc;

use async_graphql::{Interface, Object, Result, ID};
use petgraph::Direction as Dir;

use super::errors::invalid;
use super::relations::{Attendance, Membership, RelRef, Relation, Signature, Speech, Tenure};
use super::scalars::{date, Date, Direction, NameKind, NodeKind, RelKind};
use crate::graph::Graph;
use crate::model::{self, PartialDate, RelKind as RK};

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

    fn id(&self) -> &str {
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
    g: Arc<Graph>,
    a: model::Alias,
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
    g: Arc<Graph>,
    n: model::Note,
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

fn parse_date(field: &str, text: &str) -> Result<PartialDate> {
    PartialDate::parse(text).map_err(|e| invalid(field, e))
}

fn meetings_involving(
    n: &NodeRef,
    from: Option<String>,
    to: Option<String>,
) -> Result<Vec<Meeting>> {
    let (from, to) = (
        super::analysis::opt_date("from", from)?,
        super::analysis::opt_date("to", to)?,
    );
    let mut v: Vec<Meeting> =
        n.g.meetings_involving(n.id(), from.as_ref(), to.as_ref())
            .into_iter()
            .filter_map(|m| NodeRef::get(&n.g, m.as_str()).map(Meeting))
            .collect();
    v.sort_by(|a, b| {
        (a.0.n.start.is_none(), a.0.n.start, &a.0.n.id).cmp(&(
            b.0.n.start.is_none(),
            b.0.n.start,
            &b.0.n.id,
        ))
    });
    Ok(v)
}

macro_rules! node_object {
    ($(#[$doc:meta])* $ty:ident, $kind:ident, { $($extra:tt)* }) => {
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

        #[Object]
        impl $ty {
            /// Stable id, e.g. `person:berik-asylov`.
            async fn id(&self) -> ID {
                ID(self.0.n.id.to_string())
            }
            async fn kind(&self) -> NodeKind {
                self.0.n.node_kind().into()
            }
            /// The primary name or title, in English.
            async fn name(&self) -> String {
                self.0.n.name.clone()
            }
            async fn aliases(&self) -> Vec<Alias> {
                self.0.n.aliases.iter().map(|a| Alias { g: self.0.g.clone(), a: a.clone() }).collect()
            }
            async fn description(&self) -> Option<String> {
                self.0.n.description.clone()
            }
            /// The sources that state this node.
            async fn citations(&self) -> Vec<Citation> {
                citations(&self.0.g, &self.0.n.citations)
            }
            async fn notes(&self) -> Vec<Note> {
                self.0.n.notes.iter().map(|n| Note { g: self.0.g.clone(), n: n.clone() }).collect()
            }
            /// Every relation of this node, optionally of some kinds or one direction.
            async fn relations(&self, kinds: Option<Vec<RelKind>>, direction: Option<Direction>) -> Vec<Relation> {
                self.0.all_relations(kinds, direction)
            }
            $($extra)*
        }
    };
}

node_object!(
    /// A person: an official, a delegate, a speaker.
    Person, Person, {
    /// Offices held, with start, end and whether acting.
    async fn tenures(&self) -> Vec<Tenure> {
        self.0.rels(Dir::Outgoing, Some(RK::Holds)).into_iter().map(Tenure).collect()
    }
    /// Meetings attended, with mode, role, capacity and on whose behalf.
    async fn attendances(&self) -> Vec<Attendance> {
        self.0.rels(Dir::Outgoing, Some(RK::Attended)).into_iter().map(Attendance).collect()
    }
    async fn chaired(&self) -> Vec<Meeting> {
        self.0.ends(Dir::Outgoing, RK::Chaired)
    }
    async fn speeches(&self) -> Vec<Speech> {
        self.0.rels(Dir::Outgoing, Some(RK::SpokeAt)).into_iter().map(Speech).collect()
    }
    async fn signatures(&self) -> Vec<Signature> {
        self.0.rels(Dir::Outgoing, Some(RK::Signed)).into_iter().map(Signature).collect()
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
        let (from, to) = (super::analysis::opt_date("from", from)?, super::analysis::opt_date("to", to)?);
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

node_object!(
    /// A sovereign state.
    State, State, {
    /// ISO 3166-1 alpha-2 code.
    async fn code(&self) -> Option<&str> {
        self.0.n.code.as_deref()
    }
    async fn memberships(&self) -> Vec<Membership> {
        self.0.rels(Dir::Outgoing, Some(RK::MemberOf)).into_iter().map(Membership).collect()
    }
    /// Offices whose jurisdiction this state is.
    async fn offices(&self) -> Vec<Office> {
        self.0.ends(Dir::Incoming, RK::Jurisdiction)
    }
    /// Organizations that are part of this state.
    async fn organizations(&self) -> Vec<Organization> {
        self.0.ends(Dir::Incoming, RK::PartOf)
    }
    async fn places(&self) -> Vec<Place> {
        self.0.ends(Dir::Incoming, RK::LocatedIn)
    }
    async fn hosted(&self) -> Vec<Meeting> {
        self.0.ends(Dir::Incoming, RK::HostedBy)
    }
    /// Meetings this state took part in, in date order: hosted, held on its
    /// territory, or attended on its behalf.
    async fn meetings(&self, from: Option<String>, to: Option<String>) -> Result<Vec<Meeting>> {
        meetings_involving(&self.0, from, to)
    }
});

node_object!(
    /// An organization: the SCO, a prosecutor general's office.
    Organization, Organization, {
    /// A free category ("intergovernmental organization", "prosecution service").
    async fn category(&self) -> Option<&str> {
        self.0.n.kind.as_deref()
    }
    /// The organizations or states this one is part of.
    async fn part_of(&self) -> Vec<NodeObj> {
        self.0.rels(Dir::Outgoing, Some(RK::PartOf)).into_iter()
            .filter_map(|r| node_obj(&self.0.g, r.r.to.as_str())).collect()
    }
    async fn parts(&self) -> Vec<Organization> {
        self.0.ends(Dir::Incoming, RK::PartOf)
    }
    /// Member states, with status and dates.
    async fn members(&self) -> Vec<Membership> {
        self.0.rels(Dir::Incoming, Some(RK::MemberOf)).into_iter().map(Membership).collect()
    }
    async fn offices(&self) -> Vec<Office> {
        self.0.ends(Dir::Incoming, RK::BelongsTo)
    }
    /// Meetings this organization took part in, in date order: organized
    /// (itself or through their series) or attended on its behalf.
    async fn meetings(&self, from: Option<String>, to: Option<String>) -> Result<Vec<Meeting>> {
        meetings_involving(&self.0, from, to)
    }
});

node_object!(
    /// A post, such as "Prosecutor General of the Republic of Kazakhstan".
    Office, Office, {
    async fn title(&self) -> &str {
        &self.0.n.name
    }
    async fn organization(&self) -> Option<Organization> {
        self.0.first(Dir::Outgoing, RK::BelongsTo)
    }
    async fn jurisdiction(&self) -> Option<State> {
        self.0.first(Dir::Outgoing, RK::Jurisdiction)
    }
    /// Tenures of this office; with `at`, only those that may include that date
    /// (a tenure with an unknown end is taken as still running).
    async fn holders(&self, at: Option<String>) -> Result<Vec<Tenure>> {
        let at = at.map(|a| parse_date("at", &a)).transpose()?;
        Ok(self.0.rels(Dir::Incoming, Some(RK::Holds)).into_iter()
            .filter(|t| at.is_none_or(|d| crate::graph::time::covers(t.r.start, t.r.end, &d).is_some()))
            .map(Tenure).collect())
    }
    /// Who held this office on `date`, surest first: CERTAIN when true for
    /// every day the dates allow, POSSIBLE when only for some. Attendances and
    /// signatures in this capacity at events on that date count as evidence.
    async fn holders_at(&self, date: String) -> Result<Vec<super::analysis::Holding>> {
        let d = parse_date("date", &date)?;
        Ok(super::analysis::holdings(&self.0.g, self.0.g.holders_at(self.0.id(), &d)))
    }
    /// Tenures in order of start (unknown starts last) with predecessor and successor.
    async fn succession(&self) -> Vec<super::analysis::Succession> {
        super::analysis::succession(&self.0.g, self.0.id())
    }
    /// Overlaps, gaps and unknown ends between consecutive tenures.
    async fn tenure_issues(&self) -> Vec<super::analysis::TenureIssue> {
        super::analysis::tenure_issues(&self.0.g, self.0.g.tenure_issues(self.0.id()))
    }
});

node_object!(
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
    async fn chair(&self) -> Option<Person> {
        self.0.first(Dir::Incoming, RK::Chaired)
    }
    /// The cited relations behind place, host, organizer, series and chair.
    async fn facts(&self) -> Vec<Relation> {
        let mut v: Vec<_> = [RK::HeldIn, RK::HostedBy, RK::OrganizedBy, RK::InSeries, RK::SubEventOf, RK::PreparatoryFor, RK::About]
            .into_iter().flat_map(|k| self.0.rels(Dir::Outgoing, Some(k))).collect();
        v.extend(self.0.rels(Dir::Incoming, Some(RK::Chaired)));
        v.into_iter().map(Relation).collect()
    }
    async fn attendances(&self, mode: Option<super::scalars::AttendanceMode>) -> Vec<Attendance> {
        let mode: Option<model::AttendanceMode> = mode.map(Into::into);
        self.0.rels(Dir::Incoming, Some(RK::Attended)).into_iter()
            .filter(|r| mode.is_none() || r.r.mode == mode)
            .map(Attendance).collect()
    }
    async fn speeches(&self) -> Vec<Speech> {
        self.0.rels(Dir::Incoming, Some(RK::SpokeAt)).into_iter().map(Speech).collect()
    }
    /// Attendances grouped by the state they speak for (on behalf of, else the
    /// capacity's jurisdiction); a group with no state comes last.
    async fn participants_by_state(&self) -> Vec<super::analysis::StateParticipation> {
        self.0.g.participants_by_state(self.0.id()).into_iter()
            .map(|s| super::analysis::StateParticipation { g: self.0.g.clone(), s }).collect()
    }
    /// Documents adopted at this meeting.
    async fn documents(&self) -> Vec<Document> {
        self.0.ends(Dir::Incoming, RK::AdoptedAt)
    }
    /// The meeting this one is a sub-event of.
    async fn parent(&self) -> Option<Meeting> {
        self.0.first(Dir::Outgoing, RK::SubEventOf)
    }
    /// Sub-events: bilateral meetings on the margins, side sessions.
    async fn parts(&self) -> Vec<Meeting> {
        self.0.ends(Dir::Incoming, RK::SubEventOf)
    }
    /// Meetings this one prepared.
    async fn preparatory_for(&self) -> Vec<Meeting> {
        self.0.ends(Dir::Outgoing, RK::PreparatoryFor)
    }
    /// Meetings that prepared this one (an experts' group, say).
    async fn preparatory_meetings(&self) -> Vec<Meeting> {
        self.0.ends(Dir::Incoming, RK::PreparatoryFor)
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
    /// A recurring meeting (the meetings of the SCO prosecutors general).
    Series, Series, {
    /// The meetings of the series, by ordinal.
    async fn meetings(&self) -> Vec<Meeting> {
        let mut rels = self.0.rels(Dir::Incoming, Some(RK::InSeries));
        rels.sort_by_key(|r| r.r.ordinal);
        rels.into_iter().filter_map(|r| NodeRef::get(&self.0.g, r.r.from.as_str()).map(Meeting)).collect()
    }
    async fn organizer(&self) -> Option<Organization> {
        self.0.first(Dir::Outgoing, RK::OrganizedBy)
    }
});

node_object!(
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
    async fn signatories(&self) -> Vec<Signature> {
        self.0.rels(Dir::Incoming, Some(RK::Signed)).into_iter().map(Signature).collect()
    }
    async fn adopted_at(&self) -> Option<Meeting> {
        self.0.first(Dir::Outgoing, RK::AdoptedAt)
    }
    async fn topics(&self) -> Vec<Topic> {
        self.0.ends(Dir::Outgoing, RK::About)
    }
});

node_object!(
    /// A place: a city, a venue.
    Place, Place, {
    async fn category(&self) -> Option<&str> {
        self.0.n.kind.as_deref()
    }
    /// The state or larger place this one lies in.
    async fn located_in(&self) -> Vec<NodeObj> {
        self.0.rels(Dir::Outgoing, Some(RK::LocatedIn)).into_iter()
            .filter_map(|r| node_obj(&self.0.g, r.r.to.as_str())).collect()
    }
    async fn meetings(&self) -> Vec<Meeting> {
        self.0.ends(Dir::Incoming, RK::HeldIn)
    }
});

node_object!(
    /// A subject a meeting or document is about.
    Topic, Topic, {
    async fn meetings(&self) -> Vec<Meeting> {
        self.0.ends(Dir::Incoming, RK::About)
    }
    async fn documents(&self) -> Vec<Document> {
        self.0.ends(Dir::Incoming, RK::About)
    }
});

node_object!(
    /// A report, release or reference that states facts.
    Source, Source, {
    async fn title(&self) -> &str {
        &self.0.n.name
    }
    async fn url(&self) -> Option<&str> {
        self.0.n.url.as_deref()
    }
    async fn publisher(&self) -> Option<&str> {
        self.0.n.publisher.as_deref()
    }
    async fn date(&self) -> Option<Date> {
        date(self.0.n.date)
    }
    async fn language(&self) -> Option<&str> {
        self.0.n.language.as_deref()
    }
    /// A free category ("news report", "press release").
    async fn category(&self) -> Option<&str> {
        self.0.n.kind.as_deref()
    }
    /// Nodes that cite this source (in their own, alias or note citations).
    async fn cited_by_nodes(&self) -> Vec<NodeObj> {
        self.0.g.referrers(self.0.n.id.as_str())
            .filter_map(|id| node_obj(&self.0.g, id)).collect()
    }
    /// Relations that cite this source.
    async fn cited_by_relations(&self) -> Vec<Relation> {
        self.0.g.referrers(self.0.n.id.as_str())
            .filter_map(|id| self.0.g.relation(id))
            .map(|r| Relation(RelRef::new(&self.0.g, r))).collect()
    }
});
