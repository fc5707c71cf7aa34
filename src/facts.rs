//! The facts card of a model: what hover shows and `llmnotes show` prints.
//! Plain data plus a Markdown rendering; the fronts decide how to display it.

use serde_json::{json, Value};

use crate::kb::{format_value, Attribute, Fact, FactValue, Kb, KbModel, ModelId, ModelKind};

/// Renders a fact's value for people: `175B`, `40GB`, `2023-07-18`.
pub fn display_value(attr: Attribute, v: FactValue) -> String {
    match v {
        FactValue::Number(n) => format_value(attr, n),
        FactValue::Date(d) => d.to_string(),
    }
}

/// One row of the card: an attribute and its values, per variant where they differ.
#[derive(Debug, Clone, PartialEq)]
pub struct CardRow {
    pub attribute: Attribute,
    /// (variant name or None for the whole model, value text, source URL)
    pub values: Vec<(Option<String>, String, String)>,
}

pub fn rows(model: &KbModel) -> Vec<CardRow> {
    let mut out = Vec::new();
    // Every attribute but the release date, which the card shows above the table.
    for attr in Attribute::ALL
        .into_iter()
        .filter(|a| *a != Attribute::Released)
    {
        let mut values = Vec::new();
        if let Some(f) = model.fact(attr) {
            values.push((None, display_fact(f), f.source.clone()));
        }
        for v in &model.variants {
            if let Some(f) = v.facts.iter().find(|f| f.attribute == attr) {
                values.push((Some(v.name.clone()), display_fact(f), f.source.clone()));
            }
        }
        if !values.is_empty() {
            out.push(CardRow {
                attribute: attr,
                values,
            });
        }
    }
    out
}

fn display_fact(f: &Fact) -> String {
    let mut s = display_value(f.attribute, f.value);
    if !f.alternates.is_empty() {
        let alts: Vec<String> = f
            .alternates
            .iter()
            .map(|a| display_value(f.attribute, a.value))
            .collect();
        s.push_str(&format!(" (also reported: {})", alts.join(", ")));
    }
    s
}

/// The card as Markdown. `mentions_in_workspace` adds a line when known.
pub fn card_markdown(kb: &Kb, id: ModelId, mentions_in_workspace: Option<usize>) -> String {
    let m = kb.model(id);
    let mut s = format!("### {}", m.name);
    if m.kind == ModelKind::Family {
        s.push_str(" (model family)");
    }
    s.push_str("\n\n");
    let mut meta = Vec::new();
    if let Some(org) = &m.org {
        meta.push(format!("**Organisation:** {org}"));
    }
    if let Some(r) = &m.released {
        meta.push(format!(
            "**Released:** {}",
            display_value(Attribute::Released, r.value)
        ));
    }
    if let Some(a) = &m.architecture {
        meta.push(format!(
            "**Architecture:** {a}{}",
            if m.moe { ", mixture of experts" } else { "" }
        ));
    }
    if !meta.is_empty() {
        s.push_str(&meta.join("  \n"));
        s.push_str("\n\n");
    }
    let rows = rows(m);
    if !rows.is_empty() {
        s.push_str("| | |\n|---|---|\n");
        for row in rows {
            let cell: Vec<String> = row
                .values
                .iter()
                .map(|(variant, v, _)| match variant {
                    Some(name) => format!("{name}: {v}"),
                    None => v.clone(),
                })
                .collect();
            s.push_str(&format!(
                "| {} | {} |\n",
                row.attribute.label(),
                cell.join(" · ")
            ));
        }
        s.push('\n');
    }
    if let Some(p) = &m.paper {
        s.push_str(&format!("**Paper:** [{}]({})\n\n", p.title, p.url));
    }
    if let Some(n) = mentions_in_workspace {
        s.push_str(&format!(
            "Mentioned {n} time{} in this workspace.\n\n",
            if n == 1 { "" } else { "s" }
        ));
    }
    let src = if m.from_workspace {
        format!("workspace KB `{}`", m.origin.display_name())
    } else {
        format!("llmnotes KB `{}`", m.origin.display_name())
    };
    s.push_str(&format!("*Source: {src}, entry `{}`*", m.id));
    s
}

/// The card as JSON: numbers as plain numbers, dates as strings.
pub fn card_json(kb: &Kb, id: ModelId) -> Value {
    model_json(kb.model(id))
}

/// One model as JSON (also used by `kb export`).
pub fn model_json(m: &KbModel) -> Value {
    let facts = |facts: &[Fact]| -> Value {
        let mut o = serde_json::Map::new();
        for f in facts {
            o.insert(f.attribute.key().to_string(), fact_json(f));
        }
        Value::Object(o)
    };
    json!({
        "id": m.id,
        "name": m.name,
        "kind": match m.kind { ModelKind::Model => "model", ModelKind::Family => "family" },
        "aliases": m.aliases,
        "misspellings": m.misspellings,
        "org": m.org,
        "released": m.released.as_ref().map(fact_json),
        "architecture": m.architecture,
        "moe": m.moe,
        "paper": m.paper.as_ref().map(|p| json!({"title": p.title, "url": p.url})),
        "facts": facts(&m.facts),
        "variants": m.variants.iter().map(|v| json!({
            "name": v.name,
            "aliases": v.aliases,
            "facts": facts(&v.facts),
        })).collect::<Vec<_>>(),
        "defined_in": m.origin.display_name(),
        "from_workspace": m.from_workspace,
    })
}

fn value_json(v: FactValue) -> Value {
    match v {
        FactValue::Number(n) if n.fract() == 0.0 && n.abs() < 9e15 => json!(n as i64),
        FactValue::Number(n) => json!(n),
        FactValue::Date(d) => json!(d.to_string()),
    }
}

fn fact_json(f: &Fact) -> Value {
    json!({
        "value": value_json(f.value),
        "source": f.source,
        "alternates": f.alternates.iter().map(|a| json!({"value": value_json(a.value), "reason": a.reason})).collect::<Vec<_>>(),
        "note": f.note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpt2_card_lists_variants_and_sources() {
        let kb = Kb::embedded();
        let id = kb.find("GPT-2").unwrap();
        let md = card_markdown(&kb, id, Some(3));
        assert!(md.starts_with("### GPT-2\n"), "{md}");
        assert!(md.contains("**Released:** 2019-02-14"), "{md}");
        assert!(
            md.contains("| parameters | small: 124M (also reported: 117M)"),
            "{md}"
        );
        assert!(md.contains("XL: 1.5B"), "{md}");
        assert!(md.contains("| training data size | 40GB |"), "{md}");
        assert!(md.contains("Mentioned 3 times"), "{md}");
        let j = card_json(&kb, id);
        assert_eq!(j["facts"]["context"]["value"], json!(1024));
        assert_eq!(j["released"]["value"], json!("2019-02-14"));
    }
}
