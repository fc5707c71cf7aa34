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

/// Bytes that can start a sentence terminator or a line break: the ASCII ones,
/// and the lead bytes of `。` (U+3002) and of `！？；｡` (U+FF01..U+FF61).
const STOPS: [bool; 256] = crate::text::byte_set(b"\n\r.!?;\xE3\xEF");

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
            while i < limit && !STOPS[usize::from(bytes[i])] {
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
