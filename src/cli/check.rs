//! `llmnotes check [PATH...]`: read the notes, run the analysis core over all of
//! them, optionally apply safe fixes, and print the findings.

use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use rayon::prelude::*;

use super::inputs::{self, Note};
use super::output::{self, human::HumanOptions, Format, Report, SourceMap};
use super::{display_path, fix, stderr, stdout, workspace, CliResult, Failure, Globals, Outcome};
use crate::rules::{Finding, Severity};
use crate::{Analyzer, DocumentAnalysis};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Notes or folders of notes (default: the current folder). Folders are searched
    /// for `*.md` and `*.markdown`, honouring `.gitignore`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Apply the safe fixes, then report the findings that remain.
    #[arg(long)]
    pub fix: bool,

    /// Print the findings only: no summary and no notices.
    #[arg(long, short)]
    pub quiet: bool,

    /// Print the number of findings per rule instead of each finding.
    #[arg(long)]
    pub statistics: bool,
}

pub fn run(globals: &Globals, args: CheckArgs) -> CliResult {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    if args.statistics && args.format != Format::Human {
        return Err(Failure::msg(
            "--statistics prints a table for people; it cannot be combined with --format json, sarif or github",
        ));
    }
    let mut timings = Timings::from_env();
    let ws = workspace::load(globals.config.as_deref(), &paths[0])?;
    let analyzer = Analyzer::new(ws.kb.clone(), ws.config.clone());
    timings.lap("workspace");
    let (inputs, analyses) = inputs::read_then(&paths, |n| analyze_note(&analyzer, n, true));
    timings.lap("read and analyse");
    let mut io_failed = false;
    {
        let mut err = stderr();
        for s in &inputs.skipped {
            writeln!(err, "warning: {s}")?;
        }
        for e in &inputs.errors {
            writeln!(err, "error: {e}")?;
            io_failed = true;
        }
        if inputs.notes.is_empty() && inputs.skipped.is_empty() && inputs.errors.is_empty() {
            let shown: Vec<String> = paths.iter().map(|p| display_path(p)).collect();
            writeln!(
                err,
                "warning: no Markdown files found in {}",
                shown.join(", ")
            )?;
        }
    }
    let mut notes = inputs.notes;
    let (mut docs, crashed) = gather(analyses);
    io_failed |= crashed;
    let mut findings = analyzer.take_findings(&mut docs);
    timings.lap("cross-note findings");

    let mut fixed = 0;
    if args.fix {
        let plans = fix::plan(&findings, |p| {
            notes.iter().find(|n| n.path == p).map(|n| &*n.text)
        });
        let mut changed = false;
        for plan in plans {
            match fix::write_atomic(&plan.path, &plan.text) {
                Ok(()) => {
                    fixed += plan.fixes;
                    changed = true;
                    if let Some(n) = notes.iter_mut().find(|n| n.path == plan.path) {
                        n.text = Arc::from(plan.text);
                    }
                }
                Err(e) => {
                    writeln!(
                        stderr(),
                        "error: {}: cannot write fixes: {e}",
                        display_path(&plan.path)
                    )?;
                    io_failed = true;
                }
            }
        }
        if changed {
            let (new_docs, crashed) = analyze_all(&analyzer, &notes, true);
            docs = new_docs;
            io_failed |= crashed;
            findings = analyzer.take_findings(&mut docs);
        }
    }

    // The analyses are done with; only the notes a report points into need
    // their text and line index.
    drop(docs);
    // By the paths' bytes (hashing a `Path` walks its components): every
    // cited path is a clone of a note's.
    let cited: rustc_hash::FxHashSet<&std::ffi::OsStr> = findings
        .iter()
        .flat_map(|f| {
            std::iter::once(f.path.as_os_str()).chain(f.related.iter().map(|r| r.path.as_os_str()))
        })
        .collect();
    let mut sources = SourceMap::new();
    sources.add_all(
        notes
            .iter()
            .filter(|n| cited.contains(n.path.as_os_str()))
            .map(|n| (n.path.clone(), n.text.clone()))
            .collect(),
    );
    sources.add_kb(&ws.kb_sources);
    timings.lap("line indexes");
    let report = Report {
        findings: &findings,
        sources: &sources,
        files_checked: notes.len(),
        fixed,
    };
    {
        // One write per 64 KiB, not per line: reports can run to many megabytes.
        // JSON escapes control characters, so JSON and SARIF skip the stream that
        // strips colour codes (it would scan every byte for nothing).
        let raw: Box<dyn Write> = match args.format {
            Format::Json | Format::Sarif => Box::new(std::io::stdout().lock()),
            Format::Human | Format::Github => Box::new(stdout()),
        };
        let mut out = std::io::BufWriter::with_capacity(1 << 16, raw);
        match args.format {
            Format::Human if args.statistics => {
                output::human::render_statistics(&mut out, &report)?
            }
            Format::Human => {
                output::human::render(&mut out, &report, &HumanOptions { quiet: args.quiet })?
            }
            Format::Json => output::json::render(&mut out, &report)?,
            Format::Sarif => output::sarif::render(&mut out, &report)?,
            Format::Github => output::github::render(&mut out, &report)?,
        }
        out.flush()?;
    }
    timings.lap("report");
    if args.fix && fixed > 0 && args.format != Format::Human && !args.quiet {
        writeln!(stderr(), "fixed {fixed} finding(s)")?;
    }
    let result = if io_failed {
        Err(Failure::lines(Vec::new()))
    } else {
        Ok(outcome(&findings))
    };
    // The process exits next: freeing hundreds of thousands of small
    // allocations one by one would take longer than the OS takes to reclaim
    // them all (about 3% of a run over 5,000 notes).
    std::mem::forget((notes, sources, findings));
    result
}

