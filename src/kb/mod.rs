//! The knowledge base: canonical models, their aliases and their sourced facts.
//!
//! Data, not code: TOML files under `kb/` are embedded at build time
//! (`Kb::embedded`), and a workspace may add files (`Kb::load`). The schema is
//! documented in `kb/README.md`; `schema.rs` holds the serde shape of one file and
//! `load.rs` turns it into the types below, with errors that name file, line and
//! field. Nothing here does IO except reading the overlay files the caller names.

mod date;
mod load;
mod schema;
mod validate;
mod value;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

pub use date::KbDate;
pub use load::{load_sources, KbError};
pub use validate::{stats, validate, validate_sources, FieldStats, KbStats};
pub use value::format_value;

/// Where a KB file came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KbOrigin {
    /// Compiled into the binary; the name is its path in the repository (`kb/openai.toml`).
    Embedded(String),
    /// A workspace file named in `llmnotes.toml`.
    Workspace(PathBuf),
}

impl KbOrigin {
    pub fn display_name(&self) -> String {
        match self {
            KbOrigin::Embedded(n) => n.clone(),
            KbOrigin::Workspace(p) => p.display().to_string(),
        }
    }
}

/// One KB file's text, as handed to the loader.
#[derive(Debug, Clone)]
pub struct KbSource {
    pub origin: KbOrigin,
    pub text: String,
}

/// The attributes a fact can be about. The TOML key is `Attribute::key`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attribute {
    Params,
    ActiveParams,
    Context,
    Layers,
    Hidden,
    Heads,
    KvHeads,
    Vocab,
    TrainingTokens,
    TrainingBytes,
    TrainingDocuments,
    Released,
}

impl Attribute {
    pub const ALL: [Attribute; 12] = [
        Attribute::Params,
        Attribute::ActiveParams,
        Attribute::Context,
        Attribute::Layers,
        Attribute::Hidden,
        Attribute::Heads,
        Attribute::KvHeads,
        Attribute::Vocab,
        Attribute::TrainingTokens,
        Attribute::TrainingBytes,
        Attribute::TrainingDocuments,
        Attribute::Released,
    ];

    /// The key used in TOML, JSON output and configuration.
    pub fn key(self) -> &'static str {
        match self {
            Attribute::Params => "params",
            Attribute::ActiveParams => "active_params",
            Attribute::Context => "context",
            Attribute::Layers => "layers",
            Attribute::Hidden => "hidden",
            Attribute::Heads => "heads",
            Attribute::KvHeads => "kv_heads",
            Attribute::Vocab => "vocab",
            Attribute::TrainingTokens => "training_tokens",
            Attribute::TrainingBytes => "training_bytes",
            Attribute::TrainingDocuments => "training_documents",
            Attribute::Released => "released",
        }
    }

    /// Human label, used in messages and facts cards.
    pub fn label(self) -> &'static str {
        match self {
            Attribute::Params => "parameters",
            Attribute::ActiveParams => "active parameters",
            Attribute::Context => "context window",
            Attribute::Layers => "layers",
            Attribute::Hidden => "hidden size",
            Attribute::Heads => "attention heads",
            Attribute::KvHeads => "KV heads",
            Attribute::Vocab => "vocabulary size",
            Attribute::TrainingTokens => "training tokens",
            Attribute::TrainingBytes => "training data size",
            Attribute::TrainingDocuments => "training documents",
            Attribute::Released => "release date",
        }
    }

    pub fn from_key(key: &str) -> Option<Attribute> {
        Attribute::ALL.into_iter().find(|a| a.key() == key)
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A fact's value. Numbers are exact base units (parameters, tokens, bytes...).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FactValue {
    Number(f64),
    Date(KbDate),
}

