//! Name search over primary names and aliases.
//!
//! Text is folded to lowercase ASCII words with `deunicode` (case, diacritics,
//! and script: Cyrillic, Han and the rest are transliterated, so "Асылов"
//! finds "Asylov"). A query word matches a name word it is a prefix of, or one
//! within one edit (two for words of seven letters or more; Damerau–Levenshtein
//! from `strsim`), found through a trigram index rather than a scan. Single
//! letters are initials ("Asylov B.N."). Results are ranked and report the
//! name or alias that matched.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::model::{Node, NodeId, NodeKind};

/// Folds text to lowercase ASCII words: "Berik Assylov" and "ASSYLOV, Berik"
/// give the same words, "Zulúshev" gives "zulushev", Cyrillic is transliterated.
pub fn fold(text: &str) -> Vec<String> {
    let ascii = deunicode::deunicode(text).to_lowercase();
    ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One match: the node, the name that matched and how well.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: NodeId,
    pub matched: String,
    pub score: f64,
}

/// The index: folded words (each with an id, reused after removal) → the
/// nodes that have them; word trigrams → word ids; node → its names, folded.
#[derive(Clone, Default)]
pub struct SearchIndex {
    ids: BTreeMap<String, u32>,
    text: Vec<String>,
    nodes: Vec<BTreeSet<NodeId>>,
    free: Vec<u32>,
    trigrams: HashMap<[u8; 3], Vec<u32>>,
    names: HashMap<NodeId, Vec<(String, Vec<String>)>>,
}

fn trigrams(word: &str) -> Vec<[u8; 3]> {
    let padded: Vec<u8> = std::iter::once(b'$')
        .chain(word.bytes())
        .chain(std::iter::once(b'$'))
        .collect();
    let mut t: Vec<[u8; 3]> = padded.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
    t.sort_unstable();
    t.dedup();
    t
}

