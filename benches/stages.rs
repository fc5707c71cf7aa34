//! Where `check`'s time and memory go: runs each stage of `Analyzer::analyze` on
//! its own, single-threaded, over every note under the given folders, and times
//! it; then `Analyzer::findings` over all documents; then estimates the heap the
//! kept `DocumentAnalysis` values hold.
//!
//! `cargo bench --bench stages -- DIR... [--limit N] [--findings-limit N]`
//! (`findings()` runs on 100, 200, 400... documents up to the limit, default 1600).

use std::mem::size_of;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use llmnotes::config::Config;
use llmnotes::kb::Kb;
use llmnotes::rules::suppress::Suppressions;
use llmnotes::{claims, markdown, quantities, rules, Analyzer, DocumentAnalysis};

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Approximate heap bytes held by one analysis (capacities × element sizes; the
/// text itself counted once, nested allocations of claims/findings estimated).
fn heap_estimate(d: &DocumentAnalysis) -> [(&'static str, usize); 8] {
    let s = &d.structure;
    let structure = s.sentences.capacity() * size_of::<markdown::Sentence>()
        + s.headings.capacity() * size_of::<markdown::Heading>()
        + s.list_items.capacity() * size_of::<markdown::ListItem>()
        + s.tables
            .iter()
            .map(|t| {
                size_of::<markdown::Table>()
                    + t.header.capacity() * 16
                    + t.rows.iter().map(|r| 24 + r.capacity() * 16).sum::<usize>()
            })
            .sum::<usize>()
        + s.comments.capacity() * size_of::<markdown::Comment>();
    let findings: usize = d
        .local_findings
        .iter()
        .map(|f| {
            size_of::<rules::Finding>()
                + f.message.capacity()
                + f.found.as_ref().map_or(0, |x| x.capacity())
                + f.expected.as_ref().map_or(0, |x| x.capacity())
                + f.source.as_ref().map_or(0, |x| x.capacity())
                + f.model.as_ref().map_or(0, |x| x.capacity())
        })
        .sum();
    [
        ("text", d.text.len()),
        ("masked", s.masked.capacity()),
        ("structure", structure),
        (
            "mentions",
            d.mentions.capacity() * size_of::<llmnotes::mentions::Mention>(),
        ),
        (
            "quantities",
            d.quantities.capacity() * size_of::<quantities::Quantity>(),
        ),
        (
            "claims",
            d.claims
                .iter()
                .map(|c| match &c.models {
                    claims::Subjects::One(_) => 0,
                    claims::Subjects::Many(m) => m.len() * size_of::<claims::SubjectModel>(),
                })
                .sum::<usize>()
                + d.claims.capacity() * size_of::<claims::Claim>(),
        ),
        ("shadows", d.shadows.capacity() * 16),
        ("local_findings", findings),
    ]
}

fn vm_hwm_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[allow(clippy::print_stdout)]
fn main() {
    let mut roots = Vec::new();
    let mut limit = usize::MAX;
    let mut findings_limit = 1600;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bench" => {}
            "--limit" => limit = args.next().and_then(|v| v.parse().ok()).expect("--limit N"),
            "--findings-limit" => {
                findings_limit = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--findings-limit N")
            }
            _ => roots.push(PathBuf::from(a)),
        }
    }
    let mut files: Vec<PathBuf> = roots
        .iter()
        .flat_map(|r| {
            ignore::WalkBuilder::new(r)
                .require_git(false)
                .build()
                .flatten()
        })
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()) && is_markdown(e.path()))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files.truncate(limit);

    let t = Instant::now();
    let analyzer = Analyzer::new(Arc::new(Kb::embedded()), Config::default());
    let setup = t.elapsed();
    let kb = &analyzer.kb;
    let matcher = &analyzer.matcher;

    let names = [
        "read",
        "markdown::parse",
        "mentions (find_all)",
        "quantities::scan",
        "claims::extract",
        "suppressions",
        "rules: kb_mismatch",
        "rules: date_mismatch",
        "rules: spelling",
        "rules: unknown_model",
        "analyze() (whole, again)",
    ];
    let mut times = [Duration::ZERO; 11];
    let mut bytes = 0usize;
    let mut docs = Vec::with_capacity(files.len());
    for p in &files {
        let mut lap = Instant::now();
        let mut tick = |i: usize, times: &mut [Duration; 11]| {
            let now = Instant::now();
            times[i] += now - lap;
            lap = now;
        };
        let text: Arc<str> = std::fs::read_to_string(p).expect("utf-8 note").into();
        bytes += text.len();
        tick(0, &mut times);
        let structure = markdown::parse(&text);
        tick(1, &mut times);
        let (mentions, shadows) = matcher.find_all(&structure.masked);
        tick(2, &mut times);
        let qs = quantities::scan(&structure.masked);
        tick(3, &mut times);
        let cs = claims::extract(kb, &text, &structure, &mentions, &shadows, &qs);
        tick(4, &mut times);
        let sup = Suppressions::from_comments(&text, &structure.comments);
        tick(5, &mut times);
        let a = rules::kb_mismatch::check(kb, p, &text, &cs);
        tick(6, &mut times);
        let b = rules::date_mismatch::check(kb, p, &text, &cs);
        tick(7, &mut times);
        let c = rules::spelling::check(kb, p, &text, &mentions);
        tick(8, &mut times);
        let d = rules::unknown_model::check(kb, matcher, p, &structure.masked, &mentions);
        tick(9, &mut times);
        std::hint::black_box((sup, a, b, c, d));
        let doc = analyzer.analyze(p, text);
        tick(10, &mut times);
        docs.push(doc);
    }
    let mb = bytes as f64 / 1e6;
    println!(
        "{} files, {:.1} MB, single thread; KB + matcher setup {:.3}s",
        files.len(),
        mb,
        setup.as_secs_f64()
    );
    println!(
        "{:<26} {:>9} {:>9} {:>7}",
        "stage", "seconds", "MB/s", "share"
    );
    let stage_total: Duration = times[1..10].iter().sum();
    for (i, n) in names.iter().enumerate() {
        let s = times[i].as_secs_f64();
        let share = if (1..10).contains(&i) {
            format!("{:.1}%", 100.0 * s / stage_total.as_secs_f64())
        } else {
            String::new()
        };
        println!("{n:<26} {s:>9.3} {:>9.1} {share:>7}", mb / s);
    }
    // `findings()` (the cross-document LN002 conflict check) on growing prefixes:
    // its cost and output size as the number of documents doubles.
    println!(
        "{:>6} {:>9} {:>10} {:>10} {:>12} {:>12}",
        "docs", "seconds", "findings", "LN002", "related", "message MB"
    );
    let mut n = 100.min(docs.len());
    let mut findings;
    loop {
        let refs: Vec<&DocumentAnalysis> = docs[..n].iter().collect();
        let t = Instant::now();
        findings = analyzer.findings(&refs);
        let secs = t.elapsed().as_secs_f64();
        let conflicts = findings
            .iter()
            .filter(|f| f.rule == rules::Rule::Conflict)
            .count();
        let related: usize = findings.iter().map(|f| f.related.len()).sum();
        let msg: usize = findings
            .iter()
            .map(|f| f.message.len() + f.expected.as_ref().map_or(0, |e| e.len()))
            .sum();
        println!(
            "{n:>6} {secs:>9.3} {:>10} {conflicts:>10} {related:>12} {:>12.1}",
            findings.len(),
            msg as f64 / 1e6
        );
        if n >= docs.len() || n >= findings_limit {
            break;
        }
        n = (n * 2).min(docs.len()).min(findings_limit);
    }
    let mut heap = [0usize; 8];
    let mut labels = [""; 8];
    for d in &docs {
        for (i, (l, v)) in heap_estimate(d).into_iter().enumerate() {
            heap[i] += v;
            labels[i] = l;
        }
    }
    let total: usize = heap.iter().sum();
    println!(
        "kept DocumentAnalysis heap (estimate): {:.1} MB total",
        total as f64 / 1e6
    );
    for (l, v) in labels.iter().zip(heap) {
        println!("  {l:<16} {:>8.1} MB", v as f64 / 1e6);
    }
    let f_heap: usize = findings
        .iter()
        .map(|f| size_of::<rules::Finding>() + f.message.capacity())
        .sum();
    println!(
        "  findings() result ≈ {:.1} MB; VmHWM {} kB",
        f_heap as f64 / 1e6,
        vm_hwm_kb().unwrap_or(0)
    );
}
