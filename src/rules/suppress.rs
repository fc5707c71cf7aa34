//! Inline suppression comments:
//! `<!-- llmnotes-disable-next-line [rule ...] -->` and
//! `<!-- llmnotes-disable [rule ...] -->` … `<!-- llmnotes-enable [rule ...] -->`.
//! No rule names means every rule. Rules are named by code or name.

use std::ops::Range;

use super::Rule;
use crate::markdown::Comment;

/// The rules a directive names; `None` means all.
type RuleSet = Option<Vec<Rule>>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Suppressions {
    /// Byte ranges (of whole lines) where the rules are off.
    ranges: Vec<(Range<usize>, RuleSet)>,
    /// Directives that could not be read (unknown rule names), for reporting.
    pub problems: Vec<(Range<usize>, String)>,
}

impl Suppressions {
    pub fn from_comments(text: &str, comments: &[Comment]) -> Suppressions {
        let mut out = Suppressions::default();
        // Open `disable` regions, closed by a matching `enable` or the end.
        let mut open: Vec<(usize, RuleSet)> = Vec::new();
        for c in comments {
            let Some(body) = text.get(c.body.clone()) else {
                continue;
            };
            let mut words = body.split_whitespace();
            let Some(directive) = words.next() else {
                continue;
            };
            let mut rules = Vec::new();
            for w in words {
                for name in w.split(',').filter(|n| !n.is_empty()) {
                    match Rule::parse(name) {
                        Some(r) => rules.push(r),
                        None => out
                            .problems
                            .push((c.span.clone(), format!("unknown rule `{name}`"))),
                    }
                }
            }
            let set: RuleSet = if rules.is_empty() { None } else { Some(rules) };
            match directive {
                "llmnotes-disable-next-line" => {
                    let next = next_line(text, c.span.end);
                    out.ranges.push((next, set));
                }
                "llmnotes-disable-line" => {
                    let line = line_around(text, c.span.start);
                    out.ranges.push((line, set));
                }
                "llmnotes-disable" => open.push((c.span.end, set)),
                "llmnotes-enable" => {
                    // Closes the regions it names (all of them when it names none).
                    let mut keep = Vec::new();
                    for (start, s) in open.drain(..) {
                        let closes = match (&set, &s) {
                            (None, _) => true,
                            (Some(en), Some(dis)) => dis.iter().all(|r| en.contains(r)),
                            (Some(_), None) => false,
                        };
                        if closes {
                            out.ranges.push((start..c.span.start, s));
                        } else {
                            keep.push((start, s));
                        }
                    }
                    open = keep;
                }
                _ => {}
            }
        }
        for (start, s) in open {
            out.ranges.push((start..text.len(), s));
        }
        out
    }

    /// Whether `rule` is silenced for a finding starting at byte `offset`.
    pub fn is_suppressed(&self, rule: Rule, offset: usize) -> bool {
        self.ranges.iter().any(|(r, set)| {
            r.contains(&offset) && set.as_ref().is_none_or(|rules| rules.contains(&rule))
        })
    }
}

/// The byte range of the line after the one containing `offset`.
fn next_line(text: &str, offset: usize) -> Range<usize> {
    let offset = offset.min(text.len());
    let start = match text[offset..].find('\n') {
        Some(i) => offset + i + 1,
        None => return text.len()..text.len(),
    };
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    start..end
}

fn line_around(text: &str, offset: usize) -> Range<usize> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(text: &str, needle: &str) -> Comment {
        let start = text.find(needle).unwrap();
        let end = start + needle.len();
        Comment {
            span: start..end,
            body: start + 4..end - 3,
        }
    }

    #[test]
    fn next_line_silences_only_the_named_rule_on_the_next_line() {
        let text = "<!-- llmnotes-disable-next-line kb-mismatch -->\nGPT-2 45GB\nGPT-2 45GB\n";
        let s = Suppressions::from_comments(
            text,
            &[comment(
                text,
                "<!-- llmnotes-disable-next-line kb-mismatch -->",
            )],
        );
        let first = text.find("GPT-2").unwrap();
        let second = text.rfind("GPT-2").unwrap();
        assert!(s.is_suppressed(Rule::KbMismatch, first));
        assert!(!s.is_suppressed(Rule::Conflict, first));
        assert!(!s.is_suppressed(Rule::KbMismatch, second));
    }

    #[test]
    fn regions_run_until_enable() {
        let text = "<!-- llmnotes-disable -->\na\n<!-- llmnotes-enable -->\nb\n";
        let s = Suppressions::from_comments(
            text,
            &[
                comment(text, "<!-- llmnotes-disable -->"),
                comment(text, "<!-- llmnotes-enable -->"),
            ],
        );
        assert!(s.is_suppressed(Rule::Spelling, text.find("\na").unwrap() + 1));
        assert!(!s.is_suppressed(Rule::Spelling, text.find("\nb").unwrap() + 1));
    }

    #[test]
    fn unknown_rule_names_are_reported() {
        let text = "<!-- llmnotes-disable-next-line LN001 nonsense -->\nx";
        let s = Suppressions::from_comments(
            text,
            &[comment(
                text,
                "<!-- llmnotes-disable-next-line LN001 nonsense -->",
            )],
        );
        assert_eq!(s.problems.len(), 1);
        assert!(s.is_suppressed(Rule::KbMismatch, text.len() - 1));
    }
}
