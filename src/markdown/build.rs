//! The single pass over pulldown-cmark's events that builds a `Structure`.

use std::cell::RefCell;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

use super::mask;
use super::sentences::{split_block, Block};
use super::{Comment, Container, Heading, ListItem, Sentence, Structure, Table};

/// How far back trailing whitespace is trimmed from item and table spans (bounded so
/// that deeply nested items sharing one end cannot make it quadratic).
const TRIM_CAP: usize = 256;

thread_local! {
    /// Reused across notes so that pushing blocks never reallocates once warm.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
    /// See `text::collect_with_scratch`.
    static SENTENCES: RefCell<Vec<Sentence>> = const { RefCell::new(Vec::new()) };
}

/// The thread's spare block buffer, empty (a fresh one if it is in use).
fn take_blocks() -> Vec<Block> {
    crate::text::take_scratch(&BLOCKS)
}

/// Keeps `blocks`'s buffer for the next note, unless it is huge.
fn return_blocks(blocks: Vec<Block>) {
    if blocks.capacity() <= 1 << 16 {
        crate::text::give_back_scratch(&BLOCKS, blocks);
    }
}

pub(super) fn build(text: &str) -> Structure {
    let mut b = Builder::new(text);
    let body_start = match mask::front_matter_len(text) {
        0 if text.starts_with('\u{feff}') => '\u{feff}'.len_utf8(),
        n => n,
    };
    let body = text.get(body_start..).unwrap_or_default();
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let range = range.start + body_start..range.end + body_start;
        b.event(event, range);
    }
    b.finish()
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_MATH
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_WIKILINKS
}

/// The leaf block being read.
struct Leaf {
    container: Container,
    /// Opened by inline content directly in a list item (no `Paragraph` event).
    implicit: bool,
    /// Extent of the inline events seen so far (`start > end` while empty).
    start: usize,
    end: usize,
}

struct ItemFrame {
    index: usize,
    /// No child block other than the first paragraph has started yet.
    lead_open: bool,
}

struct TableState {
    index: usize,
    row: Option<usize>,
    in_head: bool,
    col: usize,
    /// Source range of the cell being read.
    cell: Range<usize>,
    /// End of the last cell pulldown-cmark reported in this row, and of the row:
    /// cells in between are beyond the header's count (see `extra_cells`).
    last_cell_end: usize,
    row_end: usize,
}

struct ImageState {
    /// An Obsidian embed `![[file.png]]`: its "alt" text is a file name.
    wiki: bool,
    alt_start: usize,
    alt_end: usize,
}

