//! Who met whom, fast: the people who took part in the same meetings as one
//! person, counted over petgraph indices and ranked only as far as the page
//! asked for.
//!
//! The order is most shared meetings first, then the most recent shared
//! meeting (by its start; undated meetings give no date, and no date ranks
//! last), then person id. Counting and the first two keys use indices and
//! dates only; ids are compared only between people tied on both, and only
//! for the rows a page needs.

use std::cmp::Ordering;
use std::collections::HashMap;

use fxhash::FxBuildHasher;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::met::Met;
use super::Graph;
use crate::model::{PartialDate, RelKind};

/// One person met, before the evidence is gathered.
#[derive(Clone, Copy)]
struct Row {
    who: NodeIndex,
    count: u32,
    last: Option<PartialDate>,
    /// The meeting counted last, so a person with several participations
    /// in one meeting counts it once.
    seen: NodeIndex,
}

/// Everyone `person` met, counted but not yet ordered: ask for its length,
/// where someone ranks, or a range of ranks with their evidence.
pub struct MetRanking<'g> {
    g: &'g Graph,
    kinds: Vec<RelKind>,
    /// The person's meetings that count, sorted by index.
    meetings: Vec<NodeIndex>,
    rows: Vec<Row>,
}

fn by_count_and_date(a: &Row, b: &Row) -> Ordering {
    b.count.cmp(&a.count).then(b.last.cmp(&a.last))
}

impl Graph {
    /// The people who took part in the same meetings as `person`: most shared
    /// meetings first, then the most recent, then by id.
    pub fn met_with(
        &self,
        person: &str,
        kinds: &[RelKind],
        from: Option<&PartialDate>,
        to: Option<&PartialDate>,
    ) -> Vec<Met> {
        let mut r = self.met_ranking(person, kinds, from, to);
        let n = r.len();
        r.range(0, n)
    }

    /// The people who took part in the same meetings as `person` (through
    /// `kinds`, in meetings held within the window), counted; see [`MetRanking`].
    pub fn met_ranking(
        &self,
        person: &str,
        kinds: &[RelKind],
        from: Option<&PartialDate>,
        to: Option<&PartialDate>,
    ) -> MetRanking<'_> {
        let mut r = MetRanking {
            g: self,
            kinds: kinds.to_vec(),
            meetings: Vec::new(),
            rows: Vec::new(),
        };
        let Some(&p) = self.node_ix.get(person) else {
            return r;
        };
        r.meetings = self
            .participations(p, kinds)
            .filter(|m| {
                let n = &self.g[*m];
                n.was_held() && self.dates_in_window(n.start, n.end, from, to)
            })
            .collect();
        r.meetings.sort_unstable();
        r.meetings.dedup();
        let mut slot: HashMap<NodeIndex, u32, FxBuildHasher> = HashMap::default();
        for &m in &r.meetings {
            let date = self.g[m].start;
            for e in self.g.edges_directed(m, Direction::Incoming) {
                let q = e.source();
                if q == p || !kinds.contains(&e.weight().kind) || !self.is_person(q) {
                    continue;
                }
                let i = *slot.entry(q).or_insert_with(|| {
                    r.rows.push(Row {
                        who: q,
                        count: 0,
                        last: None,
                        seen: NodeIndex::end(),
                    });
                    (r.rows.len() - 1) as u32
                });
                let row = &mut r.rows[i as usize];
                if row.seen != m {
                    row.seen = m;
                    row.count += 1;
                    row.last = row.last.max(date);
                }
            }
        }
        r
    }

    /// The nodes `ix` points at through relations of `kinds`.
    fn participations<'a>(
        &'a self,
        ix: NodeIndex,
        kinds: &'a [RelKind],
    ) -> impl Iterator<Item = NodeIndex> + 'a {
        self.g
            .edges_directed(ix, Direction::Outgoing)
            .filter(|e| kinds.contains(&e.weight().kind))
            .map(|e| e.target())
    }

    fn is_person(&self, ix: NodeIndex) -> bool {
        self.g[ix].id.as_str().starts_with("person:")
    }

    /// Whether a meeting from `start` to `end` may fall in `[from, to]`
    /// (undated meetings only when there is no window).
    pub(crate) fn dates_in_window(
        &self,
        start: Option<PartialDate>,
        end: Option<PartialDate>,
        from: Option<&PartialDate>,
        to: Option<&PartialDate>,
    ) -> bool {
        if from.is_none() && to.is_none() {
            return true;
        }
        match start {
            Some(s) => {
                let e = end.unwrap_or(s);
                from.is_none_or(|f| e.latest() >= f.earliest())
                    && to.is_none_or(|t| s.earliest() <= t.latest())
            }
            None => false,
        }
    }
}

