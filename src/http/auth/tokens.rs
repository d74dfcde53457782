//! Token entries as configured: the list of `ATTACHE_TOKENS`/`--tokens`
//! (`name:role:token` or a bare token) and the lines of a token file
//! (`NAME ROLE TOKEN` or a bare token), checked at start-up. A refusal names
//! the place (entry or file and line) and the problem, never the token.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::api::guard::{Role, ANONYMOUS};

/// One configured token: its name and role, and the digest of its value.
#[derive(Clone)]
pub(super) struct Token {
    pub(super) name: String,
    pub(super) role: Role,
    pub(super) digest: [u8; 32],
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name, self.role)
    }
}

pub(super) fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Where a token entry was configured, for errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The n-th (from 1) comma-separated entry of `ATTACHE_TOKENS`/`--tokens`.
    Entry(usize),
    /// A line (from 1) of a token file.
    Line(PathBuf, usize),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Entry(n) => write!(f, "ATTACHE_TOKENS/--tokens, entry {n}"),
            Place::Line(path, n) => write!(f, "token file {}, line {n}", path.display()),
        }
    }
}

/// What is wrong with a token entry. No variant holds or shows the token
/// (nor the role field, which may be part of a mistyped token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("unknown role (a role is reader, editor or admin)")]
    UnknownRole,
    #[error("the name is not valid (a name is letters, digits, '.', '_' and '-')")]
    BadName,
    #[error("the name `{0}` is reserved for writes without a token")]
    ReservedName(String),
    #[error("the token is empty")]
    EmptyToken,
    #[error("expected a name, a role and a token, or a single token; found {0} fields")]
    Fields(usize),
    #[error("the name `{name}` is given already at {first}")]
    DuplicateName { name: String, first: Place },
    #[error("the same token is given already at {first}")]
    DuplicateToken { first: Place },
}

/// A refused token entry: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {problem}")]
pub struct TokenError {
    pub place: Place,
    pub problem: Problem,
}

/// The configured tokens, gathered from the list and the file in order. A
/// bare token (no name, no role) is an editor named `token-N`, N its position
/// (from 1) among all entries gathered so far.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    pub(super) tokens: Vec<Token>,
    places: Vec<Place>,
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

impl Tokens {
    /// Adds the entries of `ATTACHE_TOKENS`/`--tokens`: each `name:role:token`
    /// or a bare token (which then may not contain `:`). Empty entries (a
    /// trailing comma) are skipped.
    pub fn add_list<S: AsRef<str>>(&mut self, entries: &[S]) -> Result<(), TokenError> {
        for (i, entry) in entries.iter().enumerate() {
            let entry = entry.as_ref().trim();
            if entry.is_empty() {
                continue;
            }
            let fields: Vec<&str> = entry.splitn(3, ':').map(str::trim).collect();
            self.add(Place::Entry(i + 1), &fields)?;
        }
        Ok(())
    }

