//! Finding the notes of a workspace on disk.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tower_lsp_server::ls_types::Uri;

/// Notes larger than this are not indexed (they are still served when opened).
const MAX_NOTE_BYTES: u64 = 16 * 1024 * 1024;

pub(crate) fn is_note(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Every note under `roots`, honouring `.gitignore`, `.ignore` and hidden files,
/// read in parallel. Unreadable files are logged and skipped.
pub(crate) fn collect_notes(roots: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let Some((first, rest)) = roots.split_first() else {
        return Vec::new();
    };
    let mut builder = ignore::WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    builder.require_git(false);
    let found = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        let found = &found;
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                return ignore::WalkState::Continue;
            };
            let path = entry.path();
            if entry.file_type().is_some_and(|t| t.is_file()) && is_note(path) {
                if let Some(text) = read_note(path) {
                    found
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((path.to_path_buf(), text));
                }
            }
            ignore::WalkState::Continue
        })
    });
    let mut notes = found.into_inner().unwrap_or_else(|p| p.into_inner());
    notes.sort_by(|a, b| a.0.cmp(&b.0));
    notes
}

/// Reads a note; invalid UTF-8 is replaced, too-large files are skipped.
pub(crate) fn read_note(path: &Path) -> Option<String> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_NOTE_BYTES => {
            tracing::warn!(
                "{}: larger than {MAX_NOTE_BYTES} bytes, not indexed",
                path.display()
            );
            return None;
        }
        Err(e) => {
            tracing::warn!("{}: {e}", path.display());
            return None;
        }
        Ok(_) => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => Some(
            String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
        Err(e) => {
            tracing::warn!("{}: {e}", path.display());
            None
        }
    }
}

/// Whether `path` lies under one of `roots`.
pub(crate) fn in_roots(path: &Path, roots: &[PathBuf]) -> bool {
    roots.iter().any(|r| path.starts_with(r))
}

/// The path the analysis uses for a document: the file path for `file:` URIs, the
/// URI text otherwise (`untitled:Untitled-1`).
pub(crate) fn uri_path(uri: &Uri) -> PathBuf {
    if uri.scheme().as_str().eq_ignore_ascii_case("file") {
        if let Some(p) = uri.to_file_path() {
            return p.into_owned();
        }
    }
    PathBuf::from(uri.as_str())
}
