//! Opening a store whose records cannot all be loaded: the open fails and
//! names the record, whichever thread of the load met it.

use super::*;
use crate::model::RelKind;
use crate::store::{Op, Store};

fn nid(s: &str) -> NodeId {
    NodeId::parse(s).unwrap()
}

/// A store of two nodes and `n` relations between them, closed again; then
/// `key` of tree `tree` is overwritten with `value` through sled itself.
fn store_with(dir: &Path, n: usize, tree: &str, key: &str, value: &[u8]) {
    {
        let store = Store::open(dir).unwrap();
        let mut ops = vec![
            Op::PutNode(Node::new(nid("person:a"), "A")),
            Op::PutNode(Node::new(nid("meeting:m"), "M")),
        ];
        ops.extend((0..n).map(|i| {
            let id = RelId::parse(&format!("rel:{i:05}")).unwrap();
            Op::PutRelation(Relation::new(
                id,
                RelKind::Attended,
                nid("person:a"),
                nid("meeting:m"),
            ))
        }));
        store.apply(&ops, &[]).unwrap();
        store.flush().unwrap();
    }
    // sled lets go of its lock a moment after the last handle is dropped.
    let db = (0..100)
        .find_map(|_| {
            let db = crate::store::sled_config(dir).open().ok();
            if db.is_none() {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            db
        })
        .expect("the store's lock is released");
    db.open_tree(tree).unwrap().insert(key, value).unwrap();
    db.flush().unwrap();
}

fn open_error(dir: &Path) -> String {
    match Service::open(dir) {
        Ok(_) => panic!("the open succeeded"),
        Err(e) => e.to_string(),
    }
}

#[tokio::test]
async fn a_relation_that_does_not_decode_fails_the_open_naming_its_tree_and_key() {
    let dir = tempfile::tempdir().unwrap();
    store_with(dir.path(), 5000, "relations", "rel:04000", &[2, 0xc1]);
    let e = open_error(dir.path());
    assert!(
        e.contains("corrupt record in tree `relations` at key `rel:04000`"),
        "{e}"
    );
}

#[tokio::test]
async fn a_node_that_does_not_decode_fails_the_open_naming_its_tree_and_key() {
    let dir = tempfile::tempdir().unwrap();
    store_with(dir.path(), 5000, "nodes", "meeting:m", &[1, b'[']);
    let e = open_error(dir.path());
    assert!(
        e.contains("corrupt record in tree `nodes` at key `meeting:m`"),
        "{e}"
    );
}

#[tokio::test]
async fn a_relation_naming_a_missing_node_fails_the_open_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let stray = Relation::new(
        RelId::parse("rel:04500").unwrap(),
        RelKind::Attended,
        nid("person:gone"),
        nid("meeting:m"),
    );
    let bytes = rmp_serde::to_vec_named(&stray).unwrap();
    let value: Vec<u8> = std::iter::once(2).chain(bytes).collect();
    store_with(dir.path(), 5000, "relations", "rel:04500", &value);
    let e = open_error(dir.path());
    assert!(e.contains("`rel:04500` names `person:gone`"), "{e}");
}