    /// Adds the lines of a token file read from `path`: each `NAME ROLE TOKEN`
    /// (separated by white space) or a single token; blank lines and lines
    /// starting with `#` are skipped.
    pub fn add_file(&mut self, path: &Path, text: &str) -> Result<(), TokenError> {
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            self.add(Place::Line(path.to_owned(), i + 1), &fields)?;
        }
        Ok(())
    }

    /// Adds one entry of one field (a bare token) or three (name, role, token).
    pub(super) fn add(&mut self, place: Place, fields: &[&str]) -> Result<(), TokenError> {
        let refuse = |problem| {
            Err(TokenError {
                place: place.clone(),
                problem,
            })
        };
        let (name, role, token) = match *fields {
            [token] => (
                format!("token-{}", self.tokens.len() + 1),
                Role::Editor,
                token,
            ),
            [name, role, token] => {
                if !valid_name(name) {
                    return refuse(Problem::BadName);
                }
                if name == ANONYMOUS {
                    return refuse(Problem::ReservedName(name.to_owned()));
                }
                let Some(role) = Role::parse(role) else {
                    return refuse(Problem::UnknownRole);
                };
                (name.to_owned(), role, token)
            }
            _ => return refuse(Problem::Fields(fields.len())),
        };
        if token.is_empty() {
            return refuse(Problem::EmptyToken);
        }
        if let Some(i) = self.tokens.iter().position(|t| t.name == name) {
            let first = self.places[i].clone();
            return refuse(Problem::DuplicateName { name, first });
        }
        let digest = digest(token);
        if let Some(i) = self.tokens.iter().position(|t| t.digest == digest) {
            let first = self.places[i].clone();
            return refuse(Problem::DuplicateToken { first });
        }
        self.tokens.push(Token { name, role, digest });
        self.places.push(place);
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> Result<Tokens, TokenError> {
        let mut t = Tokens::default();
        t.add_file(Path::new("/etc/tokens"), text)?;
        Ok(t)
    }

    fn list(entries: &[&str]) -> Result<Tokens, TokenError> {
        let mut t = Tokens::default();
        t.add_list(entries)?;
        Ok(t)
    }

    /// The refusal of `text` as a token file, checked not to show `secret`.
    fn file_refusal(text: &str, secret: &str) -> TokenError {
        let e = file(text).expect_err("refused");
        assert!(!e.to_string().contains(secret), "{e}");
        assert!(!format!("{e:?}").contains(secret), "{e:?}");
        e
    }

    fn line(n: usize) -> Place {
        Place::Line(PathBuf::from("/etc/tokens"), n)
    }

    #[test]
    fn an_unknown_role_is_refused_with_its_line_and_not_echoed() {
        let e = file_refusal("ann reader tok-a\nbob writer s3cret-b\n", "s3cret");
        assert_eq!((e.place, e.problem), (line(2), Problem::UnknownRole));
        let e = list(&["ann:root:s3cret"]).unwrap_err();
        assert_eq!(
            (e.place, e.problem),
            (Place::Entry(1), Problem::UnknownRole)
        );
    }

    #[test]
    fn a_repeated_name_is_refused_naming_the_first() {
        let e = file_refusal("ann reader tok-a\nann editor s3cret\n", "s3cret");
        assert_eq!(e.place, line(2));
        assert_eq!(
            e.problem,
            Problem::DuplicateName {
                name: "ann".into(),
                first: line(1)
            }
        );
        assert!(e
            .to_string()
            .contains("`ann` is given already at token file /etc/tokens, line 1"));
        // A bare token's name counts too.
        let e = list(&["s3cret-1", "token-1:reader:s3cret-2"]).unwrap_err();
        assert!(matches!(e.problem, Problem::DuplicateName { .. }), "{e}");
    }

    #[test]
    fn an_empty_token_is_refused() {
        let e = list(&["ann:editor:", "bob:reader:tok"]).unwrap_err();
        assert_eq!((e.place, e.problem), (Place::Entry(1), Problem::EmptyToken));
    }

    #[test]
    fn a_line_of_two_or_four_fields_is_refused() {
        let e = file("ann editor\n").unwrap_err();
        assert_eq!((e.place, e.problem), (line(1), Problem::Fields(2)));
        let e = file_refusal("ann editor s3cret extra\n", "s3cret");
        assert_eq!((e.place, e.problem), (line(1), Problem::Fields(4)));
        let e = list(&["ann:s3cret"]).unwrap_err();
        assert_eq!((e.place, e.problem), (Place::Entry(1), Problem::Fields(2)));
    }

    #[test]
    fn a_name_outside_letters_digits_dot_underscore_dash_is_refused() {
        let e = file_refusal("an/n editor s3cret\n", "s3cret");
        assert_eq!((e.place, e.problem), (line(1), Problem::BadName));
        let e = list(&[":editor:s3cret"]).unwrap_err();
        assert_eq!(e.problem, Problem::BadName);
        assert!(file("A.b_c-9 editor tok\n").is_ok());
    }

    #[test]
    fn the_anonymous_name_is_reserved() {
        let e = file_refusal("anonymous editor s3cret\n", "s3cret");
        assert_eq!(e.problem, Problem::ReservedName("anonymous".into()));
    }

    #[test]
    fn the_same_token_twice_is_refused() {
        let e = file_refusal("ann reader s3cret\nbob admin s3cret\n", "s3cret");
        assert_eq!(e.problem, Problem::DuplicateToken { first: line(1) });
    }
}
