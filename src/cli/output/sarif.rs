//! SARIF 2.1.0, for code scanning (GitHub uploads it with
//! `github/codeql-action/upload-sarif`).
//!
//! Regions count Unicode code points (`columnKind: unicodeCodePoints`), 1-based,
//! with `endColumn` just after the span. URIs are the checked paths, relative when
//! they were given relative, percent-encoded, with `/` separators.

use std::io::{self, Write};
use std::path::Path;

use serde_json::{json, Value};

use super::{Report, SourceMap};
use crate::cli::display_path;
use crate::rules::{Finding, Rule, Severity, RULES};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/llmnotes/llmnotes";

pub fn render(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &sarif_log(report))?;
    writeln!(out)
}

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

pub fn sarif_log(report: &Report) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": first_paragraph(r.doc) },
                "help": { "text": r.doc, "markdown": r.doc },
                "helpUri": r.rule.doc_url(),
                "defaultConfiguration": { "level": level(r.default_severity) },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(report.sources, f))
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "llmnotes",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn rule_index(rule: Rule) -> usize {
    RULES.iter().position(|r| r.rule == rule).unwrap_or(0)
}

fn result(sources: &SourceMap, f: &Finding) -> Value {
    let mut text = f.message.clone();
    if let Some(src) = f
        .source
        .as_ref()
        .filter(|s| !f.message.contains(s.as_str()))
    {
        text.push_str(&format!(" (source: {src})"));
    }
    // KB files built into the binary are not artifacts of the scanned repository.
    let related: Vec<Value> = f
        .related
        .iter()
        .filter(|r| !sources.is_embedded(&r.path))
        .enumerate()
        .map(|(i, r)| {
            let mut loc = physical_location(sources, &r.path, &r.span);
            loc["id"] = json!(i);
            loc["message"] = json!({ "text": if r.message.is_empty() { "related location" } else { &r.message } });
            loc
        })
        .collect();
    let mut properties = serde_json::Map::new();
    for (k, v) in [
        ("model", f.model.clone()),
        ("attribute", f.attribute.map(|a| a.key().to_string())),
        ("found", f.found.clone()),
        ("expected", f.expected.clone()),
        ("source", f.source.clone()),
    ] {
        if let Some(v) = v {
            properties.insert(k.to_string(), json!(v));
        }
    }
    let mut result = json!({
        "ruleId": f.rule.code(),
        "ruleIndex": rule_index(f.rule),
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [physical_location(sources, &f.path, &f.span)],
    });
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    if !properties.is_empty() {
        result["properties"] = Value::Object(properties);
    }
    if let Some(fix) = f.fix.as_ref().filter(|x| !x.edits.is_empty()) {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                json!({
                    "deletedRegion": region(sources, &f.path, &e.span),
                    "insertedContent": { "text": e.new_text },
                })
            })
            .collect();
        result["fixes"] = json!([{
            "description": { "text": fix.title },
            "artifactChanges": [{
                "artifactLocation": { "uri": uri(&f.path) },
                "replacements": replacements,
            }],
        }]);
    }
    result
}

fn region(sources: &SourceMap, path: &Path, span: &std::ops::Range<usize>) -> Value {
    match sources.location(path, span) {
        Some(l) => json!({
            "startLine": l.line,
            "startColumn": l.column,
            "endLine": l.end_line,
            "endColumn": l.end_column,
        }),
        // Unknown text: point at the whole file's first line rather than invent columns.
        None => json!({ "startLine": 1 }),
    }
}

fn physical_location(sources: &SourceMap, path: &Path, span: &std::ops::Range<usize>) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(path) },
            "region": region(sources, path, span),
        }
    })
}

/// A path as a URI reference: relative paths stay relative (code scanning
/// resolves them against the repository root), absolute ones become `file://`.
pub fn uri(path: &Path) -> String {
    let shown = display_path(path);
    let encoded = percent_encode(&shown);
    if path.is_absolute() {
        if encoded.starts_with('/') {
            format!("file://{encoded}")
        } else {
            format!("file:///{encoded}")
        }
    } else {
        encoded
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The doc's first paragraph as plain text (the `fullDescription`).
fn first_paragraph(doc: &str) -> String {
    doc.trim()
        .split("\n\n")
        .map(|p| p.trim())
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .map(|p| {
            // Drop a bold lead-in label (`**What it does.**`).
            p.strip_prefix("**")
                .and_then(|rest| rest.split_once("**"))
                .map(|(_, body)| body.trim_start())
                .unwrap_or(p)
        })
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            uri(Path::new("notes/大模型 笔记.md")),
            "notes/%E5%A4%A7%E6%A8%A1%E5%9E%8B%20%E7%AC%94%E8%AE%B0.md"
        );
        assert_eq!(uri(Path::new("./a.md")), "a.md");
        assert!(uri(Path::new("/tmp/a.md")).starts_with("file:///tmp/a.md"));
    }
}
