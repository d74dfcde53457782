//! Attaché ids as FollowTheMoney entity ids and back.
//!
//! FtM ids take only ASCII letters, digits, `.` and `-`, and begin and end
//! with a letter or digit. Attaché ids are lowercase, so the capitals are free
//! to spell the rest: `:` becomes `.`, and `.`, `/` and `_` become `D`, `S`
//! and `U`; an id ending in `.` or `-` gets a closing `Z`. So
//! `person:berik-asylov` is `person.berik-asylov`, the mapping is one to one,
//! and an id from another FtM file (with capitals of its own, or no known
//! prefix) is told apart from one of ours.

use crate::model::{slugify, NodeId, NodeKind, RelId};

/// The FtM id of an Attaché id.
pub fn encode(id: &str) -> String {
    let mut out: String = id
        .chars()
        .map(|c| match c {
            ':' => '.',
            '.' => 'D',
            '/' => 'S',
            '_' => 'U',
            c => c,
        })
        .collect();
    if !out.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        out.push('Z');
    }
    out
}

/// The Attaché id an FtM id spells, if it is one of ours.
pub fn decode(ftm: &str) -> Option<String> {
    let body = ftm.strip_suffix('Z').unwrap_or(ftm);
    let mut out = String::with_capacity(body.len());
    for c in body.chars() {
        out.push(match c {
            '.' => ':',
            'D' => '.',
            'S' => '/',
            'U' => '_',
            c if c.is_ascii_uppercase() => return None,
            c => c,
        });
    }
    (encode(&out) == ftm).then_some(out)
}

/// The node id for an FtM entity of `kind`: its own id decoded when it is an
/// Attaché id of that kind, otherwise `kind:` and the FtM id folded to a slug.
pub fn node_id(ftm: &str, kind: NodeKind) -> Option<NodeId> {
    if let Some(id) = decode(ftm).and_then(|s| NodeId::parse_kind(&s, kind).ok()) {
        return Some(id);
    }
    let slug = slugify(ftm);
    NodeId::parse_kind(&format!("{}:{slug}", kind.prefix()), kind).ok()
}

/// The node kind an FtM id names, when it is an Attaché node id.
pub fn our_kind(ftm: &str) -> Option<NodeKind> {
    decode(ftm)
        .and_then(|s| NodeId::parse(&s).ok())
        .map(|id| id.kind())
}

/// The relation id of an FtM interval entity: its own when it is one of ours,
/// otherwise `rel:ftm/` and the FtM id folded to a slug.
pub fn rel_id(ftm: &str) -> Option<RelId> {
    if let Some(id) = decode(ftm).and_then(|s| RelId::parse(&s).ok()) {
        return Some(id);
    }
    RelId::parse(&format!("rel:ftm/{}", slugify(ftm))).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_ids_survive_the_ftm_alphabet() {
        for id in [
            "person:berik-asylov",
            "rel:attended/person:zhang-jun/meeting:sco-prosecutors-general-20",
            "source:a_b.c-",
        ] {
            let e = encode(id);
            assert!(e
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'));
            assert!(e.ends_with(|c: char| c.is_ascii_alphanumeric()));
            assert_eq!(decode(&e).as_deref(), Some(id));
        }
    }

    #[test]
    fn a_foreign_id_becomes_a_slug_of_the_kind() {
        assert_eq!(decode("Q7747"), None);
        let id = node_id("Q7747", NodeKind::Person).unwrap();
        assert_eq!(id.as_str(), "person:q7747");
        let id = node_id("person.berik-asylov", NodeKind::Person).unwrap();
        assert_eq!(id.as_str(), "person:berik-asylov");
    }
}