struct Builder<'t> {
    text: &'t str,
    masked: Vec<u8>,
    headings: Vec<Heading>,
    current_heading: Option<usize>,
    list_items: Vec<ListItem>,
    items: Vec<ItemFrame>,
    tables: Vec<Table>,
    table: Option<TableState>,
    comments: Vec<Comment>,
    blocks: Vec<Block>,
    /// Offsets of inline `<br>` tags, in order: sentence boundaries.
    breaks: Vec<usize>,
    leaf: Option<Leaf>,
    code_depth: u32,
    html_block_depth: u32,
    /// The outermost image being read.
    image: Option<ImageState>,
    image_depth: u32,
    quote_depth: u32,
    /// Ranges to blank once all text is copied (Obsidian callout markers).
    late_blanks: Vec<Range<usize>>,
    /// Inside `<https://...>`: its text is a URL, not prose.
    in_autolink: bool,
    /// Memo for `mask::trim_end` on item spans: (end, trimmed end).
    trim_memo: (usize, usize),
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Self {
        Builder {
            text,
            masked: mask::blank(text),
            headings: Vec::new(),
            current_heading: None,
            list_items: Vec::new(),
            items: Vec::new(),
            tables: Vec::new(),
            table: None,
            comments: Vec::new(),
            blocks: take_blocks(),
            breaks: Vec::new(),
            leaf: None,
            code_depth: 0,
            html_block_depth: 0,
            in_autolink: false,
            quote_depth: 0,
            late_blanks: Vec::new(),
            image: None,
            image_depth: 0,
            trim_memo: (usize::MAX, 0),
        }
    }

    fn event(&mut self, event: Event<'_>, r: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, r),
            Event::End(tag) => self.end(tag, r),
            Event::Text(t) => {
                if self.code_depth > 0 {
                    return;
                }
                self.inline(&r);
                if let Some(image) = &mut self.image {
                    image.alt_start = image.alt_start.min(r.start);
                    image.alt_end = image.alt_end.max(r.end);
                }
                if !self.in_autolink {
                    mask::copy_text(&mut self.masked, self.text, r, &t);
                }
            }
            Event::InlineHtml(h) => {
                if h.starts_with("<!--") {
                    mask::scan_comments(self.text, r.clone(), &mut self.comments);
                } else if is_br(&h) {
                    self.breaks.push(r.start);
                }
                self.inline(&r);
            }
            Event::Html(_) => {
                // Lines of an HTML block; its comments were scanned at its start.
                if self.html_block_depth == 0 {
                    mask::scan_comments(self.text, r, &mut self.comments);
                }
            }
            Event::InlineMath(_) if self.code_depth == 0 => {
                self.inline(&r);
                if is_dollar_amounts(self.text, &r) {
                    mask::copy_source(&mut self.masked, self.text, r);
                }
            }
            Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::FootnoteReference(_)
            | Event::SoftBreak
            | Event::HardBreak => {
                if self.code_depth == 0 {
                    self.inline(&r);
                }
            }
            // Not part of the item's text (nor of its lead); blanked.
            Event::TaskListMarker(_) => {}
            Event::Rule => self.block_start(false),
        }
    }

    fn start(&mut self, tag: Tag<'_>, r: Range<usize>) {
        match tag {
            Tag::Paragraph => {
                self.block_start(true);
                if is_toc_marker(self.text.get(r.clone()).unwrap_or("")) {
                    self.late_blanks.push(r.clone());
                }
                if self.quote_depth > 0 {
                    if let Some(len) = callout_marker_len(self.text.get(r.start..).unwrap_or("")) {
                        self.late_blanks.push(r.start..r.start + len);
                    }
                }
                let container = match self.items.last() {
                    Some(f) => Container::ListItem(f.index),
                    None => Container::Paragraph,
                };
                self.open_leaf(container, false);
            }
            Tag::Heading { level, .. } => {
                self.block_start(false);
                let level = level as u8;
                let index = self.headings.len();
                let span = mask::trim_end(self.text, r.clone(), usize::MAX);
                // Sections and parents are set by `link_headings` at the end.
                self.headings.push(Heading {
                    level,
                    text_span: span.end..span.end,
                    span,
                    section: r.start..r.start,
                    parent: None,
                });
                self.current_heading = Some(index);
                self.open_leaf(Container::Heading(index), false);
            }
            Tag::CodeBlock(_) => {
                self.block_start(false);
                self.code_depth += 1;
            }
            Tag::HtmlBlock => {
                self.block_start(false);
                self.html_block_depth += 1;
                mask::scan_comments(self.text, r, &mut self.comments);
            }
            Tag::Item => {
                self.block_start(false);
                let index = self.list_items.len();
                let span = self.item_span(r);
                self.list_items.push(ListItem {
                    lead: span.start..span.start,
                    span,
                    parent: self.items.last().map(|f| f.index),
                    depth: u32::try_from(self.items.len()).unwrap_or(u32::MAX),
                });
                self.items.push(ItemFrame {
                    index,
                    lead_open: true,
                });
            }
            Tag::Table(_) => {
                self.block_start(false);
                let index = self.tables.len();
                self.tables.push(Table {
                    span: mask::trim_end(self.text, r.clone(), usize::MAX),
                    header: Vec::new(),
                    rows: Vec::new(),
                });
                self.table = Some(TableState {
                    index,
                    row: None,
                    in_head: false,
                    col: 0,
                    cell: r.start..r.start,
                    last_cell_end: r.start,
                    row_end: r.start,
                });
            }
            Tag::TableHead => {
                self.block_start(false);
                if let Some(t) = &mut self.table {
                    t.in_head = true;
                    t.row = None;
                    t.col = 0;
                }
            }
            Tag::TableRow => {
                self.block_start(false);
                if let Some(t) = &mut self.table {
                    if !t.in_head {
                        let table = &mut self.tables[t.index];
                        t.row = Some(table.rows.len());
                        // Rows mostly have the header's cell count.
                        table.rows.push(Vec::with_capacity(table.header.len()));
                    }
                    t.col = 0;
                    t.last_cell_end = r.start;
                    t.row_end = r.end;
                }
            }
            Tag::TableCell => {
                self.block_start(false);
                let container = match &mut self.table {
                    Some(t) => {
                        t.cell = r;
                        Container::TableCell {
                            table: t.index,
                            row: t.row,
                            col: t.col,
                        }
                    }
                    None => Container::Paragraph,
                };
                self.open_leaf(container, false);
            }
            Tag::BlockQuote(_) => {
                self.block_start(false);
                self.quote_depth += 1;
            }
            Tag::List(_)
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => self.block_start(false),
            Tag::Link { link_type, .. } => {
                if self.code_depth == 0 {
                    self.inline(&r);
                }
                self.in_autolink = matches!(link_type, LinkType::Autolink | LinkType::Email);
            }
            Tag::Image { link_type, .. } => {
                if self.code_depth == 0 {
                    self.inline(&r);
                }
                if self.image_depth == 0 {
                    self.image = Some(ImageState {
                        wiki: matches!(link_type, LinkType::WikiLink { .. }),
                        alt_start: usize::MAX,
                        alt_end: 0,
                    });
                }
                self.image_depth += 1;
            }
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript => {
                if self.code_depth == 0 {
                    self.inline(&r);
                }
            }
        }
    }

    fn end(&mut self, tag: TagEnd, r: Range<usize>) {
        match tag {
            TagEnd::Paragraph => self.close_leaf(),
            TagEnd::Heading(_) => {
                if let Some(leaf) = self.leaf.take() {
                    if let Container::Heading(h) = leaf.container {
                        if leaf.start < leaf.end {
                            if let Some(heading) = self.headings.get_mut(h) {
                                heading.text_span = leaf.start..leaf.end;
                            }
                        }
                    }
                    self.push_block(leaf);
                }
            }
            TagEnd::CodeBlock => self.code_depth = self.code_depth.saturating_sub(1),
            TagEnd::HtmlBlock => self.html_block_depth = self.html_block_depth.saturating_sub(1),
            TagEnd::Item => {
                self.close_implicit();
                self.items.pop();
            }
            TagEnd::TableCell => {
                let leaf = self.leaf.take();
                if let Some(t) = &mut self.table {
                    // pulldown-cmark pads short rows with empty, zero-width cells:
                    // those are not in the source, so they are not reported.
                    if !t.cell.is_empty() {
                        let span = match &leaf {
                            Some(l) if l.start < l.end => l.start..l.end,
                            _ => trim_cell(self.text, t.cell.clone()),
                        };
                        let table = &mut self.tables[t.index];
                        match t.row {
                            None => table.header.push(span),
                            Some(_) => {
                                if let Some(row) = table.rows.last_mut() {
                                    row.push(span);
                                }
                            }
                        }
                        t.col += 1;
                        t.last_cell_end = t.cell.end;
                    }
                }
                if let Some(leaf) = leaf {
                    self.push_block(leaf);
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.in_head = false;
                }
            }
            TagEnd::Table => {
                self.close_leaf();
                self.table = None;
            }
            TagEnd::Link => {
                if self.code_depth == 0 {
                    self.inline(&r);
                }
                // Links do not nest, so any link end closes an autolink.
                self.in_autolink = false;
            }
            TagEnd::Image => {
                if self.code_depth == 0 {
                    self.inline(&r);
                }
                self.image_depth = self.image_depth.saturating_sub(1);
                if self.image_depth == 0 {
                    if let Some(image) = self.image.take() {
                        let alt = image.alt_start..image.alt_end;
                        if image.alt_start < image.alt_end
                            && (image.wiki
                                || is_noise_alt(self.text.get(alt.clone()).unwrap_or("")))
                        {
                            mask::blank_range(&mut self.masked, alt);
                        }
                    }
                }
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => {
                if self.code_depth == 0 {
                    self.inline(&r);
                }
            }
            TagEnd::BlockQuote(_) => {
                self.close_implicit();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            TagEnd::List(_)
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_) => self.close_implicit(),
            TagEnd::TableRow => {
                self.close_implicit();
                self.extra_cells();
            }
        }
    }

    /// Cells of a body row beyond the header's count, which pulldown-cmark drops:
    /// split the rest of the row on unescaped pipes (as GFM does) and read each
    /// cell's inline content with a parse of its own.
    fn extra_cells(&mut self) {
        let Some(t) = &self.table else {
            return;
        };
        let (Some(row), table, mut col) = (t.row, t.index, t.col) else {
            return;
        };
        let start = t.last_cell_end;
        let Some(rest) = self.text.get(start..t.row_end) else {
            return;
        };
        if rest.bytes().all(|b| b.is_ascii_whitespace() || b == b'|') {
            return;
        }
        let bytes = rest.as_bytes();
        // Segment boundaries: the rest of the row up to the first pipe closes the
        // last reported cell; every later pipe ends one extra cell.
        let mut seg_start = None;
        let mut i = 0;
        while i <= bytes.len() {
            let at_end = i == bytes.len();
            if at_end || bytes[i] == b'|' {
                if let Some(from) = seg_start {
                    let seg = start + from..start + i;
                    let cell = trim_ws(self.text, seg);
                    // Text after the last pipe is a cell only if not blank.
                    if !(at_end && cell.is_empty()) {
                        self.extra_cell(table, row, col, cell);
                        col += 1;
                    }
                }
                seg_start = Some(i + 1);
            } else if bytes[i] == b'\\' {
                // An escaped pipe does not end a cell; never step past the end.
                i = (i + 2).min(bytes.len());
                continue;
            }
            i += 1;
        }
        if let Some(t) = &mut self.table {
            t.col = col;
        }
    }

    fn extra_cell(&mut self, table: usize, row: usize, col: usize, cell: Range<usize>) {
        self.open_leaf(
            Container::TableCell {
                table,
                row: Some(row),
                col,
            },
            false,
        );
        if let Some(src) = self.text.get(cell.clone()) {
            let mut skip = 0u32;
            for (event, r) in Parser::new_ext(src, options()).into_offset_iter() {
                let r = r.start + cell.start..r.end + cell.start;
                match &event {
                    Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::MetadataBlock(_)) => {
                        skip += 1
                    }
                    Event::End(
                        TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_),
                    ) => skip = skip.saturating_sub(1),
                    _ if skip > 0 => {}
                    Event::Start(tag) if is_inline_tag(&tag.to_end()) => self.event(event, r),
                    Event::End(tag) if is_inline_tag(tag) => self.event(event, r),
                    Event::Start(_) | Event::End(_) | Event::Rule => {}
                    _ => self.event(event, r),
                }
            }
        }
        self.close_leaf();
        if let Some(cells) = self.tables.get_mut(table).and_then(|t| t.rows.last_mut()) {
            cells.push(cell);
        }
    }

    /// A block-level element starts: the implicit leaf of a tight item ends, and the
    /// enclosing item's lead is settled unless this is that item's first paragraph.
    fn block_start(&mut self, paragraph: bool) {
        self.close_implicit();
        if let Some(frame) = self.items.last_mut() {
            if !paragraph {
                frame.lead_open = false;
            }
        }
    }

    #[inline]
    fn open_leaf(&mut self, container: Container, implicit: bool) {
        // Leaves never nest; a stray open one is closed first.
        self.close_leaf();
        self.leaf = Some(Leaf {
            container,
            implicit,
            start: usize::MAX,
            end: 0,
        });
    }

    /// Inline content at `r`: extends the open leaf, or opens the implicit leaf of a
    /// tight list item.
    fn inline(&mut self, r: &Range<usize>) {
        if self.leaf.is_none() {
            let container = match self.items.last() {
                Some(f) => Container::ListItem(f.index),
                None => Container::Paragraph,
            };
            self.open_leaf(container, true);
        }
        if let Some(leaf) = &mut self.leaf {
            leaf.start = leaf.start.min(r.start);
            leaf.end = leaf.end.max(r.end);
        }
    }

    #[inline]
    fn close_implicit(&mut self) {
        if self.leaf.as_ref().is_some_and(|l| l.implicit) {
            self.close_leaf();
        }
    }

    #[inline]
    fn close_leaf(&mut self) {
        if let Some(leaf) = self.leaf.take() {
            self.push_block(leaf);
        }
    }

    fn push_block(&mut self, leaf: Leaf) {
        if leaf.start >= leaf.end {
            return;
        }
        let range = leaf.start..leaf.end;
        if let Container::ListItem(i) = leaf.container {
            if let Some(frame) = self.items.last_mut() {
                if frame.index == i && frame.lead_open {
                    frame.lead_open = false;
                    if let Some(item) = self.list_items.get_mut(i) {
                        item.lead = range.clone();
                    }
                }
            }
        }
        self.blocks.push(Block {
            range,
            container: leaf.container,
            heading: self.current_heading,
        });
    }

    fn item_span(&mut self, r: Range<usize>) -> Range<usize> {
        if self.trim_memo.0 == r.end && self.trim_memo.1 >= r.start {
            return r.start..self.trim_memo.1;
        }
        let span = mask::trim_end(self.text, r.clone(), TRIM_CAP);
        self.trim_memo = (r.end, span.end);
        span
    }

    fn finish(mut self) -> Structure {
        self.close_leaf();
        for r in std::mem::take(&mut self.late_blanks) {
            mask::blank_range(&mut self.masked, r);
        }
        mask::blank_urls_and_liquid(&mut self.masked);
        let masked = into_string(self.masked, self.text);
        let sentences = crate::text::collect_with_scratch(&SENTENCES, |sentences| {
            let mut k = 0;
            for block in &self.blocks {
                while k < self.breaks.len() && self.breaks[k] < block.range.start {
                    k += 1;
                }
                let from = k;
                while k < self.breaks.len() && self.breaks[k] < block.range.end {
                    k += 1;
                }
                split_block(&masked, block, &self.breaks[from..k], sentences);
            }
        });
        return_blocks(std::mem::take(&mut self.blocks));
        let mut headings = self.headings;
        link_headings(&mut headings, self.text.len());
        Structure {
            masked,
            sentences,
            headings,
            list_items: self.list_items,
            tables: self.tables,
            comments: self.comments,
        }
    }
}