impl MetRanking<'_> {
    /// How many people were met.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn order(&self, a: &Row, b: &Row) -> Ordering {
        by_count_and_date(a, b).then_with(|| self.g.g[a.who].id.cmp(&self.g.g[b.who].id))
    }

    /// Where `id` ranks (0 first), if it was met.
    pub fn position(&self, id: &str) -> Option<usize> {
        let ix = *self.g.node_ix.get(id)?;
        let me = *self.rows.iter().find(|r| r.who == ix)?;
        Some(
            self.rows
                .iter()
                .filter(|r| self.order(r, &me) == Ordering::Less)
                .count(),
        )
    }

    /// The people ranked `start..end` (clamped to the length), in order, each
    /// with the shared meetings.
    pub fn range(&mut self, start: usize, end: usize) -> Vec<Met> {
        let end = end.min(self.rows.len());
        if start >= end {
            return Vec::new();
        }
        self.best_first(end);
        let mut top = self.rows[..end].to_vec();
        top.sort_unstable_by(|a, b| self.order(a, b));
        top[start..].iter().map(|r| self.evidence(r)).collect()
    }

    /// Moves the `k` best rows to the front (in no order): first by count
    /// and date alone, then by id among the rows tied at the cut.
    fn best_first(&mut self, k: usize) {
        if k == 0 || k >= self.rows.len() {
            return;
        }
        let (_, cut, _) = self.rows.select_nth_unstable_by(k - 1, by_count_and_date);
        let cut = *cut;
        // Rows tied with the cut may sit on either side of it.
        let (mut front, mut tied, mut back) = (Vec::new(), Vec::new(), Vec::new());
        for r in &self.rows {
            match by_count_and_date(r, &cut) {
                Ordering::Less => front.push(*r),
                Ordering::Equal => tied.push(*r),
                Ordering::Greater => back.push(*r),
            }
        }
        let need = k - front.len();
        if need < tied.len() {
            let g = self.g;
            tied.select_nth_unstable_by(need - 1, |a, b| g.g[a.who].id.cmp(&g.g[b.who].id));
        }
        front.append(&mut tied);
        front.append(&mut back);
        self.rows = front;
    }

    /// A row with its shared meetings, earliest first (undated last, ties by id).
    fn evidence(&self, r: &Row) -> Met {
        let g = self.g;
        let mut ms: Vec<NodeIndex> = g
            .participations(r.who, &self.kinds)
            .filter(|m| self.meetings.binary_search(m).is_ok())
            .collect();
        ms.sort_unstable();
        ms.dedup();
        let date = |m: &NodeIndex| g.g[*m].start;
        ms.sort_by(|a, b| {
            (date(a).is_none(), date(a))
                .cmp(&(date(b).is_none(), date(b)))
                .then_with(|| g.g[*a].id.cmp(&g.g[*b].id))
        });
        let dates = ms.iter().filter_map(date);
        Met {
            person: g.g[r.who].id.clone(),
            first: dates.clone().min(),
            last: dates.max(),
            meetings: ms.iter().map(|m| g.g[*m].id.clone()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::{Node, NodeId, RelId, Relation};

    fn nid(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    /// p0 meets p5, p4, …, p1 (added in that order) once each at one meeting,
    /// and p9 twice.
    fn tied() -> Graph {
        let mut g = Graph::default();
        for p in [0, 5, 4, 3, 2, 1, 9] {
            g.put_node(Arc::new(Node::new(nid(&format!("person:p{p}")), "P")));
        }
        for m in 0..2 {
            let mut n = Node::new(nid(&format!("meeting:m{m}")), "M");
            n.start = Some(PartialDate::year(2020 + m));
            g.put_node(Arc::new(n));
        }
        let mut att = |p: usize, m: usize| {
            g.put_relation(Arc::new(Relation::new(
                RelId::parse(&format!("rel:p{p}-m{m}")).unwrap(),
                RelKind::Attended,
                nid(&format!("person:p{p}")),
                nid(&format!("meeting:m{m}")),
            )))
        };
        for p in [0, 5, 4, 3, 2, 1, 9] {
            att(p, 0);
        }
        att(0, 1);
        att(9, 1);
        g
    }

    fn who(ms: Vec<Met>) -> Vec<String> {
        ms.into_iter().map(|m| m.person.to_string()).collect()
    }

    #[test]
    fn a_page_cut_inside_a_tie_takes_the_tied_people_by_id() {
        let g = tied();
        let kinds = [RelKind::Attended];
        let mut r = g.met_ranking("person:p0", &kinds, None, None);
        assert_eq!(r.len(), 6);
        assert_eq!(who(r.range(0, 3)), ["person:p9", "person:p1", "person:p2"]);
        assert_eq!(who(r.range(3, 5)), ["person:p3", "person:p4"]);
        assert_eq!(r.position("person:p4"), Some(4));
        assert_eq!(r.position("person:p0"), None);
        assert!(r.range(6, 9).is_empty());
    }
}
