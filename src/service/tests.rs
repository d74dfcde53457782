//! The write path's promises: all or nothing, integrity, durability, idempotence.

use super::*;
use crate::model::{Citation, RelKind};

fn nid(s: &str) -> NodeId {
    NodeId::parse(s).unwrap()
}

fn node(id: &str) -> Node {
    let mut n = Node::new(nid(id), id);
    if !id.starts_with("source:") {
        n.citations.push(Citation {
            source: nid("source:s"),
            locator: None,
        });
    }
    n
}

fn rel(id: &str, kind: RelKind, from: &str, to: &str) -> Relation {
    Relation::new(RelId::parse(id).unwrap(), kind, nid(from), nid(to))
}

fn put(n: Node) -> Change {
    Change::Put(Mode::Upsert, Record::Node(n))
}

fn base() -> Vec<Change> {
    vec![
        put(node("source:s")),
        put(node("person:a")),
        put(node("meeting:m")),
        Change::Put(
            Mode::Upsert,
            Record::Relation(rel("rel:1", RelKind::Chaired, "person:a", "meeting:m")),
        ),
    ]
}

#[tokio::test]
async fn a_write_survives_reopening_the_store() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = Service::open(dir.path()).unwrap();
        s.write(base()).await.unwrap();
        s.close().await.unwrap();
    }
    let s = Service::open(dir.path()).unwrap();
    assert!(s.graph().relation("rel:1").is_some());
}

#[tokio::test]
async fn a_refused_write_changes_nothing_and_names_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    let before = s.store().load().unwrap();
    let err = s
        .write(vec![
            put(node("person:b")),
            Change::Put(
                Mode::Upsert,
                Record::Relation(rel("rel:2", RelKind::Chaired, "person:b", "meeting:nope")),
            ),
            Change::Put(Mode::Create, Record::Node(node("person:a"))),
        ])
        .await
        .err()
        .unwrap();
    let ServiceError::Rejected(problems) = err else {
        panic!("{err}")
    };
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(
        (problems[0].code, problems[0].change),
        (Code::Integrity, Some(1))
    );
    assert_eq!(
        (problems[1].code, problems[1].change),
        (Code::Conflict, Some(2))
    );
    assert!(s.graph().node("person:b").is_none());
    let after = s.store().load().unwrap();
    assert_eq!(before.nodes, after.nodes);
    assert_eq!(before.relations, after.relations);
}

#[tokio::test]
async fn deleting_a_linked_node_needs_cascade() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    let del = |cascade| Change::DeleteNode {
        id: nid("person:a"),
        cascade,
    };
    let err = s.write(vec![del(false)]).await.err().unwrap();
    assert!(matches!(&err, ServiceError::Rejected(p) if p[0].code == Code::Integrity));
    let c = s.write(vec![del(true)]).await.unwrap();
    assert_eq!(c.events.len(), 2);
    assert!(s.graph().relation("rel:1").is_none());
    assert!(s.store().verify().unwrap().is_empty());
}

#[tokio::test]
async fn a_cited_source_cannot_be_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    let err = s
        .write(vec![Change::DeleteNode {
            id: nid("source:s"),
            cascade: true,
        }])
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("is cited by"), "{err}");
}

#[tokio::test]
async fn writing_the_same_records_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    assert_eq!(s.write(base()).await.unwrap().events.len(), 4);
    assert!(s.write(base()).await.unwrap().events.is_empty());
}

