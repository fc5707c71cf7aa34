//! Code actions: the rule's own fix when it has one; else, for a number that
//! contradicts the KB, the KB value written the way the note writes numbers
//! (`45GB → 40GB`, `1750 亿`, `70B → 67B`); a spelling fix; and "disable this rule
//! for the next line".

use std::collections::HashMap;
use std::ops::Range;

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, NumberOrString, TextEdit,
    WorkspaceEdit,
};

use super::convert;
use super::state::{DocView, Snapshot};
use crate::rules::{Finding, Rule};

pub(crate) fn code_actions(
    snap: &Snapshot,
    doc: &DocView,
    range: Range<usize>,
    context: &[Diagnostic],
) -> Vec<CodeActionOrCommand> {
    let computed;
    let findings: &[Finding] = match snap.findings.by_path.get(&doc.path) {
        Some((generation, fs)) if *generation == doc.generation => fs,
        _ => {
            computed = snap.env.analyzer.findings(&[&doc.analysis]);
            &computed
        }
    };
    let enc = snap.encoding;
    let at = doc.at();
    let text = &doc.analysis.text;
    let mut out = Vec::new();
    for f in findings {
        if f.span.start > range.end || range.start > f.span.end {
            continue;
        }
        let diag_range = at.range(&f.span, enc);
        let diagnostic = context
            .iter()
            .find(|d| {
                d.range == diag_range
                    && d.code == Some(NumberOrString::String(f.rule.code().to_string()))
            })
            .cloned()
            .unwrap_or_else(|| convert::diagnostic(f, &at, enc, Vec::new()));
        let action = |title: String, edits: Vec<TextEdit>, preferred: bool| {
            CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(doc.uri.clone(), edits)])),
                    ..Default::default()
                }),
                command: None,
                is_preferred: preferred.then_some(true),
                disabled: None,
                data: None,
            })
        };
        let found = text.get(f.span.clone()).unwrap_or("");
        if let Some(fix) = &f.fix {
            let edits = fix
                .edits
                .iter()
                .map(|e| convert::text_edit(&at, &e.span, e.new_text.clone(), enc))
                .collect();
            out.push(action(fix.title.clone(), edits, fix.safe));
        } else if let Some(expected) = &f.expected {
            match f.rule {
                Rule::KbMismatch | Rule::DateMismatch => {
                    let candidates = split_alternatives(expected);
                    let single = candidates.len() == 1;
                    for candidate in candidates {
                        let new = rewrite_like(found, candidate);
                        if new == found {
                            continue;
                        }
                        let edit = convert::text_edit(&at, &f.span, new.clone(), enc);
                        out.push(action(
                            format!("Replace {found} with {new} (knowledge base)"),
                            vec![edit],
                            single,
                        ));
                    }
                }
                Rule::Spelling => {
                    let edit = convert::text_edit(&at, &f.span, expected.clone(), enc);
                    out.push(action(
                        format!("Write {expected} instead of {found}"),
                        vec![edit],
                        true,
                    ));
                }
                Rule::Conflict | Rule::UnknownModel => {}
            }
        }
        let (at_offset, insert) = disable_comment(text, f.span.start, f.rule.name());
        let edit = convert::text_edit(&at, &(at_offset..at_offset), insert, enc);
        out.push(action(
            format!("Disable {} for this line", f.rule.name()),
            vec![edit],
            false,
        ));
    }
    out
}

/// `40GB`, `124M or 117M`, `7B, 13B` → the candidates (at most three).
fn split_alternatives(expected: &str) -> Vec<&str> {
    let mut parts = vec![expected];
    for sep in [" or ", ", ", " / ", "; ", "、"] {
        parts = parts
            .into_iter()
            .flat_map(|p| p.split(sep))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
    }
    parts.truncate(3);
    parts
}

/// Where to insert the suppression comment, and the text. Above the line, with its
/// indentation; at the end of a table row instead (a line above would break the
/// table), as `disable-line`.
fn disable_comment(text: &str, offset: usize, rule: &str) -> (usize, String) {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let content_end = line_start + line.trim_end_matches(['\r', ' ', '\t']).len();
    let indent: String = line
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    if line.trim_start().starts_with('|') {
        return (
            content_end,
            format!(" <!-- llmnotes-disable-line {rule} -->"),
        );
    }
    let newline = if line.ends_with('\r') { "\r\n" } else { "\n" };
    (
        line_start,
        format!("{indent}<!-- llmnotes-disable-next-line {rule} -->{newline}"),
    )
}

