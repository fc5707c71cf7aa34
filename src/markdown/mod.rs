//! Markdown structure: what is prose, and how it nests.
//!
//! `parse` decides once what is scannable. Everything later in the pipeline reads
//! `Structure::masked`: the document with every byte that is not prose (fenced and
//! inline code, math, HTML and comments, front matter, link destinations) replaced
//! by ASCII spaces, newlines kept. Offsets in `masked` are offsets in the original
//! text, so no later stage needs a position map.

use std::ops::Range;

mod build;
mod mask;
mod sentences;
#[cfg(test)]
mod tests;

/// The prose skeleton of one Markdown document. All spans are byte ranges into the
/// original text (and equally into `masked`).
#[derive(Debug, Clone, Default)]
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
    /// Index into `Structure::headings` of the nearest enclosing heading.
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
    /// The heading's text without markers.
    pub text_span: Range<usize>,
    /// From the heading to the next heading of the same or a higher level.
    pub section: Range<usize>,
    /// Index of the enclosing heading of a higher level.
    pub parent: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    /// The whole item, nested lists included.
    pub span: Range<usize>,
    /// The item's own text before any nested block (its first paragraph).
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
    /// than the header).
    pub rows: Vec<Vec<Range<usize>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The whole `<!-- ... -->`.
    pub span: Range<usize>,
    /// The text between `<!--` and `-->`, trimmed.
    pub body: Range<usize>,
}

/// Parses `text`. Never fails and never panics, whatever the input.
///
/// Runs in time linear in the input (one pass over pulldown-cmark's events, one
/// masking pass, one sentence-splitting pass) and uses no recursion.
pub fn parse(text: &str) -> Structure {
    build::build(text)
}