/// Edits allowed between a query word and a name word.
fn max_edits(word: &str) -> usize {
    match word.len() {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

fn names_of(n: &Node) -> Vec<(String, Vec<String>)> {
    std::iter::once(n.name.as_str())
        .chain(n.aliases.iter().map(|a| a.text.as_str()))
        .map(|t| (t.to_owned(), fold(t)))
        .collect()
}

/// How well query word `q` matches an index word it is a prefix of (or equals).
fn prefix_score(q: &str, w: &str) -> f64 {
    if w == q {
        1.0
    } else {
        0.5 + 0.4 * q.len() as f64 / w.len() as f64
    }
}

/// How well a query word matches a word `d` edits away.
fn typo_score(d: usize) -> f64 {
    0.75 - 0.15 * d as f64
}

impl SearchIndex {
    /// Every entry in a canonical order, free of word-id numbering (for tests
    /// that compare indexes built along different histories).
    pub fn fingerprint(&self) -> String {
        let mut out = String::new();
        for (word, id) in &self.ids {
            let nodes = &self.nodes[*id as usize];
            out.push_str(&format!("word {word} {nodes:?}\n"));
        }
        let mut grams: Vec<(String, Vec<&str>)> = self
            .trigrams
            .iter()
            .filter(|(_, ws)| !ws.is_empty())
            .map(|(t, ws)| {
                let mut words: Vec<&str> =
                    ws.iter().map(|w| self.text[*w as usize].as_str()).collect();
                words.sort_unstable();
                (String::from_utf8_lossy(t).into_owned(), words)
            })
            .collect();
        grams.sort();
        for (t, words) in grams {
            out.push_str(&format!("gram {t} {words:?}\n"));
        }
        let mut names: Vec<_> = self.names.iter().collect();
        names.sort_by(|a, b| a.0.cmp(b.0));
        for (id, n) in names {
            out.push_str(&format!("names {id} {n:?}\n"));
        }
        out
    }

    fn word_id(&mut self, w: &str) -> u32 {
        if let Some(id) = self.ids.get(w) {
            return *id;
        }
        let id = match self.free.pop() {
            Some(id) => {
                self.text[id as usize] = w.to_owned();
                id
            }
            None => {
                self.text.push(w.to_owned());
                self.nodes.push(BTreeSet::new());
                (self.text.len() - 1) as u32
            }
        };
        self.ids.insert(w.to_owned(), id);
        for t in trigrams(w) {
            self.trigrams.entry(t).or_default().push(id);
        }
        id
    }

    fn drop_word(&mut self, id: u32) {
        let w = std::mem::take(&mut self.text[id as usize]);
        self.ids.remove(&w);
        for t in trigrams(&w) {
            if let Some(list) = self.trigrams.get_mut(&t) {
                if let Some(pos) = list.iter().position(|x| *x == id) {
                    list.swap_remove(pos);
                }
                if list.is_empty() {
                    self.trigrams.remove(&t);
                }
            }
        }
        self.free.push(id);
    }

    pub fn insert(&mut self, n: &Node) {
        self.remove(&n.id);
        let names = names_of(n);
        for (_, words) in &names {
            for w in words {
                let id = self.word_id(w);
                self.nodes[id as usize].insert(n.id.clone());
            }
        }
        self.names.insert(n.id.clone(), names);
    }

    pub fn remove(&mut self, id: &NodeId) {
        let Some(names) = self.names.remove(id) else {
            return;
        };
        for (_, words) in names {
            for w in words {
                if let Some(&wid) = self.ids.get(&w) {
                    let set = &mut self.nodes[wid as usize];
                    set.remove(id);
                    if set.is_empty() {
                        self.drop_word(wid);
                    }
                }
            }
        }
    }

    /// The index words query word `q` may stand for, with how well: words it
    /// prefixes, and words within the allowed edits (candidates from shared
    /// trigrams, then checked with Damerau–Levenshtein).
    fn matches(&self, q: &str) -> HashMap<u32, f64> {
        let mut out: HashMap<u32, f64> = self
            .ids
            .range(q.to_owned()..)
            .take_while(|(w, _)| w.starts_with(q))
            .map(|(w, id)| (*id, prefix_score(q, w)))
            .collect();
        let k = max_edits(q);
        if k > 0 {
            let qt = trigrams(q);
            let need = qt.len().saturating_sub(3 * k).max(1) as u16;
            let mut counts = vec![0u16; self.text.len()];
            for t in &qt {
                for id in self.trigrams.get(t).into_iter().flatten() {
                    counts[*id as usize] += 1;
                }
            }
            for (id, n) in counts.iter().enumerate() {
                if *n < need || out.contains_key(&(id as u32)) {
                    continue;
                }
                let w = &self.text[id];
                if w.len().abs_diff(q.len()) <= k {
                    let d = strsim::damerau_levenshtein(q, w);
                    if d <= k {
                        out.insert(id as u32, typo_score(d));
                    }
                }
            }
        }
        out
    }

    /// Nodes with a name or alias matching every query word (initials may
    /// go unmatched, at a cost); best first. `kinds` empty means every kind.
    pub fn search(&self, text: &str, kinds: &[NodeKind], limit: usize) -> Vec<Hit> {
        let query = fold(text);
        let (full, initials): (Vec<&String>, Vec<&String>) =
            query.iter().partition(|w| w.len() > 1);
        let lead: Vec<&String> = if full.is_empty() {
            initials.iter().take(1).copied().collect()
        } else {
            full.clone()
        };
        if lead.is_empty() {
            return Vec::new();
        }
        // Per query word: matching index words (by text) and their scores.
        let per_word: Vec<HashMap<&str, f64>> = full
            .iter()
            .map(|q| {
                self.matches(q)
                    .into_iter()
                    .map(|(id, s)| (self.text[id as usize].as_str(), s))
                    .collect()
            })
            .collect();
        let nodes_of = |q: &String, m: Option<&HashMap<&str, f64>>| -> HashSet<&NodeId> {
            match m {
                Some(m) => m
                    .keys()
                    .flat_map(|w| self.ids.get(*w).map(|id| &self.nodes[*id as usize]))
                    .flatten()
                    .collect(),
                None => self
                    .matches(q)
                    .keys()
                    .flat_map(|id| self.nodes[*id as usize].iter())
                    .collect(),
            }
        };
        let mut candidates = nodes_of(lead[0], per_word.first());
        for (i, q) in lead.iter().enumerate().skip(1) {
            let more = nodes_of(q, per_word.get(i));
            candidates.retain(|id| more.contains(id));
        }
        let mut hits: Vec<Hit> = candidates
            .into_iter()
            .filter(|id| kinds.is_empty() || kinds.contains(&id.kind()))
            .filter_map(|id| {
                let names = self.names.get(id)?;
                names
                    .iter()
                    .enumerate()
                    .filter_map(|(i, (raw, words))| {
                        score(&per_word, &initials, words, i == 0).map(|s| (s, raw))
                    })
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(score, raw)| Hit {
                        id: id.clone(),
                        matched: raw.clone(),
                        score,
                    })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        hits.truncate(limit);
        hits
    }
}

/// Scores one name. Every full query word must match some name word (its
/// matches were found beforehand); initials should match the first letter of
/// a word no full word took. 1.0 and above is an exact match of the whole name.
fn score(
    full: &[HashMap<&str, f64>],
    initials: &[&String],
    words: &[String],
    primary: bool,
) -> Option<f64> {
    let mut used = vec![false; words.len()];
    let mut total = 0.0;
    for m in full {
        let (i, s) = words
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .filter_map(|(i, w)| m.get(w.as_str()).map(|s| (i, *s)))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        used[i] = true;
        total += s;
    }
    let mut missed = 0usize;
    for init in initials {
        let hit = words
            .iter()
            .enumerate()
            .position(|(i, w)| !used[i] && w.starts_with(init.as_str()));
        match hit {
            Some(i) => {
                used[i] = true;
                total += 0.9;
            }
            None => missed += 1,
        }
    }
    let asked = full.len() + initials.len();
    if full.is_empty() && missed == initials.len() {
        return None;
    }
    if missed > 0 && missed == initials.len() && !initials.is_empty() && words.len() > full.len() {
        // None of the initials fits the rest of the name: not this person.
        return None;
    }
    let coverage = used.iter().filter(|u| **u).count() as f64 / words.len().max(1) as f64;
    let exact = full.len() == words.len() && initials.is_empty() && total == full.len() as f64;
    let base = total / asked as f64 * (0.7 + 0.3 * coverage) - 0.05 * missed as f64;
    Some(base + if exact { 0.05 } else { 0.0 } + if primary { 0.01 } else { 0.0 })
}

#[cfg(test)]
mod tests {
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
}
