//! The one entry point both fronts use: analyse documents, then collect findings
//! over a set of them (conflicts need more than one document).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::claims::{self, Claim};
use crate::config::Config;
use crate::kb::Kb;
use crate::markdown::{self, Structure};
use crate::mentions::{Mention, MentionMatcher};
use crate::quantities::{self, Quantity};
use crate::rules::conflict::{Corroboration, Key, Side};
use crate::rules::suppress::Suppressions;
use crate::rules::{self, Finding};

mod reanalyze;

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

    /// `compact`, and more for a caller that only wants findings (the CLI's
    /// `check`): the local findings are made, so the mentions go, and of the
    /// claims only those the cross-document pass compares stay.
    pub fn compact_for_findings(&mut self, kb: &Kb) {
        self.compact();
        self.mentions = Vec::new();
        self.claims
            .retain(|c| rules::conflict::key_of(kb, c).is_some());
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
        let local_findings =
            self.local_findings(path, &text, &structure.masked, 0, &mentions, &claims);
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

    /// The findings of `claims` and `mentions` that need only their document,
    /// sorted by position: LN001, LN003, LN005, and LN004 from the names in
    /// `masked`, the document's text from offset `base` on (and `mentions` those
    /// in it).
    fn local_findings(
        &self,
        path: &Path,
        text: &str,
        masked: &str,
        base: usize,
        mentions: &[Mention],
        claims: &[Claim],
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        out.extend(rules::kb_mismatch::check(&self.kb, path, text, claims));
        out.extend(rules::date_mismatch::check(&self.kb, path, text, claims));
        out.extend(rules::spelling::check(&self.kb, path, text, mentions));
        let unknown = if base == 0 {
            rules::unknown_model::check(&self.kb, &self.matcher, path, masked, mentions)
        } else {
            let local: Vec<Mention> = mentions
                .iter()
                .map(|m| reanalyze::moved_mention(m, |x| x - base))
                .collect();
            let mut found =
                rules::unknown_model::check(&self.kb, &self.matcher, path, masked, &local);
            for f in &mut found {
                f.span = f.span.start + base..f.span.end + base;
            }
            found
        };
        out.extend(unknown);
        out.sort_by_key(|f| (f.span.start, f.span.end, f.rule));
        out
    }

    /// All findings over `docs`: each document's local findings plus the conflicts
    /// between all of them, with configured severities and inline suppressions
    /// applied, sorted by path and position.
    pub fn findings(&self, docs: &[&DocumentAnalysis]) -> Vec<Finding> {
        let local = docs
            .iter()
            .flat_map(|d| d.local_findings.iter().cloned())
            .collect();
        self.with_cross(local, docs)
    }

    /// `findings`, for a caller done with the documents' local findings (the
    /// CLI): they are moved out, not copied.
    pub fn take_findings(&self, docs: &mut [DocumentAnalysis]) -> Vec<Finding> {
        let local = docs
            .iter_mut()
            .flat_map(|d| std::mem::take(&mut d.local_findings))
            .collect();
        let refs: Vec<&DocumentAnalysis> = docs.iter().collect();
        self.with_cross(local, &refs)
    }

    /// Local findings plus the cross-document pass, finished.
    fn with_cross(&self, mut all: Vec<Finding>, docs: &[&DocumentAnalysis]) -> Vec<Finding> {
        let cross = rules::conflict::check(&self.kb, docs);
        all.extend(cross.findings);
        attach_corroborations(&mut all, cross.corroborations);
        // By the paths' bytes (a `Path` hashes component by component): a
        // finding's path is a clone of its document's.
        let by_path: rustc_hash::FxHashMap<&std::ffi::OsStr, &DocumentAnalysis> =
            docs.iter().map(|d| (d.path.as_os_str(), *d)).collect();
        self.finish(all, |p| by_path.get(p.as_os_str()).copied())
    }

    /// Applies severities and suppressions, and sorts.
    fn finish<'a>(
        &self,
        mut all: Vec<Finding>,
        doc: impl Fn(&Path) -> Option<&'a DocumentAnalysis>,
    ) -> Vec<Finding> {
        all.retain_mut(|f| {
            let Some(sev) = self.config.severity(f.rule) else {
                return false;
            };
            f.severity = sev;
            doc(f.path.as_path())
                .is_none_or(|d| !d.suppressions.is_suppressed(f.rule, f.span.start))
        });
        all.sort_by(|a, b| {
            (a.path.as_path(), a.span.start, a.rule).cmp(&(b.path.as_path(), b.span.start, b.rule))
        });
        all
    }
}

