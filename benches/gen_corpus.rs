//! Deterministic benchmark corpus: Chinese/English LLM study notes built from the
//! embedded KB's names, aliases and facts, with a few figures deliberately wrong.
//!
//! `cargo bench --bench gen_corpus -- [--out DIR] [--seed N] [--files N] [--mb N] [--wrong PCT]`
//! (with no arguments at all, as `cargo test --all-targets` runs it, it does nothing)
//! (defaults: `bench-corpus`, 1, 5000, 55, 4: about 4% of figures wrong). Same
//! arguments → byte-identical files.
//! Files go to `DIR/topic-XX/note-NNNNN.md`. The `topic-*` folders of an earlier
//! corpus are removed first, but only in a folder this program made (it leaves a
//! marker file there): pointed by mistake at a folder of real notes, it stops.

use std::fmt::Write as _;
use std::path::PathBuf;

use llmnotes::kb::{Attribute, FactValue, Kb};

/// SplitMix64: tiny, fast, stable across platforms and crate versions.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

struct Model {
    name: String,
    aliases: Vec<String>,
    org: String,
    released: Option<(i32, Option<u8>)>,
    /// Model-level numeric facts.
    facts: Vec<(Attribute, f64)>,
    /// (variant label, attribute, value)
    variant_facts: Vec<(String, Attribute, f64)>,
}

impl Model {
    fn fact(&self, a: Attribute) -> Option<f64> {
        self.facts.iter().find(|f| f.0 == a).map(|f| f.1)
    }
    /// A name as people write it: the canonical one mostly, sometimes an alias.
    fn written(&self, rng: &mut Rng) -> String {
        if !self.aliases.is_empty() && rng.chance(0.2) {
            rng.pick(&self.aliases).clone()
        } else {
            self.name.clone()
        }
    }
}

fn load_models() -> Vec<Model> {
    let kb = Kb::embedded();
    let mut out = Vec::new();
    for m in kb.models() {
        let released = m.released.as_ref().and_then(|f| match f.value {
            FactValue::Date(d) => Some((d.year, d.month)),
            FactValue::Number(_) => None,
        });
        let num = |v: &FactValue| v.as_number();
        let facts = m
            .facts
            .iter()
            .filter_map(|f| num(&f.value).map(|v| (f.attribute, v)))
            .collect();
        let mut variant_facts = Vec::new();
        for v in &m.variants {
            for f in &v.facts {
                if let Some(x) = num(&f.value) {
                    variant_facts.push((v.name.clone(), f.attribute, x));
                }
            }
        }
        out.push(Model {
            name: m.name.clone(),
            aliases: m.aliases.clone(),
            org: m.org.clone().unwrap_or_else(|| "未知机构".into()),
            released,
            facts,
            variant_facts,
        });
    }
    out
}

