//! Pure domain types: ids, kinds and the ontology, partial dates, names,
//! citations and the records (nodes, relations, conflicts). No I/O here, and
//! nothing that knows about sled, petgraph, GraphQL or HTTP.

mod attendance;
pub mod change;
pub mod citations;
pub mod date;
pub mod ids;
pub mod instant;
pub mod kinds;
pub mod merge;
pub mod node;
pub mod patch;
pub mod record;
pub mod relation;
pub mod size;
pub mod tables;
mod thin;
pub mod validate;
pub mod words;

pub use change::{ChangeSet, EntryKind, FieldChange, LogEntry, Version};
pub use citations::Citations;
pub use date::{DateError, Day, PartialDate, Precision};
pub use ids::{slugify, ConflictId, IdError, NodeId, RelId};
pub use kinds::{
    AttendanceMode, AttendanceRole, MeetingStatus, MembershipStatus, NameKind, NodeKind, Prop,
    RelKind,
};
pub use merge::{diff, merge, Clash, Diff};
pub use node::{NodeExtra, NodeRecord};
pub use patch::{version, Edit, NodePatch, RelationPatch};
pub use record::{node_attrs, Alias, Citation, Conflict, FieldError, Node, Note};
pub use relation::{Relation, RelationExtra, RelationRecord};
pub use size::{SizeLimits, SizeProblem};
pub use validate::{is_language_tag, is_script_code, is_state_code, FIRST_ORDINAL};
