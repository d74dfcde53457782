//! The holders of an office placed in time from every dated piece of evidence:
//! tenure starts and ends, and attendances and signatures in that capacity at
//! dated meetings and documents. The chain of holders reads in the order the
//! evidence gives (never in id order), each holder with the evidence that
//! placed them; where the evidence contradicts itself the office gets an
//! [`EvidenceIssue`].

use std::cmp::Ordering;

use petgraph::Direction;

use super::time::{covers, event_span};
use super::Graph;
use crate::model::{Citation, Day, NodeId, NodeKind, PartialDate, RelId, RelKind, Relation};

/// What a piece of evidence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EvidenceKind {
    /// A tenure's recorded start.
    Start,
    /// A tenure's recorded end.
    End,
    /// An attendance in the office's capacity at a dated meeting.
    Attended,
    /// A signature in the office's capacity on a dated document.
    Signed,
    /// A date the tenure records them as seen in office.
    Seen,
    /// The tenure says they held the office by this date.
    StartBy,
    /// The tenure says they still held it through this date.
    EndAfter,
    /// The tenure says they no longer held it when this date began: an upper
    /// bound on the end, not a date in office.
    EndBefore,
}

/// One dated piece of evidence that a person held an office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// The (first) date it speaks of.
    pub date: PartialDate,
    /// Its last date: a meeting's end, else `date`.
    pub until: PartialDate,
    /// The relation that carries it.
    pub relation: RelId,
    /// The sources that relation cites.
    pub citations: Vec<Citation>,
}

impl Evidence {
    /// The days on which the person certainly held the office, by this piece
    /// alone: a point of evidence holds on its own days. A tenure's start or
    /// end alone bounds nothing certain on its own.
    fn certain_days(&self) -> Option<(Day, Day)> {
        match self.kind {
            EvidenceKind::Attended | EvidenceKind::Signed | EvidenceKind::Seen => {
                let (s, e) = (self.date.latest(), self.until.earliest());
                (s <= e).then_some((s, e))
            }
            EvidenceKind::EndAfter => Some((self.date.latest(), self.date.latest())),
            _ => None,
        }
    }

    /// Whether it is a date they held the office on (all but `EndBefore`).
    pub fn places(&self) -> bool {
        self.kind != EvidenceKind::EndBefore
    }
}

/// A person's hold on an office: one recorded tenure (or none, when only
/// evidence in that capacity places them) with every piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub person: NodeId,
    pub office: NodeId,
    pub tenure: Option<RelId>,
    pub start: Option<PartialDate>,
    pub end: Option<PartialDate>,
    pub acting: bool,
    /// Date order.
    pub evidence: Vec<Evidence>,
}

impl Held {
    /// The earliest date the evidence places them in office.
    pub fn first(&self) -> Option<&Evidence> {
        self.placing().min_by(|a, b| a.date.cmp(&b.date))
    }

    pub(super) fn placing(&self) -> impl Iterator<Item = &Evidence> {
        self.evidence.iter().filter(|e| e.places())
    }

    /// The latest date the evidence places them in office.
    pub fn last(&self) -> Option<&Evidence> {
        self.placing().max_by(|a, b| a.until.cmp(&b.until))
    }

    /// The days they certainly held it, each with the evidence that says so.
    fn certain_spans(&self) -> Vec<((Day, Day), &Evidence, bool)> {
        let mut v: Vec<_> = self
            .evidence
            .iter()
            .filter_map(|e| e.certain_days().map(|d| (d, e, false)))
            .collect();
        if let (Some(s), Some(e)) = (self.start, self.end) {
            let start = self.evidence.iter().find(|x| x.kind == EvidenceKind::Start);
            if let (true, Some(ev)) = (s.latest() <= e.earliest(), start) {
                v.push(((s.latest(), e.earliest()), ev, true));
            }
        }
        v
    }
}

/// Kinds of contradiction in the evidence about an office.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceIssueKind {
    /// Seen in the capacity on a date certainly before their tenure's recorded start.
    SeenBeforeStart,
    /// Seen in the capacity on a date certainly after their tenure's recorded end.
    SeenAfterEnd,
    /// Two people certainly held the office on the same day, neither acting.
    TwoHolders,
    /// A holder is seen after their successor was already placed in office:
    /// the order the evidence gives is not a succession.
    OutOfOrder,
}

