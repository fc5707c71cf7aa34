//! The `LanguageServer` implementation. Each handler turns LSP params into a byte
//! offset on a snapshot (`convert`), calls a feature function, and returns its
//! result; document changes are applied under the state lock before the handler's
//! first `.await`, so they apply in the order the client sent them.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::diagnostics::{self, Published};
use super::env::Env;
use super::state::{self, ClientSupport, DocView, Scope, Snapshot, State};
use super::workspace::{self, uri_path};
use super::{actions, completion, convert, hints, hover, navigation};

/// The longest quiet time after a diagnostics run before the next one starts.
/// A change that finds the server idle is answered at once; when changes
/// overtake a run (the user types faster than a run takes), the server rests as
/// long as that run took (at most this) before the next, so diagnostics take at
/// most half the time, requests such as hover and completion are never starved,
/// and the changes that arrive in between share one run.
const DEBOUNCE: Duration = Duration::from_millis(15);

pub(crate) struct Inner {
    client: Client,
    state: Mutex<State>,
    refresh: Notify,
    /// Bumped on every change that calls for a diagnostics run.
    changes: AtomicU64,
    refresh_lock: tokio::sync::Mutex<()>,
    published: Mutex<Published>,
    shutdown_requested: AtomicBool,
    next_epoch: AtomicU64,
    /// KB files currently watched (re-registered when the configuration changes).
    watched_kb: Mutex<Option<Vec<PathBuf>>>,
    /// Workspace config and KB files that currently have diagnostics.
    file_problem_uris: Mutex<Vec<Uri>>,
}

pub struct Backend {
    inner: Arc<Inner>,
}

impl Backend {
    pub(crate) fn new(client: Client) -> Backend {
        let inner = Arc::new(Inner {
            client,
            state: Mutex::new(State::new(Arc::new(Env::embedded()))),
            refresh: Notify::new(),
            changes: AtomicU64::new(0),
            refresh_lock: tokio::sync::Mutex::new(()),
            published: Mutex::new(Published::default()),
            shutdown_requested: AtomicBool::new(false),
            next_epoch: AtomicU64::new(1),
            watched_kb: Mutex::new(None),
            file_problem_uris: Mutex::new(Vec::new()),
        });
        tokio::spawn(refresh_loop(inner.clone()));
        Backend { inner }
    }

    pub(crate) fn inner(&self) -> Arc<Inner> {
        self.inner.clone()
    }

    /// `llmnotes/documentText`: the server's copy of a document (tests, debugging).
    pub async fn document_text(&self, params: DocumentTextParams) -> Result<Option<DocumentText>> {
        let path = uri_path(&params.text_document.uri);
        let mut st = state::lock(&self.inner.state);
        Ok(st.current_text(&path).map(|(version, text)| DocumentText {
            version,
            text: text.to_string(),
        }))
    }

    /// Runs `f` on a snapshot in which the document at `uri` is freshly analysed,
    /// off the async threads, with panics caught and logged.
    async fn on_doc<T, F>(&self, uri: &Uri, scope_all: bool, what: &'static str, f: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(&Snapshot, &DocView) -> Option<T> + Send + 'static,
    {
        let path = uri_path(uri);
        let inner = self.inner.clone();
        let task = tokio::task::spawn_blocking(move || {
            let scope = if scope_all {
                Scope::All
            } else {
                Scope::One(&path)
            };
            let snap = state::snapshot(&inner.state, scope);
            let doc = snap.doc(&path)?.clone();
            match catch_unwind(AssertUnwindSafe(|| f(&snap, &doc))) {
                Ok(v) => v,
                Err(_) => {
                    tracing::error!("{what} panicked on {}", path.display());
                    None
                }
            }
        });
        task.await.ok().flatten()
    }

    async fn on_snapshot<T, F>(&self, what: &'static str, f: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(&Snapshot) -> Option<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        let task = tokio::task::spawn_blocking(move || {
            let snap = state::snapshot(&inner.state, Scope::All);
            match catch_unwind(AssertUnwindSafe(|| f(&snap))) {
                Ok(v) => v,
                Err(_) => {
                    tracing::error!("{what} panicked");
                    None
                }
            }
        });
        task.await.ok().flatten()
    }
}

