//! LN002 conflict.

pub const DOC: &str = "\
## LN002 conflict

**What it does.** Flags two places (in two notes, or in one) that claim different \
values for the same model and attribute. Every side is flagged and points to the \
others.

**Why.** Even when the knowledge base has no figure, two notes cannot both be right.

**Example.** One note says GPT-2 was trained on 40GB, another on 45GB.

**Silence it.** `<!-- llmnotes-disable-next-line conflict -->` above the line.";

use crate::analysis::DocumentAnalysis;
use crate::kb::Kb;

use super::Finding;

pub fn check(_kb: &Kb, _docs: &[&DocumentAnalysis]) -> Vec<Finding> {
    Vec::new()
}
