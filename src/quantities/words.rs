//! Unit words after a number, and approximation / bound words around it.

use super::lex::{at, at_ci, ends_ci, skip_spaces, skip_spaces_back, word_at};
use super::{Bound, Unit};

/// Unit words. ASCII ones match case-insensitively and must end at a word
/// boundary; Chinese ones match exactly. The longest match wins.
const UNITS: &[(&str, Unit)] = &[
    ("tokens", Unit::Tokens),
    ("token", Unit::Tokens),
    ("词元", Unit::Tokens),
    ("bytes", Unit::Bytes),
    ("byte", Unit::Bytes),
    ("字节", Unit::Bytes),
    ("documents", Unit::Documents),
    ("document", Unit::Documents),
    ("docs", Unit::Documents),
    ("doc", Unit::Documents),
    ("web pages", Unit::Documents),
    ("webpages", Unit::Documents),
    ("pages", Unit::Documents),
    ("文档", Unit::Documents),
    ("网页", Unit::Documents),
    ("文章", Unit::Documents),
    ("layers", Unit::Layers),
    ("layer", Unit::Layers),
    ("层", Unit::Layers),
    ("attention heads", Unit::Heads),
    ("heads", Unit::Heads),
    ("head", Unit::Heads),
    ("注意力头", Unit::Heads),
    ("头", Unit::Heads),
    ("parameters", Unit::Params),
    ("parameter", Unit::Params),
    ("params", Unit::Params),
    ("param", Unit::Params),
    ("参数", Unit::Params),
    ("%", Unit::Percent),
    ("％", Unit::Percent),
    ("percent", Unit::Percent),
    ("epochs", Unit::Other),
    ("epoch", Unit::Other),
    ("steps", Unit::Other),
    ("step", Unit::Other),
    ("times", Unit::Other),
    ("hours", Unit::Other),
    ("days", Unit::Other),
    ("years", Unit::Other),
    ("samples", Unit::Other),
    ("examples", Unit::Other),
    ("GPUs", Unit::Other),
    ("GPU", Unit::Other),
    ("次", Unit::Other),
    ("倍", Unit::Other),
    ("步", Unit::Other),
    ("张", Unit::Other),
    ("年", Unit::Other),
    ("天", Unit::Other),
    ("月", Unit::Other),
    ("周", Unit::Other),
    ("小时", Unit::Other),
    ("分钟", Unit::Other),
    ("秒", Unit::Other),
    ("轮", Unit::Other),
    ("维", Unit::Other),
    ("卡", Unit::Other),
    ("块", Unit::Other),
    ("台", Unit::Other),
    ("种", Unit::Other),
    ("项", Unit::Other),
    ("样本", Unit::Other),
    ("美元", Unit::Other),
    ("元", Unit::Other),
    ("人", Unit::Other),
    ("位", Unit::Other),
    ("字", Unit::Other),
    ("词", Unit::Other),
    ("行", Unit::Other),
    ("句", Unit::Other),
];

/// Counter words that may precede a unit word (`个文档`, `篇 文档`, `个token`),
/// and what they mean alone.
const COUNTERS: &[(&str, Unit)] = &[
    ("个", Unit::Other),
    ("篇", Unit::Documents),
    ("条", Unit::Other),
];

fn unit_word_at(b: &[u8], j: usize) -> Option<(Unit, usize)> {
    let first = b.get(j)?.to_ascii_lowercase();
    let mut best: Option<(Unit, usize)> = None;
    // Runs after every number: only the entries starting with the right byte,
    // in list order.
    for &k in &units_by_first_byte()[usize::from(first)] {
        let (pat, unit) = &UNITS[k];
        let p = pat.as_bytes();
        let ok = if p[0].is_ascii_alphabetic() {
            at_ci(b, j, p) && !word_at(b, j + p.len())
        } else {
            at(b, j, p)
        };
        if ok && best.is_none_or_shorter(j + p.len()) {
            best = Some((*unit, j + p.len()));
        }
    }
    best
}

/// Indexes into `UNITS` by the lower-cased first byte of the word.
fn units_by_first_byte() -> &'static [Vec<usize>] {
    static TABLE: std::sync::OnceLock<Vec<Vec<usize>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| index_by_byte(UNITS.iter().map(|(w, _)| *w), <[u8]>::first))
}

