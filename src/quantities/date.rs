//! Dates: `2023.07.18`, `2023-02-24`, `2023/07/18`, `2024-04`, `2023.02`,
//! `2023年7月18日`, `2018年6月份`, `2019年`, `Feb 2023`, `February 24, 2023`.
//!
//! Only four-digit years in 1900..=2100 start a date. A bare `2019` is not a date
//! (it is a `Number`; `claims` decides whether it is a year) unless `年` follows.
//! Every date is checked against the calendar; an impossible date is not a date.

use super::lex::{ascii_run, ascii_value, at, is_word, skip_spaces, word_at};
use super::Date;

pub(super) enum DateScan {
    /// A date and its byte span.
    Date(Date, usize, usize),
    /// Not date-shaped: let the number scanner have it.
    NotDate,
    /// Date-shaped but impossible (`2023.13.45`, `2023-02-30`): skip to here.
    Junk(usize),
}

const YEARS: std::ops::RangeInclusive<u32> = 1900..=2100;

const NIAN: &[u8] = "年".as_bytes();
const YUE: &[u8] = "月".as_bytes();
const FEN: &[u8] = "份".as_bytes();
const RI: &[u8] = "日".as_bytes();
const HAO: &[u8] = "号".as_bytes();

fn is_leap(y: u32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

fn valid(y: u32, m: u32, d: Option<u32>) -> bool {
    YEARS.contains(&y)
        && (1..=12).contains(&m)
        && match d {
            None => true,
            Some(d) => d >= 1 && d <= days_in(y, m),
        }
}

fn mk(y: u32, m: Option<u32>, d: Option<u32>) -> Date {
    Date {
        year: y as i32,
        month: m.map(|m| m as u8),
        day: d.map(|d| d as u8),
    }
}

/// A date may not run on into more digits or an identifier (`2023.07.18.1`,
/// `2023-02x`). `2023-02-24T10:00` is allowed to end before the `T`.
fn end_ok(b: &[u8], i: usize, sep: u8) -> bool {
    match b.get(i) {
        Some(b'T') => b.get(i + 1).is_some_and(u8::is_ascii_digit),
        Some(&c) if is_word(c) => false,
        Some(&c) if c == sep || c == b'.' || c == b':' => {
            !b.get(i + 1).is_some_and(u8::is_ascii_digit)
        }
        _ => true,
    }
}

/// Tries a date at the digit at `s`. `floor` bounds the look-back for an English
/// month name (`Feb 2023`).
pub(super) fn scan_date(b: &[u8], s: usize, floor: usize) -> DateScan {
    if let Some((mstart, month)) = month_name_before(b, s, floor) {
        if let Some((date, end)) = after_month_name(b, s, month) {
            return DateScan::Date(date, mstart, end);
        }
    }
    let (e, n) = ascii_run(b, s);
    if n != 4 {
        return DateScan::NotDate;
    }
    let year = ascii_value(b, s, e);
    if !YEARS.contains(&year) {
        return DateScan::NotDate;
    }
    match b.get(e) {
        Some(&sep @ (b'.' | b'-' | b'/')) => numeric(b, s, e, year, sep),
        _ => chinese(b, s, e, year),
    }
}

/// `2023.07.18`, `2023-02`, `2023/07/18` (the same separator throughout).
fn numeric(b: &[u8], s: usize, e: usize, year: u32, sep: u8) -> DateScan {
    let (me, mn) = ascii_run(b, e + 1);
    if !(1..=2).contains(&mn) {
        return DateScan::NotDate;
    }
    let month = ascii_value(b, e + 1, me);
    if b.get(me) == Some(&sep) {
        let (de, dn) = ascii_run(b, me + 1);
        if (1..=2).contains(&dn) {
            let day = ascii_value(b, me + 1, de);
            if valid(year, month, Some(day)) && end_ok(b, de, sep) {
                return DateScan::Date(mk(year, Some(month), Some(day)), s, de);
            }
            return DateScan::Junk(de);
        }
        if dn > 2 {
            // `2023.07.2024`, `2023-02-1234`: nothing sensible.
            return DateScan::Junk(de);
        }
    }
    if valid(year, month, None) && end_ok(b, me, sep) {
        return DateScan::Date(mk(year, Some(month), None), s, me);
    }
    DateScan::NotDate
}

/// `2019年`, `2018年6月`, `2018年6月份`, `2023年7月18日` (spaces allowed).
fn chinese(b: &[u8], s: usize, e: usize, year: u32) -> DateScan {
    let k = skip_spaces(b, e, 1);
    if !at(b, k, NIAN) {
        return DateScan::NotDate;
    }
    let mut end = k + NIAN.len();
    let mut month = None;
    let mut day = None;
    let ms = skip_spaces(b, end, 1);
    let (me, mn) = ascii_run(b, ms);
    if (1..=2).contains(&mn) {
        let m = ascii_value(b, ms, me);
        let k = skip_spaces(b, me, 1);
        if at(b, k, YUE) && valid(year, m, None) {
            month = Some(m);
            end = k + YUE.len();
            if at(b, end, FEN) {
                end += FEN.len();
            } else {
                let ds = skip_spaces(b, end, 1);
                let (de, dn) = ascii_run(b, ds);
                if (1..=2).contains(&dn) {
                    let d = ascii_value(b, ds, de);
                    let k = skip_spaces(b, de, 1);
                    if (at(b, k, RI) || at(b, k, HAO)) && valid(year, m, Some(d)) {
                        day = Some(d);
                        end = k + RI.len();
                    }
                }
            }
        }
    }
    DateScan::Date(mk(year, month, day), s, end)
}

const MONTHS: [(&str, u8); 24] = [
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// A capitalised English month name (`Feb`, `Feb.`, `February`) right before the
/// digits at `s`, separated by one or two spaces: its start and month.
fn month_name_before(b: &[u8], s: usize, floor: usize) -> Option<(usize, u8)> {
    let mut k = s;
    let mut spaces = 0;
    while spaces < 2 && k > floor && b.get(k - 1) == Some(&b' ') {
        k -= 1;
        spaces += 1;
    }
    if spaces == 0 {
        return None;
    }
    if k > floor && b.get(k - 1) == Some(&b'.') {
        k -= 1;
    }
    let end = k;
    while k > floor && end - k < 10 && b.get(k - 1).is_some_and(u8::is_ascii_alphabetic) {
        k -= 1;
    }
    if k == end || (k > 0 && word_at(b, k - 1)) {
        return None;
    }
    let word = b.get(k..end)?;
    if !word[0].is_ascii_uppercase() {
        return None;
    }
    MONTHS
        .iter()
        .find(|(name, _)| word.eq_ignore_ascii_case(name.as_bytes()))
        .map(|&(_, m)| (k, m))
}

/// After a month name: `2023` (→ year-month) or `24, 2023` / `24 2023`.
fn after_month_name(b: &[u8], s: usize, month: u8) -> Option<(Date, usize)> {
    let (e, n) = ascii_run(b, s);
    let m = u32::from(month);
    if n == 4 {
        let y = ascii_value(b, s, e);
        return (valid(y, m, None) && end_ok(b, e, b'.')).then(|| (mk(y, Some(m), None), e));
    }
    if !(1..=2).contains(&n) {
        return None;
    }
    let d = ascii_value(b, s, e);
    let mut j = e;
    if b.get(j) == Some(&b',') {
        j += 1;
    }
    let ys = skip_spaces(b, j, 2);
    if ys == e {
        return None;
    }
    let (ye, yn) = ascii_run(b, ys);
    if yn != 4 {
        return None;
    }
    let y = ascii_value(b, ys, ye);
    (valid(y, m, Some(d)) && end_ok(b, ye, b'.')).then(|| (mk(y, Some(m), Some(d)), ye))
}