/// A source, then `n` people written by `n` concurrent tasks, all acknowledged.
async fn write_concurrently(s: &Service, n: usize) {
    s.write(vec![put(node("source:s"))]).await.unwrap();
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let s = s.clone();
            tokio::spawn(async move { s.write(vec![put(node(&format!("person:p{i}")))]).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn concurrent_writers_all_land() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    write_concurrently(&s, 32).await;
    assert_eq!(s.durability_counts().0, 33);
    s.close().await.unwrap();
    drop(s);
    let s = Service::open(dir.path()).unwrap();
    assert_eq!(s.graph().node_count(), 33);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_share_flushes() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    write_concurrently(&s, 200).await;
    let (commits, flushes) = s.durability_counts();
    assert_eq!(commits, 201);
    assert!(
        flushes < commits,
        "{flushes} flushes for {commits} commits: none shared"
    );
}

/// Many concurrent writers, each naming its own person: every one is
/// acknowledged with its own record's event and its own change set, the
/// change sets are numbered without a gap, and after a reopen each change
/// set holds exactly the write whose writer was told its number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_are_each_durable_and_answered_with_their_own_write() {
    let dir = tempfile::tempdir().unwrap();
    let n = 64;
    let mut told = Vec::new();
    {
        let s = Service::open(dir.path()).unwrap();
        s.write(vec![put(node("source:s"))]).await.unwrap();
        let tasks: Vec<_> = (0..n)
            .map(|i| {
                let s = s.clone();
                tokio::spawn(async move {
                    let id = format!("person:w{i}");
                    let done = s.write(vec![put(node(&id))]).await.unwrap();
                    (id, done)
                })
            })
            .collect();
        for t in tasks {
            let (id, done) = t.await.unwrap();
            let ids: Vec<&str> = done.events.iter().map(|e| e.id.as_str()).collect();
            assert_eq!(ids, [id.as_str()], "{id} is answered with its own write");
            assert!(
                done.graph.node(&id).is_some(),
                "{id} is in the snapshot its writer gets"
            );
            told.push((done.change_set.expect("a change set"), id));
        }
        s.close().await.unwrap();
    }
    told.sort();
    let numbers: Vec<u64> = told.iter().map(|(seq, _)| *seq).collect();
    assert_eq!(numbers, (2..2 + n as u64).collect::<Vec<_>>(), "contiguous");
    let s = Service::open(dir.path()).unwrap();
    assert_eq!(s.graph().node_count(), n + 1, "every write survived");
    for (seq, id) in &told {
        let entries = s.store().entries(*seq).unwrap();
        let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, [id.as_str()], "change set {seq} is {id}'s write alone");
    }
}

/// The graph as rebuilt from what the store holds.
fn rebuilt(s: &Service) -> String {
    let g = Graph::from_contents(s.store().load().unwrap()).unwrap();
    assert_eq!(s.graph().index_fingerprint(), g.index_fingerprint());
    crate::import::export(&g)
}

fn attend(i: usize) -> Change {
    Change::Put(
        Mode::Upsert,
        Record::Relation(rel(
            &format!("rel:a{i}"),
            RelKind::Attended,
            "person:a",
            "meeting:m",
        )),
    )
}

#[tokio::test]
async fn a_write_reuses_the_superseded_snapshot_once_no_reader_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    for i in 0..5 {
        s.write(vec![attend(i)]).await.unwrap();
    }
    // Only the first write had nothing to reuse.
    assert_eq!(s.working_copies(), (5, 1));
    assert_eq!(crate::import::export(&s.graph()), rebuilt(&s));
}

#[tokio::test]
async fn a_write_copies_the_graph_while_a_reader_holds_the_superseded_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    let reader = s.graph();
    s.write(vec![attend(1)]).await.unwrap(); // supersedes `reader`
    s.write(vec![attend(2)]).await.unwrap(); // `reader` still held: copy
    assert_eq!(s.working_copies(), (1, 2));
    assert_eq!(
        reader.relation_count(),
        1,
        "a reader's snapshot never changes"
    );
    drop(reader);
    s.write(vec![attend(3)]).await.unwrap(); // the spare is free again
    assert_eq!(s.working_copies(), (2, 2));
    assert_eq!(s.graph().relation_count(), 4);
    assert_eq!(crate::import::export(&s.graph()), rebuilt(&s));
}

#[tokio::test]
async fn a_refused_write_on_a_reused_copy_leaves_the_next_write_correct() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap();
    s.write(vec![attend(1)]).await.unwrap();
    let bad = Change::Put(
        Mode::Upsert,
        Record::Relation(rel("rel:x", RelKind::Attended, "person:a", "meeting:none")),
    );
    assert!(s.write(vec![attend(2), bad]).await.is_err());
    s.write(vec![attend(3)]).await.unwrap();
    assert!(s.graph().relation("rel:a2").is_none());
    assert_eq!(crate::import::export(&s.graph()), rebuilt(&s));
}

#[tokio::test]
async fn a_spare_several_commits_behind_catches_up_by_replaying_them() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    s.write(base()).await.unwrap(); // nothing to reuse yet: a copy
    let r1 = s.graph();
    s.write(vec![attend(1)]).await.unwrap(); // the initial snapshot is free
    let r2 = s.graph();
    s.write(vec![attend(2)]).await.unwrap(); // every spare held: a copy
    let r3 = s.graph();
    s.write(vec![attend(3)]).await.unwrap(); // still: a copy
    assert_eq!(s.working_copies(), (1, 3));
    drop(r1);
    // `r1`'s snapshot is three commits behind and the only free spare.
    s.write(vec![attend(4)]).await.unwrap();
    assert_eq!(s.working_copies(), (2, 3));
    assert_eq!(s.graph().relation_count(), 5);
    assert_eq!(crate::import::export(&s.graph()), rebuilt(&s));
    assert_eq!((r2.relation_count(), r3.relation_count()), (2, 3));
}