/// A number as the note writes it: digits, then an optional magnitude word.
struct Written<'a> {
    number: Range<usize>,
    value: f64,
    /// Multiplier of the magnitude written after the digits (1 when none).
    factor: f64,
    text: &'a str,
}

fn parse_written(text: &str) -> Option<Written<'_>> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let len = text[start..]
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(text.len() - start);
    let digits = text[start..start + len].trim_end_matches(['.', ',']);
    let number = start..start + digits.len();
    let value: f64 = digits.replace(',', "").parse().ok()?;
    let rest = text[number.end..].trim_start();
    let lower = rest.to_ascii_lowercase();
    let factor = if rest.starts_with('万') {
        1e4
    } else if rest.starts_with('亿') {
        1e8
    } else if rest.starts_with('千') {
        1e3
    } else if lower.starts_with("trillion") {
        1e12
    } else if lower.starts_with("billion") {
        1e9
    } else if lower.starts_with("million") {
        1e6
    } else {
        match rest.chars().next() {
            Some('K' | 'k') => 1e3,
            Some('M') => 1e6,
            Some('B' | 'b' | 'G') => 1e9,
            Some('T') => 1e12,
            Some('P') => 1e15,
            _ => 1.0,
        }
    };
    Some(Written {
        number,
        value,
        factor,
        text,
    })
}

/// `expected` (the KB's value, `40GB`) written like `found` (`45 GB` → `40 GB`,
/// `1700 亿` → `1750 亿`); the expected text itself when the two do not line up.
pub(crate) fn rewrite_like(found: &str, expected: &str) -> String {
    if let Some(date) = rewrite_date(found, expected) {
        return date;
    }
    let (Some(f), Some(e)) = (parse_written(found), parse_written(expected)) else {
        return expected.to_string();
    };
    if f.factor == 1.0 && e.factor != 1.0 {
        // `1321` for a context of `128K`: the KB's own spelling is clearer.
        return e.text.to_string();
    }
    let value = e.value * e.factor / f.factor;
    format!(
        "{}{}{}",
        &f.text[..f.number.start],
        format_number(value),
        &f.text[f.number.end..]
    )
}

fn format_number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        return format!("{}", v.round() as i64);
    }
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `2018` / `2019-02-14` → `2019`; `2023.06` / `2023-07-18` → `2023.07`.
fn rewrite_date(found: &str, expected: &str) -> Option<String> {
    let is_date = |s: &str| {
        s.len() >= 4
            && s[..4].bytes().all(|b| b.is_ascii_digit())
            && s[4..]
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '/'))
    };
    let found_trim = found.trim();
    if !is_date(found_trim) || !is_date(expected) || expected.len() < 4 {
        return None;
    }
    let sep = found_trim[4..].chars().next().unwrap_or('-');
    let found_parts = found_trim.split(['.', '-', '/']).count();
    let parts: Vec<&str> = expected.split(['.', '-', '/']).take(found_parts).collect();
    Some(parts.join(&sep.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_keep_the_notes_unit_and_language() {
        assert_eq!(rewrite_like("45GB", "40GB"), "40GB");
        assert_eq!(rewrite_like("45 GB", "40GB"), "40 GB");
        assert_eq!(rewrite_like("1321", "128K"), "128K");
        assert_eq!(rewrite_like("70B", "67B"), "67B");
        assert_eq!(rewrite_like("1700 亿", "175B"), "1750 亿");
        assert_eq!(rewrite_like("1.17 亿", "124M"), "1.24 亿");
        assert_eq!(rewrite_like("8.1T token", "15T tokens"), "15T token");
        assert_eq!(rewrite_like("2018", "2019-02-14"), "2019");
        assert_eq!(rewrite_like("2023.06", "2023-07-18"), "2023.07");
        assert_eq!(rewrite_like("lots", "40GB"), "40GB");
    }

    #[test]
    fn alternatives_split() {
        assert_eq!(split_alternatives("124M or 117M"), vec!["124M", "117M"]);
        assert_eq!(split_alternatives("1,024"), vec!["1,024"]);
    }

    #[test]
    fn disable_comment_placement() {
        let text = "intro\n  - GPT-2: 45GB\r\n| GPT-2 | 45GB |\n";
        let (at, s) = disable_comment(text, text.find("45GB").unwrap(), "kb-mismatch");
        assert_eq!(at, text.find("  - GPT").unwrap());
        assert_eq!(s, "  <!-- llmnotes-disable-next-line kb-mismatch -->\r\n");
        let row = text.rfind("45GB").unwrap();
        let (at, s) = disable_comment(text, row, "conflict");
        assert_eq!(at, text.len() - 1);
        assert_eq!(s, " <!-- llmnotes-disable-line conflict -->");
    }
}
