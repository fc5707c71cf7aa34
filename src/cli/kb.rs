//! `llmnotes kb ...`: export, check and count the knowledge base.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use serde_json::{json, Value};

use super::workspace::{self, kb_error_line};
use super::{display_path, stdout, CliResult, Globals, Outcome};
use crate::facts::model_json;
use crate::kb::{self as kb, embedded_sources, Kb, KbStats};

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
    /// Count models, variants and facts, and how many facts cite a source.
    Stats {
        /// Output format.
        #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
        format: StatsFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Text,
    Json,
}

pub fn run(globals: &Globals, command: KbCommand) -> CliResult {
    match command {
        KbCommand::Export => export(globals),
        KbCommand::Check { files } => check(globals, &files),
        KbCommand::Stats { format } => stats(globals, format),
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
    let (kb, mut errors) = Kb::with_overlay(&sources);
    // What parses can still be wrong: unsourced facts, alias clashes, sizes that
    // contradict their labels, impossible values.
    let mut all_sources = embedded_sources();
    all_sources.extend(sources.iter().cloned());
    errors.extend(kb::validate_sources(&kb, &all_sources));
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

fn stats(globals: &Globals, format: StatsFormat) -> CliResult {
    let ws = workspace::load(globals.config.as_deref(), Path::new("."))?;
    let st = kb::stats(&ws.kb);
    let mut out = stdout();
    match format {
        StatsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &stats_json(&st))
                .map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        StatsFormat::Text => write!(out, "{}", stats_text(&st))?,
    }
    Ok(Outcome::Clean)
}

fn stats_json(st: &KbStats) -> Value {
    let per_attribute: serde_json::Map<String, Value> = st
        .per_attribute
        .iter()
        .map(|(a, f)| {
            (
                a.key().to_string(),
                json!({ "facts": f.facts, "sourced": f.sourced }),
            )
        })
        .collect();
    json!({
        "models": st.models,
        "families": st.families,
        "variants": st.variants,
        "facts": st.facts,
        "sourced_facts": st.sourced_facts,
        "facts_with_alternates": st.facts_with_alternates,
        "per_attribute": per_attribute,
        "models_per_file": st.models_per_file,
    })
}

fn stats_text(st: &KbStats) -> String {
    let pct = |n: usize, of: usize| {
        if of == 0 {
            "-".to_string()
        } else {
            format!("{:.0}%", 100.0 * n as f64 / of as f64)
        }
    };
    let mut s = format!(
        "{} models, {} families, {} variants\n{} facts, {} with a source URL ({}), {} with alternates\n\n",
        st.models,
        st.families,
        st.variants,
        st.facts,
        st.sourced_facts,
        pct(st.sourced_facts, st.facts),
        st.facts_with_alternates
    );
    let width = st
        .per_attribute
        .keys()
        .map(|a| a.key().len())
        .chain(std::iter::once("attribute".len()))
        .max()
        .unwrap_or(0);
    s.push_str(&format!(
        "{:width$}  {:>5}  {:>7}\n",
        "attribute", "facts", "sourced"
    ));
    for (a, f) in &st.per_attribute {
        s.push_str(&format!(
            "{:width$}  {:>5}  {:>7}\n",
            a.key(),
            f.facts,
            pct(f.sourced, f.facts)
        ));
    }
    let width = st
        .models_per_file
        .keys()
        .map(|k| k.len())
        .chain(std::iter::once("file".len()))
        .max()
        .unwrap_or(0);
    s.push_str(&format!("\n{:width$}  {:>7}\n", "file", "entries"));
    for (file, n) in &st.models_per_file {
        s.push_str(&format!("{file:width$}  {n:>7}\n"));
    }
    s
}
