//! Whether a claimed value agrees with KB facts, and how to write the KB value the
//! way the note wrote its own (`45GB` → `40GB`, `1321` → `128K`, `70B` → `67B`).

use crate::claims::{leading_digits, ClaimValue};
use crate::facts::display_value;
use crate::kb::{Attribute, Fact, FactValue, KbDate};
use crate::quantities::{Bound, Date, Number};

const EPS: f64 = 1e-9;

fn in_interval(v: f64, lo: f64, hi: f64) -> bool {
    let tol = EPS * v.abs().max(1.0);
    v >= lo - tol && v <= hi + tol
}

/// Whether one KB value satisfies a claimed number.
pub fn number_accepts(n: &Number, v: f64) -> bool {
    match n.bound {
        Bound::AtLeast => v >= n.lo * (1.0 - EPS),
        Bound::AtMost => v <= n.hi * (1.0 + EPS),
        Bound::Exact => {
            in_interval(v, n.lo, n.hi) || n.binary.is_some_and(|(lo, hi)| in_interval(v, lo, hi))
        }
    }
}

fn fact_numbers(f: &Fact) -> impl Iterator<Item = f64> + '_ {
    f.accepted_values().filter_map(|v| v.as_number())
}

/// Whether a claimed value agrees with the facts (any variant, any alternate).
/// `None` when there is nothing to compare with.
pub fn agrees(value: &ClaimValue, facts: &[&Fact]) -> Option<bool> {
    if facts.is_empty() {
        return None;
    }
    match value {
        ClaimValue::Number(n) => Some(
            facts
                .iter()
                .any(|f| fact_numbers(f).any(|v| number_accepts(n, v))),
        ),
        ClaimValue::Range(a, b) => {
            let primary = |f: &&Fact| f.value.as_number().unwrap_or(f64::NAN);
            let min = facts
                .iter()
                .min_by(|x, y| primary(x).total_cmp(&primary(y)))?;
            let max = facts
                .iter()
                .max_by(|x, y| primary(x).total_cmp(&primary(y)))?;
            Some(
                fact_numbers(min).any(|v| number_accepts(a, v))
                    && fact_numbers(max).any(|v| number_accepts(b, v)),
            )
        }
        ClaimValue::Date(d) => Some(facts.iter().any(|f| {
            f.accepted_values()
                .filter_map(|v| v.as_date())
                .any(|k| dates_agree(d, &k))
        })),
    }
}

/// Dates agree when the days they cover overlap, with one day of slack for time
/// zones.
pub fn dates_agree(d: &Date, k: &KbDate) -> bool {
    let (c0, c1) = claim_days(d);
    let (k0, k1) = k.day_range();
    c0 - 1 <= k1 && k0 <= c1 + 1
}

pub fn claim_days(d: &Date) -> (i64, i64) {
    KbDate {
        year: d.year,
        month: d.month,
        day: d.day,
    }
    .day_range()
}

/// The fact value nearest to the claim (for the message and the fix).
pub fn nearest(value: &ClaimValue, facts: &[&Fact]) -> Option<FactValue> {
    let target = match value {
        ClaimValue::Number(n) => n.value,
        ClaimValue::Range(_, b) => b.value,
        ClaimValue::Date(_) => return facts.first().map(|f| f.value),
    };
    facts
        .iter()
        .map(|f| f.value)
        .filter_map(|v| v.as_number().map(|n| (v, n)))
        .min_by(|a, b| {
            let da = (a.1.max(1.0).ln() - target.max(1.0).ln()).abs();
            let db = (b.1.max(1.0).ln() - target.max(1.0).ln()).abs();
            da.total_cmp(&db)
        })
        .map(|(v, _)| v)
}

