//! Quantities: numbers with units, in Chinese and English, with their stated
//! precision; and dates.
//!
//! `scan` reads the masked prose of a document (see `markdown::Structure::masked`)
//! and returns every quantity with its byte span. It knows nothing about models or
//! attributes: deciding what a number is *about* is the job of `claims`.
//!
//! Conventions (see also `tests.rs`):
//! - **Spans** cover the digits, the magnitude and the unit word (`1.17 亿`,
//!   `8.1T token`, `800 万个文档`, `1亿+参数`). Approximation and bound words are
//!   *outside* the span, before or after (`约`, `~`, `超过`, `左右`, `以上`); a
//!   trailing `+` is outside too unless a unit word follows it (`1亿+参数`).
//!   A range spans both ends (`7B-65B`). An English date spans its month name
//!   (`Feb 2023`); `2018年6月份` spans through `份`.
//! - **Years**: a bare `2019` is a `Number` (exact); `2019年`, `2023.02`,
//!   `2024-04`, `2023/07/18`, `Feb 2023` are `Date`s (years 1900..=2100,
//!   calendar-checked). `2018-2020` is a `Range` of two `Number`s (`2018-2020年`
//!   gives the range unit `Other`).
//! - **Precision**: decimals give half a unit in the last place; integers with
//!   trailing zeros give half of the last non-zero place (`40000` ±5000, `1750 亿`
//!   ±5亿); other integers are exact without a magnitude (`8192`, `15%`) and ±0.5
//!   of the magnitude with one (`15 亿`, `175B`). Bounds (`超过`, `+`, `以下`) are
//!   only recorded in `bound`; `lo`/`hi` stay the stated precision.
//! - **Values** are in base units; `%` values are percentages (`15%` → 15);
//!   `GiB`/`MiB` values are binary (value = `binary` reading).
//! - A `+` glued between a number and a word (`671B+MoE`, `7B-65B+预训练`) is a list
//!   joiner, not "or more"; `1亿+`, `10B+ 模型`, `1亿+参数` are "or more".
//! - **Compound Chinese magnitudes** keep their exact value and use the nearest
//!   variant: 万亿 → `T`, 千亿/百亿/十亿 → `Yi`, 千万/十万 → `Wan`, 百万 → `M`.
//!   English words (`thousand`, `million`, `billion`, `trillion`) have no binary
//!   reading; letters K/M/G/T/P (and KB/MB/GB/...) do.
//! - **Not quantities**: digits glued to an identifier (`GPT4`, `A2.7B`, `FP8`,
//!   `x86`), after `-`/`.` following one (`GPT-4`, `Llama-3.1`, `Llama-3-8B`),
//!   followed by letters that are not a magnitude or unit (`12BERT`, `4kg`, `0x1F`,
//!   `1e5`), versions and addresses (`1.2.3`), times and ratios (`12:30`), powers
//!   (`10^{24}`), more than 18 digits.
//! - **Known limits**: `128,256,512` reads as one grouped number; Chinese
//!   numerals (`一千`, `数千亿`) and full-width letters (`３２Ｋ` → 32) are not
//!   magnitudes; `1080P` reads as peta.

mod date;
mod lex;
mod number;
mod scan;
#[cfg(test)]
mod tests;
mod words;

use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Byte span of the whole quantity text, unit word included
    /// (`1.17 亿`, `8.1T token`, `40GB`, `（2023.02）` → just `2023.02`).
    pub span: Range<usize>,
    pub kind: QuantityKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum QuantityKind {
    Number(Number),
    /// `7B-65B`, `8B–405B`, `7-65B` (the unit of the second end applies to both
    /// when the first has none).
    Range(Number, Number),
    Date(Date),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The value in base units: 1.17 亿 → 117_000_000; 40GB → 40e9; 32K → 32_000.
    pub value: f64,
    /// The stated-precision interval, in base units: half a unit of the last
    /// significant digit either side (1.17 亿 → [1.165e8, 1.175e8]; 15 亿 →
    /// [1.45e9, 1.55e9]; 8192 → [8192, 8192]; 40000 → [35000, 45000]), widened to at
    /// least ±10% when approximate (约, about, ~, 左右, 大约, roughly, approximately).
    pub lo: f64,
    pub hi: f64,
    /// For K/M/G/T letter magnitudes, the same interval read with powers of 1024
    /// (128K → [127.5*1024, 128.5*1024]); `None` otherwise.
    pub binary: Option<(f64, f64)>,
    /// The magnitude written after the digits, if any.
    pub magnitude: Magnitude,
    /// What the unit word after the number says it counts.
    pub unit: Unit,
    pub approx: bool,
    pub bound: Bound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Magnitude {
    None,
    /// 万 (1e4)
    Wan,
    /// 亿 (1e8)
    Yi,
    /// 千 (1e3)
    Qian,
    /// K / k (1e3)
    K,
    /// M / m / million (1e6)
    M,
    /// B / b / billion (1e9)
    B,
    /// G (1e9) without a following B (570G)
    G,
    /// T / trillion (1e12)
    T,
    /// P (1e15)
    P,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// No unit word.
    None,
    /// token / tokens / 词元 / 个token
    Tokens,
    /// GB / TB / MB / KB / PB / GiB ... / 字节 / bytes
    Bytes,
    /// 个文档 / 篇文档 / documents / docs / 网页 / web pages
    Documents,
    /// 层 / layers
    Layers,
    /// 头 / 个头 / heads / 个注意力头
    Heads,
    /// 参数 / 个参数 / parameters / params
    Params,
    /// % / 百分之
    Percent,
    /// Any other counter word (个, epoch(s), steps, 次, 年 when not a date, ...)
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Exact,
    /// `1亿+`, `超过`, `more than`, `over`, `>`, `以上`
    AtLeast,
    /// `不到`, `less than`, `under`, `<`, `以下`, `以内`
    AtMost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// Finds every quantity in `text`, in order, never overlapping. Never panics.
pub fn scan(text: &str) -> Vec<Quantity> {
    scan::scan(text)
}