/// Sets each heading's section (from it to the next heading of the same or a
/// higher level, or the end of a text of `len` bytes) and parent (the nearest
/// heading before it of a higher level). One pass with a stack of open sections,
/// levels strictly increasing.
pub(super) fn link_headings(headings: &mut [Heading], len: usize) {
    let mut open: Vec<usize> = Vec::new();
    for i in 0..headings.len() {
        let (level, start) = (headings[i].level, headings[i].span.start);
        while let Some(&top) = open.last() {
            if headings[top].level < level {
                break;
            }
            headings[top].section.end = start;
            open.pop();
        }
        headings[i].section = start..len;
        headings[i].parent = open.last().copied();
        open.push(i);
    }
}

/// Image alt text that is an editor's placeholder or a file name rather than a
/// caption: Typora's `image-20230718152040543`, `截图`, `a.png`, bare digits.
fn is_noise_alt(alt: &str) -> bool {
    let alt = alt.trim();
    let lower = alt.as_bytes();
    let starts = |p: &[u8]| lower.len() >= p.len() && lower[..p.len()].eq_ignore_ascii_case(p);
    let ends =
        |p: &[u8]| lower.len() >= p.len() && lower[lower.len() - p.len()..].eq_ignore_ascii_case(p);
    // `image`, `image-2023...`, `img_01`, but not `Image of the encoder`.
    let placeholder = |p: &[u8]| {
        starts(p)
            && match lower.get(p.len()) {
                None => true,
                Some(&b) => b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'),
            }
    };
    placeholder(b"image")
        || placeholder(b"img")
        || starts(b"pasted image")
        || starts(b"screenshot")
        || starts(b"snipaste")
        || alt.starts_with("截图")
        || alt.starts_with("截屏")
        || alt.starts_with("图片")
        || [
            b".png" as &[u8],
            b".jpg",
            b".jpeg",
            b".gif",
            b".svg",
            b".webp",
            b".bmp",
        ]
        .iter()
        .any(|e| ends(e))
        || alt
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'_' | b' ' | b'.'))
}

