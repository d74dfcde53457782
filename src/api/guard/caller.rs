//! Who is asking: the [`Caller`] a transport finds out from the token, the
//! [`Role`] a token is given, why a caller is refused ([`Denied`]), and the
//! two questions resolvers ask of the caller the guard checked: [`actor`]
//! (who a write is recorded as) and [`require_role`] (a field kept for a role).

use crate::api::leaves::errors::coded;
use crate::api::ErrorCode;

/// Why a caller may not go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// No token was sent and one is needed.
    Missing,
    /// A token was sent and matches none.
    Invalid,
    /// Writes are refused: no token is configured.
    WritesClosed,
    /// The token is valid but its role may only read.
    ReaderToken,
}

impl Denied {
    pub fn message(self) -> &'static str {
        match self {
            Denied::Missing => "this request needs a bearer token (Authorization: Bearer <token>)",
            Denied::Invalid => "the bearer token is not valid",
            Denied::WritesClosed => "writes are disabled: the server has no token configured (set ATTACHE_TOKENS or --token-file; for local work on a loopback address, --open-writes)",
            Denied::ReaderToken => "this token's role is reader, which may only read: writes need a token whose role is editor or admin",
        }
    }

    pub fn code(self) -> ErrorCode {
        match self {
            Denied::WritesClosed | Denied::ReaderToken => ErrorCode::Forbidden,
            Denied::Missing | Denied::Invalid => ErrorCode::Unauthenticated,
        }
    }
}

/// How an operation arrived; some doors take only some operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// HTTP POST: queries and mutations.
    Post,
    /// HTTP GET: queries only (a mutation by GET would be a CSRF hole).
    Get,
    /// `/ws`: everything, subscriptions included.
    WebSocket,
}

/// What a token may do, from least to most: each role may do what the ones
/// before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Reads only.
    Reader,
    /// Reads and writes (mutations, imports, `export`).
    Editor,
    /// What an editor may, and the fields kept for administrators.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Reader, Role::Editor, Role::Admin];

    /// The role as spelt in a token file.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// The role spelt `s` (in any case), if it is one.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
    }

    /// Whether a token of this role may write.
    pub fn may_write(self) -> bool {
        self >= Role::Editor
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is asking, as the transport found out: may they read, may they write,
/// and which token (by name, never by value) they sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub read: Result<(), Denied>,
    pub write: Result<(), Denied>,
    /// The name of the token that matched; `None` without a valid token.
    pub name: Option<String>,
    /// The role of the token that matched; `None` without a valid token.
    pub role: Option<Role>,
    pub transport: Transport,
}

/// The actor of a write by a caller without a token (writes opened with
/// `--open-writes`).
pub const ANONYMOUS: &str = "anonymous";

impl Caller {
    /// An in-process caller (tests, benchmarks) that may do everything.
    pub fn trusted() -> Caller {
        Caller {
            read: Ok(()),
            write: Ok(()),
            name: None,
            role: Some(Role::Admin),
            transport: Transport::WebSocket,
        }
    }

    /// The role this caller acts with: its token's, or an editor's for a
    /// caller without a token whom the server lets write (`--open-writes`).
    pub fn effective_role(&self) -> Option<Role> {
        match self.role {
            Some(r) => Some(r),
            None if self.write.is_ok() => Some(Role::Editor),
            None => None,
        }
    }

    /// Who a write by this caller is recorded as: the token's name, or
    /// [`ANONYMOUS`] without one.
    pub fn actor(&self) -> String {
        self.name.clone().unwrap_or_else(|| ANONYMOUS.to_owned())
    }
}

/// The caller of the running operation, as the guard checked it.
fn caller_of<'a>(ctx: &async_graphql::Context<'a>) -> Option<&'a Caller> {
    ctx.data_opt::<Caller>()
}

/// Who the running write is recorded as: the name of the caller's token, or
/// `"anonymous"` when writes are open and no token was sent.
pub fn actor(ctx: &async_graphql::Context<'_>) -> String {
    caller_of(ctx).map_or_else(|| ANONYMOUS.to_owned(), Caller::actor)
}

