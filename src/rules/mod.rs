//! Rules: claims and mentions in, findings out.
//!
//! One module per rule; this file is the registry (code, name, default severity,
//! documentation) and the `Finding` type every front renders. The documentation
//! strings serve `llmnotes rule LN001`, the LSP `codeDescription` and hover.

pub mod conflict;
pub mod date_mismatch;
pub mod kb_mismatch;
pub mod matching;
pub mod spelling;
pub mod suppress;
pub mod unknown_model;

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use crate::kb::Attribute;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    KbMismatch,
    Conflict,
    DateMismatch,
    UnknownModel,
    Spelling,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    /// Parses a configured level; `Ok(None)` is `"off"`.
    pub fn parse_level(s: &str) -> Result<Option<Severity>, String> {
        match s {
            "error" => Ok(Some(Severity::Error)),
            "warning" | "warn" => Ok(Some(Severity::Warning)),
            "info" | "information" => Ok(Some(Severity::Info)),
            "hint" => Ok(Some(Severity::Hint)),
            "off" | "none" => Ok(None),
            other => Err(format!(
                "unknown severity `{other}` (expected error, warning, info, hint or off)"
            )),
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub struct RuleInfo {
    pub rule: Rule,
    pub code: &'static str,
    pub name: &'static str,
    pub default_severity: Severity,
    pub summary: &'static str,
    /// Markdown: what it flags, why, an example, how to silence it.
    pub doc: &'static str,
}

pub const RULES: [RuleInfo; 5] = [
    RuleInfo {
        rule: Rule::KbMismatch,
        code: "LN001",
        name: "kb-mismatch",
        default_severity: Severity::Error,
        summary: "a number contradicts the knowledge base",
        doc: kb_mismatch::DOC,
    },
    RuleInfo {
        rule: Rule::Conflict,
        code: "LN002",
        name: "conflict",
        default_severity: Severity::Warning,
        summary: "two places claim different values for the same model and attribute",
        doc: conflict::DOC,
    },
    RuleInfo {
        rule: Rule::DateMismatch,
        code: "LN003",
        name: "date-mismatch",
        default_severity: Severity::Error,
        summary: "a release date contradicts the knowledge base",
        doc: date_mismatch::DOC,
    },
    RuleInfo {
        rule: Rule::UnknownModel,
        code: "LN004",
        name: "unknown-model",
        default_severity: Severity::Info,
        summary: "a model-like name the knowledge base does not know",
        doc: unknown_model::DOC,
    },
    RuleInfo {
        rule: Rule::Spelling,
        code: "LN005",
        name: "spelling",
        default_severity: Severity::Warning,
        summary: "a known model written in a misspelled form",
        doc: spelling::DOC,
    },
];

impl Rule {
    pub const ALL: [Rule; 5] = [
        Rule::KbMismatch,
        Rule::Conflict,
        Rule::DateMismatch,
        Rule::UnknownModel,
        Rule::Spelling,
    ];

    pub fn info(self) -> &'static RuleInfo {
        &RULES[self as usize]
    }
    pub fn code(self) -> &'static str {
        self.info().code
    }
    pub fn name(self) -> &'static str {
        self.info().name
    }
    /// Accepts a code (`LN001`, any case) or a name (`kb-mismatch`).
    pub fn parse(s: &str) -> Option<Rule> {
        RULES
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(s) || r.name == s)
            .map(|r| r.rule)
    }
    /// Where the rule's documentation lives online (LSP `codeDescription`).
    pub fn doc_url(self) -> String {
        format!(
            "https://github.com/llmnotes/llmnotes/blob/main/docs/rules.md#{}",
            self.anchor()
        )
    }

    /// The Markdown heading anchor of the rule's documentation.
    pub fn anchor(self) -> String {
        format!("{}-{}", self.code().to_ascii_lowercase(), self.name())
    }
}

/// Another place a finding points to: the other side of a conflict, or the KB entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub path: PathBuf,
    pub span: Range<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Range<usize>,
    pub new_text: String,
}

/// A change that resolves a finding. `safe` fixes are applied by `check --fix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    pub safe: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub path: PathBuf,
    /// Byte span in the document's text.
    pub span: Range<usize>,
    pub message: String,
    /// KB id of the model concerned.
    pub model: Option<String>,
    pub attribute: Option<Attribute>,
    /// The value as written in the note.
    pub found: Option<String>,
    /// What the KB says (LN001/LN003), the other values (LN002), the canonical
    /// spelling (LN005).
    pub expected: Option<String>,
    /// URL of the KB fact's primary source.
    pub source: Option<String>,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn new(rule: Rule, path: PathBuf, span: Range<usize>, message: String) -> Finding {
        Finding {
            rule,
            severity: rule.info().default_severity,
            path,
            span,
            message,
            model: None,
            attribute: None,
            found: None,
            expected: None,
            source: None,
            related: Vec::new(),
            fix: None,
        }
    }
}

/// The rules reference, generated from `RULES` (`docs/rules.md`).
pub fn rules_markdown() -> String {
    let mut s = String::from(
        "<!-- @generated by `UPDATE_DOCS=1 cargo test --lib rules_doc_is_current`; edit src/rules/*.rs -->\n\
         # llmnotes rules\n\n\
         | code | name | default severity | fires when |\n|---|---|---|---|\n",
    );
    for r in &RULES {
        s.push_str(&format!(
            "| [{}](#{}) | {} | {} | {} |\n",
            r.code,
            r.rule.anchor(),
            r.name,
            r.default_severity,
            r.summary
        ));
    }
    s.push_str(
        "\nConfigure severities in `llmnotes.toml` (`[rules] kb-mismatch = \"warning\"`, \
         `\"off\"`); silence one line with `<!-- llmnotes-disable-next-line NAME -->`, a \
         region with `<!-- llmnotes-disable NAME -->` … `<!-- llmnotes-enable -->`.\n",
    );
    for r in &RULES {
        s.push('\n');
        s.push_str(r.doc);
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_parse_back() {
        for r in Rule::ALL {
            assert_eq!(Rule::parse(r.code()), Some(r));
            assert_eq!(Rule::parse(r.name()), Some(r));
            assert!(r
                .info()
                .doc
                .starts_with(&format!("## {} {}", r.code(), r.name())));
        }
    }

    #[test]
    fn rules_doc_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
        let want = rules_markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/rules.md is stale: run UPDATE_DOCS=1 cargo test --lib rules_doc_is_current"
        );
    }
}
