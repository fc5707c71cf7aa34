//! Turns KB TOML files into a `Kb`, collecting every error with file, line and
//! column instead of stopping at the first.

use std::fmt;
use std::ops::Range;

use super::schema;
use super::value::parse_number;
use super::{
    Alternate, AmbiguousAlias, Attribute, Fact, FactValue, Kb, KbDate, KbModel, KbOrigin, KbSource,
    ModelKind, Paper, Variant,
};

/// A problem in a KB file, located to line and column (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KbError {
    pub origin: KbOrigin,
    pub line: usize,
    pub column: usize,
    pub span: Range<usize>,
    pub message: String,
}

impl fmt::Display for KbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.origin.display_name(),
            self.line,
            self.column,
            self.message
        )
    }
}

impl KbError {
    pub fn new(source: &KbSource, span: Range<usize>, message: impl Into<String>) -> KbError {
        let (line, column) = line_col(&source.text, span.start);
        KbError {
            origin: source.origin.clone(),
            line,
            column,
            span,
            message: message.into(),
        }
    }
}

/// 1-based line and character column of a byte offset.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// Loads the files in order. A later file may add models, or restate a model with
/// an existing id to override the facts it names. Never panics; what is valid is
/// kept and every problem is returned.
pub fn load_sources(sources: &[KbSource]) -> (Kb, Vec<KbError>) {
    let mut models: Vec<KbModel> = Vec::new();
    let mut ambiguous = Vec::new();
    let mut errors = Vec::new();
    for source in sources {
        let file: schema::File = match toml::from_str(&source.text) {
            Ok(f) => f,
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                errors.push(KbError::new(source, span, e.message().trim().to_string()));
                continue;
            }
        };
        let mut seen_here: Vec<String> = Vec::new();
        for raw in file.model {
            let id_span = raw.id.span();
            if seen_here.contains(raw.id.get_ref()) {
                errors.push(KbError::new(
                    source,
                    id_span,
                    format!("model `{}` is defined twice in this file", raw.id.get_ref()),
                ));
                continue;
            }
            seen_here.push(raw.id.get_ref().clone());
            let Some(model) = convert_model(source, raw, &mut errors) else {
                continue;
            };
            match models.iter_mut().find(|m| m.id == model.id) {
                Some(existing) => {
                    if matches!(source.origin, KbOrigin::Embedded(_))
                        && matches!(existing.origin, KbOrigin::Embedded(_))
                    {
                        errors.push(KbError::new(
                            source,
                            model.span.clone(),
                            format!(
                                "model `{}` is already defined in {}",
                                model.id,
                                existing.origin.display_name()
                            ),
                        ));
                    } else {
                        overlay(existing, model);
                    }
                }
                None => models.push(model),
            }
        }
        for a in file.ambiguous {
            ambiguous.push(AmbiguousAlias {
                alias: a.alias.get_ref().clone(),
                models: a.models,
                reason: a.reason,
            });
        }
    }
    (Kb::from_models(models, ambiguous), errors)
}

/// Lays a workspace restatement over an existing model: stated facts replace,
/// unstated ones stay; new aliases and variants are added.
fn overlay(existing: &mut KbModel, new: KbModel) {
    existing.from_workspace = true;
    existing.origin = new.origin;
    existing.span = new.span;
    if new.name != new.id {
        existing.name = new.name;
    }
    for a in new.aliases {
        if !existing.aliases.contains(&a) {
            existing.aliases.push(a);
        }
    }
    existing.misspellings.extend(new.misspellings);
    if new.org.is_some() {
        existing.org = new.org;
    }
    if new.released.is_some() {
        existing.released = new.released;
    }
    if new.architecture.is_some() {
        existing.architecture = new.architecture;
    }
    if new.paper.is_some() {
        existing.paper = new.paper;
    }
    if new.description.is_some() {
        existing.description = new.description;
    }
    merge_facts(&mut existing.facts, new.facts);
    for v in new.variants {
        match existing.variants.iter_mut().find(|e| e.name == v.name) {
            Some(e) => {
                e.aliases.extend(v.aliases);
                merge_facts(&mut e.facts, v.facts);
            }
            None => existing.variants.push(v),
        }
    }
}

fn merge_facts(into: &mut Vec<Fact>, new: Vec<Fact>) {
    for f in new {
        match into.iter_mut().find(|e| e.attribute == f.attribute) {
            Some(e) => *e = f,
            None => into.push(f),
        }
    }
}

