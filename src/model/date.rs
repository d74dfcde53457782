//! Partial dates: "2022", "2022-09" or "2022-09-23", each with its precision.
//!
//! A partial date stands for the range of days it covers. Ordering compares the
//! first day, then the last, so "2022-09" sorts before "2022-09-23" and both after
//! "2022-08-31"; filters compare ranges (see [`PartialDate::overlaps`]).

use std::cmp::Ordering;
use std::fmt;
use std::num::NonZeroU8;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A calendar day, used for range bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// A date known to a year, a month or a day.
///
/// Packed in four bytes (issue 12, "RAM after load": relations and nodes
/// hold several): the year in two, the month in one that is never zero
/// (1 when unknown, 2 to 13 for January to December), so an
/// `Option<PartialDate>` is four bytes too, and the day in one (0 when
/// unknown). Years run from -32768 to 32767; parsed years have four digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: i16,
    month: NonZeroU8,
    day: u8,
}

/// Why a string is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a date: {reason} (write YYYY, YYYY-MM or YYYY-MM-DD)")]
pub struct DateError {
    pub text: String,
    pub reason: &'static str,
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in a month of a year.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

impl PartialDate {
    /// The packed form; `month` and `day` already checked.
    fn pack(year: i32, month: Option<u8>, day: Option<u8>) -> Self {
        PartialDate {
            year: i16::try_from(year).expect("a year from -32768 to 32767"),
            month: NonZeroU8::new(1 + month.unwrap_or(0)).expect("one or more"),
            day: day.unwrap_or(0),
        }
    }

    /// The month, 1 to 12, if known.
    fn month(&self) -> Option<u8> {
        (self.month.get() > 1).then(|| self.month.get() - 1)
    }

    /// The day of the month, if known.
    fn day(&self) -> Option<u8> {
        (self.day > 0).then_some(self.day)
    }

    /// A date known to the year; panics on a year outside -32768 to 32767.
    pub fn year(year: i32) -> Self {
        Self::pack(year, None, None)
    }

    /// A full date; panics on an impossible day (use [`PartialDate::parse`] for input).
    pub fn ymd(year: i32, month: u8, day: u8) -> Self {
        assert!((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month));
        Self::pack(year, Some(month), Some(day))
    }

    /// Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD".
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let err = |reason| DateError {
            text: text.to_owned(),
            reason,
        };
        // "2022-09-23T10:00", "2022-09-23 10:00": the date may be fine, the
        // time is what is not taken.
        if text.len() > 4 && text.contains(['T', 't', ' ', ':']) {
            return Err(err("a time of day is not allowed, only the date"));
        }
        let mut parts = text.split('-');
        let y = parts.next().unwrap_or("");
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("the year must be four digits"));
        }
        let year: i32 = y.parse().map_err(|_| err("bad year"))?;
        let mut two = |what: &'static str| -> Result<Option<u8>, DateError> {
            match parts.next() {
                None => Ok(None),
                Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok(Some(p.parse().map_err(|_| err(what))?))
                }
                Some(_) => Err(err(what)),
            }
        };
        let month = two("the month must be two digits")?;
        let day = two("the day must be two digits")?;
        if parts.next().is_some() {
            return Err(err("too many parts"));
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(err("the month must be 01 to 12"));
            }
            if let Some(d) = day {
                if d < 1 || d > days_in_month(year, m) {
                    return Err(err("no such day in that month"));
                }
            }
        }
        Ok(Self::pack(year, month, day))
    }

    pub fn precision(&self) -> Precision {
        match (self.month(), self.day()) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        }
    }

    /// The first day the date may be.
    pub fn earliest(&self) -> Day {
        Day {
            year: self.year.into(),
            month: self.month().unwrap_or(1),
            day: self.day().unwrap_or(1),
        }
    }

    /// The last day the date may be.
    pub fn latest(&self) -> Day {
        let month = self.month().unwrap_or(12);
        Day {
            year: self.year.into(),
            month,
            day: self
                .day()
                .unwrap_or_else(|| days_in_month(self.year.into(), month)),
        }
    }

    /// Whether the days this date may be intersect the range `[from, to]` (either
    /// bound open when `None`, each bound taken at its widest).
    pub fn overlaps(&self, from: Option<&PartialDate>, to: Option<&PartialDate>) -> bool {
        from.is_none_or(|f| self.latest() >= f.earliest())
            && to.is_none_or(|t| self.earliest() <= t.latest())
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.earliest()
            .cmp(&other.earliest())
            .then(self.latest().cmp(&other.latest()))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month() {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day() {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for PartialDate {
    /// The fields unpacked, as the derived form read before packing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartialDate")
            .field("year", &i32::from(self.year))
            .field("month", &self.month())
            .field("day", &self.day())
            .finish()
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PartialDate::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    #[test]
    fn parses_each_precision_and_prints_it_back() {
        for (s, p) in [
            ("2022", Precision::Year),
            ("2022-09", Precision::Month),
            ("2022-09-23", Precision::Day),
        ] {
            assert_eq!(d(s).precision(), p);
            assert_eq!(d(s).to_string(), s);
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "22",
            "2022-13",
            "2022-02-30",
            "2023-02-29",
            "2022-9",
            "2022-09-23-1",
            "",
            "abcd",
        ] {
            assert!(PartialDate::parse(bad).is_err(), "{bad}");
        }
        assert!(PartialDate::parse("2024-02-29").is_ok());
    }

    #[test]
    fn a_date_with_a_time_is_refused_for_its_time() {
        for bad in [
            "2022-09-23T10:00",
            "2022-09-23 10:00",
            "2022-09-23T10:00:00Z",
        ] {
            let e = PartialDate::parse(bad).unwrap_err();
            assert_eq!(
                e.reason, "a time of day is not allowed, only the date",
                "{bad}"
            );
            assert!(e.to_string().contains("write YYYY, YYYY-MM or YYYY-MM-DD"));
        }
    }

    #[test]
    fn ordering_puts_coarse_dates_by_their_first_day() {
        let mut v = [d("2022-09-23"), d("2022"), d("2022-09"), d("2021-12-31")];
        v.sort();
        let s: Vec<_> = v.iter().map(|x| x.to_string()).collect();
        assert_eq!(s, ["2021-12-31", "2022", "2022-09", "2022-09-23"]);
    }

    #[test]
    fn a_date_and_an_optional_date_take_four_bytes_and_keep_their_fields() {
        assert_eq!(std::mem::size_of::<PartialDate>(), 4);
        assert_eq!(std::mem::size_of::<Option<PartialDate>>(), 4);
        for s in ["0000", "9999-12-31", "2024-02-29", "1990-01"] {
            assert_eq!(d(s).to_string(), s);
        }
        assert_eq!(PartialDate::year(-44).earliest().year, -44);
        assert_ne!(d("2022"), d("2022-01"));
        assert_ne!(d("2022-01"), d("2022-01-01"));
    }

    #[test]
    fn overlap_respects_precision() {
        let month = d("2022-09");
        assert!(month.overlaps(Some(&d("2022-09-23")), Some(&d("2022-09-23"))));
        assert!(!month.overlaps(Some(&d("2022-10-01")), None));
        assert!(month.overlaps(None, Some(&d("2022-09-01"))));
        assert!(!d("2022-09-23").overlaps(Some(&d("2022-09-24")), None));
        assert!(d("2022").overlaps(Some(&d("2022-12")), None));
    }
}
