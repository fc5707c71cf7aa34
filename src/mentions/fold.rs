//! The folded view of a text that the alias automaton runs over: ASCII lower
//! case, short runs of separators (space, `-`, `_`) removed, with a map back to
//! original byte offsets. `GPT 2`, `gpt-2` and `GPT_2` all read `gpt2`.

use crate::text::swar::{self, bytes_equal, HIGH_BITS, ONES};

/// Longest run of separators that folding removes; longer runs stay, so words
/// far apart never fuse into a name.
const MAX_SEPARATOR_RUN: usize = 3;

pub struct Folded {
    pub bytes: Vec<u8>,
    /// Where folding dropped bytes: from folded offset `.0` on, the original
    /// offset is the folded one plus `.1`. Sorted, one entry per dropped run: a
    /// dense map would cost four bytes per byte of text.
    shifts: Vec<(u32, u32)>,
    /// Length of the original text.
    len: usize,
}

impl Folded {
    pub fn new(text: &str) -> Folded {
        let src = text.as_bytes();
        // Written in place: folding never lengthens a text.
        let mut bytes = vec![0; src.len()];
        let mut len = 0;
        let mut shifts: Vec<(u32, u32)> = Vec::new();
        let mut i = 0;
        while i < src.len() {
            // Most bytes are kept (ASCII lower-cased, the rest as is), eight
            // at a time, lone ASCII separators dropped on the way; else up to
            // the first byte that may start a separator. Such a byte is ASCII
            // or a lead byte, so kept bytes never split a character. The
            // whole chunk is written; what lies past the kept bytes is
            // written over next (`len` <= `i`, so it fits).
            if let Some(w) = src.get(i..).and_then(swar::load) {
                // CJK prose: no ASCII byte to lower-case or drop, and most
                // often no lead byte of a separator either. Copied as is.
                if w & HIGH_BITS == HIGH_BITS && separator_leads(w) == 0 {
                    bytes[len..len + 8].copy_from_slice(&w.to_le_bytes());
                    i += 8;
                    len += 8;
                    continue;
                }
                let lower = lower_case(w);
                let (ascii, leads) = separators_in(w);
                let stops = ascii | leads;
                if stops == 0 {
                    bytes[len..len + 8].copy_from_slice(&lower.to_le_bytes());
                    i += 8;
                    len += 8;
                    continue;
                }
                // ASCII separators, each alone (a run is consumed whole, so
                // none goes on from before the chunk) and the last not going
                // on past it: each a run of one, dropped here, the bytes
                // above it moving down one place.
                let lone = leads == 0
                    && ascii & (ascii << 8) == 0
                    && (ascii >> 56 == 0
                        || !src.get(i + 8).is_some_and(|&b| is_ascii_separator(b)));
                if lone {
                    let mut kept = lower;
                    let mut flags = ascii;
                    let mut dropped = 0;
                    while flags != 0 {
                        let at = swar::first(flags);
                        let to = at - dropped;
                        let below = (1u64 << (8 * to)) - 1;
                        kept = (kept & below) | ((kept >> 8) & !below);
                        drop_until(&mut shifts, len + to, i + at, i + at + 1);
                        flags &= flags - 1;
                        dropped += 1;
                    }
                    bytes[len..len + 8].copy_from_slice(&kept.to_le_bytes());
                    i += 8;
                    len += 8 - dropped;
                    continue;
                }
                bytes[len..len + 8].copy_from_slice(&lower.to_le_bytes());
                let kept = swar::first(stops);
                i += kept;
                len += kept;
            }
            let b = src[i];
            if !MAY_SEPARATE[usize::from(b)] {
                bytes[len] = b.to_ascii_lowercase();
                len += 1;
                i += 1;
                continue;
            }
            if b < 0x80 {
                let run_end = separator_run_end(src, i + 1);
                if run_end - i > MAX_SEPARATOR_RUN {
                    // Keep one space as a barrier.
                    bytes[len] = b' ';
                    len += 1;
                    i += 1;
                }
                drop_until(&mut shifts, len, i, run_end);
                i = run_end;
            } else {
                // A lead byte of a character that may be a non-breaking space
                // or a dash: dropped whole if it is one, else the lead byte is
                // kept and its continuation bytes (never a stop) go on with
                // the next chunk.
                let dropped = separator_len(&src[i..]);
                if dropped > 0 {
                    drop_until(&mut shifts, len, i, i + dropped);
                    i += dropped;
                } else {
                    bytes[len] = b;
                    len += 1;
                    i += 1;
                }
            }
        }
        bytes.truncate(len);
        Folded {
            bytes,
            shifts,
            len: src.len(),
        }
    }

