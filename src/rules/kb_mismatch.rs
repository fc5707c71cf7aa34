//! LN001 kb-mismatch.

use std::path::Path;

use crate::claims::{Claim, ClaimValue};
use crate::kb::{Attribute, FactValue, Kb, KbModel};

use super::matching::{agrees, expected_text, nearest, rewrite_number, size_values, sizes_agree};
use super::{Edit, Finding, Fix, Rule};

/// Documentation (Markdown), shown by `llmnotes rule LN001` and on hover.
pub const DOC: &str = "\
## LN001 kb-mismatch

**What it does.** Flags a number that a note states about a model (parameters, \
context window, layers, hidden size, heads, vocabulary, training tokens, training \
data) when it contradicts the knowledge base.

**Why.** Numbers drift when notes are copied and rewritten. A value matches when it \
equals any variant or accepted alternate within the precision the note states \
(`15 亿` covers 1.45–1.55 B; `约`/`about` widens it); a range `7B-65B` matches when \
its ends are the smallest and largest variant. A claim about a shorthand list \
(`Llama-3.1,3.2: …`) is flagged only when it fits none of them.

**Example.** `GPT-2 的训练数据 45GB` → the KB says 40GB (WebText), with its source.

**Fix.** Replace the number with the KB value, written the note's way (`45GB` → \
`40GB`, `1321` → `128K`).

**Silence it.** `<!-- llmnotes-disable-next-line kb-mismatch -->` above the line.";

/// The model's name with the variant, if the claim names one: `GPT-2 XL`.
pub(crate) fn subject_name(model: &KbModel, variant: Option<usize>) -> String {
    match variant.and_then(|v| model.variants.get(v)) {
        Some(v) => format!("{} {}", model.name, v.name),
        None => model.name.clone(),
    }
}

pub fn check(kb: &Kb, path: &Path, text: &str, claims: &[Claim]) -> Vec<Finding> {
    let mut out = Vec::new();
    for claim in claims {
        if claim.attribute == Attribute::Released {
            continue;
        }
        // Flag only when the claim fits none of its subjects, and each has facts.
        let mut first_miss = None;
        let mut all_miss = true;
        for &(id, variant) in &claim.models {
            let model = kb.model(id);
            // A size without a variant is checked against every size: its facts
            // are needed only for the message, if it misses.
            let (verdict, facts) =
                if matches!(claim.attribute, Attribute::Params | Attribute::ActiveParams)
                    && variant.is_none()
                {
                    let sizes = size_values(model, claim.attribute);
                    (sizes.map(|v| sizes_agree(&claim.value, &v)), None)
                } else {
                    let facts = model.facts_for(claim.attribute, variant);
                    (agrees(&claim.value, &facts), Some(facts))
                };
            match verdict {
                Some(false) => {
                    if first_miss.is_none() {
                        let facts =
                            facts.unwrap_or_else(|| model.facts_for(claim.attribute, variant));
                        first_miss = Some((model, variant, facts));
                    }
                }
                _ => all_miss = false,
            }
        }
        let (Some((model, variant, facts)), true) = (first_miss, all_miss) else {
            continue;
        };
        let found = text.get(claim.span.clone()).unwrap_or("").to_string();
        let sizes = (variant.is_none()
            && matches!(claim.attribute, Attribute::Params | Attribute::ActiveParams))
        .then(|| size_values(model, claim.attribute))
        .flatten();
        let expected = match &sizes {
            // Every size of the model: `7B / 13B / 70B`.
            Some(values) if model.variants.len() > 1 || facts.is_empty() => {
                let mut v = values.clone();
                v.sort_by(f64::total_cmp);
                v.dedup();
                let shown: Vec<String> = v
                    .iter()
                    .map(|x| crate::facts::display_value(claim.attribute, FactValue::Number(*x)))
                    .collect();
                shown.join(" / ")
            }
            _ => expected_text(claim.attribute, &claim.value, &facts),
        };
        let source = facts
            .iter()
            .find(|f| Some(f.value) == nearest(&claim.value, &facts))
            .or(facts.first())
            .map(|f| f.source.clone())
            .or_else(|| model.paper.as_ref().map(|p| p.url.clone()))
            .unwrap_or_default();
        let subject = subject_name(model, variant);
        let others = if claim.models.len() > 1 {
            let names: Vec<&str> = claim.models[1..]
                .iter()
                .map(|(m, _)| kb.model(*m).name.as_str())
                .collect();
            format!(" (nor does it fit {})", names.join(", "))
        } else {
            String::new()
        };
        let message = format!(
            "{subject} {}: the note says {found}, the knowledge base says {expected}{others} (source: {source})",
            claim.attribute.label()
        );
        let mut finding = Finding::new(
            Rule::KbMismatch,
            path.to_path_buf(),
            claim.span.clone(),
            message,
        );
        finding.model = Some(model.id.clone());
        finding.attribute = Some(claim.attribute);
        finding.found = Some(found.clone());
        finding.expected = Some(expected);
        finding.source = Some(source);
        if let (ClaimValue::Number(n), Some(v)) = (
            &claim.value,
            nearest(&claim.value, &facts).and_then(|v| v.as_number()),
        ) {
            if let Some((s, e, new)) = rewrite_number(&found, n, claim.attribute, v) {
                let mut replaced = found.clone();
                replaced.replace_range(s..e, &new);
                finding.fix = Some(Fix {
                    title: format!("Replace {found} with {replaced}"),
                    edits: vec![Edit {
                        span: claim.span.start + s..claim.span.start + e,
                        new_text: new,
                    }],
                    safe: false,
                });
            }
        }
        if let Some(f) = facts.first() {
            finding.related.push(super::Related {
                path: f.origin.display_name().into(),
                span: model.span.clone(),
                message: format!("{} in the knowledge base", model.name),
            });
        }
        out.push(finding);
    }
    out
}
