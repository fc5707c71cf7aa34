//! Names that are almost right. A *stem* is the leading letters of a KB name
//! (`llama` in `Llama 3.1`, `qwen` in `Qwen2.5`). A token whose letters are one
//! edit away from a stem and that then resolves to a KB model is a misspelled
//! mention (`LLamma-1`, `RoBertTa`); a token whose stem is known but whose full
//! name is not is an unknown model (`GPT-6`).

// Fx: keys are short words, looked up once per word of every note.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ops::Range;

use super::{valid_boundaries, Mention, MentionForm, MentionMatcher};
use crate::kb::{fold, Kb};
use crate::text::swar;

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
        let mut known = HashSet::default();
        let mut listed = HashMap::default();
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
        let mut deletes: HashMap<String, Vec<String>> = HashMap::default();
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

    /// Whether a stem of these letters (any case) may be a listed misspelling:
    /// one has its first letter and length. Rules out most words unhashed.
    fn may_be_listed(&self, letters: &[u8]) -> bool {
        let Some(&first) = letters.first() else {
            return false;
        };
        self.listed_shapes[usize::from(first.to_ascii_lowercase())] & (1 << letters.len().min(63))
            != 0
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
#[derive(Debug, PartialEq)]
struct Token {
    span: Range<usize>,
    letters: Range<usize>,
    /// The version as written, without its separator.
    version: Option<Range<usize>>,
}

/// Every name-like token, in order: a run of ASCII letters that does not
/// continue a word (no ASCII letter or digit before it), with its version if
/// one follows. Callers check `valid_boundaries` last: it is the dearest test
/// and most tokens fail a cheaper one first.
fn tokens(text: &str) -> impl Iterator<Item = Token> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || loop {
        // Every byte that is no ASCII letter or digit is passed over (masked
        // text is long runs of spaces, prose is CJK), eight at a time.
        i = next_alphanumeric(bytes, i)?;
        if bytes[i].is_ascii_alphabetic() {
            let t = token_at(bytes, i);
            i = t.span.end;
            // A letter or digit right after a version goes on with the word
            // (`gpt4o`): no token starts inside it.
            if bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                i = word_end(bytes, i);
            }
            return Some(t);
        }
        // A word that starts with a digit holds no token (`7B`, `3rd`).
        i = word_end(bytes, i);
    })
}

/// The tokens of `tokens` that have a version, found from their digits: a
/// digit right after letters, or after letters and `-`/`_`. LN004 only looks
/// at these, and most bytes of a note are not digits.
fn versioned_tokens(text: &str) -> impl Iterator<Item = Token> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || loop {
        let d = next_digit(bytes, i)?;
        i = d + 1;
        let letters_end = if d >= 1 && bytes[d - 1].is_ascii_alphabetic() {
            d
        } else if d >= 2
            && matches!(bytes[d - 1], b'-' | b'_')
            && bytes[d - 2].is_ascii_alphabetic()
        {
            d - 1
        } else {
            continue;
        };
        let start = bytes[..letters_end]
            .iter()
            .rposition(|b| !b.is_ascii_alphabetic())
            .map_or(0, |p| p + 1);
        if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        let t = token_at(bytes, start);
        i = t.span.end;
        return Some(t);
    })
}

/// The token whose letters start at `start` (an ASCII letter).
fn token_at(bytes: &[u8], start: usize) -> Token {
    let mut i = start;
    while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
        i += 1;
    }
    let letters = start..i;
    let vstart = if i < bytes.len() && matches!(bytes[i], b'-' | b'_') {
        i + 1
    } else {
        i
    };
    let mut version = None;
    let mut end = i;
    if bytes.get(vstart).is_some_and(u8::is_ascii_digit) {
        let mut j = vstart;
        while j < bytes.len()
            && (bytes[j].is_ascii_digit()
                || (bytes[j] == b'.' && bytes.get(j + 1).is_some_and(u8::is_ascii_digit)))
        {
            j += 1;
        }
        version = Some(vstart..j);
        end = j;
    }
    Token {
        span: start..end,
        letters,
        version,
    }
}

/// The end of the run of ASCII letters and digits from `i`.
fn word_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
        i += 1;
    }
    i
}

/// The top bit of each byte of `w` that is ASCII and at least `0`: digits,
/// letters and a few signs (`:`, `@`, `_`...), no space, no CJK.
fn ascii_from_zero(w: u64) -> u64 {
    // On the low seven bits, `v + 0x50` sets the top bit exactly when
    // v >= 0x30, and never carries.
    ((w & !swar::HIGH_BITS) + swar::ONES * 0x50) & !w & swar::HIGH_BITS
}

/// The first ASCII letter or digit at or after `i`, eight bytes at a time:
/// half the bytes of the notes are CJK prose or masked blanks, which no
/// token scan looks into. A cheap test flags the candidates, a byte test
/// decides.
fn next_alphanumeric(bytes: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let at = swar::find(bytes, i, ascii_from_zero, |b| (b'0'..0x80).contains(&b))?;
        if bytes[at].is_ascii_alphanumeric() {
            return Some(at);
        }
        i = at + 1;
    }
}

