//! Table-driven tests for the quantity scanner.
//!
//! Each case renders everything `scan` finds as "`span` value [lo,hi] Magnitude
//! Unit ~ >= bin": the span text in backticks, the value (in `{:e}` from a
//! million up), the interval only when it is not exact, then the magnitude, the
//! unit, `~` if approximate, `>=`/`<=` for bounds, `bin` if a binary reading
//! exists. Ranges render as `a .. b`, dates as `date 2023-07-18`. `none` means
//! nothing was found.

use super::*;

/// `{}` below a million, `{:e}` from there (`1.75e11`), so the table stays legible.
fn f(x: f64) -> String {
    if x.abs() >= 1e6 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

fn num(n: &Number) -> String {
    let mut s = f(n.value);
    if n.lo != n.hi {
        s += &format!(" [{},{}]", f(n.lo), f(n.hi));
    }
    if n.magnitude != Magnitude::None {
        s += &format!(" {:?}", n.magnitude);
    }
    if n.unit != Unit::None {
        s += &format!(" {:?}", n.unit);
    }
    if n.approx {
        s += " ~";
    }
    match n.bound {
        Bound::Exact => {}
        Bound::AtLeast => s += " >=",
        Bound::AtMost => s += " <=",
    }
    if n.binary.is_some() {
        s += " bin";
    }
    s
}

/// Compact rendering of everything `scan` finds: "`span` rendering | ...".
fn render(text: &str) -> String {
    let qs = scan(text);
    if qs.is_empty() {
        return "none".into();
    }
    qs.iter()
        .map(|q| {
            let body = match &q.kind {
                QuantityKind::Number(n) => num(n),
                QuantityKind::Range(a, b) => format!("{} .. {}", num(a), num(b)),
                QuantityKind::Date(d) => {
                    let mut s = format!("date {}", d.year);
                    if let Some(m) = d.month {
                        s += &format!("-{m:02}");
                    }
                    if let Some(day) = d.day {
                        s += &format!("-{day:02}");
                    }
                    s
                }
            };
            format!("`{}` {}", &text[q.span.clone()], body)
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// (input, expected rendering)
const CASES: &[(&str, &str)] = &[
    ("参数量约 1.17 亿。", "`1.17 亿` 1.17e8 [1.053e8,1.287e8] Yi ~"),
    ("1.17 亿", "`1.17 亿` 1.17e8 [1.165e8,1.175e8] Yi"),
    ("15 亿", "`15 亿` 1.5e9 [1.45e9,1.55e9] Yi"),
    ("1750 亿参数", "`1750 亿参数` 1.75e11 [1.745e11,1.755e11] Yi Params"),
    ("2,304万", "`2,304万` 2.304e7 [2.3035e7,2.3045e7] Wan"),
    ("394 万", "`394 万` 3.94e6 [3.935e6,3.945e6] Wan"),
    ("4万", "`4万` 40000 [35000,45000] Wan"),
    ("5万", "`5万` 50000 [45000,55000] Wan"),
    ("1亿+", "`1亿` 1e8 [5e7,1.5e8] Yi >="),
    ("1亿+参数", "`1亿+参数` 1e8 [5e7,1.5e8] Yi Params >="),
    ("数千亿", "none"),
    ("百亿", "none"),
    ("3,0000", "`3,0000` 30000 [25000,35000]"),
    ("1,000,000", "`1,000,000` 1e6 [500000,1.5e6]"),
    ("2,304", "`2,304` 2304"),
    ("175B", "`175B` 1.75e11 [1.745e11,1.755e11] B"),
    ("1.5B", "`1.5B` 1.5e9 [1.45e9,1.55e9] B"),
    ("117M", "`117M` 1.17e8 [1.165e8,1.175e8] M bin"),
    ("8192", "`8192` 8192"),
    ("32K", "`32K` 32000 [31500,32500] K bin"),
    ("4k", "`4k` 4000 [3500,4500] K bin"),
    ("128K", "`128K` 128000 [127500,128500] K bin"),
    ("2K上下文", "`2K` 2000 [1500,2500] K bin"),
    ("8.1T token", "`8.1T token` 8.1e12 [8.05e12,8.15e12] T Tokens bin"),
    ("18T tokens", "`18T tokens` 1.8e13 [1.75e13,1.85e13] T Tokens bin"),
    ("14.8T token语料", "`14.8T token` 1.48e13 [1.475e13,1.485e13] T Tokens bin"),
    ("2T token", "`2T token` 2e12 [1.5e12,2.5e12] T Tokens bin"),
    ("40GB", "`40GB` 4e10 [3.5e10,4.5e10] G Bytes bin"),
    ("45GB", "`45GB` 4.5e10 [4.45e10,4.55e10] G Bytes bin"),
    ("570G", "`570G` 5.7e11 [5.65e11,5.75e11] G bin"),
    ("570GB", "`570GB` 5.7e11 [5.65e11,5.75e11] G Bytes bin"),
    ("45T", "`45T` 4.5e13 [4.45e13,4.55e13] T bin"),
    ("7GB", "`7GB` 7e9 [6.5e9,7.5e9] G Bytes bin"),
    ("175 billion", "`175 billion` 1.75e11 [1.745e11,1.755e11] B"),
    ("1.5 billion parameters", "`1.5 billion parameters` 1.5e9 [1.45e9,1.55e9] B Params"),
    ("8 million documents", "`8 million documents` 8e6 [7.5e6,8.5e6] M Documents"),
    ("40 GB", "`40 GB` 4e10 [3.5e10,4.5e10] G Bytes bin"),
    ("7B-65B", "`7B-65B` 7e9 [6.5e9,7.5e9] B .. 6.5e10 [6.45e10,6.55e10] B"),
    ("8B-405B", "`8B-405B` 8e9 [7.5e9,8.5e9] B .. 4.05e11 [4.045e11,4.055e11] B"),
    ("7B–70B", "`7B–70B` 7e9 [6.5e9,7.5e9] B .. 7e10 [6.5e10,7.5e10] B"),
    ("7-65B", "`7-65B` 7e9 [6.5e9,7.5e9] B .. 6.5e10 [6.45e10,6.55e10] B"),
    ("1B~3B", "`1B~3B` 1e9 [5e8,1.5e9] B .. 3e9 [2.5e9,3.5e9] B"),
    ("7B 到 65B", "`7B 到 65B` 7e9 [6.5e9,7.5e9] B .. 6.5e10 [6.45e10,6.55e10] B"),
    ("2018-2020", "`2018-2020` 2018 .. 2020"),
    ("共 800 万个文档、40GB", "`800 万个文档` 8e6 [7.5e6,8.5e6] Wan Documents | `40GB` 4e10 [3.5e10,4.5e10] G Bytes bin"),
    ("32 层", "`32 层` 32 Layers"),
    ("96 layers", "`96 layers` 96 Layers"),
    ("12 个头", "`12 个头` 12 Heads"),
    ("64个注意力头", "`64个注意力头` 64 Heads"),
    ("32 heads", "`32 heads` 32 Heads"),
    ("1.5B 个参数", "`1.5B 个参数` 1.5e9 [1.45e9,1.55e9] B Params"),
    ("7B params", "`7B params` 7e9 [6.5e9,7.5e9] B Params"),
    ("15%", "`15%` 15 Percent"),
    ("50 ％", "`50 ％` 50 [45,55] Percent"),
    ("3 epochs", "`3 epochs` 3 Other"),
    ("训练 2 次", "`2 次` 2 Other"),
    ("提升 3倍", "`3倍` 3 Other"),
    ("约 100 亿", "`100 亿` 1e10 [5e9,1.5e10] Yi ~"),
    ("大约 7B", "`7B` 7e9 [6.3e9,7.7e9] B ~"),
    ("约为 5万", "`5万` 50000 [45000,55000] Wan ~"),
    ("~7B", "`7B` 7e9 [6.3e9,7.7e9] B ~"),
    ("≈ 3.5", "`3.5` 3.5 [3.15,3.85] ~"),
    ("about 100", "`100` 100 [50,150] ~"),
    ("around 6K", "`6K` 6000 [5400,6600] K ~ bin"),
    ("approximately 5 billion", "`5 billion` 5e9 [4.5e9,5.5e9] B ~"),
    ("roughly 20", "`20` 20 [15,25] ~"),
    ("近 1 万", "`1 万` 10000 [5000,15000] Wan ~"),
    ("最近 3 年", "`3 年` 3 Other"),
    ("超过 100 亿 tokens", "`100 亿 tokens` 1e10 [5e9,1.5e10] Yi Tokens >="),
    ("7B以上", "`7B` 7e9 [6.5e9,7.5e9] B >="),
    ("more than 8 million docs", "`8 million docs` 8e6 [7.5e6,8.5e6] M Documents >="),
    ("over 1T tokens", "`1T tokens` 1e12 [5e11,1.5e12] T Tokens >= bin"),
    ("> 1000", "`1000` 1000 [500,1500]"),
    ("不到 5%", "`5%` 5 Percent <="),
    ("10万以下", "`10万` 100000 [50000,150000] Wan <="),
    ("less than 10B", "`10B` 1e10 [5e9,1.5e10] B <="),
    ("under 3 epochs", "`3 epochs` 3 Other <="),
    ("< 20", "`20` 20 [15,25] <="),
    ("40000", "`40000` 40000 [35000,45000]"),
    ("30000", "`30000` 30000 [25000,35000]"),
    ("1024", "`1024` 1024"),
    ("0", "`0` 0"),
    ("3,0000 左右", "`3,0000` 30000 [25000,35000] ~"),
    ("（2023.02）", "`2023.02` date 2023-02"),
    ("2023.07.18", "`2023.07.18` date 2023-07-18"),
    ("2024-04", "`2024-04` date 2024-04"),
    ("2023-02-24", "`2023-02-24` date 2023-02-24"),
    ("2023/07/18", "`2023/07/18` date 2023-07-18"),
    ("2023年7月18日", "`2023年7月18日` date 2023-07-18"),
    ("2018年6月", "`2018年6月` date 2018-06"),
    ("2018年6月份GPT-1发布", "`2018年6月份` date 2018-06"),
    ("2019年", "`2019年` date 2019"),
    ("2019 年", "`2019 年` date 2019"),
    ("2019", "`2019` 2019"),
    ("Feb 2023", "`Feb 2023` date 2023-02"),
    ("February 24, 2023", "`February 24, 2023` date 2023-02-24"),
    ("Sept. 2021", "`Sept. 2021` date 2021-09"),
    ("2023.13", "`2023.13` 2023.13 [2023.125,2023.135]"),
    ("2023-02-30", "none"),
    ("2024-02-29", "`2024-02-29` date 2024-02-29"),
    ("2023-02-29", "none"),
    ("2023.01-2023.06", "`2023.01` date 2023-01 | `2023.06` date 2023-06"),
    ("GPT-4", "none"),
    ("Llama-3.1", "none"),
    ("Qwen1.5-MoE-A2.7B", "none"),
    ("A2.7B", "none"),
    ("FP8", "none"),
    ("Qwen1.5", "none"),
    ("GPT4", "none"),
    ("v2", "none"),
    ("x86", "none"),
    ("RTX4090", "none"),
    ("abc123def", "none"),
    ("12BERT", "none"),
    ("4kg", "none"),
    ("0x1F", "none"),
    ("1e400", "none"),
    ("1.5e-4", "none"),
    ("1.2.3", "none"),
    ("192.168.1.1", "none"),
    ("12:30", "none"),
    ("10^{24}", "none"),
    ("..........", "none"),
    ("999999999999999999999999999999", "none"),
    ("Llama-3-8B", "none"),
    ("3.x", "none"),
    ("３２Ｋ", "`３２` 32"),
    ("８１９２", "`８１９２` 8192"),
    ("13B-chat", "`13B` 1.3e10 [1.25e10,1.35e10] B"),
    ("671B+MoE", "`671B` 6.71e11 [6.705e11,6.715e11] B"),
    ("10B+ 模型", "`10B` 1e10 [5e9,1.5e10] B >="),
    ("8×A100", "`8` 8"),
    ("2.5GiB", "`2.5GiB` 2.68435456e9 [2.6306674688e9,2.7380416512e9] G Bytes bin"),
    ("5 web pages", "`5 web pages` 5 Documents"),
    ("100 个网页", "`100 个网页` 100 [50,150] Documents"),
    ("16 bytes", "`16 bytes` 16 Bytes"),
    ("1 万字节", "`1 万字节` 10000 [5000,15000] Wan Bytes"),
    ("7,13,70", "`7` 7 | `13` 13 | `70` 70 [65,75]"),
    ("3.1,3.2", "`3.1` 3.1 [3.05,3.15] | `3.2` 3.2 [3.15,3.25]"),
    ("->70B", "`70B` 7e10 [6.5e10,7.5e10] B"),
    ("> 100 条", "`100 条` 100 [50,150] Other"),
    ("数量 > 1000", "`1000` 1000 [500,1500] >="),
    ("GPT3 数据量达 45T（清洗后 570G），最大模型参数为 1750 亿。", "`45T` 4.5e13 [4.45e13,4.55e13] T bin | `570G` 5.7e11 [5.65e11,5.75e11] G bin | `1750 亿` 1.75e11 [1.745e11,1.755e11] Yi"),
    ("LLama-3.1,3.2: 8B-405B+预训练+指令微调+DPO+1321上下文", "`3.2` 3.2 [3.15,3.25] | `8B-405B` 8e9 [7.5e9,8.5e9] B .. 4.05e11 [4.045e11,4.055e11] B | `1321` 1321"),
    ("DeepSeek V3: 671B+Moe+14.8T token中英语料", "`671B` 6.71e11 [6.705e11,6.715e11] B | `14.8T token` 1.48e13 [1.475e13,1.485e13] T Tokens bin"),
    ("词汇表约152K", "`152K` 152000 [136800,167200] K ~ bin"),
    ("大约为 2,304万", "`2,304万` 2.304e7 [2.0736e7,2.5344e7] Wan ~"),
    ("BERT-Base 模型对应的词表大小 V 为 3,0000 左右", "`3,0000` 30000 [25000,35000] ~"),
    ("预训练数据从18T tokens扩展到36T tokens", "`18T tokens` 1.8e13 [1.75e13,1.85e13] T Tokens bin | `36T tokens` 3.6e13 [3.55e13,3.65e13] T Tokens bin"),
    ("## LLama2（2023.07.18）", "`2023.07.18` date 2023-07-18"),
    ("- LLamma-1: 7B-65B+预训练+2K上下文", "`7B-65B` 7e9 [6.5e9,7.5e9] B .. 6.5e10 [6.45e10,6.55e10] B | `2K` 2000 [1500,2500] K bin"),
    ("2018-2020年", "`2018-2020年` 2018 Other .. 2020 Other"),
    ("7B/13B/70B", "`7B` 7e9 [6.5e9,7.5e9] B | `13B` 1.3e10 [1.25e10,1.35e10] B | `70B` 7e10 [6.5e10,7.5e10] B"),
    ("2023-02-24T10:00", "`2023-02-24` date 2023-02-24"),
    ("Llama 2 70B", "`2` 2 | `70B` 7e10 [6.5e10,7.5e10] B"),
    ("1.8万亿 tokens", "`1.8万亿 tokens` 1.8e12 [1.75e12,1.85e12] T Tokens"),
    ("2k-4k", "`2k-4k` 2000 [1500,2500] K bin .. 4000 [3500,4500] K bin"),
    ("8k~32k 上下文", "`8k~32k` 8000 [7500,8500] K bin .. 32000 [31500,32500] K bin"),
    ("100+种语言", "`100+种` 100 [50,150] Other >="),
    ("1~2 个 epoch", "`1~2 个 epoch` 1 Other .. 2 Other"),
    ("3个月", "`3个月` 3 Other"),
    (" .5", "none"),
    ("MoE 8x7B", "none"),
    ("A100-80G", "none"),
    ("Llama2-7B", "none"),
    ("May 2023", "`May 2023` date 2023-05"),
    ("may 2023", "`2023` 2023"),
    ("15.5%", "`15.5%` 15.5 [15.45,15.55] Percent"),
    ("from 7B to 65B", "`7B to 65B` 7e9 [6.5e9,7.5e9] B .. 6.5e10 [6.45e10,6.55e10] B"),
    ("2023年 7 月", "`2023年 7 月` date 2023-07"),
    ("2023 年 7 月 18 日", "`2023 年 7 月 18 日` date 2023-07-18"),
    ("GPT-4-32K", "none"),
    ("3 千", "`3 千` 3000 [2500,3500] Qian"),
    ("3千万", "`3千万` 3e7 [2.5e7,3.5e7] Wan"),
    ("5百万", "`5百万` 5e6 [4.5e6,5.5e6] M"),
    ("H100 80GB", "`80GB` 8e10 [7.5e10,8.5e10] G Bytes bin"),
    ("1.5M tokens", "`1.5M tokens` 1.5e6 [1.45e6,1.55e6] M Tokens bin"),
    ("100000 steps", "`100000 steps` 100000 [50000,150000] Other"),
    ("1000 篇", "`1000 篇` 1000 [500,1500] Documents"),
    ("1 篇文章", "`1 篇文章` 1 Documents"),
    ("1.17\u{3000}亿", "`1.17\u{3000}亿` 1.17e8 [1.165e8,1.175e8] Yi"),
    ("7B〜13B", "`7B〜13B` 7e9 [6.5e9,7.5e9] B .. 1.3e10 [1.25e10,1.35e10] B"),
    ("7B－13B", "`7B－13B` 7e9 [6.5e9,7.5e9] B .. 1.3e10 [1.25e10,1.35e10] B"),
    ("175Bn", "`175Bn` 1.75e11 [1.745e11,1.755e11] B"),
    ("约7B参数", "`7B参数` 7e9 [6.3e9,7.7e9] B Params ~"),
    ("1000 个文档以上", "`1000 个文档` 1000 [500,1500] Documents >="),
    ("3fa9c2", "none"),
    ("commit 1234abcd", "none"),
    ("8k tokens 上下文", "`8k tokens` 8000 [7500,8500] K Tokens bin"),
];

#[test]
fn table() {
    assert!(CASES.len() >= 80, "only {} cases", CASES.len());
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|&(input, want)| {
            let got = render(input);
            (got != want).then(|| format!("{input}\n    want: {want}\n    got:  {got}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn only(text: &str) -> Quantity {
    let qs = scan(text);
    assert_eq!(qs.len(), 1, "{text}: {qs:?}");
    qs.into_iter().next().unwrap()
}

fn number(text: &str) -> Number {
    match only(text).kind {
        QuantityKind::Number(n) => n,
        k => panic!("{text}: not a number: {k:?}"),
    }
}

#[test]
fn span_excludes_approx_words() {
    let text = "参数量约 1.17 亿。";
    let q = only(text);
    assert_eq!(&text[q.span.clone()], "1.17 亿");
    assert_eq!(q.span.start, "参数量约 ".len());
    let QuantityKind::Number(n) = q.kind else {
        panic!()
    };
    assert!(n.approx);
    assert_eq!(n.value, 117_000_000.0);
}

#[test]
fn span_excludes_tilde_and_trailing_words() {
    for (text, want) in [
        ("~7B 模型", "7B"),
        ("约为 5万左右", "5万"),
        ("超过 100 亿 tokens 以上", "100 亿 tokens"),
        ("10B+ 的模型", "10B"),
        ("1亿+参数", "1亿+参数"),
        ("（2023.02）", "2023.02"),
        ("于 Feb 2023 发布", "Feb 2023"),
        ("共 800 万个文档、40GB", "800 万个文档"),
    ] {
        let q = &scan(text)[0];
        assert_eq!(&text[q.span.clone()], want, "{text}");
    }
}

#[test]
fn spans_of_a_real_line() {
    let text = "LLama-3.1,3.2: 8B-405B+预训练+指令微调+DPO+1321上下文";
    let spans: Vec<&str> = scan(text).iter().map(|q| &text[q.span.clone()]).collect();
    assert_eq!(spans, ["3.2", "8B-405B", "1321"]);
}

#[test]
fn binary_interval_of_128k() {
    let n = number("128K");
    assert_eq!((n.lo, n.hi), (127_500.0, 128_500.0));
    assert_eq!(n.binary, Some((127.5 * 1024.0, 128.5 * 1024.0)));
    assert_eq!(n.binary, Some((130_560.0, 131_584.0)));
    // Words and Chinese magnitudes have no binary reading.
    assert_eq!(number("128 thousand").binary, None);
    assert_eq!(number("175B").binary, None);
    assert_eq!(number("4万").binary, None);
}

#[test]
fn approx_widens_binary_too() {
    let n = number("约 32K");
    assert_eq!((n.lo, n.hi), (28_800.0, 35_200.0));
    let (blo, bhi) = n.binary.unwrap();
    assert!((blo - 32.0 * 1024.0 * 0.9).abs() < 1e-6 && (bhi - 32.0 * 1024.0 * 1.1).abs() < 1e-6);
}

#[test]
fn stated_precision() {
    for (text, lo, hi) in [
        ("1.17 亿", 1.165e8, 1.175e8),
        ("14.8T", 14.75e12, 14.85e12),
        ("40000", 35_000.0, 45_000.0),
        ("8192", 8192.0, 8192.0),
        ("50000", 45_000.0, 55_000.0),
        ("15 亿", 1.45e9, 1.55e9),
        ("0.5", 0.45, 0.55),
        ("0", 0.0, 0.0),
    ] {
        let n = number(text);
        assert_eq!((n.lo, n.hi), (lo, hi), "{text}");
        assert!(n.lo <= n.value && n.value <= n.hi, "{text}");
    }
}

#[test]
fn ranges_inherit_magnitude_and_unit() {
    let QuantityKind::Range(a, b) = only("7-65B tokens").kind else {
        panic!()
    };
    assert_eq!((a.value, b.value), (7e9, 65e9));
    assert_eq!((a.magnitude, b.magnitude), (Magnitude::B, Magnitude::B));
    assert_eq!((a.unit, b.unit), (Unit::Tokens, Unit::Tokens));
}

#[test]
fn dates_are_calendar_checked() {
    let date = |t: &str| match only(t).kind {
        QuantityKind::Date(d) => d,
        k => panic!("{t}: {k:?}"),
    };
    assert_eq!(
        date("2024-02-29"),
        Date {
            year: 2024,
            month: Some(2),
            day: Some(29)
        }
    );
    assert_eq!(
        date("2000-02-29"),
        Date {
            year: 2000,
            month: Some(2),
            day: Some(29)
        }
    );
    assert!(scan("1900-02-29").is_empty());
    assert!(scan("2023-04-31").is_empty());
    assert!(scan("2023.00")
        .iter()
        .all(|q| !matches!(q.kind, QuantityKind::Date(_))));
    // An impossible day keeps the valid year and month in the Chinese form.
    let qs = scan("2023年2月30日");
    assert_eq!(qs[0].span, 0.."2023年2月".len());
    assert_eq!(
        qs[0].kind,
        QuantityKind::Date(Date {
            year: 2023,
            month: Some(2),
            day: None
        })
    );
}

/// Structural invariants that must hold for any input.
fn check_invariants(text: &str) {
    let qs = scan(text);
    let mut last = 0;
    for q in &qs {
        assert!(
            q.span.start >= last && q.span.start < q.span.end,
            "{text:?}: {qs:?}"
        );
        assert!(text.is_char_boundary(q.span.start) && text.is_char_boundary(q.span.end));
        last = q.span.end;
        let nums: Vec<&Number> = match &q.kind {
            QuantityKind::Number(n) => vec![n],
            QuantityKind::Range(a, b) => vec![a, b],
            QuantityKind::Date(_) => vec![],
        };
        for n in nums {
            assert!(
                n.value.is_finite() && n.lo.is_finite() && n.hi.is_finite(),
                "{text:?}"
            );
            assert!(n.lo <= n.value && n.value <= n.hi, "{text:?}: {n:?}");
            if let Some((a, b)) = n.binary {
                assert!(a.is_finite() && b.is_finite() && a <= b);
            }
        }
    }
    assert!(last <= text.len());
}

#[test]
fn hostile_inputs() {
    let long_digits = "9".repeat(5000);
    let many_groups = format!("1{}", ",000".repeat(2000));
    let dots = "1.".repeat(3000);
    let dashes = "1-".repeat(3000);
    let colons = "1:".repeat(3000);
    let quotes = format!("{}1", ">".repeat(3000));
    let mixed = "约 1.17 亿 GPT-4 2023.07.18 ８１９２ 7B-65B+ ".repeat(500);
    let spaces = format!("约{}1亿{}左右", " ".repeat(3000), " ".repeat(3000));
    for text in [
        "",
        "\0",
        "\0\u{1}1\0",
        "1e400",
        "999999999999999999999999999999",
        "..........",
        "1,",
        "1.",
        "1,000,",
        "2023.",
        "2023-",
        "2023年",
        "2023年13月",
        "Feb",
        "Feb 30, 2023",
        "0.000000000000000001",
        "\u{FF10}\u{FF10}\u{FF10}",
        "\u{EF}\u{BC}",
        "\u{FFFF}1\u{FFFF}",
        long_digits.as_str(),
        many_groups.as_str(),
        dots.as_str(),
        dashes.as_str(),
        colons.as_str(),
        quotes.as_str(),
        mixed.as_str(),
        spaces.as_str(),
    ] {
        check_invariants(text);
    }
}

#[test]
fn pseudo_random_inputs() {
    // A fixed xorshift stream over an alphabet rich in digits, separators, units
    // and multi-byte characters; every prefix length is exercised.
    const ALPHABET: &[&str] = &[
        "0", "1", "2", "9", "０", "５", ".", ",", "-", "–", "~", "～", "+", "%", ":", "^", "/",
        " ", "\n", "B", "K", "k", "G", "T", "M", "b", "e", "x", "i", "亿", "万", "千", "年", "月",
        "日", "份", "个", "文档", "约", "左右", "以上", "超过", "token", "s", "Feb", "(", "（",
        "）", ">", "<", "\0", "\u{FFFF}", "A", "_",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut text = String::new();
    for _ in 0..3000 {
        text.clear();
        let len = (next() % 40) as usize;
        for _ in 0..len {
            text.push_str(ALPHABET[(next() % ALPHABET.len() as u64) as usize]);
        }
        check_invariants(&text);
    }
}

#[test]
fn arbitrary_bytes_as_utf8() {
    let mut state: u64 = 12345;
    let mut bytes = Vec::with_capacity(4096);
    for _ in 0..4096 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        bytes.push((state >> 56) as u8);
    }
    let text = String::from_utf8_lossy(&bytes);
    check_invariants(&text);
}

#[test]
fn large_input_is_linear() {
    // 4 MB of realistic notes plus pathological runs; must finish quickly even in
    // a debug build (a quadratic scanner would not).
    let line = "- LLamma-1: 7B-65B+预训练+2K上下文，参数量约 1.17 亿（2023.07.18），GPT-4 共 800 万个文档、40GB\n";
    let mut text = line.repeat(4_000_000 / line.len());
    text.push_str(&"1".repeat(1_000_000));
    text.push_str(&"1.".repeat(500_000));
    let start = std::time::Instant::now();
    let qs = scan(&text);
    assert!(qs.len() > 30_000);
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}

/// The plain definition `lex::next_digit_lead` must agree with.
fn next_digit_lead_plain(b: &[u8], i: usize) -> Option<usize> {
    b.get(i..)?
        .iter()
        .position(|&c| c.is_ascii_digit() || c == 0xEF)
        .map(|k| i + k)
}

#[test]
fn next_digit_lead_matches_its_definition_on_every_byte() {
    for v in 0..=255u8 {
        for fill in [b'a', 0x80, 0xFF, 0x2F, 0x3A, 0xEE, 0xF0] {
            for len in 0..20 {
                for at in 0..len {
                    let mut b = vec![fill; len];
                    b[at] = v;
                    for i in 0..=len + 1 {
                        assert_eq!(
                            lex::next_digit_lead(&b, i),
                            next_digit_lead_plain(&b, i),
                            "{b:?} from {i}"
                        );
                    }
                }
            }
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn next_digit_lead_matches_its_definition(
            b in proptest::collection::vec(any::<u8>(), 0..80),
            i in 0usize..90,
        ) {
            prop_assert_eq!(lex::next_digit_lead(&b, i), next_digit_lead_plain(&b, i));
        }
    }
}
