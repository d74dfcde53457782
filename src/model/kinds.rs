//! The ontology: node kinds, relation kinds, which kinds a relation may join and
//! which properties it may carry, and the small enumerations used in properties.

use serde::{Deserialize, Serialize};

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Person,
    State,
    Organization,
    Office,
    Meeting,
    Series,
    Document,
    Place,
    Topic,
    Source,
}

impl NodeKind {
    pub const ALL: [NodeKind; 10] = [
        NodeKind::Person,
        NodeKind::State,
        NodeKind::Organization,
        NodeKind::Office,
        NodeKind::Meeting,
        NodeKind::Series,
        NodeKind::Document,
        NodeKind::Place,
        NodeKind::Topic,
        NodeKind::Source,
    ];

    /// The id prefix, also the kind's name in the import format.
    pub fn prefix(self) -> &'static str {
        match self {
            NodeKind::Person => "person",
            NodeKind::State => "state",
            NodeKind::Organization => "organization",
            NodeKind::Office => "office",
            NodeKind::Meeting => "meeting",
            NodeKind::Series => "series",
            NodeKind::Document => "document",
            NodeKind::Place => "place",
            NodeKind::Topic => "topic",
            NodeKind::Source => "source",
        }
    }

    pub fn from_prefix(p: &str) -> Option<NodeKind> {
        NodeKind::ALL.into_iter().find(|k| k.prefix() == p)
    }
}

/// What a relation says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelKind {
    /// Person holds Office (start, end, acting).
    Holds,
    /// Office belongs to Organization.
    BelongsTo,
    /// Office has State as its jurisdiction.
    Jurisdiction,
    /// Organization is part of an Organization or a State.
    PartOf,
    /// State is a member of Organization (status, start = since, end = until).
    MemberOf,
    /// Person attended Meeting (mode, role, capacity, on_behalf_of).
    Attended,
    /// Person chaired Meeting.
    Chaired,
    /// Person spoke at Meeting (topic, on_behalf_of, summary).
    SpokeAt,
    /// Person signed Document (date, on_behalf_of, capacity).
    Signed,
    /// Document adopted at Meeting.
    AdoptedAt,
    /// Meeting held in Place.
    HeldIn,
    /// Place lies in a State or a larger Place.
    LocatedIn,
    /// Meeting hosted by State.
    HostedBy,
    /// Meeting or Series organized by Organization.
    OrganizedBy,
    /// Meeting is part of a Series (ordinal).
    InSeries,
    /// Meeting is a sub-event of another Meeting (e.g. a bilateral on the margins).
    SubEventOf,
    /// Meeting prepared another Meeting (e.g. an experts' group meeting).
    PreparatoryFor,
    /// Meeting or Document is about Topic.
    About,
}

/// A property a relation may carry. Which ones each kind allows is in [`RelKind::props`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prop {
    Start,
    End,
    Acting,
    Status,
    Mode,
    Role,
    Capacity,
    OnBehalfOf,
    Topic,
    Date,
    Ordinal,
    Summary,
}

impl Prop {
    /// The field name in the import format.
    pub fn field(self) -> &'static str {
        match self {
            Prop::Start => "start",
            Prop::End => "end",
            Prop::Acting => "acting",
            Prop::Status => "status",
            Prop::Mode => "mode",
            Prop::Role => "role",
            Prop::Capacity => "capacity",
            Prop::OnBehalfOf => "on_behalf_of",
            Prop::Topic => "topic",
            Prop::Date => "date",
            Prop::Ordinal => "ordinal",
            Prop::Summary => "summary",
        }
    }
}

use NodeKind as N;

impl RelKind {
    pub const ALL: [RelKind; 18] = [
        RelKind::Holds,
        RelKind::BelongsTo,
        RelKind::Jurisdiction,
        RelKind::PartOf,
        RelKind::MemberOf,
        RelKind::Attended,
        RelKind::Chaired,
        RelKind::SpokeAt,
        RelKind::Signed,
        RelKind::AdoptedAt,
        RelKind::HeldIn,
        RelKind::LocatedIn,
        RelKind::HostedBy,
        RelKind::OrganizedBy,
        RelKind::InSeries,
        RelKind::SubEventOf,
        RelKind::PreparatoryFor,
        RelKind::About,
    ];

