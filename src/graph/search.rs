//! Name search over primary names and aliases.
//!
//! Text is folded to lowercase ASCII words with `deunicode` (case, diacritics,
//! and script: Cyrillic, Han and the rest are transliterated, so "Асылов"
//! finds "Asylov"). A query word matches a name word it is a prefix of, or one
//! within one edit (two for words of seven letters or more; Damerau–Levenshtein
//! from `strsim`), found through a trigram index rather than a scan. Single
//! letters are initials ("Asylov B.N."). Punctuation inside a word joins its
//! parts both ways: "Xi'an" is indexed as "xi", "an" and "xian", and a query
//! is tried with its punctuated words split and joined, and (when it has no
//! initials) with all its words run together, so "Xian", "Xi an", "Xi'an", "Nur-Sultan" and "NurSultan"
//! find each other. Results are ranked and report the name or alias that matched.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Bound;

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

/// A name folded for search: its words, and the words that punctuation
/// inside a token joins, each with the range of words it spans ("Xi'an":
/// words "xi", "an"; joined "xian" over 0..2).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Folded {
    pub words: Vec<String>,
    pub joined: Vec<(String, std::ops::Range<usize>)>,
}

impl Folded {
    /// The words with each joined run replaced by its joined word.
    fn with_joins(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut i = 0;
        for (w, r) in &self.joined {
            out.extend(self.words[i..r.start].iter().cloned());
            out.push(w.clone());
            i = r.end;
        }
        out.extend(self.words[i..].iter().cloned());
        out
    }
}

/// [`fold`], keeping what punctuation inside a whitespace-separated token
/// joined: "Nur-Sultan" gives "nur", "sultan" and the joined "nursultan".
pub fn fold_name(text: &str) -> Folded {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut f = Folded::default();
    for token in ascii.split(|c: char| c.is_whitespace()) {
        let start = f.words.len();
        f.words.extend(
            token
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_owned),
        );
        if f.words.len() - start > 1 {
            f.joined
                .push((f.words[start..].concat(), start..f.words.len()));
        }
    }
    f
}

/// One match: the node, the name that matched and how well.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: NodeId,
    pub matched: String,
    pub score: f64,
}

/// One name of a node as indexed: the text as written (what a hit reports)
/// and its folded words and joined words as word ids (4 bytes a word
/// rather than a `String` of its own: issue 12, "RAM after load").
#[derive(Clone)]
struct Name {
    raw: Box<str>,
    words: Box<[u32]>,
    /// A joined word and the range of `words` it spans.
    joined: Box<[(u32, u32, u32)]>,
}

