//! Which model a number is about: mentions in the sentence, then the clause, then
//! the enclosing list items, then the enclosing headings. A mention used as a point
//! of comparison (`与 GPT1 基本一致`, `than GPT-3`) is never the subject.

use std::ops::Range;

use crate::kb::Kb;
use crate::markdown::{Container, Sentence, Structure};
use crate::mentions::Mention;

use super::{Subject, Subjects as Models};

/// A position in a sorted slice that later look-ups start from: what
/// `partition_point(before)` gives, found by a binary search the first time
/// and by walking forward after that, for look-ups that come in order.
#[derive(Default)]
pub(super) struct Cursor(Option<usize>);

impl Cursor {
    pub(super) fn seek<T>(&mut self, items: &[T], before: impl Fn(&T) -> bool) -> usize {
        let i = match self.0 {
            // Not in order after all: search afresh.
            Some(i) if i <= items.len() && (i == 0 || before(&items[i - 1])) => {
                let mut i = i;
                while i < items.len() && before(&items[i]) {
                    i += 1;
                }
                i
            }
            _ => items.partition_point(before),
        };
        self.0 = Some(i);
        i
    }
}

/// What a range names: no subject, exactly one, or more than one (or an unknown
/// name competing with one). Callers only tell these three apart.
enum Candidates {
    None,
    One(Subject),
    Several,
}

pub(super) struct Subjects<'a> {
    masked: &'a str,
    structure: &'a Structure,
    mentions: &'a [Mention],
    shadows: &'a [Range<usize>],
    quantities: &'a [crate::quantities::Quantity],
    kb: &'a Kb,
    /// Each mention's role, worked out when first asked for (a section's claims
    /// ask about a few mentions of a long note).
    role: Vec<std::cell::Cell<Option<Role>>>,
}

/// What a mention can be for a number near it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A candidate subject.
    Subject,
    /// A point of comparison or a generic word: as if absent.
    Ignore,
    /// A bare family name (`Qwen`, `Llama`): never the subject, but it makes the
    /// subject uncertain.
    Block,
}

