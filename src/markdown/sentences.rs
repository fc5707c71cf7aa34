//! Splitting a prose block of the masked text into sentences.

use std::ops::Range;

use super::{Container, Sentence};

/// A leaf block of prose: a paragraph, a heading's text, a table cell, or the text
/// run directly in a tight list item.
#[derive(Debug, Clone)]
pub(super) struct Block {
    pub range: Range<usize>,
    pub container: Container,
    pub heading: Option<usize>,
}

/// Full-width terminators that always end a sentence.
fn is_cjk_terminator(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '｡')
}

/// ASCII terminators: they end a sentence only before whitespace or the block end.
fn is_ascii_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';')
}

/// Closing quotes and brackets that stay with the sentence they close.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        ')' | ']' | '"' | '\'' | '”' | '’' | '」' | '』' | '）' | '】' | '》' | '〉'
    )
}

/// How `skip_quiet` steps over a character, by its first byte: the length of
/// a character that never ends a sentence (1 for continuation and invalid
/// bytes, which a character boundary never holds); `STOP` for the ASCII
/// terminators and line breaks; `CHECK` for the lead bytes of `。` (U+3002)
/// and of `！？；｡` (U+FF01..U+FF61), three-byte characters whose other bytes
/// decide. Both have the top bit set, so one test leaves the quiet steps.
const SKIP: [u8; 256] = {
    let mut t = [1u8; 256];
    let mut b = 0xC2;
    while b < 0xF5 {
        t[b] = if b < 0xE0 {
            2
        } else if b < 0xF0 {
            3
        } else {
            4
        };
        b += 1;
    }
    let stops = b"\n\r.!?;";
    let mut k = 0;
    while k < stops.len() {
        t[stops[k] as usize] = STOP;
        k += 1;
    }
    t[0xE3] = CHECK;
    t[0xEF] = CHECK;
    t
};
const STOP: u8 = 0x80;
const CHECK: u8 = 0x83;

/// Whether the bytes at `i` are a full-width terminator (`is_cjk_terminator`).
#[inline]
fn cjk_terminator_at(bytes: &[u8], i: usize) -> bool {
    matches!(
        bytes.get(i..i + 3),
        Some([0xE3, 0x80, 0x82] | [0xEF, 0xBC, 0x81 | 0x9F | 0x9B] | [0xEF, 0xBD, 0xA1])
    )
}

/// From `i`, a character boundary, steps character by character over those
/// that neither end a sentence nor break a line, stopping at the first one
/// that may (or at the end), or at the first boundary at or after `limit`.
#[inline]
fn skip_quiet(bytes: &[u8], mut i: usize, limit: usize) -> usize {
    let limit = limit.min(bytes.len());
    loop {
        while i < limit {
            let step = SKIP[usize::from(bytes[i])];
            if step >= STOP {
                break;
            }
            i += usize::from(step);
        }
        if i < limit && SKIP[usize::from(bytes[i])] == CHECK && !cjk_terminator_at(bytes, i) {
            i += 3;
            continue;
        }
        return i;
    }
}

/// What an ASCII byte does to a piece: `QUIET` if it neither breaks nor ends
/// a sentence, `WORD` if it is a letter or digit, `NUMBERING` if it may be
/// part of a section number (a digit or whitespace). Zero for other bytes.
const ASCII_RUN: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0u8;
    while b < 0x80 {
        if !matches!(b, b'\n' | b'\r' | b'.' | b'!' | b'?' | b';') {
            t[b as usize] = QUIET
                | if b.is_ascii_alphanumeric() { WORD } else { 0 }
                | if b.is_ascii_digit() || matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
                    NUMBERING
                } else {
                    0
                };
        }
        b += 1;
    }
    t
};
const QUIET: u8 = 1;
const WORD: u8 = 2;
const NUMBERING: u8 = 4;

/// Whether the (valid UTF-8) `bytes` start with a character that
/// `char::is_whitespace` accepts: the ASCII ones, U+0085, U+00A0, U+1680,
/// U+2000..=U+200A, U+2028, U+2029, U+202F, U+205F and U+3000.
fn starts_with_space(bytes: &[u8]) -> bool {
    match bytes {
        [b, ..] if b.is_ascii() => char::from(*b).is_whitespace(),
        [0xC2, 0x85 | 0xA0, ..]
        | [0xE1, 0x9A, 0x80, ..]
        | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..]
        | [0xE2, 0x81, 0x9F, ..]
        | [0xE3, 0x80, 0x80, ..] => true,
        _ => false,
    }
}

