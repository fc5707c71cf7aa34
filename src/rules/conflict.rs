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

/// A side's interval, binary reading and KB agreement.
type Props = ((f64, f64), Option<(f64, f64)>, bool);
type PropsKey = ((u64, u64), Option<(u64, u64)>, bool);

fn props_key(((lo, hi), binary, right): Props) -> PropsKey {
    (
        (lo.to_bits(), hi.to_bits()),
        binary.map(|(a, b)| (a.to_bits(), b.to_bits())),
        right,
    )
}

struct Side<'a> {
    doc: &'a DocumentAnalysis,
    claim: &'a Claim,
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
                .push(Side { doc, claim });
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
        let facts = kb.model(model).facts_for(attr, variant);
        // Sides with the same interval, binary reading and KB agreement behave
        // alike: compare these classes (few) rather than every pair of sides
        // (groups for popular models hold thousands of sides).
        let mut class_of = Vec::with_capacity(sides.len());
        let mut classes: Vec<(Props, Vec<usize>)> = Vec::new();
        let mut class_index: HashMap<PropsKey, usize> = HashMap::new();
        for (j, s) in sides.iter().enumerate() {
            let props: Props = (
                interval(&s.claim.value).unwrap_or_default(),
                binary(&s.claim.value),
                agrees(&s.claim.value, &facts) == Some(true),
            );
            let c = *class_index.entry(props_key(props)).or_insert_with(|| {
                classes.push((props, Vec::new()));
                classes.len() - 1
            });
            classes[c].1.push(j);
            class_of.push(c);
        }
        let k = classes.len();
        // Whether a side of class x conflicts with a side of class y.
        let conflicting: Vec<bool> = (0..k * k)
            .map(|xy| {
                let ((ia, binary_a, a_right), _) = classes[xy / k];
                let ((ib, binary_b, b_right), _) = classes[xy % k];
                // Two figures the KB both accepts (45TB raw, 570GB filtered)
                // are not a conflict.
                let both_right = a_right && b_right;
                let compatible = overlap(ia, ib, binary_a, binary_b);
                !both_right && !compatible
            })
            .collect();
        for (i, a) in sides.iter().enumerate() {
            let ca = class_of[i];
            let mut candidates: Vec<usize> = (0..k)
                .filter(|&cb| conflicting[ca * k + cb])
                .flat_map(|cb| classes[cb].1.iter().copied())
                .collect();
            candidates.sort_unstable();
            let others: Vec<&Side> = candidates
                .into_iter()
                .filter(|&j| j != i && !same_line(a, &sides[j]))
                .map(|j| &sides[j])
                .collect();
            if others.is_empty() {
                continue;
            }
            let found = written(a.doc, &a.claim.span);
            let mut elsewhere = Vec::new();
            let mut related = Vec::new();
            for b in &others {
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
            let m = kb.model(model);
            let kb_note = m
                .facts_for(attr, variant)
                .first()
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
            f.expected = Some(
                others
                    .iter()
                    .map(|b| written(b.doc, &b.claim.span))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            f.source = m.facts_for(attr, variant).first().map(|f| f.source.clone());
            f.related = related;
            out.push(f);
        }
    }
    out
}

/// Two values on one line are usually two different things (before and after
/// filtering, a training and a validation split), not a contradiction.
fn same_line(a: &Side, b: &Side) -> bool {
    std::ptr::eq(a.doc, b.doc) && {
        let (x, y) = if a.claim.span.start < b.claim.span.start {
            (a.claim.span.start, b.claim.span.start)
        } else {
            (b.claim.span.start, a.claim.span.start)
        };
        !a.doc.text.get(x..y).unwrap_or("\n").contains('\n')
    }
}

fn written(doc: &DocumentAnalysis, span: &Range<usize>) -> String {
    doc.text.get(span.clone()).unwrap_or("").trim().to_string()
}
