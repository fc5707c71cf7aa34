//! Language features end to end: a two-note workspace where one note says GPT-2
//! was trained on 40GB and the other 45GB (the KB says 40GB: LN001 on 45GB), and
//! one says GPT-4 saw 13T tokens and the other 10T (the KB has no figure: LN002 on
//! both).

#[path = "lsp/client.rs"]
mod client;

use std::path::{Path, PathBuf};

use client::{apply_edits, file_uri, position_of, Client};
use serde_json::{json, Value};

const NOTE_A: &str =
    "# GPT-2 笔记\n\nGPT-2 的训练数据是 40GB 的 WebText。\n\nGPT-4 据传用了 13T tokens 训练。\n";
const NOTE_B: &str = "# 模型对比 😀\r\n\r\nGPT-2 的训练数据是 45GB 😀 的 WebText。\r\n\r\nGPT-4 😀 据传用了 10T tokens 训练。\r\n\r\n- LLama-3.1 的上下文是 1321。\r\n- LLamma-1 65B\r\n";

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    a: String,
    b: String,
    c: Client,
    utf8: bool,
}

fn fixture_with(utf8: bool, options: Value, extra: &[(&str, &str)]) -> Fixture {
    let mut files = vec![("notes/a.md", NOTE_A), ("notes/b.md", NOTE_B)];
    files.extend_from_slice(extra);
    let (dir, root) = client::workspace(&files);
    let mut c = Client::spawn();
    c.initialize(Some(&root), Client::capabilities(utf8), options);
    let a = file_uri(&root.join("notes/a.md"));
    let b = file_uri(&root.join("notes/b.md"));
    Fixture {
        _dir: dir,
        root,
        a,
        b,
        c,
        utf8,
    }
}

fn fixture() -> Fixture {
    fixture_with(false, Value::Null, &[])
}

impl Fixture {
    /// The LSP range of the `nth` occurrence of `needle` in `text`.
    fn range(&self, text: &str, needle: &str, nth: usize) -> Value {
        let start = text.match_indices(needle).nth(nth).expect("needle").0;
        json!({
            "start": position_of(text, start, self.utf8),
            "end": position_of(text, start + needle.len(), self.utf8),
        })
    }

    fn pos(&self, text: &str, needle: &str, nth: usize, plus: usize) -> Value {
        let start = text.match_indices(needle).nth(nth).expect("needle").0;
        position_of(text, start + plus, self.utf8)
    }

    fn at(&self, uri: &str, position: Value) -> Value {
        json!({"textDocument": {"uri": uri}, "position": position})
    }
}

fn codes(diags: &[Value]) -> Vec<&str> {
    diags.iter().filter_map(|d| d["code"].as_str()).collect()
}

fn text_at(path: &Path, range: &Value) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let s = client::offset_of(
        &text,
        range["start"]["line"].as_u64().unwrap() as usize,
        range["start"]["character"].as_u64().unwrap() as usize,
        false,
    );
    let e = client::offset_of(
        &text,
        range["end"]["line"].as_u64().unwrap() as usize,
        range["end"]["character"].as_u64().unwrap() as usize,
        false,
    );
    text[s..e].to_string()
}