/// Up to `max` decimals, trailing zeros trimmed.
fn dec(v: f64, max: usize) -> String {
    let s = format!("{v:.max$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A value as a note writer would put it, in Chinese or English style.
fn show(rng: &mut Rng, attr: Attribute, v: f64, zh: bool) -> String {
    match attr {
        Attribute::Params | Attribute::ActiveParams => {
            if zh && v >= 1e7 && rng.chance(0.5) {
                if v >= 1e8 {
                    format!("{} 亿", dec(v / 1e8, 2))
                } else {
                    format!("{} 万", dec(v / 1e4, 0))
                }
            } else if v >= 1e12 {
                format!("{}T", dec(v / 1e12, 2))
            } else if v >= 1e9 {
                format!("{}B", dec(v / 1e9, 2))
            } else {
                format!("{}M", dec(v / 1e6, 0))
            }
        }
        Attribute::TrainingTokens => {
            if v >= 1e12 {
                format!("{}T tokens", dec(v / 1e12, 2))
            } else {
                format!("{}B tokens", dec(v / 1e9, 1))
            }
        }
        Attribute::TrainingBytes => {
            if v >= 1e12 {
                format!("{}TB", dec(v / 1e12, 1))
            } else {
                format!("{}GB", dec(v / 1e9, 0))
            }
        }
        Attribute::TrainingDocuments => {
            if zh {
                format!("{} 万个文档", dec(v / 1e4, 0))
            } else {
                format!("{}M documents", dec(v / 1e6, 1))
            }
        }
        Attribute::Context => {
            let k = v / 1024.0;
            if v >= 2048.0 && k.fract() == 0.0 && rng.chance(0.7) {
                format!("{k}K")
            } else {
                format!("{v}")
            }
        }
        _ => format!("{v}"),
    }
}

fn label(attr: Attribute, zh: bool) -> &'static str {
    match (attr, zh) {
        (Attribute::Params, true) => "参数量",
        (Attribute::ActiveParams, true) => "激活参数",
        (Attribute::Context, true) => "上下文长度",
        (Attribute::Layers, true) => "层数",
        (Attribute::Hidden, true) => "隐藏维度",
        (Attribute::Heads, true) => "注意力头数",
        (Attribute::KvHeads, true) => "KV 头数",
        (Attribute::Vocab, true) => "词表大小",
        (Attribute::TrainingTokens, true) => "训练数据",
        (Attribute::TrainingBytes, true) => "训练语料",
        (Attribute::TrainingDocuments, true) => "文档数",
        (Attribute::Released, true) => "发布时间",
        (Attribute::Params, false) => "parameters",
        (Attribute::ActiveParams, false) => "active parameters",
        (Attribute::Context, false) => "context window",
        (Attribute::Layers, false) => "layers",
        (Attribute::Hidden, false) => "hidden size",
        (Attribute::Heads, false) => "attention heads",
        (Attribute::KvHeads, false) => "KV heads",
        (Attribute::Vocab, false) => "vocabulary size",
        (Attribute::TrainingTokens, false) => "training data",
        (Attribute::TrainingBytes, false) => "training corpus",
        (Attribute::TrainingDocuments, false) => "documents",
        (Attribute::Released, false) => "released",
    }
}

/// Share of figures written wrong on purpose (`--wrong`, percent).
static WRONG: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(4);

fn wrong_p() -> f64 {
    f64::from(WRONG.load(std::sync::atomic::Ordering::Relaxed)) / 100.0
}

/// Mostly the true value; `--wrong` percent of figures are wrong on purpose.
fn maybe_wrong(rng: &mut Rng, v: f64) -> f64 {
    if rng.chance(wrong_p()) {
        let f = *rng.pick(&[2.0, 3.0, 10.0, 0.5, 0.25]);
        let w = v * f;
        if w >= 10.0 {
            w.round()
        } else {
            w
        }
    } else {
        v
    }
}

const ZH_FILLER: &[&str] = &[
    "自注意力机制让每个位置都能直接看到序列中的其他位置，这是 Transformer 取代 RNN 的关键。",
    "预训练阶段使用下一个词预测作为目标，微调阶段则在指令数据上继续训练。",
    "RLHF 先训练奖励模型，再用 PPO 优化策略模型，使输出更符合人类偏好。",
    "位置编码从绝对位置编码演进到 RoPE，外推能力明显更好。",
    "MoE 架构每个 token 只激活部分专家，因此总参数量大但计算量相对较小。",
    "分组查询注意力（GQA）在多头注意力和多查询注意力之间折中，减少 KV cache 的显存占用。",
    "数据质量往往比数据规模更重要，去重和过滤是预训练数据处理的核心步骤。",
    "SwiGLU 激活函数和 RMSNorm 是近年开源模型的常见选择。",
    "长上下文训练通常需要调整 RoPE 的 base，并配合少量长文本继续预训练。",
    "评测时要注意数据污染问题，很多基准的题目可能已经出现在训练语料里。",
    "这一部分我还没完全看懂，之后再回来补充。",
    "对比不同模型时，最好统一 tokenizer 和评测设置。",
];

const EN_FILLER: &[&str] = &[
    "Scaling laws suggest that loss falls as a power law in compute, data and model size.",
    "Instruction tuning mostly changes the format of answers rather than adding knowledge.",
    "The tokenizer matters: a larger vocabulary shortens sequences but grows the embedding matrix.",
    "Rotary embeddings encode relative position by rotating query and key vectors.",
    "Grouped-query attention shares key and value heads across groups of query heads.",
    "Mixture-of-experts layers route each token to a few experts chosen by a learned gate.",
    "Chinchilla-optimal training uses roughly twenty tokens per parameter.",
    "KV cache size grows linearly with context length and batch size.",
    "TODO: re-read the ablation section and check the learning-rate schedule.",
];

const CODE: &[&str] = &[
    "```python\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n\nname = \"meta-llama/Llama-2-7b-hf\"  # 7B, 4096 ctx\ntok = AutoTokenizer.from_pretrained(name)\nmodel = AutoModelForCausalLM.from_pretrained(name, torch_dtype=\"auto\")\nprint(sum(p.numel() for p in model.parameters()) / 1e9, \"B\")\n```\n",
    "```python\nimport torch\n\ndef attention(q, k, v, mask=None):\n    scores = q @ k.transpose(-2, -1) / (q.size(-1) ** 0.5)\n    if mask is not None:\n        scores = scores.masked_fill(mask == 0, -1e9)\n    return torch.softmax(scores, dim=-1) @ v\n```\n",
    "```bash\npip install vllm==0.4.2\npython -m vllm.entrypoints.openai.api_server --model Qwen/Qwen2-7B-Instruct --max-model-len 32768\n```\n",
    "```json\n{\"n_layer\": 32, \"n_head\": 32, \"d_model\": 4096, \"vocab_size\": 32000, \"max_position_embeddings\": 4096}\n```\n",
];

const MATH: &[&str] = &[
    "注意力的计算复杂度是 $O(n^2 d)$，其中 $n$ 是序列长度，$d$ 是隐藏维度。\n",
    "$$\\mathrm{Attention}(Q,K,V)=\\mathrm{softmax}\\left(\\frac{QK^T}{\\sqrt{d_k}}\\right)V$$\n",
    "训练计算量大约是 $C \\approx 6ND$，$N$ 为参数量、$D$ 为 token 数。\n",
    "The loss follows $L(N) = (N_c / N)^{\\alpha_N}$ with $\\alpha_N \\approx 0.076$.\n",
];

const LINKS: &[&str] = &[
    "https://arxiv.org/abs/2302.13971",
    "https://arxiv.org/abs/2005.14165",
    "https://huggingface.co/docs/transformers/index",
    "https://github.com/huggingface/transformers/blob/main/README.md",
    "https://zhuanlan.zhihu.com/p/647210000",
];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

struct Gen<'a> {
    rng: Rng,
    models: &'a [Model],
}

