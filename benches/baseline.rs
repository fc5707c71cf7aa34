//! The floor `llmnotes check` is measured against: the same walk (`ignore`, sorted,
//! `*.md`/`*.markdown`), the same parallelism (rayon, default thread count), and per
//! file only the unavoidable work: read it, check UTF-8, run pulldown-cmark over it
//! (every event visited) and run one aho-corasick automaton of all folded KB names
//! and aliases (ASCII case-insensitive) over the raw text.
//!
//! `cargo bench --bench baseline -- DIR...` prints files, bytes, events, matches,
//! wall time and peak RSS (VmHWM). Nothing is kept between files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use aho_corasick::{AhoCorasickBuilder, MatchKind};
use llmnotes::kb::{fold, Kb};
use pulldown_cmark::{Options, Parser};
use rayon::prelude::*;

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

fn vm_hwm_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[allow(clippy::print_stdout)]
fn main() {
    let roots: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .map(PathBuf::from)
        .collect();
    let start = Instant::now();
    let kb = Kb::embedded();
    let mut names: Vec<String> = kb
        .models()
        .iter()
        .flat_map(|m| std::iter::once(&m.name).chain(m.aliases.iter()))
        .map(|n| fold(n))
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    let ac = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .ascii_case_insensitive(true)
        .build(&names)
        .expect("automaton");

    let mut files = std::collections::BTreeSet::new();
    for root in &roots {
        for e in ignore::WalkBuilder::new(root)
            .require_git(false)
            .follow_links(false)
            .build()
            .flatten()
        {
            if e.file_type().is_some_and(|t| t.is_file()) && is_markdown(e.path()) {
                files.insert(e.into_path());
            }
        }
    }
    let files: Vec<PathBuf> = files.into_iter().collect();

    let bytes = AtomicUsize::new(0);
    let events = AtomicUsize::new(0);
    let matches = AtomicUsize::new(0);
    files.par_iter().for_each(|p| {
        let Ok(raw) = std::fs::read(p) else { return };
        let Ok(text) = String::from_utf8(raw) else {
            return;
        };
        bytes.fetch_add(text.len(), Ordering::Relaxed);
        // The options `markdown::parse` uses.
        let opts = Options::ENABLE_TABLES
            | Options::ENABLE_MATH
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_GFM
            | Options::ENABLE_WIKILINKS;
        let n = Parser::new_ext(&text, opts).into_offset_iter().count();
        events.fetch_add(n, Ordering::Relaxed);
        let k = ac.find_overlapping_iter(text.as_bytes()).count();
        matches.fetch_add(k, Ordering::Relaxed);
    });
    let secs = start.elapsed().as_secs_f64();
    let b = bytes.load(Ordering::Relaxed);
    println!(
        "baseline files={} bytes={} events={} matches={} threads={} wall_s={:.3} MB_s={:.1} files_s={:.0} vmhwm_kb={}",
        files.len(),
        b,
        events.load(Ordering::Relaxed),
        matches.load(Ordering::Relaxed),
        rayon::current_num_threads(),
        secs,
        b as f64 / 1e6 / secs,
        files.len() as f64 / secs,
        vm_hwm_kb().unwrap_or(0)
    );
}
