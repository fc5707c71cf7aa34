//! Diagnostics for people, shaped like rustc's and ruff's:
//!
//! ```text
//! error[LN001]: GPT-2 was trained on 40GB of text, not 45GB
//!  --> notes/gpt.md:3:12
//!   |
//! 3 | - GPT2（2019）：训练数据 45GB
//!   |                        ^^^^
//!   |
//!   = note: source: https://...
//! ```
//!
//! Carets are placed by display width (CJK characters take two columns), tabs are
//! expanded to four columns.

use std::collections::BTreeMap;
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use unicode_width::UnicodeWidthChar;

use super::{message_without_source, place, Report};
use crate::rules::{Finding, Severity, RULES};

const TAB_WIDTH: usize = 4;

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
        Severity::Info => AnsiColor::Cyan.on_default().bold(),
        Severity::Hint => AnsiColor::Green.on_default().bold(),
    }
}

const GUTTER: Style = AnsiColor::Blue.on_default().bold();
const BOLD: Style = Style::new().bold();

pub struct HumanOptions {
    /// No summary line, no fix count: only the diagnostics.
    pub quiet: bool,
}

pub fn render(out: &mut dyn Write, report: &Report, options: &HumanOptions) -> io::Result<()> {
    for f in report.findings {
        render_finding(out, report, f)?;
    }
    if !options.quiet {
        write_summary(out, report)?;
    }
    Ok(())
}

fn render_finding(out: &mut dyn Write, report: &Report, f: &Finding) -> io::Result<()> {
    let sev = severity_style(f.severity);
    writeln!(
        out,
        "{sev}{}[{}]{sev:#}{BOLD}: {}{BOLD:#}",
        f.severity,
        f.rule.code(),
        message_without_source(f)
    )?;
    let loc = report.sources.location(&f.path, &f.span);
    let line_text = loc.and_then(|l| report.sources.line_text(&f.path, l.line));
    let width = loc.map(|l| digits(l.line)).unwrap_or(1);
    let pad = " ".repeat(width);
    writeln!(
        out,
        "{pad}{GUTTER}-->{GUTTER:#} {}",
        place(report.sources, &f.path, &f.span)
    )?;
    if let (Some(loc), Some(line_text)) = (loc, line_text) {
        let (shown, caret_start, caret_len) = excerpt(line_text, loc);
        writeln!(out, "{pad} {GUTTER}|{GUTTER:#}")?;
        writeln!(
            out,
            "{GUTTER}{}{GUTTER:#} {GUTTER}|{GUTTER:#} {shown}",
            loc.line
        )?;
        writeln!(
            out,
            "{pad} {GUTTER}|{GUTTER:#} {}{sev}{}{sev:#}",
            " ".repeat(caret_start),
            "^".repeat(caret_len)
        )?;
    }
    let mut notes = Vec::new();
    if let Some(src) = &f.source {
        notes.push(("note", format!("source: {src}")));
    }
    for r in &f.related {
        let at = place(report.sources, &r.path, &r.span);
        if r.message.is_empty() {
            notes.push(("note", format!("see also {at}")));
        } else {
            notes.push(("note", format!("see also {at}: {}", r.message)));
        }
    }
    if let Some(fix) = &f.fix {
        let how = if fix.safe {
            " (fixable with --fix)"
        } else {
            ""
        };
        notes.push(("help", format!("{}{how}", fix.title)));
    }
    if !notes.is_empty() {
        writeln!(out, "{pad} {GUTTER}|{GUTTER:#}")?;
        for (kind, text) in notes {
            writeln!(
                out,
                "{pad} {GUTTER}={GUTTER:#} {BOLD}{kind}{BOLD:#}: {text}"
            )?;
        }
    }
    writeln!(out)
}

/// Lines wider than this are cut to a window around the span.
const MAX_LINE_WIDTH: usize = 100;
/// Columns kept before the span when a line is cut.
const CONTEXT_BEFORE: usize = 30;
const ELLIPSIS: &str = "...";

