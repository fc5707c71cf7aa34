//! Names that are almost right. A *stem* is the leading letters of a KB name
//! (`llama` in `Llama 3.1`, `qwen` in `Qwen2.5`). A token whose letters are one
//! edit away from a stem and that then resolves to a KB model is a misspelled
//! mention (`LLamma-1`, `RoBertTa`); a token whose stem is known but whose full
//! name is not is an unknown model (`GPT-6`).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::{valid_boundaries, Mention, MentionForm, MentionMatcher};
use crate::kb::{fold, Kb};

pub(super) struct Stems {
    known: HashSet<String>,
    /// One-deletion neighbourhoods of stems of at least 4 letters.
    deletes: HashMap<String, Vec<String>>,
    /// Folded listed misspellings → the stem they stand for.
    listed: HashMap<String, String>,
    /// Per first letter, a bit per length (63 for longer) of the listed
    /// misspellings: most words of a note are ruled out without hashing.
    listed_shapes: [u64; 256],
}

fn stem_of(folded: &str) -> &str {
    let end = folded
        .find(|c: char| !c.is_ascii_lowercase())
        .unwrap_or(folded.len());
    &folded[..end]
}

impl Stems {
    pub(super) fn new(kb: &Kb) -> Stems {
        let mut known = HashSet::new();
        let mut listed = HashMap::new();
        for m in kb.models() {
            let names = std::iter::once(&m.name).chain(m.aliases.iter());
            for n in names {
                let f = fold(n);
                let s = stem_of(&f);
                if s.len() >= 3 && !m.case_sensitive {
                    known.insert(s.to_string());
                }
            }
            let name_stem = stem_of(&fold(&m.name)).to_string();
            for miss in &m.misspellings {
                let f = fold(miss);
                let s = stem_of(&f);
                if !s.is_empty() && !name_stem.is_empty() {
                    listed.insert(s.to_string(), name_stem.clone());
                }
            }
        }
        let mut listed_shapes = [0u64; 256];
        for l in listed.keys() {
            let first = l.as_bytes()[0];
            listed_shapes[usize::from(first)] |= 1 << l.len().min(63);
        }
        let mut deletes: HashMap<String, Vec<String>> = HashMap::new();
        for s in &known {
            if s.len() < 4 {
                continue;
            }
            for d in one_deletions(s).chain(std::iter::once(s.clone())) {
                deletes.entry(d).or_default().push(s.clone());
            }
        }
        Stems {
            known,
            deletes,
            listed,
            listed_shapes,
        }
    }

    /// Whether `stem` (lower case) is a listed misspelling.
    fn is_listed(&self, stem: &str) -> bool {
        let Some(&first) = stem.as_bytes().first() else {
            return false;
        };
        self.listed_shapes[usize::from(first)] & (1 << stem.len().min(63)) != 0
            && self.listed.contains_key(stem)
    }

    /// The stem a misspelled one stands for, if exactly one is one edit away.
    fn correct(&self, stem: &str) -> Option<String> {
        if let Some(s) = self.listed.get(stem) {
            return Some(s.clone());
        }
        let mut found: Vec<&String> = Vec::new();
        let mut d = String::with_capacity(stem.len());
        // Each one-deletion of `stem` (ASCII), then `stem` itself.
        for i in (0..=stem.len()).rev() {
            d.clear();
            if i < stem.len() {
                d.push_str(&stem[..i]);
                d.push_str(&stem[i + 1..]);
            } else {
                d.push_str(stem);
            }
            for k in self.deletes.get(&d).into_iter().flatten() {
                if !found.contains(&k) && damerau_is_one(stem, k) {
                    found.push(k);
                }
            }
        }
        match found.as_slice() {
            [one] => Some((*one).clone()),
            _ => None,
        }
    }
}

fn one_deletions(s: &str) -> impl Iterator<Item = String> + '_ {
    (0..s.len()).map(move |i| format!("{}{}", &s[..i], &s[i + 1..]))
}

/// Whether two ASCII strings are exactly one insertion, deletion, substitution or
/// adjacent transposition apart.
fn damerau_is_one(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[p..], &b[p..]);
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Greater => ra.len() == rb.len() + 1 && ra[1..] == *rb,
        std::cmp::Ordering::Less => rb.len() == ra.len() + 1 && rb[1..] == *ra,
    }
}

/// Whether `a` and `b` differ by one doubled letter (`llamma`/`llama`).
fn doubling_typo(a: &str, b: &str) -> bool {
    let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
    if long.len() != short.len() + 1 {
        return false;
    }
    let l = long.as_bytes();
    (1..l.len()).any(|i| l[i] == l[i - 1] && long[..i].to_string() + &long[i + 1..] == short)
}

/// A name-like token: ASCII letters, optionally a version (`-1`, `2.5`, `_3`).
struct Token {
    span: Range<usize>,
    letters: Range<usize>,
    /// The version as written, without its separator.
    version: Option<Range<usize>>,
}

