//! Days (§9.3): `YYYY-MM-DD` in UTC, as a count of days since 1970-01-01, and
//! the windows (`from`, `until`) that end a user's statements.

use std::fmt;

/// One day in UTC: days since 1970-01-01 (negative before it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Day(pub i32);

/// The first and last year a date may name.
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

fn leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to the civil date (proleptic Gregorian).
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count.
fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl Day {
    /// Reads `YYYY-MM-DD`; `Err` says what is wrong, for a diagnostic.
    pub fn parse(text: &str) -> Result<Day, String> {
        let b = text.as_bytes();
        let digits = |r: std::ops::Range<usize>| {
            b.get(r.clone())
                .filter(|s| s.iter().all(u8::is_ascii_digit))
                .and_then(|_| text.get(r))
                .and_then(|s| s.parse::<u32>().ok())
        };
        let shape = b.len() == 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-');
        let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
            return Err(format!("`{text}` is not a date: write YYYY-MM-DD"));
        };
        if !shape {
            return Err(format!("`{text}` is not a date: write YYYY-MM-DD"));
        }
        let y = y as i32;
        if !YEARS.contains(&y) {
            return Err(format!("year {y} is out of range (0001 to 9999)"));
        }
        if !(1..=12).contains(&m) {
            return Err(format!("`{text}` has no month {m}: months are 01 to 12"));
        }
        let last = days_in_month(y, m);
        if d == 0 || d > last {
            return Err(format!("`{text}` is not a day: that month has {last} days"));
        }
        Ok(Day(days_from_civil(y, m, d)))
    }

    /// Today in UTC, from the system clock; `RIGHTS_TODAY=YYYY-MM-DD` in
    /// the environment stands for it (reproducible runs, as
    /// `SOURCE_DATE_EPOCH` does for builds).
    pub fn today() -> Day {
        if let Some(d) = std::env::var("RIGHTS_TODAY")
            .ok()
            .and_then(|t| Day::parse(t.trim()).ok())
        {
            return d;
        }
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Day(i32::try_from(secs / 86_400).unwrap_or(i32::MAX))
    }

    /// `n` days later.
    pub fn plus(self, n: u32) -> Day {
        Day(self.0.saturating_add(i32::try_from(n).unwrap_or(i32::MAX)))
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// `from`, `until` or both: the days an item holds, ends included.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Window {
    pub from: Option<Day>,
    pub until: Option<Day>,
}

impl Window {
    /// Whether the item holds on `day`: from the start of `from` through the
    /// end of `until`.
    pub fn holds(&self, day: Day) -> bool {
        self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day <= u)
    }

    /// "from 2026-12-01 until 2026-12-24", "until 2026-12-31".
    pub fn words(&self) -> String {
        match (self.from, self.until) {
            (Some(f), Some(u)) => format!("from {f} until {u}"),
            (Some(f), None) => format!("from {f}"),
            (None, Some(u)) => format!("until {u}"),
            (None, None) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_and_print_back() {
        for t in [
            "1970-01-01",
            "2026-12-31",
            "2000-02-29",
            "0001-01-01",
            "9999-12-31",
        ] {
            assert_eq!(Day::parse(t).unwrap().to_string(), t);
        }
        assert_eq!(Day::parse("1970-01-02").unwrap(), Day(1));
        assert_eq!(
            Day::parse("2026-12-25").unwrap().0 - Day::parse("2026-12-24").unwrap().0,
            1
        );
        assert!(Day::parse("2026-02-29").unwrap_err().contains("28 days"));
        assert!(Day::parse("2026-13-01").unwrap_err().contains("month 13"));
        assert!(Day::parse("2026-1-01").is_err());
        assert!(Day::parse("0000-01-01").is_err());
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        let start = Day::parse("1900-01-01").unwrap().0;
        let end = Day::parse("2300-12-31").unwrap().0;
        for z in start..=end {
            let s = Day(z).to_string();
            assert_eq!(Day::parse(&s), Ok(Day(z)), "{s}");
        }
    }

    #[test]
    fn windows_include_both_ends() {
        let d = |t| Day::parse(t).unwrap();
        let w = Window {
            from: Some(d("2026-12-01")),
            until: Some(d("2026-12-24")),
        };
        assert!(w.holds(d("2026-12-01")) && w.holds(d("2026-12-24")));
        assert!(!w.holds(d("2026-11-30")) && !w.holds(d("2026-12-25")));
        assert!(Window::default().holds(d("1970-01-01")));
    }
}
