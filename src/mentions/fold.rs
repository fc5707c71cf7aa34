//! The folded view of a text that the alias automaton runs over: ASCII lower
//! case, short runs of separators (space, `-`, `_`) removed, with a map back to
//! original byte offsets. `GPT 2`, `gpt-2` and `GPT_2` all read `gpt2`.

use crate::kb::is_fold_separator;

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
        let mut bytes = Vec::with_capacity(src.len());
        let mut shifts: Vec<(u32, u32)> = Vec::new();
        let mut i = 0;
        while i < src.len() {
            // A run of kept bytes (ASCII lower-cased, the rest as is): to the
            // next byte that may start a separator, found by table. Such a
            // byte is ASCII or a lead byte, so the run ends on a character
            // boundary.
            let run = i;
            while i < src.len() && !MAY_SEPARATE[usize::from(src[i])] {
                i += 1;
            }
            if i > run {
                let at = bytes.len();
                bytes.extend_from_slice(&src[run..i]);
                bytes[at..].make_ascii_lowercase();
                continue;
            }
            let b = src[i];
            if b < 0x80 {
                let mut run_end = i + 1;
                while run_end < src.len() && is_ascii_separator(src[run_end]) {
                    run_end += 1;
                }
                if run_end - i > MAX_SEPARATOR_RUN {
                    // Keep one space as a barrier.
                    bytes.push(b' ');
                    i += 1;
                }
                drop_until(&mut shifts, bytes.len(), i, run_end);
                i = run_end;
            } else {
                // A character that may be a non-breaking space or a dash.
                let end = (i + utf8_len(b)).min(src.len());
                let ch = text
                    .get(i..end)
                    .and_then(|c| c.chars().next())
                    .unwrap_or(' ');
                if is_fold_separator(ch) {
                    drop_until(&mut shifts, bytes.len(), i, end);
                } else {
                    bytes.extend_from_slice(&src[i..end]);
                }
                i = end;
            }
        }
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

/// Whether a character starting with byte `b` can be a separator: an ASCII one,
/// or the lead byte of U+00A0 (0xC2) or of U+2010..U+2013 (0xE2).
const fn may_separate(b: u8) -> bool {
    is_ascii_separator(b) || b == 0xC2 || b == 0xE2
}

const fn is_ascii_separator(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'_')
}

/// Length of the UTF-8 sequence a leading byte starts.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
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

    #[test]
    fn long_separator_runs_stay_as_barriers() {
        let f = Folded::new("GPT     2");
        assert_eq!(f.bytes, b"gpt 2");
    }
}