/// Every name-like token, in order. Callers check `valid_boundaries` last: it is
/// the dearest test and most tokens fail a cheaper one first.
fn tokens(text: &str) -> impl Iterator<Item = Token> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            if !bytes[i].is_ascii_alphabetic() || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            let letters = start..i;
            let mut end = i;
            let mut version = None;
            let vstart = if i < bytes.len() && matches!(bytes[i], b'-' | b'_') {
                i + 1
            } else {
                i
            };
            if bytes.get(vstart).is_some_and(|c| c.is_ascii_digit()) {
                let mut j = vstart;
                while j < bytes.len()
                    && (bytes[j].is_ascii_digit()
                        || (bytes[j] == b'.'
                            && bytes.get(j + 1).is_some_and(|c| c.is_ascii_digit())))
                {
                    j += 1;
                }
                version = Some(vstart..j);
                end = j;
            }
            i = end.max(start + 1);
            return Some(Token {
                span: start..end,
                letters,
                version,
            });
        }
        None
    })
}

fn overlaps(mentions: &[Mention], span: &Range<usize>) -> bool {
    // Mentions are sorted by start; a linear scan is fine for per-token checks on
    // the short lists a document has, but use binary search to stay linear overall.
    let idx = mentions.partition_point(|m| m.span.end <= span.start);
    mentions.get(idx).is_some_and(|m| m.span.start < span.end)
}

pub(super) fn find(matcher: &MentionMatcher, text: &str, mentions: &[Mention]) -> Vec<Mention> {
    let mut out = Vec::new();
    // One buffer for every token's lower-cased letters: this runs on all prose.
    let mut stem = String::new();
    for t in tokens(text) {
        let letters = &text[t.letters.clone()];
        if letters.len() < 4 {
            continue;
        }
        let uppercase = letters.bytes().filter(|b| b.is_ascii_uppercase()).count();
        // Most words have no version and one capital at most: decided without
        // a lookup unless the lower-cased stem is a listed misspelling.
        let shaped = t.version.is_some() || (letters.len() >= 5 && uppercase >= 2);
        stem.clear();
        stem.push_str(letters);
        stem.make_ascii_lowercase();
        let listed = matcher.fuzzy.is_listed(&stem);
        if !(listed || shaped)
            || matcher.fuzzy.known.contains(&stem)
            || overlaps(mentions, &t.span)
            || !valid_boundaries(text, &t.span)
        {
            continue;
        }
        let Some(right) = matcher.fuzzy.correct(&stem) else {
            continue;
        };
        // Without a version, only the commonest typo: a letter doubled or
        // undoubled (`LLamma`, `RoBertTa`). Other near-names are usually other
        // models (LLaVA, OLMoE) or words (GEMMs, MinMax).
        if !listed && t.version.is_none() && !doubling_typo(&stem, &right) {
            continue;
        }
        let version = t.version.clone().map(|v| &text[v]).unwrap_or("");
        let target = matcher.resolve(&format!("{right}{version}")).or_else(|| {
            version
                .is_empty()
                .then(|| matcher.resolve(&right))
                .flatten()
        });
        let Some(target) = target else {
            continue;
        };
        let model = target.model;
        out.push(Mention {
            span: t.span.clone(),
            model,
            variant: target.variant,
            form: MentionForm::Misspelling,
            group: None,
            correction: Some((t.letters.clone(), display_stem(matcher, model, &right))),
        });
    }
    out
}

/// How the model's own name writes the stem (`LLaMA`, `Llama`, `GPT`).
fn display_stem(matcher: &MentionMatcher, model: crate::kb::ModelId, stem: &str) -> String {
    let name = &matcher.names[model.0 as usize];
    let letters: String = name
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    if letters.eq_ignore_ascii_case(stem) {
        letters
    } else {
        stem.to_string()
    }
}

pub(super) fn unknown(
    matcher: &MentionMatcher,
    text: &str,
    mentions: &[Mention],
) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for t in tokens(text) {
        let Some(version) = t.version.clone() else {
            continue;
        };
        let letters = &text[t.letters.clone()];
        // Most versioned tokens are mentions already: ruled out before the
        // stem is lower-cased and looked up.
        if letters.len() < 3 || overlaps(mentions, &t.span) {
            continue;
        }
        let stem = letters.to_ascii_lowercase();
        if !matcher.fuzzy.known.contains(&stem) || !valid_boundaries(text, &t.span) {
            continue;
        }
        let v = &text[version];
        let major: u32 = v
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or(99);
        if major > 20 {
            continue;
        }
        if matcher.resolve(&format!("{stem}{v}")).is_none() {
            out.push(t.span);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damerau_distance_one() {
        assert!(damerau_is_one("llamma", "llama"));
        assert!(damerau_is_one("qewn", "qwen"));
        assert!(damerau_is_one("qwan", "qwen"));
        assert!(damerau_is_one("robertta", "roberta"));
        assert!(!damerau_is_one("llama", "llama"));
        assert!(!damerau_is_one("lama", "llamma"));
        assert!(!damerau_is_one("gemini", "gemma"));
    }
}
