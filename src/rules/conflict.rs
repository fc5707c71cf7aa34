//! LN002 conflict.

use std::collections::HashMap;
use std::ops::Range;

use crate::analysis::DocumentAnalysis;
use crate::claims::{Claim, ClaimValue};
use crate::kb::{Attribute, Kb, ModelId};
use crate::text::{Encoding, LineIndex};

use super::kb_mismatch::subject_name;
use super::matching::{agrees, claim_days};
use super::{Finding, Related, Rule};

pub const DOC: &str = "\
## LN002 conflict

**What it does.** Flags two places (in two notes, or in one) that claim different \
values for the same model and attribute. Every side is flagged and points to the \
others.

**Why.** Even when the knowledge base has no figure, two notes cannot both be \
right. Two values conflict when the ranges their written precision allows do not \
overlap (`15 亿` and `1.5B` agree; `40GB` and `45GB` do not). A claim about a model \
with several sizes is compared only with claims about the same size, unless the \
model states one value for all sizes.

**Example.** One note says GPT-2 was trained on 40GB, another on 45GB.

**Silence it.** `<!-- llmnotes-disable-next-line conflict -->` above the line.";

/// The interval a claim allows, in base units (days for dates).
fn interval(v: &ClaimValue) -> Option<(f64, f64)> {
    match v {
        ClaimValue::Number(n) => match n.bound {
            crate::quantities::Bound::Exact => Some((n.lo, n.hi)),
            _ => None,
        },
        ClaimValue::Range(..) => None,
        ClaimValue::Date(d) => {
            let (a, b) = claim_days(d);
            Some(((a - 1) as f64, (b + 1) as f64))
        }
    }
}

fn overlap(
    a: (f64, f64),
    b: (f64, f64),
    binary_a: Option<(f64, f64)>,
    binary_b: Option<(f64, f64)>,
) -> bool {
    let ov = |x: (f64, f64), y: (f64, f64)| x.0 <= y.1 * (1.0 + 1e-9) && y.0 <= x.1 * (1.0 + 1e-9);
    ov(a, b)
        || binary_a.is_some_and(|x| ov(x, b))
        || binary_b.is_some_and(|y| ov(a, y))
        || binary_a.zip(binary_b).is_some_and(|(x, y)| ov(x, y))
}

fn binary(v: &ClaimValue) -> Option<(f64, f64)> {
    match v {
        ClaimValue::Number(n) => n.binary,
        _ => None,
    }
}

/// Whether an attribute varies by size for this model, so a claim that names no
/// size cannot be compared with another.
fn varies_by_variant(kb: &Kb, model: ModelId, attr: Attribute) -> bool {
    let m = kb.model(model);
    if m.fact(attr).is_some() {
        return false;
    }
    // Several sizes: a size is never in conflict with another size.
    if matches!(attr, Attribute::Params | Attribute::ActiveParams) && m.variants.len() > 1 {
        return true;
    }
    let mut values: Vec<f64> = m
        .variants
        .iter()
        .filter_map(|v| v.facts.iter().find(|f| f.attribute == attr))
        .filter_map(|f| f.value.as_number())
        .collect();
    values.dedup();
    values.len() > 1 || (m.variants.len() > 1 && values.is_empty())
}

struct Side<'a> {
    doc: &'a DocumentAnalysis,
    claim: &'a Claim,
    /// 0-based line of the claim.
    line: usize,
}

