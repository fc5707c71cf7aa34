//! Mentions: where the notes name a model, resolved to a KB entry.
//!
//! One aho-corasick automaton over every folded alias runs over the folded masked
//! text (`fold.rs`); boundaries are checked on the original text, so they work in
//! CJK prose without spaces; the longest valid name wins; shorthand lists
//! (`GPT-1/2`, `Llama-3.1,3.2`) expand to one mention per model (`shorthand.rs`);
//! misspelled family names (`LLamma-1`) resolve through `fuzzy.rs`.

mod fold;
mod fuzzy;
mod shorthand;

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};

use crate::kb::{fold as fold_name, Kb, ModelId};

pub use fold::Folded;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionForm {
    /// The canonical name or a folded variant of it (`GPT2` for `GPT-2`).
    Name,
    /// A listed alias (`通义千问`).
    Alias,
    /// A misspelling (`LLamma-1`): LN005 reports it with `Mention::correction`.
    Misspelling,
    /// The tail of a shorthand list (`2` in `GPT-1/2`).
    Shorthand,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte span in the document (for shorthand, just the version written).
    pub span: Range<usize>,
    pub model: ModelId,
    /// Index into the model's `variants` when the text names one (`GPT-2 XL`).
    pub variant: Option<usize>,
    pub form: MentionForm,
    /// Mentions written as one shorthand list share a group number.
    pub group: Option<u32>,
    /// For misspellings: the span to replace and the canonical spelling.
    pub correction: Option<(Range<usize>, String)>,
}

#[derive(Debug, Clone)]
struct Target {
    model: ModelId,
    variant: Option<usize>,
    form: MentionForm,
    /// For case-sensitive models: the letters and digits as they must be written.
    exact_case: Option<String>,
}

/// The compiled matcher for one KB. Build once per KB, share freely.
pub struct MentionMatcher {
    automaton: Option<DFA>,
    targets: Vec<Target>,
    /// Folded name → index in `targets`, for shorthand and fuzzy resolution.
    exact: HashMap<String, usize>,
    fuzzy: fuzzy::Stems,
    /// Canonical names by model index, for corrections.
    names: Vec<String>,
}

impl MentionMatcher {
    pub fn new(kb: &Kb) -> MentionMatcher {
        let mut patterns: Vec<String> = Vec::new();
        let mut targets: Vec<Target> = Vec::new();
        let mut exact: HashMap<String, usize> = HashMap::default();
        let mut add = |pattern: String, target: Target| {
            if pattern.is_empty() || exact.contains_key(&pattern) {
                // First definition wins; `kb check` reports the collision.
                return;
            }
            exact.insert(pattern.clone(), targets.len());
            patterns.push(pattern);
            targets.push(target);
        };
        for (i, m) in kb.models().iter().enumerate() {
            let model = ModelId(i as u32);
            let mut names: Vec<(&str, MentionForm)> = vec![(&m.name, MentionForm::Name)];
            names.extend(m.aliases.iter().map(|a| (a.as_str(), MentionForm::Alias)));
            let exact_case = |s: &str| {
                m.case_sensitive
                    .then(|| s.chars().filter(|c| c.is_alphanumeric()).collect())
            };
            for (name, form) in &names {
                add(
                    fold_name(name),
                    Target {
                        model,
                        variant: None,
                        form: *form,
                        exact_case: exact_case(name),
                    },
                );
            }
            for (name, form) in &names {
                for (vi, v) in m.variants.iter().enumerate() {
                    for label in std::iter::once(&v.name).chain(v.aliases.iter()) {
                        let full = format!("{name} {label}");
                        add(
                            fold_name(&full),
                            Target {
                                model,
                                variant: Some(vi),
                                form: *form,
                                exact_case: exact_case(&full),
                            },
                        );
                    }
                }
            }
        }
        for amb in &kb.ambiguous {
            // Declared ambiguous: recognised by `kb check`, never resolved here.
            let key = fold_name(&amb.alias);
            if let Some(&t) = exact.get(&key) {
                patterns[t].clear();
            }
        }
        // A DFA: more memory once, the fastest scan over every note. No
        // prefilter: `overlapping_matches` steps through every byte.
        let automaton = DFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(patterns.iter().filter(|p| !p.is_empty()))
            .ok();
        // Patterns were filtered: rebuild the index from automaton ids to targets.
        let kept: Vec<usize> = (0..patterns.len())
            .filter(|&i| !patterns[i].is_empty())
            .collect();
        let targets_by_pattern: Vec<Target> = kept.iter().map(|&i| targets[i].clone()).collect();
        let exact: HashMap<String, usize> = kept
            .iter()
            .enumerate()
            .map(|(new, &old)| (patterns[old].clone(), new))
            .collect();
        let fuzzy = fuzzy::Stems::new(kb);
        MentionMatcher {
            automaton,
            targets: targets_by_pattern,
            exact,
            fuzzy,
            names: kb.models().iter().map(|m| m.name.clone()).collect(),
        }
    }

