//! Times of the change log as the API shows and takes them: RFC 3339 in
//! UTC with milliseconds (`2026-11-30T10:53:16.042Z`) out; RFC 3339 (any
//! offset) or a date (`2026-11-30`, the whole UTC day) in.

use async_graphql::Result;

use crate::api::leaves::errors::invalid;

pub use crate::model::instant::format_ms;
use crate::model::instant::{days_from_civil, DAY_MS};

fn number(field: &str, text: &str, s: &str, what: &str) -> Result<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            field,
            format!("`{text}` is not an RFC 3339 time or a date: bad {what}"),
        ));
    }
    s.parse()
        .map_err(|_| invalid(field, format!("`{text}`: bad {what}")))
}

/// Parses the time argument `field`: the first and last millisecond it
/// names (the same for an instant; the whole UTC day for a date).
pub fn parse_time(field: &str, text: &str) -> Result<(i64, i64)> {
    let bad = |what: &str| {
        invalid(
            field,
            format!("`{text}` is not an RFC 3339 time (2026-11-30T10:00:00Z) or a date (2026-11-30): {what}"),
        )
    };
    let t = text.trim();
    let (date, clock) = match t.find(['T', 't', ' ']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let [y, m, d] = parts[..] else {
        return Err(bad("the date is not YYYY-MM-DD"));
    };
    let (y, m, d) = (
        number(field, text, y, "year")?,
        number(field, text, m, "month")?,
        number(field, text, d, "day")?,
    );
    let in_month = match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return Err(bad("no such month")),
    };
    if !(1..=in_month).contains(&d) {
        return Err(bad("no such day"));
    }
    let day = days_from_civil(y, m, d) * DAY_MS;
    let Some(clock) = clock else {
        return Ok((day, day + DAY_MS - 1));
    };
    let (hms, offset_ms) = if let Some(c) = clock.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else if let Some(i) = clock.rfind(['+', '-']) {
        let (c, off) = (&clock[..i], &clock[i..]);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let Some((oh, om)) = off[1..].split_once(':') else {
            return Err(bad("the offset is not ±HH:MM"));
        };
        let (oh, om) = (
            number(field, text, oh, "offset")?,
            number(field, text, om, "offset")?,
        );
        (c, sign * (oh * 3_600_000 + om * 60_000))
    } else {
        return Err(bad("the time has no offset (Z or ±HH:MM)"));
    };
    let (whole, frac) = hms.split_once('.').unwrap_or((hms, ""));
    let hms: Vec<&str> = whole.split(':').collect();
    let [h, mi, s] = hms[..] else {
        return Err(bad("the time is not HH:MM:SS"));
    };
    let (h, mi, s) = (
        number(field, text, h, "hour")?,
        number(field, text, mi, "minute")?,
        number(field, text, s, "second")?,
    );
    if h > 23 || mi > 59 || s > 60 {
        return Err(bad("no such time of day"));
    }
    let milli = if frac.is_empty() {
        0
    } else {
        let digits: String = frac.chars().chain("000".chars()).take(3).collect();
        number(field, text, &digits, "fraction of a second")?
    };
    let at = day + h * 3_600_000 + mi * 60_000 + s * 1000 + milli - offset_ms;
    Ok((at, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_reads_back_as_it_is_written() {
        let (at, end) = parse_time("t", "2026-11-30T10:53:16.042Z").unwrap();
        assert_eq!(at, end);
        assert_eq!(format_ms(at), "2026-11-30T10:53:16.042Z");
        assert_eq!(format_ms(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn an_offset_is_taken_into_account() {
        let (a, _) = parse_time("t", "2026-11-30T12:00:00+02:00").unwrap();
        let (b, _) = parse_time("t", "2026-11-30T10:00:00Z").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn a_date_is_the_whole_utc_day() {
        let (start, end) = parse_time("t", "2024-02-29").unwrap();
        assert_eq!(format_ms(start), "2024-02-29T00:00:00.000Z");
        assert_eq!(format_ms(end), "2024-02-29T23:59:59.999Z");
    }

    #[test]
    fn a_malformed_time_is_refused_naming_the_field() {
        for bad in [
            "yesterday",
            "2023-02-29",
            "2026-11-30T25:00:00Z",
            "2026-11-30T10:00:00",
        ] {
            let e = parse_time("asOf", bad).unwrap_err();
            assert!(e.message.starts_with("asOf: "), "{bad}: {}", e.message);
        }
    }
}