impl Gen<'_> {
    fn model(&mut self) -> &Model {
        let i = self.rng.below(self.models.len());
        &self.models[i]
    }

    fn filler(&mut self, out: &mut String, zh: bool) {
        let n = 1 + self.rng.below(4);
        for _ in 0..n {
            let s = if zh {
                self.rng.pick(ZH_FILLER)
            } else {
                self.rng.pick(EN_FILLER)
            };
            out.push_str(s);
            if !zh {
                out.push(' ');
            }
        }
        out.push_str("\n\n");
    }

    /// `## family` then `- GPT2（2019）：` with nested fact items.
    fn list_section(&mut self, out: &mut String) {
        let i = self.rng.below(self.models.len());
        let m = &self.models[i];
        let zh = self.rng.chance(0.7);
        let _ = writeln!(out, "## {}\n", m.org);
        let name = m.written(&mut self.rng);
        match m.released {
            Some((y, _)) if self.rng.chance(0.6) => {
                let y = if self.rng.chance(wrong_p()) { y - 1 } else { y };
                let _ = writeln!(out, "- {name}（{y}）：");
            }
            _ => {
                let _ = writeln!(out, "- {name}：");
            }
        }
        for &(a, v) in &m.facts {
            if self.rng.chance(0.75) {
                let v = maybe_wrong(&mut self.rng, v);
                let approx = if self.rng.chance(0.3) { "约 " } else { "" };
                let shown = show(&mut self.rng, a, v, zh);
                if zh {
                    let sep = *self.rng.pick(&[" ", "：", "为 "]);
                    let _ = writeln!(out, "  - {}{sep}{approx}{shown}", label(a, true));
                } else {
                    let _ = writeln!(out, "  - {}: {shown}", label(a, false));
                }
            }
        }
        for (vn, a, v) in &m.variant_facts {
            if self.rng.chance(0.5) {
                let v = maybe_wrong(&mut self.rng, *v);
                let shown = show(&mut self.rng, *a, v, zh);
                let _ = writeln!(out, "  - {} {vn}：", m.name);
                let _ = writeln!(out, "    - {}：{shown}", label(*a, zh));
            }
        }
        if self.rng.chance(0.5) {
            let _ = writeln!(out, "  - 备注：{}", self.rng.pick(ZH_FILLER));
        }
        out.push('\n');
    }

    /// Models as column headers, attributes as rows.
    fn table_section(&mut self, out: &mut String) {
        let zh = self.rng.chance(0.6);
        let n = 2 + self.rng.below(5);
        let cols: Vec<usize> = (0..n).map(|_| self.rng.below(self.models.len())).collect();
        let _ = writeln!(out, "### {}\n", if zh { "模型对比" } else { "Comparison" });
        out.push_str(if zh { "| 属性 |" } else { "| |" });
        for &c in &cols {
            let _ = write!(out, " {} |", self.models[c].name);
        }
        out.push_str("\n|---|");
        for _ in &cols {
            out.push_str("---|");
        }
        out.push('\n');
        for a in [
            Attribute::Released,
            Attribute::Params,
            Attribute::Context,
            Attribute::Layers,
            Attribute::TrainingTokens,
        ] {
            let _ = write!(out, "| {} |", label(a, zh));
            for &c in &cols {
                let m = &self.models[c];
                let cell = if a == Attribute::Released {
                    m.released.map(|(y, mo)| match mo {
                        Some(mo) => format!("{y}.{mo:02}"),
                        None => format!("{y}"),
                    })
                } else {
                    m.fact(a).map(|v| {
                        let v = maybe_wrong(&mut self.rng, v);
                        show(&mut self.rng, a, v, zh)
                    })
                };
                let _ = write!(out, " {} |", cell.unwrap_or_else(|| "-".into()));
            }
            out.push('\n');
        }
        out.push('\n');
    }

    fn en_paragraph(&mut self, out: &mut String) {
        let i = self.rng.below(self.models.len());
        let m = &self.models[i];
        let name = m.written(&mut self.rng);
        let _ = write!(out, "{name} was introduced by {}", m.org);
        if let Some((y, mo)) = m.released {
            match mo {
                Some(mo) => {
                    let _ = write!(out, " in {} {y}", MONTHS[(mo as usize - 1) % 12]);
                }
                None => {
                    let _ = write!(out, " in {y}");
                }
            }
        }
        out.push('.');
        if !m.facts.is_empty() {
            let (a, v) = m.facts[self.rng.below(m.facts.len())];
            let v = maybe_wrong(&mut self.rng, v);
            let _ = write!(
                out,
                " Its {} is {}.",
                label(a, false),
                show(&mut self.rng, a, v, false)
            );
        }
        out.push(' ');
        self.filler(out, false);
    }

    fn zh_paragraph(&mut self, out: &mut String) {
        let i = self.rng.below(self.models.len());
        let m = &self.models[i];
        let name = m.written(&mut self.rng);
        let _ = write!(out, "{name} 是 {} 推出的模型", m.org);
        if let Some((y, Some(mo))) = m.released {
            let _ = write!(out, "，{y} 年 {mo} 月发布");
        }
        for &(a, v) in m.facts.iter().take(3) {
            let v = maybe_wrong(&mut self.rng, v);
            let _ = write!(
                out,
                "，{}为 {}",
                label(a, true),
                show(&mut self.rng, a, v, true)
            );
        }
        out.push('。');
        self.filler(out, true);
    }

    fn misc(&mut self, out: &mut String) {
        match self.rng.below(6) {
            0 => out.push_str(CODE[self.rng.below(CODE.len())]),
            1 => out.push_str(MATH[self.rng.below(MATH.len())]),
            2 => {
                let name = self.model().name.clone();
                let link = self.rng.pick(LINKS);
                let _ = writeln!(out, "参考：[{name} 论文]({link})，另见 <{link}>。");
            }
            3 => {
                let a = self.model().name.clone();
                let b = self.model().name.clone();
                let _ = writeln!(
                    out,
                    "> **注意**：{a} 和 {b} 的 tokenizer 不同，token 数不能直接比较。"
                );
            }
            4 => {
                let name = self.model().name.clone();
                let _ = writeln!(
                    out,
                    "1. 先读 {name} 的论文\n2. 再跑一遍 `{}` 的推理代码\n   - 显存 24GB 够用\n   - batch size 8",
                    name.to_lowercase()
                );
            }
            _ => {
                let n = self.rng.below(10_000);
                let _ = writeln!(
                    out,
                    "<!-- 待办 {n}：核对数据 -->\n实验记录：学习率 3e-4，warmup 2000 步，训练了 {} 小时。",
                    1 + self.rng.below(200)
                );
            }
        }
        out.push('\n');
    }

    fn note(&mut self, target: usize) -> String {
        let mut out = String::with_capacity(target + 4096);
        if self.rng.chance(0.2) {
            out.push_str("---\ntitle: 学习笔记\ntags: [llm, notes]\n---\n\n");
        }
        let i = self.rng.below(self.models.len());
        let _ = writeln!(out, "# {} 学习笔记\n", self.models[i].name);
        while out.len() < target {
            match self.rng.below(8) {
                0 | 1 => self.list_section(&mut out),
                2 => self.table_section(&mut out),
                3 => self.en_paragraph(&mut out),
                4 | 5 => self.zh_paragraph(&mut out),
                6 => self.misc(&mut out),
                _ => {
                    let zh = self.rng.chance(0.7);
                    self.filler(&mut out, zh)
                }
            }
        }
        out
    }
}

