//! The configuration and knowledge base a command runs with: `llmnotes.toml`
//! (given with `--config` or discovered from the first path), and the embedded KB
//! with the workspace KB files it names laid over it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::kb::{Kb, KbError, KbOrigin, KbSource};

use super::{display_path, Failure};

pub struct Workspace {
    pub config: Config,
    pub kb: Arc<Kb>,
    /// The workspace KB files, as read (the embedded ones are not repeated here).
    pub kb_sources: Vec<KbSource>,
}

/// Loads the config (explicit, or discovered from `start`) and the KB. Any config
/// or KB error fails the command with one located line per problem.
pub fn load(config_arg: Option<&Path>, start: &Path) -> Result<Workspace, Failure> {
    let config = load_config(config_arg, start)?;
    let kb_sources = read_kb_files(&config, &config.kb_paths)?;
    let (kb, errors) = Kb::with_overlay(&kb_sources);
    if !errors.is_empty() {
        return Err(Failure::lines(errors.iter().map(kb_error_line).collect()));
    }
    Ok(Workspace {
        config,
        kb: Arc::new(kb),
        kb_sources,
    })
}

pub fn load_config(config_arg: Option<&Path>, start: &Path) -> Result<Config, Failure> {
    let path = match config_arg {
        Some(p) => {
            if !p.exists() {
                return Err(Failure::msg(format_args!(
                    "{}: config file not found",
                    display_path(p)
                )));
            }
            Some(p.to_path_buf())
        }
        None => discover(start),
    };
    match path {
        Some(p) => Config::load(&p).map_err(|e| {
            Failure::lines(vec![Failure::located(
                &display_path(&e.path),
                e.line,
                e.column,
                &e.message,
            )])
        }),
        None => Ok(Config::default()),
    }
}

/// Finds `llmnotes.toml` in `start` or any folder above it. The search runs on the
/// absolute path (so `.` reaches its parents); the result is shown relative to the
/// current folder when it lies inside it.
fn discover(start: &Path) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let abs = std::fs::canonicalize(start).unwrap_or_else(|_| cwd.join(start));
    let found = Config::discover(&abs)?;
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    Some(match found.strip_prefix(&cwd) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => found,
    })
}

/// Reads KB files named by the config (or on the command line). A file that
/// cannot be read fails the command.
pub fn read_kb_files(config: &Config, paths: &[PathBuf]) -> Result<Vec<KbSource>, Failure> {
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => sources.push(KbSource {
                    origin: KbOrigin::Workspace(PathBuf::from(display_path(path))),
                    text,
                }),
                Err(_) => problems.push(format!(
                    "error: {}: KB file is not valid UTF-8",
                    display_path(path)
                )),
            },
            Err(e) => {
                let named_by = config
                    .path
                    .as_deref()
                    .map(|c| format!(" (named in {})", display_path(c)))
                    .unwrap_or_default();
                problems.push(format!(
                    "error: {}: cannot read KB file{named_by}: {e}",
                    display_path(path)
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(sources)
    } else {
        Err(Failure::lines(problems))
    }
}

/// `path:line:col: error: message` for a KB problem.
pub fn kb_error_line(e: &KbError) -> String {
    let path = match &e.origin {
        KbOrigin::Workspace(p) => display_path(p),
        KbOrigin::Embedded(name) => format!("{name} (embedded)"),
    };
    if e.line == 0 {
        format!("{path}: error: {}", e.message)
    } else {
        Failure::located(&path, e.line, e.column, &e.message)
    }
}
