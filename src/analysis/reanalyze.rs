//! Re-analysing only the sections an edit touched.
//!
//! `markdown::reparse` re-parses the edited bytes between two headings and says
//! where (the old and the new range). Every later stage reads a line at a time
//! or a block at a time (a mention never spans a line break, nor a quantity, and
//! a claim reads its line, its block and the headings above it), so the chunk's
//! mentions, quantities, claims and local findings are made afresh and the rest
//! are the old ones, moved. Anything the old analysis kept that points into the
//! re-parsed bytes from outside makes the whole thing fall back to a full run.
//! `reanalysis_equals_a_full_run` (tests/proptest_reanalyze.rs) checks the two
//! agree on random notes and edits.

use std::ops::Range;
use std::sync::Arc;

use super::{Analyzer, DocumentAnalysis};
use crate::claims::{self, Claim};
use crate::markdown::{self, Reparse};
use crate::mentions::Mention;
use crate::quantities::{self, Quantity};
use crate::rules::suppress::Suppressions;
use crate::rules::Finding;

impl Analyzer {
    /// `analyze(&prev.path, text)`, reusing `prev` (the analysis of the same
    /// note's previous text) outside the sections the edit touched.
    pub fn reanalyze(&self, prev: &DocumentAnalysis, text: Arc<str>) -> DocumentAnalysis {
        match self.reanalyze_sections(prev, text.clone()) {
            Some(d) => d,
            None => self.analyze(&prev.path, text),
        }
    }

    /// `reanalyze` when only the edited sections can be re-analysed; `None`
    /// when the whole note must be (a link reference definition anywhere, an
    /// edit that changes what a heading after it is, an analysis without its
    /// structure).
    pub fn reanalyze_sections(
        &self,
        prev: &DocumentAnalysis,
        text: Arc<str>,
    ) -> Option<DocumentAnalysis> {
        let r = markdown::reparse(&prev.structure, &prev.text, &text)?;
        self.splice(prev, text, r)
    }

