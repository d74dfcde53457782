//! The roots of the schema: `Query` (lookups and lists, plus the analysis
//! fields), `Mutation` and `Subscription`. Roots use `objects` and `leaves`;
//! nothing uses a root except `api/mod.rs`, which builds the schema.

pub mod analysis;
pub mod export;
pub mod history;
pub mod history_write;
pub mod import;
pub mod mutation;
pub mod query;
pub mod subscription;
