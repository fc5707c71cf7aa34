//! Release-date claims: `GPT2（2019）`, `LLama2（2023.07.18）`, `Transformer - 2017`,
//! `2018年6月份GPT-1发布`, `2019年推出的GPT-2`, `GPT-2, released in February 2019`.

use crate::kb::{Attribute, Kb};
use crate::mentions::{Mention, MentionForm};
use crate::quantities::{Date, Magnitude, Quantity, QuantityKind, Unit};

use super::subject::Cursor;
use super::{Claim, ClaimValue};

const VERBS: &[&str] = &[
    "发布",
    "推出",
    "问世",
    "发表",
    "开源",
    "提出",
    "上线",
    "released",
    "launched",
    "introduced",
    "announced",
    "published",
    "unveiled",
];

pub(super) fn release_claims(
    kb: &Kb,
    masked: &str,
    mentions: &[Mention],
    quantities: &[Quantity],
    used: &mut [bool],
) -> Vec<Claim> {
    let mut out = Vec::new();
    // Mentions come in order: the quantities before and after each are found
    // by walking forward, not by two binary searches per mention.
    let (mut before, mut after) = (Cursor::default(), Cursor::default());
    for m in mentions {
        if m.form == MentionForm::Shorthand || !kb.model(m.model).is_checkable() {
            continue;
        }
        let next = skip_spaces(masked, m.span.end);
        let found = parenthesised(masked, next, quantities)
            .or_else(|| dashed(masked, next, quantities))
            .or_else(|| {
                let i = before.seek(quantities, |q| q.span.end <= m.span.start);
                date_then_verb(masked, m, quantities, i)
            })
            .or_else(|| {
                let i = after.seek(quantities, |q| q.span.start < m.span.end);
                released_in(masked, m, quantities, i)
            });
        let Some((qi, date)) = found else {
            continue;
        };
        if used[qi] {
            continue;
        }
        used[qi] = true;
        out.push(Claim {
            span: quantities[qi].span.clone(),
            models: super::Subjects::One((m.model, m.variant)),
            mention: Some(m.span.clone()),
            attribute: Attribute::Released,
            value: ClaimValue::Date(date),
            line: 0,
        });
    }
    out
}

/// A date, or a bare year written as a number.
pub(super) fn as_date(q: &Quantity) -> Option<Date> {
    match &q.kind {
        QuantityKind::Date(d) => Some(*d),
        QuantityKind::Number(n)
            if n.unit == Unit::None
                && n.magnitude == Magnitude::None
                && n.value.fract() == 0.0
                && (1940.0..=2040.0).contains(&n.value) =>
        {
            Some(Date {
                year: n.value as i32,
                month: None,
                day: None,
            })
        }
        _ => None,
    }
}

fn quantity_at(quantities: &[Quantity], start: usize) -> Option<usize> {
    let i = quantities.partition_point(|q| q.span.start < start);
    quantities
        .get(i)
        .filter(|q| q.span.start == start)
        .map(|_| i)
}

fn skip_spaces(s: &str, i: usize) -> usize {
    i + s[i..].len()
        - s[i..]
            .trim_start_matches([' ', '\t', '\u{3000}', '*'])
            .len()
}

/// `Name（2019）`, `Name (2023.07.18)`; `i` is where the text after the name
/// resumes past spaces.
fn parenthesised(masked: &str, mut i: usize, qs: &[Quantity]) -> Option<(usize, Date)> {
    let open = masked[i..].chars().next()?;
    if open != '(' && open != '（' {
        return None;
    }
    i = skip_spaces(masked, i + open.len_utf8());
    let qi = quantity_at(qs, i)?;
    let date = as_date(&qs[qi])?;
    let j = skip_spaces(masked, qs[qi].span.end);
    let close = masked[j..].chars().next()?;
    matches!(close, ')' | '）' | ',' | '，').then_some((qi, date))
}

/// `Transformer - 2017` at the end of a line; `i` as in `parenthesised`.
fn dashed(masked: &str, mut i: usize, qs: &[Quantity]) -> Option<(usize, Date)> {
    let dash = masked[i..].chars().next()?;
    if !matches!(dash, '-' | '–' | '—') {
        return None;
    }
    i = skip_spaces(masked, i + dash.len_utf8());
    let qi = quantity_at(qs, i)?;
    let date = as_date(&qs[qi])?;
    let rest = &masked[qs[qi].span.end..];
    let line_end = memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len());
    rest[..line_end].trim().is_empty().then_some((qi, date))
}

/// `2018年6月份GPT-1发布`, `2019年推出的GPT-2`, `2022年，OpenAI推出了InstructGPT`.
/// `i`: the first quantity that does not end before the mention.
fn date_then_verb(masked: &str, m: &Mention, qs: &[Quantity], i: usize) -> Option<(usize, Date)> {
    let qi = i.checked_sub(1)?;
    let q = &qs[qi];
    if !matches!(q.kind, QuantityKind::Date(_)) {
        return None;
    }
    let date = as_date(q)?;
    let between = masked.get(q.span.end..m.span.start)?;
    // A date and a name on different lines are not one statement.
    if memchr::memchr(b'\n', between.as_bytes()).is_some() {
        return None;
    }
    let between: String = between.split_whitespace().collect();
    let between = between.trim_start_matches(['份', '，', ',']);
    if between.chars().count() > 14
        || between
            .chars()
            .any(|c| c.is_ascii_digit() || "。；;！？".contains(c))
    {
        return None;
    }
    let verb_before = VERBS.iter().any(|v| {
        let b = between.trim_end_matches(['了', '的']);
        b.to_ascii_lowercase().ends_with(v)
    });
    if verb_before {
        return Some((qi, date));
    }
    if between.is_empty() || between == "的" {
        let after_end = (m.span.end + 12).min(masked.len());
        let mut e = after_end;
        while !masked.is_char_boundary(e) {
            e -= 1;
        }
        let after = &masked[m.span.end..e];
        let after = &after[..after.find('\n').unwrap_or(after.len())];
        let after: String = after.split_whitespace().collect();
        let after = after.trim_start_matches("模型");
        if VERBS.iter().any(|v| after.starts_with(v)) {
            return Some((qi, date));
        }
    }
    None
}

/// `GPT-2, released in February 2019`, `GPT-4 发布于 2023.03.14`.
/// `qi`: the first quantity that starts after the mention's end.
fn released_in(masked: &str, m: &Mention, qs: &[Quantity], qi: usize) -> Option<(usize, Date)> {
    let q = qs.get(qi)?;
    if !matches!(q.kind, QuantityKind::Date(_)) {
        return None;
    }
    let between = masked.get(m.span.end..q.span.start)?;
    if memchr::memchr(b'\n', between.as_bytes()).is_some() {
        return None;
    }
    let between = between.trim().to_ascii_lowercase();
    let between = between.trim_start_matches([',', '，', '(', '（']).trim();
    const FORMS: &[&str] = &[
        "released in",
        "released on",
        "was released in",
        "was released on",
        "launched in",
        "launched on",
        "introduced in",
        "announced in",
        "announced on",
        "released",
        "发布于",
        "推出于",
        "发布时间",
        "发布时间为",
        "发布于",
        "于",
    ];
    FORMS
        .iter()
        .any(|f| between == *f || between.strip_suffix('：') == Some(*f))
        .then(|| as_date(q).map(|d| (qi, d)))
        .flatten()
}
