//! Re-analysing only the edited sections (`Analyzer::reanalyze_sections`, what
//! the language server does on every keystroke) gives exactly what analysing the
//! whole new text gives: on random notes built from Markdown pieces that stress
//! the section boundaries (headings of every level, headings in code, quotes and
//! lists, unclosed fences and comments, reference definitions, setext headings,
//! tables, suppression comments, names and numbers wrapped across lines) and
//! random edits that insert, delete or replace text anywhere, headings included.
//!
//! About half the edits take the section path (measured when this was written:
//! 779 of 1,509); the others are ones it must refuse (a definition in the note,
//! an unclosed fence) and check the fallback. Case count: 512 per property, or
//! `PROPTEST_CASES`.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use llmnotes::config::Config;
use llmnotes::kb::Kb;
use llmnotes::{Analyzer, DocumentAnalysis};
use proptest::prelude::*;

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(|| Analyzer::new(Arc::new(Kb::embedded()), Config::default()))
}

const PIECES: &[&str] = &[
    "# GPT-3 笔记\n\n",
    "## GPT2（2019）\n\n",
    "## Llama 2\n",
    "### 细节\n\n",
    "#### 训练\n",
    "# \n",
    "##\n",
    "GPT-3 有 175B 参数，上下文 2048。\n\n",
    "GPT-2 的训练数据是 40GB。另一说 45GB.\n",
    "参数量约 15 亿，48 层，1600 维。\n\n",
    "- GPT2：\n  - 参数量 15 亿\n  - 上下文 1024\n\n",
    "- Qwen1.5/2/2.5：上下文 32K\n- LLama-3.1,3.2: 128K上下文\n",
    "| 模型 | 参数 | 上下文 |\n|---|---|---|\n| GPT-3 | 175B | 2048 |\n| LLaMA | 7B-65B | 2K |\n\n",
    "```\n## 代码里的标题\nGPT-3 175B\n```\n\n",
    "```python\nx = 1\n",
    "~~~\n",
    "<!-- llmnotes-disable-next-line -->\nGPT-2 有 2B 参数。\n",
    "<!-- llmnotes-disable LN001 -->\n",
    "<!-- llmnotes-enable -->\n",
    "<!-- 没有关上的注释\n",
    "-->\n",
    "> ## 引用里的标题\n> GPT-2 40GB\n\n",
    "  ## 缩进的标题\n",
    "- 列表项 GPT-3\n## 列表后的标题\n",
    "没有空行的一行 GPT-4 8K\n",
    "$$\nGPT-3 = 175B\n$$\n\n",
    "[ref]: https://example.com\n",
    "[^1]: 脚注\n",
    "#hashtag\n===\n\n",
    "Setext 标题 GPT-3\n---\n\n",
    "\n",
    "我们训练 LLaMA-\n2-13B 或 MISTRAL-7B 作为目标模型。\n",
    "2019年\n## GPT-2 发布\n",
    "<div>\n## 在 HTML 里\n</div>\n\n",
    "LLamma-1 和 RoBertTa 都是拼写错误，GPT-6 不存在。\n",
    "DeepSeek LLM: 70B\n",
    "---\ntitle: x\n---\n",
    "😀 emoji 🤖 GPT-4o（2024.05.13）\r\n",
    "* 星号列表 Qwen2.5 18T tokens\n",
];

const SNIPPETS: &[&str] = &[
    "",
    "#",
    "## ",
    "# ",
    "\n",
    "\n\n",
    "```",
    "~~~",
    "<!--",
    "-->",
    "GPT-3 ",
    "175B",
    "40GB",
    "（2019）",
    "- ",
    "  ",
    "| a |",
    "]:",
    "[x]",
    "我",
    "😀",
    "\r\n",
    "===",
    "---",
    "> ",
    "$$",
    "GPT-",
    "2",
    "Qwen",
    "参数",
    "上下文 ",
    "*",
    "`",
];

fn note() -> impl Strategy<Value = String> {
    prop::collection::vec(0..PIECES.len(), 1..24)
        .prop_map(|ix| ix.into_iter().map(|i| PIECES[i]).collect())
}

/// An edit: where (a fraction of the text), how many chars to delete, what to
/// insert.
/// Half of them at a line start, where `#`, `- `, fences and `>` change what
/// the line is.
fn edit() -> impl Strategy<Value = (f64, bool, usize, usize)> {
    (0.0..1.0f64, any::<bool>(), 0usize..12, 0..SNIPPETS.len())
}