/// Refuses the running field unless the caller's role is `needed` or above:
/// `UNAUTHENTICATED` without a token, `FORBIDDEN` with one whose role is
/// lower. A caller without a token on a server with `--open-writes` counts
/// as an editor, so admin fields always need an admin token.
pub fn require_role(ctx: &async_graphql::Context<'_>, needed: Role) -> async_graphql::Result<()> {
    let caller = caller_of(ctx);
    match caller.and_then(Caller::effective_role) {
        Some(r) if r >= needed => Ok(()),
        Some(r) => Err(coded(
            ErrorCode::Forbidden,
            format!("this needs a token whose role is {needed} or above; the caller's role is {r}"),
            None,
        )),
        None => Err(coded(
            ErrorCode::Unauthenticated,
            format!("this needs a token whose role is {needed} or above (Authorization: Bearer <token>)"),
            None,
        )),
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema, Value};

    use super::*;

    struct Query;

    #[Object]
    impl Query {
        /// What a field kept for admins answers: who is asking.
        async fn admin_only(
            &self,
            ctx: &async_graphql::Context<'_>,
        ) -> async_graphql::Result<String> {
            require_role(ctx, Role::Admin)?;
            Ok(actor(ctx))
        }

        async fn who(&self, ctx: &async_graphql::Context<'_>) -> String {
            actor(ctx)
        }
    }

    fn caller(name: Option<&str>, role: Option<Role>, write: Result<(), Denied>) -> Caller {
        Caller {
            read: Ok(()),
            write,
            name: name.map(str::to_owned),
            role,
            transport: Transport::Post,
        }
    }

    /// Runs `query` as `caller`; the answer's data, or its first error's code.
    async fn ask(query: &str, caller: Caller) -> Result<Value, String> {
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let resp = schema
            .execute(async_graphql::Request::new(query).data(caller))
            .await;
        match resp.errors.first() {
            None => Ok(resp.data),
            Some(e) => Err(format!(
                "{}",
                e.extensions.as_ref().and_then(|x| x.get("code")).unwrap()
            )),
        }
    }

    #[tokio::test]
    async fn an_admin_token_passes_require_role_admin() {
        let admin = caller(Some("carla"), Some(Role::Admin), Ok(()));
        let v = ask("{ adminOnly }", admin).await.unwrap();
        assert_eq!(v.to_string(), r#"{adminOnly: "carla"}"#);
    }

    #[tokio::test]
    async fn an_editor_token_is_forbidden_an_admin_field() {
        let editor = caller(Some("bob"), Some(Role::Editor), Ok(()));
        assert_eq!(
            ask("{ adminOnly }", editor).await,
            Err("\"FORBIDDEN\"".into())
        );
    }

    #[tokio::test]
    async fn without_a_token_an_admin_field_is_unauthenticated_even_with_open_writes() {
        let closed = caller(None, None, Err(Denied::Missing));
        assert_eq!(
            ask("{ adminOnly }", closed).await,
            Err("\"UNAUTHENTICATED\"".into())
        );
        let open = caller(None, None, Ok(()));
        assert_eq!(
            ask("{ adminOnly }", open).await,
            Err("\"FORBIDDEN\"".into())
        );
    }

    #[tokio::test]
    async fn the_actor_is_the_token_name_or_anonymous() {
        let bob = caller(Some("bob"), Some(Role::Editor), Ok(()));
        assert_eq!(
            ask("{ who }", bob).await.unwrap().to_string(),
            r#"{who: "bob"}"#
        );
        let open = caller(None, None, Ok(()));
        assert_eq!(
            ask("{ who }", open).await.unwrap().to_string(),
            r#"{who: "anonymous"}"#
        );
    }

    #[test]
    fn roles_are_ordered_and_only_a_reader_may_not_write() {
        assert!(Role::Reader < Role::Editor && Role::Editor < Role::Admin);
        assert_eq!(Role::ALL.map(Role::may_write), [false, true, true]);
        assert_eq!(Role::parse("Admin"), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
    }
}
