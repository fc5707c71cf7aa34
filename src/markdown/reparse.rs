//! Re-parsing only the part of a document an edit touched.
//!
//! An ATX heading that starts a line (`## …` at column 0) is a top-level block:
//! every container and leaf block before it is closed, so Markdown's block
//! structure after it depends only on the text after it. The one exception is a
//! link reference or footnote definition (`[x]: …`), which changes inline parsing
//! anywhere in the document; a document that contains one, before or after the
//! edit, is re-parsed whole. Everything else is exact: the edited bytes are
//! re-parsed from the last such heading before them to the first one after them,
//! and the structure of the unchanged text around is kept, its offsets moved.
//!
//! The chunk ends at a heading no deeper than any heading inside the chunk, so
//! no heading after the chunk has a parent inside it: what is after the chunk
//! sees the same headings above it as before the edit.

use std::ops::Range;

use super::build::{build, link_headings};
use super::mask;
use super::{Comment, Container, Heading, ListItem, Sentence, Structure, Table};

/// A structure re-parsed between two headings, and where that happened.
#[derive(Debug)]
pub struct Reparse {
    pub structure: Structure,
    /// The re-parsed bytes in the old text: before them the text is unchanged,
    /// after them it is unchanged but moved.
    pub old: Range<usize>,
    /// The same bytes in the new text.
    pub new: Range<usize>,
}

impl Reparse {
    /// Where a range of the old text outside the re-parsed bytes is in the new
    /// text; `None` for a range that touches them.
    pub fn map(&self, r: &Range<usize>) -> Option<Range<usize>> {
        if r.end <= self.old.start && r.start <= r.end {
            Some(r.clone())
        } else if r.start >= self.old.end && r.start <= r.end {
            Some(self.shift(r.start)..self.shift(r.end))
        } else {
            None
        }
    }

    /// An offset at or after the old re-parsed bytes, in the new text.
    fn shift(&self, at: usize) -> usize {
        at - self.old.end + self.new.end
    }
}

/// `old` is `build(old_text)`. Returns `build(new_text)`, computed by re-parsing
/// only the sections the edit touched, or `None` when that cannot be exact
/// (then parse the whole text).
pub fn reparse(old: &Structure, old_text: &str, new_text: &str) -> Option<Reparse> {
    // A compacted structure (`DocumentAnalysis::compact`) has no masked text.
    if old.masked.len() != old_text.len() {
        return None;
    }
    let (o, n) = (old_text.as_bytes(), new_text.as_bytes());
    let prefix = common_prefix(o, n);
    let suffix = common_suffix(&o[prefix..], &n[prefix..]);
    let old_end = o.len() - suffix;
    if has_definition(n, 0..n.len()) || has_definition(o, prefix.saturating_sub(1)..old_end + 1) {
        return None;
    }
    let cut = |h: &Heading| is_cut(o, h.span.start);
    // The last cutting heading whose whole line, newline included, is unchanged.
    let a = old
        .headings
        .iter()
        .rev()
        .filter(|h| h.span.start < prefix && cut(h))
        .find(|h| line_end(o, h.span.start).is_some_and(|nl| nl < prefix))
        .map_or(0, |h| h.span.start);
    // The first cutting heading after the edit (the newline before it unchanged)
    // no deeper than any heading between.
    let first = old.headings.partition_point(|h| h.span.start < a);
    let mut min_level = u8::MAX;
    let mut end = None;
    for h in &old.headings[first..] {
        if h.span.start > old_end && cut(h) && h.level <= min_level {
            end = Some(h);
            break;
        }
        min_level = min_level.min(h.level);
    }
    let b = end.map_or(o.len(), |h| h.span.start);
    let new_b = b - old_end + (n.len() - suffix);
    let chunk = match end {
        None => build(&new_text[a..]),
        Some(h) => {
            // Parse through the next heading's line: it must still be a heading
            // (an unclosed fence or HTML block in the chunk would swallow it).
            let through = line_end(n, new_b).map_or(n.len(), |nl| nl + 1);
            // Front matter opened at the top must close inside the chunk.
            if a == 0
                && mask::front_matter_len(new_text) != mask::front_matter_len(&new_text[..through])
            {
                return None;
            }
            let mut s = build(&new_text[a..through]);
            let local = new_b - a;
            let last = s.headings.pop()?;
            if last.span.start != local || last.level != h.level {
                return None;
            }
            if s.headings.iter().any(|x| x.level < h.level) {
                return None;
            }
            s.masked.truncate(local);
            s.sentences.retain(|x| x.span.start < local);
            if s.list_items.iter().any(|x| x.span.start >= local)
                || s.tables.iter().any(|x| x.span.start >= local)
                || s.comments.iter().any(|x| x.span.start >= local)
            {
                return None;
            }
            s
        }
    };
    let mut r = Reparse {
        structure: Structure::default(),
        old: a..b,
        new: a..new_b,
    };
    r.structure = splice(old, &chunk, &r, n.len());
    Some(r)
}