/// The first ASCII digit at or after `i`, sixteen bytes at a time.
fn next_digit(bytes: &[u8], i: usize) -> Option<usize> {
    swar::find(bytes, i, swar::ascii_digits, |b| b.is_ascii_digit())
}

fn overlaps(mentions: &[Mention], span: &Range<usize>) -> bool {
    // Mentions are sorted by start; a linear scan is fine for per-token checks on
    // the short lists a document has, but use binary search to stay linear overall.
    let idx = mentions.partition_point(|m| m.span.end <= span.start);
    mentions.get(idx).is_some_and(|m| m.span.start < span.end)
}

// Not inlined: inside `find_all` its byte loops lose their registers.
#[inline(never)]
pub(super) fn find(matcher: &MentionMatcher, text: &str, mentions: &[Mention]) -> Vec<Mention> {
    let mut out = Vec::new();
    // One buffer for every token's lower-cased letters: this runs on all prose.
    let mut stem = String::new();
    for t in tokens(text) {
        let letters = &text.as_bytes()[t.letters.clone()];
        if letters.len() < 4 {
            continue;
        }
        // Most words have no version and one capital at most: decided without
        // a lookup unless they may be a listed misspelling.
        let may_be_listed = matcher.fuzzy.may_be_listed(letters);
        let shaped = t.version.is_some()
            || (letters.len() >= 5
                && letters
                    .iter()
                    .filter(|b| b.is_ascii_uppercase())
                    .nth(1)
                    .is_some());
        // Most versioned tokens are mentions already: ruled out before the
        // stem is lower-cased and hashed.
        if !(may_be_listed || shaped) || overlaps(mentions, &t.span) {
            continue;
        }
        stem.clear();
        stem.push_str(&text[t.letters.clone()]);
        stem.make_ascii_lowercase();
        let listed = may_be_listed && matcher.fuzzy.listed.contains_key(&stem);
        if !(listed || shaped)
            || matcher.fuzzy.known.contains(&stem)
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
    for t in versioned_tokens(text) {
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

    /// Tokens by their definition, byte by byte: a letter with no ASCII letter
    /// or digit before it starts one; the next search starts after it.
    fn plain_tokens(text: &str) -> Vec<Token> {
        let bytes = text.as_bytes();
        let (mut out, mut i) = (Vec::new(), 0);
        while i < bytes.len() {
            if !bytes[i].is_ascii_alphabetic() || (i > 0 && bytes[i - 1].is_ascii_alphanumeric()) {
                i += 1;
                continue;
            }
            let t = token_at(bytes, i);
            i = t.span.end;
            out.push(t);
        }
        out
    }

    fn check_scanners(text: &str) {
        let plain = plain_tokens(text);
        assert_eq!(tokens(text).collect::<Vec<_>>(), plain, "{text:?}");
        let versioned: Vec<_> = plain.into_iter().filter(|t| t.version.is_some()).collect();
        assert_eq!(
            versioned_tokens(text).collect::<Vec<_>>(),
            versioned,
            "{text:?}"
        );
        let bytes = text.as_bytes();
        for i in 0..=text.len() {
            let plain = bytes[i..].iter().position(u8::is_ascii_digit);
            assert_eq!(next_digit(bytes, i), plain.map(|p| i + p));
            let plain = bytes[i..].iter().position(u8::is_ascii_alphanumeric);
            assert_eq!(next_alphanumeric(bytes, i), plain.map(|p| i + p));
        }
    }

    #[test]
    fn scanners_find_the_tokens_of_the_definition() {
        for text in [
            "",
            "a",
            "GPT-4 and gpt4o, Qwen2.5-7B 与LLaMA-1和LLamma_2。",
            "a1b2 3abc x-1.2.3. y_4.x gpt-4.x abc- abc_ 9",
            "与与与与与与与与abc1与与与与与与与与与与与与x-2",
            "0123456789abcdefghij9876543210ZYX-0",
            "é-1 ü2 mixed中文1 ok",
        ] {
            check_scanners(text);
        }
    }

    /// The candidate test agrees with its byte definition, every byte value
    /// in every position, among neighbours that could carry or borrow.
    #[test]
    fn candidate_test_is_exact_per_byte() {
        for fill in [0u8, b'/', b'0', b'z', 0x7F, 0x80, 0xC1, 0xFF] {
            for pos in 0..8 {
                for b in 0..=255u8 {
                    let mut chunk = [fill; 8];
                    chunk[pos] = b;
                    let flags = ascii_from_zero(u64::from_le_bytes(chunk)).to_le_bytes();
                    for (k, c) in chunk.iter().enumerate() {
                        assert_eq!(flags[k] == 0x80, (b'0'..0x80).contains(c), "{chunk:?}");
                        assert!(flags[k] == 0 || flags[k] == 0x80, "{chunk:?}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn scanners_agree_with_the_definition(text in "[a-cA-C0-2 ._\\-与é@\\[`{zZ，。\u{a0}]{0,70}") {
            check_scanners(&text);
        }
    }
}
