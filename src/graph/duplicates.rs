//! Likely duplicates: pairs of nodes of one kind whose names (or aliases)
//! fold to the same key, or to keys a typo or two apart, ranked with the
//! reasons, for a person to confirm and merge. Shared neighbours by the same
//! relation kind (two people holding one office, attending one meeting)
//! raise the score.
//!
//! A name's key is its folded words ([`super::fold`], as search folds them:
//! case, diacritics and script) sorted, so "Асылов Берик" and "Berik
//! Asylov" share one. Candidates are found through the words keys share, so
//! the work follows the pairs that share a word, not every pair; a word that
//! more than [`CROWD`] nodes of a kind share ("ministry") finds none.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::Direction;

use super::Graph;
use crate::model::{NodeId, NodeKind};

/// Two keys this similar ([`similarity`]) are "close".
const CLOSE: f64 = 0.85;
/// Two words this similar (normalised Damerau–Levenshtein) may be one
/// misspelt: "asylov" and "assylov" (0.86), not "tajikistan" and
/// "uzbekistan" (0.6).
const WORD_CLOSE: f64 = 0.8;
/// Words shared by more nodes of a kind than this find no candidates.
const CROWD: usize = 40;
/// What each shared neighbour adds to a pair's score, and the most they add.
const NEIGHBOUR_BOOST: f64 = 0.1;
const MAX_BOOST: f64 = 0.5;

/// Two nodes that may be one.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    /// The pair, in id order.
    pub nodes: [NodeId; 2],
    /// 1.0 for the same key, less for close keys, plus the shared neighbours.
    pub score: f64,
    /// Why, one line each: the names, then each neighbour they share.
    pub reasons: Vec<String>,
}

