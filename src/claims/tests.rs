//! Claims through the whole per-document pipeline, on a small KB of its own.

use std::path::Path;
use std::sync::Arc;

use crate::analysis::Analyzer;
use crate::config::Config;

use super::ClaimValue;

fn analyzer() -> Analyzer {
    let text = r#"
[[model]]
id = "gpt-1"
name = "GPT-1"
[[model]]
id = "gpt-2"
name = "GPT-2"
[[model.variants]]
name = "XL"
[[model]]
id = "gpt-3"
name = "GPT-3"
[[model]]
id = "bert"
name = "BERT"
[[model.variants]]
name = "base"
[[model]]
id = "llama"
name = "LLaMA"
aliases = ["LLaMA-1"]
[[model]]
id = "llama-3.1"
name = "Llama 3.1"
[[model]]
id = "llama-3.2"
name = "Llama 3.2"
[[model]]
id = "qwen2.5"
name = "Qwen2.5"
[[model]]
id = "qwen3"
name = "Qwen3"
[[model]]
id = "transformer"
name = "Transformer"
generic = true
"#;
    let kb = crate::kb::kb_from_toml(text);
    Analyzer::new(Arc::new(kb), Config::default())
}

/// Renders each claim as `model attribute = written`.
fn claims(md: &str) -> Vec<String> {
    let a = analyzer();
    let doc = a.analyze(Path::new("t.md"), md.into());
    doc.claims
        .iter()
        .map(|c| {
            let models: Vec<String> = c
                .models
                .iter()
                .map(|(m, v)| {
                    let m = a.kb.model(*m);
                    match v {
                        Some(v) => format!("{}/{}", m.id, m.variants[*v].name),
                        None => m.id.clone(),
                    }
                })
                .collect();
            let kind = match c.value {
                ClaimValue::Range(..) => " (range)",
                _ => "",
            };
            format!(
                "{} {} = {}{kind}",
                models.join("+"),
                c.attribute,
                &md[c.span.clone()]
            )
        })
        .collect()
}

#[test]
fn keyword_and_unit_in_a_list_under_a_model() {
    let md = "- GPT1（2018）：\n  - 模型结构：模型采用 12 层 Transformer decoder-only 结构\n    - 包含 12 层自注意力模块，隐藏维度 768，12 个注意力头，参数量约 1.17 亿。\n";
    assert_eq!(
        claims(md),
        [
            "gpt-1 released = 2018",
            "gpt-1 layers = 12 层",
            "gpt-1 layers = 12 层",
            "gpt-1 hidden = 768",
            "gpt-1 heads = 12 个注意力头",
            "gpt-1 params = 1.17 亿",
        ]
    );
}

#[test]
fn comparison_mentions_are_not_subjects_and_previous_values_make_no_claim() {
    let md = "- GPT2（2019）：\n  - 模型结构：与 GPT1 基本一致，输入序列从 512 改为 1024，有 48 层\n  - 实验数据：来自 Reddit，共 800 万个文档、40GB；与 GPT1 相比\n";
    assert_eq!(
        claims(md),
        [
            "gpt-2 released = 2019",
            "gpt-2 context = 1024",
            "gpt-2 layers = 48 层",
            "gpt-2 training_documents = 800 万个文档",
            "gpt-2 training_bytes = 40GB",
        ]
    );
}

#[test]
fn data_sizes_in_tokens_and_bytes() {
    let md = "GPT3 数据量达 45T（清洗后 570G），最大模型参数为 1750 亿。\n\nQwen3 预训练数据从18T tokens扩展到36T tokens。\n";
    assert_eq!(
        claims(md),
        [
            "gpt-3 training_bytes = 45T",
            "gpt-3 training_bytes = 570G",
            "gpt-3 params = 1750 亿",
            "qwen3 training_tokens = 36T tokens",
        ]
    );
}