impl<'a> Subjects<'a> {
    pub(super) fn new(
        kb: &'a Kb,
        masked: &'a str,
        structure: &'a Structure,
        mentions: &'a [Mention],
        shadows: &'a [Range<usize>],
        quantities: &'a [crate::quantities::Quantity],
    ) -> Subjects<'a> {
        Subjects {
            masked,
            structure,
            mentions,
            shadows,
            quantities,
            kb,
            role: vec![std::cell::Cell::new(None); mentions.len()],
        }
    }

    /// Generic names (Transformer), bare family names (`Qwen` where Qwen2,
    /// Qwen3... exist) and comparison points never carry a number.
    fn role(&self, i: usize) -> Role {
        if let Some(r) = self.role[i].get() {
            return r;
        }
        let (kb, masked, m) = (self.kb, self.masked, &self.mentions[i]);
        let r = if kb.model(m.model).generic || is_reference(masked, m) {
            Role::Ignore
        } else if is_bare_family(kb, masked, m) || unknown_size_after(masked, m) {
            Role::Block
        } else {
            Role::Subject
        };
        self.role[i].set(Some(r));
        r
    }

    /// Whether `span` overlaps a mention. `from` is where the search starts
    /// (0 at first) and is left for the next call: spans asked about in order
    /// are found by walking, not by a binary search each (one per number).
    pub(super) fn overlaps_mention(&self, span: &Range<usize>, from: &mut Cursor) -> bool {
        let i = from.seek(self.mentions, |m| m.span.end <= span.start);
        self.mentions
            .get(i)
            .is_some_and(|m| m.span.start < span.end)
    }

    /// The sentence holding `offset`; `from` as in `overlaps_mention`.
    pub(super) fn sentence_at(&self, offset: usize, from: &mut Cursor) -> Option<&'a Sentence> {
        let s = &self.structure.sentences;
        let i = from.seek(s, |x| x.span.end <= offset);
        s.get(i).filter(|x| x.span.start <= offset)
    }

    /// The distinct subjects among the non-reference mentions inside `range`: a
    /// shorthand group is one subject; one model named with different variants
    /// is one subject without a variant. A shadow (unknown compound name) or a
    /// bare family name starting in `range` competes with any subject. Stops at
    /// the first sign of a second subject: every number asks this several
    /// times, and no allocation is needed for the one-model case.
    fn candidates(&self, range: &Range<usize>) -> Candidates {
        let s = self.shadows.partition_point(|s| s.start < range.start);
        if self.shadows.get(s).is_some_and(|s| s.start < range.end) {
            return Candidates::Several;
        }
        let lo = self
            .mentions
            .partition_point(|m| m.span.start < range.start);
        let mut first: Option<(Option<u32>, Subject)> = None;
        for (i, m) in self.mentions[lo..].iter().enumerate() {
            if m.span.start >= range.end {
                break;
            }
            match self.role(lo + i) {
                Role::Block => return Candidates::Several,
                Role::Ignore => continue,
                Role::Subject if m.span.end > range.end => continue,
                Role::Subject => {}
            }
            let Some((g, (models, _))) = &mut first else {
                let one = Models::One((m.model, m.variant));
                first = Some((m.group, (one, Some(m.span.clone()))));
                continue;
            };
            match m.group {
                Some(_) if *g == m.group => models.push((m.model, m.variant)),
                None if g.is_none() && models[0].0 == m.model => {
                    if models[0].1 != m.variant {
                        models[0].1 = None;
                    }
                }
                _ => return Candidates::Several,
            }
        }
        match first {
            Some((_, subject)) => Candidates::One(subject),
            None => Candidates::None,
        }
    }

    /// The one subject named in `range`, if exactly one is and no unknown name
    /// competes with it.
    pub(super) fn single_in(&self, range: &Range<usize>) -> Option<Subject> {
        match self.candidates(range) {
            Candidates::One(subject) => Some(subject),
            _ => None,
        }
    }

    /// Whether `span` overlaps a quantity other than `own` (its unit words).
    pub(super) fn inside_other_quantity(&self, span: &Range<usize>, own: &Range<usize>) -> bool {
        let i = self
            .quantities
            .partition_point(|q| q.span.end <= span.start);
        self.quantities[i..]
            .iter()
            .take_while(|q| q.span.start < span.end)
            .any(|q| q.span != *own)
    }

    /// The part of `sentence`'s paragraph before it: the earlier sentences with no
    /// blank line between them.
    fn paragraph_before(&self, sentence: &Sentence) -> Option<Range<usize>> {
        let all = &self.structure.sentences;
        let i = all.partition_point(|x| x.span.start < sentence.span.start);
        let mut first = i;
        // Three sentences back at most: a pronoun refers to what was just said,
        // and a paragraph that is one long line must not cost a walk per number.
        while first > 0 && i - first < 3 {
            let prev = &all[first - 1];
            let next_start = all[first].span.start;
            let gap = self.masked.get(prev.span.end..next_start).unwrap_or("\n\n");
            if prev.container != Container::Paragraph || gap.matches('\n').count() >= 2 {
                break;
            }
            first -= 1;
        }
        (first < i).then(|| all[first].span.start..sentence.span.start)
    }

    /// How many quantities start inside `range`.
    pub(super) fn quantities_in(&self, range: &Range<usize>) -> usize {
        let lo = self
            .quantities
            .partition_point(|q| q.span.start < range.start);
        let hi = self
            .quantities
            .partition_point(|q| q.span.start < range.end);
        hi - lo
    }

    pub(super) fn for_sentence(
        &self,
        sentence: &Sentence,
        clause: &Range<usize>,
    ) -> Option<Subject> {
        match self.candidates(&sentence.span) {
            Candidates::One(subject) => return Some(subject),
            Candidates::None => {}
            Candidates::Several => return self.single_in(clause),
        }
        if let Container::ListItem(mut item) = sentence.container {
            loop {
                let li = self.structure.list_items.get(item)?;
                match self.candidates(&li.lead) {
                    Candidates::One(subject) => return Some(subject),
                    Candidates::None => {}
                    Candidates::Several => return None,
                }
                match li.parent {
                    Some(p) => item = p,
                    None => break,
                }
            }
        }
        if sentence.container == Container::Paragraph {
            // `… Llama 3.3 was introduced. Its training data is 15T tokens.`: an
            // earlier sentence of the same paragraph names the subject.
            if let Some(earlier) = self.paragraph_before(sentence) {
                match self.candidates(&earlier) {
                    Candidates::One(subject) => return Some(subject),
                    Candidates::None => {}
                    Candidates::Several => return None,
                }
            }
        }
        let mut heading = sentence.heading;
        while let Some(h) = heading {
            let hd = self.structure.headings.get(h)?;
            match self.candidates(&hd.text_span) {
                Candidates::One(subject) => return Some(subject),
                Candidates::None => {}
                Candidates::Several => return None,
            }
            heading = hd.parent;
        }
        None
    }
}

/// A mention introduced as a point of comparison or a base.
/// Words that introduce a point of comparison or a base.
const BEFORE_WORDS: &[&str] = &[
    "由",
    "比",
    "较",
    "相比",
    "相比于",
    "对比",
    "类似",
    "类似于",
    "基于",
    "继承",
    "沿用",
    "不同于",
    "区别于",
    "than",
    "like",
    "versus",
    "vs",
    "vs.",
    "compared to",
    "compared with",
    "based on",
    "unlike",
    "over",
    "from",
];