/// What the KB says, for messages: `40GB`, `7B–65B`, `124M (also 117M)`.
pub fn expected_text(attr: Attribute, value: &ClaimValue, facts: &[&Fact]) -> String {
    match value {
        ClaimValue::Range(..) => {
            let nums: Vec<f64> = facts.iter().filter_map(|f| f.value.as_number()).collect();
            let min = nums.iter().cloned().fold(f64::INFINITY, f64::min);
            let max = nums.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            if min.is_finite() && max.is_finite() {
                format!(
                    "{}–{}",
                    display_value(attr, FactValue::Number(min)),
                    display_value(attr, FactValue::Number(max))
                )
            } else {
                String::new()
            }
        }
        _ => {
            let Some(v) = nearest(value, facts) else {
                return String::new();
            };
            let fact = facts.iter().find(|f| f.value == v);
            let mut s = display_value(attr, v);
            if let Some(f) = fact {
                if !f.alternates.is_empty() {
                    let alts: Vec<String> = f
                        .alternates
                        .iter()
                        .map(|a| display_value(attr, a.value))
                        .collect();
                    s.push_str(&format!(" (also reported: {})", alts.join(", ")));
                }
            }
            s
        }
    }
}

/// The KB value written in the note's own form: the digits replaced, the
/// magnitude and unit words kept. `None` when it cannot be written that way.
pub fn rewrite_number(
    written: &str,
    n: &Number,
    attr: Attribute,
    kb_value: f64,
) -> Option<(usize, usize, String)> {
    let digits = leading_digits(written);
    let start = written.find(digits)?;
    let shown: f64 = digits.replace(',', "").parse().ok()?;
    if shown <= 0.0 {
        return None;
    }
    let mult = n.value / shown;
    let is_context = attr == Attribute::Context;
    let new = if is_context && (mult - 1.0).abs() < EPS && kb_value >= 4096.0 {
        // A plain count of tokens (`1321`) reads better as thousands.
        match thousands(kb_value) {
            Some(k) => format!("{k}K"),
            None => trim(kb_value),
        }
    } else if is_context && (mult - 1000.0).abs() < EPS {
        // `K` in a context length: decimal when the KB value is a round
        // thousand (128,000 → 128K), binary when it is a power-of-two size
        // (32,768 → 32K), decimal otherwise.
        thousands(kb_value).unwrap_or_else(|| trim(kb_value / 1000.0))
    } else {
        trim(kb_value / mult)
    };
    Some((start, start + digits.len(), new))
}

/// A context length in thousands of tokens, decimal before binary:
/// 128,000 → `128`, 131,072 → `128`, 32,768 → `32`; `None` for other values.
fn thousands(tokens: f64) -> Option<String> {
    if tokens % 1000.0 == 0.0 {
        Some(trim(tokens / 1000.0))
    } else if tokens % 1024.0 == 0.0 {
        Some(trim(tokens / 1024.0))
    } else {
        None
    }
}

