//! `llmnotes show MODEL`: the facts card of one model (what hover shows).

use std::io::Write;
use std::path::Path;

use anstyle::Style;
use clap::{Args, ValueEnum};
use unicode_width::UnicodeWidthStr;

use super::{stdout, workspace, CliResult, Failure, Globals, Outcome};
use crate::facts::{card_json, card_markdown};
use crate::kb::{fold, Kb};

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A model's name, alias or KB id (`gpt2`, `GPT-2`, `通义千问`).
    #[arg(value_name = "MODEL")]
    pub model: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// The card laid out for a terminal.
    Text,
    /// The card as Markdown (as hover shows it).
    Markdown,
    /// The model's KB entry as JSON.
    Json,
}

pub fn run(globals: &Globals, args: ShowArgs) -> CliResult {
    let ws = workspace::load(globals.config.as_deref(), Path::new("."))?;
    if fold(&args.model).is_empty() {
        return Err(Failure::msg("expected a model name, alias or KB id"));
    }
    let Some(id) = ws.kb.find(args.model.trim()) else {
        let mut msg = format!("unknown model `{}`", args.model);
        let near = suggestions(&ws.kb, &args.model, 3);
        if !near.is_empty() {
            let names: Vec<String> = near.iter().map(|n| format!("`{n}`")).collect();
            msg.push_str(&format!("; did you mean {}?", names.join(", ")));
        }
        return Err(Failure::msg(msg));
    };
    let mut out = stdout();
    match args.format {
        ShowFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &card_json(&ws.kb, id))
                .map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        ShowFormat::Markdown => writeln!(out, "{}", card_markdown(&ws.kb, id, None))?,
        ShowFormat::Text => write!(
            out,
            "{}",
            card_for_terminal(&card_markdown(&ws.kb, id, None))
        )?,
    }
    Ok(Outcome::Clean)
}

/// The closest model names to `query` by edit distance over folded names,
/// aliases and ids, at most `n`, each model once.
pub fn suggestions(kb: &Kb, query: &str, n: usize) -> Vec<String> {
    let q = fold(query);
    let len = q.chars().count();
    if len == 0 {
        return Vec::new();
    }
    // Close enough to be a typo, and not just as far as any short name is.
    let limit = (len / 3).max(2).min(len - 1);
    let mut scored: Vec<(usize, &str)> = kb
        .models()
        .iter()
        .filter_map(|m| {
            let best = std::iter::once(&m.id)
                .chain(std::iter::once(&m.name))
                .chain(m.aliases.iter())
                .chain(m.misspellings.iter())
                .map(|name| edit_distance(&q, &fold(name)))
                .min()?;
            (best <= limit).then_some((best, m.name.as_str()))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(n)
        .map(|(_, s)| s.to_string())
        .collect()
}

/// Edit distance over characters, counting a swap of two neighbours as one edit
/// (optimal string alignment), so `gtp2` is one edit from `gpt2`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

/// Lays the card's Markdown out for a terminal: the heading bold, labels bold,
/// the table as aligned columns, links as `title <url>`.
pub fn card_for_terminal(md: &str) -> String {
    let mut out = String::new();
    let mut table: Vec<(String, String)> = Vec::new();
    let flush = |table: &mut Vec<(String, String)>, out: &mut String| {
        let width = table.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
        for (k, v) in table.drain(..) {
            let pad = " ".repeat(width - k.width());
            out.push_str(&format!("  {BOLD}{k}{BOLD:#}{pad}  {v}\n"));
        }
    };
    for line in md.lines() {
        let trimmed = line.trim_end();
        if let Some(cells) = table_cells(trimmed) {
            let is_rule = cells
                .iter()
                .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'));
            let is_empty_header = cells.iter().all(|c| c.is_empty());
            if !is_rule && !is_empty_header && cells.len() >= 2 {
                table.push((inline(&cells[0]), inline(&cells[1..].join(" | "))));
            }
            continue;
        }
        if !table.is_empty() {
            flush(&mut table, &mut out);
        }
        if let Some(h) = trimmed.strip_prefix("### ") {
            out.push_str(&format!("{BOLD}{}{BOLD:#}\n", inline(h)));
        } else if trimmed.len() > 2
            && trimmed.starts_with('*')
            && trimmed.ends_with('*')
            && !trimmed.starts_with("**")
        {
            out.push_str(&format!(
                "{DIM}{}{DIM:#}\n",
                inline(&trimmed[1..trimmed.len() - 1])
            ));
        } else {
            out.push_str(&inline(trimmed));
            out.push('\n');
        }
    }
    if !table.is_empty() {
        flush(&mut table, &mut out);
    }
    out
}

fn table_cells(line: &str) -> Option<Vec<String>> {
    let inner = line.strip_prefix('|')?.strip_suffix('|')?;
    Some(inner.split('|').map(|c| c.trim().to_string()).collect())
}

/// Inline Markdown to terminal text: `**bold**`, `` `code` ``, `[title](url)`.
fn inline(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("**") {
            if let Some(end) = after.find("**") {
                out.push_str(&format!("{BOLD}{}{BOLD:#}", &after[..end]));
                rest = &after[end + 2..];
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix('`') {
            if let Some(end) = after.find('`') {
                out.push_str(&after[..end]);
                rest = &after[end + 1..];
                continue;
            }
        }
        if let Some(after) = rest.strip_prefix('[') {
            if let Some((title, tail)) = after.split_once("](") {
                if let Some(end) = tail.find(')') {
                    out.push_str(&format!("{title} <{}>", &tail[..end]));
                    rest = &tail[end + 1..];
                    continue;
                }
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("gpt2", "gpt3"), 1);
        assert_eq!(edit_distance("llamma", "llama"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("千问", "通义千问"), 2);
        assert_eq!(edit_distance("gtp2", "gpt2"), 1);
    }

    #[test]
    fn terminal_card_aligns_the_table() {
        let md = "### GPT-2\n\n**Organisation:** OpenAI  \n**Released:** 2019\n\n| | |\n|---|---|\n| parameters | small: 124M |\n| context window | 1024 |\n\n**Paper:** [Title](https://x.org)\n\n*Source: llmnotes KB `kb/openai.toml`, entry `gpt-2`*";
        let text = card_for_terminal(md);
        let plain: String = anstream::adapter::strip_str(&text).to_string();
        assert!(plain.starts_with("GPT-2\n"), "{plain}");
        assert!(plain.contains("  parameters      small: 124M\n"), "{plain}");
        assert!(plain.contains("  context window  1024\n"), "{plain}");
        assert!(plain.contains("Paper: Title <https://x.org>"), "{plain}");
        assert!(
            plain.contains("Source: llmnotes KB kb/openai.toml, entry gpt-2"),
            "{plain}"
        );
    }
}