/// Whether the (valid UTF-8) `bytes` end with a character that
/// `char::is_whitespace` accepts (see `starts_with_space`).
fn ends_with_space(bytes: &[u8]) -> bool {
    match bytes {
        [.., b] if b.is_ascii() => char::from(*b).is_whitespace(),
        [.., 0xC2, 0x85 | 0xA0]
        | [.., 0xE1, 0x9A, 0x80]
        | [.., 0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF]
        | [.., 0xE2, 0x81, 0x9F]
        | [.., 0xE3, 0x80, 0x80] => true,
        _ => false,
    }
}

/// Abbreviations after which `. ` does not end a sentence (compared lowercased,
/// without the final dot).
const ABBREVIATIONS: &[&[u8]] = &[
    b"e.g", b"i.e", b"eg", b"ie", b"vs", b"cf", b"fig", b"figs", b"eq", b"eqs", b"al", b"approx",
    b"resp", b"sec", b"ref", b"refs", b"no", b"vol", b"mr", b"dr", b"prof",
];

/// Whether the ASCII word ending right before `dot` (in `s`) is an abbreviation.
fn ends_with_abbreviation(s: &[u8], dot: usize) -> bool {
    let mut start = dot;
    while start > 0 && (s[start - 1].is_ascii_alphabetic() || s[start - 1] == b'.') {
        start -= 1;
        if dot - start > 8 {
            return false;
        }
    }
    let word = &s[start..dot];
    !word.is_empty()
        && ABBREVIATIONS
            .iter()
            .any(|a| a.len() == word.len() && a.eq_ignore_ascii_case(word))
}

