//! Claims: a quantity attached to a model and an attribute.
//!
//! Scoping, in order: a table cell takes its model from its column or row header and
//! its attribute from the other header; otherwise the attribute comes from a keyword
//! in the number's clause or from its unit, and the model from the mentions in the
//! same sentence (then clause), else the enclosing list items, else the enclosing
//! headings. When two models are equally likely, no claim: precision beats recall.
//! A year or date in parentheses right after a name (`GPT2（2019）`) is a
//! release-date claim (`dates.rs`).

mod dates;
mod keywords;
mod subject;
#[cfg(test)]
mod tests;

use std::ops::Range;

use crate::kb::{Attribute, Kb, ModelId};
use crate::markdown::{Container, Structure};
use crate::mentions::Mention;
use crate::quantities::{Date, Magnitude, Number, Quantity, QuantityKind, Unit};

use keywords::{
    ACTIVE_OR_TOTAL_SET, ACTIVE_WORDS, ATTRIBUTE_KEYWORDS, BLOCKER_SET, DATA_SET, KEYWORD_SET,
    RELEASE_SET,
};

#[derive(Debug, Clone, PartialEq)]
pub enum ClaimValue {
    Number(Number),
    /// Smallest and largest variant (`7B-65B`).
    /// Boxed: ranges are rare, and a claim is kept for every figure of every note.
    Range(Box<Number>, Box<Number>),
    Date(Date),
}

/// One subject of a claim: a model and, if the text names one, its variant.
pub type SubjectModel = (ModelId, Option<usize>);

/// A claim's subjects. Almost always one, kept inline: a claim is kept for
/// every figure of every note, and a heap allocation each would cost more than
/// the claim. Reads as a slice.
#[derive(Debug, Clone, PartialEq)]
pub enum Subjects {
    One(SubjectModel),
    Many(Box<[SubjectModel]>),
}

impl From<Vec<SubjectModel>> for Subjects {
    fn from(v: Vec<SubjectModel>) -> Subjects {
        match v[..] {
            [one] => Subjects::One(one),
            _ => Subjects::Many(v.into_boxed_slice()),
        }
    }
}

impl std::ops::Deref for Subjects {
    type Target = [SubjectModel];
    fn deref(&self) -> &[SubjectModel] {
        match self {
            Subjects::One(s) => std::slice::from_ref(s),
            Subjects::Many(v) => v,
        }
    }
}

impl std::ops::DerefMut for Subjects {
    fn deref_mut(&mut self) -> &mut [SubjectModel] {
        match self {
            Subjects::One(s) => std::slice::from_mut(s),
            Subjects::Many(v) => v,
        }
    }
}

impl Subjects {
    /// Adds a model (a shorthand list's next member).
    fn push(&mut self, s: SubjectModel) {
        let mut all = self.to_vec();
        all.push(s);
        *self = Subjects::Many(all.into_boxed_slice());
    }
}

impl<'a> IntoIterator for &'a Subjects {
    type Item = &'a SubjectModel;
    type IntoIter = std::slice::Iter<'a, SubjectModel>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// The quantity as written.
    pub span: Range<usize>,
    /// The subject: usually one model; several for a shorthand list (`GPT-1/2`),
    /// in which case the claim must fit at least one of them.
    pub models: Subjects,
    /// The mention the model was taken from.
    pub mention: Option<Range<usize>>,
    pub attribute: Attribute,
    pub value: ClaimValue,
    /// 0-based line of `span.start` (two values on one line are rarely in conflict).
    pub line: usize,
}

/// Attaches quantities to models. Never panics.
pub fn extract(
    kb: &Kb,
    text: &str,
    structure: &Structure,
    mentions: &[Mention],
    shadows: &[Range<usize>],
    quantities: &[Quantity],
) -> Vec<Claim> {
    let all = Document {
        text,
        structure,
        mentions,
        shadows,
        quantities,
    };
    extract_in(kb, &all, 0..text.len(), 0)
}

/// A document's stages before claims.
pub struct Document<'a> {
    pub text: &'a str,
    pub structure: &'a Structure,
    pub mentions: &'a [Mention],
    pub shadows: &'a [Range<usize>],
    pub quantities: &'a [Quantity],
}

