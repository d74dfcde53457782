//! One input type per node kind (`PersonInput`, `MeetingInput`, …), taken by
//! both `create<Kind>(input:)` and `update<Kind>(id:, input:)`. Each carries
//! only the fields its kind has, named as the kind's output type names them
//! (`category`, `startDate`), so a client can send back what it read.
//!
//! When creating, `id` and `name` are required and `null` means "not given".
//! When updating, an absent field is kept, `null` clears it and a value
//! replaces it; `id`, if given, must be the node's own. Both convert through
//! [`NodeFields`], which names the field in every error.

use async_graphql::{InputObject, MaybeUndefined, Result, ID};

use crate::api::leaves::args::parse_date;
use crate::api::leaves::errors::invalid;
use crate::api::leaves::inputs::{
    aliases, all_cites, edit, edit_try, node_id, notes, AliasInput, CitationInput, NoteInput,
};
use crate::api::leaves::scalars::MeetingStatus;
use crate::model::{self, Edit, NodeId};

/// Every field a kind's input may carry; a kind's own input sets those it has.
#[derive(Default)]
pub struct NodeFields {
    pub id: Option<ID>,
    pub name: MaybeUndefined<String>,
    pub aliases: MaybeUndefined<Vec<AliasInput>>,
    pub description: MaybeUndefined<String>,
    pub category: MaybeUndefined<String>,
    pub code: MaybeUndefined<String>,
    pub start_date: MaybeUndefined<String>,
    pub end_date: MaybeUndefined<String>,
    pub status: MaybeUndefined<MeetingStatus>,
    pub date: MaybeUndefined<String>,
    pub url: MaybeUndefined<String>,
    pub publisher: MaybeUndefined<String>,
    pub language: MaybeUndefined<String>,
    pub notes: MaybeUndefined<Vec<NoteInput>>,
    pub citations: MaybeUndefined<Vec<CitationInput>>,
}

/// A value given, or nothing: when creating, `null` is the same as absent.
fn given<T>(v: MaybeUndefined<T>) -> Option<T> {
    v.take()
}

fn opt_date(field: &str, v: MaybeUndefined<String>) -> Result<Option<model::PartialDate>> {
    given(v).map(|s| parse_date(field, &s)).transpose()
}

impl NodeFields {
    /// The whole node a `create<Kind>` makes.
    pub fn into_node(self) -> Result<model::Node> {
        let id = self
            .id
            .ok_or_else(|| invalid("id", "required when creating a node"))?;
        let name =
            given(self.name).ok_or_else(|| invalid("name", "required when creating a node"))?;
        let mut n = model::Node::new(node_id("id", &id)?, name);
        n.aliases = aliases(given(self.aliases).unwrap_or_default())?;
        n.description = given(self.description);
        n.kind = given(self.category);
        n.code = given(self.code);
        n.start = opt_date("startDate", self.start_date)?;
        n.end = opt_date("endDate", self.end_date)?;
        n.date = opt_date("date", self.date)?;
        n.url = given(self.url);
        n.publisher = given(self.publisher);
        n.language = given(self.language);
        n.status = given(self.status).map(Into::into);
        n.notes = notes(given(self.notes).unwrap_or_default())?;
        n.citations = all_cites(given(self.citations).unwrap_or_default())?.into();
        Ok(n)
    }

    /// The patch an `update<Kind>` applies to node `id`.
    pub fn into_patch(self, id: &NodeId) -> Result<model::NodePatch> {
        if let Some(given) = &self.id {
            if given.as_str() != id.as_str() {
                return Err(invalid(
                    "id",
                    format!(
                        "`{}` is not the node being updated (`{id}`); leave it out or give the same id",
                        given.as_str()
                    ),
                ));
            }
        }
        let name = match self.name {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => {
                return Err(invalid(
                    "name",
                    "a node always has a name: leave the field out to keep it",
                ))
            }
            MaybeUndefined::Value(v) => Some(v),
        };
        Ok(model::NodePatch {
            name,
            aliases: edit_try(self.aliases, aliases)?,
            description: edit(self.description),
            kind: edit(self.category),
            code: edit(self.code),
            start: edit_try(self.start_date, |s| parse_date("startDate", &s))?,
            end: edit_try(self.end_date, |s| parse_date("endDate", &s))?,
            date: edit_try(self.date, |s| parse_date("date", &s))?,
            url: edit(self.url),
            publisher: edit(self.publisher),
            language: edit(self.language),
            status: match edit(self.status) {
                Edit::Keep => Edit::Keep,
                Edit::Clear => Edit::Clear,
                Edit::Set(s) => Edit::Set(s.into()),
            },
            notes: edit_try(self.notes, notes)?,
            citations: edit_try(self.citations, all_cites)?,
        })
    }
}

