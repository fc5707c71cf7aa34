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

/// Splits `masked[block.range]` into sentences and appends them to `out`.
///
/// Boundaries: after `。！？；` (plus any closers), after `.!?;` when followed by
/// whitespace or the end of the block, and at every line break. Spans are trimmed
/// of whitespace (blanked bytes included), and pieces with no letter, digit or CJK
/// character (lone punctuation left over from blanked code or math) are dropped.
pub(super) fn split_block(masked: &str, block: &Block, out: &mut Vec<Sentence>) {
    let Some(s) = masked.get(block.range.clone()) else {
        return;
    };
    let base = block.range.start;
    let mut start = 0usize;
    let mut has_word = false;
    let mut emit = |from: usize, to: usize, has_word: bool| {
        if !has_word {
            return;
        }
        let piece = &s[from..to];
        let trimmed_start = piece.trim_start();
        let lead = piece.len() - trimmed_start.len();
        let trimmed = trimmed_start.trim_end();
        if trimmed.is_empty() {
            return;
        }
        let a = base + from + lead;
        out.push(Sentence {
            span: a..a + trimmed.len(),
            container: block.container,
            heading: block.heading,
        });
    };
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c == '\n' {
            emit(start, i, has_word);
            start = i + 1;
            has_word = false;
        } else if is_cjk_terminator(c) || is_ascii_terminator(c) {
            let mut end = i + c.len_utf8();
            let mut cjk = is_cjk_terminator(c);
            while let Some(&(j, d)) = it.peek() {
                if is_cjk_terminator(d) || is_ascii_terminator(d) || is_closer(d) {
                    cjk |= is_cjk_terminator(d);
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            let at_break = match it.peek() {
                None => true,
                Some(&(_, d)) => d.is_whitespace(),
            };
            if cjk || at_break {
                emit(start, end, has_word);
                start = end;
                has_word = false;
            }
        } else if !has_word && c.is_alphanumeric() {
            has_word = true;
        }
    }
    emit(start, s.len(), has_word);
}