/// Opens the store in `dir` with `open` while another handle holds sled's
/// lock for 500 ms; returns how often a 10 ms ticker ran meanwhile on this
/// (current-thread) runtime.
async fn ticks_during_a_slow_open<F: std::future::Future<Output = Service>>(
    dir: &Path,
    open: impl FnOnce() -> F,
) -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let held = Store::open(dir).unwrap();
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(500));
        drop(held);
    });
    let ticks = Arc::new(AtomicUsize::new(0));
    let counter = ticks.clone();
    let ticker = tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    tokio::task::yield_now().await;
    let s = open().await;
    let n = ticks.load(Ordering::Relaxed);
    ticker.abort();
    releaser.join().unwrap();
    s.close().await.unwrap();
    n
}

#[tokio::test]
async fn a_slow_open_does_not_stall_the_other_tasks_of_the_runtime() {
    let dir = tempfile::tempdir().unwrap();
    let n = ticks_during_a_slow_open(dir.path(), || async {
        Service::open_async(dir.path(), crate::store::CACHE_BYTES, SizeLimits::default())
            .await
            .unwrap()
    })
    .await;
    assert!(n >= 10, "the ticker ran {n} times in a 500 ms open");
}

fn put_rel(r: Relation) -> Change {
    Change::Put(Mode::Upsert, Record::Relation(r))
}

#[tokio::test]
async fn a_located_in_closing_a_cycle_is_refused_but_a_batch_moving_a_place_is_judged_whole() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    let mut setup = vec![put(node("source:s"))];
    setup.extend(["place:city", "place:hall"].map(|p| put(node(p))));
    setup.push(put_rel(rel(
        "rel:in",
        RelKind::LocatedIn,
        "place:hall",
        "place:city",
    )));
    s.write(setup).await.unwrap();
    let back = rel("rel:back", RelKind::LocatedIn, "place:city", "place:hall");
    let Err(err) = s.write(vec![put_rel(back.clone())]).await else {
        panic!("a cycle was accepted");
    };
    assert!(err.to_string().contains("cannot be inside itself"), "{err}");
    // Removing the old relation in the same write makes the reversal fine.
    s.write(vec![
        Change::DeleteRelation {
            id: RelId::parse("rel:in").unwrap(),
            cascade: false,
        },
        put_rel(back),
    ])
    .await
    .unwrap();
    assert!(s.graph().relation("rel:back").is_some());
}

fn merge(r: Record) -> Change {
    Change::Put(Mode::Merge, r)
}

#[tokio::test]
async fn a_restated_relation_gains_citations_and_keeps_its_properties() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    let mut stored = rel("rel:a", RelKind::Attended, "person:a", "meeting:m");
    stored.roles = vec![crate::model::AttendanceRole::Chair];
    let mut changes = base();
    changes.push(put(node("source:t")));
    changes.push(Change::Put(Mode::Upsert, Record::Relation(stored)));
    s.write(changes).await.unwrap();
    let mut given = rel("rel:a", RelKind::Attended, "person:a", "meeting:m");
    given.citations = vec![Citation {
        source: nid("source:t"),
        locator: Some("¶2".into()),
    }]
    .into();
    let c = s.write(vec![merge(Record::Relation(given))]).await.unwrap();
    assert_eq!(c.outcomes[0].kind, OutcomeKind::Merged);
    assert_eq!(c.outcomes[0].diff.added, ["citations: source:t ¶2"]);
    let r = c.graph.relation("rel:a").unwrap().clone();
    assert_eq!(r.roles, [crate::model::AttendanceRole::Chair]);
    assert_eq!(r.citations.len(), 1);
}

#[tokio::test]
async fn a_merge_whose_result_breaks_a_rule_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = Service::open(dir.path()).unwrap();
    let mut m = node("meeting:m");
    m.start = Some(crate::model::PartialDate::year(2022));
    s.write(vec![put(node("source:s")), put(m)]).await.unwrap();
    let mut given = node("meeting:m");
    given.end = Some(crate::model::PartialDate::year(2019));
    let err = s
        .write(vec![merge(Record::Node(given))])
        .await
        .err()
        .unwrap();
    let ServiceError::Rejected(problems) = err else {
        panic!("{err}")
    };
    assert_eq!(problems[0].field.as_deref(), Some("end"), "{problems:?}");
    assert!(s.graph().node("meeting:m").unwrap().end.is_none());
}
