//! LN004 unknown-model.

pub const DOC: &str = "\
## LN004 unknown-model

**What it does.** Reports a name shaped like a known model family plus a version \
(`GPT-6`, `Qwen4`) that the knowledge base does not know.

**Why.** Either the knowledge base needs the model (add it in a workspace KB file, \
see `[kb] paths` in `llmnotes.toml`) or the name is wrong.

**Silence it.** `<!-- llmnotes-disable-next-line unknown-model -->` above the line.";

use std::path::Path;

use crate::kb::Kb;
use crate::mentions::{Mention, MentionMatcher};

use super::Finding;

pub fn check(
    _kb: &Kb,
    _matcher: &MentionMatcher,
    _path: &Path,
    _masked: &str,
    _mentions: &[Mention],
) -> Vec<Finding> {
    Vec::new()
}