#[test]
fn table_headers_give_model_and_attribute() {
    let md = "| 方面 | GPT-1 | GPT-2 |\n|---|---|---|\n| 参数量 | 1.17 亿 | 15 亿（最大版本） |\n| 数据集 | BooksCorpus（7GB） | WebText（45GB） |\n| 训练范式 | 预训练 + 微调 | zero-shot |\n";
    assert_eq!(
        claims(md),
        [
            "gpt-1 params = 1.17 亿",
            "gpt-2 params = 15 亿",
            "gpt-1 training_bytes = 7GB",
            "gpt-2 training_bytes = 45GB",
        ]
    );
}

#[test]
fn shorthand_lists_claim_for_the_group_and_ranges_are_ranges() {
    let md = "- LLama-3.1,3.2: 8B-405B+预训练+指令微调+DPO+1321上下文\n- LLaMA-1: 7B-65B+预训练+2K上下文\n";
    assert_eq!(
        claims(md),
        [
            "llama-3.1+llama-3.2 params = 8B-405B (range)",
            "llama-3.1+llama-3.2 context = 1321",
            "llama params = 7B-65B (range)",
            "llama context = 2K",
        ]
    );
}

#[test]
fn components_and_ambiguity_make_no_claim() {
    // A part of the model, not the model.
    assert_eq!(
        claims("BERT 的 Embedding 层需要的参数数量大约为 2,304万。"),
        Vec::<String>::new()
    );
    // Two models, one number: no claim.
    assert_eq!(
        claims("GPT-2 和 GPT-3 都有 2048 的上下文。"),
        Vec::<String>::new()
    );
    // A number with no attribute.
    assert_eq!(claims("GPT-2 训练了 40 个 epoch。"), Vec::<String>::new());
    // Generic names are never the subject.
    assert_eq!(claims("一个 12 层的 Transformer。"), Vec::<String>::new());
    // Code is not prose.
    assert_eq!(claims("GPT-2 `context = 999`\n"), Vec::<String>::new());
}

#[test]
fn variant_mentions_bind_their_variant() {
    assert_eq!(
        claims("BERT-base 的隐藏维度是 768。"),
        ["bert/base hidden = 768"]
    );
}

#[test]
fn headings_scope_paragraphs_and_dates_follow_names() {
    let md = "## GPT-2 XL\n\n共有 48 层。\n\n### Transformer - 2017\n\n2018年6月份GPT-1发布。\n";
    assert_eq!(
        claims(md),
        [
            "gpt-2/XL layers = 48 层",
            "transformer released = 2017",
            "gpt-1 released = 2018年6月份",
        ]
    );
}

#[test]
fn letter_magnitudes_are_exact_to_their_digits() {
    let a = analyzer();
    let doc = a.analyze(
        Path::new("t.md"),
        "GPT-2 的训练数据 40GB。DeepSeek 70B 参数。".into(),
    );
    let ClaimValue::Number(n) = &doc.claims[0].value else {
        panic!("{:?}", doc.claims);
    };
    assert_eq!((n.lo, n.hi), (39.5e9, 40.5e9));
}

#[test]
fn token_counts_named_by_keyword() {
    assert_eq!(
        claims("- GPT-3：上下文窗口 2048，训练 token 数 300B\n"),
        ["gpt-3 context = 2048", "gpt-3 training_tokens = 300B"]
    );
}

/// More keywords in a clause than `nearest_keyword` keeps on the stack: the
/// nearest still wins, and the longest claims its text first.
#[test]
fn a_clause_crowded_with_keywords() {
    let md = format!("- GPT-3 的{}隐藏层维度 12288\n", "hidden 层 ".repeat(12));
    assert_eq!(claims(&md), ["gpt-3 hidden = 12288"]);
}

#[test]
fn another_numbers_unit_word_is_not_a_keyword() {
    assert_eq!(
        claims("- LLaMA-1：7B 和 13B 训练了 1T tokens\n"),
        [
            "llama params = 7B",
            "llama params = 13B",
            "llama training_tokens = 1T tokens"
        ]
    );
}

