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
    fn seek<T>(&mut self, items: &[T], before: impl Fn(&T) -> bool) -> usize {
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

/// What `subjects_in` found: how many distinct subjects (at most 3), and the first.
struct Found {
    count: usize,
    first: Option<Subject>,
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
    /// is one subject without a variant. Callers only tell none, one and several
    /// apart, so this counts them (up to 3) and keeps the first: no allocation
    /// for the one-model case, which every number asks about several times.
    fn subjects_in(&self, range: &Range<usize>) -> Found {
        let lo = self
            .mentions
            .partition_point(|m| m.span.start < range.start);
        let hi = self.mentions.partition_point(|m| m.span.start < range.end);
        let mut out: [Option<(Option<u32>, Subject)>; 3] = Default::default();
        let mut n = 0;
        for (i, m) in self.mentions[lo..hi].iter().enumerate() {
            // Three distinct subjects: the range is ambiguous whatever follows.
            if n == out.len() {
                break;
            }
            if self.role(lo + i) != Role::Subject || m.span.end > range.end {
                continue;
            }
            let found = out[..n]
                .iter_mut()
                .flatten()
                .find(|(g, (models, _))| match m.group {
                    Some(_) => *g == m.group,
                    None => g.is_none() && models[0].0 == m.model,
                });
            match (found, m.group) {
                (Some((_, (models, _))), Some(_)) => models.push((m.model, m.variant)),
                (Some((_, (models, _))), None) => {
                    if models[0].1 != m.variant {
                        models[0].1 = None;
                    }
                }
                (None, group) => {
                    let one = Models::One((m.model, m.variant));
                    out[n] = Some((group, (one, Some(m.span.clone()))));
                    n += 1;
                }
            }
        }
        Found {
            count: n,
            first: out[0].take().map(|(_, s)| s),
        }
    }

    /// How many shadows (unknown compound names) and bare family names lie in
    /// `range`.
    fn shadows_in(&self, range: &Range<usize>) -> usize {
        let lo = self.shadows.partition_point(|s| s.start < range.start);
        let hi = self.shadows.partition_point(|s| s.start < range.end);
        let mlo = self
            .mentions
            .partition_point(|m| m.span.start < range.start);
        let mhi = self.mentions.partition_point(|m| m.span.start < range.end);
        let blocking = (mlo..mhi).filter(|&i| self.role(i) == Role::Block).count();
        hi - lo + blocking
    }

    /// The subjects in `range`, and whether an unknown name competes with them.
    fn candidates(&self, range: &Range<usize>) -> (Found, bool) {
        (self.subjects_in(range), self.shadows_in(range) > 0)
    }

    /// The one subject named in `range`, if exactly one is and no unknown name
    /// competes with it.
    pub(super) fn single_in(&self, range: &Range<usize>) -> Option<Subject> {
        match self.candidates(range) {
            (Found { count: 1, first }, false) => first,
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
            (Found { count: 1, first }, false) => return first,
            (Found { count: 0, .. }, false) => {}
            _ => return self.single_in(clause),
        }
        if let Container::ListItem(mut item) = sentence.container {
            loop {
                let li = self.structure.list_items.get(item)?;
                match self.candidates(&li.lead) {
                    (Found { count: 1, first }, false) => return first,
                    (Found { count: 0, .. }, false) => {}
                    _ => return None,
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
                    (Found { count: 1, first }, false) => return first,
                    (Found { count: 0, .. }, false) => {}
                    _ => return None,
                }
            }
        }
        let mut heading = sentence.heading;
        while let Some(h) = heading {
            let hd = self.structure.headings.get(h)?;
            match self.candidates(&hd.text_span) {
                (Found { count: 1, first }, false) => return first,
                (Found { count: 0, .. }, false) => {}
                _ => return None,
            }
            heading = hd.parent;
        }
        None
    }
}

/// A mention introduced as a point of comparison or a base.
fn is_reference(masked: &str, m: &Mention) -> bool {
    const BEFORE: &[&str] = &[
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
    let before = before[before.rfind('\n').map_or(0, |i| i + 1)..].trim_end();
    let before_lower = before.to_ascii_lowercase();
    if BEFORE.iter().any(|w| {
        before_lower.ends_with(w)
            && (!w.is_ascii()
                || before_lower.len() == w.len()
                || !before_lower.as_bytes()[before_lower.len() - w.len() - 1]
                    .is_ascii_alphanumeric())
    }) {
        return true;
    }
    let end = ceil_char(masked, (m.span.end + 18).min(masked.len()));
    let after = &masked[m.span.end..end];
    let after = &after[..after.find('\n').unwrap_or(after.len())];
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
