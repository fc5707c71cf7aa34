//! Which notes a command reads: `*.md` and `*.markdown` files under the given
//! paths (honouring `.gitignore` and `.ignore`), plus any file named explicitly.
//! Files are read in parallel; a file that is not UTF-8 is skipped with a warning,
//! one that cannot be read is an error.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::display_path;

/// A note, read.
#[derive(Debug, Clone)]
pub struct Note {
    /// The path as shown and as handed to the analyzer (`notes/gpt.md`).
    pub path: PathBuf,
    pub text: Arc<str>,
}

#[derive(Debug, Default)]
pub struct Inputs {
    pub notes: Vec<Note>,
    /// Files skipped with a reason (not UTF-8): warnings.
    pub skipped: Vec<String>,
    /// Paths that do not exist or cannot be read: errors (exit 2).
    pub errors: Vec<String>,
}

/// Whether a file found while walking a folder is a note.
fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Lists the notes under `paths`, sorted and without duplicates.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = BTreeSet::new();
    let mut errors = Vec::new();
    for root in paths {
        match std::fs::metadata(root) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                errors.push(format!("{}: no such file or directory", display_path(root)));
                continue;
            }
            Err(e) => {
                errors.push(format!("{}: {e}", display_path(root)));
                continue;
            }
            Ok(_) => {}
        }
        if root.is_file() {
            // Named explicitly: checked whatever its extension.
            files.insert(normalize(root));
            continue;
        }
        let walk = ignore::WalkBuilder::new(root)
            .require_git(false)
            .follow_links(false)
            .build();
        for entry in walk {
            match entry {
                Ok(e) => {
                    // Symbolic links to notes count; links to folders are not followed.
                    let is_file = e
                        .file_type()
                        .is_some_and(|t| t.is_file() || (t.is_symlink() && e.path().is_file()));
                    if is_file && is_markdown(e.path()) {
                        files.insert(normalize(e.path()));
                    }
                }
                Err(err) => errors.push(format!("{}: {err}", display_path(root))),
            }
        }
    }
    (files.into_iter().collect(), errors)
}

/// Drops a leading `./` so paths print as people expect.
fn normalize(path: &Path) -> PathBuf {
    let p = path.strip_prefix(".").unwrap_or(path);
    if p.as_os_str().is_empty() {
        path.to_path_buf()
    } else {
        p.to_path_buf()
    }
}

/// One file, read, with what was made of it if it is a note.
enum Read<T> {
    Note(Note, T),
    NotUtf8(PathBuf),
    Failed(PathBuf, std::io::Error),
}

/// Collects and reads the notes under `paths` (in parallel).
pub fn read(paths: &[PathBuf]) -> Inputs {
    read_then(paths, |_| ()).0
}

/// `read`, running `then` on each note as soon as it is read, on the same
/// thread (the text is still in cache, and no thread waits for the slowest
/// read before analysis starts). Its results come in the order of
/// `Inputs::notes`.
pub fn read_then<T: Send>(paths: &[PathBuf], then: impl Fn(&Note) -> T + Sync) -> (Inputs, Vec<T>) {
    let (files, mut errors) = collect(paths);
    let results: Vec<Read<T>> = files
        .into_par_iter()
        .map(|path| match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => {
                    let note = Note {
                        path,
                        text: Arc::from(text),
                    };
                    let done = then(&note);
                    Read::Note(note, done)
                }
                Err(_) => Read::NotUtf8(path),
            },
            Err(e) => Read::Failed(path, e),
        })
        .collect();
    let mut inputs = Inputs::default();
    let mut done = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Read::Note(n, t) => {
                inputs.notes.push(n);
                done.push(t);
            }
            Read::NotUtf8(p) => inputs
                .skipped
                .push(format!("{}: not valid UTF-8, skipped", display_path(&p))),
            Read::Failed(p, e) => errors.push(format!("{}: cannot read: {e}", display_path(&p))),
        }
    }
    inputs.errors = errors;
    (inputs, done)
}
