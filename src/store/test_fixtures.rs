//! Small builders the store's unit tests share: a node id and a change set.

use crate::model::{ChangeSet, NodeId};

/// A node id the test knows is valid.
pub(in crate::store) fn nid(s: &str) -> NodeId {
    NodeId::parse(s).unwrap()
}

/// Change set `seq` of `records` records, by actor `t`, at time `seq` ms.
pub(in crate::store) fn set(seq: u64, records: u64) -> ChangeSet {
    ChangeSet {
        seq,
        time_ms: seq as i64,
        actor: "t".into(),
        comment: None,
        source: None,
        records,
        reverts: None,
        op: "write".into(),
    }
}
