//! The workspace as the server holds it: every note (open in the editor or read
//! from disk), its current text, and the latest analysis of that text.
//!
//! `State` lives behind one `std::sync::Mutex`; handlers lock it, change or copy
//! what they need, and unlock without awaiting in between. Analysis never runs under
//! the lock: `Workspace::snapshot` copies out the stale texts, analyses them in
//! parallel, and stores each result only if the document has not changed since.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rayon::prelude::*;
use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::convert::{self, LineText};
use super::env::Env;
use crate::analysis::DocumentAnalysis;
use crate::rules::Finding;
use crate::text::{Encoding, LineIndex};

/// One analysed version of a document: internally consistent (spans, text and line
/// index agree), even if the document has changed since.
pub(crate) struct DocView {
    pub uri: Uri,
    pub path: PathBuf,
    /// The editor's version, for open documents.
    pub version: Option<i32>,
    pub generation: u64,
    pub epoch: u64,
    pub analysis: DocumentAnalysis,
    pub lines: LineIndex,
}

impl DocView {
    pub fn at(&self) -> LineText<'_> {
        LineText {
            text: &self.analysis.text,
            lines: &self.lines,
        }
    }
}

struct OpenDoc {
    rope: Rope,
    version: i32,
}

struct Document {
    uri: Uri,
    open: Option<OpenDoc>,
    /// The current text; `None` while an open document's rope has edits not yet
    /// copied out.
    text: Option<Arc<str>>,
    generation: u64,
    view: Option<Arc<DocView>>,
}

impl Document {
    fn text(&mut self) -> Arc<str> {
        if let Some(t) = &self.text {
            return t.clone();
        }
        let t: Arc<str> = match &self.open {
            Some(o) => Arc::from(o.rope.to_string()),
            None => Arc::from(""),
        };
        self.text = Some(t.clone());
        t
    }

    fn is_fresh(&self, epoch: u64) -> bool {
        self.view
            .as_ref()
            .is_some_and(|v| v.generation == self.generation && v.epoch == epoch)
    }
}

/// What the client told us it supports.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ClientSupport {
    pub work_done_progress: bool,
    pub dynamic_watched_files: bool,
    pub relative_patterns: bool,
    /// `workspace/configuration` (pull settings).
    pub configuration: bool,
    /// `workspace/inlayHint/refresh`.
    pub inlay_hint_refresh: bool,
}

/// Findings from the latest diagnostics run, by note, with the generation of the
/// text they were computed on.
#[derive(Default, Clone)]
pub(crate) struct FindingsByPath {
    /// The environment epoch they were computed in.
    pub epoch: u64,
    pub by_path: HashMap<PathBuf, (u64, Vec<Finding>)>,
}

pub(crate) struct State {
    pub encoding: Encoding,
    pub roots: Vec<PathBuf>,
    pub init_options: serde_json::Value,
    pub client_settings: serde_json::Value,
    pub support: ClientSupport,
    pub env: Arc<Env>,
    pub findings: Arc<FindingsByPath>,
    docs: HashMap<PathBuf, Document>,
    next_generation: u64,
    /// The analysed notes and their mention counts as last handed out: shared by
    /// every snapshot until a view changes, so a hover costs no copy of the
    /// workspace.
    views_cache: Option<(Arc<Views>, Arc<MentionCounts>)>,
    /// Notes whose view changed or that were forgotten since the diagnostics run
    /// last took them (`snapshot_for_diagnostics`): a run looks at these, not at
    /// every note.
    dirty: Vec<PathBuf>,
}

/// The analysed notes, by path.
pub(crate) type Views = HashMap<PathBuf, Arc<DocView>>;

/// How many times each model is mentioned across the workspace.
pub(crate) type MentionCounts = HashMap<crate::kb::ModelId, usize>;

impl State {
    pub fn new(env: Arc<Env>) -> State {
        State {
            encoding: Encoding::Utf16,
            roots: Vec::new(),
            init_options: serde_json::Value::Null,
            client_settings: serde_json::Value::Null,
            support: ClientSupport::default(),
            env,
            findings: Arc::default(),
            docs: HashMap::new(),
            next_generation: 1,
            views_cache: None,
            dirty: Vec::new(),
        }
    }

    fn bump(&mut self) -> u64 {
        self.next_generation += 1;
        self.next_generation
    }

    pub fn open(&mut self, uri: Uri, path: PathBuf, text: String, version: i32) {
        let generation = self.bump();
        let rope = Rope::from_str(&text);
        let view = self.docs.remove(&path).and_then(|d| d.view);
        self.docs.insert(
            path,
            Document {
                uri,
                open: Some(OpenDoc { rope, version }),
                text: Some(Arc::from(text)),
                generation,
                view,
            },
        );
    }

