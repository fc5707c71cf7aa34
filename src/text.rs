//! Byte offsets ⇄ line/column, in the three encodings the fronts need.
//!
//! The core speaks byte offsets only. The CLI prints 1-based character columns, the
//! language server negotiates UTF-16 or UTF-8 columns; both convert here. Lines end
//! at `\n`; a `\r` before it belongs to no column a client can address.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Columns count bytes.
    Utf8,
    /// Columns count UTF-16 code units (the LSP default).
    Utf16,
    /// Columns count Unicode scalar values (what people see; CLI output).
    Chars,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset at which each line starts; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
    /// Within long lines, a checkpoint every `ANCHOR_EVERY` bytes: (byte offset,
    /// chars and UTF-16 units from the line start). Keeps a column lookup cheap
    /// on a 50 MB single-line file.
    anchors: Vec<Anchor>,
    len: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Anchor {
    offset: usize,
    chars: usize,
    utf16: usize,
}

const ANCHOR_EVERY: usize = 4096;

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(text.as_bytes()).map(|i| i + 1));
        let mut anchors = Vec::new();
        for (line, &start) in line_starts.iter().enumerate() {
            let end = line_starts.get(line + 1).copied().unwrap_or(text.len());
            if end - start <= ANCHOR_EVERY {
                continue;
            }
            let (mut chars, mut utf16, mut next) = (0, 0, start + ANCHOR_EVERY);
            for (i, c) in text[start..end].char_indices() {
                if start + i >= next {
                    anchors.push(Anchor {
                        offset: start + i,
                        chars,
                        utf16,
                    });
                    next = start + i + ANCHOR_EVERY;
                }
                chars += 1;
                utf16 += c.len_utf16();
            }
        }
        LineIndex {
            line_starts,
            anchors,
            len: text.len(),
        }
    }

    /// The latest checkpoint at or before `offset` on the line starting at
    /// `line_start`, or the line start itself.
    fn anchor(&self, line_start: usize, offset: usize) -> Anchor {
        let i = self.anchors.partition_point(|a| a.offset <= offset);
        match i.checked_sub(1).map(|i| self.anchors[i]) {
            Some(a) if a.offset >= line_start => a,
            _ => Anchor {
                offset: line_start,
                chars: 0,
                utf16: 0,
            },
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte range of line `line` (0-based), without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> Option<Range<usize>> {
        let start = *self.line_starts.get(line)?;
        let mut end = self
            .line_starts
            .get(line + 1)
            .map(|s| s - 1)
            .unwrap_or(self.len);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Some(start..end.min(text.len()))
    }

    /// 0-based line and column of a byte offset (clamped to the text, and moved back
    /// to a character boundary).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(l) => l,
            Err(l) => l - 1,
        };
        let start = self.line_starts[line];
        let col = match enc {
            Encoding::Utf8 => offset - start,
            Encoding::Chars | Encoding::Utf16 => {
                let a = self.anchor(start, offset);
                let rest = column_width(&text[a.offset..offset], enc);
                rest + if enc == Encoding::Chars {
                    a.chars
                } else {
                    a.utf16
                }
            }
        };
        (line, col)
    }

    /// Byte offset of a 0-based line and column. `None` when the line does not exist;
    /// a column past the end of the line, or inside a character, clamps to the line
    /// end or the character's start (as LSP asks of servers).
    pub fn offset(&self, text: &str, line: usize, col: usize, enc: Encoding) -> Option<usize> {
        if line == self.line_starts.len() && col == 0 {
            return Some(text.len());
        }
        let range = self.line_range(text, line)?;
        let line_text = &text[range.clone()];
        let mut seen = 0;
        for (i, c) in line_text.char_indices() {
            if seen >= col {
                return Some(range.start + i);
            }
            seen += match enc {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
                Encoding::Chars => 1,
            };
            if seen > col {
                return Some(range.start + i);
            }
        }
        Some(range.end)
    }
}

/// A table of the bytes in `bytes`, for scanners that skip, a look-up a
/// byte, to the next byte that matters.
pub const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut k = 0;
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    t
}

/// Eight bytes at a time: a `u64` read little-endian, one flag (the top bit)
/// per byte. Shared by the scanners that skip through prose (folding, token
/// and digit skips). Each test here is exact per byte: no carry or borrow
/// crosses from one byte into the next.
pub(crate) mod swar {
    pub const ONES: u64 = 0x0101_0101_0101_0101;
    pub const HIGH_BITS: u64 = ONES * 0x80;
    const LOW7: u64 = ONES * 0x7F;

    /// The first eight bytes of `b` as a word (`None` when there are fewer).
    #[inline]
    pub fn load(b: &[u8]) -> Option<u64> {
        let chunk: [u8; 8] = b.get(..8)?.try_into().ok()?;
        Some(u64::from_le_bytes(chunk))
    }

