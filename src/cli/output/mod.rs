//! Renderings of findings: for people (`human`), for programs (`json`), for code
//! scanning (`sarif`) and for GitHub Actions annotations (`github`). Each turns
//! byte spans into 1-based line/column through the same `SourceMap`.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::collections::HashSet;
use std::ffi::OsString;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::ValueEnum;

use crate::kb::{embedded_sources, KbOrigin, KbSource};
use crate::rules::{Finding, Severity};
use crate::text::{Encoding, LineIndex};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with source excerpts.
    #[default]
    Human,
    /// A JSON array of findings.
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

/// A 1-based span in characters; `end_column` is the column just after the span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

struct SourceText {
    text: Arc<str>,
    index: LineIndex,
}

/// The texts findings point into: the notes, and the KB files (for related
/// locations at a KB entry).
#[derive(Default)]
pub struct SourceMap {
    /// Keyed by the path's bytes: hashing a `Path` walks its components, and
    /// a report looks up a path for every finding and related place. Every
    /// path looked up is a clone of one added here, so bytes are enough.
    files: rustc_hash::FxHashMap<OsString, SourceText>,
    /// KB files compiled into the binary: not files a user can open.
    embedded: HashSet<PathBuf>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds notes, their line indexes built in parallel.
    pub fn add_all(&mut self, notes: Vec<(PathBuf, Arc<str>)>) {
        use rayon::prelude::*;
        let indexed: Vec<(OsString, SourceText)> = notes
            .into_par_iter()
            .map(|(path, text)| {
                let index = LineIndex::new(&text);
                (path.into_os_string(), SourceText { text, index })
            })
            .collect();
        self.files.extend(indexed);
    }

    /// Adds the embedded KB files and the workspace ones, under the paths the core
    /// uses for them (`KbOrigin::display_name`).
    pub fn add_kb(&mut self, workspace: &[KbSource]) {
        for s in embedded_sources()
            .into_iter()
            .chain(workspace.iter().cloned())
        {
            let path = match &s.origin {
                KbOrigin::Embedded(name) => {
                    self.embedded.insert(PathBuf::from(name));
                    OsString::from(name)
                }
                KbOrigin::Workspace(p) => p.clone().into_os_string(),
            };
            self.files.entry(path).or_insert_with(|| {
                let index = LineIndex::new(&s.text);
                SourceText {
                    text: Arc::from(s.text),
                    index,
                }
            });
        }
    }

    /// Whether `path` names a KB file compiled into the binary.
    pub fn is_embedded(&self, path: &Path) -> bool {
        self.embedded.contains(path)
    }

    /// Where `span` is in `path`, in characters; `None` when the file is unknown.
    pub fn location(&self, path: &Path, span: &Range<usize>) -> Option<Location> {
        self.location_in(path, span, Encoding::Chars)
    }

    pub fn location_in(&self, path: &Path, span: &Range<usize>, enc: Encoding) -> Option<Location> {
        let f = self.files.get(path.as_os_str())?;
        let (l, c) = f.index.position(&f.text, span.start, enc);
        let (el, ec) = f.index.position(&f.text, span.end.max(span.start), enc);
        Some(Location {
            line: l + 1,
            column: c + 1,
            end_line: el + 1,
            end_column: ec + 1,
        })
    }

    /// The text of a 1-based line, without its terminator.
    pub fn line_text(&self, path: &Path, line: usize) -> Option<&str> {
        let f = self.files.get(path.as_os_str())?;
        let range = f.index.line_range(&f.text, line.checked_sub(1)?)?;
        f.text.get(range)
    }
}

/// What a check produced, ready to render.
pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub sources: &'a SourceMap,
    /// How many notes were checked.
    pub files_checked: usize,
    /// How many findings `--fix` resolved before this report.
    pub fixed: usize,
}

impl Report<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// `path:line:col` of a span, or just the path when its text is unknown; KB files
/// compiled into the binary are marked `(built in)`.
pub fn place(sources: &SourceMap, path: &Path, span: &Range<usize>) -> String {
    let p = super::display_path(path);
    let at = match sources.location(path, span) {
        Some(loc) => format!("{p}:{}:{}", loc.line, loc.column),
        None => p,
    };
    if sources.is_embedded(path) {
        format!("{at} (built in)")
    } else {
        at
    }
}

/// The finding's message without a trailing ` (source: URL)` naming its own
/// source, for renderings that show the source on a line of its own.
pub fn message_without_source(f: &Finding) -> &str {
    if let Some(src) = &f.source {
        let suffix = format!(" (source: {src})");
        if let Some(stripped) = f.message.strip_suffix(&suffix) {
            return stripped;
        }
    }
    &f.message
}