/// Declares a kind's input type: the fields every node has, then its own.
macro_rules! kind_input {
    ($(#[doc = $doc:literal])* $name:ident { $( $(#[doc = $fdoc:literal])* $field:ident : $ty:ty ),* $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(InputObject, Default)]
        pub struct $name {
            /// `<kind>:<slug>`. Required when creating; when updating, leave
            /// it out or give the node's own id.
            pub id: Option<ID>,
            /// Required when creating; cannot be cleared.
            pub name: MaybeUndefined<String>,
            pub aliases: MaybeUndefined<Vec<AliasInput>>,
            pub description: MaybeUndefined<String>,
            $( $(#[doc = $fdoc])* pub $field: MaybeUndefined<$ty>, )*
            pub notes: MaybeUndefined<Vec<NoteInput>>,
            pub citations: MaybeUndefined<Vec<CitationInput>>,
        }

        impl From<$name> for NodeFields {
            fn from(i: $name) -> NodeFields {
                NodeFields {
                    id: i.id,
                    name: i.name,
                    aliases: i.aliases,
                    description: i.description,
                    $( $field: i.$field, )*
                    notes: i.notes,
                    citations: i.citations,
                    ..NodeFields::default()
                }
            }
        }
    };
}

kind_input!(
    /// A person: a create or an update (see `createPerson`, `updatePerson`).
    PersonInput {}
);
kind_input!(
    /// A state: a create or an update.
    StateInput {
        /// ISO 3166-1 alpha-2, e.g. `KZ`.
        code: String,
    }
);
kind_input!(
    /// An organization: a create or an update.
    OrganizationInput {
        /// A free category ("intergovernmental organization").
        category: String,
    }
);
kind_input!(
    /// An office (a post): a create or an update.
    OfficeInput {}
);
kind_input!(
    /// A meeting: a create or an update.
    MeetingInput {
        /// A free category ("plenary meeting").
        category: String,
        /// YYYY, YYYY-MM or YYYY-MM-DD.
        start_date: String,
        /// YYYY, YYYY-MM or YYYY-MM-DD; none for a one-day meeting.
        end_date: String,
        /// Announced, planned, held, postponed or cancelled; none: held.
        status: MeetingStatus,
    }
);
kind_input!(
    /// A series of meetings: a create or an update.
    SeriesInput {}
);
kind_input!(
    /// A document: a create or an update.
    DocumentInput {
        /// A free category ("protocol").
        category: String,
        /// YYYY, YYYY-MM or YYYY-MM-DD.
        date: String,
        /// A BCP 47 language tag, e.g. `ru`.
        language: String,
    }
);
kind_input!(
    /// A place: a create or an update.
    PlaceInput {
        /// A free category ("city").
        category: String,
    }
);
kind_input!(
    /// A topic: a create or an update.
    TopicInput {}
);
kind_input!(
    /// A source: a create or an update.
    SourceInput {
        /// A free category ("news report").
        category: String,
        /// YYYY, YYYY-MM or YYYY-MM-DD.
        date: String,
        url: String,
        publisher: String,
        /// A BCP 47 language tag, e.g. `en`.
        language: String,
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    fn meeting() -> MeetingInput {
        MeetingInput {
            id: Some(ID("meeting:m".into())),
            name: MaybeUndefined::Value("M".into()),
            start_date: MaybeUndefined::Value("2022-09-23".into()),
            ..MeetingInput::default()
        }
    }

    #[test]
    fn a_meetings_start_date_becomes_its_start() {
        let n = NodeFields::from(meeting()).into_node().unwrap();
        assert_eq!(n.start.unwrap().to_string(), "2022-09-23");
    }

    #[test]
    fn creating_without_an_id_names_the_field() {
        let mut m = meeting();
        m.id = None;
        let e = NodeFields::from(m).into_node().unwrap_err();
        assert!(e.message.contains("id"), "{}", e.message);
    }

    #[test]
    fn a_bad_start_date_names_start_date() {
        let mut m = meeting();
        m.start_date = MaybeUndefined::Value("23 Sept".into());
        let e = NodeFields::from(m).into_node().unwrap_err();
        assert!(e.message.contains("startDate"), "{}", e.message);
    }

    #[test]
    fn updating_with_another_id_is_refused() {
        let e = NodeFields::from(meeting())
            .into_patch(&NodeId::parse("meeting:other").unwrap())
            .unwrap_err();
        assert!(e.message.contains("meeting:other"), "{}", e.message);
    }

    #[test]
    fn updating_keeps_absent_fields_and_clears_null_ones() {
        let m = MeetingInput {
            end_date: MaybeUndefined::Null,
            ..MeetingInput::default()
        };
        let p = NodeFields::from(m)
            .into_patch(&NodeId::parse("meeting:m").unwrap())
            .unwrap();
        assert!(matches!(p.start, Edit::Keep));
        assert!(matches!(p.end, Edit::Clear));
        assert!(p.name.is_none());
    }

    #[test]
    fn clearing_the_name_is_refused() {
        let m = MeetingInput {
            name: MaybeUndefined::Null,
            ..MeetingInput::default()
        };
        let e = NodeFields::from(m)
            .into_patch(&NodeId::parse("meeting:m").unwrap())
            .unwrap_err();
        assert!(e.message.contains("name"), "{}", e.message);
    }
}