    /// Index of the byte of the lowest flag (`flags` non-zero).
    #[inline]
    pub fn first(flags: u64) -> usize {
        (flags.trailing_zeros() / 8) as usize
    }

    /// The top bit of each byte of `w` that equals `b`.
    #[inline]
    pub fn bytes_equal(w: u64, b: u8) -> u64 {
        let t = w ^ (ONES * u64::from(b));
        // A byte of `t` is zero iff neither its top bit nor the carry from
        // adding 0x7F to its low seven bits is set.
        !(((t & LOW7) + LOW7) | t) & HIGH_BITS
    }

    /// The first offset at or after `i` whose byte `flags` flags (a test exact
    /// per byte) and `byte` accepts (the same test on one byte, for the last
    /// few): sixteen bytes a round, then eight, then one. `None` past the end.
    #[inline(always)]
    pub fn find(
        bytes: &[u8],
        mut i: usize,
        flags: impl Fn(u64) -> u64,
        byte: impl Fn(u8) -> bool,
    ) -> Option<usize> {
        while let Some(pair) = bytes.get(i..).and_then(|rest| rest.get(..16)) {
            let (Some(a), Some(b)) = (load(pair), load(&pair[8..])) else {
                break;
            };
            let (fa, fb) = (flags(a), flags(b));
            if fa | fb != 0 {
                return Some(i + if fa != 0 { first(fa) } else { 8 + first(fb) });
            }
            i += 16;
        }
        while let Some(w) = bytes.get(i..).and_then(load) {
            let f = flags(w);
            if f != 0 {
                return Some(i + first(f));
            }
            i += 8;
        }
        bytes.get(i..)?.iter().position(|&b| byte(b)).map(|p| i + p)
    }

    /// The top bit of each byte of `w` that is an ASCII digit.
    #[inline]
    pub fn ascii_digits(w: u64) -> u64 {
        let low = w & LOW7;
        // `185 - v` and `v + 80` both have their top bit set exactly when
        // 48 <= v <= 57 (v = the low seven bits); `!w` excludes bytes whose
        // own top bit is set.
        (ONES * (127 + 0x3A) - low) & (low + ONES * (127 - 0x2F)) & !w & HIGH_BITS
    }
}

/// Above this many elements a scratch vector is handed out rather than kept
/// (see `collect_with_scratch`).
const SCRATCH_KEEP: usize = 1 << 16;

/// Runs `fill` on a thread-local scratch vector (emptied first) and returns what
/// it pushed in a vector of exactly that length. Pushes into a warm scratch never
/// reallocate, and the result costs one allocation and one copy instead of the
/// doublings of a growing vector. A scratch that grew past `SCRATCH_KEEP`
/// elements becomes the result itself, so a huge input neither holds two copies
/// nor keeps its buffer alive afterwards.
pub(crate) fn collect_with_scratch<T: 'static>(
    scratch: &'static std::thread::LocalKey<std::cell::RefCell<Vec<T>>>,
    fill: impl FnOnce(&mut Vec<T>),
) -> Vec<T> {
    let mut buf = take_scratch(scratch);
    fill(&mut buf);
    if buf.len() > SCRATCH_KEEP {
        return buf;
    }
    let mut out = Vec::with_capacity(buf.len());
    out.append(&mut buf);
    give_back_scratch(scratch, buf);
    out
}

/// The thread's scratch vector, emptied (a fresh one if it is in use or the
/// thread is being torn down).
pub(crate) fn take_scratch<T: 'static>(
    scratch: &'static std::thread::LocalKey<std::cell::RefCell<Vec<T>>>,
) -> Vec<T> {
    let mut buf = scratch
        .try_with(|cell| cell.try_borrow_mut().map(|mut v| std::mem::take(&mut *v)))
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    buf.clear();
    buf
}

/// Keeps `buf`'s allocation as the thread's scratch vector for the next use.
pub(crate) fn give_back_scratch<T: 'static>(
    scratch: &'static std::thread::LocalKey<std::cell::RefCell<Vec<T>>>,
    mut buf: Vec<T>,
) {
    buf.clear();
    let _ = scratch.try_with(|cell| {
        if let Ok(mut v) = cell.try_borrow_mut() {
            *v = buf;
        }
    });
}

