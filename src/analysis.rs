//! The one entry point both fronts use: analyse documents, then collect findings
//! over a set of them (conflicts need more than one document).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::claims::{self, Claim};
use crate::config::Config;
use crate::kb::Kb;
use crate::markdown::{self, Structure};
use crate::mentions::{Mention, MentionMatcher};
use crate::quantities::{self, Quantity};
use crate::rules::suppress::Suppressions;
use crate::rules::{self, Finding};

/// Everything the pipeline knows about one document. Immutable once built; the
/// language server keeps one per open or indexed note and replaces it on change.
#[derive(Debug)]
pub struct DocumentAnalysis {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub structure: Structure,
    pub mentions: Vec<Mention>,
    /// Known names glued into unknown ones (`DistilBERT`): not mentions, but
    /// they keep numbers from being given to the wrong model.
    pub shadows: Vec<std::ops::Range<usize>>,
    pub quantities: Vec<Quantity>,
    pub claims: Vec<Claim>,
    pub suppressions: Suppressions,
    /// Findings that need only this document (LN001, LN003, LN004, LN005), before
    /// severities and suppressions are applied.
    pub local_findings: Vec<Finding>,
}

impl DocumentAnalysis {
    /// Drops what only an editor needs (the prose structure and the raw
    /// quantities) and keeps what findings and reports use: for batch runs over
    /// many notes, where it halves the memory held per note.
    pub fn compact(&mut self) {
        self.structure = Structure::default();
        self.quantities = Vec::new();
        self.mentions.shrink_to_fit();
        self.claims.shrink_to_fit();
    }
}

/// A KB, its compiled matcher and a configuration.
pub struct Analyzer {
    pub kb: Arc<Kb>,
    pub matcher: Arc<MentionMatcher>,
    pub config: Config,
}

impl Analyzer {
    pub fn new(kb: Arc<Kb>, config: Config) -> Analyzer {
        let matcher = Arc::new(MentionMatcher::new(&kb));
        Analyzer {
            kb,
            matcher,
            config,
        }
    }

    /// Runs the whole per-document pipeline. Never panics, whatever the text.
    pub fn analyze(&self, path: &Path, text: Arc<str>) -> DocumentAnalysis {
        let structure = markdown::parse(&text);
        let (mentions, shadows) = self.matcher.find_all(&structure.masked);
        let quantities = quantities::scan(&structure.masked);
        let claims = claims::extract(
            &self.kb,
            &text,
            &structure,
            &mentions,
            &shadows,
            &quantities,
        );
        let suppressions = Suppressions::from_comments(&text, &structure.comments);
        let mut local_findings = Vec::new();
        local_findings.extend(rules::kb_mismatch::check(&self.kb, path, &text, &claims));
        local_findings.extend(rules::date_mismatch::check(&self.kb, path, &text, &claims));
        local_findings.extend(rules::spelling::check(&self.kb, path, &text, &mentions));
        local_findings.extend(rules::unknown_model::check(
            &self.kb,
            &self.matcher,
            path,
            &structure.masked,
            &mentions,
        ));
        DocumentAnalysis {
            path: path.to_path_buf(),
            text,
            structure,
            mentions,
            shadows,
            quantities,
            claims,
            suppressions,
            local_findings,
        }
    }

    /// All findings over `docs`: each document's local findings plus the conflicts
    /// between all of them, with configured severities and inline suppressions
    /// applied, sorted by path and position.
    pub fn findings(&self, docs: &[&DocumentAnalysis]) -> Vec<Finding> {
        let mut all: Vec<Finding> = docs
            .iter()
            .flat_map(|d| d.local_findings.iter().cloned())
            .collect();
        let cross = rules::conflict::check(&self.kb, docs);
        all.extend(cross.findings);
        attach_corroborations(&mut all, cross.corroborations);
        let by_path: std::collections::HashMap<&Path, &DocumentAnalysis> =
            docs.iter().map(|d| (d.path.as_path(), *d)).collect();
        all.retain_mut(|f| {
            let Some(sev) = self.config.severity(f.rule) else {
                return false;
            };
            f.severity = sev;
            by_path
                .get(f.path.as_path())
                .is_none_or(|d| !d.suppressions.is_suppressed(f.rule, f.span.start))
        });
        all.sort_by(|a, b| {
            (a.path.as_path(), a.span.start, a.rule).cmp(&(b.path.as_path(), b.span.start, b.rule))
        });
        all
    }
}

/// Points each LN001/LN003 finding at the notes that agree with the knowledge
/// base on the same figure (`rules::conflict::Corroboration`).
fn attach_corroborations(all: &mut [Finding], corroborations: Vec<rules::conflict::Corroboration>) {
    if corroborations.is_empty() {
        return;
    }
    let mut by_site: std::collections::HashMap<(PathBuf, usize, usize), Vec<rules::Related>> =
        corroborations
            .into_iter()
            .map(|c| ((c.path, c.span.start, c.span.end), c.related))
            .collect();
    for f in all.iter_mut() {
        if !matches!(f.rule, rules::Rule::KbMismatch | rules::Rule::DateMismatch) {
            continue;
        }
        // Owned key: one allocation per KB finding, only when there is something
        // to attach.
        if let Some(related) = by_site.remove(&(f.path.clone(), f.span.start, f.span.end)) {
            f.related.extend(related);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `LLMNOTES_DUMP=dir cargo test --lib dump -- --ignored --nocapture` prints the
    /// findings for every note in a folder: a development aid.
    #[test]
    #[ignore]
    #[allow(clippy::print_stdout)]
    fn dump() {
        let Ok(dir) = std::env::var("LLMNOTES_DUMP") else {
            return;
        };
        let analyzer = Analyzer::new(Arc::new(Kb::embedded()), Config::default());
        let mut docs = Vec::new();
        let mut paths: Vec<_> = ignore::WalkBuilder::new(&dir)
            .standard_filters(false)
            .build()
            .flatten()
            .map(|e| e.into_path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        paths.sort();
        for p in paths {
            if let Ok(t) = std::fs::read_to_string(&p) {
                docs.push(analyzer.analyze(&p, t.into()));
            }
        }
        let refs: Vec<&DocumentAnalysis> = docs.iter().collect();
        for d in &docs {
            for c in &d.claims {
                let idx = crate::text::LineIndex::new(&d.text);
                let (l, _) = idx.position(&d.text, c.span.start, crate::text::Encoding::Chars);
                let names: Vec<&str> = c
                    .models
                    .iter()
                    .map(|(m, _)| analyzer.kb.model(*m).id.as_str())
                    .collect();
                println!(
                    "CLAIM {}:{} {} {} = {}",
                    d.path.display(),
                    l + 1,
                    names.join("+"),
                    c.attribute,
                    &d.text[c.span.clone()]
                );
            }
        }
        for f in analyzer.findings(&refs) {
            let d = docs.iter().find(|d| d.path == f.path).unwrap();
            let idx = crate::text::LineIndex::new(&d.text);
            let (l, _) = idx.position(&d.text, f.span.start, crate::text::Encoding::Chars);
            println!(
                "{}:{} {} {}",
                f.path.display(),
                l + 1,
                f.rule.code(),
                f.message
            );
        }
    }
}
