use super::*;

/// Short name for a container: `P`, `H0`, `L3`, `T0[h,1]`, `T0[2,0]`.
fn container_name(c: Container) -> String {
    match c {
        Container::Paragraph => "P".to_string(),
        Container::Heading(i) => format!("H{i}"),
        Container::ListItem(i) => format!("L{i}"),
        Container::TableCell { table, row, col } => match row {
            None => format!("T{table}[h,{col}]"),
            Some(r) => format!("T{table}[{r},{col}]"),
        },
    }
}

/// One line per sentence: `container: text` (text from `masked`, runs of blanked
/// bytes shown as one space), checking the structural invariants on the way.
fn render(text: &str) -> String {
    let s = parse(text);
    check_invariants(text, &s);
    let mut out = String::new();
    for sent in &s.sentences {
        let body = collapse(&s.masked[sent.span.clone()]);
        out.push_str(&format!("{}: {}\n", container_name(sent.container), body));
    }
    out
}

/// Same as `render` but with the enclosing heading index: `container @h: text`.
fn render_with_headings(text: &str) -> String {
    let s = parse(text);
    check_invariants(text, &s);
    let mut out = String::new();
    for sent in &s.sentences {
        let h = match sent.heading {
            Some(h) => format!("@{h}"),
            None => "@-".to_string(),
        };
        let body = collapse(&s.masked[sent.span.clone()]);
        out.push_str(&format!("{} {h}: {body}\n", container_name(sent.container)));
    }
    out
}