/// The claims of the quantities that start in `within`, whole lines of which
/// the first is line `first_line` (0-based): what `extract` gives there. A
/// claim reads its own line, its block, and the list items and headings above
/// it, never another line's text, so re-analysing an edited section needs only
/// that section's claims.
pub fn extract_in(
    kb: &Kb,
    doc: &Document<'_>,
    within: Range<usize>,
    first_line: usize,
) -> Vec<Claim> {
    let Document {
        text,
        structure,
        mentions,
        shadows,
        quantities,
    } = *doc;
    let masked = structure.masked.as_str();
    let subjects = subject::Subjects::new(kb, masked, structure, mentions, shadows, quantities);
    let mut headers = Headers::default();
    let mut used = vec![false; quantities.len()];
    let mlo = mentions.partition_point(|m| m.span.start < within.start);
    let mhi = mentions.partition_point(|m| m.span.start < within.end);
    let qlo = quantities.partition_point(|q| q.span.start < within.start);
    let qhi = quantities.partition_point(|q| q.span.start < within.end);
    let mut dated = dates::release_claims(kb, masked, &mentions[mlo..mhi], quantities, &mut used);
    dated.retain(|c| within.contains(&c.span.start));
    let mut claims = Vec::new();
    let (mut mention_cursor, mut sentence_cursor) = Default::default();
    for (qi, q) in quantities.iter().enumerate().take(qhi).skip(qlo) {
        if used[qi] || subjects.overlaps_mention(&q.span, &mut mention_cursor) {
            continue;
        }
        let tail = line_tail(masked, q.span.start);
        if is_reference_number(tail) || is_glued_size_list(masked, tail, &q.span) {
            continue;
        }
        let Some(sentence) = subjects.sentence_at(q.span.start, &mut sentence_cursor) else {
            continue;
        };
        let found = match sentence.container {
            Container::TableCell { table, row, col } => {
                let at = (table, row, col);
                table_claim(&subjects, &mut headers, structure, masked, q, at)
            }
            _ => prose_claim(&subjects, masked, q, sentence),
        };
        if let Some((attribute, (mut models, mention))) = found {
            // A size is a claim about the model, whichever size was named
            // (`Qwen2 0.5B, 1.5B, 7B`).
            if matches!(attribute, Attribute::Params | Attribute::ActiveParams) {
                for m in models.iter_mut() {
                    m.1 = None;
                }
            }
            let Some(value) = claim_value(text, q, attribute) else {
                continue;
            };
            if models.iter().all(|(m, _)| kb.model(*m).is_checkable()) {
                claims.push(Claim {
                    span: q.span.clone(),
                    models,
                    mention,
                    attribute,
                    value,
                    line: 0,
                });
            }
        }
    }
    let mut claims = merge_by_start(dated, claims);
    // Line numbers by counting newlines between consecutive claims: no index of
    // the whole text for a handful of lookups.
    let bytes = text.as_bytes();
    let (mut line, mut at) = (first_line, within.start.min(bytes.len()));
    for c in &mut claims {
        let start = c.span.start.min(bytes.len()).max(at);
        line += memchr::memchr_iter(b'\n', &bytes[at..start]).count();
        at = start;
        c.line = line;
    }
    claims
}

/// The release-date claims (in mention order) and the others (in quantity
/// order, so already by start) as one list by start: what a stable sort of
/// `dated` then `rest` gives, without moving every claim through a sort.
fn merge_by_start(mut dated: Vec<Claim>, rest: Vec<Claim>) -> Vec<Claim> {
    if dated.is_empty() {
        return rest;
    }
    dated.sort_by_key(|c| c.span.start);
    let mut out = Vec::with_capacity(dated.len() + rest.len());
    let mut rest = rest.into_iter().peekable();
    for d in dated {
        while let Some(r) = rest.next_if(|r| r.span.start < d.span.start) {
            out.push(r);
        }
        out.push(d);
    }
    out.extend(rest);
    out
}

type Subject = (Subjects, Option<Range<usize>>);