#[test]
fn table_with_an_empty_corner_cell() {
    let md = "| | GPT-2 | GPT-3 |\n|---|---|---|\n| 发布时间 | 2019.02 | 2020.05 |\n| 参数量 | 1.5B | 175B |\n";
    assert_eq!(
        claims(md),
        [
            "gpt-2 released = 2019.02",
            "gpt-3 released = 2020.05",
            "gpt-2 params = 1.5B",
            "gpt-3 params = 175B",
        ]
    );
}

#[test]
fn an_earlier_sentence_of_the_paragraph_beats_the_heading() {
    let md = "# GPT-2 笔记\n\nGPT-3 was introduced in 2020. Its context is 2048 tokens.\n\nThe context is 1024.\n";
    assert_eq!(
        claims(md),
        ["gpt-3 context = 2048 tokens", "gpt-2 context = 1024"]
    );
}

#[test]
fn a_label_before_a_colon_names_the_attribute() {
    assert_eq!(
        claims("- GPT-3：\n  - 参数量：175B\n  - 上下文: 2048\n"),
        ["gpt-3 params = 175B", "gpt-3 context = 2048"]
    );
}

#[test]
fn comparison_words_on_another_line_do_not_count() {
    assert_eq!(
        claims("# 对比\n- GPT-2 的训练数据是 45GB。\n- GPT-3 有 1750 亿参数。\n"),
        ["gpt-2 training_bytes = 45GB", "gpt-3 params = 1750 亿参数"]
    );
}

#[test]
fn subjects_read_as_the_list_they_were_built_from() {
    use super::Subjects;
    use crate::kb::ModelId;
    let one = vec![(ModelId(3), Some(1))];
    let s = Subjects::from(one.clone());
    assert!(matches!(s, Subjects::One(_)));
    assert_eq!(&s[..], &one[..]);
    let two = vec![(ModelId(3), None), (ModelId(4), None)];
    let s = Subjects::from(two.clone());
    assert!(matches!(s, Subjects::Many(_)));
    assert_eq!(s.iter().copied().collect::<Vec<_>>(), two);
    assert!(Subjects::from(Vec::new()).is_empty());
}

#[test]
fn look_backs_stay_on_their_line_but_a_name_wrapped_after_its_dash_still_glues() {
    // A name hard-wrapped after its dash: `2-13B` is the rest of `LLaMA-2-13B`.
    let wrapped = "我们训练 LLaMA-\n2-13B 或 GPT-3 作为目标模型。\n";
    assert_eq!(claims(wrapped), Vec::<String>::new());
    // `表` ending the line above does not make the next line's size a table number.
    let table_word = "见下表\n\nGPT-3 有 175B 参数。\n";
    assert_eq!(claims(table_word), ["gpt-3 params = 175B 参数"]);
    // A date ending one line and a release verb after a name on the next are two
    // statements, not `2019年发布的 GPT-2`.
    let split = "- 时间线 2019年\n- GPT-2 发布\n";
    assert_eq!(claims(split), Vec::<String>::new());
}

/// `line_tail` is the trimmed text of the line before an offset, cut to its
/// last `LINE_TAIL` bytes (the look-backs read at most 8 characters): checked
/// against that definition at every offset of lines mixing CJK, full-width
/// spaces, code blanked to spaces, and one line far longer than the window.
#[test]
fn line_tail_is_the_end_of_the_trimmed_line() {
    let long = format!("GPT-3 {} 175B", "参数量 ".repeat(40));
    let texts = [
        "",
        "\n\n7B",
        "GPT-2 有 15 亿参数\n  \u{3000} 图 3",
        "表\t\n       1.5B |7B|",
        "LLAMA-\n2-13B",
        long.as_str(),
    ];
    for text in texts {
        for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let before = &text[..at];
            let whole = before[before.rfind('\n').map_or(0, |i| i + 1)..].trim_end();
            let got = super::line_tail(text, at);
            assert!(
                whole.ends_with(got),
                "{text:?} at {at}: {got:?} vs {whole:?}"
            );
            assert!(
                got == whole || got.len() >= super::LINE_TAIL - 3,
                "{text:?} at {at}: {got:?} cut short of {whole:?}"
            );
            assert!(got.chars().count() >= whole.chars().count().min(8));
        }
    }
}