/// pulldown-cmark reads `$0.002/1K，$0.02/1K` and `$5-$10` as inline math. Like
/// Pandoc, a closing `$` directly followed by a digit does not close math: such a
/// span is dollar amounts, i.e. prose.
fn is_dollar_amounts(text: &str, r: &Range<usize>) -> bool {
    let b = text.as_bytes();
    r.end > r.start + 1
        && b.get(r.start) == Some(&b'$')
        && b.get(r.start + 1) != Some(&b'$')
        && b.get(r.end - 1) == Some(&b'$')
        && b.get(r.end).is_some_and(u8::is_ascii_digit)
}

/// A paragraph that is only a table-of-contents placeholder: `[TOC]`, `[[toc]]`.
fn is_toc_marker(paragraph: &str) -> bool {
    let p = paragraph.trim().as_bytes();
    p.eq_ignore_ascii_case(b"[toc]") || p.eq_ignore_ascii_case(b"[[toc]]")
}

/// Length of an Obsidian callout marker (`[!tip]`, `[!note]-`) at the start of `s`,
/// the first paragraph of a block quote. (GFM's `[!NOTE]` alone on its line is
/// already consumed by pulldown-cmark.)
fn callout_marker_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if !b.starts_with(b"[!") {
        return None;
    }
    let mut i = 2;
    while i < b.len() && i < 40 && (b[i].is_ascii_alphanumeric() || b[i] == b'-' || b[i] == b'_') {
        i += 1;
    }
    if i == 2 || b.get(i) != Some(&b']') {
        return None;
    }
    i += 1;
    if matches!(b.get(i), Some(b'+' | b'-')) {
        i += 1;
    }
    Some(i)
}

