//! Checks on a loaded KB that the loader does not make: sources, alias clashes,
//! variant sizes against their labels, impossible numbers; and `stats` for
//! `llmnotes kb stats`.
//!
//! The loader rejects what cannot be parsed; `validate` rejects what parses but
//! would make the linter wrong (a fact without a source, one alias on two models,
//! a `7B` variant with 70B parameters). Every error is located at the fact or the
//! model it is about. Line and column need the file's text: `validate` looks it up
//! among the embedded files, `validate_sources` among the files the caller loaded.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use super::{
    embedded_sources, fold, Attribute, Fact, FactValue, Kb, KbDate, KbError, KbModel, KbOrigin,
    KbSource, ModelKind,
};

/// The last release date the KB accepts; anything later is a typo.
pub const LATEST_DATE: KbDate = KbDate {
    year: 2026,
    month: Some(12),
    day: Some(31),
};

/// How far a variant's parameter count may stray from the size in its label
/// (`7B`, `A2.7B`), as a fraction of that size.
pub const SIZE_TOLERANCE: f64 = 0.15;

impl KbError {
    /// An error at `span` of a file; `text` is the file's text, used for line and
    /// column (both 0 when it is not available).
    pub fn at(
        origin: &KbOrigin,
        text: Option<&str>,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> KbError {
        let (line, column) = text
            .map(|t| super::load::line_col(t, span.start))
            .unwrap_or((0, 0));
        KbError {
            origin: origin.clone(),
            line,
            column,
            span,
            message: message.into(),
        }
    }
}

/// Validates a KB whose files are the embedded ones (positions in workspace
/// files are reported as line 0; use `validate_sources` for those).
pub fn validate(kb: &Kb) -> Vec<KbError> {
    validate_sources(kb, &embedded_sources())
}

/// Validates a KB; `sources` are the files it was loaded from, for line and column.
pub fn validate_sources(kb: &Kb, sources: &[KbSource]) -> Vec<KbError> {
    let texts: HashMap<&KbOrigin, &str> = sources
        .iter()
        .map(|s| (&s.origin, s.text.as_str()))
        .collect();
    let mut v = Validator {
        texts,
        errors: Vec::new(),
    };
    v.check_ids(kb);
    v.check_aliases(kb);
    for m in kb.models() {
        v.check_model(m);
    }
    v.errors
}

struct Validator<'a> {
    texts: HashMap<&'a KbOrigin, &'a str>,
    errors: Vec<KbError>,
}