impl Inner {
    /// Asks for a diagnostics run (coalesced with any already asked for).
    fn request_refresh(&self) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        self.refresh.notify_one();
    }

    pub(crate) fn shutdown_requested(&self) -> bool {
        self.shutdown_requested.load(Ordering::SeqCst)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentTextParams {
    pub text_document: TextDocumentIdentifier,
}

#[derive(Debug, Serialize)]
pub struct DocumentText {
    pub version: Option<i32>,
    pub text: String,
}

async fn refresh_loop(inner: Arc<Inner>) {
    // When the last run ended and how long it took, if changes overtook it.
    let mut overtaken: Option<(tokio::time::Instant, Duration)> = None;
    loop {
        inner.refresh.notified().await;
        if let Some((ended, took)) = overtaken {
            tokio::time::sleep_until(ended + took.min(DEBOUNCE)).await;
        }
        let changes_at_start = inner.changes.load(Ordering::SeqCst);
        let started = tokio::time::Instant::now();
        publish_diagnostics(&inner).await;
        overtaken = (inner.changes.load(Ordering::SeqCst) != changes_at_start)
            .then(|| (tokio::time::Instant::now(), started.elapsed()));
    }
}

/// One diagnostics run; runs never overlap, so publications never go back in time.
async fn publish_diagnostics(inner: &Arc<Inner>) {
    let _guard = inner.refresh_lock.lock().await;
    let changes_at_start = inner.changes.load(Ordering::SeqCst);
    let worker = inner.clone();
    let batch =
        tokio::task::spawn_blocking(move || diagnostics::compute(&worker.state, &worker.published))
            .await;
    let batch = match batch {
        Ok(batch) => batch,
        Err(e) => {
            tracing::error!("diagnostics run failed: {e}");
            return;
        }
    };
    let mut batch = batch.into_iter();
    while let Some(item) = batch.next() {
        // Open notes come first and are always sent. When the user has typed
        // again, the rest (unopened notes) is left to the next run, which is
        // already due: it will send them if they still differ.
        if item.version.is_none() && inner.changes.load(Ordering::SeqCst) != changes_at_start {
            let rest: Vec<(PathBuf, Uri)> = std::iter::once((item.path, item.uri))
                .chain(batch.map(|i| (i.path, i.uri)))
                .collect();
            tracing::debug!("{} publications deferred to the next run", rest.len());
            diagnostics::defer(&inner.published, rest);
            // The change that interrupted us asked for a run; make sure one
            // follows even if its request was consumed before this run started.
            inner.refresh.notify_one();
            return;
        }
        inner
            .client
            .publish_diagnostics(item.uri, item.diagnostics, item.version)
            .await;
    }
}

/// Reads every note under the workspace roots and publishes their diagnostics,
/// reporting `$/progress` when the client supports it.
async fn index_workspace(inner: Arc<Inner>) {
    let (roots, support) = {
        let st = state::lock(&inner.state);
        (st.roots.clone(), st.support)
    };
    if roots.is_empty() {
        return;
    }
    let token = ProgressToken::String("llmnotes/indexing".to_string());
    let progress = if support.work_done_progress
        && inner
            .client
            .create_work_done_progress(token.clone())
            .await
            .is_ok()
    {
        Some(
            inner
                .client
                .progress(token, "llmnotes: indexing notes")
                .with_percentage(0)
                .begin()
                .await,
        )
    } else {
        None
    };
    let walk_roots = roots.clone();
    let notes = tokio::task::spawn_blocking(move || workspace::collect_notes(&walk_roots))
        .await
        .unwrap_or_default();
    let count = notes.len();
    tracing::info!("indexing {count} notes under {} folder(s)", roots.len());
    if let Some(p) = &progress {
        p.report_with_message(format!("{count} notes found, analysing"), 30)
            .await;
    }
    {
        let mut st = state::lock(&inner.state);
        for (path, text) in notes {
            if let Some(uri) = convert::path_uri(&path) {
                st.set_disk_text(uri, path, text);
            }
        }
    }
    publish_diagnostics(&inner).await;
    if let Some(p) = progress {
        p.finish_with_message(format!("{count} notes indexed"))
            .await;
    }
    tracing::info!("indexed {count} notes");
}

/// Registers file watchers for notes, `llmnotes.toml` and the workspace KB files.
async fn register_watchers(inner: &Arc<Inner>) {
    let (support, kb_paths) = {
        let st = state::lock(&inner.state);
        (st.support, st.env.config().kb_paths.clone())
    };
    if !support.dynamic_watched_files {
        return;
    }
    let previous = {
        let mut watched = inner.watched_kb.lock().unwrap_or_else(|p| p.into_inner());
        watched.replace(kb_paths.clone())
    };
    if let Some(previous) = previous {
        if previous == kb_paths {
            return;
        }
        let _ = inner
            .client
            .unregister_capability(vec![Unregistration {
                id: "llmnotes-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
            }])
            .await;
    }
    let mut watchers: Vec<FileSystemWatcher> = ["**/*.md", "**/*.markdown", "**/llmnotes.toml"]
        .iter()
        .map(|g| FileSystemWatcher {
            glob_pattern: GlobPattern::String((*g).to_string()),
            kind: None,
        })
        .collect();
    for path in &kb_paths {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            continue;
        };
        let name = name.to_string_lossy().into_owned();
        let glob_pattern = match convert::path_uri(dir) {
            Some(base) if support.relative_patterns => GlobPattern::Relative(RelativePattern {
                base_uri: OneOf::Right(base),
                pattern: name,
            }),
            _ => GlobPattern::String(format!("**/{name}")),
        };
        watchers.push(FileSystemWatcher {
            glob_pattern,
            kind: None,
        });
    }
    let options = DidChangeWatchedFilesRegistrationOptions { watchers };
    let registration = Registration {
        id: "llmnotes-watch".into(),
        method: "workspace/didChangeWatchedFiles".into(),
        register_options: serde_json::to_value(options).ok(),
    };
    if let Err(e) = inner.client.register_capability(vec![registration]).await {
        tracing::warn!("could not register file watchers: {e}");
    }
}

