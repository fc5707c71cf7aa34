//! Incremental text sync: edits on CJK, emoji (surrogate pairs) and CRLF text in
//! both position encodings, strict ordering under a burst of edits, and rejected
//! bad edits. The server's copy is read back with `llmnotes/documentText`.

#[path = "lsp/client.rs"]
mod client;

use client::{offset_of, position_of, Client};
use serde_json::{json, Value};

const URI: &str = "file:///tmp/llmnotes-sync/note.md";

fn edit(text: &str, start: usize, end: usize, new: &str, utf8: bool) -> Value {
    json!({
        "range": {"start": position_of(text, start, utf8), "end": position_of(text, end, utf8)},
        "text": new,
    })
}

fn cjk_emoji_edits(utf8: bool) {
    let mut c = Client::spawn();
    let caps = Client::capabilities(utf8);
    let init = c.initialize(None, caps, Value::Null);
    let expected_encoding = if utf8 { "utf-8" } else { "utf-16" };
    assert_eq!(init["capabilities"]["positionEncoding"], expected_encoding);
    let mut text =
        String::from("# 模型 😀\r\nGPT-2 的训练数据是 45GB 😀😀 文本\r\n- 𝕏 LLaMA 65B\n");
    c.open(URI, &text);
    let mut version = 1;
    let steps: Vec<(&str, &str)> = vec![
        ("45GB", "40GB"),                 // after CJK and ASCII
        ("😀😀", "🎉"),                   // replace surrogate pairs
        ("𝕏 ", ""),                       // delete a 4-byte char
        ("文本\r\n", "文本\r\n新行\r\n"), // insert across a CRLF
        ("65B", "六十五亿"),              // ASCII → CJK
    ];
    for (old, new) in steps {
        let start = text.find(old).unwrap();
        let end = start + old.len();
        let change = edit(&text, start, end, new, utf8);
        text.replace_range(start..end, new);
        version += 1;
        c.change(URI, version, json!([change]));
        let got = c.document_text(URI);
        assert_eq!(got["text"], text.as_str(), "after replacing {old:?}");
        assert_eq!(got["version"], version);
    }
    // Several changes in one notification apply in order.
    let a = text.find("🎉").unwrap();
    let first = edit(&text, a, a, "X", utf8);
    text.insert(a, 'X');
    let b = text.find("新行").unwrap();
    let second = edit(&text, b, b + "新行".len(), "line", utf8);
    text.replace_range(b..b + "新行".len(), "line");
    version += 1;
    c.change(URI, version, json!([first, second]));
    assert_eq!(c.document_text(URI)["text"], text.as_str());
    // A column past the end of a line clamps to the line's end (before \r\n).
    let line0_end = text.find('\r').unwrap();
    version += 1;
    c.change(
        URI,
        version,
        json!([{"range": {"start": {"line": 0, "character": 999}, "end": {"line": 0, "character": 999}}, "text": "!"}]),
    );
    text.insert(line0_end, '!');
    assert_eq!(c.document_text(URI)["text"], text.as_str());
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn incremental_edits_on_cjk_emoji_crlf_in_utf16() {
    cjk_emoji_edits(false);
}

#[test]
fn incremental_edits_on_cjk_emoji_crlf_in_utf8() {
    cjk_emoji_edits(true);
}

/// A tiny deterministic PRNG (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn char_boundaries(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect()
}

