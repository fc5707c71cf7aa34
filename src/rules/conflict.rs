//! LN002 conflict.

use rustc_hash::FxHashMap;
use std::ops::Range;

use rayon::prelude::*;

use crate::analysis::DocumentAnalysis;
use crate::claims::{Claim, ClaimValue};
use crate::kb::{Attribute, Kb, ModelId};

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

**When the knowledge base has the figure, it decides.** The side that contradicts \
it is flagged by LN001 (or LN003 for dates), and that finding points to the notes \
that agree with the knowledge base; the side that is right raises nothing. LN002 \
covers what the knowledge base cannot settle.

**Example.** One note says GPT-4 has about 1.8T parameters, another 1T; OpenAI \
never published the figure, so the knowledge base cannot say which is right.

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

/// One claim in a conflict group, with the document it is in.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    pub doc: &'a DocumentAnalysis,
    pub claim: &'a Claim,
}

impl<'a> Side<'a> {
    pub fn new(doc: &'a DocumentAnalysis, claim: &'a Claim) -> Side<'a> {
        Side { doc, claim }
    }
}

/// Places elsewhere that agree with the knowledge base where a claim contradicts
/// it: attached to that claim's LN001/LN003 finding, so the contradiction between
/// two notes is still shown when the knowledge base settles it.
#[derive(Debug, Clone, PartialEq)]
pub struct Corroboration {
    pub path: std::path::PathBuf,
    pub span: Range<usize>,
    pub related: Vec<Related>,
}

/// What the cross-document pass yields.
#[derive(Debug, Default)]
pub struct Outcome {
    /// LN002 findings: conflicts the knowledge base cannot settle.
    pub findings: Vec<Finding>,
    pub corroborations: Vec<Corroboration>,
}

/// A conflict group: claims about one model (and size) and one attribute.
pub type Key = (ModelId, Option<usize>, Attribute);

/// The group a claim is compared in, if any.
pub fn key_of(kb: &Kb, claim: &Claim) -> Option<Key> {
    let [(model, variant)] = claim.models[..] else {
        return None; // shorthand lists speak for several models at once
    };
    interval(&claim.value)?;
    if variant.is_none() && varies_by_variant(kb, model, claim.attribute) {
        return None;
    }
    Some((model, variant, claim.attribute))
}

/// The cross-document pass over `docs`, group by group.
pub fn check(kb: &Kb, docs: &[&DocumentAnalysis]) -> Outcome {
    let mut out = Outcome::default();
    for (_, outcome) in check_groups(kb, docs) {
        out.findings.extend(outcome.findings);
        out.corroborations.extend(outcome.corroborations);
    }
    out
}

/// The outcome of each group with at least two sides. Sides are taken in the
/// order of `docs`.
fn check_groups(kb: &Kb, docs: &[&DocumentAnalysis]) -> Vec<(Key, Outcome)> {
    // Fx: keys are a few small integers, hashed once per claim.
    let mut groups: FxHashMap<Key, Vec<Side>> = FxHashMap::default();
    for doc in docs {
        for claim in &doc.claims {
            if let Some(key) = key_of(kb, claim) {
                groups.entry(key).or_default().push(Side::new(doc, claim));
            }
        }
    }
    let mut groups: Vec<(Key, Vec<Side>)> =
        groups.into_iter().filter(|(_, s)| s.len() >= 2).collect();
    groups.sort_unstable_by_key(|(k, _)| *k);
    // Groups are independent: checked in parallel, results in key order.
    groups
        .par_iter()
        .map(|(k, sides)| (*k, check_group(kb, *k, sides)))
        .collect()
}

/// One group: every claim about `key`, in the order given.
pub fn check_group(kb: &Kb, key: Key, sides: &[Side]) -> Outcome {
    let mut out = Outcome::default();
    let (model, variant, attr) = key;
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
    if !facts.is_empty() {
        corroborate(&clusters, &facts, &mut out.corroborations);
        return out;
    }
    for (ci, (value, members)) in clusters.iter().enumerate() {
        let against: Vec<usize> = (0..clusters.len())
            .filter(|&cj| {
                if cj == ci {
                    return false;
                }
                !compatible(value, &clusters[cj].0)
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
            out.findings
                .push(finding(kb, (model, variant, attr), a, &others));
        }
    }
    out
}

fn compatible(a: &ClaimValue, b: &ClaimValue) -> bool {
    overlap(
        interval(a).unwrap_or_default(),
        interval(b).unwrap_or_default(),
        binary(a),
        binary(b),
    )
}

/// The KB has the figure: each side that contradicts it learns where other notes
/// agree with it. Sides that agree are not flagged at all.
fn corroborate(
    clusters: &[(ClaimValue, Vec<&Side>)],
    facts: &[&crate::kb::Fact],
    out: &mut Vec<Corroboration>,
) {
    let verdicts: Vec<Option<bool>> = clusters.iter().map(|(v, _)| agrees(v, facts)).collect();
    let right: Vec<&Side> = clusters
        .iter()
        .zip(&verdicts)
        .filter(|(_, v)| **v == Some(true))
        .flat_map(|((_, members), _)| members.iter().copied())
        .collect();
    if right.is_empty() {
        return;
    }
    for ((value, members), verdict) in clusters.iter().zip(&verdicts) {
        if *verdict != Some(false) {
            continue;
        }
        for a in members {
            let related: Vec<Related> = right
                .iter()
                .filter(|b| !same_line(a, b) && !compatible(value, &b.claim.value))
                .take(MAX_LISTED)
                .map(|b| Related {
                    path: b.doc.path.clone(),
                    span: b.claim.span.clone(),
                    message: format!(
                        "{} here, as in the knowledge base",
                        written(b.doc, &b.claim.span)
                    ),
                })
                .collect();
            if !related.is_empty() {
                out.push(Corroboration {
                    path: a.doc.path.clone(),
                    span: a.claim.span.clone(),
                    related,
                });
            }
        }
    }
}

/// How many other places a message and its related information name.
const MAX_LISTED: usize = 5;

fn finding(
    kb: &Kb,
    (model, variant, attr): (ModelId, Option<usize>, Attribute),
    a: &Side,
    others: &[&Side],
) -> Finding {
    let found = written(a.doc, &a.claim.span);
    let mut elsewhere = Vec::new();
    let mut related = Vec::new();
    for b in others.iter().take(MAX_LISTED) {
        // Claims carry their line: no line index of the other note is needed.
        let line = b.claim.line;
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
    // Only groups the knowledge base has no figure for get here.
    let m = kb.model(model);
    let message = format!(
        "{} {}: {found} here, but {}; the knowledge base has no figure to settle it",
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
    f.related = related;
    f
}

fn same_interval(a: &ClaimValue, b: &ClaimValue) -> bool {
    interval(a) == interval(b) && binary(a) == binary(b)
}

/// Two values on one line are usually two different things (before and after
/// filtering, a training and a validation split), not a contradiction.
fn same_line(a: &Side, b: &Side) -> bool {
    std::ptr::eq(a.doc, b.doc) && a.claim.line == b.claim.line
}

/// A claim's figure as the note writes it (messages quote it).
pub fn written(doc: &DocumentAnalysis, span: &Range<usize>) -> String {
    doc.text.get(span.clone()).unwrap_or("").trim().to_string()
}
