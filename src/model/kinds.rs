//! The ontology: node kinds, relation kinds, which kinds a relation may join and
//! which properties it may carry, and the small enumerations used in properties.

use serde::{Deserialize, Serialize};

/// Declares a fieldless enum together with `ALL` (every variant, in
/// declaration order) and a method naming each variant, from one list: a
/// variant cannot be left out of either, and the compiler checks every
/// `match` over the enum elsewhere.
macro_rules! kinds {
    (
        $(#[$meta:meta])*
        pub enum $enum:ident names $name_fn:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $name:literal, )+
        }
    ) => {
        $(#[$meta])*
        pub enum $enum {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $enum {
            /// Every variant, in declaration order.
            pub const ALL: [$enum; [$($name),+].len()] = [$($enum::$variant),+];

            /// The variant's name: in ids, the import format and stored keys.
            pub fn $name_fn(self) -> &'static str {
                match self {
                    $( $enum::$variant => $name, )+
                }
            }
        }
    };
}

kinds! {
    /// What a node is.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum NodeKind names prefix {
        Person = "person",
        State = "state",
        Organization = "organization",
        Office = "office",
        Meeting = "meeting",
        Series = "series",
        Document = "document",
        Place = "place",
        Topic = "topic",
        Source = "source",
    }
}

impl NodeKind {
    pub fn from_prefix(p: &str) -> Option<NodeKind> {
        NodeKind::ALL.into_iter().find(|k| k.prefix() == p)
    }
}

kinds! {
    /// What a relation says.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum RelKind names name {
        /// Person holds Office (start, end, acting; vague dates: seen,
        /// start_by, end_after, end_before).
        Holds = "holds",
        /// Office belongs to Organization.
        BelongsTo = "belongs_to",
        /// Office has State as its jurisdiction.
        Jurisdiction = "jurisdiction",
        /// Organization is part of an Organization or a State.
        PartOf = "part_of",
        /// State is a member of Organization (status, start = since, end = until).
        MemberOf = "member_of",
        /// Person attended Meeting (mode, role, capacity, on_behalf_of).
        Attended = "attended",
        /// Person chaired Meeting.
        Chaired = "chaired",
        /// Person spoke at Meeting (topic, on_behalf_of, summary).
        SpokeAt = "spoke_at",
        /// Person signed Document (date, on_behalf_of, capacity).
        Signed = "signed",
        /// Document adopted at Meeting.
        AdoptedAt = "adopted_at",
        /// Meeting held in Place.
        HeldIn = "held_in",
        /// Place lies in a State or a larger Place.
        LocatedIn = "located_in",
        /// Meeting hosted by State.
        HostedBy = "hosted_by",
        /// Meeting or Series organized by Organization.
        OrganizedBy = "organized_by",
        /// Meeting is part of a Series (ordinal).
        InSeries = "in_series",
        /// Meeting is a sub-event of another Meeting (e.g. a bilateral on the margins).
        SubEventOf = "sub_event_of",
        /// Meeting prepared another Meeting (e.g. an experts' group meeting).
        PreparatoryFor = "preparatory_for",
        /// Meeting or Document is about Topic.
        About = "about",
    }
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
    Seen,
    StartBy,
    EndAfter,
    EndBefore,
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
            Prop::Seen => "seen",
            Prop::StartBy => "start_by",
            Prop::EndAfter => "end_after",
            Prop::EndBefore => "end_before",
        }
    }
}

use NodeKind as N;

impl RelKind {
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
            RelKind::Holds => &[
                Prop::Start,
                Prop::End,
                Prop::Acting,
                Prop::Seen,
                Prop::StartBy,
                Prop::EndAfter,
                Prop::EndBefore,
            ],
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
    fn every_kind_is_named_as_serde_names_it() {
        for k in NodeKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.prefix());
        }
        for k in RelKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.name());
        }
    }

    #[test]
    fn every_node_kind_round_trips_its_prefix() {
        for k in NodeKind::ALL {
            assert_eq!(NodeKind::from_prefix(k.prefix()), Some(k));
        }
    }
}
