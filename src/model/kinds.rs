//! The ontology: node kinds, relation kinds, which kinds a relation may join and
//! which properties it may carry, and the small enumerations used in properties.
//!
//! This file is the one definition. Each node kind is one line (name, id prefix,
//! attributes, description); each relation kind is one line (name, `from`
//! kinds, `to` kinds, properties, description). Everything else is generated
//! from it or checked against it: the GraphQL enums (`api/leaves/scalars.rs`, through
//! the `*_variants!` macros below), `graph-schema/import.schema.json` and the
//! tables in `graph-schema/ontology.md` (`tests/artifacts.rs` fails when they
//! are stale; `ATTACHE_BLESS=1 cargo test --test artifacts` rewrites them).

use serde::{Deserialize, Serialize};

/// Declares a fieldless enum together with `ALL` (every variant, in
/// declaration order) and a method naming each variant, from one list: a
/// variant cannot be left out of either, and the compiler checks every
/// `match` over the enum elsewhere.
///
/// `mirror m` also declares a macro `m!` that hands the variant list to a
/// callback: `m!(cb { args })` expands to `cb! { args V1, V2, … }`, for code
/// outside the model that mirrors the enum (the GraphQL enums).
macro_rules! kinds {
    (
        @with ($d:tt)
        $(#[$meta:meta])*
        pub enum $enum:ident names $name_fn:ident mirror $mirror:ident {
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

            /// The variant's name, as the import format, ids and stored keys spell it.
            pub fn $name_fn(self) -> &'static str {
                match self {
                    $( $enum::$variant => $name, )+
                }
            }
        }

        /// Hands this enum's variants to a callback macro: `m!(cb { args })`
        /// expands to `cb! { args V1, V2, … }`.
        #[allow(unused_macros)]
        macro_rules! $mirror {
            ($d cb:ident { $d($d args:tt)* }) => {
                $d cb! { $d($d args)* $($variant),+ }
            };
        }
        #[allow(unused_imports)]
        pub(crate) use $mirror;
    };
    ($($body:tt)*) => {
        $crate::model::kinds::kinds! { @with ($) $($body)* }
    };
}
pub(crate) use kinds;

/// Declares [`NodeKind`], one line per kind:
/// `/// what it is` then `Variant = "prefix" attrs ["field", …],`.
macro_rules! node_kinds {
    ($( #[doc = $doc:literal] $variant:ident = $prefix:literal attrs [$($attr:literal),*], )+) => {
        kinds! {
            /// What a node is.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
            #[serde(rename_all = "snake_case")]
            pub enum NodeKind names prefix mirror node_kind_variants {
                $( #[doc = $doc] $variant = $prefix, )+
            }
        }

        impl NodeKind {
            /// The attribute fields (beyond id, name, aliases, description,
            /// notes and citations) a node of this kind may have.
            pub fn attrs(self) -> &'static [&'static str] {
                match self {
                    $( NodeKind::$variant => &[$($attr),*], )+
                }
            }

            /// What a node of this kind is (one sentence).
            pub fn description(self) -> &'static str {
                match self {
                    $( NodeKind::$variant => $doc.trim_ascii(), )+
                }
            }
        }
    };
}

/// Declares [`RelKind`], one line per kind: `/// how it reads` then
/// `Variant = "name": [FromKind, …] -> [ToKind, …] props [Prop, …],`.
macro_rules! relation_kinds {
    ($(
        #[doc = $doc:literal]
        $variant:ident = $name:literal : [$($from:ident),+] -> [$($to:ident),+] props [$($prop:ident),*],
    )+) => {
        kinds! {
            /// What a relation says.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
            #[serde(rename_all = "snake_case")]
            pub enum RelKind names name mirror rel_kind_variants {
                $( #[doc = $doc] $variant = $name, )+
            }
        }

        impl RelKind {
            /// The node kinds allowed at the `from` end.
            pub fn from_kinds(self) -> &'static [NodeKind] {
                match self {
                    $( RelKind::$variant => &[$(NodeKind::$from),+], )+
                }
            }

            /// The node kinds allowed at the `to` end.
            pub fn to_kinds(self) -> &'static [NodeKind] {
                match self {
                    $( RelKind::$variant => &[$(NodeKind::$to),+], )+
                }
            }

            /// The properties this kind may carry (citations and note are always allowed).
            pub fn props(self) -> &'static [Prop] {
                match self {
                    $( RelKind::$variant => &[$(Prop::$prop),*], )+
                }
            }

            /// How a relation of this kind reads (one sentence).
            pub fn description(self) -> &'static str {
                match self {
                    $( RelKind::$variant => $doc.trim_ascii(), )+
                }
            }
        }
    };
}

