//! Time questions: who held an office on a date (certainly or only possibly,
//! at the precision the data has), succession, tenure checks, and the capacity
//! an attendee most likely attended in when no source states it.

use std::collections::BTreeMap;

use petgraph::Direction;

use super::Graph;
use crate::model::{Day, NodeId, NodeKind, PartialDate, RelId, RelKind, Relation};

/// How sure an answer is, given the precision of the dates involved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Certainty {
    /// True for some but not all of the days the dates allow.
    Possible,
    /// True whatever day each partial date turns out to be.
    Certain,
}

/// Whether a span with these (partial, maybe unknown) ends covers date `d` —
/// every day `d` may be. `None`: it cannot.
pub fn covers(
    start: Option<PartialDate>,
    end: Option<PartialDate>,
    d: &PartialDate,
) -> Option<Certainty> {
    let start_possible = start.is_none_or(|s| s.earliest() <= d.latest());
    let end_possible = end.is_none_or(|e| e.latest() >= d.earliest());
    if !(start_possible && end_possible) {
        return None;
    }
    let start_certain = start.is_some_and(|s| s.latest() <= d.earliest());
    let end_certain = end.is_some_and(|e| e.earliest() >= d.latest());
    Some(if start_certain && end_certain {
        Certainty::Certain
    } else {
        Certainty::Possible
    })
}

/// Whether a tenure covers date `d`, reading its vague dates too: a date it
/// was `seen` on, `start_by`, `end_after` and `end_before` narrow where its
/// unknown start and end may fall. `None`: it cannot.
pub fn tenure_covers(t: &Relation, d: &PartialDate) -> Option<Certainty> {
    let start_earliest = t.start.map(|s| s.earliest());
    let start_latest = t
        .start
        .iter()
        .chain(t.start_by.iter())
        .chain(t.seen.iter())
        .chain(t.end_after.iter())
        .map(|x| x.latest())
        .min();
    let end_earliest = t
        .end
        .iter()
        .chain(t.seen.iter())
        .map(|x| x.earliest())
        .chain(t.end_after.map(|x| x.latest()))
        .max();
    let end_latest = t
        .end
        .map(|e| e.latest())
        .into_iter()
        .chain(t.end_before.map(|b| b.earliest()))
        .min();
    let possible = start_earliest.is_none_or(|s| s <= d.latest())
        && end_latest.is_none_or(|e| e >= d.earliest());
    if !possible {
        return None;
    }
    let certain = start_latest.is_some_and(|s| s <= d.earliest())
        && end_earliest.is_some_and(|e| e >= d.latest());
    Some(if certain {
        Certainty::Certain
    } else {
        Certainty::Possible
    })
}

/// A person holding an office on a date: from a tenure, from evidence (an
/// attendance or signature in that capacity at a dated event), or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    pub person: NodeId,
    pub office: NodeId,
    pub tenure: Option<RelId>,
    pub certainty: Certainty,
    /// Attendances and signatures in this capacity that support the answer.
    pub evidence: Vec<RelId>,
}

/// Kinds of problem in an office's tenures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenureIssueKind {
    /// Two tenures certainly overlap (and neither is acting).
    Overlap,
    /// Days certainly pass between one tenure's end and the next one's start.
    Gap,
    /// A tenure has a successor but no recorded end.
    UnknownEnd,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenureIssue {
    pub kind: TenureIssueKind,
    pub office: NodeId,
    pub first: RelId,
    pub second: RelId,
}

/// The dates of the event a capacity was exercised at: a signature's own
/// date, else its document's; an attendance's meeting.
pub(super) fn event_span(g: &Graph, r: &Relation) -> Option<(PartialDate, PartialDate)> {
    let (start, end) = match r.kind {
        RelKind::Signed => {
            let d = r
                .date
                .or_else(|| g.node(r.to.as_str()).and_then(|n| n.date))?;
            (d, d)
        }
        RelKind::Attended | RelKind::SpokeAt => {
            let m = g.node(r.to.as_str())?;
            let s = m.start?;
            (s, m.end.unwrap_or(s))
        }
        _ => return None,
    };
    Some((start, end))
}

/// Does holding the office throughout an event spanning `[s, e]` answer "held
/// on `d`"? Certain when `d` lies within the event's days, possible when the
/// ranges merely overlap.
fn event_covers(s: &PartialDate, e: &PartialDate, d: &PartialDate) -> Option<Certainty> {
    let (ds, de) = (d.earliest(), d.latest());
    if de < s.earliest() || ds > e.latest() {
        return None;
    }
    // The person certainly held it on each day the event certainly ran.
    let certain_from: Day = s.latest();
    let certain_to: Day = e.earliest();
    if certain_from <= certain_to && ds >= certain_from && de <= certain_to {
        Some(Certainty::Certain)
    } else {
        Some(Certainty::Possible)
    }
}

