//! Diagnostics for every note in the workspace, open or not. One run: bring every
//! note's analysis up to date, compute all findings (cross-note conflicts
//! included), convert, and publish only what changed since the last run, with
//! empty lists for notes whose findings went away.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tower_lsp_server::ls_types::{Diagnostic, Location, Uri};

use super::convert::{self, path_uri};
use super::state::{self, DocView, FindingsByPath, Scope, Snapshot, State};
use crate::rules::{Finding, Rule};

/// What was last sent to the client, per note.
#[derive(Default)]
pub(crate) struct Published {
    by_path: HashMap<PathBuf, (Uri, Vec<Diagnostic>)>,
    /// Computed but not sent (a newer run was due): sent by the next run even if
    /// unchanged.
    unsent: HashSet<PathBuf>,
}

/// One publication.
pub(crate) struct Publication {
    pub path: PathBuf,
    pub uri: Uri,
    pub diagnostics: Vec<Diagnostic>,
    /// The editor's version, for open notes.
    pub version: Option<i32>,
}

/// What a run sends, open notes first.
pub(crate) type Batch = Vec<Publication>;

/// Marks publications of a run as not sent.
pub(crate) fn defer(published: &Mutex<Published>, paths: Vec<PathBuf>) {
    let mut published = published.lock().unwrap_or_else(|p| p.into_inner());
    published.unsent.extend(paths);
}

/// Computes the diagnostics that changed. Blocking: run in `spawn_blocking`.
pub(crate) fn compute(state: &Mutex<State>, published: &Mutex<Published>) -> Batch {
    let started = std::time::Instant::now();
    let snap = state::snapshot(state, Scope::All);
    let analysed = started.elapsed();
    let views: Vec<&crate::analysis::DocumentAnalysis> =
        snap.docs.values().map(|d| &d.analysis).collect();
    let findings = match catch_unwind(AssertUnwindSafe(|| snap.env.analyzer.findings(&views))) {
        Ok(f) => f,
        Err(_) => {
            tracing::error!("computing findings panicked; keeping the previous diagnostics");
            return Vec::new();
        }
    };
    let found = started.elapsed();
    let mut by_path: HashMap<PathBuf, Vec<Finding>> = HashMap::new();
    for f in findings {
        by_path.entry(f.path.clone()).or_default().push(f);
    }
    let mut batch = Vec::new();
    let mut published = published.lock().unwrap_or_else(|p| p.into_inner());
    let mut seen = HashMap::new();
    let previous = &snap.findings;
    for (path, view) in snap.docs.iter() {
        let list = by_path.remove(path).unwrap_or_default();
        // Same text, same findings, same text on the other side of each related
        // location: what was published still stands; skip the conversion.
        let unchanged_findings = previous.epoch == snap.env.epoch
            && previous
                .by_path
                .get(path)
                .is_some_and(|(generation, old)| *generation == view.generation && *old == list)
            && list.iter().all(|f| {
                f.related.iter().take(MAX_RELATED).all(|r| {
                    match (snap.doc(&r.path), previous.by_path.get(&r.path)) {
                        (Some(other), Some((generation, _))) => other.generation == *generation,
                        (None, None) => true,
                        _ => false,
                    }
                })
            });
        let unsent = published.unsent.contains(path);
        if unchanged_findings
            && !unsent
            && (list.is_empty() || published.by_path.contains_key(path))
        {
            seen.insert(path.clone(), (view.generation, list));
            continue;
        }
        let diagnostics: Vec<Diagnostic> = list
            .iter()
            .map(|f| {
                let related = related_locations(&snap, f);
                convert::diagnostic(f, &view.at(), snap.encoding, related)
            })
            .collect();
        seen.insert(path.clone(), (view.generation, list));
        let unchanged = published
            .by_path
            .get(path)
            .is_some_and(|(_, old)| *old == diagnostics);
        let never_sent_and_empty = diagnostics.is_empty() && !published.by_path.contains_key(path);
        if !unsent && (unchanged || never_sent_and_empty) {
            continue;
        }
        published.unsent.remove(path);
        published
            .by_path
            .insert(path.clone(), (view.uri.clone(), diagnostics.clone()));
        batch.push(Publication {
            path: path.clone(),
            uri: view.uri.clone(),
            diagnostics,
            version: view.version,
        });
    }
    // Notes that are gone (deleted, or closed and outside the workspace).
    let gone: Vec<PathBuf> = published
        .by_path
        .keys()
        .filter(|p| !snap.docs.contains_key(*p))
        .cloned()
        .collect();
    for path in gone {
        let unsent = published.unsent.remove(&path);
        if let Some((uri, old)) = published.by_path.remove(&path) {
            if !old.is_empty() || unsent {
                batch.push(Publication {
                    path,
                    uri,
                    diagnostics: Vec::new(),
                    version: None,
                });
            }
        }
    }
    drop(published);
    // Open notes first: one edit can change the conflicts of thousands of notes,
    // and the note being edited should not wait behind them.
    batch.sort_by_key(|p| p.version.is_none());
    state::lock(state).findings = Arc::new(FindingsByPath {
        epoch: snap.env.epoch,
        by_path: seen,
    });
    tracing::debug!(
        "diagnostics run: {} notes, analysis {:?}, findings {:?}, total {:?}, {} to publish",
        snap.docs.len(),
        analysed,
        found - analysed,
        started.elapsed(),
        batch.len()
    );
    batch
}

/// Related locations sent per diagnostic: an editor shows them as a list under
/// the message, and a conflict among thousands of notes would otherwise send
/// thousands per diagnostic (quadratic in the workspace).
const MAX_RELATED: usize = 20;

/// The other sides of a conflict, and the KB entry behind a KB finding, as
/// locations in real files.
fn related_locations(snap: &Snapshot, f: &Finding) -> Vec<(Location, String)> {
    let mut out = Vec::new();
    let mut points_at_kb = false;
    for r in f.related.iter().take(MAX_RELATED) {
        if let Some(view) = snap.doc(&r.path) {
            out.push((location_in(view, &r.span, snap), r.message.clone()));
        } else if let Some(file) = snap.env.kb_file_named(&r.path) {
            points_at_kb = true;
            if let Some(uri) = file.path.as_deref().and_then(path_uri) {
                out.push((
                    Location::new(uri, file.at().range(&r.span, snap.encoding)),
                    r.message.clone(),
                ));
            }
        }
    }
    if !points_at_kb && matches!(f.rule, Rule::KbMismatch | Rule::DateMismatch) {
        let kb = snap.env.kb();
        let located = f.model.as_deref().and_then(|m| kb.id_of(m)).and_then(|id| {
            let attr = f.attribute?;
            snap.env.fact_location(id, attr, None).or_else(|| {
                // No fact location: the model's entry.
                snap.env.model_location(id)
            })
        });
        if let Some((file, span)) = located {
            if let Some(uri) = file.path.as_deref().and_then(path_uri) {
                let message = match &f.expected {
                    Some(e) => format!("knowledge base: {e}"),
                    None => "knowledge base entry".to_string(),
                };
                out.push((
                    Location::new(uri, file.at().range(&span, snap.encoding)),
                    message,
                ));
            }
        }
    }
    out
}

fn location_in(view: &DocView, span: &std::ops::Range<usize>, snap: &Snapshot) -> Location {
    Location::new(view.uri.clone(), view.at().range(span, snap.encoding))
}