/// The prose words of the masked text, whitespace runs collapsed, per line
/// (blank lines dropped).
fn prose(text: &str) -> String {
    let s = parse(text);
    check_invariants(text, &s);
    let mut out = String::new();
    for line in s.masked.lines() {
        let line = collapse(line);
        if !line.is_empty() {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check_invariants(text: &str, s: &Structure) {
    assert_eq!(s.masked.len(), text.len(), "masked length");
    let (t, m) = (text.as_bytes(), s.masked.as_bytes());
    for i in 0..t.len() {
        assert!(
            m[i] == t[i] || m[i] == b' ',
            "masked byte {i} is neither the original nor a space"
        );
        if t[i] == b'\n' {
            assert_eq!(m[i], b'\n', "newline {i} kept");
        }
    }
    let mut last = 0;
    for sent in &s.sentences {
        assert!(sent.span.start >= last, "sentences overlap or out of order");
        assert!(sent.span.start < sent.span.end, "empty sentence");
        let body = &s.masked[sent.span.clone()];
        assert_eq!(body.trim(), body, "sentence not trimmed");
        // First and last bytes are prose: unblanked original bytes.
        for i in [sent.span.start, sent.span.end - 1] {
            assert!(m[i] == t[i] && m[i] != b' ', "sentence edge {i} is blanked");
        }
        assert!(
            !body.contains('\n') && !body.contains('\r'),
            "sentence spans a line break"
        );
        last = sent.span.end;
    }
    let ranges = s
        .headings
        .iter()
        .flat_map(|h| [h.span.clone(), h.text_span.clone(), h.section.clone()])
        .chain(
            s.list_items
                .iter()
                .flat_map(|i| [i.span.clone(), i.lead.clone()]),
        )
        .chain(
            s.comments
                .iter()
                .flat_map(|c| [c.span.clone(), c.body.clone()]),
        )
        .chain(s.tables.iter().flat_map(|t| {
            std::iter::once(t.span.clone())
                .chain(t.header.iter().cloned())
                .chain(t.rows.iter().flatten().cloned())
        }));
    for r in ranges {
        assert!(text.get(r.clone()).is_some(), "bad range {r:?}");
    }
    for h in &s.headings {
        assert!(h.section.start <= h.section.end && h.section.end <= text.len());
        assert!(h.span.start <= h.text_span.start && h.text_span.end <= h.span.end);
    }
    for (i, item) in s.list_items.iter().enumerate() {
        if let Some(p) = item.parent {
            assert!(p < i, "a parent precedes its child");
            assert_eq!(s.list_items[p].depth + 1, item.depth);
        } else {
            assert_eq!(item.depth, 0);
        }
    }
}

// ---------------------------------------------------------------- sentences

#[test]
fn cjk_sentence_splitting() {
    assert_eq!(
        render("模型有 12 层。参数量约 1.17 亿；上下文 512\n"),
        "P: 模型有 12 层。\nP: 参数量约 1.17 亿；\nP: 上下文 512\n"
    );
}

#[test]
fn english_splitting_keeps_numbers_and_versions() {
    assert_eq!(
        render("GPT-3.5 is big. Qwen1.5 came on 2023.07.18! Really? Yes; ok\n"),
        "P: GPT-3.5 is big.\nP: Qwen1.5 came on 2023.07.18!\nP: Really?\nP: Yes;\nP: ok\n"
    );
}

#[test]
fn commas_never_split_and_closers_stay() {
    assert_eq!(
        render("他说：“模型很大。”然后，继续、再继续, ok。（完）\n"),
        "P: 他说：“模型很大。”\nP: 然后，继续、再继续, ok。\nP: （完）\n"
    );
}

#[test]
fn newline_inside_paragraph_splits() {
    assert_eq!(
        render("第一行没有标点\n第二行也没有\nthird line.\n"),
        "P: 第一行没有标点\nP: 第二行也没有\nP: third line.\n"
    );
}

#[test]
fn punctuation_only_pieces_are_dropped() {
    // The math is blanked; what is left of its sentence is a lone `。`.
    let text = "第一句。$a+b$。后面还有 `x`。\n";
    assert_eq!(render(text), "P: 第一句。\nP: 后面还有 。\n");
    let s = parse(text);
    assert_eq!(&text[s.sentences[1].span.clone()], "后面还有 `x`。");
}

#[test]
fn toc_placeholder_is_blanked() {
    assert_eq!(
        render("[TOC]\n\n[[toc]]\n\n正文 [TOC]\n"),
        "P: 正文 [TOC]\n"
    );
}

#[test]
fn callout_markers_are_blanked() {
    assert_eq!(
        render("> [!NOTE]\n> 注意事项\n\n> [!tip]- 提示标题\n> 内容\n\n[!x] 不在引用中\n"),
        "P: 注意事项\nP: 提示标题\nP: 内容\nP: [!x] 不在引用中\n"
    );
}

#[test]
fn blockquote_is_paragraph() {
    assert_eq!(
        render("> 引用一句。\n> 第二句\n"),
        "P: 引用一句。\nP: 第二句\n"
    );
}

// ---------------------------------------------------------------- lists

const NOTES: &str = "## GPT 系列

- GPT2（2019）：
  - 论文：《Language Models are Unsupervised Multitask Learners》
  - 模型结构：与 GPT1 基本一致，**post-norm 改为 pre-norm**，输入序列从 512 改为 1024，有 48 层
  - 实验数据：来自 Reddit，共 800 万个文档、40GB；与 GPT1 相比

| **方面**   | **GPT-1** | **GPT-2** |
|---|---|---|
| **参数量** | 1.17 亿 | 15 亿（最大版本） |

原Norm公式：$\\bar{a}_{i}=\\frac{a_{i}-\\mu}{\\sigma}g_{i}$
[GPT-3 Language Models are Few-Shot Learners - 37949引用](https://arxiv.org/abs/2005.14165)
";

#[test]
fn example_notes() {
    assert_eq!(
        render_with_headings(NOTES),
        "\
H0 @0: GPT 系列
L0 @0: GPT2（2019）：
L1 @0: 论文：《Language Models are Unsupervised Multitask Learners》
L2 @0: 模型结构：与 GPT1 基本一致， post-norm 改为 pre-norm ，输入序列从 512 改为 1024，有 48 层
L3 @0: 实验数据：来自 Reddit，共 800 万个文档、40GB；
L3 @0: 与 GPT1 相比
T0[h,0] @0: 方面
T0[h,1] @0: GPT-1
T0[h,2] @0: GPT-2
T0[0,0] @0: 参数量
T0[0,1] @0: 1.17 亿
T0[0,2] @0: 15 亿（最大版本）
P @0: 原Norm公式：
P @0: GPT-3 Language Models are Few-Shot Learners - 37949引用
"
    );
    let s = parse(NOTES);
    let items: Vec<_> = s.list_items.iter().map(|i| (i.parent, i.depth)).collect();
    assert_eq!(
        items,
        vec![(None, 0), (Some(0), 1), (Some(0), 1), (Some(0), 1)]
    );
    assert_eq!(&NOTES[s.list_items[0].lead.clone()], "GPT2（2019）：");
    assert!(!s.masked.contains("arxiv"));
    assert!(!s.masked.contains("frac"));
}

#[test]
fn nested_lists_parents_and_depth() {
    let text = "\
- a
  - b
    - c
  - d
- e

1. loose one

   second para

   - nested
";
    assert_eq!(
        render(text),
        "L0: a\nL1: b\nL2: c\nL3: d\nL4: e\nL5: loose one\nL5: second para\nL6: nested\n"
    );
    let s = parse(text);
    let got: Vec<_> = s
        .list_items
        .iter()
        .map(|i| (&text[i.lead.clone()], i.parent, i.depth))
        .collect();
    assert_eq!(
        got,
        vec![
            ("a", None, 0),
            ("b", Some(0), 1),
            ("c", Some(1), 2),
            ("d", Some(0), 1),
            ("e", None, 0),
            ("loose one", None, 0),
            ("nested", Some(5), 1),
        ]
    );
    assert_eq!(&text[s.list_items[1].span.clone()], "- b\n    - c");
    assert_eq!(
        &text[s.list_items[0].span.clone()],
        "- a\n  - b\n    - c\n  - d"
    );
}

#[test]
fn list_item_without_own_text_has_empty_lead() {
    let text = "- - inner\n";
    let s = parse(text);
    assert_eq!(s.list_items.len(), 2);
    assert!(s.list_items[0].lead.is_empty());
    assert_eq!(&text[s.list_items[1].lead.clone()], "inner");
    assert_eq!(render(text), "L1: inner\n");
}

#[test]
fn quote_inside_list_item_belongs_to_item() {
    assert_eq!(
        render("- item\n\n  > quoted. more\n"),
        "L0: item\nL0: quoted.\nL0: more\n"
    );
}

#[test]
fn task_list_marker_is_blanked() {
    assert_eq!(render("- [x] done\n- [ ] todo\n"), "L0: done\nL1: todo\n");
}

// ---------------------------------------------------------------- tables

#[test]
fn table_header_and_body_mapping() {
    let text = "\
| 模型 | 层数 |
|:--|--:|
| GPT-1 | 12 |
| GPT-2 | 48 | extra |
| BERT |
";
    assert_eq!(
        render(text),
        "T0[h,0]: 模型\nT0[h,1]: 层数\nT0[0,0]: GPT-1\nT0[0,1]: 12\nT0[1,0]: GPT-2\nT0[1,1]: 48\nT0[1,2]: extra\nT0[2,0]: BERT\n"
    );
    let s = parse(text);
    let t = &s.tables[0];
    let cells = |v: &Vec<Range<usize>>| v.iter().map(|r| &text[r.clone()]).collect::<Vec<_>>();
    assert_eq!(cells(&t.header), vec!["模型", "层数"]);
    let rows: Vec<_> = t.rows.iter().map(cells).collect();
    assert_eq!(
        rows,
        vec![
            vec!["GPT-1", "12"],
            vec!["GPT-2", "48", "extra"],
            vec!["BERT"]
        ]
    );
    assert_eq!(t.span.start, 0);
    assert!(text[t.span.clone()].ends_with("| BERT |"));
}

#[test]
fn table_cells_beyond_the_header_are_kept() {
    let text =
        "| a | b |\n|---|---|\n| 1 | 2 | 多出 **粗** `c` | 第四\\|列 |\n| x | y | z\n| p |\n";
    assert_eq!(
        render(text),
        "T0[h,0]: a\nT0[h,1]: b\nT0[0,0]: 1\nT0[0,1]: 2\nT0[0,2]: 多出 粗\nT0[0,3]: 第四 |列\nT0[1,0]: x\nT0[1,1]: y\nT0[1,2]: z\nT0[2,0]: p\n"
    );
    let trailing = "|a|\n|-|\n|1|2|x\\\n";
    assert_eq!(
        render(trailing),
        "T0[h,0]: a\nT0[0,0]: 1\nT0[0,1]: 2\nT0[0,2]: x\\\n"
    );
    let s = parse(text);
    let rows: Vec<Vec<&str>> = s.tables[0]
        .rows
        .iter()
        .map(|r| r.iter().map(|c| &text[c.clone()]).collect())
        .collect();
    assert_eq!(
        rows,
        vec![
            vec!["1", "2", "多出 **粗** `c`", "第四\\|列"],
            vec!["x", "y", "z"],
            vec!["p"],
        ]
    );
}

#[test]
fn table_pipes_do_not_merge_cells() {
    let s = parse("|a|b|\n|-|-|\n|c|d|\n");
    assert_eq!(collapse(&s.masked), "a b c d");
}

#[test]
fn empty_table_cell_has_empty_span() {
    let text = "| a | |\n|---|---|\n|  | x |\n";
    let s = parse(text);
    assert_eq!(s.tables[0].header.len(), 2);
    assert!(s.tables[0].header[1].is_empty());
    assert!(s.tables[0].rows[0][0].is_empty());
    assert_eq!(render(text), "T0[h,0]: a\nT0[0,1]: x\n");
}

// ---------------------------------------------------------------- headings

#[test]
fn headings_sections_and_parents() {
    let text = "\
# A
intro
## B
b text
### C
c text
## D
Setext
------
# E
";
    let s = parse(text);
    let got: Vec<_> = s
        .headings
        .iter()
        .map(|h| {
            (
                h.level,
                &text[h.text_span.clone()],
                &text[h.span.clone()],
                h.parent,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "A", "# A", None),
            (2, "B", "## B", Some(0)),
            (3, "C", "### C", Some(1)),
            (2, "D", "## D", Some(0)),
            (2, "Setext", "Setext\n------", Some(0)),
            (1, "E", "# E", None),
        ]
    );
    let sections: Vec<_> = s
        .headings
        .iter()
        .map(|h| &text[h.section.clone()])
        .collect();
    assert_eq!(sections[0], &text[..text.find("# E").unwrap()]);
    assert_eq!(sections[1], "## B\nb text\n### C\nc text\n");
    assert_eq!(sections[2], "### C\nc text\n");
    assert_eq!(sections[3], "## D\n");
    assert_eq!(sections[4], "Setext\n------\n");
    assert_eq!(sections[5], "# E\n");
    assert_eq!(
        render_with_headings(text),
        "H0 @0: A\nP @0: intro\nH1 @1: B\nP @1: b text\nH2 @2: C\nP @2: c text\nH3 @3: D\nH4 @4: Setext\nH5 @5: E\n"
    );
}

#[test]
fn text_before_first_heading_has_no_heading() {
    assert_eq!(
        render_with_headings("前言。\n\n# 标题 #\n正文\n"),
        "P @-: 前言。\nH0 @0: 标题\nP @0: 正文\n"
    );
}

// ---------------------------------------------------------------- masking

#[test]
fn masks_fenced_and_indented_code() {
    let text = "before\n\n```python\nx = 1  # 注释。\n```\n\n    indented code\n\nafter\n";
    let s = parse(text);
    assert_eq!(
        s.masked,
        format!(
            "before\n\n{}\n{}\n   \n\n{}\n\nafter\n",
            " ".repeat("```python".len()),
            " ".repeat("x = 1  # 注释。".len()),
            " ".repeat("    indented code".len()),
        )
    );
    assert_eq!(render(text), "P: before\nP: after\n");
}

#[test]
fn masks_inline_code() {
    assert_eq!(prose("用 `torch.nn` 实现。\n"), "用 实现。\n");
}

#[test]
fn masks_inline_and_display_math() {
    assert_eq!(prose("其中 $d_k=64$ 是维度\n"), "其中 是维度\n");
    assert_eq!(
        prose("公式：\n$$\nQK^T \\over \\sqrt{d_k}\n$$\n结束\n"),
        "公式：\n结束\n"
    );
}

#[test]
fn unbalanced_dollar_is_text() {
    assert_eq!(prose("价格 $5 左右\n"), "价格 $5 左右\n");
    // A closing `$` followed by a digit does not close math (as in Pandoc).
    assert_eq!(
        prose("价格 $0.002/1K，$0.02/1K 不同\n"),
        "价格 $0.002/1K，$0.02/1K 不同\n"
    );
    assert_eq!(
        prose("费用 $5-$10 之间，公式 $x$ 除外\n"),
        "费用 $5-$10 之间，公式 除外\n"
    );
}

#[test]
fn masks_html_comments_and_records_them() {
    let text = "<!-- llmnotes-disable rule-x -->\n\n正文 <!-- inline note --> 继续\n\n<div>\nhi <!-- c3\nmore -->\n</div>\n\n```\n<!-- not a comment -->\n```\n";
    let s = parse(text);
    let bodies: Vec<_> = s.comments.iter().map(|c| &text[c.body.clone()]).collect();
    assert_eq!(
        bodies,
        vec!["llmnotes-disable rule-x", "inline note", "c3\nmore"]
    );
    let spans: Vec<_> = s.comments.iter().map(|c| &text[c.span.clone()]).collect();
    assert_eq!(spans[1], "<!-- inline note -->");
    assert_eq!(prose(text), "正文 继续\n");
}

#[test]
fn masks_inline_html_tags_but_keeps_text() {
    assert_eq!(
        prose("这是 <b>粗体</b> 和<br>换行\n"),
        "这是 粗体 和 换行\n"
    );
}

#[test]
fn masks_front_matter() {
    let yaml = "---\ntitle: 笔记\ntags: [llm]\n---\n# 标题\n正文\n";
    assert_eq!(prose(yaml), "标题\n正文\n");
    let s = parse(yaml);
    assert_eq!(&yaml[s.headings[0].span.clone()], "# 标题");
    let toml = "+++\ntitle = \"x\"\n+++\n正文\n";
    assert_eq!(prose(toml), "正文\n");
    // Not at the start: `---` is a thematic break and the text between is prose.
    assert_eq!(prose("正文\n\n---\n中间\n---\n\n后\n"), "正文\n中间\n后\n");
    // Unclosed: not front matter.
    assert_eq!(prose("---\n正文\n"), "正文\n");
}

#[test]
fn masks_link_destinations_and_titles() {
    let text = "见[论文](https://arxiv.org/abs/1706.03762 \"Attention\")和![图](a.png)。\n";
    assert_eq!(prose(text), "见 论文 和 图 。\n");
    assert_eq!(render(text), "P: 见 论文 和 图 。\n");
    assert_eq!(
        prose("参考 [GPT][ref] 一文\n\n[ref]: https://openai.com \"t\"\n"),
        "参考 GPT 一文\n"
    );
}

#[test]
fn masks_autolinks_and_bare_urls() {
    assert_eq!(prose("链接 <https://example.com/a_b> 完\n"), "链接 完\n");
    assert_eq!(
        prose("地址https://github.com/x/y_z.git，另见 www.example.org. End (see http://a.b/c).\n"),
        "地址 ，另见 . End (see ).\n"
    );
    assert_eq!(
        prose("wiki https://en.wikipedia.org/wiki/Foo_(bar) ok\n"),
        "wiki ok\n"
    );
    assert_eq!(prose("mail <a@b.com> x\n"), "mail x\n");
}

#[test]
fn image_alt_text_kept_unless_placeholder() {
    assert_eq!(
        prose("![图1 Transformer 结构](a.png)\n\n![image-20230718152040543](assets/b.png)\n\n![截图](c.png) ![b.png](b.png) ![[x.png]]\n\n![Image of the encoder](e.png)\n"),
        "图1 Transformer 结构\nImage of the encoder\n"
    );
    assert_eq!(render("![image-20230718](a.png)\n"), "");
}

#[test]
fn obsidian_wikilinks_keep_their_text() {
    assert_eq!(
        prose("见 [[GPT-3]] 与 [[LLaMA 2|LLaMA2]] 笔记\n"),
        "见 GPT-3 与 LLaMA2 笔记\n"
    );
}

#[test]
fn masks_reference_definitions() {
    assert_eq!(prose("[x]: https://x.y/z\n\n正文\n"), "正文\n");
}

#[test]
fn masks_liquid_tags() {
    assert_eq!(
        prose("{% raw %}\n正文 {{ x }}\n{% endraw %}\n"),
        "正文 {{ x }}\n"
    );
}

#[test]
fn masks_markup_characters() {
    assert_eq!(
        prose("## 标题\n\n> **粗** _斜_ ~~删~~ a\\*b\n\n- 项\n"),
        "标题\n粗 斜 删 a *b\n项\n"
    );
}

#[test]
fn unclosed_emphasis_markers_are_blanked() {
    assert_eq!(
        prose("**模型结构：**与 GPT1 一致，3*4=12，~~旧~~\n"),
        "模型结构： 与 GPT1 一致，3*4=12， 旧\n"
    );
}

#[test]
fn entities_keep_offsets() {
    let text = "A &amp; B &nbsp;C\n";
    let s = parse(text);
    check_invariants(text, &s);
    assert_eq!(s.masked, "A       B       C\n");
}

#[test]
fn multibyte_in_blanked_ranges_keeps_offsets() {
    let text = "前`中文代码`后\n";
    let s = parse(text);
    assert_eq!(
        s.masked,
        format!("前{}后\n", " ".repeat("`中文代码`".len()))
    );
}

#[test]
fn footnotes_text_is_prose_labels_are_not() {
    assert_eq!(
        prose("正文[^1]。\n\n[^1]: 脚注内容\n"),
        "正文 。\n脚注内容\n"
    );
}

#[test]
fn crlf_line_endings() {
    let text = "# 标题\r\n\r\n第一句。第二句\r\n第三句\r\n\r\n- a\r\n  - b\r\n";
    assert_eq!(
        render(text),
        "H0: 标题\nP: 第一句。\nP: 第二句\nP: 第三句\nL0: a\nL1: b\n"
    );
    let s = parse(text);
    assert_eq!(&text[s.headings[0].span.clone()], "# 标题");
    assert_eq!(s.list_items[1].parent, Some(0));
    let crlf_fm = "---\r\ntitle: x\r\n---\r\n正文\r\n";
    assert_eq!(prose(crlf_fm), "正文\n");
}

// ---------------------------------------------------------------- robustness

#[test]
fn bom_is_not_prose() {
    let text = "\u{feff}# 标题\n正文\n";
    assert_eq!(render(text), "H0: 标题\nP: 正文\n");
    assert!(parse(text).masked.starts_with("   "));
}

#[test]
fn lone_cr_line_endings() {
    assert_eq!(render("第一行\r第二行\r"), "P: 第一行\nP: 第二行\n");
}

#[test]
fn empty_and_blank_input() {
    for text in ["", "\n", "   \n\n", "\r\n"] {
        let s = parse(text);
        assert_eq!(s.masked.len(), text.len());
        assert!(s.sentences.is_empty());
    }
}

#[test]
fn nul_bytes() {
    let text = "a\0b。\0\n\n`\0`\n| \0 | x |\n|--|--|\n";
    let s = parse(text);
    check_invariants(text, &s);
}

#[test]
fn deep_nested_lists() {
    let text = format!("{}x\n", "- ".repeat(10_000));
    let s = parse(&text);
    check_invariants(&text, &s);
    assert!(s.list_items.len() >= 100);
    let last = s.list_items.last().unwrap();
    assert_eq!(last.depth as usize, s.list_items.len() - 1);
}

#[test]
fn deep_nested_quotes_and_mixed() {
    let text = format!("{}x\n", "> ".repeat(10_000));
    check_invariants(&text, &parse(&text));
    let text = format!("{}x\n", "> - ".repeat(5_000));
    check_invariants(&text, &parse(&text));
}

#[test]
fn ten_thousand_columns() {
    let text = format!(
        "|{}\n|{}\n|{}\n",
        "a|".repeat(10_000),
        "-|".repeat(10_000),
        "b|".repeat(10_000)
    );
    let s = parse(&text);
    check_invariants(&text, &s);
    assert_eq!(s.tables[0].header.len(), 10_000);
    assert_eq!(s.tables[0].rows[0].len(), 10_000);
    assert_eq!(s.sentences.len(), 20_000);
    // Body rows far longer than the header.
    let text = format!("|a|\n|-|\n|{}\n", "b|".repeat(10_000));
    let s = parse(&text);
    check_invariants(&text, &s);
    assert_eq!(s.tables[0].rows[0].len(), 10_000);
    assert_eq!(s.sentences.len(), 10_001);
}

#[test]
fn unbalanced_and_odd_inputs() {
    for text in [
        "$",
        "$$",
        "$$\n",
        "$a",
        "a$$b",
        "<!--",
        "<!-- x",
        "a <!-- b",
        "<!-->",
        "```",
        "```\ncode",
        "---",
        "---\n",
        "+++\n+++",
        "\u{feff}---\na\n---\nb",
        "[a](",
        "[a]: ",
        "|",
        "|\n|-|",
        "# ",
        "#",
        "=\n=",
        "- ",
        "1.",
        "{%",
        "{% x",
        "http://",
        "https://中",
        "www.",
        "\\",
        "&",
        "&#0;",
        "\t\t- \t> \t",
        "a\r",
        "\r\r\r",
        "。",
        "!!!",
        "*_*_**__",
    ] {
        let s = parse(text);
        check_invariants(text, &s);
    }
}

#[test]
fn long_single_line() {
    let text = "模型。".repeat(200_000) + &"a".repeat(100_000);
    let s = parse(&text);
    assert_eq!(s.masked.len(), text.len());
    assert_eq!(s.sentences.len(), 200_001);
}

#[test]
fn many_headings_linear() {
    let text = "## h\n句子。\n".repeat(50_000);
    let s = parse(&text);
    assert_eq!(s.headings.len(), 50_000);
    assert_eq!(s.sentences.len(), 100_000);
    assert_eq!(s.sentences.last().unwrap().heading, Some(49_999));
}

#[test]
fn section_numbers_and_abbreviations_do_not_split() {
    assert_eq!(
        render("# 1. 简介\n\n## 2.3. 模型\n\nUse e.g. GPT-2 vs. BERT. Fig. 3 shows it. 1. 第一\n"),
        "H0: 1. 简介\nH1: 2.3. 模型\nP: Use e.g. GPT-2 vs. BERT.\nP: Fig. 3 shows it.\nP: 1. 第一\n"
    );
    // A number that ends a sentence still ends it.
    assert_eq!(
        render("参数量是 175. 很大\n"),
        "P: 参数量是 175.\nP: 很大\n"
    );
}

#[test]
fn br_in_table_cell_splits_sentences() {
    assert_eq!(
        render("| a |\n|---|\n| 第一点<br>第二点<BR/>third |\n"),
        "T0[h,0]: a\nT0[0,0]: 第一点\nT0[0,0]: 第二点\nT0[0,0]: third\n"
    );
}

/// Timing of `parse` against a bare pulldown-cmark pass, on generated notes.
/// `cargo test --lib markdown::tests::timing -- --ignored --nocapture`
#[test]
#[ignore]
#[allow(clippy::print_stderr)]
fn timing() {
    use pulldown_cmark::{Options, Parser};
    let mut text = String::new();
    while text.len() < 8_000_000 {
        text.push_str(NOTES);
        text.push_str("\n普通段落，GPT-3 有 1750 亿参数。训练数据 45TB；见 https://arxiv.org/abs/2005.14165 。\n`code` and $x^2$ here. Another sentence!\n\n```\nlet x = 1;\n```\n\n");
    }
    let t = std::time::Instant::now();
    let opts = Options::ENABLE_TABLES | Options::ENABLE_MATH | Options::ENABLE_FOOTNOTES;
    let n = Parser::new_ext(&text, opts).into_offset_iter().count();
    let bare = t.elapsed();
    let t = std::time::Instant::now();
    let s = parse(&text);
    let full = t.elapsed();
    eprintln!(
        "{} bytes, {n} events: pulldown {bare:?}, parse {full:?}, {} sentences",
        text.len(),
        s.sentences.len()
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        // Case count: proptest's default (256) or `PROPTEST_CASES`.
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn invariants_hold_on_markdownish_input(
            text in concat!(
                "([-#>*_`$|:!\\\\\\[\\]()<>{}%&;.。；，1 \\t\\n\\r\\x00a-zA-Z模型参数]",
                "|https://|<!--|-->|```|\\$\\$|\\|---\\||\\n- |\\n  - |\\n1\\. |\\n> |\\n    ",
                "|\\n===|\\n---|\\[\\^1\\]|\\]: |<div>|<br>|\\[\\[|\\]\\]|!\\[|\\]\\(|\\{% |&amp;",
                "|\\n\\| a \\| b \\|\\n\\|---\\|---\\|\\n|\\n\\+\\+\\+\\n|\\[ \\] ){0,80}"
            )
        ) {
            let s = parse(&text);
            check_invariants(&text, &s);
        }

        #[test]
        fn invariants_hold_on_any_string(text in "\\PC{0,60}") {
            let s = parse(&text);
            check_invariants(&text, &s);
        }
    }
}

/// Prints the sentences and masked text of the file named by `LLMNOTES_DUMP`.
/// `LLMNOTES_DUMP=notes.md cargo test --lib markdown::tests::dump -- --ignored --nocapture`
#[test]
#[ignore]
#[allow(clippy::print_stderr)]
fn dump() {
    let Ok(path) = std::env::var("LLMNOTES_DUMP") else {
        return;
    };
    let text = std::fs::read_to_string(path).unwrap();
    eprintln!("{}", render_with_headings(&text));
    eprintln!("{}", parse(&text).masked);
}

/// Inputs that would take quadratic time in a naive scanner. Each must finish fast
/// (the test has no timeout of its own, but a regression shows up as a hang).
#[test]
fn pathological_inputs_are_linear() {
    let n = 200_000;
    for text in [
        "{%".repeat(n),
        "{% ".repeat(n) + "\n",
        "https://".repeat(n),
        "www.a".repeat(n),
        "<!--".repeat(n),
        "$".repeat(n),
        "$a".repeat(n),
        "[".repeat(n),
        "*a".repeat(n),
        "|".repeat(n) + "\n|-|\n",
        "。".repeat(n),
        ". ".repeat(n),
        "e.g. ".repeat(n),
        format!("---\n{}", "a\n".repeat(n)),
        format!("<!-- {}", "x\n".repeat(n)),
        "- a\n".repeat(n),
        "> ".repeat(n / 10),
        "a".repeat(5 * n),
    ] {
        let s = parse(&text);
        assert_eq!(s.masked.len(), text.len());
    }
}