/// `is_reference_number` reads its words on the bytes, last byte first: the
/// same as the plain definition (the line's last 8 characters, lowered, end
/// with a word), on text mixing CJK, letters of both cases and punctuation.
mod fast_paths {
    use proptest::prelude::*;

    fn plain_is_reference_number(before: &str) -> bool {
        let last8: String = before
            .chars()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let last8 = last8.to_ascii_lowercase();
        [
            "图", "表", "第", "figure", "fig.", "table", "section", "sec.", "eq.", "equation", "#",
        ]
        .iter()
        .any(|w| last8.ends_with(w))
    }

    fn claim_at(start: usize) -> super::super::Claim {
        super::super::Claim {
            span: start..start + 1,
            models: super::super::Subjects::One((crate::kb::ModelId(0), None)),
            mention: None,
            attribute: crate::kb::Attribute::Params,
            value: super::super::ClaimValue::Date(crate::quantities::Date {
                year: 2020,
                month: None,
                day: None,
            }),
            line: start,
        }
    }

    /// `says_active` as first written: one search per word list.
    fn plain_says_active(clause: &str, digit: usize) -> bool {
        use super::super::keywords::{ACTIVE_WORDS, TOTAL_WORDS};
        let dist = |words: &[&str]| {
            let lower = clause.to_ascii_lowercase();
            words
                .iter()
                .flat_map(|w| {
                    lower
                        .match_indices(w)
                        .map(|(s, _)| (s, s + w.len()))
                        .collect::<Vec<_>>()
                })
                .map(|(s, e)| {
                    if e <= digit {
                        digit - e
                    } else {
                        s.saturating_sub(digit)
                    }
                })
                .min()
        };
        match (dist(ACTIVE_WORDS), dist(TOTAL_WORDS)) {
            (Some(a), Some(t)) => a < t,
            (Some(_), None) => true,
            _ => false,
        }
    }

    proptest! {
        #[test]
        fn active_or_total_matches_the_plain_definition(
            words in proptest::collection::vec(prop::sample::select(vec!["激活", "Active", "activated", "TOTAL", "总", "参数", " ", "7B"]), 0..8),
            digit in 0usize..60,
        ) {
            let clause = words.concat();
            prop_assert_eq!(super::super::says_active(&clause, digit), plain_says_active(&clause, digit));
        }

        #[test]
        fn reference_words_match_the_plain_definition(
            before in "[a-zA-Z图表第节 .#\u{3000}FfIiGgEeQq]{0,14}"
        ) {
            prop_assert_eq!(super::super::is_reference_number(&before), plain_is_reference_number(&before));
        }

        /// Merging the release-date claims into the others gives what a stable
        /// sort by start of the two lists one after the other gives.
        #[test]
        fn merge_is_a_stable_sort(
            dated in proptest::collection::vec(0usize..40, 0..8),
            rest in proptest::collection::vec(0usize..40, 0..12),
        ) {
            let mut rest = rest;
            rest.sort();
            // `line` tells the claims apart: a claim's index in the concatenation.
            let mut all: Vec<super::super::Claim> = dated.iter().chain(&rest).map(|&s| claim_at(s)).collect();
            for (i, c) in all.iter_mut().enumerate() {
                c.line = i;
            }
            let rest_claims = all.split_off(dated.len());
            let merged = super::super::merge_by_start(all.clone(), rest_claims.clone());
            let mut sorted = all;
            sorted.extend(rest_claims);
            sorted.sort_by_key(|c| c.span.start);
            prop_assert_eq!(merged, sorted);
        }
    }
}