/// A contradiction: a piece of evidence and the one it disagrees with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceIssue {
    pub kind: EvidenceIssueKind,
    pub office: NodeId,
    pub person: NodeId,
    pub evidence: Evidence,
    /// The other person, for `TwoHolders` and `OutOfOrder`.
    pub other_person: Option<NodeId>,
    /// The evidence it disagrees with (the start or end, or the other person's).
    pub other: Evidence,
}

fn tenure_evidence(t: &Relation) -> Vec<Evidence> {
    [
        (EvidenceKind::Start, t.start),
        (EvidenceKind::End, t.end),
        (EvidenceKind::StartBy, t.start_by),
        (EvidenceKind::EndAfter, t.end_after),
        (EvidenceKind::EndBefore, t.end_before),
    ]
    .into_iter()
    .chain(t.seen.iter().map(|d| (EvidenceKind::Seen, Some(*d))))
    .filter_map(|(kind, d)| {
        d.map(|d| Evidence {
            kind,
            date: d,
            until: d,
            relation: t.id.clone(),
            citations: t.citations.to_vec(),
        })
    })
    .collect()
}

fn capacity_kind(r: &Relation) -> Option<EvidenceKind> {
    match r.kind {
        RelKind::Attended => Some(EvidenceKind::Attended),
        RelKind::Signed => Some(EvidenceKind::Signed),
        _ => None,
    }
}

/// Where `e` falls against a tenure: 0 inside (or possibly), else how far out
/// in days — used to put evidence with the nearest of a person's tenures.
fn distance(t: &Held, e: &Evidence) -> (u8, i64) {
    if let Some(c) = covers(t.start, t.end, &e.date) {
        return (u8::from(c != super::time::Certainty::Certain), 0);
    }
    let before = t
        .start
        .map(|s| super::time::days_between(e.until.latest(), s.earliest()));
    let after = t
        .end
        .map(|x| super::time::days_between(x.latest(), e.date.earliest()));
    (2, before.into_iter().chain(after).max().unwrap_or(i64::MAX))
}

/// Orders two holders by when the evidence first places them, then last;
/// holders with no dated evidence go last.
fn chain_order(a: &Held, b: &Held) -> Ordering {
    let key = |h: &Held| {
        (
            h.first().is_none(),
            h.first().map(|e| e.date),
            h.last().map(|e| e.until),
        )
    };
    key(a).cmp(&key(b))
}

impl Graph {
    /// Attendances and signatures in the capacity of `office`.
    fn capacity_evidence(&self, office: &str) -> Vec<(&Relation, Evidence)> {
        self.relations_referring(office)
            .into_iter()
            .filter(|r| r.capacity.as_ref().is_some_and(|c| c.as_str() == office))
            .filter_map(|r| {
                let kind = capacity_kind(r)?;
                let (date, until) = event_span(self, r)?;
                let ev = Evidence {
                    kind,
                    date,
                    until,
                    relation: r.id.clone(),
                    citations: r.citations.to_vec(),
                };
                Some((&**r, ev))
            })
            .collect()
    }

    /// The holders of `office` in the order every dated piece of evidence
    /// gives: by the first date that places each in office, then the last;
    /// holders nothing dates come last, by name.
    pub fn holder_chain(&self, office: &str) -> Vec<Held> {
        let Ok(oid) = NodeId::parse(office) else {
            return Vec::new();
        };
        let mut chain: Vec<Held> = self
            .relations(office, Direction::Incoming, Some(RelKind::Holds))
            .into_iter()
            .map(|t| Held {
                person: t.from.clone(),
                office: oid.clone(),
                tenure: Some(t.id.clone()),
                start: t.start,
                end: t.end,
                acting: t.acting == Some(true),
                evidence: tenure_evidence(t),
            })
            .collect();
        for (r, ev) in self.capacity_evidence(office) {
            let best = chain
                .iter()
                .enumerate()
                .filter(|(_, h)| h.person == r.from)
                .min_by_key(|(_, h)| distance(h, &ev))
                .map(|(i, _)| i);
            match best {
                Some(i) => chain[i].evidence.push(ev),
                None => chain.push(Held {
                    person: r.from.clone(),
                    office: oid.clone(),
                    tenure: None,
                    start: None,
                    end: None,
                    acting: false,
                    evidence: vec![ev],
                }),
            }
        }
        for h in &mut chain {
            h.evidence.sort_by_key(|e| (e.date, e.until, e.kind));
        }
        let name = |p: &NodeId| self.node(p.as_str()).map(|n| n.name.clone());
        chain.sort_by(|a, b| {
            chain_order(a, b)
                .then_with(|| name(&a.person).cmp(&name(&b.person)))
                .then_with(|| a.person.cmp(&b.person))
                .then_with(|| a.tenure.cmp(&b.tenure))
        });
        chain
    }

