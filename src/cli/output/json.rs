//! Findings as a JSON array. Lines and columns are 1-based and count characters;
//! `end_column` is the column just after the span.

use std::io::{self, Write};

use rayon::prelude::*;
use serde_json::{json, Value};

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
fn element(buf: &mut Vec<u8>, value: &Value) {
    buf.extend_from_slice(b",\n  ");
    let start = buf.len();
    // Writing to a Vec cannot fail, and a `Value` always serializes.
    let _ = serde_json::to_writer_pretty(&mut *buf, value);
    let newlines = buf[start..].iter().filter(|&&b| b == b'\n').count();
    if newlines == 0 {
        return;
    }
    let mut indented = Vec::with_capacity(buf.len() - start + 2 * newlines);
    for &b in &buf[start..] {
        indented.push(b);
        if b == b'\n' {
            indented.extend_from_slice(b"  ");
        }
    }
    buf.truncate(start);
    buf.extend_from_slice(&indented);
}

fn finding_json(sources: &SourceMap, f: &Finding) -> Value {
    let loc = sources.location(&f.path, &f.span);
    let related: Vec<Value> = f
        .related
        .iter()
        .map(|r| {
            let l = sources.location(&r.path, &r.span);
            json!({
                "path": display_path(&r.path),
                "line": l.map(|l| l.line),
                "column": l.map(|l| l.column),
                "end_line": l.map(|l| l.end_line),
                "end_column": l.map(|l| l.end_column),
                "message": r.message,
            })
        })
        .collect();
    let fix = f.fix.as_ref().map(|fix| {
        json!({
            "title": fix.title,
            "safe": fix.safe,
            "edits": fix.edits.iter().map(|e| {
                let l = sources.location(&f.path, &e.span);
                json!({
                    "line": l.map(|l| l.line),
                    "column": l.map(|l| l.column),
                    "end_line": l.map(|l| l.end_line),
                    "end_column": l.map(|l| l.end_column),
                    "new_text": e.new_text,
                })
            }).collect::<Vec<_>>(),
        })
    });
    json!({
        "path": display_path(&f.path),
        "line": loc.map(|l| l.line),
        "column": loc.map(|l| l.column),
        "end_line": loc.map(|l| l.end_line),
        "end_column": loc.map(|l| l.end_column),
        "code": f.rule.code(),
        "rule": f.rule.name(),
        "severity": f.severity.as_str(),
        "message": f.message,
        "model": f.model,
        "attribute": f.attribute.map(|a| a.key()),
        "found": f.found,
        "expected": f.expected,
        "source": f.source,
        "related": related,
        "fix": fix,
    })
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
            let all: Vec<Value> = findings.iter().map(|f| finding_json(&sources, f)).collect();
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