/// Rebuilds configuration and KB, then re-analyses everything.
async fn reload_env(inner: &Arc<Inner>) {
    let epoch = inner.next_epoch.fetch_add(1, Ordering::SeqCst) + 1;
    let (roots, init, settings, inlay_before) = {
        let st = state::lock(&inner.state);
        (
            st.roots.clone(),
            st.init_options.clone(),
            st.client_settings.clone(),
            st.env.config().inlay_hints,
        )
    };
    let env =
        tokio::task::spawn_blocking(move || Env::build(epoch, &roots, &init, &settings)).await;
    let Ok(env) = env else { return };
    report_problems(inner, &env.problems).await;
    publish_file_problems(inner, &env.file_problems).await;
    let inlay_after = env.config().inlay_hints;
    state::lock(&inner.state).set_env(Arc::new(env));
    tracing::info!("configuration and KB reloaded");
    inner.request_refresh();
    register_watchers(inner).await;
    let refresh = state::lock(&inner.state).support.inlay_hint_refresh;
    if inlay_before != inlay_after && refresh {
        let _ = inner.client.inlay_hint_refresh().await;
    }
}

/// Publishes config and KB problems as diagnostics on the files they are in, and
/// clears the files that no longer have any.
async fn publish_file_problems(inner: &Inner, problems: &[super::env::FileProblem]) {
    let mut by_uri: Vec<(Uri, Vec<Diagnostic>)> = Vec::new();
    for p in problems {
        let Some(uri) = convert::path_uri(&p.path) else {
            continue;
        };
        let text = std::fs::read_to_string(&p.path).unwrap_or_default();
        let line = p.line.saturating_sub(1);
        let line_text = text.lines().nth(line).unwrap_or("");
        let before: String = line_text.chars().take(p.column.saturating_sub(1)).collect();
        let character = before.encode_utf16().count() as u32;
        let end = line_text.encode_utf16().count() as u32;
        let range = Range::new(
            Position::new(line as u32, character),
            Position::new(line as u32, end.max(character)),
        );
        let diagnostic = Diagnostic {
            range,
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some("llmnotes".into()),
            message: p.message.clone(),
            ..Default::default()
        };
        match by_uri.iter_mut().find(|(u, _)| *u == uri) {
            Some((_, list)) => list.push(diagnostic),
            None => by_uri.push((uri, vec![diagnostic])),
        }
    }
    let stale: Vec<Uri> = {
        let mut published = inner
            .file_problem_uris
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let stale = published
            .iter()
            .filter(|u| !by_uri.iter().any(|(n, _)| n == *u))
            .cloned()
            .collect();
        *published = by_uri.iter().map(|(u, _)| u.clone()).collect();
        stale
    };
    for uri in stale {
        inner
            .client
            .publish_diagnostics(uri, Vec::new(), None)
            .await;
    }
    for (uri, diagnostics) in by_uri {
        inner
            .client
            .publish_diagnostics(uri, diagnostics, None)
            .await;
    }
}