    /// Contradictions in the evidence about `office`: holders seen outside
    /// their recorded tenure, two holders on one day, holders out of order.
    pub fn evidence_issues(&self, office: &str) -> Vec<EvidenceIssue> {
        let chain = self.holder_chain(office);
        let mut out = Vec::new();
        for h in &chain {
            out.extend(outside_tenure(h));
        }
        let mut pairs_with_two = Vec::new();
        for (i, a) in chain.iter().enumerate() {
            for b in &chain[i + 1..] {
                if a.person == b.person || a.acting || b.acting {
                    continue;
                }
                if let Some(issue) = two_holders(a, b) {
                    pairs_with_two.push((a.person.clone(), b.person.clone()));
                    out.push(issue);
                }
            }
        }
        let ordered: Vec<&Held> = chain.iter().filter(|h| !h.acting).collect();
        for w in ordered.windows(2) {
            let (a, b) = (w[0], w[1]);
            if a.person == b.person
                || pairs_with_two.contains(&(a.person.clone(), b.person.clone()))
            {
                continue;
            }
            // A's surest last sighting against B's surest first one.
            let la = a.evidence.iter().max_by_key(|e| e.until.earliest());
            let fb = b.evidence.iter().min_by_key(|e| e.date.latest());
            if let (Some(la), Some(fb)) = (la, fb) {
                if la.until.earliest() > fb.date.latest() {
                    out.push(EvidenceIssue {
                        kind: EvidenceIssueKind::OutOfOrder,
                        office: a.office.clone(),
                        person: a.person.clone(),
                        evidence: la.clone(),
                        other_person: Some(b.person.clone()),
                        other: fb.clone(),
                    });
                }
            }
        }
        out
    }

    /// Evidence issues of every office.
    pub fn all_evidence_issues(&self) -> Vec<EvidenceIssue> {
        self.ids_of_kind(NodeKind::Office)
            .flat_map(|o| self.evidence_issues(o.as_str()))
            .collect()
    }
}

fn outside_tenure(h: &Held) -> Vec<EvidenceIssue> {
    let bound = |k| h.evidence.iter().find(|e| e.kind == k);
    let mut out = Vec::new();
    let sightings = h.evidence.iter().filter(|e| {
        !matches!(
            e.kind,
            EvidenceKind::Start | EvidenceKind::End | EvidenceKind::EndBefore
        )
    });
    for e in sightings {
        let issue = |kind, other: &Evidence| EvidenceIssue {
            kind,
            office: h.office.clone(),
            person: h.person.clone(),
            evidence: e.clone(),
            other_person: None,
            other: other.clone(),
        };
        if let Some(s) = bound(EvidenceKind::Start) {
            if e.until.latest() < s.date.earliest() {
                out.push(issue(EvidenceIssueKind::SeenBeforeStart, s));
            }
        }
        if let Some(x) = bound(EvidenceKind::End) {
            if e.date.earliest() > x.date.latest() {
                out.push(issue(EvidenceIssueKind::SeenAfterEnd, x));
            }
        }
        if let Some(x) = bound(EvidenceKind::EndBefore) {
            if e.date.earliest() >= x.date.earliest() {
                out.push(issue(EvidenceIssueKind::SeenAfterEnd, x));
            }
        }
    }
    out
}

/// The first day two holders certainly both held the office, unless both
/// sides are recorded tenures (a tenure overlap is a tenure issue already).
fn two_holders(a: &Held, b: &Held) -> Option<EvidenceIssue> {
    let mut found: Option<(Day, &Evidence, &Evidence)> = None;
    for ((sa, ea), eva, ta) in a.certain_spans() {
        for ((sb, eb), evb, tb) in b.certain_spans() {
            if ta && tb {
                continue;
            }
            let (from, to) = (sa.max(sb), ea.min(eb));
            if from <= to && found.is_none_or(|(d, _, _)| from < d) {
                found = Some((from, eva, evb));
            }
        }
    }
    found.map(|(_, eva, evb)| EvidenceIssue {
        kind: EvidenceIssueKind::TwoHolders,
        office: a.office.clone(),
        person: a.person.clone(),
        evidence: eva.clone(),
        other_person: Some(b.person.clone()),
        other: evb.clone(),
    })
}