fn rapid_edits(utf8: bool) {
    let mut c = Client::spawn();
    c.initialize(None, Client::capabilities(utf8), Value::Null);
    let mut text = String::from("# GPT-2 笔记 😀\n\nGPT-2 的训练数据 40GB。\r\nLLaMA 65B 参数\n");
    c.open(URI, &text);
    let pieces = [
        "a",
        "中文",
        "😀",
        "\n",
        "\r\n",
        "GPT-3 175B",
        "",
        "𝕏𝕐",
        "。",
    ];
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for version in 2..=1001 {
        let bounds = char_boundaries(&text);
        let mut start = bounds[rng.below(bounds.len())];
        let mut end = bounds[rng.below(bounds.len())];
        if start > end {
            std::mem::swap(&mut start, &mut end);
        }
        // Keep deletions short so the text does not vanish.
        if end - start > 12 {
            end = *bounds.iter().find(|&&b| b >= start + 6).unwrap_or(&start);
        }
        // Never split a CRLF: an edit between \r and \n has no LSP position.
        if text[..start].ends_with('\r') && text[start..].starts_with('\n') {
            start -= 1;
        }
        if text[..end].ends_with('\r') && text[end..].starts_with('\n') {
            end += 1;
        }
        let new = pieces[rng.below(pieces.len())];
        let change = edit(&text, start, end, new, utf8);
        text.replace_range(start..end, new);
        c.change(URI, version, json!([change]));
    }
    let got = c.document_text(URI);
    assert_eq!(got["version"], 1001);
    assert_eq!(got["text"], text.as_str());
    assert!(!c.stderr().contains("rejected"), "{}", c.stderr());
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn a_thousand_rapid_edits_end_in_the_clients_text_utf16() {
    rapid_edits(false);
}

#[test]
fn a_thousand_rapid_edits_end_in_the_clients_text_utf8() {
    rapid_edits(true);
}

#[test]
fn bad_and_stale_changes_are_rejected_without_corrupting_the_document() {
    let mut c = Client::spawn();
    c.initialize(None, Client::capabilities(false), Value::Null);
    let text = "第一行\n😀 second\n";
    c.open(URI, text);
    // A range on a line that does not exist.
    c.change(
        URI,
        2,
        json!([{"range": {"start": {"line": 7, "character": 0}, "end": {"line": 7, "character": 1}}, "text": "x"}]),
    );
    // A range that ends before it starts.
    c.change(
        URI,
        3,
        json!([{"range": {"start": {"line": 1, "character": 3}, "end": {"line": 0, "character": 0}}, "text": "x"}]),
    );
    // A good change followed by a bad one in the same notification: neither applies.
    c.change(
        URI,
        4,
        json!([
            {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "ok"},
            {"range": {"start": {"line": 99, "character": 0}, "end": {"line": 99, "character": 0}}, "text": "bad"}
        ]),
    );
    let got = c.document_text(URI);
    assert_eq!(got["text"], text);
    assert_eq!(got["version"], 1);
    // A position inside a surrogate pair snaps to the character start.
    c.change(
        URI,
        5,
        json!([{"range": {"start": {"line": 1, "character": 1}, "end": {"line": 1, "character": 1}}, "text": ">"}]),
    );
    let got = c.document_text(URI);
    assert_eq!(got["text"], "第一行\n>😀 second\n");
    // A stale version (not newer than the current one) is refused.
    c.change(
        URI,
        5,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "stale"}]),
    );
    assert_eq!(c.document_text(URI)["text"], "第一行\n>😀 second\n");
    // A change to a document that was never opened.
    c.change("file:///tmp/never-opened.md", 2, json!([{"text": "whole"}]));
    // Full-document replacement still works.
    c.change(URI, 6, json!([{"text": "GPT-3 175B\n"}]));
    assert_eq!(c.document_text(URI)["text"], "GPT-3 175B\n");
    let log = c
        .stderr_when(|l| l.matches("rejected a change").count() >= 4 && l.contains("stale change"));
    assert!(log.matches("rejected a change").count() >= 4, "{log}");
    assert!(log.contains("stale change"), "{log}");
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn offsets_helper_agrees_with_positions() {
    // The test helpers themselves: position_of and offset_of are inverses.
    let text = "a😀b\r\n中c\n";
    for utf8 in [false, true] {
        for (i, _) in text.char_indices() {
            if text[..i].ends_with('\r') {
                continue;
            }
            let p = position_of(text, i, utf8);
            let back = offset_of(
                text,
                p["line"].as_u64().unwrap() as usize,
                p["character"].as_u64().unwrap() as usize,
                utf8,
            );
            assert_eq!(back, i, "{p} utf8={utf8}");
        }
    }
}