/// The index: folded words (each with an id, reused after removal) → the
/// nodes that have them; word trigrams → word ids; node → its names, folded.
#[derive(Clone, Default)]
pub struct SearchIndex {
    ids: BTreeMap<Box<str>, u32>,
    text: Vec<Box<str>>,
    /// Per word id, the nodes with that word, sorted (a sorted vector
    /// rather than a `BTreeSet`: most words belong to one node or a few,
    /// and a B-tree leaf is ~190 bytes however few it holds).
    nodes: Vec<Vec<NodeId>>,
    free: Vec<u32>,
    trigrams: HashMap<[u8; 3], Vec<u32>>,
    names: HashMap<NodeId, Box<[Name]>>,
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
                let mut words: Vec<&str> = ws.iter().map(|w| self.word(*w)).collect();
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
        for (id, names) in names {
            let names: Vec<_> = names
                .iter()
                .map(|n| {
                    let words: Vec<&str> = n.words.iter().map(|w| self.word(*w)).collect();
                    let joined: Vec<_> = n
                        .joined
                        .iter()
                        .map(|(w, a, b)| (self.word(*w), *a..*b))
                        .collect();
                    (&n.raw, words, joined)
                })
                .collect();
            out.push_str(&format!("names {id} {names:?}\n"));
        }
        out
    }

    /// Gives back the spare room of the word and trigram lists (common
    /// words and trigrams grew by doubling as a load filed node after node).
    pub fn shrink_to_fit(&mut self) {
        self.nodes.iter_mut().for_each(Vec::shrink_to_fit);
        self.trigrams.values_mut().for_each(Vec::shrink_to_fit);
        self.nodes.shrink_to_fit();
        self.text.shrink_to_fit();
    }

    fn word(&self, id: u32) -> &str {
        &self.text[id as usize]
    }

    fn word_id(&mut self, w: &str) -> u32 {
        if let Some(id) = self.ids.get(w) {
            return *id;
        }
        let id = match self.free.pop() {
            Some(id) => {
                self.text[id as usize] = w.into();
                id
            }
            None => {
                self.text.push(w.into());
                self.nodes.push(Vec::new());
                (self.text.len() - 1) as u32
            }
        };
        self.ids.insert(w.into(), id);
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
        let names: Vec<Name> = std::iter::once(n.name.as_str())
            .chain(n.aliases.iter().map(|a| a.text.as_str()))
            .map(|raw| {
                let f = fold_name(raw);
                let words = f.words.iter().map(|w| self.add(w, &n.id)).collect();
                let joined = f
                    .joined
                    .iter()
                    .map(|(w, r)| (self.add(w, &n.id), r.start as u32, r.end as u32))
                    .collect();
                Name {
                    raw: raw.into(),
                    words,
                    joined,
                }
            })
            .collect();
        self.names.insert(n.id.clone(), names.into_boxed_slice());
    }

    /// Files node `id` under word `w`; the word's id.
    fn add(&mut self, w: &str, id: &NodeId) -> u32 {
        let wid = self.word_id(w);
        let set = &mut self.nodes[wid as usize];
        if let Err(at) = set.binary_search(id) {
            // Small sets grow one at a time (no spare room), large ones
            // by doubling.
            if set.len() == set.capacity() && set.len() < 16 {
                set.reserve_exact(1);
            }
            set.insert(at, id.clone());
        }
        wid
    }

    pub fn remove(&mut self, id: &NodeId) {
        let Some(names) = self.names.remove(id) else {
            return;
        };
        for name in names.iter() {
            let joined = name.joined.iter().map(|(w, _, _)| w);
            for &wid in name.words.iter().chain(joined) {
                let set = &mut self.nodes[wid as usize];
                // A word the node has twice is unfiled (and perhaps
                // dropped) the first time only.
                if let Ok(at) = set.binary_search(id) {
                    set.remove(at);
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
            .range::<str, _>((Bound::Included(q), Bound::Unbounded))
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
    /// The query is tried as written, with its punctuated words joined
    /// ("Xi'an" as "xian") and with all its words run together ("Xi an" as
    /// "xian"); each node keeps its best score.
    pub fn search(&self, text: &str, kinds: &[NodeKind], limit: usize) -> Vec<Hit> {
        let folded = fold_name(text);
        let mut forms = vec![folded.words.clone()];
        if !folded.joined.is_empty() {
            forms.push(folded.with_joins());
        }
        // Initials stay initials: "Krasnov Z." is not "krasnovz".
        if folded.words.len() > 1 && folded.words.iter().all(|w| w.len() > 1) {
            forms.push(vec![folded.words.concat()]);
        }
        let mut best: HashMap<NodeId, Hit> = HashMap::new();
        for form in &forms {
            for hit in self.search_words(form, kinds) {
                match best.get(&hit.id) {
                    Some(b) if b.score >= hit.score => {}
                    _ => {
                        best.insert(hit.id.clone(), hit);
                    }
                }
            }
        }
        let mut hits: Vec<Hit> = best.into_values().collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        hits.truncate(limit);
        hits
    }

    /// [`SearchIndex::search`] for one form of the query's words, unsorted.
    fn search_words(&self, query: &[String], kinds: &[NodeKind]) -> Vec<Hit> {
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
        // Per query word: matching index words (by word id) and their scores.
        let per_word: Vec<HashMap<u32, f64>> = full.iter().map(|q| self.matches(q)).collect();
        let nodes_of = |q: &String, m: Option<&HashMap<u32, f64>>| -> HashSet<&NodeId> {
            match m {
                Some(m) => m
                    .keys()
                    .flat_map(|id| self.nodes[*id as usize].iter())
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
        candidates
            .into_iter()
            .filter(|id| kinds.is_empty() || kinds.contains(&id.kind()))
            .filter_map(|id| {
                let names = self.names.get(id)?;
                names
                    .iter()
                    .enumerate()
                    .filter_map(|(i, name)| {
                        score(&per_word, &initials, name, &self.text, i == 0)
                            .map(|s| (s, &name.raw))
                    })
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .map(|(score, raw)| Hit {
                        id: id.clone(),
                        matched: raw.to_string(),
                        score,
                    })
            })
            .collect()
    }
}

/// Scores one name. Every full query word must match some name word, or a
/// joined word whose parts no other query word took (its matches were found
/// beforehand); initials should match the first letter of a word no full
/// word took. 1.0 and above is an exact match of the whole name.
fn score(
    full: &[HashMap<u32, f64>],
    initials: &[&String],
    name: &Name,
    text: &[Box<str>],
    primary: bool,
) -> Option<f64> {
    let words = &name.words;
    let mut used = vec![false; words.len()];
    let mut total = 0.0;
    for m in full {
        let single = words
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .filter_map(|(i, w)| m.get(w).map(|s| (i..i + 1, *s)));
        let joined = name
            .joined
            .iter()
            .map(|(w, a, b)| (w, *a as usize..*b as usize))
            .filter(|(_, r)| used[r.clone()].iter().all(|u| !u))
            .filter_map(|(w, r)| m.get(w).map(|s| (r, *s)));
        let (r, s) = single
            .chain(joined)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.len().cmp(&a.0.len())))?;
        used[r].iter_mut().for_each(|u| *u = true);
        total += s;
    }
    let mut missed = 0usize;
    for init in initials {
        let hit = words
            .iter()
            .enumerate()
            .position(|(i, w)| !used[i] && text[*w as usize].starts_with(init.as_str()));
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
    let exact = used.iter().all(|u| *u) && initials.is_empty() && total == full.len() as f64;
    let base = total / asked as f64 * (0.7 + 0.3 * coverage) - 0.05 * missed as f64;
    Some(base + if exact { 0.05 } else { 0.0 } + if primary { 0.01 } else { 0.0 })
}

#[cfg(test)]
mod tests;
