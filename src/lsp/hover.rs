//! Hover: the facts card on a model mention; on a claimed number, what the KB
//! says, its source, and whether the note agrees; on a suppression comment, the
//! rules it names.

use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::state::{DocView, Snapshot};
use crate::claims::Claim;
use crate::facts::{card_markdown, display_value};
use crate::kb::{Fact, KbModel};
use crate::mentions::Mention;
use crate::rules::Rule;

/// The mention under `offset` (a cursor just after a name counts too).
pub(crate) fn mention_at(doc: &DocView, offset: usize) -> Option<&Mention> {
    let mentions = &doc.analysis.mentions;
    mentions
        .iter()
        .find(|m| m.span.contains(&offset))
        .or_else(|| mentions.iter().find(|m| m.span.end == offset))
}

pub(crate) fn claim_at(doc: &DocView, offset: usize) -> Option<&Claim> {
    let claims = &doc.analysis.claims;
    claims
        .iter()
        .find(|c| c.span.contains(&offset))
        .or_else(|| claims.iter().find(|c| c.span.end == offset))
}

/// How many times each model is mentioned across the workspace.
pub(crate) fn mention_count(snap: &Snapshot, model: crate::kb::ModelId) -> usize {
    snap.mention_counts.get(&model).copied().unwrap_or(0)
}

pub(crate) fn hover(snap: &Snapshot, doc: &DocView, offset: usize) -> Option<Hover> {
    let (markdown, span) = if let Some(m) = mention_at(doc, offset) {
        let count = mention_count(snap, m.model);
        (
            card_markdown(snap.env.kb(), m.model, Some(count)),
            m.span.clone(),
        )
    } else if let Some(c) = claim_at(doc, offset) {
        (claim_markdown(snap, doc, c)?, c.span.clone())
    } else {
        let comment = doc
            .analysis
            .structure
            .comments
            .iter()
            .find(|c| c.span.contains(&offset))?;
        (
            directive_markdown(doc.analysis.text.get(comment.body.clone())?)?,
            comment.span.clone(),
        )
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(doc.at().range(&span, snap.encoding)),
    })
}

fn claim_markdown(snap: &Snapshot, doc: &DocView, claim: &Claim) -> Option<String> {
    let kb = snap.env.kb();
    let written = doc.analysis.text.get(claim.span.clone()).unwrap_or("");
    let attr = claim.attribute;
    let mut out = String::new();
    for (id, variant) in &claim.models {
        let Some(model) = kb.get(*id) else { continue };
        let variant_name = variant
            .and_then(|v| model.variants.get(v))
            .map(|v| format!(" {}", v.name))
            .unwrap_or_default();
        out.push_str(&format!(
            "### {}{variant_name} · {}\n\n",
            model.name,
            attr.label()
        ));
        let facts = labelled_facts(model, attr, *variant);
        if facts.is_empty() {
            out.push_str("The knowledge base has no figure for this.\n\n");
        }
        for (label, fact) in facts {
            let label = label.map(|l| format!("{l}: ")).unwrap_or_default();
            out.push_str(&format!(
                "- Knowledge base: {label}**{}** ([source]({}))\n",
                display_value(attr, fact.value),
                fact.source
            ));
            for alt in &fact.alternates {
                out.push_str(&format!(
                    "  - also accepted: {} — {}\n",
                    display_value(attr, alt.value),
                    alt.reason
                ));
            }
            if let Some(note) = &fact.note {
                out.push_str(&format!("  - {note}\n"));
            }
        }
        out.push('\n');
    }
    if out.is_empty() {
        return None;
    }
    let overlaps =
        |s: &std::ops::Range<usize>| s.start < claim.span.end && claim.span.start < s.end;
    let mismatch = doc
        .analysis
        .local_findings
        .iter()
        .find(|f| matches!(f.rule, Rule::KbMismatch | Rule::DateMismatch) && overlaps(&f.span));
    let has_facts = claim.models.iter().any(|(id, v)| {
        kb.get(*id)
            .is_some_and(|m| !m.facts_for(attr, *v).is_empty())
    });
    match mismatch {
        Some(f) => out.push_str(&format!(
            "This note says **{written}**: ✗ contradicts the knowledge base ({}).\n",
            f.rule.code()
        )),
        None if has_facts => out.push_str(&format!(
            "This note says **{written}**: ✓ agrees with the knowledge base.\n"
        )),
        None => out.push_str(&format!("This note says **{written}**.\n")),
    }
    let conflict = snap
        .findings
        .by_path
        .get(&doc.path)
        .filter(|(generation, _)| *generation == doc.generation)
        .and_then(|(_, fs)| {
            fs.iter()
                .find(|f| f.rule == Rule::Conflict && overlaps(&f.span))
        });
    if let Some(f) = conflict {
        out.push_str(&format!("\nOther places disagree: {}\n", f.message));
    }
    Some(out)
}

/// The facts for an attribute, labelled with their variant where they have one.
fn labelled_facts(
    model: &KbModel,
    attr: crate::kb::Attribute,
    variant: Option<usize>,
) -> Vec<(Option<&str>, &Fact)> {
    let mut out = Vec::new();
    let variants: Vec<(usize, &crate::kb::Variant)> = match variant {
        Some(v) => model.variants.get(v).map(|x| (v, x)).into_iter().collect(),
        None => model.variants.iter().enumerate().collect(),
    };
    for (_, v) in variants {
        if let Some(f) = v.facts.iter().find(|f| f.attribute == attr) {
            out.push((Some(v.name.as_str()), f));
        }
    }
    if out.is_empty() || variant.is_none() {
        if let Some(f) = model.fact(attr) {
            out.insert(0, (None, f));
        }
    }
    out
}

/// `llmnotes-disable-next-line kb-mismatch` → the documentation of each rule named.
fn directive_markdown(body: &str) -> Option<String> {
    let mut words = body.split_whitespace();
    let directive = words.next()?;
    if !directive.starts_with("llmnotes-") {
        return None;
    }
    let rules: Vec<Rule> = words
        .flat_map(|w| w.split(','))
        .filter_map(Rule::parse)
        .collect();
    if rules.is_empty() {
        return Some(format!("`{directive}`: applies to every llmnotes rule."));
    }
    Some(
        rules
            .iter()
            .map(|r| r.info().doc)
            .collect::<Vec<_>>()
            .join("\n\n---\n\n"),
    )
}
