//! `check --fix`: applies the safe fixes the rules offer, file by file.
//!
//! A fix's edits are applied together or not at all; a fix that overlaps one
//! already taken, or whose spans do not fall on character boundaries of the text,
//! is left for the next run. Edits are applied back to front; files are replaced
//! atomically (a temporary file in the same folder, then a rename); a file with
//! nothing to fix is never written.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::rules::{Edit, Finding};

/// The new text of one file.
#[derive(Debug)]
pub struct FileFix {
    pub path: PathBuf,
    pub text: String,
    /// How many findings this resolves.
    pub fixes: usize,
}

/// Plans the safe fixes of `findings` against the texts they were found in.
pub fn plan<'a>(findings: &[Finding], text_of: impl Fn(&Path) -> Option<&'a str>) -> Vec<FileFix> {
    let mut by_file: BTreeMap<&Path, Vec<&[Edit]>> = BTreeMap::new();
    for f in findings {
        if let Some(fix) = f.fix.as_ref().filter(|x| x.safe && !x.edits.is_empty()) {
            by_file.entry(&f.path).or_default().push(&fix.edits);
        }
    }
    let mut out = Vec::new();
    for (path, fixes) in by_file {
        let Some(text) = text_of(path) else { continue };
        if let Some((text, n)) = apply(text, &fixes) {
            out.push(FileFix {
                path: path.to_path_buf(),
                text,
                fixes: n,
            });
        }
    }
    out
}

/// Applies whole fixes that fit; returns the new text and how many fixes were
/// taken, or `None` when nothing changes.
pub fn apply(text: &str, fixes: &[&[Edit]]) -> Option<(String, usize)> {
    let mut taken: Vec<(Range<usize>, &str)> = Vec::new();
    let mut count = 0;
    let mut order: Vec<&[Edit]> = fixes.to_vec();
    order.sort_by_key(|edits| edits.iter().map(|e| e.span.start).min().unwrap_or(0));
    for edits in order {
        let valid = edits.iter().all(|e| {
            e.span.start <= e.span.end
                && e.span.end <= text.len()
                && text.is_char_boundary(e.span.start)
                && text.is_char_boundary(e.span.end)
        });
        let overlaps = |a: &Range<usize>, b: &Range<usize>| {
            a.start < b.end && b.start < a.end || (a.start == b.start)
        };
        let clashes = edits.iter().enumerate().any(|(i, e)| {
            taken.iter().any(|(r, _)| overlaps(r, &e.span))
                || edits[..i].iter().any(|o| overlaps(&o.span, &e.span))
        });
        if !valid || clashes {
            continue;
        }
        taken.extend(edits.iter().map(|e| (e.span.clone(), e.new_text.as_str())));
        count += 1;
    }
    taken.sort_by_key(|t| std::cmp::Reverse(t.0.start));
    let mut new = text.to_string();
    for (span, replacement) in taken {
        new.replace_range(span, replacement);
    }
    (new != text).then_some((new, count))
}

/// Replaces `path`'s content atomically, keeping its permissions.
pub fn write_atomic(path: &Path, contents: &str) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".llmnotes-fix-")
        .tempfile_in(dir)?;
    tmp.write_all(contents.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(span: Range<usize>, new_text: &str) -> Edit {
        Edit {
            span,
            new_text: new_text.into(),
        }
    }

    #[test]
    fn applies_back_to_front_and_skips_overlaps() {
        let text = "LLamma 与 LLamma";
        let a = [edit(0..6, "LLaMA")];
        let b = [edit(11..17, "LLaMA")];
        let clash = [edit(2..4, "x")];
        let (new, n) = apply(text, &[&b, &clash, &a]).unwrap();
        assert_eq!(new, "LLaMA 与 LLaMA");
        assert_eq!(n, 2);
    }

    #[test]
    fn rejects_spans_inside_characters_and_no_ops() {
        assert_eq!(apply("与", &[&[edit(1..2, "x")]]), None);
        assert_eq!(apply("abc", &[&[edit(0..1, "a")]]), None);
    }

    #[test]
    fn atomic_write_replaces_content() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        std::fs::write(&p, "old").unwrap();
        write_atomic(&p, "new 内容").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new 内容");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