/// The old structure's parts before and after the re-parsed bytes, with the
/// chunk's parts between, indexes and offsets moved.
fn splice(old: &Structure, chunk: &Structure, r: &Reparse, len: usize) -> Structure {
    let (a, b) = (r.old.start, r.old.end);
    let part = |starts: &dyn Fn(usize) -> usize, count: usize| {
        let lo = partition(count, |i| starts(i) < a);
        let hi = partition(count, |i| starts(i) < b);
        (lo, hi)
    };
    let (ha, hb) = part(&|i| old.headings[i].span.start, old.headings.len());
    let (la, lb) = part(&|i| old.list_items[i].span.start, old.list_items.len());
    let (ta, tb) = part(&|i| old.tables[i].span.start, old.tables.len());
    let (sa, sb) = part(&|i| old.sentences[i].span.start, old.sentences.len());
    let (ca, cb) = part(&|i| old.comments[i].span.start, old.comments.len());
    let (nh, nl, nt) = (
        chunk.headings.len(),
        chunk.list_items.len(),
        chunk.tables.len(),
    );
    // Index maps: chunk items come after the prefix's, suffix items after both.
    let heading = |i: usize, in_chunk: bool| index_in(i, in_chunk, (ha, hb), nh);
    let item = |i: usize, in_chunk: bool| index_in(i, in_chunk, (la, lb), nl);
    let table = |i: usize, in_chunk: bool| index_in(i, in_chunk, (ta, tb), nt);
    let shift = |x: &Range<usize>, in_chunk: bool| {
        if in_chunk {
            x.start + a..x.end + a
        } else {
            r.map(x).unwrap_or(x.clone())
        }
    };
    let sentence = |s: &Sentence, in_chunk: bool| Sentence {
        span: shift(&s.span, in_chunk),
        container: match s.container {
            Container::Heading(i) => Container::Heading(heading(i, in_chunk)),
            Container::Paragraph => Container::Paragraph,
            Container::ListItem(i) => Container::ListItem(item(i, in_chunk)),
            Container::TableCell { table: t, row, col } => Container::TableCell {
                table: table(t, in_chunk),
                row,
                col,
            },
        },
        heading: s.heading.map(|i| heading(i, in_chunk)),
    };
    let heading_of = |h: &Heading, in_chunk: bool| Heading {
        level: h.level,
        span: shift(&h.span, in_chunk),
        text_span: shift(&h.text_span, in_chunk),
        section: h.section.clone(),
        parent: None,
    };
    let item_of = |x: &ListItem, in_chunk: bool| ListItem {
        span: shift(&x.span, in_chunk),
        lead: shift(&x.lead, in_chunk),
        parent: x.parent.map(|i| item(i, in_chunk)),
        depth: x.depth,
    };
    let table_of = |t: &Table, in_chunk: bool| Table {
        span: shift(&t.span, in_chunk),
        header: t.header.iter().map(|c| shift(c, in_chunk)).collect(),
        rows: t
            .rows
            .iter()
            .map(|row| row.iter().map(|c| shift(c, in_chunk)).collect())
            .collect(),
    };
    let comment_of = |c: &Comment, in_chunk: bool| Comment {
        span: shift(&c.span, in_chunk),
        body: shift(&c.body, in_chunk),
    };
    fn join<T, U>(
        old: &[T],
        (lo, hi): (usize, usize),
        chunk: &[T],
        f: impl Fn(&T, bool) -> U,
    ) -> Vec<U> {
        let mut out = Vec::with_capacity(lo + chunk.len() + old.len() - hi);
        out.extend(old[..lo].iter().map(|x| f(x, false)));
        out.extend(chunk.iter().map(|x| f(x, true)));
        out.extend(old[hi..].iter().map(|x| f(x, false)));
        out
    }
    let mut masked = String::with_capacity(len);
    masked.push_str(&old.masked[..a]);
    masked.push_str(&chunk.masked);
    masked.push_str(&old.masked[b..]);
    let mut headings = join(&old.headings, (ha, hb), &chunk.headings, heading_of);
    link_headings(&mut headings, len);
    Structure {
        masked,
        sentences: join(&old.sentences, (sa, sb), &chunk.sentences, sentence),
        headings,
        list_items: join(&old.list_items, (la, lb), &chunk.list_items, item_of),
        tables: join(&old.tables, (ta, tb), &chunk.tables, table_of),
        comments: join(&old.comments, (ca, cb), &chunk.comments, comment_of),
    }
}

