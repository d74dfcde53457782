//! GraphQL enums mirroring the model's, and small value types (dates, names, citations).

use async_graphql::{Enum, SimpleObject};

use crate::model;

/// Declares a GraphQL enum mirroring a model enum from the model's own
/// variant list (handed over by the `*_variants!` macros of `model::kinds`),
/// so a new kind needs no edit here.
macro_rules! mirror {
    ($(#[$meta:meta])* $name:ident = $remote:literal; $($variant:ident),+) => {
        #[derive(Enum, Copy, Clone, Eq, PartialEq)]
        #[graphql(remote = $remote)]
        $(#[$meta])*
        pub enum $name {
            $($variant),+
        }
    };
}

model::kinds::node_kind_variants!(mirror { NodeKind = "crate::model::NodeKind"; });
model::kinds::rel_kind_variants!(mirror {
    #[graphql(name = "RelationKind")]
    RelKind = "crate::model::RelKind";
});
model::kinds::attendance_mode_variants!(mirror {
    AttendanceMode = "crate::model::AttendanceMode";
});
model::kinds::attendance_role_variants!(mirror {
    AttendanceRole = "crate::model::AttendanceRole";
});
model::kinds::membership_status_variants!(mirror {
    MembershipStatus = "crate::model::MembershipStatus";
});
model::kinds::name_kind_variants!(mirror { NameKind = "crate::model::NameKind"; });

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