impl FactValue {
    pub fn as_number(&self) -> Option<f64> {
        match self {
            FactValue::Number(n) => Some(*n),
            FactValue::Date(_) => None,
        }
    }
    pub fn as_date(&self) -> Option<KbDate> {
        match self {
            FactValue::Date(d) => Some(*d),
            FactValue::Number(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alternate {
    pub value: FactValue,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub attribute: Attribute,
    pub value: FactValue,
    /// URL of the primary source.
    pub source: String,
    /// Other figures that are also right (reported vs counted, rounded forms).
    pub alternates: Vec<Alternate>,
    pub note: Option<String>,
    /// The file and byte span of the value in that file.
    pub origin: KbOrigin,
    pub span: Range<usize>,
}

impl Fact {
    /// The value and every accepted alternate.
    pub fn accepted_values(&self) -> impl Iterator<Item = FactValue> + '_ {
        std::iter::once(self.value).chain(self.alternates.iter().map(|a| a.value))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModelId(pub u32);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelKind {
    /// A concrete release with checkable facts.
    Model,
    /// An umbrella name (混元, Claude, Kimi): recognised, never checked.
    Family,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paper {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Label as written after the model name (`small`, `XL`, `7B`, `MoE-A2.7B`).
    pub name: String,
    pub aliases: Vec<String>,
    pub facts: Vec<Fact>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KbModel {
    /// Stable identifier (`gpt-2`).
    pub id: String,
    /// Canonical display name (`GPT-2`).
    pub name: String,
    /// Other accepted spellings; case, spaces, hyphens and underscores are folded
    /// anyway, so these are the spellings folding does not reach (GPT2 ≠ 通义千问).
    pub aliases: Vec<String>,
    /// Known wrong spellings, reported by LN005 with `name` as the fix.
    pub misspellings: Vec<String>,
    pub kind: ModelKind,
    /// Match the name and aliases only with their exact letter case (for names that
    /// are also English words: OPT, BLOOM, PaLM).
    pub case_sensitive: bool,
    /// The name is also a generic term (Transformer, Seq2Seq): mentions are
    /// recognised and dated, but never taken as the subject of a number.
    pub generic: bool,
    pub org: Option<String>,
    pub released: Option<Fact>,
    pub architecture: Option<String>,
    pub moe: bool,
    pub paper: Option<Paper>,
    pub description: Option<String>,
    /// Facts shared by all variants.
    pub facts: Vec<Fact>,
    pub variants: Vec<Variant>,
    /// Where the model is defined: the file and the span of its `id` value.
    pub origin: KbOrigin,
    pub span: Range<usize>,
    /// Set when a workspace file added or overrode this model.
    pub from_workspace: bool,
}

impl KbModel {
    /// The model-level fact for `attr`, if any.
    pub fn fact(&self, attr: Attribute) -> Option<&Fact> {
        if attr == Attribute::Released {
            return self.released.as_ref();
        }
        self.facts.iter().find(|f| f.attribute == attr)
    }

    /// Every fact that speaks for `attr` for the given variant (or, with no variant,
    /// for any variant): the variant's own facts first, then the model's.
    pub fn facts_for(&self, attr: Attribute, variant: Option<usize>) -> Vec<&Fact> {
        let mut out = Vec::new();
        match variant.and_then(|v| self.variants.get(v)) {
            Some(v) => {
                if let Some(f) = v.facts.iter().find(|f| f.attribute == attr) {
                    out.push(f);
                }
            }
            None => {
                for v in &self.variants {
                    out.extend(v.facts.iter().filter(|f| f.attribute == attr));
                }
            }
        }
        if out.is_empty() || variant.is_none() {
            out.extend(self.fact(attr));
        }
        out
    }

    pub fn is_checkable(&self) -> bool {
        self.kind == ModelKind::Model
    }
}

/// A declared alias shared by several models: recognised, never resolved to one.
#[derive(Debug, Clone, PartialEq)]
pub struct AmbiguousAlias {
    pub alias: String,
    pub models: Vec<String>,
    pub reason: String,
}

/// The whole knowledge base.
#[derive(Debug, Clone, Default)]
pub struct Kb {
    models: Vec<KbModel>,
    by_id: HashMap<String, ModelId>,
    pub ambiguous: Vec<AmbiguousAlias>,
    /// Folded letter stems that some name continues with a version digit
    /// (`qwen` of `Qwen2`), computed once: every note asks.
    versioned_stems: std::collections::HashSet<String>,
}

impl Kb {
    /// The KB compiled into the binary. Its files are checked by the test suite, so
    /// a load error here is a build defect; it is reported on stderr and the valid
    /// part is used.
    pub fn embedded() -> Kb {
        let (kb, errors) = load_sources(&embedded_sources());
        for e in &errors {
            // Only reachable if a KB file in the repository is broken.
            #[allow(clippy::print_stderr)]
            {
                eprintln!("llmnotes: embedded KB: {e}");
            }
        }
        kb
    }

    /// The embedded KB with workspace files laid over it (a workspace model with an
    /// existing id replaces the facts it states).
    pub fn with_overlay(overlay: &[KbSource]) -> (Kb, Vec<KbError>) {
        let mut sources = embedded_sources();
        sources.extend(overlay.iter().cloned());
        load_sources(&sources)
    }

    pub fn models(&self) -> &[KbModel] {
        &self.models
    }

    pub fn model(&self, id: ModelId) -> &KbModel {
        &self.models[id.0 as usize]
    }

    pub fn get(&self, id: ModelId) -> Option<&KbModel> {
        self.models.get(id.0 as usize)
    }

    pub fn id_of(&self, key: &str) -> Option<ModelId> {
        self.by_id.get(key).copied()
    }

    /// Finds a model by id, canonical name or alias, folded like mentions are.
    pub fn find(&self, name: &str) -> Option<ModelId> {
        if let Some(id) = self.id_of(name) {
            return Some(id);
        }
        let want = fold(name);
        self.models
            .iter()
            .position(|m| {
                fold(&m.id) == want
                    || fold(&m.name) == want
                    || m.aliases.iter().any(|a| fold(a) == want)
            })
            .map(|i| ModelId(i as u32))
    }

    pub(crate) fn from_models(models: Vec<KbModel>, ambiguous: Vec<AmbiguousAlias>) -> Kb {
        let by_id = models
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), ModelId(i as u32)))
            .collect();
        let versioned_stems = versioned_stems(&models);
        Kb {
            models,
            by_id,
            ambiguous,
            versioned_stems,
        }
    }

    /// Whether `folded` (all lower-case letters) is the stem of a versioned name:
    /// a bare family name such as `qwen` or `llama`.
    pub fn is_versioned_stem(&self, folded: &str) -> bool {
        self.versioned_stems.contains(folded)
    }
}

fn versioned_stems(models: &[KbModel]) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for m in models {
        for name in std::iter::once(&m.name).chain(m.aliases.iter()) {
            let f = fold(name);
            let stem: String = f.chars().take_while(|c| c.is_ascii_lowercase()).collect();
            if !stem.is_empty() && f[stem.len()..].starts_with(|c: char| c.is_ascii_digit()) {
                out.insert(stem);
            }
        }
    }
    out
}

/// The KB files compiled into the binary, in path order.
pub fn embedded_sources() -> Vec<KbSource> {
    const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/embedded_kb.rs"));
    FILES
        .iter()
        .map(|(name, text)| KbSource {
            origin: KbOrigin::Embedded((*name).to_string()),
            text: (*text).to_string(),
        })
        .collect()
}

/// Folds a name the way mentions are matched: ASCII lower case, with spaces,
/// hyphens and underscores removed (`GPT 2`, `gpt-2`, `GPT_2` → `gpt2`).
pub fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !is_fold_separator(*c))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Characters that folding removes between the parts of a name.
pub fn is_fold_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '_' | '\u{00a0}' | '\u{2010}' | '\u{2011}' | '\u{2013}'
    )
}

/// A KB from one TOML text, for tests that must not depend on the real KB's
/// contents. Panics on a load error: a broken test fixture.
#[cfg(test)]
pub(crate) fn kb_from_toml(text: &str) -> Kb {
    let (kb, errors) = load_sources(&[KbSource {
        origin: KbOrigin::Embedded("test.toml".into()),
        text: text.into(),
    }]);
    assert!(errors.is_empty(), "{errors:?}");
    kb
}