/// Splits `masked[block.range]` into sentences and appends them to `out`.
///
/// Boundaries: after `。！？；` (plus any closers), after `.!?;` when followed by
/// whitespace or the end of the block (but not after a bare section number such as
/// `1.` or `3.2.`, nor after a common abbreviation such as `e.g.`), at every line
/// break (`\n`, or a lone `\r`), and at each position in `forced` (absolute offsets
/// of `<br>` tags, sorted). Spans are trimmed of whitespace (blanked bytes included), and pieces with no
/// letter, digit or CJK character (lone punctuation left over from blanked code or
/// math) are dropped.
pub(super) fn split_block(masked: &str, block: &Block, forced: &[usize], out: &mut Vec<Sentence>) {
    let Some(s) = masked.get(block.range.clone()) else {
        return;
    };
    let base = block.range.start;
    let bytes = s.as_bytes();
    let mut start = 0usize;
    let mut has_word = false;
    // The piece so far is only digits and dots (a section number like `1.` or `2.3.`).
    let mut numbering = true;
    let mut forced = forced.iter().map(|&f| f.saturating_sub(base)).peekable();
    let mut emit = |from: usize, to: usize, has_word: bool| {
        if !has_word {
            return;
        }
        let piece = &s[from..to];
        // Most pieces neither start nor end with whitespace: nothing to trim,
        // no character to decode.
        let (lead, len) =
            if starts_with_space(piece.as_bytes()) || ends_with_space(piece.as_bytes()) {
                let trimmed_start = piece.trim_start();
                (
                    piece.len() - trimmed_start.len(),
                    trimmed_start.trim_end().len(),
                )
            } else {
                (0, piece.len())
            };
        if len == 0 {
            return;
        }
        let a = base + from + lead;
        out.push(Sentence {
            span: a..a + len,
            container: block.container,
            heading: block.heading,
        });
    };
    let next_char = |at: usize| s.get(at..).and_then(|r| r.chars().next());
    let mut i = 0;
    while i < bytes.len() {
        if has_word && !numbering {
            // Only a terminator, a line break or a forced break can change
            // anything now: skip to the next byte that may start one (all are
            // ASCII or lead bytes, so the skip ends on a character boundary),
            // never past a forced break.
            let limit = forced.peek().map_or(bytes.len(), |&f| f.min(bytes.len()));
            i = skip_quiet(bytes, i, limit);
            while i < bytes.len() && !s.is_char_boundary(i) {
                i += 1;
            }
            if i >= bytes.len() {
                break;
            }
        }
        while let Some(&f) = forced.peek() {
            if f > i {
                break;
            }
            forced.next();
            if f > start && s.is_char_boundary(f) {
                emit(start, f, has_word);
                start = f;
                has_word = false;
                numbering = true;
            }
        }
        let b = bytes[i];
        // Hot path: ASCII that neither breaks nor ends a sentence. Digits and
        // whitespace keep a section number going: take a run of them (up to
        // the next forced break) and the byte that ends it in one go.
        let mut class = ASCII_RUN[usize::from(b)];
        if class & QUIET != 0 {
            let limit = forced.peek().map_or(bytes.len(), |&f| f.min(bytes.len()));
            let mut any = 0;
            loop {
                any |= class;
                i += 1;
                if class & NUMBERING == 0 {
                    numbering = false;
                    break;
                }
                if i >= limit {
                    break;
                }
                class = ASCII_RUN[usize::from(bytes[i])];
                if class & QUIET == 0 {
                    break;
                }
            }
            has_word |= any & WORD != 0;
            continue;
        }
        let Some(c) = next_char(i) else { break };
        let next = i + c.len_utf8();
        if c == '\n' || c == '\r' {
            emit(start, i, has_word);
            start = i + 1;
            has_word = false;
            numbering = true;
        } else if is_cjk_terminator(c) || is_ascii_terminator(c) {
            let mut end = next;
            let mut cjk = is_cjk_terminator(c);
            while let Some(d) = next_char(end) {
                if is_cjk_terminator(d) || is_ascii_terminator(d) || is_closer(d) {
                    cjk |= is_cjk_terminator(d);
                    end += d.len_utf8();
                } else {
                    break;
                }
            }
            let at_break = next_char(end).is_none_or(char::is_whitespace);
            let keep_going = !cjk
                && c == '.'
                && end == i + 1
                && ((numbering && has_word) || ends_with_abbreviation(bytes, i));
            if cjk || (at_break && !keep_going) {
                emit(start, end, has_word);
                start = end;
                has_word = false;
                numbering = true;
            } else if c != '.' || end != i + 1 {
                numbering = false;
            }
            i = end;
            continue;
        } else {
            if !has_word && c.is_alphanumeric() {
                has_word = true;
            }
            if numbering && !(c.is_ascii_digit() || c.is_whitespace()) {
                numbering = false;
            }
        }
        i = next;
    }
    emit(start, s.len(), has_word);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The byte-at-a-time definition the fast skips are checked against.
    const PLAIN_STOPS: [bool; 256] = crate::text::byte_set(b"\n\r.!?;\xE3\xEF");

    /// `split_block` as first written: one byte at a time through the skip,
    /// every lead byte of `。！？；｡` decoded, pieces trimmed with `str::trim`.
    fn split_block_plain(masked: &str, block: &Block, forced: &[usize], out: &mut Vec<Sentence>) {
        let Some(s) = masked.get(block.range.clone()) else {
            return;
        };
        let base = block.range.start;
        let bytes = s.as_bytes();
        let mut start = 0usize;
        let mut has_word = false;
        // The piece so far is only digits and dots (a section number like `1.` or `2.3.`).
        let mut numbering = true;
        let mut forced = forced.iter().map(|&f| f.saturating_sub(base)).peekable();
        let mut emit = |from: usize, to: usize, has_word: bool| {
            if !has_word {
                return;
            }
            let piece = &s[from..to];
            // Most pieces start and end with ASCII that is not whitespace: nothing
            // to trim, no character to decode.
            let plain = |b: u8| b.is_ascii() && !char::from(b).is_whitespace();
            let (lead, len) = match (piece.as_bytes().first(), piece.as_bytes().last()) {
                (Some(&first), Some(&last)) if plain(first) && plain(last) => (0, piece.len()),
                _ => {
                    let trimmed_start = piece.trim_start();
                    (
                        piece.len() - trimmed_start.len(),
                        trimmed_start.trim_end().len(),
                    )
                }
            };
            if len == 0 {
                return;
            }
            let a = base + from + lead;
            out.push(Sentence {
                span: a..a + len,
                container: block.container,
                heading: block.heading,
            });
        };
        let next_char = |at: usize| s.get(at..).and_then(|r| r.chars().next());
        let mut i = 0;
        while i < bytes.len() {
            if has_word && !numbering {
                // Only a terminator, a line break or a forced break can change
                // anything now: skip to the next byte that may start one (all are
                // ASCII or lead bytes, so the skip ends on a character boundary),
                // never past a forced break.
                let limit = forced.peek().map_or(bytes.len(), |&f| f.min(bytes.len()));
                while i < limit && !PLAIN_STOPS[usize::from(bytes[i])] {
                    i += 1;
                }
                while i < bytes.len() && !s.is_char_boundary(i) {
                    i += 1;
                }
                if i >= bytes.len() {
                    break;
                }
            }
            while let Some(&f) = forced.peek() {
                if f > i {
                    break;
                }
                forced.next();
                if f > start && s.is_char_boundary(f) {
                    emit(start, f, has_word);
                    start = f;
                    has_word = false;
                    numbering = true;
                }
            }
            let b = bytes[i];
            // Hot path: ASCII that neither breaks nor ends a sentence.
            if b < 0x80 && !matches!(b, b'\n' | b'\r' | b'.' | b'!' | b'?' | b';') {
                has_word |= b.is_ascii_alphanumeric();
                numbering &= b.is_ascii_digit() || char::from(b).is_whitespace();
                i += 1;
                continue;
            }
            let Some(c) = next_char(i) else { break };
            let next = i + c.len_utf8();
            if c == '\n' || c == '\r' {
                emit(start, i, has_word);
                start = i + 1;
                has_word = false;
                numbering = true;
            } else if is_cjk_terminator(c) || is_ascii_terminator(c) {
                let mut end = next;
                let mut cjk = is_cjk_terminator(c);
                while let Some(d) = next_char(end) {
                    if is_cjk_terminator(d) || is_ascii_terminator(d) || is_closer(d) {
                        cjk |= is_cjk_terminator(d);
                        end += d.len_utf8();
                    } else {
                        break;
                    }
                }
                let at_break = next_char(end).is_none_or(char::is_whitespace);
                let keep_going = !cjk
                    && c == '.'
                    && end == i + 1
                    && ((numbering && has_word) || ends_with_abbreviation(bytes, i));
                if cjk || (at_break && !keep_going) {
                    emit(start, end, has_word);
                    start = end;
                    has_word = false;
                    numbering = true;
                } else if c != '.' || end != i + 1 {
                    numbering = false;
                }
                i = end;
                continue;
            } else {
                if !has_word && c.is_alphanumeric() {
                    has_word = true;
                }
                if numbering && !(c.is_ascii_digit() || c.is_whitespace()) {
                    numbering = false;
                }
            }
            i = next;
        }
        emit(start, s.len(), has_word);
    }

    /// Whether `c` may change the splitter's state once the piece has a word
    /// and is not a section number.
    fn stops(c: char) -> bool {
        c == '\n' || c == '\r' || is_ascii_terminator(c) || is_cjk_terminator(c)
    }

    /// `skip_quiet` by its definition: the first character boundary at or
    /// after `i` that is at or past `limit` or holds a character that stops.
    fn skip_plain(s: &str, i: usize, limit: usize) -> usize {
        s[i..]
            .char_indices()
            .map(|(k, c)| (i + k, c))
            .find(|&(p, c)| p >= limit || stops(c))
            .map_or(s.len(), |(p, _)| p)
    }

    #[test]
    fn space_tests_agree_with_is_whitespace_for_every_char() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            for other in ["", "a", "中", "\u{3000}", "😀"] {
                let (before, after) = (format!("{c}{other}"), format!("{other}{c}"));
                assert_eq!(
                    starts_with_space(before.as_bytes()),
                    c.is_whitespace(),
                    "{c:?}"
                );
                assert_eq!(
                    ends_with_space(after.as_bytes()),
                    c.is_whitespace(),
                    "{c:?}"
                );
            }
        }
        assert!(!starts_with_space(b"") && !ends_with_space(b""));
    }

    #[test]
    fn ascii_run_classes_follow_their_definition() {
        for b in 0..=u8::MAX {
            let c = char::from(b);
            let quiet = b.is_ascii() && !matches!(b, b'\n' | b'\r' | b'.' | b'!' | b'?' | b';');
            let class = ASCII_RUN[usize::from(b)];
            assert_eq!(class & QUIET != 0, quiet, "{b:#x}");
            if quiet {
                assert_eq!(class & WORD != 0, b.is_ascii_alphanumeric(), "{b:#x}");
                assert_eq!(
                    class & NUMBERING != 0,
                    b.is_ascii_digit() || c.is_whitespace(),
                    "{b:#x}"
                );
            }
        }
    }

    #[test]
    fn terminator_bytes_and_skip_steps_agree_with_chars_for_every_char() {
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            assert_eq!(cjk_terminator_at(bytes, 0), is_cjk_terminator(c), "{c:?}");
            let to = if stops(c) { 0 } else { bytes.len() };
            assert_eq!(skip_quiet(bytes, 0, bytes.len()), to, "{c:?}");
        }
    }

    fn both(prefix: &str, text: &str, forced: &[usize]) -> (Vec<Sentence>, Vec<Sentence>) {
        let masked = format!("{prefix}{text}");
        let block = Block {
            range: prefix.len()..masked.len(),
            container: Container::Paragraph,
            heading: Some(3),
        };
        let mut forced: Vec<usize> = forced.iter().map(|&f| f + prefix.len()).collect();
        forced.sort_unstable();
        let (mut fast, mut plain) = (Vec::new(), Vec::new());
        split_block(&masked, &block, &forced, &mut fast);
        split_block_plain(&masked, &block, &forced, &mut plain);
        (fast, plain)
    }

    #[test]
    fn splitting_matches_the_plain_scan_on_samples() {
        let samples = [
            "模型参数，（很多）：都是、「好的」。然后！再？最后；结束｡尾",
            "1. 第一 2.3. 第二 e.g. 例如 i.e. 也就是 Fig. 3 vs. 4",
            "  　中文\u{a0}\u{2003}句子。\u{3000}\u{85}下一句！\u{2029}",
            "End. Next!  More? yes; no.\r\nLast line\rafter cr",
            "😀 emoji。é accent. ｡a\t\u{b}\u{c}b",
            "A sentence.) Another.\" Quote。」 Close！）Then",
            "，，，。。。，。a",
            "",
            "   ",
            "1.2.3.",
            "   12 34. 5.\t\tx  .  (y) 7 8.\u{b}\u{c} 9 ",
            "abc",
        ];
        for text in samples {
            let n = text.len();
            let mut cases: Vec<Vec<usize>> = vec![vec![], vec![0], vec![n], vec![n + 5]];
            cases.extend((0..=n).map(|k| vec![k]));
            cases.extend((0..n).map(|k| vec![k, k + 1, k + 2]));
            for forced in cases {
                for prefix in ["", "前", "x "] {
                    let (fast, plain) = both(prefix, text, &forced);
                    assert_eq!(fast, plain, "{text:?} {forced:?} {prefix:?}");
                }
            }
        }
    }

    /// Strings of pieces that matter to the splitter: terminators of both
    /// kinds, closers, the CJK punctuation that shares their lead bytes, all
    /// kinds of whitespace, numbering, abbreviations and letters of every width.
    fn prose() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("。"),
            Just("！"),
            Just("？"),
            Just("；"),
            Just("｡"),
            Just("，"),
            Just("、"),
            Just("（"),
            Just("）"),
            Just("："),
            Just("「"),
            Just("」"),
            Just("』"),
            Just("《"),
            Just("》"),
            Just("〉"),
            Just("】"),
            Just("”"),
            Just("’"),
            Just("～"),
            Just("｢"),
            Just("ａ"),
            Just("中"),
            Just("模型"),
            Just("ぁ"),
            Just("é"),
            Just("😀"),
            Just("€"),
            Just("."),
            Just("!"),
            Just("?"),
            Just(";"),
            Just(")"),
            Just("]"),
            Just("\""),
            Just("'"),
            Just(","),
            Just(":"),
            Just("-"),
            Just(" "),
            Just("  "),
            Just("\t"),
            Just("\n"),
            Just("\r"),
            Just("\r\n"),
            Just("\u{b}"),
            Just("\u{c}"),
            Just("\u{85}"),
            Just("\u{a0}"),
            Just("\u{1680}"),
            Just("\u{2000}"),
            Just("\u{200a}"),
            Just("\u{2028}"),
            Just("\u{202f}"),
            Just("\u{205f}"),
            Just("\u{3000}"),
            Just("\u{200b}"),
            Just("1"),
            Just("2."),
            Just("3.2."),
            Just("10"),
            Just("0"),
            Just("e.g."),
            Just("i.e."),
            Just("Fig."),
            Just("vs."),
            Just("al."),
            Just("a"),
            Just("Z"),
            Just("word"),
            Just("GPT"),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            cases: 1024,
            ..ProptestConfig::default()
        })]

        #[test]
        fn splitting_matches_the_plain_scan(
            text in prose(),
            forced in proptest::collection::vec(0usize..130, 0..5),
            prefix in prop_oneof![Just(""), Just("前"), Just("ab ")],
        ) {
            let (fast, plain) = both(prefix, &text, &forced);
            prop_assert_eq!(fast, plain);
        }

        #[test]
        fn skip_matches_its_definition(
            text in prose(),
            from in 0usize..130,
            limit in 0usize..140,
        ) {
            let from = (0..=from.min(text.len())).rev().find(|&k| text.is_char_boundary(k)).unwrap_or(0);
            let mut fast = skip_quiet(text.as_bytes(), from, limit.min(text.len()));
            while fast < text.len() && !text.is_char_boundary(fast) {
                fast += 1;
            }
            prop_assert_eq!(fast, skip_plain(&text, from, limit));
        }

        #[test]
        fn splitting_matches_the_plain_scan_on_any_string(
            text in "\\PC{0,60}",
            forced in proptest::collection::vec(0usize..250, 0..4),
        ) {
            let (fast, plain) = both("", &text, &forced);
            prop_assert_eq!(fast, plain);
        }
    }
}
