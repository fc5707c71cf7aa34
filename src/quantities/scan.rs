//! The scanner: jump from digit to digit, decide locally.

use super::date::{scan_date, DateScan};
use super::lex::{at, at_ci, digit_at, is_word, next_digit_lead, skip_spaces, skip_word};
use super::number::{build, parse_digits, parse_mag, Digits, Mag, NO_MAG};
use super::words::{after_mods, before_mods, parse_unit, plus_is_bound};
use super::{Bound, Magnitude, Number, Quantity, QuantityKind, Unit};

thread_local! {
    /// Reused across notes: see `text::collect_with_scratch`.
    static FOUND: std::cell::RefCell<Vec<Quantity>> = const { std::cell::RefCell::new(Vec::new()) };
}

pub(super) fn scan(text: &str) -> Vec<Quantity> {
    crate::text::collect_with_scratch(&FOUND, |out| scan_into(text, out))
}

fn scan_into(text: &str, out: &mut Vec<Quantity>) {
    let b = text.as_bytes();
    let mut i = 0;
    // End of the last quantity and its trailing modifiers: look-backs stop here.
    let mut floor = 0;
    while i < b.len() {
        // Hot path: skip everything that cannot start a digit (ASCII digits, and
        // 0xEF, the lead byte of full-width digits). Continuation bytes are
        // 0x80..=0xBF, so neither test can fire in the middle of a character.
        match next_digit_lead(b, i) {
            Some(k) => i = k,
            None => break,
        }
        if digit_at(b, i).is_none() {
            i += 1;
            continue;
        }
        match at_digit(text, b, i, floor) {
            Step::Emit(q, next) => {
                floor = next;
                i = next.max(i + 1);
                out.push(q);
            }
            Step::Skip(next) => i = next.max(i + 1),
        }
    }
}

enum Step {
    Emit(Quantity, usize),
    Skip(usize),
}

/// Whether a number starting at `s` is glued to an identifier: `GPT4`, `FP8`,
/// `A2.7B`, `x86`, `GPT-4`, `Llama-3.1`, `v1.5` (the `5`).
/// A `-` right after the previous quantity (`2023.01-2023.06`) does not glue.
fn glued_left(b: &[u8], s: usize, floor: usize) -> bool {
    let Some(&p) = s.checked_sub(1).and_then(|k| b.get(k)) else {
        return false;
    };
    let pp = s.checked_sub(2).and_then(|k| b.get(k)).copied();
    match p {
        _ if is_word(p) => true,
        // `v1.5` (the `5`) and a bare `.5` alike
        b'.' => true,
        // the minutes of `T10:00`
        b':' => pp.is_some_and(|c| c.is_ascii_digit()),
        b'-' => floor + 1 != s && pp.is_some_and(|c| is_word(c) || c == b'.'),
        _ => false,
    }
}

/// Digits and magnitude of one number at `s`.
struct Head {
    d: Digits,
    mag: Option<Mag>,
    end: usize,
}

fn parse_head(b: &[u8], s: usize) -> Result<Head, usize> {
    let d = parse_digits(b, s)?;
    match b.get(d.end) {
        // `12:30`, `1:1`: a time or a ratio.
        Some(b':') if digit_at(b, d.end + 1).is_some() => {
            let mut k = d.end;
            while matches!(b.get(k), Some(b':' | b'.')) || digit_at(b, k).is_some() {
                k += digit_at(b, k).map_or(1, |(_, l)| l);
            }
            return Err(k);
        }
        // `10^{24}`, `2^16`
        Some(b'^') => {
            let mut k = d.end + 1;
            while matches!(b.get(k), Some(b'{' | b'}' | b'-')) || digit_at(b, k).is_some() {
                k += digit_at(b, k).map_or(1, |(_, l)| l);
            }
            return Err(k);
        }
        _ => {}
    }
    match parse_mag(b, d.end) {
        Some((m, end)) => Ok(Head {
            d,
            mag: Some(m),
            end,
        }),
        None => {
            // Letters glued to the digits that are neither a magnitude nor a unit:
            // `12BERT`, `4kg`, `0x1F`, `1e5`, `3D`, `100ms`.
            if b.get(d.end).is_some_and(|&c| is_word(c)) && parse_unit(b, d.end).is_none() {
                return Err(skip_word(b, s));
            }
            Ok(Head {
                d,
                mag: None,
                end: d.end,
            })
        }
    }
}

/// Range separators between two numbers: `-`, `－`, en/em dash, `~`, `～`, `〜`,
/// `到`, `至`, ` to `.
fn range_sep(b: &[u8], i: usize) -> Option<usize> {
    let j = skip_spaces(b, i, 1);
    let len = if matches!(b.get(j), Some(b'-' | b'~')) {
        1
    } else if at(b, j, "–".as_bytes())
        || at(b, j, "—".as_bytes())
        || at(b, j, "～".as_bytes())
        || at(b, j, "〜".as_bytes())
        || at(b, j, "－".as_bytes())
        || at(b, j, "到".as_bytes())
        || at(b, j, "至".as_bytes())
    {
        3
    } else if j > i && at_ci(b, j, b"to ") {
        2
    } else {
        return None;
    };
    let k = skip_spaces(b, j + len, 1);
    digit_at(b, k).map(|_| k)
}