/// Wall time per phase on stderr when `LLMNOTES_TIMINGS` is set: where a
/// slow run goes, without a profiler (`benches/README.md`).
struct Timings(Option<std::time::Instant>);

impl Timings {
    fn from_env() -> Timings {
        Timings(std::env::var_os("LLMNOTES_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn lap(&mut self, phase: &str) {
        if let Some(t) = &mut self.0 {
            let _ = writeln!(
                stderr(),
                "timing: {phase}: {:.1} ms",
                t.elapsed().as_secs_f64() * 1e3
            );
            *t = std::time::Instant::now();
        }
    }
}

pub fn outcome(findings: &[Finding]) -> Outcome {
    if findings.iter().any(|f| f.severity == Severity::Error) {
        Outcome::Errors
    } else {
        Outcome::Clean
    }
}

/// Analyses every note in parallel. The core promises not to panic; if it does on
/// one note, that note is reported and left out, the others are still checked.
///
/// `findings_only`: keep only what findings need (`check`); `timeline` wants
/// the mentions too.
pub fn analyze_all(
    analyzer: &Analyzer,
    notes: &[Note],
    findings_only: bool,
) -> (Vec<DocumentAnalysis>, bool) {
    gather(
        notes
            .par_iter()
            .map(|n| analyze_note(analyzer, n, findings_only))
            .collect(),
    )
}

/// One note's analysis, or its path if the core panicked on it.
fn analyze_note(
    analyzer: &Analyzer,
    n: &Note,
    findings_only: bool,
) -> Result<DocumentAnalysis, PathBuf> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut doc = analyzer.analyze(&n.path, n.text.clone());
        if findings_only {
            doc.compact_for_findings(&analyzer.kb);
        } else {
            doc.compact();
        }
        doc
    }))
    .map_err(|_| n.path.clone())
}

/// The analyses that succeeded, and whether any note crashed (each reported).
fn gather(results: Vec<Result<DocumentAnalysis, PathBuf>>) -> (Vec<DocumentAnalysis>, bool) {
    let mut docs = Vec::with_capacity(results.len());
    let mut crashed = false;
    for r in results {
        match r {
            Ok(d) => docs.push(d),
            Err(path) => {
                crashed = true;
                let _ = writeln!(
                    stderr(),
                    "error: {}: internal error while analysing this note (please report it)",
                    display_path(&path)
                );
            }
        }
    }
    (docs, crashed)
}
