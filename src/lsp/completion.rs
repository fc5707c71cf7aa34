//! Completion of model names: the canonical name is inserted; each alias is a
//! separate entry that filters on the alias (`通义千问` → `Qwen`).

use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionItemLabelDetails, CompletionTextEdit,
    Documentation, MarkupContent, MarkupKind, TextEdit,
};

use super::state::{DocView, Snapshot};
use crate::facts::{card_markdown, display_value};
use crate::kb::{Attribute, ModelId};

pub(crate) fn completion(snap: &Snapshot, doc: &DocView, offset: usize) -> Vec<CompletionItem> {
    let text = &doc.analysis.text;
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    // The ASCII word before the cursor (`GPT-`, `llama3.`).
    let word_len: usize = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .map(char::len_utf8)
        .sum();
    let at = doc.at();
    let kb = snap.env.kb();
    let mut items = Vec::new();
    for (i, m) in kb.models().iter().enumerate() {
        let detail = model_detail(snap, ModelId(i as u32));
        let candidates = std::iter::once((m.name.as_str(), false))
            .chain(m.aliases.iter().map(|a| (a.as_str(), true)));
        for (filter, is_alias) in candidates {
            if is_alias && filter == m.name {
                continue;
            }
            // Replace the typed prefix of this name (works for CJK, where there is
            // no word boundary), else the ASCII word.
            let len = typed_prefix_len(before, filter).max(word_len);
            let range = at.range(&(offset - len..offset), snap.encoding);
            items.push(CompletionItem {
                label: m.name.clone(),
                label_details: Some(CompletionItemLabelDetails {
                    detail: None,
                    description: Some(if is_alias {
                        filter.to_string()
                    } else {
                        detail.clone()
                    }),
                }),
                kind: Some(CompletionItemKind::CLASS),
                detail: Some(detail.clone()),
                filter_text: Some(filter.to_string()),
                sort_text: Some(format!("{}{}", m.name.to_lowercase(), u8::from(is_alias))),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                    range,
                    m.name.clone(),
                ))),
                data: Some(serde_json::json!({ "model": m.id })),
                ..Default::default()
            });
        }
    }
    items
}

/// The facts card, added when the client resolves an item.
pub(crate) fn resolve(snap: &Snapshot, mut item: CompletionItem) -> CompletionItem {
    let id = item
        .data
        .as_ref()
        .and_then(|d| d.get("model"))
        .and_then(|m| m.as_str())
        .and_then(|m| snap.env.kb().id_of(m));
    if let Some(id) = id {
        item.documentation = Some(Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: card_markdown(snap.env.kb(), id, None),
        }));
    }
    item
}

/// `OpenAI · 2019 · 1.5B`
fn model_detail(snap: &Snapshot, id: ModelId) -> String {
    let m = snap.env.kb().model(id);
    let mut parts = Vec::new();
    if let Some(org) = &m.org {
        parts.push(org.clone());
    }
    if let Some(r) = &m.released {
        if let Some(d) = r.value.as_date() {
            parts.push(d.year.to_string());
        }
    }
    if let Some(p) = super::hints::headline_params(m, None) {
        parts.push(display_value(Attribute::Params, p));
    }
    parts.join(" · ")
}

/// Length in bytes of the longest end of `before` that starts `name` (ASCII case
/// folded): `…的通义` and `通义千问` → 6.
fn typed_prefix_len(before: &str, name: &str) -> usize {
    let mut best = 0;
    let mut prefix_end = 0;
    for c in name.chars() {
        prefix_end += c.len_utf8();
        let prefix = &name[..prefix_end];
        if before.len() >= prefix.len()
            && before.is_char_boundary(before.len() - prefix.len())
            && before[before.len() - prefix.len()..].eq_ignore_ascii_case(prefix)
        {
            best = prefix.len();
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::typed_prefix_len;

    #[test]
    fn typed_prefixes() {
        assert_eq!(typed_prefix_len("阿里的通义", "通义千问"), "通义".len());
        assert_eq!(typed_prefix_len("see gp", "GPT-2"), 2);
        assert_eq!(typed_prefix_len("x", "GPT-2"), 0);
    }
}