    /// Every mention in `masked` text, in order, never overlapping. Never panics.
    pub fn find(&self, masked: &str) -> Vec<Mention> {
        self.find_all(masked).0
    }

    /// Mentions, plus *shadows*: places where a known name is glued into a longer
    /// name the KB does not know (`DistilBERT`, `DeBERTa-v3`, `GPT-3.7`). A
    /// shadow is no mention, but it is a model the text talks about, so a number
    /// near it must not be given to another model.
    pub fn find_all(&self, masked: &str) -> (Vec<Mention>, Vec<Range<usize>>) {
        let Some(dfa) = &self.automaton else {
            return (Vec::new(), Vec::new());
        };
        let folded = Folded::new(masked);
        // All candidate matches, then leftmost-longest among the valid ones: a
        // longer name always wins, and a name that fails its boundary check does
        // not hide a shorter valid one at the same place.
        let matches = overlapping_matches(dfa, &folded.bytes);
        let mut candidates: Vec<(Range<usize>, usize, usize)> = Vec::with_capacity(matches.len());
        let mut shadows: Vec<Range<usize>> = Vec::new();
        for (start, end, pattern) in matches {
            let span = folded.original(start, end);
            let target = &self.targets[pattern];
            if let Some(case) = &target.exact_case {
                let written = masked[span.clone()].chars().filter(|c| c.is_alphanumeric());
                if !written.eq(case.chars()) {
                    continue;
                }
            }
            if !valid_boundaries(masked, &span) {
                if masked[span.clone()].bytes().any(|b| b.is_ascii_uppercase()) {
                    shadows.push(span);
                }
                continue;
            }
            candidates.push((span, pattern, end - start));
        }
        candidates.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.2.cmp(&a.2)));
        let mut out: Vec<Mention> = Vec::with_capacity(candidates.len());
        let mut next_group = 0u32;
        let mut covered_to = 0usize;
        for (span, t, _) in candidates {
            if span.start < covered_to {
                continue;
            }
            let target = &self.targets[t];
            covered_to = span.end;
            let head = Mention {
                span: span.clone(),
                model: target.model,
                variant: target.variant,
                form: target.form,
                group: None,
                correction: None,
            };
            let tails = shorthand::expand(self, masked, &head);
            if tails.is_empty() {
                out.push(head);
            } else {
                let group = Some(next_group);
                next_group += 1;
                covered_to = tails.last().map_or(covered_to, |m| m.span.end);
                out.push(Mention { group, ..head });
                out.extend(tails.into_iter().map(|m| Mention { group, ..m }));
            }
        }
        let misspelled = fuzzy::find(self, masked, &out);
        if !misspelled.is_empty() {
            out.extend(misspelled);
            out.sort_by_key(|m| m.span.start);
        }
        // A shadow inside or across an accepted mention is just a shorter name.
        shadows.sort_by_key(|s| s.start);
        shadows.dedup_by(|b, a| b.start < a.end);
        shadows.retain(|s| {
            let i = out.partition_point(|m| m.span.end <= s.start);
            out.get(i).is_none_or(|m| m.span.start >= s.end)
        });
        (out, shadows)
    }

    /// Resolves a folded name exactly (no boundaries, no fuzziness).
    fn resolve(&self, folded: &str) -> Option<&Target> {
        self.exact.get(folded).map(|&i| &self.targets[i])
    }

    /// Name-like tokens (`GPT-6`, `Qwen4`) whose family the KB knows but whose
    /// full name it does not, outside existing mentions. For LN004.
    pub fn unknown_names(&self, masked: &str, mentions: &[Mention]) -> Vec<Range<usize>> {
        fuzzy::unknown(self, masked, mentions)
    }
}

/// Every match of `dfa` in `hay`, overlapping, as (start, end, pattern): by
/// end, then in the automaton's order, as `find_overlapping_iter` yields them.
fn overlapping_matches(dfa: &DFA, hay: &[u8]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let Ok(mut sid) = dfa.start_state(Anchored::No) else {
        return out;
    };
    let mut at = 0;
    while at < hay.len() {
        let (len, next) = to_special_state(dfa, &hay[at..], sid);
        (at, sid) = (at + len, next);
        if dfa.is_dead(sid) {
            break;
        }
        if dfa.is_match(sid) {
            for k in 0..dfa.match_len(sid) {
                let pattern = dfa.match_pattern(sid, k);
                out.push((at - dfa.pattern_len(pattern), at, pattern.as_usize()));
            }
        }
    }
    out
}

