//! Findings as a JSON array. Lines and columns are 1-based and count characters;
//! `end_column` is the column just after the span.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{Report, SourceMap};
use crate::cli::display_path;
use crate::rules::Finding;

pub fn render(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    // One finding's tree at a time: a report can hold many thousands.
    let mut ser = serde_json::Serializer::pretty(&mut *out);
    serde::Serializer::collect_seq(
        &mut ser,
        report
            .findings
            .iter()
            .map(|f| finding_json(report.sources, f)),
    )?;
    writeln!(out)
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