    /// The kind's name in the import format and in stored keys.
    pub fn name(self) -> &'static str {
        match self {
            RelKind::Holds => "holds",
            RelKind::BelongsTo => "belongs_to",
            RelKind::Jurisdiction => "jurisdiction",
            RelKind::PartOf => "part_of",
            RelKind::MemberOf => "member_of",
            RelKind::Attended => "attended",
            RelKind::Chaired => "chaired",
            RelKind::SpokeAt => "spoke_at",
            RelKind::Signed => "signed",
            RelKind::AdoptedAt => "adopted_at",
            RelKind::HeldIn => "held_in",
            RelKind::LocatedIn => "located_in",
            RelKind::HostedBy => "hosted_by",
            RelKind::OrganizedBy => "organized_by",
            RelKind::InSeries => "in_series",
            RelKind::SubEventOf => "sub_event_of",
            RelKind::PreparatoryFor => "preparatory_for",
            RelKind::About => "about",
        }
    }

    pub fn from_name(s: &str) -> Option<RelKind> {
        RelKind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The node kinds allowed at the `from` end.
    pub fn from_kinds(self) -> &'static [NodeKind] {
        match self {
            RelKind::Holds
            | RelKind::Attended
            | RelKind::Chaired
            | RelKind::SpokeAt
            | RelKind::Signed => &[N::Person],
            RelKind::BelongsTo | RelKind::Jurisdiction => &[N::Office],
            RelKind::PartOf => &[N::Organization],
            RelKind::MemberOf => &[N::State],
            RelKind::AdoptedAt => &[N::Document],
            RelKind::HeldIn
            | RelKind::HostedBy
            | RelKind::InSeries
            | RelKind::SubEventOf
            | RelKind::PreparatoryFor => &[N::Meeting],
            RelKind::LocatedIn => &[N::Place],
            RelKind::OrganizedBy => &[N::Meeting, N::Series],
            RelKind::About => &[N::Meeting, N::Document],
        }
    }

    /// The node kinds allowed at the `to` end.
    pub fn to_kinds(self) -> &'static [NodeKind] {
        match self {
            RelKind::Holds => &[N::Office],
            RelKind::BelongsTo | RelKind::OrganizedBy | RelKind::MemberOf => &[N::Organization],
            RelKind::Jurisdiction | RelKind::HostedBy => &[N::State],
            RelKind::PartOf => &[N::Organization, N::State],
            RelKind::Attended
            | RelKind::Chaired
            | RelKind::SpokeAt
            | RelKind::AdoptedAt
            | RelKind::SubEventOf
            | RelKind::PreparatoryFor => &[N::Meeting],
            RelKind::Signed => &[N::Document],
            RelKind::HeldIn => &[N::Place],
            RelKind::LocatedIn => &[N::Place, N::State],
            RelKind::InSeries => &[N::Series],
            RelKind::About => &[N::Topic],
        }
    }

    /// The properties this kind may carry (citations and note are always allowed).
    pub fn props(self) -> &'static [Prop] {
        match self {
            RelKind::Holds => &[Prop::Start, Prop::End, Prop::Acting],
            RelKind::MemberOf => &[Prop::Status, Prop::Start, Prop::End],
            RelKind::Attended => &[Prop::Mode, Prop::Role, Prop::Capacity, Prop::OnBehalfOf],
            RelKind::SpokeAt => &[Prop::Topic, Prop::OnBehalfOf, Prop::Summary],
            RelKind::Signed => &[Prop::Date, Prop::OnBehalfOf, Prop::Capacity],
            RelKind::InSeries => &[Prop::Ordinal],
            _ => &[],
        }
    }
}

/// The node kinds a property that references a node may point at.
pub fn prop_target_kinds(p: Prop) -> &'static [NodeKind] {
    match p {
        Prop::Capacity => &[N::Office],
        Prop::OnBehalfOf => &[N::State, N::Organization, N::Person],
        Prop::Topic => &[N::Topic],
        _ => &[],
    }
}

/// How a person took part in a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceMode {
    InPerson,
    Online,
    Unknown,
}

/// The part a person played at a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceRole {
    Chair,
    HeadOfDelegation,
    Delegate,
    Speaker,
    Guest,
    Observer,
    Host,
}

/// A state's standing in an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    Member,
    Observer,
    DialoguePartner,
}

/// What kind of name an alias is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// The name in the person's or body's own script (别热克·阿斯洛夫).
    NativeScript,
    /// A romanisation or other spelling of the same name (Assylov, Rahmon).
    #[default]
    Transliteration,
    /// The "surname initials" form (Asylov B.N.).
    Initials,
    /// A name no longer in use (Nur-Sultan).
    Former,
    /// A translation (for titles and bodies).
    Translation,
    /// A short form (SCO).
    Acronym,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_relation_kind_round_trips_its_name() {
        for k in RelKind::ALL {
            assert_eq!(RelKind::from_name(k.name()), Some(k));
            assert!(!k.from_kinds().is_empty() && !k.to_kinds().is_empty());
        }
    }

    #[test]
    fn every_node_kind_round_trips_its_prefix() {
        for k in NodeKind::ALL {
            assert_eq!(NodeKind::from_prefix(k.prefix()), Some(k));
        }
    }
}
