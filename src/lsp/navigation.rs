//! Go-to-definition, references, document and workspace symbols.

use std::collections::BTreeMap;

use tower_lsp_server::ls_types::{DocumentSymbol, Location, OneOf, SymbolKind, WorkspaceSymbol};

use super::convert::path_uri;
use super::hover::mention_at;
use super::state::{DocView, Snapshot};
use crate::kb::{fold, ModelId};

/// The KB entry of a model as a location in a real file.
pub(crate) fn kb_location(snap: &Snapshot, model: ModelId) -> Option<Location> {
    let (file, span) = snap.env.model_location(model)?;
    let uri = path_uri(file.path.as_deref()?)?;
    Some(Location::new(uri, file.at().range(&span, snap.encoding)))
}

/// Definition of the model under the cursor: its KB entry, then every note heading
/// whose text names it.
pub(crate) fn definition(snap: &Snapshot, doc: &DocView, offset: usize) -> Vec<Location> {
    let Some(mention) = mention_at(doc, offset) else {
        return Vec::new();
    };
    let model = mention.model;
    let mut out: Vec<Location> = kb_location(snap, model).into_iter().collect();
    for view in sorted_docs(snap) {
        let a = &view.analysis;
        for h in &a.structure.headings {
            let names_model = a.mentions.iter().any(|m| {
                m.model == model
                    && m.span.start >= h.text_span.start
                    && m.span.end <= h.text_span.end
            });
            if names_model {
                out.push(Location::new(
                    view.uri.clone(),
                    view.at().range(&h.text_span, snap.encoding),
                ));
            }
        }
    }
    out
}

/// Every mention of the model under the cursor, across the workspace.
pub(crate) fn references(
    snap: &Snapshot,
    doc: &DocView,
    offset: usize,
    include_declaration: bool,
) -> Vec<Location> {
    let Some(mention) = mention_at(doc, offset) else {
        return Vec::new();
    };
    let model = mention.model;
    let mut out = Vec::new();
    if include_declaration {
        out.extend(kb_location(snap, model));
    }
    for view in sorted_docs(snap) {
        for m in view.analysis.mentions.iter().filter(|m| m.model == model) {
            out.push(Location::new(
                view.uri.clone(),
                view.at().range(&m.span, snap.encoding),
            ));
        }
    }
    out
}

fn sorted_docs(snap: &Snapshot) -> Vec<&DocView> {
    let mut docs: Vec<&DocView> = snap.docs.values().map(|d| d.as_ref()).collect();
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    docs
}

/// A model and where a section mentions it.
type ModelMentions = (ModelId, Vec<std::ops::Range<usize>>);

/// Headings as a tree, each with the models mentioned in its own part of the
/// section (before any sub-heading); models mentioned before the first heading sit
/// at the top level.
pub(crate) fn document_symbols(snap: &Snapshot, doc: &DocView) -> Vec<DocumentSymbol> {
    let a = &doc.analysis;
    let headings = &a.structure.headings;
    let enc = snap.encoding;
    let at = doc.at();
    // The innermost heading whose section holds `offset`.
    let owner = |offset: usize| -> Option<usize> {
        headings
            .iter()
            .enumerate()
            .filter(|(_, h)| h.section.start <= offset && offset < h.section.end.max(h.span.end))
            .max_by_key(|(_, h)| h.level)
            .map(|(i, _)| i)
    };
    // Models by owning heading (None: before any heading), in first-mention order.
    let mut models: BTreeMap<Option<usize>, Vec<ModelMentions>> = BTreeMap::new();
    for m in &a.mentions {
        let inside_heading_text = headings.iter().any(|h| h.span.contains(&m.span.start));
        if inside_heading_text {
            continue;
        }
        let list = models.entry(owner(m.span.start)).or_default();
        match list.iter_mut().find(|(id, _)| *id == m.model) {
            Some((_, spans)) => spans.push(m.span.clone()),
            None => list.push((m.model, vec![m.span.clone()])),
        }
    }
    let model_symbols = |key: Option<usize>| -> Vec<DocumentSymbol> {
        models
            .get(&key)
            .into_iter()
            .flatten()
            .filter_map(|(id, spans)| {
                let model = snap.env.kb().get(*id)?;
                let first = spans.first()?;
                let range = at.range(first, enc);
                #[allow(deprecated)]
                Some(DocumentSymbol {
                    name: model.name.clone(),
                    detail: Some(format!(
                        "{} mention{}",
                        spans.len(),
                        if spans.len() == 1 { "" } else { "s" }
                    )),
                    kind: SymbolKind::CLASS,
                    tags: None,
                    deprecated: None,
                    range,
                    selection_range: range,
                    children: None,
                })
            })
            .collect()
    };
    fn build(
        i: usize,
        doc: &DocView,
        enc: crate::text::Encoding,
        model_symbols: &dyn Fn(Option<usize>) -> Vec<DocumentSymbol>,
    ) -> DocumentSymbol {
        let headings = &doc.analysis.structure.headings;
        let h = &headings[i];
        let at = doc.at();
        let name = doc
            .analysis
            .text
            .get(h.text_span.clone())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("(empty heading)")
            .to_string();
        let start = h.span.start.min(h.section.start);
        let end = h.span.end.max(h.section.end);
        let mut children = model_symbols(Some(i));
        children.extend(
            headings
                .iter()
                .enumerate()
                .filter(|(_, c)| c.parent == Some(i))
                .map(|(j, _)| build(j, doc, enc, model_symbols)),
        );
        #[allow(deprecated)]
        DocumentSymbol {
            name,
            detail: None,
            kind: SymbolKind::STRING,
            tags: None,
            deprecated: None,
            range: at.range(&(start..end), enc),
            selection_range: at.range(&h.text_span, enc),
            children: Some(children),
        }
    }
    let mut out = model_symbols(None);
    out.extend(
        headings
            .iter()
            .enumerate()
            .filter(|(_, h)| h.parent.is_none())
            .map(|(i, _)| build(i, doc, enc, &model_symbols)),
    );
    out
}

/// Models whose name, id or an alias contains the query (folded like mentions).
pub(crate) fn workspace_symbols(snap: &Snapshot, query: &str) -> Vec<WorkspaceSymbol> {
    let want = fold(query);
    let kb = snap.env.kb();
    kb.models()
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            want.is_empty()
                || fold(&m.name).contains(&want)
                || fold(&m.id).contains(&want)
                || m.aliases.iter().any(|a| fold(a).contains(&want))
        })
        .filter_map(|(i, m)| {
            let id = ModelId(i as u32);
            let location = kb_location(snap, id)?;
            Some(WorkspaceSymbol {
                name: m.name.clone(),
                kind: SymbolKind::CLASS,
                tags: None,
                container_name: m.org.clone(),
                location: OneOf::Left(location),
                data: None,
            })
        })
        .collect()
}