fn prose_claim(
    subjects: &subject::Subjects,
    masked: &str,
    q: &Quantity,
    sentence: &crate::markdown::Sentence,
) -> Option<(Attribute, Subject)> {
    let clause = clause_around(masked, &sentence.span, &q.span);
    let attribute = attribute_for(masked, &clause, &sentence.span, q, subjects)?;
    if is_previous_value(masked, &clause, &q.span) {
        return None;
    }
    let subject = subjects.for_sentence(sentence, &clause)?;
    Some((attribute, subject))
}

fn table_claim(
    subjects: &subject::Subjects,
    headers: &mut Headers,
    structure: &Structure,
    masked: &str,
    q: &Quantity,
    (table, row, col): (usize, Option<usize>, usize),
) -> Option<(Attribute, Subject)> {
    let t = structure.tables.get(table)?;
    let row = row?;
    if col == 0 {
        return None;
    }
    let column_header = t.header.get(col)?.clone();
    let row_header = t.rows.get(row)?.first()?.clone();
    let cell = t.rows.get(row)?.get(col)?.clone();
    // A cell listing several values (`60M/7B`) says which sizes were used, not
    // what the model is.
    if subjects.quantities_in(&cell) > 1 {
        return None;
    }
    // Models across the top and attributes down the side, or the other way round.
    for (model_cell, attr_cell) in [(&column_header, &row_header), (&row_header, &column_header)] {
        if let Some(subject) = subjects.single_in(model_cell) {
            let header = masked.get(attr_cell.clone()).unwrap_or("");
            // The same header serves a whole row or column.
            let words = headers.words(attr_cell, header);
            if words.release {
                return dates::as_date(q).map(|_| (Attribute::Released, subject));
            }
            let cell_text = masked.get(cell.clone()).unwrap_or("");
            let attribute = words
                .attribute
                .and_then(|a| refine(a, cell_text, 0, header, q))
                .or_else(|| attribute_for(masked, &cell, attr_cell, q, subjects))?;
            if blocked(&masked[cell.clone()]) {
                return None;
            }
            return Some((attribute, subject));
        }
    }
    None
}

/// The words of the last few header cells asked about: the cells of a row or
/// a column ask about the same header in turn. A handful of entries searched
/// in turn: cheaper than hashing.
#[derive(Default)]
struct Headers {
    entries: Vec<((usize, usize), HeaderWords)>,
    /// The oldest entry, replaced next once all are taken.
    next: usize,
}

impl Headers {
    /// Enough for a table's header cells (one per column and the row's own).
    const SIZE: usize = 16;

    /// `header_words` of the header cell at `range`, whose text is `text`.
    fn words(&mut self, range: &Range<usize>, text: &str) -> HeaderWords {
        let key = (range.start, range.end);
        if let Some((_, w)) = self.entries.iter().find(|(k, _)| *k == key) {
            return *w;
        }
        let w = header_words(text);
        if self.entries.len() < Self::SIZE {
            self.entries.push((key, w));
        } else {
            self.entries[self.next] = (key, w);
            self.next = (self.next + 1) % Self::SIZE;
        }
        w
    }
}

/// What a header cell says about the cells beside or under it.
#[derive(Clone, Copy)]
struct HeaderWords {
    /// It is over release dates.
    release: bool,
    /// The attribute of the first keyword in list order that it contains, if
    /// it has no blocker word.
    attribute: Option<Attribute>,
}

fn header_words(text: &str) -> HeaderWords {
    let attribute = if blocked(text) {
        None
    } else {
        KEYWORD_SET
            .occurrences(text)
            .map(|(_, _, i)| i)
            .min()
            .map(|i| ATTRIBUTE_KEYWORDS[i].1)
    };
    HeaderWords {
        release: RELEASE_SET.any_in(text),
        attribute,
    }
}

/// The end of `at`'s line before it, trimmed as `str::trim_end` would, and at
/// most about `LINE_TAIL` bytes of it: the look-backs below read only the last
/// few characters. What precedes a number on an earlier line says nothing about
/// it, and keeping every look-back on its own line keeps a line's claims
/// independent of other lines (which re-analysing only an edited section relies
/// on). Bounded so that a note on one long line stays linear.
fn line_tail(masked: &str, at: usize) -> &str {
    let trimmed = masked[..at].trim_end_matches(|c: char| c.is_whitespace() && c != '\n');
    if trimmed.is_empty() || trimmed.ends_with('\n') {
        return "";
    }
    let end = trimmed.len();
    let window = &masked[subject::floor_char(masked, end.saturating_sub(LINE_TAIL))..end];
    // The memchr crate's search: `str::rfind` takes a slower generic path.
    let line_start = memchr::memrchr(b'\n', window.as_bytes()).map_or(0, |i| i + 1);
    &window[line_start..]
}

