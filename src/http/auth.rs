//! Bearer tokens, each with a name and a role (reader, editor, admin). Tokens
//! come from configuration (`--tokens`/`ATTACHE_TOKENS` and `--token-file`),
//! are kept only as SHA-256 digests, compared in constant time (`subtle`),
//! and never logged or echoed: the `Debug` form and every start-up error name
//! tokens by their name and place, never by their value.

use std::sync::Arc;

use axum::http::{header, HeaderMap};
use subtle::{ConditionallySelectable, ConstantTimeEq};

use crate::api::guard::{Caller, Transport};
pub use crate::api::guard::{Denied, Role};

mod tokens;

use tokens::{digest, Token};
pub use tokens::{Place, Problem, TokenError, Tokens};

/// Who may do what.
#[derive(Clone, Default)]
pub struct Auth {
    tokens: Arc<Vec<Token>>,
    /// Reads need a token too.
    pub reads_need_token: bool,
    /// Writes need no token (allowed only on a loopback address; see `main`).
    pub open_writes: bool,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("tokens", &self.tokens)
            .field("reads_need_token", &self.reads_need_token)
            .field("open_writes", &self.open_writes)
            .finish()
    }
}

impl Auth {
    /// These bare tokens, each an editor named by its position
    /// (`token-1`, …); blank and repeated ones are dropped.
    pub fn new(
        tokens: impl IntoIterator<Item = String>,
        reads_need_token: bool,
        open_writes: bool,
    ) -> Auth {
        let mut set = Tokens::default();
        for (i, t) in tokens.into_iter().enumerate() {
            let t = t.trim();
            if !t.is_empty() {
                // A repeated token is the only error a bare token can have.
                let _ = set.add(Place::Entry(i + 1), &[t]);
            }
        }
        Auth::with_tokens(set, reads_need_token, open_writes)
    }

    /// These named tokens.
    pub fn with_tokens(tokens: Tokens, reads_need_token: bool, open_writes: bool) -> Auth {
        Auth {
            tokens: Arc::new(tokens.tokens),
            reads_need_token,
            open_writes,
        }
    }

    pub fn has_tokens(&self) -> bool {
        !self.tokens.is_empty()
    }

    /// The configured token `token` is, compared with every one in time
    /// independent of which (or whether) it matches.
    fn find(&self, token: &str) -> Option<&Token> {
        let d = digest(token);
        let mut found = subtle::Choice::from(0);
        let mut at = 0u64;
        for (i, t) in self.tokens.iter().enumerate() {
            let hit = t.digest.ct_eq(&d);
            at.conditional_assign(&(i as u64), hit);
            found |= hit;
        }
        bool::from(found).then(|| &self.tokens[at as usize])
    }

    /// Whether `token` is one of ours.
    pub fn valid(&self, token: &str) -> bool {
        self.find(token).is_some()
    }