fn convert_model(
    source: &KbSource,
    raw: schema::Model,
    errors: &mut Vec<KbError>,
) -> Option<KbModel> {
    let id_span = raw.id.span();
    let id = raw.id.into_inner();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.'))
    {
        errors.push(KbError::new(
            source,
            id_span.clone(),
            format!("model id `{id}` must be lower case letters, digits, `-` and `.`"),
        ));
        return None;
    }
    let kind = match raw.kind.as_ref().map(|k| k.get_ref().as_str()) {
        None | Some("model") => ModelKind::Model,
        Some("family") => ModelKind::Family,
        Some(other) => {
            let span = raw
                .kind
                .as_ref()
                .map(|k| k.span())
                .unwrap_or(id_span.clone());
            errors.push(KbError::new(
                source,
                span,
                format!("`kind` expects \"model\" or \"family\", found `{other}`"),
            ));
            ModelKind::Model
        }
    };
    let architecture = raw.architecture.and_then(|a| {
        let span = a.span();
        let a = a.into_inner();
        if ARCHITECTURES.contains(&a.as_str()) {
            Some(a)
        } else {
            errors.push(KbError::new(
                source,
                span,
                format!(
                    "`architecture` expects one of {}, found `{a}`",
                    ARCHITECTURES.join(", ")
                ),
            ));
            None
        }
    });
    let released = raw.released.and_then(|r| {
        let span = r.span();
        match KbDate::parse(r.get_ref()) {
            Ok(d) => Some(Fact {
                attribute: Attribute::Released,
                value: FactValue::Date(d),
                source: raw.released_source.clone().unwrap_or_default(),
                alternates: raw
                    .released_alternates
                    .iter()
                    .filter_map(|a| convert_alternate(source, Attribute::Released, a, errors))
                    .collect(),
                note: None,
                origin: source.origin.clone(),
                span,
            }),
            Err(e) => {
                errors.push(KbError::new(source, span, format!("`released`: {e}")));
                None
            }
        }
    });
    let facts = convert_facts(source, &raw.facts, errors);
    let variants = raw
        .variants
        .into_iter()
        .map(|v| Variant {
            name: v.name.into_inner(),
            aliases: v.aliases.into_iter().map(|a| a.into_inner()).collect(),
            facts: convert_facts(source, &v.facts, errors),
        })
        .collect();
    Some(KbModel {
        name: raw.name.unwrap_or_else(|| id.clone()),
        id,
        aliases: raw.aliases.into_iter().map(|a| a.into_inner()).collect(),
        misspellings: raw
            .misspellings
            .into_iter()
            .map(|a| a.into_inner())
            .collect(),
        kind,
        case_sensitive: raw.case_sensitive.unwrap_or(false),
        generic: raw.generic.unwrap_or(false),
        org: raw.org,
        released,
        architecture,
        moe: raw.moe.unwrap_or(false),
        paper: raw.paper.map(|p| Paper {
            title: p.title,
            url: p.url,
        }),
        description: raw.description,
        facts,
        variants,
        origin: source.origin.clone(),
        span: id_span,
        from_workspace: matches!(source.origin, KbOrigin::Workspace(_)),
    })
}

pub const ARCHITECTURES: &[&str] = &[
    "encoder-only",
    "decoder-only",
    "encoder-decoder",
    "rnn",
    "embedding",
    "other",
];