fn trim(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The KB date written like the note's date (separators and precision).
pub fn rewrite_date(written: &str, note: &Date, kb: &KbDate) -> String {
    let sep = if written.contains('年') {
        None
    } else if written.contains('.') {
        Some('.')
    } else if written.contains('/') {
        Some('/')
    } else {
        Some('-')
    };
    let month = note.month.and(kb.month);
    let day = note.day.and(kb.day).filter(|_| month.is_some());
    match sep {
        None => {
            let mut s = format!("{}年", kb.year);
            if let Some(m) = month {
                s.push_str(&format!("{m}月"));
                if let Some(d) = day {
                    s.push_str(&format!("{d}日"));
                }
            }
            s
        }
        Some(c) => {
            let mut s = format!("{}", kb.year);
            if let Some(m) = month {
                s.push_str(&format!("{c}{m:02}"));
                if let Some(d) = day {
                    s.push_str(&format!("{c}{d:02}"));
                }
            }
            s
        }
    }
}

/// Every size the KB accepts for a model's parameters (`attr` is params or active
/// params): each variant's facts, or, for a variant without one, the size in its
/// name (`7B`, `57B-A14B`). `None` when some variant has neither: then no size
/// can be called wrong.
pub fn size_values(model: &crate::kb::KbModel, attr: Attribute) -> Option<Vec<f64>> {
    let mut out: Vec<f64> = model
        .fact(attr)
        .map(|f| fact_numbers(f).collect())
        .unwrap_or_default();
    for v in &model.variants {
        // The nominal size in the name (`72B` for 72.7B) is what notes write.
        let nominal = size_in_name(&v.name, attr);
        match v.facts.iter().find(|f| f.attribute == attr) {
            Some(f) => out.extend(fact_numbers(f).chain(nominal)),
            None => out.push(nominal?),
        }
    }
    (!out.is_empty()).then_some(out)
}

/// `7B` → 7e9; `57B-A14B` → 57e9 total or 14e9 active; `MoE-A2.7B` → active 2.7e9.
pub fn size_in_name(name: &str, attr: Attribute) -> Option<f64> {
    let parse = |s: &str| -> Option<f64> {
        let s = s.trim();
        let (num, mult) = match s.chars().last()? {
            'B' | 'b' => (&s[..s.len() - 1], 1e9),
            'M' | 'm' => (&s[..s.len() - 1], 1e6),
            'T' | 't' => (&s[..s.len() - 1], 1e12),
            _ => return None,
        };
        num.parse::<f64>().ok().map(|n| n * mult)
    };
    let mut parts = name.split(['-', ' ']);
    match attr {
        Attribute::ActiveParams => parts.find_map(|p| p.strip_prefix('A').and_then(parse)),
        _ => parts.next().and_then(parse),
    }
}

/// Whether a claimed size fits any of the values.
pub fn sizes_agree(value: &ClaimValue, values: &[f64]) -> bool {
    match value {
        ClaimValue::Number(n) => values.iter().any(|v| number_accepts(n, *v)),
        ClaimValue::Range(a, b) => {
            values.iter().any(|v| number_accepts(a, *v))
                && values.iter().any(|v| number_accepts(b, *v))
        }
        ClaimValue::Date(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantities::{scan, QuantityKind};

    /// The fix text for `written` when the KB says `kb`: the note's own
    /// digits replaced, magnitude and unit kept.
    fn fix(written: &str, attr: Attribute, kb: f64) -> Option<String> {
        let q = scan(written).into_iter().next()?;
        let QuantityKind::Number(n) = q.kind else {
            return None;
        };
        let (s, e, new) = rewrite_number(written, &n, attr, kb)?;
        let mut out = written.to_string();
        out.replace_range(s..e, &new);
        Some(out)
    }

    #[test]
    fn rewrites_keep_the_notes_unit_and_prefer_round_thousands() {
        use Attribute::*;
        let cases: &[(&str, Attribute, f64, &str)] = &[
            // Context in K: decimal thousands first, binary sizes second.
            ("250K", Context, 128_000.0, "128K"),
            ("64K", Context, 131_072.0, "128K"),
            ("16K", Context, 32_768.0, "32K"),
            ("8k", Context, 4_096.0, "4k"),
            ("100K", Context, 200_000.0, "200K"),
            ("100K", Context, 100_500.0, "100.5K"),
            // A plain token count becomes thousands when it is round.
            ("1321", Context, 131_072.0, "128K"),
            ("1321", Context, 128_000.0, "128K"),
            ("1321", Context, 8_192.0, "8K"),
            ("1321", Context, 1_024.0, "1024"),
            ("1321", Context, 100_500.0, "100500"),
            // Other attributes scale by the written magnitude.
            ("45GB", TrainingBytes, 40e9, "40GB"),
            ("70B", Params, 67e9, "67B"),
            ("1750 亿", Params, 1.75e11, "1750 亿"),
            ("15 亿", Params, 1.558e9, "15.58 亿"),
        ];
        for &(written, attr, kb, want) in cases {
            assert_eq!(
                fix(written, attr, kb).as_deref(),
                Some(want),
                "{written} with KB {kb}"
            );
        }
    }
}