/// What follows the last magnitude: `+`, unit word, `+`.
struct Tail {
    unit: Unit,
    plus: bool,
    span_end: usize,
    next: usize,
}

fn parse_tail(text: &str, b: &[u8], j: usize, mag_unit: Unit) -> Tail {
    let mut t = Tail {
        unit: mag_unit,
        plus: false,
        span_end: j,
        next: j,
    };
    if b.get(j) == Some(&b'+') {
        if mag_unit == Unit::None {
            if let Some((u, e)) = parse_unit(b, j + 1).filter(|&(_, e)| e > j + 1) {
                t.unit = u;
                t.plus = true;
                t.span_end = e;
                t.next = e;
                return t;
            }
        }
        if plus_is_bound(text, j + 1) {
            t.plus = true;
            t.next = j + 1;
        }
        return t;
    }
    if mag_unit == Unit::None {
        if let Some((u, e)) = parse_unit(b, j) {
            t.unit = u;
            t.span_end = e;
            t.next = e;
            if b.get(e) == Some(&b'+') && plus_is_bound(text, e + 1) {
                t.plus = true;
                t.next = e + 1;
            }
        }
    }
    t
}

fn at_digit(text: &str, b: &[u8], s: usize, floor: usize) -> Step {
    if glued_left(b, s, floor) {
        return Step::Skip(skip_word(b, s));
    }
    match scan_date(b, s, floor) {
        DateScan::Date(date, start, end) => {
            return Step::Emit(
                Quantity {
                    span: start..end,
                    kind: QuantityKind::Date(date),
                },
                end,
            )
        }
        DateScan::Junk(end) => return Step::Skip(end),
        DateScan::NotDate => {}
    }
    let h1 = match parse_head(b, s) {
        Ok(h) => h,
        Err(skip) => return Step::Skip(skip),
    };
    // A range: the second end must parse, and if the first end has a magnitude
    // the second needs one too (`7B-1` is not a range).
    let second = range_sep(b, h1.end)
        .and_then(|k| parse_head(b, k).ok())
        .filter(|h2| h1.mag.is_none() || h2.mag.is_some());
    let last_end = second.as_ref().map_or(h1.end, |h2| h2.end);
    let last_mag = second.as_ref().map_or(h1.mag, |h2| h2.mag);
    let tail = parse_tail(text, b, last_end, last_mag.map_or(Unit::None, |m| m.unit));
    let (after, after_end) = after_mods(b, tail.next);
    let before = before_mods(b, s, floor);
    let approx = before.approx || after.approx;
    let next = after_end.max(tail.next);
    let kind = match second {
        None => {
            let bound = if tail.plus {
                Bound::AtLeast
            } else {
                after.bound.or(before.bound).unwrap_or(Bound::Exact)
            };
            let mag = h1.mag.unwrap_or(NO_MAG);
            match build(&h1.d, &mag, tail.unit, approx, bound) {
                Some(n) => QuantityKind::Number(n),
                None => return Step::Skip(next),
            }
        }
        Some(h2) => {
            let mag2 = h2.mag.unwrap_or(NO_MAG);
            let mag1 = h1.mag.unwrap_or(mag2);
            let bound2 = if tail.plus {
                Bound::AtLeast
            } else {
                after.bound.unwrap_or(Bound::Exact)
            };
            let bound1 = before.bound.unwrap_or(Bound::Exact);
            match (
                build(&h1.d, &mag1, tail.unit, approx, bound1),
                build(&h2.d, &mag2, tail.unit, approx, bound2),
            ) {
                (Some(mut n1), Some(mut n2)) => {
                    // `2018-2020`: years are exact, whatever their trailing zeros.
                    if year_like(&n1) && year_like(&n2) {
                        (n1.lo, n1.hi, n2.lo, n2.hi) = (n1.value, n1.value, n2.value, n2.value);
                    }
                    QuantityKind::Range(n1, n2)
                }
                _ => return Step::Skip(next),
            }
        }
    };
    Step::Emit(
        Quantity {
            span: s..tail.span_end,
            kind,
        },
        next,
    )
}

/// A plain four-digit integer in 1900..=2100 (no magnitude, not approximate).
fn year_like(n: &Number) -> bool {
    n.magnitude == Magnitude::None
        && !n.approx
        && matches!(n.unit, Unit::None | Unit::Other)
        && n.value.fract() == 0.0
        && (1900.0..=2100.0).contains(&n.value)
}
