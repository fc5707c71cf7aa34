//! Language-server benchmark (not a timed test): generates a workspace of notes
//! plus one very long note, drives `llmnotes lsp` over stdio, and prints
//!
//! - time from `initialize` to the end of the initial diagnostics (all notes),
//! - hover latency p50/p99,
//! - edit → fresh diagnostics latency, on a small note and on the long note,
//! - peak RSS of the server.
//!
//! `cargo bench --bench lsp` (release). Sizes: `LLMNOTES_BENCH_NOTES` (10000),
//! `LLMNOTES_BENCH_LINES` (10000); `LLMNOTES_BENCH_ERRORS` (0.01): the share of
//! parameter counts written wrong (each one conflicts with every right one);
//! `LLMNOTES_BENCH_LOG` (a log filter) prints the server's log at the end. The
//! corpus goes to `$TMPDIR/llmnotes-bench-lsp/` (outside the repository, whose
//! `.gitignore` the server honours).

#[path = "../tests/lsp/client.rs"]
mod client;

use std::path::Path;
use std::time::{Duration, Instant};

use client::{file_uri, position_of, Client};
use llmnotes::facts::display_value;
use llmnotes::kb::{Attribute, Kb};
use serde_json::{json, Value};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f64 {
        (self.next() % 1_000_000) as f64 / 1_000_000.0
    }
}

/// (name, params text, context text) for models with both facts.
fn model_pool(kb: &Kb) -> Vec<(String, String, Option<String>)> {
    kb.models()
        .iter()
        .filter(|m| m.is_checkable())
        .filter_map(|m| {
            let params = m.fact(Attribute::Params)?;
            let context = m
                .fact(Attribute::Context)
                .map(|f| display_value(Attribute::Context, f.value));
            Some((
                m.name.clone(),
                display_value(Attribute::Params, params.value),
                context,
            ))
        })
        .collect()
}

fn wrong(value: &str) -> String {
    // 175B → 176B: a different leading number, same unit.
    let digits: String = value.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &value[digits.len()..];
    match digits.parse::<u64>() {
        Ok(n) => format!("{}{rest}", n + 1),
        Err(_) => value.to_string(),
    }
}

fn paragraph(rng: &mut Rng, pool: &[(String, String, Option<String>)], error_rate: f64) -> String {
    // Skewed: popular models come up far more often.
    let pick =
        |rng: &mut Rng| &pool[((rng.unit().powi(2)) * pool.len() as f64) as usize % pool.len()];
    let (a, pa, _) = pick(rng);
    let (b, _, cb) = pick(rng);
    let params = if rng.unit() < error_rate {
        wrong(pa)
    } else {
        pa.clone()
    };
    let mut s = format!("{a} 有 {params} 参数，是一个 decoder-only 模型 😀。\n\n");
    if let Some(c) = cb {
        s.push_str(&format!("- {b} 的上下文是 {c}。\n- 训练细节见论文。\n\n"));
    }
    s
}

