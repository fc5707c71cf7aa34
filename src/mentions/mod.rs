//! Mentions: where the notes name a model, resolved to a KB entry.
//!
//! One aho-corasick automaton over every folded alias runs over the folded masked
//! text (see `fold.rs`); boundaries are checked on the original text so they work
//! in CJK prose without spaces; the longest name wins; shorthand lists (`GPT-1/2`,
//! `Llama-3.1,3.2`) expand to one mention per model.

use std::ops::Range;

use crate::kb::{Kb, ModelId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionForm {
    /// The canonical name or a folded variant of it (`GPT2` for `GPT-2`).
    Name,
    /// A listed alias (`通义千问`).
    Alias,
    /// A known misspelling (`LLamma-1`): LN005 reports it.
    Misspelling,
    /// The tail of a shorthand list (`2` in `GPT-1/2`).
    Shorthand,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte span in the document (for shorthand, just the version written).
    pub span: Range<usize>,
    pub model: ModelId,
    /// Index into the model's `variants` when the text names one (`GPT-2 XL`).
    pub variant: Option<usize>,
    pub form: MentionForm,
    /// Mentions written as one shorthand list share a group number.
    pub group: Option<u32>,
}

/// The compiled matcher for one KB. Build once per KB, share freely.
pub struct MentionMatcher {
    _private: (),
}

impl MentionMatcher {
    pub fn new(_kb: &Kb) -> MentionMatcher {
        MentionMatcher { _private: () }
    }

    /// Every mention in `masked` text, in order, never overlapping.
    pub fn find(&self, _masked: &str) -> Vec<Mention> {
        Vec::new()
    }
}
