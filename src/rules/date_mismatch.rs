//! LN003 date-mismatch.

pub const DOC: &str = "\
## LN003 date-mismatch

**What it does.** Flags a release year or date written next to a model \
(`LLama2（2023.07.18）`, `GPT-4 (2023)`) that contradicts the knowledge base.

**Why.** Timelines are the first thing readers copy. One day either side is \
accepted: announcements cross time zones.

**Silence it.** `<!-- llmnotes-disable-next-line date-mismatch -->` above the line.";

use std::path::Path;

use crate::claims::Claim;
use crate::kb::Kb;

use super::Finding;

pub fn check(_kb: &Kb, _path: &Path, _text: &str, _claims: &[Claim]) -> Vec<Finding> {
    Vec::new()
}