fn apply(text: &str, (at, line_start, delete, insert): (f64, bool, usize, usize)) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = ((chars.len() as f64) * at) as usize;
    if line_start {
        while i > 0 && chars[i - 1].1 != '\n' {
            i -= 1;
        }
    }
    let start = chars.get(i).map_or(text.len(), |c| c.0);
    let end = chars.get(i + delete).map_or(text.len(), |c| c.0);
    let mut out = text[..start].to_string();
    out.push_str(SNIPPETS[insert]);
    out.push_str(&text[end..]);
    out
}

fn same(incremental: &DocumentAnalysis, full: &DocumentAnalysis) -> Result<(), TestCaseError> {
    prop_assert_eq!(&incremental.structure, &full.structure);
    prop_assert_eq!(&incremental.mentions, &full.mentions);
    prop_assert_eq!(&incremental.shadows, &full.shadows);
    prop_assert_eq!(&incremental.quantities, &full.quantities);
    prop_assert_eq!(&incremental.claims, &full.claims);
    prop_assert_eq!(&incremental.suppressions, &full.suppressions);
    prop_assert_eq!(&incremental.local_findings, &full.local_findings);
    prop_assert_eq!(&*incremental.text, &*full.text);
    Ok(())
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(512);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn reanalysis_equals_a_full_run(text in note(), edits in prop::collection::vec(edit(), 1..6)) {
        let a = analyzer();
        let path = Path::new("n.md");
        let mut prev = a.analyze(path, text.clone().into());
        let mut current = text;
        // A run of edits, each on the result of the last, as a person types.
        for e in edits {
            current = apply(&current, e);
            let full = a.analyze(path, current.clone().into());
            if let Some(incremental) = a.reanalyze_sections(&prev, current.clone().into()) {
                same(&incremental, &full)?;
            }
            let again = a.reanalyze(&prev, current.clone().into());
            same(&again, &full)?;
            prev = again;
        }
    }
}

/// A long note like the ones the server must keep up with: typing in one
/// section re-analyses that section only, and the result is a full run's.
#[test]
fn typing_in_a_long_note_takes_the_section_path() {
    let a = analyzer();
    let path = Path::new("long.md");
    let mut text = String::from("# 长笔记\n\n");
    for i in 0..200 {
        text.push_str(&format!(
            "## 第 {i} 节\n\nGPT-3 有 175B 参数，上下文 2048。\n\n- GPT2（2019）：\n  - 参数量 15 亿\n\n"
        ));
    }
    let mut prev = a.analyze(path, text.clone().into());
    let mut taken = 0;
    let edits = 40;
    for k in 0..edits {
        // Toggle one figure in a section in the middle, then elsewhere.
        let at = text.match_indices("175B").nth(10 + k * 4).unwrap().0;
        text.replace_range(at..at + 4, if k % 2 == 0 { "170B" } else { "175B" });
        let full = a.analyze(path, text.clone().into());
        let next = match a.reanalyze_sections(&prev, text.clone().into()) {
            Some(d) => {
                taken += 1;
                d
            }
            None => a.analyze(path, text.clone().into()),
        };
        same(&next, &full).unwrap();
        prev = next;
    }
    assert_eq!(
        taken, edits,
        "every edit inside a section takes the section path"
    );
    // A fence opened in a section swallows the headings after it: a full run.
    let at = text.find("## 第 5 节").unwrap();
    let mut fenced = text.clone();
    fenced.insert_str(at, "```\n");
    assert!(a.reanalyze_sections(&prev, fenced.into()).is_none());
    // So does a link reference definition anywhere.
    let mut defined = text.clone();
    defined.push_str("[x]: https://example.com\n");
    assert!(a.reanalyze_sections(&prev, defined.into()).is_none());
}

/// An edit that makes a line a heading shallower than the one after it changes
/// the subject of what that next heading holds: the section path must not be
/// taken, and the result must still be a full run's.
#[test]
fn a_new_shallower_heading_re_analyses_the_sections_it_now_heads() {
    let a = analyzer();
    let path = Path::new("n.md");
    let old = "# 笔记\n\n#### 训练\n\n说明 GPT-4 的一行\n\n### 细节\n\n参数量约 15 亿，48 层。\n";
    let new = old.replace("说明 GPT-4", "## 说明 GPT-4");
    let prev = a.analyze(path, old.into());
    let full = a.analyze(path, new.as_str().into());
    // The number under `### 细节` now belongs to GPT-4, through the new heading.
    assert!(full.claims.iter().any(|c| &new[c.span.clone()] == "15 亿"));
    assert!(!prev.claims.iter().any(|c| &old[c.span.clone()] == "15 亿"));
    assert!(a.reanalyze_sections(&prev, new.as_str().into()).is_none());
    same(&a.reanalyze(&prev, new.as_str().into()), &full).unwrap();
}
