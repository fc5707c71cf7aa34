//! `llmnotes timeline [PATH...]`: a Markdown table of the models the notes
//! mention, by release date (undated last).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::check::analyze_all;
use super::{inputs, stderr, stdout, workspace, CliResult, Failure, Globals, Outcome};
use crate::facts::display_value;
use crate::kb::{Attribute, Kb, KbModel, ModelId};
use crate::Analyzer;

#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// Notes or folders of notes (default: the current folder).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

pub fn run(globals: &Globals, args: TimelineArgs) -> CliResult {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let ws = workspace::load(globals.config.as_deref(), &paths[0])?;
    let inputs = inputs::read(&paths);
    let mut failed = false;
    {
        let mut err = stderr();
        for s in &inputs.skipped {
            writeln!(err, "warning: {s}")?;
        }
        for e in &inputs.errors {
            writeln!(err, "error: {e}")?;
            failed = true;
        }
    }
    let analyzer = Analyzer::new(ws.kb.clone(), ws.config.clone());
    let (docs, crashed) = analyze_all(&analyzer, &inputs.notes, false);
    let mut counts: BTreeMap<ModelId, usize> = BTreeMap::new();
    for d in &docs {
        for m in &d.mentions {
            *counts.entry(m.model).or_default() += 1;
        }
    }
    let table = timeline_markdown(&ws.kb, &counts);
    let mut out = stdout();
    write!(out, "{table}")?;
    if failed || crashed {
        return Err(Failure::lines(Vec::new()));
    }
    Ok(Outcome::Clean)
}

/// The table for the given mention counts.
pub fn timeline_markdown(kb: &Kb, counts: &BTreeMap<ModelId, usize>) -> String {
    let mut rows: Vec<(&KbModel, usize)> = counts
        .iter()
        .filter_map(|(id, n)| kb.get(*id).map(|m| (m, *n)))
        .collect();
    rows.sort_by(|(a, _), (b, _)| {
        let da = a.released.as_ref().and_then(|f| f.value.as_date());
        let db = b.released.as_ref().and_then(|f| f.value.as_date());
        match (da, db) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.name.cmp(&b.name))
    });
    let mut s = String::from(
        "| Date | Model | Organisation | Params | Context | Mentions |\n|---|---|---|---|---:|---:|\n",
    );
    for (m, n) in rows {
        let date = m
            .released
            .as_ref()
            .map(|f| display_value(Attribute::Released, f.value))
            .unwrap_or_default();
        let context = m
            .fact(Attribute::Context)
            .map(|f| display_value(Attribute::Context, f.value))
            .unwrap_or_default();
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            cell(&date),
            cell(&m.name),
            cell(m.org.as_deref().unwrap_or("")),
            cell(&params(m)),
            cell(&context),
            n
        ));
    }
    s
}

/// The variants' parameter counts (`7B / 13B / 70B`), else the model's.
fn params(m: &KbModel) -> String {
    let mut values: Vec<String> = Vec::new();
    for v in &m.variants {
        if let Some(f) = v.facts.iter().find(|f| f.attribute == Attribute::Params) {
            let shown = display_value(Attribute::Params, f.value);
            if !values.contains(&shown) {
                values.push(shown);
            }
        }
    }
    if values.is_empty() {
        if let Some(f) = m.fact(Attribute::Params) {
            values.push(display_value(Attribute::Params, f.value));
        }
    }
    values.join(" / ")
}

/// Escapes a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sorted_by_date_with_params_joined() {
        let kb = Kb::embedded();
        let gpt2 = kb.find("GPT-2").unwrap();
        let mut counts = BTreeMap::new();
        counts.insert(gpt2, 3);
        let t = timeline_markdown(&kb, &counts);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(
            lines[0],
            "| Date | Model | Organisation | Params | Context | Mentions |"
        );
        assert_eq!(
            lines[2],
            "| 2019-02-14 | GPT-2 | OpenAI | 124M / 355M / 774M / 1.5B | 1024 | 3 |"
        );
    }
}