/// Longer than any look-back needs (8 characters of at most 4 bytes).
const LINE_TAIL: usize = 64;

/// `/13B` in `baichuan-7B/13B`, `|7B` in `Gemma-2|7B`: sizes of sibling models
/// listed after a name, not claims about it.
/// `before` is the `line_tail` before the number.
fn is_glued_size_list(masked: &str, before: &str, q: &Range<usize>) -> bool {
    let ends_glued = |before: &str| {
        let b = before.as_bytes();
        let n = b.len();
        n >= 2 && matches!(b[n - 1], b'/' | b'|' | b'-' | b'_') && b[n - 2].is_ascii_alphanumeric()
    };
    // A name hard-wrapped after its dash (`LLAMA-` / `2-13B`): the number opens
    // the line, glued to the end of the one before.
    let wrapped = || {
        // Only the last two bytes count, and neither can be a line break.
        ends_glued(masked[..q.start.saturating_sub(1)].trim_end_matches([' ', '\t', '\r']))
    };
    let at_line_start = q.start == 0 || masked.as_bytes()[q.start - 1] == b'\n';
    let glued = ends_glued(before) || (at_line_start && q.start > 0 && wrapped());
    // `3b)` or `1.` opening a heading or a sentence: an enumeration label.
    let label = masked[q.end..].starts_with([')', '）'])
        && !before.ends_with(['(', '（'])
        && (before.is_empty() || before.ends_with(['\n', '#', ' ']));
    glued || label
}

/// `图 11`, `Table 2`, `第 3 节`: a number that names a figure or a section.
/// `before` is the `line_tail` before the number.
fn is_reference_number(before: &str) -> bool {
    // Compared ASCII-case-insensitively on the bytes, the last byte first: no
    // allocation and little work for a check that runs on every number. (None
    // of the words is longer than the 8 characters the rule looks back.)
    let b = before.as_bytes();
    let Some(last) = b.last().map(u8::to_ascii_lowercase) else {
        return false;
    };
    [
        "图", "表", "第", "figure", "fig.", "table", "section", "sec.", "eq.", "equation", "#",
    ]
    .iter()
    .any(|w| {
        let w = w.as_bytes();
        w[w.len() - 1] == last
            && b.len() >= w.len()
            && b[b.len() - w.len()..].eq_ignore_ascii_case(w)
    })
}

/// The clause around a quantity: the sentence cut at clause punctuation.
fn clause_around(masked: &str, sentence: &Range<usize>, q: &Range<usize>) -> Range<usize> {
    // A `matches!`, not a slice search: this runs on every character of the
    // sentence up to the number.
    let is_cut = |c: char| matches!(c, '，' | ',' | '、' | '+' | '；' | ';' | '：' | ':' | '|');
    let s = &masked[sentence.start.min(q.start)..q.start];
    let start = s
        .char_indices()
        .rev()
        .find(|&(_, c)| is_cut(c))
        .map_or(sentence.start, |(i, c)| sentence.start + i + c.len_utf8());
    let e = &masked[q.end..sentence.end.max(q.end)];
    let end = e
        .char_indices()
        .find(|&(_, c)| is_cut(c))
        .map_or(sentence.end.max(q.end), |(i, _)| q.end + i);
    start..end
}

fn blocked(text: &str) -> bool {
    BLOCKER_SET.any_in(text)
}

