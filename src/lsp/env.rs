//! The analysis environment: configuration, knowledge base and analyzer, plus the
//! KB files as real files on disk (so go-to-definition can open them). Rebuilt,
//! with a new epoch, whenever `llmnotes.toml`, a KB file or the client settings
//! change.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::kb::{embedded_sources, Attribute, Kb, KbOrigin, KbSource, ModelId};
use crate::text::LineIndex;
use crate::Analyzer;

use super::convert::LineText;

/// A KB file the server can point the editor at.
pub(crate) struct KbFile {
    /// The real file: the workspace file, or the embedded file's copy in the cache.
    pub path: Option<PathBuf>,
    pub text: Arc<str>,
    pub lines: LineIndex,
}

impl KbFile {
    pub fn at(&self) -> LineText<'_> {
        LineText {
            text: &self.text,
            lines: &self.lines,
        }
    }
}

pub(crate) struct Env {
    pub epoch: u64,
    pub analyzer: Analyzer,
    pub kb_files: HashMap<KbOrigin, KbFile>,
    /// Config and KB problems, for the log and the user.
    pub problems: Vec<String>,
    /// The same problems located in a workspace file (`llmnotes.toml`, a KB file),
    /// published as diagnostics on that file.
    pub file_problems: Vec<FileProblem>,
}

impl Env {
    pub fn kb(&self) -> &Kb {
        &self.analyzer.kb
    }

    pub fn config(&self) -> &Config {
        &self.analyzer.config
    }

    /// The file and span that define a model.
    pub fn model_location(&self, id: ModelId) -> Option<(&KbFile, std::ops::Range<usize>)> {
        let m = self.kb().get(id)?;
        Some((self.kb_files.get(&m.origin)?, m.span.clone()))
    }

    /// The file and span of the KB fact for a model and attribute (the first variant
    /// fact when the model has none of its own).
    pub fn fact_location(
        &self,
        id: ModelId,
        attribute: Attribute,
        variant: Option<usize>,
    ) -> Option<(&KbFile, std::ops::Range<usize>)> {
        let m = self.kb().get(id)?;
        let fact = m.facts_for(attribute, variant).into_iter().next()?;
        Some((self.kb_files.get(&fact.origin)?, fact.span.clone()))
    }

    /// A KB file by the path a finding names (`kb/openai.toml` or a workspace path).
    pub fn kb_file_named(&self, path: &Path) -> Option<&KbFile> {
        self.kb_files.iter().find_map(|(origin, f)| {
            let hit = match origin {
                KbOrigin::Embedded(name) => Path::new(name) == path,
                KbOrigin::Workspace(p) => p == path,
            };
            hit.then_some(f)
        })
    }

    /// A minimal environment: embedded KB, default configuration.
    pub fn embedded() -> Env {
        Env::build(0, &[], &serde_json::Value::Null, &serde_json::Value::Null)
    }

    /// Loads `llmnotes.toml` (found from the first root), lays the client's
    /// settings over it, and loads the KB with the workspace files it names.
    pub fn build(
        epoch: u64,
        roots: &[PathBuf],
        init_options: &serde_json::Value,
        client_settings: &serde_json::Value,
    ) -> Env {
        let mut problems = Vec::new();
        let mut file_problems = Vec::new();
        let root = roots.first().cloned();
        let mut config = match root.as_deref().and_then(Config::discover) {
            Some(path) => match Config::load(&path) {
                Ok(c) => c,
                Err(e) => {
                    problems.push(e.to_string());
                    file_problems.push(FileProblem {
                        path: e.path.clone(),
                        line: e.line,
                        column: e.column,
                        message: e.message.clone(),
                    });
                    Config::default()
                }
            },
            None => Config::default(),
        };
        let base = root.unwrap_or_else(|| PathBuf::from("."));
        for settings in [init_options, client_settings] {
            if !settings.is_null() {
                problems.extend(
                    config
                        .apply_json(settings, &base)
                        .into_iter()
                        .map(|p| format!("settings: {p}")),
                );
            }
        }
        let mut overlay = Vec::new();
        for path in &config.kb_paths {
            match std::fs::read_to_string(path) {
                Ok(text) => overlay.push(KbSource {
                    origin: KbOrigin::Workspace(path.clone()),
                    text,
                }),
                Err(e) => problems.push(format!("{}: cannot read KB file: {e}", path.display())),
            }
        }
        let (kb, errors) = if overlay.is_empty() {
            (Kb::embedded(), Vec::new())
        } else {
            Kb::with_overlay(&overlay)
        };
        problems.extend(errors.iter().map(|e| e.to_string()));
        // What `llmnotes kb check` says about the workspace's own KB files.
        let checked = if errors.is_empty() && !overlay.is_empty() {
            crate::kb::validate_sources(&kb, &overlay)
        } else {
            Vec::new()
        };
        problems.extend(
            checked
                .iter()
                .filter(|e| matches!(e.origin, KbOrigin::Workspace(_)))
                .map(|e| e.to_string()),
        );
        for e in errors.iter().chain(&checked) {
            if let KbOrigin::Workspace(path) = &e.origin {
                file_problems.push(FileProblem {
                    path: path.clone(),
                    line: e.line,
                    column: e.column,
                    message: e.message.clone(),
                });
            }
        }
        let mut kb_files = HashMap::new();
        let cache = cache_dir();
        for source in embedded_sources().into_iter().chain(overlay) {
            let path = match &source.origin {
                KbOrigin::Workspace(p) => Some(p.clone()),
                KbOrigin::Embedded(name) => cache
                    .as_deref()
                    .and_then(|dir| write_cached(dir, name, &source.text)),
            };
            let lines = LineIndex::new(&source.text);
            kb_files.insert(
                source.origin,
                KbFile {
                    path,
                    text: Arc::from(source.text),
                    lines,
                },
            );
        }
        Env {
            epoch,
            analyzer: Analyzer::new(Arc::new(kb), config),
            kb_files,
            problems,
            file_problems,
        }
    }
}

/// `$XDG_CACHE_HOME/llmnotes/<version>` (or `~/.cache/...`, or the temp dir).
fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|h| h.join(".cache"))
        })
        .unwrap_or_else(std::env::temp_dir);
    Some(base.join("llmnotes").join(env!("CARGO_PKG_VERSION")))
}

/// Writes an embedded KB file under `dir` unless an identical copy is there, and
/// returns its path. The copy is made read-only: edits belong in a workspace KB.
fn write_cached(dir: &Path, name: &str, text: &str) -> Option<PathBuf> {
    let path = dir.join(name);
    if std::fs::read_to_string(&path).is_ok_and(|t| t == text) {
        return Some(path);
    }
    let result = (|| -> std::io::Result<()> {
        let parent = path.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent)?;
        let tmp = tempfile::NamedTempFile::new_in(parent)?;
        std::fs::write(tmp.path(), text)?;
        let mut perms = std::fs::metadata(tmp.path())?.permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(tmp.path(), perms)?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    })();
    match result {
        Ok(()) => Some(path),
        Err(e) => {
            tracing::warn!("cannot write the KB copy {}: {e}", path.display());
            None
        }
    }
}

/// A configuration or KB problem at a place in a workspace file (1-based line
/// and character column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileProblem {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}
