//! Words that say what a number is about, in Chinese and English, and words that
//! say it is about something else (a component, a batch, a GPU).

use crate::kb::Attribute;

/// (keyword, attribute). Matched case-insensitively on ASCII; longer keywords are
/// listed before the shorter ones they contain.
pub const ATTRIBUTE_KEYWORDS: &[(&str, Attribute)] = &[
    // Parameters
    ("参数量", Attribute::Params),
    ("参数规模", Attribute::Params),
    ("参数数量", Attribute::Params),
    ("模型参数", Attribute::Params),
    ("参数", Attribute::Params),
    ("parameters", Attribute::Params),
    ("parameter", Attribute::Params),
    ("params", Attribute::Params),
    ("模型大小", Attribute::Params),
    ("model size", Attribute::Params),
    // Context window
    ("上下文长度", Attribute::Context),
    ("上下文窗口", Attribute::Context),
    ("上下文", Attribute::Context),
    ("context length", Attribute::Context),
    ("context window", Attribute::Context),
    ("context", Attribute::Context),
    ("输入序列", Attribute::Context),
    ("序列长度", Attribute::Context),
    ("输入长度", Attribute::Context),
    ("最大长度", Attribute::Context),
    ("sequence length", Attribute::Context),
    ("max_position_embeddings", Attribute::Context),
    ("n_ctx", Attribute::Context),
    ("窗口", Attribute::Context),
    // Layers
    ("层数", Attribute::Layers),
    ("模型深度", Attribute::Layers),
    ("num_hidden_layers", Attribute::Layers),
    ("n_layer", Attribute::Layers),
    ("layers", Attribute::Layers),
    ("layer", Attribute::Layers),
    ("层", Attribute::Layers),
    // KV heads (before heads)
    ("num_key_value_heads", Attribute::KvHeads),
    ("kv heads", Attribute::KvHeads),
    ("kv头", Attribute::KvHeads),
    ("kv 头", Attribute::KvHeads),
    // Heads
    ("注意力头", Attribute::Heads),
    ("头数", Attribute::Heads),
    ("head数", Attribute::Heads),
    ("num_attention_heads", Attribute::Heads),
    ("n_head", Attribute::Heads),
    ("attention heads", Attribute::Heads),
    ("heads", Attribute::Heads),
    ("个头", Attribute::Heads),
    // Hidden size
    ("隐藏层维度", Attribute::Hidden),
    ("隐藏维度", Attribute::Hidden),
    ("隐层维度", Attribute::Hidden),
    ("隐藏层大小", Attribute::Hidden),
    ("隐藏层", Attribute::Hidden),
    ("隐藏", Attribute::Hidden),
    ("模型维度", Attribute::Hidden),
    ("hidden size", Attribute::Hidden),
    ("hidden_size", Attribute::Hidden),
    ("hidden dimension", Attribute::Hidden),
    ("hidden", Attribute::Hidden),
    ("d_model", Attribute::Hidden),
    ("n_embd", Attribute::Hidden),
    // Vocabulary
    ("词表大小", Attribute::Vocab),
    ("词汇表", Attribute::Vocab),
    ("词表", Attribute::Vocab),
    ("词汇量", Attribute::Vocab),
    ("vocab_size", Attribute::Vocab),
    ("vocabulary", Attribute::Vocab),
    ("vocab", Attribute::Vocab),
    // Training tokens
    ("训练 token", Attribute::TrainingTokens),
    ("token 数", Attribute::TrainingTokens),
    ("token数", Attribute::TrainingTokens),
    ("training tokens", Attribute::TrainingTokens),
    ("tokens", Attribute::TrainingTokens),
    ("token", Attribute::TrainingTokens),
    // Training data (bytes or tokens: the unit decides)
    ("预训练数据", Attribute::TrainingBytes),
    ("训练数据", Attribute::TrainingBytes),
    ("实验数据", Attribute::TrainingBytes),
    ("数据量", Attribute::TrainingBytes),
    ("数据集", Attribute::TrainingBytes),
    ("语料", Attribute::TrainingBytes),
    ("数据", Attribute::TrainingBytes),
    ("training data", Attribute::TrainingBytes),
    ("trained on", Attribute::TrainingBytes),
    ("dataset", Attribute::TrainingBytes),
    ("corpus", Attribute::TrainingBytes),
    ("data", Attribute::TrainingBytes),
];

