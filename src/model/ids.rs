//! Stable, readable identifiers chosen by the data (`person:berik-asylov`,
//! `rel:asylov-chaired-pg20`). Petgraph indices never leave the process; these do.
//!
//! Architecture invariant: an id's prefix names what it identifies. Node ids start
//! with their node kind (`person:`, `meeting:` …), relation ids with `rel:` and
//! conflict ids with `conflict:`, so any id seen in a citation, a claim or an
//! import file can be told apart without a lookup.

use arcstr::ArcStr;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::kinds::NodeKind;
use super::thin::ThinStr;

/// Longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 200;

/// Why a string is not a valid id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("id is empty")]
    Empty,
    #[error("id `{0}` is longer than {MAX_ID_LEN} bytes")]
    TooLong(String),
    #[error("id `{0}` has no `prefix:` (expected e.g. `person:berik-asylov`)")]
    NoPrefix(String),
    #[error("id `{id}` starts with unknown prefix `{prefix}:` (expected one of {expected})")]
    UnknownPrefix {
        id: String,
        prefix: String,
        expected: String,
    },
    #[error("id `{0}` has nothing after its prefix")]
    EmptySlug(String),
    #[error("id `{id}` contains `{ch}`; ids use lowercase letters, digits and . _ - / : only")]
    BadChar { id: String, ch: char },
    #[error(
        "id `{id}` names {}, expected {}",
        super::words::a(actual),
        super::words::a(expected)
    )]
    WrongKind {
        id: String,
        actual: String,
        expected: String,
    },
}

fn check_slug(id: &str, slug: &str) -> Result<(), IdError> {
    if slug.is_empty() {
        return Err(IdError::EmptySlug(id.to_owned()));
    }
    if let Some(ch) = slug.chars().find(|c| {
        !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '/' | ':'))
    }) {
        return Err(IdError::BadChar {
            id: id.to_owned(),
            ch,
        });
    }
    Ok(())
}

fn split(id: &str) -> Result<(&str, &str), IdError> {
    if id.is_empty() {
        return Err(IdError::Empty);
    }
    if id.len() > MAX_ID_LEN {
        return Err(IdError::TooLong(id.to_owned()));
    }
    let (prefix, slug) = id
        .split_once(':')
        .ok_or_else(|| IdError::NoPrefix(id.to_owned()))?;
    check_slug(id, slug)?;
    Ok((prefix, slug))
}

/// Parses an id straight from the text the deserializer holds, with no
/// `String` in between (loading a store reads millions of ids).
struct IdVisitor<T>(fn(&str) -> Result<T, IdError>);

impl<T> serde::de::Visitor<'_> for IdVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        (self.0)(v).map_err(E::custom)
    }
}

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident($inner:ty)) => {
        $(#[$m])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name($inner);

        impl $name {
            /// The id as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_str(IdVisitor($name::parse))
            }
        }
    };
}

id_type!(
    /// The id of a node: `<kind>:<slug>`, e.g. `person:berik-asylov`.
    /// A thin shared string (8 bytes, the length lives with the text): the
    /// graph holds one copy of each node id, which records and indexes
    /// share (issue 12, "RAM after load").
    NodeId(ArcStr)
);
id_type!(
    /// The id of a relation: `rel:<slug>`. A [`ThinStr`] rather than a
    /// shared string: the graph holds a relation id once, in its relation,
    /// so it needs no shared count (issue 12, "RAM after load").
    RelId(ThinStr)
);
id_type!(
    /// The id of a recorded disagreement between sources: `conflict:<slug>`.
    ConflictId(ArcStr)
);

impl NodeId {
    /// The id's text, shared with this id rather than copied (the graph's
    /// indexes hold ids this way, one copy of each string).
    pub fn shared(&self) -> ArcStr {
        self.0.clone()
    }
}

impl ConflictId {
    /// As [`NodeId::shared`].
    pub fn shared(&self) -> ArcStr {
        self.0.clone()
    }
}

impl RelId {
    /// The id's text as a shared string: a copy (a relation id is held by
    /// its relation alone; only conflicts' claims are indexed this way).
    pub fn shared(&self) -> ArcStr {
        ArcStr::from(self.as_str())
    }
}