    /// Original byte offset of folded byte `f` (`f` < folded length).
    fn original_of(&self, f: usize) -> usize {
        let k = self.shifts.partition_point(|&(at, _)| at as usize <= f);
        let shift = if k == 0 {
            0
        } else {
            self.shifts[k - 1].1 as usize
        };
        f + shift
    }

    /// Original byte range of a folded range.
    pub fn original(&self, start: usize, end: usize) -> std::ops::Range<usize> {
        let s = if start >= self.bytes.len() {
            self.len
        } else {
            self.original_of(start)
        };
        // The end is just past the last folded byte's original byte.
        let e = if end == 0 {
            s
        } else {
            self.original_of(end - 1) + 1
        };
        s..e
    }
}

/// `may_separate` as a table, for the scan over every byte of a note.
const MAY_SEPARATE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = may_separate(b as u8);
        b += 1;
    }
    t
};

/// Eight bytes with their ASCII capitals lower-cased.
fn lower_case(w: u64) -> u64 {
    // On the low seven bits of each byte, adding 0x80 - c sets the top bit
    // iff the byte is >= c, and never carries into the next byte.
    let low = w & !HIGH_BITS;
    let from_a = low + ONES * (0x80 - 0x41);
    let past_z = low + ONES * (0x80 - 0x5B);
    let capitals = from_a & !past_z & !w & HIGH_BITS;
    w | (capitals >> 2)
}

/// Top bits flagging the bytes of `w` that are ASCII separators (space, `-`,
/// `_`), and those that are the lead byte 0xC2 or 0xE2 of a character that may
/// be a separator. Exact per byte.
fn separators_in(w: u64) -> (u64, u64) {
    // A byte of `low ^ c` is zero iff adding 0x7F to it leaves its top bit
    // clear; `w` rules out non-ASCII bytes (`c` is ASCII). No carries.
    let low = w & !HIGH_BITS;
    let low7 = ONES * 0x7F;
    let ne = |c: u8| (low ^ (ONES * u64::from(c))) + low7;
    let ascii = !((ne(b' ') & ne(b'-') & ne(b'_')) | w) & HIGH_BITS;
    (ascii, separator_leads(w))
}

/// Top bits flagging the bytes of `w` that are 0xC2 or 0xE2, the lead bytes
/// of the non-ASCII separators (`separator_len`).
#[inline]
fn separator_leads(w: u64) -> u64 {
    bytes_equal(w | (ONES * 0x20), 0xE2)
}

/// Whether a character starting with byte `b` can be a separator: an ASCII one,
/// or the lead byte of U+00A0 (0xC2) or of U+2010..U+2013 (0xE2).
const fn may_separate(b: u8) -> bool {
    is_ascii_separator(b) || b == 0xC2 || b == 0xE2
}

const fn is_ascii_separator(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'_')
}

/// The end of the run of ASCII separators from `i`: runs of blanks (masked
/// code, markup, URLs) are skipped eight bytes at a time.
fn separator_run_end(src: &[u8], mut i: usize) -> usize {
    loop {
        if let Some(w) = src.get(i..).and_then(swar::load) {
            // The lowest non-zero byte of `t` is the first that is no space.
            let t = w ^ (ONES * u64::from(b' '));
            if t == 0 {
                i += 8;
                continue;
            }
            i += swar::first(t);
        }
        match src.get(i) {
            Some(&b) if is_ascii_separator(b) => i += 1,
            _ => return i,
        }
    }
}

/// Length of the non-ASCII separator `s` starts with (0 if none): U+00A0,
/// U+2010, U+2011 or U+2013, tested on their UTF-8 bytes.
fn separator_len(s: &[u8]) -> usize {
    match s {
        [0xC2, 0xA0, ..] => 2,
        [0xE2, 0x80, 0x90 | 0x91 | 0x93, ..] => 3,
        _ => 0,
    }
}