/// How alike two keys are: 1.0 when equal; else, when they have as many
/// words and each word of one pairs with its own word of the other (equal,
/// or a misspelling of it: at least [`WORD_CLOSE`] alike and four letters
/// long; numbers only equal), the mean likeness of the pairs; else 0. Word
/// by word, so names that differ in a whole word ("… of Tajikistan", "… of
/// Uzbekistan") or a number ("8 September", "13 September") are not close.
pub fn similarity(x: &str, y: &str) -> f64 {
    if x == y {
        return 1.0;
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (x.split(' ').collect(), y.split(' ').collect());
    if a.len() != b.len() {
        return 0.0;
    }
    let mut free: Vec<&str> = b;
    let mut total = 0.0;
    for w in &a {
        let best = free
            .iter()
            .enumerate()
            .map(|(i, v)| (i, word_likeness(w, v)))
            .max_by(|p, q| p.1.total_cmp(&q.1));
        match best {
            Some((i, sim)) if sim > 0.0 => {
                total += sim;
                free.swap_remove(i);
            }
            _ => return 0.0,
        }
    }
    total / a.len() as f64
}

fn word_likeness(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let numeric = |w: &str| w.chars().any(|c| c.is_ascii_digit());
    if numeric(a) || numeric(b) || a.len().min(b.len()) < 4 {
        return 0.0;
    }
    let sim = strsim::normalized_damerau_levenshtein(a, b);
    if sim >= WORD_CLOSE {
        sim
    } else {
        0.0
    }
}

/// A name folded to its sorted words.
fn key(text: &str) -> String {
    let mut words = super::fold(text);
    words.sort();
    words.join(" ")
}

impl Graph {
    /// Likely duplicates, best first (then by ids), at most `limit`.
    pub fn likely_duplicates(&self, limit: usize) -> Vec<Duplicate> {
        let mut found = Vec::new();
        for kind in NodeKind::ALL {
            found.extend(self.duplicates_of_kind(kind));
        }
        found.sort_by(|a: &Duplicate, b: &Duplicate| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.nodes.cmp(&b.nodes))
        });
        found.truncate(limit);
        found
    }

    fn duplicates_of_kind(&self, kind: NodeKind) -> Vec<Duplicate> {
        // Each node's keys (name first), and the nodes each word appears in.
        let mut keys: BTreeMap<&NodeId, Vec<(String, &str)>> = BTreeMap::new();
        let mut by_word: HashMap<String, BTreeSet<&NodeId>> = HashMap::new();
        for id in self.ids_of_kind(kind) {
            let Some(n) = self.node(id.as_str()) else {
                continue;
            };
            let names =
                std::iter::once(n.name.as_str()).chain(n.aliases.iter().map(|a| a.text.as_str()));
            let mut mine: Vec<(String, &str)> = Vec::new();
            for text in names {
                let k = key(text);
                if k.is_empty() || mine.iter().any(|(m, _)| *m == k) {
                    continue;
                }
                for w in k.split(' ') {
                    by_word.entry(w.to_owned()).or_default().insert(id);
                }
                mine.push((k, text));
            }
            keys.insert(id, mine);
        }
        let mut pairs: BTreeSet<(&NodeId, &NodeId)> = BTreeSet::new();
        for ids in by_word.values().filter(|s| s.len() > 1 && s.len() <= CROWD) {
            let ids: Vec<&&NodeId> = ids.iter().collect();
            for (i, a) in ids.iter().enumerate() {
                for b in &ids[i + 1..] {
                    pairs.insert((**a, **b));
                }
            }
        }
        pairs
            .into_iter()
            .filter_map(|(a, b)| self.judge(a, b, &keys[a], &keys[b]))
            .collect()
    }

    /// The pair's score and reasons, if their names are the same or close.
    fn judge(
        &self,
        a: &NodeId,
        b: &NodeId,
        ka: &[(String, &str)],
        kb: &[(String, &str)],
    ) -> Option<Duplicate> {
        let mut best: Option<(f64, &str, &str, &str)> = None;
        for (x, tx) in ka {
            for (y, ty) in kb {
                let sim = similarity(x, y);
                if best.is_none_or(|(s, ..)| sim > s) {
                    best = Some((sim, tx, ty, x));
                }
            }
        }
        let (sim, ta, tb, k) = best.filter(|(s, ..)| *s >= CLOSE)?;
        let mut reasons = vec![if sim >= 1.0 {
            format!("names fold to the same key: “{ta}” and “{tb}” are both `{k}`")
        } else {
            format!(
                "names close: “{ta}” and “{tb}” ({:.0}% alike once folded)",
                sim * 100.0
            )
        }];
        let shared = self.shared_neighbours(a, b);
        let boost = (shared.len() as f64 * NEIGHBOUR_BOOST).min(MAX_BOOST);
        reasons.extend(
            shared
                .into_iter()
                .map(|(kind, n)| format!("both `{kind}` `{n}`")),
        );
        Some(Duplicate {
            nodes: [a.clone(), b.clone()],
            score: sim + boost,
            reasons,
        })
    }

    /// The nodes both `a` and `b` reach by a relation of the same kind and
    /// direction (offices both hold, meetings both attended), with the kind.
    fn shared_neighbours(&self, a: &NodeId, b: &NodeId) -> Vec<(&'static str, NodeId)> {
        let ends = |id: &NodeId| -> BTreeSet<(&'static str, bool, NodeId)> {
            let mut out = BTreeSet::new();
            for (dir, outgoing) in [(Direction::Outgoing, true), (Direction::Incoming, false)] {
                for r in self.relations(id.as_str(), dir, None) {
                    let other = if outgoing { &r.to } else { &r.from };
                    out.insert((r.kind.name(), outgoing, other.clone()));
                }
            }
            out
        };
        let (ea, eb) = (ends(a), ends(b));
        ea.intersection(&eb)
            .filter(|(_, _, n)| n != a && n != b)
            .map(|(kind, _, n)| (*kind, n.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::{Node, RelId, RelKind, Relation};

    fn node(id: &str, name: &str) -> Arc<Node> {
        Arc::new(Node::new(NodeId::parse(id).unwrap(), name))
    }

    fn graph(nodes: &[(&str, &str)]) -> Graph {
        let mut g = Graph::default();
        for (id, name) in nodes {
            g.put_node(node(id, name));
        }
        g
    }

    #[test]
    fn names_in_another_script_or_order_are_the_same_key() {
        let g = graph(&[
            ("person:a", "Berik Asylov"),
            ("person:b", "Асылов Берик"),
            ("person:c", "Someone Else"),
        ]);
        let d = g.likely_duplicates(10);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].nodes[0].as_str(), "person:a");
        assert_eq!(d[0].score, 1.0);
    }

    #[test]
    fn a_typo_apart_is_close_and_ranks_below_the_same_key() {
        let g = graph(&[
            ("person:a", "Berik Asylov"),
            ("person:b", "Berik Assylov"),
            ("person:c", "Gizat Nurdauletov"),
            ("person:d", "Nurdauletov Gizat"),
        ]);
        let d = g.likely_duplicates(10);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].nodes[0].as_str(), "person:c");
        assert!(d[1].score < 1.0 && d[1].score >= CLOSE, "{d:?}");
    }

    #[test]
    fn names_a_whole_word_or_a_number_apart_are_not_close() {
        let g = graph(&[
            ("office:a", "Prosecutor General of Tajikistan"),
            ("office:b", "Prosecutor General of Uzbekistan"),
            ("meeting:a", "Experts meeting (8 September 2022)"),
            ("meeting:b", "Experts meeting (13 September 2022)"),
        ]);
        assert!(g.likely_duplicates(10).is_empty());
    }

    #[test]
    fn nodes_of_different_kinds_are_never_duplicates() {
        let g = graph(&[("person:a", "Astana"), ("place:a", "Astana")]);
        assert!(g.likely_duplicates(10).is_empty());
    }

    #[test]
    fn a_shared_office_raises_the_score_and_is_a_reason() {
        let mut g = graph(&[
            ("person:a", "Berik Asylov"),
            ("person:b", "Berik Assylov"),
            ("office:pg", "Prosecutor General"),
        ]);
        for p in ["a", "b"] {
            g.put_relation(Arc::new(Relation::new(
                RelId::parse(&format!("rel:{p}")).unwrap(),
                RelKind::Holds,
                NodeId::parse(&format!("person:{p}")).unwrap(),
                NodeId::parse("office:pg").unwrap(),
            )));
        }
        let d = g.likely_duplicates(10);
        let alone = similarity("asylov berik", "assylov berik");
        assert!((d[0].score - alone - NEIGHBOUR_BOOST).abs() < 1e-9, "{d:?}");
        assert_eq!(d[0].reasons[1], "both `holds` `office:pg`");
    }
}