/// Words that mark a number as being about a part of the model or something other
/// than the model's own facts; a clause with one of them yields no claim.
pub const BLOCKERS: &[&str] = &[
    "embedding",
    "嵌入",
    "每层",
    "per layer",
    "ffn",
    "中间层",
    "intermediate",
    "专家",
    "expert",
    "batch",
    "批",
    "显存",
    "内存",
    "memory",
    "gpu",
    "tpu",
    "a100",
    "h100",
    "吞吐",
    "throughput",
    "速度",
    "speed",
    "成本",
    "cost",
    "$",
    "美元",
    "小时",
    "hours",
    "天",
    "days",
    "步",
    "steps",
    "epoch",
    "倍",
    "times",
    "%",
    "分别",
    "respectively",
    "lora",
    "验证",
    "validation",
    "阶段",
    "stage",
    "vram",
    "requires",
    "推荐",
    "recommended",
    "rank",
    "微调数据",
    "sft",
    "奖励",
    "reward",
    "引用",
    "cited",
    "citations",
];

/// Table headers over release dates.
pub const RELEASE_WORDS: &[&str] = &[
    "发布时间",
    "发布日期",
    "发布",
    "推出时间",
    "时间",
    "日期",
    "年份",
    "release",
    "date",
    "year",
];

/// Words marking an active-parameter count (MoE).
pub const ACTIVE_WORDS: &[&str] = &["激活", "active", "activated"];

/// Words marking a training-data statement, needed before a bare byte size or
/// token count is read as the model's training data.
pub const DATA_WORDS: &[&str] = &[
    "数据", "语料", "训练", "token", "data", "corpus", "trained", "webtext", "文本", "text",
];

/// A list of words compiled once into an ASCII-case-insensitive automaton: these
/// checks run for every number in every note.
pub struct WordSet {
    automaton: std::sync::OnceLock<aho_corasick::AhoCorasick>,
    words: fn() -> Vec<&'static str>,
}

impl WordSet {
    pub const fn new(words: fn() -> Vec<&'static str>) -> WordSet {
        WordSet {
            automaton: std::sync::OnceLock::new(),
            words,
        }
    }

    fn automaton(&self) -> &aho_corasick::AhoCorasick {
        self.automaton.get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build((self.words)())
                .expect("keyword lists are valid patterns")
        })
    }

    /// Whether any word occurs in `text`.
    pub fn any_in(&self, text: &str) -> bool {
        self.automaton().is_match(text)
    }

    /// Every occurrence (overlapping): (start, end, index of the word).
    pub fn occurrences<'a>(
        &'a self,
        text: &'a str,
    ) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
        self.automaton()
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
    }
}

pub static BLOCKER_SET: WordSet = WordSet::new(|| BLOCKERS.to_vec());
pub static DATA_SET: WordSet = WordSet::new(|| DATA_WORDS.to_vec());
pub static RELEASE_SET: WordSet = WordSet::new(|| RELEASE_WORDS.to_vec());
/// Words marking a total parameter count, against which `ACTIVE_WORDS` compete.
pub const TOTAL_WORDS: &[&str] = &["total", "总"];

/// `ACTIVE_WORDS` then `TOTAL_WORDS`: both found in one pass over a clause.
pub static ACTIVE_OR_TOTAL_SET: WordSet =
    WordSet::new(|| ACTIVE_WORDS.iter().chain(TOTAL_WORDS).copied().collect());
pub static KEYWORD_SET: WordSet =
    WordSet::new(|| ATTRIBUTE_KEYWORDS.iter().map(|(k, _)| *k).collect());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_sets_match_case_insensitively() {
        assert!(BLOCKER_SET.any_in("the Embedding layer"));
        assert!(!BLOCKER_SET.any_in("参数量约 1.17 亿"));
        let found: Vec<&str> = KEYWORD_SET
            .occurrences("隐藏层维度 768")
            .map(|(_, _, i)| ATTRIBUTE_KEYWORDS[i].0)
            .collect();
        assert!(
            found.contains(&"隐藏层维度") && found.contains(&"层"),
            "{found:?}"
        );
    }
}
