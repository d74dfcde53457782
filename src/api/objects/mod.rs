//! The GraphQL object types: one node object per kind, relation objects and
//! the answers of analysis and stats. They form one mutually recursive set,
//! as the graph they expose does (a person has attendances, an attendance has
//! a meeting, a meeting has attendees), so the files here may use each
//! other; they use `leaves` and never `roots`.

pub mod analysis;
pub mod entities;
pub mod history;
pub mod holders;
pub mod meeting;
pub mod nodes;
pub mod person;
pub mod relations;
pub mod standing;
pub mod stats;
