//! Shared by the `cli_*` tests: run the real binary, and compare its JSON findings
//! with the expectations written beside the lines of a fixture:
//!
//! ```markdown
//! - GPT-2 训练数据 45GB <!-- expect: LN001 "45GB" -->
//! ```
//!
//! Several on one line: `<!-- expect: LN001 "45GB", LN005 "LLamma" -->`. A line
//! without `expect` must produce no finding. The text in quotes is the text at the
//! finding's span, read back from the file through the reported line and columns
//! (so a wrong column fails the test too).
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use llmnotes::text::{Encoding, LineIndex};
use serde_json::Value;

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_llmnotes")
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/notes")
}

/// Runs `llmnotes ARGS` in `cwd`, with colors off and no inherited `NO_COLOR`.
pub fn run(cwd: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("spawn llmnotes")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

/// One expected or actual finding: (path relative to the run folder, 1-based
/// line, code, text at the span).
pub type Key = (String, usize, String, String);

/// The expectations written in `files` (paths relative to `cwd`).
pub fn expectations(cwd: &Path, files: &[PathBuf]) -> BTreeSet<Key> {
    let mut out = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(cwd.join(f)).expect("read fixture");
        let shown = f.to_string_lossy().replace('\\', "/");
        for (i, line) in text.lines().enumerate() {
            for (code, snippet) in parse_expect_line(line) {
                out.insert((shown.clone(), i + 1, code, snippet));
            }
        }
    }
    out
}

/// The `(code, "text")` pairs of every `<!-- expect: ... -->` on a line.
pub fn parse_expect_line(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("<!-- expect:") {
        let after = &rest[start + "<!-- expect:".len()..];
        let Some(end) = after.find("-->") else { break };
        let body = &after[..end];
        let mut s = body.trim();
        while !s.is_empty() {
            let (code, tail) = s.split_once(char::is_whitespace).expect("CODE \"text\"");
            let tail = tail.trim_start();
            let tail = tail.strip_prefix('"').expect("quoted text after the code");
            let close = tail.find('"').expect("closing quote");
            out.push((code.to_string(), tail[..close].to_string()));
            s = tail[close + 1..]
                .trim_start()
                .trim_start_matches(',')
                .trim_start();
        }
        rest = &after[end + 3..];
    }
    out
}

/// The findings of `check --format json` output, keyed like expectations; the
/// text is read from the file at the reported line and character columns.
pub fn actual(cwd: &Path, json: &str) -> BTreeSet<Key> {
    let v: Value = serde_json::from_str(json).expect("check --format json prints JSON");
    let mut out = BTreeSet::new();
    for f in v.as_array().expect("a JSON array") {
        let path = f["path"].as_str().expect("path").to_string();
        let line = f["line"].as_u64().expect("line") as usize;
        let text = std::fs::read_to_string(cwd.join(&path)).expect("finding's file exists");
        let snippet = span_text(
            &text,
            line,
            f["column"].as_u64().expect("column") as usize,
            f["end_line"].as_u64().expect("end_line") as usize,
            f["end_column"].as_u64().expect("end_column") as usize,
        );
        out.insert((
            path,
            line,
            f["code"].as_str().expect("code").to_string(),
            snippet,
        ));
    }
    out
}

/// The text between two 1-based (line, character column) positions.
pub fn span_text(text: &str, line: usize, col: usize, end_line: usize, end_col: usize) -> String {
    let idx = LineIndex::new(text);
    let start = idx
        .offset(text, line - 1, col - 1, Encoding::Chars)
        .expect("start inside the file");
    let end = idx
        .offset(text, end_line - 1, end_col - 1, Encoding::Chars)
        .expect("end inside the file");
    text[start..end.max(start)].to_string()
}

/// Markdown files under `dir`, relative to `dir`, sorted.
pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p.strip_prefix(dir).expect("under dir").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Asserts that checking `args` in `cwd` finds exactly what `files` expect.
pub fn assert_expectations(cwd: &Path, args: &[&str], files: &[PathBuf]) {
    let mut full = vec!["check", "--format", "json"];
    full.extend_from_slice(args);
    let o = run(cwd, &full);
    assert!(
        code(&o) == 0 || code(&o) == 1,
        "exit {}: {}",
        code(&o),
        stderr(&o)
    );
    let got = actual(cwd, &stdout(&o));
    let want = expectations(cwd, files);
    if got != want {
        let missing: Vec<_> = want.difference(&got).collect();
        let unexpected: Vec<_> = got.difference(&want).collect();
        panic!(
            "findings differ from the `expect` comments\n  missing:    {missing:#?}\n  unexpected: {unexpected:#?}\n  json: {}",
            stdout(&o)
        );
    }
    let has_error = got.iter().any(|(_, _, c, _)| c == "LN001" || c == "LN003");
    // With default severities, LN001 and LN003 are errors.
    assert_eq!(code(&o), i32::from(has_error), "exit code vs findings");
}

/// Replaces a temporary folder's absolute path (and its canonical form) in output.
pub fn redact(s: &str, dir: &Path) -> String {
    let mut s = s.to_string();
    if let Ok(c) = dir.canonicalize() {
        s = s.replace(&*c.to_string_lossy(), "[TMP]");
    }
    s.replace(&*dir.to_string_lossy(), "[TMP]")
}

/// Copies `src` (a file or a folder) into a fresh temporary folder.
pub fn copy_to_temp(src: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_into(src, dir.path());
    dir
}

fn copy_into(src: &Path, dst: &Path) {
    if src.is_dir() {
        for e in std::fs::read_dir(src).expect("read dir") {
            let p = e.expect("entry").path();
            let target = dst.join(p.file_name().expect("name"));
            if p.is_dir() {
                std::fs::create_dir_all(&target).expect("mkdir");
                copy_into(&p, &target);
            } else {
                std::fs::copy(&p, &target).expect("copy");
            }
        }
    } else {
        std::fs::copy(src, dst.join(src.file_name().expect("name"))).expect("copy");
    }
}