fn is_reference(masked: &str, m: &Mention) -> bool {
    const AFTER: &[&str] = &[
        "相比",
        "一致",
        "类似",
        "相同",
        "一样",
        "不同",
        "区别",
        "对比",
        "基础上",
        "的基础",
    ];
    let start = floor_char(masked, m.span.start.saturating_sub(18));
    // Only the mention's own line: a heading `对比` above a list is no comparison.
    let before = &masked[start..m.span.start];
    // A byte loop over these 18 bytes, not a memchr: cheaper at this length.
    let line_start = before
        .bytes()
        .rposition(|b| b == b'\n')
        .map_or(0, |i| i + 1);
    let before = before[line_start..].trim_end();
    // Compared ASCII-case-insensitively in place (the words are lower case): no
    // lowered copy for a check that runs on every mention near a number.
    let b = before.as_bytes();
    let last = b.last().map(u8::to_ascii_lowercase);
    if BEFORE_WORDS.iter().any(|w| {
        Some(w.as_bytes()[w.len() - 1]) == last
            && b.len() >= w.len()
            && b[b.len() - w.len()..].eq_ignore_ascii_case(w.as_bytes())
            && (!w.is_ascii()
                || b.len() == w.len()
                || !b[b.len() - w.len() - 1].is_ascii_alphanumeric())
    }) {
        return true;
    }
    let end = ceil_char(masked, (m.span.end + 18).min(masked.len()));
    let after = &masked[m.span.end..end];
    let after = &after[..after
        .bytes()
        .position(|b| b == b'\n')
        .unwrap_or(after.len())];
    let with_and = before.ends_with('与') || before.ends_with('和') || before.ends_with('跟');
    if with_and && AFTER.iter().any(|w| after.contains(w)) {
        return true;
    }
    let after_trim = after.trim_start();
    ["的基础上", "基础上"]
        .iter()
        .any(|w| after_trim.starts_with(w))
}

pub(super) fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Stems (`qwen`, `llama`, `gemma`) that some KB name continues with a version.
/// A mention written as a bare family name (`Qwen`, `Llama`), which notes use for
/// the whole family as often as for its first model.
fn is_bare_family(kb: &Kb, masked: &str, m: &Mention) -> bool {
    let Some(written) = masked.get(m.span.clone()) else {
        return false;
    };
    // Only letters and separators can fold to a stem; most mentions have digits.
    if !written
        .chars()
        .all(|c| c.is_ascii_alphabetic() || crate::kb::is_fold_separator(c))
    {
        return false;
    }
    kb.is_versioned_stem(&crate::kb::fold(written))
}

/// `StarCoder-13B` where the KB knows no 13B StarCoder: a size the KB would have
/// bound as a variant if it knew it, so the note talks about another model.
fn unknown_size_after(masked: &str, m: &Mention) -> bool {
    if m.variant.is_some() {
        return false;
    }
    let rest = masked.get(m.span.end..).unwrap_or("");
    let rest = rest.strip_prefix(['-', '_', ' ']).unwrap_or("");
    let digits = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    digits > 0
        && rest[digits..].starts_with(['B', 'b', 'M', 'm'])
        && !rest[digits + 1..]
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::kb::ModelId;
    use crate::mentions::{Mention, MentionForm};

    /// The comparison words before a mention as first written: on a lowered copy.
    fn plain_word_before(before: &str) -> bool {
        let lower = before.to_ascii_lowercase();
        super::BEFORE_WORDS.iter().any(|w| {
            lower.ends_with(w)
                && (!w.is_ascii()
                    || lower.len() == w.len()
                    || !lower.as_bytes()[lower.len() - w.len() - 1].is_ascii_alphanumeric())
        })
    }

    proptest! {
        /// `is_reference` compares in place, last byte first: the same verdict
        /// as on a lowered copy, for mentions after text mixing cases, CJK
        /// comparison words and line breaks.
        #[test]
        fn comparison_words_match_the_plain_definition(
            before in "[a-zA-Z .\n由比较相对于基与和]{0,12}",
            tail in prop::sample::select(vec!["", "Than ", "VS", "vs. ", "Compared to ", "over", "相比于", "xfrom ", "Based On "]),
        ) {
            let text = format!("{before}{tail}GPT 一致");
            let start = text.len() - "GPT 一致".len();
            let m = Mention {
                span: start..start + 3,
                model: ModelId(0),
                variant: None,
                form: MentionForm::Name,
                group: None,
                correction: None,
            };
            let line = &text[..start];
            let from = super::floor_char(&text, start.saturating_sub(18));
            let line = &line[from..];
            let line = line[line.rfind('\n').map_or(0, |i| i + 1)..].trim_end();
            if plain_word_before(line) {
                prop_assert!(super::is_reference(&text, &m));
            } else {
                // Otherwise only the words after the mention could make it one.
                let with_and = line.ends_with('与') || line.ends_with('和');
                prop_assert_eq!(super::is_reference(&text, &m), with_and);
            }
        }
    }
}