fn convert_facts(
    source: &KbSource,
    raw: &std::collections::BTreeMap<String, toml::Spanned<schema::Fact>>,
    errors: &mut Vec<KbError>,
) -> Vec<Fact> {
    let mut out = Vec::new();
    for (key, fact) in raw {
        let span = fact.span();
        let fact = fact.get_ref();
        let Some(attribute) = Attribute::from_key(key).filter(|a| *a != Attribute::Released) else {
            errors.push(KbError::new(
                source,
                span,
                format!(
                    "unknown fact `{key}` (expected one of {})",
                    Attribute::ALL[..11]
                        .iter()
                        .map(|a| a.key())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            continue;
        };
        let Some(value) = convert_value(source, attribute, &fact.value, errors) else {
            continue;
        };
        out.push(Fact {
            attribute,
            value,
            source: fact.source.clone().unwrap_or_default(),
            alternates: fact
                .alternates
                .iter()
                .filter_map(|a| convert_alternate(source, attribute, a, errors))
                .collect(),
            note: fact.note.clone(),
            origin: source.origin.clone(),
            span: fact.value.span(),
        });
    }
    out
}

fn convert_alternate(
    source: &KbSource,
    attribute: Attribute,
    raw: &schema::Alternate,
    errors: &mut Vec<KbError>,
) -> Option<Alternate> {
    Some(Alternate {
        value: convert_value(source, attribute, &raw.value, errors)?,
        reason: raw.reason.clone(),
    })
}

fn convert_value(
    source: &KbSource,
    attribute: Attribute,
    value: &toml::Spanned<toml::Value>,
    errors: &mut Vec<KbError>,
) -> Option<FactValue> {
    let span = value.span();
    let result = match (attribute, value.get_ref()) {
        (Attribute::Released, toml::Value::String(s)) => KbDate::parse(s).map(FactValue::Date),
        (Attribute::Released, _) => Err("expects a date string like \"2023-07-18\"".into()),
        (_, toml::Value::Integer(i)) if *i > 0 => Ok(FactValue::Number(*i as f64)),
        (_, toml::Value::Float(f)) if *f > 0.0 && f.is_finite() => Ok(FactValue::Number(*f)),
        (_, toml::Value::String(s)) => parse_number(s).map(FactValue::Number),
        (_, other) => Err(format!(
            "expects a positive number or a string like \"1.5B\", found {}",
            other.type_str()
        )),
    };
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            errors.push(KbError::new(source, span, format!("`{attribute}`: {e}")));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> KbSource {
        KbSource {
            origin: KbOrigin::Workspace("test.toml".into()),
            text: text.to_string(),
        }
    }

    #[test]
    fn loads_a_model_with_variants() {
        let (kb, errors) = load_sources(&[src(r#"
[[model]]
id = "gpt-2"
name = "GPT-2"
released = "2019-02-14"
released_source = "https://example.org/a"
facts.context = { value = 1024, source = "https://example.org/b" }

[[model.variants]]
name = "small"
facts.params = { value = "124M", source = "https://example.org/c", alternates = [{ value = "117M", reason = "paper" }] }
"#)]);
        assert_eq!(errors, vec![]);
        let m = &kb.models()[0];
        assert_eq!(m.name, "GPT-2");
        assert_eq!(m.variants[0].facts[0].value, FactValue::Number(124e6));
        assert_eq!(
            m.variants[0].facts[0].alternates[0].value,
            FactValue::Number(117e6)
        );
        assert_eq!(m.facts_for(Attribute::Context, Some(0)).len(), 1);
        assert_eq!(m.facts_for(Attribute::Params, None).len(), 1);
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let (_, errors) = load_sources(&[src(
            "[[model]]\nid = \"x\"\nfacts.context = { value = \"lots\", source = \"u\" }\n",
        )]);
        assert_eq!(errors.len(), 1);
        let e = errors[0].to_string();
        assert!(e.starts_with("test.toml:3:"), "{e}");
        assert!(e.contains("`context`"), "{e}");
    }

    #[test]
    fn syntax_errors_are_located() {
        let (_, errors) = load_sources(&[src("[[model]]\nid = \"x\"\nname = \n")]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 3, "{}", errors[0]);
    }

    #[test]
    fn unknown_keys_are_errors() {
        let (_, errors) = load_sources(&[src("[[model]]\nid = \"x\"\nparmas = 3\n")]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("parmas"), "{}", errors[0]);
    }

    #[test]
    fn workspace_overrides_a_fact() {
        let base = KbSource {
            origin: KbOrigin::Embedded("kb/a.toml".into()),
            text: "[[model]]\nid = \"m\"\nfacts.context = { value = 1024, source = \"u\" }\nfacts.layers = { value = 12, source = \"u\" }\n".into(),
        };
        let (kb, errors) = load_sources(&[
            base,
            src("[[model]]\nid = \"m\"\nfacts.context = { value = 2048, source = \"v\" }\n"),
        ]);
        assert_eq!(errors, vec![]);
        let m = &kb.models()[0];
        assert!(m.from_workspace);
        assert_eq!(
            m.fact(Attribute::Context).unwrap().value,
            FactValue::Number(2048.0)
        );
        assert_eq!(
            m.fact(Attribute::Layers).unwrap().value,
            FactValue::Number(12.0)
        );
    }

    #[test]
    fn embedded_kb_loads_without_errors() {
        let (_, errors) = load_sources(&crate::kb::embedded_sources());
        let msgs: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert!(msgs.is_empty(), "{msgs:#?}");
    }
}