fn merge(found: &mut BTreeMap<(NodeId, NodeId), Holding>, h: Holding) {
    match found.get_mut(&(h.person.clone(), h.office.clone())) {
        Some(old) => {
            old.certainty = old.certainty.max(h.certainty);
            if old.tenure.is_none() {
                old.tenure = h.tenure;
            }
            old.evidence.extend(h.evidence);
        }
        None => {
            found.insert((h.person.clone(), h.office.clone()), h);
        }
    }
}

impl Graph {
    fn holdings(
        &self,
        tenures: Vec<&Relation>,
        evidence: Vec<&Relation>,
        d: &PartialDate,
    ) -> Vec<Holding> {
        let mut found = BTreeMap::new();
        for t in tenures {
            if let Some(c) = tenure_covers(t, d) {
                merge(
                    &mut found,
                    Holding {
                        person: t.from.clone(),
                        office: t.to.clone(),
                        tenure: Some(t.id.clone()),
                        certainty: c,
                        evidence: Vec::new(),
                    },
                );
            }
        }
        for r in evidence {
            let (Some(office), Some((s, e))) = (r.capacity.as_ref(), event_span(self, r)) else {
                continue;
            };
            if let Some(c) = event_covers(&s, &e, d) {
                merge(
                    &mut found,
                    Holding {
                        person: r.from.clone(),
                        office: office.clone(),
                        tenure: None,
                        certainty: c,
                        evidence: vec![r.id.clone()],
                    },
                );
            }
        }
        let mut v: Vec<Holding> = found.into_values().collect();
        v.sort_by(|a, b| b.certainty.cmp(&a.certainty).then(a.person.cmp(&b.person)));
        v
    }

    /// Who held `office` on `d`, best supported first.
    pub fn holders_at(&self, office: &str, d: &PartialDate) -> Vec<Holding> {
        let tenures = self.relations(office, Direction::Incoming, Some(RelKind::Holds));
        let evidence = self
            .relations_referring(office)
            .into_iter()
            .filter(|r| r.capacity.as_ref().is_some_and(|c| c.as_str() == office))
            .map(|r| &**r)
            .collect();
        self.holdings(tenures.into_iter().map(|r| &**r).collect(), evidence, d)
    }

    /// The offices `person` held on `d`, best supported first.
    pub fn offices_at(&self, person: &str, d: &PartialDate) -> Vec<Holding> {
        let tenures = self.relations(person, Direction::Outgoing, Some(RelKind::Holds));
        let evidence: Vec<&Relation> = [RelKind::Attended, RelKind::Signed, RelKind::SpokeAt]
            .into_iter()
            .flat_map(|k| self.relations(person, Direction::Outgoing, Some(k)))
            .filter(|r| r.capacity.is_some())
            .map(|r| &**r)
            .collect();
        self.holdings(tenures.into_iter().map(|r| &**r).collect(), evidence, d)
    }

    /// An office's tenures in the order every dated piece of evidence gives
    /// (see [`Graph::holder_chain`]): recorded starts and ends, and
    /// attendances and signatures in that capacity; undated ones last.
    pub fn succession(&self, office: &str) -> Vec<&Relation> {
        self.holder_chain(office)
            .into_iter()
            .filter_map(|h| h.tenure)
            .filter_map(|t| self.relation(t.as_str()).map(|r| &**r))
            .collect()
    }