impl NodeId {
    /// Parses and validates a node id; its prefix must be a node kind.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let (prefix, _) = split(s)?;
        if NodeKind::from_prefix(prefix).is_none() {
            return Err(IdError::UnknownPrefix {
                id: s.to_owned(),
                prefix: prefix.to_owned(),
                expected: NodeKind::ALL
                    .iter()
                    .map(|k| format!("`{}:`", k.prefix()))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        Ok(NodeId(ArcStr::from(s)))
    }

    /// Parses a node id and checks it names a node of `kind`.
    pub fn parse_kind(s: &str, kind: NodeKind) -> Result<Self, IdError> {
        let id = Self::parse(s)?;
        if id.kind() != kind {
            return Err(IdError::WrongKind {
                id: s.to_owned(),
                actual: id.kind().prefix().to_owned(),
                expected: kind.prefix().to_owned(),
            });
        }
        Ok(id)
    }

    /// The node kind named by the prefix.
    pub fn kind(&self) -> NodeKind {
        let prefix = self.0.split_once(':').map(|(p, _)| p).unwrap_or("");
        NodeKind::from_prefix(prefix).expect("validated at parse")
    }
}

impl RelId {
    /// Parses a relation id (`rel:<slug>`).
    pub fn parse(s: &str) -> Result<Self, IdError> {
        fixed_prefix(s, "rel").map(|_| RelId(ThinStr::new(s)))
    }

    /// The readable id of the `n`th relation of `kind` from `from` to `to`
    /// that was given no id: `rel:<kind>/<from>/<to>`, with `/<n>` after the
    /// first. When that is longer than [`MAX_ID_LEN`], the text is cut and a
    /// digest of the whole is appended, so distinct pairs keep distinct ids.
    /// Valid for any valid ends and any `n`.
    pub fn derived(kind: &str, from: &NodeId, to: &NodeId, n: u64) -> RelId {
        let suffix = if n > 1 {
            format!("/{n}")
        } else {
            String::new()
        };
        let mut base = format!("rel:{kind}/{from}/{to}");
        if base.len() + suffix.len() > MAX_ID_LEN {
            let digest = digest_hex(&base);
            let mut keep = MAX_ID_LEN - suffix.len() - digest.len() - 1;
            while !base.is_char_boundary(keep) {
                keep -= 1;
            }
            base.truncate(keep);
            base.push('-');
            base.push_str(&digest);
        }
        base.push_str(&suffix);
        debug_assert!(Self::parse(&base).is_ok(), "derived id `{base}`");
        RelId(ThinStr::from(base))
    }
}

/// 16 hex digits of the SHA-256 of `text`: a short, stable fingerprint.
fn digest_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl ConflictId {
    /// Parses a conflict id (`conflict:<slug>`).
    pub fn parse(s: &str) -> Result<Self, IdError> {
        fixed_prefix(s, "conflict").map(|_| ConflictId(ArcStr::from(s)))
    }
}

fn fixed_prefix(s: &str, want: &str) -> Result<(), IdError> {
    let (prefix, _) = split(s)?;
    if prefix != want {
        return Err(IdError::UnknownPrefix {
            id: s.to_owned(),
            prefix: prefix.to_owned(),
            expected: format!("`{want}:`"),
        });
    }
    Ok(())
}

/// Turns free text into an id slug: ASCII-folded, lowercase, words joined by `-`.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_id_knows_its_kind() {
        let id = NodeId::parse("person:berik-asylov").unwrap();
        assert_eq!(id.kind(), NodeKind::Person);
    }

    #[test]
    fn node_id_rejects_unknown_prefix_and_bad_chars() {
        assert!(matches!(
            NodeId::parse("human:x"),
            Err(IdError::UnknownPrefix { .. })
        ));
        assert!(matches!(
            NodeId::parse("person:Berik"),
            Err(IdError::BadChar { ch: 'B', .. })
        ));
        assert!(matches!(
            NodeId::parse("person:"),
            Err(IdError::EmptySlug(_))
        ));
        assert!(matches!(NodeId::parse("asylov"), Err(IdError::NoPrefix(_))));
    }

    #[test]
    fn parse_kind_rejects_other_kind() {
        assert!(matches!(
            NodeId::parse_kind("state:kz", NodeKind::Person),
            Err(IdError::WrongKind { .. })
        ));
    }

    #[test]
    fn rel_and_conflict_ids_need_their_prefix() {
        assert!(RelId::parse("rel:a").is_ok());
        assert!(RelId::parse("person:a").is_err());
        assert!(ConflictId::parse("conflict:welcome").is_ok());
    }

    #[test]
    fn derived_rel_ids_are_valid_at_any_length_and_keep_pairs_apart() {
        let long = |c: &str| NodeId::parse(&format!("person:a{}", c.repeat(190))).unwrap();
        let meeting = NodeId::parse("meeting:m").unwrap();
        for from in [
            long("-"),
            long("b"),
            long("/"),
            NodeId::parse("person:a").unwrap(),
        ] {
            for n in [1, 2, 10, u64::MAX] {
                let id = RelId::derived("attended", &from, &meeting, n);
                assert!(RelId::parse(id.as_str()).is_ok(), "{id}");
                assert!(id.as_str().len() <= MAX_ID_LEN);
            }
        }
        assert_eq!(
            RelId::derived("attended", &NodeId::parse("person:a").unwrap(), &meeting, 2).as_str(),
            "rel:attended/person:a/meeting:m/2"
        );
        assert_ne!(
            RelId::derived("attended", &long("-"), &meeting, 1),
            RelId::derived("attended", &long("b"), &meeting, 1)
        );
    }

    #[test]
    fn slugify_folds_to_ascii() {
        assert_eq!(slugify("Berik Asylov"), "berik-asylov");
        assert_eq!(slugify("  Zhang Jun (PRC) "), "zhang-jun-prc");
    }
}
