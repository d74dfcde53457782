//! Arguments parsed from their text, once: a date argument that does not
//! parse is `INVALID_INPUT` naming the argument, wherever it is read.

use async_graphql::Result;

use crate::api::leaves::errors::invalid;
use crate::model::PartialDate;

/// Parses the date argument `field` ("YYYY", "YYYY-MM" or "YYYY-MM-DD").
pub fn parse_date(field: &str, text: &str) -> Result<PartialDate> {
    PartialDate::parse(text).map_err(|e| invalid(field, e))
}

/// Parses the optional date argument `field`.
pub fn parse_opt_date(field: &str, text: Option<String>) -> Result<Option<PartialDate>> {
    text.map(|t| parse_date(field, &t)).transpose()
}

/// The meeting filter of `meetings`, `stats`, `centrality` and `topPairs`,
/// from their arguments (see `graph::filter::MeetingFilter`). A `name` with
/// no letter or digit filters nothing.
#[allow(clippy::too_many_arguments)]
pub fn meeting_filter(
    from: Option<String>,
    to: Option<String>,
    state: Option<async_graphql::ID>,
    organization: Option<async_graphql::ID>,
    place: Option<async_graphql::ID>,
    topic: Option<async_graphql::ID>,
    series: Option<async_graphql::ID>,
    status: Option<Vec<crate::api::leaves::scalars::MeetingStatus>>,
    name: Option<String>,
) -> Result<crate::graph::filter::MeetingFilter> {
    Ok(crate::graph::filter::MeetingFilter {
        from: parse_opt_date("from", from)?,
        to: parse_opt_date("to", to)?,
        state: state.map(|i| i.0),
        organization: organization.map(|i| i.0),
        place: place.map(|i| i.0),
        topic: topic.map(|i| i.0),
        series: series.map(|i| i.0),
        status: status.map(|v| v.into_iter().map(Into::into).collect()),
        name: name
            .as_deref()
            .and_then(crate::graph::filter::NameFilter::new),
    })
}
