//! Markdown structure: what is prose, and how it nests.
//!
//! `parse` decides once what is scannable. Everything later in the pipeline reads
//! `Structure::masked`: the document with every byte that is not prose (fenced and
//! inline code, math, HTML and comments, front matter, link destinations) replaced
//! by ASCII spaces, newlines kept. Offsets in `masked` are offsets in the original
//! text, so no later stage needs a position map.
//!
//! The mask is built positively: it starts all blank and only the source bytes of
//! pulldown-cmark's prose `Text` events are copied back, so every non-space byte of
//! `masked` equals the original byte. Markup (`#`, `>`, `**`, list bullets, table
//! pipes, backslashes of escapes, character references such as `&amp;`) is blanked
//! along with the non-prose kinds above. Bare URLs, `{% liquid %}` tags, YAML/TOML
//! front matter, and placeholder image alt text (`image-20230718...`, `a.png`) are
//! blanked too; other alt text and link text stay (`[[wiki|links]]` included).
//! Stray `**`/`~~` that CommonMark left unclosed next to CJK punctuation, Obsidian
//! callout markers (`> [!tip]`) and `[TOC]` are blanked. `$5-$10`-style dollar
//! amounts that pulldown-cmark takes for math are kept as prose (a closing `$`
//! followed by a digit does not close math, as in Pandoc).
//!
//! Sentences are split in the masked text (see `sentences::split_block`): after
//! `。！？；`, after `.!?;` before whitespace or the block end (not after a section
//! number like `1.` or an abbreviation like `e.g.`), at line breaks and at `<br>`.
//! Pieces with no letter, digit or CJK character are dropped.

use std::ops::Range;

pub use reparse::{reparse, Reparse};

mod build;
mod mask;
mod reparse;
mod sentences;
#[cfg(test)]
mod tests;

/// The prose skeleton of one Markdown document. All spans are byte ranges into the
/// original text (and equally into `masked`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Structure {
    /// Same length as the input; non-prose bytes blanked to b' ' (newlines kept).
    pub masked: String,
    /// Prose split into sentences, in document order, never overlapping.
    pub sentences: Vec<Sentence>,
    /// Headings in document order.
    pub headings: Vec<Heading>,
    /// List items in document order (a parent always precedes its children).
    pub list_items: Vec<ListItem>,
    /// Tables in document order.
    pub tables: Vec<Table>,
    /// HTML comments (`<!-- ... -->`), for suppression directives.
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// The sentence text (trimmed of surrounding whitespace), terminator included.
    pub span: Range<usize>,
    /// The block the sentence belongs to.
    pub container: Container,
    /// Index into `Structure::headings` of the nearest enclosing heading (the last
    /// heading before the sentence; for a heading's own text, that heading).
    pub heading: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// The heading's own text (index into `headings`).
    Heading(usize),
    /// A paragraph outside any list or table.
    Paragraph,
    /// Text directly inside a list item (index into `list_items`).
    ListItem(usize),
    /// A table cell: `row` is `None` for the header row, `Some(i)` for body row i.
    TableCell {
        table: usize,
        row: Option<usize>,
        col: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1..=6
    pub level: u8,
    /// The whole heading line(s), markers included.
    pub span: Range<usize>,
    /// The heading's text without markers (empty, at `span.end`, for an empty
    /// heading).
    pub text_span: Range<usize>,
    /// From the heading to the next heading of the same or a higher level.
    pub section: Range<usize>,
    /// Index of the enclosing heading of a higher level.
    pub parent: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    /// The whole item, nested lists included (trailing blank lines trimmed).
    pub span: Range<usize>,
    /// The item's own text before any nested block (its first paragraph). Empty, at
    /// `span.start`, when the item starts with another block (a nested list, code).
    pub lead: Range<usize>,
    /// The enclosing list item, if this item is in a nested list.
    pub parent: Option<usize>,
    /// 0 for a top-level list.
    pub depth: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub span: Range<usize>,
    /// Header cells, left to right.
    pub header: Vec<Range<usize>>,
    /// Body rows; each row's cells left to right (a row may be shorter or longer
    /// than the header). Cell spans are trimmed; an empty cell has an empty span.
    /// Empty cells beyond the header's count are not reported.
    pub rows: Vec<Vec<Range<usize>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The whole `<!-- ... -->`.
    pub span: Range<usize>,
    /// The text between `<!--` and `-->`, trimmed. A comment left open runs to
    /// the end of its HTML block.
    pub body: Range<usize>,
}

/// Parses `text`. Never fails and never panics, whatever the input.
///
/// Runs in time linear in the input (one pass over pulldown-cmark's events, one
/// masking pass, one sentence-splitting pass) and uses no recursion.
pub fn parse(text: &str) -> Structure {
    build::build(text)
}
