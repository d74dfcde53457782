//! Leaves of the API: types and helpers that use no GraphQL object type —
//! error codes, scalars and mirrored enums, paging, argument parsing and input
//! objects. Nothing here imports from `objects` or `roots`.

pub mod args;
pub mod errors;
pub mod inputs;
pub mod kind_inputs;
pub mod order;
pub mod pagination;
pub mod scalars;
pub mod time;