impl Validator<'_> {
    fn push(&mut self, origin: &KbOrigin, span: Range<usize>, msg: String) {
        let text = self.texts.get(origin).copied();
        self.errors.push(KbError::at(origin, text, span, msg));
    }

    fn at_model(&mut self, m: &KbModel, msg: String) {
        self.push(&m.origin, m.span.clone(), msg);
    }

    fn at_fact(&mut self, f: &Fact, msg: String) {
        self.push(&f.origin, f.span.clone(), msg);
    }

    fn check_ids(&mut self, kb: &Kb) {
        let mut seen: HashMap<&str, &KbModel> = HashMap::new();
        for m in kb.models() {
            if let Some(first) = seen.get(m.id.as_str()) {
                let where_ = first.origin.display_name();
                self.at_model(
                    m,
                    format!("model id `{}` is already used in {where_}", m.id),
                );
            } else {
                seen.insert(&m.id, m);
            }
        }
    }

    /// No folded name is claimed by two models, unless an `[[ambiguous]]` entry
    /// declares it for both.
    fn check_aliases(&mut self, kb: &Kb) {
        let mut owners: BTreeMap<String, Vec<(usize, &str, String)>> = BTreeMap::new();
        for (i, m) in kb.models().iter().enumerate() {
            let mut claims: Vec<(&str, &String)> = vec![("id", &m.id), ("name", &m.name)];
            claims.extend(m.aliases.iter().map(|a| ("alias", a)));
            claims.extend(m.misspellings.iter().map(|a| ("misspelling", a)));
            let mut mine: Vec<String> = Vec::new();
            for (what, text) in claims {
                let key = fold(text);
                if key.is_empty() || mine.contains(&key) {
                    continue;
                }
                mine.push(key.clone());
                owners.entry(key).or_default().push((i, what, text.clone()));
            }
        }
        for (key, claims) in owners {
            if claims.len() < 2 {
                continue;
            }
            let declared = kb.ambiguous.iter().find(|a| fold(&a.alias) == key);
            let (first_i, first_what, first_text) = &claims[0];
            let first = &kb.models()[*first_i];
            for (i, what, text) in &claims[1..] {
                let m = &kb.models()[*i];
                if declared
                    .is_some_and(|a| a.models.contains(&m.id) && a.models.contains(&first.id))
                {
                    continue;
                }
                let msg = format!(
                    "{what} `{text}` of `{}` folds to `{key}`, which is already the {first_what} \
                     `{first_text}` of `{}` ({}); remove one, or declare it in an [[ambiguous]] entry",
                    m.id,
                    first.id,
                    first.origin.display_name()
                );
                self.at_model(m, msg);
            }
        }
    }

    fn check_model(&mut self, m: &KbModel) {
        if m.kind == ModelKind::Family {
            let n = m.facts.len()
                + m.variants.iter().map(|v| v.facts.len()).sum::<usize>()
                + usize::from(m.released.is_some());
            if n > 0 {
                self.at_model(
                    m,
                    format!(
                        "`{}` is a family (an umbrella name, never checked) but states {n} fact(s); \
                         move them to a model entry",
                        m.id
                    ),
                );
            }
        }
        if let Some(p) = &m.paper {
            if !is_url(&p.url) {
                self.at_model(
                    m,
                    format!("paper of `{}`: `{}` is not an http(s) URL", m.id, p.url),
                );
            }
        }
        let own: Vec<String> = std::iter::once(&m.name)
            .chain(&m.aliases)
            .map(|n| fold(n))
            .collect();
        for w in &m.misspellings {
            if own.contains(&fold(w)) {
                self.at_model(
                    m,
                    format!(
                        "misspelling `{w}` of `{}` folds to its own name or an alias, so it \
                         would flag correct spellings; remove it",
                        m.id
                    ),
                );
            }
        }
        if let Some(r) = &m.released {
            self.check_fact(m, None, r);
        }
        for f in &m.facts {
            self.check_fact(m, None, f);
        }
        let mut names: Vec<String> = Vec::new();
        for v in &m.variants {
            let key = fold(&v.name);
            let span_of_variant = v
                .facts
                .first()
                .map(|f| (f.origin.clone(), f.span.clone()))
                .unwrap_or((m.origin.clone(), m.span.clone()));
            if names.contains(&key) {
                self.push(
                    &span_of_variant.0,
                    span_of_variant.1.clone(),
                    format!("variant `{}` of `{}` is listed twice", v.name, m.id),
                );
            }
            names.push(key.clone());
            let own = key;
            for a in &v.aliases {
                let key = fold(a);
                if key == own {
                    self.push(
                        &span_of_variant.0,
                        span_of_variant.1.clone(),
                        format!(
                            "variant alias `{a}` of `{}` {} folds to the variant name itself; \
                             remove it (case, spaces, `-` and `_` are folded anyway)",
                            m.id, v.name
                        ),
                    );
                } else if names.contains(&key) {
                    self.push(
                        &span_of_variant.0,
                        span_of_variant.1.clone(),
                        format!(
                            "variant alias `{a}` of `{}` repeats another variant name of `{}`",
                            v.name, m.id
                        ),
                    );
                }
                names.push(key);
            }
            for f in &v.facts {
                self.check_fact(m, Some(&v.name), f);
            }
        }
        for (i, v) in m.variants.iter().enumerate() {
            self.check_size(m, i, &v.name);
        }
        for (small, big) in [
            (Attribute::KvHeads, Attribute::Heads),
            (Attribute::ActiveParams, Attribute::Params),
        ] {
            self.check_not_above(m, None, small, big);
            for i in 0..m.variants.len() {
                self.check_not_above(m, Some(i), small, big);
            }
        }
    }

    fn check_fact(&mut self, m: &KbModel, variant: Option<&str>, f: &Fact) {
        let who = match variant {
            Some(v) => format!("`{}` {v}", m.id),
            None => format!("`{}`", m.id),
        };
        let attr = f.attribute;
        let src = f.source.trim();
        if src.is_empty() {
            let key = if attr == Attribute::Released {
                "released_source"
            } else {
                "source"
            };
            self.at_fact(
                f,
                format!(
                    "{attr} of {who} has no source: add `{key}` with the URL of a primary source"
                ),
            );
        } else if !(src.starts_with("https://") || src.starts_with("http://"))
            || src.contains(char::is_whitespace)
        {
            self.at_fact(
                f,
                format!("{attr} of {who}: source `{src}` is not an http(s) URL"),
            );
        }
        for a in &f.alternates {
            if a.value == f.value {
                self.at_fact(
                    f,
                    format!("{attr} of {who}: an alternate repeats the value itself"),
                );
            }
            if a.reason.trim().is_empty() {
                self.at_fact(f, format!("{attr} of {who}: an alternate has no reason"));
            }
        }
        for (i, a) in f.alternates.iter().enumerate() {
            if f.alternates[..i].iter().any(|b| b.value == a.value) {
                self.at_fact(f, format!("{attr} of {who}: an alternate is listed twice"));
            }
        }
        for value in f.accepted_values() {
            match value {
                FactValue::Date(d) => {
                    if d.day_range().0 > LATEST_DATE.day_range().1 {
                        self.at_fact(
                            f,
                            format!("{attr} of {who}: {d} is after {LATEST_DATE}; a typo?"),
                        );
                    }
                }
                FactValue::Number(n) => {
                    let counted = matches!(
                        attr,
                        Attribute::Context
                            | Attribute::Layers
                            | Attribute::Hidden
                            | Attribute::Heads
                            | Attribute::KvHeads
                            | Attribute::Vocab
                    );
                    if counted && n.fract() != 0.0 {
                        self.at_fact(f, format!("{attr} of {who}: {n} is not a whole number"));
                    }
                }
            }
        }
    }

    /// The fact for `attr` that applies to variant `vi` (its own, else the model's).
    fn effective(m: &KbModel, vi: Option<usize>, attr: Attribute) -> Option<&Fact> {
        vi.and_then(|i| m.variants[i].facts.iter().find(|f| f.attribute == attr))
            .or_else(|| m.fact(attr))
    }

    /// `small` may not exceed `big` (kv_heads ≤ heads, active_params ≤ params),
    /// for the model and for each variant, where at least one of the two is stated.
    fn check_not_above(
        &mut self,
        m: &KbModel,
        vi: Option<usize>,
        small: Attribute,
        big: Attribute,
    ) {
        let own = |attr| match vi {
            Some(i) => m.variants[i].facts.iter().any(|f| f.attribute == attr),
            None => m.facts.iter().any(|f| f.attribute == attr),
        };
        if !own(small) && !own(big) {
            return;
        }
        let (Some(s), Some(b)) = (Self::effective(m, vi, small), Self::effective(m, vi, big))
        else {
            return;
        };
        let (Some(sn), Some(bn)) = (s.value.as_number(), b.value.as_number()) else {
            return;
        };
        if sn > bn {
            let who = match vi {
                Some(i) => format!("`{}` {}", m.id, m.variants[i].name),
                None => format!("`{}`", m.id),
            };
            self.at_fact(
                s,
                format!(
                    "{small} of {who} is {}, more than its {big} ({})",
                    super::format_value(small, sn),
                    super::format_value(big, bn)
                ),
            );
        }
    }

    /// A variant labelled with a size (`7B`, `MoE-A2.7B`, `57B-A14B`, `8x7B`) must
    /// have parameters near that size.
    fn check_size(&mut self, m: &KbModel, vi: usize, label: &str) {
        let Some(size) = parse_size_label(label) else {
            return;
        };
        let checks = [
            (Attribute::Params, size.total),
            (Attribute::ActiveParams, size.active),
        ];
        for (attr, want) in checks {
            let Some(want) = want else { continue };
            let Some(f) = m.variants[vi].facts.iter().find(|f| f.attribute == attr) else {
                continue;
            };
            let ok = f.accepted_values().any(|v| match v.as_number() {
                Some(n) => want.matches(n),
                None => true,
            });
            if !ok {
                let got = f.value.as_number().unwrap_or(0.0);
                self.at_fact(
                    f,
                    format!(
                        "{attr} of `{}` {label} is {}, but the label says {}; fix the value, or \
                         add the nominal size as an alternate with its reason",
                        m.id,
                        super::format_value(attr, got),
                        want.describe(attr)
                    ),
                );
            }
        }
    }
}