fn uri_to_path(uri: &str) -> PathBuf {
    let raw = uri.strip_prefix("file://").expect("file uri");
    let mut bytes = Vec::new();
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            bytes.push(u8::from_str_radix(&raw[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            bytes.push(b[i]);
            i += 1;
        }
    }
    PathBuf::from(String::from_utf8(bytes).unwrap())
}

#[test]
fn unopened_notes_get_kb_and_cross_note_diagnostics_with_progress() {
    let mut f = fixture();
    let b = f.b.clone();
    let a = f.a.clone();
    let diags = f.c.wait_diagnostics(&b, |d| {
        let c = codes(d);
        c.contains(&"LN001") && c.contains(&"LN002")
    });
    let ln001 = diags
        .iter()
        .find(|d| d["code"] == "LN001" && d["range"] == f.range(NOTE_B, "45GB", 0))
        .unwrap_or_else(|| panic!("LN001 on 45GB: {diags:#?}"));
    assert_eq!(ln001["source"], "llmnotes");
    assert_eq!(ln001["severity"], 1);
    assert!(ln001["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("#ln001-kb-mismatch"));
    assert!(
        ln001["message"].as_str().unwrap().contains("40GB"),
        "{ln001}"
    );
    assert_eq!(ln001["data"]["rule"], "kb-mismatch");
    // Related: the KB entry, in a real file whose text at the range is the id.
    let related = ln001["relatedInformation"].as_array().unwrap();
    let kb = related
        .iter()
        .find(|r| {
            r["location"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("kb/openai.toml")
        })
        .unwrap_or_else(|| panic!("KB location in {related:#?}"));
    let kb_path = uri_to_path(kb["location"]["uri"].as_str().unwrap());
    assert!(
        kb_path.starts_with(f.c.cache_dir()),
        "{}",
        kb_path.display()
    );
    assert!(text_at(&kb_path, &kb["location"]["range"]).contains("gpt-2"));
    // ... and the other note, which agrees with the KB (and raises nothing).
    let agreeing = related
        .iter()
        .find(|r| r["location"]["uri"] == a.as_str())
        .unwrap_or_else(|| panic!("a.md in {related:#?}"));
    assert_eq!(agreeing["location"]["range"], f.range(NOTE_A, "40GB", 0));
    assert!(agreeing["message"]
        .as_str()
        .unwrap()
        .contains("knowledge base"));
    assert!(!diags
        .iter()
        .any(|d| d["code"] == "LN002" && d["range"] == ln001["range"]));
    // LN002 where the KB has no figure, on the unopened note, pointing at the other.
    let ln002 = diags.iter().find(|d| d["code"] == "LN002").unwrap();
    assert_eq!(ln002["range"], f.range(NOTE_B, "10T tokens", 0));
    let other = &ln002["relatedInformation"][0]["location"];
    assert_eq!(other["uri"], a.as_str());
    assert_eq!(other["range"], f.range(NOTE_A, "13T tokens", 0));
    // The other side is flagged too, and only it: 40GB is right.
    let diags_a = f.c.wait_diagnostics(&a, |d| codes(d).contains(&"LN002"));
    assert_eq!(diags_a.len(), 1, "{diags_a:#?}");
    assert_eq!(diags_a[0]["range"], f.range(NOTE_A, "13T tokens", 0));
    // Other findings in b: the Llama 3.1 context and the spelling.
    let diags = f.c.wait_diagnostics(&b, |d| codes(d).contains(&"LN005"));
    assert!(diags
        .iter()
        .any(|d| d["code"] == "LN001" && d["range"] == f.range(NOTE_B, "1321", 0)));
    // Work-done progress: created, begun and ended.
    let ended = f.c.wait_until(client::TIMEOUT, |c| {
        c.notifications
            .iter()
            .any(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end")
    });
    assert!(ended);
    assert!(f
        .c
        .server_requests
        .iter()
        .any(|r| r["method"] == "window/workDoneProgress/create"));
    let kinds: Vec<&str> =
        f.c.notifications
            .iter()
            .filter(|n| n["method"] == "$/progress")
            .filter_map(|n| n["params"]["value"]["kind"].as_str())
            .collect();
    assert_eq!(kinds.first(), Some(&"begin"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"end"), "{kinds:?}");
    // File watchers registered for notes, config and KB files.
    let reg =
        f.c.server_requests
            .iter()
            .find(|r| r["method"] == "client/registerCapability")
            .expect("registration");
    let globs: Vec<&str> = reg["params"]["registrations"][0]["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["globPattern"].as_str())
        .collect();
    assert_eq!(globs, ["**/*.md", "**/*.markdown", "**/llmnotes.toml"]);
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn editing_a_note_republishes_every_affected_note_and_clears_resolved_ones() {
    let mut f = fixture();
    let (a, b) = (f.a.clone(), f.b.clone());
    f.c.wait_diagnostics(&a, |d| codes(d).contains(&"LN002"));
    f.c.open(&b, NOTE_B);
    let range = f.range(NOTE_B, "10T", 0);
    f.c.change(&b, 2, json!([{"range": range, "text": "13T"}]));
    let fixed = NOTE_B.replacen("10T", "13T", 1);
    let diags = f.c.wait_diagnostics(&b, |d| {
        !codes(d).contains(&"LN002") && codes(d).iter().filter(|c| **c == "LN001").count() == 2
    });
    assert_eq!(f.c.diagnostics[&b]["version"], 2);
    assert!(diags
        .iter()
        .any(|d| d["range"] == f.range(&fixed, "1321", 0)));
    // The unopened note's conflict went away: an empty list was published.
    f.c.wait_diagnostics(&a, |d| d.is_empty());
    // Reintroduce the conflict: both sides come back.
    let range = f.range(&fixed, "13T", 0);
    f.c.change(&b, 3, json!([{"range": range, "text": "10T"}]));
    f.c.wait_diagnostics(&a, |d| codes(d).contains(&"LN002"));
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn hover_on_a_mention_shows_the_facts_card_with_workspace_count() {
    let mut f = fixture();
    let b = f.b.clone();
    f.c.wait_diagnostics(&b, |d| !d.is_empty());
    f.c.open(&b, NOTE_B);
    let pos = f.pos(NOTE_B, "GPT-2", 0, 2);
    let hover = f.c.request("textDocument/hover", f.at(&b, pos));
    let md = hover["contents"]["value"].as_str().unwrap();
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert!(md.starts_with("### GPT-2"), "{md}");
    assert!(md.contains("40GB"), "{md}");
    // a.md mentions GPT-2 twice (heading and text), b.md once.
    assert!(md.contains("Mentioned 3 times"), "{md}");
    assert_eq!(hover["range"], f.range(NOTE_B, "GPT-2", 0));
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn hover_on_a_number_says_what_the_kb_says_and_whether_it_agrees() {
    let mut f = fixture();
    let (a, b) = (f.a.clone(), f.b.clone());
    f.c.wait_diagnostics(&b, |d| codes(d).contains(&"LN002"));
    f.c.open(&b, NOTE_B);
    f.c.open(&a, NOTE_A);
    let hover =
        f.c.request("textDocument/hover", f.at(&b, f.pos(NOTE_B, "45GB", 0, 1)));
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("**40GB**"), "{md}");
    assert!(md.contains("https://"), "source URL: {md}");
    assert!(md.contains("contradicts"), "{md}");
    assert_eq!(hover["range"], f.range(NOTE_B, "45GB", 0));
    let hover =
        f.c.request("textDocument/hover", f.at(&a, f.pos(NOTE_A, "40GB", 0, 0)));
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("agrees"), "{md}");
    // Nothing under the cursor: null.
    let hover = f.c.request(
        "textDocument/hover",
        f.at(&a, f.pos(NOTE_A, "WebText", 0, 2)),
    );
    assert_eq!(hover, Value::Null);
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn definition_lands_on_the_kb_id_line_and_on_note_headings() {
    let mut f = fixture();
    let b = f.b.clone();
    f.c.wait_diagnostics(&b, |d| !d.is_empty());
    f.c.open(&b, NOTE_B);
    let defs = f.c.request(
        "textDocument/definition",
        f.at(&b, f.pos(NOTE_B, "GPT-2", 0, 0)),
    );
    let defs = defs.as_array().expect("locations");
    let kb_path = uri_to_path(defs[0]["uri"].as_str().unwrap());
    assert!(kb_path.ends_with("kb/openai.toml"), "{}", kb_path.display());
    assert!(kb_path.is_file());
    let kb_text = std::fs::read_to_string(&kb_path).unwrap();
    let line = defs[0]["range"]["start"]["line"].as_u64().unwrap() as usize;
    assert_eq!(kb_text.lines().nth(line).unwrap(), "id = \"gpt-2\"");
    assert!(text_at(&kb_path, &defs[0]["range"]).contains("gpt-2"));
    // The heading of a.md that names GPT-2.
    assert!(
        defs.iter()
            .any(|d| d["uri"] == f.a.as_str() && d["range"]["start"]["line"] == 0),
        "{defs:#?}"
    );
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn references_list_every_mention_in_the_workspace() {
    let mut f = fixture();
    let b = f.b.clone();
    f.c.wait_diagnostics(&b, |d| !d.is_empty());
    let mut params = f.at(&b, f.pos(NOTE_B, "GPT-2", 0, 3));
    params["context"] = json!({"includeDeclaration": false});
    let refs = f.c.request("textDocument/references", params);
    let refs = refs.as_array().unwrap();
    let expected = vec![
        json!({"uri": f.a, "range": f.range(NOTE_A, "GPT-2", 0)}),
        json!({"uri": f.a, "range": f.range(NOTE_A, "GPT-2", 1)}),
        json!({"uri": f.b, "range": f.range(NOTE_B, "GPT-2", 0)}),
    ];
    assert_eq!(refs, &expected);
    let mut params = f.at(&b, f.pos(NOTE_B, "GPT-2", 0, 3));
    params["context"] = json!({"includeDeclaration": true});
    let refs = f.c.request("textDocument/references", params);
    assert_eq!(refs.as_array().unwrap().len(), 4);
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn completion_inserts_canonical_names_and_filters_on_aliases() {
    let mut f = fixture();
    let uri = file_uri(&f.root.join("notes/new.md"));
    let text = "阿里的通义\nsee GPT-\n";
    f.c.open(&uri, text);
    let pos = f.pos(text, "通义", 0, "通义".len());
    let items =
        f.c.request("textDocument/completion", f.at(&uri, pos.clone()));
    let items = items.as_array().expect("items");
    let tongyi = items
        .iter()
        .find(|i| i["filterText"] == "通义" && i["label"] == "通义千问")
        .unwrap_or_else(|| panic!("alias item"));
    assert_eq!(tongyi["textEdit"]["newText"], "通义千问");
    assert_eq!(tongyi["textEdit"]["range"], f.range(text, "通义", 0));
    let pos = f.pos(text, "GPT-", 0, 4);
    let items = f.c.request("textDocument/completion", f.at(&uri, pos));
    let gpt2 = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "GPT-2" && i["filterText"] == "GPT-2")
        .expect("GPT-2");
    assert_eq!(gpt2["textEdit"]["range"], f.range(text, "GPT-", 0));
    let resolved = f.c.request("completionItem/resolve", gpt2.clone());
    assert!(resolved["documentation"]["value"]
        .as_str()
        .unwrap()
        .starts_with("### GPT-2"));
    assert!(f.c.shutdown_and_exit().success());
}

fn actions_at(f: &mut Fixture, uri: &str, range: Value) -> Vec<Value> {
    let diags =
        f.c.diagnostics
            .get(uri)
            .map(|d| d["diagnostics"].clone())
            .unwrap_or(json!([]));
    let r = f.c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": diags}}),
    );
    r.as_array().cloned().unwrap_or_default()
}

fn apply(f: &Fixture, text: &str, uri: &str, action: &Value) -> String {
    let edits = action["edit"]["changes"][uri].as_array().expect("edits");
    apply_edits(text, edits, f.utf8)
}

fn code_actions_fix_numbers_spelling_and_disable(utf8: bool) {
    let mut f = fixture_with(utf8, Value::Null, &[]);
    let b = f.b.clone();
    f.c.open(&b, NOTE_B);
    f.c.wait_diagnostics(&b, |d| {
        codes(d).contains(&"LN005") && codes(d).contains(&"LN002")
    });
    let title = |a: &Value| a["title"].as_str().unwrap_or("").to_string();
    // 45GB → 40GB
    let r = f.range(NOTE_B, "45GB", 0);
    let actions = actions_at(&mut f, &b, r);
    let replace = actions
        .iter()
        .find(|a| title(a).contains("40GB"))
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(replace["kind"], "quickfix");
    assert_eq!(replace["diagnostics"][0]["code"], "LN001");
    let fixed = apply(&f, NOTE_B, &b, replace);
    assert_eq!(fixed, NOTE_B.replacen("45GB", "40GB", 1));
    // 1321 → 128K
    let r = f.range(NOTE_B, "1321", 0);
    let actions = actions_at(&mut f, &b, r);
    let replace = actions.iter().find(|a| title(a).contains("128K")).unwrap();
    assert_eq!(
        apply(&f, NOTE_B, &b, replace),
        NOTE_B.replacen("1321", "128K", 1)
    );
    // LLamma → LLaMA
    let r = f.range(NOTE_B, "LLamma", 0);
    let actions = actions_at(&mut f, &b, r);
    let spell = actions
        .iter()
        .find(|a| a["diagnostics"][0]["code"] == "LN005" && !title(a).starts_with("Disable"))
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert_eq!(
        apply(&f, NOTE_B, &b, spell),
        NOTE_B.replacen("LLamma-1", "LLaMA-1", 1)
    );
    // Disable for the next line, then the finding goes away.
    let r = f.range(NOTE_B, "1321", 0);
    let actions = actions_at(&mut f, &b, r);
    let disable = actions
        .iter()
        .find(|a| title(a) == "Disable kb-mismatch for this line")
        .unwrap();
    let disabled = apply(&f, NOTE_B, &b, disable);
    assert!(
        disabled.contains("\r\n<!-- llmnotes-disable-next-line kb-mismatch -->\r\n- LLama-3.1"),
        "{disabled}"
    );
    let edits = disable["edit"]["changes"][&b].clone();
    let changes: Vec<Value> = edits
        .as_array()
        .unwrap()
        .iter()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    f.c.change(&b, 2, Value::Array(changes));
    assert_eq!(f.c.document_text(&b)["text"], disabled.as_str());
    let one321 = f.range(&disabled, "1321", 0);
    f.c.wait_diagnostics(&b, |d| {
        !d.iter().any(|x| x["range"] == one321) && codes(d).contains(&"LN005")
    });
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn code_actions_fix_numbers_spelling_and_disable_utf16() {
    code_actions_fix_numbers_spelling_and_disable(false);
}

#[test]
fn code_actions_fix_numbers_spelling_and_disable_utf8() {
    code_actions_fix_numbers_spelling_and_disable(true);
}

#[test]
fn inlay_hints_are_off_by_default_and_on_by_option() {
    let mut f = fixture();
    let a = f.a.clone();
    f.c.open(&a, NOTE_A);
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}});
    let hints = f.c.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": a}, "range": whole}),
    );
    assert!(
        hints.is_null() || hints.as_array().unwrap().is_empty(),
        "{hints}"
    );
    drop(f);
    let mut f = fixture_with(false, json!({"inlayHints": {"enabled": true}}), &[]);
    let a = f.a.clone();
    f.c.open(&a, NOTE_A);
    let hints = f.c.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": a}, "range": whole}),
    );
    let hints = hints.as_array().unwrap();
    assert_eq!(hints.len(), 3, "{hints:#?}");
    assert_eq!(hints[0]["label"], "‹1.5B · 2019›");
    assert_eq!(hints[0]["position"], f.pos(NOTE_A, "GPT-2", 0, 5));
    assert_eq!(hints[1]["position"], f.pos(NOTE_A, "GPT-2", 1, 5));
    // GPT-4: no published size, only the year.
    assert_eq!(hints[2]["label"], "‹2023›");
    assert_eq!(hints[2]["position"], f.pos(NOTE_A, "GPT-4", 0, 5));
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn symbols_and_semantic_tokens() {
    let mut f = fixture();
    let b = f.b.clone();
    f.c.open(&b, NOTE_B);
    let symbols = f.c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": b}}),
    );
    let top = &symbols[0];
    assert_eq!(top["name"], "模型对比 😀");
    assert_eq!(top["selectionRange"], f.range(NOTE_B, "模型对比 😀", 0));
    let children: Vec<&str> = top["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["GPT-2", "GPT-4", "Llama 3.1", "LLaMA"]);
    let ws = f.c.request("workspace/symbol", json!({"query": "gpt2"}));
    let gpt2 = ws
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "GPT-2")
        .expect("GPT-2 symbol");
    assert!(gpt2["location"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("kb/openai.toml"));
    let tokens = f.c.request(
        "textDocument/semanticTokens/full",
        json!({"textDocument": {"uri": b}}),
    );
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    // Decode: absolute (line, col, len, type) per token.
    let mut decoded = Vec::new();
    let (mut line, mut col) = (0, 0);
    for t in data.chunks(5) {
        if t[0] > 0 {
            line += t[0];
            col = t[1];
        } else {
            col += t[1];
        }
        decoded.push((line, col, t[2], t[3]));
    }
    let tok = |needle: &str, ty: u64| {
        let r = f.range(NOTE_B, needle, 0);
        let len =
            r["end"]["character"].as_u64().unwrap() - r["start"]["character"].as_u64().unwrap();
        (
            r["start"]["line"].as_u64().unwrap(),
            r["start"]["character"].as_u64().unwrap(),
            len,
            ty,
        )
    };
    assert!(decoded.contains(&tok("GPT-2", 0)), "{decoded:?}");
    assert!(decoded.contains(&tok("45GB", 1)), "{decoded:?}");
    assert!(decoded.contains(&tok("1321", 1)), "{decoded:?}");
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn configuration_from_file_settings_and_watched_changes() {
    // llmnotes.toml turns the conflict rule off.
    let mut f = fixture_with(
        false,
        Value::Null,
        &[("llmnotes.toml", "[rules]\nconflict = \"off\"\n")],
    );
    let b = f.b.clone();
    let diags = f.c.wait_diagnostics(&b, |d| codes(d).contains(&"LN001"));
    assert!(!codes(&diags).contains(&"LN002"), "{diags:#?}");
    // Client settings turn kb-mismatch off too.
    f.c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"llmnotes": {"rules": {"kb-mismatch": "off"}}}}),
    );
    f.c.wait_diagnostics(&b, |d| codes(d) == ["LN005"]);
    // The file changes on disk: conflicts are back on, settings still apply.
    std::fs::write(
        f.root.join("llmnotes.toml"),
        "[rules]\nspelling = \"off\"\n",
    )
    .unwrap();
    let cfg = file_uri(&f.root.join("llmnotes.toml"));
    f.c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": cfg, "type": 2}]}),
    );
    f.c.wait_diagnostics(&b, |d| codes(d) == ["LN002"]);
    // A note deleted on disk: the conflict on the other side is cleared.
    std::fs::remove_file(f.root.join("notes/a.md")).unwrap();
    let a = f.a.clone();
    f.c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": a, "type": 3}]}),
    );
    f.c.wait_diagnostics(&b, |d| d.is_empty());
    f.c.wait_diagnostics(&a, |d| d.is_empty());
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn gitignored_notes_are_not_indexed() {
    let mut f = fixture_with(
        false,
        Value::Null,
        &[
            (".gitignore", "ignored/\n"),
            ("ignored/c.md", "GPT-4 据传用了 20T tokens 训练。\n"),
        ],
    );
    let a = f.a.clone();
    f.c.wait_diagnostics(&a, |d| codes(d).contains(&"LN002"));
    let ignored = file_uri(&f.root.join("ignored/c.md"));
    assert!(!f.c.diagnostics.contains_key(&ignored));
    let ln002 = f.c.diagnostics[&a]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "LN002")
        .unwrap()
        .clone();
    let related: Vec<&str> = ln002["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["location"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(related, [f.b.as_str()]);
    assert!(f.c.shutdown_and_exit().success());
}

const LOCAL_KB: &str = "[[model]]\nid = \"notellm-7\"\nname = \"NoteLLM-7\"\norg = \"Notes Lab\"\nreleased = \"2024-05-01\"\nreleased_source = \"https://example.org/notellm\"\nfacts.params = { value = \"7B\", source = \"https://example.org/notellm\" }\n";

#[test]
fn a_workspace_kb_model_is_defined_in_the_workspace_file() {
    let note = "# NoteLLM-7\n\nNoteLLM-7 有 8B 参数。\n";
    let mut f = fixture_with(
        false,
        Value::Null,
        &[
            ("llmnotes.toml", "[kb]\npaths = [\"kb/local.toml\"]\n"),
            ("kb/local.toml", LOCAL_KB),
            ("notes/local.md", note),
        ],
    );
    let uri = file_uri(&f.root.join("notes/local.md"));
    // The overlay's fact is checked: 8B contradicts 7B.
    let diags = f.c.wait_diagnostics(&uri, |d| codes(d).contains(&"LN001"));
    let ln001 = diags.iter().find(|d| d["code"] == "LN001").unwrap();
    assert_eq!(ln001["range"], f.range(note, "8B 参数", 0));
    let kb_uri = file_uri(&f.root.join("kb/local.toml"));
    assert!(
        ln001["relatedInformation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["location"]["uri"] == kb_uri.as_str()),
        "{ln001:#}"
    );
    let defs = f.c.request(
        "textDocument/definition",
        f.at(&uri, f.pos(note, "NoteLLM-7", 1, 2)),
    );
    assert_eq!(defs[0]["uri"], kb_uri.as_str());
    assert_eq!(defs[0]["range"]["start"]["line"], 1, "the id line: {defs}");
    // The KB watcher is registered for the workspace file.
    let reg =
        f.c.server_requests
            .iter()
            .find(|r| r["method"] == "client/registerCapability")
            .expect("registration");
    let watchers = reg["params"]["registrations"][0]["registerOptions"]["watchers"].clone();
    assert!(
        watchers
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["globPattern"]["pattern"] == "local.toml"),
        "{watchers}"
    );
    // The KB file changes: the note now agrees, the finding goes away.
    std::fs::write(
        f.root.join("kb/local.toml"),
        LOCAL_KB.replace("\"7B\"", "\"8B\""),
    )
    .unwrap();
    f.c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": kb_uri, "type": 2}]}),
    );
    f.c.wait_diagnostics(&uri, |d| !codes(d).contains(&"LN001"));
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn hover_on_a_suppression_comment_shows_the_rule_doc() {
    let mut f = fixture();
    let uri = file_uri(&f.root.join("notes/s.md"));
    let text = "<!-- llmnotes-disable-next-line kb-mismatch -->\nGPT-2 的训练数据是 45GB 的 WebText。\n\nGPT-4 据传用了 5T tokens 训练。\n";
    f.c.open(&uri, text);
    let hover = f.c.request(
        "textDocument/hover",
        f.at(&uri, f.pos(text, "kb-mismatch", 0, 3)),
    );
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.starts_with("## LN001 kb-mismatch"), "{md}");
    // And the suppressed claim has no LN001.
    let diags = f.c.wait_diagnostics(&uri, |d| codes(d).contains(&"LN002"));
    assert!(!codes(&diags).contains(&"LN001"), "{diags:#?}");
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn added_workspace_folders_are_indexed_and_removed_ones_forgotten() {
    let mut f = fixture();
    let a = f.a.clone();
    f.c.wait_diagnostics(&a, |d| codes(d).contains(&"LN002"));
    // A second folder whose note conflicts with both.
    let (_dir2, root2) = client::workspace(&[("c.md", "GPT-4 据传用了 20T tokens 训练。\n")]);
    let c_uri = file_uri(&root2.join("c.md"));
    let folder = json!({"uri": file_uri(&root2), "name": "more"});
    f.c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [folder], "removed": []}}),
    );
    let diags =
        f.c.wait_diagnostics(&c_uri, |d| codes(d).contains(&"LN002"));
    assert_eq!(
        diags.iter().find(|d| d["code"] == "LN002").unwrap()["relatedInformation"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Removing it clears its diagnostics and its side of the conflicts.
    f.c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [folder]}}),
    );
    f.c.wait_diagnostics(&c_uri, |d| d.is_empty());
    f.c.wait_diagnostics(&a, |d| {
        d.iter()
            .filter(|x| x["code"] == "LN002")
            .all(|x| x["relatedInformation"].as_array().unwrap().len() == 1)
    });
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn settings_are_pulled_when_the_change_notification_carries_none() {
    let mut f = fixture();
    let b = f.b.clone();
    f.c.wait_diagnostics(&b, |d| codes(d).contains(&"LN001"));
    f.c.configuration = json!({"rules": {"kb-mismatch": "off", "spelling": "hint"}});
    f.c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    let diags = f.c.wait_diagnostics(&b, |d| !codes(d).contains(&"LN001"));
    let pulled =
        f.c.server_requests
            .iter()
            .find(|r| r["method"] == "workspace/configuration")
            .expect("configuration pulled");
    assert_eq!(pulled["params"]["items"][0]["section"], "llmnotes");
    let spelling = diags.iter().find(|d| d["code"] == "LN005").unwrap();
    assert_eq!(spelling["severity"], 4, "hint");
    assert!(f.c.shutdown_and_exit().success());
}