/// For each byte value, the indexes (in list order) of the `words` whose
/// `pick`ed byte is that one, ASCII lower-cased: the look-ups that run at every
/// number try only the words that can match.
fn index_by_byte<'a>(
    words: impl Iterator<Item = &'a str>,
    pick: fn(&[u8]) -> Option<&u8>,
) -> Vec<Vec<usize>> {
    let mut t = vec![Vec::new(); 256];
    for (k, w) in words.enumerate() {
        if let Some(&b) = pick(w.as_bytes()) {
            t[usize::from(b.to_ascii_lowercase())].push(k);
        }
    }
    t
}

trait Longest {
    fn is_none_or_shorter(&self, end: usize) -> bool;
}

impl Longest for Option<(Unit, usize)> {
    fn is_none_or_shorter(&self, end: usize) -> bool {
        match self {
            None => true,
            Some((_, e)) => *e < end,
        }
    }
}

/// The unit word after position `i` (up to two spaces in between; `x` only when
/// glued: `3x`), and its end.
pub(super) fn parse_unit(b: &[u8], i: usize) -> Option<(Unit, usize)> {
    if matches!(b.get(i), Some(b'x' | b'X')) && !word_at(b, i + 1) {
        return Some((Unit::Other, i + 1));
    }
    let j = skip_spaces(b, i, 2);
    for (pat, alone) in COUNTERS {
        if at(b, j, pat.as_bytes()) {
            let k = j + pat.len();
            let k2 = skip_spaces(b, k, 1);
            return Some(match unit_word_at(b, k2) {
                Some((Unit::Other, e)) => (*alone, e),
                Some((u, e)) => (u, e),
                None => (*alone, k),
            });
        }
    }
    unit_word_at(b, j)
}