fn is_inline_tag(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// `range` without surrounding whitespace (empty, at its start, if blank).
fn trim_ws(text: &str, range: Range<usize>) -> Range<usize> {
    let Some(s) = text.get(range.clone()) else {
        return range.start..range.start;
    };
    let lead = s.len() - s.trim_start().len();
    let start = range.start + lead;
    start..start + s.trim().len()
}

/// `<br>`, `<br/>`, `<br />` in any case.
fn is_br(tag: &str) -> bool {
    let b = tag.as_bytes();
    b.len() >= 4
        && b[..3].eq_ignore_ascii_case(b"<br")
        && b[3..].iter().all(|&c| c == b' ' || c == b'/' || c == b'>')
}

/// A cell's source range without surrounding whitespace and pipes (empty cells).
fn trim_cell(text: &str, r: Range<usize>) -> Range<usize> {
    let Some(s) = text.get(r.clone()) else {
        return r.start..r.start;
    };
    let t = s.trim_matches(|c: char| c.is_whitespace() || c == '|');
    let lead = s.len()
        - s.trim_start_matches(|c: char| c.is_whitespace() || c == '|')
            .len();
    r.start + lead..r.start + lead + t.len()
}

/// The mask as a `String`, without validating all of it: see `assemble`.
fn into_string(bytes: Vec<u8>, text: &str) -> String {
    match assemble(&bytes, text) {
        Some(s) => s,
        None => into_string_checked(bytes),
    }
}

/// `masked` rebuilt from runs: a run equal to `text` is copied from `text` (a
/// `str` already, so not validated again), and a run that differs (a blank) must
/// be all spaces. The result is byte for byte `masked`. `None` when a run
/// does not fall on character boundaries or a differing byte is not a space
/// (never, by construction), or the lengths differ.
fn assemble(masked: &[u8], text: &str) -> Option<String> {
    let t = text.as_bytes();
    if masked.len() != t.len() {
        return None;
    }
    let mut out = String::with_capacity(masked.len());
    let mut i = 0;
    while i < masked.len() {
        let same = i + run_len(&masked[i..], &t[i..], true);
        out.push_str(text.get(i..same)?);
        let differ = same + run_len(&masked[same..], &t[same..], false);
        // A byte that differs from the text is a blank: a space.
        let mut blanks = differ - same;
        if masked[same..differ].iter().any(|&b| b != b' ') {
            return None;
        }
        while blanks > 0 {
            let k = blanks.min(SPACES.len());
            out.push_str(&SPACES[..k]);
            blanks -= k;
        }
        i = differ;
    }
    Some(out)
}

const SPACES: &str = "                                                                ";

/// Length of the leading run of `a` whose bytes equal (`equal`) or differ from
/// (`!equal`) those of `b` at the same offsets. Eight bytes at a time while the
/// run is longer.
fn run_len(a: &[u8], b: &[u8], equal: bool) -> usize {
    let n = a.len().min(b.len());
    let mut k = 0;
    if equal {
        for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
            let (Ok(x), Ok(y)) = (<[u8; 8]>::try_from(x), <[u8; 8]>::try_from(y)) else {
                break;
            };
            let diff = u64::from_le_bytes(x) ^ u64::from_le_bytes(y);
            if diff != 0 {
                return k + (diff.trailing_zeros() / 8) as usize;
            }
            k += 8;
        }
    }
    while k < n && (a[k] == b[k]) == equal {
        k += 1;
    }
    k
}

/// The mask is valid UTF-8 by construction; should that ever fail, non-ASCII bytes
/// are blanked rather than panicking or changing the length.
fn into_string_checked(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let mut bytes = e.into_bytes();
            for b in &mut bytes {
                if *b >= 0x80 {
                    *b = b' ';
                }
            }
            String::from_utf8(bytes).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Rebuilding from runs gives the validated buffer, blanks anywhere (even
        /// inside a character, which must fall back), any other byte changed too.
        #[test]
        fn assembled_mask_equals_the_validated_one(
            text in "[a \n中😀|*]{0,40}",
            edits in proptest::collection::vec((0usize..200, prop_oneof![Just(b' '), any::<u8>()]), 0..8),
        ) {
            let mut masked = text.as_bytes().to_vec();
            for (at, b) in edits {
                if let Some(slot) = masked.get_mut(at) {
                    *slot = b;
                }
            }
            let want = into_string_checked(masked.clone());
            prop_assert_eq!(into_string(masked, &text), want);
        }
    }

    #[test]
    fn assemble_falls_back_on_a_length_mismatch() {
        assert_eq!(assemble(b"ab", "abc"), None);
        assert_eq!(into_string(b"ab".to_vec(), "abc"), "ab");
    }
}
