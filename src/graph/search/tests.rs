//! Tests of name search: spellings, scripts, typos, initials, punctuation, ranking.

use super::*;
use crate::model::{Alias, NameKind};

fn node(id: &str, name: &str, aliases: &[&str]) -> Node {
    let mut n = Node::new(NodeId::parse(id).unwrap(), name);
    for a in aliases {
        n.aliases.push(Alias {
            text: (*a).into(),
            lang: None,
            script: None,
            kind: NameKind::Transliteration,
            citations: vec![],
        });
    }
    n
}

fn index() -> SearchIndex {
    let mut ix = SearchIndex::default();
    ix.insert(&node(
        "person:berik-asylov",
        "Berik Asylov",
        &["Asylov B.N.", "Berik Assylov", "别热克·阿斯洛夫"],
    ));
    ix.insert(&node(
        "person:yusuf-rahmon",
        "Yusuf Rahmon",
        &["Rakhmon Yu.A."],
    ));
    ix.insert(&node("person:igor-krasnov", "Igor Krasnov", &[]));
    ix.insert(&node("state:kz", "Kazakhstan", &[]));
    ix
}

fn top(ix: &SearchIndex, q: &str) -> Option<(String, String)> {
    ix.search(q, &[], 5)
        .into_iter()
        .next()
        .map(|h| (h.id.to_string(), h.matched))
}

#[test]
fn folds_case_and_diacritics() {
    assert_eq!(fold("ZULÚSHEV, K.T."), ["zulushev", "k", "t"]);
}

#[test]
fn finds_by_every_spelling_and_reports_the_alias() {
    let ix = index();
    for (q, matched) in [
        ("asylov", "Berik Asylov"),
        ("ASSYLOV", "Berik Assylov"),
        ("Asylov B.N.", "Asylov B.N."),
        ("别热克·阿斯洛夫", "别热克·阿斯洛夫"),
        ("rakhmon", "Rakhmon Yu.A."),
        ("yus", "Yusuf Rahmon"),
    ] {
        assert_eq!(top(&ix, q).map(|h| h.1).as_deref(), Some(matched), "{q}");
    }
}

#[test]
fn cyrillic_finds_the_latin_name() {
    let ix = index();
    assert_eq!(top(&ix, "Берик Асылов").unwrap().0, "person:berik-asylov");
    assert_eq!(top(&ix, "Игорь Краснов").unwrap().0, "person:igor-krasnov");
}

#[test]
fn one_or_two_typos_are_tolerated() {
    let ix = index();
    assert_eq!(top(&ix, "Asilov").unwrap().0, "person:berik-asylov");
    assert_eq!(top(&ix, "Kransov").unwrap().0, "person:igor-krasnov");
    assert_eq!(top(&ix, "Kazakstn").unwrap().0, "state:kz");
    assert!(top(&ix, "Xyzzyv").is_none());
}

#[test]
fn the_surname_initials_form_finds_a_name_without_that_alias() {
    let ix = index();
    assert_eq!(
        top(&ix, "Krasnov I.V.").unwrap(),
        ("person:igor-krasnov".into(), "Igor Krasnov".into())
    );
    assert!(top(&ix, "Krasnov Z.").is_none());
}

#[test]
fn exact_beats_prefix_beats_typo() {
    let mut ix = SearchIndex::default();
    ix.insert(&node("person:a", "Ivan Petrov", &[]));
    ix.insert(&node("person:b", "Ivan Petrova", &[]));
    ix.insert(&node("person:c", "Ivan Petrof", &[]));
    let ids: Vec<_> = ix
        .search("ivan petrov", &[], 5)
        .into_iter()
        .map(|h| h.id.to_string())
        .collect();
    assert_eq!(ids, ["person:a", "person:b", "person:c"]);
}

#[test]
fn kinds_filter_and_removal_work() {
    let mut ix = index();
    assert!(ix.search("kaz", &[NodeKind::Person], 5).is_empty());
    assert_eq!(ix.search("kaz", &[], 5).len(), 1);
    ix.remove(&NodeId::parse("state:kz").unwrap());
    assert!(ix.search("kaz", &[], 5).is_empty());
    assert!(ix.search("kazakstn", &[], 5).is_empty());
}

fn places() -> SearchIndex {
    let mut ix = SearchIndex::default();
    ix.insert(&node("place:xian", "Xi'an", &[]));
    ix.insert(&node("place:nur-sultan", "Nur-Sultan", &[]));
    ix.insert(&node("place:astana", "Astana", &["Akmola"]));
    ix
}

#[test]
fn an_apostrophe_inside_a_name_matches_the_name_written_joined_or_split() {
    let ix = places();
    for q in ["Xian", "xi an", "Xi'an", "XI’AN"] {
        assert_eq!(
            top(&ix, q).map(|h| h.0).as_deref(),
            Some("place:xian"),
            "{q}"
        );
    }
}

#[test]
fn a_hyphen_inside_a_name_matches_the_name_written_joined_or_split() {
    let ix = places();
    for q in ["NurSultan", "Nur Sultan", "nur-sultan", "Nursultan"] {
        assert_eq!(
            top(&ix, q).map(|h| h.0).as_deref(),
            Some("place:nur-sultan"),
            "{q}"
        );
    }
}

#[test]
fn a_punctuated_query_finds_a_name_written_joined_or_split() {
    let mut ix = SearchIndex::default();
    ix.insert(&node("place:a", "Xian", &[]));
    ix.insert(&node("place:b", "Nur Sultan", &[]));
    assert_eq!(top(&ix, "Xi'an").unwrap().0, "place:a");
    assert_eq!(top(&ix, "Nur-Sultan").unwrap().0, "place:b");
}

#[test]
fn a_joined_match_of_the_whole_name_ranks_as_exact() {
    let mut ix = places();
    ix.insert(&node("person:xian-li", "Xian Li", &[]));
    let hits = ix.search("xian", &[], 5);
    let ids: Vec<_> = hits.iter().map(|h| h.id.to_string()).collect();
    assert_eq!(ids, ["place:xian", "person:xian-li"]);
    assert!(hits[0].score >= 1.0, "{hits:?}");
}

#[test]
fn joined_words_leave_the_index_with_their_node() {
    let mut ix = places();
    ix.remove(&NodeId::parse("place:xian").unwrap());
    assert!(ix.search("xian", &[], 5).is_empty());
    assert!(!ix.fingerprint().contains("xian"));
}

#[test]
fn folding_keeps_what_punctuation_joined() {
    let f = fold_name("Jean-Pierre O'Neil");
    assert_eq!(f.words, ["jean", "pierre", "o", "neil"]);
    assert_eq!(
        f.joined,
        [("jeanpierre".to_owned(), 0..2), ("oneil".to_owned(), 2..4)]
    );
}

#[test]
fn a_word_in_two_names_of_one_node_leaves_the_index_once() {
    let asylov = node("person:berik-asylov", "Berik Asylov", &["Asylov B.N."]);
    let other = node("person:dana-asylova", "Dana Asylov", &[]);
    let mut ix = SearchIndex::default();
    ix.insert(&asylov);
    ix.remove(&asylov.id);
    ix.insert(&other);
    ix.insert(&asylov);
    ix.remove(&other.id);
    let mut fresh = SearchIndex::default();
    fresh.insert(&asylov);
    assert_eq!(ix.fingerprint(), fresh.fingerprint());
    assert_eq!(
        top(&ix, "Asylov B.N.").map(|h| h.1).as_deref(),
        Some("Asylov B.N.")
    );
}
