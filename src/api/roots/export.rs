//! `export` and `exportParts` (issue 15): the graph, or the part of it a
//! scope picks (an entity's neighbourhood, a filtered meeting list), in one
//! of the open formats. The scope arguments are shared with the HTTP
//! download route (`GET /export`, `src/http/export.rs`) through [`scope`].

use async_graphql::{Context, InputObject, Object, Result, ID};

use crate::api::leaves::args::meeting_filter;
use crate::api::leaves::errors::{coded, invalid};
use crate::api::leaves::scalars::MeetingStatus;
use crate::api::ErrorCode;
use crate::formats::Format;
use crate::graph::subgraph::{Scope, ScopeError};

/// Which meetings a meeting-list export keeps: the filters of `meetings`
/// (every one optional; none keeps every meeting).
#[derive(InputObject, Default, Clone)]
pub struct MeetingScope {
    pub from: Option<String>,
    pub to: Option<String>,
    pub state: Option<ID>,
    pub organization: Option<ID>,
    pub place: Option<ID>,
    pub topic: Option<ID>,
    pub series: Option<ID>,
    pub status: Option<Vec<MeetingStatus>>,
    pub name: Option<String>,
}

/// The scope these arguments ask for: `around` (with `hops`, 1 by
/// default), `meetings`, or neither (the whole graph); not both.
pub fn scope(
    around: Option<String>,
    hops: Option<i32>,
    meetings: Option<MeetingScope>,
) -> Result<Scope> {
    match (around, meetings) {
        (Some(_), Some(_)) => Err(invalid(
            "around",
            "an export is either a neighbourhood (`around`) or a meeting list (`meetings`), not both",
        )),
        (None, None) if hops.is_some() => Err(invalid("hops", "needs `around`")),
        (None, None) => Ok(Scope::All),
        (Some(id), None) => {
            let hops = hops.unwrap_or(1);
            let max = crate::graph::subgraph::MAX_HOPS as i32;
            if !(1..=max).contains(&hops) {
                return Err(invalid("hops", format!("must be 1 or {max}, not {hops}")));
            }
            Ok(Scope::Around {
                id,
                hops: hops as usize,
            })
        }
        (None, Some(m)) => {
            if hops.is_some() {
                return Err(invalid("hops", "needs `around`"));
            }
            Ok(Scope::Meetings(meeting_filter(
                m.from,
                m.to,
                m.state,
                m.organization,
                m.place,
                m.topic,
                m.series,
                m.status,
                m.name,
            )?))
        }
    }
}

/// A scope that names a node that is not there, as an API error.
pub fn scope_error(e: ScopeError) -> async_graphql::Error {
    match e {
        ScopeError::NoNode(_) => coded(ErrorCode::NotFound, e.to_string(), Some("around")),
        ScopeError::Hops(_) => invalid("hops", e),
    }
}

/// Exports.
#[derive(Default)]
pub struct ExportQuery;

#[Object]
impl ExportQuery {
    /// The whole graph in the import format (as `attache export` writes it),
    /// or in another `format` (`graph-schema/formats.md`); for CSV, a
    /// directory of files, `part` names the one file wanted
    /// (`exportParts` lists them). `around` (an id, with `hops` 1 or 2)
    /// exports that entity's neighbourhood instead, `meetings` the meetings
    /// its filters keep with the relations touching them and their other
    /// ends; either way with the sources and nodes their records name, so
    /// the file imports on its own. Needs a token that may write, as it
    /// hands out everything at once. The answer is one string, built on the
    /// blocking pool; `GET /export` streams the same files as a download.
    async fn export(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] format: Format,
        #[graphql(default)] part: String,
        around: Option<ID>,
        hops: Option<i32>,
        meetings: Option<MeetingScope>,
    ) -> Result<String> {
        if !ctx
            .data_opt::<crate::api::Privileged>()
            .is_some_and(|p| p.0)
        {
            return Err(coded(
                ErrorCode::Forbidden,
                "export needs a token that may write",
                None,
            ));
        }
        let scope = scope(around.map(|i| i.0), hops, meetings)?;
        let g = crate::api::graph(ctx);
        crate::api::heavy::offload(g.clone(), move |_| {
            let g = g.scoped(&scope).map_err(scope_error)?;
            let mut out = Vec::new();
            crate::formats::export_part(format, &g, &part, &mut out)
                .map(|()| String::from_utf8_lossy(&out).into_owned())
                .map_err(|e| coded(ErrorCode::InvalidInput, e.to_string(), None))
        })
        .await?
    }

    /// The files an export in `format` is made of (`export`'s `part`):
    /// one, named "", for every format but CSV. With the same scope
    /// arguments as `export`, the files of that scoped export.
    async fn export_parts(
        &self,
        ctx: &Context<'_>,
        format: Format,
        around: Option<ID>,
        hops: Option<i32>,
        meetings: Option<MeetingScope>,
    ) -> Result<Vec<String>> {
        let scope = scope(around.map(|i| i.0), hops, meetings)?;
        let g = crate::api::graph(ctx);
        crate::api::heavy::offload(g.clone(), move |_| {
            let g = g.scoped(&scope).map_err(scope_error)?;
            Ok(crate::formats::parts(format, &g))
        })
        .await?
    }
}
