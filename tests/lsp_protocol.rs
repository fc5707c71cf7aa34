//! Protocol hygiene of `llmnotes lsp`, driven over real stdio.

#[path = "lsp/client.rs"]
mod client;

use client::Client;
use serde_json::{json, Value};

#[test]
fn initialize_negotiates_utf16_by_default_and_advertises_features() {
    let mut c = Client::spawn();
    let result = c.initialize(None, Client::capabilities(false), Value::Null);
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    for feature in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "inlayHintProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
    ] {
        assert_eq!(caps[feature], true, "{feature} in {caps}");
    }
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );
    assert_eq!(caps["completionProvider"]["resolveProvider"], true);
    assert_eq!(
        caps["semanticTokensProvider"]["legend"]["tokenTypes"],
        json!(["class", "number"])
    );
    assert_eq!(result["serverInfo"]["name"], "llmnotes");
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn initialize_picks_utf8_when_offered() {
    let mut c = Client::spawn();
    let result = c.initialize(None, Client::capabilities(true), Value::Null);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
}

#[test]
fn requests_before_initialize_are_refused() {
    let mut c = Client::spawn();
    let resp = c.request_raw(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///x.md"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(resp["error"]["code"], -32002, "{resp}");
    // The server still initializes afterwards.
    let result = c.initialize(None, Client::capabilities(false), Value::Null);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
}

#[test]
fn unknown_methods_and_bad_params_get_errors() {
    let mut c = Client::spawn();
    c.initialize(None, Client::capabilities(false), Value::Null);
    let resp = c.request_raw("llmnotes/noSuchMethod", json!({}));
    assert_eq!(resp["error"]["code"], -32601, "{resp}");
    let resp = c.request_raw("textDocument/hover", json!({"textDocument": 42}));
    assert_eq!(resp["error"]["code"], -32602, "{resp}");
    // Unknown notifications are ignored, not fatal.
    c.notify("$/llmnotes/unknown", json!({}));
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn requests_after_shutdown_are_invalid() {
    let mut c = Client::spawn();
    c.initialize(None, Client::capabilities(false), Value::Null);
    c.request("shutdown", Value::Null);
    let resp = c.request_raw(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///x.md"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(resp["error"]["code"], -32600, "{resp}");
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit().code(), Some(0));
}

#[test]
fn exit_without_shutdown_exits_with_1() {
    let mut c = Client::spawn();
    c.initialize(None, Client::capabilities(false), Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit().code(), Some(1));
}

#[test]
fn shutdown_then_exit_exits_with_0_and_logs_only_to_stderr() {
    let mut c = Client::spawn();
    c.initialize(None, Client::capabilities(false), Value::Null);
    let status = c.shutdown_and_exit_keep();
    assert_eq!(status.0.code(), Some(0));
    assert!(status.1.contains("initialized"), "log: {}", status.1);
}

trait KeepLog {
    fn shutdown_and_exit_keep(&mut self) -> (std::process::ExitStatus, String);
}

impl KeepLog for Client {
    fn shutdown_and_exit_keep(&mut self) -> (std::process::ExitStatus, String) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = self.wait_exit();
        std::thread::sleep(std::time::Duration::from_millis(50));
        (status, self.stderr())
    }
}

#[test]
fn malformed_messages_do_not_crash_the_server() {
    let mut c = Client::spawn();
    c.initialize(None, Client::capabilities(false), Value::Null);
    // Not JSON.
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    // JSON, but not JSON-RPC.
    c.send_raw(b"Content-Length: 2\r\n\r\n[]");
    // A request for a document the server never saw, at an absurd position.
    let resp = c.request_raw(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.md"}, "position": {"line": 4000000000u32, "character": 4000000000u32}}),
    );
    assert_eq!(resp["result"], Value::Null, "{resp}");
    // Positions far outside an open document.
    c.open("file:///tmp/a.md", "GPT-2 😀\n");
    for (line, ch) in [(0, 9999), (99, 0), (1, 5), (0, 7)] {
        let resp = c.request_raw(
            "textDocument/hover",
            json!({"textDocument": {"uri": "file:///tmp/a.md"}, "position": {"line": line, "character": ch}}),
        );
        assert!(resp.get("error").is_none(), "{resp}");
    }
    let resp = c.request_raw(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": "file:///tmp/a.md"},
               "range": {"start": {"line": 5, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": []}}),
    );
    assert!(resp.get("error").is_none(), "{resp}");
    // Still alive and answering.
    let text = c.document_text("file:///tmp/a.md");
    assert_eq!(text["text"], "GPT-2 😀\n");
    // The unparsable messages were answered with JSON-RPC errors (id null).
    let codes: Vec<i64> = c
        .orphan_responses
        .iter()
        .filter_map(|m| m["error"]["code"].as_i64())
        .collect();
    assert!(codes.contains(&-32700), "parse error expected: {codes:?}");
    assert!(c.shutdown_and_exit().success());
}

#[test]
fn cancelled_requests_get_a_result_or_request_cancelled() {
    let mut c = Client::spawn();
    c.initialize(None, Client::capabilities(false), Value::Null);
    c.open("file:///tmp/c.md", "GPT-2\n");
    let id = c.send_request("workspace/symbol", json!({"query": ""}));
    c.notify("$/cancelRequest", json!({"id": id}));
    let resp = c.response(id);
    let cancelled = resp["error"]["code"] == -32800;
    let answered = resp.get("result").is_some();
    assert!(cancelled || answered, "{resp}");
    assert!(c.shutdown_and_exit().success());
}