fn generate(dir: &Path, notes: usize, long_lines: usize, error_rate: f64) -> std::io::Result<()> {
    let kb = Kb::embedded();
    let pool = model_pool(&kb);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let _ = std::fs::remove_dir_all(dir);
    for i in 0..notes {
        let folder = dir.join(format!("topic-{:03}", i % 100));
        std::fs::create_dir_all(&folder)?;
        let mut text = format!("# 笔记 {i}\n\n");
        for _ in 0..3 {
            text.push_str(&paragraph(&mut rng, &pool, error_rate));
        }
        std::fs::write(folder.join(format!("note-{i:05}.md")), text)?;
    }
    let mut long = String::from("# 长笔记\n\n");
    let mut section = 0;
    while long.lines().count() < long_lines {
        section += 1;
        long.push_str(&format!("## 第 {section} 节\n\n"));
        for _ in 0..4 {
            long.push_str(&paragraph(&mut rng, &pool, error_rate));
        }
    }
    std::fs::write(dir.join("long.md"), long)?;
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    // `cargo test --all-targets` runs bench targets too, without `--bench`: the
    // benchmark takes minutes, so it runs only under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("lsp benchmark: skipped (run it with `cargo bench --bench lsp`)");
        return;
    }
    let notes: usize = std::env::var("LLMNOTES_BENCH_NOTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let lines: usize = std::env::var("LLMNOTES_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let error_rate: f64 = std::env::var("LLMNOTES_BENCH_ERRORS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.01);
    let root = std::env::temp_dir().join("llmnotes-bench-lsp");
    let t = Instant::now();
    generate(&root, notes, lines, error_rate).expect("generate corpus");
    let root = root.canonicalize().unwrap();
    println!(
        "corpus: {notes} notes + 1 note of {lines} lines, {:.1}% of parameter counts wrong ({} to write)",
        error_rate * 100.0,
        ms(t.elapsed())
    );

    let mut c = Client::spawn_with_args(&[
        "lsp",
        "--log-level",
        &std::env::var("LLMNOTES_BENCH_LOG").unwrap_or_else(|_| "warn".into()),
    ]);
    let pid = c.pid();
    let start = Instant::now();
    c.initialize(Some(&root), Client::capabilities(false), Value::Null);
    let done = c.wait_until(Duration::from_secs(600), |c| {
        c.notifications
            .iter()
            .any(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end")
    });
    assert!(done, "indexing never finished:\n{}", c.stderr());
    let initial = start.elapsed();
    let with_findings = c
        .diagnostics
        .values()
        .filter(|d| d["diagnostics"].as_array().is_some_and(|a| !a.is_empty()))
        .count();
    let total: usize = c
        .diagnostics
        .values()
        .filter_map(|d| d["diagnostics"].as_array().map(Vec::len))
        .sum();
    println!(
        "initialize → last initial diagnostics: {} ({with_findings} notes with findings, {total} diagnostics)",
        ms(initial)
    );

    // Hover on mentions across the long note.
    let long_path = root.join("long.md");
    let long_uri = file_uri(&long_path);
    let mut long_text = std::fs::read_to_string(&long_path).unwrap();
    c.open(&long_uri, &long_text);
    let mut rng = Rng(42);
    let anchors: Vec<usize> = long_text.match_indices(" 有 ").map(|(i, _)| i).collect();
    let mut hovers = Vec::new();
    for _ in 0..300 {
        let at = anchors[(rng.next() as usize) % anchors.len()];
        // The model name ends just before " 有 ": hover one character before.
        let pos = position_of(&long_text, at - 1, false);
        let t = Instant::now();
        let r = c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": long_uri}, "position": pos}),
        );
        hovers.push(t.elapsed());
        assert!(!r.is_null(), "hover found nothing at {pos}");
    }
    hovers.sort();
    println!(
        "hover (long note, {} requests): p50 {}, p99 {}",
        hovers.len(),
        ms(percentile(&hovers, 0.5)),
        ms(percentile(&hovers, 0.99))
    );

    // Edit → fresh diagnostics: toggle a number between right and wrong.
    let edit_latency = |c: &mut Client, uri: &str, text: &mut String, rounds: usize| {
        let first_claim = text.find(" 有 ").unwrap() + " 有 ".len();
        let end = first_claim + text[first_claim..].find(' ').unwrap();
        let right = text[first_claim..end].to_string();
        let bad = wrong(&right);
        let mut times = Vec::new();
        let mut version = 1;
        for round in 0..rounds {
            let current_end = first_claim + text[first_claim..].find(' ').unwrap();
            let new = if round % 2 == 0 { &bad } else { &right };
            let range = json!({"start": position_of(text, first_claim, false), "end": position_of(text, current_end, false)});
            text.replace_range(first_claim..current_end, new);
            version += 1;
            let t = Instant::now();
            c.change(uri, version, json!([{"range": range, "text": new}]));
            let ok = c.wait_until(Duration::from_secs(120), |c| {
                c.diagnostics
                    .get(uri)
                    .is_some_and(|d| d["version"] == json!(version))
            });
            assert!(ok, "no diagnostics for version {version}");
            times.push(t.elapsed());
        }
        times.sort();
        times
    };
    let small_path = root.join("topic-000/note-00000.md");
    let small_uri = file_uri(&small_path);
    let mut small_text = std::fs::read_to_string(&small_path).unwrap();
    c.open(&small_uri, &small_text);
    let small = edit_latency(&mut c, &small_uri, &mut small_text, 8);
    println!(
        "edit → fresh diagnostics (small note): median {}, max {}",
        ms(percentile(&small, 0.5)),
        ms(*small.last().unwrap())
    );
    let long = edit_latency(&mut c, &long_uri, &mut long_text, 8);
    println!(
        "edit → fresh diagnostics ({lines}-line note): median {}, max {}",
        ms(percentile(&long, 0.5)),
        ms(*long.last().unwrap())
    );
    match peak_rss_kb(pid) {
        Some(kb) => println!("peak RSS: {:.0} MB", kb as f64 / 1024.0),
        None => println!("peak RSS: unavailable"),
    }
    if std::env::var("LLMNOTES_BENCH_LOG").is_ok() {
        eprintln!("{}", c.stderr());
    }
    assert!(c.shutdown_and_exit().success());
}
