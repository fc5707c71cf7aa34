//! `llmnotes kb ...`: export, check and count the knowledge base.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::Value;

use super::workspace::{self, kb_error_line};
use super::{display_path, stdout, CliResult, Globals, Outcome};
use crate::facts::model_json;
use crate::kb::Kb;

#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// Print the whole KB (embedded plus workspace files) as a JSON array.
    Export,
    /// Load KB files and report every problem with file, line and column.
    ///
    /// With no FILES, checks the embedded KB with the workspace files named in
    /// `llmnotes.toml` laid over it.
    Check {
        /// KB TOML files to check, laid over the embedded KB.
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

pub fn run(globals: &Globals, command: KbCommand) -> CliResult {
    match command {
        KbCommand::Export => export(globals),
        KbCommand::Check { files } => check(globals, &files),
    }
}

fn export(globals: &Globals) -> CliResult {
    let ws = workspace::load(globals.config.as_deref(), Path::new("."))?;
    let all: Vec<Value> = ws.kb.models().iter().map(model_json).collect();
    let mut out = stdout();
    serde_json::to_writer_pretty(&mut out, &all).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(Outcome::Clean)
}

fn check(globals: &Globals, files: &[PathBuf]) -> CliResult {
    let config = workspace::load_config(globals.config.as_deref(), Path::new("."))?;
    let paths = if files.is_empty() {
        config.kb_paths.clone()
    } else {
        files.to_vec()
    };
    let sources = workspace::read_kb_files(&config, &paths)?;
    let (kb, errors) = Kb::with_overlay(&sources);
    let mut out = stdout();
    for e in &errors {
        writeln!(out, "{}", kb_error_line(e))?;
    }
    let checked: Vec<String> = paths.iter().map(|p| display_path(p)).collect();
    let what = if checked.is_empty() {
        "the embedded KB".to_string()
    } else {
        format!("the embedded KB and {}", checked.join(", "))
    };
    if errors.is_empty() {
        writeln!(out, "{what}: {} models, no problems", kb.models().len())?;
        Ok(Outcome::Clean)
    } else {
        writeln!(
            out,
            "{what}: {} problem{}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        )?;
        Ok(Outcome::Errors)
    }
}
