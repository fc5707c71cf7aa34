//! Shorthand lists: `GPT-1/2`, `LLama-3.1,3.2`, `Qwen1.5/2/2.5`. The head is a
//! normal mention whose name ends in a version; each tail is a bare version that,
//! put after the head's family prefix, names another KB model.

use super::{Mention, MentionForm, MentionMatcher};
use crate::kb::fold;

const LIST_SEPARATORS: [char; 4] = ['/', ',', '、', '，'];

pub(super) fn expand(matcher: &MentionMatcher, text: &str, head: &Mention) -> Vec<Mention> {
    if head.variant.is_some() {
        return Vec::new();
    }
    let Some(written) = text.get(head.span.clone()) else {
        return Vec::new();
    };
    // Most mentions are no list: ruled out before the name is folded.
    let next = text.get(head.span.end..).unwrap_or("");
    if !written.ends_with(|c: char| c.is_ascii_digit()) || !next.starts_with(LIST_SEPARATORS) {
        return Vec::new();
    }
    let folded = fold(written);
    let prefix = folded.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    if prefix.is_empty() || prefix.len() == folded.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut pos = head.span.end;
    while let Some(sep) = text[pos..].chars().next() {
        if !LIST_SEPARATORS.contains(&sep) {
            break;
        }
        let start = pos + sep.len_utf8();
        let end = version_end(text, start);
        if end == start {
            break;
        }
        let name = format!("{prefix}{}", &text[start..end]);
        let Some(target) = matcher.resolve(&name).filter(|t| t.variant.is_none()) else {
            break;
        };
        out.push(Mention {
            span: start..end,
            model: target.model,
            variant: None,
            form: MentionForm::Shorthand,
            group: None,
            correction: None,
        });
        pos = end;
    }
    out
}

/// The end of a version number (`2`, `3.2`, `2.5`) starting at `start`, or
/// `start` when there is none or it runs into a longer word.
fn version_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    let mut last_digit = start;
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
        if bytes[i].is_ascii_digit() {
            last_digit = i + 1;
        } else if !bytes.get(i + 1).is_some_and(|c| c.is_ascii_digit()) {
            break;
        }
        i += 1;
    }
    if last_digit == start
        || bytes
            .get(last_digit)
            .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return start;
    }
    last_digit
}