/// What one conflict group yields for one document.
#[derive(Debug, Default, Clone, PartialEq)]
struct GroupPart {
    conflicts: Vec<Finding>,
    corroborations: Vec<Corroboration>,
}

/// One document's share of a conflict group.
#[derive(Debug)]
struct Member {
    /// The document's number in `FindingsIndex::ids`.
    id: usize,
    /// Its claims in the group (indexes into `DocumentAnalysis::claims`).
    claims: Vec<usize>,
    /// What the group's outcome reads of each of those claims, positions aside.
    sides: Vec<SideSig>,
    /// Where each of them is.
    spans: Vec<Range<usize>>,
}

/// Everything `rules::conflict::check_group` reads of a side but its span: two
/// members with equal signatures yield the same outcome up to their positions.
#[derive(Debug, PartialEq)]
struct SideSig {
    value: claims::ClaimValue,
    line: usize,
    written: Box<str>,
}

/// A document's old and new claim positions in one group.
type SpanMap = (PathBuf, Vec<(Range<usize>, Range<usize>)>);

/// How the last `FindingsIndex::update` brought each group it touched up to date.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UpdateStats {
    /// Groups whose outcome was computed again.
    pub recomputed: usize,
    /// Groups where the changed notes only moved: the old outcome, positions
    /// moved with them.
    pub moved: usize,
}

/// Cross-document findings kept up to date over a changing set of documents (the
/// language server). After an edit only the conflict groups the changed notes
/// take part in are recomputed (or, where a note's figures in a group are the
/// same and only their positions moved, the old outcome is moved with them), and
/// `update` names the notes whose findings may differ, so the rest need no work
/// at all. `findings_for` gives exactly what `Analyzer::findings` over the same
/// documents, in path order, gives for it.
#[derive(Debug, Default)]
pub struct FindingsIndex {
    keys_by_doc: HashMap<PathBuf, Vec<Key>>,
    /// Per group, each document that takes part, in path order.
    members: HashMap<Key, BTreeMap<PathBuf, Member>>,
    /// A number per document ever seen: an update looks each document up once,
    /// however many groups it is in.
    ids: HashMap<PathBuf, usize>,
    /// Per group, what it yields for each document that has something.
    parts: HashMap<Key, HashMap<PathBuf, GroupPart>>,
    stats: UpdateStats,
}