node_kinds! {
    /// A named individual.
    Person = "person" attrs [],
    /// A sovereign state.
    State = "state" attrs ["code"],
    /// An international organization, a ministry, a prosecution service, a commission.
    Organization = "organization" attrs ["kind"],
    /// A post that a person holds, e.g. "Prosecutor General of Kazakhstan". It is separate from both the person and the body.
    Office = "office" attrs [],
    /// One event, such as a summit, a session, a set of bilateral talks or an experts' meeting.
    Meeting = "meeting" attrs ["kind", "start", "end", "status"],
    /// A recurring meeting whose instances are numbered.
    Series = "series" attrs [],
    /// A protocol, declaration or agreement.
    Document = "document" attrs ["kind", "date", "language"],
    /// A city, venue or region.
    Place = "place" attrs ["kind"],
    /// A subject that meetings, documents and speeches address.
    Topic = "topic" attrs [],
    /// Where claims come from: a news report, a press release, a reference.
    Source = "source" attrs ["kind", "date", "url", "publisher", "language"],
}

impl NodeKind {
    pub fn from_prefix(p: &str) -> Option<NodeKind> {
        NodeKind::ALL.into_iter().find(|k| k.prefix() == p)
    }
}

relation_kinds! {
    /// The person holds (or held) the office.
    Holds = "holds": [Person] -> [Office] props [Start, End, Acting, Seen, StartBy, EndAfter, EndBefore],
    /// The office is a post of that body.
    BelongsTo = "belongs_to": [Office] -> [Organization] props [],
    /// The office acts for or in that state.
    Jurisdiction = "jurisdiction": [Office] -> [State] props [],
    /// The body is part of a larger body or of a state.
    PartOf = "part_of": [Organization] -> [Organization, State] props [],
    /// The state is a member, observer or dialogue partner of the organization.
    MemberOf = "member_of": [State] -> [Organization] props [Status, Start, End],
    /// The person took part in the meeting; or the state's or organization's delegation did, no one in it named.
    Attended = "attended": [Person, State, Organization] -> [Meeting] props [Mode, Role, Capacity, OnBehalfOf, Head, HeadCount],
    /// The person chaired the meeting; or the state or organization held its (rotating) chairmanship.
    Chaired = "chaired": [Person, State, Organization] -> [Meeting] props [],
    /// The person spoke at the meeting.
    SpokeAt = "spoke_at": [Person] -> [Meeting] props [Topic, OnBehalfOf, Summary],
    /// The person signed the document.
    Signed = "signed": [Person] -> [Document] props [Date, OnBehalfOf, Capacity],
    /// The document was adopted or signed at the meeting.
    AdoptedAt = "adopted_at": [Document] -> [Meeting] props [],
    /// The meeting took place there.
    HeldIn = "held_in": [Meeting] -> [Place] props [],
    /// The place lies in a larger place or a state.
    LocatedIn = "located_in": [Place] -> [Place, State] props [],
    /// The state hosted the meeting.
    HostedBy = "hosted_by": [Meeting] -> [State] props [],
    /// The organization runs the meeting or series.
    OrganizedBy = "organized_by": [Meeting, Series] -> [Organization] props [],
    /// The meeting is the n-th of the series.
    InSeries = "in_series": [Meeting] -> [Series] props [Ordinal],
    /// The meeting was part of, or held on the margins of, a larger one.
    SubEventOf = "sub_event_of": [Meeting] -> [Meeting] props [],
    /// The meeting prepared a later one, e.g. an experts' group.
    PreparatoryFor = "preparatory_for": [Meeting] -> [Meeting] props [],
    /// The meeting or document deals with the topic.
    About = "about": [Meeting, Document] -> [Topic] props [],
}

impl RelKind {
    pub fn from_name(s: &str) -> Option<RelKind> {
        RelKind::ALL.into_iter().find(|k| k.name() == s)
    }
}

