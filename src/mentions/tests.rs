use super::*;

/// A small KB, independent of the real one, so these tests pin the matcher.
fn test_kb() -> Kb {
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
id = "gpt-3.5"
name = "GPT-3.5"
[[model]]
id = "gpt-4"
name = "GPT-4"
[[model]]
id = "chatgpt"
name = "ChatGPT"
[[model]]
id = "bert"
name = "BERT"
[[model.variants]]
name = "base"
[[model.variants]]
name = "large"
[[model]]
id = "roberta"
name = "RoBERTa"
[[model]]
id = "llama"
name = "LLaMA"
aliases = ["LLaMA-1"]
misspellings = ["LLamma"]
[[model.variants]]
name = "7B"
[[model]]
id = "llama-3"
name = "Llama 3"
[[model]]
id = "llama-3.1"
name = "Llama 3.1"
[[model]]
id = "llama-3.2"
name = "Llama 3.2"
[[model]]
id = "qwen"
name = "Qwen"
aliases = ["Qwen1"]
[[model]]
id = "qwen1.5"
name = "Qwen1.5"
[[model.variants]]
name = "MoE-A2.7B"
[[model]]
id = "qwen2"
name = "Qwen2"
[[model]]
id = "qwen2.5"
name = "Qwen2.5"
[[model]]
id = "deepseek-v3"
name = "DeepSeek-V3"
[[model]]
id = "hunyuan"
name = "Hunyuan"
kind = "family"
aliases = ["混元"]
[[model]]
id = "opt"
name = "OPT"
case_sensitive = true
"#;
    crate::kb::kb_from_toml(text)
}

/// Renders mentions as `text=model[/variant] (form)` for readable assertions.
fn render(input: &str) -> Vec<String> {
    let kb = test_kb();
    let matcher = MentionMatcher::new(&kb);
    matcher
        .find(input)
        .iter()
        .map(|m| {
            let model = kb.model(m.model);
            let mut s = format!("{}={}", &input[m.span.clone()], model.id);
            if let Some(v) = m.variant {
                s.push_str(&format!("/{}", model.variants[v].name));
            }
            match m.form {
                MentionForm::Name => {}
                MentionForm::Alias => s.push_str(" (alias)"),
                MentionForm::Misspelling => s.push_str(&format!(
                    " (misspelled: {:?})",
                    m.correction.as_ref().map(|c| &c.1)
                )),
                MentionForm::Shorthand => s.push_str(" (shorthand)"),
            }
            s
        })
        .collect()
}

#[test]
fn separators_and_case_fold() {
    assert_eq!(
        render("GPT2 GPT-2 GPT 2 gpt-2 GPT_2"),
        [
            "GPT2=gpt-2",
            "GPT-2=gpt-2",
            "GPT 2=gpt-2",
            "gpt-2=gpt-2",
            "GPT_2=gpt-2"
        ]
    );
    assert_eq!(
        render("LLaMA Llama LLama"),
        ["LLaMA=llama", "Llama=llama", "LLama=llama"]
    );
    assert_eq!(
        render("DeepSeek V3 与 DeepSeek-V3"),
        ["DeepSeek V3=deepseek-v3", "DeepSeek-V3=deepseek-v3"]
    );
}

#[test]
fn boundaries_work_in_cjk_text() {
    assert_eq!(render("与GPT1基本一致"), ["GPT1=gpt-1"]);
    assert_eq!(render("GPT2（2019）："), ["GPT2=gpt-2"]);
    assert_eq!(render("腾讯混元大模型"), ["混元=hunyuan (alias)"]);
}

#[test]
fn longer_names_win() {
    assert_eq!(render("GPT-3.5"), ["GPT-3.5=gpt-3.5"]);
    assert_eq!(render("Qwen2.5"), ["Qwen2.5=qwen2.5"]);
    assert_eq!(render("Llama-3.1"), ["Llama-3.1=llama-3.1"]);
    assert_eq!(render("ChatGPT"), ["ChatGPT=chatgpt"]);
}

#[test]
fn unknown_versions_do_not_match_a_prefix() {
    assert_eq!(render("GPT-3.7 and Qwen2.9"), Vec::<String>::new());
    assert_eq!(
        render("RoBERTa Sentence-BERT BERTology"),
        ["RoBERTa=roberta"]
    );
}