    /// Applies a `didChange` atomically: every change in order, or none of them.
    pub fn change(
        &mut self,
        path: &Path,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
    ) -> Result<(), String> {
        let encoding = self.encoding;
        let generation = self.next_generation + 1;
        let doc = self
            .docs
            .get_mut(path)
            .ok_or_else(|| "change to a document that is not open".to_string())?;
        let open = doc
            .open
            .as_mut()
            .ok_or_else(|| "change to a document that is not open".to_string())?;
        if version <= open.version {
            return Err(format!(
                "stale change: version {version} after version {}",
                open.version
            ));
        }
        let mut rope = open.rope.clone();
        for (i, c) in changes.iter().enumerate() {
            convert::apply_change(&mut rope, c, encoding)
                .map_err(|e| format!("change {i} of version {version}: {}", e.0))?;
        }
        open.rope = rope;
        open.version = version;
        doc.text = None;
        doc.generation = generation;
        self.next_generation = generation;
        Ok(())
    }

    /// Closes a document. It stays indexed with `disk_text` (its saved content) when
    /// given, and is forgotten otherwise. Returns whether it was forgotten.
    pub fn close(&mut self, path: &Path, disk_text: Option<String>) -> bool {
        match disk_text {
            Some(text) => {
                let generation = self.bump();
                if let Some(doc) = self.docs.get_mut(path) {
                    doc.open = None;
                    doc.text = Some(Arc::from(text));
                    doc.generation = generation;
                }
                false
            }
            None => {
                self.views_cache = None;
                self.dirty.push(path.to_path_buf());
                self.docs.remove(path).is_some()
            }
        }
    }

    pub fn is_open(&self, path: &Path) -> bool {
        self.docs.get(path).is_some_and(|d| d.open.is_some())
    }

    /// Sets the on-disk text of a note that is not open (indexing, file watching).
    /// Ignored for open documents: the editor's text wins.
    pub fn set_disk_text(&mut self, uri: Uri, path: PathBuf, text: String) {
        if self.is_open(&path) {
            return;
        }
        if self
            .docs
            .get(&path)
            .and_then(|d| d.text.as_deref())
            .is_some_and(|t| t == text)
        {
            return;
        }
        let generation = self.bump();
        let view = self.docs.remove(&path).and_then(|d| d.view);
        self.docs.insert(
            path,
            Document {
                uri,
                open: None,
                text: Some(Arc::from(text)),
                generation,
                view,
            },
        );
    }

    /// Forgets a note deleted on disk, unless it is open. Returns whether it was.
    pub fn remove_disk(&mut self, path: &Path) -> bool {
        if self.is_open(path) {
            return false;
        }
        self.views_cache = None;
        self.dirty.push(path.to_path_buf());
        self.docs.remove(path).is_some()
    }

    /// The text and version the editor has (test and debugging aid).
    pub fn current_text(&mut self, path: &Path) -> Option<(Option<i32>, Arc<str>)> {
        let doc = self.docs.get_mut(path)?;
        Some((doc.open.as_ref().map(|o| o.version), doc.text()))
    }

    pub fn paths(&self) -> Vec<PathBuf> {
        self.docs.keys().cloned().collect()
    }

    /// Forces every document to be analysed again (configuration or KB changed).
    pub fn set_env(&mut self, env: Arc<Env>) {
        self.env = env;
    }
}

/// Work for one stale document.
struct Job {
    path: PathBuf,
    uri: Uri,
    version: Option<i32>,
    generation: u64,
    text: Arc<str>,
    /// The note's last analysis in this environment, if any: only the sections
    /// an edit touched are re-analysed.
    prev: Option<Arc<DocView>>,
}

/// Which documents a snapshot must bring up to date.
pub(crate) enum Scope<'a> {
    One(&'a Path),
    All,
}

/// A consistent view of the workspace for one request or one diagnostics run.
pub(crate) struct Snapshot {
    pub env: Arc<Env>,
    pub encoding: Encoding,
    /// Every note, by path.
    pub docs: Arc<Views>,
    pub mention_counts: Arc<MentionCounts>,
    pub findings: Arc<FindingsByPath>,
}

impl Snapshot {
    pub fn doc(&self, path: &Path) -> Option<&Arc<DocView>> {
        self.docs.get(path)
    }
}

pub(crate) fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Brings the documents in `scope` up to date and returns a snapshot of all of
/// them. Blocking (runs the analysis): call from `spawn_blocking`.
pub(crate) fn snapshot(state: &Mutex<State>, scope: Scope<'_>) -> Snapshot {
    snapshot_and_dirty(state, scope, false).0
}

/// A snapshot of every note, and the notes that changed since the last call
/// (taken under the same lock, so the snapshot reflects each of them).
pub(crate) fn snapshot_for_diagnostics(state: &Mutex<State>) -> (Snapshot, Vec<PathBuf>) {
    snapshot_and_dirty(state, Scope::All, true)
}