/// Regression: this failed 1 run in 3 when the clearing of the closed note was
/// computed by a run that a newer change interrupted: the deferred publication
/// of a note no longer in the workspace was dropped by the next run.
#[test]
fn closing_a_note_outside_the_workspace_clears_its_diagnostics() {
    let mut f = fixture();
    let outside = tempfile::tempdir().unwrap();
    let uri = file_uri(&outside.path().join("loose.md"));
    let text = "LLamma-1 65B\n";
    f.c.open(&uri, text);
    let diags = f.c.wait_diagnostics(&uri, |d| codes(d).contains(&"LN005"));
    assert_eq!(diags[0]["range"], f.range(text, "LLamma-1", 0));
    f.c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    f.c.wait_diagnostics(&uri, |d| d.is_empty());
    // An untitled buffer is served too.
    let untitled = "untitled:Untitled-1";
    f.c.open(untitled, text);
    f.c.wait_diagnostics(untitled, |d| codes(d).contains(&"LN005"));
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn diagnostics_converge_after_a_burst_of_edits_across_many_notes() {
    let many: Vec<(String, &str)> = (0..120)
        .map(|i| (format!("notes/many/n{i:03}.md"), NOTE_A))
        .collect();
    let files: Vec<(&str, &str)> = many.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    let mut f = fixture_with(false, Value::Null, &files);
    let b = f.b.clone();
    let last = file_uri(&f.root.join("notes/many/n119.md"));
    f.c.wait_diagnostics(&last, |d| codes(d).contains(&"LN002"));
    f.c.open(&b, NOTE_B);
    // Toggle 10T ⇄ 13T without waiting; end on 13T (no conflict anywhere).
    let mut text = NOTE_B.to_string();
    for version in 2..=32 {
        let (old, new) = if version % 2 == 0 {
            ("10T", "13T")
        } else {
            ("13T", "10T")
        };
        let range = f.range(&text, old, 0);
        text = text.replacen(old, new, 1);
        f.c.change(&b, version, json!([{"range": range, "text": new}]));
    }
    assert!(text.contains("13T") && !text.contains("10T"));
    for i in 0..120 {
        let uri = file_uri(&f.root.join(format!("notes/many/n{i:03}.md")));
        f.c.wait_diagnostics(&uri, |d| !codes(d).contains(&"LN002"));
    }
    f.c.wait_diagnostics(&f.a.clone(), |d| d.is_empty());
    // And back: every note shows the conflict again.
    let range = f.range(&text, "13T", 0);
    f.c.change(&b, 33, json!([{"range": range, "text": "10T"}]));
    for i in 0..120 {
        let uri = file_uri(&f.root.join(format!("notes/many/n{i:03}.md")));
        f.c.wait_diagnostics(&uri, |d| codes(d).contains(&"LN002"));
    }
    if std::env::var_os("LLMNOTES_TEST_SHOW_LOG").is_some() {
        eprintln!("{}", f.c.stderr());
    }
    assert!(f.c.shutdown_and_exit().success());
}

#[test]
fn a_broken_workspace_kb_file_gets_diagnostics_that_clear_when_fixed() {
    // A workspace KB file with a fact that is not a number, on line 3.
    let mut f = fixture_with(
        false,
        Value::Null,
        &[
            ("llmnotes.toml", "[kb]\npaths = [\"local.toml\"]\n"),
            (
                "local.toml",
                "[[model]]\nid = \"my-model\"\nfacts.context = { value = \"lots\", source = \"https://example.org\" }\n",
            ),
        ],
    );
    let kb = file_uri(&f.root.join("local.toml"));
    let diags = f.c.wait_diagnostics(&kb, |d| !d.is_empty());
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["range"]["start"]["line"], 2, "{diags:#?}");
    assert!(
        diags[0]["message"].as_str().unwrap().contains("`context`"),
        "{diags:#?}"
    );
    // Fixed on disk: the diagnostics are cleared.
    std::fs::write(
        f.root.join("local.toml"),
        "[[model]]\nid = \"my-model\"\nfacts.context = { value = 4096, source = \"https://example.org\" }\n",
    )
    .unwrap();
    f.c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": kb, "type": 2}]}),
    );
    f.c.wait_diagnostics(&kb, |d| d.is_empty());
    assert!(f.c.shutdown_and_exit().success());
}
