//! Byte-level helpers shared by the quantity scanner. Every function here is
//! total: out-of-range indices yield `None`/`false`, never a panic.

use crate::text::swar;

/// ASCII letter, digit or `_`: the bytes an identifier is made of.
#[inline]
pub(super) fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Whether the byte at `i` is an ASCII word byte.
#[inline]
pub(super) fn word_at(b: &[u8], i: usize) -> bool {
    b.get(i).is_some_and(|&c| is_word(c))
}

/// The digit at `i` (ASCII `0-9` or full-width `０-９`) and its length in bytes.
#[inline]
pub(super) fn digit_at(b: &[u8], i: usize) -> Option<(u8, usize)> {
    let c = *b.get(i)?;
    if c.is_ascii_digit() {
        return Some((c - b'0', 1));
    }
    if c == 0xEF && b.get(i + 1) == Some(&0xBC) {
        let d = *b.get(i + 2)?;
        if (0x90..=0x99).contains(&d) {
            return Some((d - 0x90, 3));
        }
    }
    None
}

/// First offset `k >= i` where `b[k]` is an ASCII digit or 0xEF (the lead byte
/// of the full-width digits `０-９`), or `None`.
///
/// The scanner's hot loop: most bytes are not digits, so it tests sixteen bytes
/// at a time as two `u64` (see `digit_lead_bits`; a fraction of the cost of a
/// byte-by-byte test). The lowest flagged byte is the first match.
#[inline]
pub(super) fn next_digit_lead(b: &[u8], i: usize) -> Option<usize> {
    swar::find(b, i, digit_lead_bits, |c| c.is_ascii_digit() || c == 0xEF)
}

/// The high bit of each byte of `x` that is an ASCII digit or 0xEF. Both tests
/// are exact per byte: no carry or borrow crosses a byte.
#[inline]
fn digit_lead_bits(x: u64) -> u64 {
    swar::ascii_digits(x) | swar::bytes_equal(x, 0xEF)
}

/// End of the run of digits starting at `i`, and how many digits it holds.
#[inline]
pub(super) fn digit_run(b: &[u8], mut i: usize) -> (usize, usize) {
    let mut n = 0;
    while let Some((_, len)) = digit_at(b, i) {
        i += len;
        n += 1;
    }
    (i, n)
}

/// End of the run of ASCII digits starting at `i`, and its length.
#[inline]
pub(super) fn ascii_run(b: &[u8], i: usize) -> (usize, usize) {
    let mut j = i;
    while b.get(j).is_some_and(u8::is_ascii_digit) {
        j += 1;
    }
    (j, j - i)
}

/// Value of the ASCII digits `b[s..e]` (at most 4 of them in practice).
pub(super) fn ascii_value(b: &[u8], s: usize, e: usize) -> u32 {
    b.get(s..e).map_or(0, |ds| {
        ds.iter().fold(0u32, |v, &d| {
            v.saturating_mul(10).saturating_add(u32::from(d - b'0'))
        })
    })
}

/// `b[i..]` starts with `pat`.
#[inline]
pub(super) fn at(b: &[u8], i: usize, pat: &[u8]) -> bool {
    // The first byte decides most calls (word lists are tried entry by entry).
    match (b.get(i), pat.first()) {
        (Some(x), Some(y)) if x != y => false,
        _ => b.get(i..).is_some_and(|s| s.starts_with(pat)),
    }
}

/// `b[i..]` starts with `pat`, ASCII case-insensitively.
#[inline]
pub(super) fn at_ci(b: &[u8], i: usize, pat: &[u8]) -> bool {
    match (b.get(i), pat.first()) {
        (Some(x), Some(y)) if !x.eq_ignore_ascii_case(y) => false,
        _ => b
            .get(i..i.saturating_add(pat.len()))
            .is_some_and(|s| s.eq_ignore_ascii_case(pat)),
    }
}

/// `b[..end]` ends with `pat`, ASCII case-insensitively (exact for non-ASCII).
#[inline]
pub(super) fn ends_ci(b: &[u8], end: usize, pat: &[u8]) -> bool {
    if let (Some(x), Some(y)) = (end.checked_sub(1).and_then(|k| b.get(k)), pat.last()) {
        if !x.eq_ignore_ascii_case(y) {
            return false;
        }
    }
    end >= pat.len()
        && b.get(end - pat.len()..end)
            .is_some_and(|s| s.eq_ignore_ascii_case(pat))
}

/// Length of the horizontal space at `i`: ASCII space or tab, NBSP (U+00A0), or
/// ideographic space (U+3000). 0 if none.
#[inline]
fn space_at(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b' ' | b'\t') => 1,
        Some(0xC2) if b.get(i + 1) == Some(&0xA0) => 2,
        Some(0xE3) if at(b, i + 1, &[0x80, 0x80]) => 3,
        _ => 0,
    }
}

/// Length of the horizontal space ending at `i` (see `space_at`).
#[inline]
fn space_before(b: &[u8], i: usize) -> usize {
    match i.checked_sub(1).and_then(|k| b.get(k)) {
        Some(b' ' | b'\t') => 1,
        Some(0xA0) if i >= 2 && b[i - 2] == 0xC2 => 2,
        Some(0x80) if i >= 3 && b[i - 3] == 0xE3 && b[i - 2] == 0x80 => 3,
        _ => 0,
    }
}

/// Skips at most `max` horizontal spaces forward.
#[inline]
pub(super) fn skip_spaces(b: &[u8], mut i: usize, max: usize) -> usize {
    for _ in 0..max {
        match space_at(b, i) {
            0 => break,
            n => i += n,
        }
    }
    i
}

/// Skips at most `max` horizontal spaces backward, not below `floor`.
#[inline]
pub(super) fn skip_spaces_back(b: &[u8], mut i: usize, floor: usize, max: usize) -> usize {
    for _ in 0..max {
        match space_before(b, i) {
            n if n > 0 && i >= floor + n => i -= n,
            _ => break,
        }
    }
    i
}

/// End of the identifier-like run at `i` (ASCII word bytes, `.`, full-width
/// digits): what to skip when a number turns out to be part of a name or code.
/// Always `> i` when `i < b.len()`.
pub(super) fn skip_word(b: &[u8], mut i: usize) -> usize {
    let start = i;
    loop {
        match b.get(i) {
            Some(&c) if is_word(c) || c == b'.' => i += 1,
            Some(_) => match digit_at(b, i) {
                Some((_, len)) => i += len,
                None => break,
            },
            None => break,
        }
    }
    if i == start && start < b.len() {
        // Never stall; callers only call this at a digit, so this is a safety net.
        i = start + 1;
        while i < b.len() && (b[i] & 0xC0) == 0x80 {
            i += 1;
        }
    }
    i
}

/// Exact powers of ten representable in an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `x * 10^e`, exact whenever `x` is an integer below 2^53 and the result is.
#[inline]
pub(super) fn scale10(x: f64, e: i32) -> f64 {
    let k = e.unsigned_abs() as usize;
    let p = POW10.get(k).copied().unwrap_or_else(|| 10f64.powi(e.abs()));
    if e >= 0 {
        x * p
    } else {
        x / p
    }
}

/// `10^e` for small non-negative `e`.
#[inline]
pub(super) fn pow10(e: i32) -> f64 {
    scale10(1.0, e)
}