async fn report_problems(inner: &Inner, problems: &[String]) {
    for p in problems {
        tracing::warn!("{p}");
    }
    if let Some(first) = problems.first() {
        let more = if problems.len() > 1 {
            format!(" (and {} more; see the server log)", problems.len() - 1)
        } else {
            String::new()
        };
        inner
            .client
            .show_message(MessageType::WARNING, format!("llmnotes: {first}{more}"))
            .await;
    }
}

fn roots_of(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders.iter().map(|f| uri_path(&f.uri)).collect();
    }
    #[allow(deprecated)]
    if let Some(uri) = &params.root_uri {
        return vec![uri_path(uri)];
    }
    #[allow(deprecated)]
    params
        .root_path
        .as_ref()
        .map(|p| vec![PathBuf::from(p)])
        .unwrap_or_default()
}

fn support_of(caps: &ClientCapabilities) -> ClientSupport {
    let watched = caps
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref());
    ClientSupport {
        work_done_progress: caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false),
        dynamic_watched_files: watched
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false),
        relative_patterns: watched
            .and_then(|w| w.relative_pattern_support)
            .unwrap_or(false),
        configuration: caps
            .workspace
            .as_ref()
            .and_then(|w| w.configuration)
            .unwrap_or(false),
        inlay_hint_refresh: caps
            .workspace
            .as_ref()
            .and_then(|w| w.inlay_hint.as_ref())
            .and_then(|h| h.refresh_support)
            .unwrap_or(false),
    }
}

fn capabilities(encoding: crate::text::Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(convert::encoding_kind(encoding)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            resolve_provider: Some(true),
            trigger_characters: None,
            ..Default::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        inlay_hint_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: hints::legend(),
                range: Some(true),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                ..Default::default()
            },
        )),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}