    /// Overlaps, gaps and unknown ends between consecutive tenures of `office`.
    pub fn tenure_issues(&self, office: &str) -> Vec<TenureIssue> {
        let order = self.succession(office);
        let mut out = Vec::new();
        let oid = match NodeId::parse(office) {
            Ok(id) => id,
            Err(_) => return out,
        };
        for pair in order.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let issue = |kind| TenureIssue {
                kind,
                office: oid.clone(),
                first: a.id.clone(),
                second: b.id.clone(),
            };
            match (a.end, b.start) {
                (None, _) => out.push(issue(TenureIssueKind::UnknownEnd)),
                (Some(e), Some(s)) => {
                    let acting = a.acting == Some(true) || b.acting == Some(true);
                    if e.earliest() > s.latest() && !acting {
                        out.push(issue(TenureIssueKind::Overlap));
                    } else if days_between(e.latest(), s.earliest()) > 1 {
                        out.push(issue(TenureIssueKind::Gap));
                    }
                }
                (Some(_), None) => {}
            }
        }
        out
    }

    /// Tenure issues of every office.
    pub fn all_tenure_issues(&self) -> Vec<TenureIssue> {
        self.ids_of_kind(NodeKind::Office)
            .flat_map(|o| self.tenure_issues(o.as_str()))
            .collect()
    }

    /// The capacity an attendance was in: the stated office, else the one the
    /// person held on the meeting's date (inferred, with its certainty).
    pub fn attendance_capacity(&self, att: &Relation) -> Option<(NodeId, Option<Certainty>)> {
        if let Some(c) = &att.capacity {
            return Some((c.clone(), None));
        }
        let meeting = self.node(att.to.as_str())?;
        let d = meeting.start?;
        // The person's edges as they lie, not collected and sorted: the
        // choice below does not depend on their order (ties go to the
        // smallest office id), and a Q2 answer asks this of every attendee.
        let person = *self.node_ix.get(att.from.as_str())?;
        let held = self
            .g
            .edges_directed(person, Direction::Outgoing)
            .map(|e| e.weight())
            .filter(|t| t.kind == RelKind::Holds)
            .filter_map(|t| tenure_covers(t, &d).map(|c| (c, &t.to)))
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(a.1)))?;
        Some((held.1.clone(), Some(held.0)))
    }
}

/// Days from `a` to `b` (negative when `b` is earlier), by the proleptic Gregorian calendar.
pub fn days_between(a: Day, b: Day) -> i64 {
    fn ord(d: Day) -> i64 {
        // Days since 0000-03-01, a standard civil-from-days inverse.
        let (y, m) = if d.month <= 2 {
            (d.year as i64 - 1, d.month as i64 + 9)
        } else {
            (d.year as i64, d.month as i64 - 3)
        };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * m + 2) / 5 + d.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe
    }
    ord(b) - ord(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    #[test]
    fn a_tenure_known_to_the_year_only_possibly_covers_a_day_in_that_year() {
        assert_eq!(
            covers(Some(d("2019")), None, &d("2019-03-01")),
            Some(Certainty::Possible)
        );
        assert_eq!(
            covers(Some(d("2019")), Some(d("2022")), &d("2020-06-01")),
            Some(Certainty::Certain)
        );
        assert_eq!(
            covers(Some(d("2019")), Some(d("2022")), &d("2022-06-01")),
            Some(Certainty::Possible)
        );
        assert_eq!(
            covers(Some(d("2019")), Some(d("2022")), &d("2023-01-01")),
            None
        );
        assert_eq!(covers(None, None, &d("2023")), Some(Certainty::Possible));
    }

    #[test]
    fn vague_tenure_dates_narrow_where_an_unknown_start_and_end_may_fall() {
        let mut t = Relation::new(
            RelId::parse("rel:t").unwrap(),
            RelKind::Holds,
            NodeId::parse("person:p").unwrap(),
            NodeId::parse("office:o").unwrap(),
        );
        assert_eq!(tenure_covers(&t, &d("2020")), Some(Certainty::Possible));
        t.start_by = Some(d("2019"));
        t.seen = vec![d("2021-03-01")];
        assert_eq!(tenure_covers(&t, &d("2020")), Some(Certainty::Certain));
        assert_eq!(tenure_covers(&t, &d("2021-06")), Some(Certainty::Possible));
        t.end_before = Some(d("2022"));
        assert_eq!(tenure_covers(&t, &d("2022-02")), None);
        t.end_after = Some(d("2021-06"));
        assert_eq!(
            tenure_covers(&t, &d("2021-06-15")),
            Some(Certainty::Certain)
        );
    }

    #[test]
    fn an_event_on_a_day_proves_that_day_only() {
        let day = d("2022-09-23");
        assert_eq!(event_covers(&day, &day, &day), Some(Certainty::Certain));
        assert_eq!(
            event_covers(&day, &day, &d("2022-09")),
            Some(Certainty::Possible)
        );
        assert_eq!(event_covers(&day, &day, &d("2022-09-24")), None);
        assert_eq!(
            event_covers(&d("2022-09"), &d("2022-09"), &day),
            Some(Certainty::Possible)
        );
    }

    #[test]
    fn days_between_counts_calendar_days() {
        let day = |s: &str| d(s).earliest();
        assert_eq!(days_between(day("2022-09-23"), day("2022-09-24")), 1);
        assert_eq!(days_between(day("2020-02-28"), day("2020-03-01")), 2);
        assert_eq!(days_between(day("2021-12-31"), day("2022-01-01")), 1);
        assert_eq!(days_between(day("2000-01-01"), day("2001-01-01")), 366);
    }
}
