//! Inlay hints (`GPT-3 ‹175B · 2020›`) and semantic tokens (mentions, claimed
//! numbers).

use tower_lsp_server::ls_types::{
    InlayHint, InlayHintLabel, InlayHintTooltip, MarkupContent, MarkupKind, SemanticToken,
    SemanticTokenModifier, SemanticTokenType, SemanticTokensLegend,
};

use super::state::{DocView, Snapshot};
use crate::facts::display_value;
use crate::kb::{Attribute, FactValue, KbModel};
use crate::mentions::MentionForm;
use crate::text::column_width;

/// The parameter count to show for a model: the variant's, the model's own, or the
/// largest variant's.
pub(crate) fn headline_params(m: &KbModel, variant: Option<usize>) -> Option<FactValue> {
    let of = |facts: &[crate::kb::Fact]| {
        facts
            .iter()
            .find(|f| f.attribute == Attribute::Params)
            .map(|f| f.value)
    };
    if let Some(v) = variant.and_then(|v| m.variants.get(v)) {
        if let Some(p) = of(&v.facts) {
            return Some(p);
        }
    }
    of(&m.facts).or_else(|| {
        m.variants
            .iter()
            .filter_map(|v| of(&v.facts).and_then(|p| p.as_number()))
            .max_by(|a, b| a.total_cmp(b))
            .map(FactValue::Number)
    })
}

pub(crate) fn inlay_hints(
    snap: &Snapshot,
    doc: &DocView,
    range: std::ops::Range<usize>,
) -> Vec<InlayHint> {
    let kb = snap.env.kb();
    let mut out = Vec::new();
    for mention in &doc.analysis.mentions {
        if mention.span.end < range.start || mention.span.start > range.end {
            continue;
        }
        let Some(m) = kb.get(mention.model) else {
            continue;
        };
        if !m.is_checkable() {
            continue;
        }
        let mut parts = Vec::new();
        if let Some(p) = headline_params(m, mention.variant) {
            parts.push(display_value(Attribute::Params, p));
        }
        if let Some(d) = m.released.as_ref().and_then(|r| r.value.as_date()) {
            parts.push(d.year.to_string());
        }
        if parts.is_empty() {
            continue;
        }
        out.push(InlayHint {
            position: doc.at().position(mention.span.end, snap.encoding),
            label: InlayHintLabel::String(format!("‹{}›", parts.join(" · "))),
            kind: None,
            text_edits: None,
            tooltip: Some(InlayHintTooltip::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: format!("{} — from the llmnotes knowledge base", m.name),
            })),
            padding_left: Some(true),
            padding_right: None,
            data: None,
        });
    }
    out
}

pub(crate) const TOKEN_MODEL: u32 = 0;
pub(crate) const TOKEN_NUMBER: u32 = 1;
/// Modifier bit for a misspelled mention.
const MOD_DEPRECATED: u32 = 1;

pub(crate) fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: vec![SemanticTokenType::CLASS, SemanticTokenType::NUMBER],
        token_modifiers: vec![SemanticTokenModifier::DEPRECATED],
    }
}

/// Mentions and claimed numbers in `range`, encoded relative to each other.
pub(crate) fn semantic_tokens(
    snap: &Snapshot,
    doc: &DocView,
    range: std::ops::Range<usize>,
) -> Vec<SemanticToken> {
    let a = &doc.analysis;
    let mut spans: Vec<(std::ops::Range<usize>, u32, u32)> = a
        .mentions
        .iter()
        .map(|m| {
            let modifiers = if m.form == MentionForm::Misspelling {
                MOD_DEPRECATED
            } else {
                0
            };
            (m.span.clone(), TOKEN_MODEL, modifiers)
        })
        .chain(a.claims.iter().map(|c| (c.span.clone(), TOKEN_NUMBER, 0)))
        .filter(|(s, _, _)| s.end >= range.start && s.start <= range.end && s.start < s.end)
        .collect();
    spans.sort_by_key(|(s, _, _)| (s.start, s.end));
    let at = doc.at();
    let mut out = Vec::new();
    let (mut prev_line, mut prev_col, mut prev_end) = (0u32, 0u32, 0usize);
    for (span, token_type, modifiers) in spans {
        if span.start < prev_end {
            continue; // overlapping: keep the first
        }
        let start = at.position(span.start, snap.encoding);
        let end = at.position(span.end, snap.encoding);
        if start.line != end.line {
            continue; // tokens may not span lines
        }
        let Some(text) = a.text.get(span.clone()) else {
            continue;
        };
        let length = column_width(text, snap.encoding) as u32;
        let delta_line = start.line - prev_line;
        let delta_start = if delta_line == 0 {
            start.character - prev_col
        } else {
            start.character
        };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type,
            token_modifiers_bitset: modifiers,
        });
        prev_line = start.line;
        prev_col = start.character;
        prev_end = span.end;
    }
    out
}
