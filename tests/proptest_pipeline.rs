//! Properties of the whole per-document pipeline over arbitrary text and over
//! generated Markdown-ish notes (KB names, numbers with units, CJK punctuation,
//! list markers, table pipes, backticks, `$`): no panic; every span in the text
//! and on char boundaries; mentions in order and disjoint; analysing twice gives
//! the same result; findings sorted.
//!
//! Case count: 256 per property (about 2 s in a debug build), or `PROPTEST_CASES`.

use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use llmnotes::config::Config;
use llmnotes::kb::Kb;
use llmnotes::rules::Finding;
use llmnotes::{Analyzer, DocumentAnalysis};
use proptest::prelude::*;

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(|| Analyzer::new(Arc::new(Kb::embedded()), Config::default()))
}

fn span_ok(text: &str, s: &Range<usize>, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        s.start <= s.end && s.end <= text.len(),
        "{} span {:?} outside text of {} bytes",
        what,
        s,
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
        "{} span {:?} not on char boundaries",
        what,
        s
    );
    Ok(())
}

fn invariants(text: &str, d: &DocumentAnalysis, findings: &[Finding]) -> Result<(), TestCaseError> {
    prop_assert_eq!(d.structure.masked.len(), text.len());
    for x in &d.structure.sentences {
        span_ok(text, &x.span, "sentence")?;
    }
    for m in &d.mentions {
        span_ok(text, &m.span, "mention")?;
        prop_assert!(!m.span.is_empty(), "empty mention {:?}", m.span);
    }
    for w in d.mentions.windows(2) {
        prop_assert!(
            w[0].span.end <= w[1].span.start,
            "mentions overlap or out of order: {:?} then {:?}",
            w[0].span,
            w[1].span
        );
    }
    for s in &d.shadows {
        span_ok(text, s, "shadow")?;
    }
    for q in &d.quantities {
        span_ok(text, &q.span, "quantity")?;
    }
    for c in &d.claims {
        span_ok(text, &c.span, "claim")?;
        if let Some(m) = &c.mention {
            span_ok(text, m, "claim mention")?;
        }
        prop_assert!(!c.models.is_empty(), "claim without a model");
    }
    for f in findings {
        span_ok(text, &f.span, "finding")?;
        prop_assert_eq!(&f.path, &d.path);
        // Related locations may point into the KB's TOML; check those in the note.
        for r in f.related.iter().filter(|r| r.path == d.path) {
            span_ok(text, &r.span, "related")?;
        }
        for e in f.fix.iter().flat_map(|f| &f.edits) {
            span_ok(text, &e.span, "fix edit")?;
        }
    }
    for w in findings.windows(2) {
        prop_assert!(
            (&w[0].path, w[0].span.start, w[0].rule) <= (&w[1].path, w[1].span.start, w[1].rule),
            "findings not sorted: {:?} then {:?}",
            (&w[0].path, &w[0].span, w[0].rule),
            (&w[1].path, &w[1].span, w[1].rule)
        );
    }
    Ok(())
}

/// Analyses `text` twice; checks the invariants and that both runs agree.
fn check(text: &str) -> Result<(), TestCaseError> {
    let a = analyzer();
    let path = Path::new("note.md");
    let d1 = a.analyze(path, Arc::from(text));
    let f1 = a.findings(&[&d1]);
    invariants(text, &d1, &f1)?;
    let d2 = a.analyze(path, Arc::from(text));
    let f2 = a.findings(&[&d2]);
    prop_assert_eq!(&d1.mentions, &d2.mentions);
    prop_assert_eq!(&d1.claims, &d2.claims);
    prop_assert_eq!(f1, f2);
    Ok(())
}

fn names() -> Vec<String> {
    let kb = Kb::embedded();
    let mut v: Vec<String> = kb
        .models()
        .iter()
        .flat_map(|m| {
            std::iter::once(m.name.clone())
                .chain(m.aliases.iter().cloned())
                .chain(m.misspellings.iter().cloned())
                .chain(
                    m.variants
                        .iter()
                        .map(move |v| format!("{} {}", m.name, v.name)),
                )
        })
        .collect();
    // Shorthand lists and near-names.
    v.extend(
        [
            "GPT-1/2/3",
            "Llama-3.1,3.2",
            "GPT-3.7",
            "Qwen4",
            "DistilBERT",
            "LLamma-1",
            "gpt2-xl",
            "GPT-6",
        ]
        .map(String::from),
    );
    v
}