/// The attribute of a quantity from its unit word or the nearest keyword in its
/// clause, checked against what the quantity can be.
fn attribute_for(
    masked: &str,
    clause: &Range<usize>,
    wider: &Range<usize>,
    q: &Quantity,
    subjects: &subject::Subjects,
) -> Option<Attribute> {
    let text = masked.get(clause.clone())?;
    let wider = masked.get(wider.clone()).unwrap_or(text);
    // What the quantity alone rules out, before any word search.
    let number = match &q.kind {
        QuantityKind::Number(n) => n,
        QuantityKind::Range(_, n) => n,
        QuantityKind::Date(_) => return None,
    };
    let from_unit = match number.unit {
        Unit::Layers => Some(Attribute::Layers),
        Unit::Heads => Some(Attribute::Heads),
        Unit::Params => Some(Attribute::Params),
        Unit::Documents => Some(Attribute::TrainingDocuments),
        Unit::Percent => return None,
        _ => None,
    };
    if blocked(text) {
        return None;
    }
    // `label: value` (`激活参数：37B`): the label before the colon names the
    // attribute when the value's own clause does not. Looked for only then.
    let from_label = || {
        let l = label_before(masked, clause).filter(|l| !blocked(&masked[l.clone()]))?;
        nearest_keyword(&masked[l.clone()], l.start, &q.span, subjects).map(|a| (a, l))
    };
    let (attr, context) =
        match from_unit.or_else(|| nearest_keyword(text, clause.start, &q.span, subjects)) {
            Some(a) => (a, clause.clone()),
            None => match from_label() {
                Some((a, l)) => (a, l.start..clause.end),
                None => {
                    let a = match (number.unit, number.magnitude) {
                        (Unit::Tokens, _) => Attribute::TrainingTokens,
                        (Unit::Bytes, _) => Attribute::TrainingBytes,
                        (Unit::None, Magnitude::B | Magnitude::M) => Attribute::Params,
                        _ => return None,
                    };
                    (a, clause.clone())
                }
            },
        };
    refine(
        attr,
        &masked[context.clone()],
        q.span.start.saturating_sub(context.start),
        wider,
        q,
    )
}

/// The label of a `label: value` clause: the text from the previous clause cut to
/// the colon just before `clause`.
fn label_before(masked: &str, clause: &Range<usize>) -> Option<Range<usize>> {
    let before = masked.get(..clause.start)?.trim_end_matches([' ', '\t']);
    let colon = before
        .chars()
        .next_back()
        .filter(|c| matches!(c, ':' | '：'))?;
    let end = before.len() - colon.len_utf8();
    // Back to the previous clause cut or the line start, whichever is nearer
    // (never further: a long line stays linear).
    let start = before[..end]
        .char_indices()
        .rev()
        .find(|(_, c)| {
            matches!(
                c,
                '\n' | '，' | ',' | '、' | '+' | '；' | ';' | '：' | ':' | '|'
            )
        })
        .map_or(0, |(i, c)| i + c.len_utf8());
    (start < end).then_some(start..end)
}

/// The keyword nearest to the quantity in the clause, scanning left to right and
/// taking the first (longest) keyword at each position.
fn nearest_keyword(
    text: &str,
    base: usize,
    q: &Range<usize>,
    subjects: &subject::Subjects,
) -> Option<Attribute> {
    let mut best: Option<(usize, Attribute)> = None;
    // A clause holds a handful of keywords: kept on the stack, not in a fresh
    // vector per number.
    let mut inline = [(0, 0, 0); 16];
    let mut spilled = Vec::new();
    let mut n = 0;
    for o in KEYWORD_SET.occurrences(text) {
        if n < inline.len() {
            inline[n] = o;
        } else {
            if spilled.is_empty() {
                spilled.extend_from_slice(&inline);
            }
            spilled.push(o);
        }
        n += 1;
    }
    let found = if spilled.is_empty() {
        &mut inline[..n]
    } else {
        &mut spilled[..]
    };
    // Longer keywords claim their text first (`隐藏层` before `层`).
    found.sort_by_key(|(s, e, _)| (std::cmp::Reverse(e - s), *s));
    // The keywords taken so far are moved to the front: `found[..taken]`.
    let mut taken = 0;
    for i in 0..found.len() {
        let (at, end, k) = found[i];
        if found[..taken].iter().any(|&(s, e, _)| s < end && at < e) {
            continue;
        }
        let span = base + at..base + end;
        // A keyword inside this quantity, or another quantity's unit word.
        if (span.start < q.end && q.start < span.end) || subjects.inside_other_quantity(&span, q) {
            continue;
        }
        found[taken] = found[i];
        taken += 1;
        let dist = if span.end <= q.start {
            q.start - span.end
        } else {
            span.start.saturating_sub(q.end)
        };
        if best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, ATTRIBUTE_KEYWORDS[k].1));
        }
    }
    best.map(|(_, a)| a)
}

