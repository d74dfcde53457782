//! GraphQL enums mirroring the model's, and small value types (dates, names, citations).

use async_graphql::{Enum, SimpleObject};

use crate::model;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::model::NodeKind")]
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

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::model::RelKind", name = "RelationKind")]
pub enum RelKind {
    Holds,
    BelongsTo,
    Jurisdiction,
    PartOf,
    MemberOf,
    Attended,
    Chaired,
    SpokeAt,
    Signed,
    AdoptedAt,
    HeldIn,
    LocatedIn,
    HostedBy,
    OrganizedBy,
    InSeries,
    SubEventOf,
    PreparatoryFor,
    About,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::model::AttendanceMode")]
pub enum AttendanceMode {
    InPerson,
    Online,
    Unknown,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::model::AttendanceRole")]
pub enum AttendanceRole {
    Chair,
    HeadOfDelegation,
    Delegate,
    Speaker,
    Guest,
    Observer,
    Host,
    DialoguePartner,
    Invited,
    Secretariat,
}

/// Where a meeting stands. Only a held meeting counts in statistics,
/// centrality and who met whom.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::model::MeetingStatus")]
pub enum MeetingStatus {
    /// A report says it will take place.
    Announced,
    /// Agreed or scheduled, not yet held.
    Planned,
    Held,
    Postponed,
    Cancelled,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::model::MembershipStatus")]
pub enum MembershipStatus {
    Member,
    Observer,
    DialoguePartner,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::model::NameKind")]
pub enum NameKind {
    NativeScript,
    Transliteration,
    Initials,
    Former,
    Translation,
    Acronym,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::model::Precision")]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// Which relations of a node to list.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum Direction {
    /// Relations whose `from` is the node.
    Outgoing,
    /// Relations whose `to` is the node.
    Incoming,
    #[default]
    Both,
}

/// A date known to a year, a month or a day.
#[derive(SimpleObject, Clone)]
pub struct Date {
    /// As written: "2022", "2022-09" or "2022-09-23".
    pub text: String,
    pub precision: Precision,
    /// The first day it may be (YYYY-MM-DD).
    pub earliest: String,
    /// The last day it may be (YYYY-MM-DD).
    pub latest: String,
}

fn day(d: model::Day) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

impl From<model::PartialDate> for Date {
    fn from(d: model::PartialDate) -> Self {
        Date {
            text: d.to_string(),
            precision: d.precision().into(),
            earliest: day(d.earliest()),
            latest: day(d.latest()),
        }
    }
}

pub fn date(d: Option<model::PartialDate>) -> Option<Date> {
    d.map(Date::from)
}
