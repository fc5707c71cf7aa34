//! Dates as the KB states them: a year, a month or a day.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KbDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl KbDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking the calendar.
    pub fn parse(s: &str) -> Result<KbDate, String> {
        let parts: Vec<&str> = s.trim().split('-').collect();
        let num = |p: &str, what: &str| -> Result<u32, String> {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 4 {
                return Err(format!("`{s}` is not a date: {what} `{p}` is not a number"));
            }
            p.parse::<u32>().map_err(|e| e.to_string())
        };
        let (year, month, day) = match parts.as_slice() {
            [y] => (num(y, "year")?, None, None),
            [y, m] => (num(y, "year")?, Some(num(m, "month")?), None),
            [y, m, d] => (
                num(y, "year")?,
                Some(num(m, "month")?),
                Some(num(d, "day")?),
            ),
            _ => {
                return Err(format!(
                    "`{s}` is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD"
                ))
            }
        };
        if !(1900..=2100).contains(&year) {
            return Err(format!("`{s}`: year {year} is out of range"));
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(format!("`{s}`: month {m} does not exist"));
            }
            if let Some(d) = day {
                if d < 1 || d > days_in_month(year as i32, m as u8) as u32 {
                    return Err(format!("`{s}`: day {d} does not exist in that month"));
                }
            }
        }
        Ok(KbDate {
            year: year as i32,
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
        })
    }

    /// The first and last day this date covers, as day numbers.
    pub fn day_range(&self) -> (i64, i64) {
        let (m0, m1) = match self.month {
            Some(m) => (m, m),
            None => (1, 12),
        };
        let d0 = self.day.unwrap_or(1);
        let d1 = self.day.unwrap_or(days_in_month(self.year, m1));
        (day_number(self.year, m0, d0), day_number(self.year, m1, d1))
    }
}

impl fmt::Display for KbDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 (proleptic Gregorian), for comparing dates.
pub fn day_number(year: i32, month: u8, day: u8) -> i64 {
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year } as i64;
    let m = month as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_three_precisions() {
        assert_eq!(KbDate::parse("2019").unwrap().to_string(), "2019");
        assert_eq!(KbDate::parse("2024-04").unwrap().to_string(), "2024-04");
        assert_eq!(
            KbDate::parse("2023-07-18").unwrap().to_string(),
            "2023-07-18"
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(KbDate::parse("2023-02-29").is_err());
        assert!(KbDate::parse("2024-02-29").is_ok());
        assert!(KbDate::parse("2023-13").is_err());
        assert!(KbDate::parse("23-01-01").is_err());
        assert!(KbDate::parse("2023/01/01").is_err());
    }

    #[test]
    fn day_numbers_are_consecutive() {
        assert_eq!(day_number(1970, 1, 1), 0);
        assert_eq!(day_number(2024, 3, 1) - day_number(2024, 2, 28), 2);
        let r = KbDate::parse("2023-02").unwrap().day_range();
        assert_eq!(r.1 - r.0, 27);
    }
}