fn whole(doc: &DocView) -> std::ops::Range<usize> {
    0..doc.analysis.text.len()
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = convert::negotiate_encoding(
            params
                .capabilities
                .general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        let roots = roots_of(&params);
        let init = params.initialization_options.clone().unwrap_or_default();
        let support = support_of(&params.capabilities);
        let epoch = self.inner.next_epoch.fetch_add(1, Ordering::SeqCst) + 1;
        let (env_roots, env_init) = (roots.clone(), init.clone());
        let env = tokio::task::spawn_blocking(move || {
            Env::build(epoch, &env_roots, &env_init, &serde_json::Value::Null)
        })
        .await
        .unwrap_or_else(|_| Env::embedded());
        for p in &env.problems {
            tracing::warn!("{p}");
        }
        {
            let mut st = state::lock(&self.inner.state);
            st.encoding = encoding;
            st.roots = roots;
            st.init_options = init;
            st.support = support;
            st.set_env(Arc::new(env));
        }
        tracing::info!("initialized with {encoding:?} positions");
        Ok(InitializeResult {
            capabilities: capabilities(encoding),
            server_info: Some(ServerInfo {
                name: "llmnotes".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let (problems, file_problems) = {
                let st = state::lock(&inner.state);
                (st.env.problems.clone(), st.env.file_problems.clone())
            };
            report_problems(&inner, &problems).await;
            publish_file_problems(&inner, &file_problems).await;
            register_watchers(&inner).await;
            index_workspace(inner).await;
        });
    }

    async fn shutdown(&self) -> Result<()> {
        self.inner.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let path = uri_path(&doc.uri);
        state::lock(&self.inner.state).open(doc.uri, path, doc.text, doc.version);
        self.inner.request_refresh();
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // No `.await` before the change is applied: see the module comment.
        let uri = params.text_document.uri;
        let path = uri_path(&uri);
        let result = state::lock(&self.inner.state).change(
            &path,
            params.text_document.version,
            &params.content_changes,
        );
        match result {
            Ok(()) => self.inner.request_refresh(),
            Err(e) => tracing::error!("rejected a change to {}: {e}", uri.as_str()),
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let path = uri_path(&params.text_document.uri);
        let keep = {
            let st = state::lock(&self.inner.state);
            workspace::in_roots(&path, &st.roots) && workspace::is_note(&path)
        };
        let disk = if keep {
            workspace::read_note(&path)
        } else {
            None
        };
        state::lock(&self.inner.state).close(&path, disk);
        self.inner.request_refresh();
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let mut settings = params.settings;
        let can_pull = state::lock(&self.inner.state).support.configuration;
        if can_pull && (settings.is_null() || settings.as_object().is_some_and(|o| o.is_empty())) {
            let pulled = self
                .inner
                .client
                .configuration(vec![ConfigurationItem {
                    scope_uri: None,
                    section: Some("llmnotes".to_string()),
                }])
                .await;
            if let Ok(mut values) = pulled {
                if let Some(v) = values.pop() {
                    settings = v;
                }
            }
        }
        state::lock(&self.inner.state).client_settings = settings;
        reload_env(&self.inner).await;
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        {
            let mut st = state::lock(&self.inner.state);
            for removed in &params.event.removed {
                let root = uri_path(&removed.uri);
                st.roots.retain(|r| *r != root);
                for path in st.paths() {
                    if path.starts_with(&root) {
                        st.remove_disk(&path);
                    }
                }
            }
            for added in &params.event.added {
                st.roots.push(uri_path(&added.uri));
            }
        }
        self.inner.request_refresh();
        tokio::spawn(index_workspace(self.inner.clone()));
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let (roots, kb_paths, config_path) = {
            let st = state::lock(&self.inner.state);
            (
                st.roots.clone(),
                st.env.config().kb_paths.clone(),
                st.env.config().path.clone(),
            )
        };
        let mut reload = false;
        let mut notes_changed = false;
        for event in params.changes {
            let path = uri_path(&event.uri);
            let is_config = path
                .file_name()
                .is_some_and(|n| n == crate::config::CONFIG_FILE)
                || config_path.as_deref() == Some(path.as_path());
            if is_config || kb_paths.contains(&path) {
                reload = true;
                continue;
            }
            if !workspace::is_note(&path) || !workspace::in_roots(&path, &roots) {
                continue;
            }
            notes_changed = true;
            if event.typ == FileChangeType::DELETED {
                state::lock(&self.inner.state).remove_disk(&path);
            } else if let Some(text) = workspace::read_note(&path) {
                state::lock(&self.inner.state).set_disk_text(event.uri, path, text);
            }
        }
        if reload {
            reload_env(&self.inner).await;
        } else if notes_changed {
            self.inner.request_refresh();
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        Ok(self
            .on_doc(&p.text_document.uri, false, "hover", move |snap, doc| {
                let offset = doc.at().offset(p.position, snap.encoding)?;
                hover::hover(snap, doc, offset)
            })
            .await)
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        Ok(self
            .on_doc(
                &p.text_document.uri,
                true,
                "definition",
                move |snap, doc| {
                    let offset = doc.at().offset(p.position, snap.encoding)?;
                    let locations = navigation::definition(snap, doc, offset);
                    (!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations))
                },
            )
            .await)
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let include = params.context.include_declaration;
        Ok(self
            .on_doc(
                &p.text_document.uri,
                true,
                "references",
                move |snap, doc| {
                    let offset = doc.at().offset(p.position, snap.encoding)?;
                    let locations = navigation::references(snap, doc, offset, include);
                    (!locations.is_empty()).then_some(locations)
                },
            )
            .await)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        Ok(self
            .on_doc(
                &p.text_document.uri,
                false,
                "completion",
                move |snap, doc| {
                    let offset = doc.at().offset(p.position, snap.encoding)?;
                    Some(CompletionResponse::Array(completion::completion(
                        snap, doc, offset,
                    )))
                },
            )
            .await)
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        let env = state::lock(&self.inner.state).env.clone();
        let snap = Snapshot {
            env,
            encoding: crate::text::Encoding::Utf16,
            docs: Default::default(),
            mention_counts: Default::default(),
            findings: Default::default(),
        };
        let fallback = item.clone();
        Ok(catch_unwind(AssertUnwindSafe(|| completion::resolve(&snap, item))).unwrap_or(fallback))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let range = params.range;
        let context = params.context.diagnostics;
        Ok(self
            .on_doc(
                &params.text_document.uri,
                false,
                "code action",
                move |snap, doc| {
                    let bytes = doc.at().byte_range(range, snap.encoding)?;
                    let actions = actions::code_actions(snap, doc, bytes, &context);
                    (!actions.is_empty()).then_some(actions)
                },
            )
            .await)
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let range = params.range;
        Ok(self
            .on_doc(
                &params.text_document.uri,
                false,
                "inlay hints",
                move |snap, doc| {
                    if !snap.env.config().inlay_hints {
                        return None;
                    }
                    let bytes = doc
                        .at()
                        .byte_range(range, snap.encoding)
                        .unwrap_or(whole(doc));
                    Some(hints::inlay_hints(snap, doc, bytes))
                },
            )
            .await)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self
            .on_doc(
                &params.text_document.uri,
                false,
                "document symbols",
                |snap, doc| {
                    Some(DocumentSymbolResponse::Nested(
                        navigation::document_symbols(snap, doc),
                    ))
                },
            )
            .await)
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let query = params.query;
        Ok(self
            .on_snapshot("workspace symbols", move |snap| {
                Some(WorkspaceSymbolResponse::Nested(
                    navigation::workspace_symbols(snap, &query),
                ))
            })
            .await)
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        Ok(self
            .on_doc(
                &params.text_document.uri,
                false,
                "semantic tokens",
                |snap, doc| {
                    Some(SemanticTokensResult::Tokens(SemanticTokens {
                        result_id: None,
                        data: hints::semantic_tokens(snap, doc, whole(doc)),
                    }))
                },
            )
            .await)
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let range = params.range;
        Ok(self
            .on_doc(
                &params.text_document.uri,
                false,
                "semantic tokens",
                move |snap, doc| {
                    let bytes = doc.at().byte_range(range, snap.encoding)?;
                    Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
                        result_id: None,
                        data: hints::semantic_tokens(snap, doc, bytes),
                    }))
                },
            )
            .await)
    }
}