    fn splice(
        &self,
        prev: &DocumentAnalysis,
        text: Arc<str>,
        r: Reparse,
    ) -> Option<DocumentAnalysis> {
        let path = prev.path.as_path();
        let (a, w) = (r.old.start, r.new.clone());
        let masked = &r.structure.masked[w.clone()];
        let moved = |x: usize| x + a;
        let (chunk_mentions, chunk_shadows) = self.matcher.find_all(masked);
        let mut chunk_mentions: Vec<Mention> = chunk_mentions
            .iter()
            .map(|m| moved_mention(m, moved))
            .collect();
        let chunk_shadows: Vec<Range<usize>> = chunk_shadows
            .iter()
            .map(|s| moved(s.start)..moved(s.end))
            .collect();
        let chunk_quantities: Vec<Quantity> = quantities::scan(masked)
            .into_iter()
            .map(|mut q| {
                q.span = moved(q.span.start)..moved(q.span.end);
                q
            })
            .collect();

        // Shorthand groups are numbered in document order.
        let (ma, mb) = split(&prev.mentions, &r, |m| m.span.start);
        let next_group = prev.mentions[..ma]
            .iter()
            .rev()
            .find_map(|m| m.group)
            .map_or(0, |g| g + 1);
        let chunk_groups = chunk_mentions
            .iter()
            .filter_map(|m| m.group)
            .max()
            .map_or(0, |g| g + 1);
        for m in &mut chunk_mentions {
            m.group = m.group.map(|g| g + next_group);
        }
        let first_after = prev.mentions[mb..].iter().find_map(|m| m.group);
        let mut mentions = prev.mentions[..ma].to_vec();
        mentions.extend(chunk_mentions);
        for m in &prev.mentions[mb..] {
            let mut m = moved_in(m, &r)?;
            m.group = match (m.group, first_after) {
                (Some(g), Some(first)) => Some(g - first + next_group + chunk_groups),
                (g, _) => g,
            };
            mentions.push(m);
        }

        let (sa, sb) = split(&prev.shadows, &r, |s| s.start);
        let mut shadows = prev.shadows[..sa].to_vec();
        shadows.extend(chunk_shadows);
        for s in &prev.shadows[sb..] {
            shadows.push(r.map(s)?);
        }

        let (qa, qb) = split(&prev.quantities, &r, |q| q.span.start);
        let mut quantities = prev.quantities[..qa].to_vec();
        quantities.extend(chunk_quantities);
        for q in &prev.quantities[qb..] {
            let mut q = q.clone();
            q.span = r.map(&q.span)?;
            quantities.push(q);
        }

        let bytes = text.as_bytes();
        let first_line = memchr::memchr_iter(b'\n', &bytes[..a]).count();
        let lines_in =
            |t: &[u8], range: Range<usize>| memchr::memchr_iter(b'\n', &t[range]).count();
        let line_delta = lines_in(bytes, w.clone()) as isize
            - lines_in(prev.text.as_bytes(), r.old.clone()) as isize;
        let doc = claims::Document {
            text: &text,
            structure: &r.structure,
            mentions: &mentions,
            shadows: &shadows,
            quantities: &quantities,
        };
        let chunk_claims = claims::extract_in(&self.kb, &doc, w.clone(), first_line);
        let (ca, cb) = split(&prev.claims, &r, |c| c.span.start);
        let mut claims = Vec::with_capacity(prev.claims.len() + chunk_claims.len());
        for c in &prev.claims[..ca] {
            claims.push(moved_claim(c, &r, 0)?);
        }
        let chunk_at = claims.len();
        let chunk_len = chunk_claims.len();
        claims.extend(chunk_claims);
        for c in &prev.claims[cb..] {
            claims.push(moved_claim(c, &r, line_delta)?);
        }

        let (mlo, mhi) = (
            mentions.partition_point(|m| m.span.start < w.start),
            mentions.partition_point(|m| m.span.start < w.end),
        );
        let chunk_findings = self.local_findings(
            path,
            &text,
            masked,
            w.start,
            &mentions[mlo..mhi],
            &claims[chunk_at..chunk_at + chunk_len],
        );
        let mut local_findings =
            Vec::with_capacity(prev.local_findings.len() + chunk_findings.len());
        let mut after = Vec::new();
        for f in &prev.local_findings {
            if f.span.start < r.old.start {
                local_findings.push(moved_finding(f, &r)?);
            } else if f.span.start >= r.old.end {
                after.push(moved_finding(f, &r)?);
            }
        }
        local_findings.extend(chunk_findings);
        local_findings.extend(after);

        let structure = r.structure;
        let suppressions = Suppressions::from_comments(&text, &structure.comments);
        Some(DocumentAnalysis {
            path: prev.path.clone(),
            text,
            structure,
            mentions,
            shadows,
            quantities,
            claims,
            suppressions,
            local_findings,
        })
    }
}

/// The items of `items` (sorted by `start`) before the re-parsed bytes, and the
/// first one after them: `(before, after)` as indexes.
fn split<T>(items: &[T], r: &Reparse, start: impl Fn(&T) -> usize) -> (usize, usize) {
    (
        items.partition_point(|x| start(x) < r.old.start),
        items.partition_point(|x| start(x) < r.old.end),
    )
}

/// `m` with its offsets passed through `f`.
pub(super) fn moved_mention(m: &Mention, f: impl Fn(usize) -> usize) -> Mention {
    Mention {
        span: f(m.span.start)..f(m.span.end),
        correction: m
            .correction
            .as_ref()
            .map(|(s, t)| (f(s.start)..f(s.end), t.clone())),
        ..m.clone()
    }
}

fn moved_in(m: &Mention, r: &Reparse) -> Option<Mention> {
    let mut out = m.clone();
    out.span = r.map(&m.span)?;
    if let Some((s, t)) = &m.correction {
        out.correction = Some((r.map(s)?, t.clone()));
    }
    Some(out)
}

fn moved_claim(c: &Claim, r: &Reparse, line_delta: isize) -> Option<Claim> {
    let mut out = c.clone();
    out.span = r.map(&c.span)?;
    out.mention = match &c.mention {
        Some(m) => Some(r.map(m)?),
        None => None,
    };
    out.line = c.line.checked_add_signed(line_delta)?;
    Some(out)
}

fn moved_finding(f: &Finding, r: &Reparse) -> Option<Finding> {
    let mut out = f.clone();
    out.span = r.map(&f.span)?;
    for rel in &mut out.related {
        if rel.path == f.path {
            rel.span = r.map(&rel.span)?;
        }
    }
    if let Some(fix) = &mut out.fix {
        for e in &mut fix.edits {
            e.span = r.map(&e.span)?;
        }
    }
    Some(out)
}