/// Whether a `+` right after a number (the `+` ends just before `k`) means "or
/// more" (`1亿+`, `10B+ 模型`, `10B+。`) rather than joining list items
/// (`671B+MoE`, `7B-65B+预训练`): it does when no letter or ideograph follows.
pub(super) fn plus_is_bound(text: &str, k: usize) -> bool {
    match text.get(k..).and_then(|s| s.chars().next()) {
        None => true,
        Some('+') => false,
        Some(c) => !c.is_alphanumeric(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mod {
    Approx,
    AtLeast,
    AtMost,
}

/// Words before a number, longest first where one is a suffix of another
/// (`不超过` before `超过`, `接近` before `近`).
const BEFORE: &[(&str, Mod)] = &[
    ("不超过", Mod::AtMost),
    ("不少于", Mod::AtLeast),
    ("不低于", Mod::AtLeast),
    ("不高于", Mod::AtMost),
    ("大约", Mod::Approx),
    ("约为", Mod::Approx),
    ("约有", Mod::Approx),
    ("大概", Mod::Approx),
    ("将近", Mod::Approx),
    ("接近", Mod::Approx),
    ("约", Mod::Approx),
    ("近", Mod::Approx),
    ("~", Mod::Approx),
    ("～", Mod::Approx),
    ("〜", Mod::Approx),
    ("≈", Mod::Approx),
    ("approximately", Mod::Approx),
    ("approx.", Mod::Approx),
    ("approx", Mod::Approx),
    ("roughly", Mod::Approx),
    ("around", Mod::Approx),
    ("about", Mod::Approx),
    ("nearly", Mod::Approx),
    ("超过", Mod::AtLeast),
    ("多于", Mod::AtLeast),
    ("大于", Mod::AtLeast),
    ("高于", Mod::AtLeast),
    ("至少", Mod::AtLeast),
    ("more than", Mod::AtLeast),
    ("greater than", Mod::AtLeast),
    ("at least", Mod::AtLeast),
    ("over", Mod::AtLeast),
    (">=", Mod::AtLeast),
    ("≥", Mod::AtLeast),
    (">", Mod::AtLeast),
    ("不到", Mod::AtMost),
    ("不足", Mod::AtMost),
    ("少于", Mod::AtMost),
    ("小于", Mod::AtMost),
    ("低于", Mod::AtMost),
    ("至多", Mod::AtMost),
    ("最多", Mod::AtMost),
    ("less than", Mod::AtMost),
    ("fewer than", Mod::AtMost),
    ("at most", Mod::AtMost),
    ("up to", Mod::AtMost),
    ("under", Mod::AtMost),
    ("<=", Mod::AtMost),
    ("≤", Mod::AtMost),
    ("<", Mod::AtMost),
];

/// Modifiers found around a number.
#[derive(Clone, Copy, Default)]
pub(super) struct Mods {
    pub approx: bool,
    pub bound: Option<Bound>,
}

impl Mods {
    fn add(&mut self, m: Mod) {
        match m {
            Mod::Approx => self.approx = true,
            Mod::AtLeast => self.bound = self.bound.or(Some(Bound::AtLeast)),
            Mod::AtMost => self.bound = self.bound.or(Some(Bound::AtMost)),
        }
    }
}

/// Approximation/bound words ending just before `s` (spaces allowed), looking no
/// further back than `floor`. Up to two stack (`约超过`, `大约 ~`).
pub(super) fn before_mods(b: &[u8], s: usize, floor: usize) -> Mods {
    let mut mods = Mods::default();
    let mut k = s;
    for _ in 0..2 {
        k = skip_spaces_back(b, k, floor, 3);
        let Some(&last) = k.checked_sub(1).and_then(|i| b.get(i)) else {
            break;
        };
        // Only the words ending in that byte, in list order.
        let Some(&(pat, m)) = before_by_last_byte()[usize::from(last.to_ascii_lowercase())]
            .iter()
            .map(|&i| &BEFORE[i])
            .find(|(pat, _)| {
                let p = pat.as_bytes();
                k >= floor + p.len() && ends_ci(b, k, p) && before_ok(b, k - p.len(), p)
            })
        else {
            break;
        };
        mods.add(m);
        k -= pat.len();
    }
    mods
}

/// Indexes into `BEFORE` by the lower-cased last byte of the word: the look-up
/// runs before every number.
fn before_by_last_byte() -> &'static [Vec<usize>] {
    static TABLE: std::sync::OnceLock<Vec<Vec<usize>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| index_by_byte(BEFORE.iter().map(|(w, _)| *w), <[u8]>::last))
}

/// Context checks for a modifier starting at `start`.
fn before_ok(b: &[u8], start: usize, p: &[u8]) -> bool {
    let prev = start.checked_sub(1).and_then(|i| b.get(i)).copied();
    if p[0].is_ascii_alphabetic() {
        // `moreover 5`, `turnover 5`
        return !prev.is_some_and(|c| c.is_ascii_alphabetic());
    }
    if p == "近".as_bytes() {
        // 最近 (recently), 附近 (nearby)
        return !(ends_ci(b, start, "最".as_bytes()) || ends_ci(b, start, "附".as_bytes()));
    }
    if p == b">" {
        // `->`, `=>` arrows; `> 100` at the start of a line is a blockquote.
        if matches!(prev, Some(b'-' | b'=')) {
            return false;
        }
        return !line_start_quote(b, start);
    }
    if p == b"<" {
        return !matches!(b.get(start + 1), Some(b'-' | b'='));
    }
    true
}

/// Only spaces and `>` between the start of the line and `i` (bounded look-back).
fn line_start_quote(b: &[u8], i: usize) -> bool {
    let mut k = i;
    for _ in 0..16 {
        if k == 0 {
            return true;
        }
        match b[k - 1] {
            b'\n' => return true,
            b' ' | b'\t' | b'>' => k -= 1,
            _ => return false,
        }
    }
    false
}

const AFTER: &[(&str, Mod)] = &[
    ("左右", Mod::Approx),
    ("以上", Mod::AtLeast),
    ("以下", Mod::AtMost),
    ("以内", Mod::AtMost),
    ("or more", Mod::AtLeast),
    ("or less", Mod::AtMost),
    ("or fewer", Mod::AtMost),
    ("or so", Mod::Approx),
];

/// A modifier word after the quantity ending at `i` (one space allowed): the
/// modifiers and where it ends.
pub(super) fn after_mods(b: &[u8], i: usize) -> (Mods, usize) {
    let mut mods = Mods::default();
    let j = skip_spaces(b, i, 1);
    for (pat, m) in AFTER {
        let p = pat.as_bytes();
        let end = j + p.len();
        if at_ci(b, j, p) && !(p[0].is_ascii_alphabetic() && (j == i || word_at(b, end))) {
            mods.add(*m);
            return (mods, end);
        }
    }
    (mods, i)
}
