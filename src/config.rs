//! `llmnotes.toml`: workspace KB files and rule severities.
//!
//! ```toml
//! [kb]
//! paths = ["kb/local.toml"]      # relative to this file
//!
//! [rules]
//! kb-mismatch = "error"          # error | warning | info | hint | off
//! unknown-model = "off"
//! ```
//!
//! The language server also takes the same settings as JSON
//! (`initializationOptions`, `workspace/didChangeConfiguration`):
//! `{ "rules": { "conflict": "off" }, "kb": { "paths": [...] }, "inlayHints": { "enabled": true } }`.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::rules::{Rule, Severity};

pub const CONFIG_FILE: &str = "llmnotes.toml";

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Config {
    /// The config file this came from, if any.
    pub path: Option<PathBuf>,
    /// Workspace KB files, absolute or relative to the config file's folder.
    pub kb_paths: Vec<PathBuf>,
    /// Overrides of default severities; `None` turns a rule off.
    pub rules: BTreeMap<Rule, Option<Severity>>,
    /// Inlay hints after mentions (language server only).
    pub inlay_hints: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    kb: RawKb,
    #[serde(default)]
    rules: BTreeMap<String, toml::Spanned<String>>,
    #[serde(default)]
    lsp: RawLsp,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawKb {
    #[serde(default)]
    paths: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawLsp {
    #[serde(default)]
    inlay_hints: bool,
}

impl Config {
    /// The severity a rule reports at, or `None` when it is off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        match self.rules.get(&rule) {
            Some(level) => *level,
            None => Some(rule.info().default_severity),
        }
    }

    /// Reads and parses a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: format!("cannot read: {e}"),
        })?;
        Config::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let err = |span: std::ops::Range<usize>, message: String| {
            let (line, column) = line_col(text, span.start);
            ConfigError {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let raw: RawConfig = toml::from_str(text)
            .map_err(|e| err(e.span().unwrap_or(0..0), e.message().trim().to_string()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        let mut rules = BTreeMap::new();
        for (name, level) in raw.rules {
            let rule = Rule::parse(&name).ok_or_else(|| {
                err(
                    level.span(),
                    format!("unknown rule `{name}` (expected a code like LN001 or a name like kb-mismatch)"),
                )
            })?;
            let sev = Severity::parse_level(level.get_ref()).map_err(|m| err(level.span(), m))?;
            rules.insert(rule, sev);
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            kb_paths: raw.kb.paths.iter().map(|p| base.join(p)).collect(),
            rules,
            inlay_hints: raw.lsp.inlay_hints,
        })
    }

    /// Finds `llmnotes.toml` in `start` or its ancestors.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        // `.` has no ancestors of its own: search from the absolute path.
        let absolute = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
        let start = if absolute.is_file() {
            absolute.parent()?.to_path_buf()
        } else {
            absolute
        };
        start
            .ancestors()
            .map(|d| d.join(CONFIG_FILE))
            .find(|p| p.is_file())
    }

    /// Lays client settings (JSON) over this config. Unknown keys are ignored;
    /// bad values are returned as messages and leave the setting unchanged.
    pub fn apply_json(&mut self, settings: &serde_json::Value, base: &Path) -> Vec<String> {
        let mut problems = Vec::new();
        let settings = settings.get("llmnotes").unwrap_or(settings);
        if let Some(rules) = settings.get("rules").and_then(|r| r.as_object()) {
            for (name, level) in rules {
                let Some(rule) = Rule::parse(name) else {
                    problems.push(format!("unknown rule `{name}`"));
                    continue;
                };
                match level.as_str().map(Severity::parse_level) {
                    Some(Ok(sev)) => {
                        self.rules.insert(rule, sev);
                    }
                    Some(Err(m)) => problems.push(m),
                    None => problems.push(format!("rule `{name}`: expected a string")),
                }
            }
        }
        if let Some(paths) = settings
            .get("kb")
            .and_then(|k| k.get("paths"))
            .and_then(|p| p.as_array())
        {
            for p in paths {
                match p.as_str() {
                    Some(s) => {
                        let p = base.join(s);
                        if !self.kb_paths.contains(&p) {
                            self.kb_paths.push(p);
                        }
                    }
                    None => problems.push("kb.paths: expected strings".into()),
                }
            }
        }
        if let Some(b) = settings
            .get("inlayHints")
            .and_then(|h| h.get("enabled"))
            .and_then(|e| e.as_bool())
        {
            self.inlay_hints = b;
        }
        problems
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let idx = crate::text::LineIndex::new(text);
    let (l, c) = idx.position(text, offset, crate::text::Encoding::Chars);
    (l + 1, c + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rules_and_kb_paths() {
        let c = Config::parse(
            Path::new("/notes/llmnotes.toml"),
            "[kb]\npaths = [\"kb/local.toml\"]\n[rules]\nconflict = \"off\"\nLN001 = \"warning\"\n",
        )
        .unwrap();
        assert_eq!(c.kb_paths, vec![PathBuf::from("/notes/kb/local.toml")]);
        assert_eq!(c.severity(Rule::Conflict), None);
        assert_eq!(c.severity(Rule::KbMismatch), Some(Severity::Warning));
        assert_eq!(c.severity(Rule::Spelling), Some(Severity::Warning));
    }

    #[test]
    fn bad_values_are_located() {
        let e = Config::parse(Path::new("llmnotes.toml"), "[rules]\nconflict = \"loud\"\n")
            .unwrap_err();
        assert_eq!((e.line, e.column), (2, 12), "{e}");
        assert!(e.message.contains("loud"));
        let e = Config::parse(Path::new("llmnotes.toml"), "[rules]\nnope = \"off\"\n").unwrap_err();
        assert!(e.to_string().contains("unknown rule `nope`"), "{e}");
    }

    #[test]
    fn json_settings_override() {
        let mut c = Config::default();
        let problems = c.apply_json(
            &serde_json::json!({"llmnotes": {"rules": {"spelling": "off", "x": "error"}, "inlayHints": {"enabled": true}}}),
            Path::new("/w"),
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(c.severity(Rule::Spelling), None);
        assert!(c.inlay_hints);
    }
}

#[cfg(test)]
mod discover_tests {
    use super::*;

    #[test]
    fn discovers_in_parent_folders_from_a_relative_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), "").unwrap();
        let notes = dir.path().join("notes/deep");
        std::fs::create_dir_all(&notes).unwrap();
        let found = Config::discover(&notes).unwrap();
        assert_eq!(
            found,
            std::fs::canonicalize(dir.path().join(CONFIG_FILE)).unwrap()
        );
        assert!(Config::discover(Path::new("/")).is_none() || Path::new("/llmnotes.toml").exists());
    }
}
