//! Dates as lifecycle data gives them: an ISO date, or a boolean when the
//! exact date is unknown or does not apply, or nothing.

use std::fmt;

use serde::{Serialize, Serializer};
use time::Date;

/// A support milestone (end of life, end of active support, end of extended
/// support, LTS). endoflife.date writes either an ISO date or a boolean:
/// `true` means "this has happened / exists" without a date, `false` "has
/// not / does not exist".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SupportDate {
    #[default]
    None,
    Bool(bool),
    Date(Date),
}

impl SupportDate {
    pub fn date(&self) -> Option<Date> {
        match self {
            SupportDate::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, SupportDate::None)
    }

    /// Whether the milestone is set at all: a date, or `true`.
    pub fn is_set(&self) -> bool {
        matches!(self, SupportDate::Date(_) | SupportDate::Bool(true))
    }
}

impl fmt::Display for SupportDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SupportDate::None => f.write_str("-"),
            SupportDate::Bool(b) => write!(f, "{b}"),
            SupportDate::Date(d) => f.write_str(&iso(*d)),
        }
    }
}

impl Serialize for SupportDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SupportDate::None => s.serialize_none(),
            SupportDate::Bool(b) => s.serialize_bool(*b),
            SupportDate::Date(d) => s.serialize_str(&iso(*d)),
        }
    }
}

/// `YYYY-MM-DD`.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses a strict ISO calendar date `YYYY-MM-DD` (surrounding blanks allowed).
pub fn parse_iso(s: &str) -> Option<Date> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &b[r];
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let year = digits(0..4)? as i32;
    let month = time::Month::try_from(u8::try_from(digits(5..7)?).ok()?).ok()?;
    let day = u8::try_from(digits(8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_strict_iso_dates() {
        assert_eq!(
            parse_iso("2024-06-30").map(iso).as_deref(),
            Some("2024-06-30")
        );
        assert_eq!(
            parse_iso(" 2000-02-29 ").map(iso).as_deref(),
            Some("2000-02-29")
        );
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-6-30",
            "24-06-30",
            "2024/06/30",
            "",
            "2024-06-3x",
            "２０２４-06-30",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }
}
