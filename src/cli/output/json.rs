//! Findings as a JSON array. Lines and columns are 1-based and count characters;
//! `end_column` is the column just after the span.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::{Report, SourceMap};
use crate::cli::display_path;
use crate::rules::Finding;

/// Findings per rendering task, and per batch written before the next is
/// rendered: enough work to share between threads, while only one batch of
/// rendered text is ever held (reports run to tens of megabytes).
const CHUNK: usize = 128;
const BATCH: usize = CHUNK * 16;

pub fn render(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    // The same bytes as `serde_json::to_writer_pretty` over the whole array, but
    // the elements are rendered in parallel and written in order.
    if report.findings.is_empty() {
        return writeln!(out, "[]");
    }
    let mut first = true;
    for batch in report.findings.chunks(BATCH) {
        let chunks: Vec<Vec<u8>> = batch
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 1024);
                for f in chunk {
                    element(&mut buf, &finding_json(report.sources, f));
                }
                buf
            })
            .collect();
        for chunk in &chunks {
            // Every element starts with ",\n  "; the array's first one with "[\n  ".
            if first {
                out.write_all(b"[")?;
                out.write_all(&chunk[1..])?;
                first = false;
            } else {
                out.write_all(chunk)?;
            }
        }
    }
    out.write_all(b"\n]\n")
}

/// `,\n  ` and the value pretty-printed one level deep, as an element of a
/// pretty array. JSON strings never hold a raw newline, so indenting after each
/// newline is exact.
fn element(buf: &mut Vec<u8>, value: &impl Serialize) {
    buf.extend_from_slice(b",\n  ");
    let start = buf.len();
    // Writing to a Vec cannot fail, and these values always serialize.
    let _ = serde_json::to_writer_pretty(&mut *buf, value);
    // Re-indent in one pass, a line at a time (serde_json writes many small
    // pieces: indenting inside a `Write` adapter costs more).
    let rendered = buf.split_off(start);
    let mut from = 0;
    for nl in memchr::memchr_iter(b'\n', &rendered) {
        buf.extend_from_slice(&rendered[from..=nl]);
        buf.extend_from_slice(b"  ");
        from = nl + 1;
    }
    buf.extend_from_slice(&rendered[from..]);
}

/// One finding as JSON. Fields in alphabetical order: the order `json!`'s
/// sorted maps gave, kept so reports stay byte-for-byte comparable across
/// versions; typed fields rather than a `Value` tree, so no map is built per
/// finding.
#[derive(Serialize)]
struct FindingJson<'a> {
    attribute: Option<&'static str>,
    code: &'static str,
    column: Option<usize>,
    end_column: Option<usize>,
    end_line: Option<usize>,
    expected: &'a Option<String>,
    fix: Option<FixJson<'a>>,
    found: &'a Option<String>,
    line: Option<usize>,
    message: &'a str,
    model: &'a Option<String>,
    path: String,
    related: Vec<RelatedJson<'a>>,
    rule: &'static str,
    severity: &'static str,
    source: &'a Option<String>,
}

#[derive(Serialize)]
struct RelatedJson<'a> {
    #[serde(flatten)]
    at: At,
    message: &'a str,
    path: String,
}

/// Where a related place or an edit is: its four fields come first in
/// alphabetical order, so they can be one flattened struct.
#[derive(Serialize)]
struct At {
    column: Option<usize>,
    end_column: Option<usize>,
    end_line: Option<usize>,
    line: Option<usize>,
}

impl From<Option<super::Location>> for At {
    fn from(l: Option<super::Location>) -> At {
        At {
            column: l.map(|l| l.column),
            end_column: l.map(|l| l.end_column),
            end_line: l.map(|l| l.end_line),
            line: l.map(|l| l.line),
        }
    }
}

#[derive(Serialize)]
struct FixJson<'a> {
    edits: Vec<EditJson<'a>>,
    safe: bool,
    title: &'a str,
}

#[derive(Serialize)]
struct EditJson<'a> {
    #[serde(flatten)]
    at: At,
    new_text: &'a str,
}

fn finding_json<'a>(sources: &SourceMap, f: &'a Finding) -> FindingJson<'a> {
    let loc = sources.location(&f.path, &f.span);
    let related = f
        .related
        .iter()
        .map(|r| RelatedJson {
            at: sources.location(&r.path, &r.span).into(),
            message: &r.message,
            path: display_path(&r.path),
        })
        .collect();
    let fix = f.fix.as_ref().map(|fix| FixJson {
        edits: fix
            .edits
            .iter()
            .map(|e| EditJson {
                at: sources.location(&f.path, &e.span).into(),
                new_text: &e.new_text,
            })
            .collect(),
        safe: fix.safe,
        title: &fix.title,
    });
    FindingJson {
        attribute: f.attribute.map(|a| a.key()),
        code: f.rule.code(),
        column: loc.map(|l| l.column),
        end_column: loc.map(|l| l.end_column),
        end_line: loc.map(|l| l.end_line),
        expected: &f.expected,
        fix,
        found: &f.found,
        line: loc.map(|l| l.line),
        message: &f.message,
        model: &f.model,
        path: display_path(&f.path),
        related,
        rule: f.rule.name(),
        severity: f.severity.as_str(),
        source: &f.source,
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;
    use crate::rules::{Related, Rule};

    fn report_of(n: usize) -> (Vec<Finding>, SourceMap) {
        let text: String = (0..n).map(|i| format!("GPT-2: {i}GB\n")).collect();
        let mut findings = Vec::new();
        let mut at = 0;
        for (i, line) in text.lines().enumerate() {
            let start = at + line.find(|c: char| c.is_ascii_digit()).unwrap();
            let mut f = Finding::new(
                Rule::KbMismatch,
                PathBuf::from("a.md"),
                start..at + line.len(),
                format!("finding {i} with \"quotes\" and a\nnewline"),
            );
            if i % 3 == 0 {
                f.related.push(Related {
                    path: PathBuf::from("a.md"),
                    span: 0..5,
                    message: "GPT-2 here".into(),
                });
            }
            findings.push(f);
            at += line.len() + 1;
        }
        let mut sources = SourceMap::new();
        sources.add_all(vec![(PathBuf::from("a.md"), Arc::from(text))]);
        (findings, sources)
    }

    /// The parallel, batched rendering gives exactly what serializing the whole
    /// array at once gives, across chunk and batch boundaries.
    #[test]
    fn parallel_rendering_is_the_plain_pretty_array() {
        for n in [0, 1, 2, CHUNK - 1, CHUNK, CHUNK + 1, BATCH + CHUNK + 3] {
            let (findings, sources) = report_of(n);
            let report = Report {
                findings: &findings,
                sources: &sources,
                files_checked: 1,
                fixed: 0,
            };
            let mut got = Vec::new();
            render(&mut got, &report).unwrap();
            let all: Vec<FindingJson> =
                findings.iter().map(|f| finding_json(&sources, f)).collect();
            let mut want = serde_json::to_vec_pretty(&all).unwrap();
            want.push(b'\n');
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap(),
                "n = {n}"
            );
        }
    }
}