/// Records that original bytes `from..to` were dropped before folded offset
/// `at`: from `at` on, original offsets run `to - at` ahead.
fn drop_until(shifts: &mut Vec<(u32, u32)>, at: usize, from: usize, to: usize) {
    if to > from {
        let entry = (at as u32, (to - at) as u32);
        match shifts.last_mut() {
            Some(last) if last.0 == entry.0 => *last = entry,
            _ => shifts.push(entry),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::is_fold_separator;

    #[test]
    fn folds_case_and_separators_and_maps_back() {
        let text = "与GPT 2和gpt-2、Qwen1.5 - MoE - A2.7B";
        let f = Folded::new(text);
        let s = String::from_utf8(f.bytes.clone()).unwrap();
        assert_eq!(s, "与gpt2和gpt2、qwen1.5moea2.7b");
        let start = s.find("gpt2").unwrap();
        let r = f.original(start, start + 4);
        assert_eq!(&text[r], "GPT 2");
        let q = s.find("qwen").unwrap();
        let r = f.original(q, s.len());
        assert_eq!(&text[r], "Qwen1.5 - MoE - A2.7B");
    }

    /// `Folded::new` gives the bytes and the offsets `dense` gives.
    fn agrees_with_dense(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let f = Folded::new(text);
        let (bytes, map) = dense(text);
        proptest::prop_assert_eq!(&f.bytes, &bytes);
        for (k, &o) in map.iter().enumerate() {
            let end = if k + 1 < map.len() { map[k] + 1 } else { o + 1 };
            proptest::prop_assert_eq!(f.original(k, k + 1), o..end);
        }
        Ok(())
    }

    /// A dense map built byte by byte, the way folding is defined: (folded
    /// bytes, original offset of each).
    fn dense(text: &str) -> (Vec<u8>, Vec<usize>) {
        let (mut bytes, mut map) = (Vec::new(), Vec::new());
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut k = 0;
        while k < chars.len() {
            let (i, c) = chars[k];
            if is_fold_separator(c) && c.is_ascii() {
                let n = chars[k..]
                    .iter()
                    .take_while(|(_, c)| c.is_ascii() && is_fold_separator(*c))
                    .count();
                // Only runs of ASCII separators longer than the limit leave a barrier.
                if n > MAX_SEPARATOR_RUN {
                    bytes.push(b' ');
                    map.push(i);
                }
                k += n;
                continue;
            }
            if is_fold_separator(c) {
                k += 1;
                continue;
            }
            for (j, b) in c.to_string().to_ascii_lowercase().bytes().enumerate() {
                bytes.push(b);
                map.push(i + j);
            }
            k += 1;
        }
        (bytes, map)
    }

    /// The sparse map agrees with the dense definition on every byte.
    #[test]
    fn maps_every_folded_byte_back() {
        for text in [
            "GPT 2",
            "  a - b_c   d",
            "a\u{00a0}b\u{2011}c—d",
            "与 GPT-2 和\u{2013}Qwen    2 ",
            "x -\u{00a0}- y     z",
            "----\u{00a0}a\u{00a0}----b",
            "----",
            "",
        ] {
            let f = Folded::new(text);
            let (bytes, map) = dense(text);
            assert_eq!(f.bytes, bytes, "{text:?}");
            for (k, &o) in map.iter().enumerate() {
                let end = if k + 1 < map.len() { map[k] + 1 } else { o + 1 };
                assert_eq!(f.original(k, k + 1), o..end, "{text:?} byte {k}");
            }
            assert_eq!(f.original(f.bytes.len(), f.bytes.len()).start, text.len());
        }
    }

    /// The fast path skips characters by lead byte: every separator must start
    /// with a byte `may_separate` accepts.
    #[test]
    fn every_separator_starts_with_a_byte_that_may_separate() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if is_fold_separator(c) {
                let mut buf = [0; 4];
                assert!(may_separate(c.encode_utf8(&mut buf).as_bytes()[0]), "{c:?}");
            }
        }
    }

    /// The byte test of non-ASCII separators agrees with `is_fold_separator`
    /// on every character.
    #[test]
    fn separator_bytes_match_the_definition() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let enc = c.encode_utf8(&mut buf).as_bytes();
            let want = if !c.is_ascii() && is_fold_separator(c) {
                enc.len()
            } else {
                0
            };
            assert_eq!(separator_len(enc), want, "{c:?}");
            let mut longer = enc.to_vec();
            longer.extend_from_slice("a\u{a0}".as_bytes());
            assert_eq!(separator_len(&longer), want, "{c:?}");
        }
    }

    /// Separator runs end where the byte-by-byte definition says.
    #[test]
    fn separator_runs_end_at_the_first_other_byte() {
        let text = "a  -_        -  b            c d _x".as_bytes();
        for i in 0..=text.len() {
            let plain = text[i..]
                .iter()
                .position(|&b| !is_ascii_separator(b))
                .map_or(text.len(), |p| i + p);
            assert_eq!(separator_run_end(text, i), plain, "{i}");
        }
    }

    /// The eight-byte helpers agree with the per-byte definitions, every byte
    /// value in every position.
    #[test]
    fn word_helpers_match_the_byte_definitions() {
        for fill in [
            0u8, b'a', b'Z', b' ', b'-', b'_', 0x80, 0xC2, 0xE4, 0x7F, 0xFF,
        ] {
            for pos in 0..8 {
                for b in 0..=255u8 {
                    let mut chunk = [fill; 8];
                    chunk[pos] = b;
                    let w = u64::from_le_bytes(chunk);
                    let lowered = chunk.map(|c| c.to_ascii_lowercase());
                    assert_eq!(lower_case(w).to_le_bytes(), lowered);
                    let equal = bytes_equal(w, b'_').to_le_bytes();
                    for (k, c) in chunk.iter().enumerate() {
                        assert_eq!(equal[k] == 0x80, *c == b'_');
                        assert!(equal[k] == 0 || equal[k] == 0x80);
                    }
                    let (ascii, leads) = separators_in(w);
                    // The CJK shortcut: all bytes non-ASCII, no lead flagged.
                    if w & HIGH_BITS == HIGH_BITS && leads == 0 {
                        assert_eq!((lower_case(w), ascii), (w, 0), "{chunk:?}");
                    }
                    let (ascii, leads) = (ascii.to_le_bytes(), leads.to_le_bytes());
                    for (k, &c) in chunk.iter().enumerate() {
                        assert_eq!(ascii[k] == 0x80, is_ascii_separator(c), "{chunk:?}");
                        assert!(ascii[k] == 0 || ascii[k] == 0x80, "{chunk:?}");
                        assert_eq!(leads[k] == 0x80, c == 0xC2 || c == 0xE2, "{chunk:?}");
                        assert!(leads[k] == 0 || leads[k] == 0x80, "{chunk:?}");
                        assert_eq!(ascii[k] | leads[k] != 0, may_separate(c));
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn folding_agrees_with_the_dense_definition(
            text in "[aZ9,. _\\-\u{a0}\u{a2}\u{2010}-\u{2014}\u{3000}与，。、（）“”—]{0,40}"
        ) {
            agrees_with_dense(&text)?;
        }
    }

    proptest::proptest! {
        /// Blank-heavy texts, where separator runs cross eight-byte chunks.
        #[test]
        fn folding_agrees_on_blank_runs(
            text in "( {1,20}|[aB_\\-]|\u{a0}|\u{2013}|，){0,30}"
        ) {
            agrees_with_dense(&text)?;
            let b = text.as_bytes();
            for i in 0..=b.len() {
                let plain = b[i..]
                    .iter()
                    .position(|&c| !is_ascii_separator(c))
                    .map_or(b.len(), |p| i + p);
                proptest::prop_assert_eq!(separator_run_end(b, i), plain);
            }
        }
    }

    proptest::proptest! {
        /// Word-like texts, where lone separators fall anywhere in a chunk.
        #[test]
        fn folding_agrees_on_words(
            text in "([a-zA-Z0-9]{1,9}[ _\\-,.]{0,2}|\u{a0}|\u{2011}|—|，|  +){0,20}"
        ) {
            agrees_with_dense(&text)?;
        }
    }

    #[test]
    fn long_separator_runs_stay_as_barriers() {
        let f = Folded::new("GPT     2");
        assert_eq!(f.bytes, b"gpt 2");
    }
}