kinds! {
    /// A property a relation may carry. Which ones each kind allows is in [`RelKind::props`].
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Prop names field mirror prop_variants {
        Start = "start",
        End = "end",
        Acting = "acting",
        Status = "status",
        Mode = "mode",
        Role = "roles",
        Capacity = "capacity",
        OnBehalfOf = "on_behalf_of",
        Topic = "topic",
        Date = "date",
        Ordinal = "ordinal",
        Summary = "summary",
        Head = "head",
        HeadCount = "head_count",
        /// Dates on which a source reports the person in the office.
        Seen = "seen",
        /// The person held the office by this date.
        StartBy = "start_by",
        /// The person still held the office through this date.
        EndAfter = "end_after",
        /// The person no longer held the office when this date began.
        EndBefore = "end_before",
    }
}

impl Prop {
    /// An older name the import format still reads for this property:
    /// `role`, one value, for `roles`.
    pub fn older_field(self) -> Option<&'static str> {
        match self {
            Prop::Role => Some("role"),
            _ => None,
        }
    }
}

/// The node kinds a property that references a node may point at.
pub fn prop_target_kinds(p: Prop) -> &'static [NodeKind] {
    use NodeKind as N;
    match p {
        Prop::Capacity | Prop::Head => &[N::Office],
        Prop::OnBehalfOf => &[N::State, N::Organization, N::Person],
        Prop::Topic => &[N::Topic],
        Prop::Start
        | Prop::End
        | Prop::Acting
        | Prop::Status
        | Prop::Mode
        | Prop::Role
        | Prop::Date
        | Prop::Ordinal
        | Prop::Summary
        | Prop::HeadCount
        | Prop::Seen
        | Prop::StartBy
        | Prop::EndAfter
        | Prop::EndBefore => &[],
    }
}

kinds! {
    /// How a person took part in a meeting.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum AttendanceMode names name mirror attendance_mode_variants {
        InPerson = "in_person",
        Online = "online",
        Unknown = "unknown",
    }
}

kinds! {
    /// A part a person or a delegation played at a meeting (an attendance may
    /// have several: host and chair).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum AttendanceRole names name mirror attendance_role_variants {
        Chair = "chair",
        HeadOfDelegation = "head_of_delegation",
        Delegate = "delegate",
        Speaker = "speaker",
        Guest = "guest",
        Observer = "observer",
        Host = "host",
        /// Attended as a dialogue partner of the organization.
        DialoguePartner = "dialogue_partner",
        /// Attended at the hosts' invitation.
        Invited = "invited",
        /// The organization's secretariat, or someone from it.
        Secretariat = "secretariat",
    }
}

kinds! {
    /// Where a meeting stands. A meeting with no status recorded was held.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum MeetingStatus names name mirror meeting_status_variants {
        /// A report says it will take place.
        Announced = "announced",
        /// Agreed or scheduled, not yet held.
        Planned = "planned",
        Held = "held",
        Postponed = "postponed",
        Cancelled = "cancelled",
    }
}

impl MeetingStatus {
    /// Whether a meeting of this status (none recorded: held) took place, and so
    /// counts in statistics, centrality and who met whom.
    pub fn was_held(status: Option<MeetingStatus>) -> bool {
        matches!(status, None | Some(MeetingStatus::Held))
    }
}

kinds! {
    /// A state's standing in an organization.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum MembershipStatus names name mirror membership_status_variants {
        Member = "member",
        Observer = "observer",
        DialoguePartner = "dialogue_partner",
    }
}

kinds! {
    /// What kind of name an alias is.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
    #[serde(rename_all = "snake_case")]
    pub enum NameKind names name mirror name_kind_variants {
        /// The name in the person's or body's own script (别热克·阿斯洛夫).
        NativeScript = "native_script",
        /// A romanisation or other spelling of the same name (Assylov, Rahmon).
        #[default]
        Transliteration = "transliteration",
        /// The "surname initials" form (Asylov B.N.).
        Initials = "initials",
        /// A name no longer in use (Nur-Sultan).
        Former = "former",
        /// A translation (for titles and bodies).
        Translation = "translation",
        /// A short form (SCO).
        Acronym = "acronym",
    }
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
        for k in AttendanceMode::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.name());
        }
        for k in AttendanceRole::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.name());
        }
        for k in MeetingStatus::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.name());
        }
        for k in MembershipStatus::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.name());
        }
        for k in NameKind::ALL {
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