/// The sizes a variant label states.
#[derive(Debug, Clone, Copy, PartialEq)]
struct SizeLabel {
    total: Option<Expected>,
    active: Option<Expected>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expected {
    /// About this many (within `SIZE_TOLERANCE`).
    About(f64),
    /// `8x7B`: experts share weights, so between one expert and all of them.
    Between(f64, f64),
}

impl Expected {
    fn matches(self, n: f64) -> bool {
        match self {
            Expected::About(s) => (n - s).abs() <= s * SIZE_TOLERANCE,
            Expected::Between(lo, hi) => n >= lo && n <= hi * (1.0 + SIZE_TOLERANCE),
        }
    }
    fn describe(self, attr: Attribute) -> String {
        match self {
            Expected::About(s) => format!(
                "{} (±{}%)",
                super::format_value(attr, s),
                SIZE_TOLERANCE * 100.0
            ),
            Expected::Between(lo, hi) => format!(
                "between {} and {}",
                super::format_value(attr, lo),
                super::format_value(attr, hi)
            ),
        }
    }
}

/// Reads `7B`, `1.5B`, `124M`, `1T`, `A2.7B`, `MoE-A2.7B`, `57B-A14B`, `8x7B`
/// (parts separated by `-`, `_` or spaces); `None` when no part is a size.
fn parse_size_label(label: &str) -> Option<SizeLabel> {
    let mut out = SizeLabel {
        total: None,
        active: None,
    };
    for part in label.split(['-', '_', ' ']) {
        if let Some(rest) = part.strip_prefix(['A', 'a']) {
            if let Some(n) = parse_size(rest) {
                out.active = Some(Expected::About(n));
                continue;
            }
        }
        if let Some((k, rest)) = part.split_once(['x', 'X']) {
            if let (Ok(k), Some(n)) = (k.parse::<u32>(), parse_size(rest)) {
                if k > 0 {
                    out.total = Some(Expected::Between(n, n * f64::from(k)));
                }
                continue;
            }
        }
        if let Some(n) = parse_size(part) {
            out.total = Some(Expected::About(n));
        }
    }
    (out.total.is_some() || out.active.is_some()).then_some(out)
}

fn parse_size(s: &str) -> Option<f64> {
    let (digits, mult) = match s.chars().last()? {
        'M' | 'm' => (&s[..s.len() - 1], 1e6),
        'B' | 'b' => (&s[..s.len() - 1], 1e9),
        'T' | 't' => (&s[..s.len() - 1], 1e12),
        _ => return None,
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    digits
        .parse::<f64>()
        .ok()
        .filter(|n| *n > 0.0)
        .map(|n| n * mult)
}

/// Counts for `llmnotes kb stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KbStats {
    /// Entries of kind `model`.
    pub models: usize,
    /// Entries of kind `family`.
    pub families: usize,
    pub variants: usize,
    /// Facts, counting `released` and every variant's facts.
    pub facts: usize,
    /// Facts whose source is an http(s) URL.
    pub sourced_facts: usize,
    /// Facts that carry alternates.
    pub facts_with_alternates: usize,
    /// Per attribute: (facts, sourced facts).
    pub per_attribute: BTreeMap<Attribute, FieldStats>,
    /// Per file (display name): entries defined there.
    pub models_per_file: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldStats {
    pub facts: usize,
    pub sourced: usize,
}

fn is_url(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace)
}

/// Counts models, variants and facts, and how many facts are sourced, per field.
pub fn stats(kb: &Kb) -> KbStats {
    let mut st = KbStats::default();
    for m in kb.models() {
        match m.kind {
            ModelKind::Model => st.models += 1,
            ModelKind::Family => st.families += 1,
        }
        *st.models_per_file
            .entry(m.origin.display_name())
            .or_default() += 1;
        st.variants += m.variants.len();
        let facts = m
            .released
            .iter()
            .chain(&m.facts)
            .chain(m.variants.iter().flat_map(|v| &v.facts));
        for f in facts {
            st.facts += 1;
            let e = st.per_attribute.entry(f.attribute).or_default();
            e.facts += 1;
            if is_url(&f.source) {
                st.sourced_facts += 1;
                e.sourced += 1;
            }
            if !f.alternates.is_empty() {
                st.facts_with_alternates += 1;
            }
        }
    }
    st
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::load_sources;

    fn check(text: &str) -> Vec<String> {
        let src = KbSource {
            origin: KbOrigin::Workspace("t.toml".into()),
            text: text.to_string(),
        };
        let (kb, errors) = load_sources(std::slice::from_ref(&src));
        assert_eq!(errors, vec![], "test TOML must load");
        validate_sources(&kb, &[src])
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    const U: &str = "https://example.org/a";

    #[test]
    fn a_clean_model_passes() {
        let errs = check(&format!(
            r#"
[[model]]
id = "qwen2"
name = "Qwen2"
released = "2024-06-07"
released_source = "{U}"
facts.context = {{ value = 32768, source = "{U}" }}
[[model.variants]]
name = "57B-A14B"
facts.params = {{ value = "57.4B", source = "{U}" }}
facts.active_params = {{ value = "14.3B", source = "{U}" }}
facts.heads = {{ value = 28, source = "{U}" }}
facts.kv_heads = {{ value = 4, source = "{U}" }}
"#
        ));
        assert_eq!(errs, Vec::<String>::new());
    }

    #[test]
    fn facts_need_a_url_source() {
        let errs = check(
            "[[model]]\nid = \"m\"\nreleased = \"2024\"\nfacts.context = { value = 4096 }\n\
             facts.layers = { value = 4, source = \"the paper\" }\n",
        );
        assert_eq!(errs.len(), 3, "{errs:#?}");
        assert!(errs[0].starts_with("t.toml:3:"), "{errs:#?}");
        assert!(errs[0].contains("released_source"), "{errs:#?}");
        assert!(errs
            .iter()
            .any(|e| e.starts_with("t.toml:4:") && e.contains("no source")));
        assert!(errs
            .iter()
            .any(|e| e.starts_with("t.toml:5:") && e.contains("not an http")));
    }

    #[test]
    fn an_alias_on_two_models_is_an_error_unless_declared() {
        let two = "[[model]]\nid = \"yi\"\nname = \"Yi\"\n\n[[model]]\nid = \"yi-x\"\naliases = [\"YI\"]\n";
        let errs = check(two);
        assert_eq!(errs.len(), 1, "{errs:#?}");
        assert!(errs[0].starts_with("t.toml:6:"), "{errs:#?}");
        assert!(
            errs[0].contains("`YI`") && errs[0].contains("`yi`"),
            "{errs:#?}"
        );
        let declared = format!(
            "{two}\n[[ambiguous]]\nalias = \"Yi\"\nmodels = [\"yi\", \"yi-x\"]\nreason = \"test\"\n"
        );
        assert_eq!(check(&declared), Vec::<String>::new());
    }

    #[test]
    fn folding_applies_to_alias_clashes() {
        let errs = check(
            "[[model]]\nid = \"deepseek-v3\"\nname = \"DeepSeek-V3\"\n\n\
             [[model]]\nid = \"other\"\naliases = [\"deepseek v3\"]\n",
        );
        assert_eq!(errs.len(), 1, "{errs:#?}");
    }

    #[test]
    fn an_alias_repeating_its_own_name_is_fine() {
        let errs = check("[[model]]\nid = \"gpt-2\"\nname = \"GPT-2\"\naliases = [\"GPT2\"]\n");
        assert_eq!(errs, Vec::<String>::new());
    }

    #[test]
    fn duplicate_ids_are_reported() {
        let src = KbSource {
            origin: KbOrigin::Workspace("t.toml".into()),
            text: "[[model]]\nid = \"a\"\n".into(),
        };
        let (kb, _) = load_sources(std::slice::from_ref(&src));
        let m = kb.models()[0].clone();
        let kb = Kb::from_models(vec![m.clone(), m], vec![]);
        let errs = validate_sources(&kb, &[src]);
        assert!(
            errs.iter().any(|e| e.message.contains("already used")),
            "{errs:#?}"
        );
    }

    #[test]
    fn variant_names_are_unique() {
        let errs = check(&format!(
            "[[model]]\nid = \"m\"\n[[model.variants]]\nname = \"7B\"\n\
             [[model.variants]]\nname = \"7b\"\nfacts.layers = {{ value = 32, source = \"{U}\" }}\n"
        ));
        assert_eq!(errs.len(), 1, "{errs:#?}");
        assert!(
            errs[0].contains("listed twice") && errs[0].starts_with("t.toml:7:"),
            "{errs:#?}"
        );
    }

    #[test]
    fn a_variant_alias_equal_to_its_name_is_reported() {
        let errs = check(
            "[[model]]\nid = \"m\"\n[[model.variants]]\nname = \"80K\"\naliases = [\"80k\"]\n",
        );
        assert_eq!(errs.len(), 1, "{errs:#?}");
        assert!(
            errs[0].contains("folds to the variant name itself"),
            "{errs:#?}"
        );
    }

    #[test]
    fn misspellings_must_differ_from_the_name() {
        let errs = check(
            "[[model]]\nid = \"m\"\nname = \"LLaMA\"\nmisspellings = [\"llama\", \"LLamma\"]\n",
        );
        assert_eq!(errs.len(), 1, "{errs:#?}");
        assert!(errs[0].contains("`llama`"), "{errs:#?}");
    }

    #[test]
    fn paper_urls_are_urls() {
        let errs =
            check("[[model]]\nid = \"m\"\npaper = { title = \"t\", url = \"arXiv:2401.02954\" }\n");
        assert_eq!(errs.len(), 1, "{errs:#?}");
    }

    #[test]
    fn families_have_no_facts() {
        let errs = check(&format!(
            "[[model]]\nid = \"kimi\"\nkind = \"family\"\nfacts.context = {{ value = 8192, source = \"{U}\" }}\n"
        ));
        assert_eq!(errs.len(), 1, "{errs:#?}");
        assert!(errs[0].contains("family"), "{errs:#?}");
        assert!(errs[0].starts_with("t.toml:2:"), "{errs:#?}");
    }

    #[test]
    fn variant_sizes_match_their_labels() {
        let model = |name: &str, params: &str, active: &str| {
            format!(
                "[[model]]\nid = \"m\"\n[[model.variants]]\nname = \"{name}\"\n\
                 facts.params = {{ value = \"{params}\", source = \"{U}\" }}\n\
                 facts.active_params = {{ value = \"{active}\", source = \"{U}\" }}\n"
            )
        };
        assert_eq!(check(&model("7B", "7.7B", "7.7B")), Vec::<String>::new());
        assert_eq!(
            check(&model("MoE-A2.7B", "14.3B", "2.7B")),
            Vec::<String>::new()
        );
        assert_eq!(
            check(&model("8x7B", "46.7B", "12.9B")),
            Vec::<String>::new()
        );
        let errs = check(&model("7B", "70B", "7B"));
        assert_eq!(errs.len(), 1, "{errs:#?}");
        assert!(
            errs[0].contains("label says 7B") && errs[0].starts_with("t.toml:5:"),
            "{errs:#?}"
        );
        let errs = check(&model("MoE-A2.7B", "14.3B", "14.3B"));
        assert_eq!(errs.len(), 1, "{errs:#?}");
        assert!(errs[0].contains("active_params"), "{errs:#?}");
        let errs = check(&model("235B-A22B", "235B", "32B"));
        assert_eq!(errs.len(), 1, "{errs:#?}");
        assert_eq!(check(&model("8x7B", "100B", "12.9B")).len(), 1);
        // A nominal alternate within the tolerance is accepted.
        let alt = format!(
            "[[model]]\nid = \"m\"\n[[model.variants]]\nname = \"7B\"\n\
             facts.params = {{ value = \"8.5B\", source = \"{U}\", alternates = [{{ value = \"7B\", reason = \"nominal\" }}] }}\n"
        );
        assert_eq!(check(&alt), Vec::<String>::new());
    }

    #[test]
    fn size_labels_parse() {
        assert_eq!(parse_size_label("small"), None);
        assert_eq!(parse_size_label("Base"), None);
        assert_eq!(
            parse_size_label("1.5B").unwrap().total,
            Some(Expected::About(1.5e9))
        );
        let l = parse_size_label("57B-A14B").unwrap();
        assert_eq!(l.total, Some(Expected::About(57e9)));
        assert_eq!(l.active, Some(Expected::About(14e9)));
        assert_eq!(parse_size_label("A3B").unwrap().total, None);
        assert_eq!(
            parse_size_label("8x22B").unwrap().total,
            Some(Expected::Between(22e9, 176e9))
        );
    }

    #[test]
    fn kv_heads_cannot_exceed_heads() {
        let errs = check(&format!(
            "[[model]]\nid = \"m\"\nfacts.heads = {{ value = 32, source = \"{U}\" }}\n\
             [[model.variants]]\nname = \"big\"\nfacts.kv_heads = {{ value = 64, source = \"{U}\" }}\n"
        ));
        assert_eq!(errs.len(), 1, "{errs:#?}");
        assert!(
            errs[0].contains("kv_heads") && errs[0].starts_with("t.toml:6:"),
            "{errs:#?}"
        );
    }

    #[test]
    fn active_params_cannot_exceed_params() {
        let errs = check(&format!(
            "[[model]]\nid = \"m\"\nfacts.params = {{ value = \"10B\", source = \"{U}\" }}\n\
             facts.active_params = {{ value = \"20B\", source = \"{U}\" }}\n"
        ));
        assert_eq!(errs.len(), 1, "{errs:#?}");
    }

    #[test]
    fn dates_after_2026_are_errors() {
        let errs = check(&format!(
            "[[model]]\nid = \"m\"\nreleased = \"2027-01\"\nreleased_source = \"{U}\"\n\
             released_alternates = [{{ value = \"2030\", reason = \"typo\" }}]\n"
        ));
        assert_eq!(errs.len(), 2, "{errs:#?}");
        assert!(errs[0].contains("after 2026-12-31"), "{errs:#?}");
        let ok = check(&format!(
            "[[model]]\nid = \"m\"\nreleased = \"2026-12\"\nreleased_source = \"{U}\"\n"
        ));
        assert_eq!(ok, Vec::<String>::new());
    }

    #[test]
    fn alternates_differ_from_the_value() {
        let errs = check(&format!(
            "[[model]]\nid = \"m\"\nfacts.context = {{ value = 131072, source = \"{U}\", \
             alternates = [{{ value = 131072, reason = \"same\" }}] }}\n\
             facts.params = {{ value = \"1.5B\", source = \"{U}\", \
             alternates = [{{ value = \"1500M\", reason = \"same, other unit\" }}] }}\n"
        ));
        assert_eq!(errs.len(), 2, "{errs:#?}");
        assert!(
            errs.iter().all(|e| e.contains("repeats the value")),
            "{errs:#?}"
        );
    }

    #[test]
    fn counts_are_whole_numbers() {
        let errs = check(&format!(
            "[[model]]\nid = \"m\"\nfacts.layers = {{ value = 32.5, source = \"{U}\" }}\n"
        ));
        assert_eq!(errs.len(), 1, "{errs:#?}");
    }

    #[test]
    fn stats_count_facts_per_field() {
        let src = KbSource {
            origin: KbOrigin::Workspace("t.toml".into()),
            text: format!(
                "[[model]]\nid = \"m\"\nreleased = \"2024\"\nreleased_source = \"{U}\"\n\
                 facts.context = {{ value = 4096 }}\n\
                 [[model.variants]]\nname = \"7B\"\nfacts.params = {{ value = \"7B\", source = \"{U}\" }}\n\
                 [[model]]\nid = \"f\"\nkind = \"family\"\n"
            ),
        };
        let (kb, errors) = load_sources(&[src]);
        assert!(errors.is_empty());
        let st = stats(&kb);
        assert_eq!((st.models, st.families, st.variants), (1, 1, 1));
        assert_eq!((st.facts, st.sourced_facts), (3, 2));
        assert_eq!(
            st.per_attribute[&Attribute::Context],
            FieldStats {
                facts: 1,
                sourced: 0
            }
        );
        assert_eq!(st.models_per_file["t.toml"], 2);
    }

    #[test]
    fn embedded_kb_validates() {
        let kb = Kb::embedded();
        let errs: Vec<String> = validate(&kb).iter().map(|e| e.to_string()).collect();
        assert!(
            errs.is_empty(),
            "embedded KB has {} problem(s):\n{}",
            errs.len(),
            errs.join("\n")
        );
    }
}