fn snapshot_and_dirty(
    state: &Mutex<State>,
    scope: Scope<'_>,
    drain: bool,
) -> (Snapshot, Vec<PathBuf>) {
    let (env, jobs) = {
        let mut st = lock(state);
        let env = st.env.clone();
        let epoch = env.epoch;
        let mut jobs = Vec::new();
        let mut add = |path: &Path, doc: &mut Document| {
            if !doc.is_fresh(epoch) {
                jobs.push(Job {
                    path: path.to_path_buf(),
                    uri: doc.uri.clone(),
                    version: doc.open.as_ref().map(|o| o.version),
                    generation: doc.generation,
                    text: doc.text(),
                    // Not one served without analysis after a panic (its
                    // "masked" text is the raw text).
                    prev: doc.view.clone().filter(|v| {
                        v.epoch == epoch && *v.analysis.structure.masked != *v.analysis.text
                    }),
                });
            }
        };
        match scope {
            Scope::One(path) => {
                if let Some(doc) = st.docs.get_mut(path) {
                    add(path, doc);
                }
            }
            Scope::All => {
                for (path, doc) in st.docs.iter_mut() {
                    add(path, doc);
                }
            }
        }
        (env, jobs)
    };
    if !jobs.is_empty() {
        tracing::trace!("analysing {} note(s)", jobs.len());
    }
    let views: Vec<Arc<DocView>> = jobs
        .into_par_iter()
        .map(|job| Arc::new(analyse(&env, job)))
        .collect();
    let mut st = lock(state);
    let current_epoch = st.env.epoch;
    for view in views {
        if let Some(doc) = st.docs.get_mut(&view.path) {
            // Keep a result for a text that has changed since only when there is
            // nothing better: it is still internally consistent.
            let current = doc.generation == view.generation && current_epoch == view.epoch;
            if current || doc.view.is_none() {
                let old = doc.view.replace(view.clone());
                st.dirty.push(view.path.clone());
                // Update the shared views and counts in place (copied only while
                // a request still holds them), not rebuilt from every note.
                if let Some((views, counts)) = st.views_cache.as_mut() {
                    let counts = Arc::make_mut(counts);
                    if let Some(old) = &old {
                        count_mentions(counts, old, false);
                    }
                    count_mentions(counts, &view, true);
                    Arc::make_mut(views).insert(view.path.clone(), view);
                }
            }
        }
    }
    let (docs, mention_counts) = match &st.views_cache {
        Some(cache) => cache.clone(),
        None => {
            let docs: Views = st
                .docs
                .iter()
                .filter_map(|(p, d)| d.view.clone().map(|v| (p.clone(), v)))
                .collect();
            let mut counts = MentionCounts::new();
            for view in docs.values() {
                count_mentions(&mut counts, view, true);
            }
            let cache = (Arc::new(docs), Arc::new(counts));
            st.views_cache = Some(cache.clone());
            cache
        }
    };
    let dirty = if drain {
        std::mem::take(&mut st.dirty)
    } else {
        Vec::new()
    };
    let snap = Snapshot {
        env,
        encoding: st.encoding,
        docs,
        mention_counts,
        findings: st.findings.clone(),
    };
    (snap, dirty)
}

/// Adds a note's mentions to the workspace counts, or takes them away.
fn count_mentions(counts: &mut MentionCounts, view: &DocView, add: bool) {
    for m in &view.analysis.mentions {
        if add {
            *counts.entry(m.model).or_default() += 1;
        } else if let Some(n) = counts.get_mut(&m.model) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&m.model);
            }
        }
    }
}

fn analyse(env: &Env, job: Job) -> DocView {
    let lines = LineIndex::new(&job.text);
    let analysis = match catch_unwind(AssertUnwindSafe(|| match &job.prev {
        Some(prev) => env.analyzer.reanalyze(&prev.analysis, job.text.clone()),
        None => env.analyzer.analyze(&job.path, job.text.clone()),
    })) {
        Ok(a) => a,
        Err(_) => {
            tracing::error!(
                "analysis panicked on {}; serving it without findings",
                job.path.display()
            );
            empty_analysis(&job.path, job.text.clone())
        }
    };
    DocView {
        uri: job.uri,
        path: job.path,
        version: job.version,
        generation: job.generation,
        epoch: env.epoch,
        analysis,
        lines,
    }
}

fn empty_analysis(path: &Path, text: Arc<str>) -> DocumentAnalysis {
    DocumentAnalysis {
        path: path.to_path_buf(),
        structure: crate::markdown::Structure {
            masked: text.to_string(),
            ..Default::default()
        },
        text,
        mentions: Vec::new(),
        shadows: Vec::new(),
        quantities: Vec::new(),
        claims: Vec::new(),
        suppressions: Default::default(),
        local_findings: Vec::new(),
    }
}