fn number() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            (0u64..100_000).prop_map(|n| n.to_string()),
            (0u64..1000, 0u64..1000).prop_map(|(a, b)| format!("{a}.{b}")),
            Just("1,000,000".to_string()),
            Just("２５６".to_string()),
            Just("2023.07".to_string()),
            Just("2019年2月".to_string()),
            Just("Feb 2023".to_string()),
            Just("7B-65B".to_string()),
            Just("1e5".to_string()),
        ],
        prop::sample::select(vec![
            "",
            "B",
            "M",
            "K",
            "T",
            "k",
            " 亿",
            "亿",
            "万",
            "T tokens",
            " tokens",
            "GB",
            "TB",
            "%",
            " 层",
            "B+",
            " billion",
            " 万个文档",
            "x7B",
        ]),
    )
        .prop_map(|(n, u)| format!("{n}{u}"))
}

fn piece(names: Arc<Vec<String>>) -> impl Strategy<Value = String> {
    let n = names.len();
    prop_oneof![
        3 => (0..n).prop_map(move |i| names[i].clone()),
        3 => number(),
        2 => prop::sample::select(vec![
            "，", "。", "：", "（", "）", "、", "；", "！", "？", "“", "”", "《", "》", "　",
        ]).prop_map(String::from),
        2 => prop::sample::select(vec![
            "\n- ", "\n  - ", "\n    - ", "\n1. ", "\n> ", "\n# ", "\n## ", "\n\n", "\n", "\r\n", " ", " ", "\t",
        ]).prop_map(String::from),
        1 => prop::sample::select(vec![
            "|", " | ", "\n|---|---|\n", "\n| | A | B |\n|---|---|---|\n| 参数量 |", "`", "```\n", "\n```\n",
            "$", "$$", "**", "~~", "[", "](https://a.b/7B)", "<!--", "-->",
            "<!-- llmnotes-disable-next-line -->", "<br>", "\\", "&amp;", "---\n", "[^1]",
        ]).prop_map(String::from),
        2 => prop::sample::select(vec![
            "参数量", "参数", "上下文", "上下文长度", "训练数据", "层数", "隐藏维度", "注意力头", "词表",
            "发布于", "约", "超过", "左右", "以上", "parameters", "context", "layers", "trained on",
            "released in", "about", "has", "with", "GPT", "Llama", "模型", "的", "和",
        ]).prop_map(String::from),
    ]
}

fn markdownish() -> impl Strategy<Value = String> {
    static NAMES: OnceLock<Arc<Vec<String>>> = OnceLock::new();
    let names = NAMES.get_or_init(|| Arc::new(names())).clone();
    prop::collection::vec(piece(names), 0..120).prop_map(|v| v.concat())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_string(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn any_bytes_lossy(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        check(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn markdownish_notes(text in markdownish()) {
        check(&text)?;
    }

    /// Two notes together: conflicts across documents keep the invariants, and
    /// findings are sorted by path first.
    #[test]
    fn two_notes(a in markdownish(), b in markdownish()) {
        let an = analyzer();
        let da = an.analyze(Path::new("a.md"), Arc::from(a.as_str()));
        let db = an.analyze(Path::new("b.md"), Arc::from(b.as_str()));
        let f = an.findings(&[&da, &db]);
        for x in &f {
            let text = if x.path == Path::new("a.md") { &a } else { &b };
            span_ok(text, &x.span, "finding")?;
            for r in &x.related {
                if r.path == Path::new("a.md") {
                    span_ok(&a, &r.span, "related")?;
                } else if r.path == Path::new("b.md") {
                    span_ok(&b, &r.span, "related")?;
                }
            }
        }
        for w in f.windows(2) {
            prop_assert!((&w[0].path, w[0].span.start, w[0].rule) <= (&w[1].path, w[1].span.start, w[1].rule));
        }
        // Order of documents does not change the result.
        let g = an.findings(&[&db, &da]);
        prop_assert_eq!(f.len(), g.len());
    }
}
