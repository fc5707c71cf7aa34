//! Diagnostics for every note in the workspace, open or not. One run: bring every
//! note's analysis up to date, take the changed notes into the incremental
//! cross-note index (`analysis::FindingsIndex`), and convert and publish only the
//! notes whose findings may have changed, with empty lists for notes whose
//! findings went away. A keystroke in one note costs that note and the notes that
//! share a conflict group with it, not the workspace.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tower_lsp_server::ls_types::{Diagnostic, Location, Uri};

use super::convert::{self, path_uri};
use super::state::{self, DocView, Snapshot, State};
use crate::analysis::FindingsIndex;
use crate::rules::{Finding, Rule};

/// What was last sent to the client, per note, and the cross-note index it was
/// computed from.
#[derive(Default)]
pub(crate) struct Published {
    by_path: HashMap<PathBuf, (Uri, Vec<Diagnostic>)>,
    /// Computed but not sent (a newer run was due): sent by the next run even if
    /// unchanged.
    unsent: HashMap<PathBuf, Uri>,
    index: FindingsIndex,
    /// The environment epoch the index was built in; `None`: rebuild it.
    index_epoch: Option<u64>,
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
pub(crate) fn defer(published: &Mutex<Published>, paths: Vec<(PathBuf, Uri)>) {
    let mut published = published.lock().unwrap_or_else(|p| p.into_inner());
    published.unsent.extend(paths);
}

/// Computes the diagnostics that changed. Blocking: run in `spawn_blocking`.
pub(crate) fn compute(state: &Mutex<State>, published: &Mutex<Published>) -> Batch {
    let started = std::time::Instant::now();
    let (snap, mut dirty) = state::snapshot_for_diagnostics(state);
    dirty.sort();
    dirty.dedup();
    let analysed = started.elapsed();
    let mut guard = published.lock().unwrap_or_else(|p| p.into_inner());
    let published = &mut *guard;
    let epoch = snap.env.epoch;
    let changed: Vec<(PathBuf, Option<&crate::analysis::DocumentAnalysis>)> =
        if published.index_epoch != Some(epoch) {
            // First run, or the configuration or KB changed: every note is new.
            published.index = FindingsIndex::default();
            published.index_epoch = Some(epoch);
            snap.docs
                .iter()
                .map(|(path, view)| (path.clone(), Some(&view.analysis)))
                .collect()
        } else {
            dirty
                .iter()
                .map(|path| (path.clone(), snap.doc(path).map(|v| &v.analysis)))
                .collect()
        };
    let changed_count = changed.len();
    let detected = started.elapsed();
    let kb = snap.env.kb();
    let index = &mut published.index;
    let affected = match catch_unwind(AssertUnwindSafe(|| {
        index.update(kb, changed, |p| snap.doc(p).map(|v| &v.analysis))
    })) {
        Ok(a) => a,
        Err(_) => {
            tracing::error!("computing findings panicked; keeping the previous diagnostics");
            published.index_epoch = None;
            return Vec::new();
        }
    };
    let found = started.elapsed();
    let groups = index.last_update();
    let mut todo: Vec<PathBuf> = affected
        .iter()
        .chain(published.unsent.keys())
        .filter(|p| snap.docs.contains_key(*p))
        .cloned()
        .collect();
    todo.sort();
    todo.dedup();
    let mut batch = Vec::new();
    let mut fresh: Vec<(PathBuf, u64, Vec<Finding>)> = Vec::new();
    for path in todo {
        let view = &snap.docs[&path];
        let list = match catch_unwind(AssertUnwindSafe(|| {
            published
                .index
                .findings_for(&snap.env.analyzer, &view.analysis)
        })) {
            Ok(list) => list,
            Err(_) => {
                tracing::error!("findings for {} panicked; skipped", path.display());
                continue;
            }
        };
        let diagnostics: Vec<Diagnostic> = list
            .iter()
            .map(|f| {
                let related = related_locations(&snap, f);
                convert::diagnostic(f, &view.at(), snap.encoding, related)
            })
            .collect();
        fresh.push((path.clone(), view.generation, list));
        let unsent = published.unsent.remove(&path).is_some();
        let unchanged = published
            .by_path
            .get(&path)
            .is_some_and(|(_, old)| *old == diagnostics);
        let never_sent_and_empty = diagnostics.is_empty() && !published.by_path.contains_key(&path);
        if !unsent && (unchanged || never_sent_and_empty) {
            continue;
        }
        published
            .by_path
            .insert(path.clone(), (view.uri.clone(), diagnostics.clone()));
        batch.push(Publication {
            path,
            uri: view.uri.clone(),
            diagnostics,
            version: view.version,
        });
    }
    // Notes that are gone (deleted, or closed and outside the workspace),
    // including those whose clearing a previous run computed but did not send.
    let mut gone: Vec<PathBuf> = dirty
        .iter()
        .chain(published.unsent.keys())
        .filter(|p| !snap.docs.contains_key(*p))
        .cloned()
        .collect();
    gone.sort();
    gone.dedup();
    for path in &gone {
        let unsent = published.unsent.remove(path);
        let old = published.by_path.remove(path);
        let was_shown = old.as_ref().is_some_and(|(_, d)| !d.is_empty());
        let uri = old.map(|(uri, _)| uri).or(unsent.clone());
        if let (Some(uri), true) = (uri, was_shown || unsent.is_some()) {
            batch.push(Publication {
                path: path.clone(),
                uri,
                diagnostics: Vec::new(),
                version: None,
            });
        }
    }
    drop(guard);
    // Open notes first: one edit can change the conflicts of thousands of notes,
    // and the note being edited should not wait behind them.
    batch.sort_by_key(|p| p.version.is_none());
    let notes = snap.docs.len();
    // The snapshot holds the previous findings: let go of it so they are updated
    // in place, not copied.
    drop(snap);
    {
        let mut st = state::lock(state);
        let by = Arc::make_mut(&mut st.findings);
        if by.epoch != epoch {
            by.by_path.clear();
            by.epoch = epoch;
        }
        for path in &gone {
            by.by_path.remove(path);
        }
        for (path, generation, list) in fresh {
            by.by_path.insert(path, (generation, list));
        }
    }
    tracing::debug!(
        "diagnostics run: {} notes ({} changed, {} affected), analysis {:?}, changes found {:?}, index {:?} ({} groups recomputed, {} moved), total {:?}, {} to publish",
        notes,
        changed_count,
        affected.len(),
        analysed,
        detected - analysed,
        found - detected,
        groups.recomputed,
        groups.moved,
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
