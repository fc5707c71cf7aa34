//! LN005 spelling.

use std::path::Path;

use crate::kb::Kb;
use crate::mentions::{Mention, MentionForm};

use super::{Edit, Finding, Fix, Rule};

pub const DOC: &str = "\
## LN005 spelling

**What it does.** Flags a known model written in a misspelled form (`LLamma-1` for \
LLaMA, `RoBertTa` for RoBERTa). Case and separators are not misspellings: `Llama`, \
`LLaMA` and `LLAMA` are the same name, and so are `GPT2` and `GPT-2`.

**Fix.** Safe: replaces the misspelled part with the canonical spelling \
(`llmnotes check --fix`).

**Silence it.** `<!-- llmnotes-disable-next-line spelling -->` above the line.";

pub fn check(kb: &Kb, path: &Path, text: &str, mentions: &[Mention]) -> Vec<Finding> {
    mentions
        .iter()
        .filter(|m| m.form == MentionForm::Misspelling)
        .filter_map(|m| {
            let (span, right) = m.correction.clone()?;
            let wrong = text.get(span.clone())?;
            let model = kb.model(m.model);
            let mut f = Finding::new(
                Rule::Spelling,
                path.to_path_buf(),
                m.span.clone(),
                format!(
                    "`{wrong}` is a misspelling of `{right}` ({}; knowledge base: {}, entry `{}`)",
                    model.name,
                    model.origin.display_name(),
                    model.id
                ),
            );
            f.model = Some(model.id.clone());
            f.found = Some(wrong.to_string());
            f.expected = Some(right.clone());
            f.source = model.paper.as_ref().map(|p| p.url.clone());
            f.fix = Some(Fix {
                title: format!("Write `{right}`"),
                edits: vec![Edit {
                    span,
                    new_text: right,
                }],
                safe: true,
            });
            Some(f)
        })
        .collect()
}
