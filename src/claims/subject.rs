//! Which model a number is about: mentions in the sentence, then the clause, then
//! the enclosing list items, then the enclosing headings. A mention used as a point
//! of comparison (`与 GPT1 基本一致`, `than GPT-3`) is never the subject.

use std::ops::Range;

use crate::kb::Kb;
use crate::markdown::{Container, Sentence, Structure};
use crate::mentions::Mention;

use super::Subject;

pub(super) struct Subjects<'a> {
    structure: &'a Structure,
    mentions: &'a [Mention],
    is_reference: Vec<bool>,
}

impl<'a> Subjects<'a> {
    pub(super) fn new(
        kb: &Kb,
        masked: &'a str,
        structure: &'a Structure,
        mentions: &'a [Mention],
    ) -> Subjects<'a> {
        // Generic names (Transformer) and comparison points never carry a number.
        let is_reference = mentions
            .iter()
            .map(|m| kb.model(m.model).generic || is_reference(masked, m))
            .collect();
        Subjects {
            structure,
            mentions,
            is_reference,
        }
    }

    pub(super) fn overlaps_mention(&self, span: &Range<usize>) -> bool {
        let i = self.mentions.partition_point(|m| m.span.end <= span.start);
        self.mentions
            .get(i)
            .is_some_and(|m| m.span.start < span.end)
    }

    pub(super) fn sentence_at(&self, offset: usize) -> Option<&'a Sentence> {
        let s = &self.structure.sentences;
        let i = s.partition_point(|x| x.span.end <= offset);
        s.get(i).filter(|x| x.span.start <= offset)
    }

    /// The distinct subjects among the non-reference mentions inside `range`: a
    /// shorthand group is one subject; one model named with different variants
    /// is one subject without a variant.
    fn subjects_in(&self, range: &Range<usize>) -> Vec<Subject> {
        let lo = self
            .mentions
            .partition_point(|m| m.span.start < range.start);
        let hi = self.mentions.partition_point(|m| m.span.start < range.end);
        let mut out: Vec<(Option<u32>, Subject)> = Vec::new();
        for (i, m) in self.mentions[lo..hi].iter().enumerate() {
            if self.is_reference[lo + i] || m.span.end > range.end {
                continue;
            }
            if let Some(g) = m.group {
                if let Some((_, (models, _))) = out.iter_mut().find(|(og, _)| *og == Some(g)) {
                    models.push((m.model, m.variant));
                    continue;
                }
                out.push((Some(g), (vec![(m.model, m.variant)], Some(m.span.clone()))));
                continue;
            }
            let same = out
                .iter_mut()
                .find(|(g, (models, _))| g.is_none() && models[0].0 == m.model);
            match same {
                Some((_, (models, _))) => {
                    if models[0].1 != m.variant {
                        models[0].1 = None;
                    }
                }
                None => out.push((None, (vec![(m.model, m.variant)], Some(m.span.clone())))),
            }
        }
        out.into_iter().map(|(_, s)| s).collect()
    }

    /// The one subject named in `range`, if exactly one is.
    pub(super) fn single_in(&self, range: &Range<usize>) -> Option<Subject> {
        let mut s = self.subjects_in(range);
        (s.len() == 1).then(|| s.remove(0))
    }

    pub(super) fn for_sentence(
        &self,
        sentence: &Sentence,
        clause: &Range<usize>,
    ) -> Option<Subject> {
        let mut here = self.subjects_in(&sentence.span);
        match here.len() {
            1 => return Some(here.remove(0)),
            0 => {}
            _ => return self.single_in(clause),
        }
        if let Container::ListItem(mut item) = sentence.container {
            loop {
                let li = self.structure.list_items.get(item)?;
                let mut s = self.subjects_in(&li.lead);
                match s.len() {
                    1 => return Some(s.remove(0)),
                    0 => {}
                    _ => return None,
                }
                match li.parent {
                    Some(p) => item = p,
                    None => break,
                }
            }
        }
        let mut heading = sentence.heading;
        while let Some(h) = heading {
            let hd = self.structure.headings.get(h)?;
            let mut s = self.subjects_in(&hd.text_span);
            match s.len() {
                1 => return Some(s.remove(0)),
                0 => {}
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
    let before = masked[start..m.span.start].trim_end();
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
    let with_and = before.ends_with('与') || before.ends_with('和') || before.ends_with('跟');
    if with_and && AFTER.iter().any(|w| after.contains(w)) {
        return true;
    }
    let after_trim = after.trim_start();
    ["的基础上", "基础上"]
        .iter()
        .any(|w| after_trim.starts_with(w))
}

fn floor_char(s: &str, mut i: usize) -> usize {
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