/// Whether an ATX heading opens the line at `at` (`#`s then a space, a tab or
/// the line's end), not indented, so outside any list or quote.
fn is_cut(text: &[u8], at: usize) -> bool {
    if at > 0 && text.get(at - 1) != Some(&b'\n') {
        return false;
    }
    let hashes = text[at.min(text.len())..]
        .iter()
        .take_while(|&&c| c == b'#')
        .count();
    (1..=6).contains(&hashes)
        && matches!(
            text.get(at + hashes),
            None | Some(b' ' | b'\t' | b'\n' | b'\r')
        )
}

/// Where item `i` of the old list (or of the chunk's, `in_chunk`) goes in the
/// spliced one, when the old items `lo..hi` were re-parsed into `n` new ones.
fn index_in(i: usize, in_chunk: bool, (lo, hi): (usize, usize), n: usize) -> usize {
    if in_chunk {
        i + lo
    } else if i >= hi {
        i - hi + lo + n
    } else {
        i
    }
}

/// The first index in `0..count` where `pred` is false (`pred` true, then false).
fn partition(count: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, count);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The offset of the newline ending the line at `at`.
fn line_end(text: &[u8], at: usize) -> Option<usize> {
    memchr::memchr(b'\n', text.get(at..)?).map(|i| at + i)
}

/// Whether `text[range]` holds what could be a link reference or footnote
/// definition (`]:`).
fn has_definition(text: &[u8], range: Range<usize>) -> bool {
    let range = range.start.min(text.len())..range.end.min(text.len());
    memchr::memmem::find(&text[range], b"]:").is_some()
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const STEP: usize = 64;
    let max = a.len().min(b.len());
    let mut i = 0;
    while i + STEP <= max && a[i..i + STEP] == b[i..i + STEP] {
        i += STEP;
    }
    while i < max && a[i] == b[i] {
        i += 1;
    }
    i
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const STEP: usize = 64;
    let max = a.len().min(b.len());
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    while i + STEP <= max && a[la - i - STEP..la - i] == b[lb - i - STEP..lb - i] {
        i += STEP;
    }
    while i < max && a[la - i - 1] == b[lb - i - 1] {
        i += 1;
    }
    i
}