/// Adjusts a keyword's attribute to the quantity (data in tokens vs bytes, active
/// parameters) and rejects quantities that cannot be that attribute.
fn refine(
    attr: Attribute,
    clause: &str,
    clause_offset: usize,
    wider: &str,
    q: &Quantity,
) -> Option<Attribute> {
    let (lo_n, hi_n) = match &q.kind {
        QuantityKind::Number(n) => (n, n),
        QuantityKind::Range(a, b) => (a, b),
        QuantityKind::Date(_) => return None,
    };
    let n = hi_n;
    // Looked up only for the data attributes: `wider` is often a whole sentence.
    let has_data_word = || DATA_SET.any_in(wider);
    let attr = match attr {
        Attribute::TrainingTokens
            if n.unit == Unit::None
                && matches!(n.magnitude, Magnitude::B | Magnitude::T | Magnitude::M) =>
        {
            Attribute::TrainingTokens
        }
        Attribute::TrainingBytes | Attribute::TrainingTokens => match n.unit {
            Unit::Tokens => Attribute::TrainingTokens,
            Unit::Bytes => Attribute::TrainingBytes,
            Unit::Documents => Attribute::TrainingDocuments,
            Unit::None if matches!(n.magnitude, Magnitude::G | Magnitude::T | Magnitude::P) => {
                Attribute::TrainingBytes
            }
            _ => return None,
        },
        Attribute::Params | Attribute::ActiveParams if says_active(clause, clause_offset) => {
            Attribute::ActiveParams
        }
        Attribute::ActiveParams => Attribute::Params,
        a => a,
    };
    let v = n.value;
    let integer = v.fract() == 0.0;
    let ok = match attr {
        Attribute::Params | Attribute::ActiveParams => {
            matches!(n.unit, Unit::None | Unit::Params)
                && !matches!(n.magnitude, Magnitude::None | Magnitude::G | Magnitude::P)
                && v >= 1e6
        }
        Attribute::Context => {
            matches!(n.unit, Unit::None | Unit::Tokens)
                && matches!(
                    n.magnitude,
                    Magnitude::None | Magnitude::K | Magnitude::M | Magnitude::Wan
                )
                && (128.0..=1e8).contains(&v)
        }
        // No model has had more than a few hundred layers or heads: `昇腾910`
        // next to `层` is a chip, not a depth.
        Attribute::Layers => {
            matches!(n.unit, Unit::None | Unit::Layers)
                && n.magnitude == Magnitude::None
                && integer
                && (1.0..=300.0).contains(&v)
        }
        Attribute::Hidden => {
            matches!(n.unit, Unit::None)
                && n.magnitude == Magnitude::None
                && integer
                && (64.0..=200_000.0).contains(&v)
        }
        Attribute::Heads | Attribute::KvHeads => {
            matches!(n.unit, Unit::None | Unit::Heads)
                && n.magnitude == Magnitude::None
                && integer
                && (1.0..=512.0).contains(&v)
        }
        Attribute::Vocab => {
            matches!(n.unit, Unit::None)
                && !matches!(
                    n.magnitude,
                    Magnitude::B | Magnitude::G | Magnitude::T | Magnitude::P | Magnitude::Yi
                )
                && (1000.0..=1e7).contains(&v)
        }
        Attribute::TrainingTokens => v >= 1e8 && has_data_word(),
        Attribute::TrainingBytes => v >= 1e6 && has_data_word(),
        Attribute::TrainingDocuments => v >= 1000.0,
        Attribute::Released => false,
    };
    // Both ends of a range must be the same kind of thing.
    let ok = ok && (lo_n.unit == n.unit || lo_n.unit == Unit::None);
    ok.then_some(attr)
}

