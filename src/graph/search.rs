//! Name search over primary names and aliases: case-, diacritic- and
//! script-folded (deunicode transliterates Cyrillic, Han and the rest to ASCII),
//! word-prefix matching, ranked.

use std::collections::{BTreeMap, BTreeSet, HashMap};

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

/// Folded word → nodes having it in some name; node → its names, folded.
#[derive(Clone, Default)]
pub struct SearchIndex {
    words: BTreeMap<String, BTreeSet<NodeId>>,
    names: HashMap<NodeId, Vec<(String, Vec<String>)>>,
}

fn names_of(n: &Node) -> Vec<(String, Vec<String>)> {
    std::iter::once(n.name.as_str())
        .chain(n.aliases.iter().map(|a| a.text.as_str()))
        .map(|t| (t.to_owned(), fold(t)))
        .collect()
}

impl SearchIndex {
    pub fn insert(&mut self, n: &Node) {
        self.remove(&n.id);
        let names = names_of(n);
        for (_, words) in &names {
            for w in words {
                self.words
                    .entry(w.clone())
                    .or_default()
                    .insert(n.id.clone());
            }
        }
        self.names.insert(n.id.clone(), names);
    }

    pub fn remove(&mut self, id: &NodeId) {
        if let Some(names) = self.names.remove(id) {
            for (_, words) in names {
                for w in words {
                    if let Some(set) = self.words.get_mut(&w) {
                        set.remove(id);
                        if set.is_empty() {
                            self.words.remove(&w);
                        }
                    }
                }
            }
        }
    }

    fn with_prefix(&self, prefix: &str) -> BTreeSet<NodeId> {
        self.words
            .range(prefix.to_owned()..)
            .take_while(|(w, _)| w.starts_with(prefix))
            .flat_map(|(_, ids)| ids.iter().cloned())
            .collect()
    }

    /// Nodes whose name or alias has, for every query word, a word starting with
    /// it; best first. `kinds` empty means every kind.
    pub fn search(&self, text: &str, kinds: &[NodeKind], limit: usize) -> Vec<Hit> {
        let query = fold(text);
        let Some((first, rest)) = query.split_first() else {
            return Vec::new();
        };
        let mut candidates = self.with_prefix(first);
        for w in rest {
            let more = self.with_prefix(w);
            candidates.retain(|id| more.contains(id));
        }
        let mut hits: Vec<Hit> = candidates
            .into_iter()
            .filter(|id| kinds.is_empty() || kinds.contains(&id.kind()))
            .filter_map(|id| {
                let names = self.names.get(&id)?;
                names
                    .iter()
                    .enumerate()
                    .filter_map(|(i, (raw, words))| score(&query, words, i == 0).map(|s| (s, raw)))
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

/// 1.0 for the same words in the same order; less for prefixes, extra words,
/// or an alias rather than the primary name. `None` when a query word matches nothing.
fn score(query: &[String], words: &[String], primary: bool) -> Option<f64> {
    let mut total = 0.0;
    for q in query {
        let best = words
            .iter()
            .filter(|w| w.starts_with(q.as_str()))
            .map(|w| {
                if w == q {
                    1.0
                } else {
                    0.5 + 0.5 * q.len() as f64 / w.len() as f64
                }
            })
            .fold(None, |acc: Option<f64>, s| {
                Some(acc.map_or(s, |a| a.max(s)))
            })?;
        total += best;
    }
    let coverage = query.len() as f64 / words.len().max(query.len()) as f64;
    let order = if words.starts_with(query) { 0.05 } else { 0.0 };
    let primary = if primary { 0.02 } else { 0.0 };
    Some(total / query.len() as f64 * (0.7 + 0.3 * coverage) + order + primary)
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
        ix.insert(&node("state:kz", "Kazakhstan", &[]));
        ix
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
            let hits = ix.search(q, &[], 5);
            assert!(!hits.is_empty(), "{q}");
            assert_eq!(hits[0].matched, matched, "{q}");
        }
    }

    #[test]
    fn kinds_filter_and_removal_work() {
        let mut ix = index();
        assert!(ix.search("kaz", &[NodeKind::Person], 5).is_empty());
        assert_eq!(ix.search("kaz", &[], 5).len(), 1);
        ix.remove(&NodeId::parse("state:kz").unwrap());
        assert!(ix.search("kaz", &[], 5).is_empty());
    }
}
