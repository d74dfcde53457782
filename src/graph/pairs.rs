//! Who met most: every pair of people (or of states) ranked by the held
//! meetings both took part in, over the meetings a [`MeetingFilter`] keeps.
//! The same participants as the centrality network (`Graph::participants`);
//! counted over interned integers, with ids only for the page returned. And
//! how many meetings one person took part in, which people lists sort by.

use std::collections::HashMap;

use super::filter::MeetingFilter;
use super::met::PARTICIPATION;
use super::Graph;
use crate::model::{NodeId, NodeKind, PartialDate};

/// Two participants and the meetings they shared.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// The lesser id of the two.
    pub a: NodeId,
    pub b: NodeId,
    /// The shared meetings, earliest first (undated last, then by id).
    pub meetings: Vec<NodeId>,
    /// The earliest start of a shared meeting.
    pub first: Option<PartialDate>,
    /// The latest start of a shared meeting.
    pub last: Option<PartialDate>,
}

/// One page of the ranking and the number of pairs in all of it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TopPairs {
    pub pairs: Vec<Pair>,
    pub total: usize,
}

impl Graph {
    /// The held meetings `person` took part in (attended, chaired, spoke at).
    pub fn meeting_count(&self, person: &str) -> usize {
        self.meetings_of(person, &PARTICIPATION, None, None).len()
    }

    /// Pairs of participants of kind `kind` (PERSON or STATE) ranked by the
    /// held meetings `f` keeps that both took part in: most first, then by
    /// the two ids. Skips `offset` pairs and returns at most `first`.
    pub fn top_pairs(
        &self,
        kind: NodeKind,
        f: &MeetingFilter,
        offset: usize,
        first: usize,
    ) -> TopPairs {
        let mut meetings = self.meetings_matching(f);
        meetings.retain(|m| self.was_held(m.as_str()));
        // Date order, so every pair's meetings come out earliest first.
        let start = |m: &NodeId| self.node(m.as_str()).and_then(|n| n.start);
        meetings.sort_by(|a, b| {
            let key = |m| start(m).map_or((1, None), |d| (0, Some(d.earliest())));
            key(a).cmp(&key(b)).then(a.cmp(b))
        });
        let mut ids: Vec<NodeId> = Vec::new();
        let mut ix: HashMap<NodeId, u32> = HashMap::new();
        let mut shared: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
        for (mi, m) in meetings.iter().enumerate() {
            let people: Vec<u32> = self
                .participants(m.as_str(), kind)
                .into_iter()
                .map(|p| {
                    *ix.entry(p.clone()).or_insert_with(|| {
                        ids.push(p);
                        (ids.len() - 1) as u32
                    })
                })
                .collect();
            for (i, a) in people.iter().enumerate() {
                for b in &people[i + 1..] {
                    let key = if ids[*a as usize] < ids[*b as usize] {
                        (*a, *b)
                    } else {
                        (*b, *a)
                    };
                    shared.entry(key).or_default().push(mi as u32);
                }
            }
        }
        let total = shared.len();
        let mut ranked: Vec<((u32, u32), Vec<u32>)> = shared.into_iter().collect();
        ranked.sort_by(|(ka, ma), (kb, mb)| {
            let names = |(a, b): (u32, u32)| (&ids[a as usize], &ids[b as usize]);
            mb.len()
                .cmp(&ma.len())
                .then_with(|| names(*ka).cmp(&names(*kb)))
        });
        let pairs = ranked
            .into_iter()
            .skip(offset)
            .take(first)
            .map(|((a, b), ms)| {
                let dates: Vec<PartialDate> = ms
                    .iter()
                    .filter_map(|m| start(&meetings[*m as usize]))
                    .collect();
                Pair {
                    a: ids[a as usize].clone(),
                    b: ids[b as usize].clone(),
                    first: dates.iter().min_by_key(|d| d.earliest()).copied(),
                    last: dates.iter().max_by_key(|d| d.latest()).copied(),
                    meetings: ms.iter().map(|m| meetings[*m as usize].clone()).collect(),
                }
            })
            .collect();
        TopPairs { pairs, total }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::{Node, RelId, RelKind, Relation};

    fn nid(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    /// p0 and p1 share three meetings (2020, 2021, 2022), p1 and p2 one
    /// (2022); p3 attends 2023 alone.
    fn graph() -> Graph {
        let mut g = Graph::default();
        for p in 0..4 {
            g.put_node(Arc::new(Node::new(nid(&format!("person:p{p}")), "P")));
        }
        for (m, day) in [(0, "2020"), (1, "2021"), (2, "2022"), (3, "2023")] {
            let mut n = Node::new(nid(&format!("meeting:m{m}")), "M");
            n.start = Some(PartialDate::parse(day).unwrap());
            g.put_node(Arc::new(n));
        }
        let attended = [
            (0, 0),
            (1, 0),
            (0, 1),
            (1, 1),
            (0, 2),
            (1, 2),
            (2, 2),
            (3, 3),
        ];
        for (i, (p, m)) in attended.into_iter().enumerate() {
            g.put_relation(Arc::new(Relation::new(
                RelId::parse(&format!("rel:{i}")).unwrap(),
                RelKind::Attended,
                nid(&format!("person:p{p}")),
                nid(&format!("meeting:m{m}")),
            )));
        }
        g
    }

    fn ranked(t: &TopPairs) -> Vec<(String, String, usize)> {
        t.pairs
            .iter()
            .map(|p| (p.a.to_string(), p.b.to_string(), p.meetings.len()))
            .collect()
    }

    #[test]
    fn pairs_rank_by_shared_meetings_then_by_ids() {
        let t = graph().top_pairs(NodeKind::Person, &MeetingFilter::default(), 0, 10);
        let pair = |a: &str, b: &str, n| (format!("person:{a}"), format!("person:{b}"), n);
        assert_eq!(
            ranked(&t),
            [
                pair("p0", "p1", 3),
                pair("p0", "p2", 1),
                pair("p1", "p2", 1)
            ]
        );
        assert_eq!(t.total, 3);
        assert_eq!(t.pairs[0].first.unwrap().to_string(), "2020");
        assert_eq!(t.pairs[0].last.unwrap().to_string(), "2022");
    }

    #[test]
    fn pairs_count_only_the_filtered_meetings_and_page() {
        let g = graph();
        let from = PartialDate::parse("2021").unwrap();
        let f = MeetingFilter::window(Some(&from), None);
        let t = g.top_pairs(NodeKind::Person, &f, 1, 1);
        assert_eq!(t.total, 3);
        assert_eq!(ranked(&t), [("person:p0".into(), "person:p2".into(), 1)]);
    }
}