/// Width of `s` in the given encoding.
pub fn column_width(s: &str, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => s.len(),
        Encoding::Utf16 => s.encode_utf16().count(),
        Encoding::Chars => s.chars().count(),
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_in_three_encodings() {
        let text = "ab\n中文😀x\r\nend";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(idx.position(text, x, Encoding::Utf8), (1, 10));
        assert_eq!(idx.position(text, x, Encoding::Utf16), (1, 4));
        assert_eq!(idx.position(text, x, Encoding::Chars), (1, 3));
        assert_eq!(idx.offset(text, 1, 4, Encoding::Utf16), Some(x));
        assert_eq!(idx.offset(text, 1, 3, Encoding::Chars), Some(x));
        assert_eq!(idx.offset(text, 1, 10, Encoding::Utf8), Some(x));
    }

    /// The word tests agree with the byte definitions, every byte value in
    /// every position, among neighbours that could carry or borrow.
    #[test]
    fn swar_tests_are_exact_per_byte() {
        for fill in [0u8, b'0', b'9', b'/', b':', 0x7F, 0x80, 0xEF, 0xFF] {
            for pos in 0..8 {
                for b in 0..=255u8 {
                    let mut chunk = [fill; 8];
                    chunk[pos] = b;
                    let w = swar::load(&chunk).unwrap();
                    let digits = swar::ascii_digits(w).to_le_bytes();
                    let ef = swar::bytes_equal(w, 0xEF).to_le_bytes();
                    for (k, c) in chunk.iter().enumerate() {
                        assert_eq!(digits[k] == 0x80, c.is_ascii_digit(), "{chunk:?}");
                        assert_eq!(ef[k] == 0x80, *c == 0xEF, "{chunk:?}");
                        assert!(digits[k] | ef[k] == 0 || digits[k] | ef[k] == 0x80);
                    }
                    if let Some(f) = chunk.iter().position(u8::is_ascii_digit) {
                        assert_eq!(swar::first(swar::ascii_digits(w)), f);
                    }
                }
            }
        }
        assert_eq!(swar::load(b"1234567"), None);
    }

    /// `swar::find` gives what a byte-by-byte search gives, from every start,
    /// at every length (across the sixteen-, eight- and one-byte steps).
    #[test]
    fn swar_find_is_the_first_flagged_byte() {
        let text = "ab 1 与 xy 23 ..... 中文，4 ------------------ 5z 6 ".as_bytes();
        for len in 0..=text.len() {
            let t = &text[..len];
            for i in 0..=len + 1 {
                let plain = t
                    .get(i..)
                    .and_then(|r| r.iter().position(u8::is_ascii_digit));
                let found = swar::find(t, i, swar::ascii_digits, |b| b.is_ascii_digit());
                assert_eq!(found, plain.map(|p| i + p), "{len} {i}");
            }
        }
    }

    #[test]
    fn long_lines_use_checkpoints_with_the_same_answers() {
        let text = "中a😀".repeat(5000) + "\nx";
        let idx = LineIndex::new(&text);
        assert!(!idx.anchors.is_empty());
        for offset in [0, 7, 4096, 4099, 30_001, text.len() - 3, text.len()] {
            let mut o = offset.min(text.len());
            while !text.is_char_boundary(o) {
                o -= 1;
            }
            let line_start = text[..o].rfind('\n').map_or(0, |i| i + 1);
            for enc in [Encoding::Chars, Encoding::Utf16, Encoding::Utf8] {
                let want = column_width(&text[line_start..o], enc);
                assert_eq!(idx.position(&text, offset, enc).1, want, "{offset} {enc:?}");
            }
        }
    }

    #[test]
    fn offsets_clamp_and_never_split_characters() {
        let text = "😀\r\nb";
        let idx = LineIndex::new(text);
        // Inside the surrogate pair: back to the character start.
        assert_eq!(idx.offset(text, 0, 1, Encoding::Utf16), Some(0));
        // Past the end of the line: the line end, before \r.
        assert_eq!(idx.offset(text, 0, 99, Encoding::Utf16), Some(4));
        assert_eq!(idx.offset(text, 5, 0, Encoding::Utf16), None);
        assert_eq!(idx.position(text, 2, Encoding::Utf16), (0, 0));
        assert_eq!(idx.position(text, 999, Encoding::Chars), (1, 1));
    }

    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
    }

    #[test]
    fn scratch_results_are_exact_and_independent() {
        let a = collect_with_scratch(&SCRATCH, |v| v.extend(0..100));
        assert_eq!(a, (0..100).collect::<Vec<_>>());
        assert_eq!(a.capacity(), 100);
        // The scratch is reused, emptied, and a nested use gets a fresh one.
        let b = collect_with_scratch(&SCRATCH, |v| {
            assert!(v.is_empty());
            v.push(7);
            let inner = collect_with_scratch(&SCRATCH, |w| w.push(8));
            v.extend(inner);
        });
        assert_eq!(b, vec![7, 8]);
        let big = collect_with_scratch(&SCRATCH, |v| v.extend(0..(SCRATCH_KEEP as u32 + 1)));
        assert_eq!(big.len(), SCRATCH_KEEP + 1);
        assert!(collect_with_scratch(&SCRATCH, |_| {}).is_empty());
    }
}