    fn bearer(headers: &HeaderMap) -> Option<&str> {
        let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, token) = v.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    }

    /// Checks a request with these headers: `write` for mutations and imports.
    pub fn check(&self, headers: &HeaderMap, write: bool) -> Result<(), Denied> {
        self.check_token(Self::bearer(headers), write)
    }

    /// What a caller with this token (if any) may do, and the token's name
    /// and role, for the guard.
    pub fn caller(&self, token: Option<&str>, transport: Transport) -> Caller {
        let matched = token.and_then(|t| self.find(t));
        Caller {
            read: self.decide(token, matched, false),
            write: self.decide(token, matched, true),
            name: matched.map(|t| t.name.clone()),
            role: matched.map(|t| t.role),
            transport,
        }
    }

    /// The bearer token of these headers, if any.
    pub fn token(headers: &HeaderMap) -> Option<&str> {
        Self::bearer(headers)
    }

    /// Checks a token given some other way (a WebSocket's connection_init).
    pub fn check_token(&self, token: Option<&str>, write: bool) -> Result<(), Denied> {
        self.decide(token, token.and_then(|t| self.find(t)), write)
    }

    /// A valid token's role decides; without one, the server's settings do.
    /// A reader token may not write even where writes need no token: it says
    /// who is asking, and they may only read.
    fn decide(
        &self,
        token: Option<&str>,
        matched: Option<&Token>,
        write: bool,
    ) -> Result<(), Denied> {
        if let Some(t) = matched {
            return if write && !t.role.may_write() {
                Err(Denied::ReaderToken)
            } else {
                Ok(())
            };
        }
        let needed = if write {
            !self.open_writes
        } else {
            self.reads_need_token
        };
        match token {
            _ if !needed => Ok(()),
            Some(_) => Err(Denied::Invalid),
            None if write && !self.has_tokens() => Err(Denied::WritesClosed),
            None => Err(Denied::Missing),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn headers(token: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        h
    }

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

    fn caller(a: &Auth, token: &str) -> Caller {
        a.caller(Some(token), Transport::Post)
    }

    #[test]
    fn writes_need_a_valid_token_and_reads_do_not_by_default() {
        let a = Auth::new(["s3cret".to_owned()], false, false);
        assert_eq!(a.check(&HeaderMap::new(), true), Err(Denied::Missing));
        assert_eq!(a.check(&headers("nope"), true), Err(Denied::Invalid));
        assert_eq!(a.check(&headers("s3cret"), true), Ok(()));
        assert_eq!(a.check(&HeaderMap::new(), false), Ok(()));
    }

    #[test]
    fn with_no_token_configured_writes_are_closed_unless_opened() {
        let a = Auth::new(Vec::new(), false, false);
        assert_eq!(a.check(&HeaderMap::new(), true), Err(Denied::WritesClosed));
        let open = Auth::new(Vec::new(), false, true);
        assert_eq!(open.check(&HeaderMap::new(), true), Ok(()));
    }

    #[test]
    fn reads_can_be_made_to_need_a_token() {
        let a = Auth::new(["t".to_owned()], true, false);
        assert_eq!(a.check(&HeaderMap::new(), false), Err(Denied::Missing));
        assert_eq!(a.check(&headers("t"), false), Ok(()));
    }

    #[test]
    fn debug_output_shows_names_and_roles_but_no_token() {
        let t = file("alice reader very-secret-token\nother-secret-token\n").unwrap();
        let a = Auth::with_tokens(t, false, false);
        let shown = format!("{a:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("alice (reader)"), "{shown}");
        assert!(shown.contains("token-2 (editor)"), "{shown}");
    }

    #[test]
    fn a_token_file_line_gives_a_name_and_a_role() {
        let text =
            "# who may do what\n\nann reader tok-a\n  bob   Editor  tok-b \ncarla admin tok-c\n";
        let a = Auth::with_tokens(file(text).unwrap(), true, false);
        let ann = caller(&a, "tok-a");
        assert_eq!(
            (ann.name.as_deref(), ann.role),
            (Some("ann"), Some(Role::Reader))
        );
        assert_eq!(ann.read, Ok(()));
        assert_eq!(ann.write, Err(Denied::ReaderToken));
        let bob = caller(&a, "tok-b");
        assert_eq!(
            (bob.name.as_deref(), bob.role),
            (Some("bob"), Some(Role::Editor))
        );
        assert_eq!(bob.write, Ok(()));
        assert_eq!(caller(&a, "tok-c").role, Some(Role::Admin));
        assert_eq!(caller(&a, "tok-c").write, Ok(()));
    }

    #[test]
    fn a_bare_token_is_an_editor_named_by_its_position() {
        let mut t = list(&["ann:reader:tok-a", "tok-b"]).unwrap();
        t.add_file(Path::new("/etc/tokens"), "# c\ntok-c\n")
            .unwrap();
        let a = Auth::with_tokens(t, false, false);
        let b = caller(&a, "tok-b");
        assert_eq!(
            (b.name.as_deref(), b.role),
            (Some("token-2"), Some(Role::Editor))
        );
        assert_eq!(b.write, Ok(()));
        assert_eq!(caller(&a, "tok-c").name.as_deref(), Some("token-3"));
    }

    #[test]
    fn a_list_entry_names_a_role_and_a_token_that_may_hold_colons() {
        let a = Auth::with_tokens(list(&[" ann : admin : a:b:c ", ""]).unwrap(), false, false);
        let c = caller(&a, "a:b:c");
        assert_eq!(
            (c.name.as_deref(), c.role),
            (Some("ann"), Some(Role::Admin))
        );
    }

    #[test]
    fn a_reader_token_may_not_write_even_when_writes_are_open() {
        let a = Auth::with_tokens(list(&["ann:reader:tok"]).unwrap(), false, true);
        assert_eq!(caller(&a, "tok").write, Err(Denied::ReaderToken));
        let anonymous = a.caller(None, Transport::Post);
        assert_eq!(
            (anonymous.write, anonymous.actor()),
            (Ok(()), "anonymous".to_owned())
        );
    }
}
