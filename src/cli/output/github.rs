//! GitHub Actions workflow commands: one annotation per finding.
//!
//! `::error file=notes/a.md,line=3,col=12,endLine=3,endColumn=16,title=LN001 kb-mismatch::message`
//!
//! Escaping follows the runner (`actions/toolkit` `command.ts`): in the message
//! `%`, `\r` and `\n` are percent-encoded; in property values `:` and `,` too.

use std::io::{self, Write};

use super::{message_without_source, place, Report};
use crate::cli::display_path;
use crate::rules::{Finding, Severity};

pub fn render(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    for f in report.findings {
        writeln!(out, "{}", annotation(report, f))?;
    }
    Ok(())
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "notice",
    }
}

fn annotation(report: &Report, f: &Finding) -> String {
    let mut props = vec![format!("file={}", escape_property(&display_path(&f.path)))];
    if let Some(l) = report.sources.location(&f.path, &f.span) {
        props.push(format!("line={}", l.line));
        props.push(format!("col={}", l.column));
        props.push(format!("endLine={}", l.end_line));
        // GitHub renders column ranges only within one line.
        if l.end_line == l.line {
            props.push(format!("endColumn={}", l.end_column));
        }
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("{} {}", f.rule.code(), f.rule.name()))
    ));
    let mut message = message_without_source(f).to_string();
    if let Some(src) = &f.source {
        message.push_str(&format!("\nsource: {src}"));
    }
    for r in &f.related {
        let at = place(report.sources, &r.path, &r.span);
        if r.message.is_empty() {
            message.push_str(&format!("\nsee also {at}"));
        } else {
            message.push_str(&format!("\nsee also {at}: {}", r.message));
        }
    }
    format!(
        "::{} {}::{}",
        command(f.severity),
        props.join(","),
        escape_data(&message)
    )
}

pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_workflow_command_rules() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn annotation_has_location_title_and_escaped_message() {
        use std::path::PathBuf;
        use std::sync::Arc;

        use crate::cli::output::SourceMap;
        use crate::rules::{Finding, Related, Rule};

        let text = "数据: 45GB\n";
        let mut sources = SourceMap::new();
        sources.add_all(vec![(PathBuf::from("notes/a,b.md"), Arc::from(text))]);
        let mut f = Finding::new(
            Rule::KbMismatch,
            PathBuf::from("notes/a,b.md"),
            8..12,
            "40GB, not 45GB (100%)".into(),
        );
        f.source = Some("https://example.org".into());
        f.related.push(Related {
            path: PathBuf::from("notes/a,b.md"),
            span: 0..3,
            message: String::new(),
        });
        let findings = [f];
        let report = Report {
            findings: &findings,
            sources: &sources,
            files_checked: 1,
            fixed: 0,
        };
        assert_eq!(
            annotation(&report, &findings[0]),
            "::error file=notes/a%2Cb.md,line=1,col=5,endLine=1,endColumn=9,title=LN001 kb-mismatch::\
             40GB, not 45GB (100%25)%0Asource: https://example.org%0Asee also notes/a,b.md:1:1"
        );
    }
}
