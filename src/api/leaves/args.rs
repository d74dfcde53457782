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
