//! Property-based tests (proptest) of the parsers and of the write path: no
//! input panics them, errors point inside the file, and any sequence of
//! writes leaves the store's indexes in agreement with its records.

use attache::graph::Graph;
use attache::import::parse_files;
use attache::model::{NodeId, PartialDate, RelId};
use attache::service::{Change, Mode, Record, Service};
use proptest::prelude::*;

fn lines(text: &str) -> usize {
    text.lines().count().max(1)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn date_parsing_never_panics_and_round_trips(s in "\\PC{0,12}") {
        if let Ok(d) = PartialDate::parse(&s) {
            prop_assert_eq!(d.to_string(), s);
            prop_assert!(d.earliest() <= d.latest());
        }
    }

    #[test]
    fn every_real_day_parses(y in 1000i32..9999, m in 1u8..=12, d in 1u8..=31) {
        let text = format!("{y:04}-{m:02}-{d:02}");
        let ok = d <= attache::model::date::days_in_month(y, m);
        prop_assert_eq!(PartialDate::parse(&text).is_ok(), ok);
    }

    #[test]
    fn id_parsing_never_panics_and_keeps_the_text(s in "\\PC{0,40}") {
        if let Ok(id) = NodeId::parse(&s) {
            prop_assert_eq!(id.as_str(), s.as_str());
            prop_assert!(s.starts_with(id.kind().prefix()));
        }
        let _ = RelId::parse(&s);
    }

    #[test]
    fn name_folding_and_search_never_panic(names in proptest::collection::vec("\\PC{0,24}", 1..6), q in "\\PC{0,16}") {
        let mut ix = attache::graph::SearchIndex::default();
        for (i, n) in names.iter().enumerate() {
            let mut node = attache::model::Node::new(NodeId::parse(&format!("person:p{i}")).unwrap(), n.clone());
            node.aliases.push(attache::model::Alias { text: q.clone(), lang: None, script: None, kind: Default::default(), citations: vec![] });
            ix.insert(&node);
        }
        let _ = ix.search(&q, &[], 10);
        ix.remove(&NodeId::parse("person:p0").unwrap());
        let _ = ix.search(&q, &[], 10);
    }

    #[test]
    fn import_parsing_of_any_text_never_panics_and_errors_point_inside_the_file(text in "\\PC{0,200}") {
        if let Err(errs) = parse_files(&[("x.json".to_owned(), text.clone())]) {
            for e in errs {
                prop_assert!(e.line.unwrap_or(1) <= lines(&text) + 1, "{e}");
            }
        }
    }
}

fn seed_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seed-data/people.json"
    ))
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A real file with a few characters replaced, inserted or deleted.
    #[test]
    fn import_parsing_of_a_damaged_file_never_panics(edits in proptest::collection::vec((0usize..100_000, 0u8..3, proptest::char::any()), 1..4)) {
        let mut chars: Vec<char> = seed_text().chars().collect();
        for (pos, op, c) in edits {
            let at = pos % chars.len();
            match op {
                0 => chars[at] = c,
                1 => chars.insert(at, c),
                _ => { chars.remove(at); }
            }
        }
        let text: String = chars.into_iter().collect();
        if let Err(errs) = parse_files(&[("people.json".to_owned(), text.clone())]) {
            prop_assert!(!errs.is_empty());
            for e in errs {
                prop_assert!(e.line.unwrap_or(1) <= lines(&text) + 1, "{e}");
                prop_assert_eq!(e.file.as_str(), "people.json");
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    AddPerson(u8),
    AddMeeting(u8),
    Attend(u8, u8, u8),
    DeletePerson(u8, bool),
    DeleteRel(u8, u8, u8),
}

fn op() -> impl Strategy<Value = Op> {
    // Small id spaces, so that many writes are accepted and later ones touch
    // what earlier ones made.
    prop_oneof![
        2 => (0u8..4).prop_map(Op::AddPerson),
        1 => (0u8..2).prop_map(Op::AddMeeting),
        3 => (0u8..4, 0u8..2, 0u8..2).prop_map(|(p, m, k)| Op::Attend(p, m, k)),
        1 => (0u8..4, any::<bool>()).prop_map(|(p, c)| Op::DeletePerson(p, c)),
        2 => (0u8..4, 0u8..2, 0u8..2).prop_map(|(p, m, k)| Op::DeleteRel(p, m, k)),
    ]
}

fn change(o: &Op) -> Change {
    let node = |id: String| {
        let mut n = attache::model::Node::new(NodeId::parse(&id).unwrap(), "N");
        if !id.starts_with("source:") {
            n.citations.push(attache::model::Citation {
                source: NodeId::parse("source:s").unwrap(),
                locator: None,
            });
        }
        n
    };
    match o {
        Op::AddPerson(p) => Change::Put(Mode::Upsert, Record::Node(node(format!("person:p{p}")))),
        Op::AddMeeting(m) => Change::Put(Mode::Create, Record::Node(node(format!("meeting:m{m}")))),
        Op::Attend(p, m, k) => Change::Put(
            Mode::Create,
            Record::Relation(attache::model::Relation::new(
                RelId::parse(&format!("rel:p{p}-m{m}-{k}")).unwrap(),
                attache::model::RelKind::Attended,
                NodeId::parse(&format!("person:p{p}")).unwrap(),
                NodeId::parse(&format!("meeting:m{m}")).unwrap(),
            )),
        ),
        Op::DeletePerson(p, cascade) => Change::DeleteNode {
            id: NodeId::parse(&format!("person:p{p}")).unwrap(),
            cascade: *cascade,
        },
        Op::DeleteRel(p, m, k) => Change::DeleteRelation {
            id: RelId::parse(&format!("rel:p{p}-m{m}-{k}")).unwrap(),
            cascade: false,
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever is accepted or refused, the store and the in-memory graph agree
    /// and the indexes match the records, before and after a reopen — whether
    /// a write worked on a fresh copy or on the recycled previous snapshot
    /// (a reader holding a snapshot across a write forces the copy).
    #[test]
    fn any_sequence_of_writes_keeps_store_graph_and_indexes_in_agreement(batches in proptest::collection::vec((proptest::collection::vec(op(), 1..3), any::<bool>()), 1..30)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let s = Service::open(dir.path()).unwrap();
            s.write(vec![Change::Put(Mode::Upsert, Record::Node(attache::model::Node::new(NodeId::parse("source:s").unwrap(), "S")))]).await.unwrap();
            let mut held = Vec::new();
            for (batch, hold) in &batches {
                let before = attache::import::export(&s.graph());
                if *hold {
                    held.push(s.graph());
                } else {
                    held.clear();
                }
                let res = s.write(batch.iter().map(change).collect()).await;
                if res.is_err() {
                    assert_eq!(attache::import::export(&s.graph()), before, "a refused write changed the graph");
                }
                assert!(s.store().verify().unwrap().is_empty());
                let from_store = Graph::from_contents(s.store().load().unwrap()).unwrap();
                assert_eq!(attache::import::export(&s.graph()), attache::import::export(&from_store), "the graph differs from the store");
                assert_eq!(s.graph().index_fingerprint(), from_store.index_fingerprint(), "the graph's indexes differ from a rebuild");
            }
            drop(held);
            let live = attache::import::export(&s.graph());
            s.close().await.unwrap();
            drop(s);
            let again = Service::open(dir.path()).unwrap();
            assert_eq!(attache::import::export(&again.graph()), live);
        });
    }
}