impl FindingsIndex {
    /// Takes in the documents whose analysis is new (`Some`) or gone (`None`);
    /// `lookup` finds any current document. Returns the documents whose findings
    /// may have changed: the changed ones, and those whose share of a touched
    /// group differs from before.
    pub fn update<'a>(
        &mut self,
        kb: &Kb,
        changed: impl IntoIterator<Item = (PathBuf, Option<&'a DocumentAnalysis>)>,
        lookup: impl Fn(&Path) -> Option<&'a DocumentAnalysis>,
    ) -> HashSet<PathBuf> {
        let mut recompute: HashSet<Key> = HashSet::new();
        let mut moves: HashMap<Key, Vec<SpanMap>> = HashMap::new();
        let mut affected: HashSet<PathBuf> = HashSet::new();
        for (path, doc) in changed {
            let mut old: HashMap<Key, Member> = HashMap::new();
            for k in self.keys_by_doc.remove(&path).unwrap_or_default() {
                if let Some(m) = self.members.get_mut(&k) {
                    if let Some(member) = m.remove(&path) {
                        old.insert(k, member);
                    }
                    if m.is_empty() {
                        self.members.remove(&k);
                    }
                }
            }
            if let Some(doc) = doc {
                let next = self.ids.len();
                let id = *self.ids.entry(path.clone()).or_insert(next);
                let mut mine: BTreeMap<Key, Member> = BTreeMap::new();
                for (i, c) in doc.claims.iter().enumerate() {
                    if let Some(k) = rules::conflict::key_of(kb, c) {
                        let m = mine.entry(k).or_insert_with(|| Member {
                            id,
                            claims: Vec::new(),
                            sides: Vec::new(),
                            spans: Vec::new(),
                        });
                        m.claims.push(i);
                        m.sides.push(SideSig {
                            value: c.value.clone(),
                            line: c.line,
                            written: rules::conflict::written(doc, &c.span).into(),
                        });
                        m.spans.push(c.span.clone());
                    }
                }
                let mut keys = Vec::with_capacity(mine.len());
                for (k, member) in mine {
                    match old.remove(&k) {
                        Some(was) if was.sides == member.sides => {
                            let map = was.spans.into_iter().zip(member.spans.iter().cloned());
                            moves
                                .entry(k)
                                .or_default()
                                .push((path.clone(), map.collect()));
                        }
                        _ => {
                            recompute.insert(k);
                        }
                    }
                    self.members
                        .entry(k)
                        .or_default()
                        .insert(path.clone(), member);
                    keys.push(k);
                }
                self.keys_by_doc.insert(path.clone(), keys);
            }
            // Groups the document left (all of them, when it is gone).
            recompute.extend(old.into_keys());
            affected.insert(path);
        }
        // A group another changed note really changed is recomputed whole.
        let mut fresh: HashMap<Key, HashMap<PathBuf, GroupPart>> = HashMap::new();
        let mut moved = 0;
        for (key, maps) in &moves {
            if recompute.contains(key) {
                continue;
            }
            match self.parts.get(key).map(|p| moved_parts(p, maps)) {
                None => {}
                Some(Some(parts)) => {
                    fresh.insert(*key, parts);
                }
                // A position the maps do not know: play safe.
                Some(None) => {
                    recompute.insert(*key);
                    continue;
                }
            }
            moved += 1;
        }
        let mut found: Vec<Option<Option<&'a DocumentAnalysis>>> = vec![None; self.ids.len()];
        for &key in &recompute {
            // Sides in path order, whatever order the documents came in.
            let mut sides: Vec<Side> = Vec::new();
            for (path, member) in self.members.get(&key).into_iter().flatten() {
                let doc = *found[member.id].get_or_insert_with(|| lookup(path));
                if let Some(doc) = doc {
                    sides.extend(
                        member
                            .claims
                            .iter()
                            .filter_map(|&i| Some(Side::new(doc, doc.claims.get(i)?))),
                    );
                }
            }
            if sides.len() < 2 {
                continue;
            }
            let outcome = rules::conflict::check_group(kb, key, &sides);
            let parts = fresh.entry(key).or_default();
            for f in outcome.findings {
                parts.entry(f.path.clone()).or_default().conflicts.push(f);
            }
            for c in outcome.corroborations {
                parts
                    .entry(c.path.clone())
                    .or_default()
                    .corroborations
                    .push(c);
            }
        }
        self.stats = UpdateStats {
            recomputed: recompute.len(),
            moved,
        };
        let touched = recompute
            .into_iter()
            .chain(moves.into_keys())
            .collect::<HashSet<Key>>();
        for key in touched {
            let old = self.parts.remove(&key).unwrap_or_default();
            let new = fresh.remove(&key).unwrap_or_default();
            for (path, part) in &old {
                if new.get(path) != Some(part) {
                    affected.insert(path.clone());
                }
            }
            for path in new.keys() {
                if !old.contains_key(path) {
                    affected.insert(path.clone());
                }
            }
            if !new.is_empty() {
                self.parts.insert(key, new);
            }
        }
        affected
    }

    /// How the last `update` did its work.
    pub fn last_update(&self) -> UpdateStats {
        self.stats
    }

    /// The findings of one document, as `Analyzer::findings` would give them.
    pub fn findings_for(&self, analyzer: &Analyzer, doc: &DocumentAnalysis) -> Vec<Finding> {
        let mut all = doc.local_findings.clone();
        let mut corroborations = Vec::new();
        for key in self.keys_by_doc.get(&doc.path).into_iter().flatten() {
            if let Some(part) = self.parts.get(key).and_then(|p| p.get(&doc.path)) {
                all.extend(part.conflicts.iter().cloned());
                corroborations.extend(part.corroborations.iter().cloned());
            }
        }
        attach_corroborations(&mut all, corroborations);
        analyzer.finish(all, |p| (p == doc.path).then_some(doc))
    }
}

/// A group's old outcome with the positions of the notes that moved moved too;
/// `None` when it names a position of theirs the maps do not hold.
fn moved_parts(
    parts: &HashMap<PathBuf, GroupPart>,
    maps: &[SpanMap],
) -> Option<HashMap<PathBuf, GroupPart>> {
    let moved = |path: &Path, span: &mut Range<usize>| -> Option<()> {
        if let Some((_, map)) = maps.iter().find(|(p, _)| p == path) {
            let (_, new) = map.iter().find(|(old, _)| old == span)?;
            *span = new.clone();
        }
        Some(())
    };
    let mut out = parts.clone();
    for part in out.values_mut() {
        for f in &mut part.conflicts {
            moved(&f.path, &mut f.span)?;
            for r in &mut f.related {
                moved(&r.path, &mut r.span)?;
            }
        }
        for c in &mut part.corroborations {
            moved(&c.path, &mut c.span)?;
            for r in &mut c.related {
                moved(&r.path, &mut r.span)?;
            }
        }
    }
    Some(out)
}

