//! LN004 unknown-model.

use std::path::Path;

use crate::kb::Kb;
use crate::mentions::{Mention, MentionMatcher};

use super::{Finding, Rule};

pub const DOC: &str = "\
## LN004 unknown-model

**What it does.** Reports a name shaped like a known model family plus a version \
(`GPT-6`, `Qwen4`) that the knowledge base does not know.

**Why.** Either the knowledge base needs the model (add it in a workspace KB file, \
see `[kb] paths` in `llmnotes.toml`) or the name is wrong. Numbers next to an \
unknown model are not checked.

**Silence it.** `<!-- llmnotes-disable-next-line unknown-model -->` above the line.";

pub fn check(
    _kb: &Kb,
    matcher: &MentionMatcher,
    path: &Path,
    masked: &str,
    mentions: &[Mention],
) -> Vec<Finding> {
    matcher
        .unknown_names(masked, mentions)
        .into_iter()
        .map(|span| {
            let name = masked[span.clone()].to_string();
            let mut f = Finding::new(
                Rule::UnknownModel,
                path.to_path_buf(),
                span,
                format!(
                    "`{name}` looks like a model name, but the knowledge base does not know it"
                ),
            );
            f.found = Some(name);
            f
        })
        .collect()
}
