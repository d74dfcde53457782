//! Which meetings a list, a chart or a ranking covers: one filter (a date
//! window, a state, an organization, a place, a topic, a series, statuses, a
//! name) shared by the `meetings` list, the dashboard stats, centrality and
//! the top pairs, so a chart and the list behind it agree. Also the name
//! filter of every list: folded like search (case, diacritics and script),
//! each word of the filter a prefix of a word of the name or of one alias.

use std::collections::BTreeSet;

use petgraph::Direction;

use super::search::fold_name;
use super::Graph;
use crate::model::{MeetingStatus, Node, NodeId, NodeKind, PartialDate, RelKind};

/// The meetings to keep; every field left empty keeps them all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MeetingFilter {
    /// Meetings whose dates may fall in `[from, to]` (undated ones only
    /// when neither is given).
    pub from: Option<PartialDate>,
    pub to: Option<PartialDate>,
    /// Meetings a state took part in (see `Graph::meetings_involving`).
    pub state: Option<String>,
    /// Meetings an organization took part in.
    pub organization: Option<String>,
    /// Meetings held in a place or a state, or anywhere inside it.
    pub place: Option<String>,
    /// Meetings about a topic.
    pub topic: Option<String>,
    /// Meetings in a series.
    pub series: Option<String>,
    /// Meetings of these statuses (none recorded reads held).
    pub status: Option<Vec<MeetingStatus>>,
    /// Meetings whose name or an alias matches (see [`NameFilter`]).
    pub name: Option<NameFilter>,
}

/// A name filter, folded once: every word must be a prefix of a word of the
/// node's name, or of one of its aliases ("assyl" keeps "Berik Assylov",
/// "nur sultan" keeps "Nur-Sultan", "nursultan" does too).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct NameFilter(Vec<String>);

impl NameFilter {
    /// The filter for `text`; `None` when it has no letters or digits.
    pub fn new(text: &str) -> Option<NameFilter> {
        let words = fold_name(text).words;
        (!words.is_empty()).then_some(NameFilter(words))
    }

    /// Whether the node's name or one of its aliases matches.
    pub fn matches(&self, n: &Node) -> bool {
        std::iter::once(n.name.as_str())
            .chain(n.aliases.iter().map(|a| a.text.as_str()))
            .any(|text| {
                let f = fold_name(text);
                let words: Vec<&String> = f
                    .words
                    .iter()
                    .chain(f.joined.iter().map(|j| &j.0))
                    .collect();
                self.0
                    .iter()
                    .all(|q| words.iter().any(|w| w.starts_with(q.as_str())))
            })
    }
}

impl MeetingFilter {
    /// Only a date window.
    pub fn window(from: Option<&PartialDate>, to: Option<&PartialDate>) -> MeetingFilter {
        MeetingFilter {
            from: from.copied(),
            to: to.copied(),
            ..Default::default()
        }
    }
}

impl Graph {
    /// The meetings `f` keeps, in id order.
    pub fn meetings_matching(&self, f: &MeetingFilter) -> Vec<NodeId> {
        let involving =
            |who: &Option<String>| who.as_ref().map(|w| self.meetings_involving(w, None, None));
        let (states, orgs) = (involving(&f.state), involving(&f.organization));
        let places = f.place.as_ref().map(|p| self.meetings_within(p));
        let linked = |m: &str, kind: RelKind, to: &Option<String>| {
            to.as_ref().is_none_or(|t| {
                self.relations(m, Direction::Outgoing, Some(kind))
                    .iter()
                    .any(|r| r.to.as_str() == t.as_str())
            })
        };
        let within =
            |set: &Option<BTreeSet<NodeId>>, m: &NodeId| set.as_ref().is_none_or(|s| s.contains(m));
        self.ids_of_kind(NodeKind::Meeting)
            .filter(|m| {
                let Some(n) = self.node(m.as_str()) else {
                    return false;
                };
                self.meeting_in_window(m.as_str(), f.from.as_ref(), f.to.as_ref())
                    && f.status
                        .as_ref()
                        .is_none_or(|s| s.contains(&n.status.unwrap_or(MeetingStatus::Held)))
                    && f.name.as_ref().is_none_or(|q| q.matches(n))
                    && within(&states, m)
                    && within(&orgs, m)
                    && within(&places, m)
                    && linked(m.as_str(), RelKind::About, &f.topic)
                    && linked(m.as_str(), RelKind::InSeries, &f.series)
            })
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::{Alias, Node};

    fn node(id: &str, name: &str, aliases: &[&str]) -> Node {
        let mut n = Node::new(NodeId::parse(id).unwrap(), name.to_owned());
        n.aliases = aliases
            .iter()
            .map(|a| Alias {
                text: (*a).to_owned(),
                lang: None,
                script: None,
                kind: Default::default(),
                citations: Vec::new(),
            })
            .collect();
        n
    }

    #[test]
    fn a_name_filter_folds_case_and_diacritics_and_matches_word_prefixes() {
        let n = node("person:z", "Zhaksylyk Zulúshev", &[]);
        for q in ["zulu", "ZULUSHEV", "zh zul", "Zulúsh"] {
            assert!(NameFilter::new(q).unwrap().matches(&n), "{q}");
        }
        for q in ["ulu", "zulushevv", "zulu x"] {
            assert!(!NameFilter::new(q).unwrap().matches(&n), "{q}");
        }
    }

    #[test]
    fn a_name_filter_matches_an_alias_and_joined_words() {
        let n = node("place:astana", "Astana", &["Nur-Sultan"]);
        for q in ["nur", "nur sultan", "nursultan", "astana"] {
            assert!(NameFilter::new(q).unwrap().matches(&n), "{q}");
        }
        assert!(NameFilter::new(" - ").is_none());
    }

    #[test]
    fn the_filter_keeps_meetings_by_name_and_status() {
        let mut g = Graph::default();
        let mut planned = node("meeting:b", "Summit of the Capitals", &[]);
        planned.status = Some(MeetingStatus::Planned);
        g.put_node(Arc::new(node("meeting:a", "Summit of the Heads", &[])));
        g.put_node(Arc::new(planned));
        let ids = |f: &MeetingFilter| -> Vec<String> {
            g.meetings_matching(f)
                .iter()
                .map(|m| m.to_string())
                .collect()
        };
        let named = MeetingFilter {
            name: NameFilter::new("capital"),
            ..Default::default()
        };
        assert_eq!(ids(&named), ["meeting:b"]);
        let held = MeetingFilter {
            status: Some(vec![MeetingStatus::Held]),
            ..Default::default()
        };
        assert_eq!(ids(&held), ["meeting:a"]);
        assert_eq!(ids(&MeetingFilter::default()), ["meeting:a", "meeting:b"]);
    }
}