#[test]
fn shorthand_lists_expand() {
    assert_eq!(render("GPT-1/2"), ["GPT-1=gpt-1", "2=gpt-2 (shorthand)"]);
    assert_eq!(
        render("LLama-3.1,3.2: 8B"),
        ["LLama-3.1=llama-3.1", "3.2=llama-3.2 (shorthand)"]
    );
    assert_eq!(
        render("Qwen1.5/2/2.5"),
        [
            "Qwen1.5=qwen1.5",
            "2=qwen2 (shorthand)",
            "2.5=qwen2.5 (shorthand)"
        ]
    );
    assert_eq!(
        render("GPT-3/4,chatGPT"),
        ["GPT-3=gpt-3", "4=gpt-4 (shorthand)", "chatGPT=chatgpt"]
    );
    // A list that names no KB model stops the expansion.
    assert_eq!(render("GPT-2/9"), ["GPT-2=gpt-2"]);
}

#[test]
fn variants_bind() {
    assert_eq!(render("GPT-2 XL"), ["GPT-2 XL=gpt-2/XL"]);
    assert_eq!(render("BERT-base"), ["BERT-base=bert/base"]);
    assert_eq!(
        render("Qwen1.5 - MoE - A2.7B"),
        ["Qwen1.5 - MoE - A2.7B=qwen1.5/MoE-A2.7B"]
    );
    assert_eq!(render("LLaMA-7B"), ["LLaMA-7B=llama/7B"]);
}

#[test]
fn misspellings_resolve_with_a_correction() {
    assert_eq!(
        render("LLamma-1: 7B"),
        [r#"LLamma-1=llama (misspelled: Some("LLaMA"))"#]
    );
    assert_eq!(
        render("RoBertTa"),
        [r#"RoBertTa=roberta (misspelled: Some("RoBERTa"))"#]
    );
    // Ordinary words one edit from a stem are left alone.
    assert_eq!(render("the llamas and a Gamma"), Vec::<String>::new());
}

#[test]
fn case_sensitive_names_need_their_case() {
    assert_eq!(render("OPT-175B, opt in"), ["OPT=opt"]);
}

#[test]
fn unknown_names_with_a_known_family() {
    let kb = test_kb();
    let matcher = MentionMatcher::new(&kb);
    let text = "GPT-6 与 Qwen4，以及 GPT-2 和 GPT-2019";
    let mentions = matcher.find(text);
    let unknown: Vec<&str> = matcher
        .unknown_names(text, &mentions)
        .into_iter()
        .map(|r| &text[r])
        .collect();
    assert_eq!(unknown, ["GPT-6", "Qwen4"]);
}

#[test]
fn never_panics_on_odd_text() {
    let kb = test_kb();
    let matcher = MentionMatcher::new(&kb);
    for t in [
        "",
        "-",
        "GPT-",
        "GPT-1/",
        "\0GPT\0-2",
        "😀GPT-2😀",
        "GPT-1/2/3/4/5/6/7",
        "a-b-c-",
    ] {
        let _ = matcher.find(t);
    }
    let long = "GPT-2 ".repeat(10_000);
    assert_eq!(matcher.find(&long).len(), 10_000);
}

mod overlapping {
    use super::super::overlapping_matches;
    use aho_corasick::dfa::DFA;
    use aho_corasick::{AhoCorasick, MatchKind};
    use proptest::prelude::*;

    const PATTERNS: [&str; 9] = [
        "gpt", "gpt2", "pt2", "t", "llama", "lla", "a3", "混元", "元a",
    ];

    /// The hand-driven walk of the DFA yields what the crate's overlapping
    /// iterator yields, in the same order.
    fn check(hay: &str) {
        let dfa = DFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(PATTERNS)
            .unwrap();
        let ac = AhoCorasick::new(PATTERNS).unwrap();
        let expected: Vec<(usize, usize, usize)> = ac
            .find_overlapping_iter(hay)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        assert_eq!(
            overlapping_matches(&dfa, hay.as_bytes()),
            expected,
            "{hay:?}"
        );
    }

    #[test]
    fn matches_the_overlapping_iterator() {
        for hay in [
            "",
            "t",
            "gpt2",
            "llama3 gpt2t 混元a",
            "ttt",
            // Matches ending on every byte of an eight-byte round, and after.
            "xxxgpt2xxxxxgpt2xxxxlla xxxxxxxxx",
            "与与与与x混元ab混元a",
        ] {
            check(hay);
        }
    }

    proptest! {
        #[test]
        fn matches_the_overlapping_iterator_on_any_text(hay in "[gptla23 混元，x]{0,60}") {
            check(&hay);
        }
    }
}