/// The line as shown (tabs expanded, control characters dropped, long lines cut
/// to a window around the span), and the display column and width of the carets.
fn excerpt(line: &str, loc: super::Location) -> (String, usize, usize) {
    let start_char = loc.column - 1;
    let end_char = if loc.end_line == loc.line {
        loc.end_column - 1
    } else {
        usize::MAX
    };
    // Each character as shown, with its display column and width.
    let mut cells: Vec<(usize, usize, char)> = Vec::new();
    let mut col = 0;
    let mut caret_start = None;
    let mut caret_end = None;
    for (i, c) in line.chars().enumerate() {
        if i == start_char {
            caret_start = Some(col);
        }
        if i == end_char {
            caret_end = Some(col);
        }
        if c == '\t' {
            for _ in 0..TAB_WIDTH {
                cells.push((col, 1, ' '));
                col += 1;
            }
        } else if !c.is_control() {
            let w = c.width().unwrap_or(0);
            cells.push((col, w, c));
            col += w;
        }
    }
    let total = col;
    let start = caret_start.unwrap_or(total);
    let end = caret_end.unwrap_or(total).max(start);
    let len = (end - start).max(1);
    if total <= MAX_LINE_WIDTH {
        return (cells.iter().map(|c| c.2).collect(), start, len);
    }
    let left = start.saturating_sub(CONTEXT_BEFORE);
    let right = (left + MAX_LINE_WIDTH).min(total);
    let kept: Vec<&(usize, usize, char)> = cells
        .iter()
        .filter(|(c, w, _)| *c >= left && c + w <= right)
        .collect();
    let first = kept.first().map(|c| c.0).unwrap_or(left);
    let mut shown = String::new();
    let mut offset = 0;
    if first > 0 {
        shown.push_str(ELLIPSIS);
        offset = ELLIPSIS.len();
    }
    shown.extend(kept.iter().map(|c| c.2));
    if right < total {
        shown.push_str(ELLIPSIS);
    }
    let caret = start.saturating_sub(first) + offset;
    let len = len.min(right.saturating_sub(start)).max(1);
    (shown, caret, len)
}

fn digits(n: usize) -> usize {
    n.to_string().len()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn write_summary(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let files = plural(report.files_checked, "file", "files");
    let mut parts = Vec::new();
    for (sev, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "infos"),
        (Severity::Hint, "hint", "hints"),
    ] {
        let n = report.count(sev);
        if n > 0 {
            let style = severity_style(sev);
            parts.push(format!("{style}{}{style:#}", plural(n, one, many)));
        }
    }
    let fixed = if report.fixed > 0 {
        format!(" ({} fixed)", report.fixed)
    } else {
        String::new()
    };
    if parts.is_empty() {
        writeln!(out, "{BOLD}No problems found{BOLD:#} in {files}{fixed}.")?;
        return Ok(());
    }
    let with_findings = report
        .findings
        .iter()
        .map(|f| &f.path)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    writeln!(
        out,
        "{} in {} ({} checked){fixed}.",
        parts.join(", "),
        plural(with_findings, "file", "files"),
        report.files_checked
    )?;
    let fixable = report
        .findings
        .iter()
        .filter(|f| f.fix.as_ref().is_some_and(|x| x.safe))
        .count();
    if fixable > 0 {
        writeln!(
            out,
            "{} fixable with `llmnotes check --fix`.",
            plural(fixable, "finding is", "findings are")
        )?;
    }
    Ok(())
}