/// Runs `dfa` from `sid` over `hay` up to and including the first byte that
/// leads to a special (match or dead) state: (bytes read, state reached). A
/// function of its own that calls nothing, so the loop over every byte of a
/// note keeps its variables in registers.
/// Eight bytes a round: the loop's own bookkeeping is paid once per round.
#[inline(never)]
fn to_special_state(dfa: &DFA, hay: &[u8], mut sid: StateID) -> (usize, StateID) {
    let mut rounds = hay.chunks_exact(8);
    let mut at = 0;
    for round in rounds.by_ref() {
        for (k, &b) in round.iter().enumerate() {
            sid = dfa.next_state(Anchored::No, sid, b);
            if dfa.is_special(sid) {
                return (at + k + 1, sid);
            }
        }
        at += 8;
    }
    for (k, &b) in rounds.remainder().iter().enumerate() {
        sid = dfa.next_state(Anchored::No, sid, b);
        if dfa.is_special(sid) {
            return (at + k + 1, sid);
        }
    }
    (hay.len(), sid)
}

/// A name must not continue a longer word on either side. On the left: no ASCII
/// letter or digit, and no `-`/`_` joining it to a previous word
/// (`Sentence-BERT`). On the right: no ASCII letter or digit, and no version
/// continuation (`.5` after `Qwen2`, `-1` after `GPT`).
fn valid_boundaries(text: &str, span: &Range<usize>) -> bool {
    let bytes = text.as_bytes();
    if span.start > 0 {
        let p = bytes[span.start - 1];
        if p.is_ascii_alphanumeric() {
            return false;
        }
        if (p == b'-' || p == b'_' || p == b'.')
            && span.start >= 2
            && bytes[span.start - 2].is_ascii_alphanumeric()
        {
            return false;
        }
    }
    if let Some(&n) = bytes.get(span.end) {
        if n.is_ascii_alphanumeric() {
            return false;
        }
        let after = &bytes[span.end + 1..];
        let ends_in_letter = span.end > span.start && bytes[span.end - 1].is_ascii_alphabetic();
        match n {
            // `Qwen2` in `Qwen2.5`; `llama` in `llama.cpp`.
            b'.' if after.first().is_some_and(|c| c.is_ascii_alphanumeric()) => return false,
            // `-5` continues a version, `-175B` is a size, `-v3` a newer version.
            b'-' | b'_'
                if after.first().is_some_and(|c| c.is_ascii_digit()) && !is_size_suffix(after) =>
            {
                return false;
            }
            b'-' | b'_' | b' ' if is_v_version(after) => return false,
            // `Llama 3.2` when only `Llama` is known: the name goes on.
            b' ' if ends_in_letter && is_version_token(after) => return false,
            _ => {}
        }
    }
    true
}

/// `v3`, `V2` (a version written after a name).
fn is_v_version(rest: &[u8]) -> bool {
    matches!(rest.first(), Some(b'v' | b'V'))
        && rest.get(1).is_some_and(|c| c.is_ascii_digit())
        && !rest[1..]
            .iter()
            .find(|c| !c.is_ascii_digit() && **c != b'.')
            .is_some_and(|c| c.is_ascii_alphabetic())
}

/// A version number that continues a name: `3.2`, `2-7`, `3|...` — digits
/// followed by `.`digit, `-`, `|` or `/`, and not a size (`65B`) or a count.
fn is_version_token(rest: &[u8]) -> bool {
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || is_size_suffix(rest) {
        return false;
    }
    match rest.get(digits) {
        Some(b'.') => rest.get(digits + 1).is_some_and(|c| c.is_ascii_digit()),
        Some(b'-' | b'|' | b'/') => true,
        // `Olmo 3 7B`: a version, then a size.
        Some(b' ') => {
            let next = &rest[digits..];
            let skip = next.iter().take_while(|c| **c == b' ').count();
            is_size_suffix(&next[skip..])
        }
        _ => false,
    }
}

/// Whether `rest` starts with a model size like `175B`, `1.5B`, `350M`, `8x7B`.
fn is_size_suffix(rest: &[u8]) -> bool {
    // A size or a list of sizes sharing a unit: `175B`, `1.5B`, `8x7B`, `7|13|70B`.
    let digits = rest
        .iter()
        .take_while(|c| c.is_ascii_digit() || matches!(c, b'.' | b'x' | b'|' | b'/'))
        .count();
    digits > 0
        && rest[0].is_ascii_digit()
        && rest
            .get(digits)
            .is_some_and(|c| matches!(c, b'B' | b'b' | b'M' | b'm' | b'K' | b'k' | b'T'))
        && !rest
            .get(digits + 1)
            .is_some_and(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests;
