//! LN001 kb-mismatch.

/// Documentation (Markdown), shown by `llmnotes rule LN001` and on hover.
pub const DOC: &str = "\
## LN001 kb-mismatch

**What it does.** Flags a number that a note states about a model (parameters, \
context window, layers, hidden size, heads, vocabulary, training tokens, training \
data) when it contradicts the knowledge base.

**Why.** Numbers drift when notes are copied and rewritten. A value matches when it \
equals any variant or accepted alternate within the precision the note states \
(`15 亿` covers 1.45–1.55 B; `约`/`about` widens it); a range `7B-65B` matches when \
its ends are the smallest and largest variant.

**Example.** `GPT-2 的训练数据 45GB` → the KB says 40GB (WebText), with its source.

**Silence it.** `<!-- llmnotes-disable-next-line kb-mismatch -->` above the line.";

use std::path::Path;

use crate::claims::Claim;
use crate::kb::Kb;

use super::Finding;

pub fn check(_kb: &Kb, _path: &Path, _text: &str, _claims: &[Claim]) -> Vec<Finding> {
    Vec::new()
}