/// Whether the nearest of `激活/active` and `总/total` to the number is `active`.
fn says_active(clause: &str, digit: usize) -> bool {
    // The nearest of each kind, from one pass over the clause.
    let (mut active, mut total) = (None::<usize>, None::<usize>);
    for (s, e, i) in ACTIVE_OR_TOTAL_SET.occurrences(clause) {
        let d = if e <= digit {
            digit - e
        } else {
            s.saturating_sub(digit)
        };
        let nearest = if i < ACTIVE_WORDS.len() {
            &mut active
        } else {
            &mut total
        };
        *nearest = Some(nearest.map_or(d, |n| n.min(d)));
    }
    match (active, total) {
        (Some(a), Some(t)) => a < t,
        (Some(_), None) => true,
        _ => false,
    }
}

/// `从 512 改为 1024`, `from 18T to 36T`: the first number is a previous value,
/// often another model's, so it makes no claim.
fn is_previous_value(masked: &str, clause: &Range<usize>, q: &Range<usize>) -> bool {
    let before = masked.get(clause.start..q.start).unwrap_or("");
    let after = masked.get(q.end..clause.end).unwrap_or("");
    let before = before.trim_end();
    let from = before.ends_with('从')
        || before.ends_with('由')
        || before.ends_with("的")
        || before
            .get(before.len().saturating_sub(4)..)
            .is_some_and(|w| w.eq_ignore_ascii_case("from"));
    if !from {
        return false;
    }
    let after = after.to_ascii_lowercase();
    [
        "改为",
        "到",
        "增加到",
        "扩展到",
        "提升到",
        "扩展至",
        "增至",
        "变为",
        " to ",
    ]
    .iter()
    .any(|w| after.contains(w))
}

/// The claim's value, with the precision of letter magnitudes made exact to the
/// digits written (`70B` means 69.5–70.5B, not 65–75B).
fn claim_value(text: &str, q: &Quantity, attr: Attribute) -> Option<ClaimValue> {
    if attr == Attribute::Released {
        return dates::as_date(q).map(ClaimValue::Date);
    }
    let written = text.get(q.span.clone()).unwrap_or("");
    match &q.kind {
        QuantityKind::Number(n) => Some(ClaimValue::Number(tighten(n, written, attr))),
        QuantityKind::Range(a, b) => {
            let (left, right) = split_range_text(written);
            Some(ClaimValue::Range(
                Box::new(tighten(a, left, attr)),
                Box::new(tighten(b, right, attr)),
            ))
        }
        QuantityKind::Date(d) => Some(ClaimValue::Date(*d)),
    }
}

fn split_range_text(written: &str) -> (&str, &str) {
    let cut = written
        .char_indices()
        .skip(1)
        .find(|(_, c)| matches!(c, '-' | '–' | '—' | '~' | '～' | '〜' | '－' | '到' | '至'))
        .map(|(i, _)| i);
    match cut {
        Some(i) => (&written[..i], &written[i..]),
        None => (written, written),
    }
}

/// The digits of a written number (`1.17` in `1.17 亿`, `2,304` in `2,304万`).
pub fn leading_digits(written: &str) -> &str {
    let start = written
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(written.len());
    let rest = &written[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(rest.len());
    rest[..end].trim_end_matches(['.', ','])
}

fn tighten(n: &Number, written: &str, attr: Attribute) -> Number {
    let letter = matches!(
        n.magnitude,
        Magnitude::K | Magnitude::M | Magnitude::B | Magnitude::G | Magnitude::T | Magnitude::P
    ) || n.unit == Unit::Bytes;
    if attr == Attribute::Context {
        return n.clone();
    }
    // Powers of 1024 are a context-window habit (128K = 131072), not a data size's.
    let n = &Number {
        binary: None,
        ..n.clone()
    };
    if !letter || n.approx {
        return n.clone();
    }
    let digits = leading_digits(written);
    // Thousands separators are rare: copy only to drop them.
    let digits = match digits.contains(',') {
        true => std::borrow::Cow::Owned(digits.replace(',', "")),
        false => std::borrow::Cow::Borrowed(digits),
    };
    let Ok(shown) = digits.parse::<f64>() else {
        return n.clone();
    };
    if shown <= 0.0 {
        return n.clone();
    }
    let mult = n.value / shown;
    let decimals = digits.split('.').nth(1).map_or(0, |d| d.len()) as i32;
    let half = 0.5 * 10f64.powi(-decimals) * mult;
    Number {
        lo: n.value - half,
        hi: n.value + half,
        ..n.clone()
    }
}
