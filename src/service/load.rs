//! Start-up: the graph built from everything in the store, the relations
//! (most of the records) decoded on a second thread while this one decodes
//! the nodes and indexes each batch of relations as it arrives.

use super::ServiceError;
use crate::graph::{Graph, Loader};
use crate::model::Relation;
use crate::store::Store;

/// Relations decoded per batch handed from the decoding thread to the
/// thread building the graph.
const LOAD_BATCH: usize = 1024;

/// The graph of everything in `store`, as [`Graph::from_contents`] builds
/// it from [`Store::load`], but with the relations (most of the records)
/// decoded on a second thread while this one decodes the nodes and adds
/// each batch of relations as it arrives: decoding and indexing overlap.
pub(super) fn graph(store: &Store) -> Result<Graph, ServiceError> {
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Relation>>(8);
        let decoder =
            s.spawn(move || store.relations_in_batches(LOAD_BATCH, |b| tx.send(b).is_ok()));
        // `rx` is dropped by the end of this block, whatever happens, so a
        // decoder blocked on a full channel stops rather than hangs.
        let built = (|| {
            let c = store.load_but_relations()?;
            let mut loader = Loader::new(c.nodes, 0);
            for batch in rx {
                for r in batch {
                    loader.relation(r)?;
                }
            }
            Ok::<_, ServiceError>(loader.finish(c.conflicts, c.redirects))
        })();
        let decoded = match decoder.join() {
            Ok(res) => res,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        // A record that does not decode comes first: the graph is partial then.
        decoded?;
        built
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, NodeId, RelId, RelKind};
    use crate::store::{Op, StoreError};

    fn nid(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    /// A store of two nodes and `n` relations between them, the last of
    /// which names `last_to`, written as they are (no checks).
    fn store_with(n: usize, last_to: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let mut ops = vec![
            Op::PutNode(Node::new(nid("person:a"), "A")),
            Op::PutNode(Node::new(nid("meeting:m"), "M")),
        ];
        for i in 0..n {
            let to = if i + 1 == n { last_to } else { "meeting:m" };
            let id = RelId::parse(&format!("rel:a{i:05}")).unwrap();
            ops.push(Op::PutRelation(Relation::new(
                id,
                RelKind::Attended,
                nid("person:a"),
                nid(to),
            )));
        }
        s.apply(&ops, &[]).unwrap();
        s.flush().unwrap();
        dir
    }

    #[test]
    fn a_store_loads_into_the_graph_its_records_build_across_batches() {
        let dir = store_with(2 * LOAD_BATCH + 5, "meeting:m");
        let s = Store::open(dir.path()).unwrap();
        let g = graph(&s).unwrap();
        let want = Graph::from_contents(s.load().unwrap()).unwrap();
        assert_eq!(g.relation_count(), 2 * LOAD_BATCH + 5);
        assert_eq!(g.index_fingerprint(), want.index_fingerprint());
        assert_eq!(crate::import::export(&g), crate::import::export(&want));
    }

    #[test]
    fn a_relation_naming_a_missing_node_refuses_the_load() {
        let dir = store_with(LOAD_BATCH + 3, "meeting:gone");
        let s = Store::open(dir.path()).unwrap();
        let err = graph(&s).err().expect("refused");
        assert!(
            matches!(&err, ServiceError::Inconsistent(d) if d.missing == "meeting:gone"),
            "{err}"
        );
    }

    #[test]
    fn a_relation_that_does_not_decode_refuses_the_load() {
        let dir = store_with(LOAD_BATCH + 3, "meeting:m");
        {
            let db = sled::open(dir.path()).unwrap();
            let rels = db.open_tree("relations").unwrap();
            rels.insert("rel:zzz", &b"\x01{not json"[..]).unwrap();
            db.flush().unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
        let s = Store::open(dir.path()).unwrap();
        let err = graph(&s).err().expect("refused");
        assert!(
            matches!(&err, ServiceError::Store(StoreError::Corrupt { tree: "relations", key, .. }) if key == "rel:zzz"),
            "{err}"
        );
    }
}