pub fn check(kb: &Kb, docs: &[&DocumentAnalysis]) -> Vec<Finding> {
    type Key = (ModelId, Option<usize>, Attribute);
    let mut groups: HashMap<Key, Vec<Side>> = HashMap::new();
    for doc in docs {
        for claim in &doc.claims {
            let [(model, variant)] = claim.models[..] else {
                continue; // shorthand lists speak for several models at once
            };
            if interval(&claim.value).is_none() {
                continue;
            }
            if variant.is_none() && varies_by_variant(kb, model, claim.attribute) {
                continue;
            }
            groups
                .entry((model, variant, claim.attribute))
                .or_default()
                .push(Side {
                    doc,
                    claim,
                    line: claim.line,
                });
        }
    }
    let mut out = Vec::new();
    let mut line_indexes: HashMap<*const DocumentAnalysis, LineIndex> = HashMap::new();
    let mut keys: Vec<&Key> = groups.keys().collect();
    keys.sort();
    for key in keys {
        let sides = &groups[key];
        if sides.len() < 2 {
            continue;
        }
        let (model, variant, attr) = *key;
        let m = kb.model(model);
        let facts = m.facts_for(attr, variant);
        // Sides that claim the same interval form one cluster; clusters are
        // compared once each, so a thousand notes repeating two figures cost two
        // comparisons, not a million.
        let mut clusters: Vec<(ClaimValue, Vec<&Side>)> = Vec::new();
        for side in sides {
            match clusters
                .iter_mut()
                .find(|(v, _)| same_interval(v, &side.claim.value))
            {
                Some((_, members)) => members.push(side),
                None => clusters.push((side.claim.value.clone(), vec![side])),
            }
        }
        let right: Vec<bool> = clusters
            .iter()
            .map(|(v, _)| agrees(v, &facts) == Some(true))
            .collect();
        for (ci, (value, members)) in clusters.iter().enumerate() {
            let against: Vec<usize> = (0..clusters.len())
                .filter(|&cj| {
                    if cj == ci {
                        return false;
                    }
                    // Two figures the KB both accepts (45TB raw, 570GB filtered)
                    // are not a conflict.
                    let both_right = right[ci] && right[cj];
                    let other = &clusters[cj].0;
                    let compatible = overlap(
                        interval(value).unwrap_or_default(),
                        interval(other).unwrap_or_default(),
                        binary(value),
                        binary(other),
                    );
                    !both_right && !compatible
                })
                .collect();
            if against.is_empty() {
                continue;
            }
            for a in members {
                let others: Vec<&Side> = against
                    .iter()
                    .flat_map(|&cj| clusters[cj].1.iter().copied())
                    .filter(|b| !same_line(a, b))
                    .collect();
                if others.is_empty() {
                    continue;
                }
                out.push(finding(
                    kb,
                    (model, variant, attr),
                    a,
                    &others,
                    &mut line_indexes,
                ));
            }
        }
    }
    out
}

/// How many other places a message and its related information name.
const MAX_LISTED: usize = 5;

fn finding(
    kb: &Kb,
    (model, variant, attr): (ModelId, Option<usize>, Attribute),
    a: &Side,
    others: &[&Side],
    line_indexes: &mut HashMap<*const DocumentAnalysis, LineIndex>,
) -> Finding {
    let found = written(a.doc, &a.claim.span);
    let mut elsewhere = Vec::new();
    let mut related = Vec::new();
    for b in others.iter().take(MAX_LISTED) {
        let idx = line_indexes
            .entry(std::ptr::from_ref(b.doc))
            .or_insert_with(|| LineIndex::new(&b.doc.text));
        let (line, _) = idx.position(&b.doc.text, b.claim.span.start, Encoding::Chars);
        let value = written(b.doc, &b.claim.span);
        elsewhere.push(format!("{value} in {}:{}", b.doc.path.display(), line + 1));
        related.push(Related {
            path: b.doc.path.clone(),
            span: b.claim.span.clone(),
            message: format!("{value} here"),
        });
    }
    if others.len() > MAX_LISTED {
        // No count: a message that changes whenever a far-away note changes
        // would make an editor re-publish every note in the group on each edit.
        elsewhere.push("and in other notes".to_string());
    }
    let m = kb.model(model);
    let kb_fact = m.facts_for(attr, variant).first().copied();
    let kb_note = kb_fact
        .map(|f| {
            format!(
                "; the knowledge base says {} (source: {})",
                crate::facts::display_value(attr, f.value),
                f.source
            )
        })
        .unwrap_or_default();
    let message = format!(
        "{} {}: {found} here, but {}{kb_note}",
        subject_name(m, variant),
        attr.label(),
        elsewhere.join(", ")
    );
    let mut f = Finding::new(
        Rule::Conflict,
        a.doc.path.clone(),
        a.claim.span.clone(),
        message,
    );
    f.model = Some(m.id.clone());
    f.attribute = Some(attr);
    f.found = Some(found);
    let mut values: Vec<String> = others
        .iter()
        .map(|b| written(b.doc, &b.claim.span))
        .collect();
    values.sort();
    values.dedup();
    f.expected = Some(values.join(", "));
    f.source = kb_fact.map(|f| f.source.clone());
    f.related = related;
    f
}

fn same_interval(a: &ClaimValue, b: &ClaimValue) -> bool {
    interval(a) == interval(b) && binary(a) == binary(b)
}

/// Two values on one line are usually two different things (before and after
/// filtering, a training and a validation split), not a contradiction.
fn same_line(a: &Side, b: &Side) -> bool {
    std::ptr::eq(a.doc, b.doc) && a.line == b.line
}

fn written(doc: &DocumentAnalysis, span: &Range<usize>) -> String {
    doc.text.get(span.clone()).unwrap_or("").trim().to_string()
}