fn main() {
    // `cargo test --all-targets` runs bench targets too, with no arguments at
    // all (`cargo bench` passes `--bench`, run.sh passes `--out`): writing 55 MB
    // of notes on every test run is not a test.
    if std::env::args().len() == 1 {
        #[allow(clippy::print_stdout)]
        {
            println!("gen_corpus: nothing to do without arguments (see benches/README.md)");
        }
        return;
    }
    let mut out = PathBuf::from("bench-corpus");
    let mut seed = 1u64;
    let mut files = 5000usize;
    let mut mb = 55usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().expect("missing value");
        match a.as_str() {
            "--out" => out = PathBuf::from(val()),
            "--seed" => seed = val().parse().expect("seed"),
            "--files" => files = val().parse().expect("files"),
            "--mb" => mb = val().parse().expect("mb"),
            "--wrong" => WRONG.store(
                val().parse().expect("wrong"),
                std::sync::atomic::Ordering::Relaxed,
            ),
            "--bench" => {} // added by `cargo bench`
            other => panic!("unknown argument {other}"),
        }
    }
    let models = load_models();
    let mut g = Gen {
        rng: Rng(seed),
        models: &models,
    };
    let avg = mb * 1_000_000 / files.max(1);
    std::fs::create_dir_all(&out).expect("create output folder");
    claim_folder(&out);
    // Remove notes of an earlier run so the folder holds exactly this corpus.
    for e in std::fs::read_dir(&out)
        .expect("read output folder")
        .flatten()
    {
        let p = e.path();
        if p.is_dir()
            && p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("topic-"))
        {
            std::fs::remove_dir_all(&p).expect("clean output folder");
        }
    }
    let mut total = 0usize;
    for i in 0..files {
        // 0.3x to 1.7x the average size.
        let target = avg * 3 / 10 + g.rng.below(avg * 14 / 10 + 1);
        let text = g.note(target);
        let dir = out.join(format!("topic-{:02}", i % 50));
        if i < 50 {
            std::fs::create_dir_all(&dir).expect("create topic folder");
        }
        std::fs::write(dir.join(format!("note-{i:05}.md")), &text).expect("write note");
        total += text.len();
    }
    #[allow(clippy::print_stdout)]
    {
        println!(
            "wrote {files} notes, {total} bytes ({:.1} MB) to {}",
            total as f64 / 1e6,
            out.display()
        );
    }
}