/// `--statistics`: one line per rule with its count, most frequent first.
pub fn render_statistics(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in report.findings {
        let e = counts.entry(f.rule.code()).or_default();
        e.0 += 1;
        if f.fix.as_ref().is_some_and(|x| x.safe) {
            e.1 += 1;
        }
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    let width = rows.iter().map(|r| digits(r.1 .0)).max().unwrap_or(1);
    for (code, (n, fixable)) in rows {
        let info = RULES.iter().find(|r| r.code == code);
        let name = info.map(|r| r.name).unwrap_or("");
        let fix = if fixable > 0 { " [*]" } else { "" };
        writeln!(out, "{n:>width$}\t{code}\t{name}{fix}")?;
    }
    writeln!(
        out,
        "{} in {}.",
        plural(report.findings.len(), "finding", "findings"),
        plural(report.files_checked, "file", "files")
    )
}

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr;

    use super::*;
    use crate::cli::output::Location;

    fn loc(column: usize, end_column: usize) -> Location {
        Location {
            line: 1,
            column,
            end_line: 1,
            end_column,
        }
    }

    #[test]
    fn carets_use_display_width() {
        // "数据 45GB": 数 and 据 are two columns wide each.
        let (shown, start, len) = excerpt("数据 45GB", loc(4, 8));
        assert_eq!(shown, "数据 45GB");
        assert_eq!((start, len), (5, 4));
    }

    #[test]
    fn tabs_expand_and_empty_spans_get_one_caret() {
        let (shown, start, len) = excerpt("\tx", loc(2, 2));
        assert_eq!(shown, "    x");
        assert_eq!((start, len), (4, 1));
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let line = format!("{}数据 45GB{}", "a".repeat(200), "b".repeat(200));
        let (shown, start, len) = excerpt(&line, loc(204, 208));
        assert!(shown.starts_with("...aaa"), "{shown}");
        assert!(shown.ends_with("bbb..."), "{shown}");
        let before = &shown[..shown.find("数据").unwrap()];
        assert_eq!(before.len(), 3 + 30 - 5, "{shown}");
        let caret_target: usize = 3 + 30;
        assert_eq!((start, len), (caret_target, 4));
        assert!(shown.width() <= MAX_LINE_WIDTH + 6);
        // A span at the start of a long line: no leading ellipsis.
        let (shown, start, _) = excerpt(&line, loc(1, 2));
        assert!(shown.starts_with("aaa") && shown.ends_with("..."));
        assert_eq!(start, 0);
    }

    #[test]
    fn multi_line_spans_run_to_the_line_end() {
        let l = Location {
            line: 1,
            column: 2,
            end_line: 2,
            end_column: 3,
        };
        assert_eq!(excerpt("abcd", l), ("abcd".to_string(), 1, 3));
    }
}

#[cfg(test)]
mod render_tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;
    use crate::cli::output::SourceMap;
    use crate::rules::{Edit, Fix, Related, Rule};

    #[test]
    fn renders_like_rustc_with_notes_and_summary() {
        let text = "# GPT-2\n\n- GPT2（2019）：训练数据 45GB\n";
        let other = "GPT-2: 40GB\n";
        let mut sources = SourceMap::new();
        sources.add_all(vec![
            (PathBuf::from("a.md"), Arc::from(text)),
            (PathBuf::from("b.md"), Arc::from(other)),
        ]);
        let start = text.find("45GB").unwrap();
        let mut f = Finding::new(
            Rule::KbMismatch,
            PathBuf::from("a.md"),
            start..start + 4,
            "GPT-2 training data size is 40GB, not 45GB".into(),
        );
        f.source = Some("https://example.org/gpt2.pdf".into());
        f.related.push(Related {
            path: PathBuf::from("b.md"),
            span: 7..11,
            message: "40GB here".into(),
        });
        f.fix = Some(Fix {
            title: "replace with `40GB`".into(),
            edits: vec![Edit {
                span: start..start + 4,
                new_text: "40GB".into(),
            }],
            safe: false,
        });
        let gpt = text.find("GPT2").unwrap();
        let mut s = Finding::new(
            Rule::Spelling,
            PathBuf::from("a.md"),
            gpt..gpt + 4,
            "write `GPT-2`".into(),
        );
        s.fix = Some(Fix {
            title: "write `GPT-2`".into(),
            edits: vec![],
            safe: true,
        });
        let findings = vec![f, s];
        let report = Report {
            findings: &findings,
            sources: &sources,
            files_checked: 2,
            fixed: 0,
        };
        let mut out = Vec::new();
        render(&mut out, &report, &HumanOptions { quiet: false }).unwrap();
        let got = String::from_utf8(out).unwrap();
        let plain = anstream::adapter::strip_str(&got).to_string();
        let want = "\
error[LN001]: GPT-2 training data size is 40GB, not 45GB
 --> a.md:3:19
  |
3 | - GPT2（2019）：训练数据 45GB
  |                          ^^^^
  |
  = note: source: https://example.org/gpt2.pdf
  = note: see also b.md:1:8: 40GB here
  = help: replace with `40GB`

warning[LN005]: write `GPT-2`
 --> a.md:3:3
  |
3 | - GPT2（2019）：训练数据 45GB
  |   ^^^^
  |
  = help: write `GPT-2` (fixable with --fix)

1 error, 1 warning in 1 file (2 checked).
1 finding is fixable with `llmnotes check --fix`.
";
        assert_eq!(plain, want);
    }
}