/// Points each LN001/LN003 finding at the notes that agree with the knowledge
/// base on the same figure (`rules::conflict::Corroboration`).
fn attach_corroborations(all: &mut [Finding], corroborations: Vec<Corroboration>) {
    if corroborations.is_empty() {
        return;
    }
    let (sites, mut related): (Vec<_>, Vec<_>) = corroborations
        .into_iter()
        .map(|c| ((c.path, c.span), c.related))
        .unzip();
    // By the path's bytes (a `Path` hashes component by component).
    let by_site: rustc_hash::FxHashMap<(&std::ffi::OsStr, usize, usize), usize> = sites
        .iter()
        .enumerate()
        .map(|(i, (path, span))| ((path.as_os_str(), span.start, span.end), i))
        .collect();
    for f in all.iter_mut() {
        if !matches!(f.rule, rules::Rule::KbMismatch | rules::Rule::DateMismatch) {
            continue;
        }
        if let Some(&i) = by_site.get(&(f.path.as_os_str(), f.span.start, f.span.end)) {
            f.related.append(&mut related[i]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index, updated edit by edit, agrees with a full run after each edit.
    #[test]
    fn findings_index_matches_a_full_run_after_every_edit() {
        let analyzer = Analyzer::new(Arc::new(Kb::embedded()), Config::default());
        let texts = [
            "GPT-4 据传训练了 13T tokens。\n\nGPT-2 的训练数据是 40GB。\n",
            "GPT-4 据传训练了 10T tokens。\n",
            "# GPT-2\n\n训练数据 45GB，上下文 1024。\n",
            "GPT-4 was trained on 13T tokens.\n<!-- llmnotes-disable-next-line conflict -->\nGPT-4 saw 20T tokens.\n",
            "LLamma-1 65B\n",
            "",
            // Note 0 again, its figures moved along the same lines, then one
            // line down (the line is in the messages: no longer a mere move).
            "补充：GPT-4 据传训练了 13T tokens。\n\nGPT-2 的训练数据是 40GB。\n",
            "\nGPT-4 据传训练了 13T tokens。\n\nGPT-2 的训练数据是 40GB。\n",
            // Note 2 with its figures moved and a new line after them.
            "# GPT-2\n\n训练数据 45GB，上下文 1024。\n\nGPT-2 很有名。\n",
        ];
        let mut docs: HashMap<PathBuf, DocumentAnalysis> = HashMap::new();
        let mut index = FindingsIndex::default();
        let (mut conflicts_seen, mut corroborated_seen, mut moves_seen) = (false, false, 0);
        // (note, text) edits: add notes, change them, empty one, remove one.
        let mut edits: Vec<(usize, Option<usize>)> = (0..5).map(|i| (i, Some(i))).collect();
        edits.extend([
            (1, Some(0)),
            (0, Some(1)),
            (2, Some(5)),
            (3, None),
            (2, Some(2)),
            (1, None),
            // Moves: within a line, across lines, of a note others point to
            // (note 1 disagrees with note 0 on GPT-4, which the KB cannot settle).
            (1, Some(1)),
            (0, Some(0)),
            (4, Some(0)),
            (0, Some(6)),
            (4, Some(6)),
            (0, Some(7)),
            (2, Some(8)),
            (2, Some(2)),
            (0, Some(0)),
        ]);
        for (note, text) in edits {
            let path = PathBuf::from(format!("n{note}.md"));
            match text {
                Some(t) => {
                    let d = analyzer.analyze(&path, Arc::from(texts[t]));
                    docs.insert(path.clone(), d);
                }
                None => {
                    docs.remove(&path);
                }
            }
            let affected = index.update(&analyzer.kb, [(path.clone(), docs.get(&path))], |p| {
                docs.get(p)
            });
            assert!(affected.contains(&path));
            moves_seen += index.last_update().moved;
            let mut sorted: Vec<&DocumentAnalysis> = docs.values().collect();
            sorted.sort_by(|a, b| a.path.cmp(&b.path));
            let full = analyzer.findings(&sorted);
            let mut incremental: Vec<Finding> = Vec::new();
            for d in &sorted {
                incremental.extend(index.findings_for(&analyzer, d));
            }
            assert_eq!(incremental, full, "after editing {}", path.display());
            conflicts_seen |= full.iter().any(|f| f.rule == rules::Rule::Conflict);
            corroborated_seen |= full.iter().any(|f| {
                f.rule == rules::Rule::KbMismatch && f.related.iter().any(|r| r.path != f.path)
            });
        }
        // Both kinds of cross-note finding came and went along the way, and
        // some edits only moved figures.
        assert!(conflicts_seen && corroborated_seen);
        assert!(moves_seen >= 3, "{moves_seen} moves");
    }

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