/// Marks `out` as a generated corpus, or stops when it holds anything but an
/// earlier generated corpus: the generator deletes `topic-*` folders, and a
/// mistyped `--out` must never cost anyone their notes.
fn claim_folder(out: &std::path::Path) {
    let marker = out.join(MARKER);
    if marker.exists() {
        return;
    }
    // A corpus from before the marker existed holds only `topic-NN/note-NNNNN.md`.
    let ours = |name: &str, prefix: &str, digits: usize, suffix: &str| {
        name.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(suffix))
            .is_some_and(|d| d.len() == digits && d.bytes().all(|b| b.is_ascii_digit()))
    };
    let entries = |dir: &std::path::Path| -> Vec<(String, std::path::PathBuf)> {
        std::fs::read_dir(dir)
            .expect("read output folder")
            .flatten()
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .collect()
    };
    let foreign = entries(out).into_iter().find(|(name, path)| {
        !(path.is_dir()
            && ours(name, "topic-", 2, "")
            && entries(path)
                .iter()
                .all(|(n, p)| p.is_file() && ours(n, "note-", 5, ".md")))
    });
    if let Some((name, _)) = foreign {
        eprintln!(
            "gen_corpus: {} holds {name}, which gen_corpus did not write, and no {MARKER}; \
             refusing to write there. Pick an empty or new folder.",
            out.display(),
        );
        std::process::exit(2);
    }
    std::fs::write(
        &marker,
        "made by benches/gen_corpus.rs; its topic-* folders are rewritten on each run\n",
    )
    .expect("write marker");
}

const MARKER: &str = ".llmnotes-bench-corpus";
