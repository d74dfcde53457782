//! Bearer tokens. Tokens come from configuration, are kept only as SHA-256
//! digests, compared in constant time (`subtle`), and never logged (the
//! `Debug` form shows how many there are, nothing else).

use std::sync::Arc;

use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub use crate::api::guard::Denied;
use crate::api::guard::{Caller, Transport};

/// Who may do what.
#[derive(Clone, Default)]
pub struct Auth {
    digests: Arc<Vec<[u8; 32]>>,
    /// Reads need a token too.
    pub reads_need_token: bool,
    /// Writes need no token (allowed only on a loopback address; see `main`).
    pub open_writes: bool,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("tokens", &self.digests.len())
            .field("reads_need_token", &self.reads_need_token)
            .field("open_writes", &self.open_writes)
            .finish()
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Auth {
    pub fn new(
        tokens: impl IntoIterator<Item = String>,
        reads_need_token: bool,
        open_writes: bool,
    ) -> Auth {
        let digests: Vec<[u8; 32]> = tokens
            .into_iter()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .map(|t| digest(&t))
            .collect();
        Auth {
            digests: Arc::new(digests),
            reads_need_token,
            open_writes,
        }
    }

    pub fn has_tokens(&self) -> bool {
        !self.digests.is_empty()
    }

    /// Whether `token` is one of ours, in time independent of which (or whether) it matches.
    pub fn valid(&self, token: &str) -> bool {
        let d = digest(token);
        self.digests
            .iter()
            .fold(subtle::Choice::from(0), |acc, t| acc | t.ct_eq(&d))
            .into()
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

    /// What a caller with this token (if any) may do, for the guard.
    pub fn caller(&self, token: Option<&str>, transport: Transport) -> Caller {
        Caller {
            read: self.check_token(token, false),
            write: self.check_token(token, true),
            transport,
        }
    }

    /// The bearer token of these headers, if any.
    pub fn token(headers: &HeaderMap) -> Option<&str> {
        Self::bearer(headers)
    }

    /// Checks a token given some other way (a WebSocket's connection_init).
    pub fn check_token(&self, token: Option<&str>, write: bool) -> Result<(), Denied> {
        let needed = if write {
            !self.open_writes
        } else {
            self.reads_need_token
        };
        match token {
            Some(t) if self.valid(t) => Ok(()),
            Some(_) if needed => Err(Denied::Invalid),
            _ if !needed => Ok(()),
            None if write && !self.has_tokens() => Err(Denied::WritesClosed),
            None => Err(Denied::Missing),
            Some(_) => Err(Denied::Invalid),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(token: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        h
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
    fn debug_output_does_not_show_tokens() {
        let a = Auth::new(["very-secret-token".to_owned()], false, false);
        assert!(!format!("{a:?}").contains("very-secret"));
    }
}
