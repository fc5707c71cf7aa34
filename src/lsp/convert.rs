//! LSP positions ⇄ byte offsets. The only place in the server that touches
//! `Position` or `Range`; columns themselves are counted by `crate::text::LineIndex`.
//!
//! Lines end at `\n` only (a `\r` before it belongs to no column), in the rope as in
//! `LineIndex`: the rope is built without ropey's CR/Unicode line-break features.

use std::ops::Range as ByteRange;
use std::path::Path;

use ropey::Rope;
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, PositionEncodingKind, Range, TextDocumentContentChangeEvent, TextEdit, Uri,
};

use crate::rules::{Finding, Severity};
use crate::text::{Encoding, LineIndex};

/// A text with its line index: what every conversion needs.
pub(crate) struct LineText<'a> {
    pub text: &'a str,
    pub lines: &'a LineIndex,
}

impl LineText<'_> {
    pub fn position(&self, offset: usize, enc: Encoding) -> Position {
        let (line, col) = self.lines.position(self.text, offset, enc);
        Position::new(to_u32(line), to_u32(col))
    }

    pub fn range(&self, span: &ByteRange<usize>, enc: Encoding) -> Range {
        Range::new(
            self.position(span.start, enc),
            self.position(span.end.max(span.start), enc),
        )
    }

    /// The byte offset of a client position; `None` when the line does not exist.
    pub fn offset(&self, pos: Position, enc: Encoding) -> Option<usize> {
        self.lines
            .offset(self.text, pos.line as usize, pos.character as usize, enc)
    }

    /// A client range as bytes; `None` when a line does not exist or start > end.
    pub fn byte_range(&self, range: Range, enc: Encoding) -> Option<ByteRange<usize>> {
        let start = self.offset(range.start, enc)?;
        let end = self.offset(range.end, enc)?;
        (start <= end).then_some(start..end)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The encoding to use, given what the client offers (`general.positionEncodings`):
/// UTF-8 when offered, else UTF-16 (which every client must support).
pub(crate) fn negotiate_encoding(offered: Option<&[PositionEncodingKind]>) -> Encoding {
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

pub(crate) fn encoding_kind(enc: Encoding) -> PositionEncodingKind {
    match enc {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Chars => PositionEncodingKind::UTF32,
    }
}

/// Byte offset of a client position in a rope. `None` when the line does not
/// exist; a column past the end of a line clamps to its end.
pub(crate) fn rope_offset(rope: &Rope, pos: Position, enc: Encoding) -> Option<usize> {
    let line = pos.line as usize;
    let lines = rope.len_lines();
    if line >= lines {
        return (line == lines && pos.character == 0).then(|| rope.len_bytes());
    }
    let start = rope.try_line_to_byte(line).ok()?;
    let text = rope.line(line).to_string();
    let index = LineIndex::new(&text);
    let col = index.offset(&text, 0, pos.character as usize, enc)?;
    Some(start + col)
}

/// Why a content change could not be applied.
#[derive(Debug)]
pub(crate) struct BadChange(pub String);

/// Applies one `didChange` content change to a rope. On error the rope is unchanged.
pub(crate) fn apply_change(
    rope: &mut Rope,
    change: &TextDocumentContentChangeEvent,
    enc: Encoding,
) -> Result<(), BadChange> {
    let Some(range) = change.range else {
        *rope = Rope::from_str(&change.text);
        return Ok(());
    };
    let bad = |what: &str| {
        BadChange(format!(
            "{what}: {}:{}-{}:{} in a document of {} lines",
            range.start.line,
            range.start.character,
            range.end.line,
            range.end.character,
            rope.len_lines()
        ))
    };
    let start = rope_offset(rope, range.start, enc).ok_or_else(|| bad("start out of range"))?;
    let end = rope_offset(rope, range.end, enc).ok_or_else(|| bad("end out of range"))?;
    if start > end {
        return Err(bad("range ends before it starts"));
    }
    let start_char = rope
        .try_byte_to_char(start)
        .map_err(|_| bad("start not on a character"))?;
    let end_char = rope
        .try_byte_to_char(end)
        .map_err(|_| bad("end not on a character"))?;
    rope.try_remove(start_char..end_char)
        .map_err(|e| BadChange(e.to_string()))?;
    rope.try_insert(start_char, &change.text)
        .map_err(|e| BadChange(e.to_string()))?;
    Ok(())
}

pub(crate) fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

pub(crate) fn text_edit(
    at: &LineText<'_>,
    span: &ByteRange<usize>,
    new_text: String,
    enc: Encoding,
) -> TextEdit {
    TextEdit::new(at.range(span, enc), new_text)
}

/// A file path as a URI; `None` for paths that are not absolute.
pub(crate) fn path_uri(path: &Path) -> Option<Uri> {
    if path.is_absolute() {
        Uri::from_file_path(path)
    } else {
        None
    }
}

/// A finding as a diagnostic. `related` resolves each related location (another
/// note, or a KB file) to a `Location`, or drops it.
pub(crate) fn diagnostic(
    finding: &Finding,
    at: &LineText<'_>,
    enc: Encoding,
    related: Vec<(Location, String)>,
) -> Diagnostic {
    let rule = finding.rule;
    let mut data = serde_json::json!({ "rule": rule.name() });
    if let Some(found) = &finding.found {
        data["found"] = found.clone().into();
    }
    if let Some(expected) = &finding.expected {
        data["expected"] = expected.clone().into();
    }
    if let Some(model) = &finding.model {
        data["model"] = model.clone().into();
    }
    if let Some(fix) = &finding.fix {
        data["fix"] = serde_json::json!({
            "title": fix.title,
            "edits": fix.edits.iter().map(|e| serde_json::json!({
                "range": at.range(&e.span, enc),
                "newText": e.new_text,
            })).collect::<Vec<_>>(),
        });
    }
    Diagnostic {
        range: at.range(&finding.span, enc),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(rule.code().to_string())),
        code_description: rule
            .doc_url()
            .parse::<Uri>()
            .ok()
            .map(|href| tower_lsp_server::ls_types::CodeDescription { href }),
        source: Some("llmnotes".to_string()),
        message: shorten(&finding.message),
        related_information: (!related.is_empty()).then(|| {
            related
                .into_iter()
                .map(|(location, message)| DiagnosticRelatedInformation { location, message })
                .collect()
        }),
        tags: None,
        data: Some(data),
    }
}

/// Messages longer than this are cut in the middle (a conflict message lists every
/// other place; the start and the KB's value at the end are what matter).
const MAX_MESSAGE: usize = 600;

fn shorten(message: &str) -> String {
    if message.len() <= MAX_MESSAGE {
        return message.to_string();
    }
    let mut head = 400;
    while !message.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = message.len() - 180;
    while !message.is_char_boundary(tail) {
        tail += 1;
    }
    format!("{} … {}", &message[..head], &message[tail..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn edits_land_after_surrogate_pairs_and_cjk() {
        let mut rope = Rope::from_str("GPT-2 😀 训练数据 45GB\r\nnext");
        // UTF-16: "GPT-2 " = 6, 😀 = 2, " " = 1, 训练数据 = 4, " " = 1 → "45" at 14.
        apply_change(&mut rope, &change(0, 14, 0, 16, "40"), Encoding::Utf16).unwrap();
        assert_eq!(rope.to_string(), "GPT-2 😀 训练数据 40GB\r\nnext");
        // UTF-8: 6 + 4 + 1 + 12 + 1 = 24.
        apply_change(&mut rope, &change(0, 24, 0, 26, "41"), Encoding::Utf8).unwrap();
        assert_eq!(rope.to_string(), "GPT-2 😀 训练数据 41GB\r\nnext");
        // Past the end of the line clamps before the \r.
        apply_change(&mut rope, &change(0, 99, 0, 99, "!"), Encoding::Utf16).unwrap();
        assert_eq!(rope.to_string(), "GPT-2 😀 训练数据 41GB!\r\nnext");
        // The end of the document.
        apply_change(&mut rope, &change(1, 4, 1, 4, "\n"), Encoding::Utf16).unwrap();
        apply_change(&mut rope, &change(2, 0, 2, 0, "end"), Encoding::Utf16).unwrap();
        assert_eq!(rope.to_string(), "GPT-2 😀 训练数据 41GB!\r\nnext\nend");
    }

    #[test]
    fn long_messages_are_cut_in_the_middle_on_char_boundaries() {
        let long = format!("start {} end", "中文 45GB in a.md:1, ".repeat(100));
        let short = shorten(&long);
        assert!(short.len() < 700, "{}", short.len());
        assert!(short.starts_with("start 中文"));
        assert!(short.ends_with(" end"));
        assert!(short.contains(" … "));
        assert_eq!(shorten("short"), "short");
    }

    #[test]
    fn bad_ranges_leave_the_rope_alone() {
        let mut rope = Rope::from_str("a\nb");
        assert!(apply_change(&mut rope, &change(5, 0, 5, 1, "x"), Encoding::Utf16).is_err());
        assert!(apply_change(&mut rope, &change(1, 1, 0, 0, "x"), Encoding::Utf16).is_err());
        assert!(apply_change(&mut rope, &change(3, 0, 3, 0, "x"), Encoding::Utf16).is_err());
        assert_eq!(rope.to_string(), "a\nb");
    }

    #[test]
    fn positions_round_trip_in_both_encodings() {
        let text = "# 模型\n😀 GPT-2\r\n";
        let lines = LineIndex::new(text);
        let at = LineText {
            text,
            lines: &lines,
        };
        let gpt = text.find("GPT").unwrap();
        assert_eq!(at.position(gpt, Encoding::Utf16), Position::new(1, 3));
        assert_eq!(at.position(gpt, Encoding::Utf8), Position::new(1, 5));
        assert_eq!(at.offset(Position::new(1, 3), Encoding::Utf16), Some(gpt));
        assert_eq!(at.offset(Position::new(9, 0), Encoding::Utf16), None);
    }
}
